r"""The audit's records: the verdict on one step of a document, the audit of a whole document, its report.

A :class:`StepVerdict` says where a step is (the line of its claimed side), what it
claims, what it was checked against, and the verdict: ``verified`` (with the
method), ``slip`` (with a counterexample and both values) or ``unchecked`` (with
the reason).  An :class:`Audit` holds them in line order and prints the terminal
report; :func:`annotate` writes a copy of the document with a mark beside each step.

Examples
========

>>> s = StepVerdict(3, 3, "2x", "f'(x)", Outcome.VERIFIED, "proved")
>>> Audit("notes.md", (s,), 0.1).report().splitlines()[0]
"notes.md:3: verified — f'(x) = 2x [proved]"
>>> Audit("notes.md", (s,), 0.1).summary()
{'verified': 1, 'slip': 0, 'unchecked': 0}
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from derivations.checking.document import Syntax

__all__ = ["Audit", "Outcome", "StepVerdict", "annotate"]


class Outcome(Enum):
    """The verdict on one step of a document."""

    VERIFIED = "verified"
    SLIP = "slip"
    UNCHECKED = "unchecked"


@dataclass(frozen=True)
class StepVerdict:
    """One audited step: where it is, what it claims, what it was checked against, and the verdict."""

    line: int
    end_line: int
    claimed: str
    reference: str
    verdict: Outcome
    method: str = ""
    counterexample: tuple[tuple[str, str], ...] | None = None
    claimed_value: str | None = None
    reference_value: str | None = None
    diagnostics: tuple[str, ...] = ()
    reason: str = ""
    relation: str = "="  # "≈" for an approximation: what was verified is that relation, not an identity

    def as_json(self) -> dict:
        return {"line": self.line, "end_line": self.end_line, "claimed": self.claimed, "reference": self.reference,
                "relation": self.relation, "verdict": self.verdict.value, "method": self.method,
                "counterexample": None if self.counterexample is None else dict(self.counterexample),
                "claimed_value": self.claimed_value, "reference_value": self.reference_value,
                "diagnostics": list(self.diagnostics), "reason": self.reason}


@dataclass(frozen=True)
class Audit:
    """The verdicts on every step of one document."""

    file: str
    steps: tuple[StepVerdict, ...]
    seconds: float

    def summary(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        for s in self.steps:
            counts[s.verdict.value] += 1
        return counts

    def as_json(self) -> dict:
        return {"file": self.file, "steps": [s.as_json() for s in self.steps], "summary": self.summary(),
                "seconds": round(self.seconds, 3)}

    def report(self) -> str:
        """``FILE:LINE: verdict — the step — the counterexample``, one line a step, and a summary line."""
        lines = []
        for s in self.steps:
            shown = f"{s.reference} {s.relation} {s.claimed}" if s.reference or s.claimed else "(no step could be read here)"
            text = f"{self.file}:{s.line}: {s.verdict.value} — {shown}"
            if s.verdict is Outcome.SLIP and s.counterexample is not None:
                point = ", ".join(f"{k} = {v}" for k, v in s.counterexample) or "any point"
                text += f" — at {point}: claimed {s.claimed_value}, expected {s.reference_value}"
            if s.diagnostics and s.verdict is Outcome.SLIP:
                text += f" ({'; '.join(s.diagnostics)})"
            if s.verdict is Outcome.UNCHECKED:
                text += f" — {s.reason}"
            elif s.method:
                scope = f"; {'; '.join(s.diagnostics)}" if s.verdict is Outcome.VERIFIED and s.diagnostics else ""
                text += f" [{s.method}{scope}]"
            lines.append(text)
        counts = self.summary()
        lines.append(f"{self.file}: {counts['verified']} verified, {counts['slip']} slip, "
                     f"{counts['unchecked']} unchecked ({self.seconds:.1f} s)")
        return "\n".join(lines)


def annotate(text: str, audit: Audit, syntax: Syntax) -> str:
    """A copy of the document with a mark at the end of each audited step's line."""
    lines = text.split("\n")
    marks: dict[int, list[str]] = {}
    for s in audit.steps:
        word = {"verified": "✓ verified", "slip": "✗ SLIP", "unchecked": "? unchecked"}[s.verdict.value]
        detail = ""
        if s.verdict is Outcome.SLIP and s.counterexample is not None:
            detail = " at " + ", ".join(f"{k} = {v}" for k, v in s.counterexample)
        elif s.verdict is Outcome.UNCHECKED:
            detail = f": {s.reason}"
        marks.setdefault(s.end_line, []).append(word + detail)
    comment = ("% derivkit audit: {} ", "") if syntax is Syntax.LATEX else ("<!-- derivkit audit: {} -->", "")
    for line, notes in marks.items():
        if 1 <= line <= len(lines):
            body = "; ".join(notes).replace("--", "—")
            lines[line - 1] += "  " + comment[0].format(body).rstrip()
    return "\n".join(lines)
