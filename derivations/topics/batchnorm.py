r"""Batch normalization, forward and backward, along the computational graph of seed 001.

For one feature over a batch of :math:`m` samples (seeds 001, 003, 004):

.. math::

    \mu = \frac1m\sum_k x^{(k)},\quad
    \sigma^2 = \frac1m\sum_k (x^{(k)}-\mu)^2,\quad
    \hat x^{(j)} = \frac{x^{(j)}-\mu}{\sqrt{\sigma^2+\varepsilon}},\quad
    y^{(j)} = \gamma \hat x^{(j)} + \beta .

The backward pass follows the seed's nodes :math:`a = x-\mu`,
:math:`e = \sigma^2+\varepsilon`, :math:`c=\sqrt e`, :math:`b = 1/c`,
:math:`\hat x = a b`.  A loss :math:`\ell(y)` enters only through the upstream
gradients :math:`g_j = \partial\ell/\partial y^{(j)}`; every claim is checked
against direct differentiation of the linearized loss :math:`\sum_k g_k y^{(k)}`
(which has the same gradient as :math:`\ell` at the point): for every batch
size at once, with :math:`m` a symbol (:mod:`derivations.checking.sums`), and
instantiated for small :math:`m` (symbolically) and a larger :math:`m` (numerically).

Examples
========

>>> d = RESULTS["batchnorm.dbeta"]()
>>> d.verify().ok
True
>>> d.result
Eq(dl_dbeta, Sum(g[k], (k, 1, m)))
"""

from __future__ import annotations

import sympy as sp

from derivations.record import Derivation, DerivativeOf, Differs, Equals, Step

# ----------------------------------------------------------------- symbols (seed 001 notation)
m = sp.Symbol("m", integer=True, positive=True)
j, k, l = sp.symbols("j k l", integer=True, positive=True)
x = sp.IndexedBase(sp.Symbol("x", real=True))
g = sp.IndexedBase(sp.Symbol("g", real=True))  # upstream gradient ∂ℓ/∂y^(j)
gamma, beta = sp.Symbol("gamma", real=True), sp.Symbol("beta", real=True)
eps = sp.Symbol("epsilon", positive=True)
mu = sp.Symbol("mu", real=True)
sigma2 = sp.Symbol("sigma2", nonnegative=True)
a, b, c, e = (sp.IndexedBase(sp.Symbol(n, real=True)) for n in "abce")
xhat = sp.IndexedBase(sp.Symbol("xhat", real=True))
y = sp.IndexedBase(sp.Symbol("y", real=True))
# display symbols for gradients of the loss ℓ
dl_dbeta, dl_dgamma, dl_dsigma2, dl_dmu = sp.symbols("dl_dbeta dl_dgamma dl_dsigma2 dl_dmu", real=True)
dl_dxhat, dl_da, dl_db, dl_dc, dl_de, dl_dx = (
    sp.IndexedBase(sp.Symbol(n, real=True)) for n in ("dl_dxhat", "dl_da", "dl_db", "dl_dc", "dl_de", "dl_dx")
)
dsigma2_dmu = sp.Symbol("dsigma2_dmu", real=True)
mu_run, var_run, s2 = sp.Symbol("mu_r", real=True), sp.Symbol("sigma2_r", nonnegative=True), sp.Symbol("s^2", positive=True)
mu0 = sp.Symbol("mu_0", real=True)
E_sq, E_mean_sq, E_var = sp.symbols("E_x2 E_xbar2 E_sigma2", real=True)

SEED = "001"


def _partial(num: str, den: str) -> str:
    """LaTeX for a partial derivative; with an index (``{i}``) it is a template, so braces are doubled."""
    if "{i}" in den:
        return r"\frac{{\partial " + num + r"}}{{\partial " + den + "}}"
    return r"\frac{\partial " + num + r"}{\partial " + den + "}"


LATEX = (
    (x, "x^{{({i})}}"), (g, _partial(r"\ell", "y^{{({i})}}")), (a, "a^{{({i})}}"), (b, "b^{{({i})}}"),
    (c, "c^{{({i})}}"), (e, "e^{{({i})}}"), (xhat, r"\hat{{x}}^{{({i})}}"), (y, "y^{{({i})}}"),
    (dl_dxhat, _partial(r"\ell", r"\hat{{x}}^{{({i})}}")), (dl_da, _partial(r"\ell", "a^{{({i})}}")),
    (dl_db, _partial(r"\ell", "b^{{({i})}}")), (dl_dc, _partial(r"\ell", "c^{{({i})}}")),
    (dl_de, _partial(r"\ell", "e^{{({i})}}")), (dl_dx, _partial(r"\ell", "x^{{({i})}}")),
    (dl_dbeta, _partial(r"\ell", r"\beta")), (dl_dgamma, _partial(r"\ell", r"\gamma")),
    (dl_dsigma2, _partial(r"\ell", r"\sigma^2")), (dl_dmu, _partial(r"\ell", r"\mu")),
    (dsigma2_dmu, _partial(r"\sigma^2", r"\mu")), (sigma2, r"\sigma^2"), (eps, r"\varepsilon"),
    (mu_run, r"\mu_{\mathrm{run}}"), (var_run, r"\sigma^2_{\mathrm{run}}"), (s2, "s^2"), (mu0, r"\mu_0"),
    (E_sq, r"\mathbb{E}[(x^{(j)})^2]"), (E_mean_sq, r"\mathbb{E}[\mu^2]"), (E_var, r"\mathbb{E}[\sigma^2]"),
)

# ----------------------------------------------------------------- the graph as definitions
MEAN = sp.Sum(x[l], (l, 1, m)) / m
VARIANCE = sp.Sum((x[l] - mu) ** 2, (l, 1, m)) / m  # in terms of the node μ
FORWARD = (
    (mu, MEAN),
    (sigma2, VARIANCE),
    (a, sp.Lambda(j, x[j] - mu)),
    (e, sp.Lambda(j, sigma2 + eps)),
    (c, sp.Lambda(j, sp.sqrt(e[j]))),
    (b, sp.Lambda(j, 1 / c[j])),
    (xhat, sp.Lambda(j, a[j] * b[j])),
    (y, sp.Lambda(j, gamma * xhat[j] + beta)),
)
LOSS = sp.Sum(g[k] * y[k], (k, 1, m))  # the loss, linearized at the current point
INV_STD = 1 / sp.sqrt(sigma2 + eps)

# the results, in the seed's display form
DXHAT = g[j] * gamma
DBETA = sp.Sum(g[k], (k, 1, m))
DGAMMA = sp.Sum(g[k] * xhat[k], (k, 1, m))
DA = INV_STD * dl_dxhat[j]
DB = (x[j] - mu) * dl_dxhat[j]
DC = -(x[j] - mu) * dl_dxhat[j] / (sigma2 + eps)
DE = -sp.Rational(1, 2) * (sigma2 + eps) ** sp.Rational(-3, 2) * (x[j] - mu) * dl_dxhat[j]
DSIGMA2 = sp.Sum(dl_de[k], (k, 1, m))
DMU = -INV_STD * sp.Sum(dl_dxhat[k], (k, 1, m)) - (2 / m) * sp.Sum(x[k] - mu, (k, 1, m)) * dl_dsigma2
DX_GRAPH = dl_da[j] + 2 * (x[j] - mu) / m * dl_dsigma2 + dl_dmu / m
COMPACT = gamma / (m * sp.sqrt(sigma2 + eps)) * (
    m * g[j] - sp.Sum(g[k], (k, 1, m)) - xhat[j] * sp.Sum(g[k] * xhat[k], (k, 1, m))
)

BACKWARD = (
    (dl_dxhat, sp.Lambda(j, DXHAT)),
    (dl_da, sp.Lambda(j, DA)),
    (dl_db, sp.Lambda(j, DB)),
    (dl_dc, sp.Lambda(j, DC)),
    (dl_de, sp.Lambda(j, DE)),
    (dl_dsigma2, DSIGMA2),
    (dl_dmu, DMU),
    (dl_dx, sp.Lambda(j, COMPACT)),
)
DEFINITIONS = FORWARD + BACKWARD

COMMON = dict(
    sizes=((m, (2, 3, 4, 5, 6)),),
    indices=((j, m),),
    latex_names=LATEX,
    definitions=DEFINITIONS,
    seeds=("001", "003", "004"),
    assumptions=("ε > 0", "m ≥ 2 samples in the batch", "g⁽ʲ⁾ = ∂ℓ/∂y⁽ʲ⁾ is the upstream gradient"),
)
CHEAP = dict(COMMON, sizes=((m, (2, 3, 4)),), numeric_sizes=((m, (7,)),))


def forward() -> Derivation:
    """The forward pass and the two moments of x̂."""
    steps = (
        Step(mu, MEAN, "batch mean", SEED),
        Step(sigma2, sp.Sum((x[l] - mu) ** 2, (l, 1, m)) / m, "biased batch variance (training mode)", SEED),
        Step(xhat[j], (x[j] - mu) / sp.sqrt(sigma2 + eps), "normalize", SEED),
        Step(y[j], gamma * xhat[j] + beta, "scale and shift", SEED),
        Step(sp.Sum(xhat[k], (k, 1, m)), sp.S.Zero, "x̂ has zero batch mean", claim=Equals(sp.Sum(xhat[k], (k, 1, m)))),
        Step(sp.Sum(xhat[k] ** 2, (k, 1, m)) / m, sigma2 / (sigma2 + eps), "x̂ has batch variance σ²/(σ²+ε), not 1",
             claim=Equals(sp.Sum(xhat[k] ** 2, (k, 1, m)) / m)),
    )
    return Derivation(
        "batchnorm.forward", "Batch normalization: the forward pass", steps,
        sp.Eq(y[j], gamma * (x[j] - mu) / sp.sqrt(sigma2 + eps) + beta),
        summary="Each feature is normalized with the statistics of its batch, then scaled by γ and shifted by β. "
                "Because of ε the normalized values have variance σ²/(σ²+ε), slightly below 1.",
        **COMMON,
    )


def dbeta() -> Derivation:
    """∂ℓ/∂β = Σ g."""
    steps = (
        Step(y[j], gamma * xhat[j] + beta, "the node y", SEED),
        Step(dl_dbeta, DBETA, "chain rule: ∂y⁽ᵏ⁾/∂β = 1", SEED, DerivativeOf(LOSS, beta)),
    )
    return Derivation("batchnorm.dbeta", "Gradient with respect to β", steps, sp.Eq(dl_dbeta, DBETA), **COMMON)


def dgamma() -> Derivation:
    """∂ℓ/∂γ = Σ g x̂."""
    steps = (
        Step(y[j], gamma * xhat[j] + beta, "the node y", SEED),
        Step(dl_dgamma, DGAMMA, "chain rule: ∂y⁽ᵏ⁾/∂γ = x̂⁽ᵏ⁾", SEED, DerivativeOf(LOSS, gamma)),
    )
    return Derivation("batchnorm.dgamma", "Gradient with respect to γ", steps, sp.Eq(dl_dgamma, DGAMMA), **COMMON)


def dxhat() -> Derivation:
    """∂ℓ/∂x̂ = g γ."""
    steps = (Step(dl_dxhat[j], DXHAT, "chain rule through y = γx̂ + β", SEED, DerivativeOf(LOSS, xhat[j])),)
    return Derivation("batchnorm.dxhat", "Gradient with respect to x̂", steps, sp.Eq(dl_dxhat[j], DXHAT), **COMMON)


def backward() -> Derivation:
    """The backward pass along the seed's nodes a, b, c, e."""
    sigma2_of_mu = sp.Sum((x[k] - mu) ** 2, (k, 1, m)) / m
    steps = (
        Step(dl_dxhat[j], DXHAT, "y = γx̂ + β", SEED, DerivativeOf(LOSS, xhat[j])),
        Step(dl_da[j], DA, "x̂ = a·b with a = x − μ, b = 1/√(σ²+ε)", SEED, DerivativeOf(LOSS, a[j])),
        Step(dl_db[j], DB, "x̂ = a·b (the seed's red path)", SEED, DerivativeOf(LOSS, b[j])),
        Step(dl_dc[j], DC, "b = 1/c, ∂b/∂c = −1/c² (blue path)", SEED, DerivativeOf(LOSS, c[j])),
        Step(dl_de[j], DE, "c = √e, ∂c/∂e = 1/(2√e) (purple path)", SEED, DerivativeOf(LOSS, e[j])),
        Step(dl_dsigma2, DSIGMA2, "e⁽ʲ⁾ = σ² + ε for every j: sum over the copies", SEED,
             DerivativeOf(LOSS, sigma2)),
        Step(dsigma2_dmu, -sp.Rational(2, 1) / m * sp.Sum((x[k] - mu) * x[k], (k, 1, m)),
             "seed 001 as printed: ∂σ²/∂μ = −(2/m) Σ (x⁽ʲ⁾ − μ) x_i⁽ʲ⁾ — a spurious factor x", SEED,
             Differs(sp.Derivative(sigma2_of_mu, mu))),
        Step(dsigma2_dmu, -sp.Rational(2, 1) / m * sp.Sum(x[k] - mu, (k, 1, m)),
             "correct: differentiate σ² = (1/m) Σ (x⁽ᵏ⁾ − μ)² in μ", "", Equals(sp.Derivative(sigma2_of_mu, mu))),
        Step(dsigma2_dmu, sp.S.Zero, "… which vanishes, since Σ (x⁽ᵏ⁾ − μ) = 0", "",
             Equals(sp.Derivative(sigma2_of_mu, mu))),
        Step(dl_dmu, DMU, "μ reaches ℓ through every a⁽ʲ⁾ and through σ²", SEED, DerivativeOf(LOSS, mu)),
        Step(dl_dmu, -INV_STD * sp.Sum(dl_dxhat[k], (k, 1, m)), "the σ² term drops out", "",
             DerivativeOf(LOSS, mu)),
        Step(dl_dx[j], DX_GRAPH, "x⁽ʲ⁾ reaches ℓ through a⁽ʲ⁾, σ² and μ; ∂μ/∂x⁽ʲ⁾ = 1/m", SEED,
             DerivativeOf(LOSS, x[j])),
    )
    return Derivation(
        "batchnorm.backward", "Batch normalization: the backward pass along the computational graph", steps,
        sp.Eq(dl_dx[j], DX_GRAPH),
        summary="Backpropagation through the nodes of seed 001: a = x − μ, e = σ² + ε, c = √e, b = 1/c, "
                "x̂ = a·b. Each partial derivative holds the other nodes fixed, exactly as on the graph, and is "
                "checked against SymPy's differentiation of the linearized loss Σ g⁽ᵏ⁾ y⁽ᵏ⁾.",
        notes=(
            "Seed 001 prints ∂σ²/∂μ = −(2/m) Σ (x⁽ʲ⁾ − μ) x_i⁽ʲ⁾; the trailing factor x_i⁽ʲ⁾ is wrong "
            "(the correct derivative is −(2/m) Σ (x⁽ʲ⁾ − μ) = 0). Its own ∂ℓ/∂μ on the next slide uses the "
            "correct factor, so the slip does not propagate.",
            "The Σ(x − μ) term of ∂ℓ/∂μ is identically zero: μ influences ℓ only through the a-path.",
        ),
        **dict(COMMON, sizes=((m, (2, 3, 4)),), numeric_sizes=((m, (7,)),)),
    )


def dx() -> Derivation:
    """The compact input gradient, proved equal to direct differentiation."""
    steps = (
        Step(dl_dx[j], COMPACT, "substitute ∂ℓ/∂σ², ∂ℓ/∂μ and x − μ = x̂√(σ²+ε); collect over m√(σ²+ε)", "",
             DerivativeOf(LOSS, x[j])),
    )
    return Derivation(
        "batchnorm.dx", "The compact batch-norm input gradient", steps, sp.Eq(dl_dx[j], COMPACT),
        summary="∂ℓ/∂x⁽ʲ⁾ = γ/(m√(σ²+ε)) · (m g⁽ʲ⁾ − Σg − x̂⁽ʲ⁾ Σ g x̂): one pass over the batch for two sums. "
                "Proved equal to the derivative of the forward pass for every batch size m, with m a symbol "
                "(∂x⁽ᵏ⁾/∂x⁽ʲ⁾ = δₖⱼ, linearity of sums, Σ x = mμ), instantiated for m = 2…6, checked at 40 "
                "digits for m = 8 (and, compiled, against an independent NumPy implementation at m = 256).",
        **dict(COMMON, numeric_sizes=((m, (8,)),)),
    )


def projection() -> Derivation:
    """Σ ∂ℓ/∂x = 0 exactly; Σ x̂ ∂ℓ/∂x = 0 only when ε = 0."""
    s_dx = sp.Sum(dl_dx[k], (k, 1, m))
    s_xdx = sp.Sum(xhat[k] * dl_dx[k], (k, 1, m))
    exact = gamma * eps * sp.Sum(g[k] * xhat[k], (k, 1, m)) / (sigma2 + eps) ** sp.Rational(3, 2)
    steps = (
        Step(s_dx, sp.S.Zero, "the input gradient sums to zero over the batch (shifting x changes nothing)", "",
             Equals(s_dx)),
        Step(s_xdx, sp.S.Zero, "the common statement Σ x̂ ∂ℓ/∂x = 0 — not exact when ε > 0", "", Differs(s_xdx)),
        Step(s_xdx, exact, "exact value: Σ x̂² = mσ²/(σ²+ε) leaves a term proportional to ε", "", Equals(s_xdx)),
        Step(sp.Limit(s_xdx, eps, 0), sp.S.Zero, "… which vanishes as ε → 0 (scaling x changes nothing)", "",
             Equals(sp.Limit(exact, eps, 0))),
    )
    return Derivation(
        "batchnorm.projection", "The input gradient is (almost) a projection of the upstream gradient", steps,
        sp.Eq(s_xdx, exact),
        summary="With P = I − 11ᵀ/m − x̂x̂ᵀ/m the input gradient is ∂ℓ/∂x = (γ/√(σ²+ε)) P g. It is orthogonal "
                "to 1 exactly, and orthogonal to x̂ only in the limit ε → 0: for ε > 0 a residual "
                "γ ε Σ g x̂ / (σ²+ε)^{3/2} remains.",
        **CHEAP,
    )


def running_variance() -> Derivation:
    """Why the running variance uses the unbiased m/(m−1) σ²."""
    # samples x⁽ʲ⁾ independent with mean μ₀ and variance s²: E[x⁽ʲ⁾x⁽ᵏ⁾] = μ₀² + s² δ_jk
    pair = mu0**2 + s2 * sp.KroneckerDelta(j, k)
    steps = (
        Step(sigma2, sp.Sum(x[k] ** 2, (k, 1, m)) / m - mu**2, "σ² = mean of squares − square of mean", "",
             Equals(VARIANCE)),
        Step(E_sq, mu0**2 + s2, "E[x²] = (E x)² + Var x: the pair moment with k = j", "", Equals(sp.Subs(pair, k, j))),
        Step(E_mean_sq, mu0**2 + s2 / m, "E[μ²] = (1/m²) Σⱼ Σₖ E[x⁽ʲ⁾x⁽ᵏ⁾] for independent samples", "",
             Equals(sp.Sum(sp.Sum(pair, (k, 1, m)), (j, 1, m)) / m**2)),
        Step(E_var, (m - 1) * s2 / m, "E[σ²] = (1/m) Σₖ E[x⁽ᵏ⁾²] − (1/m²) Σⱼ Σₖ E[x⁽ʲ⁾x⁽ᵏ⁾] by linearity: "
             "the batch variance is biased", "",
             Equals(sp.Sum(sp.Subs(pair, j, k), (k, 1, m)) / m - sp.Sum(sp.Sum(pair, (k, 1, m)), (j, 1, m)) / m**2)),
        Step(sp.Symbol("E[m/(m-1) sigma2]"), sp.Mul(m / (m - 1), (m - 1) * s2 / m, evaluate=False),
             "m/(m−1)·E[σ²] is the population variance s²: unbiased", "", Equals(s2)),
        Step(var_run, m / (m - 1) * sigma2, "so the running estimate of the population variance uses m/(m−1)·σ²",
             ""),
    )
    return Derivation(
        "batchnorm.running_variance", "Inference statistics: why the running variance is unbiased", steps,
        sp.Eq(E_var, (m - 1) * s2 / m),
        summary="Training normalizes with the biased batch variance σ² (divide by m). Its expectation is "
                "(m−1)/m times the population variance, so the running average kept for inference accumulates "
                "the unbiased m/(m−1)·σ² (as PyTorch does).",
        **dict(CHEAP, indices=()),
    )


def inference() -> Derivation:
    """At inference batch norm is a fixed affine map of x."""
    scale = gamma / sp.sqrt(var_run + eps)
    xs = sp.Symbol("x", real=True)
    steps = (
        Step(sp.Symbol("y", real=True), gamma * (xs - mu_run) / sp.sqrt(var_run + eps) + beta,
             "normalize with the running statistics, not the batch's", "003"),
        Step(sp.Symbol("y", real=True), scale * xs + (beta - scale * mu_run),
             "an affine map: foldable into the preceding layer's weights and bias", "",
             Equals(gamma * (xs - mu_run) / sp.sqrt(var_run + eps) + beta)),
    )
    return Derivation(
        "batchnorm.inference", "Batch normalization at inference", steps,
        sp.Eq(sp.Symbol("y", real=True), scale * xs + (beta - scale * mu_run)),
        summary="With fixed running statistics the layer no longer couples the samples of a batch.",
        latex_names=LATEX, seeds=("001", "003"),
    )


RESULTS = {
    "batchnorm.forward": forward,
    "batchnorm.dbeta": dbeta,
    "batchnorm.dgamma": dgamma,
    "batchnorm.dxhat": dxhat,
    "batchnorm.backward": backward,
    "batchnorm.dx": dx,
    "batchnorm.projection": projection,
    "batchnorm.running_variance": running_variance,
    "batchnorm.inference": inference,
}
