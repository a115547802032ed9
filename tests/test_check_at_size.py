"""``check --n N``: formulas with sums in n checked at n = N, against SciPy's chained Rosenbrock gradient.

The reference is ``scipy.optimize.rosen_der``, SciPy's hand-written gradient of
:math:`f(x) = \\sum_{i=0}^{n-2} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2`.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import rosen_der

from derivations.checking.at_size import at_size, check_at_size
from derivations.reading.parsing import parse_expression
from numerics.cli.main import main

ROSEN = "Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))"
N = 1000


def interior(k: int) -> str:
    """The hand formula of ∂f/∂x_k for 0 < k < n-1."""
    return f"200*(x[{k}]-x[{k - 1}]^2) - 400*x[{k}]*(x[{k + 1}]-x[{k}]^2) - 2*(1-x[{k}])"


def entry_function(k: int):
    """∂f/∂x_k at n = N from the structure, as a function of the full vector x."""
    expr = at_size(sp.diff(parse_expression(ROSEN), parse_expression(f"x[{k}]")), N)
    names = sorted(expr.free_symbols, key=lambda s: s.name)
    indices = [int(s.name[2:-1]) for s in names]
    f = sp.lambdify(names, expr, "math")
    return lambda x: f(*(x[j] for j in indices))


@pytest.mark.parametrize("k", [0, 1, 2, 499, 500, 997, 998, 999])
def test_gradient_entries_agree_with_rosen_der(k):
    rng = np.random.default_rng(k)
    for _ in range(3):
        x = rng.uniform(-2, 2, N)
        assert entry_function(k)(x) == pytest.approx(rosen_der(x)[k], rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("k", [0, 500, 999])
def test_gradient_entries_agree_with_central_differences(k):
    rng = np.random.default_rng(10 + k)
    x = rng.uniform(-2, 2, N)
    h = 1e-5

    def rosen(y):
        return float(np.sum(100 * (y[1:] - y[:-1] ** 2) ** 2 + (1 - y[:-1]) ** 2))

    e = np.zeros(N)
    e[k] = h
    assert entry_function(k)(x) == pytest.approx((rosen(x + e) - rosen(x - e)) / (2 * h), rel=1e-6)


@pytest.mark.parametrize("k, claim", [
    (500, interior(500)),
    (0, "-400*x[0]*(x[1]-x[0]^2) - 2*(1-x[0])"),
    (N - 1, f"200*(x[{N - 1}]-x[{N - 2}]^2)"),
])
def test_right_entries_are_equivalent_at_n(k, claim):
    r = check_at_size(claim, derivative_of=ROSEN, wrt=f"x[{k}]", n=N)
    assert r.verdict.value == "equivalent"
    assert r.method.endswith(f"at n = {N}")
    assert r.scope == {"n": N, "indices": {}, "proved_for_all_n": False}
    assert any(f"shown at n = {N} only" in d for d in r.diagnostics)
    assert not any("proved for all" in d for d in r.diagnostics)


def _refuted_against_scipy(claim: str, k: int, expected_text: str | None = None):
    if expected_text is None:
        r = check_at_size(claim, derivative_of=ROSEN, wrt=f"x[{k}]", n=N)
    else:
        r = check_at_size(claim, expected_text, n=N)
    assert r.verdict.value == "different"
    point = dict(r.counterexample)
    x = np.full(N, 0.3)  # entries the counterexample does not name do not enter ∂f/∂x_k
    for name, value in point.items():
        x[int(name[2:-1])] = float(sp.Rational(value))
    assert float(sp.Rational(r.expected_value)) == pytest.approx(rosen_der(x)[k], rel=1e-12)
    assert float(sp.Rational(r.claimed_value)) != pytest.approx(rosen_der(x)[k], rel=1e-6)
    return r


def test_wrong_middle_entry_is_refuted_with_a_counterexample():
    wrong = interior(500).replace("- 400*", "+ 400*")  # sign error in the coupling to x[501]
    r = _refuted_against_scipy(wrong, 500)
    assert {"x[500]", "x[501]"} <= set(dict(r.counterexample))


def test_wrong_first_entry_is_refuted():
    # the interior formula with the missing x[-1] read as 0: a spurious 200*x[0]
    _refuted_against_scipy("200*x[0] - 400*x[0]*(x[1]-x[0]^2) - 2*(1-x[0])", 0)


def test_wrong_last_entry_is_refuted():
    # x[n-1] is in no (1 - x[i])^2 term: the claim adds one
    _refuted_against_scipy(f"200*(x[{N - 1}]-x[{N - 2}]^2) - 2*(1-x[{N - 1}])", N - 1)


def test_expected_written_with_diff_at_n():
    right = check_at_size(interior(3), f"diff({ROSEN}, x[3])", n=10_000)
    assert right.verdict.value == "equivalent" and right.scope["n"] == 10_000
    wrong = interior(3).replace("200*(", "100*(", 1)
    _refuted_against_scipy(wrong, 3, f"diff({ROSEN}, x[3])")


def test_free_index_is_instantiated_at_the_ends_and_the_middle():
    r = check_at_size("2*x[k]", derivative_of="Sum(x[i+1]^2 + x[i]^2, (i, 0, n-2))", wrt="x[k]", n=N)
    # 2*x[k] is right only at the two ends (x[0] and x[n-1] are in one term); 4*x[k] inside
    assert r.verdict.value == "different"
    assert dict(r.counterexample)["k"] == "1"
    assert r.scope["indices"] == {"k": [0, 1, 499, 998, 999]}


def test_both_scopes_when_the_sum_algebra_proves_it():
    r = check_at_size("2*x[k]", derivative_of="Sum(x[i]^2, (i, 1, n))", wrt="x[k]", n=N,
                      assume=["n > 0 integer"])
    assert r.verdict.value == "equivalent"
    assert r.scope == {"n": N, "indices": {"k": [1, 2, 500, 999, 1000]}, "proved_for_all_n": True}
    assert any(d.startswith("also proved for all n") for d in r.diagnostics)


def test_whole_sums_at_n():
    same = check_at_size("Sum(x[i]^2, (i, 0, n-1))", "Sum(x[j]^2, (j, 0, n-1))", n=N)
    assert same.verdict.value == "equivalent"
    off = check_at_size("Sum(x[i]^2, (i, 0, n-1))", "Sum(x[j]^2, (j, 0, n-2))", n=N)
    assert off.verdict.value == "different" and f"x[{N - 1}]" in dict(off.counterexample)


def test_cli_json_says_what_was_shown(capsys):
    code = main(["check", interior(500), "--derivative-of", ROSEN, "--wrt", "x[500]", "--n", str(N), "--json"])
    record = json.loads(capsys.readouterr().out)
    assert code == 0 and record["verdict"] == "equivalent"
    assert record["scope"] == {"n": N, "indices": {}, "proved_for_all_n": False}
    assert record["method"].endswith(f"at n = {N}")
    assert not any("for all n" in d and "not" not in d for d in record["diagnostics"])


@pytest.mark.parametrize("argv, message", [
    (["Sum(x[i]^2,(i,0,n-1))", "Sum(x[j]^2,(j,0,n-1))", "--n", "0"], "--n must be an integer from 1 to 1,000,000"),
    (["Sum(x[i]^2,(i,0,n-1))", "Sum(x[j]^2,(j,0,n-1))", "--n", "1000001"], "--n must be an integer"),
    (["Sum(x[i]^2,(i,0,n-1))", "Sum(x[j]^2,(j,0,n-1))", "--n", "2.5"], "--n must be an integer"),
    (["Sum(x[i]^2,(i,0,n-1))", "Sum(x[j]^2,(j,0,n-1))", "--n", "10**9"], "--n must be an integer"),
    (["x^2", "x*x", "--n", "5"], "no formula mentions n"),
    (["Sum(x[i]^2,(i,0,n-1))", "--against", "batchnorm.dx", "--n", "5"], "not with --against"),
])
def test_bad_sizes_are_one_line_exit_2(argv, message, capsys):
    assert main(["check", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
