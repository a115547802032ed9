r"""First-order linear recurrences and geometric sums: the algebra of "for all t".

A recurrence :math:`x_n = a\,x_{n-1} + b(n)`, :math:`x_0 = 0`, has the unique
solution

.. math:: x_n = \sum_{k=1}^{n} a^{\,n-k}\, b(k) \qquad (n \ge 0),

by induction on n: the sum is empty at n = 0, and
:math:`a \sum_{k=1}^{n-1} a^{n-1-k} b(k) + b(n) = \sum_{k=1}^{n} a^{n-k} b(k)`.
So a :class:`LinearRecurrence` applied to a symbolic n may be replaced by that
sum (what :mod:`~derivations.checking.sums` does), and at an integer n it
expands itself (what a record's fixed sizes instantiate).

A geometric sum is summed in closed form with its one exceptional ratio kept
as a branch:

.. math:: \sum_{k=lo}^{hi} r^k = \begin{cases} hi - lo + 1 & r = 1 \\
          \dfrac{r^{lo} - r^{hi+1}}{1 - r} & r \ne 1. \end{cases}

Examples
========

>>> import sympy as sp
>>> a, n = sp.Symbol("a", positive=True), sp.Symbol("n", integer=True, positive=True)
>>> X = linear_recurrence("X", "x_{{{}}}", a, lambda k: sp.Integer(1))
>>> sp.expand(X(3))
a**2 + a + 1
>>> X(n).unrolled().function.subs(X(n).unrolled().variables[0], 1)
a**(n - 1)
>>> geometric_sum(a, 1, n)
Piecewise((n, Eq(a, 1)), ((a - a**(n + 1))/(1 - a), True))
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

__all__ = ["LinearRecurrence", "geometric_ratio", "geometric_sum", "linear_recurrence"]


class LinearRecurrence(sp.Function):
    r"""The solution of :math:`x_n = a\,x_{n-1} + b(n)`, :math:`x_0 = 0`, at ``n`` (expanded at integer n).

    Subclasses (made by :func:`linear_recurrence`) set ``decay`` (a) and ``inflow`` (b).

    Examples
    ========

    >>> import sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> S = linear_recurrence("S", "s_{{{}}}", sp.S.One, lambda k: k)
    >>> S(4), S(n).unrolled()
    (10, Sum(_k, (_k, 1, n)))
    """

    nargs = 1
    decay: sp.Basic = sp.S.One
    latex_template = "x_{{{}}}"

    @staticmethod
    def inflow(n: sp.Basic) -> sp.Basic:
        return sp.S.Zero

    @classmethod
    def eval(cls, n):
        if n.is_Integer:
            return sp.S.Zero if n <= 0 else cls.decay * cls(n - 1) + cls.inflow(n)
        return None

    def unrolled(self) -> sp.Sum:
        r""":math:`\sum_{k=1}^{n} a^{n-k} b(k)`, the closed form proved by induction (module docstring)."""
        (n,) = self.args
        k = sp.Symbol("_k", integer=True, positive=True)
        return sp.Sum(self.decay ** (n - k) * self.inflow(k), (k, 1, n))

    def _latex(self, printer):
        return self.latex_template.format(printer._print(self.args[0]))


def linear_recurrence(name: str, latex: str, decay: sp.Basic,
                      inflow: Callable[[sp.Basic], sp.Basic]) -> type[LinearRecurrence]:
    r"""A :class:`LinearRecurrence` :math:`x_n = \text{decay}\,x_{n-1} + \text{inflow}(n)` named ``name``.

    ``latex`` is a format string for the index (``"v_{{{}}}"`` renders :math:`v_{t}`).

    Examples
    ========

    >>> import sympy as sp
    >>> V = linear_recurrence("V", "v_{{{}}}", sp.Rational(1, 2), lambda k: sp.Integer(k))
    >>> V(2)
    5/2
    """
    return type(name, (LinearRecurrence,), {"decay": sp.sympify(decay), "inflow": staticmethod(inflow),
                                            "latex_template": latex})


def geometric_ratio(factors, index: sp.Symbol) -> tuple[sp.Basic, sp.Basic] | None:
    r"""``(c, r)`` with :math:`\prod f = c\, r^{index}` when every factor is :math:`b^{\pm index + d}`, one base b.

    The ratio r is ``b`` or ``1/b``; ``None`` when the product is not of that form.

    Examples
    ========

    >>> import sympy as sp
    >>> a, t, k = sp.Symbol("a"), sp.Symbol("t"), sp.Symbol("k")
    >>> geometric_ratio([a ** (t - k)], k)
    (a**t, 1/a)
    >>> geometric_ratio([a ** (k**2)], k) is None
    True
    """
    base, const, power = None, sp.S.One, sp.S.Zero
    for f in factors:
        b, e = f.as_base_exp()
        if index in b.free_symbols or (base is not None and b != base):
            return None
        poly = sp.Poly(sp.expand(e), index) if e.has(index) else None
        if poly is None or poly.degree() != 1 or poly.coeff_monomial(index) not in (1, -1):
            return None
        base, power = b, power + poly.coeff_monomial(index)
        const *= b ** poly.coeff_monomial(1)
    if base is None or power not in (1, -1):
        return None
    return const, base ** power


def geometric_sum(ratio: sp.Basic, lo, hi) -> sp.Piecewise:
    r""":math:`\sum_{k=lo}^{hi} r^k` in closed form, the case r = 1 as its own branch.

    ``ratio`` is ``b`` or ``1/b``; the branch condition is then ``b = 1``.
    """
    base = ratio.as_base_exp()[0]
    return sp.Piecewise((hi - lo + 1, sp.Eq(base, 1)), ((ratio**lo - ratio ** (hi + 1)) / (1 - ratio), True))
