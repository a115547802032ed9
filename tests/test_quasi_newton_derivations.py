"""Quasi-Newton identities: every derivation verifies, and each identity holds numerically at n = 50.

The numeric checks use hand-written NumPy formulas as the independent reference
(the textbook product form, Nocedal & Wright eqs. 6.17 and 6.19) and compare
them with the compiled, derived expanded form that BFGS uses.
"""

import numpy as np
import pytest
import sympy as sp

from derivations import registry
from derivations.topics.quasi_newton import RESULTS, expanded_update
from derivations.record import Outcome
from numerics.compile import compile_matrix_expression
from numerics.solve.quasi_newton import bfgs_update, two_loop

N = 50


def _rng(seed=0):
    return np.random.default_rng(seed)


def _spd(rng, n=N):
    a = rng.standard_normal((n, n))
    return a @ a.T / n + 0.1 * np.eye(n)


def _pair(rng, n=N, positive=True):
    s = rng.standard_normal(n)
    y = rng.standard_normal(n)
    if positive and y @ s <= 0:
        y = -y
    return s, y


def product_form(H, s, y):
    """Reference: H+ = (I - rho s y^T) H (I - rho y s^T) + rho s s^T (N&W eq. 6.17)."""
    rho = 1.0 / (y @ s)
    V = np.eye(len(s)) - rho * np.outer(y, s)
    return V.T @ H @ V + rho * np.outer(s, s)


def direct_form(B, s, y):
    """Reference: B+ = B - B s s^T B / (s^T B s) + y y^T / (y^T s) (N&W eq. 6.19)."""
    Bs = B @ s
    return B - np.outer(Bs, Bs) / (s @ Bs) + np.outer(y, y) / (y @ s)


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_every_derivation_verifies(name):
    d = registry.get(name)
    report = d.verify()
    assert report.ok, [s for s in report.steps if not s.outcome.ok]
    assert all(s.outcome is not Outcome.UNDECIDED for s in report.steps)


def test_registered():
    assert set(RESULTS) <= set(registry.names())


def test_conjugate_gradient_derivation_refutes_the_seed():
    """Seed 001: CG directions conjugate 'i.e. g_k^T H g_(k-1) = 0' -- it is d_k^T H d_(k-1) = 0."""
    report = registry.get("conjugate_gradient.conjugacy").verify()
    assert report.ok
    outcomes = [s.outcome for s in report.steps]
    assert outcomes.count(Outcome.REFUTED) == 1 and Outcome.PROVED in outcomes


def test_conjugacy_numerically_at_n_50():
    rng = _rng(10)
    A = _spd(rng)
    g0 = rng.standard_normal(N)
    d0 = -g0
    g1 = g0 + (g0 @ g0) / (d0 @ A @ d0) * (A @ d0)
    d1 = -g1 + (g1 @ g1) / (g0 @ g0) * d0
    assert abs(g1 @ g0) <= 1e-10 * (g0 @ g0)
    assert abs(d1 @ A @ d0) <= 1e-10 * np.linalg.norm(d1) * np.linalg.norm(A @ d0)
    assert abs(g1 @ A @ g0) > 1e-3 * np.linalg.norm(g1) * np.linalg.norm(A @ g0)


def test_seed_erratum_is_refuted():
    """Seed 001: 'the inverse of any Hessian can be reconstructed from s_k, y_k' -- one pair does not."""
    report = registry.get("quasi_newton.bfgs_quadratic_termination").verify()
    assert Outcome.REFUTED in [s.outcome for s in report.steps]


def test_a_wrong_update_fails_verification():
    """The verifier can fail: a slip in the product form (s s^T without rho) is caught."""
    from derivations.topics.quasi_newton import _GENERIC, H, Hp, _definitions, bfgs_inverse, n, rho, s, y
    from derivations.record import Derivation, Equals, Step

    slip = bfgs_inverse(H, s, y) - s * rho() * s.T + s * s.T
    defs = _definitions((2,), _GENERIC + [(Hp, slip)])
    d = Derivation("t.t", "t", (Step(Hp * y, s, "secant", claim=Equals(Hp * y)),), sp.S.Zero,
                   sizes=((n, (2,)),), definitions=defs)
    assert d.verify().steps[0].outcome is Outcome.FAILED


# --------------------------------------------------------------------------- numeric, n = 50


def test_compiled_expanded_form_equals_product_form():
    rng = _rng(1)
    for _ in range(5):
        H = _spd(rng)
        s, y = _pair(rng)
        np.testing.assert_allclose(bfgs_update(H, s, y), product_form(H, s, y), rtol=1e-10, atol=1e-10)


def test_expanded_form_expression_is_the_derivation_result():
    expr, args = expanded_update()
    assert expr == registry.get("quasi_newton.bfgs_expanded_form").result.rhs
    f = compile_matrix_expression(expr, args)
    rng = _rng(2)
    H = _spd(rng)
    s, y = _pair(rng)
    out = f(H, s[:, None], y[:, None], (H @ y)[:, None])
    np.testing.assert_allclose(out, product_form(H, s, y), rtol=1e-10, atol=1e-10)


def test_secant_condition_and_symmetry():
    rng = _rng(3)
    H = _spd(rng)
    s, y = _pair(rng)
    Hp = bfgs_update(H, s, y)
    np.testing.assert_allclose(Hp @ y, s, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(Hp, Hp.T, rtol=0, atol=1e-12 * np.abs(Hp).max())


def test_positive_definiteness_preserved_when_curvature_positive():
    rng = _rng(4)
    for _ in range(10):
        H = _spd(rng)
        s, y = _pair(rng, positive=True)
        Hp = bfgs_update(H, s, y)
        assert np.linalg.eigvalsh(0.5 * (Hp + Hp.T)).min() > 0
        z = rng.standard_normal(N)
        w = z - (s @ z) / (y @ s) * y
        # z^T H+ z = w^T H w + rho (s^T z)^2: the sum-of-squares identity
        assert z @ Hp @ z == pytest.approx(w @ H @ w + (s @ z) ** 2 / (y @ s), rel=1e-10)


def test_negative_curvature_breaks_positive_definiteness():
    rng = _rng(5)
    H = _spd(rng)
    s, y = _pair(rng)
    y = -y  # y^T s < 0
    Hp = bfgs_update(H, s, y)
    assert y @ Hp @ y == pytest.approx(y @ s)  # negative: H+ is not positive definite
    assert np.linalg.eigvalsh(0.5 * (Hp + Hp.T)).min() < 0


def test_inverse_update_inverts_direct_update():
    rng = _rng(6)
    B = _spd(rng)
    s, y = _pair(rng)
    Hp = bfgs_update(np.linalg.inv(B), s, y)
    np.testing.assert_allclose(Hp @ direct_form(B, s, y), np.eye(N), atol=1e-8)


def test_two_loop_reproduces_dense_bfgs_with_full_memory():
    rng = _rng(7)
    gamma = 0.7
    H = gamma * np.eye(N)
    pairs = []
    for _ in range(8):
        s, y = _pair(rng)
        H = product_form(H, s, y)
        pairs.append((s, y, 1.0 / (y @ s)))
    g = rng.standard_normal(N)
    np.testing.assert_allclose(two_loop(g, tuple(pairs), gamma), H @ g, rtol=1e-9, atol=1e-10)


def test_two_loop_with_short_memory_differs():
    rng = _rng(8)
    H = np.eye(N)
    pairs = []
    for _ in range(6):
        s, y = _pair(rng)
        H = product_form(H, s, y)
        pairs.append((s, y, 1.0 / (y @ s)))
    g = rng.standard_normal(N)
    assert not np.allclose(two_loop(g, tuple(pairs[-3:]), 1.0), H @ g)


def test_dfp_and_sr1_satisfy_secant_but_sr1_can_lose_definiteness():
    rng = _rng(9)
    H = _spd(rng)
    s, y = _pair(rng)
    Hy = H @ y
    dfp = H - np.outer(Hy, Hy) / (y @ Hy) + np.outer(s, s) / (y @ s)
    v = s - Hy
    sr1 = H + np.outer(v, v) / (v @ y)
    np.testing.assert_allclose(dfp @ y, s, atol=1e-9)
    np.testing.assert_allclose(sr1 @ y, s, atol=1e-8)
    # the concrete case of quasi_newton.sr1_update: y^T s = 1/2 > 0, SR1 indefinite, BFGS not
    s2, y2 = np.array([1.0, 0.0]), np.array([0.5, 1.0])
    v2 = s2 - y2
    assert np.linalg.det(np.eye(2) + np.outer(v2, v2) / (v2 @ y2)) == pytest.approx(-2 / 3)
    assert np.linalg.eigvalsh(product_form(np.eye(2), s2, y2)).min() > 0
