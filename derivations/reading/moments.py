r"""Expectations, variances and covariances as lecture notes write them: ``\mathbb{E}[x]``, ``\operatorname{Var}(x)``.

``\mathbb{E}[\cdot]``, ``\mathbb{E}(\cdot)``, ``\mathbb{E}\,\epsilon_i^2`` (the expectation of
the factor that follows), ``\operatorname{E}[\cdot]`` and ``E[\cdot]`` are
:class:`Expectation`; ``\operatorname{Var}``, ``\text{Var}``, ``Var`` with brackets are
:class:`Variance`, ``Cov(x, y)`` :class:`Covariance`.  They stay unevaluated: what
they are worth depends on the distributions of the names inside, which the
checker takes from declarations (``--assume "x \sim \mathcal{N}(\mu, \sigma^2)"``,
:mod:`derivations.checking.distributions`) and never guesses.  A plain ``E(x)``
reads as an expectation or as a function ``E`` (an error, an energy) and is
refused naming both; ``P(y \mid x)`` is :class:`Probability`, read and never computed.  :class:`MomentReader` is mixed
into the reader of :mod:`derivations.reading.latex`.

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> parse_latex(r"\frac{1}{k} \mathbb{E} \epsilon_i^2 + \mathbb{E}[\epsilon_i \epsilon_j]")
Expectation(epsilon_i*epsilon_j) + Expectation(epsilon_i**2)/k
>>> parse_latex(r"\operatorname{Var}(\tilde{\theta}_m)")
Variance(thetatilde_m)
"""

from __future__ import annotations

import sympy as sp

from derivations.errors import InputError
from derivations.reading.shapes import is_typed


class Expectation(sp.Function):
    r""":math:`\mathbb{E}[X]`, unevaluated (SymPy's own evaluates a name without a distribution to itself).

    >>> Expectation(sp.Symbol("x")) == sp.Symbol("x")
    False
    """

    nargs = 1


class Variance(sp.Function):
    r""":math:`\operatorname{Var}[X]`, unevaluated."""

    nargs = 1


class Covariance(sp.Function):
    r""":math:`\operatorname{Cov}[X, Y]`, unevaluated."""

    nargs = 2


class Probability(sp.Function):
    r""":math:`P(A)` or :math:`P(A \mid B)` (``Probability(A, B)``), unevaluated and never computed."""

    nargs = (1, 2)


MOMENTS = (Expectation, Variance, Covariance)
_PROBABILITY = {"P", "Pr", "Prob"}
_BY_NAME = {"E": Expectation, "Var": Variance, "Cov": Covariance}
_ARITY = {"E": 1, "Var": 1, "Cov": 2}
_CLOSING = {"[": "]", "(": ")"}


class MomentReader:
    """``\\mathbb{E}``, ``Var`` and ``Cov`` applied, for the LaTeX reader."""

    def moment(self, name: str, font: str, start):
        """The moment ``name`` at ``start`` is; ``None`` when the name is not one here."""
        bracket = self.peek("[", "(") or (self.peek("\\left") and self.peek_at(1) in ("[", "("))
        if name in _PROBABILITY and bracket:
            return self.probability(start, font)
        if name == "E" and font not in ("mathbb", "operatorname", "mathrm") and not self.peek("["):
            if self.peek("("):
                raise InputError(f"E(...) at column {start.col} reads either as an expectation or as a function E "
                                 "applied: write \\mathbb{E}[...] for the expectation, or say --function E")
            return None
        if name not in _BY_NAME or (name != "E" and not bracket):
            return None
        moment = _BY_NAME[name]
        if bracket:
            args = self.bracketed()
        else:
            args = [self.postfix()]
            if not self.done() and self.starts_operand():
                raise InputError(f"\\mathbb{{E}} at column {start.col} is followed by a product: write "
                                 "\\mathbb{E}[...] around what the expectation is of")
        if len(args) != _ARITY[name]:
            raise InputError(f"{name} at column {start.col} takes {_ARITY[name]} argument(s), got {len(args)}")
        if any(is_typed(a) for a in args):
            raise InputError(f"{name} at column {start.col} of a vector or matrix is not read")
        return moment(*args)

    def probability(self, start, font: str = ""):
        r"""``P(y \mid x)``, ``P(y|x)``, ``\Pr[A]``: the probability of an event, given another."""
        left = self.peek("\\left")
        if left:
            self.next()
        opening = self.next()
        self.abs_depth += 1  # the bar of P(y | x) separates, it opens no absolute value
        try:
            args = [self.expression()]
            if self.peek("|", "\\mid"):
                self.next()
                args.append(self.expression())
        finally:
            self.abs_depth -= 1
        if left:
            self.expect("\\right")
        self.expect(_CLOSING[opening.text])
        if any(is_typed(a) for a in args):
            raise InputError(f"P at column {start.col} of a vector or matrix is not read")
        if len(args) == 1 and font not in ("mathbb", "operatorname", "mathrm") and not self._conditional():
            raise InputError(f"P(...) at column {start.col} reads either as a probability or as a function P applied: "
                             "write \\mathbb{P}(...) or P(A \\mid B) for a probability, or say --function P")
        return Probability(*args)

    def _conditional(self) -> bool:
        """Does the formula write a conditional probability ``P(a | b)`` (then every ``P(...)`` is one)?"""
        toks = [t.text for t in self.toks]
        for k, t in enumerate(toks[:-1]):
            if t in _PROBABILITY and toks[k + 1] == "(":
                level = 0
                for u in toks[k + 1:]:
                    level += (u == "(") - (u == ")")
                    if level == 0:
                        break
                    if level == 1 and u in ("|", "\\mid"):
                        return True
        return False

    def bracketed(self) -> list:
        """``[a]``, ``(a, b)``, ``\\left[ a \\right]``: the arguments inside one pair of brackets."""
        left = self.peek("\\left")
        if left:
            self.next()
        opening = self.next()
        args = [self.expression()]
        while self.peek(","):
            self.next()
            args.append(self.expression())
        if left:
            self.expect("\\right")
        self.expect(_CLOSING[opening.text])
        return args
