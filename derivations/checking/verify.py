r"""The verification engine: one sampler, one evaluator, one tolerance policy, one counterexample.

:meth:`Derivation.verify <derivations.record.Derivation.verify>` and
``derivkit check`` both decide through this module.  What its verdicts mean:

* **proved** -- a symbolic argument: SymPy reduced ``claimed − reference`` to
  zero (or showed the condition true under the assumptions) within a time
  bound, for every size listed in the label ("proved for all m" when the size
  stayed a symbol; "proved for m ∈ {2, 3}" when it was instantiated; "proved
  for 2×2" when the record only covers one shape), and no probe disagreed.
* **probed** (outcome ``confirmed``) -- no proof, but the two sides agreed at
  every evaluated probe point; the label says how many ("probed at 200
  points").  A condition (:class:`~derivations.claims.Holds`) is only called
  probed with at least :data:`HOLDS_POINTS` evaluated points.
* **undecided** -- neither: too few points could be evaluated ("undecided: 3
  of 400 points could be evaluated") or nothing applied.  Never a pass.

The sampler draws rational points inside each symbol's domain (declared, or
from its assumptions: positive symbols in (1/8, 3), real ones in (−3, 3)),
plus points near the domain's edges and, for undeclared domains, in its
tails.  The evaluator (:mod:`~derivations.checking.evaluation`) computes at
:data:`DIGITS` significant digits with mpmath (shared subtrees once; SymPy's
``evalf`` for anything else).  Two
values agree when they match to :data:`TOLERANCE` relative to their size;
above :data:`LARGE` the difference is evaluated on its own as well.  A
counterexample is the point, each symbol's value to 6 digits.

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
>>> probe = holds(sp.sqrt(x - 10) > 100, ProbeContext((("x", (0, 3)),)), random.Random(0), Clock(float("inf")))
>>> probe.evaluated, probe.tried, probe.point is None
(0, 400, True)
"""

from __future__ import annotations

import enum
import math
import random
import time
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import mpmath
import sympy as sp

from derivations.checking.evaluation import DIGITS, as_mpmath, as_sympy, evaluate, evaluate_all
from derivations.checking.instantiate import (Expander, derivation_instances, expand_instance, flatten_indexed,
                                              instances, instantiate, standing_in)
from derivations.checking.sums import proved_for_all_sizes
from derivations.checking.symbolic import entries, prove_condition, symbolic_zero
from derivations.claims import (DerivativeOf, Differs, Holds, Outcome, Scope, Step, StepReport, Verification,
                                gather_sizes, shown_condition)
from derivations.deadline import TimeLimitExceeded

__all__ = ["DIGITS", "HOLDS_POINTS", "LARGE", "POSITIVE", "REAL", "TOLERANCE", "Clock", "Comparison", "Draw",
           "HoldsProbe", "ProbeContext", "close", "compare", "describe", "entries", "evaluate", "flatten_indexed",
           "holds", "instances", "instantiate", "probing", "show", "symbolic_zero", "verify"]

TOLERANCE = 1e-22  # relative agreement of two values computed at DIGITS digits
LARGE = 1e6  # above this magnitude the difference of two values is also evaluated on its own
HOLDS_POINTS = 200  # evaluated points below which a condition is undecided, never "probed"
POSITIVE = (sp.Rational(1, 8), sp.Integer(3))
REAL = (sp.Integer(-3), sp.Integer(3))


# --------------------------------------------------------------------------- the sampler


class Draw(enum.Enum):
    """Where a probe point is drawn."""

    INTERIOR = "interior"  # uniform rationals k/9973 across the domain
    GRID = "grid"  # twelfths of the domain: small rationals, nice counterexamples
    EDGE = "edge"  # within 10⁻⁴ of an end of the domain
    TAIL = "tail"  # beyond the default box, up to 10 times its end (undeclared domains only)


@dataclass(frozen=True)
class ProbeContext:
    """What probing needs to know: symbol domains, sizes for sums, index ranges, definitions."""

    domains: tuple[tuple[str, tuple], ...] = ()
    sizes: tuple[tuple[sp.Symbol, tuple[int, ...], bool], ...] = ()
    indices: tuple[tuple[sp.Symbol, sp.Basic], ...] = ()
    definitions: tuple = ()

    def declared(self, sym: sp.Symbol) -> tuple | None:
        name = sym.name
        base = name.split("[", 1)[0]
        for key, rng in self.domains:
            if key in (name, base):
                return sp.Rational(rng[0]), sp.Rational(rng[1])
        return None

    def domain(self, sym: sp.Symbol) -> tuple:
        declared = self.declared(sym)
        if declared is not None:
            return declared
        if sym.is_positive:
            return POSITIVE
        if sym.is_nonnegative:
            return (sp.Integer(0), POSITIVE[1])
        if sym.is_negative:
            return (-POSITIVE[1], -POSITIVE[0])
        return REAL


def probe_point(symbols: Sequence[sp.Symbol], ctx: ProbeContext, rng: random.Random,
                draw: Draw = Draw.INTERIOR) -> dict:
    """A rational value for each symbol, inside its domain (or in an undeclared domain's tail)."""
    point = {}
    for s in symbols:
        lo, hi = ctx.domain(s)
        if s.is_integer:
            point[s] = sp.Integer(rng.randint(int(max(lo, 1)), int(max(hi, 2))))
        elif draw is Draw.GRID:
            point[s] = lo + (hi - lo) * sp.Rational(rng.randint(1, 11), 12)
        elif draw is Draw.EDGE:
            gap = (hi - lo) * sp.Rational(rng.randint(1, 99), 10**6)
            point[s] = lo + gap if rng.random() < 0.5 else hi - gap
        elif draw is Draw.TAIL and ctx.declared(s) is None:
            # beyond the box: (hi, 10 hi) above, and (lo/10, lo) towards 0 for positive symbols
            t = sp.Rational(rng.randint(1, 9972), 9973)
            if lo > 0 and rng.random() < 0.5:
                point[s] = lo / 10 + (lo - lo / 10) * t
            elif lo < 0 and hi > 0 and rng.random() < 0.5:
                point[s] = lo * (1 + 9 * t)
            else:
                point[s] = hi * (1 + 9 * t) if hi > 0 else lo + (hi - lo) * t
        else:
            point[s] = lo + (hi - lo) * sp.Rational(rng.randint(1, 9972), 9973)
    return point


def _schedule(k: int) -> Draw:
    """Of every 10 draws for a condition: 8 interior, one near an edge, one in a tail."""
    return Draw.EDGE if k % 10 == 8 else (Draw.TAIL if k % 10 == 9 else Draw.INTERIOR)


@dataclass
class Clock:
    """A deadline on ``time.monotonic``."""

    deadline: float

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise TimeLimitExceeded("time limit exceeded")


# --------------------------------------------------------------------------- the tolerance policy


def close(a, b) -> bool:
    """``a`` and ``b`` agree to :data:`TOLERANCE`, relative to ``max(1, |a|, |b|)``."""
    with mpmath.workdps(DIGITS):
        a, b = as_mpmath(a), as_mpmath(b)
        return abs(a - b) <= TOLERANCE * max(1, abs(a), abs(b))


def _agree(c, e, point, cv, ev) -> bool:
    if not close(cv, ev):
        return False
    return max(abs(cv), abs(ev)) <= LARGE or _difference_vanishes(c, e, point, cv, ev)


def _difference_vanishes(c, e, point, cv, ev) -> bool:
    """For large values relative agreement hides absolute gaps (1 + e^81 vs e^81): evaluate c − e itself."""
    digits = int(math.log10(float(max(1, abs(cv), abs(ev))))) + 100
    gap = evaluate(c - e, point, 30, maxn=digits)
    return gap is None or abs(gap) <= 1e-60


def show(value) -> str:
    """A value to 10 significant digits (``1.5``, ``2-1j``)."""
    z = complex(value)
    if abs(z.imag) <= 1e-30 * max(1.0, abs(z.real)):
        return f"{z.real:.10g}"
    return f"{z.real:.10g}{z.imag:+.10g}j"


def describe(point: Mapping) -> tuple[tuple[str, str], ...]:
    """A counterexample: each symbol with its value to 6 digits, in name order."""
    return tuple((str(k), f"{complex(v).real:.6g}" if not isinstance(v, sp.Integer) else str(v))
                 for k, v in sorted(point.items(), key=lambda kv: str(kv[0])))


# --------------------------------------------------------------------------- comparisons


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
    """Probe until ``wanted`` points agree, a point differs, or ``4·wanted + 4`` points were tried."""
    symbols = sorted(set().union(*(e.free_symbols for e in claimed + expected)), key=str)
    out = Comparison()
    n = len(claimed)
    while out.agree < wanted and out.tried < 4 * wanted + 4:
        clock.check()
        out.tried += 1
        point = probe_point(symbols, ctx, rng, Draw.GRID if out.tried <= nice else Draw.INTERIOR)
        values = evaluate_all(list(claimed) + list(expected), point)
        if values is None:
            continue
        cs, es = values[:n], values[n:]
        with mpmath.workdps(DIGITS):
            out.samples.append((point, [as_sympy(v) for v in cs], [as_sympy(v) for v in es]))
        for k, (cv, ev) in enumerate(zip(cs, es)):
            if not _agree(claimed[k], expected[k], point, cv, ev):
                # confirm at twice the precision before calling it a difference
                again = evaluate_all([claimed[k], expected[k]], point, 2 * DIGITS)
                if again is not None and not _agree(claimed[k], expected[k], point, *again):
                    with mpmath.workdps(2 * DIGITS):
                        out.point, out.entry, out.values = point, k, tuple(as_sympy(v) for v in again)
                    return out
        out.agree += 1
    return out


@dataclass(frozen=True)
class HoldsProbe:
    """A condition probed: how many points were evaluated of how many tried, and a point where it fails."""

    evaluated: int
    tried: int
    point: dict | None = None


def holds(condition: sp.Basic, ctx: ProbeContext, rng: random.Random, clock: Clock,
          wanted: int = HOLDS_POINTS) -> HoldsProbe:
    """Probe ``condition`` until ``wanted`` points decide it (or ``2·wanted`` were tried), stopping at a failure.

    A point decides the condition when every relation in it can be evaluated
    and none is within rounding of its boundary (a strict ``<`` whose sides
    agree to :data:`TOLERANCE` is not evaluated, never counted as true).
    """
    symbols = sorted(condition.free_symbols, key=str)
    relations = sorted(condition.atoms(sp.Rel), key=sp.default_sort_key) if condition.free_symbols else []
    sides = [side for r in relations for side in (r.lhs, r.rhs)]
    evaluated = tried = 0
    while evaluated < wanted and tried < 2 * wanted:
        clock.check()
        point = probe_point(symbols, ctx, rng, _schedule(tried))
        tried += 1
        values = evaluate_all(sides, point)
        if values is None:
            continue
        truth = {}
        for k, r in enumerate(relations):
            truth[r] = holds_condition(type(r), values[2 * k], values[2 * k + 1])
        if any(t is None for t in truth.values()):
            continue
        value = condition.xreplace({r: sp.true if t else sp.false for r, t in truth.items()})
        if value not in (sp.true, sp.false):
            continue
        evaluated += 1
        if value is sp.false:
            return HoldsProbe(evaluated, tried, point)
    return HoldsProbe(evaluated, tried)


# --------------------------------------------------------------------------- conditions


def holds_condition(relation: type, a, b) -> bool | None:
    """The truth of ``a R b`` for two values; ``None`` where rounding cannot tell (a tie under a strict relation)."""
    with mpmath.workdps(DIGITS):
        gap = a - b
        scale = max(1, abs(a), abs(b))
        if isinstance(gap, mpmath.mpc):
            if abs(gap.imag) > TOLERANCE * scale:
                return False if relation is sp.Equality else (True if relation is sp.Unequality else None)
            gap = gap.real
        tie = abs(gap) <= TOLERANCE * scale
    if relation is sp.Equality:
        return tie
    if relation is sp.Unequality:
        return None if tie else True
    if tie:
        return True if relation in (sp.GreaterThan, sp.LessThan) else None
    return bool(gap > 0) if relation in (sp.GreaterThan, sp.StrictGreaterThan) else bool(gap < 0)


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class _Found:
    """One instance of a claim checked: its verdict, the counterexample if any, the points evaluated."""

    outcome: Outcome
    point: dict | None = None
    detail: str = ""
    points: int = 0
    tried: int = 0
    methods: frozenset = frozenset()
    pair: tuple | None = None  # the instance's two sides, when probed and left to prove later


def _equal(rhs, reference, ctx, symbolic, seconds, probes, rng, clock, prove=True) -> _Found:
    if isinstance(rhs, sp.MatrixBase) != isinstance(reference, sp.MatrixBase):
        return _Found(Outcome.FAILED, {}, "one side is a matrix, the other is not")
    if isinstance(rhs, sp.MatrixBase) and rhs.shape != reference.shape:
        return _Found(Outcome.FAILED, {}, f"shapes differ: {rhs.shape} vs {reference.shape}")
    claimed, expected = entries(rhs), entries(reference)
    probed, note = standing_in(claimed + expected, rng)
    cmp = compare(probed[:len(claimed)], probed[len(claimed):], ctx, rng, probes, clock)
    found = dict(points=cmp.agree, tried=cmp.tried, methods=frozenset({"numeric probes"}))
    if cmp.point is not None:
        c, e = cmp.values
        return _Found(Outcome.FAILED, cmp.point, f"claimed {show(c)} but reference {show(e)}{note}", **found)
    if prove and symbolic and symbolic_zero(rhs - reference, seconds):
        return _Found(Outcome.PROVED, **{**found, "methods": frozenset({"symbolic", "numeric probes"})})
    return _Found(Outcome.CONFIRMED if cmp.agree else Outcome.UNDECIDED, pair=(rhs, reference), **found)


def _memo(prove, memo: dict):
    """``prove(expr, seconds)`` once per distinct expression: identical instances are not proved again."""
    def once(expr, seconds):
        key = sp.ImmutableMatrix(expr) if isinstance(expr, sp.MatrixBase) else expr
        if key not in memo:
            memo[key] = prove(expr, seconds)
        return memo[key]
    return once


def _condition(step: Step, cond: sp.Basic, ctx, symbolic, seconds, rng, clock, prove=prove_condition) -> _Found:
    if cond in (sp.true, sp.false):  # decided once the shown right-hand side is substituted
        return _Found(Outcome.PROVED if cond is sp.true else Outcome.FAILED, {} if cond is sp.false else None,
                      "the condition is false" if cond is sp.false else "", methods=frozenset({"symbolic"}))
    (probed,), note = standing_in([cond], rng)
    probe = holds(probed, ctx, rng, clock)
    found = dict(points=probe.evaluated, tried=probe.tried, methods=frozenset({"numeric probes"}))
    if probe.point is not None:
        return _Found(Outcome.FAILED, probe.point, "the condition is false" + note, **found)
    if symbolic and prove(cond, seconds):
        return _Found(Outcome.PROVED, **{**found, "methods": frozenset({"symbolic", "numeric probes"})})
    return _Found(Outcome.CONFIRMED if probe.evaluated >= HOLDS_POINTS else Outcome.UNDECIDED, **found)


def _derivative(step, claim, d, ctx, expand, subs, symbolic, seconds, probes, rng, clock, prove=True) -> _Found:
    v = claim.variable
    node = v.base if isinstance(v, sp.Indexed) else v
    func = expand(claim.function, subs, keep=node, flatten=False)
    var = expand(v, subs, keep=node, flatten=False)
    rhs = expand(step.rhs, subs)
    held = node in dict(d.definitions)  # a partial on the graph: the node's definition enters after differentiating
    flat_f, flat_v = (func, var) if held else (flatten_indexed(func), flatten_indexed(var))
    found = _equal(rhs, expand(sp.diff(flat_f, flat_v), subs), ctx, symbolic, seconds, probes, rng, clock, prove)
    if found.outcome is Outcome.FAILED or held:
        return found  # a partial on the graph has no end-to-end function for differences
    point = _central_differences(rhs, flat_f, flat_v, ctx, rng, probes)
    if point is None:
        return found
    methods = found.methods | {"central differences"}
    if point:
        return _Found(Outcome.FAILED, point, "central difference disagrees", found.points, found.tried, methods)
    return _Found(found.outcome, found.point, found.detail, found.points, found.tried, methods, found.pair)


def _central_differences(rhs, func, var, ctx, rng, probes) -> dict | None:
    """A point where ``rhs`` and the central difference of ``func`` disagree, else ``{}``."""
    if not isinstance(var, sp.Symbol) or isinstance(rhs, sp.MatrixBase) or isinstance(func, sp.MatrixBase):
        return None
    symbols = sorted(func.free_symbols | rhs.free_symbols | {var}, key=str)
    h = sp.Rational(1, 10**12)
    for _ in range(min(probes, 3)):
        point = probe_point(symbols, ctx, rng)
        up = evaluate_all([func], {**point, var: point[var] + h})
        mid = evaluate_all([rhs], point)
        down = evaluate_all([func], {**point, var: point[var] - h})
        if up is None or mid is None or down is None:
            continue
        with mpmath.workdps(DIGITS):
            estimate = (up[0] - down[0]) / (2 * mpmath.mpf(h.p) / h.q)
            if abs(estimate - mid[0]) > 1e-12 * (1 + abs(mid[0])):
                return point
    return {}


def check_step(index: int, step: Step, d, ctx, expand, seconds: float, probes: int, rng) -> StepReport:
    """Check one step's claim in every instance of the record; the report's scope says what was covered.

    Every instance is probed first (a disagreement ends the check).  An
    equality is then proved for all sizes at once where the sum algebra can
    (:func:`~derivations.checking.sums.proved_for_all_sizes`), which covers
    every fixed size; otherwise each fixed-size instance is proved on its own.
    """
    claim = step.claim
    if claim is None:
        return StepReport(index, Outcome.DEFINITION, ())
    clock = Clock(float("inf"))
    methods, proved, probed, points, tried = set(), {}, {}, 0, 0
    undecided, pending, forms = False, [], set()  # forms: the distinct instances of the claim
    insts = derivation_instances(d)
    condition, zero = _memo(prove_condition, {}), _memo(symbolic_zero, {})
    for subs, symbolic in insts:
        if isinstance(claim, Holds):
            cond = expand(shown_condition(step), subs)
            forms.add(cond)
            found = _condition(step, cond, ctx, symbolic, seconds, rng, clock, condition)
        elif isinstance(claim, DerivativeOf):
            found = _derivative(step, claim, d, ctx, expand, subs, symbolic, seconds, probes, rng, clock, False)
        else:
            found = _equal(expand(step.rhs, subs), expand(claim.reference, subs), ctx, symbolic, seconds, probes,
                           rng, clock, prove=False)
        methods |= found.methods
        points, tried = points + found.points, tried + found.tried
        if found.pair is not None:
            forms.add(tuple(sp.ImmutableMatrix(e) if isinstance(e, sp.MatrixBase) else e for e in found.pair))
        sizes = tuple((str(s), subs[s]) for s, _ in (d.sizes if symbolic else d.numeric_sizes))
        if found.outcome is Outcome.FAILED:
            where = " at " + ", ".join(f"{k} = {v}" for k, v in subs.items()) if subs else ""
            if isinstance(claim, Differs):
                return StepReport(index, Outcome.REFUTED, tuple(sorted(methods)), found.detail + where,
                                  describe({**subs, **found.point}) if found.point else (),
                                  Scope(points=points, tried=tried))
            return StepReport(index, Outcome.FAILED, tuple(sorted(methods)), found.detail + where,
                              describe(found.point or {}), Scope(points=points, tried=tried))
        if symbolic and found.pair is not None and found.outcome is Outcome.CONFIRMED:
            pending.append((sizes, found.pair))
        else:
            (proved if found.outcome is Outcome.PROVED else probed).setdefault(sizes, True)
        undecided |= found.outcome is Outcome.UNDECIDED
    if isinstance(claim, Differs):
        return StepReport(index, Outcome.FAILED, tuple(sorted(methods)),
                          "the stated erratum could not be confirmed: the two expressions agree")
    assignments = {tuple((s, subs[s]) for s, _ in d.sizes + d.numeric_sizes if s in subs) for subs, _ in insts}
    # no size scope only for a step that never mentions a size and is one claim at every instance
    sized = len(forms) > 1 or len(assignments) <= 1 or _mentions_sizes(step, d)
    all_sizes = sized and bool(pending) and not undecided and proved_for_all_sizes(step, d, seconds)
    for sizes, (rhs, reference) in pending:  # the general proof covers each fixed size; else prove each
        if all_sizes or zero(rhs - reference, seconds):
            methods.add("symbolic")
            proved.setdefault(sizes, True)
        else:
            probed.setdefault(sizes, True)
    symbolic_sizes = [sizes for subs, sym in insts if sym
                      for sizes in [tuple((str(s), subs[s]) for s, _ in d.sizes)]]
    scope = Scope(proved=gather_sizes(proved) if sized else (),
                  probed=gather_sizes({k: v for k, v in probed.items() if k not in proved}) if sized else (),
                  shape=d.proved_for, points=points, tried=tried)
    if undecided:
        return StepReport(index, Outcome.UNDECIDED, tuple(sorted(methods)), "no method could decide",
                          scope=Scope(points=points, tried=tried))
    if proved and all(s in proved for s in symbolic_sizes):
        probed_only = {k: v for k, v in probed.items() if k not in proved}
        general = tuple(str(s) for s, _ in d.sizes) if all_sizes else ()
        scope = Scope(general=general, proved=gather_sizes(proved) if d.sizes and sized else (),
                      probed=gather_sizes(probed_only) if d.numeric_sizes and sized else (),
                      shape=d.proved_for, points=points, tried=tried)
        return StepReport(index, Outcome.PROVED, tuple(sorted(methods)), scope=scope)
    return StepReport(index, Outcome.CONFIRMED, tuple(sorted(methods)), scope=scope)


def _mentions_sizes(step: Step, d) -> bool:
    """True if the step, with the record's definitions substituted, mentions a size or a free index."""
    sizes = {s for s, _ in d.sizes + d.numeric_sizes} | {i for i, _ in d.indices}
    exprs = [step.rhs, *(v for v in vars(step.claim).values() if isinstance(v, sp.Basic))]
    try:
        expander = Expander(d.definitions, {}, None, evaluate=False)
        return any(not expander.expand(sp.sympify(e)).atoms(sp.Symbol).isdisjoint(sizes) for e in exprs)
    except Exception:  # noqa: BLE001 - when in doubt the label keeps its sizes
        return True


# --------------------------------------------------------------------------- derivations


def verify(d, seconds: float = 4.0, probes: int = 5, seed: int = 0):
    """Check every step of the derivation ``d``.

    Parameters
    ==========

    d : a :class:`~derivations.record.Derivation`.
    seconds : the time bound of each symbolic test.
    probes : random probe points per equality and instance (conditions take :data:`HOLDS_POINTS`).
    seed : the seed of the probe points (reproducible verdicts).

    Returns
    =======

    A :class:`~derivations.claims.Verification`: one :class:`~derivations.claims.StepReport` per step.

    Examples
    ========

    >>> import sympy as sp
    >>> from derivations.record import Derivation, Step, DerivativeOf
    >>> x = sp.Symbol("x", positive=True)
    >>> d = Derivation("demo.log", "d/dx x log x", (Step(sp.Symbol("f'"), sp.log(x) + 1, "product rule",
    ...                claim=DerivativeOf(x * sp.log(x), x)),), sp.S.Zero)
    >>> [s.outcome.value for s in verify(d).steps]
    ['proved']
    """
    start = time.perf_counter()
    ctx, expand = probing(d)
    reports = tuple(
        check_step(i, step, d, ctx, expand, seconds, probes, random.Random(f"{d.name}:{i}:{seed}"))
        for i, step in enumerate(d.steps, 1)
    )
    return Verification(d.name, reports, time.perf_counter() - start)


def probing(d):
    """The probe context of ``d`` and its instance expander (one :class:`Expander` per sizes and held node)."""
    names = tuple((str(k.label if isinstance(k, sp.IndexedBase) else k), rng) for k, rng in d.domain)
    ctx, size_syms = ProbeContext(names, definitions=d.definitions), {s for s, _ in d.sizes + d.numeric_sizes}
    expanders: dict = {}
    done: dict = {}  # an instance depends only on the sizes and on the substitutions of symbols in expr
    def expand(expr, subs, keep=None, flatten=True):  # noqa: E306 - one expander per sizes and held node
        sizes = tuple(sorted(((k, v) for k, v in subs.items() if k in size_syms), key=str))
        if (sizes, keep) not in expanders:
            expanders[sizes, keep] = Expander(d.definitions, dict(sizes), keep, evaluate=True)
        if isinstance(expr, sp.MatrixBase) and not isinstance(expr, sp.ImmutableMatrix):
            return expand_instance(expr, subs, expanders[sizes, keep], flatten)  # mutable: no key
        present = sp.sympify(expr).atoms(sp.Symbol)  # bound ones and matrix shapes included
        key = (expr, sizes, tuple(sorted(((k, v) for k, v in subs.items() if k in present), key=str)), keep, flatten)
        if key not in done:
            done[key] = expand_instance(expr, subs, expanders[sizes, keep], flatten)
        return done[key]
    return ctx, expand
