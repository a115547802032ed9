r"""Instances of typed formulas for checking: matrices as matrices, functions as functions.

A formula with matrices or vectors is never compared as if they were numbers.
:func:`matrix_algebra_zero` asks SymPy's matrix algebra (``MatrixSymbol`` with
symbolic sizes) whether the difference vanishes for every size;
:func:`matrix_draws` gives instances with random rational matrices of random
compatible sizes (every size from 2 to 4, so that no product commutes by
accident of being 1x1), which the checker compares like any explicit
matrices.  :func:`function_draws` replaces each undefined function
(``f(x + h)``) by a random smooth function
:math:`f(u) = a_0 + \sum_i a_i u_i + \sum_{i \le j} b_{ij} u_i u_j + c\, e^{d \cdot u} + s \sin(w \cdot u + \varphi)`,
so that ``f(x + h)`` and ``f(x) + f(h)`` come apart; equal formulas stay equal for every function.

Examples
========

>>> import random
>>> from derivations.reading.shapes import infer_shapes, matrix
>>> A, B = matrix("A"), matrix("B")
>>> shapes = infer_shapes([A * B, B * A], same_shape=True)
>>> matrix_algebra_zero(A * B, B * A, shapes, 1.0)
False
>>> draw = matrix_draws(A * B, B * A, shapes, random.Random(0), 1)[0]
>>> draw.claimed == draw.expected, draw.sizes
(False, 'A: 3x3, B: 3x3')
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.deadline import TimeLimitExceeded, time_limit
from derivations.errors import InputError
from derivations.reading.shapes import ONE, Eye, MatrixName, Shapes, VectorName, realize, square

SIZES = (2, 3, 4)


@dataclass(frozen=True)
class Draw:
    """Both sides with their matrices (or functions) replaced by one random instance."""

    claimed: sp.Basic
    expected: sp.Basic
    sizes: str


def _names(exprs) -> list[sp.Symbol]:
    found = set()
    for e in exprs:
        found |= {s for s in sp.sympify(e).atoms(sp.Symbol) if isinstance(s, (MatrixName, VectorName))}
    return sorted(found, key=lambda s: s.name)


def _one_by_one(value):
    return value[0, 0] if isinstance(value, (sp.MatrixBase, sp.MatrixExpr)) and value.shape == (1, 1) else value


def _sized(c, e, eye):
    """Both sides as values: ``c I`` takes the size of the other side (``A A^{-1}``, read as 1, is ``I``)."""
    c, e = _one_by_one(c), _one_by_one(e)
    matrix_types = (sp.MatrixBase, sp.MatrixExpr)
    if c == 0 and isinstance(e, matrix_types):
        c = sp.zeros(*e.shape) if isinstance(e, sp.MatrixBase) else sp.ZeroMatrix(*e.shape)
    if e == 0 and isinstance(c, matrix_types):
        e = sp.zeros(*c.shape) if isinstance(c, sp.MatrixBase) else sp.ZeroMatrix(*c.shape)
    if isinstance(c, Eye) and isinstance(e, Eye):
        return c.coefficient, e.coefficient
    if isinstance(c, Eye):
        return (c.coefficient * eye(e.shape[0]) if isinstance(e, (sp.MatrixBase, sp.MatrixExpr)) else c.coefficient), e
    if isinstance(e, Eye):
        return c, (e.coefficient * eye(c.shape[0]) if isinstance(c, (sp.MatrixBase, sp.MatrixExpr)) else e.coefficient)
    return c, e


def matrix_algebra_zero(claimed, expected, shapes: Shapes, seconds: float) -> bool:
    """Does SymPy's matrix algebra reduce ``claimed - expected`` to zero for every size?"""
    dims = {c: sp.Symbol(f"n{i}", integer=True, positive=True) for i, c in enumerate(shapes.classes())}

    def size(d):
        r = shapes.find(d)
        return sp.S.One if r == ONE else dims[r]

    def leaf(s):
        shape = shapes.names[s.name]
        return sp.MatrixSymbol(s.name, size(shape.rows), size(shape.cols))

    try:
        with time_limit(max(seconds, 0.02)):
            c, e = _sized(realize(claimed, leaf, sp.Identity), realize(expected, leaf, sp.Identity), sp.Identity)
            diff = (c - e).doit()
            if diff == 0 or getattr(diff, "is_ZeroMatrix", False):
                return True
            return sp.expand(diff) == 0
    except TimeLimitExceeded:
        return False
    except Exception:  # noqa: BLE001 - matrix algebra failing to decide proves nothing
        return False


def matrix_draws(claimed, expected, shapes: Shapes, rng: random.Random, count: int,
                 symmetric=frozenset()) -> list[Draw]:
    """``count`` instances with random rational matrices of random compatible sizes (2 to 4).

    The matrices named in ``symmetric`` are square and drawn symmetric, :math:`(M + M^\top)/2`.
    """
    out = []
    names = _names([claimed, expected])
    for s in names:
        if s.name in symmetric:
            square(shapes, s.name)
    for _ in range(count):
        for _attempt in range(8):
            sizes = {c: rng.choice(SIZES) for c in shapes.classes()}
            values = {}
            for s in names:
                shape = shapes.names[s.name]
                rows, cols = (1 if shapes.find(d) == ONE else sizes[shapes.find(d)] for d in (shape.rows, shape.cols))
                values[s] = sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Rational(rng.randint(-9, 9),
                                                                                    rng.randint(1, 4)))
                if s.name in symmetric:
                    values[s] = sp.ImmutableMatrix((values[s] + values[s].T) / 2)
            try:
                c, e = _sized(realize(claimed, values.__getitem__, sp.eye),
                              realize(expected, values.__getitem__, sp.eye), sp.eye)
            except (ValueError, ZeroDivisionError):  # NonInvertibleMatrixError is a ValueError
                continue  # a singular draw: draw again
            shown = ", ".join(f"{s.name}: {values[s].rows}x{values[s].cols}" for s in names)
            out.append(Draw(sp.Matrix(c) if isinstance(c, sp.MatrixBase) else c,
                            sp.Matrix(e) if isinstance(e, sp.MatrixBase) else e, shown))
            break
        else:
            raise InputError("every random matrix drawn was singular: the formula inverts a singular matrix")
    return out


def undefined_functions(exprs) -> list:
    """The undefined functions applied in ``exprs`` (``f`` of ``f(x + h)``), by name."""
    found = {}
    for e in exprs:
        for a in sp.sympify(e).atoms(sp.core.function.AppliedUndef):
            found.setdefault(a.func.__name__, (a.func, len(a.args)))
    return [found[k] for k in sorted(found)]


def arguments_as_labels(exprs) -> dict:
    r"""Vectors and matrices that occur only as arguments of undefined functions, each to a number of its name.

    In :math:`\sum_i C(f(\mathbf{x}^{(i)}; \theta))` the samples only tell the applications apart: an identity
    holds for every function of every vector argument exactly when it holds for every function of a number in
    their place, and a counterexample with numbers is one with vectors (take a function of the first entry).
    Empty when a vector or matrix occurs anywhere else.

    >>> from derivations.reading.shapes import vector
    >>> f, x, t = sp.Function("f"), vector("x"), sp.Symbol("t")
    >>> i = sp.Symbol("i")
    >>> arguments_as_labels([f(x, t) + t]), arguments_as_labels([f(x) + x])
    ({x: x}, {})
    >>> arguments_as_labels([sp.Sum(f(vector("x[i]")), (i, 1, 3))])
    {x[i]: x[i]}
    >>> _[vector("x[i]")].indices
    (i,)
    """
    exprs = [sp.sympify(e) for e in exprs]
    typed = {s for e in exprs for s in e.free_symbols if isinstance(s, (MatrixName, VectorName))}
    if not typed:
        return {}
    for e in exprs:
        outside = e.xreplace({a: sp.Dummy() for a in e.atoms(sp.core.function.AppliedUndef)})
        if outside.free_symbols & typed or any(v in typed for d in e.atoms(sp.Derivative) for v, _ in d.variable_count):
            return {}
    names = {a.name: a for e in exprs for a in e.atoms(sp.Symbol)}  # the summation indices too
    labels = {}
    for s in typed:
        base, bracket, index = s.name.partition("[")
        if not bracket:  # a vector x: the number x
            labels[s] = sp.Symbol(s.name, real=True)
            continue
        index = index[:-1]  # the sample x[i] of the reader (derivations.reading.notation): the entry x[i]
        if index.isdigit():
            labels[s] = sp.IndexedBase(base, real=True)[int(index)]
        elif index in names and not isinstance(names[index], (MatrixName, VectorName)):
            labels[s] = sp.IndexedBase(base, real=True)[names[index]]
        else:
            return {}
    return labels


def function_stand_ins(claimed, expected) -> str:
    """What :func:`function_draws` puts in place of undefined functions, for a verdict's label.

    >>> import sympy as sp
    >>> f, x, i, m = sp.Function("f"), sp.Symbol("x"), sp.Symbol("i"), sp.Symbol("m")
    >>> function_stand_ins(f(x), f(x) + 1), function_stand_ins(sp.Sum(f(i), (i, 1, m)), 0)
    ('random smooth functions', 'random quadratic functions')
    """
    return "random quadratic functions" if _symbolic_sum(claimed, expected) else "random smooth functions"


def at_arguments(expr):
    """A derivative with respect to an applied function's value, ``Derivative(C(f(x), y), f(x))``, as the
    derivative in C's own argument taken at that value (a ``Subs``), so that ``f`` can be replaced by a body.

    >>> x, y = sp.symbols("x y")
    >>> C, f = sp.Function("C"), sp.Function("f")
    >>> at_arguments(sp.Derivative(C(f(x), y), f(x)))
    Subs(Derivative(C(_xi_1, y), _xi_1), _xi_1, f(x))
    """
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Derivative):
        return expr

    def rewrite(d):
        if not any(isinstance(v, AppliedUndef) for v, _n in d.variable_count):
            return d
        body, points = d.expr, []
        variables = []
        for k, (v, n) in enumerate(d.variable_count):
            if isinstance(v, AppliedUndef):
                xi = sp.Dummy(f"xi_{k + 1}")
                body = body.xreplace({v: xi})
                points.append((xi, v))
                variables.append((xi, n))
            else:
                variables.append((v, n))
        inner = sp.Derivative(body, *variables)
        return sp.Subs(inner, [p for p, _ in points], [v for _, v in points])

    return expr.replace(lambda e: isinstance(e, sp.Derivative), rewrite)


def function_draws(claimed, expected, rng: random.Random, count: int) -> list[Draw]:
    """``count`` instances with every undefined function replaced by a random smooth function."""
    functions = undefined_functions([claimed, expected])
    smooth = not _symbolic_sum(claimed, expected)
    out = []
    for _ in range(count):
        mapping, shown = {}, []
        for f, arity in functions:
            us = sp.symbols(f"u0:{arity}", real=True)
            body = _random_function(us, rng, smooth)
            mapping[f] = sp.Lambda(us, body)
            shown.append(f"{f.__name__}({', '.join(map(str, us))}) = a random quadratic"
                         + (" + exp + sin" if smooth else " (inside a sum to a symbolic size)"))
        c, e = at_arguments(claimed), at_arguments(expected)  # Derivative(C(f(x)), f(x)): C' at f(x)
        for f, lam in mapping.items():
            c, e = c.replace(f, lam), e.replace(f, lam)
        out.append(Draw(_derivatives_taken(c), _derivatives_taken(e), "; ".join(shown)))
    return out


def _derivatives_taken(expr):
    """Derivatives and substitutions evaluated; sums left as they are (a sum to a symbolic size is the
    engine's to instantiate, never summed in closed form here)."""
    return sp.sympify(expr).replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)), lambda e: e.doit())


def _symbolic_sum(*exprs) -> bool:
    """Some sum of ``exprs`` runs to a symbolic size (``\\sum_{i=1}^{m}``)."""
    return any(not all(b.is_number for _i, *bounds in s.limits for b in bounds)
               for e in exprs if isinstance(e, sp.Basic) for s in e.atoms(sp.Sum))


def _random_function(us, rng: random.Random, smooth: bool = True) -> sp.Basic:
    """A random quadratic in ``us``, plus a random exponential and sine when ``smooth`` (SymPy's summation
    of exponentials of indexed terms to a symbolic size does not finish, so a sum gets the quadratic)."""
    def r():
        return sp.Rational(rng.choice([-1, 1]) * rng.randint(1, 9), rng.randint(1, 5))

    body = r() + sum((r() * u for u in us), sp.S.Zero)
    body += sum((r() * us[i] * us[j] for i in range(len(us)) for j in range(i, len(us))), sp.S.Zero)
    if not smooth:
        return body
    body += r() * sp.exp(sum((r() * u for u in us), sp.S.Zero) / 4)
    body += r() * sp.sin(sum((r() * u for u in us), sp.S.Zero) + r())
    return body
