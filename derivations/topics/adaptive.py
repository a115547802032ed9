r"""Adaptive learning rates as verified derivations: AdaGrad, RMSProp (with momentum), Adam.

The update rules themselves are in :mod:`derivations.topics.first_order`
(:func:`~derivations.topics.first_order.adagrad_rule`,
:func:`~derivations.topics.first_order.rmsprop_rule`,
:func:`~derivations.topics.first_order.adam_rule`); this module derives their
properties along seeds 000, 001, 003 and 004: accumulate :math:`r`, scale the
step by :math:`1/\sqrt{r}`, and for Adam correct the bias of both moments,
:math:`\mathbb{E}[s_t] = (1-\rho_1^t)\,\mathbb{E}[g]`.

Examples
========

>>> sorted(n.split(".")[1] for n in RESULTS)
['adagrad', 'adam', 'adam_bias_correction', 'rmsprop', 'rmsprop_momentum']
"""

from __future__ import annotations

import sympy as sp

from derivations.record import Derivation, Differs, Equals, Holds, Step
from derivations.topics.first_order import (
    AdaGradSum,
    FirstMoment,
    G,
    LARGE_T,
    MeanFirstMoment,
    MeanSecondMoment,
    RMSAverage,
    SMALL_T,
    SecondMoment,
    _derivation,
    _sym,
    adagrad_rule,
    adam_rule,
    alpha,
    delta,
    eps,
    g,
    i,
    m2,
    mu,
    r,
    rho,
    rho1,
    rho2,
    rmsprop_momentum_rule,
    rmsprop_rule,
    s,
    t,
)

def adagrad() -> Derivation:
    r"""AdaGrad: :math:`r' = r + g^2`, :math:`\Delta\theta = -\varepsilon g / (\delta + \sqrt{r'})`."""
    rule = adagrad_rule()
    r_new, step = _sym("r'"), _sym("Delta_theta")
    steps = [
        Step(r_new, rule.new_state[0], "accumulate squared gradients (elementwise)", "001"),
        Step(step, rule.step, "scale the step by the root of the accumulator: Δθ = −ε g / (δ + √r')", "004"),
        Step(_sym("r_t"), sp.Sum(G[i] ** 2, (i, 1, t)), "unrolled from r_0 = 0", "001", Equals(AdaGradSum(t))),
        Step(_sym("Delta_theta_1"), sp.Limit(-eps * g / (delta + sp.sqrt(g**2)), delta, 0, "+"),
             "first step as δ → 0: −ε sign(g), whatever the gradient's size", "",
             Equals(-eps * sp.sign(g))),
    ]
    return _derivation(
        "adagrad", "AdaGrad: accumulated squared gradients", steps, sp.Eq(step, rule.step),
        "AdaGrad divides the learning rate of each coordinate by the root of its accumulated squared gradients, so "
        "steps shrink as the accumulator grows.",
        ("001", "004"), sizes=SMALL_T,
        latex_names=((r_new, "r'"), (step, r"\Delta\theta"), (_sym("r_t"), "r_t"),
                     (_sym("Delta_theta_1"), r"\Delta\theta_1")),
        notes=("Seed 001 calls the accumulator a and δ ν (ν = 1e-7); seed 004 writes R and δ.",
               "Seed 001's text says 'a running sum of squares of gradient norms', but its formula and code "
               "accumulate g ⊙ g elementwise (one learning rate per parameter, as seed 004 says); the norm would "
               "give a single global rate.",
               "Seed 004 sums (not averages) the per-case gradients of a minibatch into G; AdaGrad, RMSProp and Adam "
               "are invariant to that scale except through δ."),
    )


def rmsprop() -> Derivation:
    r"""RMSProp: EMA of squared gradients; δ inside or outside the root differ."""
    inside, outside = rmsprop_rule(True), rmsprop_rule(False)
    r_new, step = _sym("r'"), _sym("Delta_theta")
    steps = [
        Step(r_new, inside.new_state[0], "exponentially weighted moving average of g ⊙ g", "004"),
        Step(step, inside.step, "δ inside the root, seed 004: f_scale = ε / √(δ + R)", "004"),
        Step(step, outside.step,
             "δ outside the root (right), seed 001's slide ε / (√a + ν) (its code uses √(a + ν)): a different step",
             "001",
             Differs(inside.step)),
        Step(_sym("gain_in"), sp.Limit((inside.step / g).subs(r, 0), g, 0),
             "near a stationary point (r → 0, g → 0) the inside form moves by −(ε/√δ) g", "",
             Equals(-eps / sp.sqrt(delta))),
        Step(_sym("gain_in"), sp.limit((outside.step / g).subs(r, 0), g, 0),
             "the outside form (right) moves by −(ε/δ) g instead: 1/√δ times more (1000× for δ = 1e-6)", "001",
             Differs(-eps / sp.sqrt(delta))),
        Step(_sym("r_t"), (1 - rho) * sp.Sum(rho ** (t - i) * G[i] ** 2, (i, 1, t)), "unrolled from r_0 = 0",
             "001", Equals(RMSAverage(t))),
        Step(_sym("r'"), r + g**2, "seed 003 eq. (11) accumulates r_τ = r_(τ−1) + g ⊙ g: that is AdaGrad's "
             "sum, not RMSProp's moving average", "003", Differs(inside.new_state[0])),
        Step(_sym("Delta_theta"), -eps / (delta + r) * g, "seed 003's step ε/(δ + r) ⊙ g drops the square root "
             "(wrong units: it scales like 1/g instead of being scale-free)", "003",
             Differs(-eps / (delta + sp.sqrt(r)) * g)),
    ]
    return _derivation(
        "rmsprop", "RMSProp and where its small constant goes", steps, sp.Eq(step, inside.step),
        "RMSProp replaces AdaGrad's sum by an exponentially weighted moving average with decay ρ. The seeds put the "
        "small constant δ in two places, √(δ + r) (seed 004, seed 001's code, optax's default eps_in_sqrt=True) and "
        "δ + √r (seed 001's slide); the steps differ, most when r is small compared with δ.",
        ("001", "003", "004"), sizes=SMALL_T,
        latex_names=((r_new, "r'"), (step, r"\Delta\theta"),
                     (_sym("r_t"), "r_t"), (_sym("gain_in"), r"\lim_{g\to0}\Delta\theta/g\,|_{r=0}"),
                     (_sym("r'"), "r'"),
                     (_sym("Delta_theta"), r"\Delta\theta")),
        notes=("Conventions: δ inside the root (seed 004; Goodfellow et al., Deep Learning, Alg. 8.5; derivkit) "
               "and δ outside it (seed 001's slide; PyTorch's torch.optim.RMSprop adds eps after the square "
               "root) are both in use. They are different steps, as step 3 shows, but neither is an erratum.",
               "derivkit's rmsprop uses δ inside the root (seed 004; Goodfellow et al., Deep Learning, Alg. 8.5).",
               "Seed 001 writes the decay as β (typical 0.99) and δ as ν; seed 004 writes ρ and δ = 1e-6."),
    )


def rmsprop_momentum() -> Derivation:
    r"""RMSProp with momentum (seed 001)."""
    rule = rmsprop_momentum_rule(True)
    r_new, v_new = _sym("r'"), _sym("v'")
    steps = [
        Step(r_new, rule.new_state[0], "moving average of g ⊙ g", "001"),
        Step(v_new, rule.new_state[1], "momentum on the RMS-scaled gradient: v' = α v − ε g / √(δ + r')", "001"),
        Step(_sym("Delta_theta"), v_new, "θ ← θ + v'", "001"),
        Step(_sym("Delta_theta_0"), sp.Subs(rule.step, alpha, 0), "with α = 0 it is plain RMSProp", "001",
             Equals(rmsprop_rule(True).step)),
    ]
    return _derivation(
        "rmsprop_momentum", "RMSProp with momentum", steps, sp.Eq(_sym("Delta_theta"), rule.step),
        "Seed 001 combines the RMSProp scaling with a velocity: v ← α v − ε g / √(δ + r), θ ← θ + v.",
        ("001",),
        latex_names=((r_new, "r'"), (v_new, "v'"), (_sym("Delta_theta"), r"\Delta\theta"),
                     (_sym("Delta_theta_0"), r"\Delta\theta|_{\alpha=0}")),
        notes=("Seed 001 puts ν outside the root here as well; derivkit uses the placement of its rmsprop.",),
    )


def adam() -> Derivation:
    r"""Adam: the update with bias correction, and the seeds' misstatements of it."""
    rule = adam_rule()
    s_new, r_new, step = _sym("s'"), _sym("r'"), _sym("Delta_theta")
    first = rule.step.subs({s: 0, r: 0, t: 1})
    steps = [
        Step(s_new, rule.new_state[0], "first moment: moving average of g", "003"),
        Step(r_new, rule.new_state[1], "second moment: moving average of g ⊙ g", "003"),
        Step(step, rule.step, "step −ε ŝ / (√r̂ + δ) with ŝ = s'/(1 − ρ1^t), r̂ = r'/(1 − ρ2^t)", "001"),
        Step(_sym("Delta_theta_1"), sp.Subs(rule.step, (s, r, t), (0, 0, 1)), "the first step (s = r = 0, t = 1) "
             "is −ε g/(|g| + δ): shorter than ε whatever the gradient's scale", "001",
             Holds(sp.Abs(_sym("Delta_theta_1")) < eps)),
        Step(_sym("Delta_theta"), -eps * s / (delta + r) * g, "seed 003's step ε ŝ / (δ + r̂) ⊙ g drops the root "
             "and multiplies by g a second time", "003", Differs(-eps * s / (delta + sp.sqrt(r)))),
    ]
    # seed 004 stores the bias-corrected value back into the accumulators; constant gradient g, T = 1, 2
    R1 = (rho2 * 0 + (1 - rho2) * g**2) / (1 - rho2)
    R2 = (rho2 * R1 + (1 - rho2) * g**2) / (1 - rho2**2)
    S1 = (rho1 * 0 + (1 - rho1) * g) / (1 - rho1)
    S2 = (rho1 * S1 + (1 - rho1) * g) / (1 - rho1**2)
    steps += [
        Step(_sym("rhat_2"), R2, "seed 004 f_accum(R, G) = (ρR + (1 − ρ)G⊙G)/(1 − ρ^T) feeds the corrected "
             "value back into R: for a constant gradient R_2 = g²/(1 − ρ2²), where Adam's r̂_2 = g²", "004",
             Differs(g**2)),
        Step(_sym("shat_2"), S2, "and S ← (φS + (1 − φ)G)/(1 − φ^T) likewise gives S_2 = g/(1 − φ²) ≠ g",
             "004", Differs(g)),
        Step(_sym("Delta_theta_1"), -eps * (1 - rho1) * g / (sp.sqrt((1 - rho2) * g**2) + delta),
             "seed 000 calls the rule without bias correction Adam: its first step is about (1 − ρ1)/√(1 − ρ2) "
             "times Adam's (≈ 3.2 for 0.9, 0.999)", "000", Differs(first)),
    ]
    return _derivation(
        "adam", "Adam: moments, bias-corrected step and seed errata", steps, sp.Eq(step, rule.step),
        "Adam keeps moving averages s of g and r of g ⊙ g, started at 0, divides them by 1 − ρ^t "
        "(first_order.adam_bias_correction shows why) and steps by −ε ŝ/(√r̂ + δ).",
        ("000", "001", "003", "004"),
        domain=((t, (1.0, 6.0)),),
        latex_names=((s_new, "s'"), (r_new, "r'"), (step, r"\Delta\theta"), (_sym("Delta_theta_1"), r"\Delta\theta_1"),
                     (_sym("Delta_theta"), r"\Delta\theta"),
                     (_sym("rhat_2"), r"\hat r_2"), (_sym("shat_2"), r"\hat s_2"),
                     (_sym("Delta_theta_1"), r"\Delta\theta_1")),
        notes=("Seed 001 writes β1, β2 (defaults 0.9, 0.999), v for s, a for r and ν for δ; its code uses "
               "beta2 = 0.99, not the 0.999 of its text.",
               "Conventions: seed 000's 'Adam' without bias correction is a deliberate simplification in "
               "the lecture, not a different claim about Adam; the step that compares it measures how much "
               "the correction matters for the first steps.",
               "The step equals optax.scale_by_adam with eps_root = 0 followed by scaling with −ε "
               "(optax/_src/transform.py); Goodfellow et al., Deep Learning, Alg. 8.7."),
    )


def adam_bias_correction() -> Derivation:
    r"""Adam's bias correction: :math:`\mathbb{E}[s_t] = (1-\rho_1^t)\mathbb{E}[g]`, :math:`\mathbb{E}[r_t] = (1-\rho_2^t)\mathbb{E}[g^2]`."""
    s_t, r_t = _sym("s_t"), _sym("r_t")
    Es, Er = _sym("E_s_t"), _sym("E_r_t")
    steps = [
        Step(s_t, (1 - rho1) * sp.Sum(rho1 ** (t - i) * G[i], (i, 1, t)), "unrolled from s_0 = 0", "001",
             Equals(FirstMoment(t))),
        Step(Es, (1 - rho1**t) * mu, "stationary gradients E[g_i] = E[g]: a geometric sum", "001",
             Equals(MeanFirstMoment(t))),
        Step(r_t, (1 - rho2) * sp.Sum(rho2 ** (t - i) * G[i] ** 2, (i, 1, t)), "unrolled from r_0 = 0", "001",
             Equals(SecondMoment(t))),
        Step(Er, (1 - rho2**t) * m2, "stationary E[g_i²] = E[g²]", "001", Equals(MeanSecondMoment(t))),
        Step(_sym("E_shat"), MeanFirstMoment(t) / (1 - rho1**t),
             "so ŝ_t = s_t / (1 − ρ1^t) is unbiased", "001", Equals(mu)),
        Step(_sym("E_rhat"), MeanSecondMoment(t) / (1 - rho2**t), "and r̂_t = r_t / (1 − ρ2^t)", "001", Equals(m2)),
        Step(_sym("shat_t"), s_t / (1 - rho1), "seed 003 eq. (16) divides by 1 − ρ1 instead of 1 − ρ1^τ "
             "(equal only at τ = 1)", "003", Differs(s_t / (1 - rho1**t))),
        Step(_sym("rhat_t"), r_t / (1 - rho2), "seed 003 eq. (17): likewise 1 − ρ2 for 1 − ρ2^τ", "003",
             Differs(r_t / (1 - rho2**t))),
    ]
    return _derivation(
        "adam_bias_correction", "Adam's bias correction for stationary gradients", steps,
        sp.Eq(Es, (1 - rho1**t) * mu),
        "Both moments start at 0, so for stationary gradients E[s_t] = (1 − ρ1^t) E[g] and "
        "E[r_t] = (1 − ρ2^t) E[g²]: dividing by 1 − ρ^t removes the bias toward the zero start (proved for "
        "every t, with 0 < ρ < 1: the recurrence unrolled to a geometric sum).",
        ("001", "003"), sizes=SMALL_T, numeric_sizes=LARGE_T,
        latex_names=((s_t, "s_t"), (r_t, "r_t"),
                     (Es, r"\mathbb{E}[s_t]"), (Er, r"\mathbb{E}[r_t]"), (_sym("E_shat"), r"\mathbb{E}[\hat s_t]"),
                     (_sym("E_rhat"), r"\mathbb{E}[\hat r_t]"),
                     (_sym("shat_t"), r"\hat s_t"),
                     (_sym("rhat_t"), r"\hat r_t")),
    )


RESULTS = {
    "first_order.adagrad": adagrad,
    "first_order.rmsprop": rmsprop,
    "first_order.rmsprop_momentum": rmsprop_momentum,
    "first_order.adam": adam,
    "first_order.adam_bias_correction": adam_bias_correction,
}
