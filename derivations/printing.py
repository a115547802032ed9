r"""LaTeX as a lecturer writes it: SymPy's printer with the seeds' symbols and reading order.

:class:`ReadablePrinter` differs from SymPy's ``LatexPrinter`` in three ways, each a
reading habit of the seed notes:

* a sum lists its positive terms first, so a difference reads :math:`x - \mu`, not
  :math:`-\mu + x`;
* a quotient whose numerator holds a fraction (a display name such as
  :math:`\frac{\partial \ell}{\partial \hat{x}}`, or a sum of them) is written as a product,
  :math:`\frac{1}{\sqrt{\sigma^2 + \varepsilon}} \frac{\partial \ell}{\partial \hat{x}}` or
  :math:`\frac{\gamma}{m \sigma} \left(m g - \sum_k g_k\right)`, instead of a fraction inside a fraction;
* a power of something that already carries a superscript is bracketed,
  :math:`\left(x^{(k)}\right)^{2}`, since :math:`x^{(k)}^{2}` is not valid LaTeX;

and it prints a derivation's display names (``latex_names``: :math:`\sigma^2`,
:math:`\hat{x}^{(j)}`, :math:`\partial \ell / \partial y^{(j)}`) for its symbols and indexed bases.
The output is plain LaTeX that GitHub's math, MathJax, KaTeX and latex2mathml all read.

Examples
========

>>> import sympy as sp
>>> x, mu, eps = sp.symbols("x mu epsilon", positive=True)
>>> latex_of(x - mu)
'x - \\mu'
>>> g = sp.Symbol("g")
>>> names = {g: r"\frac{\partial \ell}{\partial \hat{x}}", eps: r"\varepsilon"}
>>> ReadablePrinter(names).doprint(g / sp.sqrt(eps + mu))
'\\frac{1}{\\sqrt{\\varepsilon + \\mu}} \\frac{\\partial \\ell}{\\partial \\hat{x}}'
>>> ReadablePrinter(names).doprint(mu * (g + 1) / (2 * x))
'\\frac{\\mu}{2 x} \\left(\\frac{\\partial \\ell}{\\partial \\hat{x}} + 1\\right)'
>>> X, k = sp.IndexedBase("x"), sp.Symbol("k")
>>> ReadablePrinter({X: "x^{{({i})}}"}).doprint(X[k]**2)
'\\left(x^{(k)}\\right)^{2}'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

if TYPE_CHECKING:  # annotations only: record imports render, which imports this module
    from derivations.record import Derivation


class ReadablePrinter(LatexPrinter):
    """SymPy's LaTeX printer with display names, positive terms first and products of fractions."""

    def __init__(self, names: Mapping[sp.Basic, str] | None = None, **settings):
        super().__init__(settings)
        self._names = dict(names or {})

    def _print_Symbol(self, expr, style="plain"):
        if expr in self._names:
            return self._names[expr]
        return super()._print_Symbol(expr, style=style)

    def _print_Indexed(self, expr):
        template = self._names.get(expr.base)
        if template is None:
            return super()._print_Indexed(expr)
        return template.format(i=",".join(self._print(i) for i in expr.indices))

    def _as_ordered_terms(self, expr, order=None):
        terms = super()._as_ordered_terms(expr, order=order)
        if not isinstance(expr, sp.Add):
            return terms
        # A stable sort: SymPy's order among the positive terms, then among the negative ones.
        return sorted(terms, key=lambda t: bool(t.could_extract_minus_sign()))

    def _helper_print_standard_power(self, expr, template: str) -> str:
        base = self.parenthesize(expr.base, PRECEDENCE["Pow"])
        if "^" in base and not base.startswith(r"\left("):
            # x^{(k)} squared is \left(x^{(k)}\right)^{2}: a double superscript is not LaTeX
            return template % (r"\left(%s\right)" % base, self._print(expr.exp))
        return super()._helper_print_standard_power(expr, template)

    def _print_Mul(self, expr):
        sign, body = ("- ", -expr) if expr.could_extract_minus_sign() else ("", expr)
        numer, denom = sp.fraction(body, exact=True)
        if denom == 1 or not isinstance(body, sp.Mul):
            return super()._print_Mul(expr)
        # n/d with a fraction f among n's factors reads (rest/d) f, not a fraction of fractions;
        # a sum s among them that holds a fraction reads (rest/d) (s).
        factors = sp.Mul.make_args(numer)
        fractions = [f for f in factors if not isinstance(f, sp.Add) and self._print(f).startswith(r"\frac")]
        sums = [f for f in factors if isinstance(f, sp.Add) and r"\frac" in self._print(f)]
        if not fractions and not sums:
            return super()._print_Mul(expr)
        rest = sp.Mul(*[f for f in factors if f not in fractions and f not in sums])
        head = r"\frac{%s}{%s}" % (self._print(rest), self._print(denom))
        tail = [self._print(f) for f in fractions] + [r"\left(%s\right)" % self._print(f) for f in sums]
        return sign + head + " " + " ".join(tail)


def latex_of(expr: sp.Basic, d: Derivation | None = None) -> str:
    r"""LaTeX for ``expr`` using the derivation's display names.

    Examples
    ========

    >>> import sympy as sp
    >>> latex_of(sp.Symbol("sigma")**2)
    '\\sigma^{2}'
    """
    names = dict(d.latex_names) if d is not None else {}
    return ReadablePrinter(names).doprint(expr)
