r"""Hessian spectra from Hessian-vector products: exact, Lanczos, Hutchinson, SLQ, GD stability.

Every tool takes ``hvp``, a function :math:`V \mapsto HV` at a fixed point
(for an MLP: ``lambda V: loss.hessp(theta, V)``), and the dimension ``n``.

* :func:`dense_hessian` -- :math:`H` column by column from :math:`He_i` (small nets);
* :func:`lanczos_eigenvalues` -- the top or bottom ``k`` eigenvalues by
  ``scipy.sparse.linalg.eigsh`` on a ``LinearOperator``; non-convergence is
  reported with the partial eigenvalues, never raised;
* :func:`bisected_eigenvalues` -- the top or bottom ``k`` eigenvalues of a sparse
  matrix, each bracketed to a stated width by bisection on the inertia of
  :math:`H - \sigma I` (spectrum slicing: clusters do not slow it);
* :func:`hutchinson_trace` -- :math:`\operatorname{tr} H \approx \frac1m\sum_j
  z_j^\top H z_j` with Rademacher :math:`z_j`, with its standard error;
* :func:`slq_density` -- the spectral density by stochastic Lanczos
  quadrature (Ubaru, Chen & Saad 2017; Ghorbani, Krishnan & Xiao 2019);
* :func:`condition_number` and :func:`gd_stability` (gradient descent
  converges near a minimum for :math:`\eta < 2/\lambda_{\max}` and diverges
  above).

Examples
========

>>> import numpy as np
>>> H = np.diag([4.0, 3.0, 2.0, 1.0, 0.5])
>>> top = lanczos_eigenvalues(lambda v: H @ v, 5, k=2)
>>> [round(x, 10) for x in top.eigenvalues], top.converged
([4.0, 3.0], True)
>>> est = hutchinson_trace(lambda v: H @ v, 5, probes=50)
>>> est.trace  # Rademacher probes are exact for a diagonal matrix
10.5
>>> round(condition_number(np.linalg.eigvalsh(H)), 6)
8.0
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

__all__ = [
    "dense_hessian", "LanczosEigenvalues", "lanczos_eigenvalues", "BisectedEigenvalues", "bisected_eigenvalues", "TraceEstimate", "hutchinson_trace",
    "SpectralDensity", "slq_density", "condition_number", "StabilityRun", "gd_stability", "Inertia", "sparse_inertia",
]

HVP = Callable[[np.ndarray], np.ndarray]


def dense_hessian(hvp: HVP, n: int) -> np.ndarray:
    r"""The Hessian from ``n`` products :math:`He_i`, symmetrized as :math:`(H + H^\top)/2`.

    Examples
    ========

    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> dense_hessian(lambda v: A @ v, 2).tolist()
    [[2.0, 1.0], [1.0, 3.0]]
    """
    if n > 5000:
        raise ValueError(f"a dense Hessian of {n} parameters is too large; use lanczos_eigenvalues")
    H = np.empty((n, n))
    e = np.zeros(n)
    for i in range(n):
        e[i] = 1.0
        H[:, i] = hvp(e)
        e[i] = 0.0
    return (H + H.T) / 2


class _Counted:
    def __init__(self, hvp: HVP):
        self.hvp, self.calls = hvp, 0

    def __call__(self, v):
        self.calls += 1
        return np.asarray(self.hvp(np.ravel(v)), dtype=float)


@dataclass(frozen=True)
class LanczosEigenvalues:
    """Extreme eigenvalues by Lanczos (ARPACK); ``converged`` is False when only some were found."""

    which: str
    eigenvalues: tuple[float, ...]
    converged: bool
    requested: int
    matvecs: int
    message: str = ""
    method: ClassVar[str] = "Lanczos (ARPACK eigsh)"


def lanczos_eigenvalues(hvp: HVP, n: int, k: int = 5, which: str = "largest", tol: float = 0.0,
                        maxiter: int | None = None, seed: int = 0, ncv: int | None = None) -> LanczosEigenvalues:
    """The ``k`` largest (algebraically) or smallest eigenvalues of the symmetric operator ``hvp``.

    ``largest`` are sorted descending, ``smallest`` ascending.  When ARPACK
    does not converge within ``maxiter`` restarts the record carries the
    eigenvalues that did converge, ``converged=False`` and the reason.
    ``ncv`` is the Lanczos basis size (ARPACK's default ``max(2k+1, 20)``).

    Parameters
    ==========

    hvp : the Hessian-vector product ``v -> H v`` of a symmetric :math:`n \times n` operator
    n : the dimension
    k : how many eigenvalues
    which : ``"largest"`` or ``"smallest"``
    tol, maxiter, seed, ncv : ARPACK's tolerance, restarts, start vector seed and basis size

    Returns
    =======

    :class:`LanczosEigenvalues`

    Examples
    ========

    >>> H = np.diag([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> lanczos_eigenvalues(lambda v: H @ v, 5, k=2).eigenvalues
    (5.0, 4.0)
    """
    if which not in ("largest", "smallest"):
        raise ValueError(f"which must be 'largest' or 'smallest', got {which!r}")
    k = int(min(k, n))
    counted = _Counted(hvp)
    if k >= n - 1:  # ARPACK needs k < n: small problems are solved densely
        eigs = np.linalg.eigvalsh(dense_hessian(counted, n))
        chosen = eigs[::-1][:k] if which == "largest" else eigs[:k]
        return LanczosEigenvalues(which, tuple(map(float, chosen)), True, k, counted.calls, "dense (n too small)")
    op = LinearOperator((n, n), matvec=counted, dtype=float)
    v0 = np.random.default_rng(seed).standard_normal(n)
    mode = "LA" if which == "largest" else "SA"
    try:
        vals = eigsh(op, k=k, which=mode, v0=v0, tol=tol, maxiter=maxiter, ncv=None if ncv is None else min(n, ncv),
                     return_eigenvectors=False)
        converged, message = True, "converged"
    except ArpackNoConvergence as exc:
        vals = np.asarray(exc.eigenvalues, dtype=float)
        converged = False
        message = f"ARPACK did not converge: {len(vals)} of {k} eigenvalues after {counted.calls} products"
    vals = np.sort(np.real(vals))
    vals = vals[::-1] if which == "largest" else vals
    return LanczosEigenvalues(which, tuple(map(float, vals)), converged, k, counted.calls, message)


@dataclass(frozen=True)
class TraceEstimate:
    """Hutchinson's estimate of the trace with its standard error over ``probes`` Rademacher vectors."""

    trace: float
    stderr: float
    probes: int


def hutchinson_trace(hvp: HVP, n: int, probes: int = 30, seed: int = 0) -> TraceEstimate:
    r"""Hutchinson's estimator :math:`\widehat{\operatorname{tr}}H = \frac1m\sum_{j=1}^m z_j^\top H z_j`.

    With Rademacher :math:`z` (entries :math:`\pm1`) it is unbiased with
    variance :math:`2\sum_{i\ne j}H_{ij}^2 / m`; the standard error is the
    sample standard deviation over :math:`\sqrt m`.

    Parameters
    ==========

    hvp : the Hessian-vector product ``v -> H v``
    n : the dimension
    probes : the number :math:`m` of Rademacher vectors (at least 2)
    seed : the seed of the probes

    Returns
    =======

    :class:`TraceEstimate`

    Examples
    ========

    >>> hutchinson_trace(lambda v: 3.0 * v, 4, probes=5).trace  # z^T (3I) z = 3n for every probe
    12.0
    """
    if probes < 2:
        raise ValueError("Hutchinson's estimator needs at least 2 probes for a standard error")
    rng = np.random.default_rng(seed)
    samples = np.empty(probes)
    for j in range(probes):
        z = rng.choice((-1.0, 1.0), size=n)
        samples[j] = z @ hvp(z)
    return TraceEstimate(float(samples.mean()), float(samples.std(ddof=1) / np.sqrt(probes)), probes)


def lanczos_tridiagonal(hvp: HVP, v0: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    r"""``steps`` Lanczos steps from ``v0`` with full reorthogonalization: diagonal and off-diagonal of :math:`T`.

    Stops early (shorter arrays) when an invariant subspace is found.

    Examples
    ========

    >>> a, b = lanczos_tridiagonal(lambda v: np.diag([1.0, 2.0, 3.0]) @ v, np.ones(3), 5)
    >>> np.round(np.linalg.eigvalsh(np.diag(a) + np.diag(b, 1) + np.diag(b, -1)), 10).tolist()
    [1.0, 2.0, 3.0]
    """
    n = v0.size
    steps = min(steps, n)
    Q = np.zeros((steps, n))
    alpha, beta = [], []
    q = v0 / np.linalg.norm(v0)
    for j in range(steps):
        Q[j] = q
        w = np.asarray(hvp(q), dtype=float)
        a = float(q @ w)
        alpha.append(a)
        w = w - Q[: j + 1].T @ (Q[: j + 1] @ w)  # full reorthogonalization (twice is enough)
        w = w - Q[: j + 1].T @ (Q[: j + 1] @ w)
        b = float(np.linalg.norm(w))
        if j == steps - 1 or b < 1e-12 * max(1.0, abs(a)):
            break
        beta.append(b)
        q = w / b
    return np.array(alpha), np.array(beta[: len(alpha) - 1])


@dataclass(frozen=True)
class SpectralDensity:
    r"""Stochastic Lanczos quadrature: Gauss nodes :math:`\lambda_{j,i}` and weights :math:`\tau_{j,i}` per probe.

    The density is :math:`\phi(t) = \frac1m\sum_j\sum_i\tau_{j,i}\,
    \mathcal{N}(t;\lambda_{j,i},s^2)`; each probe's weights sum to 1.
    """

    nodes: tuple[tuple[float, ...], ...]
    weights: tuple[tuple[float, ...], ...]
    dimension: int

    def density(self, grid: np.ndarray, width: float) -> np.ndarray:
        """The Gaussian-smoothed density on ``grid`` (integrates to 1)."""
        grid = np.asarray(grid, dtype=float)
        out = np.zeros_like(grid)
        for nodes, weights in zip(self.nodes, self.weights):
            for lam, tau in zip(nodes, weights):
                out += tau * np.exp(-0.5 * ((grid - lam) / width) ** 2)
        return out / (len(self.nodes) * width * np.sqrt(2 * np.pi))

    def moment(self, k: int) -> float:
        r"""The quadrature estimate of :math:`\operatorname{tr}(H^k)/n`."""
        return float(np.mean([np.dot(w, np.asarray(x) ** k) for x, w in zip(self.nodes, self.weights)]))


def slq_density(hvp: HVP, n: int, steps: int = 30, probes: int = 8, seed: int = 0) -> SpectralDensity:
    r"""The spectral density of :math:`H` by stochastic Lanczos quadrature.

    For a Rademacher probe :math:`z`, ``steps`` Lanczos steps from
    :math:`z/\lVert z\rVert` give :math:`T = Q\Lambda Q^\top`; nodes are
    :math:`\Lambda`, weights :math:`Q_{1i}^2`.  The rule is exact for
    :math:`z^\top H^k z/\lVert z\rVert^2` with :math:`k < 2\,\text{steps}`.
    """
    rng = np.random.default_rng(seed)
    nodes, weights = [], []
    for _ in range(probes):
        z = rng.choice((-1.0, 1.0), size=n)
        a, b = lanczos_tridiagonal(hvp, z, steps)
        T = np.diag(a) + np.diag(b, 1) + np.diag(b, -1)
        lam, Q = np.linalg.eigh(T)
        nodes.append(tuple(map(float, lam)))
        weights.append(tuple(map(float, Q[0] ** 2)))
    return SpectralDensity(tuple(nodes), tuple(weights), n)


def condition_number(eigenvalues, null_tol: float | None = None) -> float:
    r""":math:`\kappa = \max|\lambda| / \min|\lambda|`; ``inf`` if some :math:`\lambda` is zero.

    With ``null_tol``, eigenvalues with :math:`|\lambda| \le` ``null_tol`` times
    the largest are left out (the condition number on the complement of the
    null directions).

    Parameters
    ==========

    eigenvalues : the eigenvalues
    null_tol : the relative size below which an eigenvalue counts as a null direction

    Returns
    =======

    float

    Examples
    ========

    >>> condition_number([1.0, -4.0]), condition_number([0.0, 2.0]), condition_number([1e-12, 1.0, 4.0], null_tol=1e-9)
    (4.0, inf, 4.0)
    """
    mags = np.abs(np.asarray(eigenvalues, dtype=float))
    if mags.size == 0:
        raise ValueError("no eigenvalues")
    top = mags.max()
    if null_tol is not None:
        mags = mags[mags > null_tol * top]
    low = mags.min() if mags.size else 0.0
    return float(top / low) if low > 0 else float("inf")


@dataclass(frozen=True)
class StabilityRun:
    r"""Gradient descent with :math:`\eta` = ``factor`` :math:`\cdot 2/\lambda_{\max}` from a perturbed minimum."""

    factor: float
    eta: float
    lambda_max: float
    converged: bool
    distances: tuple[float, ...]


def gd_stability(jac: Callable[[np.ndarray], np.ndarray], theta_star: np.ndarray, lambda_max: float,
                 direction: np.ndarray, factors=(0.9, 1.1), steps: int = 200,
                 radius: float = 1e-3) -> tuple[StabilityRun, ...]:
    r"""Run :math:`\theta \leftarrow \theta - \eta\nabla L(\theta)` from :math:`\theta^* + r\,q` for each factor.

    Near a minimum the error along the top eigenvector :math:`q` is
    multiplied by :math:`1 - \eta\lambda_{\max}` per step, so it shrinks iff
    :math:`\eta < 2/\lambda_{\max}`.  ``converged`` means the final distance
    to :math:`\theta^*` is below the starting one; a run stops once the
    distance exceeds :math:`10^3 r` (diverged).

    Examples
    ========

    >>> H = np.diag([10.0, 1.0])
    >>> runs = gd_stability(lambda x: H @ x, np.zeros(2), 10.0, np.array([1.0, 0.0]), steps=50)
    >>> [r.converged for r in runs]
    [True, False]
    """
    q = np.asarray(direction, dtype=float)
    q = q / np.linalg.norm(q)
    out = []
    for factor in factors:
        eta = factor * 2.0 / lambda_max
        theta = theta_star + radius * q
        dist = [float(np.linalg.norm(theta - theta_star))]
        for _ in range(steps):
            theta = theta - eta * jac(theta)
            dist.append(float(np.linalg.norm(theta - theta_star)))
            if not np.isfinite(dist[-1]) or dist[-1] > 1e3 * radius:
                break
        out.append(StabilityRun(float(factor), float(eta), float(lambda_max), bool(dist[-1] < dist[0]), tuple(dist)))
    return tuple(out)


@dataclass(frozen=True)
class Inertia:
    """Counts of negative, zero and positive eigenvalues, and how they were found."""

    negative: int
    zero: int
    positive: int
    method: str


def sparse_inertia(h, zero_tol: float = 1e-8) -> Inertia | None:
    r"""The inertia of a sparse symmetric :math:`H` from the pivots of :math:`P H P^\top = L D L^\top`.

    By Sylvester's law of inertia :math:`H` and :math:`D` have the same numbers
    of negative, zero and positive eigenvalues.  SuperLU is asked for diagonal
    pivots under a symmetric fill-reducing ordering; when it has to pivot off the
    diagonal (the row and column permutations differ) there is no such
    :math:`LDL^\top` and ``None`` is returned.  A pivot below ``zero_tol`` times
    the largest in magnitude is counted as zero (exact only in exact arithmetic:
    the label says so).

    Examples
    ========

    >>> from scipy.sparse import diags
    >>> sparse_inertia(diags([[2.0, 2.0, 2.0], [-3.0, -3.0]], [0, 1]).tocsc() + diags([[-3.0, -3.0]], [-1]))
    Inertia(negative=1, zero=0, positive=2, method='signs of the LDLᵀ pivots (Sylvester), zero below 1e-08·max')
    """
    from scipy.sparse.linalg import splu

    try:
        lu = splu(h.tocsc(), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                  options={"SymmetricMode": True})
    except RuntimeError:  # exactly singular
        return None
    if not np.array_equal(lu.perm_r, lu.perm_c):
        return None
    d = lu.U.diagonal()
    scale = float(np.max(np.abs(d), initial=0.0))
    zero = np.abs(d) <= zero_tol * max(scale, 1.0)
    return Inertia(int(np.sum((d < 0) & ~zero)), int(np.sum(zero)), int(np.sum((d > 0) & ~zero)),
                   f"signs of the LDLᵀ pivots (Sylvester), zero below {zero_tol:g}·max")


@dataclass(frozen=True)
class BisectedEigenvalues:
    """Extreme eigenvalues, each in a proved bracket: ``brackets[j]`` holds the ``j``-th largest (or smallest)."""

    which: str
    brackets: tuple[tuple[float, float], ...]
    converged: bool  # every requested bracket is at most ``tolerance`` wide
    requested: int
    factorizations: int
    tolerance: float
    message: str = ""
    factored: bool = True  # False: H − σI had no LDLᵀ with diagonal pivots (the brackets are where it stopped)
    method: ClassVar[str] = "bisection on the inertia of H − σI (sparse LDLᵀ pivots, Sylvester's law)"

    @property
    def eigenvalues(self) -> tuple[float, ...]:
        """The midpoints of the brackets."""
        return tuple((a + b) / 2 for a, b in self.brackets)

    @property
    def width(self) -> float:
        """The widest bracket (``inf`` without one)."""
        return max((b - a for a, b in self.brackets), default=math.inf)


SPLITS = (0.5, 0.382, 0.618)  # where a bracket is cut: the midpoint, else near it


def bisected_eigenvalues(h, k: int, which: str, inner: float | None = None, rtol: float = 1e-10,
                         seconds: float = math.inf) -> BisectedEigenvalues:
    r"""The ``k`` largest (or smallest) eigenvalues of the sparse symmetric ``h``, each bracketed by bisection.

    By Sylvester's law of inertia the number of eigenvalues above :math:`\sigma` is the number of
    positive pivots of :math:`H - \sigma I = L D L^\top` (:func:`sparse_inertia`), so
    :math:`\lambda_j` (the ``j``-th largest) lies above :math:`\sigma` exactly when that count is at
    least ``j``: halving a bracket costs one sparse factorization, whatever the gaps between
    eigenvalues (spectrum slicing; Parlett, *The Symmetric Eigenvalue Problem*, 1998, §3.3; Golub &
    Van Loan, *Matrix Computations*, 4th ed., §8.4.1, where the count comes from a Sturm sequence).
    The brackets start from proved bounds: the Gershgorin discs, and for :math:`\lambda_1` ``inner``, a
    Ritz value (``inner <= λ_1`` for the largest, ``>= λ_1`` for the smallest; Cauchy interlacing); they
    are halved until at most ``rtol · max(|g_-|, |g_+|, 1)`` wide, or for ``seconds``.  A count is exact in
    exact arithmetic; in floating point an :math:`LDL^\top` with diagonal pivots only is not backward stable for
    indefinite :math:`H - \sigma I`, so a count for :math:`\sigma` very near an eigenvalue can be off when the
    pivots grow (the tests compare with ``numpy.linalg.eigvalsh``).  When the factorization needs
    off-diagonal pivots the record says so and carries the brackets reached.

    Examples
    ========

    >>> from scipy.sparse import diags
    >>> h = diags([[2.0] * 6, [-1.0] * 5, [-1.0] * 5], [0, 1, -1]).tocsc()  # eigenvalues 2 - 2 cos(jπ/7)
    >>> r = bisected_eigenvalues(h, 2, "largest", inner=3.0)
    >>> [round(v, 9) for v in r.eigenvalues], round(2 - 2 * math.cos(6 * math.pi / 7), 9), r.converged
    ([3.801937736, 3.246979604], 3.801937736, True)
    >>> [round(v, 9) for v in bisected_eigenvalues(h, 1, "smallest").eigenvalues], round(2 - 2 * math.cos(math.pi / 7), 9)
    ([0.198062264], 0.198062264)
    """
    from scipy.sparse import identity

    if which not in ("largest", "smallest"):
        raise ValueError(f"which must be 'largest' or 'smallest', got {which!r}")
    sign = 1.0 if which == "largest" else -1.0  # the smallest of H are the largest of -H
    a = (sign * h).tocsc()
    eye = identity(a.shape[0], format="csc")
    d = a.diagonal()
    radius = np.asarray(abs(a).sum(axis=1)).ravel() - np.abs(d)
    floor, high = float(np.min(d - radius)), float(np.max(d + radius))  # Gershgorin: the spectrum of a
    tol = rtol * max(abs(floor), abs(high), 1.0)
    stop = time.monotonic() + seconds
    brackets, count, message, inertia = [], 0, "converged", None
    for j in range(1, min(k, a.shape[0]) + 1):
        start = sign * inner if j == 1 and inner is not None else floor
        lo, hi = max(floor, min(start, high)), high  # λ_j ≤ λ_{j-1} ≤ the previous upper end
        while hi - lo > tol:
            if time.monotonic() > stop:
                message = f"stopped at the time bound with the bracket {hi - lo:.2g} wide"
                break
            for fraction in SPLITS:  # a zero pivot at the midpoint (an exact zero of a leading minor): move σ
                mid = lo + fraction * (hi - lo)
                inertia = sparse_inertia(a - mid * eye, 0.0)
                count += 1
                if inertia is not None:
                    break
            if inertia is None:
                message = f"no LDLᵀ of H − σI with diagonal pivots near σ = {sign * mid:.6g}"
                break
            lo, hi = (mid, hi) if inertia.positive >= j else (lo, mid)
        brackets.append((lo, hi) if sign > 0 else (-hi, -lo))
        high = hi
        if message != "converged":
            break
    done = message == "converged" and len(brackets) == min(k, a.shape[0])
    return BisectedEigenvalues(which, tuple(brackets), done, k, count, tol, message, inertia is not None or not count)
