r"""Mutation testing of the verifier: inject realistic slips into a claim and see whether it is caught.

A *mutant* of a step replaces its right-hand side by a slipped version: a
sign flipped, a factor 2 or ½, a term dropped, an exponent changed, two
indices swapped, ε removed from under a root, or ``m`` replaced by ``m − 1``.
A mutant that an independent probe (the engine's sampler on the record's
first instance, not the verifier's own path) finds equal to the original is
*equivalent* and excluded.  Every other mutant should be refused when built,
or fail verification; one that is proved or probed has escaped.

Examples
========

>>> import sympy as sp
>>> x = sp.Symbol("x", real=True)
>>> sorted({m.kind for m in mutants(x**2 + 3*x)})
['dropped term', 'exponent changed', 'factor 1/2', 'factor 2', 'sign flip']
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

import sympy as sp

from derivations.checking.instantiate import derivation_instances, instantiate, standing_in
from derivations.checking.verify import Clock, ProbeContext, check_step, compare, entries
from derivations.claims import DerivativeOf, Equals, Holds, Outcome

__all__ = ["Mutant", "MutationResult", "mutants", "mutate_derivation"]


@dataclass(frozen=True)
class Mutant:
    """One slip: what kind, and the slipped expression."""

    kind: str
    expr: sp.Basic


def _terms(e: sp.Basic) -> list[sp.Basic]:
    return list(e.args) if isinstance(e, sp.Add) else []


def mutants(expr: sp.Basic) -> list[Mutant]:
    """The realistic slips of ``expr`` (at most one of each kind at the top-level sum, plus the deep ones)."""
    if isinstance(expr, sp.MatrixBase):
        if not expr or expr.is_zero_matrix:
            return []
        k = next(i for i, e in enumerate(expr) if e != 0)
        return [Mutant(m.kind, sp.ImmutableMatrix(expr.shape[0], expr.shape[1],
                                                  [m.expr if i == k else e for i, e in enumerate(expr)]))
                for m in mutants(expr[k])]
    if not isinstance(expr, sp.Expr) or expr.is_Boolean:
        return []
    out = [Mutant("factor 2", 2 * expr), Mutant("factor 1/2", expr / 2)]
    terms = _terms(expr)
    if terms:
        out.append(Mutant("sign flip", expr - 2 * terms[-1]))
        out.append(Mutant("dropped term", expr - terms[-1]))
    else:
        out.append(Mutant("sign flip", -expr))
    pows = sorted((p for p in expr.atoms(sp.Pow) if p.exp.is_Integer and p.exp > 1), key=sp.default_sort_key)
    if pows:
        p = pows[0]
        out.append(Mutant("exponent changed", expr.xreplace({p: p.base ** (p.exp + 1)})))
    indexed = sorted(expr.atoms(sp.Indexed), key=sp.default_sort_key)
    idx = sorted({i for e in indexed for i in e.indices if isinstance(i, sp.Symbol)}, key=str)
    if len(idx) >= 2:
        a, b = idx[:2]
        out.append(Mutant("index swap", expr.xreplace({a: b, b: a})))
    roots = [p for p in expr.atoms(sp.Pow) if p.exp.is_Rational and p.exp.q == 2 and isinstance(p.base, sp.Add)]
    for r in roots:
        small = [t for t in r.base.args if t.free_symbols and {s.name for s in t.free_symbols} <= {"epsilon", "delta", "nu"}]
        if small:
            out.append(Mutant("ε removed from the root", expr.xreplace({r: (r.base - small[0]) ** r.exp})))
            break
    sizes = sorted((s for s in expr.free_symbols if s.name in ("m", "n") and s.is_integer), key=str)
    if sizes:
        out.append(Mutant("m → m − 1", expr.xreplace({sizes[0]: sizes[0] - 1})))
    return [m for m in out if m.expr != expr]


@dataclass(frozen=True)
class MutationResult:
    """How one mutant fared: ``caught`` (refused or failed), ``equivalent``, ``undecided`` or ``escaped``."""

    name: str
    step: int
    kind: str
    verdict: str


def _equivalent(d, original, mutant, rng) -> bool:
    """An independent probe on the record's first instance: do the original and the mutant agree?"""
    subs = derivation_instances(d)[0][0]
    a, b = (instantiate(e, subs, d.definitions) for e in (original, mutant))
    if isinstance(a, sp.MatrixBase) != isinstance(b, sp.MatrixBase):
        return False
    (ea, eb), _ = standing_in([sp.ImmutableMatrix(entries(a)), sp.ImmutableMatrix(entries(b))], rng)
    ctx = ProbeContext(tuple((str(k.label if isinstance(k, sp.IndexedBase) else k), r) for k, r in d.domain))
    cmp = compare(list(ea), list(eb), ctx, rng, 8, Clock(float("inf")))
    return cmp.point is None and cmp.agree >= 8


def _condition_still_holds(d, step, rng) -> bool:
    """A mutant of a condition's right-hand side that still satisfies the condition is no slip of the claim.

    Decided by a denser probe (1000 points, its own seed) on the record's first instance.
    """
    from derivations.checking.verify import holds, shown_condition

    subs = derivation_instances(d)[0][0]
    cond = instantiate(shown_condition(step), subs, d.definitions)
    if cond in (sp.true, sp.false):
        return cond is sp.true
    (cond,), _ = standing_in([cond], rng)
    ctx = ProbeContext(tuple((str(k.label if isinstance(k, sp.IndexedBase) else k), r) for k, r in d.domain))
    probe = holds(cond, ctx, random.Random(f"{d.name}:independent"), Clock(float("inf")), wanted=1000)
    return probe.point is None and probe.evaluated >= 200


def mutate_derivation(d, rng: random.Random, limit: int | None = None, seconds: float = 2.0):
    """Mutate every checked step of ``d`` (``limit`` mutants per step at most) and verify each mutant."""
    from derivations.checking.verify import probing

    results = []
    ctx, expand = probing(d)

    for i, step in enumerate(d.steps, 1):
        if not isinstance(step.claim, (Equals, DerivativeOf, Holds)):
            continue
        if isinstance(step.claim, Holds) and step.rhs is sp.true:
            continue  # a condition shown as "… = True": mutating True is not a slip
        found = mutants(step.rhs)
        rng.shuffle(found)
        for m in found[:limit]:
            try:
                if isinstance(step.claim, Holds):
                    if _condition_still_holds(d, dataclasses.replace(step, rhs=m.expr), rng):
                        results.append(MutationResult(d.name, i, m.kind, "equivalent"))
                        continue
                elif _equivalent(d, step.rhs, m.expr, rng):
                    results.append(MutationResult(d.name, i, m.kind, "equivalent"))
                    continue
            except Exception:  # noqa: BLE001 - a mutant the probe cannot evaluate is verified all the same
                pass
            mutated = dataclasses.replace(step, rhs=m.expr)
            try:
                dataclasses.replace(d, steps=d.steps[:i - 1] + (mutated,) + d.steps[i:])
            except ValueError:
                results.append(MutationResult(d.name, i, m.kind, "caught"))  # refused as vacuous
                continue
            report = check_step(i, mutated, d, ctx, expand, seconds, 5, random.Random(f"{d.name}:{i}:mutant"))
            verdict = {Outcome.FAILED: "caught", Outcome.UNDECIDED: "undecided"}.get(report.outcome, "escaped")
            results.append(MutationResult(d.name, i, m.kind, verdict))
    return results
