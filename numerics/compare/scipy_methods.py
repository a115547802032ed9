r"""SciPy's methods under the harness's protocol: the options that make SciPy stop on the harness's test.

``scipy.optimize.minimize`` is called with the counting objective; with
``matched`` options its own stopping test is :math:`\|\nabla f\|_\infty \le`
``gtol`` and its other tests cannot fire first (:func:`scipy_options`), or it
runs with SciPy's defaults and only the shared iteration budget.

Examples
========

>>> import sympy as sp
>>> from types import SimpleNamespace
>>> from numerics.compile import objective
>>> x = sp.Symbol("x")
>>> solve = scipy_runner("trust-exact", matched=True)
>>> sol = solve(objective((x - 2)**4, [x]), np.array([0.0]), None, SimpleNamespace(gtol=1e-5, max_iter=100))
>>> sol.status.value, bool(abs(4 * (sol.x[0] - 2)**3) <= 1e-5), "harness" in sol.message
('converged', True, True)
>>> sol = scipy_runner("trust-krylov", matched=True)(objective((x - 2)**4, [x]), np.array([0.0]), None,
...                                                   SimpleNamespace(gtol=1e-5, max_iter=100))
>>> sol.status.value, bool(abs(4 * (sol.x[0] - 2)**3) <= 1e-5)
('converged', True)
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from numerics.compile import Objective
from numerics.result import Solution, Status

__all__ = ["scipy_options", "scipy_runner"]


def scipy_options(method: str, gtol: float, max_iter: int, matched: bool = True) -> dict:
    r"""The ``options`` SciPy's ``method`` gets: matched to the harness's stopping test, or SciPy's defaults.

    Matched (every option documented on the bench page):

    * BFGS, CG: ``gtol`` = 1e-5 with ``norm`` = ∞ (their own test is then
      :math:`\|\nabla f\|_\infty \le 10^{-5}`, the harness's);
    * L-BFGS-B: ``gtol`` = 1e-5 (its projected-gradient test, without bounds
      :math:`\|\nabla f\|_\infty`), ``ftol`` = 0 (the relative-reduction test
      never fires first), ``maxfun`` out of reach;
    * Newton-CG: ``xtol`` = 0 (its step-length test never fires first);
      trust-exact and trust-krylov: ``gtol`` = 0 (their 2-norm test never fires
      first); all three are stopped by a callback on :math:`\|\nabla f\|_\infty \le 10^{-5}` at every
      iterate, from a gradient the solver evaluates there anyway (the counter
      does not count a repeated gradient at the same point);
    * all: ``maxiter`` = the iteration budget of every solver.

    Defaults: only ``maxiter`` (SciPy's own stopping rules otherwise).

    Examples
    ========

    >>> scipy_options("L-BFGS-B", 1e-5, 2000)
    {'maxiter': 2000, 'gtol': 1e-05, 'ftol': 0.0, 'maxfun': 1000000000}
    >>> scipy_options("trust-exact", 1e-5, 2000, matched=False)
    {'maxiter': 2000}
    """
    options: dict = {"maxiter": max_iter}
    if not matched:
        return options
    if method in ("BFGS", "CG"):
        options.update(gtol=gtol, norm=math.inf)
    elif method == "L-BFGS-B":
        options.update(gtol=gtol, ftol=0.0, maxfun=10**9)
    elif method == "Newton-CG":
        options.update(xtol=0.0)
    elif method in ("trust-exact", "trust-krylov"):
        options.update(gtol=0.0)
    return options


_CALLBACK_STOP = ("Newton-CG", "trust-exact", "trust-krylov")  # stopped by the harness's test through a callback


def _dense(h) -> np.ndarray:
    return np.asarray(h.toarray() if hasattr(h, "toarray") else h, dtype=float)


def scipy_runner(method: str, matched: bool) -> Callable:
    """A harness runner ``(objective, x0, problem, settings) -> Solution`` for SciPy's ``method``.

    ``settings`` gives ``gtol`` and ``max_iter``; ``matched`` chooses
    :func:`scipy_options`' matched options or SciPy's defaults.  The status is
    SciPy's own verdict (``converged`` or ``failed``), or ``converged`` when the
    harness's callback stopped the run on its test.  Second derivatives:
    trust-exact gets the dense Hessian, Newton-CG the Hessian as the objective
    gives it (sparse stays sparse), trust-krylov Hessian-vector products
    (``hessp``, counted as such), its interface for large problems.
    """

    def solve(obj: Objective, x0: np.ndarray, problem, settings) -> Solution:
        from scipy.optimize import minimize

        hess = hessp = None
        if method == "trust-krylov":
            hessp = obj.hessp
        elif method == "trust-exact":
            hess = lambda x: _dense(obj.hess(x))  # noqa: E731 - trust-exact factors a dense matrix
        elif method == "Newton-CG":
            hess = obj.hess
        stopped = []

        def callback(intermediate_result):
            g = obj.jac(intermediate_result.x)
            if np.all(np.isfinite(g)) and float(np.max(np.abs(g), initial=0.0)) <= settings.gtol:
                stopped.append(True)
                raise StopIteration

        use_callback = matched and method in _CALLBACK_STOP
        res = minimize(obj.fun, x0, jac=obj.jac, hess=hess, hessp=hessp, method=method,
                       options=scipy_options(method, settings.gtol, settings.max_iter, matched),
                       callback=callback if use_callback else None)
        if stopped:
            status, message = Status.CONVERGED, f"stopped by the harness's test max|grad f| <= {settings.gtol:g}"
        else:  # SciPy's own verdict, not the harness's
            status, message = (Status.CONVERGED if res.success else Status.FAILED), str(res.message)
        g = np.asarray(getattr(res, "jac", np.full_like(x0, np.nan)), dtype=float)
        return Solution(status, np.asarray(res.x, dtype=float), float(res.fun), float(np.max(np.abs(g), initial=0.0)),
                        int(getattr(res, "nit", 0)), int(getattr(res, "nfev", 0)), int(getattr(res, "njev", 0)),
                        int(getattr(res, "nhev", 0)), message=message)

    return solve
