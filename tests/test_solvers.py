"""Every solver on every test function, with SciPy as the reference (optimistix's test_minimise idea)."""

import math
from functools import cache

import numpy as np
import pytest
import scipy.optimize
import sympy as sp

from numerics.compare import problems
from numerics.solve.cg import Beta, minimize_cg
from numerics.compile import objective
from numerics.solve.descent import MAX_HISTORY, SteepestDescent, _history, armijo_search, minimize_descent, wolfe_search
from numerics.testing import check_grads
from numerics.solve.newton import NewtonDirection, minimize_newton, modified_newton_direction
from numerics.solve.quasi_newton import minimize_bfgs, minimize_lbfgs
from numerics.result import Solution, Status, Trace

SOLVERS = {
    "newton": minimize_newton,
    "bfgs": minimize_bfgs,
    "lbfgs": minimize_lbfgs,
    "cg-fr": lambda obj, x0, **kw: minimize_cg(obj, x0, beta=Beta.FR, **kw),
    "cg-pr+": lambda obj, x0, **kw: minimize_cg(obj, x0, beta=Beta.PR_PLUS, **kw),
}
GTOL = 1e-5


@cache
def compiled(name):
    p = problems.get(name)
    return p, p.compile()


def solved(p, sol_f, gnorm):
    """The harness's test: gradient below 1e-5, or f within 1e-8 (1 + |f*|) of f*."""
    return gnorm <= GTOL or (p.f_star is not None and sol_f - p.f_star <= 1e-8 * (1 + abs(p.f_star)))


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("name", problems.names())
def test_solver_on_problem(name, solver):
    p, obj = compiled(name)
    sol = SOLVERS[solver](obj, np.array(p.x0), gtol=GTOL)
    assert isinstance(sol, Solution)
    f, g = obj.fun(sol.x), obj.jac(sol.x)
    assert sol.f == pytest.approx(f, rel=1e-12, abs=1e-300)
    assert sol.gnorm == pytest.approx(np.max(np.abs(g)), rel=1e-9, abs=1e-300)
    assert solved(p, f, np.max(np.abs(g))), (sol.status, sol.message, f, sol.gnorm)
    assert sol.nfev >= sol.nit and sol.ngev >= sol.nit
    assert len(sol.history.f) <= MAX_HISTORY + 1 and sol.history.f[-1] == pytest.approx(sol.f)


@pytest.mark.parametrize("name", problems.names())
def test_compiled_derivatives_pass_the_gradient_checker(name):
    p, obj = compiled(name)
    x = np.array(p.x0) + 0.1
    check_grads(obj.fun, obj.jac, x, hess=obj.hess, rtol=1e-5, h=1e-5 * max(1.0, np.max(np.abs(x))))


# --------------------------------------------------------------------------- against SciPy counts

x1, x2, x3, x4 = sp.symbols("x1:5")
LOCAL = {
    "rosenbrock": ((1 - x1) ** 2 + 100 * (x2 - x1**2) ** 2, [x1, x2], [-1.2, 1.0]),
    "beale": ((sp.Rational(3, 2) - x1 + x1 * x2) ** 2 + (sp.Rational(9, 4) - x1 + x1 * x2**2) ** 2
              + (sp.Rational(21, 8) - x1 + x1 * x2**3) ** 2, [x1, x2], [1.0, 1.0]),
    "badly-scaled-quadratic": (x1**2 + 10**6 * x2**2 + 10**3 * x3**2, [x1, x2, x3], [1.0, 1.0, 1.0]),
}


@pytest.mark.parametrize("name", sorted(LOCAL))
@pytest.mark.parametrize("ours, method", [("bfgs", "BFGS"), ("lbfgs", "L-BFGS-B"), ("cg-pr+", "CG"),
                                          ("newton", "Newton-CG")])
def test_same_minimum_and_comparable_counts_as_scipy(name, ours, method, request):
    if (name, ours) == ("badly-scaled-quadratic", "bfgs"):
        # a known loss, stated on the bench page: N&W eq. 6.20 scales H0 by sᵀy/yᵀy ≈ 1/(2·10⁶) after the first
        # step, 10⁶ times too small along x1, and BFGS needs ~45 gradients where SciPy (H0 = I) needs 9
        request.applymarker(pytest.mark.xfail(strict=True, reason="the eq. 6.20 scaling of H0 on a 10⁶-scaled quadratic"))
    expr, xs, x0 = LOCAL[name]
    obj = objective(expr, xs)
    sol = SOLVERS[ours](obj, np.array(x0), gtol=GTOL)
    ref = scipy.optimize.minimize(obj.fun, x0, jac=obj.jac, hess=obj.hess if method == "Newton-CG" else None,
                                  method=method)
    assert sol.status is Status.CONVERGED
    assert sol.f <= max(ref.fun, 0.0) + 1e-8
    np.testing.assert_allclose(sol.x, scipy.optimize.minimize(obj.fun, sol.x, jac=obj.jac).x, atol=1e-4)
    assert sol.ngev <= 3 * max(ref.njev, 10)


# --------------------------------------------------------------------------- statuses


def _quadratic():
    a, b = sp.symbols("a b")
    return objective((a - 1) ** 2 + 3 * (b + 2) ** 2, [a, b])


class _Wrapped:
    """An objective whose fun/jac misbehave on demand."""

    def __init__(self, inner, fun=None, jac=None, hess=None):
        self.fun = fun or inner.fun
        self.jac = jac or inner.jac
        self.hess = hess or inner.hess
        self.hessp = inner.hessp


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_nan_at_start_is_nonfinite(solver):
    obj = _Wrapped(_quadratic(), fun=lambda x: math.nan)
    sol = SOLVERS[solver](obj, np.zeros(2))
    assert sol.status is Status.NONFINITE
    np.testing.assert_array_equal(sol.x, np.zeros(2))


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_exception_in_objective_is_error(solver):
    inner = _quadratic()

    def jac(x):
        if x[0] > 0.5:
            raise ValueError("boom")
        return inner.jac(x)

    sol = SOLVERS[solver](_Wrapped(inner, jac=jac), np.zeros(2))
    assert sol.status is Status.ERROR and "boom" in sol.message
    assert np.all(np.isfinite(sol.x)) and sol.x[0] <= 0.5


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_nan_region_is_avoided_by_the_line_search(solver):
    # f is NaN for a > 1.5; the minimum (1, -2) is inside: long trial steps must shrink
    inner = _quadratic()
    fun = lambda x: inner.fun(x) if x[0] <= 1.5 else math.nan  # noqa: E731
    jac = lambda x: inner.jac(x) if x[0] <= 1.5 else np.full(2, math.nan)  # noqa: E731
    sol = SOLVERS[solver](_Wrapped(inner, fun=fun, jac=jac), np.array([-30.0, 5.0]))
    assert sol.status is Status.CONVERGED, sol.message
    np.testing.assert_allclose(sol.x, [1.0, -2.0], atol=1e-6)


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_nan_gradient_after_a_step_keeps_last_finite_iterate(solver):
    inner = compiled("rosenbrock")[1]
    calls = {"n": 0}

    def jac(x):
        calls["n"] += 1
        return inner.jac(x) if calls["n"] < 4 else np.full(2, math.nan)

    sol = SOLVERS[solver](_Wrapped(inner, jac=jac), np.array([-1.2, 1.0]))
    assert sol.status is Status.NONFINITE
    assert np.all(np.isfinite(sol.x)) and math.isfinite(sol.f)


def test_max_iterations_and_stall():
    obj = compiled("rosenbrock")[1]
    sol = minimize_bfgs(obj, np.array([-1.2, 1.0]), max_iter=3)
    assert sol.status is Status.MAX_ITERATIONS and sol.nit == 3
    # gtol = 0 cannot be met; the solver must stop on its own without an exception
    sol = minimize_cg(obj, np.array([-1.2, 1.0]), gtol=0.0)
    assert sol.status in (Status.STALLED, Status.CONVERGED, Status.LINE_SEARCH_FAILED)
    assert sol.f < 1e-12


def test_history_is_thinned_and_keeps_the_ends():
    rec = Trace()
    for k in range(10_001):
        rec.add(k, np.array([float(k)]), float(k), 1.0 / (k + 1), k)
    h = _history(rec)
    assert len(h.f) <= MAX_HISTORY + 1
    assert h.f[0] == 0.0 and h.f[-1] == 10_000.0
    assert list(h.evaluations) == sorted(h.evaluations)


def test_steepest_descent_through_the_shared_loop():
    sol = minimize_descent(_quadratic(), [0.0, 0.0], SteepestDescent(), wolfe_search(c2=0.1), gtol=1e-8,
                           max_iter=1000)
    assert sol.status is Status.CONVERGED
    np.testing.assert_allclose(sol.x, [1.0, -2.0], atol=1e-7)


def test_newton_with_armijo_backtracking():
    p, obj = compiled("rosenbrock")
    sol = minimize_descent(obj, p.x0, NewtonDirection(), armijo_search(), gtol=1e-8, max_iter=200)
    ref = scipy.optimize.minimize(obj.fun, p.x0, jac=obj.jac, hess=obj.hess, method="trust-exact")
    assert sol.status is Status.CONVERGED
    np.testing.assert_allclose(sol.x, ref.x, atol=1e-5)


def test_modified_newton_direction_is_descent_on_indefinite_hessians():
    rng = np.random.default_rng(0)
    for _ in range(20):
        a = rng.standard_normal((6, 6))
        hess = a + a.T  # indefinite
        g = rng.standard_normal(6)
        d = modified_newton_direction(hess, g)
        assert g @ d < 0
    spd = np.diag([1.0, 1e12])  # badly scaled but positive definite: the pure Newton step
    np.testing.assert_allclose(modified_newton_direction(spd, np.array([2.0, 4.0])), [-2.0, -4e-12])


def test_newton_accepts_a_sparse_hessian():
    a, b = sp.symbols("a b")
    obj = objective((1 - a) ** 2 + 100 * (b - a**2) ** 2, [a, b], sparse=True)
    sol = minimize_newton(obj, [-1.2, 1.0])
    assert sol.status is Status.CONVERGED and sol.nhev == sol.nit
    np.testing.assert_allclose(sol.x, [1.0, 1.0], atol=1e-8)


def test_invalid_arguments():
    with pytest.raises(ValueError):
        minimize_cg(_quadratic(), [0.0, 0.0], beta="hs")
    with pytest.raises(ValueError):
        minimize_lbfgs(_quadratic(), [0.0, 0.0], memory=0)
