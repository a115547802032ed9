r"""Indexed sums over vector variables: ``Sum(f(x[i], x[i+1]), (i, 0, n-2))`` as one term and its index range.

A function typed as

.. math:: f(x) = r(x) + \sum_{s} c_s \sum_{i=l_s}^{u_s} t_s(i, x_{a_1 i + b_1}, \dots, x_{a_k i + b_k})

is read into an :class:`IndexedFunction`: the terms :math:`t_s` stay single
expressions in *slot* symbols (one per entry :math:`x_{a i + b}`), the bounds
become integers (``n`` is replaced by ``--n``), and every vector ``x`` used
with an index becomes the variables ``x0, x1, …`` (from its least to its
largest index; from 0 to :math:`n-1` when ``n`` is given).  Nothing is
expanded and no text is built: :mod:`derivations.calculus` derives each
:math:`t_s` once and the compile bridge places its derivatives by index.
A scalar symbol inside a term is a slot with step :math:`a = 0` (the same
variable for every :math:`i`).  Whatever is not such a sum (the remainder
:math:`r`) is expanded term by term.

Examples
========

>>> import sympy as sp
>>> from derivations.reading.parsing import parse_expression
>>> f = read_indexed(parse_expression("Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))"), n=4)
>>> f.n, [v.name for v in f.variables], (f.sums[0].lower, f.sums[0].upper)
(4, ['x0', 'x1', 'x2', 'x3'], (0, 2))
>>> [(s.symbol.name, s.first, s.step) for s in f.sums[0].slots]
[('x_0', 1, 1), ('x_1', 0, 1)]
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derivations.errors import InputError
from derivations.reading.sizes import MAX_EXPANDED_TERMS, sum_terms

__all__ = ["MAX_N", "Slot", "TermSum", "IndexedFunction", "is_indexed", "read_indexed", "pattern_point"]

MAX_N = 1_000_000  # variables and terms of an indexed sum: arrays of this length fit in memory many times over
MAX_EXPANDED = 20_000  # terms of a sum that is expanded (one not of the form c * Sum(term) at the top level)


@dataclass(frozen=True)
class Slot:
    """An entry of the term: variable number ``first + step * (i - lower)`` at index ``i`` (``step`` 0: one variable)."""

    symbol: sp.Symbol
    first: int
    step: int


@dataclass(frozen=True)
class TermSum:
    r""":math:`\sum_{i=\text{lower}}^{\text{upper}} \text{term}(i, \text{slots})`, the term written once."""

    term: sp.Expr
    index: sp.Symbol
    slots: tuple[Slot, ...]
    lower: int
    upper: int

    @property
    def count(self) -> int:
        return max(0, self.upper - self.lower + 1)

    def expand(self, variables) -> sp.Expr:
        """The sum written out in ``variables`` (for small sizes and checks)."""
        return sp.Add(*[self.term.xreplace({self.index: sp.Integer(i), **{
            s.symbol: variables[s.first + s.step * (i - self.lower)] for s in self.slots}})
            for i in range(self.lower, self.upper + 1)])


@dataclass(frozen=True)
class IndexedFunction:
    """``rest + sum(sums)`` over ``variables`` (plain symbols by name, then each vector by index)."""

    source: sp.Expr
    rest: sp.Expr
    sums: tuple[TermSum, ...]
    variables: tuple[sp.Symbol, ...]
    vectors: tuple[tuple[str, int, int], ...]  # (name, position of its first entry, number of entries)

    @property
    def n(self) -> int:
        return len(self.variables)

    def expand(self) -> sp.Expr:
        """The whole function written out in :attr:`variables`."""
        return self.rest + sp.Add(*[s.expand(self.variables) for s in self.sums])


def is_indexed(expr: sp.Basic) -> bool:
    """Whether ``expr`` has a sum or an indexed entry (and is read by :func:`read_indexed`).

    >>> from derivations.reading.parsing import parse_expression
    >>> is_indexed(parse_expression("x[0] + y")), is_indexed(parse_expression("x + y"))
    (True, False)
    """
    return expr.has(sp.Sum, sp.Indexed)


def _bound(value, what: str, n: int | None, size: str = "n") -> int:
    """An integer bound; otherwise an :class:`InputError` naming the fix for what the bound is written in."""
    if isinstance(value, sp.Integer):
        return int(value)
    names = sorted(s.name for s in sp.sympify(value).free_symbols)
    if not names:
        raise InputError(f"the {what} bound {value} of an indexed sum is not an integer: bounds count terms, "
                         "write an integer")
    if n is None and names == [size]:
        hint = f" (give --{size} N: the bound is written in {size})"
    else:
        after = f" after --{size} {n}" if n is not None else ""
        hint = (f"{after}: a bound is an integer, an expression in {size} (with --{size} N) or in the index of an "
                f"outer sum, not in {', '.join(names) or 'this form'}")
    raise InputError(f"the {what} bound {value} of an indexed sum is not a number{hint}")


def _affine(index_expr, i: sp.Symbol, where) -> tuple[int, int]:
    """``a, b`` with index ``= a i + b``, integers, ``a >= 0``."""
    poly = sp.Poly(index_expr, i) if index_expr.has(i) else None
    if poly is None:
        if isinstance(index_expr, sp.Integer):
            return 0, int(index_expr)
    elif poly.degree() == 1 and all(isinstance(c, sp.Integer) for c in poly.all_coeffs()):
        a, b = map(int, poly.all_coeffs())
        if a > 0:
            return a, b
    raise InputError(f"the index {index_expr} of {where} must be a*{i} + b with integers a >= 1 and b")


def read_indexed(expr: sp.Expr, n: int | None = None, size: str = "n") -> IndexedFunction:
    r"""The indexed sums of ``expr`` with their bounds as integers; ``n`` replaces the symbol ``size``.

    Parameters
    ==========

    expr : a parsed scalar expression (``parse_expression(text, max_terms=MAX_N)``)
    n : the value of the size symbol (``--n``), at most :data:`MAX_N`; every vector then has ``n`` entries
    size : the name of the size symbol

    Returns
    =======

    :class:`IndexedFunction`

    Examples
    ========

    >>> from derivations.reading.parsing import parse_expression
    >>> f = read_indexed(parse_expression("a*Sum((x[i]-a)^2, (i, 1, 3)) + x[0]"))
    >>> [v.name for v in f.variables], f.rest, f.expand()
    (['a', 'x0', 'x1', 'x2', 'x3'], x0, a*(-a + x1)**2 + a*(-a + x2)**2 + a*(-a + x3)**2 + x0)
    >>> read_indexed(parse_expression("Sum(x[i]^2, (i, 0, m))"), n=3)
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: the upper bound m of an indexed sum is not a number after --n 3: a bound is an integer, an expression in n (with --n N) or in the index of an outer sum, not in m
    """
    if n is not None:
        if not 1 <= n <= MAX_N:
            raise InputError(f"--n must be from 1 to {MAX_N:,} (the limit of variables), got {n}")
        expr = expr.xreplace({s: sp.Integer(n) for s in expr.free_symbols if s.name == size})
    pending: list[tuple[sp.Expr, sp.Sum]] = []
    rest_terms = []
    for term in sp.Add.make_args(expr):
        coeff, body = term.as_independent(sp.Sum, as_Add=False)
        if (isinstance(body, sp.Sum) and len(body.limits) == 1 and not body.function.has(sp.Sum)
                and not coeff.has(sp.Indexed)):
            pending.append((coeff, body))
        else:
            rest_terms.append(term)
    # indices used: entries named by number, and the ranges of the sums
    used: dict[str, list[int]] = {}
    sums = []
    for coeff, s in pending:
        i, lo, hi = s.limits[0]
        lo, hi = _bound(lo, "lower", n, size), _bound(hi, "upper", n, size)
        if hi - lo + 1 > MAX_N:
            raise InputError(f"an indexed sum of {hi - lo + 1:,} terms exceeds the limit of {MAX_N:,}: "
                             "use a smaller range or --n")
        entries = sorted(s.function.atoms(sp.Indexed), key=sp.default_sort_key)
        slots = []
        for e in entries:
            if len(e.indices) != 1:
                raise InputError(f"{e}: only vectors (one index) are supported in indexed sums")
            a, b = _affine(e.indices[0], i, e)
            slots.append((e, e.base.name, a, b))
            if hi >= lo:
                used.setdefault(e.base.name, []).extend([a * lo + b, a * hi + b])
        sums.append((coeff, s, i, lo, hi, slots))
    rest = sp.Add(*rest_terms)
    rest = _expand_sums(rest, n, size)
    for e in rest.atoms(sp.Indexed):
        if len(e.indices) != 1 or not isinstance(e.indices[0], sp.Integer):
            raise InputError(f"{e} is outside an indexed sum over its index (or has more than one index)")
        used.setdefault(e.base.name, []).append(int(e.indices[0]))
    vectors, position = [], {}
    plain = _plain_symbols(rest)
    for coeff, s, i, *_ in sums:
        plain |= _plain_symbols(coeff * s.function) - {i}
    plain = sorted(plain, key=lambda v: v.name)
    for k, s in enumerate(plain):
        position[s] = k
    variables = list(plain)
    for name in sorted(used):
        low, high = min(used[name]), max(used[name])
        if n is not None:
            if low < 0 or high > n - 1:
                bad = low if low < 0 else high
                raise InputError(f"{name}[{bad}] is outside {name}0 … {name}{n - 1} (--n {n})")
            low, high = 0, n - 1
        elif low < 0:
            raise InputError(f"{name}[{low}]: indices start at 0")
        if high - low + 1 > MAX_N:
            raise InputError(f"the vector {name} has {high - low + 1:,} entries; the limit is {MAX_N:,}: "
                             "use smaller indices or --n")
        names = {v.name for v in plain}
        if any(f"{name}{k}" in names for k in (low, high)):
            raise InputError(f"the name {name}{low} is both a symbol and an entry of the vector {name}")
        vectors.append((name, len(variables) - low, high - low + 1))
        variables += [sp.Symbol(f"{name}{k}", real=True) for k in range(low, high + 1)]
    start = {name: first for name, first, _ in vectors}
    term_sums = []
    for coeff, s, i, lo, hi, slots in sums:
        term, made = coeff * s.function, []
        for k, (e, name, a, b) in enumerate(slots):
            sym = sp.Dummy(f"{name}_{k}", real=True)
            term = term.xreplace({e: sym})
            made.append(Slot(sym, start[name] + a * lo + b, a))
        for p in sorted(term.free_symbols & set(plain), key=lambda v: v.name):
            sym = sp.Dummy(p.name, real=True)
            term = term.xreplace({p: sym})
            made.append(Slot(sym, position[p], 0))
        term_sums.append(TermSum(term, i, tuple(made), lo, hi))
    mapping = {e: variables[start[e.base.name] + int(e.indices[0])] for e in rest.atoms(sp.Indexed)}
    return IndexedFunction(expr, rest.xreplace(mapping), tuple(term_sums), tuple(variables), tuple(vectors))


def _plain_symbols(expr: sp.Expr) -> set:
    """The symbols of ``expr`` that are not vectors (nor indices of its entries)."""
    stand_in = {e: sp.Dummy() for e in expr.atoms(sp.Indexed)}
    return expr.xreplace(stand_in).free_symbols - set(stand_in.values())


def _outermost_sums(expr: sp.Basic) -> list[sp.Sum]:
    found, todo = [], [expr]
    while todo:
        e = todo.pop()
        if isinstance(e, sp.Sum):
            found.append(e)
        elif isinstance(e, sp.Basic) and e.has(sp.Sum):
            todo.extend(e.args)
    return found


def _at(body: sp.Basic, index: sp.Symbol, value: int) -> sp.Basic:
    """``body`` with ``index = value``; an inner sum that binds the same name keeps its own (``subs`` knows)."""
    inner_binds = any(index in (limit[0] for limit in s.limits) for s in body.atoms(sp.Sum))
    return body.subs(index, value) if inner_binds else body.xreplace({index: sp.Integer(value)})


def _expand_sums(expr: sp.Expr, n: int | None, size: str = "n") -> sp.Expr:
    r"""Every ``Sum`` of ``expr`` written out term by term, the outermost range first.

    An inner bound may be written in an outer index (:math:`\sum_{j=1}^{10}\sum_{i=1}^{j}`):
    the outer index is a number by the time the inner sum is written out.  The terms
    (:func:`~derivations.reading.sizes.sum_terms`, times the widest summand) are counted first
    and refused over :data:`MAX_EXPANDED`.

    >>> from derivations.reading.parsing import parse_expression
    >>> _expand_sums(parse_expression("y*Sum(Sum(i, (i, 1, j)), (j, 1, 3)) + 1"), None)
    10*y + 1
    """
    sums = _outermost_sums(expr)
    if not sums:
        return expr
    width = max(len(sp.Add.make_args(s.function)) for s in expr.atoms(sp.Sum))
    count = sum(sum_terms(s) for s in sums) * width
    if count > MAX_EXPANDED:
        raise InputError(f"a sum of {'at least ' if count > MAX_EXPANDED_TERMS else ''}{count:,} terms inside another "
                         f"expression exceeds the limit of {MAX_EXPANDED:,}: use smaller ranges, write an inner sum in "
                         "closed form, or make it a top-level term c*Sum(term, (i, lo, hi)) (no such limit)")

    def write_out(e: sp.Basic) -> sp.Basic:
        if isinstance(e, sp.Sum):
            *inner, (i, lo, hi) = e.limits
            lo, hi = _bound(lo, "lower", n, size), _bound(hi, "upper", n, size)
            body = sp.Sum(e.function, *inner) if inner else e.function
            return sp.Add(*[write_out(_at(body, i, k)) for k in range(lo, hi + 1)])
        if not isinstance(e, sp.Basic) or not e.has(sp.Sum):
            return e
        return e.func(*[write_out(a) for a in e.args])

    return write_out(expr)


def pattern_point(values, n: int, what: str) -> tuple[float, ...]:
    """A point of ``n`` coordinates from a pattern of ``k`` values repeated ``n / k`` times (``k`` divides ``n``).

    Examples
    ========

    >>> pattern_point([-1.2, 1.0], 4, "--x0")
    (-1.2, 1.0, -1.2, 1.0)
    >>> pattern_point([1.0, 2.0, 3.0], 4, "--x0")
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --x0: a pattern of 3 value(s) does not fit 4 variables (3 must divide 4)
    """
    values = tuple(float(v) for v in values)
    if not values or n % len(values):
        raise InputError(f"{what}: a pattern of {len(values)} value(s) does not fit {n} variables "
                         f"({len(values)} must divide {n})")
    return values * (n // len(values))
