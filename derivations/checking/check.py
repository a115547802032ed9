r"""Checking a hand derivation: is a claimed formula equal to the right one?

:func:`check` compares two SymPy expressions (scalars, vectors or matrices)
and returns a frozen :class:`CheckResult` whose verdict is *equivalent*,
*different* or *undecided*, with the method that decided, and for
*different* a counterexample point with both values and diagnostics (equal
up to sign, up to a constant factor, up to an additive constant, equal when a
small constant such as :math:`\varepsilon` tends to 0, equal under a
positivity assumption).  :func:`check_text` does the same for user text
(SymPy style or LaTeX), parsed safely.

The decision runs under one time limit (:func:`derivations.deadline.time_limit`):

1. *structural*: the two parse to the same tree;
2. a short *numeric screen* (three probe points): a disagreement found here is
   final, and no time is spent simplifying a pair that differs;
3. *symbolic*: a time-bounded zero test of the difference
   (:func:`derivations.record.symbolic_zero`: expand, cancel, simplify);
4. *numeric probes*: random rational points in the domain the assumptions give
   (Schwartz--Zippel: a nonzero rational function of degree :math:`d`
   vanishes at a random point of a grid of :math:`N` values per coordinate
   with probability at most :math:`d/N`), evaluated at 40 significant digits
   with SymPy's adaptive ``evalf`` (which raises its working precision where
   terms cancel); points where either side is not finite are skipped and
   redrawn.

Sums with a symbolic upper limit (``Sum(x[j], (j, 1, m))``) are instantiated
for concrete sizes (``m`` = 2, 3 symbolically, 4 and 6 by probes) unless
the difference simplifies to zero with ``m`` left symbolic, and free indices
for each end of their range; ``x[3]`` becomes a plain symbol named ``x[3]``.

Examples
========

>>> r = check_text("(x + 1)^2", "x^2 + 2x + 1")
>>> r.verdict.value, r.method
('equivalent', 'symbolic')
>>> r = check_text("sqrt(x^2)", "x")
>>> r.verdict.value, r.diagnostics
('different', ('equal under the assumption x > 0 (try --assume "x>0")',))
>>> check_text("sqrt(x^2)", "x", assume=["x>0"]).verdict.value
'equivalent'
>>> r = check_text("2*sin(x)*cos(x)", "sin(2*x)")
>>> r.verdict.value
'equivalent'
>>> r = check_text("-(x - 1)", "x - 1")
>>> r.verdict.value, r.diagnostics
('different', ('equal up to sign: claimed = -(expected)',))
"""

from __future__ import annotations

import math
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Mapping, Sequence

import sympy as sp

from derivations.deadline import TimeLimitExceeded, time_limit
from derivations.errors import InputError
from derivations.reading.naming import Assumption, match_powers, name_key, parse_assumption, parse_with, result_symbols, symbol_factory
from derivations.reading.parsing import readable_name
from derivations.checking.verify import DIGITS, Clock, ProbeContext, close, compare, evaluate, flatten_indexed, instances, show
from derivations.checking.verify import entries as _entries, instantiate, symbolic_zero

__all__ = ["Verdict", "CheckResult", "Assumption", "check", "check_text", "check_against", "parse_assumption",
           "SMALL_CONSTANTS", "name_key", "result_symbols"]

DEFAULT_TIMEOUT = 10.0
PROBES = 12
SCREEN = 3
#: names of constants that are "small" in lecture notes (ε, δ, ν as stabilizers)
SMALL_CONSTANTS = ("epsilon", "eps", "delta", "nu")


class Verdict(Enum):
    """The answer of a check, with the CLI's exit code."""

    EQUIVALENT = "equivalent"
    DIFFERENT = "different"
    UNDECIDED = "undecided"

    @property
    def exit_code(self) -> int:
        return {"equivalent": 0, "different": 1, "undecided": 3}[self.value]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of comparing a claimed formula with the expected one."""

    verdict: Verdict
    method: str
    claimed: sp.Basic
    expected: sp.Basic
    counterexample: tuple[tuple[str, str], ...] | None = None
    claimed_value: str | None = None
    expected_value: str | None = None
    diagnostics: tuple[str, ...] = ()
    seconds: float = 0.0

    def as_json(self) -> dict:
        """The ``--json`` record: verdict, method, counterexample, both values, diagnostics."""
        return {
            "verdict": self.verdict.value,
            "method": self.method,
            "counterexample": None if self.counterexample is None else {k: _json_number(v) for k, v in
                                                                          self.counterexample},
            "claimed_value": _json_number(self.claimed_value),
            "expected_value": _json_number(self.expected_value),
            "diagnostics": list(self.diagnostics),
            "claimed": sp.sstr(self.claimed),
            "expected": sp.sstr(self.expected),
            "seconds": round(self.seconds, 4),
        }

    def summary(self) -> str:
        """A few human-readable lines."""
        lines = [f"{self.verdict.value} ({self.method}, {self.seconds:.2f} s)"]
        if self.counterexample is not None:
            point = ", ".join(f"{k} = {v}" for k, v in self.counterexample) or "(any point)"
            lines.append(f"  at {point}")
            lines.append(f"  claimed  = {self.claimed_value}")
            lines.append(f"  expected = {self.expected_value}")
        lines += [f"  note: {d}" for d in self.diagnostics]
        return "\n".join(lines)


def _json_number(value: str | None):
    if value is None:
        return None
    try:
        number = float(value)
        return number if math.isfinite(number) else value
    except ValueError:
        return value


# --------------------------------------------------------------------------- diagnostics


def _diagnose(claimed, expected, ctx: ProbeContext, samples, clock: Clock, rng: random.Random,
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
                notes.append(f"equal up to a constant factor: claimed = {_nice(ratios[0])} * (expected){where}")
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
    extra = _names(claimed_o) - _names(expected_o) - indices
    if extra:
        notes.append(f"the claim uses {', '.join(sorted(extra))}, which the expected formula does not")
    missing = _names(expected_o) - _names(claimed_o) - indices
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


def _names(expr: sp.Basic) -> set[str]:
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


# --------------------------------------------------------------------------- the check


def check(
    claimed: sp.Basic,
    expected: sp.Basic | None = None,
    *,
    derivative_of: tuple[sp.Basic, sp.Basic] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    probes: int = PROBES,
    seed: int = 0,
    domains: Mapping[str, tuple] | None = None,
    sizes: Sequence[tuple[sp.Symbol, tuple[int, ...], bool]] = (),
    indices: Sequence[tuple[sp.Symbol, sp.Basic]] = (),
    definitions: Sequence = (),
) -> CheckResult:
    r"""Compare ``claimed`` with ``expected`` (or with :math:`\partial F/\partial x` for ``derivative_of=(F, x)``).

    Returns within ``timeout`` seconds: in the main thread a timer interrupts
    simplification; in other threads only expand/cancel are tried symbolically
    and every probe loop checks the clock.

    Parameters
    ==========

    claimed, expected : the two SymPy expressions (or matrices) to compare.
    derivative_of : ``(F, x)`` to compare ``claimed`` with :math:`\partial F/\partial x`.
    timeout : seconds for the whole check.
    probes, seed : how many random probe points, and the seed that draws them.
    domains : probe range per symbol name, ``{"x": (lo, hi)}``.
    sizes, indices, definitions : as in :class:`~derivations.record.Derivation`.

    Returns
    =======

    A :class:`CheckResult`: the :class:`Verdict`, the method that decided it,
    a counterexample for "different", and diagnostics (sign, constant factor, ...).

    Examples
    ========

    >>> x = sp.Symbol("x", real=True)
    >>> check(2 * x, derivative_of=(x**2, x)).verdict.value
    'equivalent'
    >>> r = check(x, derivative_of=(x**2, x))
    >>> r.verdict.value, r.diagnostics
    ('different', ('equal up to a constant factor: claimed = 1/2 * (expected)',))
    """
    start = time.monotonic()
    if timeout is None or timeout <= 0:
        raise InputError("the timeout must be positive")
    if (expected is None) == (derivative_of is None):
        raise ValueError("give exactly one of expected and derivative_of")
    # a margin for unwinding (and for one swallowed alarm, repeated after deadline.REPEAT)
    clock = Clock(start + max(timeout - min(0.15, 0.1 * timeout), 0.01))
    shown_expected = expected if expected is not None else sp.Derivative(*derivative_of)
    ctx = ProbeContext(tuple((domains or {}).items()), tuple(sizes), tuple(indices), tuple(definitions))
    state = {"method": "timeout", "diagnostics": []}

    def result(verdict, method=None, point=None, values=None, diagnostics=()):
        return CheckResult(
            verdict, method or state["method"], claimed, shown_expected,
            None if point is None else tuple((str(k), show(v)) for k, v in sorted(point.items(), key=lambda kv: str(kv[0]))),
            None if values is None else show(values[0]), None if values is None else show(values[1]),
            tuple(dict.fromkeys(diagnostics)), time.monotonic() - start,
        )

    try:
        with time_limit(max(clock.left(), 0.01)):
            return _decide(claimed, expected, derivative_of, ctx, clock, probes, seed, result, state)
    except TimeLimitExceeded:
        if state.get("different"):
            return result(Verdict.DIFFERENT, *state["different"], diagnostics=state["diagnostics"])
        notes = [f"no decision within the time limit of {timeout:g} s"]
        if state.get("agreeing"):
            notes.append(f"the two agreed at the {state['agreeing']} points probed before the limit")
        return result(Verdict.UNDECIDED, "timeout", diagnostics=notes)
    except (InputError, KeyboardInterrupt):
        raise
    except (RecursionError, MemoryError):
        return result(Verdict.UNDECIDED, "error", diagnostics=["the expressions are too large or deeply nested"])
    except Exception as exc:  # noqa: BLE001 - SymPy can fail in many ways on odd input; never a traceback
        if state.get("different"):
            return result(Verdict.DIFFERENT, *state["different"], diagnostics=state["diagnostics"])
        return result(Verdict.UNDECIDED, "error",
                      diagnostics=[f"SymPy could not compare these: {type(exc).__name__}: {str(exc)[:200]}"])


def _decide(claimed, expected, derivative_of, ctx, clock, probes, seed, result, state):
    rng = random.Random(f"derivkit-check:{seed}")
    if expected is not None:
        shape = _shape_mismatch(claimed, expected)
        if shape:
            return result(Verdict.DIFFERENT, "shape", diagnostics=[shape])
        if claimed == expected:
            return result(Verdict.EQUIVALENT, "structural")
    originals = (claimed, expected if expected is not None else derivative_of[0].diff(derivative_of[1]))
    exprs = [claimed] + ([expected] if expected is not None else list(derivative_of))
    pairs = []
    for subs, symbolic in instances(exprs, ctx):
        clock.check()
        c = flatten_indexed(instantiate(claimed, subs, ctx.definitions, flatten=False))
        if derivative_of is not None:
            f, v = derivative_of
            f_i = instantiate(f, subs, ctx.definitions, flatten=False)
            v_i = sp.sympify(v).subs(subs)
            if not isinstance(v_i, (sp.Symbol, sp.Indexed)):
                raise InputError(f"cannot differentiate with respect to {v}")
            e = flatten_indexed(sp.diff(f_i, v_i).doit())
        else:
            e = flatten_indexed(instantiate(expected, subs, ctx.definitions, flatten=False))
        shape = _shape_mismatch(c, e)
        if shape:
            return result(Verdict.DIFFERENT, "shape", diagnostics=[shape])
        pairs.append((subs, symbolic, _entries(c), _entries(e)))
        state["shape"] = c.shape if isinstance(c, sp.MatrixBase) else None
    unresolved = [p for p in pairs if any(x.has(sp.Sum, sp.Product, sp.Derivative) or x.atoms(sp.core.function.AppliedUndef)
                                          for x in p[2] + p[3])]
    # 2. numeric screen: a disagreement is final
    state["method"] = "numeric probes"
    for subs, _, cs, es in pairs:
        cmp = compare(cs, es, ctx, rng, SCREEN, clock, nice=2)
        if cmp.point is not None:
            return _different(cmp, subs, cs, es, ctx, clock, rng, originals, result, state)
    # 3. symbolic zero test, time-bounded: first for every size at once, then per instance
    state["method"] = "symbolic"
    if any(subs for subs, *_ in pairs) and _generic_zero(claimed, expected, derivative_of, ctx, clock):
        return result(Verdict.EQUIVALENT, "symbolic", diagnostics=["proved for every size"])
    budget = min(clock.left() * 0.5, 2.0 + 0.1 * (clock.left()))
    proved = True
    per = budget / max(1, sum(1 for p in pairs if p[1]))
    for subs, symbolic, cs, es in pairs:
        if not symbolic:
            continue
        diff = sp.Matrix(cs) - sp.Matrix(es) if len(cs) > 1 else cs[0] - es[0]
        if _symbolic_zero(diff, max(0.05, min(per, clock.left() - 0.05))) is not True:
            proved = False
            break
    if proved and all(p[1] for p in pairs) and not unresolved:
        return result(Verdict.EQUIVALENT, "symbolic", diagnostics=_size_note(pairs))
    # 4. numeric probes
    state["method"] = "numeric probes"
    total = 0
    for subs, _, cs, es in pairs:
        cmp = compare(cs, es, ctx, rng, probes, clock)
        total += cmp.agree
        state["agreeing"] = total
        if cmp.point is not None:
            return _different(cmp, subs, cs, es, ctx, clock, rng, originals, result, state)
        if cmp.agree < probes:
            why = "cannot be evaluated numerically" if unresolved else "is not finite at most probe points"
            return result(Verdict.UNDECIDED, "numeric probes",
                          diagnostics=[f"only {cmp.agree} of {cmp.tried} probe points gave finite values: "
                                       f"the formula {why}"])
    method = "symbolic and numeric probes" if proved and not unresolved else "numeric probes"
    notes = [] if proved else [f"not proved symbolically; equal at {total} random points to {DIGITS - 18} digits"]
    return result(Verdict.EQUIVALENT, method, diagnostics=notes + _size_note(pairs))


_TRANSCENDENTAL = (sp.tanh, sp.sinh, sp.cosh, sp.sin, sp.cos, sp.tan)


def _symbolic_zero(diff, seconds: float) -> bool | None:
    """:func:`~derivations.record.symbolic_zero`, then once more with trigonometric and hyperbolic functions as exponentials."""
    try:
        return _symbolic_zero_unguarded(diff, seconds)
    except TimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - a simplification that fails proves nothing
        return None


def _symbolic_zero_unguarded(diff, seconds: float) -> bool | None:
    if threading.current_thread() is not threading.main_thread():
        # no timer can interrupt simplify() here: only the cheap, polynomial-time tests
        return all(sp.expand(e) == 0 or sp.cancel(sp.together(e)) == 0 for e in _entries(diff)) or None
    if not diff.has(*_TRANSCENDENTAL):
        return symbolic_zero(diff, seconds)
    start = time.monotonic()
    if symbolic_zero(diff, seconds / 2):
        return True
    return symbolic_zero(diff.rewrite(sp.exp), max(0.02, seconds - (time.monotonic() - start)))


def _generic_zero(claimed, expected, derivative_of, ctx, clock) -> bool:
    """The difference vanishes with sizes left symbolic (closed forms of sums), within a small budget."""
    try:
        with time_limit(max(0.02, min(0.5, 0.1 * clock.left()))):
            if expected is None:
                f, v = derivative_of
                if isinstance(v, sp.Indexed):
                    return False  # sums of Kronecker deltas: instantiate instead
                expected = sp.diff(f, v)
            c = instantiate(claimed, {}, ctx.definitions, flatten=False)
            e = instantiate(expected, {}, ctx.definitions, flatten=False)
            if isinstance(c, sp.MatrixBase) or isinstance(e, sp.MatrixBase):
                return False
            diff = sp.simplify((c - e).doit())
            return diff == 0
    except TimeLimitExceeded:
        clock.check()
        return False
    except Exception:  # noqa: BLE001 - SymPy failing on a generic sum proves nothing
        return False


def _size_note(pairs) -> list[str]:
    sizes = sorted({tuple(sorted((str(k), v) for k, v in subs.items())) for subs, *_ in pairs if subs})
    if not sizes:
        return []
    shown = "; ".join(", ".join(f"{k} = {v}" for k, v in s) for s in sizes)
    return [f"checked with sums and indices instantiated for {shown} (not a proof for every size)"]


def _different(cmp, subs, cs, es, ctx, clock, rng, originals, result, state):
    point = {**{k: v for k, v in subs.items()}, **cmp.point}
    values = cmp.values
    state["different"] = ("numeric probes", point, values)
    notes = []
    if state.get("shape") and len(cs) > 1:
        rows, cols = state["shape"]
        notes.append(f"entry ({cmp.entry // cols + 1}, {cmp.entry % cols + 1}) differs (rows and columns from 1)")
    if show(values[0]) == show(values[1]):  # the values agree to the digits shown: give their difference
        gap = evaluate(cs[cmp.entry] - es[cmp.entry], cmp.point, 15, maxn=250)
        if gap is not None:
            notes.append(f"claimed - expected = {show(gap)} at this point")
    state["diagnostics"] = notes
    try:
        more = compare(cs, es, ctx, rng, 4, clock)
        notes += _diagnose(cs, es, ctx, cmp.samples + more.samples, clock, rng, originals, subs)
    except TimeLimitExceeded:
        notes.append("diagnostics stopped at the time limit")
    return result(Verdict.DIFFERENT, "numeric probes", point, values, notes)


def _shape_mismatch(a, b) -> str:
    am, bm = isinstance(a, sp.MatrixBase), isinstance(b, sp.MatrixBase)
    if am != bm:
        return f"one side is a {'matrix' if am else 'scalar'}, the other a {'matrix' if bm else 'scalar'}"
    if am and a.shape != b.shape:
        return f"shapes differ: claimed {a.shape[0]}x{a.shape[1]}, expected {b.shape[0]}x{b.shape[1]}"
    return ""


def check_text(
    claimed: str,
    expected: str | None = None,
    *,
    assume: Sequence[str] = (),
    latex: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    derivative_of: str | None = None,
    wrt: str | None = None,
    seed: int = 0,
) -> CheckResult:
    """Parse and check user text: ``claimed`` against ``expected`` or against ``d(derivative_of)/d(wrt)``.

    Parameters
    ==========

    claimed, expected : the formulas as text (SymPy style, or LaTeX with ``latex=True``).
    assume : assumptions such as ``"x>0"``.
    latex : read the texts as LaTeX.
    timeout : seconds for parsing and checking together.
    derivative_of, wrt : check ``claimed`` against the derivative of this text.
    seed : the seed of the probe points.

    Returns
    =======

    A :class:`CheckResult`; an :class:`~derivations.errors.InputError` for text it cannot read.

    Examples
    ========

    >>> check_text(r"\\frac{1}{2\\sqrt{x}}", derivative_of=r"\\sqrt{x}", wrt="x", latex=True,
    ...            assume=["x>0"]).verdict.value
    'equivalent'
    """
    start = time.monotonic()
    assumptions = [parse_assumption(a) for a in assume]
    symbols = symbol_factory(assumptions)
    domains = {a.name: a.domain() for a in assumptions}
    if derivative_of is not None and not wrt:
        raise InputError("--derivative-of needs --wrt VARIABLE")
    if derivative_of is None and expected is None:
        raise InputError("give EXPECTED, --against NAME or --derivative-of F --wrt X")
    with _building(timeout):
        c = parse_with(claimed, symbols, latex, "CLAIMED")
        if derivative_of is not None:
            f = parse_with(derivative_of, symbols, latex, "--derivative-of")
            v = parse_with(wrt, symbols, latex, "--wrt")
            if not isinstance(v, (sp.Symbol, sp.Indexed)):
                raise InputError(f"--wrt must be a variable, got {v}")
        else:
            e = parse_with(expected, symbols, latex, "EXPECTED")
    remaining = max(timeout - (time.monotonic() - start), 0.01)
    if derivative_of is not None:
        return check(c, derivative_of=(f, v), timeout=remaining, domains=domains, seed=seed)
    return check(c, e, timeout=remaining, domains=domains, seed=seed)


@contextmanager
def _building(seconds: float):
    """Parsing (which builds matrices and numbers eagerly) under the same time limit as the check."""
    try:
        with time_limit(seconds):
            yield
    except TimeLimitExceeded:
        raise InputError(f"building the expressions took longer than the time limit ({seconds:g} s)") from None


# --------------------------------------------------------------------------- registered results


def check_against(
    claimed: str,
    d,
    *,
    assume: Sequence[str] = (),
    latex: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    seed: int = 0,
) -> CheckResult:
    r"""Check ``claimed`` against the right-hand side of a registered derivation's result.

    Names in the claim are matched to the result's symbols by :func:`name_key`
    (so ``\hat{x}``, ``x̂`` and ``xhat`` are one name, ``σ`` is ``sigma``), and
    ``x[j]`` / ``x^{(j)}`` to the result's ``IndexedBase`` ``x``; a matched
    symbol keeps the result's assumptions.  The derivation's sizes, index
    ranges, probe domains and definitions are used for the comparison.

    Parameters
    ==========

    claimed : the formula as text.
    d : a :class:`~derivations.record.Derivation` (``registry.get(name)``).
    assume, latex, timeout, seed : as in :func:`check_text`.

    Returns
    =======

    A :class:`CheckResult`.

    Examples
    ========

    >>> from derivations.record import Derivation
    >>> s = sp.Symbol("σ", positive=True)
    >>> d = Derivation("demo.sd", "demo", (), sp.Eq(sp.Symbol("d"), 1 / (2 * s)))
    >>> check_against(r"\frac{1}{2\sigma}", d, latex=True).verdict.value
    'equivalent'
    >>> r = check_against("1/sigma", d)
    >>> r.verdict.value, [name for name, _ in r.counterexample], r.diagnostics
    ('different', ['σ'], ('equal up to a constant factor: claimed = 2 * (expected)',))
    """
    start = time.monotonic()
    assumptions = [parse_assumption(a) for a in assume]
    known = result_symbols(d)
    symbols = symbol_factory(assumptions, known)
    with _building(timeout):
        c = match_powers(parse_with(claimed, symbols, latex, "CLAIMED"), known)
    rhs = d.result.rhs if isinstance(d.result, sp.Equality) else d.result
    domains = {(str(k.label) if isinstance(k, sp.IndexedBase) else str(k)): v for k, v in d.domain}
    domains.update({a.name: a.domain() for a in assumptions})
    sizes = [(s, tuple(v), True) for s, v in d.sizes] + [(s, tuple(v), False) for s, v in d.numeric_sizes]
    remaining = max(timeout - (time.monotonic() - start), 0.01)
    r = check(c, rhs, timeout=remaining, domains=domains, sizes=sizes, indices=d.indices,
              definitions=d.definitions, seed=seed)
    if r.verdict is Verdict.DIFFERENT:
        unknown = sorted(_names(c) - _names(rhs) - {str(k) for k, _ in d.definitions})
        if unknown:
            names = ", ".join(sorted({k[1:].replace("[]", "") for k in known if k.startswith("=")}))
            note = f"{', '.join(unknown)} matched no symbol of {d.name} (its names: {names})"
            r = CheckResult(r.verdict, r.method, r.claimed, r.expected, r.counterexample, r.claimed_value,
                            r.expected_value, r.diagnostics + (note,), r.seconds)
    return r
