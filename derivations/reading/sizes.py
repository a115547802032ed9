r"""Sizes of the work an expression asks for, estimated before any of it is done.

An expression that is short to type can stand for far more work than any
time bound allows.  Each estimate here is read off the expression tree in time
proportional to its size (a sum whose inner bounds depend on an outer index: at most
:data:`MAX_COUNT_STEPS` values of that index), never by doing the work:

* **nested sums** with numeric ranges: the product of the ranges
  (:math:`\sum_{i=1}^{1000}\sum_{j=1}^{1000}\sum_{k=1}^{1000}` is :math:`10^9` terms), or, when an
  inner bound is written in an outer index, the count value by value
  (:math:`\sum_{j=1}^{10}\sum_{i=1}^{j}` is 55 terms);
* **terms after expansion**: a sum of :math:`n` terms raised to the power :math:`k`
  has at most :math:`\binom{n+k-1}{k}` monomials (the multisets of size :math:`k`),
  a product multiplies the counts of its factors, a sum adds them;
* **degree of an exponent tower**: :math:`(p^{a})^{b}` has degree
  :math:`a \cdot b \cdot \deg p` (SymPy merges integer exponents, so
  ``((x+2)^1000)^1000`` is already ``(x+2)**1000000``);
* **a power of a symbolic matrix**: an entry of :math:`M^k` for an :math:`n \times n`
  matrix of symbols is a form of degree :math:`k` in its :math:`n^2` entries, so at most
  :math:`\binom{n^2+k-1}{k}` monomials.

:func:`check_sizes` refuses an expression over a limit with one
:class:`~derivations.errors.InputError` naming the limit and the fix;
:func:`derivations.reading.parsing.guarded` calls it on everything the readers
build, and :func:`derivations.reading.bounded.power` calls
:func:`matrix_power_terms` before a matrix power is computed.

Examples
========

>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> expanded_terms((x + y) ** 3), degree((x + 2) ** 1000)
(4, 1000)
>>> check_sizes(sp.Add(*sp.symbols("x1:13")) ** 12)
Traceback (most recent call last):
...
derivations.errors.InputError: the expression has at least 1,352,078 terms after expansion; the limit is 100,000: use a smaller exponent or fewer terms (curvature --at evaluates such an expression at one point numerically, without expanding it)
"""

from __future__ import annotations

import math

import sympy as sp

from derivations.errors import InputError

__all__ = ["MAX_EXPANDED_TERMS", "MAX_DEGREE", "EXPANSION_FIX", "sum_terms", "nested_sum_terms", "expanded_terms",
           "expansion_work", "degree", "matrix_power_terms", "check_expansion", "check_sizes"]

MAX_EXPANDED_TERMS = 100_000  # terms after expansion: nested sums, powers of sums, entries of matrix powers
MAX_DEGREE = 10_000  # polynomial degree (exponent x degree of the base, summed over a product)

_OVER = MAX_EXPANDED_TERMS + 1  # counts are capped here: past the limit the exact figure does not matter


def _capped(value: int) -> int:
    return min(value, _OVER)


def _multisets(n: int, k: int) -> int:
    r""":math:`\binom{n+k-1}{k}`, capped; the log-gamma figure decides first when it is far past the cap."""
    if math.lgamma(n + k) - math.lgamma(k + 1) - math.lgamma(n) > math.log(_OVER) + 1:
        return _OVER
    return _capped(math.comb(n + k - 1, k))


def _range_length(lower: sp.Basic, upper: sp.Basic) -> int | None:
    """Terms of one range with numeric bounds (0 when empty); ``None`` when a bound is symbolic."""
    span = sp.sympify(upper) - sp.sympify(lower)
    if not (span.is_number and span.is_finite and span.is_real):
        return None
    return max(0, int(sp.floor(span)) + 1)


MAX_COUNT_STEPS = 10_000  # values of outer indices visited to count a sum whose inner bounds depend on them


def _binds(expr: sp.Basic, index: sp.Symbol) -> bool:
    """Whether a ``Sum`` inside ``expr`` has a bound written in ``index`` (its count then depends on it)."""
    return any(index in b.free_symbols for s in expr.atoms(sp.Sum) for limit in s.limits for b in limit[1:])


def _level_terms(function: sp.Basic, limits: tuple, steps: list[int]) -> int:
    """Terms of ``Sum(function, *limits)`` written out (innermost limit first).

    Exact, except that counting value by value stops once past the limit: ``steps[1]`` is then set
    to 1 and the figure is a lower bound.  ``steps[0]`` counts the values visited.
    """
    if not limits:
        return _body_terms(function, steps)
    index, lower, upper = limits[-1]
    inner = limits[:-1]
    n = _range_length(lower, upper)
    if n is None:  # a symbolic range is not written out: one term, its index stays a symbol
        return _level_terms(function, inner, steps)
    in_function = _binds(function, index)
    if not (in_function or any(index in b.free_symbols for limit in inner for b in limit[1:])):
        return n * _level_terms(function, inner, steps) if n else 0
    total, first = 0, int(sp.ceiling(lower))
    for k in range(first, first + n):  # a bound written in the outer index: count value by value
        steps[0] += 1
        if steps[0] > MAX_COUNT_STEPS:
            raise InputError(f"the nested sums have inner bounds that depend on an outer index over more than "
                             f"{MAX_COUNT_STEPS:,} values; their terms cannot be counted before the work: "
                             "use smaller ranges or write an inner sum in closed form")
        at = {index: sp.Integer(k)}  # a bound binds no variable: xreplace is exact there
        bound = tuple((i, lo.xreplace(at), hi.xreplace(at)) for i, lo, hi in inner)
        total += _level_terms(function.subs(at) if in_function else function, bound, steps)
        if total > MAX_EXPANDED_TERMS:
            steps[1] = 1
            return total
    return total


def _body_terms(expr: sp.Basic, steps: list[int]) -> int:
    """Terms of the sums inside ``expr`` written out (1 when it has none): each sum counted, their counts added."""
    if isinstance(expr, sp.Sum):
        return _level_terms(expr.function, tuple(expr.limits), steps)
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return 1
    return max(1, sum(_body_terms(a, steps) for a in expr.args if a.has(sp.Sum)))


def sum_terms(s: sp.Sum) -> int:
    r"""The terms of the (nested) sum ``s`` written out, counted exactly up to just past the limit.

    Independent numeric ranges multiply; an inner bound written in an outer index is counted value by
    value (:math:`\sum_{j=1}^{10}\sum_{i=1}^{j}` has :math:`1 + 2 + \dots + 10 = 55` terms); a symbolic
    range is not written out and counts as one term.  Past :data:`MAX_EXPANDED_TERMS` the count
    by values stops, and the figure is a lower bound (still past the limit).

    >>> i, j, y = sp.symbols("i j y")
    >>> sum_terms(sp.Sum(sp.Sum(y * i, (i, 1, j)), (j, 1, 10))), sum_terms(sp.Sum(y * i, (i, 1, j), (j, 1, 10)))
    (55, 55)
    >>> sum_terms(sp.Sum(sp.Sum(y * i * j, (i, 1, 30)), (j, 1, 40))), sum_terms(sp.Sum(y, (i, 3, 1)))
    (1200, 0)
    """
    return _level_terms(s.function, tuple(s.limits), [0, 0])


def nested_sum_terms(expr: sp.Basic) -> int:
    """The most terms of any ``Sum`` inside another, written out (:func:`sum_terms`).

    A single sum is not counted (its own bound is the parser's ``max_terms``); ``1`` when no sum nests.

    >>> i, j, y = sp.symbols("i j y")
    >>> nested_sum_terms(sp.Sum(sp.Sum(y * i * j, (i, 1, 30)), (j, 1, 40)))
    1200
    >>> nested_sum_terms(sp.Sum(y * i * j, (i, 1, 30), (j, 1, 40))), nested_sum_terms(sp.Sum(y * i, (i, 1, 10**6)))
    (1200, 1)
    >>> nested_sum_terms(sp.Sum(sp.Sum(y * i, (i, 1, j)), (j, 1, 1000)))
    100128
    """
    worst = 1
    todo = [expr]
    while todo:
        e = todo.pop()
        if isinstance(e, sp.Sum):
            if len(e.limits) > 1 or e.function.has(sp.Sum):
                worst = max(worst, sum_terms(e))
        elif isinstance(e, sp.Basic) and e.has(sp.Sum):
            todo.extend(e.args)
    return worst


def expanded_terms(expr: sp.Basic) -> int:
    r"""An upper bound on the terms of ``expr`` expanded as a polynomial (capped just past the limit).

    Read off the tree: sums add, products multiply, :math:`p^k` (integer :math:`k \ge 2`) has at most
    :math:`\binom{t+k-1}{k}` terms for :math:`t` terms of :math:`p`; anything else is one term.  The
    smaller bound by degree also counts: a polynomial of degree :math:`d` in
    :math:`v` generators has at most :math:`\binom{v+d}{d}` monomials (so
    :math:`(x+1)^{1500}(x-1)^{1500}` has at most 3001 terms, not :math:`1501^2`).

    >>> x, y, z = sp.symbols("x y z")
    >>> expanded_terms((x + y + z) ** 4), expanded_terms((x + 1) * (y + 1) + sp.exp(x + y))
    (15, 5)
    >>> expanded_terms((x + 1) ** 1500 * (x - 1) ** 1500), expanded_terms((sp.sin(x) + x + 1) ** 100)
    (3001, 5151)
    """
    by_tree = _tree_terms(expr)
    if by_tree <= 1:
        return by_tree
    generators = _generators(expr)
    if len(generators) > MAX_EXPANDED_TERMS:
        return by_tree
    # a polynomial of degree d in v generators has at most C(v + d, d) monomials (the multisets of size d of v + 1)
    return min(by_tree, _multisets(len(generators) + 1, degree(expr)))


def expansion_work(expr: sp.Basic) -> int:
    r"""An estimate of the term products ``expand`` forms on ``expr`` (capped just past the limit).

    The bound read off the tree: a product multiplies the terms of its expanded factors before
    like terms merge, so :math:`(x+1)^{200}(x-1)^{200}` costs :math:`201^2` products although
    its expansion has 401 terms.

    >>> x = sp.Symbol("x")
    >>> expansion_work((x + 1) ** 200 * (x - 1) ** 200), expanded_terms((x + 1) ** 200 * (x - 1) ** 200)
    (40401, 401)
    """
    return _tree_terms(expr)


def _tree_terms(expr: sp.Basic) -> int:
    if isinstance(expr, sp.Add):
        return _capped(sum(_tree_terms(a) for a in expr.args))
    if isinstance(expr, sp.Mul):
        return _capped(math.prod(_tree_terms(a) for a in expr.args))
    if isinstance(expr, sp.Pow) and isinstance(expr.exp, sp.Integer) and expr.exp >= 2:
        t, k = _tree_terms(expr.base), int(expr.exp)
        if t <= 1:
            return 1
        if t > MAX_EXPANDED_TERMS:
            return _OVER
        return _multisets(t, k)
    return 1


def _generators(expr: sp.Basic) -> set:
    r"""The atoms of ``expr`` as a polynomial: what is not a number, a sum, a product or an integer power.

    ``(\sin x + x)^3`` has the two generators :math:`\sin x` and :math:`x`.
    """
    out: set = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, (sp.Add, sp.Mul)):
            stack.extend(e.args)
        elif isinstance(e, sp.Pow) and isinstance(e.exp, sp.Integer) and e.exp > 0:
            stack.append(e.base)
        elif isinstance(e, sp.Pow) and isinstance(e.exp, sp.Integer):
            out.add(("1/", e.base))  # x and 1/x are two generators: (x + 1 + 1/x)^k has 2k + 1 terms
        elif not e.is_number:
            out.add(e)
    return out


def degree(expr: sp.Basic) -> int:
    """An upper bound on the polynomial degree of ``expr`` (a non-polynomial part counts as degree 1).

    >>> x, y = sp.symbols("x y")
    >>> degree(((x + 2) ** 10) ** 10 * y ** 3), degree(sp.sin(x) ** 4 + 1)
    (103, 4)
    """
    if isinstance(expr, sp.Add):
        return max(degree(a) for a in expr.args)
    if isinstance(expr, sp.Mul):
        return sum(degree(a) for a in expr.args)
    if isinstance(expr, sp.Pow) and isinstance(expr.exp, sp.Integer):
        return abs(int(expr.exp)) * degree(expr.base)
    return 0 if expr.is_number else 1


def matrix_power_terms(matrix: sp.MatrixBase, exponent: int) -> int:
    r"""An upper bound on the terms of an entry of ``matrix ** exponent`` (capped just past the limit).

    For :math:`n \times n` entries with at most :math:`t` terms each, an entry of :math:`M^k` is a
    form of degree :math:`k` in at most :math:`n^2 t` monomials: :math:`\binom{n^2 t + k - 1}{k}` terms.
    A matrix of numbers is one term per entry.

    >>> a, b, c, d = sp.symbols("a b c d")
    >>> matrix_power_terms(sp.Matrix([[a, b], [c, d]]), 3), matrix_power_terms(sp.eye(10), 16)
    (20, 1)
    """
    k = abs(int(exponent))
    if k < 2 or all(e.is_number for e in matrix):
        return 1
    t = max(expanded_terms(e) for e in matrix)
    monomials = min(matrix.shape[0] * matrix.shape[1] * t, _OVER)
    return _multisets(monomials, k)


def _refuse_written_out(expr: sp.Basic) -> None:
    nested = nested_sum_terms(expr)
    if nested > MAX_EXPANDED_TERMS:
        raise InputError(f"nested sums write out to at least {nested:,} terms, over the limit of "
                         f"{MAX_EXPANDED_TERMS:,} terms: use smaller ranges or write an inner sum in closed form "
                         "(Sum(i, (i, 1, j)) is j*(j + 1)/2)")


#: what a refusal over an expansion limit suggests when the caller does not say
EXPANSION_FIX = ("use a smaller exponent or fewer terms (curvature --at evaluates such an expression at one point "
                 "numerically, without expanding it)")


def check_expansion(expr: sp.Basic, fix: str = EXPANSION_FIX) -> None:
    """Refuse ``expr`` when its degree or its terms after expansion are over :data:`MAX_DEGREE` or
    :data:`MAX_EXPANDED_TERMS`; the message names the limit and ``fix``.

    >>> x = sp.Symbol("x")
    >>> check_expansion((x + 2) ** 20000, fix="give --at")
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: the expression has degree 20,000 (exponent times degree); the limit is 10,000: give --at
    """
    d = degree(expr)
    if d > MAX_DEGREE:
        raise InputError(f"the expression has degree {d:,} (exponent times degree); the limit is {MAX_DEGREE:,}: "
                         f"{fix}")
    terms = expanded_terms(expr)
    if terms > MAX_EXPANDED_TERMS:
        shown = _exact_terms(sp.Add.make_args(expr))
        raise InputError(f"the expression has {shown} terms after expansion; the limit is {MAX_EXPANDED_TERMS:,}: "
                         f"{fix}")


def _exact_terms(summands) -> str:
    """The figure for the largest power of a sum among ``summands`` when that alone is over the limit."""
    worst = 0
    for p in summands:
        if (isinstance(p, sp.Pow) and isinstance(p.base, sp.Add) and isinstance(p.exp, sp.Integer)
                and len(p.base.args) <= MAX_EXPANDED_TERMS and 2 <= p.exp <= MAX_DEGREE):
            worst = max(worst, math.comb(len(p.base.args) + int(p.exp) - 1, int(p.exp)))
    return f"at least {worst:,}" if worst > MAX_EXPANDED_TERMS else f"more than {MAX_EXPANDED_TERMS:,}"


def check_sizes(value, expansion: bool = True) -> None:
    """Refuse ``value`` (an expression, a matrix, or a list or tuple of them) when an estimate is over its limit.

    Nested sums are always checked (writing them out is work every use does); the expansion
    limits (:func:`check_expansion`) only with ``expansion``: a caller that only evaluates the
    expression numerically passes ``False`` and checks before any symbolic work of its own.

    >>> i, j, k, y = sp.symbols("i j k y")
    >>> check_sizes(sp.Sum(sp.Sum(y * i * j, (i, 1, 1000)), (j, 1, 1000)))
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: nested sums write out to at least 1,000,000 terms, over the limit of 100,000 terms: use smaller ranges or write an inner sum in closed form (Sum(i, (i, 1, j)) is j*(j + 1)/2)
    >>> check_sizes(((sp.Symbol("x") + 2) ** 1000) ** 1000)
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: the expression has degree 1,000,000 (exponent times degree); the limit is 10,000: use a smaller exponent or fewer terms (curvature --at evaluates such an expression at one point numerically, without expanding it)
    >>> check_sizes(((sp.Symbol("x") + 2) ** 1000) ** 1000, expansion=False)
    """
    if isinstance(value, (list, tuple)):
        for v in value:
            check_sizes(v, expansion)
    elif isinstance(value, sp.MatrixBase):
        for e in value:
            check_sizes(e, expansion)
    elif isinstance(value, sp.Basic):
        _refuse_written_out(value)
        if expansion:
            check_expansion(value)
