r"""Sums over a set, as lecture notes write them: ``\sum_{i \in \mathcal M}``, ``\sum_{w_k \in \theta}``, ``\sum_i``.

A sum over the elements of a set :math:`S` is a sum over an index
:math:`j = 1, \dots, n_S`, where :math:`n_S` is the size of :math:`S` (the symbol
``n_S``, the set named in it); :math:`|S|` written in the same formula is that
size.  The element is written as

* the index itself: :math:`\sum_{i \in \mathcal M} f_i` is
  :math:`\sum_{i=1}^{n_M} f_i`;
* a name subscripted by the index: :math:`\sum_{w_k \in \theta} |w_k|` is
  :math:`\sum_{k=1}^{n_\theta} |w_k|` (the audit's reading of a document,
  :func:`derivations.checking.notation.set_sums`, names the size the same way);
* a pair of names: :math:`\sum_{(x, y) \in B} \ell(y, g(x))` is
  :math:`\sum_{j=1}^{n_B} \ell(y_j, g(x_j))`, with ``j`` a letter the formula
  does not use.

:math:`\sum_i w_i` (an index without limits) sums over the indices of the one name
it subscripts: :math:`\sum_{i=1}^{n_w} w_i`; with several names subscripted by
``i`` the range is not settled and the sum is refused.  :class:`IndexSetReader` is
mixed into the reader of :mod:`derivations.reading.latex`.

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> parse_latex(r"\frac{n}{|\mathcal M|} \sum_{i \in \mathcal M} f_i")
n*Sum(f[i], (i, 1, n_M))/n_M
>>> parse_latex(r"\sum_{w_k \in \theta} |w_k| + \sum_i |v_i|")
Sum(Abs(v[i]), (i, 1, n_v)) + Sum(Abs(w[k]), (k, 1, n_theta))
>>> parse_latex(r"\frac{1}{|B|} \sum_{(x,y) \in B} \ell(y, g(x))")
Sum(ell(y[j], g(x[j])), (j, 1, n_B))/n_B
>>> parse_latex(r"\sum_i x_i y_i")
Traceback (most recent call last):
...
derivations.errors.InputError: \sum_i at column 1 sums over i of x and y: the range of i is not settled; write the limits, \sum_{i=1}^{n}
"""

from __future__ import annotations

import sympy as sp

from derivations.errors import InputError
from derivations.reading.bounded import bounded_sum
from derivations.reading.shapes import Kind, is_typed, kind_of, typed

__all__ = ["IndexSetReader", "set_size_name", "both_scripts"]

_TEXT = {"text", "textrm", "mathrm", "operatorname", "textit", "mathit"}  # a subscript in these is a name
_FRESH = "jklpqrstuv"  # the index of a sum over pairs: the first of these the formula does not use


def set_size_name(set_name: str) -> str:
    r"""The name of the size of a set: ``n_`` and the set's name (:math:`n_\theta`, :math:`n_M`).

    >>> set_size_name("theta")
    'n_theta'
    """
    return f"n_{set_name}"


def both_scripts(base: str) -> InputError:
    return InputError(f"the vector {base} is indexed both by a subscript ({base}_i in a sum) and by a superscript "
                      f"({base}^{{(j)}}): write one of them differently")


class IndexSetReader:
    """Sums over the elements of a set, and over an index without limits, for the LaTeX reader."""

    def over_a_set(self) -> bool:
        r"""Does the ``_`` after ``\sum`` open an index set (``_{... \in S}``) or a lone index (``_i``, ``_{i}``)?"""
        if not self.peek("_"):
            return False
        if self.peek_at(1) != "{":
            return self.peek_at(2) != "^"
        level, i = 0, self.pos + 1
        while i < len(self.toks):
            t = self.toks[i].text
            level += (t == "{") - (t == "}")
            if level == 0:
                break
            if t == "\\in" and level == 1:
                return True
            i += 1
        lone = i == self.pos + 3 and self.toks[self.pos + 2].kind == "letter"
        return lone and (i + 1 >= len(self.toks) or self.toks[i + 1].text != "^")

    def set_sum(self, tok):
        r"""``\sum_{element \in S} body`` or ``\sum_i body`` (after ``\sum``, at its ``_``)."""
        self.expect("_")
        braced = self.peek("{")
        if braced:
            self.next()
        if not braced or self.peek_at(1) == "}":
            index = self.symbol(self.subscript_text())
            if braced:
                self.expect("}")
            body = self.summand(index)
            bases = sorted({str(a.base.label) for a in sp.sympify(body).atoms(sp.Indexed) if index in a.indices})
            if len(bases) != 1:
                what = " and ".join(bases) if bases else "no name"
                raise InputError(f"\\sum_{index} at column {tok.col} sums over {index} of {what}: the range of {index} "
                                 f"is not settled; write the limits, \\sum_{{{index}=1}}^{{n}}")
            return bounded_sum(body, index, sp.Integer(1), self.symbol(set_size_name(bases[0])))
        names, index = self.set_element(tok)
        self.expect("\\in")
        self.bold, self.font = False, ""
        start = self.current()
        set_name, set_index = self.name_with_index()
        if set_index is not None:
            raise InputError(f"the set of the sum at column {start.col} must be a name")
        self.expect("}")
        if self.peek("^"):
            raise InputError(f"a sum over the set {set_name} at column {tok.col} has no upper limit")
        self.index_sets.setdefault(set_name, start.col)
        if names:
            body = sp.sympify(self.term()).xreplace({self.symbol(n): self.indexed(n)[index] for n in names})
        else:
            body = self.summand(index)
        return bounded_sum(body, index, sp.Integer(1), self.symbol(set_size_name(set_name)))

    def set_element(self, tok) -> tuple[list[str], sp.Symbol]:
        r"""The element of ``\sum_{element \in S}``: ``([], i)`` for ``i`` or ``w_i``, ``([x, y], j)`` for ``(x, y)``."""
        if not self.peek("("):
            name, index = self.name_with_index()
            base, _, last = name.rpartition("_")
            if not self.peek("\\in"):
                index = name  # more than a name before \in
            if index is None and not base and name.isalpha():
                return [], self.symbol(name)
            if index is None and base and last.isalpha() and len(last) == 1:
                return [], self.symbol(last)
            raise InputError(f"the element of the sum at column {tok.col}: write i, w_i or (x, y) before \\in")
        self.next()
        names = []
        while True:
            self.bold = False
            name, index = self.name_with_index()
            if index is not None or self.bold or self.typing.kind(name) is not None:
                raise InputError(f"the element of the sum at column {tok.col}: write plain names in (x, y) (a vector "
                                 "or an indexed name there is not read)")
            names.append(name)
            if self.peek(")"):
                self.next()
                break
            self.expect(",")
        used = {t.text for t in self.toks if t.kind == "letter"}
        fresh = next((c for c in _FRESH if c not in used and c not in names), None)
        if fresh is None:
            raise InputError(f"the sum at column {tok.col} leaves no free letter for its index: write its limits")
        return names, self.symbol(fresh)

    def sized(self, value):
        r""":math:`|S|` of a set summed over is its size :math:`n_S`; the set is no number otherwise."""
        if not self.index_sets:
            return value
        sets = {self.symbol(n): self.symbol(set_size_name(n)) for n in self.index_sets}
        value = sp.sympify(value).xreplace({sp.Abs(s): size for s, size in sets.items()})
        labels = {a.base.label for a in value.atoms(sp.Indexed)}  # w of w[i]: the entries, not the set
        for s in sets:
            if s in value.free_symbols - labels:
                raise InputError(f"{s.name} is the set of the sum at column {self.index_sets[s.name]} and is also used "
                                 f"as a number: write |{s.name}| for its size")
        return value

    def indexed_by(self, body, index: sp.Symbol):
        r"""In :math:`\sum_{i}`, a name subscripted by the index is an entry: ``\epsilon_i`` is ``epsilon[i]``.

        ``x_{i,k}`` is ``x[i, k]``, and so is ``h_{ik}``: single letters, one of them the index, are the indices
        of an entry (:math:`a_{ij}`, the convention of all of mathematics; as a name, :math:`\sum_i h_{ik}` would
        be :math:`m\,h_{ik}`).  A subscript with a command in it (``h_{\text{ik}}``, ``h_{i\alpha}``) is not split
        into letters, and is refused as an entry or a name.  A bold lowercase name subscripted by the index alone,
        ``\mathbf{x}_i``, is the i-th vector of the family :math:`\mathbf{x}_1, \dots, \mathbf{x}_n` (bold is a
        vector, never an entry); a matrix subscripted by the index (a member of a family, or a row or column?) and
        arithmetic on the index are refused (write ``x^{(i+1)}``).
        """
        i = index.name
        swap = {}
        for s in sp.sympify(body).free_symbols:
            if not isinstance(s, sp.Symbol) or "_" not in s.name:
                continue
            base, _, last = s.name.rpartition("_")
            parts = last.strip("{}").split(",")
            script = self.worded.get(s.name)
            if script is not None and any(t[1:] in _TEXT for t in script):
                continue  # h_{\text{in}}: a name
            if script is not None and i in script:
                raise InputError(f"{s.name} in a sum over {i} reads as an entry or as a name: write the indices "
                                 f"with commas, {base}_{{{i},...}}, or the name in \\text{{...}}")
            mentioned = i in parts or any(len(p) == 2 and i in p and p.isalpha() for p in parts) or (
                last.startswith("{") and i in "".join(c if c.isalnum() else " " for c in last).split())
            if not mentioned:
                continue
            if is_typed(s) and kind_of(s) is Kind.VECTOR and parts == [i] and s.name not in self.worded:
                if base not in self.vector_families and any(n == base for n, _ in self.typed_entries.values()):
                    raise both_scripts(base)
                entry = typed(f"{base}[{i}]", Kind.VECTOR)  # bold x_i in a sum over i: the i-th vector x_1, ..., x_n
                self.typed_entries[entry] = (base, index)
                self.vector_families.add(base)
                swap[s] = entry
                continue
            if is_typed(s):
                raise InputError(f"{s.name} in a sum over {i}: a vector or matrix subscripted by the index is not "
                                 f"read; write its entries as {base}^{{({i})}}")
            letters = s.name not in self.worded and all(p.isascii() and p.isalpha() for p in parts)
            if letters and len(parts) == 1 and len(parts[0]) > 1 and i in parts[0]:
                parts = list(parts[0])  # h_{ik}: the entry h[i, k]
            if any(not (p.isalpha() or p.isdigit()) or (len(p) > 1 and i in p and p.isalpha()) for p in parts):
                entry = ",".join(",".join(p) if len(p) == 2 and p.isalpha() else p for p in parts)
                raise InputError(f"{s.name} in a sum over {i} reads as an entry or as a name: write "
                                 f"{base}_{{{entry}}} with commas between the indices, "
                                 f"{base}^{{({last.strip('{}')})}} for arithmetic, or \\text{{...}} for a name")
            indices = [self.symbol(p) if p.isalpha() else sp.Integer(p) for p in parts]
            swap[s] = self.indexed(base)[tuple(indices) if len(indices) > 1 else indices[0]]
            self.subscript_bases.add(base)
        return sp.sympify(body).xreplace(swap) if swap else body
