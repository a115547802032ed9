r"""Why two formulas differ: sign, constant factor, additive constant, a small constant, a positivity assumption.

:func:`diagnose` looks at the probe values of a pair that differs and says
what relates them (``claimed = -(expected)``, ``claimed = 2 * (expected)``,
equal when :math:`\varepsilon \to 0`, equal under ``x > 0``), and which
names one side uses and the other does not.

Examples
========

>>> _nice(complex(0.5, 0))
'1/2'
"""

from __future__ import annotations

import random
from typing import Mapping

import sympy as sp

from derivations.reading.parsing import readable_name
from derivations.checking.verify import Clock, ProbeContext, close, compare

#: names of constants that are "small" in lecture notes (ε, δ, ν as stabilizers)
SMALL_CONSTANTS = ("epsilon", "eps", "delta", "nu")


def diagnose(claimed, expected, ctx: ProbeContext, samples, clock: Clock, rng: random.Random,
              originals: tuple[sp.Basic, sp.Basic], subs: Mapping) -> list[str]:
    notes: list[str] = []
    usable = [(p, c, e) for p, c, e in samples][:6]
    pairs = [(cv, ev) for _, cs, es in usable for cv, ev in zip(cs, es)]
    varying = len({tuple(sorted(p.items(), key=str)) for p, _, _ in usable}) >= 2
    where = f" (at {_describe(subs)})" if subs else ""
    if varying:
        if all(close(cv, -ev) for cv, ev in pairs):
            notes.append(f"equal up to sign: claimed = -(expected){where}")
        else:
            ratios = [complex(cv) / complex(ev) for cv, ev in pairs if abs(complex(ev)) > 1e-12]
            if len(ratios) >= 2 and len(ratios) == len(pairs) and abs(ratios[0] - 1) > 1e-9 and all(
                    abs(r - ratios[0]) <= 1e-12 * max(1, abs(ratios[0])) for r in ratios):
                factor = _nice(ratios[0])
                if factor != "0":
                    notes.append(f"equal up to a constant factor: claimed = {factor} * (expected){where}")
                elif all(complex(cv) == 0 for cv, _ in pairs):  # a factor of 0 is no relation: say what was seen
                    notes.append(f"claimed is 0 at all {len(usable)} probe points compared, expected is not{where}")
            else:
                gaps = [complex(cv) - complex(ev) for cv, ev in pairs]
                scale = max(abs(complex(v)) for pair in pairs for v in pair)
                if abs(gaps[0]) > 1e-9 * max(1, scale) and all(
                        abs(g - gaps[0]) <= 1e-12 * max(1, abs(gaps[0])) for g in gaps):
                    shift = _nice(gaps[0])
                    shown = f"- {shift[1:]}" if shift.startswith("-") else f"+ {shift}"
                    notes.append(f"differ by an additive constant: claimed = expected {shown}{where}")
    clock.check()
    free = set().union(*(e.free_symbols for e in claimed + expected))
    small = sorted((s for s in free if readable_name(s.name.split("_")[0]) in SMALL_CONSTANTS), key=str)
    for group in [[s] for s in small] + ([small] if len(small) > 1 else []):
        clock.check()
        if _equal_without(group, claimed, expected, ctx, rng, clock):
            names = ", ".join(_greek(s.name) for s in group)
            notes.append(f"equal when {names} → 0: the two differ only through the small "
                         f"constant{'s' if len(group) > 1 else ''}")
            break
    clock.check()
    loose = [s for s in free if not s.is_positive and s not in small]
    if loose and len(loose) <= 8:
        positive = {s: sp.Symbol(s.name, positive=True) for s in loose}
        cp = [c.xreplace(positive) for c in claimed]
        ep = [e.xreplace(positive) for e in expected]
        cmp = compare(cp, ep, ctx, rng, 6, clock)
        if cmp.point is None and cmp.agree >= 6:
            needed = sorted(loose, key=str)
            for s in list(needed):  # keep only the symbols whose positivity matters
                clock.check()
                trial = {t: positive[t] for t in needed if t != s}
                cmp = compare([c.xreplace(trial) for c in claimed], [e.xreplace(trial) for e in expected], ctx,
                               rng, 6, clock)
                if cmp.point is None and cmp.agree >= 6:
                    needed.remove(s)
            if needed:
                names = ", ".join(s.name for s in needed)
                hint = " ".join(f'--assume "{s.name}>0"' for s in needed)
                notes.append(f"equal under the assumption {names} > 0 (try {hint})")
    claimed_o, expected_o = originals
    indices = {str(i) for e in originals for ind in e.atoms(sp.Indexed) for i in ind.indices}
    indices |= {str(s) for e in originals for d in e.atoms(sp.KroneckerDelta) for s in d.free_symbols}
    extra = names_of(claimed_o) - names_of(expected_o) - indices
    if extra:
        notes.append(f"the claim uses {', '.join(sorted(extra))}, which the expected formula does not")
    missing = names_of(expected_o) - names_of(claimed_o) - indices
    if missing:
        notes.append(f"the claim lacks {', '.join(sorted(missing))}, which the expected formula uses")
    return notes


def _equal_without(group, claimed, expected, ctx, rng, clock) -> bool:
    """Both sides agree, and are not both identically zero, once the constants in ``group`` are 0."""
    zero = {s: 0 for s in group}
    c0 = [c.xreplace(zero) for c in claimed]
    e0 = [e.xreplace(zero) for e in expected]
    cmp = compare(c0, e0, ctx, rng, 4, clock)
    if cmp.point is not None or cmp.agree < 4:
        return False
    return any(abs(complex(v)) > 1e-30 for _, cs, es in cmp.samples for v in cs + es)


def _describe(subs: Mapping) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sorted(subs.items(), key=lambda kv: str(kv[0])))


def names_of(expr: sp.Basic) -> set[str]:
    out = {s.name for s in expr.free_symbols if not isinstance(s, sp.Indexed)}
    out |= {str(i.base.label) for i in expr.atoms(sp.Indexed)}
    out -= {str(i) for ind in expr.atoms(sp.Indexed) for i in ind.indices}
    return out


def _greek(name: str) -> str:
    table = {"epsilon": "ε", "delta": "δ", "nu": "ν", "eps": "ε"}
    return table.get(name, name)


def _nice(z: complex) -> str:
    if abs(z.imag) > 1e-12 * max(1, abs(z.real)):
        return f"({z.real:.6g}{z.imag:+.6g}j)"
    r = sp.nsimplify(z.real, rational=False, tolerance=1e-12)
    return str(r) if len(str(r)) <= 12 else f"{z.real:.8g}"
