r"""The formulas of a lecture-note document and the steps they claim, with line numbers.

A document (Markdown with ``$…$``, ``$$…$$`` and ``\[…\]``, or LaTeX with
``equation``, ``align``, ``aligned``, ``gather``, ``multline``, ``\(…\)``,
``\[…\]`` and ``$…$``) is read as data: :func:`formulas` finds every formula
with the line it starts and ends on and the prose before it; :func:`relations`
splits each statement of a formula (:func:`~derivations.checking.statements.statements`:
the rows of an aligned environment or a system of equations, statements listed
side by side) into the relations it states, one per relation symbol at the
top level of a chain ``a = b = c`` (each ``=`` a step), where a row that starts
with ``&=`` continues the row above; a display formula that starts with ``=``
continues the previous formula.

Nothing here decides whether a relation holds: that is the audit's work
(:mod:`derivations.checking.audit`).  A piece that cannot be split (an
unbalanced ``$``, an unknown environment) is kept as :class:`Garbled` with the
reason, never an exception.

Examples
========

>>> doc = "Let $f(x) = x^2$, so\n$$\nf'(x) = 2x = x + x\n$$\n"
>>> [(f.line, f.text) for f in formulas(doc)]
[(1, 'f(x) = x^2'), (2, "\nf'(x) = 2x = x + x\n")]
>>> [(r.line, r.left, r.symbol, r.right) for r in relations(formulas(doc))]
[(1, 'f(x)', '=', 'x^2'), (3, "f'(x)", '=', '2x'), (3, '2x', '=', 'x + x')]
"""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass
from enum import Enum

from derivations.checking.statements import RELATIONS, clean, split_top, statements
from derivations.errors import InputError

__all__ = ["Formula", "Garbled", "Relation", "Syntax", "formulas", "read_document", "relations", "syntax_of",
           "MAX_BYTES"]

MAX_BYTES = 8 * 1024 * 1024  # a document larger than this is refused before it is read
MAX_FORMULA = 20_000  # characters in one formula; a longer one is garbled, not read


class Syntax(Enum):
    """How the document writes its formulas."""

    MARKDOWN = "markdown"
    LATEX = "latex"


@dataclass(frozen=True)
class Formula:
    """One formula of the document: its LaTeX, the lines it spans, whether it is displayed, the prose before it."""

    text: str
    line: int
    end_line: int
    display: bool
    prose: str = ""
    environment: str = ""
    section: int = 0  # how many headings (``#``, ``\\section``, ...) come before the formula
    bullet: bool = False  # the formula opens a list item (``- $f(x) = ...$``): a statement of its own
    lead: str = ""  # the text since the previous display formula (at most 300 characters), inline formulas kept


@dataclass(frozen=True)
class Garbled:
    """A piece of the document that looks like a formula but cannot be delimited."""

    line: int
    reason: str


@dataclass(frozen=True)
class Relation:
    """One stated relation ``left symbol right``; ``line`` is the line of its right-hand (claimed) side."""

    left: str
    symbol: str
    right: str
    line: int
    end_line: int
    formula: Formula
    continued: bool = False  # the left side was taken from the row or formula above


_ENVIRONMENTS = ("equation", "align", "aligned", "gather", "multline", "eqnarray", "split", "alignat", "flalign",
                 "gathered", "displaymath", "math")
_ENV = re.compile(r"\\begin\{(" + "|".join(_ENVIRONMENTS) + r")(\*?)\}(\{[^}]*\})?(.*?)\\end\{\1\2\}", re.S)
_LISTED = re.compile(r"[\s,;]*(?:and|or)?[\s,;]*")
_BULLET = re.compile(r"\s*(?:[-*+\u2022]|\d+[.)])\s+")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]|\\(?:chapter|section|subsection|subsubsection|paragraph)\*?\{|\\begin\{frame\}",
                      re.M)


def syntax_of(name: str) -> Syntax:
    """LaTeX for ``.tex``/``.ltx`` files, Markdown otherwise.

    >>> syntax_of("notes.tex"), syntax_of("notes.md")
    (<Syntax.LATEX: 'latex'>, <Syntax.MARKDOWN: 'markdown'>)
    """
    return Syntax.LATEX if name.lower().endswith((".tex", ".ltx", ".latex")) else Syntax.MARKDOWN


def _line_index(text: str):
    """``line_at(offset)``, the 1-based line of an offset, in logarithmic time."""
    breaks = [m.start() for m in re.finditer("\n", text)]
    return lambda offset: bisect.bisect_left(breaks, offset) + 1


def _prose_before(text: str, start: int) -> str:
    """The sentence before a formula: back to the previous blank line or formula end, at most 300 characters."""
    head = text[max(0, start - 300):start]
    head = re.split(r"\n\s*\n|\$|\\\]|\\end\{[^}]*\}", head)[-1]
    return " ".join(head.split())


def _mask_comments(text: str) -> str:
    """LaTeX comments (``%`` to the end of the line, not ``\\%``) blanked, so offsets stay put."""
    return re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)


def _mask_code(text: str) -> str:
    """Markdown code (fenced blocks and inline backticks) blanked: formulas in code are not claims."""
    text = re.sub(r"```.*?```|~~~.*?~~~", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    return re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), text)


def formulas(text: str, syntax: Syntax = Syntax.MARKDOWN, deadline: float | None = None) -> list[Formula | Garbled]:
    """Every formula of ``text`` in document order (and every piece that could not be delimited).

    Past ``deadline`` (a :func:`time.monotonic` time) the rest of the document is one :class:`Garbled` piece.

    >>> [f.environment for f in formulas(r"\\begin{align} a &= b \\\\ &= c \\end{align}", Syntax.LATEX)]
    ['align']
    >>> formulas("costs $5 and more")[0]
    Garbled(line=1, reason="an unbalanced '$' (a formula that never closes)")
    """
    masked = _mask_comments(text) if syntax is Syntax.LATEX else _mask_code(text)
    _line_at = _line_index(text)
    found: list[tuple[int, int, str, bool, str]] = []  # start, end, body, display, environment
    taken = [False] * (len(masked) + 1)

    def claim(start: int, end: int, body: str, display: bool, env: str) -> None:
        if any(taken[start:end]):
            return
        for k in range(start, end):
            taken[k] = True
        found.append((start, end, body, display, env))

    for m in _ENV.finditer(masked):
        # $$\begin{aligned} … \end{aligned}$$: the delimiters around the environment belong to it
        opened = re.search(r"(\$\$|\\\[)\s*$", masked[max(0, m.start() - 40):m.start()])
        closing = {"$$": r"\s*\$\$", "\\[": r"\s*\\\]"}.get(opened.group(1)) if opened else None
        closed = re.compile(closing).match(masked, m.end()) if closing else None
        start, end = (m.start() - len(opened.group(0)), closed.end()) if closed else (m.start(), m.end())
        claim(start, end, m.group(4), True, m.group(1))
    for pattern, display in ((r"\$\$(.+?)\$\$", True), (r"\\\[(.+?)\\\]", True), (r"\\\((.+?)\\\)", False)):
        for m in re.finditer(pattern, masked, re.S):
            claim(m.start(), m.end(), m.group(1), display, "")
    garbled: list[Garbled] = []
    dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", masked) if not taken[m.start()]]
    k = 0
    while k < len(dollars):
        if deadline is not None and k % 2000 == 0 and time.monotonic() > deadline:
            garbled.append(Garbled(_line_at(dollars[k]), "the rest of the document: not read within the time limit"))
            break
        i = dollars[k]
        j = dollars[k + 1] if k + 1 < len(dollars) else len(masked)
        gap = masked.find("\n\n", i, j)
        if j < len(masked) and gap < 0 and not any(taken[i:j]):
            claim(i, j + 1, masked[i + 1:j], False, "")
            k += 2
        else:
            garbled.append(Garbled(_line_at(i), "an unbalanced '$' (a formula that never closes)"))
            k += 1
    for m in re.finditer(r"\\begin\{([A-Za-z*]+)\}", masked):
        name = m.group(1).rstrip("*")
        if not taken[m.start()] and name not in _ENVIRONMENTS and re.search(r"[=&]", masked[m.end():m.end() + 200]) \
                and name not in ("itemize", "enumerate", "document", "figure", "table", "center", "frame",
                                 "abstract", "description", "proof", "theorem", "lemma", "tabular", "minipage"):
            garbled.append(Garbled(_line_at(m.start()), f"an unknown environment '{name}'"))
    headings = [m.start() for m in _HEADING.finditer(masked)]
    out: list[Formula | Garbled] = []
    last_prose, last_end, last_display = "", -1, 0
    for count, (start, end, body, display, env) in enumerate(sorted(found)):
        if deadline is not None and count % 2000 == 0 and time.monotonic() > deadline:
            garbled.append(Garbled(_line_at(start), "the rest of the document: not read within the time limit"))
            break
        if len(body) > MAX_FORMULA:
            out.append(Garbled(_line_at(start), f"a formula of {len(body)} characters (limit {MAX_FORMULA})"))
            continue
        body_start = start + (masked[start:end].find(body) if body else 0)
        prose = _prose_before(masked, start)
        if last_end >= 0 and _LISTED.fullmatch(masked[last_end:start]):
            prose = last_prose  # "Set $a = b$, $c = d$": the second formula continues the first one's sentence
        line_head = masked[masked.rfind("\n", 0, start) + 1:start]
        lead = " ".join(masked[max(last_display, start - 300):start].split())
        out.append(Formula(body, _line_at(body_start), _line_at(end - 1), display, prose, env,
                           bisect.bisect_right(headings, start), bool(_BULLET.fullmatch(line_head)), lead))
        last_prose, last_end = prose, end
        last_display = end if display else last_display
    out.extend(garbled)
    return sorted(out, key=lambda f: f.line)


def relations(items: list[Formula | Garbled], deadline: float | None = None) -> list[Relation]:
    """The relations stated by the formulas, in order; continuations take their left side from above.

    Past ``deadline`` (a :func:`time.monotonic` time) the remaining formulas are not split.

    >>> doc = r"\\begin{align} L &= (w - 1)^2 \\\\ &= w^2 - 2w + 1 \\end{align}"
    >>> [(r.left, r.right, r.continued) for r in relations(formulas(doc, Syntax.LATEX))]
    [('L', '(w - 1)^2', False), ('(w - 1)^2', 'w^2 - 2w + 1', True)]
    """
    out: list[Relation] = []
    previous: Relation | None = None
    for count, f in enumerate(items):
        if deadline is not None and count % 500 == 0 and time.monotonic() > deadline:
            break
        if not isinstance(f, Formula):
            continue
        found = statements(f.text, f.environment)
        for statement in found:
            offset, row = statement.offset, statement.text
            parts = split_top(row, RELATIONS)
            sides = [(off + offset, clean(p)) for off, p in parts[::2]]
            symbols = [p for _, p in parts[1::2]]
            if not symbols:
                previous = None if f.display else previous
                continue
            left_off, left = sides[0]
            continued = False
            if not left and previous is not None and (f.display or len(found) > 1 or row != f.text):
                left, continued = previous.right, True
            for k, symbol in enumerate(symbols):
                right_off, right = sides[k + 1]
                line = f.line + f.text.count("\n", 0, right_off)
                end = f.line + f.text.count("\n", 0, right_off + len(parts[2 * k + 2][1].rstrip()))
                rel = Relation(left, symbol, right, line, max(line, end), f, continued and k == 0)
                if left or right:
                    out.append(rel)
                previous = rel
                left = right
    return out


def read_document(path: str) -> str:
    """The text of a document: UTF-8, at most :data:`MAX_BYTES`, not binary; an :class:`InputError` otherwise."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a document") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; audit a smaller document")
    if b"\x00" in data:
        raise InputError(f"{path}: a binary file, not a Markdown or LaTeX document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from None
