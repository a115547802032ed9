r"""The outcome of a check: a :class:`Verdict` and the :class:`CheckResult` record, with how each side was read.

Examples
========

>>> Verdict.DIFFERENT.exit_code
1
>>> _json_number("0.25"), _json_number("zoo")
(0.25, 'zoo')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Mapping

import sympy as sp

from derivations.reading.kinds import describe_text


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
    claimed_read: Mapping | None = None
    expected_read: Mapping | None = None
    scope: Mapping | None = None  # check --n: {"n": N, "indices": {k: [values]}, "proved_for_all_n": bool}

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
            "claimed_read": self.claimed_read,
            "expected_read": self.expected_read,
            "scope": self.scope,
        }

    def summary(self) -> str:
        """A few human-readable lines."""
        lines = [f"{self.verdict.value} ({self.method}, {self.seconds:.2f} s)"]
        for label, read in (("claimed ", self.claimed_read), ("expected", self.expected_read)):
            if read is not None:
                lines.append(f"  read {label} as {describe_text(read)}")
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
