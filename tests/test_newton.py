"""Newton derivations: every registered result verifies, the errata are refuted, the numbers agree."""

import numpy as np
import pytest
import sympy as sp

from derivations import registry
from derivations.topics.newton import newton_decrement, newton_step, regularized_step
from derivations.record import Differs, Outcome
from numerics.compile import objective
from numerics.testing import check_grads

NAMES = [n for n in registry.names() if n.split(".")[0] in ("newton", "curvature")]


def test_all_results_are_registered():
    assert {"newton.step", "newton.quadratic_exact", "newton.regularized", "newton.decrement",
            "newton.negative_curvature", "curvature.gd_stability", "curvature.directional_curvature",
            "curvature.taylor_model", "curvature.mixed_partials"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_derivation_verifies_and_errata_are_refuted(name):
    d = registry.get(name)
    report = d.verify()
    assert report.ok, [(s.index, s.outcome, s.detail) for s in report.steps if not s.outcome.ok]
    for step, r in zip(d.steps, report.steps):
        if isinstance(step.claim, Differs):
            assert r.outcome is Outcome.REFUTED and r.counterexample


def test_seed_errata_are_present():
    taylor = registry.get("curvature.taylor_model")
    assert sum(isinstance(s.claim, Differs) and s.seed == "004" for s in taylor.steps) == 2
    assert any(isinstance(s.claim, Differs) and s.seed == "001" for s in registry.get("newton.step").steps)


def test_seed_004_taylor_slip_counterexample():
    # F = x², p = 0, q = 1: ΔF = 1 but ΔpᵀHΔp = 2; ∇F(p) = 0 but HΔp = 2 (seed 004 claims both are equal)
    from derivations.calculus import gradient, hessian
    from derivations.topics.critical_points import taylor_prediction

    x = sp.Symbol("x", real=True)
    f = x**2
    h, g = hessian(f, [x]).subs(x, 0), gradient(f, [x]).subs(x, 0)
    assert f.subs(x, 1) - f.subs(x, 0) == 1 and (h * sp.Matrix([1]))[0] == 2 and g[0] == 0
    assert taylor_prediction(f, [x], [0], [1]) == 1  # the full model is exact


def test_one_newton_step_is_exact_on_a_50_dimensional_quadratic():
    n = 50
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n))
    a = a @ a.T + n * np.eye(n)
    b = rng.standard_normal(n)
    a, b = a.round(3), b.round(3)
    xs = sp.symbols(f"t0:{n}", real=True)
    f = sp.Add(*[b[i] * xs[i] + a[i, i] / 2 * xs[i] ** 2 for i in range(n)],
               *[a[i, j] * xs[i] * xs[j] for i in range(n) for j in range(i + 1, n)])  # bᵀt + ½tᵀAt
    obj = objective(f, xs)
    x0 = rng.standard_normal(n)
    check_grads(obj.fun, obj.jac, x0, hess=obj.hess)
    x1 = x0 - np.linalg.solve(obj.hess(x0), obj.jac(x0))
    assert np.linalg.norm(obj.jac(x1)) < 1e-9 * np.linalg.norm(obj.jac(x0))
    np.testing.assert_allclose(x1, np.linalg.solve(a, -b), rtol=1e-9, atol=1e-12)


def test_regularized_step_tends_to_a_gradient_step():
    h = sp.Matrix([[3, 1], [1, -2]])
    g = sp.Matrix([1, 2])
    for alpha in (10**3, 10**6):
        scaled = np.array(alpha * regularized_step(h, g, alpha), dtype=float).ravel()
        assert np.linalg.norm(scaled + np.array([1.0, 2.0])) < 10 / alpha
    # and for α = 0 it is the plain Newton step
    assert regularized_step(h, g, 0) == newton_step(h, g)


def test_plain_newton_climbs_along_negative_curvature_numerically():
    # f = x² - y² + y at (1, 1): g = (2, -1), H = diag(2, -2); the Newton step along e_y has sign of the slope
    g, h = np.array([2.0, -1.0]), np.diag([2.0, -2.0])
    step = -np.linalg.solve(h, g)
    assert step[1] * g[1] > 0  # same sign as the slope: uphill along the negative-curvature direction
    f = lambda p: p[0] ** 2 - p[1] ** 2 + p[1]  # noqa: E731
    assert f(np.array([1.0, 1.0]) + np.array([0.0, step[1]])) > f(np.array([1.0, 1.0]))


def test_newton_decrement_predicts_the_quadratic_decrease():
    h = np.array([[4.0, 1.0], [1.0, 2.0]])
    g = np.array([1.0, -3.0])
    lam = float(newton_decrement(sp.Matrix(h), sp.Matrix(g)))
    d = -np.linalg.solve(h, g)
    model_decrease = -(g @ d + d @ h @ d / 2)
    assert model_decrease == pytest.approx(lam**2 / 2)


def test_newton_backtracks_on_f_alone_from_the_unit_step():
    # N&W Algorithm 3.1 from α = 1: only f at the trial steps, ∇f once per accepted iterate (ngev = nit + 1)
    from numerics.solve.newton import minimize_newton

    a, b = sp.symbols("a b")
    obj = objective((1 - a)**2 + 100 * (b - a**2)**2, [a, b])  # Rosenbrock (MGH problem 1) from (-1.2, 1)
    sol = minimize_newton(obj, np.array([-1.2, 1.0]), gtol=1e-8)
    assert sol.status.value == "converged" and np.allclose(sol.x, 1.0)
    assert sol.ngev == sol.nit + 1 and sol.nfev > sol.nit + 1
