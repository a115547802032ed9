r"""Numeric probes for equivalence checks: where to sample, how to evaluate, when two values agree.

A probe point gives every free symbol a rational value inside its domain
(from assumptions, or the symbol's own positivity); both sides are evaluated
with SymPy's adaptive ``evalf`` at :data:`DIGITS` significant digits, with the
point passed as ``subs`` (never substituted symbolically).  Points where
either side is not finite (or beyond double range, about 10^308) are skipped.
Values agree when they match to 22 significant digits; above 10^6 in
magnitude the difference is also evaluated on its own, so that an absolute gap
is not hidden by the relative test.  Sums over a symbolic size are
instantiated for concrete sizes first (:func:`instances`), and ``x[3]``
becomes a plain symbol named ``x[3]`` (:func:`flatten_indexed`).

Examples
========

>>> import random
>>> x = sp.Symbol("x", positive=True)
>>> ctx = ProbeContext()
>>> ctx.domain(x)
(1/8, 3)
>>> cmp = compare([sp.sqrt(x**2)], [x], ctx, random.Random(0), 5, Clock(float("inf")))
>>> cmp.agree, cmp.point is None
(5, True)
"""

from __future__ import annotations

import itertools
import math
import random
import time
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import sympy as sp

from derivations.deadline import TimeLimitExceeded

DIGITS = 40
LARGE = 1e6  # above this magnitude the difference of two values is also evaluated on its own
POSITIVE = (sp.Rational(1, 8), sp.Integer(3))
REAL = (sp.Integer(-3), sp.Integer(3))

@dataclass(frozen=True)
class ProbeContext:
    """What probing needs to know: symbol domains, sizes for sums, index ranges, definitions."""

    domains: tuple[tuple[str, tuple], ...] = ()
    sizes: tuple[tuple[sp.Symbol, tuple[int, ...], bool], ...] = ()
    indices: tuple[tuple[sp.Symbol, sp.Basic], ...] = ()
    definitions: tuple = ()

    def domain(self, sym: sp.Symbol) -> tuple:
        name = sym.name
        base = name.split("[", 1)[0]
        for key, rng in self.domains:
            if key in (name, base):
                return rng
        if sym.is_positive:
            return POSITIVE
        if sym.is_nonnegative:
            return (sp.Integer(0), POSITIVE[1])
        if sym.is_negative:
            return (-POSITIVE[1], -POSITIVE[0])
        return REAL


@dataclass
class Clock:
    deadline: float

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise TimeLimitExceeded("time limit exceeded")


def flatten_indexed(expr: sp.Basic) -> sp.Basic:
    """``x[3]`` becomes a plain symbol named ``x[3]`` with the base's assumptions."""
    mapping = {}
    for e in expr.atoms(sp.Indexed):
        label = e.base.label
        props = dict(label.assumptions0) if isinstance(label, sp.Symbol) else {}
        props.update({k: v for k, v in e.base.assumptions0.items() if v is not None})
        name = f"{label}[{','.join(str(i) for i in e.indices)}]"
        mapping[e] = sp.Symbol(name, **{k: v for k, v in props.items() if k in ("real", "positive", "nonnegative",
                                                                                 "negative", "integer")})
    return expr.xreplace(mapping) if mapping else expr


def size_symbols(exprs: Iterable[sp.Basic]) -> list[sp.Symbol]:
    found = set()
    for e in exprs:
        for s in e.atoms(sp.Sum, sp.Product):
            for _, lo, hi in s.limits:
                found |= (sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols)
    return sorted(found, key=str)


def free_indices(exprs: Iterable[sp.Basic], sizes: set) -> list[sp.Symbol]:
    found = set()
    for e in exprs:
        free = e.free_symbols
        for ind in e.atoms(sp.Indexed):
            found |= {s for i in ind.indices for s in sp.sympify(i).free_symbols if s in free}
    return sorted(found - sizes, key=str)


def instances(exprs: Sequence[sp.Basic], ctx: ProbeContext) -> list[tuple[dict, bool]]:
    """Substitutions (sizes, free indices) under which to compare, each with 'prove symbolically?'."""
    sizes = list(ctx.sizes)
    if not sizes:
        sizes = [(s, (2, 3), True) for s in size_symbols(exprs)] + [(s, (4, 6), False) for s in size_symbols(exprs)]
    if not sizes:
        return [({}, True)]
    size_syms = {s for s, _, _ in sizes}
    uppers = dict(ctx.indices)
    indices = [i for i in free_indices(exprs, size_syms) if i not in uppers] + list(uppers)
    out = []
    for symbolic in (True, False):
        chosen = [(s, v) for s, v, sym in sizes if sym == symbolic]
        if not chosen:
            continue
        names = list(dict.fromkeys(s for s, _ in chosen))
        value_lists = [sorted({v for s2, vs in chosen if s2 == s for v in vs}) for s in names]
        for values in itertools.product(*value_lists):
            base = dict(zip(names, values))
            ranges = []
            for idx in indices:
                upper = uppers.get(idx, max(values))
                top = int(sp.sympify(upper).subs(base))
                ranges.append(sorted({1, top}) if top >= 1 else [1])
            for combo in itertools.product(*ranges):
                out.append(({**base, **dict(zip(indices, combo))}, symbolic))
    return out


# --------------------------------------------------------------------------- numbers


def probe_point(symbols: Sequence[sp.Symbol], ctx: ProbeContext, rng: random.Random, nice: bool) -> dict:
    point = {}
    for s in symbols:
        lo, hi = ctx.domain(s)
        lo, hi = sp.Rational(lo), sp.Rational(hi)
        if nice:
            grid = [lo + (hi - lo) * sp.Rational(k, 12) for k in range(1, 12)]
            point[s] = rng.choice(grid)
        else:
            point[s] = lo + (hi - lo) * sp.Rational(rng.randint(1, 9972), 9973)
    return point


def evaluate(expr: sp.Basic, point: Mapping, digits: int = DIGITS, maxn: int = 100):
    """A complex number at ``digits`` significant digits, or ``None`` where not finite.

    ``maxn`` bounds the working precision evalf may raise to where terms cancel.
    """
    # evalf with subs: the point is never substituted symbolically, so SymPy does not try to
    # simplify rational powers of rationals (which can take seconds)
    try:
        value = sp.N(expr, digits, subs=dict(point), maxn=maxn)
    except TimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - whatever SymPy cannot evaluate is "not a finite number here"
        return None
    if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        return None
    try:
        z = complex(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        return None
    return value


def _agree(c, e, point, cv, ev) -> bool:
    if not close(cv, ev):
        return False
    return max(abs(complex(cv)), abs(complex(ev))) <= LARGE or _difference_vanishes(c, e, point, cv, ev)


def _difference_vanishes(c, e, point, cv, ev) -> bool:
    """For large values, relative agreement hides absolute gaps (1 + e^81 vs e^81): evaluate c - e itself."""
    scale = max(1.0, abs(complex(cv)), abs(complex(ev)))
    # working precision up to the magnitude's digits + 100: a true zero leaves a residual far
    # below 10^-60, a real gap of 10^-60 or more is resolved
    digits = int(math.log10(scale)) + 100
    gap = evaluate(c - e, point, 30, maxn=digits)
    return gap is None or abs(complex(gap)) <= 1e-60


def close(a, b) -> bool:
    za, zb = complex(a), complex(b)
    diff = abs(complex(sp.N(a - b, DIGITS)))
    return diff <= 1e-22 * max(1.0, abs(za), abs(zb))


def show(value) -> str:
    z = complex(value)
    if abs(z.imag) <= 1e-30 * max(1.0, abs(z.real)):
        return f"{z.real:.10g}"
    return f"{z.real:.10g}{z.imag:+.10g}j"


@dataclass
class Comparison:
    """Numeric agreement of two lists of entries over probe points."""

    agree: int = 0
    tried: int = 0
    point: dict | None = None
    entry: int | None = None
    values: tuple | None = None
    samples: list = field(default_factory=list)  # (point, claimed values, expected values)


def compare(claimed: list, expected: list, ctx: ProbeContext, rng: random.Random, wanted: int, clock: Clock,
             nice: int = 0) -> Comparison:
    symbols = sorted(set().union(*(e.free_symbols for e in claimed + expected)), key=str)
    out = Comparison()
    attempts = 0
    while out.agree < wanted and attempts < 4 * wanted + 4:
        clock.check()
        attempts += 1
        point = probe_point(symbols, ctx, rng, nice=attempts <= nice)
        cs, es = [], []
        finite = True
        for c, e in zip(claimed, expected):
            cv, ev = evaluate(c, point), evaluate(e, point)
            if cv is None or ev is None:
                finite = False
                break
            cs.append(cv)
            es.append(ev)
        out.tried += 1
        if not finite:
            continue
        out.samples.append((point, cs, es))
        for k, (cv, ev) in enumerate(zip(cs, es)):
            if not _agree(claimed[k], expected[k], point, cv, ev):
                # confirm at higher precision before calling it a difference
                cv2, ev2 = evaluate(claimed[k], point, 2 * DIGITS), evaluate(expected[k], point, 2 * DIGITS)
                if cv2 is not None and ev2 is not None and not _agree(claimed[k], expected[k], point, cv2, ev2):
                    out.point, out.entry, out.values = point, k, (cv2, ev2)
                    return out
        out.agree += 1
    return out
