r"""Quasi-Newton minimizers: BFGS (dense inverse update) and L-BFGS (compact representation).

Both take :math:`d_k = -H_k \nabla f_k` with :math:`H_k` approximating the
inverse Hessian (the seed's :math:`\mathbf{H}_k^{-1}`, seed 001).  Each searches
as its SciPy counterpart does, a rule fixed before any measurement: the
Moré–Thuente line search (MINPACK-2 ``dcsrch``, :mod:`numerics.solve.more_thuente`)
for the strong Wolfe conditions, with

* **BFGS** SciPy BFGS's constants (``line_search_wolfe1``: :math:`c_1 = 10^{-4}`,
  :math:`c_2 = 0.9`, ``xtol`` :math:`10^{-14}`) and its first trial step,
  :func:`~numerics.solve.descent.initial_step` (N&W eq. 3.60 with the factor 1.01,
  capped at 1; :math:`\min(1, 1.01/\|\nabla f_0\|)` at the start);
* **L-BFGS** L-BFGS-B's (``lnsrlb``: :math:`c_1 = 10^{-3}`, :math:`c_2 = 0.9`,
  ``xtol`` 0.1) and its first trial step, :math:`1/\|\nabla f_0\|` (not capped)
  while there is no pair, 1 after.

After a step :math:`s = x_{k+1}-x_k`,
:math:`y = \nabla f_{k+1} - \nabla f_k` with :math:`y^Ts > 0`:

* **BFGS** applies the inverse update derived and verified in
  :mod:`derivations.topics.quasi_newton` (``quasi_newton.bfgs_expanded_form``), in
  its :math:`O(n^2)` form compiled through the bridge,

  .. math:: H^+ = H - \rho\,(s u^T + u s^T) + (\rho + \rho^2 y^T u)\, s s^T,
            \qquad u = H y,\ \rho = 1/(y^T s);

* **L-BFGS** keeps the last ``memory`` pairs and forms :math:`H_k g` in the
  compact representation of Byrd, Nocedal & Schnabel (1994)
  (:func:`compact_product`: matrix products with the stacked pairs, no Python loop
  over them), the same matrix as the two-loop recursion
  (:func:`two_loop`, ``quasi_newton.lbfgs_two_loop``), with
  :math:`H_k^0 = \gamma I`, :math:`\gamma = s^Ty / y^Ty` from the newest pair.

BFGS starts from :math:`H_0 = I` and, before the first update, rescales it to
:math:`H_0 = \gamma I` with :math:`\gamma` from the first pair (Nocedal & Wright eq. 6.20); SciPy's BFGS
keeps :math:`H_0 = I` (with ``BFGSDirection(scale=False)`` this BFGS takes SciPy's iterates).  An update is applied only when
:math:`y^Ts > 10^{-10}\|s\|\|y\|`; then :math:`H^+` is positive definite
whenever :math:`H` is, so every :math:`d_k = -H_k\nabla f_k` is a descent direction.

Examples
========

>>> import numpy as np, sympy as sp
>>> from numerics.compile import objective
>>> a, b = sp.symbols("a b")
>>> rosen = objective((1 - a)**2 + 100 * (b - a**2)**2, [a, b])
>>> sol = minimize_bfgs(rosen, [-1.2, 1.0])
>>> sol.status.value, np.allclose(sol.x, [1.0, 1.0])
('converged', True)
>>> minimize_lbfgs(rosen, [-1.2, 1.0], memory=5).status.value
'converged'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import scipy.linalg

from numerics.compile import compile_matrix_expression
from numerics.solve.descent import Proposal, initial_step, minimize_descent, more_thuente_search, start_decrease
from numerics.result import Solution

__all__ = ["minimize_bfgs", "minimize_lbfgs", "BFGSDirection", "LBFGSDirection", "LBFGSState", "two_loop",
           "compact_product", "bfgs_update"]

_CURVATURE_TOL = 1e-10  # update only if y^T s > _CURVATURE_TOL ‖s‖ ‖y‖ (keeps H positive definite)
# Each method searches as its SciPy counterpart does, fixed by that rule before any measurement.
# BFGS, as SciPy's BFGS (line_search_wolfe1 -> MINPACK-2 dcsrch): strong Wolfe with c1 = 1e-4, c2 = 0.9,
# xtol = 1e-14, steps up to 1e100, at most 100 trials.
BFGS_C1, BFGS_C2 = 1e-4, 0.9
# L-BFGS, as L-BFGS-B (lnsrlb -> dcsrch): ftol = c1 = 1e-3, gtol = c2 = 0.9, xtol = 0.1, steps up to 1e10.
LBFGS_C1, LBFGS_C2, LBFGS_XTOL = 1e-3, 0.9, 0.1


def bfgs_search():
    """SciPy BFGS's search: Moré–Thuente with :data:`BFGS_C1`, :data:`BFGS_C2`, steps in (0, 1e100], 100 trials.

    Examples
    ========

    >>> import numpy as np
    >>> from numerics.solve.line_search import Line
    >>> line = Line.of(lambda x: float(x @ x), lambda x: 2 * x, np.array([1.0]), np.array([-1.0]))
    >>> r = bfgs_search()(line, 1.0)                   # phi(a) = (1 - a)**2: the unit step is exact
    >>> r.success, r.alpha
    (True, 1.0)
    """
    return more_thuente_search(c1=BFGS_C1, c2=BFGS_C2, alpha_max=1e100, max_evaluations=100)


def lbfgs_search():
    """L-BFGS-B's search: Moré–Thuente with :data:`LBFGS_C1`, :data:`LBFGS_C2`, :data:`LBFGS_XTOL`, steps in (0, 1e10].

    Examples
    ========

    >>> import numpy as np
    >>> from numerics.solve.line_search import Line
    >>> line = Line.of(lambda x: float(x @ x), lambda x: 2 * x, np.array([1.0]), np.array([-1.0]))
    >>> r = lbfgs_search()(line, 0.5)                  # phi(a) = (1 - a)**2; c2 = 0.9 accepts 0.5
    >>> r.success, r.alpha
    (True, 0.5)
    """
    return more_thuente_search(c1=LBFGS_C1, c2=LBFGS_C2, xtol=LBFGS_XTOL)


def lbfgs_first_step(g: np.ndarray) -> float:
    r"""L-BFGS-B's first trial step along :math:`-\nabla f_0`: :math:`1/\|\nabla f_0\|_2`, not capped at 1 (at most 1e10).

    Examples
    ========

    >>> import numpy as np
    >>> lbfgs_first_step(np.array([0.3, 0.4])), lbfgs_first_step(np.array([30.0, 40.0]))
    (2.0, 0.02)
    """
    norm = float(np.linalg.norm(g))
    return min(1e10, 1.0 / norm) if norm > 0 else 1.0


@cache
def _compiled_update():
    """The derived expanded BFGS inverse update, compiled once: ``(H, s, y, u) -> H+``."""
    from derivations.topics.quasi_newton import expanded_update

    expr, args = expanded_update()
    return compile_matrix_expression(expr, args)


def bfgs_update(H: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""The BFGS inverse-Hessian update :math:`H^+` for the pair ``(s, y)`` (derived, compiled).

    Examples
    ========

    >>> import numpy as np
    >>> H = bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([2.0, 1.0]))
    >>> np.allclose(H @ np.array([2.0, 1.0]), [1.0, 0.0])   # the secant condition H+ y = s
    True
    """
    s2, y2 = s.reshape(-1, 1), y.reshape(-1, 1)
    return _compiled_update()(H, s2, y2, H @ y2)


@dataclass(frozen=True)
class BFGSState:
    r"""The inverse-Hessian approximation, whether it has been updated, and the last decrease :math:`f_{k-1} - f_k`."""

    H: np.ndarray
    updated: bool
    decrease: float


@dataclass(frozen=True)
class BFGSDirection:
    r"""The direction :math:`-H\nabla f` with :math:`H` from the derived BFGS inverse update.

    ``scale=True`` (the default) replaces :math:`H_0 = I` by :math:`\gamma I`,
    :math:`\gamma = s^Ty/y^Ty`, before the first update (N&W eq. 6.20), so that
    :math:`H_0` has the curvature of the first pair along :math:`y`;
    ``scale=False`` keeps :math:`H_0 = I`.
    """

    scale: bool = True

    def init(self, x, f, g):
        return BFGSState(np.eye(x.size), False, start_decrease(g))

    def direction(self, state, x, f, g, counter):
        d = -(state.H @ g)
        return Proposal(d, initial_step(g, d, state.decrease), state)

    def update(self, state, step):
        s, y = step.s, step.y
        ys = float(y @ s)
        decrease = step.f - step.f_new
        if not ys > _CURVATURE_TOL * float(np.linalg.norm(s) * np.linalg.norm(y)):
            return BFGSState(state.H, state.updated, decrease)  # skip: H stays positive definite
        H = state.H
        if self.scale and not state.updated:
            H = (ys / float(y @ y)) * np.eye(s.size)
        return BFGSState(bfgs_update(H, s, y), True, decrease)

    def restart(self, state, x, f, g):
        return BFGSState(np.eye(x.size), False, start_decrease(g))


def two_loop(g: np.ndarray, pairs: tuple[tuple[np.ndarray, np.ndarray, float], ...], gamma: float) -> np.ndarray:
    r"""The product :math:`H_k g` of the L-BFGS matrix with ``g`` by the two-loop recursion.

    ``pairs`` holds :math:`(s_i, y_i, \rho_i)`, oldest first, and
    :math:`H_k^0 = \gamma I`.  First loop (newest to oldest):
    :math:`\alpha_i = \rho_i s_i^T q,\ q \leftarrow q - \alpha_i y_i`; then
    :math:`r = \gamma q`; second loop (oldest to newest):
    :math:`\beta = \rho_i y_i^T r,\ r \leftarrow r + s_i(\alpha_i - \beta)`
    (Nocedal & Wright Algorithm 7.4; exactness verified in
    ``quasi_newton.lbfgs_two_loop``).

    Examples
    ========

    >>> import numpy as np
    >>> s, y = np.array([1.0, 0.0]), np.array([2.0, 1.0])
    >>> np.allclose(two_loop(y, ((s, y, 1 / (y @ s)),), 1.0), s)   # H_1 y = s
    True
    """
    q = np.array(g, dtype=float, copy=True)
    alphas = []
    for s, y, rho in reversed(pairs):
        a = rho * float(s @ q)
        q -= a * y
        alphas.append(a)
    r = gamma * q
    for (s, y, rho), a in zip(pairs, reversed(alphas)):
        b = rho * float(y @ r)
        r += (a - b) * s
    return r


@dataclass(frozen=True)
class LBFGSState:
    r"""The newest ``memory`` pairs as rows of :math:`S` and :math:`Y` (oldest first), :math:`S Y^T`, :math:`Y Y^T`, :math:`\gamma`."""

    S: np.ndarray
    Y: np.ndarray
    SY: np.ndarray  # SY[i, j] = s_i^T y_j
    YY: np.ndarray  # YY[i, j] = y_i^T y_j
    gamma: float

    @staticmethod
    def empty(n: int) -> "LBFGSState":
        """No pairs yet (:math:`H_0 = I`)."""
        return LBFGSState(np.zeros((0, n)), np.zeros((0, n)), np.zeros((0, 0)), np.zeros((0, 0)), 1.0)

    def with_pair(self, s: np.ndarray, y: np.ndarray, memory: int) -> "LBFGSState":
        r"""The state with :math:`(s, y)` appended (the oldest pair dropped beyond ``memory``); :math:`O(mn)`."""
        keep = slice(1, None) if self.S.shape[0] >= memory else slice(None)
        S, Y = np.vstack([self.S[keep], s]), np.vstack([self.Y[keep], y])
        SY, YY = np.empty((S.shape[0],) * 2), np.empty((S.shape[0],) * 2)
        SY[:-1, :-1], YY[:-1, :-1] = self.SY[keep, keep], self.YY[keep, keep]
        SY[:, -1], SY[-1, :] = S @ y, Y @ s
        YY[:, -1] = YY[-1, :] = Y @ y
        return LBFGSState(S, Y, SY, YY, float(s @ y) / float(y @ y))


def compact_product(state: LBFGSState, g: np.ndarray) -> np.ndarray:
    r"""The product :math:`H_k g` in the compact representation (Byrd, Nocedal & Schnabel 1994, eq. 2.6).

    .. math:: H_k = \gamma I + \begin{bmatrix} S^T \\ \gamma Y^T \end{bmatrix}^T
              \begin{bmatrix} R^{-T}(D + \gamma Y^TY)R^{-1} & -R^{-T} \\ -R^{-1} & 0 \end{bmatrix}
              \begin{bmatrix} S^T \\ \gamma Y^T \end{bmatrix},

    with :math:`S, Y` the :math:`n \times m` matrices of the pairs, :math:`R` the upper
    triangle of :math:`S^TY` and :math:`D` its diagonal: four products with
    :math:`S` or :math:`Y` and two :math:`m \times m` triangular solves, the same
    matrix as the two-loop recursion (:func:`two_loop`, checked in the tests).

    Examples
    ========

    >>> import numpy as np
    >>> s, y = np.array([1.0, 0.0]), np.array([2.0, 1.0])
    >>> st = LBFGSState.empty(2).with_pair(s, y, memory=5)
    >>> np.allclose(compact_product(st, y), two_loop(y, ((s, y, 1 / (y @ s)),), st.gamma))
    True
    """
    if state.S.shape[0] == 0:
        return state.gamma * g
    gamma = state.gamma
    R = np.triu(state.SY)
    a, b = state.S @ g, state.Y @ g
    p = scipy.linalg.solve_triangular(R, a, lower=False, check_finite=False)
    inner = np.diag(state.SY) * p + gamma * (state.YY @ p) - gamma * b
    top = scipy.linalg.solve_triangular(R, inner, trans="T", lower=False, check_finite=False)
    return gamma * g + state.S.T @ top - gamma * (state.Y.T @ p)


@dataclass(frozen=True)
class LBFGSDirection:
    r"""The direction :math:`-H_k\nabla f` from the last ``memory`` pairs (compact representation)."""

    memory: int = 10

    def init(self, x, f, g):
        return LBFGSState.empty(x.size)

    def direction(self, state, x, f, g, counter):
        if state.S.shape[0] == 0:
            return Proposal(-g, lbfgs_first_step(g), state)
        return Proposal(-compact_product(state, g), 1.0, state)

    def update(self, state, step):
        s, y = step.s, step.y
        ys = float(y @ s)
        if not ys > _CURVATURE_TOL * float(np.linalg.norm(s) * np.linalg.norm(y)):
            return state
        return state.with_pair(s, y, self.memory)

    def restart(self, state, x, f, g):
        return LBFGSState.empty(x.size)


def minimize_bfgs(objective, x0, *, gtol: float = 1e-8, max_iter: int = 2000) -> Solution:
    r"""Minimize with BFGS (derived inverse update) and SciPy BFGS's line search and first trial step.

    Stops on :math:`\|\nabla f\|_\infty \le` ``gtol``; see
    :func:`numerics.solve.descent.minimize_descent` for the other statuses.

    Parameters and the returned :class:`~numerics.result.Solution` as for
    :func:`~numerics.solve.descent.minimize_descent`, whose direction and search this fixes.

    Examples
    ========

    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x, y = sp.symbols("x y")
    >>> sol = minimize_bfgs(objective((x - 2)**2 + (x - y)**4, [x, y]), [0.0, 0.0], gtol=1e-6)
    >>> sol.status.value, bool(abs(sol.x[0] - 2.0) < 1e-3)
    ('converged', True)
    """
    return minimize_descent(objective, x0, BFGSDirection(), bfgs_search(), gtol=gtol,
                            max_iter=max_iter, name="BFGS")


def minimize_lbfgs(objective, x0, *, memory: int = 10, gtol: float = 1e-8, max_iter: int = 5000) -> Solution:
    r"""Minimize with L-BFGS (compact representation, ``memory`` pairs) and L-BFGS-B's line search and first step.

    Parameters and the returned :class:`~numerics.result.Solution` as for
    :func:`~numerics.solve.descent.minimize_descent`, whose direction and search this fixes; ``memory`` is how many pairs :math:`(s, y)` the two-loop recursion keeps.

    Examples
    ========

    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x, y = sp.symbols("x y")
    >>> minimize_lbfgs(objective((x - 2)**2 + 3 * (y + 1)**2, [x, y]), [0.0, 0.0]).status.value
    'converged'
    """
    if memory < 1:
        raise ValueError("memory must be at least 1")
    return minimize_descent(objective, x0, LBFGSDirection(memory), lbfgs_search(), gtol=gtol,
                            max_iter=max_iter, name=f"L-BFGS(m={memory})")
