r"""Critical points of a function and the second-derivative test: classification, eigenpairs, step guidance.

Seed 004 reads the Hessian's eigenpairs :math:`H v_i = \kappa_i v_i` as the
curvature along :math:`v_i` and the condition number
:math:`\max|\kappa|/\min|\kappa|` as how hard a problem is for gradient
descent.  Critical points come from a lex Gröbner basis for polynomial
gradients (which also certifies that none is missed) and from
``sympy.solve`` under a time limit otherwise.  The numeric side
(``numpy.linalg.eigh``, multi-start search) is :mod:`numerics.analysis.curvature`.

Examples
========

>>> import sympy as sp
>>> from derivations.calculus import hessian
>>> x, y = sp.symbols("x y", real=True)
>>> search = critical_points(x**3 - 3*x + y**2, [x, y])
>>> search.complete, [(p.coordinates, p.kind.value) for p in search.points]
(True, [((-1, 0), 'saddle'), ((1, 0), 'minimum')])
>>> [e.value for e in eigenpairs(hessian(x**3 - 3*x + y**2, [x, y]).subs({x: 1, y: 0}))]
[2, 6]
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Sequence

import sympy as sp

from derivations.calculus import gradient, hessian
from derivations.deadline import TimeLimitExceeded, time_limit

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
        raise ValueError("closed-form eigenpairs only for 1x1, 2x2 and 3x3 (use numerics.analysis.curvature for larger)")
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
