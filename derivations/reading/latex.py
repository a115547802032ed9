r"""A small, bounded recursive-descent reader for LaTeX formulas as written in lecture notes.

SymPy's own LaTeX parser needs ANTLR and fails on ``\sigma``, ``\partial`` and
``\hat``; this reader covers the subset lecture notes use and nothing more:
numbers, single letters (``xy`` is ``x*y``, as in LaTeX), Greek letters
(``\sigma``, ``\varepsilon`` = ``\epsilon``, ``\ell``), subscripts as part of a
name (``x_1``, ``\sigma_{k}``), ``x^{(j)}`` as the indexed symbol ``x[j]``,
accents as names (``\hat{x}`` is ``xhat``, ``\tilde{\theta}`` is
``thetatilde``; ``\mathbf{w}`` is ``w``), ``+ - * / \cdot \times \div``,
implicit products, powers (``^2``, ``^{3/2}``), ``^T``/``^\top`` (transpose),
``\frac``, ``\dfrac``, ``\sqrt``, ``\sqrt[n]``, ``\left( \right)``,
``|x|``, ``\sum_{j=1}^{m}``, ``\prod``, functions (``\exp``, ``\log``, ``\ln``,
``\sin``, ``\cos``, ``\tanh``, ``\max``, ``\min``, ``\operatorname{sign}``),
``pmatrix``/``bmatrix`` environments, and
``\frac{\partial \ell}{\partial y_j}`` read as one named symbol ``dell_dy_j``
(indexed when the denominator is: ``\partial \hat{x}^{(j)}`` gives
``dell_dxhat[j]``).  A formula ``lhs = rhs`` is refused unless the caller
asks for its right-hand side.  As everywhere in derivkit, ``e`` is a symbol
like any other letter: write ``\exp`` for the exponential (``\pi`` is the
constant).

Input is bounded (length, nesting depth, exponents via
:func:`derivations.reading.parsing.power`); nothing is ever executed.

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> import sympy as sp
>>> sym = lambda n: sp.Symbol(n, real=True)
>>> idx = lambda n: sp.IndexedBase(n, real=True)
>>> parse_latex(r"\frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}", sym, idx)
(-mu + x_i)/sqrt(epsilon + sigma**2)
>>> parse_latex(r"-\frac{2}{m} \sum_{j=1}^{m} (x^{(j)} - \mu)", sym, idx)
-2*Sum(-mu + x[j], (j, 1, m))/m
>>> parse_latex(r"\frac{\partial \ell}{\partial \hat{x}^{(j)}} \gamma", sym, idx)
gamma*dell_dxhat[j]
>>> parse_latex(r"\left| x \right| + 2\cdot 3", sym, idx)
Abs(x) + 6
>>> parse_latex(r"x \mathbin{\#} y", sym, idx)
Traceback (most recent call last):
...
derivations.errors.InputError: unsupported LaTeX command \mathbin at column 3
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from derivations.errors import InputError
from derivations.reading.parsing import (FUNCTIONS, GREEK, MAX_DEPTH, MAX_DIGITS, VARIANTS, bounded_sum, check_number,
                                         guarded, hadamard, matrix_of, power, readable_name, real_indexed, real_symbol)

_TOKEN = re.compile(
    r"(?P<cmd>\\[A-Za-z]+)|(?P<esc>\\\\|\\.)|(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<letter>[A-Za-z])"
    r"|(?P<space>\s+)|(?P<op>[{}()\[\]^_+\-*/=|,&!'.<>~])|(?P<other>.)",
    re.S,
)
_IGNORED = {"\\left.", "\\right.", "\\displaystyle", "\\limits", "\\nolimits", "\\quad", "\\qquad", "\\big",
            "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\,",
            "\\;", "\\!", "\\:", "\\ ", "~", "\\textstyle"}
_FUNCTIONS = {"exp": "exp", "log": "log", "ln": "log", "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh",
              "cosh": "cosh", "tanh": "tanh", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "max": "Max",
              "min": "Min", "sgn": "sign", "erf": "erf"}
_NAMED = {"sign", "sgn", "relu", "sigmoid", "softplus", "exp", "log", "ln", "tanh", "max", "min", "erf", "Abs",
          "abs"}
_ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
            "overline": "bar", "dot": "dot", "check": "check", "vec": ""}
_FONTS = {"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "text", "textrm", "mathsf", "mathcal", "mathbb",
          "operatorname", "textbf", "textit"}
_GREEK = set(GREEK) | {g.capitalize() for g in GREEK} | set(VARIANTS) | {"ell"}
_MULTIPLY = {"*", "\\cdot", "\\times", "\\ast", "\\odot", "\\circ"}
_ENVIRONMENTS = {"pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix"}


@dataclass
class _Tok:
    kind: str
    text: str
    col: int


def _tokenize(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "space" or value in _IGNORED:
            continue
        if kind == "other":
            if value in {"·", "×"}:
                kind, value = "op", "*"
            elif value in {"−", "–"}:
                kind, value = "op", "-"
            elif readable_name(value) != value:
                kind, value = "cmd", "\\" + readable_name(value)
            else:
                raise InputError(f"unexpected character {value!r} at column {m.start() + 1}")
        if kind == "num" and len(value) > MAX_DIGITS:
            raise InputError(f"number with more than {MAX_DIGITS} digits at column {m.start() + 1}")
        out.append(_Tok(kind, value, m.start() + 1))
    return out


def parse_latex(
    text: str,
    symbol: Callable[[str], sp.Symbol] = real_symbol,
    indexed: Callable[[str], sp.IndexedBase] = real_indexed,
    rhs_of_equation: bool = False,
) -> sp.Basic:
    """Read a LaTeX formula; with ``rhs_of_equation`` the right-hand side of ``lhs = rhs``.

    Anything it cannot read is one :class:`~derivations.errors.InputError`.
    """
    return guarded(lambda: _read(text, symbol, indexed, rhs_of_equation), text)


def _read(text, symbol, indexed, rhs_of_equation) -> sp.Basic:
    text = re.sub(r"([A-Za-z])\u0302", r"\\hat{\1}", text)  # x̂ typed as x + combining circumflex
    text = text.replace("²", "^{2}").replace("³", "^{3}").replace("ᵀ", "^{T}")
    reader = _Reader(_tokenize(text), symbol, indexed)
    if not reader.toks:
        raise InputError("empty expression")
    try:
        value = reader.expression()
        while rhs_of_equation and reader.peek("="):
            reader.next()
            value = reader.expression()
    except RecursionError:
        raise InputError("formula is nested too deeply") from None
    if not reader.done():
        tok = reader.toks[reader.pos]
        if tok.text == "=":
            raise InputError(f"'=' at column {tok.col}: give one side of an equation (or use `derivkit check`)")
        raise InputError(f"unexpected {tok.text!r} at column {tok.col}")
    return value


class _Reader:
    def __init__(self, toks, symbol, indexed):
        self.toks, self.pos, self.depth = toks, 0, 0
        self.symbol, self.indexed = symbol, indexed
        self.abs_depth = 0

    # ------------------------------------------------------------------ tokens
    def done(self) -> bool:
        return self.pos >= len(self.toks)

    def peek(self, *texts: str) -> bool:
        return not self.done() and self.toks[self.pos].text in texts

    def current(self) -> _Tok:
        if self.done():
            raise InputError("unexpected end of formula")
        return self.toks[self.pos]

    def next(self) -> _Tok:
        tok = self.current()
        self.pos += 1
        return tok

    def expect(self, text: str) -> _Tok:
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
                value = check_number(value + right if op == "+" else value - right)
            return value
        finally:
            self.depth -= 1

    def term(self):
        value = self.unary()
        while not self.done():
            tok = self.current()
            if tok.text in _MULTIPLY:
                self.next()
                right = self.unary()
                value = hadamard(value, right) if tok.text == "\\odot" else check_number(value * right)
            elif tok.text in ("/", "\\div"):
                self.next()
                right = self.unary()
                if isinstance(right, sp.MatrixBase):
                    raise InputError(f"division by a matrix at column {tok.col}")
                value = check_number(value / right)
            elif self.starts_operand():
                value = check_number(value * self.unary())
            else:
                break
        return value

    def starts_operand(self) -> bool:
        tok = self.current()
        if tok.kind in ("num", "letter"):
            return True
        if tok.text in ("(", "[", "{", "\\{"):
            return True
        if tok.text == "|":
            return self.abs_depth == 0
        if tok.kind == "cmd":
            return tok.text not in _MULTIPLY | {"\\div", "\\right", "\\end", "\\pm", "\\partial"}
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
                    raise InputError(f"primes (') are not supported at column {tok.col}: name the derivative")
                else:
                    value = self.superscript(value)
            return value
        finally:
            self.depth -= 1

    def superscript(self, base):
        if self.peek("\\top", "\\intercal", "T") or self.peek_group_of("T", "\\top", "\\intercal"):
            self.skip_script()
            return base.T if isinstance(base, sp.MatrixBase) else base
        exponent = self.script_value()
        return power(base, exponent)

    def peek_group_of(self, *texts) -> bool:
        return (self.peek("{") and self.pos + 2 < len(self.toks) and self.toks[self.pos + 1].text in texts
                and self.toks[self.pos + 2].text == "}")

    def skip_script(self):
        if self.peek("{"):
            self.pos += 3
        else:
            self.pos += 1

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
        return self.primary()

    def single_digit(self):
        """LaTeX reads ``x^23`` as ``x^2 3`` and ``\\frac12`` as ``1/2``: one digit, the rest stays."""
        tok = self.next()
        if len(tok.text) > 1 and tok.text.isdigit():
            self.toks.insert(self.pos, _Tok("num", tok.text[1:], tok.col + 1))
            return sp.Integer(int(tok.text[0]))
        return _number(tok)

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
            return _number(tok)
        if tok.kind == "letter" or (tok.kind == "cmd" and tok.text[1:] in _GREEK):
            return self.name_expression()
        if tok.text in ("(", "["):
            self.next()
            value = self.expression()
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
            return sp.Abs(value)
        if tok.kind != "cmd":
            raise InputError(f"unexpected {tok.text!r} at column {tok.col}")
        return self.command(tok)

    def command(self, tok):
        name = tok.text[1:]
        if name == "left":
            self.next()
            opening = self.next().text
            closing = {"(": ")", "[": "]", "|": "|", "\\{": "\\}", "\\|": "\\|", "\\lvert": "\\rvert", ".": "."}
            if opening not in closing:
                raise InputError(f"unsupported delimiter \\left{opening} at column {tok.col}")
            value = self.expression()
            self.expect("\\right")
            end = self.next()
            if end.text not in (closing[opening], "."):
                raise InputError(f"\\left{opening} closed by \\right{end.text} at column {end.col}")
            return sp.Abs(value) if opening in ("|", "\\lvert") else value
        if name in ("frac", "dfrac", "tfrac"):
            self.next()
            if self.is_partial_fraction():
                return self.partial_symbol(tok)
            numerator = self.group()
            denominator = self.group()
            if isinstance(denominator, sp.MatrixBase):
                raise InputError(f"division by a matrix at column {tok.col}")
            return check_number(numerator / denominator)
        if name == "sqrt":
            self.next()
            degree = None
            if self.peek("["):
                self.next()
                degree = self.expression()
                self.expect("]")
            value = self.group()
            return sp.sqrt(value) if degree is None else power(value, 1 / degree)
        if name in ("sum", "prod"):
            return self.big_operator(tok)
        if name in _FUNCTIONS:
            self.next()
            return self.apply(_FUNCTIONS[name], tok)
        if name in _ACCENTS or name in _FONTS:
            return self.name_expression()
        if name == "pi":
            self.next()
            return sp.pi
        if name == "infty":
            self.next()
            return sp.oo
        if name == "begin":
            return self.environment(tok)
        if name == "partial":
            raise InputError(f"\\partial outside \\frac{{\\partial ...}}{{\\partial ...}} at column {tok.col}")
        raise InputError(f"unsupported LaTeX command {tok.text} at column {tok.col}")

    def apply(self, function: str, tok):
        exponent = None
        if self.peek("^"):  # \sin^2 x
            self.next()
            exponent = self.script_value()
        if self.peek("(") or self.peek("\\left"):
            if self.peek("("):
                self.next()
                args = [self.expression()]
                while self.peek(","):
                    self.next()
                    args.append(self.expression())
                self.expect(")")
            else:
                args = [self.primary()]
        elif self.peek("{"):
            args = [self.group()]
        else:
            args = [self.postfix()]
        try:
            value = FUNCTIONS[function](*args)
        except InputError:
            raise
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad arguments to {tok.text} at column {tok.col}: {exc}") from None
        return value if exponent is None else power(value, exponent)

    # ------------------------------------------------------------------ names
    def name_expression(self):
        """A name with its accents, subscripts and ``^{(j)}`` index: a Symbol, an Indexed or a function call."""
        name, index = self.name_with_index()
        if index is None and name in _NAMED and self.peek("("):
            function = _FUNCTIONS.get(name, name)
            if function in FUNCTIONS:
                return self.apply(function, self.toks[self.pos - 1])
        if index is not None:
            return self.indexed(name)[index]
        return sp.pi if name == "pi" else self.symbol(name)

    def name_with_index(self) -> tuple[str, sp.Basic | None]:
        name = self.bare_name()
        while self.peek("_"):
            self.next()
            name += "_" + self.subscript_text()
        index = None
        if self.peek("^") and self.pos + 3 < len(self.toks) and self.toks[self.pos + 1].text == "{" \
                and self.toks[self.pos + 2].text == "(":
            self.pos += 3
            index = self.expression()
            self.expect(")")
            self.expect("}")
            if self.peek("_"):  # x^{(j)}_i
                self.next()
                name += "_" + self.subscript_text()
        return name, index

    def bare_name(self) -> str:
        tok = self.next()
        if tok.kind == "letter":
            return tok.text
        name = tok.text[1:]
        if name in _GREEK:
            return readable_name(name)
        if name in _ACCENTS:
            inner = self.braced_name()
            return inner + _ACCENTS[name]
        if name in _FONTS:
            return self.braced_name()
        raise InputError(f"expected a name at column {tok.col}, found {tok.text}")

    def braced_name(self) -> str:
        if not self.peek("{"):
            if self.done():
                raise InputError("expected a name at the end of the formula")
            return self.bare_name()
        self.next()
        parts = []
        while not self.peek("}"):
            tok = self.current()
            if tok.kind in ("letter", "num"):
                self.next()
                parts.append(tok.text)
            elif tok.kind == "cmd" and (tok.text[1:] in _GREEK or tok.text[1:] in _ACCENTS or tok.text[1:] in _FONTS):
                parts.append(self.bare_name())
            elif tok.text == "_":
                self.next()
                parts.append("_" + self.subscript_text())
            elif tok.text in ("-", " "):
                self.next()
                parts.append("_")
            else:
                raise InputError(f"unexpected {tok.text!r} in a name at column {tok.col}")
        self.expect("}")
        if not parts:
            raise InputError("empty name")
        return "".join(parts)

    def subscript_text(self) -> str:
        if not self.peek("{"):
            tok = self.next()
            if tok.kind == "num":
                if len(tok.text) > 1:
                    self.toks.insert(self.pos, _Tok("num", tok.text[1:], tok.col + 1))
                return tok.text[0]
            if tok.kind == "letter":
                return tok.text
            if tok.kind == "cmd" and tok.text[1:] in _GREEK:
                return readable_name(tok.text[1:])
            raise InputError(f"a subscript must be a name or number (column {tok.col})")
        return self.braced_name()

    def is_partial_fraction(self) -> bool:
        return self.peek("{") and self.pos + 1 < len(self.toks) and self.toks[self.pos + 1].text in (
            "\\partial", "d") and self._partial_denominator()

    def _partial_denominator(self) -> bool:
        # {\partial ...}{\partial ...}: find the closing brace of the numerator
        level, i = 0, self.pos
        while i < len(self.toks):
            t = self.toks[i].text
            level += t == "{"
            level -= t == "}"
            if level == 0:
                break
            i += 1
        return i + 2 < len(self.toks) and self.toks[i + 1].text == "{" and self.toks[i + 2].text in (
            "\\partial", "d") and self.toks[i + 2].text == self.toks[self.pos + 1].text

    def partial_symbol(self, tok):
        top, top_index = self.partial_part()
        bottom, bottom_index = self.partial_part()
        indices = tuple(dict.fromkeys(i for i in (top_index, bottom_index) if i is not None))
        name = f"d{top}_d{bottom}"
        if indices:
            base = self.indexed(name)
            return base[indices] if len(indices) > 1 else base[indices[0]]
        return self.symbol(name)

    def partial_part(self) -> tuple[str, sp.Basic | None]:
        self.expect("{")
        self.next()  # \partial or d
        order = ""
        if self.peek("^"):
            raise InputError("higher partial derivatives are not supported in \\frac{\\partial ...}")
        name, index = self.name_with_index()
        if self.peek("^"):  # \partial \sigma^2
            self.next()
            exponent = self.script_value()
            order = str(exponent)
        self.expect("}")
        return name + order, index

    # ------------------------------------------------------------------ big operators
    def big_operator(self, tok):
        self.next()
        lower = upper = index = None
        for _ in range(2):
            if self.peek("_"):
                self.next()
                self.expect("{")
                index = self.symbol(self.subscript_text_until("="))
                self.expect("=")
                lower = self.expression()
                self.expect("}")
            elif self.peek("^"):
                self.next()
                upper = self.script_value()
        if index is None or upper is None:
            raise InputError(f"write sums with both limits: \\sum_{{j=1}}^{{m}} (column {tok.col})")
        body = self.term()
        if tok.text == "\\sum":
            return bounded_sum(body, index, lower, upper)
        bounded_sum(body, index, lower, upper)  # the same bounds
        return sp.Product(body, (index, lower, upper))

    def subscript_text_until(self, stop: str) -> str:
        parts = []
        while not self.peek(stop):
            tok = self.next()
            if tok.kind in ("letter", "num"):
                parts.append(tok.text)
            elif tok.kind == "cmd" and tok.text[1:] in _GREEK:
                parts.append(readable_name(tok.text[1:]))
            else:
                raise InputError(f"unexpected {tok.text!r} in a sum index at column {tok.col}")
        if not parts:
            raise InputError("a sum needs an index: \\sum_{j=1}^{m}")
        return "".join(parts)

    def environment(self, tok):
        self.next()
        kind = self.braced_name()
        if kind not in _ENVIRONMENTS:
            raise InputError(f"unsupported environment {kind!r} at column {tok.col}")
        rows, row = [], []
        while True:
            row.append(self.expression())
            if self.peek("&"):
                self.next()
                continue
            if self.peek("\\\\"):
                self.next()
                rows.append(row)
                row = []
                if self.peek("\\end"):
                    break
                continue
            rows.append(row)
            break
        self.expect("\\end")
        if self.braced_name() != kind:
            raise InputError(f"\\begin{{{kind}}} closed by a different \\end")
        rows = [r for r in rows if r]
        return matrix_of(rows if len(rows[0]) > 1 else [r[0] for r in rows])


def _number(tok: _Tok) -> sp.Rational:
    text = tok.text
    return sp.Integer(text) if text.isdigit() else sp.Rational(text if not text.endswith(".") else text[:-1])
