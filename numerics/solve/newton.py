r"""Newton's method with an eigenvalue-modified Hessian and a strong-Wolfe line search.

The Newton direction solves :math:`\bar H d = -\nabla f` where
:math:`\bar H = Q\,\mathrm{diag}(\bar\lambda)\,Q^T` is the Hessian
:math:`H = Q\,\mathrm{diag}(\lambda)\,Q^T` with every eigenvalue replaced by

.. math:: \bar\lambda_i = \max(|\lambda_i|,\ \delta), \qquad
          \delta = 10^{3}\varepsilon_{\mathrm{mach}} \max_j|\lambda_j| + 10^{-300},

so that a badly scaled but positive definite Hessian (eigenvalues from 1 to
:math:`10^{12}`, as in Brown's badly scaled function) is used unmodified;

(Nocedal & Wright §3.4, eigenvalue modification).  Where :math:`H` is positive
definite and well conditioned this is the pure Newton step of seed 001,
:math:`\theta \leftarrow \theta - H^{-1} g`; along negative curvature it
moves downhill instead of towards the saddle (the seed's regularized
:math:`(H + \alpha I)^{-1}` needs :math:`\alpha > -\lambda_{\min}` to do the same).
The line search tries the full step :math:`\alpha = 1` first.

Examples
========

>>> import numpy as np, sympy as sp
>>> from numerics.compile import objective
>>> a, b = sp.symbols("a b")
>>> sol = minimize_newton(objective((1 - a)**2 + 100 * (b - a**2)**2, [a, b]), [-1.2, 1.0])
>>> sol.status.value, np.allclose(sol.x, 1.0), sol.nhev == sol.nit
('converged', True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numerics.solve.descent import Proposal, minimize_descent, wolfe_search
from numerics.result import Solution

__all__ = ["minimize_newton", "NewtonDirection", "modified_newton_direction"]

_DELTA = 1e3 * float(np.finfo(float).eps)


def modified_newton_direction(hess: np.ndarray, g: np.ndarray) -> np.ndarray:
    r"""The direction :math:`-\bar H^{-1} g` with eigenvalues :math:`\max(|\lambda|, \delta)`.

    Examples
    ========

    >>> import numpy as np
    >>> modified_newton_direction(np.diag([2.0, -4.0]), np.array([2.0, 4.0])).tolist()
    [-1.0, -1.0]
    """
    lam, Q = np.linalg.eigh(0.5 * (hess + hess.T))
    delta = _DELTA * float(np.max(np.abs(lam))) + 1e-300
    bar = np.maximum(np.abs(lam), delta)
    return -(Q @ ((Q.T @ g) / bar))


@dataclass(frozen=True)
class NewtonDirection:
    """Newton's direction from the (modified) Hessian at every iterate."""

    def init(self, x, f, g):
        return None

    def direction(self, state, x, f, g, counter):
        hess = counter.hess(x)
        if not np.all(np.isfinite(hess)):
            return Proposal(np.full_like(g, np.nan), 1.0, state)  # falls back to steepest descent
        return Proposal(modified_newton_direction(hess, g), 1.0, state)

    def update(self, state, step):
        return state

    def restart(self, state, x, f, g):
        return state


def minimize_newton(objective, x0, *, gtol: float = 1e-8, max_iter: int = 500) -> Solution:
    r"""Minimize with modified Newton steps and a strong-Wolfe line search (first trial step 1).

    Parameters and the returned :class:`~numerics.result.Solution` as for
    :func:`~numerics.solve.descent.minimize_descent`, whose direction and search this fixes.

    Examples
    ========

    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x, y = sp.symbols("x y")
    >>> minimize_newton(objective((x - 1)**2 + 10 * (y - 2)**2, [x, y]), [5.0, 5.0]).nit
    1
    """
    return minimize_descent(objective, x0, NewtonDirection(), wolfe_search(c2=0.9), gtol=gtol,
                            max_iter=max_iter, name="Newton")
