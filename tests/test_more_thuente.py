"""The Moré–Thuente search against SciPy's port of MINPACK-2 ``dcsrch`` on the paper's test functions.

Reference: J. J. Moré and D. J. Thuente, ACM TOMS 20 (1994) 286-307, Table 1 and
functions (5.1)-(5.3); the trial steps must be the ones ``scipy.optimize._dcsrch.DCSRCH``
(SciPy's translation of the MINPACK-2 Fortran) asks for, in the same order.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize._dcsrch import DCSRCH

from numerics.solve.line_search import Line
from numerics.solve.more_thuente import more_thuente


def _phi1(a, beta=2.0):  # (5.1): phi = -a / (a^2 + beta)
    return -a / (a * a + beta), (a * a - beta) / (a * a + beta) ** 2


def _phi2(a, beta=0.004):  # (5.2): phi = (a + beta)^5 - 2 (a + beta)^4
    return (a + beta) ** 5 - 2 * (a + beta) ** 4, 5 * (a + beta) ** 4 - 8 * (a + beta) ** 3


def _phi3(a, beta=0.01, ell=39):  # (5.3): a wiggly function with a kink region of width 2 beta
    if a <= 1 - beta:
        f0, d0 = 1 - a, -1.0
    elif a >= 1 + beta:
        f0, d0 = a - 1, 1.0
    else:
        f0, d0 = (a - 1) ** 2 / (2 * beta) + beta / 2, (a - 1) / beta
    w = ell * math.pi / 2
    return f0 + 2 * (1 - beta) / (ell * math.pi) * math.sin(w * a), d0 + (1 - beta) * math.cos(w * a)


CASES = [(_phi1, 1e-3, 1e-1), (_phi2, 1e-1, 1e-1), (_phi3, 1e-1, 1e-1)]


def _line(phi, trials):
    def value(a):
        trials.append(a)
        return phi(a)[0]

    def slope(a):
        d = phi(a)[1]
        return d, np.array([d])

    f0, d0 = phi(0.0)
    return Line(value, slope, f0, d0)


@pytest.mark.parametrize("phi, c1, c2", CASES)
@pytest.mark.parametrize("alpha0", [1e-3, 1e-1, 1e1, 1e3])
def test_trial_steps_are_minpacks(phi, c1, c2, alpha0):
    ours = []
    r = more_thuente(_line(phi, ours), alpha0, c1=c1, c2=c2, xtol=1e-14, alpha_max=1e10)
    theirs = []

    def value(a):
        theirs.append(a)
        return phi(a)[0]

    search = DCSRCH(value, lambda a: phi(a)[1], c1, c2, 1e-14, 0.0, 1e10)
    stp, _, _, task = search(alpha0, phi0=phi(0.0)[0], derphi0=phi(0.0)[1], maxiter=40)
    assert task[:4] == b"CONV" and r.success
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert r.alpha == pytest.approx(stp, rel=1e-12) and r.evaluations == len(theirs)
    f, d = phi(r.alpha)
    assert f <= phi(0.0)[0] + c1 * r.alpha * phi(0.0)[1] and abs(d) <= c2 * abs(phi(0.0)[1])


def test_the_papers_table_1_counts():
    # Moré & Thuente Table 1 (phi1, c1 = 1e-3, c2 = 0.1): 6, 3, 1, 4 evaluations from 1e-3, 1e-1, 1e1, 1e3
    counts = [more_thuente(_line(_phi1, []), a0, c1=1e-3, c2=0.1).evaluations for a0 in (1e-3, 1e-1, 1e1, 1e3)]
    assert counts == [6, 3, 1, 4]


def test_nan_beyond_a_point_is_backtracked():
    # phi = (a - 1)^2 for a < 3, NaN beyond: from alpha0 = 10 the search shrinks and still meets both conditions
    def phi(a):
        return ((a - 1) ** 2, 2 * (a - 1)) if a < 3 else (math.nan, math.nan)

    trials = []
    r = more_thuente(_line(phi, trials), 10.0, c2=0.1)
    assert r.success and r.nonfinite and abs(r.alpha - 1) <= 0.1 and trials[0] == 10.0
    assert all(t < 3 for t in trials[1:])


def _problems():
    import sympy as sp

    a, b, c = sp.symbols("a b c")
    return {  # badly scaled quadratic; Rosenbrock and Beale (MGH problems 1 and 5); a quartic with a product term
        "scaled quadratic": (a**2 + 10**6 * b**2 + 10**3 * c**2, [a, b, c], [1.0, 1.0, 1.0]),
        "rosenbrock": ((1 - a)**2 + 100 * (b - a**2)**2, [a, b], [-1.2, 1.0]),
        "beale": ((1.5 - a + a * b)**2 + (2.25 - a + a * b**2)**2 + (2.625 - a + a * b**3)**2, [a, b], [1.0, 1.0]),
        "quartic": ((a - 2)**4 + (a - 2 * b)**2 + c**2 * (1 + a**2), [a, b, c], [0.0, 3.0, 1.0]),
    }


@pytest.mark.parametrize("name", ["scaled quadratic", "rosenbrock", "beale", "quartic"])
def test_bfgs_search_and_first_step_are_scipys(name):
    # BFGS with SciPy's search (dcsrch, c1 = 1e-4, c2 = 0.9) and SciPy's first trial step (N&W eq. 3.60 with
    # f_{-1} = f_0 + ‖∇f_0‖/2) from H0 = I takes SciPy BFGS's iterates: the same iterations and evaluations
    import scipy.optimize

    from numerics.compile import objective
    from numerics.solve.descent import minimize_descent
    from numerics.solve.quasi_newton import BFGSDirection, bfgs_search

    expr, xs, x0 = _problems()[name]
    obj = objective(expr, xs)
    ref = scipy.optimize.minimize(obj.fun, np.array(x0), jac=obj.jac, method="BFGS", options={"gtol": 1e-5})
    ours = minimize_descent(obj, np.array(x0), BFGSDirection(scale=False), bfgs_search(), gtol=1e-5, max_iter=500)
    assert ref.success and ours.status.value == "converged"
    assert (ours.nit, ours.nfev, ours.ngev) == (ref.nit, ref.nfev, ref.njev)
    np.testing.assert_allclose(ours.x, ref.x, rtol=0, atol=1e-10)


def test_what_the_h0_scaling_costs_bfgs_on_a_badly_scaled_quadratic():
    # the bench page: with H0 rescaled by N&W eq. 6.20, γ = sᵀy/yᵀy from a first step dominated by the
    # curvature 2·10⁶ makes H0 10⁶ times too small along x1 (curvature 2), and BFGS needs more than three
    # times SciPy's gradients; from H0 = I it needs exactly SciPy's
    import scipy.optimize

    from numerics.compile import objective
    from numerics.solve.descent import minimize_descent
    from numerics.solve.quasi_newton import BFGSDirection, bfgs_search, minimize_bfgs

    expr, xs, x0 = _problems()["scaled quadratic"]
    obj = objective(expr, xs)
    ref = scipy.optimize.minimize(obj.fun, np.array(x0), jac=obj.jac, method="BFGS")
    scaled = minimize_bfgs(obj, np.array(x0), gtol=1e-5, max_iter=500)
    unscaled = minimize_descent(obj, np.array(x0), BFGSDirection(scale=False), bfgs_search(), gtol=1e-5, max_iter=500)
    assert scaled.status.value == unscaled.status.value == "converged"
    assert scaled.ngev > 3 * ref.njev and unscaled.ngev == ref.njev


def _first_trials(scale, solve):
    # the first two points at which f is evaluated (x0 and the first trial) on f = scale (x - 10)² from 0
    import sympy as sp

    from numerics.compile import objective

    x = sp.Symbol("x")
    obj = objective(scale * (x - 10)**2, [x])
    points = []

    def fun(v):
        points.append(float(v[0]))
        return obj.fun(v)

    solve(fun, obj.jac, np.zeros(1))
    return points[:2]


def test_lbfgs_first_trial_step_is_lbfgsbs():
    # L-BFGS-B's first trial along -∇f0 is 1/‖∇f0‖, not capped at 1 (lnsrlb: stp = min(1/‖d‖, 1e10));
    # at scale 1/100, ‖∇f(0)‖ = 0.2 and the first trial is x = 5 · 0.2 = 1
    import scipy.optimize

    from numerics.solve.quasi_newton import minimize_lbfgs

    ref = _first_trials(sp_rational(1, 100), lambda f, g, x0: scipy.optimize.minimize(f, x0, jac=g, method="L-BFGS-B"))
    ours = _first_trials(sp_rational(1, 100), lambda f, g, x0: minimize_lbfgs(_Objective(f, g), x0, gtol=1e-8))
    assert ref == pytest.approx(ours, abs=1e-12) and ref[1] == pytest.approx(1.0)


def test_lbfgs_sufficient_decrease_constant_is_lbfgsbs():
    # φ(α) = -α + b α² + c α³ + 10⁻³ α⁴ with φ(1) = -5·10⁻⁴, φ'(1) = 0: the first trial α = 1/|φ'(0)| = 1
    # meets c1 = 10⁻⁴ but not L-BFGS-B's c1 = 10⁻³ (lnsrlb's ftol); both searches must go on to the same trials
    import scipy.optimize

    from numerics.solve.quasi_newton import minimize_lbfgs

    b, c, e = 1.9995, -1.001, 0.001
    fun = lambda x: float(-x[0] + b * x[0]**2 + c * x[0]**3 + e * x[0]**4)  # noqa: E731
    jac = lambda x: np.array([-1 + 2 * b * x[0] + 3 * c * x[0]**2 + 4 * e * x[0]**3])  # noqa: E731
    trials = {}
    for name, solve in (("L-BFGS-B", lambda f: scipy.optimize.minimize(f, np.zeros(1), jac=jac, method="L-BFGS-B")),
                        ("ours", lambda f: minimize_lbfgs(_Objective(f, jac), np.zeros(1)))):
        points = []
        solve(lambda x: points.append(float(x[0])) or fun(x))
        trials[name] = points[:4]
    assert trials["L-BFGS-B"][1] == 1.0 and trials["L-BFGS-B"][2] < 1.0
    assert trials["ours"] == pytest.approx(trials["L-BFGS-B"], abs=1e-9)


def test_cg_first_trial_step_is_scipy_cgs():
    # SciPy's CG: min(1, 1.01 · 2 (f_{-1} - f_0)/‖∇f0‖²) with f_{-1} = f_0 + ‖∇f0‖/2 = min(1, 1.01/‖∇f0‖);
    # at scale 1, ‖∇f(0)‖ = 20 and the first trial is x = 1.01/20 · 20 = 1.01
    import scipy.optimize

    from numerics.solve.cg import minimize_cg

    ref = _first_trials(1, lambda f, g, x0: scipy.optimize.minimize(f, x0, jac=g, method="CG"))
    ours = _first_trials(1, lambda f, g, x0: minimize_cg(_Objective(f, g), x0, gtol=1e-8))
    assert ref == pytest.approx(ours, abs=1e-12) and ref[1] == pytest.approx(1.01)


def sp_rational(p, q):
    import sympy as sp

    return sp.Rational(p, q)


class _Objective:
    """The SciPy-style pair (fun, jac) as an objective for our solvers."""

    def __init__(self, fun, jac):
        self.fun, self.jac = fun, jac
