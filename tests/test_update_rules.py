"""Update rules checked by what they must do (derivations/checking/update_rules.py).

The registered rules of ``derivations/topics/first_order.py`` (SGD, momentum,
Nesterov, AdaGrad, RMSProp in both forms, RMSProp with momentum, Adam) are the
independent reference for correct rules: written as a document's recurrences
they must all descend at the first step, and the registered bias correction
1 − ρᵗ (``first_order.adam_bias_correction``) must be proved unbiased for all t,
its seed-003 form 1 − ρ refuted at t = 2.  The seeds' slips are found at their
lines; a rule the checks cannot place is unchecked, never a slip.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from derivations import registry
from derivations.checking.audit import Outcome, audit_file, audit_text
from derivations.checking.document import formulas, relations
from derivations.checking.update_rules import rule_checks
from derivations.claims import Differs
from derivations.topics import first_order as fo

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")


def _checks(doc: str):
    return rule_checks(relations(formulas(doc)))


def _as_document(rule: fo.UpdateRule) -> str:
    """A registered rule as a lecture note writes it: x_t = f(x_{t-1}, g_t) for each state, then θ's step."""
    previous = {x: sp.Symbol(f"{x.name}_{{t-1}}") for x in rule.state}
    current = {rule.gradient: sp.Symbol("g_t")}
    lines = [f"$${sp.latex(sp.Symbol(f'{x.name}_t'))} = {sp.latex(new.xreplace({**previous, **current}))}$$"
             for x, new in zip(rule.state, rule.new_state)]
    step = rule.step.xreplace({**previous, **current})
    lines.append(f"$$\\theta_{{t+1}} = \\theta_t + {sp.latex(step)}$$")
    return "\n\n".join(lines) + "\n"


RULES = [fo.sgd_rule(), fo.momentum_rule(), fo.nesterov_rule(), fo.adagrad_rule(), fo.rmsprop_rule(),
         fo.rmsprop_rule(delta_inside=False), fo.rmsprop_momentum_rule(), fo.adam_rule()]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_registered_rule_descends_at_the_first_step(rule):
    checks = [c for c in _checks(_as_document(rule)) if c.property == "descent at the first step"]
    assert len(checks) == 1, _as_document(rule)
    assert checks[0].holds is True, checks[0].method
    assert "proved for g ≠ 0" in checks[0].method


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_the_registered_rule_with_its_step_reversed_is_a_slip(rule):
    """The same rules with Δθ negated climb: a check that cannot fail would pass these too."""
    reversed_rule = fo.UpdateRule(rule.name, rule.state, rule.new_state, -rule.step, rule.hyper, rule.gradient,
                                  rule.counter)
    (check,) = [c for c in _checks(_as_document(reversed_rule)) if c.property == "descent at the first step"]
    assert check.holds is False
    assert check.counterexample is not None and "steps uphill" in check.diagnosis


def _bias_document(correction: sp.Basic) -> str:
    s_t, s_prev = sp.Symbol("s_t"), sp.Symbol("s_{t-1}")
    new = fo.adam_rule().new_state[0].xreplace({fo.s: s_prev, fo.g: sp.Symbol("g_t")})
    return f"$${sp.latex(s_t)} = {sp.latex(new)}$$\n\n$$\\hat{{s}}_t = {sp.latex(correction)}$$\n"


def _registered_correction():
    """(seed 003's ŝ_t, the registered correct ŝ_t) from first_order.adam_bias_correction."""
    step = next(s for s in registry.get("first_order.adam_bias_correction").steps
                if isinstance(s.claim, Differs) and "eq. (16)" in s.rule)
    return step.rhs, step.claim.reference


def test_the_registered_bias_correction_is_proved_unbiased_for_all_t():
    _, correct = _registered_correction()
    (check,) = [c for c in _checks(_bias_document(correct)) if c.property == "unbiased for a constant input"]
    assert check.holds is True and "proved for all t" in check.method


def test_seed_003s_bias_correction_is_refuted_at_t_2_with_both_values():
    wrong, _ = _registered_correction()
    (check,) = [c for c in _checks(_bias_document(wrong)) if c.property == "unbiased for a constant input"]
    assert check.holds is False
    assert dict(check.counterexample)["t"] == "2"
    assert check.claimed_value.startswith("g*(rho_1 + 1)") and check.reference_value == "g"


def test_an_accumulator_that_feeds_its_corrected_value_back_is_refuted_at_t_2():
    doc = "$$S \\leftarrow \\frac{\\phi S + (1 - \\phi) G}{1 - \\phi^T}$$\n"
    (check,) = _checks(doc)
    assert check.holds is False and dict(check.counterexample)["t"] == "2"
    # S_2 = (φ(1 − φ)G/(1 − φ) + (1 − φ)G)/(1 − φ²) = G/(1 − φ²): 100/19 G at φ = 9/10
    assert check.claimed_value.endswith("100*G/19")


def test_a_gradient_ascent_is_not_a_descent_slip():
    doc = ("To maximize the reward $J$ we take gradient ascent steps,\n"
           "$$\\theta_{t+1} = \\theta_t + \\epsilon g_t$$\n")
    (check,) = _checks(doc)
    assert check.holds is None and "ascent" in check.method


def test_a_step_with_an_undefined_function_waits_and_is_never_a_slip():
    doc = "$$\\Delta\\theta = -f_{scale}(R, \\lambda) \\odot g$$\n"
    assert _checks(doc) == []
    audit = audit_text(doc)
    assert all(s.verdict is not Outcome.SLIP for s in audit.steps)


def test_a_step_that_depends_on_an_unplaced_name_is_unchecked():
    doc = "$$v_t = \\beta v_{t-1} - \\epsilon \\tilde{q}_t$$\n\n$$w_{t+1} = w_t + v_t$$\n"
    (check,) = _checks(doc)
    assert check.holds is None and "qtilde" in check.method


def test_a_reversed_assignment_closing_the_iteration_is_a_slip_and_the_right_one_verifies():
    rules = ("$$v_{new} = \\alpha v_{old} - \\epsilon g$$\n\n"
             "$$\\theta_{new} = \\theta_{old} + v_{new}$$\n\n")
    wrong = _checks(rules + "Set $\\theta_{new} = \\theta_{old}$.\n")
    right = _checks(rules + "Set $\\theta_{old} = \\theta_{new}$.\n")
    assert [c.holds for c in wrong] == [True, False]
    assert [c.holds for c in right] == [True, True]


def _seed(name: str) -> Path:
    path = next(SEEDS.glob(f"{name}_*.txt"), None)
    if path is None:
        pytest.skip("the seed folder is not available")
    return path


def test_seed_003s_update_rules_slips_are_found_at_their_lines():
    audit = audit_file(str(_seed("003")), timeout=60)
    by_line = {s.line: s for s in audit.steps if "first step" in s.method or "constant input" in s.method}
    assert by_line[95].verdict is Outcome.SLIP  # eq. (9) θ_{τ+1} = θ_τ − v_τ
    assert by_line[139].verdict is Outcome.SLIP and by_line[143].verdict is Outcome.SLIP  # eqs. (16), (17)
    assert by_line[147].verdict is Outcome.SLIP and dict(by_line[147].counterexample)["g"] == "-1"  # eq. (18)
    assert by_line[67].verdict is Outcome.VERIFIED and by_line[115].verdict is Outcome.VERIFIED  # eqs. (5), (12)


def test_seed_004s_specialised_rules_are_checked_with_each_sections_functions():
    audit = audit_file(str(_seed("004")), timeout=60)
    rules = {s.line: s for s in audit.steps if "first step" in s.method or "constant input" in s.method}
    assert rules[270].verdict is Outcome.VERIFIED and "line 269" in rules[270].method  # AdaGrad
    assert rules[275].verdict is Outcome.VERIFIED  # RMSProp
    assert rules[280].verdict is Outcome.SLIP and rules[282].verdict is Outcome.SLIP  # Adam's R and S fed back
    assert rules[293].verdict is Outcome.VERIFIED  # Adam's own step Δθ = −f_scale(R, λ), as the seed says


def test_seed_001s_correct_rules_verify_and_its_nesterov_assignment_is_a_slip():
    audit = audit_file(str(_seed("001")), timeout=60)
    rules = {s.line: s for s in audit.steps if "first step" in s.method or "constant input" in s.method
             or "iteration" in s.method}
    slips = sorted(line for line, s in rules.items() if s.verdict is Outcome.SLIP)
    assert slips == [1388]
    assert all(rules[line].verdict is Outcome.VERIFIED for line in (1359, 1385, 1483, 1581, 1665, 1763, 1799, 1801,
                                                                     1806))


def test_the_docs_page_links_the_update_rule_slips_and_drops_them_from_the_errata_not_found(tmp_path, monkeypatch):
    from numerics.site.pages import audit as page

    (tmp_path / "003_notes.txt").write_text(
        "$$\n\\mathbf{v}_{\\tau} = \\alpha \\mathbf{v}_{\\tau-1} - \\epsilon \\mathbf{g}_{\\tau},\\tag{8}\n$$\n\n"
        "$$\n\\theta_{\\tau+1} = \\theta_{\\tau} - \\mathbf{v}_{\\tau}.\\tag{9}\n$$\n\n"
        "$$\n\\mathbf{s}_{\\tau} = \\rho_1 \\mathbf{s}_{\\tau-1} + (1 - \\rho_1) \\mathbf{g}_{\\tau} \\tag{14}\n$$\n\n"
        "$$\n\\hat{\\mathbf{s}}_{\\tau} = \\frac{\\mathbf{s}_{\\tau}}{1 - \\rho_1} \\tag{16}\n$$\n")
    monkeypatch.setenv(page.SEEDS_ENV, str(tmp_path))
    (p,) = page.docs_pages()
    found = p.markdown.split("## Slips the audit finds")[1].split("## Registered errata")[0]
    assert "`003_notes.txt:6`" in found and "[first_order.momentum](first_order.momentum.md)" in found
    assert "`003_notes.txt:14`" in found and "eq. (16) divides by 1 − ρ1" in found
    missing = p.markdown.split("## Registered errata the audit does not find by itself")[1]
    assert "eq. (9) writes" not in missing and "eq. (16) divides" not in missing
    assert "eq. (17): likewise" in missing  # eq. (17) is not in this document: still listed
