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

Sums with a symbolic upper limit (``Sum(x[j], (j, 1, m))``) are first
screened at concrete sizes, then proved with ``m`` kept a symbol where the
sum algebra of :mod:`~derivations.checking.sums` reduces the difference to
zero ("proved for all m": ``∂x_k/∂x_j = δ_kj``, linearity, geometric sums;
a free index runs over ``1..m`` when m is the only size); otherwise they are
instantiated for concrete sizes (``m`` = 2, 3 symbolically, 4 and 6 by
probes), and free indices for each end of their range; ``x[3]`` becomes a
plain symbol named ``x[3]``.

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
from dataclasses import replace
from typing import Mapping, Sequence

import sympy as sp

from derivations.deadline import TimeLimitExceeded, time_limit
from derivations.errors import InputError
from derivations.reading.naming import Assumption, match_powers, name_key, parse_assumption, parse_with, result_symbols, symbol_factory
from derivations.reading.kinds import describe
from derivations.checking.verdicts import CheckResult, Verdict
from derivations.checking.distributions import evaluate_moments, has_moments
from derivations.reading.latex import read_latex
from derivations.reading.statements import Distributed
from derivations.reading.naming import declared_kinds, parse_sides
from derivations.reading.shapes import MatrixName, infer_shapes, is_typed, square
from derivations.reading.sizes import expansion_work
from derivations.checking.matrices import arguments_as_labels, function_draws, function_stand_ins, matrix_algebra_zero, \
    matrix_draws, undefined_functions
from derivations.checking.diagnostics import SMALL_CONSTANTS, diagnose, names_of
from derivations.checking.verify import DIGITS, Clock, ProbeContext, compare, evaluate, flatten_indexed, instances, show
from derivations.checking.verify import entries as _entries, instantiate, symbolic_zero
from derivations.checking.instantiate import size_symbols
from derivations.checking.every_size import generic_zero, index_note, size_note, sum_algebra_sizes

__all__ = ["Verdict", "CheckResult", "Assumption", "check", "check_text", "check_against", "parse_assumption",
           "SMALL_CONSTANTS", "name_key", "result_symbols"]

DEFAULT_TIMEOUT = 10.0
# term products of an expansion (sizes.expansion_work), each some 50 us to 1 ms in SymPy's expand: off the
# main thread, where no timer interrupts, at most 2 000 (~2 s); in it the timer bounds the symbolic test
MAX_UNTIMED_WORK = 2_000
PROBES = 12
SCREEN = 3


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

    Parameters: ``claimed``, ``expected`` (SymPy expressions or matrices);
    ``derivative_of=(F, x)``; ``timeout`` (seconds); ``probes``, ``seed``;
    ``domains`` (``{"x": (lo, hi)}``); ``sizes``, ``indices``, ``definitions`` as
    in :class:`~derivations.record.Derivation`.  Returns a :class:`CheckResult`
    (verdict, method, counterexample for "different", diagnostics).

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
    if any(is_typed(e) for e in (claimed, expected, *(derivative_of or ()))) or (
            expected is not None and undefined_functions([claimed, expected])):  # never probed as numbers
        if expected is None:
            raise InputError("derivatives of matrix or vector formulas are not supported: give the expected formula")
        return _check_read(claimed, expected, None, timeout, domains or {}, seed, list(sizes))
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
    if any(subs for subs, *_ in pairs) and generic_zero(claimed, expected, derivative_of, ctx, clock):
        sizes = [str(s) for s in size_symbols(exprs)]  # the symbols in the sums' bounds
        return result(Verdict.EQUIVALENT, "symbolic",
                      diagnostics=[f"proved for all {', '.join(sizes)}" if sizes else "proved for every size"])
    general = sum_algebra_sizes(claimed, expected, derivative_of, ctx, clock)
    if general:
        return result(Verdict.EQUIVALENT, "symbolic (sum algebra)",
                      diagnostics=[f"proved for all {', '.join(general)}"] + index_note(claimed, expected, derivative_of, ctx))
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
        return result(Verdict.EQUIVALENT, "symbolic", diagnostics=size_note(pairs))
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
    return result(Verdict.EQUIVALENT, method, diagnostics=notes + size_note(pairs))


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
        # no timer can interrupt simplify() here: only the cheap, polynomial-time tests, on bounded sizes
        if any(expansion_work(e) > MAX_UNTIMED_WORK for e in _entries(diff)):
            return None
        return all(sp.expand(e) == 0 or sp.cancel(sp.together(e)) == 0 for e in _entries(diff)) or None
    if not diff.has(*_TRANSCENDENTAL):
        return symbolic_zero(diff, seconds)
    start = time.monotonic()
    if symbolic_zero(diff, seconds / 2):
        return True
    return symbolic_zero(diff.rewrite(sp.exp), max(0.02, seconds - (time.monotonic() - start)))


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
        notes += diagnose(cs, es, ctx, cmp.samples + more.samples, clock, rng, originals, subs)
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
    matrices: Sequence[str] = (),
    vectors: Sequence[str] = (),
    functions: Sequence[str] = (),
    scalars: Sequence[str] = (),
    symmetric: Sequence[str] = (),
    smooth: Sequence[str] = (),
) -> CheckResult:
    """Parse and check user text: ``claimed`` against ``expected`` or against ``d(derivative_of)/d(wrt)``.

    Parameters
    ==========

    claimed, expected : the formulas as text (SymPy style, or LaTeX with ``latex=True``).
    assume : assumptions such as ``"x>0"``, ``"p in (0, 1)"``, ``"n > 0 integer"``.
    latex : read the texts as LaTeX.
    timeout : seconds for parsing and checking together.
    derivative_of, wrt : check ``claimed`` against the derivative of this text.
    seed : the seed of the probe points.
    matrices, vectors, functions, scalars : names declared of that kind (``"H, X"``).
    smooth : functions declared smooth: their mixed partials commute (Schwarz), ``\\partial^2 f/\\partial x \\partial y``
        and ``\\partial^2 f/\\partial y \\partial x`` are read alike.
    symmetric : matrices declared symmetric: :math:`H^\\top` is read as :math:`H`, random draws are symmetric.

    Returns
    =======

    A :class:`CheckResult` with the reading of both sides; an
    :class:`~derivations.errors.InputError` for text it cannot read.

    Examples
    ========

    >>> check_text(r"\\frac{1}{2\\sqrt{x}}", derivative_of=r"\\sqrt{x}", wrt="x", latex=True,
    ...            assume=["x>0"]).verdict.value
    'equivalent'
    >>> r = check_text(r"(\\mathbf{A}\\mathbf{B})^{-1}", r"\\mathbf{B}^{-1}\\mathbf{A}^{-1}", latex=True)
    >>> r.verdict.value, r.method
    ('equivalent', 'symbolic (matrix algebra)')
    >>> check_text(r"\\mathbf{A}\\mathbf{B}", r"\\mathbf{B}\\mathbf{A}", latex=True).verdict.value
    'different'
    """
    start = time.monotonic()
    laws = [a for a in assume if "\\sim" in a]  # x \sim \mathcal{N}(\mu, \sigma^2): a distribution, for E and Var
    assumptions = [parse_assumption(a) for a in assume if a not in laws]
    symbols = symbol_factory(assumptions)
    domains = {a.name: a.domain() for a in assumptions}
    kinds = declared_kinds(list(matrices) + list(symmetric), vectors, functions, scalars)
    symmetric_names = set(declared_kinds(symmetric))
    if derivative_of is not None and not wrt:
        raise InputError("--derivative-of needs --wrt VARIABLE")
    if derivative_of is None and expected is None:
        raise InputError("give EXPECTED, --against NAME or --derivative-of F --wrt X")
    with _building(timeout):
        other, what = (expected, "EXPECTED") if derivative_of is None else (derivative_of, "--derivative-of")
        reading = parse_sides([claimed, other], symbols, latex, ["CLAIMED", what], kinds, list(declared_kinds(smooth)))
        c, e = (_symmetric(v, symmetric_names) for v in reading.values)
        if derivative_of is not None:
            f = e
            v = parse_with(wrt, symbols, latex, "--wrt", kinds)
            if not isinstance(v, (sp.Symbol, sp.Indexed)) or is_typed(v):
                raise InputError(f"--wrt must be a scalar variable, got {v}")
        read = (c, e)
        if laws or has_moments(c) or has_moments(e):
            (c, e), law_note = evaluate_moments([c, e], [_law(t, symbols) for t in laws])
    remaining = max(timeout - (time.monotonic() - start), 0.01)
    sizes = _integer_sizes(assumptions, symbols[0])
    if read != (c, e):
        r = _check_read(c, e, reading, remaining, domains, seed, sizes, symmetric_names)
        return replace(r, claimed=read[0], expected=read[1], claimed_read=describe(read[0], reading),
                       expected_read=describe(read[1], reading), diagnostics=(law_note,) + r.diagnostics)
    if derivative_of is not None:
        if is_typed(c) or is_typed(f):
            raise InputError("--derivative-of works with scalar formulas; for matrices give EXPECTED")
        r = check(c, derivative_of=(f, v), timeout=remaining, domains=domains, seed=seed, sizes=sizes)
        return _with_reading(r, reading, None)
    r = _check_read(c, e, reading, remaining, domains, seed, sizes, symmetric_names)
    used = sorted(n for n in symmetric_names if n in {getattr(a, "name", "") for v in (c, e) for a in _atoms(v)})
    if used:
        r = replace(r, diagnostics=(f"{', '.join(used)} declared symmetric: transposes read as the matrix itself, "
                                    "random draws symmetric",) + r.diagnostics)
    if smooth:
        r = replace(r, diagnostics=(f"{', '.join(declared_kinds(smooth))} declared smooth: mixed partials named in one "
                                    "order (Schwarz)",) + r.diagnostics)
    return r


def _atoms(value):
    return set().union(*(sp.sympify(x).atoms(sp.Symbol) for x in value)) if isinstance(value, sp.MatrixBase) else \
        sp.sympify(value).atoms(sp.Symbol)


def _symmetric(value, names):
    """``H^T`` read as ``H`` for the matrices declared symmetric (transposes of products are already distributed)."""
    swap = {sp.transpose(a): a for a in _atoms(value) if isinstance(a, MatrixName) and a.name in names}
    return value.xreplace(swap) if swap else value


def _law(text: str, symbols) -> Distributed:
    """One ``--assume "x \\sim D"``, read as LaTeX with the names of the formulas."""
    law = read_latex([text], *symbols, rhs_of_equation=False, statements=True, labels=["--assume"]).values[0]
    if not isinstance(law, Distributed):
        raise InputError(f"--assume {text!r}: write a distribution as x \\sim \\mathcal{{N}}(\\mu, \\sigma^2)")
    return law


def _integer_sizes(assumptions, symbol) -> list:
    """Symbols assumed integer are instantiated at integers: 3 values proved symbolically, 2 more probed."""
    out = []
    for a in assumptions:
        if a.integer:
            lo = int(math.floor(a.lower)) + (1 if a.strict_lower or a.lower != int(a.lower) else 0) \
                if a.lower is not None else -2
            values = [v for v in range(lo, lo + 7) if a.upper is None or v < a.upper]
            if not values:
                raise InputError(f"no integer satisfies the assumption on {a.name}")
            out += [(symbol(a.name), tuple(values[:3]), True), (symbol(a.name), tuple(values[3:5]), False)]
    return [entry for entry in out if entry[1]]


# --------------------------------------------------------------------------- typed formulas


MATRIX_DRAWS = 3
FUNCTION_DRAWS = 2


def _with_reading(r: CheckResult, reading, shapes, claimed=None, expected=None, **changes) -> CheckResult:
    c = r.claimed if claimed is None else claimed
    e = r.expected if expected is None else expected
    return replace(r, claimed=c, expected=e, claimed_read=describe(c, reading, shapes),
                   expected_read=describe(e, reading, shapes), **changes)


def _shapes(exprs, symmetric, same_shape=False):
    """:func:`infer_shapes`, with the matrices declared symmetric square."""
    shapes = infer_shapes(exprs, same_shape=same_shape)
    for name in symmetric:
        if name in shapes.names:
            square(shapes, name)
    return shapes


def _check_read(c, e, reading, timeout, domains, seed, sizes, symmetric=frozenset()) -> CheckResult:
    """Check two read formulas: matrices by matrix algebra or random matrices, functions by random functions."""
    start = time.monotonic()
    rng = random.Random(f"derivkit-typed:{seed}")
    functions = undefined_functions([c, e])
    if c == e:
        r = CheckResult(Verdict.EQUIVALENT, "structural", c, e, seconds=time.monotonic() - start)
        return _with_reading(r, reading, _shapes([c], symmetric) if is_typed(c) else None)
    labels = arguments_as_labels([c, e])  # vectors only as arguments of functions: numbers in their place
    if labels:
        c, e = c.xreplace(labels), e.xreplace(labels)
    if not (is_typed(c) or is_typed(e)):
        if not functions:
            return _with_reading(check(c, e, timeout=timeout, domains=domains, seed=seed, sizes=sizes), reading, None)
        draws = function_draws(c, e, rng, FUNCTION_DRAWS)
        return _over_draws(c, e, draws, function_stand_ins(c, e), reading, None, timeout, domains, seed, sizes)
    shapes = _shapes([c, e], symmetric)
    try:
        shapes = _shapes([c, e], symmetric, same_shape=not (c == 0 or e == 0))  # 0: the zero matrix of any shape
    except InputError as exc:
        r = CheckResult(Verdict.DIFFERENT, "shape", c, e, diagnostics=(str(exc).replace("shape mismatch: ", ""),),
                        seconds=time.monotonic() - start)
        return _with_reading(r, reading, shapes)
    if not functions and matrix_algebra_zero(c, e, shapes, min(1.0, 0.2 * timeout)):
        r = CheckResult(Verdict.EQUIVALENT, "symbolic (matrix algebra)", c, e,
                        diagnostics=("proved for matrices of every compatible size",), seconds=time.monotonic() - start)
        return _with_reading(r, reading, shapes)
    draws = matrix_draws(c, e, shapes, rng, MATRIX_DRAWS, symmetric)
    if functions:
        draws = [replace(f, sizes=f"{d.sizes}; {f.sizes}") for d in draws
                 for f in function_draws(d.claimed, d.expected, rng, 1)]
    label = "random matrices" + (f" and {function_stand_ins(c, e)}" if functions else "")
    left = max(timeout - (time.monotonic() - start), 0.01)
    return _over_draws(c, e, draws, label, reading, shapes, left, domains, seed, sizes)


def _over_draws(c, e, draws, label, reading, shapes, timeout, domains, seed, sizes) -> CheckResult:
    """Equivalent only if every draw is; the first draw that differs (or is undecided) decides."""
    start = time.monotonic()
    last = None
    for i, d in enumerate(draws):
        left = max((timeout - (time.monotonic() - start)) / (len(draws) - i), 0.01)
        r = check(d.claimed, d.expected, timeout=left, domains=domains, seed=seed + i, sizes=sizes)
        if r.verdict is not Verdict.EQUIVALENT:
            note = f"with {label}: {d.sizes}"
            return _with_reading(r, reading, shapes, c, e, method=f"{r.method}, {label}",
                                 diagnostics=r.diagnostics + (note,), seconds=time.monotonic() - start)
        last = r
    shown = " | ".join(d.sizes for d in draws)
    what = "rational matrices of random compatible sizes" if shapes is not None else "functions"
    notes = (f"equal for {len(draws)} draws of random {what} ({shown}): probed, not proved for every "
             f"{'matrix' if shapes is not None else 'function'}",)
    return _with_reading(last, reading, shapes, c, e, method=f"{label} ({len(draws)} draws)",
                         diagnostics=notes + tuple(n for n in last.diagnostics if "instantiated" in n),
                         seconds=time.monotonic() - start)


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

    Parameters: ``claimed`` (text), ``d`` (``registry.get(name)``), and
    ``assume``, ``latex``, ``timeout``, ``seed`` as in :func:`check_text`.
    Returns a :class:`CheckResult`.

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
    if is_typed(c):
        raise InputError(f"the claim has matrices or vectors, which {d.name} does not: give the expected formula instead")
    rhs = d.result.rhs if isinstance(d.result, sp.Equality) else d.result
    domains = {(str(k.label) if isinstance(k, sp.IndexedBase) else str(k)): v for k, v in d.domain}
    domains.update({a.name: a.domain() for a in assumptions})
    sizes = [(s, tuple(v), True) for s, v in d.sizes] + [(s, tuple(v), False) for s, v in d.numeric_sizes]
    remaining = max(timeout - (time.monotonic() - start), 0.01)
    r = check(c, rhs, timeout=remaining, domains=domains, sizes=sizes, indices=d.indices,
              definitions=d.definitions, seed=seed)
    if r.verdict is Verdict.DIFFERENT:
        unknown = sorted(names_of(c) - names_of(rhs) - {str(k) for k, _ in d.definitions})
        if unknown:
            names = ", ".join(sorted({k[1:].replace("[]", "") for k in known if k.startswith("=")}))
            note = f"{', '.join(unknown)} matched no symbol of {d.name} (its names: {names})"
            r = CheckResult(r.verdict, r.method, r.claimed, r.expected, r.counterexample, r.claimed_value,
                            r.expected_value, r.diagnostics + (note,), r.seconds)
    return r
