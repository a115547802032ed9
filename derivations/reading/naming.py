r"""Names and assumptions in user formulas: which symbol a name means.

* :func:`parse_assumption` reads ``--assume`` bounds (``x>0``, ``0<p<1``) into
  an :class:`Assumption` (SymPy properties and a probe domain);
* :func:`symbol_factory` gives the parser one symbol per name, with those
  properties, reusing a registered result's symbols when names match;
* :func:`name_key` is how names match: LaTeX markup, braces, spaces and
  underscores dropped, Greek letters spelled out.

Examples
========

>>> parse_assumption("x > 0").properties()
{'positive': True}
>>> name_key(r"\hat{\sigma}_1")
'sigmahat1'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import sympy as sp

from derivations.errors import InputError
from derivations.reading.kinds import Reading
from derivations.reading.latex import read_latex
from derivations.reading.shapes import Kind, kind_of
from derivations.reading.parsing import parse_expression, readable_name, validate_text
from derivations.checking.verify import REAL

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
BOUND_DIGITS = 40  # digits and decimal exponent of a bound in --assume: |exponent| <= 300, at most 40 digits
_NAME = r"\\?[A-Za-z\u0370-\u03ff][\w\u0370-\u03ff]*(?:\[\w+\])?"
_ASSUMPTION = re.compile(
    rf"^\s*(?:(?P<lo>{_NUMBER})\s*(?P<lop><=|<)\s*)?(?P<name>{_NAME})\s*(?:(?P<op><=|>=|<|>)\s*(?P<num>{_NUMBER}))?"
    r"\s*(?P<integer>integer)?\s*$"
)
_INTERVAL = re.compile(rf"^\s*(?P<name>{_NAME})\s+in\s+(?P<open>[(\[])\s*(?P<lo>{_NUMBER})\s*,\s*(?P<hi>{_NUMBER})\s*"
                       r"(?P<close>[)\]])\s*$")


@dataclass(frozen=True)
class Assumption:
    """A bound on one symbol, from ``--assume "x>0"``, ``"0<p<1"`` or ``"n>=1"``."""

    name: str
    lower: sp.Rational | None = None
    upper: sp.Rational | None = None
    strict_lower: bool = True
    integer: bool = False

    def properties(self) -> dict:
        if self.integer:
            return {"integer": True, **({"positive": True} if self.lower is not None and (
                self.lower > 0 or (self.lower == 0 and self.strict_lower)) else {})}
        if self.lower is not None and (self.lower > 0 or (self.lower == 0 and self.strict_lower)):
            return {"positive": True}
        if self.lower is not None and self.lower >= 0:
            return {"nonnegative": True}
        if self.upper is not None and self.upper <= 0:
            return {"negative": True}
        return {"real": True}

    def domain(self) -> tuple[sp.Rational, sp.Rational]:
        lo = self.lower if self.lower is not None else (self.upper - 6 if self.upper is not None else REAL[0])
        hi = self.upper if self.upper is not None else max(lo + 3, lo * 2 if lo > 0 else lo + 3)
        return lo, hi  # probes are interior points: strict bounds hold


def _bound(number: str, text: str) -> sp.Rational:
    """The exact value of a bound, refused before conversion when its size is unreasonable."""
    mantissa, _, exponent = number.lower().partition("e")
    if len(re.sub(r"\D", "", mantissa)) > BOUND_DIGITS or (exponent and len(exponent) > 4) or abs(int(exponent or 0)) > 300:
        raise InputError(f"the bound {number!r} in the assumption {text!r} is out of range: "
                         f"at most {BOUND_DIGITS} digits and exponents from -300 to 300")
    return sp.Rational(number)


def parse_assumption(text: str) -> Assumption:
    """Read one ``--assume``: ``x>0``, ``x >= 1``, ``x<0``, ``0 < p < 1``, ``p in (0, 1)``, ``n integer``, ``n > 0 integer``.

    >>> parse_assumption("0 < p < 1")
    Assumption(name='p', lower=0, upper=1, strict_lower=True, integer=False)
    >>> parse_assumption("sigma >= 0").properties()
    {'nonnegative': True}
    >>> parse_assumption("p in (0, 1)") == parse_assumption("0 < p < 1")
    True
    >>> parse_assumption("n > 0 integer").properties()
    {'integer': True, 'positive': True}
    """
    interval = _INTERVAL.match(text or "")
    if interval:
        if interval.group("open") == "[" or interval.group("close") == "]":
            raise InputError(f"cannot read the assumption {text!r}: closed ends are not supported, write (a, b)")
        text = f"{interval.group('lo')} < {interval.group('name')} < {interval.group('hi')}"
    m = _ASSUMPTION.match(text or "")
    if not m or (m.group("op") is None and m.group("lo") is None and not m.group("integer")):
        raise InputError(f"cannot read the assumption {text!r}: write e.g. \"x>0\", \"x>=1\", \"0<p<1\", "
                         "\"p in (0, 1)\", \"n integer\" or \"n > 0 integer\"")
    name = readable_name(m.group("name").lstrip("\\"))
    lower = upper = None
    strict = True
    if m.group("lo") is not None:
        lower, strict = _bound(m.group("lo"), text), m.group("lop") == "<"
    op, num = m.group("op"), m.group("num")
    if op is not None:
        value = _bound(num, text)
        if op in (">", ">="):
            if lower is not None:
                raise InputError(f"cannot read the assumption {text!r}")
            lower, strict = value, op == ">"
        else:
            upper = value
    if lower is not None and upper is not None and lower >= upper:
        raise InputError(f"the assumption {text!r} leaves no values")
    return Assumption(name, lower, upper, strict, bool(m.group("integer")))


def symbol_factory(assumptions: Sequence[Assumption] = (), known: Mapping[str, sp.Basic] | None = None):
    """``(symbol, indexed)`` makers for the parser: one object per name, assumptions applied.

    ``known`` maps names to existing symbols or ``IndexedBase``s (a registered
    result's), which are reused when a name matches.

    >>> symbol, indexed = symbol_factory([parse_assumption("x>0")])
    >>> symbol("x").is_positive, symbol("y").is_real, indexed("x")[1].is_positive
    (True, True, True)
    """
    props = {a.name: a.properties() for a in assumptions}
    table: dict[str, sp.Basic] = {}
    known = dict(known or {})

    def symbol(name: str) -> sp.Symbol:
        if name not in table:
            hit = known.get("=" + name, known.get(name_key(name)))
            table[name] = hit if isinstance(hit, sp.Symbol) else sp.Symbol(name, **props.get(name, {"real": True}))
        return table[name]

    def indexed(name: str) -> sp.IndexedBase:
        key = "[]" + name
        if key not in table:
            hit = known.get("=[]" + name, known.get("[]" + name_key(name)))
            table[key] = hit if isinstance(hit, sp.IndexedBase) else sp.IndexedBase(
                name, **props.get(name, {"real": True}))
        return table[key]

    return symbol, indexed


def name_key(name: str) -> str:
    r"""How names are matched: LaTeX markup, braces, spaces and underscores dropped, Greek spelled out.

    ``\hat{x}``, ``x̂`` and ``xhat`` are one name; ``σ^2``, ``σ²`` and ``sigma2``
    are one name; ``∂ℓ/∂y``, ``dl_dy`` and ``\frac{\partial \ell}{\partial y}``
    (read as ``dell_dy``) are one name (``ell`` is ``l``).

    >>> name_key(r"\hat{x}"), name_key("x̂"), name_key("σ^2"), name_key(r"\varepsilon")
    ('xhat', 'xhat', 'sigma2', 'epsilon')
    >>> name_key("∂ℓ/∂y"), name_key("dl_dy"), name_key("dell_dy"), name_key("x_1")
    ('dldy', 'dldy', 'dldy', 'x1')
    """
    text = readable_name(name)
    text = text.replace("\u0302", "hat").replace("²", "2").replace("³", "3")  # x̂, σ²
    m = re.fullmatch(r"\\?(hat|tilde|bar)\{(.+)\}(.*)", text)
    if m:
        text = m.group(2) + m.group(1) + m.group(3)
    text = re.sub(r"\\(mathbf|boldsymbol|mathrm|operatorname)\{([^{}]*)\}", r"\2", text)
    text = text.replace("\\partial", "d").replace("∂", "d")
    text = re.sub(r"[\\{}\s^*/_()]", "", text)
    return readable_name(text).replace("ell", "l")


def match_powers(expr: sp.Basic, known: Mapping[str, sp.Basic]) -> sp.Basic:
    """``σ**2`` in a claim is the result's symbol ``σ²`` when the result has one (and no ``σ``)."""
    mapping = {}
    for p in expr.atoms(sp.Pow):
        if isinstance(p.base, sp.Symbol) and isinstance(p.exp, sp.Integer) and p.exp in (2, 3):
            key = name_key(p.base.name)
            hit = known.get(key + str(p.exp))
            if isinstance(hit, sp.Symbol) and key not in known:
                mapping[p] = hit
    return expr.xreplace(mapping) if mapping else expr


_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")


def parse_with(text: str, symbols, latex: bool, what: str, kinds: Mapping[str, Kind] | None = None) -> sp.Basic:
    symbol, indexed = symbols
    try:
        if latex:
            validate_text(text)
            return read_latex([text], symbol, indexed, declared=kinds).values[0]
        parts = _EQUALS.split(text)
        if len(parts) == 2:  # "lhs = rhs": the right-hand side is the claim
            text = parts[1]
        return parse_expression(text, symbol, indexed=indexed, kinds=kinds)
    except InputError as exc:
        raise InputError(f"{what}: {exc}") from None


def declared_kinds(matrices=(), vectors=(), functions=(), scalars=()) -> dict[str, Kind]:
    """The kinds the user declared (``--matrix H,X``); a name declared twice is refused.

    >>> declared_kinds(matrices=["H, X"], functions=["f"])
    {'H': <Kind.MATRIX: 'matrix'>, 'X': <Kind.MATRIX: 'matrix'>, 'f': <Kind.FUNCTION: 'function'>}
    """
    out: dict[str, Kind] = {}
    for kind, groups in ((Kind.MATRIX, matrices), (Kind.VECTOR, vectors), (Kind.FUNCTION, functions),
                         (Kind.SCALAR, scalars)):
        for group in groups:
            for raw in group.split(","):
                name = readable_name(raw.strip().lstrip("\\"))
                if not re.fullmatch(r"[A-Za-z][\w^{}+\-]*", name):
                    raise InputError(f"--{kind.value} takes names separated by commas, got {raw.strip()!r}")
                if out.get(name, kind) is not kind:
                    raise InputError(f"{name} is declared both a {out[name].value} and a {kind.value}")
                out[name] = kind
    return out


def parse_sides(texts: Sequence[str], symbols, latex: bool, whats: Sequence[str],
                kinds: Mapping[str, Kind] | None = None, smooth: Sequence[str] = ()) -> Reading:
    """Read the formulas of one check together: a name has one kind in all of them (:func:`read_latex`).

    ``smooth`` names functions whose mixed partials commute (LaTeX only)."""
    symbol, indexed = symbols
    if latex:
        return read_latex(list(texts), symbol, indexed, declared=kinds, labels=whats, smooth=smooth)
    values = tuple(parse_with(t, symbols, False, w, kinds) for t, w in zip(texts, whats))
    found = {}
    for v in values:
        for s in sp.sympify(v).atoms(sp.Symbol) if not isinstance(v, sp.MatrixBase) else ():
            if kind_of(s) is not Kind.SCALAR:
                found.setdefault(s.name, (kind_of(s), "declared"))
    return Reading(values, tuple((n, k, w) for n, (k, w) in found.items()))


def result_symbols(d) -> dict[str, sp.Basic]:
    """Every symbol and ``IndexedBase`` of a derivation's result, keyed as :func:`name_key` matches names.

    Keys are ``"=" + name`` (exact spelling, preferred) and ``name_key(name)`` for
    symbols, the same with ``"[]"`` for ``IndexedBase`` labels; a symbol's LaTeX
    name (``latex_names``) is an alias.

    >>> from derivations.record import Derivation
    >>> d = Derivation("demo.r", "demo", (), sp.Eq(sp.Symbol("r"), sp.Symbol("x̂") * sp.IndexedBase("y")[1]))
    >>> sorted(result_symbols(d))
    ['=[]y', '=x̂', '[]y', 'xhat']
    """
    rhs = d.result.rhs if isinstance(d.result, sp.Equality) else d.result
    pool = [rhs] + [e for pair in d.definitions for e in pair if isinstance(e, sp.Basic)]
    pool += [s for s, _ in d.sizes] + [s for s, _ in d.numeric_sizes] + [i for i, _ in d.indices]
    table: dict[str, sp.Basic] = {}
    for e in pool:
        bases = [e] if isinstance(e, sp.IndexedBase) else [i.base for i in e.atoms(sp.Indexed)]
        for base in bases:
            table.setdefault("=[]" + str(base.label), base)
            table.setdefault("[]" + name_key(str(base.label)), base)
        if isinstance(e, sp.IndexedBase):
            continue
        labels = {b.label for b in bases}
        for s in e.atoms(sp.Symbol) - labels:
            table.setdefault("=" + s.name, s)
            table.setdefault(name_key(s.name), s)
    for obj, latex in d.latex_names:
        text = re.sub(r"\^\{?\(.*$|_\{?\{i\}.*$", "", latex)
        key = name_key(text)
        if isinstance(obj, sp.IndexedBase):
            table.setdefault("[]" + key, obj)
        elif isinstance(obj, sp.Symbol):
            table.setdefault(key, obj)
    return table
