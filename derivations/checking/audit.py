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
* inequalities such as ``\lambda > 0`` are assumptions for every later check;
* an approximation (``\approx``) is checked as a series in its small quantity (``\Delta x``, ``p - p_0``)
  to the order the text states (:mod:`derivations.checking.approximation`), a number to the digits shown.

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
from dataclasses import dataclass
from typing import Sequence

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.checking.audit_steps import Audit, Outcome, StepVerdict, annotate
from derivations.checking.approximation import check_series, partials_of_functions, small_quantities, stated_order
from derivations.checking.check import Verdict, check
from derivations.checking.context import Context, Unresolved, delta_indices, names_of, zero_as_matrix
from derivations.checking.document import (MAX_BYTES, Garbled, Relation, Syntax, formulas, read_document, relations,
                                           syntax_of)
from derivations.checking.notation import function_definition
from derivations.checking.update_rules import RuleCheck, rule_checks
from derivations.deadline import TimeLimitExceeded, time_limit
from derivations.errors import InputError
from derivations.reading.latex import parse_latex
from derivations.reading.naming import declared_kinds, parse_assumption
from derivations.reading.shapes import is_typed

__all__ = ["Audit", "StepVerdict", "Outcome", "audit_text", "audit_file", "annotate", "MAX_BYTES"]

STEP_SECONDS = 8.0  # the most any one step may take
READING_SHARE = 0.5  # the share of the time limit that reading the document may take
DEFINING = re.compile(r"\b(let|define|defined|denote|denotes|where|with|set|given|suppose|consider)\b\W*$", re.I)
SOLVING = re.compile(r"\b(setting|set|solv\w*|minimi[sz]\w*|stationary|optimality|first-order condition|zero)\b", re.I)
_UPDATE = ("\\leftarrow", "\\gets", "←")
_DEFINE = (":=", "\\coloneqq")
_APPROX = ("\\approx", "≈", "\\simeq")
_CONTEXT = ("\\in", "\\notin", "\\sim")
_RANGE = re.compile(r",\s*\\[lc]?dots\s*,")  # i = 1, \dots, n
_ORDER = ("<", ">", "\\le", "\\leq", "\\ge", "\\geq", "≤", "≥")
_BALANCED = r"[^{}]*(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}[^{}]*)*"
_DERIVATIVE = re.compile(
    r"^\\frac\{\s*(?:\\partial|d)\s*(?P<num>" + _BALANCED + r")\}\{\s*(?:\\partial|d)\s*(?P<var>" + _BALANCED + r")\}$|"
    r"^\\frac\{\s*(?:\\partial|d)\s*\}\{\s*(?:\\partial|d)\s*(?P<var2>[^{}]+)\}\s*(?P<num2>.+)$|"
    r"^\\nabla_\{?(?P<var3>[^{}\s]+)\}?\s*(?P<num3>.+)$")
SUPPOSING = re.compile(r"\b(with|if|when|whenever|suppose|assume|assuming|given|at)\W*$", re.I)
CASE = re.compile(r"\b(if|when|whenever|initiali[sz]e)\W*$", re.I)  # a case, a starting value: no definition


def _verdict_from(result, claimed: str, reference: str, r: Relation, method_note: str = "") -> StepVerdict:
    if result.verdict is Verdict.EQUIVALENT:
        method = result.method + (f"; {method_note}" if method_note else "")
        notes = tuple(d for d in result.diagnostics if "size" in d or "m =" in d or "points" in d or "draws" in d)
        return StepVerdict(r.line, r.end_line, claimed, reference, Outcome.VERIFIED, method, diagnostics=notes)
    if result.verdict is Verdict.DIFFERENT:
        return StepVerdict(r.line, r.end_line, claimed, reference, Outcome.SLIP,
                           result.method + (f"; {method_note}" if method_note else ""), result.counterexample, result.claimed_value, result.expected_value, result.diagnostics)
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


@dataclass
class _Chain:
    """The chain ``a = b = c`` being read: its correct value so far, and the value a slip in it claimed."""

    value: object = None
    text: str = ""
    slip: tuple | None = None  # (the value the slipped step claimed, its line)
    derivative: bool = False
    defining: bool = False  # the last relation of the chain was a definition (``g_1 = g_2 = g``)
    determined: bool = False  # the chain starts from a definition: its value is what the document defined
    first: Relation | None = None  # the chain's first relation


def audit_text(text: str, syntax: Syntax = Syntax.MARKDOWN, *, name: str = "<text>", assume: Sequence[str] = (),
               timeout: float = 120.0, seed: int = 0, matrices: Sequence[str] = (), vectors: Sequence[str] = (),
               functions: Sequence[str] = (), scalars: Sequence[str] = ()) -> Audit:
    """Audit every step of the document ``text``; the whole audit is bounded by ``timeout`` seconds.

    Parameters
    ==========

    text : the document (Markdown or LaTeX).
    syntax : :class:`~derivations.checking.document.Syntax` of the document.
    name : the file name used in the report.
    assume : assumptions in ``--assume`` form (``"x>0"``), for every check.
    timeout : seconds for the whole audit; each step gets a share of what is left.
    seed : the seed of the probe points.
    matrices, vectors, functions, scalars : names declared of that kind (``"A, B"``, as ``--matrix``,
        ``--vector``, ``--function``, ``--scalar``).  Bold names are vectors and matrices already, names the
        document defines as ``f(x) = …`` functions; any other name written with an argument list is a scalar
        times the parenthesis, except the letters lecture notes apply as functions (``f(x)``, ``J(w)``,
        ``\\sigma(z)`` written without a space).

    Returns
    =======

    An :class:`Audit` with one :class:`StepVerdict` per step.
    """
    start = time.monotonic()
    kinds = declared_kinds(matrices, vectors, functions, scalars)  # a bad name is refused before any reading
    reading = start + READING_SHARE * timeout  # reading the document may take this share of the time at most
    items = formulas(text, syntax, deadline=reading)
    rels = relations(items, deadline=reading)
    if len(rels) < sum(1 for f in items if not isinstance(f, Garbled)) and time.monotonic() > reading:
        items.append(Garbled(rels[-1].end_line if rels else 1, "the rest of the document: not read within the "
                                                               "time limit"))
    declared = set()
    for index, r in enumerate(rels):
        if index % 200 == 0 and time.monotonic() > reading:
            break
        form = function_definition(r.left) if r.symbol in ("=",) + _DEFINE else None
        if form:
            declared.add(form)
    ctx = Context.empty(_assumptions_of(rels, assume), kinds, {f[0] for f in declared if f[0] not in kinds})
    steps: list[StepVerdict] = [StepVerdict(g.line, g.line, "", "", Outcome.UNCHECKED, reason=f"cannot read {g.reason}")
                                for g in items if isinstance(g, Garbled)]
    chain = _Chain()
    prev: Relation | None = None
    for index, r in enumerate(rels):
        left_over = timeout - (time.monotonic() - start)
        if left_over <= 0.05:
            steps.append(_unchecked(r, r.left, "the audit's time limit was reached"))
            continue
        seconds = min(STEP_SECONDS, max(0.5, left_over / max(1, len(rels) - index)) * 1.5, left_over)
        ctx.leave_section(r.formula.section)
        continues = (prev is not None and r.formula is prev.formula and r.left == prev.right) or r.continued
        if not continues:
            chain = _Chain(first=r)
        try:
            with time_limit(seconds + 1.0):
                verdict = _step(r, ctx, chain, seconds, seed, prev, continues)
        except TimeLimitExceeded:
            verdict = _unchecked(r, r.left, f"no decision within the step's share of the time limit ({seconds:.1f} s)")
        except (RecursionError, MemoryError):
            verdict = _unchecked(r, r.left, "the formula is too large or too deeply nested to compare")
        except InputError as exc:
            verdict = _unchecked(r, r.left, f"cannot compare this step: {exc}")
        except Exception as exc:  # noqa: BLE001 - SymPy can fail in many ways on odd input; never a traceback
            verdict = _unchecked(r, r.left, f"SymPy could not compare this step ({type(exc).__name__})")
        if verdict is not None:
            steps.append(verdict)
        prev = r
    steps = _with_rule_checks(steps, rels, timeout - (time.monotonic() - start))
    return Audit(name, tuple(sorted(steps, key=lambda s: s.line)), time.monotonic() - start)


def _with_rule_checks(steps: list[StepVerdict], rels: Sequence[Relation], seconds: float) -> list[StepVerdict]:
    """The checks of the update rules by what they must do (:mod:`derivations.checking.update_rules`), each a
    step of its own; a rule they decide replaces the identity check's ``unchecked`` on the same line."""
    if seconds <= 0.5:
        return steps
    try:
        with time_limit(seconds):
            checks = rule_checks(rels)
    except TimeLimitExceeded:
        return steps
    decided = {c.line for c in checks if c.holds is not None}
    kept = [s for s in steps if not (s.verdict is Outcome.UNCHECKED and s.line in decided)]
    lines = {s.line for s in kept}
    return kept + [_rule_verdict(c) for c in checks if c.holds is not None or c.line not in lines]


def _rule_verdict(c: RuleCheck) -> StepVerdict:
    verdict = Outcome.UNCHECKED if c.holds is None else Outcome.VERIFIED if c.holds else Outcome.SLIP
    return StepVerdict(c.line, c.end_line, c.right, c.left, verdict, c.method if c.holds is not None else "",
                       c.counterexample, c.claimed_value, c.reference_value, (c.diagnosis,) if c.diagnosis else (),
                       c.method if c.holds is None else "", c.symbol)


def _step(r: Relation, ctx: Context, chain: _Chain, seconds: float, seed: int, prev, continues: bool):
    """The verdict on one relation (``None`` for context: definitions, conditions, assumptions)."""
    if r.symbol in _ORDER + _CONTEXT or not r.right or _RANGE.search(r.right):
        return None  # an assumption, a bound, a set, a distribution, an index range: context, not a step
    try:
        ctx.read_together(r.left, r.right)
    except InputError as exc:
        return _unchecked(r, r.left, f"cannot read the step: {exc}")
    if r.symbol in _UPDATE:
        return _update(r, ctx, seconds, seed)
    if r.symbol in _APPROX:
        return _approximation(r, ctx, chain, continues, seed)
    if r.symbol not in ("=",) + _DEFINE:
        return _unchecked(r, r.left, f"the relation {r.symbol} is not audited")
    defining = r.symbol in _DEFINE or ((bool(DEFINING.search(r.formula.prose)) or r.formula.bullet) and not continues)
    if not continues and _function_definition(r, ctx, defining):
        return None
    try:
        claimed = ctx.read(r.right)
    except InputError as exc:
        return _unchecked(r, r.left, f"cannot read the claimed side: {exc}")
    except Unresolved as exc:
        return _unchecked(r, r.left, str(exc))
    deriv = _derivative_parts(r.left) if not continues else None
    held = False
    if continues and chain.defining:
        try:
            key = _key(ctx.read(r.left, plain=True))
        except (InputError, Unresolved):
            key = None
        if key is not None and key not in ctx.definitions:
            ctx.define(key, claimed, r.line, r.formula.section)
            return None
    chain.defining = False
    if continues:
        if chain.value is None:
            return _unchecked(r, r.left, "the left side of the chain could not be read")
        reference, ref_text, note = chain.value, chain.text, ""
    elif deriv is not None:
        reference, held = _derivative_reference(deriv, ctx)
        if reference is None:
            return _unchecked(r, r.left, f"the derivative's function {deriv[0]} has no definition in the document")
        ref_text, note = r.left, "against the derivative of its definition"
        chain.derivative = True
    else:
        try:
            left = ctx.read(r.left, plain=True)
        except InputError as exc:
            return _unchecked(r, r.left, f"cannot read the left side: {exc}")
        except Unresolved as exc:
            return _unchecked(r, r.left, str(exc))
        key = _key(left)
        if key is not None and getattr(claimed, "is_number", False) and CASE.search(r.formula.prose):
            return None  # "when $\\alpha = 0$, there is no regularization", "initialize $t = 0$"
        if key is None and SUPPOSING.search(r.formula.prose):
            ctx.conditions.append((ctx.substitute(left - claimed), r.line))
            return None  # a supposition ("with $z_2 - z_1 = \log 3$"), not a claim
        if key is not None and not isinstance(claimed, sp.MatrixBase) and _is_definition(key, claimed, ctx, defining, r):
            chain.defining = chain.determined = True
            solved = _solution_check(r, ctx, key, claimed, seconds, seed)
            local = (claimed.is_number and key.name in ctx.seen) if isinstance(key, sp.Symbol) else False
            ctx.define(key, _definition_value(left, claimed), r.line, r.formula.section, local)
            chain.value, chain.text = ctx.substitute(claimed), r.left
            ctx.seen |= names_of(claimed)
            return solved
        if key is not None and isinstance(claimed, sp.MatrixBase) and key not in ctx.definitions:
            ctx.define(key, claimed, r.line, r.formula.section)
            chain.value, chain.text = claimed, r.left
            return None
        try:
            reference = ctx.value(r.left)
        except (InputError, Unresolved) as exc:
            return _unchecked(r, r.left, str(exc))
        ref_text, note = r.left, ""
        if key is not None and key in ctx.definitions and ctx.definitions[key][1] != r.line:
            note = f"against its definition of line {ctx.definitions[key][1]}"
    ctx.seen |= names_of(reference)
    if held:  # a partial on the graph: both sides with the defined quantities held as they are written
        verdict = _claim(r, ctx, chain, reference, ref_text, ctx.substitute(claimed, frozenset(ctx.definitions)),
                         note + " (a partial on the graph, the other defined quantities held fixed)", seconds, seed,
                         True)
        if verdict is None or verdict.verdict is not Outcome.SLIP:
            return verdict
        again = check(ctx.substitute(claimed), ctx.substitute(reference), timeout=seconds / 2, seed=seed)
        if again.verdict is Verdict.EQUIVALENT:
            chain.slip = None
            return _verdict_from(again, r.right, ref_text, r, note + " (with the defined quantities substituted)")
        return verdict
    full = ctx.substitute(claimed)
    return _claim(r, ctx, chain, reference, ref_text, full, note, seconds, seed,
                  deriv is not None or chain.derivative or chain.determined)


def _is_definition(key, claimed, ctx: Context, defining: bool, r: Relation) -> bool:
    """A name not defined yet, a name after "let"/"define"/``:=``, or a defined name given new quantities."""
    if key not in ctx.definitions or defining:
        return True
    if claimed.is_number and (key in ctx.local or getattr(ctx.definitions[key][0], "is_number", False)):
        return True  # another value of a constant, another evaluation point
    old = ctx.substitute(ctx.definitions[key][0])
    new = ctx.substitute(claimed)
    return bool(names_of(new) - names_of(old) - {key.name if isinstance(key, sp.Symbol) else ""})


def _function_definition(r: Relation, ctx: Context, defining: bool) -> bool:
    """``f(x) = …`` defines ``f`` (the first time, after "let"/"define", or with new quantities)."""
    form = function_definition(r.left)
    if form is None:
        return False
    name = form[0]
    if name in ctx.functions and not defining:
        try:
            old, new = ctx.value(r.left), ctx.value(r.right)
        except (InputError, Unresolved):
            return False
        if not (names_of(new) - names_of(old)):
            return False  # a claim about f, checked against its definition
    ctx.define_from(r.left, r.right, r.line, r.formula.section)
    return True


def _claim(r, ctx: Context, chain: _Chain, reference, ref_text: str, claimed, note: str, seconds: float, seed: int,
           determined: bool):
    """Check ``claimed`` against ``reference``; a condition, a statement or a slip carried along are no new slips."""
    if isinstance(reference, sp.Basic) and any(not isinstance(d.expr, AppliedUndef)
                                               for d in reference.atoms(sp.Derivative)):
        return _unchecked(r, ref_text, "a symbol the claim needs has no definition in the document")
    claimed, reference = zero_as_matrix(claimed, reference), zero_as_matrix(reference, claimed)
    new = names_of(claimed) - names_of(reference)
    if new and not determined:
        chain.value, chain.text = claimed, r.right
        return _unchecked(r, ref_text, f"relates new quantities ({', '.join(sorted(new))} only on the claimed side): "
                                       "a definition or an equation, not an identity")
    result = check(claimed, reference, timeout=seconds, seed=seed, domains={}, indices=delta_indices(reference, claimed))
    verdict = _verdict_from(result, r.right, ref_text, r, note)
    chain.value, chain.text = reference, ref_text
    if determined and chain.derivative and not r.continued and verdict.verdict is not Outcome.SLIP:
        ctx.last_derivative = (reference, r.line)
    if verdict.verdict is not Outcome.SLIP:
        return verdict
    lacking = names_of(reference) - names_of(claimed)
    data = {str(i.base.label) for i in reference.atoms(sp.Indexed)} if isinstance(reference, sp.Basic) else set()
    equation = claimed == 0 or getattr(claimed, "is_number", False) or bool(lacking & data) or not determined
    if lacking and equation and not _independent(reference, lacking, ctx, seconds, seed):
        if claimed == 0 or SOLVING.search(r.formula.prose):
            ctx.conditions.append((reference - claimed, r.line))
            return None
        chain.value, chain.text = claimed, r.right
        return _unchecked(r, ref_text, f"holds only for particular values of {', '.join(sorted(lacking))} "
                                       "(the claimed side does not depend on them): an equation, not an identity")
    if chain.slip is not None:
        follows = check(claimed, chain.slip[0], timeout=seconds / 2, seed=seed)
        if follows.verdict is Verdict.EQUIVALENT:
            chain.slip = (claimed, chain.slip[1])
            return StepVerdict(r.line, r.end_line, r.right, ref_text, Outcome.VERIFIED, follows.method +
                               f"; a correct step from the slipped value of line {chain.slip[1]}")
    chain.slip = (claimed, r.line)
    return verdict


def _independent(reference, names: set, ctx: Context, seconds: float, seed: int) -> bool:
    """``reference`` does not depend on ``names`` (they cancel): moving them changes nothing."""
    shift = {s: s + sp.Rational(7, 3) for s in reference.free_symbols if isinstance(s, sp.Symbol) and s.name in names
             and not isinstance(s, sp.Indexed)}
    if not shift or any(isinstance(s, sp.Indexed) and str(s.base.label) in names for s in reference.free_symbols) \
            or is_typed(sp.Add(*shift)):
        return False  # a vector or a matrix is not moved by a number
    moved = check(reference.xreplace(shift), reference, timeout=max(0.2, seconds / 3), seed=seed)
    return moved.verdict is Verdict.EQUIVALENT


def _key(expr: sp.Basic):
    """The name an expression defines, if it is a name: a symbol, an indexed symbol's base, a power of a symbol."""
    if isinstance(expr, sp.Symbol):
        return expr
    if isinstance(expr, sp.Indexed) and all(isinstance(i, sp.Symbol) for i in expr.indices):
        return expr.base
    if isinstance(expr, sp.Pow) and isinstance(expr.base, sp.Symbol) and expr.exp.is_Integer and expr.exp > 1:
        return expr
    return None


def _definition_value(left: sp.Basic, right: sp.Basic):
    """What a definition stores: the value, or a ``Lambda`` of the index."""
    if isinstance(left, sp.Indexed):
        return sp.Lambda(left.indices, right)
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


def _derivative_reference(deriv, ctx: Context):
    r"""``\partial A/\partial x`` from A's definition (a function, a defined name, or the expression itself),
    and whether it is a partial on the graph (``x`` is itself defined)."""
    num_text, var_text = deriv
    try:
        var = ctx.read(var_text, plain=True)
        num = ctx.read(num_text, plain=True)
    except (InputError, Unresolved):
        return None, False
    if not isinstance(var, (sp.Symbol, sp.Indexed)):
        return None, False
    if isinstance(num, sp.Symbol) and num.name in ctx.functions:
        body = ctx.functions[num.name].expr
    elif _key(num) is not None and _key(num) in ctx.definitions:
        body = num if isinstance(num, sp.Indexed) else ctx.definitions[_key(num)][0]
    elif isinstance(num, AppliedUndef):
        return None, False  # \nabla J(w) of a J the document does not define
    elif _key(num) is None and not isinstance(num, sp.MatrixBase):
        body = num  # \frac{d}{dw}(expression)
    else:
        return None, False
    return ctx.derivative_of(body, var), ctx.held(var)


def _solution_check(r: Relation, ctx: Context, key, value, seconds: float, seed: int):
    """A definition that solves an earlier condition for its unknown is checked against that condition."""
    unknowns = [u for u in ctx.unknowns_of(key) if u not in ctx.definitions or u == key]
    conditions = list(ctx.conditions)
    if SOLVING.search(r.formula.prose) and ctx.last_derivative is not None:
        conditions.append(ctx.last_derivative)
    for condition, line in sorted(conditions, key=lambda c: -c[1]):
        condition = ctx.substitute(condition)
        hit = next((u for u in unknowns if u in condition.free_symbols and u != key), None)
        if hit is None and key in condition.free_symbols and key not in ctx.definitions:
            hit = key
        if hit is None:
            continue
        residual = condition.xreplace({hit: ctx.substitute(value)})
        result = check(residual, sp.S.Zero, timeout=seconds, seed=seed)
        return _verdict_from(result, r.right, f"the condition of line {line}", r, f"solves the condition of line {line}")
    return None


def _update(r: Relation, ctx: Context, seconds: float, seed: int):
    """Update rules: a rule that rewrites the previous rule of the same variable is checked against it."""
    try:
        key = _key(ctx.read(r.left, plain=True))
        right = ctx.value(r.right)
    except InputError as exc:
        return _unchecked(r, r.left, f"cannot read the update rule: {exc}")
    except Unresolved as exc:
        return _unchecked(r, r.left, str(exc))
    if key is None:
        return _unchecked(r, r.left, "the updated variable could not be read")
    before = ctx.rules.get(key)
    ctx.rules[key] = (right, r.line)
    if before is None:
        return None
    old, line = before
    if names_of(right) - names_of(old) or r.line - line > 12:
        return None  # another method's rule, not a rewriting of the last one
    result = check(right, old, timeout=seconds, seed=seed)
    return _verdict_from(result, r.right, f"the update rule of line {line}", r, f"rewrites the rule of line {line}")


def _approximation(r: Relation, ctx: Context, chain: _Chain, continues: bool, seed: int):
    """``a \\approx b``: as a series in its small quantity, or a number to the digits ``b`` shows."""
    try:
        claimed = ctx.value(r.right)
        reference = chain.value if continues else ctx.value(r.left)
    except (InputError, Unresolved) as exc:
        return _unchecked(r, r.left, f"cannot read the approximation: {exc}")
    digits = re.search(r"\.(\d+)\s*$", r.right.strip(" ,.;")) if isinstance(r.right, str) else None
    small = small_quantities([claimed, reference]) if reference is not None else {}
    if small and partials_of_functions([claimed, reference]) is None:
        return _unchecked(r, r.left, "a partial derivative whose point of evaluation is not written")
    if small and not (is_typed(claimed) or is_typed(reference)):
        got = check_series(claimed, reference, small, stated_order(r.formula.lead), seed)
        return StepVerdict(r.line, r.end_line, r.right, r.left, Outcome.VERIFIED if got.holds else Outcome.SLIP,
                           got.method(), None if got.holds else got.point, got.claimed_coefficient,
                           got.reference_coefficient, () if got.holds else
                           (f"the two sides differ at order t^{got.first_difference} (the coefficients shown)",),
                           relation="≈")
    if reference is None or not (claimed.is_number and reference.is_number) or digits is None:
        return _unchecked(r, r.left, "an approximation whose order is not stated, not an identity")
    if abs(sp.N(reference - claimed, 30)) <= sp.Rational(1, 2 * 10 ** (places := len(digits.group(1)))):
        return StepVerdict(r.line, r.end_line, r.right, r.left, Outcome.VERIFIED, f"exact value rounded to {places} "
                           "decimal places", relation="≈")
    return StepVerdict(r.line, r.end_line, r.right, r.left, Outcome.SLIP, f"not the value rounded to {places} places",
                       (), sp.sstr(claimed), sp.sstr(sp.N(reference, 12)), (), relation="≈")


def audit_file(path: str, *, assume: Sequence[str] = (), timeout: float = 120.0, seed: int = 0,
               matrices: Sequence[str] = (), vectors: Sequence[str] = (), functions: Sequence[str] = (),
               scalars: Sequence[str] = ()) -> Audit:
    """Read and audit one file; an :class:`InputError` when the file itself cannot be read."""
    text = read_document(path)
    return audit_text(text, syntax_of(path), name=path, assume=assume, timeout=timeout, seed=seed,
                      matrices=matrices, vectors=vectors, functions=functions, scalars=scalars)
