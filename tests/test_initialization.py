"""Initialization variances and signal propagation against SciPy and simulation."""

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import sympy as sp

from derivations.topics import initialization as ini
from numerics.analysis.signal_propagation import SCHEMES, relu_depth_variance, simulate_depth


def test_uniform_variance_against_scipy():
    for a in (0.1, 1.0, 3.0):
        assert np.isclose(scipy.stats.uniform(loc=-a, scale=2 * a).var(), a**2 / 3)
    m, n = 300, 100
    assert np.isclose(scipy.stats.uniform(loc=-np.sqrt(6 / (m + n)), scale=2 * np.sqrt(6 / (m + n))).var(),
                      2 / (m + n))


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.kind + ":" + s.name.split()[0])
def test_sampled_weights_have_the_derived_variance(scheme):
    # 200 × 300 = 60000 draws: relative standard error of the variance ≤ sqrt(2/60000) ≈ 0.006
    W = scheme.sample(200, 300, np.random.default_rng(0))
    assert abs(W.var() / float(scheme.variance(300, 200)) - 1) < 0.03


def test_pytorch_default_bound_is_kaiming_uniform_with_a_sqrt5():
    # torch.nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)): bound = sqrt(2/(1 + a²))·sqrt(3/fan_in)
    fan_in = 64
    assert np.isclose(np.sqrt(2 / (1 + 5)) * np.sqrt(3 / fan_in), 1 / np.sqrt(fan_in))


def test_truncated_normal_variance_against_scipy():
    closed = float(sp.N(1 - 4 * sp.exp(-2) / sp.sqrt(2 * sp.pi) / sp.erf(sp.sqrt(2)), 20))
    assert np.isclose(scipy.stats.truncnorm(-2, 2).var(), closed, rtol=1e-12)
    # JAX's variance_scaling divides the stddev by this constant (jax/_src/nn/initializers.py)
    assert np.isclose(np.sqrt(closed), 0.87962566103423978, rtol=1e-14)


def test_fan_in_variance_with_nonzero_mean_inputs():
    # Var[wᵀx] = d σ² (γ² + μ²), not seed 000's d σ² γ², for inputs with mean μ
    rng = np.random.default_rng(1)
    d, sigma, mu, gamma, N = 20, 0.3, 1.0, 0.5, 200000
    w = rng.normal(0, sigma, (N, d))
    x = rng.normal(mu, gamma, (N, d))
    s = np.einsum("ij,ij->i", w, x)
    predicted = d * sigma**2 * (gamma**2 + mu**2)
    se = s.var() * np.sqrt(2 / N) * 2  # generous standard error of a variance (heavier tails than normal)
    assert abs(s.var() - predicted) < 5 * se
    assert abs(s.var() - d * sigma**2 * gamma**2) > 50 * se


def test_relu_second_moment_by_quadrature():
    for s in (0.5, 2.0):
        second, _ = scipy.integrate.quad(lambda y: y**2 * scipy.stats.norm.pdf(y, scale=s), 0, np.inf)
        first, _ = scipy.integrate.quad(lambda y: y * scipy.stats.norm.pdf(y, scale=s), 0, np.inf)
        assert np.isclose(second, s**2 / 2) and np.isclose(first, s / np.sqrt(2 * np.pi))


def test_depth_variance_formula_compiled():
    assert np.isclose(float(relu_depth_variance(100, 2 / 100, 7, 3.0)), 3.0)
    assert np.isclose(float(relu_depth_variance(100, 1 / 300, 4, 1.0)), 6.0**-3)
    assert ini.RELU_DEPTH_VARIANCE.subs({ini.L: 1}) == ini.v1


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name.split()[0])
def test_relu_per_layer_factor_by_simulation(scheme):
    # mean of the per-layer ratios v_l / v_(l−1) over 6 layers × 6 networks (seeded) against d σ²/2
    width, depth, trials = 128, 7, 6
    ratios = []
    for t in range(trials):
        r = simulate_depth(scheme, "relu", width=width, depth=depth, batch=64, rng=np.random.default_rng(10 + t))
        ratios.extend(r.variance[1:] / r.variance[:-1])
    ratios = np.array(ratios)
    predicted = width * float(scheme.variance(width, width)) / 2
    assert abs(ratios.mean() - predicted) < 5 * ratios.std(ddof=1) / np.sqrt(ratios.size)
    first = simulate_depth(scheme, "relu", width=width, depth=1, batch=512, rng=np.random.default_rng(0))
    assert abs(first.variance[0] / first.predicted[0] - 1) < 0.1


def test_tanh_never_exceeds_the_linear_regime():
    he = SCHEMES[0]
    r = simulate_depth(he, "tanh", width=128, depth=8, batch=64, rng=np.random.default_rng(2), trials=2)
    assert np.all(r.variance <= r.predicted * 1.1)
    assert r.variance[-1] < 1.0  # saturates: tanh² < 1, while the linear regime doubles per layer


def test_tanh_simulation_follows_the_mean_field_recursion():
    # width 128, 4 networks (seeded): the simulated variance tracks v ← d σ² E[tanh(sqrt(v) z)²]
    from numerics.analysis.signal_propagation import mean_field_variance

    xavier = SCHEMES[1]
    r = simulate_depth(xavier, "tanh", width=128, depth=10, batch=64, rng=np.random.default_rng(3), trials=4)
    mf = mean_field_variance("tanh", 1.0, r.variance[0], 10)
    assert np.all(np.abs(np.log(r.variance / mf)) < 0.15)


def test_tanh_asymptotics_against_the_mean_field_recursion():
    # derived: v_L ≈ v_1/(1 + 2(L − 1)v_1) and L·v_L → 1/2; the recursion is computed by quadrature
    from numerics.analysis.signal_propagation import mean_field_variance, tanh_depth_variance

    mf = mean_field_variance("tanh", 1.0, 1.0, 400)
    L = np.arange(1, 401)
    assert np.all(np.abs(mf[9:] / tanh_depth_variance(L[9:], 1.0) - 1) < 0.12)
    assert abs(400 * mf[-1] - 0.5) < 0.03
    relu = mean_field_variance("relu", 2.0, 1.0, 5)
    assert np.allclose(relu, 1.0, atol=1e-12)  # He keeps the ReLU variance, as derived
