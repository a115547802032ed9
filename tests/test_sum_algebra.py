"""Proofs for every batch size: the sum algebra keeps m a symbol, and wrong variants are never proved."""

from __future__ import annotations

import sympy as sp

from derivations import registry
from derivations.checking.sums import SumAlgebra, proved_for_all_sizes
from derivations.record import Derivation, DerivativeOf, Equals, Outcome, Step
from derivations.topics import batchnorm as bn

m, j, k = bn.m, bn.j, bn.k


def _dx_with(rhs) -> Derivation:
    """batchnorm.dx with its compact gradient replaced by ``rhs``."""
    d = registry.get("batchnorm.dx")
    step = Step(bn.dl_dx[j], rhs, "variant", claim=DerivativeOf(bn.LOSS, bn.x[j]))
    return Derivation("t.dx", "variant", (step,), sp.S.Zero, sizes=d.sizes, numeric_sizes=d.numeric_sizes,
                      indices=d.indices, definitions=d.definitions)


def test_batchnorm_dx_is_proved_for_all_m():
    d = registry.get("batchnorm.dx")
    assert proved_for_all_sizes(d.steps[0], d, 8.0)
    report = d.verify().steps[0]
    assert report.outcome is Outcome.PROVED and report.scope.general == ("m",)
    assert report.label == "proved for all m; probed at m = 8"


def test_batchnorm_backward_every_graph_step_is_proved_for_all_m():
    v = registry.get("batchnorm.backward").verify()
    proved = [s for s in v.steps if s.outcome is Outcome.PROVED]
    assert len(proved) == 11 and all(s.label == "proved for all m; probed at m = 7" for s in proved)
    assert v.steps[6].outcome is Outcome.REFUTED  # the seed's spurious factor in ∂σ²/∂μ stays an erratum


def test_wrong_input_gradients_are_not_proved_and_are_refuted():
    s_g = sp.Sum(bn.g[k], (k, 1, m))
    s_gx = sp.Sum(bn.g[k] * bn.xhat[k], (k, 1, m))
    root = sp.sqrt(bn.sigma2 + bn.eps)
    inner = m * bn.g[j] - s_g - bn.xhat[j] * s_gx
    variants = {
        "1/m -> 1/(m-1)": bn.gamma / ((m - 1) * root) * inner,
        "Σg dropped": bn.gamma / (m * root) * (m * bn.g[j] - bn.xhat[j] * s_gx),
        "sign of the x̂ term": bn.gamma / (m * root) * (m * bn.g[j] - s_g + bn.xhat[j] * s_gx),
        "m g -> g": bn.gamma / (m * root) * (bn.g[j] - s_g - bn.xhat[j] * s_gx),
        "ε dropped from the root": bn.gamma / (m * sp.sqrt(bn.sigma2)) * inner,
    }
    for name, rhs in variants.items():
        d = _dx_with(rhs)
        assert not proved_for_all_sizes(d.steps[0], d, 4.0), name
        report = d.verify().steps[0]
        assert report.outcome is Outcome.FAILED and report.counterexample, name
        assert "for all m" not in report.label, name


def test_the_seeds_spurious_factor_is_not_proved_for_all_m():
    sigma2_of_mu = sp.Sum((bn.x[k] - bn.mu) ** 2, (k, 1, m)) / m
    spurious = -sp.Rational(2) / m * sp.Sum((bn.x[k] - bn.mu) * bn.x[k], (k, 1, m))
    correct = -sp.Rational(2) / m * sp.Sum(bn.x[k] - bn.mu, (k, 1, m))
    claim = Equals(sp.Derivative(sigma2_of_mu, bn.mu))
    d = registry.get("batchnorm.backward")
    bad = Derivation("t.spurious", "t", (Step(bn.dsigma2_dmu, spurious, "as printed", claim=claim),), sp.S.Zero,
                     sizes=d.sizes, numeric_sizes=d.numeric_sizes, indices=d.indices, definitions=d.definitions)
    good = Derivation("t.correct", "t", (Step(bn.dsigma2_dmu, correct, "corrected", claim=claim),), sp.S.Zero,
                      sizes=d.sizes, numeric_sizes=d.numeric_sizes, indices=d.indices, definitions=d.definitions)
    assert not proved_for_all_sizes(bad.steps[0], bad, 4.0)
    assert bad.verify().steps[0].outcome is Outcome.FAILED
    assert proved_for_all_sizes(good.steps[0], good, 4.0)


def test_the_mean_identity_comes_from_the_definition_of_the_mean():
    x, mu, nu = sp.IndexedBase("x", real=True), sp.Symbol("mu", real=True), sp.Symbol("nu", real=True)
    centred = sp.Sum(x[k] - mu, (k, 1, m))
    assert SumAlgebra(((mu, sp.Sum(x[k], (k, 1, m)) / m),), ((j, m),), sizes={m}).zero(centred, 4.0)
    # μ defined with the wrong normalization, or not defined at all: nothing to apply
    assert SumAlgebra(((mu, sp.Sum(x[k], (k, 1, m)) / (m + 1)),), ((j, m),), sizes={m}).zero(centred, 4.0) is None
    assert SumAlgebra((), ((j, m),), sizes={m}).zero(centred, 4.0) is None
    # a definition divided by a symbol that may vanish yields no rule: ν = ε Σx says nothing about Σx when ε = 0
    eps = sp.Symbol("epsilon", real=True)
    assert SumAlgebra(((nu, eps * sp.Sum(x[k], (k, 1, m))),), ((j, m),), sizes={m}).rules == {}


def test_a_delta_collapses_only_inside_its_range():
    x = sp.IndexedBase("x", real=True)
    inside = sp.Sum(sp.KroneckerDelta(j, k) * x[k], (k, 1, m)) - x[j]
    short = sp.Sum(sp.KroneckerDelta(j, k) * x[k], (k, 1, m - 1)) - x[j]  # false at j = m
    algebra = SumAlgebra((), ((j, m),), sizes={m})
    assert algebra.zero(inside, 4.0)
    assert algebra.zero(short, 4.0) is None
    assert SumAlgebra((), (), sizes={m}).zero(inside, 4.0) is None  # j's range unknown


def test_results_outside_the_algebra_keep_their_fixed_size_label():
    j_ = sp.Symbol("j", integer=True)
    d = Derivation("t.gauss", "t", (Step(sp.Symbol("s"), m * (m + 1) / 2, "Gauss",
                                         claim=Equals(sp.Sum(j_, (j_, 1, m)))),), sp.S.Zero,
                   sizes=((m, (2, 3, 4)),), numeric_sizes=((m, (7,)),))
    assert d.verify().steps[0].label == "proved for m ∈ {2, 3, 4}; probed at m = 7"


def test_the_minibatch_scaling_is_proved_for_all_n():
    from derivations.topics import first_order as fo
    d = registry.get("first_order.minibatch")
    general = d.verify().steps[-1]
    assert general.outcome is Outcome.PROVED and general.scope.general == ("n",)
    # the wrong scale 1/|M| (the mean objective's) in place of n/|M| for the sum objective: never proved
    n, b = sp.Symbol("n", positive=True, integer=True), sp.Symbol("|M|", positive=True, integer=True)
    grad = sp.IndexedBase(sp.Symbol("nablal", real=True))
    full = sp.Sum(grad[fo.i], (fo.i, 1, n))
    wrong = Step(sp.Symbol("E", real=True), full, "variant",
                 claim=Equals(1 / b * sp.binomial(n - 1, b - 1) / sp.binomial(n, b) * full))
    bad = Derivation("t.minibatch", "t", (wrong,), sp.S.Zero, sizes=d.sizes, domain=d.domain)
    assert not proved_for_all_sizes(wrong, bad, 4.0)
    report = bad.verify().steps[0]
    assert report.outcome is Outcome.FAILED and report.counterexample


def test_a_step_free_of_the_sizes_carries_no_size_scope():
    # sizes m ∈ {2, 3, 4}: a step about one fixed number says "proved", neither "for all m" nor "for m ∈ {2, 3, 4}"
    fixed = Step(sp.Symbol("s"), sp.Integer(6), "1 + 2 + 3", claim=Equals(sp.Sum(k, (k, 1, 3))))
    sized = Step(sp.Symbol("S"), m * (m + 1) / 2, "Gauss", claim=Equals(sp.Sum(k, (k, 1, m))))
    d = Derivation("t.scope", "t", (fixed, sized), sp.S.Zero, sizes=((m, (2, 3, 4)),))
    labels = [s.label for s in d.verify().steps]
    assert labels == ["proved", "proved for m ∈ {2, 3, 4}"]
