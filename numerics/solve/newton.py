r"""Newton's method with a Cholesky-based Hessian modification and a backtracking line search.

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
(LAPACK's band Cholesky ``pbtrf``; ``pttrf``, an LDLᵀ, at bandwidth 1) after
the reverse Cuthill–McKee ordering :math:`P H P^T` reduces its bandwidth, at :math:`O(n b^2)` for bandwidth
:math:`b`; a sparse Hessian whose bandwidth stays above ``n / 8`` is factored dense.
The ordering and the place of every stored entry in the band depend only on the
sparsity pattern, so they are worked out once (:class:`BandPlan`) and reused while
the pattern stays the same: an iteration fills the band with one ``bincount``.
The line search is the backtracking of Nocedal & Wright's Algorithm 3.1 for the
sufficient-decrease condition with :math:`c_1 = 10^{-4}`, first trial
:math:`\alpha = 1`, each shorter trial the minimizer of the quadratic (then cubic)
interpolant kept in :math:`[0.1, 0.5]` times the last (N&W §3.5,
:func:`~numerics.solve.line_search.backtracking`).  Newton's SciPy counterparts,
trust-exact and trust-krylov, are trust-region methods with no line search to
follow, so the textbook search for Newton's method is used.

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
import scipy.linalg.lapack
import scipy.sparse
from scipy.sparse.csgraph import reverse_cuthill_mckee

from numerics.solve.descent import Proposal, armijo_search, minimize_descent
from numerics.result import Solution

__all__ = ["minimize_newton", "NewtonDirection", "BandPlan", "modified_newton_direction", "shift_sequence"]

_BETA = 1e-3
_PTTRF, _PTTRS = scipy.linalg.lapack.dpttrf, scipy.linalg.lapack.dpttrs  # LDLᵀ of a tridiagonal matrix
_PBTRF, _PBTRS = scipy.linalg.lapack.dpbtrf, scipy.linalg.lapack.dpbtrs  # band Cholesky
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


@dataclass(frozen=True)
class BandPlan:
    r"""The band storage of :math:`P\,\tfrac12(H + H^T)P^T` for one sparsity pattern, worked out once.

    ``order`` is the permutation :math:`P`: the natural order when its bandwidth
    is no larger than that of the reverse Cuthill–McKee order (``None``, nothing
    to permute), else the reverse Cuthill–McKee order.  The CSR entry
    :math:`h_{ij}` (the ``k``-th stored value) adds ``weight[k]`` :math:`h_{ij}`
    to ``slot[k]`` of the flattened lower band ``band[i' - j', j']``, with
    :math:`i' \ge j'` the permuted indices (weight 1 on the diagonal, 1/2 off it,
    so the band holds the symmetric part).  A pattern whose bandwidth exceeds
    ``max(8, n / 8)`` has ``width = None``: it is factored dense.  An iteration
    then costs one ``bincount`` to fill the band and one LAPACK band
    factorization, :math:`O(n b^2)`.

    Examples
    ========

    >>> import numpy as np, scipy.sparse
    >>> h = scipy.sparse.csr_matrix(np.array([[4.0, 0.0, 1.0], [0.0, 5.0, 2.0], [1.0, 2.0, 6.0]]))
    >>> plan = BandPlan.of(h)
    >>> plan.width, plan.order.tolist(), plan.matches(h)
    (1, [1, 2, 0], True)
    >>> plan.band(h.data).tolist()   # the diagonal of P H P^T, then its subdiagonal
    [[5.0, 6.0, 4.0], [2.0, 1.0, 0.0]]
    """

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    order: np.ndarray | None
    slot: np.ndarray
    weight: np.ndarray
    width: int | None

    @classmethod
    def of(cls, hess) -> "BandPlan":
        """The plan for the pattern of the CSR matrix ``hess`` (its values are not read)."""
        n = hess.shape[0]
        indptr, indices = hess.indptr.copy(), hess.indices.copy()
        rows = np.repeat(np.arange(n), np.diff(indptr))
        natural = int(np.max(np.abs(rows - indices), initial=0))
        pattern = scipy.sparse.csr_matrix((np.ones(indices.size), indices, indptr), shape=(n, n))
        order = reverse_cuthill_mckee((pattern + pattern.T).tocsr(), symmetric_mode=True)
        where = np.empty(n, dtype=np.intp)
        where[order] = np.arange(n)  # position of each variable in P x
        pr, pc = where[rows], where[indices]
        if int(np.max(np.abs(pr - pc), initial=0)) >= natural:
            order, pr, pc = None, rows, indices
        hi, lo = np.maximum(pr, pc), np.minimum(pr, pc)
        width = int(np.max(hi - lo, initial=0))
        if width > max(8, n // 8):
            return cls(n, indptr, indices, order, np.zeros(0, np.intp), np.zeros(0), None)
        return cls(n, indptr, indices, order, (hi - lo) * n + lo, np.where(pr == pc, 1.0, 0.5), width)

    def matches(self, hess) -> bool:
        """Whether the CSR matrix ``hess`` has exactly this plan's pattern."""
        return (hess.shape[0] == self.n and np.array_equal(hess.indptr, self.indptr)
                and np.array_equal(hess.indices, self.indices))

    def band(self, data: np.ndarray) -> np.ndarray:
        """The lower band ``(width + 1, n)`` of the permuted symmetric part, from the CSR values ``data``."""
        size = (self.width + 1) * self.n
        return np.bincount(self.slot, weights=self.weight * data, minlength=size).reshape(self.width + 1, self.n)


def _factor_solve(band: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
    r"""The solution of :math:`Bz = r` for the symmetric band :math:`B` (lower form); ``None`` if :math:`B \not\succ 0`.

    Bandwidth 1: LAPACK ``pttrf``/``pttrs`` (:math:`B = LDL^T`, positive definite
    exactly when every pivot of :math:`D` is positive, as for Cholesky); wider:
    ``pbtrf``/``pbtrs`` (band Cholesky, what :func:`scipy.linalg.cholesky_banded` calls).
    """
    if band.shape[0] == 2:
        d, e, info = _PTTRF(band[0], band[1, :-1])
        if info != 0:
            return None
        z, info = _PTTRS(d, e, rhs)
        return z if info == 0 else None
    factor, info = _PBTRF(band, lower=1)
    if info != 0:
        return None
    z, info = _PBTRS(factor, rhs, lower=1)
    return z if info == 0 else None


def _banded_direction(plan: BandPlan, data: np.ndarray, g: np.ndarray) -> np.ndarray:
    """The direction from a band factorization of :math:`P H P^T` (N&W Algorithm 3.3 on the band)."""
    band = plan.band(data)
    rhs = g if plan.order is None else g[plan.order]
    for tau in shift_sequence(band[0]):
        shifted = band
        if tau:
            shifted = band.copy()
            shifted[0] += tau
        z = _factor_solve(shifted, rhs)
        if z is None:
            continue
        if plan.order is None:
            return -z
        d = np.empty_like(g)
        d[plan.order] = -z
        return d
    return np.full_like(g, np.nan)


def _sparse_direction(hess, g: np.ndarray, plan: BandPlan | None) -> tuple[np.ndarray, BandPlan]:
    """The direction for a sparse ``hess``, and the plan used (``plan`` reused when the pattern matches)."""
    h = hess.tocsr()
    if plan is None or not plan.matches(h):
        plan = BandPlan.of(h)
    if plan.width is None:
        return _dense_direction(h.toarray(), g), plan
    return _banded_direction(plan, np.asarray(h.data, dtype=float), g), plan


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
        return _sparse_direction(hess, g, None)[0]
    return _dense_direction(np.asarray(hess, dtype=float), g)


@dataclass(frozen=True)
class NewtonDirection:
    """Newton's direction from the (modified) Hessian at every iterate; a sparse Hessian stays sparse.

    The state is the :class:`BandPlan` of the last sparse Hessian (``None`` before one is seen):
    the ordering and band layout are worked out once per sparsity pattern.
    """

    def init(self, x, f, g):
        return None

    def direction(self, state, x, f, g, counter):
        hess = counter.hess_native(x)
        values = hess.data if scipy.sparse.issparse(hess) else np.asarray(hess, dtype=float)
        if not np.all(np.isfinite(values)):
            return Proposal(np.full_like(g, np.nan), 1.0, state)  # falls back to steepest descent
        if scipy.sparse.issparse(hess):
            d, plan = _sparse_direction(hess, g, state)
            return Proposal(d, 1.0, plan)
        return Proposal(_dense_direction(np.asarray(hess, dtype=float).reshape(g.size, g.size), g), 1.0, state)

    def update(self, state, step):
        return state

    def restart(self, state, x, f, g):
        return state


def minimize_newton(objective, x0, *, gtol: float = 1e-8, max_iter: int = 500) -> Solution:
    r"""Minimize with modified Newton steps and backtracking from the unit step (N&W Algorithm 3.1).

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
    return minimize_descent(objective, x0, NewtonDirection(), armijo_search(), gtol=gtol,
                            max_iter=max_iter, name="Newton")
