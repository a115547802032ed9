r"""The verification engine: check every step of a derivation by machine.

Verification order for every claim: a time-bounded symbolic zero test, then
random probes in the declared domain evaluated at 40 significant digits
(rational probe points, so polynomial identities are checked exactly), then
central differences for derivative claims.  Generic index forms (sums over
``j = 1..m``) are instantiated for concrete sizes first.

Examples
========

>>> import sympy as sp
>>> from derivations.record import Derivation, Step, Equals
>>> x = sp.Symbol("x")
>>> d = Derivation("demo.sq", "square", (Step(sp.Symbol("y"), (x + 1)**2, "expand",
...     claim=Equals(x**2 + 2*x + 1)),), sp.S.Zero)
>>> verify(d).steps[0].outcome.value
'proved'
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass
from typing import Iterable, Mapping

import sympy as sp

from derivations.claims import DerivativeOf, Differs, Holds, Outcome, Step, StepReport, Verification
from derivations.deadline import TimeLimitExceeded, time_limit

@dataclass(frozen=True)
class _Instance:
    subs: Mapping[sp.Basic, int]
    symbolic: bool


def _instances(d) -> list[_Instance]:
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


def _index_values(d, base: dict, full: bool) -> list[dict]:
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


def _with_sizes(value: sp.Basic, subs: Mapping) -> sp.Basic:
    if not subs:
        return value
    if isinstance(value, sp.Lambda):
        inner = {k: v for k, v in subs.items() if k not in value.variables}
        return sp.Lambda(value.variables, value.expr.subs(inner))
    return value.subs(subs)


class _Expander:
    """Replaces defined symbols by their fully expanded definitions, memoized per atom.

    Sizes are substituted into the definitions first, so that sums have
    concrete limits and are expanded; without sizes nothing is evaluated.
    """

    def __init__(self, definitions, sizes: Mapping, keep: sp.Basic | None, evaluate: bool | None = None):
        self.defs = {key: _with_sizes(value, sizes) for key, value in definitions if key != keep}
        self.evaluate = bool(sizes) if evaluate is None else evaluate
        self.memo: dict = {}
        # the kinds of object that are defined: symbols, matrix symbols, indexed bases, ...
        self.kinds = tuple({type(k) for k in self.defs if not isinstance(k, sp.IndexedBase)} | {sp.Indexed})

    def _defined(self, atom) -> bool:
        return (atom.base in self.defs) if isinstance(atom, sp.Indexed) else (atom in self.defs)

    def expand(self, expr: sp.Basic) -> sp.Basic:
        targets = [t for t in expr.atoms(*self.kinds) if self._defined(t)]
        if not targets:
            return expr
        return expr.xreplace({t: self._atom(t) for t in targets})

    def _atom(self, atom):
        if atom not in self.memo:
            value = self.defs[atom.base](*atom.indices) if isinstance(atom, sp.Indexed) else self.defs[atom]
            if self.evaluate:
                value = value.doit()
            self.memo[atom] = self.expand(value)
        return self.memo[atom]


def instantiate(
    expr: sp.Basic,
    subs: Mapping[sp.Basic, int],
    definitions=(),
    keep: sp.Basic | None = None,
    flatten: bool = True,
) -> sp.Basic:
    """Substitute sizes and indices, expand definitions (but ``keep``) and sums, flatten indexed symbols.

    With empty ``subs`` the generic form is kept (definitions expanded, sums
    unevaluated): this is what the compile bridge turns into array code.
    """
    return _instantiate(expr, subs, _Expander(definitions, subs, keep), flatten)


def _instantiate(expr: sp.Basic, subs: Mapping, expander: _Expander, flatten: bool = True) -> sp.Basic:
    e = sp.sympify(expr)
    if subs:
        e = e.subs(subs)
    if expander.evaluate or not expander.defs:
        e = e.doit()
    e = expander.expand(e)
    if expander.evaluate and (not subs or e.has(sp.MatrixExpr, sp.Derivative)):
        e = e.doit()  # evaluate what the definitions brought in (matrix products, derivatives)
    return _flatten_indexed(e) if flatten else e


def _domain_of(sym: sp.Symbol, d) -> tuple[float, float]:
    for key, rng in d.domain:
        if key == sym:
            return rng
        if isinstance(key, sp.IndexedBase) and sym.name.startswith(f"{key.label}_"):
            return rng
    if sym.is_negative:
        return (-2.5, -0.25)
    if sym.is_nonpositive:
        return (-2.5, 0.0)
    if sym.is_positive:
        return (0.25, 2.5)
    if sym.is_nonnegative:
        return (0.0, 2.5)
    return (-2.5, 2.5)


def _probe_point(symbols: Iterable[sp.Symbol], d, rng: random.Random) -> dict:
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


_MPMATH_FUNCTIONS = {
    "exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan", "asin": "asin", "acos": "acos",
    "atan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "Abs": "fabs", "erf": "erf",
}


def _mp_value(expr: sp.Basic, point: Mapping, memo: dict):
    """Evaluate ``expr`` with mpmath at the current precision; shared subtrees once."""
    import mpmath

    if expr in memo:
        return memo[expr]
    if expr.is_Symbol:
        value = point[expr]
    elif expr.is_Rational:
        value = mpmath.mpf(expr.p) / expr.q
    elif expr.is_Float:
        value = mpmath.mpf(expr)
    elif expr.is_Add:
        value = mpmath.fsum(_mp_value(t, point, memo) for t in expr.args)
    elif expr.is_Mul:
        value = mpmath.fprod(_mp_value(t, point, memo) for t in expr.args)
    elif expr.is_Pow:
        base = _mp_value(expr.base, point, memo)
        e = expr.exp
        if e.is_Integer:
            value = base ** int(e)
        elif e.is_Rational and e.q == 2:
            value = mpmath.sqrt(base) ** e.p
        else:
            value = mpmath.power(base, _mp_value(e, point, memo))
    elif isinstance(expr, sp.Function) and type(expr).__name__ in _MPMATH_FUNCTIONS:
        fn = getattr(mpmath, _MPMATH_FUNCTIONS[type(expr).__name__])
        value = fn(*(_mp_value(t, point, memo) for t in expr.args))
    elif isinstance(expr, sp.sign):
        v = _mp_value(expr.args[0], point, memo)
        value = mpmath.mpf(mpmath.sign(v))
    elif isinstance(expr, (sp.Max, sp.Min)):
        values = [_mp_value(t, point, memo) for t in expr.args]
        value = max(values) if isinstance(expr, sp.Max) else min(values)
    else:  # anything else: SymPy's own evaluation of the subtree
        sub = {k: sp.Float(mpmath.nstr(v, _DIGITS + 5), _DIGITS + 5) for k, v in point.items()}
        re, im = sp.N(expr.xreplace(sub), _DIGITS).as_real_imag()
        if not (re.is_Number and im.is_Number) or not (re.is_finite and im.is_finite):
            raise ValueError("not a finite number")
        re, im = mpmath.mpf(sp.Float(re, _DIGITS)._mpf_), mpmath.mpf(sp.Float(im, _DIGITS)._mpf_)
        value = re if im == 0 else mpmath.mpc(re, im)
    memo[expr] = value
    return value


def _evaluator(exprs: list[sp.Basic], symbols: list[sp.Symbol]):
    """A function of a probe point returning the expressions' values at 40 digits (``None`` if not finite or not real)."""
    import mpmath

    def at(point: Mapping) -> list | None:
        with mpmath.workdps(_DIGITS):
            values = {s: mpmath.mpf(point[s].p) / point[s].q for s in symbols}
            memo: dict = {}
            try:
                out = [_mp_value(e, values, memo) for e in exprs]
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                return None
            for i, v in enumerate(out):
                if isinstance(v, mpmath.mpc):
                    if abs(v.imag) > mpmath.mpf(10) ** (5 - _DIGITS) * (1 + abs(v.real)):
                        return None
                    out[i] = v.real
                if not mpmath.isfinite(out[i]):
                    return None
            return out

    return at


def _entries(expr: sp.Basic) -> list[sp.Basic]:
    return list(expr) if isinstance(expr, sp.MatrixBase) else [expr]


def _zero_modulo_radicals(entry: sp.Basic) -> bool:
    """Exact test for expressions rational in the variables and in square roots ``sqrt(P)``.

    Each distinct radical ``P**(k/2)`` becomes ``r**k`` for a new symbol ``r``; the
    numerator of the resulting rational function is then reduced modulo
    ``r**2 - P``.  A zero remainder proves the entry is zero.
    """
    radicals = [p for p in entry.atoms(sp.Pow) if p.exp.is_Rational and p.exp.q == 2]
    if not radicals:
        return sp.cancel(sp.together(entry)) == 0
    eliminated = _eliminate_radical(entry, radicals)
    if eliminated is not None:
        return sp.cancel(sp.together(eliminated)) == 0
    bases: dict[sp.Basic, sp.Symbol] = {}
    replace = {}
    for p in radicals:
        base = sp.expand(p.base)
        r = bases.setdefault(base, sp.Dummy("r", positive=True))
        replace[p] = r ** p.exp.p
    numerator, _ = sp.fraction(sp.cancel(sp.together(entry.xreplace(replace))))
    if numerator.atoms(sp.Pow) & set(radicals):
        return False
    for base, r in bases.items():
        numerator = sp.rem(sp.expand(numerator), r**2 - base, r)
    return sp.expand(numerator) == 0


def _eliminate_radical(entry: sp.Basic, radicals: list) -> sp.Basic | None:
    """Change variables so that a single radical ``sqrt(Q + s)`` becomes a symbol.

    If every radical has the same base ``Q + s`` where ``s`` is a symbol that
    occurs in the base linearly with coefficient 1 (like ε in ``sqrt(σ² + ε)``),
    substituting ``s = r² − Q`` (``r > 0``) is a bijection onto its range, and
    the entry becomes a rational function of ``r`` and the other symbols: it is
    zero exactly when that rational function is.
    """
    bases = {sp.expand(p.base) for p in radicals}
    if len(bases) != 1:
        return None
    (base,) = bases
    for s in sorted(base.free_symbols, key=str):
        coeff = base.coeff(s)
        if coeff == 1 and not (base - s).has(s):
            r = sp.Dummy("r", positive=True)
            rest = base - s
            replaced = entry.xreplace({p: r ** p.exp.p for p in radicals})
            return replaced.xreplace({s: r**2 - rest})
    return None


def symbolic_zero(diff: sp.Basic, seconds: float | None) -> bool | None:
    """True if ``diff`` is provably zero within ``seconds``; ``None`` if undecided."""
    try:
        with time_limit(seconds):
            for entry in _entries(diff):
                if entry == 0:
                    continue
                if _zero_modulo_radicals(entry):
                    continue
                if sp.simplify(entry) != 0:
                    return None
            return True
    except (TimeLimitExceeded, sp.PolynomialError, sp.polys.polyerrors.PolificationFailed):
        return None


def _format_point(point: Mapping) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(sp.N(v, 6))) for k, v in sorted(point.items(), key=lambda kv: str(kv[0])))


class _Context:
    """Per-verification caches: one expander per (sizes, node held fixed)."""

    def __init__(self, d):
        self.d = d
        self.size_symbols = {s for s, _ in d.sizes} | {s for s, _ in d.numeric_sizes}
        self.expanders: dict = {}

    def expand(self, expr, subs, keep=None, flatten=True):
        sizes = tuple(sorted(((k, v) for k, v in subs.items() if k in self.size_symbols), key=str))
        key = (sizes, keep)
        if key not in self.expanders:
            self.expanders[key] = _Expander(self.d.definitions, dict(sizes), keep, evaluate=True)
        return _instantiate(expr, subs, self.expanders[key], flatten)


def _verify_step(index: int, step: Step, ctx: _Context, seconds: float, probes: int, rng: random.Random) -> StepReport:
    claim, d = step.claim, ctx.d
    if claim is None:
        return StepReport(index, Outcome.DEFINITION, ())
    methods: set[str] = set()
    all_symbolic = True
    any_numeric = False
    for inst in _instances(d):
        rhs = ctx.expand(step.rhs, inst.subs)
        func = var = None
        if isinstance(claim, Holds):
            result = _check_holds(ctx.expand(claim.condition, inst.subs), d, inst, seconds, probes, rng)
        else:
            if isinstance(claim, DerivativeOf):
                v = claim.variable
                node = v.base if isinstance(v, sp.Indexed) else v
                func = ctx.expand(claim.function, inst.subs, keep=node, flatten=False)
                var = ctx.expand(v, inst.subs, keep=node, flatten=False)
                reference = ctx.expand(sp.diff(func, var), inst.subs)
                if node in dict(d.definitions):
                    func = None  # a partial on the graph: no end-to-end function for differences
                else:
                    func, var = _flatten_indexed(func), _flatten_indexed(var)
            else:
                reference = ctx.expand(claim.reference, inst.subs)
            result = _check_equal(rhs, reference, d, inst, seconds, probes, rng, claim)
            if func is not None and result[0] != "differs":
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
        elif inst.symbolic:
            all_symbolic = False  # sizes checked only numerically do not count against a proof
        if verdict in ("proved", "agrees"):
            methods.add("numeric probes")
            any_numeric = True
    if isinstance(claim, Differs):
        return StepReport(index, Outcome.FAILED, tuple(sorted(methods)),
                          "the stated erratum could not be confirmed: the two expressions agree")
    if all_symbolic and "symbolic" in methods:
        return StepReport(index, Outcome.PROVED, tuple(sorted(methods)), _sizes_text(d))
    if any_numeric:
        return StepReport(index, Outcome.CONFIRMED, tuple(sorted(methods)), _sizes_text(d))
    return StepReport(index, Outcome.UNDECIDED, tuple(sorted(methods)), "no method could decide")


def _describe(subs: Mapping) -> str:
    return ", ".join(f"{k} = {v}" for k, v in subs.items()) or "the generic form"


def _sizes_text(d) -> str:
    parts = [f"{s} ∈ {{{', '.join(map(str, v))}}}" for s, v in d.sizes]
    parts += [f"{s} ∈ {{{', '.join(map(str, v))}}} (numeric)" for s, v in d.numeric_sizes]
    return "; ".join(parts)


def _differ(a, b) -> bool:
    import mpmath

    with mpmath.workdps(_DIGITS):
        return abs(a - b) > mpmath.mpf(10) ** -25 * (1 + abs(a) + abs(b))


def _check_equal(rhs, reference, d, inst, seconds, probes, rng, claim):
    if isinstance(rhs, sp.MatrixBase) != isinstance(reference, sp.MatrixBase):
        return ("differs", {}, "one side is a matrix, the other is not")
    if isinstance(rhs, sp.MatrixBase) and rhs.shape != reference.shape:
        return ("differs", {}, f"shapes differ: {rhs.shape} vs {reference.shape}")
    claimed, expected = _entries(rhs), _entries(reference)
    symbols = sorted(set().union(*(e.free_symbols for e in claimed + expected)), key=str)
    at = _evaluator(claimed + expected, symbols)
    n = len(claimed)
    evaluated = 0
    for _ in range(4 * probes):
        if evaluated == probes:
            break
        point = _probe_point(symbols, d, rng)
        values = at(point)
        if values is None:
            continue  # a singular or non-real point: draw another
        evaluated += 1
        for cv, rv in zip(values[:n], values[n:]):
            if _differ(cv, rv):
                return ("differs", point, f"claimed {sp.Float(cv, 8)} but reference {sp.Float(rv, 8)}")
    if isinstance(claim, Differs) or not inst.symbolic:
        return ("agrees" if evaluated else "undecided", {}, "")
    proved = symbolic_zero(rhs - reference, seconds)
    return ("proved" if proved else ("agrees" if evaluated else "undecided"), {}, "")


_RELATIONS = {
    # non-strict relations allow for rounding at 40 digits where the two sides are equal
    sp.StrictGreaterThan: lambda a, b: a > b, sp.GreaterThan: lambda a, b: a >= b - 1e-25 * (1 + abs(a) + abs(b)),
    sp.StrictLessThan: lambda a, b: a < b, sp.LessThan: lambda a, b: a <= b + 1e-25 * (1 + abs(a) + abs(b)),
    sp.Equality: lambda a, b: abs(a - b) <= 1e-25 * (1 + abs(a) + abs(b)),
    sp.Unequality: lambda a, b: abs(a - b) > 1e-25 * (1 + abs(a) + abs(b)),
}


def _check_holds(condition, d, inst, seconds, probes, rng):
    import mpmath

    if condition in (sp.true, sp.false):
        return ("differs" if condition == sp.false else "proved", {}, "the condition is false")
    symbols = sorted(condition.free_symbols, key=str)
    relation = _RELATIONS.get(type(condition))
    at = _evaluator([condition.lhs, condition.rhs], symbols) if relation else None
    for _ in range(probes):
        point = _probe_point(symbols, d, rng)
        if at is not None:
            values = at(point)
            if values is None:
                continue
            with mpmath.workdps(_DIGITS):
                holds = relation(*values)
        else:
            value = condition.xreplace(point)
            if value not in (sp.true, sp.false):
                continue
            holds = value == sp.true
        if not holds:
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
    import mpmath

    if not isinstance(var, sp.Symbol) or isinstance(rhs, sp.MatrixBase) or isinstance(func, sp.MatrixBase):
        return None
    symbols = sorted(func.free_symbols | rhs.free_symbols | {var}, key=str)
    at = _evaluator([func, rhs], symbols)
    h = sp.Rational(1, 10**12)
    lo, hi = _domain_of(var, d)
    for _ in range(min(probes, 3)):
        point = _probe_point(symbols, d, rng)
        if not (lo + 1e-9 < float(point[var]) < hi - 1e-9):
            continue
        up, mid, down = at({**point, var: point[var] + h}), at(point), at({**point, var: point[var] - h})
        if up is None or mid is None or down is None:
            continue
        with mpmath.workdps(_DIGITS):
            estimate = (up[0] - down[0]) / (2 * mpmath.mpf(h.p) / h.q)
            if abs(estimate - mid[1]) > 1e-12 * (1 + abs(mid[1])):
                return point
    return {}


def verify(d, seconds: float = 4.0, probes: int = 5, seed: int = 0) -> Verification:
    """Check every step of the derivation ``d``.

    Parameters
    ==========

    d : a :class:`~derivations.record.Derivation`.
    seconds : the time bound of each symbolic zero test.
    probes : random probe points per claim and instance.
    seed : the seed of the probe points (reproducible verdicts).

    Returns
    =======

    A :class:`~derivations.claims.Verification`: one :class:`~derivations.claims.StepReport` per step.

    Examples
    ========

    >>> import sympy as sp
    >>> from derivations.record import Derivation, Step, DerivativeOf
    >>> x = sp.Symbol("x", positive=True)
    >>> d = Derivation("demo.log", "d/dx x log x", (Step(sp.Symbol("f'"), sp.log(x) + 1, "product rule",
    ...                claim=DerivativeOf(x * sp.log(x), x)),), sp.S.Zero)
    >>> [s.outcome.value for s in verify(d).steps]
    ['proved']
    """
    start = time.perf_counter()
    ctx = _Context(d)
    reports = tuple(
        _verify_step(i, step, ctx, seconds, probes, random.Random(f"{d.name}:{i}:{seed}"))
        for i, step in enumerate(d.steps, 1)
    )
    return Verification(d.name, reports, time.perf_counter() - start)
