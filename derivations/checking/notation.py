r"""Reading one side of a document's relation the way lecture notes mean it, beside the typed reader.

The LaTeX reader (:func:`derivations.reading.latex.read_latex`) reads
``f(x)`` as an applied function, bold names as vectors and matrices, and
refuses a name that usually names a number written with an argument list
(``a(b + c)``) unless it is declared.  The audit adds what a document says:

* **kinds**: :func:`applied_names` lists the names a side writes with an
  argument list, so that the audit can declare the ones that are no function
  of the document scalars (``\epsilon (g + \alpha w)`` is a product);
* **batch indices**: inside ``\sum_{i=1}^{m}``, a name subscripted with the
  summation index (``x_i``, ``\hat{x}_i``) is the indexed ``x[i]``
  (:func:`bind_sum_indices`); a sum over a set, ``\sum_{w_k \in \theta}``,
  is a sum over ``k`` (:func:`set_sums`);
* **function definitions**: :func:`function_definition` recognizes a left
  side ``NAME(p, q)`` with plain parameters;
* **argument lists**: a name applied to a list (``C(f(x; \theta), y)``) is a
  function, never a number times a tuple (:func:`listed_names`); the ``;`` that
  sets parameters apart in ``f(x; \theta)`` separates arguments like ``,``
  (:func:`parameter_semicolons`).

Examples
========

>>> applied_names(r"\sigma(2z) + \epsilon (g + w)")
[('sigma', False), ('epsilon', True)]
>>> function_definition(r"\sigma(z)")
('sigma', ('z',))
"""

from __future__ import annotations

import re

import sympy as sp

from derivations.errors import InputError
from derivations.reading.latex import parse_latex
from derivations.reading.parsing import real_indexed

__all__ = ["applied_names", "listed_names", "parameter_semicolons", "bind_sum_indices", "set_sums", "function_definition", "name_of", "CONVENTIONAL"]

#: names lecture notes apply as functions; ``NAME(…)`` with one of these is never read as a product
CONVENTIONAL = frozenset({"f", "g", "h", "J", "L", "ell", "sigma", "phi", "psi", "Omega", "E", "P", "p", "q",
                          "Var", "Bias", "Jtilde", "Ltilde", "Lcal", "Ecal", "Ebb", "Pr", "R", "F", "softmax",
                          "relu", "ReLU"})
_NAME = re.compile(
    r"(?<![A-Za-z\\])(?P<name>(?:\\(?:hat|tilde|bar|mathbf|mathcal|mathbb|boldsymbol|operatorname|mathrm|text)"
    r"\{\\?[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z])(?:_\{[^{}]*\}|_\\?[A-Za-z0-9]+)?)(?P<primes>'*)\s*(?P<open>\\left\(|\()")
_NOT_NAMES = {"exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh", "max", "min", "sqrt", "frac",
              "left", "right", "sum", "prod", "det", "arcsin", "arccos", "arctan", "erf", "sgn", "dfrac", "tfrac",
              "cdot", "times", "partial", "nabla", "big", "Big", "bigg", "Bigg", "lim"}
_FONTS = {"\\operatorname", "\\mathrm", "\\text"}
_BOLD = ("\\mathbf", "\\boldsymbol")


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


def applied_names(text: str) -> list[tuple[str, bool]]:
    r"""The names written with an argument list in ``text``, each with whether a space comes before the ``(``.

    >>> applied_names(r"J(w) + h (h - a) + \exp(x) + \mathbf{H}(x - y)")
    [('J', False), ('h', True)]
    """
    out = []
    for m in _NAME.finditer(text):
        if m.group("name").startswith(_BOLD):
            continue  # a bold name is a vector or a matrix: never applied
        name = name_of(m.group("name"))
        if name is not None and (name, False) not in out and (name, True) not in out:
            out.append((name, m.group(0)[len(m.group("name")) + len(m.group("primes")):].startswith((" ", "\t", "\n"))))
    return out


def listed_names(text: str) -> set[str]:
    r"""The names applied to a list of arguments (a ``,`` or ``;`` at the top level of their parenthesis).

    A number times a tuple means nothing, so each of these is a function of its arguments.

    >>> sorted(listed_names(r"C(f(\mathbf{x}^{i}; \theta), \mathbf{y}^{i}) + a(b + c) + \mathbf{H}(u, v)"))
    ['C', 'f']
    """
    out = set()
    for m in _NAME.finditer(text):
        if m.group("name").startswith(_BOLD):
            continue
        name = name_of(m.group("name"))
        end = _closing(text, m.end())
        if name is None or end < 0:
            continue
        inner = text[m.end():end - (7 if text[:end].endswith("\\right)") else 1)]
        if len(_split_args(inner.replace(";", ","))) > 1:
            out.add(name)
    return out


def parameter_semicolons(text: str) -> str:
    r"""``;`` inside a parenthesis read as ``,``: ``f(x; \theta)`` is ``f`` of ``x`` and ``\theta``.

    >>> parameter_semicolons(r"J(\theta; X, y) + a; b")
    'J(\\theta, X, y) + a; b'
    """
    out, depth = [], 0
    for c in text:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        out.append("," if c == ";" and depth > 0 else c)
    return "".join(out)


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
