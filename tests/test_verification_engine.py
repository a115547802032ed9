"""The one verification engine: vacuous claims refused, 200 evaluated points for conditions, scope on every label."""

from __future__ import annotations

import json
import random

import pytest
import sympy as sp

from derivations import registry
from derivations.checking import check as check_module
from derivations.checking import diagnostics
from derivations.checking import verify as engine
from derivations.claims import vacuous
from derivations.record import Derivation, Differs, Equals, Holds, Outcome, Step
from derivations.render import to_latex, to_markdown, to_text

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)


def test_check_and_verify_share_the_engine():
    # check (and its diagnoses) import the sampler, evaluator and tolerance from the engine: one object, not a copy
    assert check_module.compare is engine.compare
    assert check_module.evaluate is engine.evaluate
    assert check_module.ProbeContext is engine.ProbeContext
    assert diagnostics.close is engine.close
    assert diagnostics.compare is engine.compare


def test_every_registered_derivation_is_free_of_vacuous_claims():
    found = []
    for name in registry.names():
        d = registry.get(name)
        for i, step in enumerate(d.steps, 1):
            reason = vacuous(step, d.definitions)
            if reason is not None:
                found.append(f"{name} step {i}: {reason}")
    assert found == []


@pytest.mark.parametrize("step, reason", [
    (Step(sp.Symbol("y"), 2 * x, "restated", claim=Equals(2 * x)), "identical"),
    (Step(sp.Symbol("d"), sp.Integer(3), "constant", claim=Holds(sp.Integer(3) > 0)), "already True"),
    (Step(sp.Symbol("n"), sp.Integer(2), "two", claim=Differs(sp.Integer(1))), "distinct constants"),
    (Step(sp.Symbol("x_c"), x + 1, "unchecked", claim=Holds(x**2 + x >= -1)), "never checked"),
])
def test_a_vacuous_claim_is_refused_at_construction_naming_the_step(step, reason):
    with pytest.raises(ValueError) as info:
        Derivation("user.vacuous", "t", (Step(sp.Symbol("f"), x, "definition"), step), sp.S.Zero)
    assert "user.vacuous step 2" in str(info.value) and reason in str(info.value)


def test_a_restated_definition_is_refused():
    y = sp.Symbol("y")
    with pytest.raises(ValueError, match="restated definition"):
        Derivation("user.restated", "t", (Step(sp.Symbol("z"), y, "restated", claim=Equals(x**2)),), sp.S.Zero,
                   definitions=((y, x**2),))


def test_holds_needs_200_evaluated_points():
    # sqrt(x - 10) is real only for x > 10: on x ∈ (0, 11) about one point in 11 can be evaluated
    c = sp.Symbol("c")
    d = Derivation("t.sliver", "t", (Step(c, sp.true, "a condition", claim=Holds(sp.sqrt(x - 10) > -1)),),
                   sp.S.Zero, domain=((x, (0, 11)),))
    r = d.verify().steps[0]
    assert r.outcome is Outcome.UNDECIDED
    assert r.scope.points < engine.HOLDS_POINTS and r.scope.tried == 2 * engine.HOLDS_POINTS
    assert r.label == f"undecided: {r.scope.points} of {r.scope.tried} points could be evaluated"


def test_holds_never_evaluable_is_undecided_not_confirmed():
    c = sp.Symbol("c")
    d = Derivation("t.never", "t", (Step(c, sp.true, "never real", claim=Holds(sp.sqrt(x - 10) > 100)),),
                   sp.S.Zero, domain=((x, (0, 3)),))
    r = d.verify().steps[0]
    assert r.outcome is Outcome.UNDECIDED and r.scope.points == 0 and not d.verify().ok


def test_holds_probed_at_200_points_when_not_provable():
    # tanh(x)² ≤ x² is true; SymPy does not prove it, so it is probed at exactly 200 evaluated points
    c = sp.Symbol("c")
    d = Derivation("t.tanh", "t", (Step(c, sp.true, "contracts", claim=Holds(sp.tanh(x) ** 2 <= x**2)),), sp.S.Zero)
    r = d.verify().steps[0]
    assert r.outcome is Outcome.CONFIRMED and r.scope.points == 200
    assert r.label == "probed at 200 points"


def test_a_slip_in_a_condition_is_found_in_the_tail():
    # x² ≤ 10 holds on the default box (−3, 3) but not beyond it: tail points refute it
    c = sp.Symbol("c")
    d = Derivation("t.tail", "t", (Step(c, sp.true, "bounded", claim=Holds(x**2 <= 10)),), sp.S.Zero)
    r = d.verify().steps[0]
    assert r.outcome is Outcome.FAILED and abs(float(dict(r.counterexample)["x"])) > 3


def test_the_right_hand_side_of_a_condition_is_checked():
    q = sp.Symbol("q")
    good = Derivation("t.rhs", "t", (Step(q, x**2 + 1, "positive", claim=Holds(q > 0)),), sp.S.Zero)
    assert good.verify().steps[0].outcome is Outcome.PROVED
    dropped = Derivation("t.rhs", "t", (Step(q, x**2 - 1, "a dropped term", claim=Holds(q > 0)),), sp.S.Zero)
    r = dropped.verify().steps[0]
    assert r.outcome is Outcome.FAILED and r.counterexample


def test_holds_is_proved_from_the_sign_of_factors():
    q = sp.Symbol("q")
    d = Derivation("t.sign", "t", (Step(q, p * (p + 1) ** 2, "product of positives", claim=Holds(q > 0)),), sp.S.Zero)
    r = d.verify().steps[0]
    assert r.outcome is Outcome.PROVED and "symbolic" in r.methods


def test_probe_points_cover_edges_and_tails():
    ctx = engine.ProbeContext()
    rng = random.Random(1)
    edges = [engine.probe_point([p], ctx, rng, engine.Draw.EDGE)[p] for _ in range(20)]
    tails = [engine.probe_point([p], ctx, rng, engine.Draw.TAIL)[p] for _ in range(40)]
    lo, hi = engine.POSITIVE
    assert all(min(e - lo, hi - e) < sp.Rational(1, 1000) for e in edges)
    assert any(t > hi for t in tails) and any(t < lo for t in tails)
    declared = engine.ProbeContext((("p", (1, 2)),))
    assert all(1 <= engine.probe_point([p], declared, rng, engine.Draw.TAIL)[p] <= 2 for _ in range(40))


def _sized() -> Derivation:
    # Gauss's sum Σ j = m(m+1)/2: true for every m, but outside the sum algebra (no definition, no delta),
    # so it is proved only at the instantiated sizes
    m = sp.Symbol("m", integer=True, positive=True)
    j = sp.Symbol("j", integer=True)
    step = Step(sp.Symbol("s"), m * (m + 1) / 2, "Gauss's sum", claim=Equals(sp.Sum(j, (j, 1, m))))
    return Derivation("t.sized", "Sized", (step,), sp.S.Zero, sizes=((m, (2, 3, 4, 5, 6)),), numeric_sizes=((m, (8,)),))


def _general() -> Derivation:
    m = sp.Symbol("m", integer=True, positive=True)
    xs, j, mu = sp.IndexedBase("x", real=True), sp.Symbol("j", integer=True), sp.Symbol("mu", real=True)
    step = Step(sp.Symbol("s"), sp.S.Zero, "centred values sum to zero", claim=Equals(sp.Sum(xs[j] - mu, (j, 1, m))))
    return Derivation("t.general", "General", (step,), sp.S.Zero, sizes=((m, (2, 3, 4, 5, 6)),),
                      numeric_sizes=((m, (8,)),), definitions=((mu, sp.Sum(xs[j], (j, 1, m)) / m),))


def test_general_scope_in_every_output_format():
    d = _general()
    v = d.verify()
    label = "proved for all m; probed at m = 8"
    assert v.steps[0].label == label and v.steps[0].scope.general == ("m",)
    assert f"[{label}]" in to_text(d, v)
    assert label in to_markdown(d, v)
    assert label in to_latex(d, v)
    assert label in d._repr_markdown_()
    assert "proved for all m" in d._repr_latex_()


def test_scope_in_every_output_format():
    d = _sized()
    v = d.verify()
    label = "proved for m ∈ {2,…,6}; probed at m = 8"
    assert v.steps[0].label == label
    assert f"[{label}]" in to_text(d, v)
    assert label in to_markdown(d, v)
    assert r"proved for m ∈ \{2,…,6\}; probed at m = 8" in to_latex(d, v)
    assert label in d._repr_markdown_()  # notebook display verifies and shows the scope
    assert r"proved for m ∈ \{2,…,6\}" in d._repr_latex_()


def test_fixed_shape_is_named_in_the_label():
    for name in ("newton.step", "newton.decrement"):
        v = registry.get(name).verify()
        labels = [s.label for s in v.steps if s.outcome is Outcome.PROVED]
        assert labels and all(lbl == "proved for 2×2 H" for lbl in labels), labels


def test_list_json_has_a_structured_scope(capsys, monkeypatch):
    from numerics.cli.commands import catalog

    row = catalog._verify("batchnorm.dbeta")
    json.dumps(row)
    proved = [s for s in row["scope"] if s["outcome"] == "proved"]
    assert proved and proved[0]["proved"] == {"m": [2, 3, 4, 5, 6]} and proved[0]["label"] == "proved for all m"
    assert proved[0]["general"] == ["m"]
    dx = [s for s in catalog._verify("batchnorm.dx")["scope"] if s["outcome"] == "proved"]
    assert dx and dx[0]["general"] == ["m"] and dx[0]["label"] == "proved for all m; probed at m = 8"
    assert set(proved[0]) >= {"step", "outcome", "label", "general", "proved", "probed", "shape", "points", "tried"}


def test_an_abstract_gradient_is_probed_with_stand_ins_and_a_wrong_step_refuted():
    from derivations.topics.first_order import gradJ

    theta, v = sp.Symbol("theta", real=True), sp.Symbol("v", real=True)
    alpha, eps = sp.Symbol("alpha", positive=True), sp.Symbol("epsilon", positive=True)
    u = sp.Symbol("u", real=True)
    right = alpha * v - eps * gradJ(theta + alpha * v)
    wrong = alpha * v - eps * gradJ(theta)  # the look-ahead dropped
    ok = Derivation("t.nesterov", "t", (Step(sp.Symbol("v'"), right, "look-ahead",
                                             claim=Equals(sp.Subs(alpha * v - eps * gradJ(theta + u), u,
                                                                  alpha * v))),), sp.S.Zero)
    assert ok.verify().steps[0].outcome is Outcome.PROVED
    bad = Derivation("t.nesterov", "t", (Step(sp.Symbol("v'"), wrong, "look-ahead", claim=Equals(right)),), sp.S.Zero)
    r = bad.verify().steps[0]
    assert r.outcome is Outcome.FAILED and r.counterexample and "gradJ" in r.detail


def test_stand_ins_are_analytic_and_reproducible():
    f = sp.Function("f")
    from derivations.checking.instantiate import stand_ins

    a = stand_ins([f(x, p)], random.Random(3))
    b = stand_ins([f(x, p)], random.Random(3))
    assert a == b and a[f].expr.has(sp.sin) and len(a[f].variables) == 2


# A sampled mutation test (the full run is benchmarks/mutation.py): one mutant per checked step of a
# fixed sample of derivations, none may be proved or probed.
MUTATION_SAMPLE = ("batchnorm.dbeta", "batchnorm.running_variance", "first_order.sgd", "first_order.momentum",
                   "first_order.learning_rate_decay", "newton.step", "curvature.gd_stability",
                   "regularization.soft_threshold", "ensembles.average_error", "initialization.xavier")


@pytest.mark.parametrize("name", MUTATION_SAMPLE)
def test_sampled_mutants_are_caught(name):
    from derivations.checking.mutation import mutate_derivation

    results = mutate_derivation(registry.get(name), random.Random(0), limit=1)
    judged = [r for r in results if r.verdict != "equivalent"]
    assert judged, name  # the sample must test something
    assert [r for r in judged if r.verdict == "escaped"] == []
    assert [r for r in judged if r.verdict == "undecided"] == []


def test_mutants_cover_the_slips_of_the_issue():
    from derivations.checking.mutation import mutants

    m, j, k = sp.Symbol("m", integer=True, positive=True), sp.Symbol("j", integer=True), sp.Symbol("k", integer=True)
    xs, eps = sp.IndexedBase("x"), sp.Symbol("epsilon", positive=True)
    kinds = {mu.kind for mu in mutants(xs[j] ** 2 * xs[k] / sp.sqrt(x**2 + eps) + m * x**3)}
    assert kinds >= {"sign flip", "factor 2", "factor 1/2", "dropped term", "exponent changed", "index swap",
                     "ε removed from the root", "m → m − 1"}
