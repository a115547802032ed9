r"""Dropout: the mask's moments, inverted dropout, weight scaling and the geometric-mean argument.

Convention here: :math:`p` is the **drop** probability, the mask is
:math:`m \sim \mathrm{Bernoulli}(1-p)` and the kept fraction is :math:`1-p`.
The seeds differ: seed 000 and seed 004 use the drop probability; seed 001's
slides use :math:`p` as the *keep* probability (Bernoulli parameter; "p = 0.8
for input units") while its code comments call the same :math:`p` "probability
of dropping out".  Each seed's statement is checked against its own convention.

Examples
========

>>> d = RESULTS["dropout.mask"]()
>>> d.verify().ok
True
>>> INVERTED_SCALE
1/(1 - p)
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.stats import Bernoulli

from derivations.topics.expectation import Expectation, expect, variance
from derivations.render import shown, with_display
from derivations.record import Derivation, Differs, Equals, Holds, Step

p = sp.Symbol("p", positive=True)  # drop probability, 0 < p < 1
q = sp.Symbol("q", positive=True)  # keep probability (seed 001's p)
m = sp.Symbol("m", nonnegative=True)  # a mask entry, 0 or 1
hv = sp.Symbol("h", real=True)  # a unit's activation

INVERTED_SCALE = 1 / (1 - p)  # inverted dropout multiplies kept units by this
_LATEX = ((hv, "h"),)


def _sym(name: str) -> sp.Symbol:
    return sp.Symbol(name)


def _relu(x):
    return sp.Max(x, 0)


# ----------------------------------------------------------------- the mask
def mask() -> Derivation:
    r"""The mask :math:`m\sim\mathrm{Bernoulli}(1-p)`: :math:`\mathbb E[m]=1-p`, inverted dropout :math:`\mathbb E[m h/(1-p)] = h`."""
    keep = {m: Bernoulli("M", 1 - p)}
    keep_q = {m: Bernoulli("M", q)}
    Eh = _sym("E[h_tilde]")
    steps = (
        Step(_sym("E[m]"), 1 - p, "mask m ~ Bernoulli(1 − p) for drop probability p: E[m] = 1 − p",
             claim=Equals(Expectation(m, keep))),
        Step(_sym("Var[m]"), p * (1 - p), "Var[m] = p(1 − p)", claim=Equals(variance(m, keep, evaluate=False))),
        Step(Eh, hv, "inverted dropout h̃ = m·h/(1 − p) keeps the expectation: E[h̃] = h",
             claim=Equals(Expectation(m * hv * INVERTED_SCALE, keep))),
        Step(_sym("Var[h_tilde]"), p * hv**2 / (1 - p), "... at the price of variance h²p/(1 − p)",
             claim=Equals(variance(m * hv * INVERTED_SCALE, keep, evaluate=False))),
        Step(Eh, hv, "seed 000: 'drop each out with probability p … scale the other neurons up by 1/p' "
             "— E[m·h/p] = (1 − p)h/p, which is h only for p = ½", seed="000",
             claim=Differs(Expectation(m * hv / p, keep))),
        Step(Eh, hv, "seed 001's code keeps a unit when rand < p, i.e. m ~ Bernoulli(p): then (rand < p)/p "
             "is right, E[m·h/p] = h (p is the keep probability)", seed="001",
             claim=Equals(sp.Subs(Expectation(m * hv / q, keep_q), q, p))),
        Step(Eh, hv, "... but its comment says p is the 'probability of dropping out'; read that way the "
             "mask keeps with probability 1 − p and 1/p scaling gives (1 − p)h/p", seed="001",
             claim=Differs(Expectation(m * hv / p, keep))),
        Step(_sym("E[m h]"), q * hv, "seed 001, prediction without inversion: multiply by the Bernoulli "
             "parameter q (keep probability)", seed="001", claim=Equals(Expectation(m * hv, keep_q))),
        Step(_sym("E[m h]"), (1 - p) * hv, "seed 004, prediction without inversion: multiply by (1 − p_h) "
             "for drop probability p_h", seed="004", claim=Equals(Expectation(m * hv, keep))),
    )
    return Derivation(
        "dropout.mask", "The dropout mask's expectation and inverted dropout", steps,
        sp.Eq(Eh, hv),
        summary="With drop probability p the mask m ~ Bernoulli(1 − p) has mean 1 − p, so training-time "
                "scaling by 1/(1 − p) (inverted dropout) makes E[h̃] = h and test time needs no change. "
                "Seed 000 scales by 1/p with p the drop probability: E[h̃] = (1 − p)h/p, e.g. 4h for "
                "p = 0.2 — an erratum (right only for p = ½, the value its example uses). Seed 001's code "
                "is right for its mask (rand < p keeps with probability p), but its comment calls p the "
                "drop probability, under which the same scaling is wrong. Seed 004's test-time factor "
                "(1 − p_h) is right.",
        assumptions=("0 < p < 1", "the mask is independent of h"),
        domain=((p, (0.05, 0.95)), (q, (0.05, 0.95))), latex_names=_LATEX, seeds=("000", "001", "004"),
    )


# ----------------------------------------------------------------- weight scaling
def weight_scaling() -> Derivation:
    r"""Weight scaling: :math:`\mathbb E[\sum_j w_j m_j h_j] = (1-p)\sum_j w_j h_j`; approximate past a nonlinearity."""
    n = 3
    ws = sp.symbols(f"w1:{n + 1}", real=True)
    hs = sp.symbols(f"h1:{n + 1}", real=True)
    ms = sp.symbols(f"m1:{n + 1}", nonnegative=True)
    b = sp.Symbol("b", real=True)
    keep = {mi: Bernoulli(f"M{i}", 1 - p) for i, mi in enumerate(ms, 1)}
    p_h, p_i = sp.Symbol("p_h", positive=True), sp.Symbol("p_i", positive=True)
    keep_in = {mi: Bernoulli(f"I{i}", 1 - p_i) for i, mi in enumerate(ms, 1)}
    z = sum(w * mi * hh for w, mi, hh in zip(ws, ms, hs))
    w1, h1 = ws[0], hs[0]
    zs = sp.Symbol("z", real=True)
    e_relu = (1 - p) * _relu(w1 * h1 + b) + p * _relu(b)  # E over one mask of relu(w m h + b)
    steps = (
        Step(_sym("E[z]"), (1 - p) * sum(w * hh for w, hh in zip(ws, hs)),
             "a linear unit z = Σ w_j m_j h_j: E[z] = (1 − p)Σ w_j h_j — multiply the outgoing weights by "
             "(1 − p) at test time (weight scaling inference rule)", seed="004",
             claim=Equals(expect(z, keep))),
        Step(_sym("E[z_in]"), (1 - p_h) * sum(w * hh for w, hh in zip(ws, hs)),
             "seed 004 says to multiply *all* weights by (1 − p_h); weights leaving input units dropped "
             "with a different probability p_i (its own range: lower for inputs) need (1 − p_i)",
             seed="004", claim=Differs(expect(z, keep_in))),
        Step(_sym("E[relu(w m h + b)]"), e_relu, "one nonlinear unit: average over the mask"),
        Step(_sym("E[relu] - relu(E)"), sp.S.true,
             "Jensen: E[relu(·)] ≥ relu(E[·]); weight scaling is exact only up to the first nonlinearity",
             seed="001", claim=Holds(sp.Ge(e_relu, _relu((1 - p) * w1 * h1 + b)))),
        Step(_sym("relu(p z)"), sp.Symbol("q", positive=True) * _relu(zs),
             "seed 001 moves the factor outside the ReLU: relu(qz) = q·relu(z) for q > 0 "
             "(positive homogeneity)", seed="001",
             claim=Equals(_relu(sp.Symbol("q", positive=True) * zs))),
    )
    return Derivation(
        "dropout.weight_scaling", "The weight scaling inference rule", steps,
        sp.Eq(_sym("E[z]"), (1 - p) * sum(w * hh for w, hh in zip(ws, hs))),
        summary="Dropping inputs of a linear unit with probability p scales its expected pre-activation "
                "by 1 − p, so test-time weights (or activations) scaled by 1 − p reproduce the training "
                "expectation exactly for that unit. After a nonlinearity the rule is an approximation "
                "(Jensen's inequality for ReLU), as seed 001 says. Verified for three inputs.",
        assumptions=("masks independent of each other and of h",),
        notes=("Seed 001's test-time code computes the second layer as relu(np.dot(W1, H1) + b2) * p: "
               "W1 should be W2 (and a comment on the training code says 'first' for the second layer).",
               "Seed 003 describes dropout as removing connections; dropout (Srivastava et al. 2014) removes "
               "units with all their connections — removing individual connections is DropConnect.",),
        domain=((p, (0.05, 0.95)), (p_h, (0.3, 0.6)), (p_i, (0.05, 0.25))),
        seeds=("001", "003", "004"),
    )


# ----------------------------------------------------------------- geometric mean for a softmax layer
def geometric_mean() -> Derivation:
    r"""The renormalized geometric mean of all sub-network softmaxes is the weight-scaled softmax."""
    n_in, n_cls = 2, 2
    W = sp.Matrix(n_cls, n_in, lambda r, c: sp.Symbol(f"W{r + 1}{c + 1}", real=True))
    bs = sp.Matrix(sp.symbols(f"b1:{n_cls + 1}", real=True))
    hs = sp.Matrix(sp.symbols(f"h1:{n_in + 1}", real=True))
    masks = [sp.Matrix([d1, d2]) for d1 in (0, 1) for d2 in (0, 1)]

    def prob(d):
        return sp.Mul(*[(1 - p) if di else p for di in d])

    def logits(d):
        return W * sp.matrix_multiply_elementwise(d, hs) + bs

    def softmax(zv):
        zs = [sp.exp(zi) for zi in zv]
        return [zi / sum(zs) for zi in zs]

    geo = [sp.Mul(*[softmax(logits(d))[c] ** prob(d) for d in masks]) for c in range(n_cls)]
    ratio = sp.Mul(*[(softmax(logits(d))[1] / softmax(logits(d))[0]) ** prob(d) for d in masks])
    z_scaled = W * ((1 - p) * hs) + bs
    scaled = softmax(z_scaled)[0]
    mean_logit = sp.expand(sum(prob(d) * logits(d)[0] for d in masks))
    a = sp.Symbol("a", positive=True)
    sig = 1 / (1 + sp.exp(-a))
    steps = (
        Step(_sym("E_d[z_1(d)]"), (W * ((1 - p) * hs) + bs)[0],
             "the logits are linear in the mask d, so their mask average is the logits of (1 − p)h",
             claim=Equals(mean_logit)),
        Step(_sym("G_2/G_1"), sp.exp(z_scaled[1] - z_scaled[0]),
             "weighted geometric means G_c = Π_d softmax_c(z(d))^P(d): in the ratio of two classes the "
             "normalizers Z(d) cancel, leaving exp of the mask-averaged logit difference",
             claim=Equals(ratio)),
        Step(_sym("G_1/(G_1 + G_2)"), scaled,
             "so the renormalized geometric mean 1/(1 + G_2/G_1) is the softmax with weights scaled by "
             "(1 − p)", seed="000", claim=Equals(1 / (1 + sp.exp(z_scaled[1] - z_scaled[0])))),
        Step(_sym("G_1"), scaled,
             "seed 000: halving the weights 'exactly computes the geometric mean' — only after "
             "renormalization; the raw geometric mean is not a distribution", seed="000",
             claim=Differs(geo[0])),
        Step(_sym("sigma(a/2) - (sigma(0) + sigma(a))/2"), sp.S.true,
             "it is not the arithmetic mean (the ensemble average): with two classes, one unit and p = ½ "
             "the weight-scaled prediction σ(a/2) is more confident than the average (σ(0) + σ(a))/2 "
             "for every logit gap a > 0",
             claim=Holds(sp.Gt(sig.subs(a, a / 2), (sp.Rational(1, 2) + sig) / 2))),
        Step(_sym("tanh(a/2) - tanh(a)/2"), sp.S.true,
             "past a nonlinearity the argument fails: averaging tanh(a·d) over d ∈ {0, 1} gives tanh(a)/2, "
             "weight scaling gives tanh(a/2) > tanh(a)/2",
             claim=Holds(sp.Gt(sp.tanh(a / 2), sp.tanh(a) / 2))),
    )
    return Derivation(
        "dropout.geometric_mean", "Dropout in a softmax layer: the geometric-mean argument", steps,
        sp.Eq(_sym("G_1/(G_1 + G_2)"), scaled),
        summary="For a single softmax layer whose logits are linear in the dropped units, the "
                "renormalized geometric mean (weighted by the mask probabilities) of the predictions of all "
                "2^n sub-networks is exactly softmax(W((1 − p)h) + b): the weight scaling rule "
                "(Hinton; Goodfellow et al. §7.12). It does not give the arithmetic ensemble average, "
                "the raw geometric mean needs renormalizing, and a nonlinearity between the mask and the "
                "logits breaks the identity. Verified for 2 inputs and 2 classes, all p.",
        assumptions=("masks independent, drop probability p", "logits linear in the masked units"),
        domain=((p, (0.05, 0.95)),), seeds=("000", "001"),
    )


_DISPLAY = {
    "E[h_tilde]": r"\mathbb{E}[\tilde h]", "Var[h_tilde]": r"\operatorname{Var}[\tilde h]",
    "E[m]": r"\mathbb{E}[m]", "Var[m]": r"\operatorname{Var}[m]", "E[m h]": r"\mathbb{E}[m h]",
    "E[z]": r"\mathbb{E}[z]", "E[relu(w m h + b)]": r"\mathbb{E}[\operatorname{relu}(w m h + b)]",
    "E_d[z_1(d)]": r"\mathbb{E}_d[z_1(d)]", "G_1/(G_1 + G_2)": r"\frac{G_1}{G_1 + G_2}",
    "G_2/G_1": r"\frac{G_2}{G_1}", "relu(p z)": r"\operatorname{relu}(q z)",
    "E[z_in]": r"\mathbb{E}[z_{\mathrm{in}}]",
}




_NAMED = functools.partial(with_display, explicit=_DISPLAY)

RESULTS = {
    "dropout.mask": shown(mask, _NAMED),
    "dropout.weight_scaling": shown(weight_scaling, _NAMED),
    "dropout.geometric_mean": shown(geometric_mean, _NAMED),
}
