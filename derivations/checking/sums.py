r"""Sum algebra for a symbolic size: proofs that hold for every batch size m.

A claim stated with ``Sum(…, (k, 1, m))`` is proved for all m, with m kept a
symbol, by rewriting both sides to a normal form and cancelling:

* derivatives of sums are taken term by term, ``∂x_k/∂x_j = δ_kj``;
* each sum is split by linearity, ``Σ (a_k + b_k) = Σ a_k + Σ b_k``, and the
  factors free of its index are pulled out, ``Σ c a_k = c Σ a_k``, ``Σ c = m c``;
* a Kronecker delta collapses its sum, ``Σ_k δ_kj f(k) = f(j)``, when j is
  known to range over the same ``1 … m`` (a record's index, or an enclosing
  sum's);
* the record's definitions of scalars by sums are applied in reverse: from
  ``μ = (1/m) Σ x_k`` the rule ``Σ x_k → m μ``, from
  ``σ² = (1/m) Σ (x_k − μ)²`` (normalized with the earlier rules) the rule
  ``Σ x_k² → m (σ² + μ²)``.  Σ (x_k − μ) = 0 follows from the first rule;
* a linear recurrence at a symbolic t is replaced by its solution
  ``Σ_{k=1}^t a^(t−k) b(k)`` (:mod:`~derivations.checking.recurrences`), a
  power ``0^(t−k)`` in a sum over ``k ≤ t`` is ``δ_kt``, and a geometric sum
  ``Σ_k r^k`` is summed in closed form with ``r = 1`` as its own branch;
  each branch is proved separately (``r = 1`` substituted), and a branch
  whose case lies outside the record's declared domain of r is left out.

What remains is a function of the sums that are left (each an opaque
symbol) and the record's symbols; it is handed to
:func:`~derivations.checking.symbolic.symbolic_zero`.  Every rewrite is an
identity, so a zero is a proof for every m (and every index in range);
anything else is "not proved here", never "false".

Examples
========

>>> import sympy as sp
>>> m = sp.Symbol("m", integer=True, positive=True)
>>> j, k = sp.symbols("j k", integer=True, positive=True)
>>> x, mu = sp.IndexedBase("x", real=True), sp.Symbol("mu", real=True)
>>> algebra = SumAlgebra(((mu, sp.Sum(x[k], (k, 1, m)) / m),), ((j, m),))
>>> algebra.zero(sp.Sum(x[k] - mu, (k, 1, m)), 2.0)
True
>>> algebra.zero(sp.diff(sp.Sum(x[k] ** 2, (k, 1, m)), x[j]) - 2 * x[j], 2.0)
True
>>> algebra.zero(sp.Sum(x[k] - mu, (k, 1, m)) - 1, 2.0) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from derivations.checking.instantiate import Expander
from derivations.checking.recurrences import LinearRecurrence, geometric_ratio, geometric_sum
from derivations.checking.symbolic import symbolic_zero
from derivations.claims import DerivativeOf, Differs, Equals
from derivations.deadline import TimeLimitExceeded, time_limit


def _index(n: int) -> sp.Symbol:
    """The canonical name of a sum's index: sums equal up to renaming compare equal."""
    return sp.Symbol(f"_i{n}", integer=True, positive=True)


def _depth(expr: sp.Basic) -> int:
    """One more than the highest canonical index bound inside ``expr``."""
    names = [int(s.name[2:]) for s in expr.atoms(sp.Symbol) if s.name.startswith("_i") and s.name[2:].isdigit()]
    return max(names, default=0) + 1


@dataclass
class SumAlgebra:
    """Normal forms of expressions with sums over ``1 … m``, and the record's definitions as rewriting rules.

    ``definitions`` are the record's (symbol, value) pairs; ``indices`` pairs a
    free index with its upper end (its range is ``1 … upper``); ``sizes`` are
    the size symbols, the only symbols a rule may divide by.
    """

    definitions: tuple = ()
    indices: tuple = ()
    rules: dict = field(default_factory=dict, init=False)  # a sum atom → its value from a definition
    sizes: set = field(default_factory=set)
    domain: tuple = ()  # declared (name, (lo, hi)) of symbols: a branch case outside it is left out

    def __post_init__(self):
        self.expander = Expander(self.definitions, {}, None, evaluate=False)
        self.sizes = {s for _, upper in self.indices for s in sp.sympify(upper).free_symbols} | set(self.sizes)
        ranges = {i: (sp.Integer(1), sp.sympify(upper)) for i, upper in self.indices}
        for sym, value in self.definitions:
            if not isinstance(sym, sp.Symbol) or isinstance(value, sp.Lambda) or not value.has(sp.Sum):
                continue
            self._learn(sym, self.reduce(self.normal(self.expander.expand(value), ranges)))

    def _learn(self, sym: sp.Symbol, value: sp.Basic) -> None:
        """From ``sym = c·S + rest`` with a single new sum S: the rule ``S → (sym − rest)/c``."""
        new = [s for s in value.atoms(sp.Sum)]
        if len(new) != 1:
            return
        (atom,) = new
        t = sp.Dummy("t")
        linear = sp.expand(value.xreplace({atom: t}))
        coeff, rest = linear.coeff(t, 1), linear.coeff(t, 0)
        if coeff.is_nonzero is not True or not coeff.free_symbols <= self.sizes or sp.expand(coeff * t + rest - linear) != 0:
            return  # only sizes may divide (1/m): never a symbol that could vanish
        self.rules[atom] = sp.expand((sym - rest) / coeff)

    def reduce(self, expr: sp.Basic) -> sp.Basic:
        """Apply the rules learned from the definitions (``Σ x_k → m μ``, …)."""
        return sp.expand(expr.xreplace(self.rules)) if self.rules else expr

    def normal(self, expr: sp.Basic, ranges: dict) -> sp.Basic:
        """Sums split by linearity, constants pulled out, deltas collapsed, indices renamed canonically."""
        if isinstance(expr, sp.Sum):
            return self._sum(expr, ranges)
        if isinstance(expr, LinearRecurrence) and not expr.args[0].is_Integer:
            return self.normal(expr.unrolled(), ranges)
        if isinstance(expr, sp.KroneckerDelta):
            i, k = expr.args
            return sp.S.One if i == k else expr
        if expr.is_Pow and isinstance(expr.base, sp.KroneckerDelta) and expr.exp.is_Integer and expr.exp > 0:
            return self.normal(expr.base, ranges)  # δ² = δ
        if not expr.args or isinstance(expr, (sp.Indexed, sp.IndexedBase)):
            return expr
        return expr.func(*(self.normal(a, ranges) for a in expr.args))

    def _sum(self, s: sp.Sum, ranges: dict) -> sp.Basic:
        body = s.function
        for index, lo, hi in reversed(s.limits):  # innermost first
            body = self._one(body, index, sp.sympify(lo), sp.sympify(hi), ranges)
        return body

    def _one(self, body: sp.Basic, index: sp.Symbol, lo, hi, ranges: dict) -> sp.Basic:
        inner = {**ranges, index: (lo, hi)}
        # 0^(hi − k) = δ_k,hi for lo ≤ k ≤ hi (0⁰ = 1)
        body = self.normal(body, inner).replace(
            lambda e: e.is_Pow and e.base.is_zero and sp.expand(e.exp - hi + index) == 0,
            lambda e: sp.KroneckerDelta(index, hi))
        body = sp.expand(body)
        total = sp.S.Zero
        for term in sp.Add.make_args(body):
            const, dep = [], []
            for f in sp.Mul.make_args(term):
                (dep if index in f.free_symbols else const).append(f)
            c = sp.Mul(*const)
            delta = next((f for f in dep if isinstance(f, sp.KroneckerDelta)), None)
            if delta is not None:
                other = delta.args[1] if delta.args[0] == index else delta.args[0]
                within = ranges.get(other) == (lo, hi) or (other == hi and (hi - lo).is_nonnegative)
                if other != index and within and not other.has(index):
                    rest = [f for f in dep if f is not delta]
                    total += c * sp.Mul(*rest).xreplace({index: other})
                    continue
            if not dep:
                total += c * (hi - lo + 1)
                continue
            geometric = geometric_ratio(dep, index)
            if geometric is not None and geometric[1].as_base_exp()[0].is_Symbol:
                total += c * geometric[0] * geometric_sum(geometric[1], lo, hi)
                continue
            summand = sp.Mul(*dep)
            canonical = _index(_depth(summand))
            total += c * sp.Sum(summand.xreplace({index: canonical}), (canonical, lo, hi))
        return total

    def zero(self, expr: sp.Basic, seconds: float | None) -> bool | None:
        """True if ``expr`` (definitions expanded, sums normalized) is identically zero for every size."""
        ranges = {i: (sp.Integer(1), sp.sympify(upper)) for i, upper in self.indices}
        try:
            with time_limit(seconds):
                expr = expr.replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)), lambda e: e.doit())
                reduced = self.reduce(self.normal(self.expander.expand(expr), ranges))
                if reduced.has(sp.Derivative):
                    return None
                opaque = {s: sp.Dummy("S") for s in reduced.atoms(sp.Sum)}
                branches = self._branches(reduced.xreplace(opaque))
                return None if branches is None else all(symbolic_zero(b, None) for b in branches) or None
        except Exception:  # noqa: BLE001 - whatever the algebra cannot handle is "not proved here"
            return None

    def _branches(self, expr: sp.Basic) -> list | None:
        """``expr`` in every case of its geometric sums: each set S of bases b = 1 substituted, the rest generic.

        A case that leaves ``expr`` undefined is left out when b = 1 lies outside b's
        declared domain, else the whole claim is not proved here (``None``).
        """
        pieces = [p for p in expr.atoms(sp.Piecewise) if len(p.args) == 2 and p.args[1].cond is sp.true
                  and isinstance(p.args[0].cond, sp.Eq) and p.args[0].cond.lhs.is_Symbol and p.args[0].cond.rhs == 1]
        bases = sorted({p.args[0].cond.lhs for p in pieces}, key=str)
        out = []
        for chosen in range(2 ** len(bases)):
            ones = {b for k, b in enumerate(bases) if chosen >> k & 1}
            case = expr.xreplace({p: p.args[0].expr if p.args[0].cond.lhs in ones else p.args[1].expr for p in pieces})
            case = case.xreplace({b: sp.S.One for b in ones}) if ones else case
            if ones and case.has(sp.nan, sp.zoo) and not expr.has(sp.nan, sp.zoo):  # a division by zero at b = 1
                if all(self._outside(b) for b in ones):
                    continue
                return None
            out.append(case)
        return out

    def _outside(self, base: sp.Symbol) -> bool:
        """True if 1 lies outside the record's declared domain of ``base``."""
        for name, (lo, hi) in self.domain:
            if name == str(base):
                return not sp.Rational(lo) <= 1 <= sp.Rational(hi)
        return False


def proved_for_all_sizes(step, d, seconds: float) -> bool:
    """True if the step's equality or derivative claim is proved with the record's sizes kept as symbols.

    Conditions and errata are not attempted; a partial derivative holds its
    variable's node fixed while differentiating, and the derivative is then
    expanded like the rest (as the fixed-size check does).
    """
    claim = step.claim
    if not d.sizes or not isinstance(claim, (DerivativeOf, Equals)) or isinstance(claim, Differs):
        return False
    if any(isinstance(e, (sp.MatrixBase, sp.MatrixExpr)) or e.has(sp.MatrixExpr) for e in (step.rhs, *vars(claim).values())):
        return False  # the algebra is for scalar sums
    sizes = {s for s, _ in d.sizes}
    domain = tuple((str(s), rng) for s, rng in d.domain if isinstance(s, sp.Symbol))
    algebra = SumAlgebra(d.definitions, d.indices, sizes=sizes, domain=domain)
    if isinstance(claim, DerivativeOf):
        v = claim.variable
        node = v.base if isinstance(v, sp.Indexed) else v
        held = Expander(tuple((k, val) for k, val in d.definitions if k != node), {}, None, evaluate=False)
        try:
            with time_limit(seconds):
                gap = sp.diff(held.expand(claim.function), v) - step.rhs
        except TimeLimitExceeded:
            return False
    else:
        gap = step.rhs - claim.reference
    return bool(algebra.zero(gap, seconds))
