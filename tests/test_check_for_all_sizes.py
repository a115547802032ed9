"""derivkit check with sums over a symbolic size: "proved for all m" from the sum algebra, and only when earned."""

from __future__ import annotations

import json

from derivations import registry
from derivations.checking.check import Verdict, check, check_against, check_text
from derivations.topics import batchnorm as bn
from numerics.cli.main import main

MEAN = "Sum(x[i], (i, 1, m))/m"
VARIANCE = f"Sum((x[k] - {MEAN})**2, (k, 1, m))/m"


def test_the_variance_gradient_is_proved_for_all_m():
    # ∂σ²/∂x_j = (2/m)(x_j − μ) (batch norm, seed 000)
    r = check_text(f"2/m*(x[j] - {MEAN})", derivative_of=VARIANCE, wrt="x[j]", assume=["m >= 2 integer"])
    assert r.verdict is Verdict.EQUIVALENT and r.method == "symbolic (sum algebra)"
    assert "proved for all m" in r.diagnostics and "for every index j in 1..m" in r.diagnostics


def test_wrong_variance_gradients_are_different_and_never_proved_for_all_m():
    for wrong in (f"2/(m-1)*(x[j] - {MEAN})", "2/m*x[j]", f"2/m*(x[j] + {MEAN})", f"1/m*(x[j] - {MEAN})"):
        r = check_text(wrong, derivative_of=VARIANCE, wrt="x[j]", assume=["m >= 2 integer"])
        assert r.verdict is Verdict.DIFFERENT and r.counterexample, wrong
        assert not any("for all m" in note for note in r.diagnostics), wrong


def test_the_batchnorm_input_gradient_is_proved_for_all_m_by_check():
    d = registry.get("batchnorm.dx")
    right = d.steps[0].rhs
    r = check(right, derivative_of=(bn.LOSS, bn.x[bn.j]), definitions=d.definitions, indices=d.indices)
    assert r.verdict is Verdict.EQUIVALENT and "proved for all m" in r.diagnostics
    wrong = check(right.subs(bn.m * bn.g[bn.j], bn.g[bn.j]), derivative_of=(bn.LOSS, bn.x[bn.j]),
                  definitions=d.definitions, indices=d.indices)
    assert wrong.verdict is Verdict.DIFFERENT and wrong.counterexample
    assert "proved for all m" not in wrong.diagnostics
    rearranged = ("gamma/sqrt(sigma2 + epsilon)*(g[j] - Sum(g[k], (k, 1, m))/m"
                  " - xhat[j]*Sum(g[k]*xhat[k], (k, 1, m))/m)")
    against = check_against(rearranged, d)
    assert against.verdict is Verdict.EQUIVALENT and "proved for all m" in against.diagnostics


def test_geometric_sums_are_proved_for_all_t():
    cleared = check_text("1 - a^t", "(1 - a)*Sum(a^(t - i), (i, 1, t))", assume=["t >= 1 integer"])
    assert cleared.verdict is Verdict.EQUIVALENT and "proved for all t" in cleared.diagnostics
    # the closed form divides by 1 − a: proved where the assumptions keep a away from 1, and only there
    away = check_text("(1 - a^t)/(1 - a)", "Sum(a^(t - i), (i, 1, t))", assume=["a in (0, 0.99)", "t >= 1 integer"])
    assert away.verdict is Verdict.EQUIVALENT and "proved for all t" in away.diagnostics
    touching = check_text("(1 - a^t)/(1 - a)", "Sum(a^(t - i), (i, 1, t))", assume=["a in (0, 2)", "t >= 1 integer"])
    assert "proved for all t" not in touching.diagnostics
    wrong = check_text("1 - a^(t - 1)", "(1 - a)*Sum(a^(t - i), (i, 1, t))", assume=["a > 0", "t >= 1 integer"])
    assert wrong.verdict is Verdict.DIFFERENT and wrong.counterexample


def test_fixed_bounds_and_unknown_index_ranges_do_not_use_the_algebra():
    r = check_text("Sum(x[i], (i, 1, 3))", "x[1] + x[2] + x[3]")
    assert r.verdict is Verdict.EQUIVALENT and r.method != "symbolic (sum algebra)"
    # two sizes and a free index: which one j runs to would be a guess, so no general proof is claimed
    two = check_text("Sum(x[i], (i, 1, m)) + Sum(y[i], (i, 1, n)) + x[j]", "x[j] + Sum(x[i], (i, 1, m)) + Sum(y[i], (i, 1, n))",
                     assume=["m >= 1 integer", "n >= 1 integer"])
    assert two.verdict is Verdict.EQUIVALENT and two.method != "symbolic (sum algebra)"
    assert not any("for all" in note for note in two.diagnostics)


def test_cli_json_says_proved_for_all_m(capsys):
    code = main(["check", f"2/m*(x[j] - {MEAN})", "--derivative-of", VARIANCE, "--wrt", "x[j]",
                 "--assume", "m >= 2 integer", "--json"])
    record = json.loads(capsys.readouterr().out)
    assert code == 0 and record["verdict"] == "equivalent" and "proved for all m" in record["diagnostics"]
