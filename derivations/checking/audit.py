r"""Audit a lecture-note document: check every step of its derivations, in context.

The document is read as data (:mod:`derivations.checking.document`): every
formula with its line, every relation of a chain ``a = b = c`` as a step,
aligned rows and display formulas that continue the one above.  Then, in
document order:

* **definitions** (``:=``, ``Let``/``define``/``where``/``with`` before a
  formula, or the first equation that gives a name a value) extend the context
  from their line on; a later redefinition takes over from its line;
* **claims** are checked by :func:`derivations.checking.check.check` against
  the chain's value with the context substituted: an equation's right side
  against its left side; a derivative claim (``\frac{\partial A}{\partial x}``,
  ``\frac{dA}{dx}``, ``\nabla_x A``) against the derivative of ``A``'s
  definition -- holding the document's other defined quantities fixed when
  ``x`` is one of them (a partial on the computational graph), through all
  definitions otherwise;
* **conditions** (an ``= 0`` to be solved: "setting the gradient to zero") are
  not claims; the solution the document then gives for an unknown in one is
  checked against it;
* **update rules** (``\leftarrow``) of the same variable that follow each other
  and use no new symbol are rewritings of one another and are checked as such;
* inequalities such as ``\lambda > 0`` are assumptions for every later check.

Every step gets a verdict: ``verified`` (how: the method of the check, with the
sizes a sum over a batch was checked at), ``slip`` (a counterexample with both
values, and the diagnosis: sign, constant factor, ...), or ``unchecked`` (why).
A slip is reported once, where it first appears; the steps after it in the
chain are checked against the chain as corrected.

Examples
========

>>> doc = "Let $f = (x + 1)^2$. Then $f = x^2 + 2x + 1 = x^2 + x + 1$."
>>> a = audit_text(doc)
>>> [(s.line, s.verdict.value) for s in a.steps]
[(1, 'verified'), (1, 'slip')]
>>> a.summary()
{'verified': 1, 'slip': 1, 'unchecked': 0}
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Sequence

import sympy as sp

from derivations.checking.check import Verdict, check
from derivations.checking.document import Garbled, Relation, Syntax, formulas, relations, syntax_of
from derivations.errors import InputError
from derivations.reading.latex import parse_latex
from derivations.reading.naming import parse_assumption, symbol_factory

__all__ = ["Audit", "StepVerdict", "Outcome", "audit_text", "audit_file", "annotate", "MAX_BYTES"]

MAX_BYTES = 8 * 1024 * 1024  # a document larger than this is refused before it is read
STEP_SECONDS = 8.0  # the most any one step may take
DEFINING = re.compile(r"\b(let|define|defined|denote|denotes|where|with|set|given|suppose|consider)\b\W*$", re.I)
SOLVING = re.compile(r"\b(setting|set|solv\w*|minimi[sz]\w*|stationary|optimality|first-order condition|zero)\b", re.I)
_UPDATE = ("\\leftarrow", "\\gets", "←")
_DEFINE = (":=", "\\coloneqq")
_APPROX = ("\\approx", "≈", "\\simeq")
_ORDER = ("<", ">", "\\le", "\\leq", "\\ge", "\\geq", "≤", "≥")
_DERIVATIVE = re.compile(
    r"^\\frac\{\s*(?:\\partial|d)\s*(?P<num>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\{\s*(?:\\partial|d)\s*(?P<var>.+)\}$|"
    r"^\\frac\{\s*(?:\\partial|d)\s*\}\{\s*(?:\\partial|d)\s*(?P<var2>[^{}]+)\}\s*(?P<num2>.+)$|"
    r"^\\nabla_\{?(?P<var3>[^{}\s]+)\}?\s*(?P<num3>.+)$")


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

    def as_json(self) -> dict:
        return {
            "line": self.line, "end_line": self.end_line, "claimed": self.claimed, "reference": self.reference,
            "verdict": self.verdict.value, "method": self.method,
            "counterexample": None if self.counterexample is None else dict(self.counterexample),
            "claimed_value": self.claimed_value, "reference_value": self.reference_value,
            "diagnostics": list(self.diagnostics), "reason": self.reason,
        }


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
            text = f"{self.file}:{s.line}: {s.verdict.value} — {s.reference} = {s.claimed}"
            if s.verdict is Outcome.SLIP and s.counterexample is not None:
                point = ", ".join(f"{k} = {v}" for k, v in s.counterexample) or "any point"
                text += f" — at {point}: claimed {s.claimed_value}, expected {s.reference_value}"
            if s.diagnostics and s.verdict is Outcome.SLIP:
                text += f" ({'; '.join(s.diagnostics)})"
            if s.verdict is Outcome.UNCHECKED:
                text += f" — {s.reason}"
            elif s.method:
                text += f" [{s.method}]"
            lines.append(text)
        counts = self.summary()
        lines.append(f"{self.file}: {counts['verified']} verified, {counts['slip']} slip, "
                     f"{counts['unchecked']} unchecked ({self.seconds:.1f} s)")
        return "\n".join(lines)


@dataclass
class _Context:
    """What the document has said so far: definitions, conditions, the last update rule per variable."""

    symbols: tuple
    definitions: dict = field(default_factory=dict)  # sympy key -> (value, line)
    conditions: list = field(default_factory=list)  # (expr that is 0, line)
    rules: dict = field(default_factory=dict)  # variable key -> (rhs, line)
    domains: dict = field(default_factory=dict)


def _read(text: str, ctx: _Context) -> sp.Basic:
    symbol, indexed = ctx.symbols
    return parse_latex(text, symbol, indexed)


def _key(expr: sp.Basic):
    """The name an expression defines, if it is a name: a symbol, an indexed symbol's base, a power of a symbol."""
    if isinstance(expr, sp.Symbol):
        return expr
    if isinstance(expr, sp.Indexed):
        return expr.base
    if isinstance(expr, sp.Pow) and isinstance(expr.base, sp.Symbol) and expr.exp.is_Integer:
        return expr
    if isinstance(expr, sp.core.function.AppliedUndef):
        return expr.func
    return None


def _substitute(expr: sp.Basic, ctx: _Context, keep: frozenset = frozenset(), depth: int = 8) -> sp.Basic:
    """``expr`` with the context's definitions substituted (repeatedly, at most ``depth`` times)."""
    for _ in range(depth):
        mapping = {}
        for key, (value, _line) in ctx.definitions.items():
            if key in keep:
                continue
            if isinstance(value, sp.Lambda):
                if isinstance(key, sp.IndexedBase):
                    for ix in expr.atoms(sp.Indexed):
                        if ix.base == key:
                            mapping[ix] = value(*ix.indices)
                else:
                    for app in expr.atoms(sp.core.function.AppliedUndef):
                        if app.func == key and len(app.args) == len(value.variables):
                            mapping[app] = value(*app.args)
            elif key in expr.atoms(type(key)) or (isinstance(key, sp.Pow) and expr.has(key)):
                mapping[key] = value
        if not mapping:
            return expr
        expr = expr.xreplace(mapping)
    return expr


def _definition_value(left: sp.Basic, right: sp.Basic):
    """What a definition stores: the value, or a ``Lambda`` of the index or the arguments."""
    if isinstance(left, sp.Indexed):
        return sp.Lambda(left.indices, right)
    if isinstance(left, sp.core.function.AppliedUndef) and all(isinstance(a, sp.Symbol) for a in left.args):
        return sp.Lambda(left.args, right)
    return right


def _derivative_parts(text: str):
    m = _DERIVATIVE.match(text.strip())
    if not m:
        return None
    num = m.group("num") or m.group("num2") or m.group("num3")
    var = m.group("var") or m.group("var2") or m.group("var3")
    if num is None or var is None or not num.strip():
        return None
    return num.strip(), var.strip()


def _verdict_from(result, claimed: str, reference: str, r: Relation, method_note: str = "") -> StepVerdict:
    if result.verdict is Verdict.EQUIVALENT:
        method = result.method + (f"; {method_note}" if method_note else "")
        notes = tuple(d for d in result.diagnostics if "size" in d or "m =" in d)
        return StepVerdict(r.line, r.end_line, claimed, reference, Outcome.VERIFIED, method, diagnostics=notes)
    if result.verdict is Verdict.DIFFERENT:
        return StepVerdict(r.line, r.end_line, claimed, reference, Outcome.SLIP, result.method,
                           result.counterexample, result.claimed_value, result.expected_value, result.diagnostics)
    return StepVerdict(r.line, r.end_line, claimed, reference, Outcome.UNCHECKED, result.method,
                       reason="undecided: " + ("; ".join(result.diagnostics) or "no method could decide in time"))


def _unchecked(r: Relation, reference: str, reason: str) -> StepVerdict:
    return StepVerdict(r.line, r.end_line, r.right, reference, Outcome.UNCHECKED, reason=reason)


def _assumptions_of(rels: Sequence[Relation], assume: Sequence[str]) -> list:
    """``--assume`` plus every inequality of the document between a name and a number (``\\lambda > 0``)."""
    out = [parse_assumption(a) for a in assume]
    plain = dict(zip(_ORDER, ("<", ">", "<=", "<=", ">=", ">=", "<=", ">=")))
    for r in rels:
        if r.symbol not in plain:
            continue
        try:
            lhs, rhs = parse_latex(r.left), parse_latex(r.right)
        except InputError:
            continue
        if isinstance(lhs, sp.Symbol) and rhs.is_number and rhs.is_real:
            try:
                out.append(parse_assumption(f"{lhs.name}{plain[r.symbol]}{sp.nsimplify(rhs)}"))
            except InputError:
                pass
    return out


def audit_text(text: str, syntax: Syntax = Syntax.MARKDOWN, *, name: str = "<text>", assume: Sequence[str] = (),
               timeout: float = 120.0, seed: int = 0) -> Audit:
    """Audit every step of the document ``text``; the whole audit is bounded by ``timeout`` seconds.

    Parameters
    ==========

    text : the document (Markdown or LaTeX).
    syntax : :class:`~derivations.checking.document.Syntax` of the document.
    name : the file name used in the report.
    assume : assumptions in ``--assume`` form (``"x>0"``), for every check.
    timeout : seconds for the whole audit; each step gets a share of what is left.
    seed : the seed of the probe points.

    Returns
    =======

    An :class:`Audit` with one :class:`StepVerdict` per step.
    """
    start = time.monotonic()
    items = formulas(text, syntax)
    rels = relations(items)
    ctx = _Context(symbol_factory(_assumptions_of(rels, assume)))
    steps: list[StepVerdict] = [StepVerdict(g.line, g.line, "", "", Outcome.UNCHECKED, reason=f"cannot read {g.reason}")
                                for g in items if isinstance(g, Garbled)]
    chain_value = None  # the corrected value of the chain being read
    chain_text = ""
    chain_slip: tuple | None = None  # (value the slipped step claimed, its line)
    prev: Relation | None = None
    for index, r in enumerate(rels):
        left_over = timeout - (time.monotonic() - start)
        if left_over <= 0.05:
            steps.append(_unchecked(r, r.left, "the audit's time limit was reached"))
            continue
        seconds = min(STEP_SECONDS, max(0.5, left_over / max(1, len(rels) - index)) * 1.5, left_over)
        continues = prev is not None and r.formula is prev.formula and r.left == prev.right or r.continued
        if not continues:
            chain_value, chain_text, chain_slip = None, "", None
        verdict, value = _step(r, ctx, chain_value, chain_text, chain_slip, seconds, seed, prev, continues)
        if verdict is not None:
            steps.append(verdict)
        if value is not None:
            chain_value, chain_text = value
        if verdict is not None and verdict.verdict is Outcome.SLIP:
            try:
                chain_slip = (_substitute(_read(r.right, ctx), ctx), r.line)
            except InputError:
                chain_slip = None
        prev = r
    return Audit(name, tuple(sorted(steps, key=lambda s: s.line)), time.monotonic() - start)


def _step(r: Relation, ctx: _Context, chain_value, chain_text: str, chain_slip, seconds: float, seed: int,
          prev: Relation | None, continues: bool):
    """The verdict on one relation (``None`` for context) and the chain's value after it."""
    if r.symbol in _ORDER:
        return None, None  # an assumption or a bound: context, not a step
    try:
        right = _read(r.right, ctx) if r.right else None
    except InputError as exc:
        return _unchecked(r, r.left, f"cannot read the claimed side: {exc}"), None
    if right is None:
        return None, None
    deriv = _derivative_parts(r.left) if not continues else None
    if deriv is None and not continues:
        try:
            left = _read(r.left, ctx) if r.left else None
        except InputError as exc:
            return _unchecked(r, r.left, f"cannot read the left side: {exc}"), None
    else:
        left = None
    if r.symbol in _UPDATE:
        return _update(r, ctx, left, right, seconds, seed, prev)
    if r.symbol in _APPROX:
        return _unchecked(r, r.left, "an approximation (its order is not stated), not an identity"), None
    if r.symbol not in ("=",) + _DEFINE:
        return _unchecked(r, r.left, f"the relation {r.symbol} is not audited"), None
    key = _key(left) if left is not None else None
    defining = r.symbol in _DEFINE or bool(DEFINING.search(r.formula.prose)) and not continues
    if key is not None and (defining or key not in ctx.definitions) and deriv is None:
        solved = _solution_check(r, ctx, key, right, seconds, seed)
        ctx.definitions[key] = (_definition_value(left, right), r.line)
        return solved, (_substitute(left if not isinstance(left, sp.Indexed) else right, ctx), r.left)
    if right == 0 and not continues and (SOLVING.search(r.formula.prose) or deriv is not None):
        target = left if left is not None else None
        if deriv is not None:
            target = _derivative_reference(deriv, ctx)
        if target is not None:
            ctx.conditions.append((target, r.line))
        return None, None
    held: frozenset = frozenset()
    if continues and chain_value is not None:
        reference, ref_text, note = chain_value, chain_text, ""
    elif deriv is not None:
        reference = _derivative_reference(deriv, ctx)
        if reference is None:
            return _unchecked(r, r.left, f"the derivative's function {deriv[0]} has no definition"), None
        ref_text, note = r.left, "against the derivative of its definition"
        held = _held(deriv, ctx)
    elif left is not None:
        reference, ref_text, note = _substitute(left, ctx), r.left, ""
    else:
        return _unchecked(r, r.left, "the left side of the chain could not be read"), None
    claimed = _substitute(right, ctx, keep=held)
    if _undefined(reference):
        return _unchecked(r, ref_text, "a symbol the claim needs has no definition in the document"), None
    result = check(claimed, reference, timeout=seconds, seed=seed, domains=ctx.domains)
    verdict = _verdict_from(result, r.right, ref_text, r, note)
    if verdict.verdict is Outcome.SLIP and chain_slip is not None:
        follows = check(claimed, chain_slip[0], timeout=seconds / 2, seed=seed)
        if follows.verdict is Verdict.EQUIVALENT:
            verdict = _unchecked(r, ref_text, f"follows the slip at line {chain_slip[1]}")
    return verdict, (reference, ref_text)


def _undefined(reference) -> bool:
    """A derivative left unevaluated (of a name with no definition) cannot be checked."""
    return reference.has(sp.Derivative)


def _derivative_reference(deriv, ctx: _Context):
    num_text, var_text = deriv
    try:
        var = _read(var_text, ctx)
        num = _read(num_text, ctx)
    except InputError:
        return None
    key = _key(num)
    if key is None or key not in ctx.definitions:
        return None
    return sp.diff(_substitute(num, ctx, keep=_held(deriv, ctx)), var)


def _held(deriv, ctx: _Context) -> frozenset:
    """A derivative with respect to a defined quantity holds that quantity fixed (a partial on the graph)."""
    try:
        var = _key(_read(deriv[1], ctx))
    except InputError:
        return frozenset()
    return frozenset({var}) if var in ctx.definitions else frozenset()


def _solution_check(r: Relation, ctx: _Context, key, right, seconds: float, seed: int):
    """A definition that solves an earlier condition for its unknown is checked against that condition."""
    for condition, line in reversed(ctx.conditions):
        if isinstance(key, sp.Symbol) and condition.has(key) and key not in ctx.definitions:
            residual = _substitute(condition, ctx).xreplace({key: _substitute(right, ctx)})
            result = check(residual, sp.S.Zero, timeout=seconds, seed=seed)
            return _verdict_from(result, r.right, f"the condition of line {line}", r,
                                 f"solves the condition of line {line}")
    return None


def _update(r: Relation, ctx: _Context, left, right, seconds: float, seed: int, prev: Relation | None):
    """Update rules: a rule that rewrites the previous rule of the same variable is checked against it."""
    key = _key(left) if left is not None else None
    if key is None:
        return _unchecked(r, r.left, "the updated variable could not be read"), None
    before = ctx.rules.get(key)
    ctx.rules[key] = (right, r.line)
    if before is None:
        return None, None
    old, line = before
    new_symbols = right.free_symbols - old.free_symbols - {key}
    if new_symbols or r.line - line > 12:
        return None, None  # another method's rule, not a rewriting of the last one
    result = check(_substitute(right, ctx), _substitute(old, ctx), timeout=seconds, seed=seed)
    return _verdict_from(result, r.right, f"the update rule of line {line}", r, f"rewrites the rule of line {line}"), None


def audit_file(path: str, *, assume: Sequence[str] = (), timeout: float = 120.0, seed: int = 0) -> Audit:
    """Read and audit one file; an :class:`InputError` when the file itself cannot be read."""
    text = read_document(path)
    return audit_text(text, syntax_of(path), name=path, assume=assume, timeout=timeout, seed=seed)


def read_document(path: str) -> str:
    """The text of a document: UTF-8, at most :data:`MAX_BYTES`, not binary; an :class:`InputError` otherwise."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a document") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; audit a smaller document")
    if b"\x00" in data:
        raise InputError(f"{path}: a binary file, not a Markdown or LaTeX document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from None


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
