r"""A descent method is a direction plus a line search: the loop every solver shares.

Newton, BFGS, L-BFGS and nonlinear CG differ only in the direction
:math:`d_k` (a :class:`Direction`: ``init``, ``direction``, ``update``,
``restart`` over an explicit state record) and in the line search that picks
:math:`\alpha_k`; :func:`minimize_descent` runs

.. math:: x_{k+1} = x_k + \alpha_k d_k, \qquad \nabla f(x_k)^T d_k < 0,

counts evaluations, records a thinned history, and stops on
:math:`\|\nabla f\|_\infty \le` ``gtol`` (CONVERGED), when no decrease is
possible in floating point (STALLED), when the search fails even along
:math:`-\nabla f` (LINE_SEARCH_FAILED), at ``max_iter`` (MAX_ITERATIONS), on
NaN/Inf (NONFINITE, with the last finite iterate) or on an exception raised
by the objective (ERROR).  No exception leaves the solver except a
:class:`~numerics.solve.counting.Timeout` raised by a caller's counting objective.

Examples
========

>>> import numpy as np, sympy as sp
>>> from numerics.compile import objective
>>> x, y = sp.symbols("x y")
>>> obj = objective((x - 1)**2 + 10 * (y + 2)**2, [x, y])
>>> sol = minimize_descent(obj, [0.0, 0.0], SteepestDescent(), wolfe_search(c2=0.9), gtol=1e-8, max_iter=500)
>>> sol.status.value, np.allclose(sol.x, [1.0, -2.0])
('converged', True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import numpy as np

from numerics.solve.counting import Counter, Timeout
from numerics.solve.line_search import Line, LineSearchResult, backtracking, strong_wolfe
from numerics.solve.more_thuente import more_thuente
from numerics.result import MAX_HISTORY, History, Solution, Status, Trace

__all__ = [
    "Counter", "Direction", "Proposal", "Step", "SteepestDescent", "minimize_descent", "wolfe_search",
    "armijo_search", "more_thuente_search", "first_step", "initial_step", "start_decrease", "MAX_HISTORY",
]

_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class Step:
    r"""One accepted step :math:`x_{k+1} = x_k + \alpha d`, with the values and gradients at both ends.

    A :class:`Direction` learns from it (the ``FunctionInfo`` pattern of
    optimistix): :math:`s = x_{k+1} - x_k`, :math:`y = \nabla f_{k+1} - \nabla f_k`.

    Examples
    ========

    >>> st = Step(np.zeros(1), np.ones(1), 1.0, 0.0, np.full(1, -2.0), np.zeros(1), 0.5, np.full(1, 2.0))
    >>> st.s.tolist(), st.y.tolist()
    ([1.0], [2.0])
    """

    x: np.ndarray
    x_new: np.ndarray
    f: float
    f_new: float
    g: np.ndarray
    g_new: np.ndarray
    alpha: float
    d: np.ndarray

    @property
    def s(self) -> np.ndarray:
        """The step :math:`s = x_{k+1} - x_k`."""
        return self.x_new - self.x

    @property
    def y(self) -> np.ndarray:
        r"""The change of gradient :math:`y = \nabla f_{k+1} - \nabla f_k`."""
        return self.g_new - self.g


@dataclass(frozen=True)
class Proposal:
    """A search direction, the first trial step, and the direction's new state."""

    d: np.ndarray
    alpha0: float
    state: Any


class Direction(Protocol):
    """How a method chooses :math:`d_k` and learns from the step it took."""

    def init(self, x: np.ndarray, f: float, g: np.ndarray) -> Any: ...

    def direction(self, state: Any, x: np.ndarray, f: float, g: np.ndarray, counter: Counter) -> Proposal: ...

    def update(self, state: Any, step: Step) -> Any: ...

    def restart(self, state: Any, x: np.ndarray, f: float, g: np.ndarray) -> Any: ...


Search = Callable[[Line, float], LineSearchResult]


def wolfe_search(c1: float = 1e-4, c2: float = 0.9) -> Search:
    """A strong-Wolfe search with constants ``c1`` and ``c2``."""
    return lambda line, alpha0: strong_wolfe(line, alpha0, c1=c1, c2=c2)


def more_thuente_search(c1: float = 1e-4, c2: float = 0.9, *, xtol: float = 1e-14, alpha_max: float = 1e10,
                        max_evaluations: int = 40) -> Search:
    """The Moré–Thuente search (MINPACK-2 ``dcsrch``) for the strong Wolfe conditions with ``c1`` and ``c2``.

    ``xtol``, ``alpha_max`` and ``max_evaluations`` as for :func:`~numerics.solve.more_thuente.more_thuente`.
    """
    return lambda line, alpha0: more_thuente(line, alpha0, c1=c1, c2=c2, xtol=xtol, alpha_max=alpha_max,
                                             max_evaluations=max_evaluations)


def armijo_search(c1: float = 1e-4) -> Search:
    """An Armijo backtracking search with constant ``c1``."""
    return lambda line, alpha0: backtracking(line, alpha0, c1=c1)


def first_step(g: np.ndarray) -> float:
    r"""A first trial step with a predicted decrease of :math:`\tfrac12\|g\|`: :math:`\min(1, 1/\|g\|_2)`."""
    norm = float(np.linalg.norm(g))
    return min(1.0, 1.0 / norm) if norm > 0 else 1.0


def initial_step(g: np.ndarray, d: np.ndarray, decrease: float) -> float:
    r"""First trial step :math:`\min(1,\ 1.01 \cdot 2\,(f_{k-1}-f_k)/|\nabla f_k^T d_k|)` (N&W eq. 3.60, capped at 1).

    The rule of SciPy's BFGS and CG (``scalar_search_wolfe1``): the step that
    would repeat the last decrease of :math:`f` on a quadratic model, enlarged
    by 1 %, and the unit step whenever that is longer.  Before the first step
    the decrease is taken as :math:`\tfrac12\|\nabla f_0\|` (SciPy's
    :math:`f_{-1} = f_0 + \|\nabla f_0\|/2`), which gives
    :math:`\min(1, 1.01/\|\nabla f_0\|)` along :math:`-\nabla f_0`.  A
    decrease that is not positive gives 1.

    Examples
    ========

    >>> import numpy as np
    >>> initial_step(np.array([1.0]), np.array([-1.0]), 10.0), initial_step(np.array([1.0]), np.array([-1.0]), 0.1)
    (1.0, 0.202)
    >>> g = np.array([30.0, 40.0])
    >>> initial_step(g, -g, np.linalg.norm(g) / 2)        # 1.01 / ‖∇f₀‖ = 1.01 / 50
    0.0202
    """
    slope = float(g @ d)
    if not decrease > 0 or not slope < 0:
        return 1.0
    return min(1.0, 2.02 * float(decrease) / -slope)


def start_decrease(g: np.ndarray) -> float:
    r"""The decrease :math:`f_{-1} - f_0 = \tfrac12\|\nabla f_0\|_2` assumed before the first step (SciPy's BFGS and CG).

    Examples
    ========

    >>> import numpy as np
    >>> start_decrease(np.array([3.0, 4.0]))
    2.5
    """
    return float(np.linalg.norm(g)) / 2


@dataclass(frozen=True)
class SteepestDescent:
    r"""The direction :math:`d = -\nabla f` (the fallback every method restarts from)."""

    def init(self, x, f, g):
        return None

    def direction(self, state, x, f, g, counter):
        return Proposal(-g, first_step(g), state)

    def update(self, state, step):
        return state

    def restart(self, state, x, f, g):
        return state


def _history(trace: Trace) -> History:
    """The history of rows ``(k, x, f, ‖∇f‖∞, nfev)``."""
    rows = trace.rows()
    return History(x=tuple(np.array(r[1], copy=True) for r in rows), f=tuple(float(r[2]) for r in rows),
                   gnorm=tuple(float(r[3]) for r in rows), evaluations=tuple(int(r[4]) for r in rows))


def _line(counter: Counter, x: np.ndarray, d: np.ndarray, f0: float, slope0: float) -> Line:
    def value(alpha):
        return counter.fun(x + alpha * d)

    def slope(alpha):
        g = counter.jac(x + alpha * d)
        return float(g @ d), g

    return Line(value, slope, f0, slope0)


def _is_descent(d: np.ndarray, g: np.ndarray) -> bool:
    slope = float(g @ d)
    return bool(np.all(np.isfinite(d))) and slope < -1e-14 * float(np.linalg.norm(g) * np.linalg.norm(d))


def minimize_descent(
    objective,
    x0,
    direction: Direction,
    search: Search,
    *,
    gtol: float = 1e-8,
    max_iter: int = 1000,
    name: str = "descent",
) -> Solution:
    r"""Run :math:`x_{k+1} = x_k + \alpha_k d_k` until a stopping test fires; always returns a :class:`Solution`.

    Parameters
    ==========

    objective : a compiled :class:`~numerics.compile.Objective` (``fun``, ``jac``, and ``hess`` for Newton)
    x0 : the starting point
    direction : the :class:`Direction` that proposes :math:`d_k`
    search : the line search that picks :math:`\alpha_k` (:func:`wolfe_search`, :func:`armijo_search`)
    gtol : stop when :math:`\|\nabla f\|_\infty \le` ``gtol``
    max_iter : the iteration budget
    name : the prefix of the solution's message

    Returns
    =======

    :class:`Solution`; its ``status`` says why the solve stopped

    Examples
    ========

    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x = sp.Symbol("x")
    >>> minimize_descent(objective((x - 3)**2, [x]), [0.0], SteepestDescent(), armijo_search()).x.round(6).tolist()
    [3.0]
    """
    counter = Counter(objective)
    trace = Trace()
    x = np.array(x0, dtype=float).reshape(-1)
    f, g = math.nan, np.full_like(x, math.nan)
    nit = 0

    def finish(status: Status, message: str) -> Solution:
        gnorm = float(np.max(np.abs(g))) if g.size and np.all(np.isfinite(g)) else math.inf
        if g.size == 0:
            gnorm = 0.0
        return Solution(status, x.copy(), float(f), gnorm, nit, counter.nfev, counter.ngev, counter.nhev,
                        _history(trace), f"{name}: {message}")

    try:
        f0, g0 = counter.fun(x), counter.jac(x)
    except Timeout:
        raise
    except Exception as exc:  # the objective raised: report, never propagate
        return finish(Status.ERROR, f"objective raised {type(exc).__name__}: {exc}")
    if not (math.isfinite(f0) and np.all(np.isfinite(g0))):
        f, g = f0, g0
        return finish(Status.NONFINITE, "NaN or Inf at the starting point")
    f, g = f0, g0
    trace.add(0, x, f, np.max(np.abs(g), initial=0.0), counter.nfev)
    fallback = SteepestDescent()
    try:
        state = direction.init(x, f, g)
        while True:
            if np.max(np.abs(g), initial=0.0) <= gtol:
                return finish(Status.CONVERGED, f"gradient norm below {gtol:g}")
            if nit >= max_iter:
                return finish(Status.MAX_ITERATIONS, f"reached {max_iter} iterations")
            proposal = direction.direction(state, x, f, g, counter)
            state, d, alpha0 = proposal.state, proposal.d, proposal.alpha0
            steepest = False
            if not _is_descent(d, g):
                state = direction.restart(state, x, f, g)
                p = fallback.direction(None, x, f, g, counter)
                d, alpha0, steepest = p.d, p.alpha0, True
            result = search(_line(counter, x, d, f, float(g @ d)), alpha0)
            if not result.decreased and not steepest:
                state = direction.restart(state, x, f, g)
                p = fallback.direction(None, x, f, g, counter)
                d, alpha0, steepest = p.d, p.alpha0, True
                result = search(_line(counter, x, d, f, float(g @ d)), alpha0)
            if not result.decreased:
                return finish(*_failure(result, x, d, f, g))
            x_new = x + result.alpha * d
            g_new = result.g if result.g is not None else counter.jac(x_new)
            if not (math.isfinite(result.f) and np.all(np.isfinite(g_new))):
                return finish(Status.NONFINITE, f"NaN or Inf in the gradient after iteration {nit}")
            state = direction.update(state, Step(x, x_new, f, result.f, g, g_new, result.alpha, d))
            x, f, g = x_new, result.f, g_new
            nit += 1
            trace.add(nit, x, f, np.max(np.abs(g)), counter.nfev)
    except Timeout:
        raise  # the caller's wall-clock bound: the caller reports it
    except Exception as exc:  # an exception in the objective (or a linear-algebra failure)
        return finish(Status.ERROR, f"{type(exc).__name__}: {exc}")


def _failure(result: LineSearchResult, x, d, f, g) -> tuple[Status, str]:
    """NONFINITE if a trial gave NaN/Inf; STALLED if the shortest trial was at floating-point resolution."""
    shortest = result.smallest * float(np.max(np.abs(d)))
    resolution = 4 * _EPS * max(1.0, float(np.max(np.abs(x))))
    predicted = result.smallest * abs(float(g @ d))
    if result.nonfinite:
        return Status.NONFINITE, "NaN or Inf at the trial steps; " + (result.message or "search failed")
    if shortest <= resolution or predicted <= 4 * _EPS * max(abs(f), 1e-300):
        return Status.STALLED, "no decrease possible in floating point"
    return Status.LINE_SEARCH_FAILED, result.message or "line search failed along -gradient"
