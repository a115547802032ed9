r"""Expressions built within size limits: numbers, powers, sums and derivatives that cannot blow up.

The readers (:mod:`derivations.reading.parsing`, :mod:`derivations.reading.latex`)
build every number, power, ``Sum`` and derivative through these functions, so a
hostile input (``10^{10^{10}}``, a sum of :math:`10^9` terms) is refused with one
:class:`~derivations.errors.InputError` before any work is done.

Examples
========

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> power(x, sp.Integer(2))
x**2
>>> power(sp.Integer(10), sp.Integer(10**6))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
derivations.errors.InputError: ...
"""

from __future__ import annotations

import math

import sympy as sp

from derivations.errors import InputError
from derivations.reading.sizes import MAX_DEGREE, MAX_EXPANDED_TERMS, matrix_power_terms

MAX_EXPONENT = MAX_DEGREE  # |numeric exponent|: more is over the degree limit for any base but a number
MAX_FACTORIAL = 1000  # n of n!
MAX_BITS = 70_000  # size of any exact number built while parsing (~21 000 digits)
MAX_TERMS = 1000  # terms of a sum with numeric bounds
MAX_ORDER = 10  # order of a derivative
MAX_MATRIX_POWER = 16  # |exponent| of a matrix power


def check_number(value: sp.Basic) -> sp.Basic:
    """Refuse exact numbers too large to compute with.

    >>> check_number(sp.Integer(10) ** 100) == 10**100
    True
    """
    if isinstance(value, sp.Rational) and max(abs(value.p).bit_length(), abs(value.q).bit_length()) > MAX_BITS:
        raise InputError(f"a number in the expression is too large (more than {MAX_BITS * 3 // 10} digits): "
                         "use a smaller number, or a symbol for it")
    return value


def power(base: sp.Basic, exponent: sp.Basic) -> sp.Basic:
    """``base**exponent`` with bounded exponents (``10**10**10`` is refused, not computed).

    >>> power(sp.Integer(2), sp.Integer(10)), power(sp.Symbol("x") + 1, sp.Integer(2000))
    (1024, (x + 1)**2000)
    >>> power(sp.Integer(10), sp.Integer(10**6))
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: exponent 1000000 is too large (the limit is 10000): use a smaller exponent, or a symbol for it
    """
    if exponent.is_number and exponent.is_real is not False:
        try:
            size = abs(float(exponent))
        except (TypeError, ValueError, OverflowError):
            size = math.inf
        if size > MAX_EXPONENT:
            shown = exponent if isinstance(exponent, sp.Integer) and size < 1e30 else "of this size"
            raise InputError(f"exponent {shown} is too large (the limit is {MAX_EXPONENT}): use a smaller exponent, "
                             f"or a symbol for it")
        if isinstance(base, sp.Rational) and base != 0:
            bits = max(abs(base.p).bit_length(), abs(base.q).bit_length())
            if bits * size > MAX_BITS:
                raise InputError(f"the power {base}**{exponent} is too large to compute (more than "
                                 f"{MAX_BITS * 3 // 10} digits): use a smaller base or exponent, or a symbol for it")
    elif not exponent.is_number and isinstance(base, sp.Rational) and max(
        abs(base.p).bit_length(), abs(base.q).bit_length()
    ) > 64:
        raise InputError("a power of a number of more than 64 bits with a symbolic exponent is not allowed: "
                         "use a smaller base, or a symbol for it")
    if isinstance(base, sp.MatrixBase):
        if not isinstance(exponent, sp.Integer) or abs(exponent) > MAX_MATRIX_POWER or max(base.shape) > 10:
            raise InputError(f"matrix powers are limited to integer exponents up to {MAX_MATRIX_POWER} "
                             "and matrices up to 10x10")
        terms = matrix_power_terms(base, int(exponent))
        if terms > MAX_EXPANDED_TERMS:
            raise InputError(f"an entry of this matrix power has more than {MAX_EXPANDED_TERMS:,} terms (the limit); "
                             "use a smaller exponent, a smaller matrix or numeric entries")
    return check_number(base**exponent)


def _bounded_int(value: sp.Basic, limit: int, what: str) -> int:
    if not isinstance(value, sp.Integer) or not 0 <= int(value) <= limit:
        raise InputError(f"{what} must be an integer from 0 to {limit}, got {value}")
    return int(value)


def bounded_sum(body: sp.Basic, index: sp.Basic, lower: sp.Basic, upper: sp.Basic, limit: int = MAX_TERMS) -> sp.Basic:
    """``Sum(body, (index, lower, upper))``, refusing numeric ranges of more than ``limit`` terms.

    >>> j, m = sp.symbols("j m")
    >>> bounded_sum(j, j, sp.Integer(1), m)
    Sum(j, (j, 1, m))
    """
    if not isinstance(index, sp.Symbol):
        raise InputError(f"the index of a sum must be a name, got {index}")
    span = upper - lower
    if span.is_number:
        if span.is_infinite:
            raise InputError("infinite sums are not supported")
        if span.is_real and span > limit:
            fix = ("give it a symbolic upper bound (Sum(f, (i, 1, m)) is checked for every m) or fewer terms"
                   if limit == MAX_TERMS else "use a smaller range")
            raise InputError(f"a sum of more than {limit:,} terms is not allowed: {fix}")
    return sp.Sum(body, (index, lower, upper))


def bounded_diff(expr: sp.Basic, *spec: sp.Basic) -> sp.Basic:
    """``diff(expr, x)``, ``diff(expr, x, n)`` or ``diff(expr, x, y)`` with order at most :data:`MAX_ORDER`.

    >>> x = sp.Symbol("x")
    >>> bounded_diff(x**3, x, sp.Integer(2))
    6*x
    """
    if not spec:
        raise InputError("diff() needs a variable: diff(f, x)")
    variables: list = []
    for item in spec:
        if isinstance(item, (sp.Symbol, sp.Indexed)):
            variables.append(item)
        elif isinstance(item, sp.Integer) and variables:
            n = _bounded_int(item, MAX_ORDER, "the order of a derivative")
            variables.extend([variables[-1]] * (n - 1))
        else:
            raise InputError(f"cannot differentiate with respect to {item}")
    if len(variables) > MAX_ORDER:
        raise InputError(f"derivatives of order above {MAX_ORDER} are not allowed")
    return sp.diff(expr, *variables)
