r"""Nonlinear conjugate gradients: Fletcher–Reeves and Polak–Ribière+ with restarts.

.. math:: d_{k+1} = -\nabla f_{k+1} + \beta_{k+1} d_k, \qquad
          \beta^{FR}_{k+1} = \frac{\nabla f_{k+1}^T \nabla f_{k+1}}{\nabla f_k^T \nabla f_k}, \qquad
          \beta^{PR+}_{k+1} = \max\Big(0, \frac{\nabla f_{k+1}^T(\nabla f_{k+1}-\nabla f_k)}{\nabla f_k^T \nabla f_k}\Big)

(Nocedal & Wright eqs. 5.41a, 5.44-5.45).  The line search is Moré–Thuente's
(MINPACK-2 ``dcsrch``, as in SciPy's CG) for the strong Wolfe conditions with
:math:`c_2 = 0.1` (for FR, :math:`c_2 < 1/2` guarantees descent, N&W Lemma 5.6);
the first trial step is SciPy CG's,
:math:`\min(1,\ 1.01\cdot 2\,(f_{k-1} - f_k)/|\nabla f_k^Td_k|)`
(N&W eq. 3.60 with SciPy's factor 1.01 and cap at 1; :func:`~numerics.solve.descent.initial_step`),
with :math:`f_{-1} - f_0 = \tfrac12\|\nabla f_0\|_2` at the start, which gives
:math:`\min(1, 1.01/\|\nabla f_0\|_2)`; trials are capped at :math:`10^{100}`, 100 per search,
as in SciPy's CG.  SciPy's CG uses :math:`c_2 = 0.4` and rejects a PR+ step without
sufficient descent; here :math:`c_2 = 0.1` (N&W §5.2) and the restart test below.
The method restarts with :math:`d = -\nabla f` every :math:`n` iterations and
whenever consecutive gradients are far from orthogonal,
:math:`|\nabla f_{k+1}^T\nabla f_k| \ge 0.2\,\|\nabla f_{k+1}\|^2` (N&W eq. 5.52).
On a quadratic with exact line searches the directions are conjugate,
:math:`d_{k+1}^T A d_k = 0` (``conjugate_gradient.conjugacy``).

Examples
========

>>> import numpy as np, sympy as sp
>>> from numerics.compile import objective
>>> a, b = sp.symbols("a b")
>>> sol = minimize_cg(objective((1 - a)**2 + 100 * (b - a**2)**2, [a, b]), [-1.2, 1.0], gtol=1e-6)
>>> sol.status.value, np.allclose(sol.x, 1.0, atol=1e-5)
('converged', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from numerics.solve.descent import Proposal, initial_step, minimize_descent, more_thuente_search, start_decrease
from numerics.result import Solution

__all__ = ["minimize_cg", "CGDirection", "Beta"]

CG_C2 = 0.1  # strong-Wolfe c2 < 1/2, so every Fletcher–Reeves direction is a descent direction (N&W Lemma 5.6)


class Beta(Enum):
    r"""The choice of :math:`\beta_{k+1}`: Fletcher–Reeves or Polak–Ribière+ (N&W eqs. 5.41a, 5.45).

    Examples
    ========

    >>> g_old, g = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    >>> Beta.FR.of(g, g_old), Beta.PR_PLUS.of(g, g_old)
    (0.5, 0.0)
    """

    FR = "fr"
    PR_PLUS = "pr+"

    def of(self, g: np.ndarray, g_old: np.ndarray) -> float:
        r""":math:`\beta` from the new gradient ``g`` and the previous one ``g_old``."""
        gg_old = float(g_old @ g_old)
        if self is Beta.FR:
            return float(g @ g) / gg_old
        return max(0.0, float(g @ (g - g_old)) / gg_old)


@dataclass(frozen=True)
class CGState:
    """The previous gradient and direction, iterations since the last restart, and the last decrease of f."""

    g: np.ndarray | None
    d: np.ndarray | None
    since_restart: int
    restart: bool
    decrease: float


@dataclass(frozen=True)
class CGDirection:
    r"""Conjugate-gradient directions with :math:`\beta` from a :class:`Beta`."""

    beta: Beta = Beta.PR_PLUS

    def init(self, x, f, g):
        return CGState(None, None, 0, True, start_decrease(g))

    def direction(self, state, x, f, g, counter):
        if state.restart or state.d is None or state.since_restart >= x.size:
            d = -g
            return Proposal(d, initial_step(g, d, state.decrease), CGState(state.g, state.d, 0, False, state.decrease))
        d = -g + self.beta.of(g, state.g) * state.d
        return Proposal(d, initial_step(g, d, state.decrease), state)

    def update(self, state, step):
        g, g_new = step.g, step.g_new
        restart = abs(float(g_new @ g)) >= 0.2 * float(g_new @ g_new)
        return CGState(g, step.d, state.since_restart + 1, restart, step.f - step.f_new)

    def restart(self, state, x, f, g):
        return CGState(state.g, None, 0, True, start_decrease(g))


def minimize_cg(objective, x0, *, beta: Beta = Beta.PR_PLUS, gtol: float = 1e-8, max_iter: int = 10000) -> Solution:
    r"""Minimize with nonlinear conjugate gradients, :math:`\beta` from ``beta`` (a :class:`Beta`).

    Parameters and the returned :class:`~numerics.result.Solution` as for
    :func:`~numerics.solve.descent.minimize_descent`, whose direction and search this fixes; ``beta`` is :attr:`Beta.FR` or :attr:`Beta.PR_PLUS`.

    Examples
    ========

    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x, y = sp.symbols("x y")
    >>> minimize_cg(objective((x - 1)**2 + 4 * (y + 1)**2, [x, y]), [0.0, 0.0], beta=Beta.FR).status.value
    'converged'
    """
    if not isinstance(beta, Beta):
        raise ValueError(f"beta must be a Beta ({', '.join(b.name for b in Beta)}), got {beta!r}")
    search = more_thuente_search(c1=1e-4, c2=CG_C2, alpha_max=1e100, max_evaluations=100)
    return minimize_descent(objective, x0, CGDirection(beta), search, gtol=gtol,
                            max_iter=max_iter, name=f"CG({beta.value})")
