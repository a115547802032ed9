r"""Expectations of polynomials in independent random variables, from their moments.

For independent random variables :math:`X_1,\dots,X_n` and a polynomial
:math:`P`, linearity and independence give

.. math::

    \mathbb{E}\Big[\sum_t c_t \prod_i X_i^{k_{t,i}}\Big] = \sum_t c_t \prod_i \mathbb{E}[X_i^{k_{t,i}}],

so the expectation needs only the raw moments of each variable, which
:func:`sympy.stats.moment` computes from the distribution (an integral against
its density).  The random variables appear in expressions as plain symbols, so
the expressions stay ordinary SymPy expressions that the derivation records
can probe; :func:`expect` maps each symbol to its distribution.  This is much
faster than :func:`sympy.stats.E` on a sum of products of several normals.

Examples
========

>>> import sympy as sp
>>> from sympy.stats import Normal, Bernoulli
>>> w, x = sp.symbols("w x", real=True)
>>> s, g = sp.symbols("sigma gamma", positive=True)
>>> mu = sp.Symbol("mu", real=True)
>>> sp.factor(variance((w * x), {w: Normal("W", 0, s), x: Normal("X", mu, g)}))
sigma**2*(gamma**2 + mu**2)
>>> p = sp.Symbol("p", positive=True)
>>> expect(x / (1 - p), {x: Bernoulli("M", 1 - p)})
1
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp
from sympy.stats import moment

__all__ = ["Expectation", "expect", "variance", "covariance"]


class Expectation(sp.Expr):
    r"""An unevaluated :math:`\mathbb{E}[P]` over independent variables: :func:`expect` runs on ``doit()``.

    A derivation states its reference as an ``Expectation`` so that the
    verifier, not the record's constructor, computes the moments.

    Examples
    ========

    >>> import sympy as sp
    >>> from sympy.stats import Normal
    >>> x, s = sp.Symbol("x", real=True), sp.Symbol("s", positive=True)
    >>> e = Expectation(x**2, {x: Normal("X", 0, s)})
    >>> e == s**2, e.doit()
    (False, s**2)
    """

    def __new__(cls, expr, distributions):
        pairs = distributions if isinstance(distributions, sp.Tuple) else sp.Tuple(
            *(sp.Tuple(k, rv) for k, rv in distributions.items()))
        return sp.Expr.__new__(cls, sp.sympify(expr), pairs)

    @property
    def free_symbols(self):
        return self.args[0].free_symbols

    def doit(self, **hints):
        return expect(self.args[0].doit(**hints), {k: rv for k, rv in self.args[1]})

    def _eval_subs(self, old, new):
        return Expectation(self.args[0].subs(old, new), {k: rv for k, rv in self.args[1]})


def expect(expr: sp.Basic, distributions: Mapping[sp.Symbol, sp.Basic]) -> sp.Basic:
    r"""The expectation of ``expr``, polynomial in the independent variables ``distributions`` names.

    ``distributions`` maps a plain symbol to a SymPy random variable (its
    distribution); the symbols are independent.  Coefficients may be any
    expressions in other (deterministic) symbols.
    """
    symbols = list(distributions)
    poly = sp.Poly(sp.expand(expr), *symbols)
    cache: dict[tuple[sp.Basic, int], sp.Basic] = {}

    def raw(sym: sp.Symbol, k: int) -> sp.Basic:
        if k == 0:
            return sp.S.One
        rv = distributions[sym]
        key = (getattr(getattr(rv, "pspace", None), "distribution", rv), k)  # identically distributed share moments
        if key not in cache:
            cache[key] = sp.simplify(moment(rv, k))
        return cache[key]

    total = sp.S.Zero
    for powers, coeff in poly.terms():
        term = coeff
        for sym, k in zip(symbols, powers):
            term *= raw(sym, k)
        total += term
    return sp.expand(total)


def variance(expr: sp.Basic, distributions: Mapping[sp.Symbol, sp.Basic], evaluate: bool = True) -> sp.Basic:
    r""":math:`\operatorname{Var}[P] = \mathbb{E}[P^2] - \mathbb{E}[P]^2` for a polynomial ``P`` (unevaluated: ``evaluate=False``)."""
    if not evaluate:
        return Expectation(expr**2, distributions) - Expectation(expr, distributions) ** 2
    return sp.expand(expect(expr**2, distributions) - expect(expr, distributions) ** 2)


def covariance(a: sp.Basic, b: sp.Basic, distributions: Mapping[sp.Symbol, sp.Basic],
               evaluate: bool = True) -> sp.Basic:
    r""":math:`\operatorname{Cov}[A, B] = \mathbb{E}[AB] - \mathbb{E}[A]\,\mathbb{E}[B]` (unevaluated: ``evaluate=False``)."""
    if not evaluate:
        return Expectation(a * b, distributions) - Expectation(a, distributions) * Expectation(b, distributions)
    return sp.expand(expect(a * b, distributions) - expect(a, distributions) * expect(b, distributions))
