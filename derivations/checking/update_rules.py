r"""Iterative update rules checked by what they must do: descend, correct the bias exactly, advance.

A document states an optimizer as a zero-started iteration: state recurrences
(:math:`v_\tau = \alpha v_{\tau-1} - \epsilon g_\tau`,
:math:`s_\tau = \rho_1 s_{\tau-1} + (1 - \rho_1) g_\tau`,
:math:`r_\tau = r_{\tau-1} + g_\tau \odot g_\tau`, ``R \leftarrow f_accum(R, G)``),
quantities derived from them (:math:`\hat s_\tau = s_\tau / (1 - \rho_1^\tau)`)
and a parameter update (:math:`\theta_{\tau+1} = \theta_\tau - \dots`,
:math:`\Delta\theta = -\dots`, :math:`\theta \leftarrow \theta - \dots`).  No
identity check can catch a wrong definition, but every such rule must do two
things, and both can be checked from the document alone.  Every rule here is
coordinate-wise, so one coordinate is a scalar: the gradient is a symbol g.

* **Descent at the first step.** From the zero state (or the document's
  initialisation), with a constant gradient g and the hyperparameters in their
  conventional ranges (decays -- the coefficient of a state's own previous value
  -- in (0, 1), every other constant > 0), the first step must satisfy
  :math:`g\,\Delta\theta_1 < 0` for every g ≠ 0.  Shown for g = h and g = −h with
  h > 0 by the sign of the simplified product, else probed at random points.
* **Bias correction.** A quantity that divides a zero-started moving average
  :math:`x_t = \rho x_{t-1} + (1 - \rho) u` by a factor, or an accumulator that
  feeds such a corrected value back, estimates u without bias only if it equals
  u at every step for a constant u.  With a constant decay the recurrence is
  solved for all t (:mod:`derivations.checking.bias_correction`, on
  :mod:`derivations.checking.recurrences`: :math:`x_t = (1 - \rho^t) u`), so the
  claim is proved for all t or refuted at the first t where it fails; with a
  decay that depends on t it is unrolled at t = 1, …, 6.
* **The iteration advances.** "Set :math:`\theta_{old} = \theta_{new}`" after
  the step carries the new value forward; "set :math:`\theta_{new} = \theta_{old}`",
  read as an assignment, overwrites the step just computed.

A state is what a rule sets from its own previous value (``v_{t-1}`` in
``v_t``, ``v`` in ``v \leftarrow \alpha v``); a rule ``\leftarrow`` reads a state
set earlier in the iteration at its new value, a recurrence reads the index
(``v_t`` new, ``v_{t-1}`` old).  Functions the document defines later
(``f_accum``, ``f_scale``, one pair per section) are applied when they are
defined: each complete redefinition checks the step again.

A document that maximises (gradient ascent, a reward) is not checked for
descent; a rule that applies a function the document does not define is
``unchecked`` with the reason.

Examples
========

>>> from derivations.checking.document import formulas, relations
>>> doc = ("$$v_{t} = \\alpha v_{t-1} - \\epsilon g_{t}$$\n"
...        "$$\\theta_{t+1} = \\theta_{t} - v_{t}$$\n")
>>> [(c.line, c.holds, c.diagnosis) for c in rule_checks(relations(formulas(doc)))]
[(2, False, 'steps uphill: g·Δθ₁ = epsilon*g**2 > 0 for every g ≠ 0')]
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Sequence

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.checking.context import Context, Unresolved
from derivations.checking.document import Relation
from derivations.checking.bias_correction import (SAMPLE, Unbiasedness, corrected_average, fed_back_average,
                                                  moving_average, readable)
from derivations.errors import InputError
from derivations.reading.shapes import Kind, MatrixName

__all__ = ["RuleCheck", "rule_checks", "first_step"]

_UPDATE = ("\\leftarrow", "\\gets", "←")
_INDEX = r"tau|t|k|n"
_NAME = re.compile(r"^(?P<base>[A-Za-z][A-Za-z]*(?:_\d+)?)(?:_(?:\{(?P<i>" + _INDEX + r")(?P<o>[+-]\d+)?\}|(?P<j>"
                   + _INDEX + r")|(?P<w>new|old)|\{?(?P<n>-?\d+)\}?))?$")
_PARAMETERS = {"theta", "thetatilde", "w", "W", "x", "b", "vartheta"}  # θ_{t+1} = θ_t + (no θ): a step
_COUNTERS = {"t", "T", "tau", "k", "n"}
_STEP_COUNTER = sp.Symbol("n_T", positive=True, integer=True)  # the timestep T written as an exponent
_ASCENT = re.compile(r"maximi[sz]|ascent|reward|increase (?:the )?loss|most likely to increase|adversarial", re.I)
_ASSIGNING = re.compile(r"\b(?:set|assign|copy)\b", re.I)
_INITIAL = re.compile(r"\binit\w*|\buse\b|\bstart", re.I)
_NO_TARGET = re.compile(r"\\(?:frac|sum|prod|partial|nabla|int|mathbb|det|log|exp|sqrt|left|\|)|[*/^]")  # no rule's left
_T_POWER = re.compile(r"\^(?:\{T\}|T(?![A-Za-z]))")
PROBES = 200
PENDING_LINES = 40  # a step waits this many lines for the functions it applies


@dataclass(frozen=True)
class RuleCheck:
    """What a check of one update rule found: the property, whether it holds (``None``: not decided), how."""

    line: int
    end_line: int
    left: str
    symbol: str
    right: str
    property: str  # "descent at the first step" or "unbiased for a constant input"
    holds: bool | None
    method: str
    counterexample: tuple[tuple[str, str], ...] | None = None
    claimed_value: str | None = None
    reference_value: str | None = None
    diagnosis: str = ""


@dataclass
class _Rule:
    """One rule as read: the base name it sets, its value over ``base__old`` / ``base__new`` symbols."""

    base: str
    value: sp.Basic
    relation: Relation
    derived: bool  # a quantity of the step (ŝ = s/(1 − ρ)), not a state carried to the next step
    offset: int | None = None  # the step index of the left side (v_{t+1}: 1), None for an assignment


@dataclass
class _Iteration:
    """The rules of the iteration being read, the functions and initial values the document gave."""

    rules: dict = field(default_factory=dict)  # base -> _Rule, in document order
    since_step: list = field(default_factory=list)  # bases set since the last parameter step
    step: tuple | None = None  # (parameter base, increment over the rules' symbols, relation) waiting for functions
    functions: dict = field(default_factory=dict)  # name -> (Lambda, line)
    fresh: set = field(default_factory=set)  # functions defined since the step was last checked
    initial: dict = field(default_factory=dict)  # name -> number ("Initialize v = 0", v_{-1} = 0)
    used: set = field(default_factory=set)  # the states the last first step was computed from
    last_step: tuple | None = None  # (parameter, its first step, the rule) of the last step checked
    targets: set = field(default_factory=set)  # every name with a rule somewhere in the document: no constant
    state_names: set = field(default_factory=set)  # names the document initialises ("Initialize v = 0")


def _old(base: str) -> sp.Symbol:
    return sp.Symbol(f"{base}__old", real=True)


def _new(base: str) -> sp.Symbol:
    return sp.Symbol(f"{base}__new", real=True)


_G = sp.Symbol("g", real=True)
_GRADIENTS = {"g", "gtilde", "ghat", "gbar"}  # g, the gradient at a look-ahead point g̃
_CONSTANTS = re.compile(r"(alpha|beta|gamma|delta|epsilon|varepsilon|eta|lambda|nu|rho|phi|varphi|kappa|mu|omega)"
                        r"(_\w+)?$")  # the letters of learning rates, decays and small constants


def _split(name: str):
    """``(base, offset)`` of a name: ``v_{tau-1}`` → ("v", -1), ``theta_t`` → ("theta", 0), ``v_new`` → ("v", 1),
    ``v_0`` → ("v", "0"); ``None`` as offset for a name without a step index.

    >>> _split("v_{tau-1}"), _split("theta_{t+1}"), _split("shat_tau"), _split("beta_1"), _split("v_{-1}")
    (('v', -1), ('theta', 1), ('shat', 0), ('beta_1', None), ('v', '-1'))
    """
    start = re.fullmatch(r"([A-Za-z]+)_\{?(-?\d+)\}?", name)
    if start and not _CONSTANTS.match(name):
        return start.group(1), start.group(2)  # v_0, v_{-1}: a value at a numbered step
    m = _NAME.match(name)
    if not m:
        return name, None
    if m.group("i") or m.group("j"):
        return m.group("base"), int(m.group("o") or 0)
    if m.group("w"):
        return m.group("base"), 1 if m.group("w") == "new" else 0
    if m.group("n") is not None:
        if m.group("base") in {"rho", "beta", "alpha", "epsilon", "lambda", "delta", "eta", "phi", "nu", "gamma"}:
            return name, None
        return m.group("base"), m.group("n")
    return m.group("base"), None


def _is_gradient(s) -> bool:
    """``g``, ``g_t``, ``\\nabla_\\theta J``, ``\\partial L/\\partial w`` (read as ``dL_dw``): the gradient."""
    name = s.func.__name__ if isinstance(s, AppliedUndef) else getattr(s, "name", "")
    return name.startswith("nabla") or _split(name)[0] in _GRADIENTS or bool(re.fullmatch(r"d[A-Za-z]\w*_d\w+", name))


class _Reader:
    """Reads one side coordinate-wise: every name a scalar, the timestep exponent ``^T`` a number of steps."""

    def __init__(self) -> None:
        self.ctx = Context.empty()

    def read(self, text: str) -> sp.Basic:
        if re.search(r"\\(?:mathbf|boldsymbol)\{[A-Z]", text):
            raise InputError("a matrix: not a coordinate-wise rule")
        text = _T_POWER.sub("^{n_T}", text)
        caps = set(re.findall(r"(?<![A-Za-z\\])([A-Z])(?![A-Za-z])(?!\s*\()", text))  # R, G; not J(θ)
        self.ctx.declared = {c: Kind.SCALAR for c in caps}
        expr = self.ctx.read(text, plain=True)
        if not isinstance(expr, sp.Basic) or isinstance(expr, sp.MatrixBase) or \
                any(isinstance(s, MatrixName) for s in expr.free_symbols):
            raise InputError("not a coordinate-wise rule")
        gradients = {s: _G for s in expr.atoms(sp.Symbol, AppliedUndef) if _is_gradient(s)}
        expr = expr.xreplace(gradients)  # ∇_θ J(θ + αv) as a whole: the gradient, whatever its argument
        return expr.xreplace({s: _STEP_COUNTER if s.name == "n_T" else sp.Symbol(s.name, real=True)
                              for s in expr.free_symbols if isinstance(s, sp.Symbol)})


def rule_checks(rels: Sequence[Relation]) -> list[RuleCheck]:
    """Every check of the document's update rules, in document order (see the module docstring)."""
    reader, it, out, read = _Reader(), _Iteration(), [], []
    for r in rels:
        if r.symbol not in ("=", ":=") + _UPDATE or not r.right or _NO_TARGET.search(r.left) \
                or len(r.left) > 60 or len(r.right) > 400:
            continue
        try:
            read.append((r, reader.read(r.left), reader.read(r.right)))
        except (InputError, Unresolved, RecursionError, ValueError, TypeError, AttributeError):
            continue
    it.targets = {_split(left.name)[0] for _r, left, right in read if isinstance(left, sp.Symbol) and _own(left, right)}
    for r, left, right in read:
        try:
            out.extend(_read_rule(r, left, right, it))
        except (RecursionError, ValueError, TypeError, ZeroDivisionError, sp.PolynomialError):
            continue
    return out


def _read_rule(r: Relation, left, right, it: _Iteration) -> list[RuleCheck]:
    if isinstance(left, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in left.args):
        return _function(r, left, right, it)
    if not isinstance(left, sp.Symbol) or right == left:
        return []
    base, offset = _split(left.name)
    if isinstance(right, sp.Symbol) and isinstance(offset, int) and _split(right.name)[0] == base \
            and isinstance(_split(right.name)[1], int) and _split(right.name)[1] != offset:
        return _renaming(r, base, offset, _split(right.name)[1], it)
    if right.is_number:
        name = base if offset is not None else left.name
        if _INITIAL.search(r.formula.prose) or isinstance(offset, str):
            it.initial[name] = right
            it.state_names.add(name)
        elif right == 0:
            it.initial[name] = right
        return []
    if right.free_symbols == {sp.Symbol("ZeroTensor", real=True)}:
        it.initial[base] = sp.S.Zero
        it.state_names.add(base)
        return []
    if base == "g" or _is_gradient(left):
        return []
    if base.startswith("Delta") and base[5:] in _PARAMETERS:
        if any(_split(s.name)[0] == base for s in right.free_symbols):
            return []  # a step that remembers the previous step: not placed
        return _step(r, base[5:], _canonical(right, None, None, it), it)
    if isinstance(offset, str):
        return []
    own = _own(left, right)
    if base in _PARAMETERS and own:
        increment = sp.expand(_canonical(right, base, offset, it) - _old(base))
        if increment == 0:
            return []
        if _old(base) not in increment.free_symbols:
            return _step(r, base, increment, it)
        return []  # w ← (1 − εα) w − εg: a step that depends on the parameter itself is not placed
    value = _canonical(right, base, offset, it)
    if value == _old(base):
        return []  # "set v_new = v_old": a renaming between iterations, not a rule
    derived = not own
    if derived and not any(s.name.endswith(("__new", "__old")) for s in value.free_symbols):
        return []  # an equation between names that are no states: not an update rule
    if not derived and base in it.since_step:
        it.rules, it.since_step, it.step = {}, [], None  # the same state set again: another method
    elif not derived and base in it.rules:
        it.rules = {b: it.rules[b] for b in it.since_step}
        it.step = None
    it.rules.pop(base, None)
    it.rules[base] = _Rule(base, value, r, derived, offset)
    it.since_step.append(base)
    return _bias(it.rules[base], it)


def _own(left: sp.Symbol, right) -> set:
    """The previous value of ``left`` on the right side: ``v`` in ``v ← αv``, ``v_{t-1}`` in ``v_t = αv_{t-1}``."""
    base, offset = _split(left.name)
    if isinstance(offset, str) or right == left:
        return set()  # ε h / h = ε reads as ε = ε: no rule
    return {s for s in right.free_symbols if s == left or (_split(s.name)[0] == base and (
        (offset is None and _split(s.name)[1] is None) or (isinstance(offset, int) and _split(s.name)[1] == offset - 1)))}


def _canonical(expr, base, offset, it: _Iteration):
    """``expr`` over ``b__old`` / ``b__new`` of each state b, the constant gradient ``g`` for every gradient."""
    mapping = {s: _G for s in expr.atoms(AppliedUndef, sp.Derivative) if isinstance(s, sp.Derivative) or _is_gradient(s)}
    expr = expr.xreplace(mapping)
    mapping = {}
    for s in expr.free_symbols:
        b, off = _split(s.name)
        if _is_gradient(s):
            mapping[s] = _G
        elif isinstance(off, str) or s.name.endswith(("__new", "__old")):
            continue
        elif b == base and (off is None or offset is None or off == offset - 1):
            mapping[s] = _old(b)
        elif b in it.rules:
            state_off = it.rules[b].offset
            if off is None or state_off is None:
                mapping[s] = _new(b) if b in it.since_step else _old(b)
            else:
                mapping[s] = _new(b) if off == state_off else _old(b)
    return expr.xreplace(mapping)


def _function(r: Relation, left, right, it: _Iteration) -> list[RuleCheck]:
    name = left.func.__name__
    it.functions[name] = (sp.Lambda(left.args, right), r.line)
    it.fresh.add(name)
    found = []
    for rule in list(it.rules.values()):
        if any(a.func.__name__ == name for a in rule.value.atoms(AppliedUndef)):
            found += _bias(rule, it, r)
    if it.step is not None and it.step[2].line + PENDING_LINES >= r.line:
        used = _used(it)
        if used and used <= set(it.functions) and used <= it.fresh:
            it.fresh = set()
            found += _check_step(it, r)
    return found


def _used(it: _Iteration) -> set:
    """The functions the pending step and the iteration's rules apply."""
    exprs = [it.step[1]] + [rule.value for rule in it.rules.values()]
    return {a.func.__name__ for e in exprs for a in e.atoms(AppliedUndef)}


def _apply(expr, it: _Iteration):
    """The document's functions applied, a state named inside a body its current value (``None``: undefined)."""
    for _ in range(4):
        apps = [a for a in expr.atoms(AppliedUndef)]
        if not apps:
            break
        if any(a.func.__name__ not in it.functions for a in apps):
            return None
        expr = expr.xreplace({a: it.functions[a.func.__name__][0](*a.args) for a in apps})
    else:
        return None
    return expr.xreplace({s: _new(s.name) for s in expr.free_symbols if s.name in it.rules})


def _step(r: Relation, parameter: str, increment, it: _Iteration) -> list[RuleCheck]:
    it.step = (parameter, increment, r)
    it.fresh = set()
    if _apply(increment, it) is None or any(_apply(rule.value, it) is None for rule in it.rules.values()):
        return []  # checked when the document defines the functions it applies
    found = _check_step(it, r)
    it.since_step = []
    return found


def _ranges(it: _Iteration, expr) -> tuple[set, set]:
    """The decays (a state's coefficient of its own previous value) and the other constants of ``expr``."""
    decays = set()
    for rule in it.rules.values():
        value = _apply(rule.value, it)
        if value is None or rule.derived:
            continue
        decay = sp.fraction(sp.together(sp.diff(value, _old(rule.base))))[0]  # α in αv, ρ in ρR/(1 − ρ^T)
        if isinstance(decay, sp.Symbol) and "__" not in decay.name:
            decays.add(decay)
    names = {s for s in expr.free_symbols if s != _G}
    return names & decays, names - decays


def first_step(it: _Iteration, increment):
    """Δθ₁: the increment with every state at its first value from its initial one.

    Raises :class:`Unresolved` when a state the step needs has no rule (or no rule yet).
    """
    values: dict = {}

    def new(base: str, depth: int = 0):
        if base in values:
            return values[base]
        if depth > 12 or base not in it.rules:
            raise Unresolved(f"{base} has no update rule in the document" + (" (only its initialisation)"
                                                                              if base in it.initial else ""))
        value = _apply(it.rules[base].value, it)
        if value is None:
            raise Unresolved("a function the rule applies has no definition in the document")
        values[base] = _at_first(value, it, lambda b: new(b, depth + 1))
        return values[base]

    value = _apply(increment, it)
    if value is None:
        raise Unresolved("a function the step applies has no definition in the document")
    step = sp.simplify(_at_first(value, it, new))
    it.used = set(values)
    loose = sorted(s.name for s in step.free_symbols if s != _G and (s.name in it.targets or s.name in it.initial
                                                                      and s.name in it.state_names))
    if loose:
        raise Unresolved(f"{', '.join(loose)} has no update rule in the document before the step")
    unplaced = sorted(s.name for s in step.free_symbols if s != _G and not _CONSTANTS.match(s.name))
    if unplaced:
        raise Unresolved(f"the first step depends on {', '.join(unplaced)}, which is neither the gradient nor a "
                         "learning rate, decay or small constant")
    return step


def _at_first(expr, it: _Iteration, new):
    mapping = {}
    for s in expr.free_symbols:
        if s.name.endswith("__old"):
            mapping[s] = it.initial.get(s.name[:-5], sp.S.Zero)
        elif s.name.endswith("__new"):
            mapping[s] = new(s.name[:-5])
        elif s.name in _COUNTERS or s == _STEP_COUNTER:
            mapping[s] = sp.S.One  # the first step: t = 1
    return expr.xreplace(mapping)


def _ascending(r: Relation) -> bool:
    return bool(_ASCENT.search(r.formula.prose + " " + r.formula.lead))


def _check_step(it: _Iteration, at: Relation) -> list[RuleCheck]:
    _parameter, increment, r = it.step
    if _ascending(r):
        return [_result(at, r, "descent at the first step", None,
                        "not checked for descent: the text around the rule speaks of ascent or increasing a loss")]
    try:
        step = first_step(it, increment)
    except Unresolved as exc:
        if at is not r:
            return []  # a state the functions name has its rule further on: the step waits for it
        return [_result(at, r, "descent at the first step", None, f"not checked for descent: {exc}")]
    used = ", ".join(f"{name} of line {it.functions[name][1]}" for name in sorted(_used(it)) if name in it.functions)
    note = "" if at is r else f" (the step of line {r.line} with {used})"
    it.last_step = (_parameter, step, r)
    return [_descent(at, r, step, it, note)]


def _renaming(r: Relation, base: str, to: int, source: int, it: _Iteration) -> list[RuleCheck]:
    """"Set x_new = x_old": an assignment that closes the iteration must carry the new value to the next one.

    Read as written (the left side takes the right side's value), ``x_old ← x_new`` advances the iteration;
    ``x_new ← x_old`` overwrites the step just computed, so every iteration restarts where the first began.
    Checked for the parameter whose step was computed, when the text says it assigns (set, assign, copy).
    """
    if not _ASSIGNING.search(r.formula.lead) or it.last_step is None or it.last_step[0] != base:
        return []
    _parameter, step, at = it.last_step
    prop = "the iteration advances"
    if to < source:
        return [_result(r, r, prop, True, f"the iteration advances: the assignment carries the new {base} (the step "
                        f"of line {at.line}) to the next iteration")]
    point = {s: sp.Rational(1, 10) for s in step.free_symbols if s != _G} | {_G: sp.S.One}
    return [_result(r, r, prop, False, f"the iteration does not advance: read as an assignment (the left side takes "
                    f"the right side's value), it overwrites the new {base} with the old one, so every iteration "
                    f"restarts from the first {base}",
                    tuple((str(k), str(v)) for k, v in sorted(point.items(), key=lambda kv: str(kv[0]))),
                    f"{base} moves by 0 per iteration",
                    f"the step of line {at.line}, Δ{base} = {readable(step)} = {readable(step.xreplace(point))}",
                    "the assignment is reversed: the new value is overwritten by the old one")]


def _initial_note(it: _Iteration) -> str:
    states = [b for b in it.rules if b in it.used and not it.rules[b].derived]
    stated = sorted(f"{b} = {it.initial[b]}" for b in states if b in it.initial)
    zero = sorted(b for b in states if b not in it.initial)
    parts = []
    if stated:
        parts.append("the document's " + ", ".join(stated))
    if zero:
        parts.append(", ".join(zero) + " = 0 (no initial value written as a formula: zero by convention)")
    return "; ".join(parts)


def _descent(at: Relation, r: Relation, step, it: _Iteration, note: str) -> RuleCheck:
    product = sp.simplify(_G * step)
    decays, others = _ranges(it, product)
    ranges = ", ".join([f"{s} ∈ (0, 1)" for s in sorted(decays, key=str)] + [f"{s} > 0" for s in sorted(others, key=str)])
    h = sp.Symbol("h", positive=True)
    positive = {s: sp.Symbol(s.name, positive=True) for s in others}
    unit = {s: 1 / (1 + sp.Symbol(s.name + "_p", positive=True)) for s in decays}
    signs = {}
    for sign in (1, -1):
        e = sp.simplify(product.xreplace({**positive, **unit}).xreplace({_G: sign * h}))
        signs[sign] = e.is_negative if e.is_negative else (False if e.is_nonnegative else None)
    start = _initial_note(it)
    how = f"first step from {start}" if start else "first step"
    if all(signs.values()):
        return _result(at, r, "descent at the first step", True, f"descent at the first step proved for g ≠ 0 with "
                       f"{ranges or 'no constants'} ({how}, constant gradient g){note}")
    point = {s: sp.Rational(9, 10) for s in decays} | {s: sp.Rational(1, 10) for s in others}
    failing = [s for s, ok in signs.items() if ok is False]
    if not failing:
        rng = random.Random(0)
        for _ in range(PROBES):
            trial = {s: sp.Rational(rng.randint(1, 99), 100) for s in decays} | \
                    {s: sp.Rational(rng.randint(1, 1000), 100) for s in others}
            g = sp.Rational(rng.choice((-1, 1)) * rng.randint(1, 500), 100)
            if sp.N(product.xreplace({**trial, _G: g})) >= 0:
                point, failing = trial, [1 if g > 0 else -1]
                break
        else:
            return _result(at, r, "descent at the first step", True, f"descent at the first step probed at {PROBES} "
                           f"points with g ≠ 0, {ranges} ({how}, constant gradient g){note}")
    g_value = sp.Integer(failing[0])
    point[_G] = g_value
    value = sp.nsimplify(product.xreplace(point))
    where = "every g ≠ 0" if len(failing) == 2 else ("g < 0" if failing == [-1] else "g > 0")
    return _result(at, r, "descent at the first step", False,
                   f"descent at the first step refuted with {ranges} ({how}, constant gradient g){note}",
                   tuple((str(k), str(v)) for k, v in sorted(point.items(), key=lambda kv: str(kv[0]))),
                   f"g·Δθ₁ = {readable(value)}", "g·Δθ₁ < 0",
                   f"steps uphill: g·Δθ₁ = {readable(product)} > 0 for {where}")


def _bias(rule: _Rule, it: _Iteration, at: Relation | None = None) -> list[RuleCheck]:
    at = at or rule.relation
    value = _apply(rule.value, it)
    if value is None:
        return []
    if not rule.derived:
        found = moving_average(value, _old(rule.base))
        if found is None or found[2] == 1:
            return []
        rho, u, c = found
        return [_unbiased_fed_back(at, rule.relation, rho, u, c, rule.base)]
    counters = _counters(it)
    value = value.xreplace({s: it.initial.get(s.name[:-5], sp.S.Zero) + _STEP_COUNTER - int(s.name.endswith("__old"))
                            for s in value.free_symbols if s.name[:-5] in counters})  # t ← t + 1: t = t_0 + n
    states = [s for s in value.free_symbols if s.name.endswith(("__new", "__old"))]
    if len(states) != 1:
        return []
    x = states[0]
    source = it.rules.get(x.name[:-5])
    source_value = _apply(source.value, it) if source else None
    found = moving_average(source_value, _old(source.base)) if source_value is not None else None
    factor = sp.cancel(value / x)
    if found is None or found[2] != 1 or x in factor.free_symbols or factor == 1:
        return []
    rho, u, _ = found
    return [_unbiased(at, rule.relation, rho, u, factor, source)]


def _counters(it: _Iteration) -> set:
    """The states that count the steps: ``t ← t + 1``."""
    return {b for b, rule in it.rules.items() if not rule.derived and sp.expand(rule.value - _old(b)) == 1}


def _counter(expr):
    return {s for s in expr.free_symbols if s.name in _COUNTERS or s == _STEP_COUNTER}


def _unbiased(at: Relation, r: Relation, rho, u, factor, source: _Rule) -> RuleCheck:
    """``factor · x_t = u`` for the zero-started moving average ``x_t`` of a constant u, for all t."""
    n = sp.Dummy("n")
    found = corrected_average(rho, u, factor.xreplace({s: n for s in _counter(factor)}), n)
    where = f"the zero-started average of line {source.relation.line}"
    if found.holds:
        method = f"unbiased for a constant input {readable(u)}: {r.left} = {readable(u)} {found.method}, {where}"
    else:
        method = f"unbiased for a constant input {found.method}, {where}"
    return _bias_result(at, r, rho, found, method)


def _unbiased_fed_back(at: Relation, r: Relation, rho, u, c, base: str) -> RuleCheck:
    n = sp.Dummy("n")
    found = fed_back_average(rho, u, c.xreplace({s: n for s in _counter(c)}), n, base)
    return _bias_result(at, r, rho, found, f"unbiased for a constant input {found.method}")


def _bias_result(at: Relation, r: Relation, rho, found: Unbiasedness, method: str) -> RuleCheck:
    point = None if found.t is None else ((str(rho), str(SAMPLE)), ("t", str(found.t)))
    return _result(at, r, "unbiased for a constant input", found.holds, method, point, found.estimate, found.input,
                   found.diagnosis)


def _result(at: Relation, r: Relation, prop: str, holds, method: str, point=None, claimed=None, reference=None,
            diagnosis: str = "") -> RuleCheck:
    return RuleCheck(at.line, at.end_line, at.left, at.symbol, at.right, prop, holds, method, point, claimed, reference,
                     diagnosis)
