r"""Numeric curvature analysis: eigen-decomposition of compiled Hessians and a critical-point search.

The symbolic side (exact gradient and Hessian, Gröbner-basis critical points,
classification rules, step guidance) is :mod:`derivations.topics.curvature`; this
module evaluates through the compile bridge (:func:`numerics.compile.objective`)
and uses ``numpy.linalg.eigh`` for

.. math:: H = V \operatorname{diag}(\kappa_1 \le \dots \le \kappa_n) V^\top,
   \qquad c = \max|\kappa| / \min|\kappa|, \qquad \Delta\theta_{nt} = -H^{-1}\nabla f.

:func:`find_critical_points` first tries the symbolic search (complete for
polynomial gradients with finitely many critical points) and otherwise runs
a multi-start root search of :math:`\nabla f = 0` (Powell's hybrid method
with the compiled Hessian as Jacobian) within a wall-clock budget, removing
duplicates.

Examples
========

>>> import numpy as np, sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> report = find_critical_points(x**3 - 3*x + y**2, [x, y], timeout=5)
>>> report.complete, [(p.point.tolist(), p.kind.value) for p in report.points]
(True, [([-1.0, 0.0], 'saddle'), ([1.0, 0.0], 'minimum')])
>>> a = analyze_point(objective(x**3 - 3*x + y**2, [x, y]), [1.0, 0.0])
>>> a.eigenvalues.tolist(), a.condition_number
([2.0, 6.0], 3.0)
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np
import sympy as sp

from derivations.errors import InputError
from derivations.reading.bounded import MAX_TERMS
from derivations.reading.parsing import parse_expression
from derivations.reading.sizes import MAX_DEGREE, degree
from derivations.topics.critical_points import Kind, StepGuidance, classify, critical_points, step_guidance

from numerics.compare.problems import parse_point
from numerics.compile import Objective, objective

if TYPE_CHECKING:
    from numerics.analysis.spectrum import BisectedEigenvalues, Inertia, LanczosEigenvalues

__all__ = ["PointAnalysis", "CriticalPointReport", "Eigen", "MultistartResult", "analyze_point", "default_starts",
           "DENSE_UP_TO", "LargePointAnalysis", "analyze_large_point",
           "eigen", "find_critical_points", "multistart_critical_points", "read_expression", "read_variables",
           "read_point", "check_domain"]

ZERO_TOL = 1e-8  # an eigenvalue below ZERO_TOL * max(1, max|κ|) in magnitude counts as zero

_NAME = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")


def read_expression(text: str, max_terms: int | None = None, expansion: bool = True) -> sp.Expr:
    """A scalar expression typed by a user (parsed, never evaluated); an :class:`InputError` otherwise.

    ``max_terms`` raises the parser's bound on a ``Sum`` with numeric limits (for indexed sums);
    ``expansion=False`` leaves the limits on expansion to the caller (one that evaluates numerically).

    Examples
    ========

    >>> read_expression("x^3 - 3*x")
    x**3 - 3*x
    """
    try:
        expr = parse_expression(text, max_terms=MAX_TERMS if max_terms is None else max_terms, expansion=expansion)
    except (TypeError, ValueError, OverflowError) as exc:  # ValueError includes InputError
        if isinstance(exc, InputError):
            raise
        raise InputError("the expression contains a number that is not finite (too large for a float?)") from None
    if not isinstance(expr, sp.Expr) or isinstance(expr, sp.MatrixBase):
        raise InputError("the expression must be a scalar")
    return expr


def read_variables(expr: sp.Expr, text: str | None) -> list[sp.Symbol]:
    """The variables of ``expr``: those named in ``text`` (``--vars``, in order), else every symbol sorted by name.

    Examples
    ========

    >>> read_variables(read_expression("x*y + z"), None), read_variables(read_expression("x*y"), "y, x")
    ([x, y, z], [y, x])
    """
    free = {s.name: s for s in expr.free_symbols}
    if text is None:
        if not free:
            raise InputError("the expression has no variables")
        return [free[k] for k in sorted(free)]
    names = [n.strip() for n in text.split(",")]
    for n in names:
        if not _NAME.match(n):
            raise InputError(f"--vars: {n!r} is not a variable name")
    if len(set(names)) != len(names):
        raise InputError("--vars: a variable is listed twice")
    missing = [n for n in names if n not in free]
    if missing:
        raise InputError(f"--vars: {', '.join(missing)} does not occur in the expression")
    extra = sorted(set(free) - set(names))
    if extra:
        raise InputError(f"the expression has symbols not listed in --vars: {', '.join(extra)}")
    return [free[n] for n in names]


def read_point(text: str, variables: Sequence[sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """The point of ``--at`` (``x=1,y=2``) as a substitution for ``variables``, checked to be finite and real.

    Examples
    ========

    >>> x, y = sp.symbols("x y")
    >>> read_point("y=2, x=1/2", [x, y])
    {x: 1/2, y: 2}
    """
    return dict(zip(variables, parse_point(text, "--at", [v.name for v in variables])))


def check_domain(expr: sp.Expr, point: dict) -> None:
    """An :class:`InputError` unless ``expr`` has a finite real value at ``point`` (30 significant digits).

    Examples
    ========

    >>> x = sp.Symbol("x")
    >>> check_domain(sp.log(x), {x: sp.Integer(-1)})
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: the point is outside the domain of the expression (the value is not real)
    >>> check_domain((x + 2) ** 10**9, {x: sp.Integer(1)})  # 3^(10^9) in floating point, never as an integer
    """
    if degree(expr) > MAX_DEGREE:  # exact substitution would compute the power's digits: evaluate at 30 digits
        value = expr.evalf(30, subs=point)
    else:
        value = sp.N(expr.xreplace(point), 30)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_number:
        raise InputError("the point is outside the domain of the expression (the value is undefined)")
    if abs(sp.im(value)) > 1e-25 * (1 + abs(sp.re(value))):
        raise InputError("the point is outside the domain of the expression (the value is not real)")


@dataclass(frozen=True)
class PointAnalysis:
    """Gradient, Hessian, eigenpairs, condition number, class, Newton step and step guidance at a point."""

    variables: tuple[str, ...]
    point: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    eigenvalues: np.ndarray  # ascending
    eigenvectors: np.ndarray  # row i is the unit eigenvector of eigenvalues[i]
    condition_number: float  # inf when the Hessian is singular
    kind: Kind
    newton_step: np.ndarray | None  # None when the Hessian is singular
    guidance: tuple[StepGuidance, ...]

    @property
    def gradient_norm(self) -> float:
        return float(np.linalg.norm(self.gradient))

    def to_json(self) -> dict:
        """A JSON-ready dict (non-finite numbers become ``None``)."""
        return {
            "point": {name: _num(v) for name, v in zip(self.variables, self.point)},
            "value": _num(self.value),
            "gradient": _nums(self.gradient),
            "hessian": [_nums(row) for row in self.hessian],
            "eigenvalues": _nums(self.eigenvalues),
            "eigenvectors": [_nums(v) for v in self.eigenvectors],
            "condition_number": _num(self.condition_number),
            "classification": self.kind.value,
            "newton_step": None if self.newton_step is None else _nums(self.newton_step),
            "step_guidance": [
                {"curvature": _num(g.curvature), "slope": _num(g.slope), "regime": g.regime,
                 "max_step": _num(g.max_step), "line_minimum": _num(g.line_minimum), "advice": g.advice}
                for g in self.guidance
            ],
        }


@dataclass(frozen=True)
class CriticalPointReport:
    """Critical points found, whether the search provably found all of them, and how."""

    variables: tuple[str, ...]
    points: tuple[PointAnalysis, ...]
    complete: bool
    method: str
    seconds: float

    def to_json(self) -> dict:
        return {"variables": list(self.variables), "points": [p.to_json() for p in self.points],
                "search_complete": self.complete}


def _num(v) -> float | None:
    if v is None:
        return None
    v = float(v) + 0.0  # no negative zero
    return v if math.isfinite(v) else None


def _nums(values) -> list:
    return [_num(v) for v in np.ravel(values)]


@dataclass(frozen=True)
class Eigen:
    """Ascending eigenvalues and the matching unit eigenvectors (row ``i`` belongs to ``values[i]``)."""

    values: np.ndarray
    vectors: np.ndarray


@dataclass(frozen=True)
class MultistartResult:
    """Distinct roots of the gradient, and whether every start ran before the time budget ran out."""

    roots: tuple[np.ndarray, ...]
    finished: bool


def eigen(h: np.ndarray) -> Eigen:
    """Ascending eigenvalues and unit eigenvectors (as rows, sign fixed: largest entry positive) of a symmetric matrix.

    Examples
    ========

    >>> e = eigen(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> e.values.round(12).tolist(), np.abs(e.vectors).round(6).tolist()
    ([1.0, 3.0], [[0.707107, 0.707107], [0.707107, 0.707107]])
    """
    h = np.asarray(h, dtype=float)
    values, vectors = np.linalg.eigh((h + h.T) / 2)
    rows = vectors.T.copy()
    for r in rows:
        k = int(np.argmax(np.abs(r)))
        if r[k] < 0:
            r *= -1
    return Eigen(values, rows)


def _condition(values: np.ndarray) -> float:
    mags = np.abs(values)
    low = mags.min() if mags.size else 0.0
    return float("inf") if low <= ZERO_TOL * max(1.0, float(mags.max(initial=0.0))) else float(mags.max() / low)


def analyze_point(obj: Objective, x: Sequence[float], kind: Kind | None = None) -> PointAnalysis:
    """Curvature at ``x``: eigen-decomposition of the compiled Hessian, class, Newton step, guidance.

    ``kind`` overrides the numeric classification (for points classified exactly).

    Parameters
    ==========

    obj : a compiled :class:`~numerics.compile.Objective`
    x : the point
    kind : a known classification (a :class:`~derivations.topics.critical_points.Kind`)

    Returns
    =======

    :class:`PointAnalysis`

    Examples
    ========

    >>> x, y = sp.symbols("x y")
    >>> a = analyze_point(objective(x**2 - y**2, [x, y]), [1.0, 0.0])
    >>> a.gradient.tolist(), a.eigenvalues.tolist(), a.kind.value
    ([2.0, 0.0], [-2.0, 2.0], 'saddle')
    """
    x = np.asarray(x, dtype=float).reshape(obj.n)
    value = obj.fun(x)
    g = np.asarray(obj.jac(x), dtype=float)
    h = obj.hess(x)
    h = np.asarray(h.toarray() if hasattr(h, "toarray") else h, dtype=float)
    names = tuple(map(str, obj.variables))
    if not np.all(np.isfinite(h)):  # outside the domain of a second derivative: nothing to decompose
        nan = np.full(obj.n, np.nan)
        return PointAnalysis(names, x, value, g, h, nan, np.full((obj.n, obj.n), np.nan), float("nan"),
                             kind or Kind.DEGENERATE, None, ())
    decomposition = eigen(h)
    values, vectors = decomposition.values, decomposition.vectors
    cond = _condition(values)
    step = None
    if math.isfinite(cond):
        try:
            step = -np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            step = None
    kind = kind if kind is not None else classify(values.tolist(), tol=ZERO_TOL)
    scale = max(1.0, float(np.abs(values).max(initial=0.0)))
    guidance = tuple(step_guidance(k, float(v @ g), tol=ZERO_TOL * scale) for k, v in zip(values, vectors))
    return PointAnalysis(names, x, value, g, h, values, vectors, cond, kind, step, guidance)


def _is_new(x: np.ndarray, found: list[np.ndarray], tol: float) -> bool:
    return all(np.linalg.norm(x - y) > tol * (1 + np.linalg.norm(y)) for y in found)


def default_starts(n: int) -> int:
    """How many starting points the multi-start search tries in ``n`` dimensions."""
    return 60 + 40 * n


def multistart_critical_points(
    obj: Objective,
    *,
    seconds: float = 10.0,
    starts: int | None = None,
    box: float = 5.0,
    seed: int = 0,
    known: Sequence[np.ndarray] = (),
    progress: Callable[[], None] | None = None,
) -> MultistartResult:
    r"""Solve :math:`\nabla f(x) = 0` from quasi-random starts in :math:`[-box, box]^n`.

    Returns the distinct roots found within :math:`[-2 box, 2 box]^n` (not
    including ``known``) and whether all ``starts`` were tried before the
    wall-clock budget ``seconds`` ran out.  A root is accepted when the
    gradient is below :math:`10^{-8}(1 + |f| + \|x\|)` and the least-squares
    Newton correction is below :math:`10^{-4}(1 + \|x\|)`.
    """
    from scipy.optimize import root

    n = obj.n
    starts = starts if starts is not None else default_starts(n)
    deadline = time.monotonic() + seconds
    points = np.vstack([np.zeros((1, n)), np.random.default_rng(seed).uniform(-box, box, (starts - 1, n))])

    def dense_hess(x):
        h = obj.hess(x)
        return h.toarray() if hasattr(h, "toarray") else h

    found: list[np.ndarray] = []
    seen = [np.asarray(k, dtype=float) for k in known]
    for x0 in points:
        if time.monotonic() > deadline:
            return MultistartResult(tuple(found), False)
        if progress is not None:
            progress()
        with np.errstate(all="ignore"):
            try:
                sol = root(obj.jac, x0, jac=dense_hess, method="hybr", options={"maxfev": 100 * (n + 1)})
            except (ValueError, np.linalg.LinAlgError, OverflowError):
                continue
            x = sol.x
            g = obj.jac(x)
            f = obj.fun(x)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(g)) and math.isfinite(f)):
            continue
        if np.linalg.norm(g) > 1e-8 * (1 + abs(f) + np.linalg.norm(x)) or np.max(np.abs(x)) > 2 * box:
            continue
        # a true root: the (least-squares) Newton correction is tiny too; on an asymptotically flat
        # tail (exp(-x) for large x) the gradient is tiny but the Hessian as well, and the step is not
        correction = np.linalg.lstsq(dense_hess(x), g, rcond=None)[0]
        if not np.linalg.norm(correction) <= 1e-4 * (1 + np.linalg.norm(x)):
            continue
        x = np.where(np.abs(x) <= 1e-12 * (1 + np.linalg.norm(x)), 0.0, x)  # round-off around zero
        if _is_new(x, seen, 1e-6):
            seen.append(x)
            found.append(x)
    return MultistartResult(tuple(found), True)


def find_critical_points(
    expr: sp.Expr,
    variables: Sequence[sp.Symbol],
    *,
    timeout: float = 20.0,
    seed: int = 0,
    box: float = 5.0,
    obj: Objective | None = None,
    progress: Callable[[], None] | None = None,
) -> CriticalPointReport:
    """Every critical point found within ``timeout`` seconds, classified; ``complete`` if provably all.

    The symbolic search gets up to 40 % of the budget; if it is not complete,
    a numeric multi-start search adds the roots it finds (and the report is
    never complete: a numeric search cannot prove it missed nothing).
    ``progress`` is called once per numeric start.

    Parameters
    ==========

    expr, variables : the function and its variables
    timeout : the wall-clock budget in seconds
    seed, box : the numeric search's seed and box :math:`[-box, box]^n` of starts
    obj : the compiled ``expr`` if already at hand
    progress : called once per numeric start

    Returns
    =======

    :class:`CriticalPointReport`

    Examples
    ========

    >>> r = find_critical_points(sp.sympify("x**2 + y**2 - 2*x"), sp.symbols("x y"), timeout=5)
    >>> r.complete, [(p.point.tolist(), p.kind.value) for p in r.points]
    (True, [([1.0, 0.0], 'minimum')])
    """
    start = time.monotonic()
    variables = list(variables)
    obj = obj if obj is not None else objective(expr, variables)
    symbolic = critical_points(expr, variables, seconds=max(0.2, 0.4 * timeout))
    analyses = []
    for p in symbolic.points:
        x = np.array([float(c) for c in p.coordinates])
        analyses.append(analyze_point(obj, x, kind=p.kind))
    if symbolic.complete:
        return CriticalPointReport(tuple(map(str, variables)), tuple(analyses), True, symbolic.method,
                                   time.monotonic() - start)
    left = timeout - (time.monotonic() - start)
    search = multistart_critical_points(obj, seconds=max(0.0, 0.9 * left - 0.05), seed=seed, box=box,
                                        known=[a.point for a in analyses], progress=progress)
    finished = search.finished
    analyses += [analyze_point(obj, x) for x in search.roots]
    analyses.sort(key=lambda a: tuple(a.point))
    method = f"{symbolic.method}; multi-start root search ({'all starts' if finished else 'stopped by the time limit'})"
    return CriticalPointReport(tuple(map(str, variables)), tuple(analyses), False, method, time.monotonic() - start)


DENSE_UP_TO = 500  # variables up to which the Hessian is decomposed densely (numpy.linalg.eigh)


@dataclass(frozen=True)
class LargePointAnalysis:
    """Curvature at a point of many variables: extreme eigenvalues by Lanczos and the inertia, not a full eigh."""

    variables: tuple[str, ...]
    point: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: object  # scipy.sparse.csr_matrix
    largest: "BisectedEigenvalues | LanczosEigenvalues"
    smallest: "BisectedEigenvalues | LanczosEigenvalues"
    inertia: "Inertia | None"
    bounds: tuple[float, float, float, float]  # λ_min ∈ [b0, b1], λ_max ∈ [b2, b3] (Gershgorin and Ritz values)

    @property
    def gradient_norm(self) -> float:
        return float(np.linalg.norm(self.gradient))

    @property
    def kind(self) -> Kind | None:
        """The class read from the inertia (``None`` without one)."""
        i = self.inertia
        if i is None:
            return None
        if i.zero:
            return Kind.DEGENERATE
        return Kind.MINIMUM if not i.negative else Kind.MAXIMUM if not i.positive else Kind.SADDLE

    def to_json(self, full: bool = False) -> dict:
        """JSON-ready: the full gradient and every computed eigenvalue; the Hessian's entries if ``full``."""
        h = self.hessian.tocoo()
        out = {
            "n": len(self.variables), "point": _nums(self.point), "value": _num(self.value),
            "gradient": _nums(self.gradient), "gradient_norm": _num(self.gradient_norm),
            "hessian_nonzeros": int(h.nnz),
            "largest_eigenvalues": _extreme_json(self.largest),
            "smallest_eigenvalues": _extreme_json(self.smallest),
            "inertia": None if self.inertia is None else {
                "negative": self.inertia.negative, "zero": self.inertia.zero, "positive": self.inertia.positive,
                "method": self.inertia.method},
            "classification": None if self.kind is None else self.kind.value,
            "eigenvalue_bounds": {"smallest": _nums(self.bounds[:2]), "largest": _nums(self.bounds[2:]),
                                  "method": BOUNDS_METHOD},
        }
        if full:
            out["hessian"] = [[int(i), int(j), _num(v)] for i, j, v in zip(h.row, h.col, h.data)]
        return out


def _extreme_json(e) -> dict:
    """An end of the spectrum: values, whether converged, how; for bisection each bracket and the width asked for."""
    from numerics.analysis.spectrum import BisectedEigenvalues

    out = {"values": _nums(e.eigenvalues), "converged": e.converged, "method": f"{e.method} on the sparse Hessian",
           "message": e.message}
    if isinstance(e, BisectedEigenvalues):
        out.update(brackets=[_nums(b) for b in e.brackets], tolerance=_num(e.tolerance), factorizations=e.factorizations)
    return out


def analyze_large_point(obj: Objective, x: Sequence[float], k: int = 1, seed: int = 0,
                        seconds: float = math.inf) -> LargePointAnalysis:
    r"""Curvature at ``x`` for many variables: ``k`` largest and smallest eigenvalues and the inertia.

    Each extreme eigenvalue is bracketed to :data:`EIGEN_RTOL` of the spectrum's scale by bisection
    on the inertia of :math:`H - \sigma I` (:func:`numerics.analysis.spectrum.bisected_eigenvalues`),
    within ``seconds`` for both ends (partial brackets when cut short); where that factorization does
    not exist, by Lanczos (``scipy.sparse.linalg.eigsh``). The counts of negative, zero and positive eigenvalues
    from the pivots of a sparse :math:`LDL^\top` (Sylvester's law of inertia,
    :func:`numerics.analysis.spectrum.sparse_inertia`), ``None`` when that
    factorization does not exist.

    Examples
    ========

    >>> xs = sp.symbols("x0:3")
    >>> a = analyze_large_point(objective(xs[0]**2 + 2*xs[1]**2 - 3*xs[2]**2, xs, sparse=True), [1, 1, 1], k=1)
    >>> a.largest.eigenvalues, a.smallest.eigenvalues, a.kind.value
    ((4.0,), (-6.0,), 'saddle')
    """
    from scipy.sparse import csr_matrix

    from numerics.analysis.spectrum import bisected_eigenvalues, lanczos_eigenvalues, sparse_inertia

    x = np.asarray(x, dtype=float).reshape(obj.n)
    value, g = obj.fun(x), np.asarray(obj.jac(x), dtype=float)
    h = csr_matrix(obj.hess(x))
    if not (math.isfinite(value) and np.all(np.isfinite(g)) and np.all(np.isfinite(h.data))):
        raise InputError("the function or its derivatives are not finite at this point")
    stop = time.monotonic() + seconds
    bounds = eigenvalue_bounds(h, seed)
    ends = []
    for which, inner, share in (("largest", bounds[2], 2), ("smallest", bounds[1], 1)):
        e = bisected_eigenvalues(h, k, which, inner=inner, rtol=EIGEN_RTOL,
                                 seconds=max(0.0, (stop - time.monotonic()) / share))
        if not e.factored:  # no inertia to count with: Lanczos, whose restarts a tight cluster can exhaust
            ncv = 64 if obj.n <= WIDE_BASIS_UP_TO else None  # None: ARPACK's default max(2k + 1, 20)
            e = lanczos_eigenvalues(h.dot, obj.n, k=k, which=which, seed=seed, tol=1e-8, maxiter=LANCZOS_RESTARTS,
                                    ncv=ncv)
        ends.append(e)
    return LargePointAnalysis(tuple(map(str, obj.variables)), x, value, g, h, *ends, sparse_inertia(h, ZERO_TOL),
                              bounds)


EIGEN_RTOL = 1e-10  # width of an eigenvalue's bracket, relative to the largest Gershgorin bound
WIDE_BASIS_UP_TO = 2000  # a 64-vector Lanczos basis up to this size (its orthogonalization is cheap there)
LANCZOS_RESTARTS = 100  # ARPACK restarts per extreme: a tight cluster at an end of the spectrum stops it here
BOUNDS_METHOD = ("Gershgorin discs (outer bounds) and the extreme Ritz values of 120 Lanczos steps (inner bounds: "
                 "Ritz values lie in [λ_min, λ_max])")


def eigenvalue_bounds(h, seed: int = 0, steps: int = 120) -> tuple[float, float, float, float]:
    r"""Proved bounds :math:`g_- \le \lambda_{\min} \le \theta_{\min}` and :math:`\theta_{\max} \le \lambda_{\max} \le g_+`.

    :math:`g_\pm = \max/\min_i (h_{ii} \pm \sum_{j \ne i} |h_{ij}|)` (Gershgorin);
    :math:`\theta` are Ritz values of ``steps`` Lanczos steps, which lie in the spectrum's hull.

    Examples
    ========

    >>> from scipy.sparse import diags
    >>> [round(b, 6) for b in eigenvalue_bounds(diags([1.0, 2.0, 5.0]).tocsr())]
    [1.0, 1.0, 5.0, 5.0]
    """
    from numerics.analysis.spectrum import lanczos_tridiagonal

    d = h.diagonal()
    radius = np.asarray(abs(h).sum(axis=1)).ravel() - np.abs(d)
    a, b = lanczos_tridiagonal(h.dot, np.random.default_rng(seed).standard_normal(h.shape[0]), steps)
    ritz = np.linalg.eigvalsh(np.diag(a) + np.diag(b, 1) + np.diag(b, -1))
    return float(np.min(d - radius)), float(ritz[0]), float(ritz[-1]), float(np.max(d + radius))
