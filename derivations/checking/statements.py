r"""A formula cut into the statements it makes, and a statement into its sides.

Lecture notes put several formulas into one display: the rows of an aligned
environment (``\\``; a row that starts with ``&=`` continues the one above),
a system of equations in a bar or brace (``\left| a = b \right.``,
``\left\{ \begin{array}{l} a = b \\ c = d \end{array} \right.``), statements
listed side by side (``a = 1, \qquad b = 2``, ``a = 1 \text{ where } b = 2``,
``a \implies b = 2``).  :func:`statements` finds each of them with its offset
in the formula's text; around a statement it drops what is not part of it: a
box (``\boxed{…}``), a prose label (``\text{Goal:} \quad``), an equation number
(``\tag{3}``, ``, \qquad (10)``), a statement of prose alone
(``\text{when errors are independent.}``).  :func:`sides` gives the sides of a
statement's equations (``=``, ``\leftarrow``, ``\gets``, ``:=``, ``\approx``),
each cleaned as :func:`clean` does.

Nothing inside braces, brackets, ``\left…\right`` or an environment is split:
``g(x = 1)``, ``f(a, b)`` and the ``\\`` of a ``bmatrix`` stay where they are.

Examples
========

>>> [s.text.strip() for s in statements(r"\left\{ \begin{array}{l} \mu = 1 \\ \nu = 2 \end{array} \right.")]
['\\mu = 1', '\\nu = 2']
>>> [sides(s.text) for s in statements(r"a = b, \qquad c \leftarrow d \quad (10)")]
[['a', 'b'], ['c', 'd']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EQUATIONS", "MAX_DEPTH", "RELATIONS", "Statement", "clean", "has_relation", "sides", "split_top",
           "statements"]

RELATIONS = ("\\notin", "\\in", "\\leftarrow", "\\gets", "\\coloneqq", ":=", "\\approx", "\\simeq", "\\sim", "\\leq",
             "\\le", "\\geq", "\\ge", "\\neq", "\\ne", "\\equiv", "\\propto", "<", ">", "=", "←", "≈", "≤", "≥", "≠")
EQUATIONS = frozenset(("\\leftarrow", "\\gets", "\\coloneqq", ":=", "\\approx", "=", "←", "≈"))  # each side read apart
_OPEN, _CLOSE = "({[", ")}]"
_FIRSTS = frozenset("\\:<>=←≈≤≥≠,;&")  # the first characters of every separator split_top is given

# Between two statements of one row: spacing, "and"/"where"/"for ..." in prose, an implication.
_JOINING = re.compile(r"\\text\{\s*,?\s*(?:and|where|with|for|for all)\s*,?\s*\}", re.I)
_BETWEEN: tuple[str | re.Pattern, ...] = (
    "\\qquad", "\\quad", "\\implies", "\\impliedby", "\\iff", "\\Longrightarrow", "\\Longleftrightarrow",
    "\\Rightarrow", "\\Leftrightarrow", _JOINING, ";")
_LABEL = re.compile(r"\s*\\text(?:bf|it)?\{[^{}]*:\s*\}\s*(?:\\q?quad|\\[,;:!]|~|\s)*")  # "\text{Goal:} \quad"
_NUMBER = re.compile(r"(?:[,.]\s*|\\q?quad\s*|\\hfill\s*|\\[,;]\s*|~\s*)+\(\d+[a-z]?\)\s*$")  # ", \qquad (10)"
_TAGS = re.compile(r"\\(?:label|tag\*?|nonumber|notag)(?:\{[^{}]*\})?")
_TEXT = re.compile(r"\s*\\text(?:bf|it)?\{([^{}]*)\}[.,;:]?\s*")
_ROWS = ("aligned", "split", "gathered", "alignedat", "align", "align*")
_SYSTEMS = ("array", "cases")
_WRAPPERS = ("|", "\\{", "\\lbrace", "\\|", "\\vert", "\\Vert", ".")
MAX_DEPTH = 4  # wrappers and environments unwrapped one inside another, at most


@dataclass(frozen=True)
class Statement:
    """One statement of a formula: its LaTeX and the offset where it starts in the formula's text."""

    offset: int
    text: str


def split_top(text: str, separators) -> list[tuple[int, str]]:
    r"""Split ``text`` at separators outside braces, brackets, ``\left…\right`` and environments.

    Returns ``(offset, piece)`` pairs alternating piece, separator, piece, ...; a separator is a string or a
    compiled pattern matched at the position.

    >>> split_top(r"f(x = 1) = \left( a = b \right) = c", ("=",))[::2]
    [(0, 'f(x = 1) '), (10, ' \\left( a = b \\right) '), (33, ' c')]
    """
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if text.startswith("\\left", i) and not text[i + 5:i + 6].isalpha():
            depth, i = depth + 1, i + 5
            continue
        if text.startswith("\\right", i) and not text[i + 6:i + 7].isalpha():
            depth, i = depth - 1, i + 6
            continue
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "{}":
            i += 2
            continue
        if text.startswith("\\begin{", i):
            depth, i = depth + 1, i + 6
            continue
        if text.startswith("\\end{", i):
            depth, i = depth - 1, i + 4
            continue
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif depth <= 0 and c in _FIRSTS:
            hit = next((h for h in (_match(s, text, i) for s in separators) if h), None)
            if hit is not None:
                pieces.append((start, text[start:i]))
                pieces.append((i, hit))
                start = i = i + len(hit)
                continue
        i += 1
    pieces.append((start, text[start:]))
    return pieces


def _match(separator, text: str, i: int) -> str | None:
    """The separator as written at ``text[i:]`` (a command not followed by a letter), else None."""
    if isinstance(separator, re.Pattern):
        m = separator.match(text, i)
        return m.group(0) if m else None
    if not text.startswith(separator, i):
        return None
    return None if separator[0] == "\\" and text[i + len(separator):i + len(separator) + 1].isalpha() else separator


def clean(side: str) -> str:
    r"""A side without labels, tags, alignment marks, surrounding space and trailing punctuation.

    >>> clean(r"&= x^2, \label{eq:1}")
    '= x^2'
    >>> clean(r"\left| x \right.")
    '\\left| x \\right.'
    """
    side = _TAGS.sub("", side)
    side = "".join(" " if piece == "&" else piece for _, piece in split_top(side, ("&",)))
    side = " ".join(side.split()).lstrip(" ,.;")
    while side and side[-1] in " ,.;" and not side[:-1].endswith(("\\", "\\right")):  # not \, nor \right.
        side = side[:-1]
    return side


def has_relation(text: str) -> bool:
    r"""Whether ``text`` states a relation at its top level.

    >>> has_relation("a = b"), has_relation(r"g(x = 1)")
    (True, False)
    """
    return len(split_top(text, RELATIONS)) > 1


def sides(statement: str) -> list[str]:
    r"""The sides of the equations a statement makes (``=``, ``\leftarrow``, ``:=``, ``\approx``), cleaned.

    Other relations (``<``, ``\in``, ``\sim``) are kept inside their side; an empty side is no side.

    >>> sides(r"\theta \leftarrow \theta - \eta g(x = 1)")
    ['\\theta', '\\theta - \\eta g(x = 1)']
    >>> sides(r"&= \kappa_i > 0")
    ['\\kappa_i > 0']
    """
    out, current = [], ""
    for k, (_, piece) in enumerate(split_top(statement, RELATIONS)):
        if k % 2 == 1 and piece in EQUATIONS:
            out.append(current)
            current = ""
        else:
            current += piece
    out.append(current)
    return [s for s in map(clean, out) if s]


def _environment(text: str, names) -> tuple[int, str] | None:
    r"""``(offset, body)`` when ``text`` is wholly one ``\begin{name}…\end{name}`` of ``names``."""
    m = re.fullmatch(r"\s*\\begin\{([a-z]+\*?)\}(\{[^{}]*\})?(.*)\\end\{\1\}\s*", text, re.S)
    if not m or m.group(1) not in names or _closes_early(m.group(3)):
        return None
    return m.start(3), m.group(3)


def _closes_early(body: str) -> bool:
    """Whether ``body`` ends an environment it did not begin (the ``\\end`` matched is not the opening's own)."""
    depth = 0
    for m in re.finditer(r"\\begin\{|\\end\{", body):
        depth += 1 if m.group(0) == "\\begin{" else -1
        if depth < 0:
            return True
    return False


def _unwrap(text: str) -> tuple[int, str] | None:
    r"""``(offset, inside)`` when ``text`` is wholly a box or a bar/brace around equations, else None.

    >>> _unwrap(r"\boxed{w \leftarrow w - g}")
    (7, 'w \\leftarrow w - g')
    >>> _unwrap(r"\left. \frac{\partial L}{\partial w} \right|_{w_0}") is None
    True
    """
    m = re.fullmatch(r"(\s*\\boxed\{)(.*)\}\s*", text, re.S)
    if m and _balanced(m.group(2)):
        return len(m.group(1)), m.group(2)
    opening = next((w for w in _WRAPPERS if re.match(r"\s*\\left" + re.escape(w) + r"(?![A-Za-z])", text)), None)
    m = re.fullmatch(r"(\s*\\left" + re.escape(opening or "") + r")(.*)\\right\.\s*", text, re.S)
    if opening is None or not m or not _balanced(m.group(2)):
        return None
    inside = m.group(2)
    if has_relation(inside) or _system(inside):
        return len(m.group(1)), inside
    return None


def _balanced(text: str) -> bool:
    r"""Whether the brackets and ``\left…\right`` pairs of ``text`` never close below its top level."""
    depth = 0
    for m in re.finditer(r"\\left(?![A-Za-z])|\\right(?![A-Za-z])|\\[{}]|[({\[]|[)}\]]", text):
        if m.group(0) not in ("\\{", "\\}"):
            depth += 1 if m.group(0) in ("\\left", "(", "{", "[") else -1
        if depth < 0:
            return False
    return depth == 0


def statements(text: str, environment: str = "") -> list[Statement]:
    r"""The statements of a formula, each with its offset in ``text``, in order.

    ``environment`` is the environment the formula is the body of (``align`` rows are split like ``aligned``).

    >>> [s.text.strip() for s in statements(r"\begin{aligned} L &= (w-1)^2 \\ &= w^2 - 2w + 1 \end{aligned}")]
    ['L &= (w-1)^2', '&= w^2 - 2w + 1']
    >>> [s.text.strip() for s in statements(r"\text{Goal:} \quad \min_w J(w) \text{ where } J(w) = w^2")]
    ['\\min_w J(w)', 'J(w) = w^2']
    >>> [s.text.strip() for s in statements(r"\begin{bmatrix} 1 \\ 0 \end{bmatrix} \implies h = 1")]
    ['\\begin{bmatrix} 1 \\\\ 0 \\end{bmatrix}', 'h = 1']
    """
    body, base = text, 0
    inner = re.search(r"\\begin\{(aligned|split|gathered|alignedat)\}(\{[^}]*\})?(.*?)\\end\{\1\}", text, re.S)
    if inner and not environment.startswith(("align", "eqnarray", "gather", "multline", "flalign")):
        base, body = inner.start(3), inner.group(3)
    return _statements_of(base, body)


def _statements_of(offset: int, text: str, depth: int = 0) -> list[Statement]:
    """The statements of ``text`` (at ``offset`` in the formula): its rows, then the statements each row lists.

    ``depth`` counts the wrappers and environments already opened; past :data:`MAX_DEPTH` nothing is unwrapped.
    """
    out: list[Statement] = []
    for off, row in split_top(text, ("\\\\",))[::2]:
        out += _statements_of_row(offset + off, row, depth)
    return out


def _statements_of_row(offset: int, row: str, depth: int) -> list[Statement]:
    """One row: unwrapped, its label and number dropped, split at the separators between statements."""
    inside = _inside(row) if depth < MAX_DEPTH else None
    if inside is not None:
        return _statements_of(offset + inside[0], inside[1], depth + 1)
    label = _LABEL.match(row)
    if label and row[label.end():].strip():
        offset, row = offset + label.end(), row[label.end():]
    tail = max(0, len(row) - 80)  # an equation number is at the end: look no further back
    number = _NUMBER.search(row, tail)
    if number:
        row = row[:number.start()]
    pieces = split_top(row, _BETWEEN)
    out: list[Statement] = []
    for off, piece in pieces[::2]:
        inside = _inside(piece) if len(pieces) > 1 and depth < MAX_DEPTH else None
        if inside is not None:
            out += _statements_of(offset + off + inside[0], inside[1], depth + 1)
        elif not (len(pieces) > 1 and _prose(piece)):
            out += _listed(offset + off, piece)
    return [s for s in out if clean(s.text)]


def _prose(piece: str) -> bool:
    r"""Whether ``piece`` is words of prose alone (``\text{when errors are independent.}``), not a name."""
    m = _TEXT.fullmatch(piece)
    return bool(m) and len(m.group(1).split()) >= 2


def _inside(text: str) -> tuple[int, str] | None:
    """``(offset, inside)`` when ``text`` is wholly a wrapper, an aligned environment or a system, else None."""
    return next((found for found in (_unwrap(text), _environment(text, _ROWS), _system(text)) if found), None)


def _system(row: str) -> tuple[int, str] | None:
    """``(offset, body)`` when ``row`` is an ``array`` or ``cases`` each of whose rows states a relation."""
    found = _environment(row, _SYSTEMS)
    if found is None:
        return None
    rows = [r for _, r in split_top(found[1], ("\\\\",))[::2] if r.strip()]
    return found if rows and all(has_relation(r) for r in rows) else None


def _listed(offset: int, piece: str) -> list[Statement]:
    """``a = 1, b = 2``: split at a comma only where the pieces on both sides state relations."""
    parts = split_top(piece, (",",))[::2]
    related = [has_relation(part) for _, part in parts]  # a group states one when one of its parts does
    out = []
    group_off, group, group_related = offset + parts[0][0], parts[0][1], related[0]
    for (nxt_off, nxt), nxt_related in zip(parts[1:], related[1:]):
        if group_related and nxt_related:
            out.append(Statement(group_off, group))
            group_off, group, group_related = offset + nxt_off, nxt, nxt_related
        else:
            group, group_related = group + "," + nxt, group_related or nxt_related
    out.append(Statement(group_off, group))
    return out
