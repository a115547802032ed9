"""The ensemble error v/k + (k − 1)c/k against linear algebra and Monte Carlo."""

import numpy as np
import pytest

from numerics.analysis.ensembles import ensemble_error, simulate_ensemble


def test_formula_equals_quadratic_form_of_the_covariance():
    # E[(1ᵀε/k)²] = 1ᵀΣ1/k² for the equicorrelated Σ = (v − c)I + c11ᵀ
    for v, c in ((1.0, 0.0), (2.0, 0.5), (1.5, -0.2)):
        for k in (1, 2, 7):
            Sigma = (v - c) * np.eye(k) + c * np.ones((k, k))
            assert np.isclose(float(ensemble_error(v, c, k)), np.ones(k) @ Sigma @ np.ones(k) / k**2)


@pytest.mark.parametrize("c", [0.0, 0.4, 1.0])
def test_monte_carlo(c):
    sim = simulate_ensemble(1.0, c, np.array([1, 2, 5, 20]), 40000, np.random.default_rng(int(10 * c)))
    assert np.all(np.abs(sim.simulated - sim.predicted) < 5 * sim.stderr + 1e-12)


def test_independent_errors_fall_as_one_over_k():
    assert np.allclose(ensemble_error(2.0, 0.0, np.array([1, 2, 4])), [2.0, 1.0, 0.5])


def test_bad_correlation_rejected():
    with pytest.raises(ValueError):
        simulate_ensemble(1.0, 2.0, np.array([2]), 10, np.random.default_rng(0))
