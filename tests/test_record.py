"""The derivation record: every claim kind can pass and can fail."""

import sympy as sp

from derivations.record import Derivation, DerivativeOf, Differs, Equals, Holds, Outcome, Step

x = sp.Symbol("x", positive=True)
y = sp.Symbol("y")


def _one(step, **kw):
    return Derivation("t.t", "t", (step,), sp.S.Zero, **kw).verify().steps[0]


def test_equals_proved_and_failed():
    assert _one(Step(y, (y + 1) ** 2, "expand", claim=Equals(y**2 + 2 * y + 1))).outcome is Outcome.PROVED
    bad = _one(Step(y, (y + 1) ** 2, "expand", claim=Equals(y**2 + y + 1)))
    assert bad.outcome is Outcome.FAILED and bad.counterexample


def test_derivative_claim_checked_symbolically_and_by_central_differences():
    ok = _one(Step(y, sp.cos(x) * x + sp.sin(x), "product rule", claim=DerivativeOf(x * sp.sin(x), x)))
    assert ok.outcome is Outcome.PROVED and "central differences" in ok.methods
    bad = _one(Step(y, sp.cos(x) * x, "forgot a term", claim=DerivativeOf(x * sp.sin(x), x)))
    assert bad.outcome is Outcome.FAILED


def test_assumptions_restrict_probes():
    # sqrt(x**2) = x only for x >= 0: holds with x positive, fails for a real y
    # (x²)^½ unevaluated: an identical pair of sides would be refused as vacuous
    assert _one(Step(y, sp.Pow(x**2, sp.Rational(1, 2), evaluate=False), "x > 0", claim=Equals(x))).outcome is Outcome.PROVED
    assert _one(Step(y, sp.sqrt(y**2), "wrong for y < 0", claim=Equals(y))).outcome is Outcome.FAILED


def test_erratum_is_refuted_with_counterexample():
    r = _one(Step(y, 2 * y, "a slip", claim=Differs(y**2)))
    assert r.outcome is Outcome.REFUTED and r.counterexample
    same = _one(Step(y, 2 * y, "not a slip", claim=Differs(sp.Add(y, y, evaluate=False))))
    assert same.outcome is Outcome.FAILED


def test_holds_claim():
    # the condition speaks of the step's left-hand side, which stands for the right-hand side shown
    assert _one(Step(y, x**2 + 1, "positive", claim=Holds(y > 0))).outcome.ok
    assert _one(Step(y, y, "false", claim=Holds(y > 0))).outcome is Outcome.FAILED


def test_generic_sums_are_instantiated_for_each_size():
    m = sp.Symbol("m", integer=True, positive=True)
    j, k = sp.symbols("j k", integer=True, positive=True)
    xs = sp.IndexedBase("x")
    mean = sp.Sum(xs[k], (k, 1, m)) / m
    centred_sum = Step(sp.Symbol("s"), sp.S.Zero, "centred values sum to zero",
                       claim=Equals(sp.Sum(xs[j] - mean, (j, 1, m))))
    d = Derivation("t.t", "t", (centred_sum,), sp.S.Zero, numeric_sizes=((m, (9,)),))
    assert d.verify().steps[0].outcome is Outcome.CONFIRMED  # numeric sizes alone cannot prove
    d = Derivation("t.t", "t", (centred_sum,), sp.S.Zero, sizes=((m, (2, 3, 4)),), numeric_sizes=((m, (9,)),))
    assert d.verify().steps[0].outcome is Outcome.PROVED
    wrong = Step(sp.Symbol("s"), sp.S.Zero, "not zero", claim=Equals(sp.Sum(xs[j] - xs[1], (j, 1, m))))
    d = Derivation("t.t", "t", (wrong,), sp.S.Zero, sizes=((m, (2, 3)),))
    assert d.verify().steps[0].outcome is Outcome.FAILED


def test_graph_partial_holds_defined_node_fixed():
    # l = c * a with node c := a**2: the partial of l in a, holding c, is c (not 3 a**2)
    a, c, l_ = sp.symbols("a c l")
    defs = ((c, a**2),)
    partial = Step(l_, c, "graph partial", claim=DerivativeOf(c * a, a))
    assert Derivation("t.t", "t", (partial,), sp.S.Zero, definitions=defs).verify().ok is False
    partial_c = Step(l_, a, "partial in the node c", claim=DerivativeOf(c * a, c))
    assert Derivation("t.t", "t", (partial_c,), sp.S.Zero, definitions=defs).verify().ok
