"""The first-order derivations: every result verifies, the seed errata are confirmed, and wrong rules fail."""

import pytest
import sympy as sp

from derivations.topics import first_order as fo
from derivations import registry
from derivations.record import Derivation, Differs, Equals, Outcome, Step


@pytest.mark.parametrize("name", sorted(fo.RESULTS))
def test_every_first_order_derivation_verifies(name):
    d = registry.get(name)
    report = d.verify()
    assert report.ok, [(s.index, s.outcome, s.detail) for s in report.steps if not s.outcome.ok]
    for step, s in zip(d.steps, report.steps):
        if isinstance(step.claim, Differs):  # an erratum: confirmed with a concrete counterexample
            assert s.outcome is Outcome.REFUTED and s.counterexample


def _one(step, **kw):
    return Derivation("t.t", "t", (step,), sp.S.Zero, domain=fo.DOMAIN, **kw).verify().steps[0].outcome


def test_unrolled_momentum_fails_with_a_wrong_exponent():
    # v_t = -ε Σ α^(t-i) g_i; the exponent t - i + 1 is a classic slip and must be caught
    i, t = fo.i, fo.t
    wrong = -fo.eps * sp.Sum(fo.alpha ** (t - i + 1) * fo.G[i], (i, 1, t))
    assert _one(Step(sp.Symbol("v_t"), wrong, "slip", claim=Equals(fo.Velocity(t))), sizes=((t, (1, 2, 3)),)) \
        is Outcome.FAILED


def test_recurrences_expand_for_integers():
    # v_3 = α² v_1-term ... straight from v_t = α v_(t-1) - ε g_t
    a, e, G = fo.alpha, fo.eps, fo.G
    assert sp.expand(fo.Velocity(3) - (-e * (a**2 * G[1] + a * G[2] + G[3]))) == 0
    assert fo.FirstMoment(0) == 0 and isinstance(fo.FirstMoment(fo.t), fo.FirstMoment)


def test_nesterov_change_of_variables_with_the_seed_assignment_reversed_fails():
    # θ̃' = θ̃ + v' + α(v' - v) (seed 001); swapping the roles of v' and v is refuted
    v, a, e, g, tt = fo.v, fo.alpha, fo.eps, fo.g, fo.theta_t
    v_new = a * v - e * g
    right = tt + v_new + a * (v_new - v)
    # the expanded form: an identical pair of sides would be refused as vacuous
    assert _one(Step(tt, tt + fo.nesterov_rule().step, "rule", claim=Equals(sp.expand(right)))) is Outcome.PROVED
    assert _one(Step(tt, tt + v + a * (v - v_new), "swapped", claim=Equals(right))) is Outcome.FAILED


def test_rule_arguments_order():
    rule = fo.adam_rule()
    assert rule.arguments == (fo.g, fo.s, fo.r, fo.t, fo.eps, fo.rho1, fo.rho2, fo.delta)
    assert fo.rmsprop_rule(False).name == "rmsprop_delta_outside"


def test_registry_lists_first_order_results():
    assert {"first_order.adam", "first_order.nesterov", "first_order.momentum"} <= set(registry.names())
