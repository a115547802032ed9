r"""A small, bounded recursive-descent reader for LaTeX formulas as written in lecture notes.

SymPy's own LaTeX parser needs ANTLR and fails on ``\sigma``, ``\partial`` and
``\hat``; this reader covers the subset lecture notes use and nothing more:
numbers (``0.5``, ``1e-7``, ``10^{-7}``), single letters (``xy`` is ``x*y``, as
in LaTeX), Greek letters, subscripts as part of a name (``x_1``, ``\sigma_{k}``,
``\theta_{\tau+1}``, ``h_{\text{out}}``), ``x^{(j)}`` as the indexed symbol
``x[j]``, ``x^{\text{new}}`` as a name, accents as names (``\hat{x}`` is
``xhat``), ``+ - * / \cdot \times \div``, implicit products, powers,
``\frac``, ``\sqrt``, ``\left( \right)``, ``|x|``, ``\sum``, ``\prod``,
functions (``\exp``, ``\log``, ``\sin^{-1}`` = ``asin``, ``\sin^2 x`` =
``(\sin x)^2``, ``\max``, ``\operatorname{sign}``), matrix environments,
layout environments (``aligned``: ``&`` and ``\\`` are layout), and
``\frac{\partial \ell}{\partial y_j}`` as one named symbol ``dell_dy_j``.

**Types.** Bold capitals (``\mathbf{X}``, ``\boldsymbol{\Sigma}``) and
declared matrices are noncommutative matrices, bold lowercase are column
vectors (:mod:`derivations.reading.shapes`); ``^T``, ``^\top`` and
``^{\mathsf T}`` transpose, ``^{-1}`` of a matrix is its inverse, ``I``
beside matrices is the identity.  Notation forces a type: a transposed name
is a vector (lowercase) or a matrix (capital), and a capital multiplied by a
matrix or vector is a matrix.  A formula whose vectors meet only entrywise
operations (``\odot``, ``\sqrt{\mathbf{v}}``, division by a vector) is read
entry by entry, its vectors as scalars.

**Functions.** A name written with an argument list, ``f(x + h)`` or
``J(\theta; X, y)``, is an undefined function applied, unless it is declared
a scalar, vector or matrix; a name that is applied in one place and used as
a plain variable in another is refused (both readings named), never guessed.

A formula ``lhs = rhs`` (or ``\leftarrow``, ``\approx``, ``:=``) is refused
unless the caller asks for its right-hand side.  ``e`` is a symbol like any
other letter: write ``\exp`` for the exponential (``\pi`` is the constant).

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> parse_latex(r"\frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}")
(-mu + x_i)/sqrt(epsilon + sigma**2)
>>> parse_latex(r"-\frac{2}{m} \sum_{j=1}^{m} (x^{(j)} - \mu)")
-2*Sum(-mu + x[j], (j, 1, m))/m
>>> parse_latex(r"(\mathbf{X}^T\mathbf{X})^{-1}\mathbf{X}^T\mathbf{y}")
(transpose(X)*X)**(-1)*transpose(X)*y
>>> parse_latex(r"v^T H v")
transpose(v)*H*v
>>> parse_latex(r"\sin^{-1} x + 1e-7")
asin(x) + 1/10000000
>>> parse_latex(r"g(x + h)")
g(h + x)
>>> parse_latex(r"g(x + h) - g x")
Traceback (most recent call last):
...
derivations.errors.InputError: g is written both as a function (g(...) at column 1) and as a plain variable (column 12): say --function g (g applied) or --scalar g (g times (...)), or write g\cdot(...)
>>> parse_latex(r"x \mathbin{\#} y")
Traceback (most recent call last):
...
derivations.errors.InputError: unsupported LaTeX command \mathbin at column 3
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import sympy as sp

from derivations.errors import InputError
from derivations.reading.kinds import Entrywise, Reading, Retype, Typing
from derivations.reading.application import ApplicationReader
from derivations.reading.statements import STATEMENT_TOKENS, StatementReader
from derivations.reading.moments import MomentReader
from derivations.reading.index_sets import IndexSetReader
from derivations.reading.derivatives import DerivativeReader
from derivations.reading.transposes import TransposeReader
from derivations.reading.ranges import RangeReader
from derivations.reading.notation import NotationReader, capital
from derivations.reading.bounded import check_number, power
from derivations.reading.parsing import (FUNCTIONS, MAX_DEPTH, guarded, hadamard, matrix_of, real_indexed, real_symbol,
                                         validate_text)
from derivations.reading.shapes import ONE, IdentityName, Kind, MatrixName, Shape, VectorName, infer_shapes, is_typed
from derivations.reading.sizes import check_sizes
from derivations.reading.tokens import (ACCENTS, FONTS, FUNCTIONS as _FUNCTIONS, LETTERS, MULTIPLY,
                                        RELATIONS, Tok, number, prepare)

_MAX_PASSES = 16
_LATIN = set("abcdefghijklmnopqrstuvwxyz")  # w^T x: a Latin letter after a row vector is a vector


def parse_latex(
    text: str,
    symbol: Callable[[str], sp.Symbol] = real_symbol,
    indexed: Callable[[str], sp.IndexedBase] = real_indexed,
    rhs_of_equation: bool = False,
) -> sp.Basic:
    """Read a LaTeX formula; with ``rhs_of_equation`` the right-hand side of ``lhs = rhs``.

    Anything it cannot read is one :class:`~derivations.errors.InputError`.
    """
    return read_latex([text], symbol, indexed, rhs_of_equation=rhs_of_equation).values[0]


def read_latex(
    texts: Sequence[str],
    symbol: Callable[[str], sp.Symbol] = real_symbol,
    indexed: Callable[[str], sp.IndexedBase] = real_indexed,
    *,
    declared: Mapping[str, Kind] | None = None,
    rhs_of_equation: bool = True,
    labels: Sequence[str] = (),
    statements: bool = False,
    smooth: Sequence[str] = (),
) -> Reading:
    r"""Read several formulas together (the two sides of a check): one kind per name across all of them.

    ``declared`` gives kinds the user stated (``--matrix H``, ``--function f``);
    ``labels`` prefix error messages (``CLAIMED: ...``); with ``statements`` conditions, memberships, points and
    distributions are read too (:mod:`derivations.reading.statements`), otherwise refused as not quantities;
    the mixed partials of the names in ``smooth`` are taken in one order (Schwarz: they commute).

    >>> r = read_latex([r"\mathbf{A}\mathbf{B}", r"\mathbf{B}\mathbf{A}"])
    >>> r.values, [(n, k.value) for n, k, _ in r.kinds]
    ((A*B, B*A), [('A', 'matrix'), ('B', 'matrix')])
    """
    for t in texts:
        validate_text(t)
    def read() -> Reading:
        reading = _read_all(list(texts), symbol, indexed, dict(declared or {}), rhs_of_equation, list(labels),
                            statements, frozenset(smooth))
        check_sizes(reading.values)  # the formulas, not the record, are what later work expands
        return reading

    return guarded(read, texts[0])


def _read_all(texts, symbol, indexed, declared, rhs_of_equation, labels, statements=False,
              smooth=frozenset()) -> Reading:
    typing = Typing(declared, smooth, has_matrices=any(k in (Kind.MATRIX, Kind.VECTOR) for k in declared.values()))
    for _ in range(_MAX_PASSES):
        readers = []
        try:
            for i, text in enumerate(texts):
                reader = _Reader(prepare(text), symbol, indexed, typing, statements)
                readers.append(reader)
                try:
                    reader.formula(rhs_of_equation)
                except InputError as exc:
                    raise InputError(f"{labels[i]}: {exc}" if i < len(labels) else str(exc)) from None
        except Retype as r:
            if r.name in typing.forced:
                raise InputError(f"the kind of {r.name} does not settle ({r.why})") from None
            typing.forced[r.name] = (r.kind, r.why)
            typing.has_matrices = True
            continue
        except Entrywise:
            if typing.entrywise:
                raise InputError("the formula mixes entrywise operations with matrix products") from None
            typing.entrywise = True
            continue
        except RecursionError:
            raise InputError("formula is nested too deeply") from None
        if not typing.has_matrices and not typing.entrywise and any(r.made_typed for r in readers):
            typing.has_matrices = True
            continue
        return _reading(readers, typing, labels)
    raise InputError("the kinds of the names did not settle")


def _reading(readers, typing: Typing, labels) -> Reading:
    subscripted = set().union(*(r.subscript_bases for r in readers))
    for r in readers:  # x_j on one side is the x[j] of a sum on the other
        if not isinstance(r.value, sp.MatrixBase):
            r.value = r.as_entries(r.value, subscripted=subscripted)
    applied: dict[str, tuple[str, int]] = {}
    bare: dict[str, str] = {}
    for i, r in enumerate(readers):
        side = f"{labels[i]} " if i < len(labels) else ""
        for name, (col, arity) in r.applied.items():
            applied.setdefault(name, (f"{side}column {col}", arity))
        for name, col in r.bare.items():
            bare.setdefault(name, f"{side}column {col}")
    for name, (col, _) in applied.items():
        if name in bare:
            raise InputError(
                f"{name} is written both as a function ({name}(...) at {col}) and as a plain variable "
                f"({bare[name]}): say --function {name} ({name} applied) or --scalar {name} "
                f"({name} times (...)), or write {name}\\cdot(...)")
    kinds: dict[str, tuple[Kind, str]] = {}
    for r in readers:
        for name, kind_why in r.kinds.items():
            kinds.setdefault(name, kind_why)
    return Reading(tuple(r.value for r in readers), tuple((n, k, w) for n, (k, w) in kinds.items()),
                   tuple((n, a) for n, (_, a) in applied.items()), typing.entrywise)


class _Reader(TransposeReader, NotationReader, DerivativeReader, ApplicationReader, StatementReader, MomentReader,
              IndexSetReader, RangeReader):
    def __init__(self, toks, symbol, indexed, typing: Typing, statements: bool = False):
        self.toks, self.pos, self.depth = toks, 0, 0
        self.statements = statements
        self.symbol, self.indexed, self.typing = symbol, indexed, typing
        self.abs_depth = self.norm_depth = 0
        self.bold = self.in_script = False
        self.font = ""
        self.made_typed = False
        self.applied: dict[str, tuple[int, int]] = {}
        self.bare: dict[str, int] = {}
        self.kinds: dict[str, tuple[Kind, str]] = {}
        self.gradients: dict = {}  # gradient read -> the plain name it is taken with respect to
        self.derivatives: dict = {}  # dL_dtheta -> (L, theta, order): a derivative a bar can evaluate
        self.subscript_bases: set[str] = set()  # x of x_i read as x[i] in a sum over i
        self.superscript_bases: set[str] = set()  # x of x^{(j)}
        self.index_sets: dict[str, int] = {}  # S of a sum over S -> its column
        self.typed_entries: dict = {}  # the vector x[1] of \mathbf{x}^{(1)} -> (x, 1)
        self.vector_families: set[str] = set()  # x of a bold x_i in a sum over i: the i-th vector
        self.worded: dict[str, tuple] = {}  # a name whose subscript has a command -> the subscript's tokens
        self.summing: list[str] = []  # the indices of the sums whose body is being read, innermost last
        self.value = None

    def formula(self, rhs_of_equation: bool):
        if not self.toks:
            raise InputError("empty expression")
        value = (self.statements and self.point()) or self.expression()
        while rhs_of_equation and self.peek(*RELATIONS):
            self.next()
            value = self.expression()
        if self.peek(*STATEMENT_TOKENS):
            value = self.statement(value, self.statements)
        if not self.done():
            tok = self.toks[self.pos]
            if tok.text in RELATIONS:
                raise InputError(f"'{tok.text}' at column {tok.col}: give one side of an equation "
                                 "(or use `derivkit check`)")
            raise InputError(f"unexpected {tok.text!r} at column {tok.col}")
        value = self.sized(value)
        self.value = value if isinstance(value, sp.MatrixBase) else self.as_entries(value)
        return self.value

    # ------------------------------------------------------------------ tokens
    def done(self) -> bool:
        return self.pos >= len(self.toks)

    def peek(self, *texts: str) -> bool:
        return not self.done() and self.toks[self.pos].text in texts

    def peek_at(self, offset: int) -> str | None:
        i = self.pos + offset
        return self.toks[i].text if i < len(self.toks) else None

    def current(self) -> Tok:
        if self.done():
            raise InputError("unexpected end of formula")
        return self.toks[self.pos]

    def next(self) -> Tok:
        tok = self.current()
        self.pos += 1
        return tok

    def expect(self, text: str) -> Tok:
        if self.done():
            raise InputError(f"expected {text!r} at the end of the formula")
        tok = self.toks[self.pos]
        if tok.text != text:
            raise InputError(f"expected {text!r} at column {tok.col}, found {tok.text!r}")
        self.pos += 1
        return tok

    def enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InputError(f"formula is nested more than {MAX_DEPTH} levels deep")

    # ------------------------------------------------------------------ grammar
    def expression(self):
        self.enter()
        try:
            value = self.term()
            while self.peek("+", "-", "\\pm"):
                op = self.next().text
                if op == "\\pm":
                    raise InputError("\\pm is ambiguous: write + or -")
                right = self.term()
                self.same_shape(value, right)
                value = check_number(value + right if op == "+" else value - right)
            return value
        finally:
            self.depth -= 1

    def term(self):
        value = self.unary()
        while not self.done():
            tok = self.current()
            if tok.text in MULTIPLY:
                self.next()
                right = self.unary()
                if tok.text == "\\odot":
                    self.entrywise_with(value, right)
                    if not (isinstance(value, sp.MatrixBase) and isinstance(right, sp.MatrixBase)) and any(
                            isinstance(s, MatrixName) for v in (value, right) for s in sp.sympify(v).atoms(sp.Symbol)):
                        raise Entrywise()  # A \odot B of matrices is no matrix product: read entry by entry, or refused
                    value = hadamard(value, right)
                else:
                    value = self.multiply(value, right)
            elif tok.text in ("/", "\\div"):
                self.next()
                right = self.unary()
                value = self.divide(value, right, tok)
            elif self.starts_operand():
                value = self.multiply(value, self.unary())
            else:
                break
        return value

    def same_shape(self, left, right):
        """A plain name added to a vector or matrix is one too (``\\theta + \\alpha \\mathbf{v}``)."""
        for a, b in ((left, right), (right, left)):
            self.gradient_meets(a, b)
            if isinstance(a, sp.Symbol) and not is_typed(a) and is_typed(b) and self.typing.kind(a.name) is None \
                    and not self.typing.entrywise and a.name != "I":
                try:
                    shape = infer_shapes([b], sums=True).shape(b)
                except InputError:
                    return
                if isinstance(shape, Shape) and shape.cols == ONE and shape.rows != ONE:
                    raise Retype(a.name, Kind.VECTOR, f"{a.name} is added to a vector")

    def multiply(self, left, right):
        """``left * right``; a capital scalar name beside a matrix or vector is a matrix."""
        for a, b in ((left, right), (right, left)):
            base = a.base if isinstance(a, sp.Pow) else a
            if is_typed(b) and isinstance(base, sp.Symbol) and not is_typed(base) and capital(base.name) \
                    and self.typing.kind(base.name) is None and not self.typing.entrywise:
                raise Retype(base.name, Kind.MATRIX, f"{base.name} multiplies a matrix or vector")
        if self.is_row(left):
            if isinstance(right, sp.Symbol) and not is_typed(right) and self.typing.kind(right.name) is None \
                    and right.name.split("_")[0] in _LATIN:
                raise Retype(right.name, Kind.VECTOR, f"{right.name} follows the row vector {sp.sstr(left)}")
            right = self.entrywise_application(right, left)
        return check_number(left * right)

    def divide(self, left, right, tok):
        if isinstance(right, sp.MatrixBase) or any(isinstance(s, (MatrixName, IdentityName))
                                                   for s in sp.sympify(right).atoms(sp.Symbol)):
            raise InputError(f"division by a matrix at column {tok.col}: write ^{{-1}} for the inverse")
        if is_typed(right) and not self.typing.entrywise and self.scalar_form(right):
            return check_number(left * right ** -1)  # by y^T s, a 1 x 1: a number
        self.entrywise_with(right)
        return check_number(left / right)

    def entrywise_with(self, *values):
        """An entrywise operation on a vector: the formula is read entry by entry."""
        if any(isinstance(s, VectorName) for v in values for s in sp.sympify(v).atoms(sp.Symbol)):
            raise Entrywise()

    def starts_operand(self) -> bool:
        tok = self.current()
        if tok.kind in ("num", "letter"):
            return True
        if tok.text in ("(", "[", "{", "\\{"):
            return True
        if tok.text == "|":
            return self.abs_depth == 0
        if tok.text in ("\\|", "\\lVert"):
            return self.norm_depth == 0
        if tok.text == "\\partial":  # \gamma \partial f / \partial x: a slash derivative within a few tokens
            ahead = [t.text for t in self.toks[self.pos + 1:self.pos + 10]]
            return any(a == "/" and b == "\\partial" for a, b in zip(ahead, ahead[1:]))
        if tok.kind == "cmd":
            return tok.text not in MULTIPLY | RELATIONS | STATEMENT_TOKENS | {"\\div", "\\right", "\\end", "\\pm", "\\mid",
                                                                           "\\partial", "\\rVert", "\\\\"}
        return False

    def unary(self):
        if self.peek("-", "+"):
            sign = self.next().text
            value = self.unary()
            return -value if sign == "-" else value
        return self.postfix()

    def postfix(self):
        self.enter()
        try:
            value = self.primary()
            while self.peek("^", "!", "'"):
                tok = self.next()
                if tok.text == "!":
                    value = FUNCTIONS["factorial"](value)
                elif tok.text == "'":
                    raise InputError(f"a prime (') at column {tok.col} needs a function: write f'(x)")
                else:
                    value = self.superscript(value, tok)
            return value
        finally:
            self.depth -= 1

    def superscript(self, base, tok):
        length = self.transpose_length()
        if length and self.power_of_t(base, length):
            self.pos += length
            return power(base, self.symbol("T"))
        if length:
            self.pos += length
            return self.transposed(base, tok)
        exponent = self.script_value()
        if any(isinstance(s, VectorName) for s in sp.sympify(base).atoms(sp.Symbol)) and not self.scalar_form(base) \
                and not any(isinstance(s, MatrixName) for s in sp.sympify(base).atoms(sp.Symbol)):
            raise Entrywise()
        return power(base, exponent)

    def script_value(self):
        """The argument of ``^`` or ``_``: a braced group or a single token (``x^2``, ``x^\\alpha``)."""
        if self.peek("{"):
            self.next()
            value = self.expression()
            self.expect("}")
            return value
        tok = self.current()
        if tok.kind == "num":
            return self.single_digit()
        if tok.text == "-":
            raise InputError(f"write negative exponents in braces: ^{{-1}} (column {tok.col})")
        self.in_script = True  # ^m (x - 1): a one-token script never takes an argument list
        try:
            return self.primary()
        finally:
            self.in_script = False

    def single_digit(self):
        """LaTeX reads ``x^23`` as ``x^2 3`` and ``\\frac12`` as ``1/2``: one digit, the rest stays."""
        tok = self.next()
        if len(tok.text) > 1 and tok.text.isdigit():
            self.toks.insert(self.pos, Tok("num", tok.text[1:], tok.col + 1))
            return sp.Integer(int(tok.text[0]))
        return number(tok)

    def group(self):
        """A braced group, or a single token (``\\frac12``)."""
        if self.peek("{"):
            self.next()
            value = self.expression()
            self.expect("}")
            return value
        if self.current().kind == "num":
            return self.single_digit()
        return self.primary()

    def primary(self):
        tok = self.current()
        if tok.kind == "num":
            self.next()
            return number(tok)
        if self.iverson_ahead():
            return self.iverson(tok)
        if tok.kind == "letter" or (tok.kind == "cmd" and tok.text[1:] in LETTERS):
            return self.name_expression()
        if tok.text in ("(", "["):
            self.next()
            value = self.expression()
            if tok.text == "[" and self.peek(","):  # [a, b]: a row vector
                row = [value]
                while self.peek(","):
                    self.next()
                    row.append(self.expression())
                self.expect("]")
                return matrix_of([row])
            self.expect(")" if tok.text == "(" else "]")
            return value
        if tok.text == "{":
            self.next()
            value = self.expression()
            self.expect("}")
            return value
        if tok.text == "|":
            self.next()
            self.abs_depth += 1
            try:
                value = self.expression()
            finally:
                self.abs_depth -= 1
            self.expect("|")
            self.entrywise_with(value)
            return sp.Abs(value)
        if tok.text == "\\|":
            return self.norm(tok)
        if tok.text == "\\{":
            return self.indexed_set(tok)
        if tok.kind != "cmd":
            raise InputError(f"unexpected {tok.text!r} at column {tok.col}")
        return self.command(tok)

    def command(self, tok):
        name = tok.text[1:]
        if name in ("argmin", "argmax", "mathrm", "operatorname") and (function := self.arg_extremum_name()):
            return self.arg_extremum(function, tok)
        if name == "left":
            self.next()
            opening = self.next().text
            if opening in ("\\|", "\\lVert", "\\Vert"):
                self.pos -= 1
                return self.norm(self.current())
            closing = {"(": ")", "[": "]", "|": "|", "\\{": "\\}", "\\|": "\\|", "\\lvert": "\\rvert", ".": "."}
            if opening not in closing:
                raise InputError(f"unsupported delimiter \\left{opening} at column {tok.col}")
            value = self.expression()
            self.expect("\\right")
            end = self.next()
            if opening == "." and end.text == "|" and self.peek("_") and not self.names_a_variable():
                return self.derivative_at(value, end)
            if opening == "." and end.text == "|":
                return self.evaluated_at(value, end)
            if opening in ("|", "(") and end.text == closing[opening] and self.peek("_") and value in self.derivatives:
                return self.derivative_at(value, end)  # |dL/dtheta|_{theta_t}, (dL/dtheta)_{theta_0}
            if end.text not in (closing[opening], "."):
                raise InputError(f"\\left{opening} closed by \\right{end.text} at column {end.col}")
            if opening in ("|", "\\lvert"):
                self.entrywise_with(value)
                return sp.Abs(value)
            return value
        if name in ("frac", "dfrac", "tfrac"):
            self.next()
            if self.is_partial_fraction():
                return self.partial_symbol(tok)
            numerator = self.group()
            denominator = self.group()
            return self.divide(numerator, denominator, tok)
        if name == "sqrt":
            self.next()
            degree = None
            if self.peek("["):
                self.next()
                degree = self.expression()
                self.expect("]")
            value = self.group()
            self.entrywise_with(value)
            return sp.sqrt(value) if degree is None else power(value, 1 / degree)
        if name in ("sum", "prod"):
            return self.big_operator(tok)
        if name in _FUNCTIONS:
            self.next()
            return self.apply(_FUNCTIONS[name], tok, name)
        if name in ACCENTS or name in FONTS:
            return self.name_expression()
        if name == "pi":
            self.next()
            return sp.pi
        if name in ("underbrace", "overbrace", "boxed", "underline", "overline"):
            self.next()  # presentation: the formula is the group; an under- or overbrace label is dropped
            value = self.group()
            if name in ("underbrace", "overbrace") and self.peek("_", "^"):
                self.next()
                self.skip_group()
            return value
        if name in ("binom", "dbinom", "tbinom"):
            self.next()
            return FUNCTIONS["binomial"](self.group(), self.group())
        if name == "nabla":
            return self.gradient(tok)
        if name in ("|", "lVert", "Vert"):
            return self.norm(tok)
        if name == "infty":
            self.next()
            return sp.oo
        if name == "begin":
            return self.environment(tok)
        if name == "partial":
            return self.slash_derivative(tok)
        raise InputError(f"unsupported LaTeX command {tok.text} at column {tok.col}")
