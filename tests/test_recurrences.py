"""Proofs for every step count t: linear recurrences unrolled, geometric sums, wrong variants never proved."""

from __future__ import annotations

import sympy as sp

from derivations import registry
from derivations.checking.recurrences import geometric_ratio, geometric_sum, linear_recurrence
from derivations.checking.sums import SumAlgebra, proved_for_all_sizes
from derivations.record import Derivation, Equals, Outcome, Step
from derivations.topics import first_order as fo

t, i, a = fo.t, fo.i, sp.Symbol("a", positive=True)
UNIT = (("a", (0.05, 0.95)),)


def _variant(name: str, rhs, reference) -> Derivation:
    """One step ``rhs = reference`` in the setting of ``name`` (its sizes and domain)."""
    d = registry.get(name)
    step = Step(sp.Symbol("x", real=True), rhs, "variant", claim=Equals(reference))
    return Derivation("t.variant", "variant", (step,), sp.S.Zero, sizes=d.sizes, numeric_sizes=d.numeric_sizes,
                      domain=d.domain, definitions=d.definitions)


def test_a_recurrence_expands_at_integers_and_unrolls_at_a_symbol():
    # x_n = a x_(n-1) + n, x_0 = 0: x_3 = a² + 2a + 3 by hand
    X = linear_recurrence("X", "x_{{{}}}", a, lambda n: n)
    assert sp.expand(X(3) - (a**2 + 2 * a + 3)) == 0 and X(0) == 0
    assert sp.expand(X(4).doit() - X(t).unrolled().subs(t, 4).doit()) == 0


def test_geometric_sums_keep_the_ratio_one_case():
    assert geometric_ratio([a ** (t - i)], i) == (a**t, 1 / a)
    assert geometric_ratio([a**i, sp.Symbol("b") ** i], i) is None  # two bases: not this rule
    for n in (1, 2, 5):  # the closed form against the sum written out
        closed = geometric_sum(a, 1, n)
        assert sp.simplify(closed.args[1].expr - sum(a**k for k in range(1, n + 1))) == 0
        assert closed.args[0].expr == n


def test_a_geometric_identity_is_proved_only_where_it_is_defined():
    algebra = SumAlgebra(sizes={t})
    closed = sp.Sum(a ** (t - i), (i, 1, t)) - (1 - a**t) / (1 - a)
    assert algebra.zero(closed, 4.0) is None  # 0/0 at a = 1, and a = 1 is allowed
    assert SumAlgebra(sizes={t}, domain=UNIT).zero(closed, 4.0) is True  # a ∈ (0.05, 0.95)
    cleared = (1 - a) * sp.Sum(a ** (t - i), (i, 1, t)) - (1 - a**t)
    assert algebra.zero(cleared, 4.0) is True  # both cases, a = 1 included
    assert algebra.zero(sp.Sum(a ** (t - i), (i, 1, t)) - t, 4.0) is None  # only the a = 1 case


def test_a_zero_power_is_a_delta_only_for_the_last_term():
    G = fo.G
    assert SumAlgebra(sizes={t}).zero(sp.Sum(0 ** (t - i) * G[i], (i, 1, t)) - G[t], 4.0) is True
    assert not SumAlgebra(sizes={t}).zero(sp.Sum(0 ** (t - i) * G[i], (i, 1, t - 1)) - G[t], 4.0)


def test_momentum_and_adam_are_proved_for_all_t():
    for name, steps in (("first_order.momentum_unrolled", (2, 3, 4)),
                        ("first_order.adam_bias_correction", (1, 2, 3, 4, 5, 6))):
        v = registry.get(name).verify()
        for k in steps:
            report = v.steps[k - 1]
            assert report.outcome is Outcome.PROVED and report.scope.general == ("t",), (name, k)
            assert report.label == "proved for all t; probed at t = 12", (name, k)
    assert registry.get("first_order.adagrad").verify().steps[2].label == "proved for all t"
    assert registry.get("first_order.rmsprop").verify().steps[5].label == "proved for all t"


def test_wrong_unrollings_and_bias_corrections_fail_with_a_counterexample():
    r1, mu, G, eps, alpha, g = fo.rho1, fo.mu, fo.G, fo.eps, fo.alpha, fo.g
    adam, momentum = "first_order.adam_bias_correction", "first_order.momentum_unrolled"
    variants = {
        "ρ^t -> ρ^(t-1)": (adam, (1 - r1 ** (t - 1)) * mu, fo.MeanFirstMoment(t)),
        "1/(1 - ρ^t) missing": (adam, fo.MeanFirstMoment(t), mu),
        "1 - ρ for 1 - ρ^t": (adam, fo.MeanFirstMoment(t) / (1 - r1), mu),
        "(1 - ρ) dropped": (adam, sp.Sum(r1 ** (t - i) * G[i], (i, 1, t)), fo.FirstMoment(t)),
        "α^(t-i) -> α^(t-i-1)": (momentum, -eps * sp.Sum(alpha ** (t - i - 1) * G[i], (i, 1, t)), fo.Velocity(t)),
        "sum from i = 0": (momentum, -eps * sp.Sum(alpha ** (t - i) * G[i], (i, 0, t)), fo.Velocity(t)),
        "α^t -> α^(t+1)": (momentum, -eps * g * (1 - alpha ** (t + 1)), (1 - alpha) * fo.ConstantVelocity(t)),
        "sign": (momentum, eps * sp.Sum(alpha ** (t - i) * G[i], (i, 1, t)), fo.Velocity(t)),
    }
    for label, (name, rhs, reference) in variants.items():
        d = _variant(name, rhs, reference)
        assert not proved_for_all_sizes(d.steps[0], d, 4.0), label
        report = d.verify().steps[0]
        assert report.outcome is Outcome.FAILED and report.counterexample, label
        assert "for all t" not in report.label, label


def test_a_variant_true_for_the_fixed_sizes_is_not_proved_for_all_t():
    # right at t = 1..5 (the instantiated sizes), wrong from t = 6 on: refuted at t = 12, never "for all t"
    wrong = fo.Velocity(t) + sp.Mul(*(t - k for k in range(1, 6))) * fo.g
    d = _variant("first_order.momentum_unrolled", wrong, fo.Velocity(t))
    assert not proved_for_all_sizes(d.steps[0], d, 4.0)
    report = d.verify().steps[0]
    assert report.outcome is Outcome.FAILED and "t = 12" in report.detail
