r"""Exact derivatives for the compile bridge: gradient, Hessian, and their sparse structure.

The Hessian is formed as the Jacobian of the gradient, and only where an entry
can be nonzero: a variable's partial derivative is taken only of the terms
that contain it, so a sum of local terms (chained Rosenbrock) costs time
proportional to its nonzeros, not to :math:`n^2`.

Examples
========

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> hessian(x**2 * y + y**3, [x, y])
Matrix([
[2*y,   2*x],
[2*x, 6*y]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy as sp

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

    Parameters
    ==========

    expr : the function :math:`f`, a SymPy (or SymEngine) expression.
    variables : the variables :math:`x_1, \dots, x_n`, in order.
    add, is_add : the expression library's ``Add`` and a test for a sum
        (defaults: SymPy's).

    Returns
    =======

    A :class:`SparseDerivatives` with ``values[k]`` =
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

    Parameters
    ==========

    expr : the function :math:`f`.
    variables : the variables, in the order of the gradient's entries.

    Returns
    =======

    An :math:`n \times 1` ``sympy.Matrix`` of :math:`\partial f/\partial x_i`.

    Examples
    ========

    >>> x, y = sp.symbols("x y")
    >>> gradient(x**2 * y + y, [x, y]).T
    Matrix([[2*x*y, x**2 + 1]])
    """
    return sp.Matrix(sparse_derivatives(sp.sympify(expr), variables).gradient)


def hessian(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    r"""The Hessian :math:`H_{ij} = \partial^2 f / \partial x_i \partial x_j` as the Jacobian of the gradient.

    Parameters
    ==========

    expr : the function :math:`f`.
    variables : the variables, in the order of the rows and columns.

    Returns
    =======

    A symmetric :math:`n \times n` ``sympy.Matrix`` (built sparsely, returned mutable).

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


# --------------------------------------------------------------------------- one term of an indexed sum


@dataclass(frozen=True)
class TermDerivatives:
    r"""Derivatives of one term :math:`t(s_1, \dots, s_k)` of an indexed sum, in its slot symbols.

    ``gradient[a]`` is :math:`\partial t/\partial s_a`; ``hessian`` lists
    :math:`(a, b, \partial^2 t/\partial s_a \partial s_b)` for :math:`a \le b` and
    nonzero entries; ``hvp[a]`` is :math:`\sum_b \partial^2 t/\partial s_a \partial s_b\, p_b`
    in the direction symbols ``directions``.
    """

    gradient: list
    hessian: list
    hvp: list
    directions: tuple


def term_derivatives(term, slots: Sequence) -> TermDerivatives:
    r"""Derive a term of :math:`\sum_i t(x_{a_1 i + b_1}, \dots)` once; the bridge places the result by index.

    The gradient of :math:`f = \sum_i t_i` is :math:`g_p = \sum_{(i, a):\, \mathrm{pos}_a(i) = p}
    \partial_a t(i)` and its Hessian :math:`H_{pq} = \sum_{(i, a, b):\, \mathrm{pos}_a(i) = p,\,
    \mathrm{pos}_b(i) = q} \partial_a \partial_b t(i)`: :math:`k` first and :math:`k(k+1)/2`
    second derivatives of one term, whatever the number of terms.

    Examples
    ========

    >>> u, v = sp.symbols("u v")
    >>> d = term_derivatives(100 * (v - u**2)**2 + (1 - u)**2, [u, v])
    >>> d.gradient
    [-400*u*(-u**2 + v) + 2*u - 2, -200*u**2 + 200*v]
    >>> [(a, b, sp.expand(h)) for a, b, h in d.hessian]
    [(0, 0, 1200*u**2 - 400*v + 2), (0, 1, -400*u), (1, 1, 200)]
    """
    slots = list(slots)
    grad = [sp.diff(term, s) for s in slots]
    directions = tuple(sp.Dummy(f"p_{k}", real=True) for k in range(len(slots)))
    second = [[None] * len(slots) for _ in slots]
    hessian = []
    for a, ga in enumerate(grad):
        for b in range(a, len(slots)):
            h = sp.diff(ga, slots[b]) if ga.has(slots[b]) else sp.S.Zero
            second[a][b] = second[b][a] = h
            if h != 0:
                hessian.append((a, b, h))
    hvp = [sp.Add(*[second[a][b] * directions[b] for b in range(len(slots))]) for a in range(len(slots))]
    return TermDerivatives(grad, hessian, hvp, directions)


# --------------------------------------------------------------------------- reference values at a point


@dataclass(frozen=True)
class ReferenceValues:
    """:math:`f`, :math:`\\nabla f` and (for few variables) :math:`\\nabla^2 f` at a point, at ``digits`` digits."""

    digits: int
    value: sp.Float
    gradient: tuple[sp.Float, ...]
    hessian: tuple[tuple[sp.Float, ...], ...] | None  # None above ``hessian_up_to`` variables


def reference_values(expr: sp.Expr, variables: Sequence[sp.Symbol], point: dict, digits: int = 30,
                     hessian_up_to: int = 20) -> ReferenceValues:
    r"""The derivatives of ``expr`` as written (never expanded) at ``point``, in ``digits``-digit floating point.

    The point's numbers go into the floating-point evaluation (``evalf(subs=...)``): a power of
    degree :math:`10^9` costs a few multiplications of ``digits``-digit numbers, never the
    :math:`10^9`-fold product an exact substitution would compute.  The exponent range is
    mpmath's (unbounded), so a value beyond double precision is still a number here.  A
    ``ValueError`` when an entry is not a finite real number there (``DiracDelta(0)``, the
    derivative of a step at its jump).

    >>> x = sp.Symbol("x", real=True)
    >>> r = reference_values((x + 2) ** 10**9, [x], {x: sp.Integer(-1)})
    >>> r.value, r.gradient, int(r.hessian[0][0]) == 10**9 * (10**9 - 1)
    (1.00000000000000000000000000000, (1000000000.00000000000000000000,), True)
    >>> reference_values((x + 2) ** 10**9, [x], {x: sp.Integer(1)}).value  # 3^(10^9) = 10^(10^9 log10 3)
    5.24399703295528826356066958947e+477121254
    """
    def at(e):
        deltas = {}
        # DiracDelta is 0 away from its root; at the root the derivative does not exist
        for d in sorted(e.atoms(sp.DiracDelta), key=sp.default_sort_key):
            if sp.Abs(d.args[0].evalf(digits, subs=point)) < sp.Float(10) ** (2 - digits):
                raise ValueError(f"{d} at its root: a jump or a kink has no derivative there")
            deltas[d] = sp.Integer(0)
        value = (e.xreplace(deltas) if deltas else e).evalf(digits, subs=point)
        if not (value.is_number and value.is_finite and value.is_real):
            raise ValueError(f"the value {value} is not a finite real number")
        return sp.Float(value, digits)

    grad = [sp.diff(expr, v) for v in variables]
    hess = None
    if len(variables) <= hessian_up_to:
        hess = tuple(tuple(at(sp.diff(g, w)) for w in variables) for g in grad)
    return ReferenceValues(digits, at(expr), tuple(at(g) for g in grad), hess)
