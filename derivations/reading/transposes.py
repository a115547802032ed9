r"""Transposes in lecture LaTeX: ``^T``, ``^\top``, ``^{\mathsf T}``, and what a transpose forces.

A transposed name is a vector (lowercase) or a matrix (capital); a transposed sum of
plain names, :math:`(\theta - \theta_0)^\top`, makes them vectors.  A transposed name
added to a number, :math:`1 - \rho^T`, cannot be a vector (a row vector plus a
number): it is a number, and ``^T`` of a number is its power ``T`` (the transpose of a
number is itself, which notes never write).  :class:`TransposeReader` is mixed into the
reader of :mod:`derivations.reading.latex`.

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> parse_latex(r"\frac{\phi S + (1 - \phi) G}{1 - \phi^T}"), parse_latex(r"w^T x + \rho^T - 1")
((G*(1 - phi) + S*phi)/(1 - phi**T), rho**T - 1 + transpose(w)*x)
"""

from __future__ import annotations

import sympy as sp

from derivations.errors import InputError
from derivations.reading.kinds import Retype
from derivations.reading.shapes import Kind, is_typed

_TRANSPOSE = {"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\mathsfT", "\\mathrmT"}


def _capital(name: str) -> bool:
    return name[:1].isupper()


class TransposeReader:
    """Transpose scripts and the kinds they force, for the LaTeX reader."""

    def transpose_length(self) -> int:
        """Tokens of a transpose script after ``^``: ``T``, ``\\top``, ``{T}``, ``{\\mathsf T}``, ``{\\mathsf{T}}``."""
        if self.peek("T", "\\top", "\\intercal"):
            return 1
        if not self.peek("{"):
            return 0
        inner = []
        i = self.pos + 1
        while i < len(self.toks) and self.toks[i].text != "}" and len(inner) < 3:
            if self.toks[i].text != "{":
                inner.append(self.toks[i].text)
            i += 1
        inner_text = "".join(inner)
        close = i
        if inner_text in _TRANSPOSE and close < len(self.toks):
            # {\mathsf{T}}: the inner braces closed, one more brace closes the script
            if close + 1 < len(self.toks) and self.toks[close + 1].text == "}" and any(
                    self.toks[k].text == "{" for k in range(self.pos + 1, close)):
                close += 1
            return close - self.pos + 1
        return 0

    def transposed(self, base, tok):
        if isinstance(base, sp.MatrixBase):
            return base.T
        if hasattr(base, "transposed"):  # a vector written with an ellipsis (derivations.reading.ranges)
            return base.transposed()
        if is_typed(base):
            if self.typing.entrywise:
                raise InputError("the formula mixes entrywise operations with a transpose")
            return sp.transpose(base)
        if isinstance(base, sp.Symbol) and self.typing.kind(base.name) is None:
            kind = Kind.MATRIX if _capital(base.name) else Kind.VECTOR
            raise Retype(base.name, kind, f"{base.name} is transposed")
        names = [t.name for t in (-a if a.could_extract_minus_sign() else a for a in sp.Add.make_args(base))
                 if isinstance(t, sp.Symbol) and self.typing.kind(t.name) is None and not _capital(t.name)]
        if isinstance(base, sp.Add) and len(names) == len(base.args):  # (\theta - \theta_0)^T: names of vectors
            raise Retype(names[0], Kind.VECTOR, f"{sp.sstr(base)} is transposed")
        if base.is_number or all(self.typing.kind(s.name) is Kind.SCALAR for s in base.free_symbols):
            return base
        raise InputError(f"^T at column {tok.col} transposes {sp.sstr(base)}, which reads as a scalar: mark vectors "
                         "bold (\\mathbf{x}) or declare them (--vector x, --matrix A)")

    def power_of_t(self, base, length: int) -> bool:
        r"""Is ``^T`` after the plain name ``base`` its power ``T``: the term ``\rho^T`` beside a number, ``1 - \rho^T``?

        Had ``\rho`` been a vector, a row vector would be added to a number; so it is a number, and ``^T`` of a
        number (whose transpose is itself, which notes never write) is its power ``T``.
        """
        if not isinstance(base, sp.Symbol) or is_typed(base) or self.typing.kind(base.name) not in (None, Kind.SCALAR):
            return False
        caret, after = self.pos - 1, self.pos + length
        texts = [t.text for t in self.toks]
        kinds = [t.kind for t in self.toks]
        if caret < 1 or texts[caret - 1] not in (base.name, "\\" + base.name):
            return False  # only a one-token name: \rho, x
        ends = ("}", ")", "\\right", "+", "-")
        starts = ("{", "(", "+", "-")
        alone = (caret < 2 or texts[caret - 2] in starts) and (after >= len(texts) or texts[after] in ends)
        before = caret >= 3 and texts[caret - 2] in ("+", "-") and kinds[caret - 3] == "num" and (
            caret < 4 or texts[caret - 4] in starts)
        behind = after + 1 < len(texts) and texts[after] in ("+", "-") and kinds[after + 1] == "num" and (
            after + 2 >= len(texts) or texts[after + 2] in ends)
        return alone and (before or behind)  # the term is the name alone, and the term beside it a number alone
