r"""Curvature of a function: gradient, Hessian, critical points, eigen-analysis, step guidance.

Seed 004 teaches curvature through the second-order Taylor model

.. math:: f(q) \approx f(p) + \nabla f(p)^\top \Delta p + \tfrac12 \Delta p^\top H(p)\, \Delta p,
   \qquad \Delta p = q - p,

the Hessian :math:`H_{ij} = \partial^2 f/\partial x_i \partial x_j` (symmetric
where the second partials are continuous), its eigenpairs
:math:`H v_i = \kappa_i v_i` as the curvature along :math:`v_i`, the condition
number :math:`\max|\kappa|/\min|\kappa|`, and step sizes per eigen-direction.

This module holds the *symbolic* side: exact gradient and Hessian (the Hessian
as the Jacobian of the gradient, formed only where an entry can be nonzero),
critical points (a lex Gröbner basis for polynomial gradients, which also
certifies that none is missed; ``sympy.solve`` under a time limit otherwise),
classification, closed-form eigenpairs for 2x2 and 3x3 Hessians, directional
curvature, the Taylor prediction and per-direction step guidance.  The
numeric side (``numpy.linalg.eigh``, multi-start search) is
:mod:`numerics.curvature`.  ``RESULTS`` registers the general facts as
verified derivations.

Examples
========

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> search = critical_points(x**3 - 3*x + y**2, [x, y])
>>> search.complete, [(p.coordinates, p.kind.value) for p in search.points]
(True, [((-1, 0), 'saddle'), ((1, 0), 'minimum')])
>>> [e.value for e in eigenpairs(hessian(x**3 - 3*x + y**2, [x, y]).subs({x: 1, y: 0}))]
[2, 6]
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Sequence

import sympy as sp

from .deadline import TimeLimitExceeded, time_limit
from .record import Derivation, DerivativeOf, Differs, Equals, Holds, Step
from .display import shown

# --------------------------------------------------------------------------- records


class Kind(Enum):
    """The second-derivative test at a critical point."""

    MINIMUM = "minimum"  # every eigenvalue > 0
    MAXIMUM = "maximum"  # every eigenvalue < 0
    SADDLE = "saddle"  # eigenvalues of both signs
    DEGENERATE = "degenerate"  # a zero eigenvalue and no sign change: the test is inconclusive


@dataclass(frozen=True)
class EigenPair:
    r"""An eigenvalue :math:`\kappa` of a Hessian with a unit eigenvector :math:`v` (:math:`Hv = \kappa v`)."""

    value: sp.Expr
    vector: sp.Matrix


@dataclass(frozen=True)
class CriticalPoint:
    r"""A point where :math:`\nabla f = 0`, its Hessian eigenvalues and its class."""

    variables: tuple[sp.Symbol, ...]
    coordinates: tuple[sp.Expr, ...]
    eigenvalues: tuple[sp.Expr, ...]
    kind: Kind


@dataclass(frozen=True)
class CriticalPointSearch:
    """The critical points found, whether the search provably found all, and how."""

    points: tuple[CriticalPoint, ...]
    complete: bool
    method: str


@dataclass(frozen=True)
class StepGuidance:
    r"""Advice for a step along one eigen-direction (seed 004).

    ``curvature`` is :math:`\kappa`, ``slope`` the directional derivative
    :math:`v^\top \nabla f`; ``max_step`` is the stable gradient-descent
    learning rate bound :math:`2/\kappa` for :math:`\kappa > 0` (``None``
    otherwise) and ``line_minimum`` the exact minimizing step length
    :math:`|v^\top\nabla f|/\kappa` along :math:`-\operatorname{sign}(slope)\, v`.
    """

    curvature: float
    slope: float
    regime: str  # "curving up", "flat", "curving down"
    advice: str
    max_step: float | None
    line_minimum: float | None


# --------------------------------------------------------------------------- derivatives


def _terms_by_symbol(expr, variables, is_add) -> dict:
    terms = expr.args if is_add(expr) else (expr,)
    wanted = set(variables)
    by: dict = {v: [] for v in variables}
    for term in terms:
        for s in term.free_symbols & wanted:
            by[s].append(term)
    return by


@dataclass(frozen=True)
class SparseDerivatives:
    """A gradient and the upper triangle of the Hessian: ``values[k]`` is the entry at ``(rows[k], cols[k])``."""

    gradient: list
    rows: list[int]
    cols: list[int]
    values: list


def sparse_derivatives(expr, variables: Sequence, add: Callable = sp.Add,
                       is_add: Callable | None = None) -> SparseDerivatives:
    r"""Gradient and the upper triangle of the Hessian, differentiating only where a symbol occurs.

    :math:`g_i = \partial f/\partial x_i` sums the derivatives of the terms of
    :math:`f` that contain :math:`x_i`; :math:`H_{ij} = \partial g_i/\partial x_j`
    is formed for :math:`j \ge i` with :math:`x_j` free in :math:`g_i` (the
    symmetry of mixed partials gives the rest).  For a sum of local terms this
    is linear in the number of variables; ``sympy.hessian``'s double loop is
    quadratic (and each derivative walks the whole sum).  Works for SymPy and
    SymEngine expressions alike (pass that library's ``Add``).

    Returns a :class:`SparseDerivatives` with ``values[k]`` =
    :math:`H_{rows[k], cols[k]}`, ``rows[k] <= cols[k]``.

    Examples
    ========

    >>> x, y = sp.symbols("x y")
    >>> d = sparse_derivatives(x**2 * y + y**3, [x, y])
    >>> d.gradient, list(zip(d.rows, d.cols, d.values))
    ([2*x*y, x**2 + 3*y**2], [(0, 0, 2*y), (0, 1, 2*x), (1, 1, 6*y)])
    """
    is_add = is_add or (lambda e: isinstance(e, add))
    variables = list(variables)
    by = _terms_by_symbol(expr, variables, is_add)
    grad = [add(*[t.diff(v) for t in by[v]]) for v in variables]
    position = {v: i for i, v in enumerate(variables)}
    rows, cols, values = [], [], []
    for i, gi in enumerate(grad):
        for j in sorted(position[s] for s in gi.free_symbols if s in position):
            if j >= i:
                d = gi.diff(variables[j])
                if d != 0:
                    rows.append(i)
                    cols.append(j)
                    values.append(d)
    return SparseDerivatives(grad, rows, cols, values)


def gradient(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    r"""The gradient :math:`\nabla f` as a column matrix.

    Examples
    ========

    >>> x, y = sp.symbols("x y")
    >>> gradient(x**2 * y + y, [x, y]).T
    Matrix([[2*x*y, x**2 + 1]])
    """
    return sp.Matrix(sparse_derivatives(sp.sympify(expr), variables).gradient)


def hessian(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    r"""The Hessian :math:`H_{ij} = \partial^2 f / \partial x_i \partial x_j` as the Jacobian of the gradient.

    Examples
    ========

    >>> x, y, z = sp.symbols("x y z")
    >>> hessian(x**2 * y + z**3, [x, y, z])
    Matrix([
    [2*y, 2*x,   0],
    [2*x,   0,   0],
    [  0,   0, 6*z]])
    """
    n = len(variables)
    d = sparse_derivatives(sp.sympify(expr), variables)
    entries = {}
    for i, j, v in zip(d.rows, d.cols, d.values):
        entries[(i, j)] = entries[(j, i)] = v
    return sp.SparseMatrix(n, n, entries).as_mutable()


# --------------------------------------------------------------------------- analysis


def classify(eigenvalues: Sequence, tol: float = 0.0) -> Kind:
    r"""The second-derivative test from Hessian eigenvalues at a critical point.

    An eigenvalue with :math:`|\kappa| \le tol \cdot \max(1, \max|\kappa|)`
    counts as zero.  Both signs present: saddle (conclusive even with zero
    eigenvalues); all positive: minimum; all negative: maximum; otherwise the
    test is inconclusive (``DEGENERATE``: :math:`x^4+y^4` and :math:`-x^4`
    and the monkey saddle all have a zero Hessian at the origin).

    Examples
    ========

    >>> classify([2, 6]).value, classify([-2, 6]).value, classify([0, 6]).value
    ('minimum', 'saddle', 'degenerate')
    >>> classify([1e-12, 3.0], tol=1e-8).value
    'degenerate'
    """
    values = [sp.sympify(v) for v in eigenvalues]
    scale = max([1.0] + [abs(float(v)) for v in values]) if tol else 1.0
    signs = []
    for v in values:
        if tol and abs(float(v)) <= tol * scale:
            signs.append(0)
        else:
            signs.append(1 if v > 0 else (-1 if v < 0 else 0))
    if 1 in signs and -1 in signs:
        return Kind.SADDLE
    if all(s == 1 for s in signs):
        return Kind.MINIMUM
    if all(s == -1 for s in signs):
        return Kind.MAXIMUM
    return Kind.DEGENERATE


def eigenpairs(h: sp.Matrix) -> list[EigenPair]:
    r"""Closed-form eigenpairs of a symmetric 2x2 or 3x3 matrix, unit eigenvectors, ascending when sortable.

    Examples
    ========

    >>> pairs = eigenpairs(sp.Matrix([[2, 1], [1, 2]]))
    >>> [(p.value, list(p.vector)) for p in pairs]
    [(1, [-sqrt(2)/2, sqrt(2)/2]), (3, [sqrt(2)/2, sqrt(2)/2])]
    """
    h = sp.Matrix(h)
    if h.shape not in ((1, 1), (2, 2), (3, 3)):
        raise ValueError("closed-form eigenpairs only for 1x1, 2x2 and 3x3 (use numerics.curvature for larger)")
    tidy = sp.simplify if h.shape[0] <= 2 else (lambda e: e)  # 3x3 roots (Cardano) only grow under simplify
    out = []
    for value, multiplicity, vectors in h.eigenvects(simplify=False):
        basis = sp.GramSchmidt(vectors, orthonormal=True) if len(vectors) > 1 else [
            vectors[0] / sp.sqrt(sum(c**2 for c in vectors[0]))]
        out.extend(EigenPair(tidy(value), v.applyfunc(tidy)) for v in basis)
    if not h.free_symbols:
        out.sort(key=lambda p: float(sp.re(sp.N(p.value))))
    return out


def condition_number(eigenvalues: Sequence) -> sp.Expr:
    r"""The condition number :math:`\max_i|\kappa_i| / \min_j|\kappa_j|` (seed 004); ``oo`` if singular.

    Examples
    ========

    >>> condition_number([2, -8]), condition_number([0, 3])
    (4, oo)
    """
    mags = [abs(sp.sympify(v)) for v in eigenvalues]
    low = min(mags)
    return sp.oo if low == 0 else max(mags) / low


def directional_curvature(h: sp.Matrix, v: Sequence) -> sp.Expr:
    r"""The curvature along :math:`v`: the Rayleigh quotient :math:`v^\top H v / v^\top v`.

    Examples
    ========

    >>> directional_curvature(sp.Matrix([[2, 0], [0, 8]]), [1, 1])
    5
    """
    v = sp.Matrix(v)
    return sp.simplify((v.T * h * v)[0] / (v.T * v)[0])


def taylor_prediction(expr: sp.Expr, variables: Sequence[sp.Symbol], p: Sequence, q: Sequence) -> sp.Expr:
    r"""The second-order Taylor prediction of :math:`f(q)` from :math:`p` (seed 004).

    :math:`f(p) + \nabla f(p)^\top (q-p) + \tfrac12 (q-p)^\top H(p) (q-p)`,
    exact when :math:`f` is quadratic.

    Examples
    ========

    >>> x = sp.Symbol("x")
    >>> taylor_prediction(x**3, [x], [1], [2]), (x**3).subs(x, 2)
    (7, 8)
    """
    at = dict(zip(variables, p))
    d = sp.Matrix(q) - sp.Matrix(p)
    g = gradient(expr, variables).subs(at)
    h = hessian(expr, variables).subs(at)
    return sp.expand(sp.sympify(expr).subs(at) + (g.T * d)[0] + (d.T * h * d)[0] / 2)


def step_guidance(curvature: float, slope: float, tol: float = 1e-8) -> StepGuidance:
    r"""Step advice along an eigen-direction with curvature :math:`\kappa` and slope :math:`s` (seed 004).

    :math:`\kappa > 0`: gradient descent along this direction is stable only
    for a learning rate below :math:`2/\kappa` (derivation
    ``curvature.gd_stability``), and the exact line minimum is a step of
    :math:`|s|/\kappa`.  :math:`\kappa \approx 0`: the slope is constant, a
    normal step is accurate.  :math:`\kappa < 0`: the function curves down;
    a descent step along this direction gains more than the linear model
    predicts, and gradient descent moves away from a saddle along it.

    Examples
    ========

    >>> g = step_guidance(4.0, -2.0)
    >>> g.regime, g.max_step, g.line_minimum
    ('curving up', 0.5, 0.5)
    >>> step_guidance(-1.0, 0.3).regime
    'curving down'
    """
    k, s = float(curvature), float(slope)
    if k > tol:
        return StepGuidance(k, s, "curving up",
                            f"gradient descent is stable for a learning rate < 2/κ = {2 / k:.4g}; "
                            f"the line minimum is a step of {abs(s) / k:.4g}", 2 / k, abs(s) / k)
    if k < -tol:
        return StepGuidance(k, s, "curving down",
                            "negative curvature: descent along ±v speeds up (larger steps pay off; "
                            "a saddle is left along this direction)", None, None)
    return StepGuidance(k, s, "flat", "near-zero curvature: the gradient is accurate here, take a normal step",
                        None, None)


# --------------------------------------------------------------------------- critical points


def _is_polynomial_system(grad: Sequence[sp.Expr], variables) -> bool:
    try:
        return all(sp.Poly(g, *variables).domain.is_Exact for g in grad)
    except (sp.PolynomialError, sp.GeneratorsNeeded, sp.CoercionFailed):
        return False


_DIGITS = 50


def _real_roots_univariate(poly_expr, var, exact: bool) -> list:
    poly = sp.Poly(poly_expr, var)
    if poly.degree() <= 0:
        return []
    if exact:
        return list(dict.fromkeys(poly.sqf_part().real_roots()))
    out: list = []
    for r in poly.nroots(n=_DIGITS, maxsteps=200):
        # a multiple root splits into a cluster, possibly a complex pair with a tiny imaginary part
        if abs(sp.im(r)) <= 1e-12 * (1 + abs(r)) and all(abs(sp.re(r) - o) > 1e-9 * (1 + abs(o)) for o in out):
            out.append(sp.re(r))
    return out


def _groebner_points(grad: list[sp.Expr], variables: list[sp.Symbol]) -> list[tuple] | None:
    """Every real solution of a zero-dimensional polynomial system; ``None`` if positive-dimensional."""
    basis = list(sp.groebner(grad, *variables, order="lex").exprs)
    if basis == [1]:
        return []
    solutions: list[dict] = [{}]
    n = len(variables)
    for k in range(n - 1, -1, -1):
        later = set(variables[k:])
        mine = [p for p in basis if variables[k] in p.free_symbols and p.free_symbols <= later]
        if not mine:
            return None  # no polynomial pins this variable down: infinitely many solutions
        extended = []
        for sol in solutions:
            exact = not sol or all(v.is_Rational for v in sol.values())
            polys = [sp.expand(p.xreplace(sol)) if exact else sp.expand(sp.N(p.xreplace(sol), _DIGITS)) for p in mine]
            nonzero = [p for p in polys if p != 0 and not (p.is_Number and abs(p) < 1e-30)]
            if not nonzero:
                return None
            main = min(nonzero, key=lambda p: sp.Poly(p, variables[k]).degree())
            for r in _real_roots_univariate(main, variables[k], exact):
                value = r if exact else sp.Float(r, _DIGITS)
                rv = sp.N(value, _DIGITS)
                ok = all(abs(sp.N(p.xreplace({variables[k]: rv}), 30)) < 1e-18 * (1 + abs(rv)) ** 8 for p in nonzero)
                if ok:
                    extended.append({**sol, variables[k]: value})
        solutions = extended
    return [tuple(sol[v] for v in variables) for sol in solutions]


def _solve_points(grad: list[sp.Expr], variables: list[sp.Symbol]) -> list[tuple]:
    """Real isolated solutions that ``sympy.solve`` finds (positive-dimensional families are skipped)."""
    out = []
    for sol in sp.solve(grad, variables, dict=True):
        if set(sol) != set(variables) or any(sol[v].free_symbols for v in variables):
            continue
        values = [complex(sp.N(sol[v], 30)) for v in variables]
        if all(abs(c.imag) <= 1e-12 * (1 + abs(c)) for c in values):
            out.append(tuple(sp.re(sol[v]) if not sol[v].is_real else sol[v] for v in variables))
    return out


def _point(expr, variables, h, coords) -> CriticalPoint:
    at = dict(zip(variables, coords))
    exact = all(c.is_Rational for c in coords)
    hv = h.xreplace(at) if exact else h.xreplace({v: sp.N(c, _DIGITS) for v, c in at.items()}).evalf(_DIGITS)
    if exact and hv.shape[0] <= 3:
        values = tuple(sorted(hv.eigenvals(multiple=True), key=lambda e: float(e)))
        kind = classify(values)
    else:
        import mpmath

        with mpmath.workdps(_DIGITS):
            values = tuple(sorted(sp.Float(e, 20) for e in mpmath.eigsy(mpmath.matrix(hv.tolist()))[0]))
        kind = classify(values, tol=1e-20)
    return CriticalPoint(tuple(variables), tuple(coords), values, kind)


def critical_points(expr: sp.Expr, variables: Sequence[sp.Symbol], seconds: float | None = 10.0) -> CriticalPointSearch:
    r"""Solve :math:`\nabla f = 0` symbolically and classify each real solution.

    A polynomial gradient is solved through a lex Gröbner basis (the last
    variable's real roots are isolated exactly, the others back-substituted
    at 50 digits): the search is *complete* (every real critical point is
    found) when the solution set is finite.  Anything else goes to
    ``sympy.solve``, which may miss solutions (``complete=False``).  Both run
    under ``time_limit(seconds)``; on time-out the points found so far are
    returned with ``complete=False``.

    Examples
    ========

    >>> x, y = sp.symbols("x y", real=True)
    >>> s = critical_points(x**3 - 3*x*y**2, [x, y])
    >>> s.complete, [(p.coordinates, p.kind.value) for p in s.points]
    (True, [((0, 0), 'degenerate')])
    """
    expr = sp.sympify(expr)
    variables = list(variables)
    grad = list(gradient(expr, variables))
    h = hessian(expr, variables)
    polynomial = _is_polynomial_system(grad, variables)
    coords: list[tuple] = []
    complete = False
    method = "gröbner basis" if polynomial else "sympy.solve"
    try:
        with time_limit(seconds):
            if polynomial:
                found = _groebner_points([sp.expand(g) for g in grad], variables)
                if found is None:
                    method = "gröbner basis (infinitely many critical points)"
                else:
                    coords, complete = found, True
            else:
                coords = _solve_points(grad, variables)
            points = tuple(_point(expr, variables, h, c) for c in coords)
    except TimeLimitExceeded:
        return CriticalPointSearch((), False, f"{method} (time limit)")
    except (NotImplementedError, ValueError, TypeError, ZeroDivisionError):
        return CriticalPointSearch((), False, f"{method} (failed)")
    unique: list[CriticalPoint] = []
    for p in sorted(points, key=lambda p: tuple(float(c) for c in p.coordinates)):
        if not any(all(abs(float(a - b)) <= 1e-9 * (1 + abs(float(a))) for a, b in zip(p.coordinates, u.coordinates))
                   for u in unique):
            unique.append(p)
    return CriticalPointSearch(tuple(unique), complete, method)
    return CriticalPointSearch(points, complete, method)


# --------------------------------------------------------------------------- display names

_GREEK = {"Delta": r"\Delta", "theta": r"\theta", "alpha": r"\alpha", "lambda": r"\lambda", "kappa": r"\kappa",
          "nabla": r"\nabla", "epsilon": r"\varepsilon", "rho": r"\rho", "delta": r"\delta"}
_TEXT = [
    ("d²/dt²", r"\frac{d^2}{dt^2}"), ("d/dt", r"\frac{d}{dt}"), ("dm/d", r"\partial m/\partial "),
    ("lim ", r"\lim_{\alpha\to\infty} "), (" (series)", ""), (" (spread r)", ""), ("^T", r"^{\top}"),
    ("^-1", r"^{-1}"), ("_nt", r"_{\mathrm{nt}}"), ("_alpha", r"_{\alpha}"), ("_{k+1}", "_{k+1}"), ("²", "^2"),
    ("best*lo", r"\rho"), ("kappa_+", r"\kappa_{+}"), ("kappa_-", r"\kappa_{-}"), ("kappa_pm", r"\kappa_{\pm}"),
    ("p(kappa_pm)", r"p(\kappa_{\pm})"), ("epsilon*", r"\varepsilon^*"), ("epsilon_max", r"\varepsilon_{\max}"),
]


def display_latex(name: str) -> str:
    r"""LaTeX for a display symbol written in plain text (``"Delta theta_nt"`` becomes ``\Delta \theta_{\mathrm{nt}}``).

    Examples
    ========

    >>> display_latex("g^T Delta theta_nt")
    'g^{\\top} \\Delta \\theta_{\\mathrm{nt}}'
    """
    out = name
    for a, b in _TEXT:
        out = out.replace(a, b)
    for word, tex in _GREEK.items():
        out = re.sub(rf"(?<![A-Za-z\\]){word}(?![A-Za-z])", lambda m, tex=tex: tex, out)
    return out


def with_display_names(d: Derivation) -> Derivation:
    """The derivation with LaTeX names for every display symbol written in plain text."""
    known = {k for k, _ in d.latex_names}
    symbols = set()
    for s in d.steps:
        symbols |= sp.sympify(s.lhs).free_symbols
    symbols |= sp.sympify(d.result).free_symbols if isinstance(d.result, sp.Basic) else set()
    extra = tuple((s, display_latex(s.name)) for s in sorted(symbols, key=str)
                  if s not in known and isinstance(s, sp.Symbol) and re.search(r"[ ^/()*²+-]|_nt|_alpha|_pm|_max", s.name))
    return dataclasses.replace(d, latex_names=d.latex_names + extra)


# --------------------------------------------------------------------------- derivations

_x, _y = sp.symbols("x y", real=True)
_kappa = sp.Symbol("kappa", positive=True)
_eps = sp.Symbol("epsilon", positive=True)
_NAMES = ((_kappa, r"\kappa"), (_eps, r"\varepsilon"))


def mixed_partials() -> Derivation:
    """Seed 004's exercise: the mixed partials of L = 4x²y + 3y³x² agree."""
    L = 4 * _x**2 * _y + 3 * _y**3 * _x**2
    Lx, Ly = sp.Symbol("L_x"), sp.Symbol("L_y")
    Lxy, Lyx = sp.Symbol("L_xy"), sp.Symbol("L_yx")
    steps = (
        Step(sp.Symbol("L"), L, "the seed's example function", seed="004"),
        Step(Lx, 8 * _x * _y + 6 * _x * _y**3, "differentiate in x", seed="004", claim=DerivativeOf(L, _x)),
        Step(Ly, 4 * _x**2 + 9 * _x**2 * _y**2, "differentiate in y", seed="004", claim=DerivativeOf(L, _y)),
        Step(Lxy, 8 * _x + 18 * _x * _y**2, "differentiate L_x in y", seed="004",
             claim=DerivativeOf(8 * _x * _y + 6 * _x * _y**3, _y)),
        Step(Lyx, 8 * _x + 18 * _x * _y**2, "differentiate L_y in x", seed="004",
             claim=DerivativeOf(4 * _x**2 + 9 * _x**2 * _y**2, _x)),
        Step(Lxy - Lyx, sp.S.Zero, "the mixed partials agree (Schwarz: continuous second partials)", seed="004",
             claim=Equals(sp.diff(L, _x, _y) - sp.diff(L, _y, _x))),
    )
    return Derivation(
        "curvature.mixed_partials", "Symmetry of mixed partials (seed 004's exercise)", steps,
        sp.Eq(Lxy, 8 * _x + 18 * _x * _y**2),
        summary="The Hessian is symmetric wherever the second partials are continuous; the seed's example "
                "L(x, y) = 4x²y + 3y³x² confirms it: both orders give 8x + 18xy².",
        seeds=("004",),
    )


def _quadratic_2d():
    """A general quadratic in two variables around p and its data."""
    a, b, c, h11, h12, h22 = sp.symbols("a b_1 b_2 h_11 h_12 h_22", real=True)
    p1, p2, d1, d2 = sp.symbols("p_1 p_2 Delta_1 Delta_2", real=True)
    H = sp.Matrix([[h11, h12], [h12, h22]])
    z = sp.Matrix([_x, _y])
    f = a + (sp.Matrix([b, c]).T * z)[0] + (z.T * H * z)[0] / 2
    return f, H, (p1, p2), (d1, d2)


def taylor_model() -> Derivation:
    r"""The second-order Taylor model, exact on quadratics, and two slips of seed 004."""
    f, H, (p1, p2), (d1, d2) = _quadratic_2d()
    at_p = {_x: p1, _y: p2}
    at_q = {_x: p1 + d1, _y: p2 + d2}
    d = sp.Matrix([d1, d2])
    g = sp.Matrix([f.diff(_x), f.diff(_y)])
    gp = g.subs(at_p)
    Hp = sp.Matrix(2, 2, lambda i, j: f.diff([_x, _y][i], [_x, _y][j])).subs(at_p)
    model = f.subs(at_p) + (gp.T * d)[0] + (d.T * Hp * d)[0] / 2
    dF = f.subs(at_q) - f.subs(at_p)
    dF_sym = sp.Symbol("Delta F")
    t = sp.Symbol("t", real=True)
    cubic = _x**3 * _y
    steps = (
        Step(sp.Symbol("F(q)"), sp.Symbol("F(p)") + sp.Symbol("J^T Delta p") + sp.Symbol("Delta p^T H Delta p") / 2,
             "second-order Taylor expansion around p, Δp = q − p", seed="004"),
        Step(sp.Symbol("F(q)"), model, "the model of a general quadratic F is exact", seed="004",
             claim=Equals(f.subs(at_q))),
        Step(sp.Symbol("H Delta p"), Hp * d, "what the Hessian times Δp predicts: the CHANGE of the gradient",
             claim=Equals(g.subs(at_q) - gp)),
        Step(sp.Symbol("H Delta p"), Hp * d, "seed 004 writes 'Hessian · Δp ≈ Jacobian'", seed="004",
             claim=Differs(gp)),
        Step(dF_sym, (d.T * Hp * d)[0], "seed 004 writes 'Δpᵀ · Hessian · Δp ≈ ΔF'", seed="004",
             claim=Differs(dF)),
        Step(dF_sym, (gp.T * d)[0] + (d.T * Hp * d)[0] / 2, "the correct change: linear plus half the quadratic term",
             claim=Equals(dF)),
        Step(sp.Symbol("F(1+t, 1)"), (1 + 3 * t + 3 * t**2) + t**3,
             "beyond quadratics the model (1 + 3t + 3t² for x³y from (1, 1) along (1, 0)) misses the t³ term",
             claim=Equals((cubic).subs({_x: 1 + t, _y: 1}))),
    )
    return Derivation(
        "curvature.taylor_model", "The second-order Taylor model and what the Hessian predicts", steps,
        sp.Eq(sp.Symbol("F(q)"), sp.Symbol("F(p)") + sp.Symbol("J^T Delta p") + sp.Symbol("Delta p^T H Delta p") / 2),
        summary="F(q) ≈ F(p) + ∇F(p)ᵀΔp + ½ΔpᵀHΔp, exact for quadratics. Seed 004's slides on 'the Hessian's "
                "contribution' state HΔp ≈ ∇F and ΔpᵀHΔp ≈ ΔF: both are wrong. HΔp approximates the change "
                "of the gradient ∇F(q) − ∇F(p), and ΔpᵀHΔp is twice the second-order part of ΔF only. "
                "Counterexample: F = x² from p = 0 to q = 1 has ∇F(p) = 0 but HΔp = 2, and ΔF = 1 but "
                "ΔpᵀHΔp = 2.",
        assumptions=("F is twice continuously differentiable",),
        seeds=("004",),
        latex_names=((d1, r"\Delta p_1"), (d2, r"\Delta p_2")),
    )


def directional_curvature_derivation() -> Derivation:
    r"""The second derivative along a line is vᵀHv; along a unit eigenvector it is κ."""
    t = sp.Symbol("t", real=True)
    c = sp.symbols("c_0:6", real=True)
    p1, p2, v1, v2 = sp.symbols("p_1 p_2 v_1 v_2", real=True)
    f = c[0] * _x**3 + c[1] * _x**2 * _y + c[2] * _x * _y**2 + c[3] * _y**3 + c[4] * _x * _y + c[5] * _y**2
    line = {_x: p1 + t * v1, _y: p2 + t * v2}
    g = sp.Matrix([f.diff(_x), f.diff(_y)])
    H = sp.Matrix(2, 2, lambda i, j: f.diff([_x, _y][i], [_x, _y][j]))
    v = sp.Matrix([v1, v2])
    first = (v.T * g.subs(line))[0]
    second = (v.T * H.subs(line) * v)[0]
    k1, delta, s = sp.Symbol("kappa_1", real=True), sp.Symbol("delta", nonnegative=True), sp.Symbol("s", real=True)
    k2 = k1 + delta  # κ₁ ≤ κ₂
    # a rotation by the angle φ with tan(φ/2) = s, in rational form
    R = sp.Matrix([[1 - s**2, -2 * s], [2 * s, 1 - s**2]]) / (1 + s**2)
    He = R * sp.diag(k1, k2) * R.T
    u1 = R[:, 0]
    a, b = sp.symbols("a b", real=True)
    w = a * R[:, 0] + b * R[:, 1]
    rayleigh = (w.T * He * w)[0] / (w.T * w)[0]
    excess = b**2 * delta / (a**2 + b**2)
    steps = (
        Step(sp.Symbol("d/dt f(p + t v)"), first, "chain rule: the slope along v is vᵀ∇f",
             claim=DerivativeOf(f.subs(line), t)),
        Step(sp.Symbol("d²/dt² f(p + t v)"), second, "again: the curvature along v is vᵀHv", seed="004",
             claim=DerivativeOf(first, t)),
        Step(sp.Symbol("H v_1"), He * u1, "an eigenpair of H = R diag(κ₁, κ₂) Rᵀ (R a rotation)", seed="004",
             claim=Equals(k1 * u1)),
        Step(sp.Symbol("v_1^T H v_1"), (u1.T * He * u1)[0], "the curvature along a unit eigenvector is κ₁", seed="004",
             claim=Equals(k1)),
        Step(sp.Symbol("w^T H w / w^T w"), rayleigh, "the Rayleigh quotient of w = a v₁ + b v₂",
             claim=Equals((a**2 * k1 + b**2 * k2) / (a**2 + b**2))),
        Step(sp.Symbol("w^T H w / w^T w - kappa_1"), excess, "a weighted mean of the eigenvalues, above κ₁ = min κ",
             seed="004", claim=Equals(rayleigh - k1)),
        Step(sp.Symbol("w^T H w / w^T w - kappa_1"), excess, "nonnegative (κ₂ = κ₁ + δ, δ ≥ 0)",
             claim=Holds(excess >= 0)),
        Step(sp.Symbol("kappa_2 - w^T H w / w^T w"), a**2 * delta / (a**2 + b**2), "and below κ₂ = max κ",
             claim=Equals(k2 - rayleigh)),
    )
    return Derivation(
        "curvature.directional_curvature", "Curvature along a direction: vᵀHv, the Rayleigh quotient", steps,
        sp.Eq(sp.Symbol("kappa(v)"), sp.Symbol("v^T H v") / sp.Symbol("v^T v")),
        summary="The second derivative of f along the line p + tv is vᵀH(p + tv)v; normalized, vᵀHv/vᵀv is the "
                "Rayleigh quotient, a weighted mean of the eigenvalues, equal to κᵢ along the i-th unit "
                "eigenvector. Seed 004 says 'the max (min) eigenvalue = the max (min) second derivative along "
                "any of the eigenvectors'; more is true: it is the max (min) over ALL directions.",
        seeds=("004",),
        latex_names=((k1, r"\kappa_1"), (delta, r"\delta")),
    )


def gd_stability() -> Derivation:
    r"""Gradient descent along an eigen-direction of curvature κ is stable iff 0 < ε < 2/κ."""
    th, th0 = sp.Symbol("theta", real=True), sp.Symbol("theta_0", real=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    s = sp.Symbol("s", positive=True)  # the learning rate as a fraction of 2/κ
    f = _kappa * th**2 / 2
    update = th - _eps * sp.diff(f, th)
    factor = 1 - _eps * _kappa
    kneg = sp.Symbol("kappa_-", negative=True)
    steps = (
        Step(sp.Symbol("f(theta)"), f, "the quadratic model along a unit eigenvector with curvature κ", seed="004"),
        Step(sp.Symbol("theta_{k+1}"), update, "one gradient-descent step with learning rate ε"),
        Step(sp.Symbol("theta_{k+1}"), update, "a contraction by the factor 1 − εκ", claim=Equals(factor * th)),
        Step(sp.Symbol("theta_k"), factor**k * th0, "k steps from θ₀",
             claim=Equals(sp.Product(factor, (sp.Symbol("i", integer=True), 1, k)).doit() * th0)),
        Step(sp.Abs(factor), sp.Abs(1 - 2 * s), "stable iff |1 − εκ| < 1; write ε = s · 2/κ",
             claim=Equals(sp.Abs(factor).subs(_eps, 2 * s / _kappa))),
        Step(sp.Abs(1 - 2 * s), sp.Abs(1 - 2 * s), "below 1 exactly for 0 < s < 1, i.e. 0 < ε < 2/κ",
             claim=Holds(sp.Abs(1 - 2 * s) < 1)),
        Step(sp.Symbol("f(theta_1) - f(theta_0)"), sp.expand(f.subs(th, factor * th) - f),
             "the loss change of one step", claim=Equals(-_eps * _kappa**2 * th**2 * (1 - _eps * _kappa / 2))),
        Step(sp.Symbol("theta_{k+1}"), (1 - _eps * kneg) * th, "κ < 0: the factor exceeds 1, the component grows",
             seed="004", claim=Holds(1 - _eps * kneg > 1)),
    )
    return Derivation(
        "curvature.gd_stability", "Step-size bound from curvature: gradient descent is stable iff ε < 2/κ", steps,
        sp.Eq(sp.Symbol("epsilon_max"), 2 / _kappa),
        summary="On f = κθ²/2 a gradient step multiplies θ by 1 − εκ. For κ > 0 the iteration converges iff "
                "0 < ε < 2/κ (the loss falls iff ε < 2/κ; ε = 1/κ lands on the minimum in one step). For κ < 0 "
                "the factor exceeds 1: the component grows and descent accelerates away from a saddle, seed "
                "004's 'take a large step'. Seed 004's advice 'κ > 0: only take a small step' is this bound.",
        assumptions=("κ > 0 unless stated", "ε > 0"),
        notes=("Seed 000 calls a saddle point 'locally flat' and says SGD 'gets stuck' there. Only the gradient "
               "vanishes at a saddle (x² − y² has curvature ±2), and by the last step the component along a "
               "negative-curvature direction grows by the factor 1 − εκ > 1 per step: gradient descent is stuck "
               "only when started exactly on the saddle's stable manifold, and slow to leave when |κ| is small.",),
        domain=((s, (0.01, 0.99)), (kneg, (-2.5, -0.25))),
        seeds=("004", "000"),
        latex_names=_NAMES + ((th, r"\theta"), (th0, r"\theta_0"), (kneg, r"\kappa_-")),
    )


def condition_number_derivation() -> Derivation:
    r"""The best fixed step on a quadratic contracts by (c − 1)/(c + 1), c = κ_max/κ_min."""
    lo, hi = sp.Symbol("kappa_min", positive=True), sp.Symbol("kappa_max", positive=True)
    r = sp.Symbol("r", positive=True)  # the spread: κ_max = κ_min (1 + r)
    best = 2 / (lo + hi)
    c = sp.Symbol("c", positive=True)
    steps = (
        Step(c, hi / lo, "condition number: ratio of the largest to the smallest |eigenvalue|", seed="004"),
        Step(sp.Symbol("epsilon*"), best, "the step that balances the extreme factors |1 − εκ_min| = |1 − εκ_max|",
             claim=Equals(sp.solve(sp.Eq(1 - sp.Symbol("e") * lo, sp.Symbol("e") * hi - 1), sp.Symbol("e"))[0])),
        Step(sp.Symbol("rho"), 1 - best * lo, "the slowest contraction per step at ε*",
             claim=Equals((hi / lo - 1) / (hi / lo + 1))),
        Step(sp.Symbol("rho"), (c - 1) / (c + 1), "in terms of c: close to 1 when the problem is ill conditioned",
             seed="004", claim=Equals((1 - best * lo).subs(hi, c * lo))),
        Step(sp.Symbol("1 - best*lo (spread r)"), (1 - best * lo).subs(hi, lo * (1 + r)), "it grows with the spread",
             claim=Holds(sp.diff((1 - best * lo).subs(hi, lo * (1 + r)), r) > 0)),
    )
    return Derivation(
        "curvature.condition_number", "Condition number and the speed of gradient descent", steps,
        sp.Eq(sp.Symbol("rho"), (c - 1) / (c + 1)),
        summary="With one learning rate for all directions, the best gradient-descent rate on a quadratic is "
                "ε* = 2/(κ_min + κ_max) and the error shrinks per step by (c − 1)/(c + 1), c = κ_max/κ_min: "
                "seed 004's 'ill conditioning makes gradient descent difficult', quantified.",
        assumptions=("H positive definite",),
        seeds=("004",),
        latex_names=((lo, r"\kappa_{\min}"), (hi, r"\kappa_{\max}"), (sp.Symbol("epsilon*"), r"\varepsilon^*"),
                     (sp.Symbol("rho"), r"\rho")),
    )


def eigen_2x2() -> Derivation:
    r"""Closed-form eigenvalues of a symmetric 2x2 Hessian; they are real."""
    a, b, d = sp.symbols("a b d", real=True)
    H = sp.Matrix([[a, b], [b, d]])
    k = sp.Symbol("kappa", real=True)
    disc = sp.sqrt((a - d) ** 2 / 4 + b**2)
    kp, km = (a + d) / 2 + disc, (a + d) / 2 - disc
    steps = (
        Step(sp.Symbol("p(kappa)"), sp.expand((H - k * sp.eye(2)).det()), "characteristic polynomial det(H − κI)",
             claim=Equals(k**2 - (a + d) * k + a * d - b**2)),
        Step(sp.Symbol("kappa_pm"), sp.Matrix([km, kp]), "the quadratic formula"),
        Step(sp.Symbol("p(kappa_pm)"), sp.Matrix([(H - km * sp.eye(2)).det(), (H - kp * sp.eye(2)).det()]),
             "both are roots", claim=Equals(sp.zeros(2, 1))),
        Step(sp.Symbol("kappa_+ kappa_-"), sp.expand(kp * km), "product = det H", claim=Equals(H.det())),
        Step(sp.Symbol("(a-d)^2/4 + b^2"), (a - d) ** 2 / 4 + b**2, "the discriminant is a sum of squares: real eigenvalues",
             seed="004", claim=Holds((a - d) ** 2 / 4 + b**2 >= 0)),
        Step(sp.Symbol("H v"), H * sp.Matrix([b, kp - a]), "an eigenvector for κ₊ (b ≠ 0)",
             claim=Equals(kp * sp.Matrix([b, kp - a]))),
    )
    return Derivation(
        "curvature.eigen_2x2", "Eigenvalues of a symmetric 2x2 Hessian in closed form", steps,
        sp.Eq(sp.Symbol("kappa_pm"), (a + d) / 2 + sp.Symbol("pm") * disc),
        summary="κ± = (a + d)/2 ± √(((a − d)/2)² + b²): real because H is symmetric (seed 004), with product "
                "det H and sum tr H, hence the 2x2 second-derivative test: det H > 0 and a > 0 is a minimum, "
                "det H < 0 a saddle.",
        seeds=("004",),
        latex_names=((k, r"\kappa"),),
    )





RESULTS = {
    "curvature.mixed_partials": shown(mixed_partials, with_display_names),
    "curvature.taylor_model": shown(taylor_model, with_display_names),
    "curvature.directional_curvature": shown(directional_curvature_derivation, with_display_names),
    "curvature.gd_stability": shown(gd_stability, with_display_names),
    "curvature.condition_number": shown(condition_number_derivation, with_display_names),
    "curvature.eigen_2x2": shown(eigen_2x2, with_display_names),
}
