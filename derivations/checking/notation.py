r"""Reading one side of a document's relation in the document's context.

Today's LaTeX reader (:func:`derivations.reading.latex.parse_latex`) reads
``f(x)`` as the product ``f*x`` and ``x_i`` inside ``\sum_{i=1}^{m}`` as a
constant.  The audit needs both read the way lecture notes mean them, and never
guesses otherwise:

* **function applications**: ``NAME(args)`` where ``NAME`` is a *function
  name* (one the document defines as ``NAME(x) = …``, one given with
  ``--function``, or a letter lecture notes use for functions: ``f``, ``g``,
  ``h``, ``J``, ``\ell``, ``\sigma``, ``\phi``, ``\Omega``, ``E``, …) is cut
  out before the reader sees it and put back as an application
  (:class:`Application`); a primed name ``f'(x)`` is the derivative of the
  function at ``x``;
* **batch indices**: inside ``\sum_{i=1}^{m}``, a name subscripted with the
  summation index (``x_i``, ``\hat{x}_i``) is the indexed ``x[i]``; outside a
  sum, ``x_k`` and ``x_1`` are ``x[k]`` and ``x[1]`` when ``x`` is indexed
  elsewhere in the document.

Examples
========

>>> r = read_side(r"\sigma(2z) + \sum_{i=1}^{m} x_i", frozenset({"sigma"}))
>>> r.expr
zqapp0 + Sum(x[i], (i, 1, m))
>>> [(a.name, a.args, a.primes) for a in r.applications]
[('sigma', (2*z,), 0)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from derivations.errors import InputError
from derivations.reading.latex import parse_latex
from derivations.reading.parsing import real_indexed, real_symbol

__all__ = ["Application", "Reading", "read_side", "function_definition", "matrix_products", "CONVENTIONAL", "PLACEHOLDER"]

#: names lecture notes apply as functions; ``NAME(…)`` with one of these is never read as a product
CONVENTIONAL = frozenset({"f", "g", "h", "J", "L", "ell", "sigma", "phi", "psi", "Omega", "E", "P", "p", "q",
                          "Var", "Bias", "Jtilde", "Ltilde", "Lcal", "Ecal", "Ebb", "Pr", "R", "F", "softmax",
                          "relu", "ReLU"})
PLACEHOLDER = "zqapp"
_NAME = re.compile(
    r"(?<![A-Za-z\\])(?P<name>(?:\\(?:hat|tilde|bar|mathbf|mathcal|mathbb|boldsymbol|operatorname|mathrm|text)"
    r"\{\\?[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z])(?:_\{[^{}]*\}|_\\?[A-Za-z0-9]+)?)(?P<primes>'*)\s*(?P<open>\\left\(|\()")
_NOT_NAMES = {"exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh", "max", "min", "sqrt", "frac",
              "left", "right", "sum", "prod", "det", "arcsin", "arccos", "arctan", "erf", "sgn", "dfrac", "tfrac",
              "cdot", "times", "partial", "nabla", "big", "Big", "bigg", "Bigg", "lim"}
_FONTS = {"\\operatorname", "\\mathrm", "\\text"}


@dataclass(frozen=True)
class Application:
    """One function application cut out of a side: its placeholder symbol, the function's name, the arguments."""

    placeholder: sp.Symbol
    name: str
    args: tuple
    primes: int = 0


@dataclass(frozen=True)
class Reading:
    """A side as read: the expression (applications as placeholders) and the applications it contains."""

    expr: sp.Basic
    applications: tuple[Application, ...] = ()


def _closing(text: str, start: int) -> int:
    """The offset just past the parenthesis that closes the one opened before ``start`` (``-1`` if none)."""
    depth, i = 1, start
    while i < len(text):
        if text.startswith("\\left(", i):
            depth, i = depth + 1, i + 6
            continue
        if text.startswith("\\right)", i):
            depth -= 1
            i += 7
            if depth == 0:
                return i
            continue
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _split_args(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [a.strip() for a in out]


def name_of(fragment: str) -> str | None:
    r"""The reader's name for a LaTeX name fragment (``\tilde{J}`` is ``Jtilde``), ``None`` if it is no name.

    >>> name_of(r"\tilde{J}"), name_of("L_{\\alpha}"), name_of(r"\exp")
    ('Jtilde', 'L_alpha', None)
    """
    if fragment.lstrip("\\").split("{")[0] in _NOT_NAMES:
        return None
    try:
        value = parse_latex(fragment)
    except InputError:
        return None
    return value.name if isinstance(value, sp.Symbol) else None


def read_side(text: str, functions: frozenset, symbol=real_symbol, indexed=real_indexed, depth: int = 0,
              counter: list | None = None, conventional: frozenset = frozenset()) -> Reading:
    """Read one side: applications of ``functions`` cut out, sums' subscripts bound; :class:`InputError` if unreadable."""
    counter = [0] if counter is None else counter
    if depth > 6:
        raise InputError("function applications nested too deeply")
    pieces, apps, last = [], [], 0
    for m in _NAME.finditer(text):
        if m.start() < last:
            continue
        name = name_of(m.group("name"))
        if name is None or (name not in functions and not m.group("primes")):
            continue
        if name in conventional and (m.group(0)[len(m.group("name")):].startswith((" ", "\t", "\n"))):
            continue  # ``h (h - a)``: a conventional letter followed by a space is a product
        if m.group("primes") and name not in functions:
            raise InputError(f"{m.group(0)}: a derivative of {name}, which the document does not define as a function")
        end = _closing(text, m.end())
        if end < 0:
            raise InputError(f"the parenthesis after {name} never closes")
        inner = text[m.end():end - (7 if text[:end].endswith("\\right)") else 1)]
        args = tuple(read_side(a, functions, symbol, indexed, depth + 1, counter, conventional) for a in _split_args(inner))
        placeholder = symbol(f"{PLACEHOLDER}{counter[0]}")
        counter[0] += 1
        apps.append(Application(placeholder, name, tuple(a.expr for a in args), len(m.group("primes"))))
        for a in args:
            apps.extend(a.applications)
        pieces.append(text[last:m.start()] + "{\\mathrm{" + placeholder.name + "}}")
        last = end
    pieces.append(text[last:])
    expr = parse_latex(set_sums("".join(pieces)), symbol, indexed)
    return Reading(bind_sum_indices(expr, indexed), tuple(apps))


_SET_SUM = re.compile(r"\\sum_\{\s*(?P<element>[^{}]*?)\s*\\in\s*(?P<set>[^{}]*(?:\{[^{}]*\})?[^{}]*)\}")
_ELEMENT = re.compile(r"^(?:[A-Za-z]|\\[A-Za-z]+)_\{?(?P<index>[A-Za-z])\}?$|^(?P<bare>[A-Za-z])$")


def set_sums(text: str) -> str:
    r"""A sum over the elements of a set, ``\sum_{w_k \in \theta} w_k``, as ``\sum_{k=1}^{n_{\theta}} w_k``.

    The set's size is the symbol ``n_`` followed by the set's name; sums over pairs stay as they are (unreadable).

    >>> set_sums(r"\sum_{w_k \in \theta} |w_k|"), set_sums(r"\sum_{i \in \mathcal M} g_i")
    ('\\sum_{k=1}^{n_{theta}} |w_k|', '\\sum_{i=1}^{n_{M}} g_i')
    """
    def rewrite(m: re.Match) -> str:
        element = _ELEMENT.match(m.group("element").strip())
        if element is None:
            return m.group(0)
        index = element.group("index") or element.group("bare")
        size = re.sub(r"\\(?:mathcal|mathbb|mathbf|mathrm)|[\\{} ]", "", m.group("set"))
        if not size.isalnum():
            return m.group(0)
        return "\\sum_{" + index + "=1}^{n_{" + size + "}}"

    return _SET_SUM.sub(rewrite, text)


def bind_sum_indices(expr: sp.Basic, indexed=real_indexed) -> sp.Basic:
    r"""Inside ``Sum(body, (i, a, b))`` a symbol ``x_i`` is the indexed ``x[i]`` (lecture notes' ``\sum_i x_i``).

    >>> i, m = sp.symbols("i m")
    >>> bind_sum_indices(sp.Sum(sp.Symbol("x_i") * sp.Symbol("y_i") + sp.Symbol("c"), (i, 1, m)))
    Sum(c + x[i]*y[i], (i, 1, m))
    """
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr

    def bind(node):
        if isinstance(node, sp.Sum):
            body = bind(node.function)
            for index, *_ in node.limits:
                tail = "_" + index.name
                mapping = {s: indexed(s.name[:-len(tail)])[index] for s in body.free_symbols
                           if isinstance(s, sp.Symbol) and s.name.endswith(tail) and len(s.name) > len(tail)}
                body = body.xreplace(mapping)
            return sp.Sum(body, *node.limits)
        if node.args:
            return node.func(*[bind(a) for a in node.args]) if not isinstance(node, sp.MatrixBase) else node
        return node

    try:
        return bind(expr)
    except (TypeError, ValueError):
        return expr


def function_definition(left: str) -> tuple[str, tuple[str, ...]] | None:
    r"""``(name, parameters)`` when ``left`` is ``NAME(p, q)`` with plain parameter names, else ``None``.

    >>> function_definition(r"\sigma(z)"), function_definition("f(x_1, x_2)"), function_definition("a(b + c)")
    (('sigma', ('z',)), ('f', ('x_1', 'x_2')), None)
    """
    m = _NAME.match(left.strip())
    if not m or m.group("primes"):
        return None
    name = name_of(m.group("name"))
    end = _closing(left.strip(), m.end())
    if name is None or end != len(left.strip()):
        return None
    inner = left.strip()[m.end():end - (7 if left.strip().endswith("\\right)") else 1)]
    params = []
    for a in _split_args(inner):
        p = name_of(a) if a else None
        if p is None:
            return None
        params.append(p)
    return name, tuple(params)


_BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec)\s*\{(\\?[A-Za-z]+)\}")


def _terms(text: str) -> list[str]:
    """``text`` split at ``+``/``-`` outside braces and parentheses (the terms of a sum)."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c in "+-=" and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def matrix_products(text: str, declared: frozenset = frozenset(), explicit: frozenset = frozenset()) -> set[str]:
    r"""The vector and matrix names (bold, or ``declared``) that meet in one product of ``text``.

    Names written out as explicit matrices (``explicit``) are read entry by entry and do not count.

    >>> sorted(matrix_products(r"\mathbf{X}^T \mathbf{X} \mathbf{w} + \alpha \mathbf{w}"))
    ['X', 'w']
    >>> matrix_products(r"x^{(j)} - \mu"), sorted(matrix_products("A B + C", frozenset({"A", "B"})))
    (set(), ['A', 'B'])
    """
    found: set[str] = set()
    plain = [(n, re.compile(r"(?<![A-Za-z\\{])" + re.escape(n) + r"(?![A-Za-z])")) for n in declared if len(n) == 1]
    for term in _terms(text):
        hits = [n for n in (name_of(m.group(1)) for m in _BOLD.finditer(term)) if n and n not in explicit]
        unbold = _BOLD.sub(" ", term)
        hits += [n for n, pattern in plain if n not in explicit for _ in pattern.finditer(unbold)]
        if len(hits) >= 2:
            found |= set(hits)
    return found
