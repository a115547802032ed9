r"""The words of lecture-note LaTeX: tokens, and the tables that say what each command means.

:func:`tokenize` splits a formula into commands (``\frac``), numbers (``0.5``,
``1e-7``), single letters and operators, dropping spacing commands (``\,``,
``\;``, ``\!``, ``\quad``) and sizing (``\big``, ``\left.``); a malformed
number such as ``1.1.1`` is refused with its column.

Examples
========

>>> [t.text for t in tokenize(r"\frac{a}{2}\, x_1 + 1e-7")]
['\\frac', '{', 'a', '}', '{', '2', '}', 'x', '_', '1', '+', '1e-7']
>>> tokenize("1.1.1")
Traceback (most recent call last):
...
derivations.errors.InputError: malformed number '1.1.1' at column 1: a number has at most one decimal point (e.g. 1.1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from derivations.errors import InputError
from derivations.reading.parsing import GREEK, MAX_DIGITS, VARIANTS, readable_name

_TOKEN = re.compile(
    r"(?P<bad>\d*\.\d*\.[\d.]*)|(?P<cmd>\\[A-Za-z]+)|(?P<esc>\\\\|\\.)"
    r"|(?P<num>(?<![_^])(?:\d+(?:\.\d*)?|\.\d+)(?:[eE](?:[-+]?\d+|\s*-\s*\d+)(?![\d.]))?|\d)|(?P<letter>[A-Za-z])"
    r"|(?P<space>\s+)|(?P<op>:=|[{}()\[\]^_+\-*/=|,;:&!'.<>~])|(?P<other>.)",
    re.S,
)
IGNORED = {"\\left.", "\\right.", "\\displaystyle", "\\limits", "\\nolimits", "\\quad", "\\qquad", "\\big",
           "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\,",
           "\\;", "\\!", "\\:", "\\ ", "~", "\\textstyle", "\\scriptstyle", "\\enspace", "\\thinspace", "\\nonumber",
           "\\notag"}
#: LaTeX function commands and the whitelisted function each means
FUNCTIONS = {"exp": "exp", "log": "log", "ln": "log", "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh",
             "cosh": "cosh", "tanh": "tanh", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "max": "Max",
             "min": "Min", "sgn": "sign", "erf": "erf"}
#: ``\sin^{-1}`` is ``asin``: the inverse of each invertible function
INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh", "tanh": "atanh"}
#: names that are functions when written with an argument list (``\operatorname{sign}(x)``, ``relu(z)``)
NAMED = {"sign", "sgn", "relu", "sigmoid", "softplus", "exp", "log", "ln", "tanh", "max", "min", "erf", "Abs",
         "abs", "sin", "cos", "tan", "sinh", "cosh"}
ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
           "overline": "bar", "dot": "dot", "check": "check", "vec": ""}
BOLD = {"mathbf", "boldsymbol", "bm", "textbf"}
FONTS = BOLD | {"mathrm", "mathit", "text", "textrm", "mathsf", "mathcal", "mathbb", "operatorname", "textit"}
LETTERS = set(GREEK) | {g.capitalize() for g in GREEK} | set(VARIANTS) | {"ell"}
MULTIPLY = {"*", "\\cdot", "\\times", "\\ast", "\\odot", "\\circ"}
ENVIRONMENTS = {"pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix"}
#: environments that only lay out an equation: their ``&`` and ``\\`` are layout
LAYOUT = {"aligned", "align", "align*", "equation", "equation*", "split", "gathered"}
#: relations between the two sides of a claim
RELATIONS = {"=", "\\leftarrow", "\\gets", "\\approx", ":=", "\\coloneqq", "\\triangleq", "\\equiv",
             "\\longleftarrow"}


@dataclass
class Tok:
    kind: str
    text: str
    col: int


def tokenize(text: str) -> list[Tok]:
    """The tokens of a formula (spacing dropped), each with its column."""
    out = []
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "bad":
            raise InputError(f"malformed number {value!r} at column {m.start() + 1}: a number has at most one "
                             "decimal point (e.g. 1.1)")
        if kind == "space" or value in IGNORED:
            continue
        if kind == "other":
            if value in {"·", "×"}:
                kind, value = "op", "*"
            elif value in {"−", "–"}:
                kind, value = "op", "-"
            elif value in {"←"}:
                kind, value = "cmd", "\\leftarrow"
            elif value in {"≈"}:
                kind, value = "cmd", "\\approx"
            elif readable_name(value) != value:
                kind, value = "cmd", "\\" + readable_name(value)
            else:
                raise InputError(f"unexpected character {value!r} at column {m.start() + 1}")
        if kind == "num" and len(value) > MAX_DIGITS:
            raise InputError(f"number with more than {MAX_DIGITS} digits at column {m.start() + 1}")
        out.append(Tok(kind, value, m.start() + 1))
    return out


def number(tok: Tok) -> sp.Rational:
    """The exact value of a number token (``0.1`` is 1/10, ``1e-7`` is 1/10000000)."""
    text = tok.text.lower().replace(" ", "")
    mantissa, _, exponent = text.partition("e")
    value = sp.Rational(mantissa[:-1] if mantissa.endswith(".") else mantissa)
    if exponent:
        if abs(int(exponent)) > 300:
            raise InputError(f"exponent of {tok.text} at column {tok.col} is out of range (|e| <= 300)")
        value *= sp.Integer(10) ** int(exponent)
    return value


def prepare(text: str) -> list[Tok]:
    """The tokens of a formula without its layout: ``\\tag{..}``, ``aligned`` and ``equation`` wrappers, ``&``, a final ``.``."""
    text = re.sub(r"([A-Za-z])\u0302", r"\\hat{\1}", text)  # x̂ typed as x + combining circumflex
    text = text.replace("²", "^{2}").replace("³", "^{3}").replace("ᵀ", "^{T}")
    toks = tokenize(text)
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        if t.text in ("\\begin", "\\end") and i + 3 < len(toks) and toks[i + 1].text == "{":
            j = i + 2
            name = ""
            while j < len(toks) and toks[j].text != "}":
                name += toks[j].text
                j += 1
            if name in LAYOUT:
                i = j + 1
                continue
        if t.text == "\\tag" and i + 1 < len(toks) and toks[i + 1].text == "{":
            j = i
            while j < len(toks) and toks[j].text != "}":
                j += 1
            i = j + 1
            continue
        out.append(t)
        i += 1
    layout = any(t.text in ("\\begin",) for t in toks) and len(out) < len(toks)
    if layout or any(t.text == "&" for t in out) and not any(t.text == "\\begin" for t in out):
        out = drop_layout(out)
    if len(out) > 4 and [t.text for t in out[:2]] == ["\\left", "|"] and [t.text for t in out[-2:]] == ["\\right", "."]:
        out = out[2:-2]  # \left| ... \right. : a bar of the slides' layout around an equation
    while out and out[-1].text in (".", ","):
        out.pop()
    return out


def drop_layout(toks: list[Tok]) -> list[Tok]:
    """``a &= b \\\\ &= c`` of an aligned environment: ``&`` is layout; a row break continues a relation chain."""
    out = []
    for i, t in enumerate(toks):
        if t.text == "&":
            continue
        if t.text == "\\\\":
            following = next((u for u in toks[i + 1:] if u.text != "&"), None)
            if following is None:
                continue
            if following.text not in RELATIONS and following.text not in ("+", "-"):
                raise InputError(f"several equations at column {t.col}: give one formula at a time")
            continue
        out.append(t)
    return out
