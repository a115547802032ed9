r"""Newton's method with a Cholesky-based Hessian modification and a strong-Wolfe line search.

The Newton direction solves :math:`(H + \tau I)\,d = -\nabla f` with the
smallest :math:`\tau` of the sequence of Nocedal & Wright's Algorithm 3.3
("Cholesky with added multiple of the identity") for which the Cholesky
factorization :math:`H + \tau I = LL^T` succeeds:

.. math:: \tau_0 = \begin{cases} 0 & \min_i h_{ii} > 0 \\ -\min_i h_{ii} + \beta & \text{otherwise}\end{cases},
          \qquad \tau_{k+1} = \max(2\tau_k, \beta), \qquad \beta = 10^{-3}\max(1, \max_i |h_{ii}|)

(N&W suggest :math:`\beta = 10^{-3}` for a well-scaled matrix; the factor
:math:`\max_i |h_{ii}|` keeps the shift in proportion when :math:`f` is
multiplied by a large constant).  A positive definite Hessian is used
unmodified (:math:`\tau = 0`): the pure Newton step of seed 001,
:math:`\theta \leftarrow \theta - H^{-1} g`, even when it is badly scaled
(eigenvalues from 1 to :math:`10^{12}`, as in Brown's badly scaled function).

A sparse Hessian (``scipy.sparse``) is factored as a band matrix
(:func:`scipy.linalg.cholesky_banded`) after the reverse Cuthill–McKee
ordering :math:`P H P^T` reduces its bandwidth, at :math:`O(n b^2)` for bandwidth
:math:`b`; a sparse Hessian whose bandwidth stays above ``n / 8`` is factored dense.
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
import scipy.linalg
import scipy.sparse
from scipy.sparse.csgraph import reverse_cuthill_mckee

from numerics.solve.descent import Proposal, minimize_descent, wolfe_search
from numerics.result import Solution

__all__ = ["minimize_newton", "NewtonDirection", "modified_newton_direction", "shift_sequence"]

_BETA = 1e-3
_MAX_SHIFTS = 80  # τ doubles each time: 80 doublings exceed any finite spectrum


def shift_sequence(diagonal: np.ndarray):
    r"""The shifts :math:`\tau_0, \tau_1, \dots` of N&W Algorithm 3.3 for a Hessian with this diagonal.

    Examples
    ========

    >>> import numpy as np
    >>> from itertools import islice
    >>> list(islice(shift_sequence(np.array([2.0, 1.0])), 3))
    [0.0, 0.002, 0.004]
    >>> [round(t, 6) for t in islice(shift_sequence(np.array([2.0, -4.0])), 2)]
    [4.004, 8.008]
    """
    beta = _BETA * max(1.0, float(np.max(np.abs(diagonal), initial=0.0)))
    smallest = float(np.min(diagonal)) if diagonal.size else 1.0
    tau = 0.0 if smallest > 0 else -smallest + beta
    for _ in range(_MAX_SHIFTS):
        yield tau
        tau = max(2.0 * tau, beta)


def _dense_direction(hess: np.ndarray, g: np.ndarray) -> np.ndarray:
    h = 0.5 * (hess + hess.T)
    eye = np.eye(h.shape[0])
    for tau in shift_sequence(np.diag(h)):
        try:
            factor = scipy.linalg.cho_factor(h + tau * eye if tau else h, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            continue
        return -scipy.linalg.cho_solve(factor, g, check_finite=False)
    return np.full_like(g, np.nan)


def _banded_direction(hess, g: np.ndarray) -> np.ndarray | None:
    """The direction from a band Cholesky of :math:`P H P^T`; ``None`` when the bandwidth is too large."""
    h = scipy.sparse.csr_matrix(hess)
    h = (0.5 * (h + h.T)).tocsr()
    n = h.shape[0]
    perm = reverse_cuthill_mckee(h, symmetric_mode=True)
    p = h[perm][:, perm].tocoo()
    lower = p.row >= p.col
    rows, cols, vals = p.row[lower], p.col[lower], p.data[lower]
    width = int(np.max(rows - cols, initial=0))
    if width > max(8, n // 8):
        return None
    band = np.zeros((width + 1, n))
    np.add.at(band, (rows - cols, cols), vals)  # lower form: band[i - j, j] = a_ij
    rhs = g[perm]
    for tau in shift_sequence(band[0].copy()):
        shifted = band.copy()
        shifted[0] += tau
        try:
            factor = scipy.linalg.cholesky_banded(shifted, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            continue
        d = np.empty_like(g)
        d[perm] = -scipy.linalg.cho_solve_banded((factor, True), rhs, check_finite=False)
        return d
    return np.full_like(g, np.nan)


def modified_newton_direction(hess, g: np.ndarray) -> np.ndarray:
    r"""The direction :math:`-(H + \tau I)^{-1} g` with :math:`\tau` from N&W Algorithm 3.3 (dense or sparse ``hess``).

    Examples
    ========

    >>> import numpy as np, scipy.sparse
    >>> modified_newton_direction(np.diag([2.0, 4.0]), np.array([2.0, 4.0])).tolist()   # positive definite: -H^{-1} g
    [-1.0, -1.0]
    >>> d = modified_newton_direction(scipy.sparse.csr_matrix(np.diag([2.0, -4.0])), np.array([2.0, 4.0]))
    >>> [round(float(v), 6) for v in d]   # tau = 4.004
    [-0.333111, -1000.0]
    """
    if scipy.sparse.issparse(hess):
        d = _banded_direction(hess, g)
        return d if d is not None else _dense_direction(hess.toarray(), g)
    return _dense_direction(np.asarray(hess, dtype=float), g)


@dataclass(frozen=True)
class NewtonDirection:
    """Newton's direction from the (modified) Hessian at every iterate; a sparse Hessian stays sparse."""

    def init(self, x, f, g):
        return None

    def direction(self, state, x, f, g, counter):
        hess = counter.hess_native(x)
        values = hess.data if scipy.sparse.issparse(hess) else np.asarray(hess, dtype=float)
        if not np.all(np.isfinite(values)):
            return Proposal(np.full_like(g, np.nan), 1.0, state)  # falls back to steepest descent
        if not scipy.sparse.issparse(hess):
            hess = np.asarray(hess, dtype=float).reshape(g.size, g.size)
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
