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

    def summary(self, timing: bool = True) -> str:
        """``verified (3 proved, 1 definition; 0.42 s)``; without ``timing`` the text is reproducible."""
        counts: dict[str, int] = {}
        for s in self.steps:
            counts[s.outcome.value] = counts.get(s.outcome.value, 0) + 1
        parts = ", ".join(f"{n} {k}" for k, n in counts.items())
        seconds = f"; {self.seconds:.2f} s" if timing else ""
        return f"{'verified' if self.ok else 'NOT verified'} ({parts}{seconds})"



