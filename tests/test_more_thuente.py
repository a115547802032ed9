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


def test_why_bfgs_keeps_the_bracket_and_zoom_search():
    # the bench page: with Moré–Thuente, BFGS (H0 rescaled by N&W eq. 6.20) needs more than three times
    # SciPy's gradients on a badly scaled quadratic; with the bracket-and-zoom search at most three times
    import scipy.optimize
    import sympy as sp

    from numerics.compile import objective
    from numerics.solve.descent import minimize_descent, more_thuente_search, wolfe_search
    from numerics.solve.quasi_newton import BFGS_C2, BFGSDirection

    x1, x2, x3 = sp.symbols("x1:4")
    obj = objective(x1**2 + 10**6 * x2**2 + 10**3 * x3**2, [x1, x2, x3])
    ref = scipy.optimize.minimize(obj.fun, np.ones(3), jac=obj.jac, method="BFGS")
    runs = {name: minimize_descent(obj, np.ones(3), BFGSDirection(), search(c2=BFGS_C2), gtol=1e-5, max_iter=500)
            for name, search in (("more-thuente", more_thuente_search), ("zoom", wolfe_search))}
    assert all(r.status.value == "converged" for r in runs.values())
    assert runs["more-thuente"].ngev > 3 * ref.njev >= runs["zoom"].ngev
