"""Spectral tools against dense eigh, exact traces and quadrature identities; the MLP experiments' claims."""

import numpy as np
import pytest
from scipy.optimize import minimize

from numerics.analysis.mlp import MLPSpec, init_parameters, mlp_loss
from numerics.analysis.synthetic import synthetic_regression
from numerics.analysis.spectrum import condition_number, dense_hessian, gd_stability, hutchinson_trace, lanczos_eigenvalues, slq_density


def _random_symmetric(n, seed=0):
    A = np.random.default_rng(seed).standard_normal((n, n))
    return (A + A.T) / 2


def _mlp(bn=False, l2=0.0, act="tanh", h=6, d=3, n=40, eps=1e-5, seed=0):
    data = synthetic_regression(n, d, seed=seed)
    X, y = data.X, data.y
    spec = MLPSpec(d, h, act, "squared", bn, l2=l2, eps=eps)
    return mlp_loss(spec, X, y), init_parameters(spec, seed)


def test_dense_hessian_matches_finite_differences_of_the_gradient():
    f, theta = _mlp(bn=True)
    H = dense_hessian(lambda v: f.hessp(theta, v), f.n_params)
    h = 1e-6
    E = np.eye(f.n_params)
    fd = np.array([(f.jac(theta + h * e) - f.jac(theta - h * e)) / (2 * h) for e in E]).T
    np.testing.assert_allclose(H, (fd + fd.T) / 2, atol=1e-6 * np.abs(H).max())


def test_lanczos_top_and_bottom_agree_with_dense_eigh_on_an_mlp():
    f, theta = _mlp(h=10, d=4, n=60)  # 61 parameters
    hvp = lambda v: f.hessp(theta, v)  # noqa: E731
    eigs = np.linalg.eigvalsh(dense_hessian(hvp, f.n_params))
    top = lanczos_eigenvalues(hvp, f.n_params, k=3, which="largest")
    bottom = lanczos_eigenvalues(hvp, f.n_params, k=2, which="smallest")
    assert top.converged and bottom.converged
    np.testing.assert_allclose(top.eigenvalues, eigs[::-1][:3], rtol=1e-6)
    np.testing.assert_allclose(bottom.eigenvalues, eigs[:2], rtol=1e-6, atol=1e-9 * eigs.max())


def test_lanczos_without_convergence_reports_partial_results():
    # 400 eigenvalues in a tight cluster: two restarts cannot separate the bottom five
    eigs = np.concatenate([np.linspace(0.0, 1e-3, 399), [5.0]])
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.standard_normal((400, 400)))
    H = (Q * eigs) @ Q.T
    res = lanczos_eigenvalues(lambda v: H @ v, 400, k=5, which="smallest", maxiter=2)
    assert not res.converged and "did not converge" in res.message
    assert len(res.eigenvalues) < 5
    assert all(-1e-9 <= x <= 1e-3 + 1e-9 for x in res.eigenvalues)  # whatever converged is in the spectrum


def test_hutchinson_is_unbiased_within_its_standard_error():
    H = _random_symmetric(50, seed=2)
    est = hutchinson_trace(lambda v: H @ v, 50, probes=400, seed=1)
    assert abs(est.trace - np.trace(H)) < 4 * est.stderr
    # Rademacher variance: 2 Σ_{i≠j} H_ij² per probe (Hutchinson 1990)
    off = 2 * (np.sum(H**2) - np.sum(np.diag(H) ** 2))
    assert est.stderr == pytest.approx(np.sqrt(off / 400), rel=0.25)


def test_slq_quadrature_is_exact_for_low_moments():
    # Gauss quadrature with m nodes reproduces z^T H^k z / |z|^2 for k <= 2m - 1
    H = _random_symmetric(30, seed=4)
    res = slq_density(lambda v: H @ v, 30, steps=6, probes=1, seed=3)
    z = np.random.default_rng(3).choice((-1.0, 1.0), size=30)
    nodes, weights = np.array(res.nodes[0]), np.array(res.weights[0])
    assert weights.sum() == pytest.approx(1.0)
    for k in range(12):
        exact = z @ np.linalg.matrix_power(H, k) @ z / (z @ z)
        assert weights @ nodes**k == pytest.approx(exact, rel=1e-8, abs=1e-8)
    grid = np.linspace(-15, 15, 3001)
    assert np.trapezoid(res.density(grid, 0.3), grid) == pytest.approx(1.0, rel=1e-3)


def test_condition_number():
    assert condition_number([4.0, 2.0, 0.5]) == 8.0
    assert condition_number([4.0, 0.0]) == float("inf")
    assert condition_number([4.0, 1e-14, 2.0], null_tol=1e-10) == 2.0


def test_l2_shifts_every_eigenvalue_by_exactly_alpha():
    alpha = 0.37
    f0, theta = _mlp(bn=True, l2=0.0)
    fa, _ = _mlp(bn=True, l2=alpha)
    e0 = np.linalg.eigvalsh(dense_hessian(lambda v: f0.hessp(theta, v), f0.n_params))
    ea = np.linalg.eigvalsh(dense_hessian(lambda v: fa.hessp(theta, v), fa.n_params))
    np.testing.assert_allclose(ea - e0, alpha, atol=1e-10 * np.abs(e0).max())


def test_batchnorm_bias_is_a_null_direction():
    f, theta = _mlp(bn=True)
    h, d = f.spec.hidden, f.spec.inputs
    H = dense_hessian(lambda v: f.hessp(theta, v), f.n_params)
    rows_b = H[h * d: h * d + h]
    assert np.abs(rows_b).max() < 1e-12 * np.abs(H).max()
    assert np.abs(f.jac(theta)[h * d: h * d + h]).max() < 1e-14
    eigs = np.linalg.eigvalsh(H)
    assert np.sum(np.abs(eigs) < 1e-10 * np.abs(eigs).max()) >= h


def test_batchnorm_weight_scale_direction_with_eps_zero():
    # L(cW) = L(W) for eps = 0, so H (W, 0) = (-∇_W L, 0) exactly (derivations: mlp.bn_null_directions)
    f, theta = _mlp(bn=True, eps=0.0)
    h, d = f.spec.hidden, f.spec.inputs
    D = np.zeros(f.n_params)
    D[: h * d] = theta[: h * d]
    g = f.jac(theta)
    expected = np.zeros(f.n_params)
    expected[: h * d] = -g[: h * d]
    np.testing.assert_allclose(f.hessp(theta, D), expected, atol=1e-10 * (1 + np.abs(g).max()))
    assert abs(D @ f.hessp(theta, D)) < 1e-10
    assert abs(g[: h * d] @ theta[: h * d]) < 1e-12


def test_gradient_descent_is_stable_below_two_over_lambda_max_and_unstable_above():
    f, theta0 = _mlp(l2=1e-2, h=5, d=2, n=30)
    res = minimize(f.value_and_grad, theta0, jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "maxiter": 5000})
    theta = res.x
    for _ in range(5):  # Newton polishing: the stability test needs the minimum to machine precision
        H = dense_hessian(lambda v: f.hessp(theta, v), f.n_params)
        theta = theta - np.linalg.solve(H, f.jac(theta))
    assert np.linalg.norm(f.jac(theta)) < 1e-12
    eigs, vecs = np.linalg.eigh(H)
    assert eigs[0] > 0  # a strict local minimum (the L2 term helps)
    below, above = gd_stability(f.jac, theta, eigs[-1], vecs[:, -1], factors=(0.9, 1.1), steps=300, radius=1e-4)
    assert below.converged and below.distances[-1] < 0.1 * below.distances[0]
    assert not above.converged and above.distances[-1] > 10 * above.distances[0]
