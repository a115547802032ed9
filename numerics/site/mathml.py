r"""Math in Markdown, rendered to MathML at build time: no script and no request when a page is read.

The pages write display math as a ``$$`` block and inline math as ``$...$`` or GitHub's
``$`...`$``; code spans and fenced code are left alone.  :func:`split_math` finds the
formulas, :func:`to_mathml` converts one (with latex2mathml), and :func:`MathError` names
a formula that could not be converted, so a build can report the page it came from.

Examples
========

>>> pieces = split_math("Let $x^2$ be\n\n$$\n\\frac{a}{b}\n$$\n\nand `$not$` math.")
>>> [(p.latex, p.display) for p in pieces if isinstance(p, Formula)]
[('x^2', False), ('\\frac{a}{b}', True)]
>>> to_mathml("x^2", display=False)
'<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></math>'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from latex2mathml.converter import convert

# One scanner, left to right, so a code span is consumed before any dollar inside it:
# fenced code | $`inline`$ | `code` | $$display$$ | $inline$ (no space inside the dollars).
_TOKEN = re.compile(
    r"(?P<fence>^(?P<ticks>```+|~~~+)[^\n]*\n.*?^(?P=ticks)[ \t]*$)"
    r"|\$`(?P<gh>[^`\n]+)`\$"
    r"|(?P<code>(?P<bt>`+)[^`].*?(?P=bt))"
    r"|\$\$(?P<display>.+?)\$\$"
    r"|(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?![\w$])",
    re.S | re.M,
)

# A LaTeX command left in MathML's text means the converter did not understand it.
_RAW_COMMAND = re.compile(r">[^<]*\\[A-Za-z]+[^<]*<")


@dataclass(frozen=True)
class Formula:
    """One formula of a page: its LaTeX and whether it is display math."""

    latex: str
    display: bool


class MathError(ValueError):
    """A formula that latex2mathml could not turn into MathML."""


def split_math(markdown: str) -> list[str | Formula]:
    """The Markdown as text pieces and :class:`Formula` records, in order.

    Examples
    ========

    >>> split_math("cost $5 and $7")
    ['cost $5 and $7']
    >>> split_math("$`a+b`$!")
    [Formula(latex='a+b', display=False), '!']
    """
    pieces: list[str | Formula] = []
    at = 0
    for m in _TOKEN.finditer(markdown):
        if m.group("fence") or m.group("code"):
            continue
        if m.start() > at:
            pieces.append(markdown[at:m.start()])
        if m.group("display") is not None:
            pieces.append(Formula(m.group("display").strip(), True))
        else:
            pieces.append(Formula((m.group("gh") or m.group("inline")).strip(), False))
        at = m.end()
    if at < len(markdown):
        pieces.append(markdown[at:])
    return pieces


def to_mathml(latex: str, display: bool) -> str:
    r"""MathML for one formula; :class:`MathError` if it cannot be converted faithfully.

    Examples
    ========

    >>> "<mfrac>" in to_mathml(r"\frac{1}{m}", display=True)
    True
    >>> to_mathml(r"\nosuchcommand x", display=True)
    Traceback (most recent call last):
    ...
    numerics.site.mathml.MathError: cannot render $\nosuchcommand x$: \nosuchcommand left as text
    """
    try:
        out = convert(latex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many types; each is one bad formula
        raise MathError(f"cannot render ${latex}$: {type(exc).__name__}: {exc}") from None
    raw = _RAW_COMMAND.search(out)
    if raw:
        command = re.search(r"\\[A-Za-z]+", raw.group(0)).group(0)
        raise MathError(f"cannot render ${latex}$: {command} left as text")
    return out
