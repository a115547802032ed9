r"""Derivation records: immutable steps, each with a claim that a machine checks.

A :class:`Derivation` is a value: a title, assumptions, ordered :class:`Step`\ s
and a result.  Each step shows ``lhs = rhs``, names the rule that justifies it
and the seed it comes from, and carries a *claim* that :meth:`Derivation.verify`
checks:

* :class:`Equals` -- ``rhs`` equals an independent reference expression;
* :class:`DerivativeOf` -- ``rhs`` is the derivative of a function (checked
  symbolically and by central differences);
* :class:`Holds` -- a condition (relational) holds on the domain;
* :class:`Differs` -- an erratum: a formula as a source states it is *not*
  equal to the reference, and the counterexample is recorded;
* no claim -- a definition, nothing to check.

Verification order for every claim: a time-bounded symbolic zero test, then
random probes in the declared domain evaluated at 40 significant digits
(rational probe points, so polynomial identities are checked exactly), then
central differences for derivative claims.  Generic index forms (sums over
``j = 1..m``) are instantiated for concrete sizes first.

Examples
========

>>> import sympy as sp
>>> from derivations.record import Derivation, Step, Equals, DerivativeOf
>>> x = sp.Symbol("x", positive=True)
>>> d = Derivation(
...     name="demo.log",
...     title="Derivative of x log x",
...     steps=(
...         Step(sp.Symbol("f"), x * sp.log(x), "definition"),
...         Step(sp.Symbol("f'"), sp.log(x) + 1, "product rule",
...              claim=DerivativeOf(x * sp.log(x), x)),
...     ),
...     result=sp.Eq(sp.Symbol("f'"), sp.log(x) + 1),
... )
>>> report = d.verify()
>>> report.ok
True
>>> [s.outcome.value for s in report.steps]
['definition', 'proved']
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Mapping, Union

import sympy as sp

from .deadline import TimeLimitExceeded, time_limit

# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Equals:
    """Claim: the step's right-hand side equals ``reference``."""

    reference: sp.Basic


@dataclass(frozen=True)
class DerivativeOf:
    r"""Claim: the step's right-hand side is :math:`\partial f / \partial v`."""

    function: sp.Basic
    variable: sp.Basic


@dataclass(frozen=True)
class Holds:
    """Claim: ``condition`` (a relational or boolean expression) is true on the domain."""

    condition: sp.Basic


@dataclass(frozen=True)
class Differs:
    """Erratum: the step's right-hand side, as a source states it, is *not* ``reference``."""

    reference: sp.Basic


Claim = Union[Equals, DerivativeOf, Holds, Differs, None]

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Step:
    """One line of a derivation: ``lhs = rhs``, its justification and its claim."""

    lhs: sp.Basic
    rhs: sp.Basic
    rule: str
    seed: str = ""
    claim: Claim = None


class Outcome(Enum):
    """How a step's claim fared."""

    PROVED = "proved"  # symbolic zero test succeeded (and probes agree)
    CONFIRMED = "confirmed"  # probes agree; symbolic test inconclusive or not run
    REFUTED = "refuted"  # a Differs claim: the erratum is confirmed by a counterexample
    DEFINITION = "definition"  # nothing to check
    FAILED = "failed"  # a counterexample to the claim
    UNDECIDED = "undecided"  # nothing could decide the claim

    @property
    def ok(self) -> bool:
        return self not in (Outcome.FAILED, Outcome.UNDECIDED)


@dataclass(frozen=True)
class StepReport:
    """The verification of one step."""

    index: int
    outcome: Outcome
    methods: tuple[str, ...]
    detail: str = ""
    counterexample: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Verification:
    """The per-step verification of a derivation."""

    name: str
    steps: tuple[StepReport, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(s.outcome.ok for s in self.steps)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for s in self.steps:
            counts[s.outcome.value] = counts.get(s.outcome.value, 0) + 1
        parts = ", ".join(f"{n} {k}" for k, n in counts.items())
        return f"{'verified' if self.ok else 'NOT verified'} ({parts}; {self.seconds:.2f} s)"


Sizes = tuple[tuple[sp.Symbol, tuple[int, ...]], ...]


@dataclass(frozen=True)
class Derivation:
    """An immutable derivation: steps with claims, a result, and how to instantiate it.

    ``sizes`` gives concrete values for size symbols (``m``) under which generic
    sums are expanded and every claim is proved symbolically; ``numeric_sizes``
    gives larger sizes that are checked by probes only.  ``indices`` names free
    index symbols and their upper bound (``j`` runs over ``1..m``).  ``domain``
    overrides the probe range of a symbol or an ``IndexedBase``;
    ``latex_names`` maps symbols (or an ``IndexedBase``, with ``{i}`` for the
    index) to LaTeX used only when rendering.  ``definitions`` gives the
    meaning of display symbols (a ``Symbol`` maps to an expression, an
    ``IndexedBase`` to a ``Lambda`` of the index); they are expanded before any
    check.  A :class:`DerivativeOf` claim whose variable is itself a defined
    node is a partial derivative on the computational graph: that node is held
    independent while the others are expanded.
    """

    name: str
    title: str
    steps: tuple[Step, ...]
    result: sp.Basic
    summary: str = ""
    assumptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sizes: Sizes = ()
    numeric_sizes: Sizes = ()
    indices: tuple[tuple[sp.Symbol, sp.Basic], ...] = ()
    domain: tuple[tuple[sp.Basic, tuple[float, float]], ...] = ()
    latex_names: tuple[tuple[sp.Basic, str], ...] = ()
    seeds: tuple[str, ...] = ()
    definitions: tuple[tuple[sp.Basic, sp.Basic], ...] = ()

    def verify(self, seconds: float = 4.0, probes: int = 5, seed: int = 0) -> Verification:
        """Check every step; ``seconds`` bounds each symbolic zero test."""
        start = time.perf_counter()
        reports = tuple(
            _verify_step(i, step, self, seconds, probes, random.Random(f"{self.name}:{i}:{seed}"))
            for i, step in enumerate(self.steps, 1)
        )
        return Verification(self.name, reports, time.perf_counter() - start)

    def _repr_latex_(self) -> str:
        from .render import to_latex

        return to_latex(self)

    def _repr_markdown_(self) -> str:
        from .render import to_markdown

        return to_markdown(self)


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class _Instance:
    subs: Mapping[sp.Basic, int]
    symbolic: bool


def _instances(d: Derivation) -> list[_Instance]:
    """Concrete (size, index) substitutions under which claims are checked."""
    out: list[_Instance] = []
    for sizes, symbolic in ((d.sizes, True), (d.numeric_sizes, False)):
        if not sizes:
            continue
        symbols = [s for s, _ in sizes]
        for values in itertools.product(*(v for _, v in sizes)):
            base = dict(zip(symbols, values))
            out.extend(_Instance(sub, symbolic) for sub in _index_values(d, base, full=symbolic))
    if not out:
        out.extend(_Instance(sub, True) for sub in _index_values(d, {}, full=True))
    return out


def _index_values(d: Derivation, base: dict, full: bool) -> list[dict]:
    if not d.indices:
        return [base]
    ranges = []
    for idx, upper in d.indices:
        top = int(sp.sympify(upper).subs(base))
        values = range(1, top + 1) if full else sorted({1, (top + 1) // 2, top})
        ranges.append([(idx, v) for v in values])
    return [{**base, **dict(combo)} for combo in itertools.product(*ranges)]


def _flatten_indexed(expr: sp.Basic) -> sp.Basic:
    """Replace ``x[3]`` by a plain symbol ``x_3`` that keeps the base's assumptions."""
    indexed = expr.atoms(sp.Indexed)
    if not indexed:
        return expr
    mapping = {}
    for e in indexed:
        label = e.base.label
        assumptions = label.assumptions0 if isinstance(label, sp.Symbol) else {}
        name = f"{label}_{'_'.join(str(i) for i in e.indices)}"
        mapping[e] = sp.Symbol(name, **assumptions)
    return expr.xreplace(mapping)


def _expand_definitions(expr: sp.Basic, definitions, keep: sp.Basic | None) -> sp.Basic:
    for _ in range(len(definitions) + 1):
        before = expr
        for key, value in definitions:
            if key == keep:
                continue
            if isinstance(key, sp.IndexedBase):
                expr = expr.replace(
                    lambda e, key=key: isinstance(e, sp.Indexed) and e.base == key,
                    lambda e, value=value: value(*e.indices),
                )
            else:
                expr = expr.xreplace({key: value})
        expr = expr.doit()
        if expr == before:
            break
    return expr


def instantiate(
    expr: sp.Basic,
    subs: Mapping[sp.Basic, int],
    definitions=(),
    keep: sp.Basic | None = None,
    flatten: bool = True,
) -> sp.Basic:
    """Substitute sizes and indices, expand definitions (but ``keep``) and sums, flatten indexed symbols."""
    e = sp.sympify(expr)
    if subs:
        e = e.subs(subs)
    e = _expand_definitions(e.doit(), definitions, keep)
    return _flatten_indexed(e) if flatten else e


def _domain_of(sym: sp.Symbol, d: Derivation) -> tuple[float, float]:
    for key, rng in d.domain:
        if key == sym:
            return rng
        if isinstance(key, sp.IndexedBase) and sym.name.startswith(f"{key.label}_"):
            return rng
    if sym.is_positive:
        return (0.25, 2.5)
    if sym.is_nonnegative:
        return (0.0, 2.5)
    return (-2.5, 2.5)


def _probe_point(symbols: Iterable[sp.Symbol], d: Derivation, rng: random.Random) -> dict:
    point = {}
    for s in symbols:
        lo, hi = _domain_of(s, d)
        if s.is_integer:
            point[s] = sp.Integer(rng.randint(int(max(lo, 1)), int(max(hi, 2))))
        else:
            # rationals with small denominators: exact for polynomial identities
            point[s] = sp.Rational(lo) + sp.Rational(rng.randint(1, 997), 997) * sp.Rational(hi - lo)
    return point


_DIGITS = 40


def _value(expr: sp.Basic, point: Mapping) -> sp.Basic:
    # evalf's subs, not xreplace: substituting rationals into a power such as beta**t makes
    # SymPy evaluate Rational**Rational exactly (huge integers: seconds, or a ValueError)
    return sp.N(expr, _DIGITS, subs=dict(point))


def _is_zero_numeric(diff: sp.Basic, scale: sp.Basic) -> bool | None:
    """|diff| tiny against scale at 40 digits; ``None`` when not a finite number."""
    try:
        dv, sv = complex(diff), complex(scale)
    except (TypeError, ValueError):
        return None
    if any(map(lambda v: v != v or abs(v) == float("inf"), (dv, sv))):
        return None
    return abs(dv) <= 1e-25 * (1.0 + abs(sv))


def _entries(expr: sp.Basic) -> list[sp.Basic]:
    return list(expr) if isinstance(expr, sp.MatrixBase) else [expr]


def symbolic_zero(diff: sp.Basic, seconds: float | None) -> bool | None:
    """True if ``diff`` simplifies to zero within ``seconds``; ``None`` if undecided."""
    try:
        with time_limit(seconds):
            for entry in _entries(diff):
                if entry == 0:
                    continue
                if sp.expand(entry) == 0 or sp.cancel(sp.together(entry)) == 0:
                    continue
                if sp.simplify(entry) != 0:
                    return None
            return True
    except TimeLimitExceeded:
        return None


def _format_point(point: Mapping) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(sp.N(v, 6))) for k, v in sorted(point.items(), key=lambda kv: str(kv[0])))


def _verify_step(
    index: int, step: Step, d: Derivation, seconds: float, probes: int, rng: random.Random
) -> StepReport:
    claim = step.claim
    if claim is None:
        return StepReport(index, Outcome.DEFINITION, ())
    methods: set[str] = set()
    all_symbolic = True
    any_numeric = False
    defs = d.definitions
    for inst in _instances(d):
        rhs = instantiate(step.rhs, inst.subs, defs)
        if isinstance(claim, Holds):
            result = _check_holds(instantiate(claim.condition, inst.subs, defs), d, inst, seconds, probes, rng)
        else:
            if isinstance(claim, DerivativeOf):
                v = claim.variable
                node = v.base if isinstance(v, sp.Indexed) else v
                func = instantiate(claim.function, inst.subs, defs, keep=node, flatten=False)
                var = instantiate(v, inst.subs, flatten=False)
                reference = instantiate(sp.diff(func, var), {}, defs)
                if node in dict(defs):
                    func = None  # a graph partial: no end-to-end function for differences
                else:
                    func, var = _flatten_indexed(func), _flatten_indexed(var)
            else:
                reference = instantiate(claim.reference, inst.subs, defs)
            result = _check_equal(rhs, reference, d, inst, seconds, probes, rng, claim)
            if isinstance(claim, DerivativeOf) and func is not None and result[0] != "differs":
                cd = _central_differences(rhs, func, var, d, rng, probes)
                if cd is not None:
                    methods.add("central differences")
                    if cd:
                        result = ("differs", cd, "central difference disagrees")
        verdict, point, detail = result
        if verdict == "differs":
            if isinstance(claim, Differs):
                methods.add("numeric probes")
                return StepReport(index, Outcome.REFUTED, tuple(sorted(methods)), detail, _format_point(point))
            return StepReport(index, Outcome.FAILED, tuple(sorted(methods | {"numeric probes"})),
                              f"{detail} at {_describe(inst.subs)}", _format_point(point))
        if verdict == "proved":
            methods.add("symbolic")
        else:
            all_symbolic = False
        if verdict in ("proved", "agrees"):
            methods.add("numeric probes")
            any_numeric = True
    if isinstance(claim, Differs):
        return StepReport(index, Outcome.FAILED, tuple(sorted(methods)),
                          "the stated erratum could not be confirmed: the two expressions agree")
    if all_symbolic:
        return StepReport(index, Outcome.PROVED, tuple(sorted(methods)), _sizes_text(d))
    if any_numeric:
        return StepReport(index, Outcome.CONFIRMED, tuple(sorted(methods)), _sizes_text(d))
    return StepReport(index, Outcome.UNDECIDED, tuple(sorted(methods)), "no method could decide")


def _describe(subs: Mapping) -> str:
    return ", ".join(f"{k} = {v}" for k, v in subs.items()) or "the generic form"


def _sizes_text(d: Derivation) -> str:
    parts = [f"{s} ∈ {{{', '.join(map(str, v))}}}" for s, v in d.sizes]
    parts += [f"{s} ∈ {{{', '.join(map(str, v))}}} (numeric)" for s, v in d.numeric_sizes]
    return "; ".join(parts)


def _check_equal(rhs, reference, d, inst, seconds, probes, rng, claim):
    if isinstance(rhs, sp.MatrixBase) != isinstance(reference, sp.MatrixBase):
        return ("differs", {}, "one side is a matrix, the other is not")
    if isinstance(rhs, sp.MatrixBase) and rhs.shape != reference.shape:
        return ("differs", {}, f"shapes differ: {rhs.shape} vs {reference.shape}")
    diff = rhs - reference
    symbols = sorted(diff.free_symbols | _free(rhs) | _free(reference), key=str)
    for _ in range(probes):
        point = _probe_point(symbols, d, rng)
        for c, r in zip(_entries(rhs), _entries(reference)):
            zero = _is_zero_numeric(_value(c - r, point), _value(abs(c) + abs(r), point))
            if zero is False:
                detail = f"claimed {sp.N(_value(c, point), 8)} but reference {sp.N(_value(r, point), 8)}"
                return ("differs", point, detail)
    if isinstance(claim, Differs) or not inst.symbolic:
        return ("agrees", {}, "")
    proved = symbolic_zero(diff, seconds)
    return ("proved" if proved else "agrees", {}, "")


def _free(e: sp.Basic) -> set:
    return set(e.free_symbols)


def _check_holds(condition, d, inst, seconds, probes, rng):
    symbols = sorted(condition.free_symbols, key=str)
    for _ in range(probes):
        point = _probe_point(symbols, d, rng)
        value = condition.xreplace(point)
        if value not in (sp.true, sp.false):
            value = sp.N(value, _DIGITS) if not isinstance(value, sp.Rel) else value
            try:
                value = sp.sympify(bool(value))
            except TypeError:
                continue
        if value == sp.false:
            return ("differs", point, "the condition is false")
    if not inst.symbolic:
        return ("agrees", {}, "")
    try:
        with time_limit(seconds):
            proved = sp.simplify(condition) == sp.true
    except TimeLimitExceeded:
        proved = False
    return ("proved" if proved else "agrees", {}, "")


def _central_differences(rhs, func, var, d, rng, probes) -> dict | None:
    """A point where ``rhs`` and the central difference of ``func`` disagree, else ``{}``."""
    if not isinstance(var, sp.Symbol) or isinstance(rhs, sp.MatrixBase):
        return None
    symbols = sorted(func.free_symbols | rhs.free_symbols | {var}, key=str)
    h = sp.Rational(1, 10**12)
    for _ in range(min(probes, 3)):
        point = _probe_point(symbols, d, rng)
        lo, hi = _domain_of(var, d)
        if not (lo + 1e-9 < float(point[var]) < hi - 1e-9):
            continue
        up = _value(func, {**point, var: point[var] + h})
        down = _value(func, {**point, var: point[var] - h})
        estimate = (up - down) / (2 * h)
        exact = _value(rhs, point)
        try:
            gap, scale = abs(complex(estimate - exact)), abs(complex(exact))
        except (TypeError, ValueError):
            continue
        if gap > 1e-12 * (1 + scale):
            return point
    return {}
