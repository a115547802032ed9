"""Dropout: simulated masks and exact enumeration against the derived expectations."""

import itertools

import numpy as np
import pytest

from numerics.analysis.dropout import inverted_scale, simulate_dropout


def test_inverted_scale_is_one_over_keep_probability():
    p = np.linspace(0.05, 0.95, 19)
    assert np.allclose(inverted_scale(p), 1 / (1 - p), rtol=1e-15)


def test_simulated_expectations():
    # 40000 masks per p (seed 3): sample means within 5 standard errors of the derived values
    p = np.array([0.1, 0.2, 0.5, 0.8])
    sim = simulate_dropout(p, samples=40000, rng=np.random.default_rng(3))
    assert np.all(np.abs(sim.keep_fraction - (1 - p)) < 5 * np.sqrt(p * (1 - p) / sim.samples))
    assert np.all(np.abs(sim.inverted_mean - 1.0) < 5 * sim.inverted_stderr)
    assert np.all(np.abs(sim.seed000_mean - (1 - p) / p) < 5 * sim.seed000_stderr)
    # seed 000's 1/p scaling is biased except at p = 1/2: p = 0.2 gives 4, far outside the noise
    off = p != 0.5
    assert np.all(np.abs(sim.seed000_mean[off] - 1.0) > 20 * sim.seed000_stderr[off])


def test_simulate_dropout_rejects_bad_probabilities():
    with pytest.raises(ValueError):
        simulate_dropout(np.array([0.0]), 10, np.random.default_rng(0))


def _masks(n):
    return [np.array(d, float) for d in itertools.product((0, 1), repeat=n)]


def _prob(d, p):
    return np.prod(np.where(d == 1, 1 - p, p))


def test_weight_scaling_is_exact_for_a_linear_unit():
    rng = np.random.default_rng(4)
    w, h, p = rng.standard_normal(5), rng.standard_normal(5), 0.3
    expectation = sum(_prob(d, p) * (w @ (d * h)) for d in _masks(5))
    assert np.isclose(expectation, (1 - p) * w @ h, rtol=1e-13)


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


@pytest.mark.parametrize("p", [0.5, 0.2])
def test_geometric_mean_of_softmax_subnetworks(p):
    # Enumerate all 2^4 masks for a 4-input, 3-class softmax layer (independent of the SymPy derivation)
    rng = np.random.default_rng(5)
    W, b, h = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal(4)
    masks = _masks(4)
    probs = np.array([_prob(d, p) for d in masks])
    preds = np.array([_softmax(W @ (d * h) + b) for d in masks])
    geo = np.exp(probs @ np.log(preds))
    scaled = _softmax(W @ ((1 - p) * h) + b)
    assert np.allclose(geo / geo.sum(), scaled, atol=1e-13)  # renormalized: exact
    assert abs(geo.sum() - 1.0) > 1e-3  # raw geometric mean is not a distribution
    assert not np.allclose(probs @ preds, scaled, atol=1e-3)  # not the arithmetic ensemble average


def test_weight_scaling_is_not_exact_past_a_relu():
    # E[relu(w m h + b)] ≥ relu((1 − p) w h + b), strictly here
    w, h, b, p = 2.0, 1.0, -0.5, 0.5
    expectation = (1 - p) * max(w * h + b, 0) + p * max(b, 0)
    assert expectation > max((1 - p) * w * h + b, 0) + 0.1
