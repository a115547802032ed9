"""Batch normalization: every derivation step verified; generated numerics against independent references."""

import numpy as np
import pytest

from derivations.topics import batchnorm as bn
from derivations.record import Outcome
from numerics.analysis import batchnorm
from numerics.testing import check_grads


@pytest.mark.parametrize("name", sorted(bn.RESULTS))
def test_every_batchnorm_derivation_verifies(name):
    report = bn.RESULTS[name]().verify()
    assert report.ok, [(s.index, s.outcome, s.detail) for s in report.steps]


def test_seed_001_dsigma2_dmu_erratum_is_refuted_and_correct_form_proved():
    steps = bn.backward().verify().steps
    outcomes = [s.outcome for s in steps]
    assert Outcome.REFUTED in outcomes  # the printed ∂σ²/∂μ with a spurious factor
    refuted = steps[outcomes.index(Outcome.REFUTED)]
    assert refuted.counterexample
    assert outcomes[7] is Outcome.PROVED and outcomes[8] is Outcome.PROVED  # −(2/m)Σ(x−μ) = 0


def test_compact_gradient_is_proved_for_every_m_from_2_to_6():
    d = bn.dx()
    assert dict(d.sizes)[bn.m] == (2, 3, 4, 5, 6)
    step = d.verify().steps[0]
    assert step.outcome is Outcome.PROVED and "symbolic" in step.methods and "central differences" in step.methods


def test_projection_statement_is_exact_only_for_eps_zero():
    outcomes = [s.outcome for s in bn.projection().verify().steps]
    assert outcomes == [Outcome.PROVED, Outcome.REFUTED, Outcome.PROVED, Outcome.PROVED]


# ----------------------------------------------------------------------- numerics

def numpy_forward(x, gamma, beta, eps):
    """Independent reference (hand-written): Ioffe & Szegedy 2015, Algorithm 1."""
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def numpy_backward(dy, x, gamma, eps):
    """Independent reference: the same paper's backward equations, node by node (not the compact form)."""
    m = x.shape[0]
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    dxhat = dy * gamma
    dvar = np.sum(dxhat * (x - mu), axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = np.sum(-dxhat / np.sqrt(var + eps), axis=0) + dvar * np.mean(-2 * (x - mu), axis=0)
    dx = dxhat / np.sqrt(var + eps) + dvar * 2 * (x - mu) / m + dmu / m
    return dx, np.sum(dy * xhat, axis=0), np.sum(dy, axis=0)


def _batch(rng, m, d, dtype=np.float64):
    x = (rng.standard_normal((m, d)) * rng.uniform(0.1, 5, d) + rng.uniform(-3, 3, d)).astype(dtype)
    return x, rng.standard_normal((m, d)).astype(dtype), rng.uniform(0.5, 2, d).astype(dtype), rng.standard_normal(d).astype(dtype)


@pytest.mark.parametrize("m,d", [(2, 1), (3, 4), (17, 5), (256, 32)])
def test_forward_and_backward_match_numpy_reference(m, d):
    rng = np.random.default_rng(m * 100 + d)
    x, dy, gamma, beta = _batch(rng, m, d)
    np.testing.assert_allclose(batchnorm.forward(x, gamma, beta), numpy_forward(x, gamma, beta, 1e-5), rtol=1e-12, atol=1e-12)
    ours = batchnorm.backward(dy, x, gamma)
    for a, b in zip(ours, numpy_backward(dy, x, gamma, 1e-5)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_backward_against_central_differences():
    rng = np.random.default_rng(7)
    x, dy, gamma, beta = _batch(rng, 6, 3)
    w = rng.standard_normal(x.shape)  # the loss ℓ = Σ w ⊙ y has upstream gradient w

    check_grads(lambda z: float(np.sum(w * batchnorm.forward(z.reshape(x.shape), gamma, beta))),
                lambda z: batchnorm.backward(w, z.reshape(x.shape), gamma).dx.ravel(), x.ravel(), h=1e-6)
    check_grads(lambda g: float(np.sum(w * batchnorm.forward(x, g, beta))),
                lambda g: batchnorm.backward(w, x, g).dgamma, gamma, h=1e-6)
    check_grads(lambda b: float(np.sum(w * batchnorm.forward(x, gamma, b))),
                lambda b: batchnorm.backward(w, x, gamma).dbeta, beta, h=1e-6)


def test_float32_stays_float32_within_float32_tolerance():
    rng = np.random.default_rng(3)
    x, dy, gamma, beta = _batch(rng, 64, 8, np.float32)
    y = batchnorm.forward(x, gamma, beta)
    grads = batchnorm.backward(dy, x, gamma)
    assert y.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
    ref = numpy_backward(*(a.astype(np.float64) for a in (dy, x, gamma)), 1e-5)
    np.testing.assert_allclose(grads.dx, ref[0], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(y, numpy_forward(*(a.astype(np.float64) for a in (x, gamma, beta)), 1e-5),
                               rtol=1e-4, atol=1e-5)


def test_input_gradient_sums_to_zero_over_the_batch():
    rng = np.random.default_rng(5)
    x, dy, gamma, _ = _batch(rng, 40, 6)
    np.testing.assert_allclose(batchnorm.backward(dy, x, gamma).dx.sum(axis=0), 0, atol=1e-12)


def test_bad_shapes_and_single_sample_batches_raise_clear_errors():
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"m >= 2.*\(1, 3\)"):
        batchnorm.forward(np.zeros((1, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"gamma.*\(3,\).*\(4, 3\).*\(2,\)"):
        batchnorm.forward(x, np.ones(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"dy.*\(4, 3\).*\(4, 2\)"):
        batchnorm.backward(np.zeros((4, 2)), x, np.ones(3))
    with pytest.raises(ValueError, match=r"shape \(m, d\).*\(3,\)"):
        batchnorm.forward(np.zeros(3), np.ones(3), np.zeros(3))


def test_running_statistics_use_the_unbiased_variance():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((5, 3))
    stats = batchnorm.statistics(x)
    np.testing.assert_allclose(stats.var, np.var(x, axis=0))
    np.testing.assert_allclose(stats.var_unbiased, np.var(x, axis=0, ddof=1))
    # Monte Carlo: the mean of the biased batch variance is (m−1)/m of the population variance 4
    batches = rng.normal(0.0, 2.0, size=(20000, 5, 1))
    biased = np.mean([batchnorm.statistics(b).var[0] for b in batches[:4000]])
    assert abs(biased - 4 * 4 / 5) < 5 * 4 * np.sqrt(2 / 4) / np.sqrt(4000)  # 5 standard errors


def test_inference_mode_matches_the_normalization_formula():
    rng = np.random.default_rng(2)
    x, _, gamma, beta = _batch(rng, 7, 4)
    mean, var = rng.standard_normal(4), rng.uniform(0.5, 2, 4)
    expected = gamma * (x - mean) / np.sqrt(var + 1e-5) + beta
    np.testing.assert_allclose(batchnorm.inference(x, gamma, beta, mean, var), expected, rtol=1e-12)
    new_mean, new_var = batchnorm.update_running(mean, var, batchnorm.statistics(x), momentum=0.1)
    np.testing.assert_allclose(new_var, 0.9 * var + 0.1 * np.var(x, axis=0, ddof=1))
    np.testing.assert_allclose(new_mean, 0.9 * mean + 0.1 * x.mean(axis=0))
