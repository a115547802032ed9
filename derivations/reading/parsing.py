r"""Safe parsing of user-supplied expressions: text becomes SymPy, never code.

Two notations are read:

* **SymPy style** (``x^2 + beta*E``, ``Sum(x[j], (j, 1, m))``): the text is
  tokenized, rewritten (``^`` is a power; keywords such as ``lambda`` become
  ordinary names; ``2x`` gets its ``*``), parsed into a Python syntax tree with
  ``ast.parse`` (which executes nothing) and converted node by node.  Only
  numbers, names, arithmetic, powers, calls of whitelisted math functions
  (:data:`FUNCTIONS`), indexing (``x[j]`` is an ``Indexed``) and lists (for
  ``Matrix``) are allowed.
* **LaTeX as written in lecture notes**: a small bounded recursive-descent
  reader, :mod:`derivations.reading.latex`, built on this module's whitelist.

Every bare name is a symbol, including names SymPy reserves (``beta``,
``gamma``, ``lambda``, ``var``, ``E``, ``I``, ``N``, ``S``, ``O``, ``Q``, ``e``);
only ``pi`` means the constant.  Greek letters map to readable names
(``σ`` is ``sigma``), ``x_{1}`` is the symbol ``x_1`` and ``x^{(j)}`` is the
indexed symbol ``x[j]``.  Decimal literals are exact (``0.1`` is ``1/10``).
Sizes are bounded: text length, nesting depth, digits of numbers, exponents,
sum ranges, derivative orders and matrix sizes, so that no input can make the
parser (or a later evaluation) run away.

Examples
========

>>> parse_expression("x^2 + beta*E")
E*beta + x**2
>>> parse_expression("sqrt(sigma2 + eps) * 0.5")
sqrt(eps + sigma2)/2
>>> parse_expression("lambda*x_{1} + 2σ")
lambda*x_1 + 2*sigma
>>> parse_expression("Sum(x^{(j)}, (j, 1, m))")
Sum(x[j], (j, 1, m))
>>> parse_expression("__import__(os)")
Traceback (most recent call last):
...
derivations.errors.InputError: '__import__' is not an allowed function (allowed: Abs, Derivative, Heaviside, ...)
>>> parse_expression("x.real")
Traceback (most recent call last):
...
derivations.errors.InputError: attribute access is not allowed (column 1)
>>> parse_expression("10**10**10")
Traceback (most recent call last):
...
derivations.errors.InputError: exponent 10000000000 is too large (the limit is 10000): use a smaller exponent, or a symbol for it
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import re
import tokenize
import unicodedata
from typing import Callable, Mapping

import sympy as sp

from derivations.errors import InputError
from derivations.reading.bounded import (MAX_FACTORIAL, MAX_TERMS, _bounded_int,
                                         bounded_diff,
                                         bounded_sum, check_number, power)
from derivations.reading.segments import PLACEHOLDER, Chunk, Piece, pieces
from derivations.reading.sizes import check_sizes
from derivations.reading.shapes import METHODS, Kind, typed

MAX_LENGTH = 1_000_000  # characters of input
SHORT_TEXT = 4000  # characters up to which the text goes to ast.parse in one piece
MAX_DEPTH = 60  # nesting of the syntax tree
MAX_DIGITS = 100  # digits of a number literal
MAX_ENTRIES = 400  # entries of a matrix
MAX_DET = 6  # size of a matrix whose determinant is expanded

GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma "
    "tau upsilon phi chi psi omega"
).split()
_UNICODE = {g: g.upper().replace("LAMBDA", "LAMDA") for g in GREEK}
_GREEK_CHARS = {unicodedata.lookup(f"GREEK SMALL LETTER {u}"): g for g, u in _UNICODE.items()}
_GREEK_CHARS.update({unicodedata.lookup(f"GREEK CAPITAL LETTER {u}"): g.capitalize() for g, u in _UNICODE.items()})
_GREEK_CHARS.update({"ϵ": "epsilon", "ε": "epsilon", "ϑ": "theta", "ϕ": "phi", "φ": "phi", "ς": "sigma", "ℓ": "ell"})
#: LaTeX variants that name the same letter
VARIANTS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho", "varsigma": "sigma",
            "varpi": "pi"}
_SUPERSCRIPTS = {"²": "**2", "³": "**3", "⁻¹": "**(-1)"}


def readable_name(name: str) -> str:
    """The canonical spelling of a name: Greek letters spelled out, LaTeX variants merged.

    >>> readable_name("σ_1"), readable_name("varepsilon"), readable_name("x_i"), readable_name("x̂")
    ('sigma_1', 'epsilon', 'x_i', 'xhat')
    """
    out = "".join(_GREEK_CHARS.get(c, c) for c in name).replace("\u0302", "hat").replace("\u0303", "tilde")
    return VARIANTS.get(out, out)


def real_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


# --------------------------------------------------------------------------- bounded builders


def matrix_of(rows) -> sp.Matrix:
    if isinstance(rows, sp.MatrixBase):
        return rows
    if not isinstance(rows, list) or not rows:
        raise InputError("Matrix() takes a list of rows, e.g. Matrix([[a, b], [c, d]]) or Matrix([a, b])")
    if all(isinstance(r, list) for r in rows):
        width = len(rows[0])
        if any(len(r) != width for r in rows) or width == 0:
            raise InputError("matrix rows must have the same, nonzero length")
        if len(rows) * width > MAX_ENTRIES:
            raise InputError(f"matrices of more than {MAX_ENTRIES} entries are not allowed")
        flat = [e for r in rows for e in r]
    else:
        if len(rows) > MAX_ENTRIES:
            raise InputError(f"matrices of more than {MAX_ENTRIES} entries are not allowed")
        width, flat = 1, list(rows)
    if any(isinstance(e, (list, sp.MatrixBase)) for e in flat):
        raise InputError("matrix entries must be expressions")
    return sp.Matrix(len(flat) // width, width, flat)


def _eye(n, m=None) -> sp.Matrix:
    rows = _bounded_int(n, 20, "the size of eye()")
    cols = rows if m is None else _bounded_int(m, 20, "the size of eye()")
    return sp.eye(rows, cols)


def _factorial(n):
    if n.is_number and not (n.is_real and n <= MAX_FACTORIAL):
        raise InputError(f"factorial of {n} is too large (the limit is {MAX_FACTORIAL}): use a smaller argument")
    return check_number(sp.factorial(n))


def _rational(p, q=sp.S.One):
    if not (isinstance(p, sp.Rational) and isinstance(q, sp.Rational)) or q == 0:
        raise InputError("Rational(p, q) takes two numbers, q nonzero")
    return sp.Rational(p) / q


def _dot(a, b):
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
        if a.shape != b.shape:
            raise InputError(f"dot() of shapes {a.shape} and {b.shape}")
        return sum((x * y for x, y in zip(a, b)), sp.S.Zero)
    return a * b


def hadamard(a, b):
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
        if a.shape != b.shape:
            raise InputError(f"elementwise product of shapes {a.shape} and {b.shape}")
        return a.multiply_elementwise(b)
    return a * b


FUNCTIONS: dict[str, Callable] = {
    "sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "ln": sp.log,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "atan2": sp.atan2,
    "Abs": sp.Abs, "abs": sp.Abs, "sign": sp.sign, "Max": sp.Max, "Min": sp.Min, "max": sp.Max, "min": sp.Min,
    "Rational": _rational, "erf": sp.erf, "Heaviside": sp.Heaviside, "KroneckerDelta": sp.KroneckerDelta,
    "factorial": _factorial,
    "sigmoid": lambda x: 1 / (1 + sp.exp(-x)), "relu": lambda x: sp.Max(0, x),
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "diff": bounded_diff, "Derivative": bounded_diff,
    "Sum": None,  # handled by _call: Sum(body, (j, lo, hi))
    "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh, "binomial": sp.binomial,
    "Product": None, "product": None,  # handled by _call like Sum
    "Matrix": matrix_of, "eye": _eye, "transpose": METHODS["T"], "Transpose": METHODS["T"], "inv": METHODS["inv"],
    "dot": _dot, "hadamard": hadamard,
    "trace": METHODS["trace"], "det": METHODS["det"],
}

# --------------------------------------------------------------------------- SymPy-style text

_INDEX_FORM = re.compile(
    r"([A-Za-z_\u0370-\u03ff][\w\u0370-\u03ff]*)\s*\^\s*\{\s*\(\s*(\w+)\s*\)\s*\}(?:_\{?(\w+)\}?)?"
)
_BRACED_SUBSCRIPT = re.compile(r"_\{\s*([\w\u0370-\u03ff]+)\s*\}")
_KEYWORD_PREFIX = "_kw_"
_NAMES_OF = {
    ast.Attribute: "attribute access", ast.Lambda: "lambda expressions",
    ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions", ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions", ast.Dict: "dictionaries", ast.Set: "sets",
    ast.Compare: "comparisons", ast.BoolOp: "boolean operators", ast.IfExp: "conditional expressions",
    ast.Starred: "starred arguments", ast.JoinedStr: "strings", ast.NamedExpr: "assignment expressions",
    ast.Await: "await", ast.Yield: "yield", ast.Slice: "slices",
}


def parse_expression(
    text: str,
    symbol: Callable[[str], sp.Symbol] = real_symbol,
    *,
    indexed: Callable[[str], sp.IndexedBase] | None = None,
    kinds: Mapping[str, Kind] | None = None,
    max_terms: int = MAX_TERMS,
    expansion: bool = True,
) -> sp.Basic:
    """Parse ``text`` into a SymPy expression (or matrix); an :class:`InputError` for anything else.

    ``symbol(name)`` makes the symbol for a name (default: a real symbol) and
    ``indexed(name)`` the ``IndexedBase`` for ``x[j]`` / ``x^{(j)}`` (default:
    a real ``IndexedBase``); ``kinds`` declares matrices, vectors and functions
    (``f(x)`` is then ``f`` applied, ``M.T`` and ``M.inv()`` its transpose and inverse); ``max_terms``
    bounds a ``Sum`` with numeric limits.  ``expansion=False`` is for a caller that only evaluates the
    expression numerically: the limits on degree and terms after expansion
    (:func:`~derivations.reading.sizes.check_expansion`) are then the caller's to apply before any
    symbolic work; nested sums are still limited.  Text longer than :data:`SHORT_TEXT` is read in pieces
    (:mod:`~derivations.reading.segments`): sums of any length.  LaTeX is
    :func:`derivations.reading.latex.parse_latex`.
    """
    indexed = indexed or real_indexed
    return guarded(lambda: _parse_sympy_style(text, symbol, indexed, dict(kinds or {}), max_terms), text, expansion)


def real_indexed(name: str) -> sp.IndexedBase:
    return sp.IndexedBase(name, real=True)


def guarded(read: Callable[[], sp.Basic], text: str, expansion: bool = True) -> sp.Basic:
    """Run a reader of ``text`` so that anything it cannot read, or too large to work on, is one :class:`InputError`.

    ``expansion``: whether the limits on expansion (degree, terms) apply here (see :func:`parse_expression`).
    """
    validate_text(text)
    try:
        value = read()
        check_sizes(value, expansion)  # nested sums, terms after expansion, degree: refused before any work on them
        return value
    except InputError:
        raise
    except (RecursionError, MemoryError):
        raise InputError("expression is too large or nested too deeply") from None
    except (ArithmeticError, TypeError, ValueError, AttributeError, IndexError, KeyError, NotImplementedError,
            sp.SympifyError, sp.ShapeError) as exc:  # SymPy refusing an odd combination: never a traceback
        raise InputError(f"cannot interpret the expression: {type(exc).__name__}: {str(exc)[:160]}") from None


def _parse_sympy_style(text: str, symbol, indexed, kinds, max_terms: int = MAX_TERMS) -> sp.Basic:
    source, columns = _rewrite(text)
    converter = _Converter(symbol, indexed, columns, kinds, max_terms)
    # long text: each piece is the sum of its separately parsed chunks (no recursion over the length)
    for piece in pieces(source) if len(source) > SHORT_TEXT else [Piece((Chunk(source, 0),))]:
        try:
            values = [converter.convert(_syntax_tree(c.text, lambda k, at=c.offset: columns(k + at)).body, 0)
                      for c in piece.chunks]
        except RecursionError:
            raise InputError("expression is nested too deeply") from None
        converter.placeholders.append(values[0] if len(values) == 1 else converter.combine(ast.Add, values, None))
    value = converter.placeholders[-1]
    if isinstance(value, list):
        value = matrix_of(value)
    if isinstance(value, sp.Tuple):
        raise InputError("a tuple is not an expression (tuples only appear in Sum limits)")
    return value


def _syntax_tree(source: str, columns):
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as exc:
        col = columns(exc.offset) if exc.offset else None
        where = f" at column {col}" if col else ""
        limit = " (the limit is 200 levels)" if "too many nested parentheses" in exc.msg else ""  # Python's MAXLEVEL
        raise InputError(f"syntax error{where}: {exc.msg}{limit}") from None
    except (RecursionError, MemoryError):
        raise InputError("expression is nested too deeply") from None
    except ValueError as exc:
        raise InputError(f"malformed expression: {exc}") from None


def validate_text(text) -> None:
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty expression")
    if len(text) > MAX_LENGTH:
        raise InputError(f"expression of {len(text):,} characters exceeds the limit of {MAX_LENGTH:,}: write it with "
                         "a Sum over an index, or shorter")
    if "\x00" in text:
        raise InputError("the expression contains a NUL character")


def _rewrite(text: str) -> tuple[str, Callable[[int], int]]:
    """Tokenize and rewrite lecture-note habits; also a map from rewritten to original columns."""
    pre = text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    bad = re.search(r"\d*\.\d*\.[\d.]*", pre)
    if bad and re.search(r"\d", bad.group()):
        raise InputError(f"malformed number {bad.group()!r} at column {bad.start() + 1}: a number has at most one "
                         "decimal point (e.g. 1.1)")
    pre = _INDEX_FORM.sub(lambda m: f"{m.group(1)}{'_' + m.group(3) if m.group(3) else ''}[{m.group(2)}]", pre)
    pre = _BRACED_SUBSCRIPT.sub(lambda m: f"_{m.group(1)}", pre)
    if "ᵀ" in pre:
        raise InputError(f"write transpose(...) instead of ᵀ (column {pre.index('ᵀ') + 1})")
    pre = re.sub("([A-Za-z\u0370-\u03ff])\u0302", r"\1hat", pre)  # x̂: x + combining circumflex
    pre = "".join(_GREEK_CHARS.get(c, c) for c in pre)  # before Python's NFKC folds ℓ into l
    for sup, rep in _SUPERSCRIPTS.items():
        pre = pre.replace(sup, rep)
    pieces: list[tuple[str, int]] = []  # (text, original column)
    previous = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(pre).readline):
            kind, string, (_, col) = tok.type, tok.string, tok.start
            if kind in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT):
                continue
            if kind == tokenize.COMMENT:
                raise InputError(f"'#' is not allowed (column {col + 1})")
            if kind == tokenize.ERRORTOKEN and string.strip():
                raise InputError(f"unexpected character {string!r} at column {col + 1}")
            if kind == tokenize.STRING or (kind == tokenize.OP and string in ("'", '"')):
                raise InputError(f"strings are not allowed (column {col + 1})")
            if kind == tokenize.OP and string == ":":
                if any(p[0] == f"{_KEYWORD_PREFIX}lambda" for p in pieces):
                    raise InputError("lambda expressions are not allowed")
                raise InputError(f"':' is not allowed (column {col + 1})")
            if kind == tokenize.OP and string == "^":
                string = "**"
            if kind == tokenize.NAME:
                if string in ("import", "from"):
                    raise InputError("imports are not allowed")
                if keyword.iskeyword(string):
                    string = _KEYWORD_PREFIX + string
            if previous is not None and _implicit_product(previous, kind, string):
                pieces.append(("*", col))
            pieces.append((string, col))
            if kind in (tokenize.NUMBER, tokenize.NAME, tokenize.OP):
                previous = (kind, string)
    except tokenize.TokenError as exc:
        raise InputError(f"syntax error: {'unbalanced parentheses' if 'EOF' in str(exc) else exc.args[0]}") from None
    except (IndentationError, SyntaxError) as exc:
        raise InputError(f"syntax error: {exc.msg}") from None
    out, starts, position = [], [], 0
    for string, col in pieces:
        starts.append((position, col))
        out.append(string)
        position += len(string) + 1

    def column(offset: int) -> int:
        best = 1
        for start, col in starts:
            if start <= offset - 1:
                best = col + 1
        return best

    return " ".join(out), column


def _implicit_product(previous: tuple[int, str], kind: int, string: str) -> bool:
    """``2x``, ``2(x+1)``, ``(a)(b)``, ``(a)x``, ``x y``: a product left implicit."""
    pkind, pstring = previous
    starts_operand = kind in (tokenize.NAME, tokenize.NUMBER) or (kind == tokenize.OP and string == "(")
    if not starts_operand:
        return False
    if pkind == tokenize.NUMBER:
        return True
    if pkind == tokenize.OP and pstring in (")", "]"):
        return kind != tokenize.OP or string == "("
    if pkind == tokenize.NAME and not pstring.startswith(_KEYWORD_PREFIX):
        return kind == tokenize.NUMBER or (kind == tokenize.NAME and not keyword.iskeyword(string))
    return False


class _Converter:
    """Syntax tree to SymPy, one whitelisted node kind at a time."""

    def __init__(self, symbol, indexed, columns, kinds, max_terms=MAX_TERMS):  # placeholders: long text's pieces
        self.symbol, self.indexed, self.columns, self.kinds = symbol, indexed, columns, kinds
        self.max_terms, self.placeholders = max_terms, []

    def name(self, raw: str) -> str:
        if raw.startswith("__"):
            raise InputError(f"name {raw!r} is not allowed")
        if raw.startswith(_KEYWORD_PREFIX):
            raw = raw[len(_KEYWORD_PREFIX):]
        return readable_name(raw)

    def where(self, node) -> str:
        return f"column {self.columns(getattr(node, 'col_offset', 0) + 1)}"

    def convert(self, node: ast.AST, depth: int):
        if depth > MAX_DEPTH:
            raise InputError(f"expression is nested more than {MAX_DEPTH} levels deep")
        d = depth + 1
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"only numbers are allowed as literals ({self.where(node)})")
            if isinstance(value, int):
                if value.bit_length() > MAX_DIGITS * 3.33:
                    raise InputError(f"number literal with more than {MAX_DIGITS} digits ({self.where(node)})")
                return sp.Integer(value)
            if not math.isfinite(value):
                raise InputError(f"number literal out of range ({self.where(node)})")
            return sp.Rational(repr(value))
        if isinstance(node, ast.Name):
            if node.id.startswith(PLACEHOLDER) and node.id[len(PLACEHOLDER):].isdigit():
                return self.placeholders[int(node.id[len(PLACEHOLDER):])]
            name = self.name(node.id)
            if self.kinds.get(name) in (Kind.MATRIX, Kind.VECTOR):
                return typed(name, self.kinds[name])
            return sp.pi if name == "pi" else self.symbol(name)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            return self.chain(node, d)
        if isinstance(node, ast.BinOp):
            left, right = self.convert(node.left, d), self.convert(node.right, d)
            return self.binary(node, left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.expr(self.convert(node.operand, d), node)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Call):
            return self.call(node, d)
        if isinstance(node, ast.Subscript):
            return self.subscript(node, d)
        if isinstance(node, ast.Attribute) and node.attr == "T":  # M.T: the one whitelisted attribute
            return METHODS["T"](self.expr(self.convert(node.value, d), node.value))
        if isinstance(node, ast.List):
            if len(node.elts) > MAX_ENTRIES:
                raise InputError(f"lists of more than {MAX_ENTRIES} entries are not allowed")
            return [self.convert(e, d) for e in node.elts]
        if isinstance(node, ast.Tuple):
            items = [self.expr(self.convert(e, d), e) for e in node.elts]
            return sp.Tuple(*items)
        what = _NAMES_OF.get(type(node), f"'{type(node).__name__}' syntax")
        raise InputError(f"{what} is not allowed ({self.where(node)})")

    def expr(self, value, node):
        if isinstance(value, list):
            return matrix_of(value)
        if isinstance(value, sp.Tuple):
            raise InputError(f"a tuple cannot be used here ({self.where(node)})")
        return value

    def chain(self, node: ast.BinOp, d: int):
        """``a ± b ± c ...`` or ``a * b * c ...``: one level of nesting however long (the left spine is walked)."""
        kinds, top, operands = (ast.Add, ast.Sub) if isinstance(node.op, (ast.Add, ast.Sub)) else (ast.Mult,), node, []
        while isinstance(node, ast.BinOp) and isinstance(node.op, kinds):
            operands.append((node.op, node.right))
            node = node.left
        values = [(op, self.expr(self.convert(e, d), e)) for op, e in [(None, node)] + operands[::-1]]
        return self.combine(kinds[0], [-v if isinstance(op, ast.Sub) else v for op, v in values], top)

    def combine(self, kind, values: list, node):
        """The sum (``kind`` Add) or product (Mult) of ``values``; scalars in one flat SymPy node."""
        if not any(isinstance(v, sp.MatrixBase) for v in values):
            return check_number(sp.Add(*values) if kind is ast.Add else sp.Mul(*values))
        at = ast.BinOp(ast.Name("_"), kind(), ast.Name("_"), col_offset=getattr(node, "col_offset", 0))
        for k in range(1, len(values)):
            values[0] = self.binary(at, values[0], values[k])
        return values[0]

    def binary(self, node, left, right):
        left, right = self.expr(left, node.left), self.expr(right, node.right)
        op = type(node.op)
        try:
            if op is ast.Add:
                return check_number(left + right)
            if op is ast.Sub:
                return check_number(left - right)
            if op in (ast.Mult, ast.MatMult):
                return check_number(left * right)
            if op is ast.Div:
                if isinstance(right, sp.MatrixBase):
                    raise InputError(f"division by a matrix ({self.where(node)})")
                return check_number(left / right)
            if op is ast.Pow:
                return power(left, right)
        except (sp.ShapeError, TypeError, ValueError) as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(f"cannot combine these operands ({self.where(node)}): {exc}") from None
        symbol = {ast.BitXor: "^", ast.Mod: "%", ast.FloorDiv: "//"}.get(op, type(node.op).__name__)
        raise InputError(f"operator {symbol!r} is not allowed ({self.where(node)})")

    def call(self, node: ast.Call, d: int):
        raw = node.func.id if isinstance(node.func, ast.Name) else None
        if isinstance(node.func, ast.Attribute) and node.func.attr in METHODS and node.func.attr != "T":
            if node.args or node.keywords:
                raise InputError(f".{node.func.attr}() takes no arguments ({self.where(node)})")
            return METHODS[node.func.attr](self.expr(self.convert(node.func.value, d), node.func.value))
        if raw is None:
            if isinstance(node.func, ast.Attribute):
                raise InputError(f"attribute access is not allowed ({self.where(node.func)})")
            raise InputError(f"only named functions can be called ({self.where(node)})")
        name = raw[len(_KEYWORD_PREFIX):] if raw.startswith(_KEYWORD_PREFIX) else raw
        if self.kinds.get(readable_name(name)) is Kind.FUNCTION and not node.keywords:
            return sp.Function(readable_name(name), real=True)(*(self.expr(self.convert(a, d), a) for a in node.args))
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS)[:3])
            hint = (f"; for a product write {name}*(...), for a function declare --function {name}"
                    if name.isidentifier() and not name.startswith("_") else "")
            raise InputError(f"{name!r} is not an allowed function (allowed: {allowed}, ...){hint}")
        if node.keywords:
            raise InputError(f"keyword arguments are not allowed in {name}()")
        args = [self.convert(a, d) for a in node.args]
        if name in ("Sum", "Product", "product"):
            if len(args) != 2 or not isinstance(args[1], sp.Tuple) or len(args[1]) != 3:
                raise InputError(f"{name} takes a body and limits: {name}(x[j], (j, 1, m))")
            total = bounded_sum(self.expr(args[0], node), *args[1], limit=self.max_terms)
            return total if name == "Sum" else sp.Product(*total.args)
        if name != "Matrix":
            args = [self.expr(a, node) for a in args]
        if any(isinstance(a, sp.Tuple) for a in args):
            raise InputError(f"a tuple cannot be passed to {name}()")
        try:
            return FUNCTIONS[name](*args)
        except InputError:
            raise
        except (TypeError, ValueError, AttributeError, sp.ShapeError, sp.NonSquareMatrixError) as exc:
            raise InputError(f"bad arguments to {name}(): {exc}") from None

    def subscript(self, node: ast.Subscript, d: int):
        index = node.slice
        items = index.elts if isinstance(index, ast.Tuple) else [index]
        keys = [self.expr(self.convert(i, d), i) for i in items]
        if isinstance(node.value, ast.Name) and node.value.id != "pi":
            base = self.indexed(self.name(node.value.id))
            return base[tuple(keys)] if len(keys) > 1 else base[keys[0]]
        target = self.expr(self.convert(node.value, d), node.value)
        if isinstance(target, sp.MatrixBase) and all(isinstance(k, sp.Integer) for k in keys):
            try:
                return target[tuple(int(k) for k in keys)] if len(keys) > 1 else target[int(keys[0])]
            except IndexError:
                raise InputError(f"index out of range ({self.where(node)})") from None
        raise InputError(f"indexing is allowed on names and on matrices with integers ({self.where(node)})")
