r"""Statements over a range of indices: a set written by its elements, ``\{x^{(1)}, \dots, x^{(m)}\}``, the
integers ``1, \ldots, n``, a maximum or minimum over indices, ``\max_{i,j} |\kappa_i / \kappa_j|``, and an
arg-min over named variables, ``\argmin_{W, \beta} \sum_i \ell_i``.

An ellipsis is read only where the first and last elements settle its pattern: the
elements are one name indexed by one index, the first at an integer ``a`` (and the
second, if written, at ``a + 1``), the last at ``b``; the set is
:math:`\{x^{(j)} : j = a, \dots, b\}` (:class:`IndexedSet`).  A maximum over indices
is left unevaluated (:class:`Extremum`), and so is an arg-min (:class:`ArgExtremum`); consecutive integers
around an ellipsis are :class:`IntegerRange`.  Both are statements: read with
``read_latex(..., statements=True)``, refused by ``derivkit check``, which compares
quantities.  :class:`RangeReader` is mixed into the reader of
:mod:`derivations.reading.latex`.

Examples
========

>>> from derivations.reading.latex import read_latex
>>> read = lambda text: read_latex([text], rhs_of_equation=False, statements=True).values[0]
>>> read(r"\{\mathbf{x}^{(1)}, \mathbf{x}^{(2)}, \dots, \mathbf{x}^{(m)}\}")
IndexedSet(x[j], (j, 1, m))
>>> read(r"\max_{i,j} \left| \frac{\kappa_i}{\kappa_j} \right|")
Extremum(max, Abs(kappa[i]/kappa[j]), (i, j))
>>> read(r"\argmin_{w} (w - y)^2"), read(r"0, 1, \dots, k")
(ArgExtremum(argmin, (w - y)**2, (w,)), IntegerRange(0, k))
>>> read(r"\{x^{(1)}, x^{(3)}, \dots, x^{(m)}\}")
Traceback (most recent call last):
...
derivations.errors.InputError: the set at column 1: the elements before \dots must be at consecutive indices (x^{(1)}, x^{(2)}, \dots, x^{(m)}); the pattern is not settled
"""

from __future__ import annotations

import sympy as sp

from derivations.errors import InputError
from derivations.reading.shapes import is_typed, kind_of, typed

__all__ = ["IndexedSet", "IntegerRange", "Extremum", "ArgExtremum", "PatternVector", "RangeReader", "integer_range"]

_ELLIPSES = ("\\dots", "\\ldots", "\\cdots")
_FRESH = "jklpqrstuv"


class IndexedSet(sp.Basic):
    r"""The set :math:`\{x_j : j = a, \dots, b\}`: ``IndexedSet(element, (j, a, b))``.

    >>> j, m = sp.symbols("j m")
    >>> IndexedSet(sp.IndexedBase("x")[j], sp.Tuple(j, 1, m)).limits
    (j, 1, m)
    """

    @property
    def element(self) -> sp.Basic:
        return self.args[0]

    @property
    def limits(self) -> sp.Tuple:
        return self.args[1]


class IntegerRange(sp.Set):
    r"""The integers :math:`a, a + 1, \dots, b` written with an ellipsis (``1, \ldots, n`` or ``1 \ldots L``):
    ``IntegerRange(a, b)``.

    >>> IntegerRange(sp.Integer(1), sp.Symbol("n")).last
    n
    """

    @property
    def first(self) -> sp.Basic:
        return self.args[0]

    @property
    def last(self) -> sp.Basic:
        return self.args[1]


def integer_range(items, dots: int, col: int) -> IntegerRange | None:
    r"""The integers ``items`` written around an ellipsis at position ``dots`` (``1, 2, \dots, n``), when they are
    integers: consecutive integers before the ellipsis, one last element after it, not a typed name; else ``None``.
    """
    if not items or not all(sp.sympify(v).is_Integer for v in items[:-1]) or dots != len(items) - 1:
        return None
    first, last = items[0], items[-1]
    if not all(v == first + k for k, v in enumerate(items[:-1])) or dots == 0:
        return None
    if is_typed(last) or not (last.is_Integer or last.is_Symbol or last.is_Add) or sp.sympify(last).atoms(sp.Indexed) \
            or last.is_Integer and last < first:
        raise InputError(f"the set at column {col}: the last of the integers {sp.sstr(first)}, \\dots is an integer "
                         "or a count")
    return IntegerRange(first, last)


class Extremum(sp.Basic):
    r"""An unevaluated :math:`\max_{i,j} f_{ij}` (or min): ``Extremum(max, body, (i, j))``.

    >>> i = sp.Symbol("i")
    >>> Extremum(sp.Symbol("max"), sp.IndexedBase("a")[i], sp.Tuple(i)).indices
    (i,)
    """

    @property
    def body(self) -> sp.Basic:
        return self.args[1]

    @property
    def indices(self) -> sp.Tuple:
        return self.args[2]


class ArgExtremum(sp.Basic):
    r"""An unevaluated :math:`\operatorname{argmin}_{W, \beta} f` (or argmax): where ``body`` is least over the
    ``variables``, ``ArgExtremum(argmin, body, (W, beta))``.

    >>> W = sp.Symbol("W")
    >>> ArgExtremum(sp.Symbol("argmin"), W**2, sp.Tuple(W)).variables
    (W,)
    """

    @property
    def body(self) -> sp.Basic:
        return self.args[1]

    @property
    def variables(self) -> sp.Tuple:
        return self.args[2]


_ARG_EXTREMA = ("argmin", "argmax")


class PatternVector(sp.Basic):
    r"""The vector with entries :math:`e_j`, :math:`j = a, \dots, b`, written with an ellipsis:
    ``PatternVector(e_j, (j, a, b), row)`` (``row`` True for a row, False for a column).

    >>> j, D = sp.symbols("j D")
    >>> PatternVector(sp.Function("g")(j), sp.Tuple(j, 1, D), sp.false).transposed()
    PatternVector(g(j), (j, 1, D), True)
    """

    def transposed(self) -> "PatternVector":
        return PatternVector(self.args[0], self.args[1], sp.true if self.args[2] == sp.false else sp.false)


def _template(value, at, index, indexed, by_name=False):
    r"""``value`` with its names subscripted by ``at`` (``p_1``, ``p_D``, ``x[1]``) written in ``index`` instead.

    An entry ``p_1[1]`` (``p^{(1)}_1``) is at 1 both in its subscript and in its superscript: ``by_name`` takes the
    subscript of the name (``p_j[1]``), otherwise the index (``p_1[j]``).
    """
    suffix = f"_{sp.sstr(at)}"
    swap = {}
    for a in sp.sympify(value).atoms(sp.Symbol, sp.Indexed):
        named = isinstance(a, sp.Indexed) and str(a.base.label).endswith(suffix)
        if isinstance(a, sp.Indexed) and a.indices == (at,) and not (by_name and named):
            swap[a] = a.base[index]
        elif named:
            swap[a] = indexed(str(a.base.label)[:-len(suffix)] + f"_{index}")[a.indices]
        elif isinstance(a, sp.Symbol) and a.name.endswith(suffix) and not isinstance(a, sp.Dummy):
            swap[a] = sp.Symbol(a.name[:-len(suffix)] + f"_{index}", **a.assumptions0)
    return sp.sympify(value).xreplace(swap) if swap else None


def _entry(value, typed_entries) -> tuple[str, sp.Basic, object] | None:
    """``(base, index, kind)`` of ``x[k]`` (an Indexed, or a vector or matrix read from ``x^{(k)}``), else ``None``."""
    if isinstance(value, sp.Indexed) and len(value.indices) == 1:
        return str(value.base.label), value.indices[0], None
    if value in typed_entries:
        name, index = typed_entries[value]
        return name, index, kind_of(value)
    return None


class RangeReader:
    """Sets written by their elements and extrema over indices, for the LaTeX reader."""

    def indexed_set(self, tok):
        r"""``\{x^{(1)}, x^{(2)}, \dots, x^{(m)}\}`` (after ``\{``'s position): the set of the ``x^{(j)}``."""
        if not self.statements:
            raise InputError(f"\\{{...\\}} at column {tok.col} is a set, not a quantity: derivkit check compares "
                             "quantities")
        self.next()
        items, dots = [], None
        while True:
            if self.peek(*_ELLIPSES):
                dots = len(items)
                self.next()
            else:
                items.append(self.expression())
            if self.peek("\\}"):
                self.next()
                break
            self.expect(",")
        if dots is None:
            return sp.FiniteSet(*items)
        integers = integer_range(items, dots, tok.col)
        if integers is not None:
            return integers
        entries = [_entry(v, self.typed_entries) for v in items]
        fix = "x^{(1)}, x^{(2)}, \\dots, x^{(m)}"
        if dots == 0 or dots != len(items) - 1 or any(e is None for e in entries) or \
                len({(e[0], e[2]) for e in entries}) != 1:
            raise InputError(f"the set at column {tok.col}: write the elements as one indexed name around \\dots "
                             f"({fix}); the pattern is not settled")
        first, last = entries[0][1], entries[-1][1]
        consecutive = all(e[1] == first + k for k, e in enumerate(entries[:-1]))
        if not (first.is_Integer and consecutive):
            raise InputError(f"the set at column {tok.col}: the elements before \\dots must be at consecutive indices "
                             f"({fix}); the pattern is not settled")
        base, _, kind = entries[0]
        used = {t.text for t in self.toks if t.kind == "letter"}
        index = self.symbol(next(c for c in _FRESH if c not in used))
        element = self.indexed(base)[index] if kind is None else typed(f"{base}[{index}]", kind)
        return IndexedSet(element, sp.Tuple(index, first, last))

    def extremum(self, function: str, tok):
        r"""``\max_{i,j} body`` (at the ``_`` after ``\max``): the maximum over the indices, unevaluated."""
        if not self.statements:
            raise InputError(f"\\{function}_{{...}} at column {tok.col} is a {function}imum over indices, which "
                             "derivkit check does not compare; give the quantity it is taken of")
        self.expect("_")
        self.expect("{")
        indices = [self.symbol(self.subscript_text())]
        while self.peek(","):
            self.next()
            indices.append(self.symbol(self.subscript_text()))
        self.expect("}")
        body = self.postfix()
        for index in indices:
            body = self.indexed_by(body, index)
        return Extremum(sp.Symbol(function), body, sp.Tuple(*indices))

    def arg_extremum_name(self) -> str | None:
        r"""``\argmin``, ``\mathrm{argmin}``, ``\operatorname*{argmax}`` at the reader's position: the name, else None."""
        i = self.pos + (self.peek_at(1) == "*")
        if self.peek("\\argmin", "\\argmax"):
            return self.current().text[1:]
        spelled = [self.toks[k].text for k in range(i + 1, min(i + 9, len(self.toks)))]
        if self.peek("\\mathrm", "\\operatorname") and spelled[:1] == ["{"] and spelled[7:8] == ["}"] \
                and "".join(spelled[1:7]) in _ARG_EXTREMA:
            return "".join(spelled[1:7])
        return None

    def arg_extremum(self, function: str, tok):
        r"""``\argmin_{W, \beta} body`` (at ``\argmin`` or ``\mathrm{argmin}``): where the body is least, unevaluated.

        The variables are the subscript's names, the body the rest of the formula, which the arg-min must begin.
        """
        if not self.statements:
            raise InputError(f"{function} at column {tok.col} is the point where a {function[3:]}imum is reached, "
                             "which derivkit check does not compare; give the quantity it is taken of")
        if self.pos != 0:
            raise InputError(f"{function} at column {tok.col}: an arg-{function[3:]} is read only as the whole formula")
        self.pos += 1 if self.peek("\\argmin", "\\argmax") else 9 + (self.peek_at(1) == "*")
        if not self.peek("_"):
            raise InputError(f"{function} at column {tok.col}: write the variables it is taken over in its subscript, "
                             f"\\{function}_{{w, b}}")
        self.next()
        braced = self.peek("{")
        if braced:
            self.next()
        variables = [self.expression() if braced else self.script_value()]
        while braced and self.peek(","):
            self.next()
            variables.append(self.expression())
        if braced:
            self.expect("}")
        if not all(isinstance(v, (sp.Symbol, sp.Indexed)) for v in variables) or len(set(variables)) < len(variables):
            raise InputError(f"{function} at column {tok.col}: the variables in its subscript are distinct names")
        return ArgExtremum(sp.Symbol(function), self.expression(), sp.Tuple(*variables))

    def vector_by_pattern(self, rows, tok):
        r"""``\begin{bmatrix} g(p_1) & \ldots & g(p_D) \end{bmatrix}``: the row (or column) of the :math:`g(p_j)`.

        The first entry is at an integer (its names subscripted by it, ``p_1``), the last at ``b`` (``p_D``); with the
        index written in, the two must be the same formula, and a second entry, if written, the one at the integer
        after the first.  Otherwise the pattern is not settled and the vector is refused.
        """
        row = len(rows) == 1
        items = rows[0] if row else [r[0] for r in rows if len(r) == 1]
        fix = "write the entries around \\ldots as one formula in a subscript, g(p_1) & \\ldots & g(p_D)"
        if not row and len(items) != len(rows) or not self.statements:
            raise InputError(f"the matrix at column {tok.col} is written with an ellipsis: "
                             + ("only a row or a column is read" if self.statements else
                                "a vector of symbolic length is not a formula derivkit check compares"))
        dots = [k for k, x in enumerate(items) if isinstance(x, type(tok))]
        if len(dots) != 1 or dots[0] == 0 or dots[0] != len(items) - 2:
            raise InputError(f"the vector at column {tok.col}: {fix}")
        first_entry, last_entry = items[0], items[-1]
        used = {t.text for t in self.toks if t.kind == "letter"}
        index = self.symbol(next(c for c in _FRESH if c not in used))
        found = set()
        for first, by_name in ((f, b) for f in (sp.Integer(0), sp.Integer(1)) for b in (False, True)):
            template = _template(first_entry, first, index, self.indexed, by_name)
            if template is None:
                continue
            lasts = {a.name.rpartition("_")[2] for a in sp.sympify(last_entry).atoms(sp.Symbol)} | {
                str(a.base.label).rpartition("_")[2] for a in sp.sympify(last_entry).atoms(sp.Indexed)}
            for last in sorted(lasts):
                at = sp.Integer(last) if last.isdigit() else self.symbol(last)
                if last and _template(last_entry, at, index, self.indexed, by_name) == template and all(
                        _template(e, first + k, index, self.indexed, by_name) == template
                        for k, e in enumerate(items[1:-2], 1)):
                    found.add(PatternVector(template, sp.Tuple(index, first, at), sp.true if row else sp.false))
        if len(found) == 1:
            return found.pop()
        raise InputError(f"the vector at column {tok.col}: {fix}; the pattern is "
                         + ("read in more than one way" if found else "not settled"))
