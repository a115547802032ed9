r"""What a derivation step claims, and how each claim fared.

A :class:`Step` shows ``lhs = rhs``, names the rule that justifies it and the
seed it comes from, and carries a *claim*:

* :class:`Equals` -- ``rhs`` equals an independent reference expression;
* :class:`DerivativeOf` -- ``rhs`` is the derivative of a function;
* :class:`Holds` -- a condition (relational) holds on the domain;
* :class:`Differs` -- an erratum: a formula as a source states it is *not*
  equal to the reference;
* no claim -- a definition, nothing to check.

:class:`Outcome`, :class:`StepReport` and :class:`Verification` are what the
verification engine (:mod:`derivations.checking.verify`) returns.

Examples
========

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> Step(sp.Symbol("y"), 2*x, "doubling", claim=Equals(x + x)).claim.reference
2*x
>>> Outcome.FAILED.ok
False
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Union

import sympy as sp

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


def _numbers(e) -> bool:
    """Literal numbers (not unevaluated computations such as a determinant of a numeric matrix)."""
    return all(isinstance(x, sp.Number) for x in (e if isinstance(e, sp.MatrixBase) else [e]))


def _substituted(e: sp.Basic, defs: dict) -> sp.Basic | None:
    try:
        return e.xreplace(defs)
    except (ValueError, TypeError):  # a substitution SymPy refuses (a derivative with respect to a sum)
        return None


def vacuous(step: "Step", definitions=()) -> str | None:
    """Why ``step``'s claim could never fail (``None`` if it can).

    Refused: two sides identical, structurally or once the record's
    definitions of symbols are substituted (nothing is evaluated); a
    condition already True or False when the record is built; a condition
    that does not check the right-hand side shown; an erratum between two
    distinct constants.

    Examples
    ========

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> vacuous(Step(sp.Symbol("y"), 2*x, "restated", claim=Equals(2*x)))
    'the two sides are identical: the claim cannot fail'
    >>> vacuous(Step(sp.Symbol("y"), 2*x, "doubling", claim=Equals(x + x, )))
    'the two sides are identical: the claim cannot fail'
    >>> vacuous(Step(sp.Symbol("y"), 2*x, "doubling", claim=Equals(sp.Add(x, x, evaluate=False)))) is None
    True
    >>> vacuous(Step(sp.Symbol("d"), sp.Integer(3), "positive", claim=Holds(sp.Integer(3) > 0)))
    'the condition is already True when the record is built: nothing to check'
    """
    claim = step.claim
    if isinstance(claim, (Equals, Differs)):
        a, b = sp.sympify(step.rhs), sp.sympify(claim.reference)
        if a == b:
            return "the two sides are identical: the claim cannot fail"
        defs = {k: v for k, v in definitions if isinstance(k, sp.Symbol)}
        if defs and _substituted(a, defs) == _substituted(b, defs) is not None:
            return "the two sides are identical once the record's definitions are substituted: a restated definition"
        if isinstance(claim, Differs) and _numbers(a) and _numbers(b):
            return "an erratum between two distinct constants cannot fail"
    elif isinstance(claim, Holds):
        c = claim.condition
        if c in (sp.true, sp.false):
            return f"the condition is already {c} when the record is built: nothing to check"
        lhs = step.lhs
        if isinstance(lhs, sp.Symbol):
            if lhs not in c.free_symbols and step.rhs is not sp.true:  # "name = True" labels the condition
                return f"the condition does not mention {lhs}: the right-hand side shown is never checked"
        elif isinstance(lhs, (sp.Rel, sp.logic.boolalg.Boolean)):
            if lhs != c or step.rhs is not sp.true:
                return "the step shows one condition and claims another"
        else:
            return "a condition's left-hand side must be a symbol the condition mentions, or the condition itself"
    return None

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


def _values(values: tuple[int, ...]) -> str:
    """``{2, 3}``, or ``{2,…,6}`` for a run of four or more consecutive sizes."""
    if len(values) >= 4 and list(values) == list(range(values[0], values[-1] + 1)):
        return f"{{{values[0]},…,{values[-1]}}}"
    return "{" + ", ".join(map(str, values)) + "}"


@dataclass(frozen=True)
class Scope:
    """What a verdict covers: the sizes proved and probed, the shape, the probe points.

    ``general`` names size symbols the proof kept as symbols ("for all m");
    ``proved`` and ``probed`` list the concrete sizes checked each way;
    ``shape`` is the record's own restriction ("2×2") where the result is
    stated more generally than it is proved; ``points`` of ``tried`` probe
    points could be evaluated.

    Examples
    ========

    >>> Scope(proved=(("m", (2, 3, 4, 5, 6)),), probed=(("m", (8,)),)).label(Outcome.PROVED)
    'proved for m ∈ {2,…,6}; probed at m = 8'
    >>> Scope(general=("m",)).label(Outcome.PROVED)
    'proved for all m'
    >>> Scope(points=200, tried=210).label(Outcome.CONFIRMED)
    'probed at 200 points'
    >>> Scope(points=3, tried=400).label(Outcome.UNDECIDED)
    'undecided: 3 of 400 points could be evaluated'
    """

    general: tuple[str, ...] = ()
    proved: tuple[tuple[str, tuple[int, ...]], ...] = ()
    probed: tuple[tuple[str, tuple[int, ...]], ...] = ()
    shape: str = ""
    points: int = 0
    tried: int = 0

    def _sizes(self, sizes) -> str:
        return ", ".join(f"{s} = {v[0]}" if len(v) == 1 else f"{s} ∈ {_values(v)}" for s, v in sizes)

    def label(self, outcome: "Outcome") -> str:
        """The verdict with its scope, in words."""
        if outcome is Outcome.DEFINITION:
            return "definition"
        if outcome is Outcome.UNDECIDED:
            return f"undecided: {self.points} of {self.tried} points could be evaluated" if self.tried else "undecided"
        if outcome is Outcome.FAILED:
            return "FAILED: counterexample"
        if outcome is Outcome.REFUTED:
            return "stated formula refuted by a counterexample"
        where = [f"for {self.shape}"] if self.shape else []
        if outcome is Outcome.PROVED:
            if self.general:
                where.insert(0, "for all " + ", ".join(self.general))
            elif self.proved:
                where.insert(0, "for " + self._sizes(self.proved))
            text = " ".join(["proved", *where])
            return text + (f"; probed at {self._sizes(self.probed)}" if self.probed else "")
        text = " ".join([f"probed at {self.points} points", *where])
        text += f" for {self._sizes(self.probed)}" if self.probed else ""
        return text + (f"; proved for {self._sizes(self.proved)}" if self.proved else "")

    def as_dict(self) -> dict:
        """The scope for JSON: lists and numbers only."""
        return {"general": list(self.general), "proved": {s: list(v) for s, v in self.proved},
                "probed": {s: list(v) for s, v in self.probed}, "shape": self.shape,
                "points": self.points, "tried": self.tried}


@dataclass(frozen=True)
class StepReport:
    """The verification of one step, with the scope of its verdict."""

    index: int
    outcome: Outcome
    methods: tuple[str, ...]
    detail: str = ""
    counterexample: tuple[tuple[str, str], ...] = ()
    scope: Scope = Scope()

    @property
    def label(self) -> str:
        """``proved for all m``, ``probed at 200 points``, ..."""
        return self.scope.label(self.outcome)


@dataclass(frozen=True)
class Verification:
    """The per-step verification of a derivation."""

    name: str
    steps: tuple[StepReport, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(s.outcome.ok for s in self.steps)

    def summary(self, timing: bool = True) -> str:
        """``verified (3 proved for 2×2, 1 definition; 0.42 s)``; without ``timing`` the text is reproducible."""
        counts: dict[str, int] = {}
        for s in self.steps:
            label = s.label.split(":")[0] if s.outcome is not Outcome.UNDECIDED else "undecided"
            counts[label] = counts.get(label, 0) + 1
        parts = ", ".join(f"{n} {k}" for k, n in counts.items())
        seconds = f"; {self.seconds:.2f} s" if timing else ""
        return f"{'verified' if self.ok else 'NOT verified'} ({parts}{seconds})"


def shown_condition(step: Step) -> sp.Basic:
    """A :class:`Holds` condition with the step's left-hand side replaced by the right-hand side shown."""
    if isinstance(step.lhs, sp.Symbol) and step.lhs in step.claim.condition.free_symbols:
        return step.claim.condition.xreplace({step.lhs: step.rhs})
    return step.claim.condition


def gather_sizes(sizes: dict) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """{(("m", 2),), (("m", 3),)} -> (("m", (2, 3)),): the values each size symbol took."""
    values: dict = {}
    for combo in sizes:
        for name, v in combo:
            values.setdefault(name, set()).add(v)
    return tuple((name, tuple(sorted(vs))) for name, vs in values.items())
