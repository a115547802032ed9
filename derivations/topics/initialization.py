r"""Weight initialization: variances of the standard schemes and the signal through depth (seeds 000, 003).

A layer computes :math:`y_i = w_i^\top x` with :math:`d_{in}` inputs.  With
weights independent, zero-mean, variance :math:`\sigma^2`, and independent of
the inputs,

.. math::

    \operatorname{Var}[w_i^\top x] = d_{in}\,\sigma^2\,\mathbb{E}[x_j^2]
    = d_{in}\,\sigma^2(\gamma^2 + \mu_x^2),

which is seed 000's :math:`d_{in}\sigma^2\gamma^2` only when the inputs are
zero-mean.  ReLU outputs are not: :math:`\mathbb{E}[\mathrm{relu}(y)^2] =
\tfrac12\operatorname{Var}[y]`, whence He's :math:`\sigma^2 = 2/d_{in}`.

Examples
========

>>> d = RESULTS["initialization.uniform_variance"]()
>>> d.verify().ok
True
>>> RELU_DEPTH_VARIANCE.subs({d_in: 100, sigma2: sp.Rational(2, 100)})
v_1
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.stats import Normal

from derivations.topics.expectation import covariance, variance
from derivations.render import shown, with_display
from derivations.record import Derivation, DerivativeOf, Differs, Equals, Holds, Step

d_in = sp.Symbol("d_in", integer=True, positive=True)
d_out = sp.Symbol("d_out", integer=True, positive=True)
m_, n_ = sp.symbols("m n", integer=True, positive=True)  # seed 003: m inputs, n outputs
sigma = sp.Symbol("sigma", positive=True)
sigma2 = sp.Symbol("sigma2", positive=True)
gamma = sp.Symbol("gamma", positive=True)
mu = sp.Symbol("mu", real=True)
a = sp.Symbol("a", positive=True)
s = sp.Symbol("s", positive=True)  # standard deviation of a pre-activation
y = sp.Symbol("y", real=True)
L = sp.Symbol("L", integer=True, positive=True)  # depth
v1 = sp.Symbol("v_1", positive=True)  # variance of the first layer's pre-activations

#: Var of the pre-activations after L ReLU layers of width d_in, weight variance σ².
RELU_DEPTH_VARIANCE = (d_in * sigma2 / 2) ** (L - 1) * v1
#: Small-variance asymptotics of the tanh chain with d σ² = 1: v_L ≈ v_1/(1 + 2(L − 1)v_1).
TANH_DEPTH_VARIANCE = v1 / (1 + 2 * (L - 1) * v1)
#: The weight variance of each scheme, for a layer with d_in inputs and d_out outputs.
SCHEMES = {
    "He N(0, 2/d_in)": 2 / d_in,
    "Xavier N(0, 2/(d_in + d_out))": 2 / (d_in + d_out),
    "Glorot uniform U(±sqrt(6/(d_in + d_out)))": 2 / (d_in + d_out),
    "PyTorch default U(±1/sqrt(d_in))": 1 / (3 * d_in),
}

_LATEX = ((sigma2, r"\sigma^2"), (d_in, r"d_{in}"), (d_out, r"d_{out}"), (v1, "v_1"), (mu, r"\mu_x"))


def _sym(name: str) -> sp.Symbol:
    return sp.Symbol(name)


def _uniform_var(bound) -> sp.Basic:
    """Var[U(−b, b)] = ∫ w²/(2b) dw over (−b, b), unevaluated: the verifier integrates."""
    w = sp.Symbol("w", real=True)
    return sp.Integral(w**2 / (2 * bound), (w, -bound, bound))


def _taylor(f: sp.Basic, x: sp.Symbol, order: int) -> sp.Basic:
    """Σₖ f⁽ᵏ⁾(0) xᵏ/k! for k ≤ ``order``, unevaluated: the verifier differentiates."""
    return sp.Add(*(sp.Subs(sp.Derivative(f, (x, k)), x, 0) * x**k / sp.factorial(k) if k else sp.Subs(f, x, 0)
                    for k in range(order + 1)), evaluate=False)


# ----------------------------------------------------------------- uniform schemes
def uniform_variance() -> Derivation:
    r""":math:`\operatorname{Var}[U(-a,a)] = a^2/3` and the variances of the uniform schemes."""
    w = sp.Symbol("w", real=True)
    steps = (
        Step(_sym("Var[U(-a, a)]"), a**2 / 3, "Var of U(−a, a) = ∫ w²/(2a) dw over (−a, a) = a²/3",
             claim=Equals(sp.Integral(w**2 / (2 * a), (w, -a, a)))),
        Step(_sym("Var[Glorot]"), 2 / (m_ + n_), "Glorot uniform, a = sqrt(6/(m + n)): variance 2/(m + n), "
             "the Xavier variance", seed="003", claim=Equals(_uniform_var(sp.sqrt(6 / (m_ + n_))))),
        Step(_sym("Var[U(-1/sqrt(m), 1/sqrt(m))]"), 1 / (3 * m_),
             "the U(±1/sqrt(m)) default: variance 1/(3m) — proportional to 1/m as seed 000 notes",
             seed="000", claim=Equals(_uniform_var(1 / sp.sqrt(m_)))),
        Step(_sym("bound"), 1 / sp.sqrt(m_), "PyTorch's nn.Linear calls kaiming_uniform_ with a = sqrt(5): "
             "bound = gain·sqrt(3/m), gain = sqrt(2/(1 + a²))",
             claim=Equals(sp.Subs(sp.sqrt(2 / (1 + _sym("a_pt")**2)) * sp.sqrt(3 / m_), _sym("a_pt"), sp.sqrt(5)))),
        Step(_sym("Var[He uniform]"), 2 / m_, "He uniform is U(±sqrt(6/m)), variance 2/m",
             claim=Equals(_uniform_var(sp.sqrt(6 / m_)))),
        Step(_sym("Var[He uniform]"), _uniform_var(1 / sp.sqrt(m_)),
             "seed 003 calls U(±1/sqrt(m)) 'He-uniform-initialization': its variance 1/(3m) is 6 times "
             "smaller than He's 2/m", seed="003", claim=Differs(2 / m_)),
    )
    return Derivation(
        "initialization.uniform_variance", "Variances of the uniform initializations", steps,
        sp.Eq(_sym("Var[U(-a, a)]"), a**2 / 3),
        summary="A uniform U(−a, a) weight has variance a²/3. Glorot's U(±sqrt(6/(m + n))) therefore has "
                "variance 2/(m + n), the same as Xavier's normal (seeds 000, 003 agree). PyTorch's "
                "default U(±1/sqrt(d_in)) (kaiming_uniform_ with a = sqrt(5)) has variance 1/(3 d_in). "
                "Seed 003 names that default 'He-uniform', but He's uniform initialization is "
                "U(±sqrt(6/m)) with variance 2/m: an erratum (a factor 6 in variance).",
        assumptions=("m inputs (fan-in), n outputs (fan-out)",), latex_names=_LATEX, seeds=("000", "003"),
    )


# ----------------------------------------------------------------- Var[wᵀx]
def fan_in_variance() -> Derivation:
    r""":math:`\operatorname{Var}[w^\top x] = d_{in}\sigma^2(\gamma^2+\mu^2)` for zero-mean independent weights."""
    w, x = sp.symbols("w x", real=True)
    w1, w2, x1, x2 = sp.symbols("w1 w2 x1 x2", real=True)
    dist_w = lambda name: Normal(name, 0, sigma)  # noqa: E731 - the weights' distribution
    dist_x = lambda name: Normal(name, mu, gamma)  # noqa: E731 - the inputs' (only 2 moments matter)
    one = {w: dist_w("W"), x: dist_x("X")}
    shared = {w1: dist_w("W1"), w2: dist_w("W2"), x: dist_x("X")}
    w3, x3 = sp.symbols("w3 x3", real=True)
    three = {w1: dist_w("W1"), w2: dist_w("W2"), w3: dist_w("W3"), x1: dist_x("X1"), x2: dist_x("X2"),
             x3: dist_x("X3")}
    var_sum = _sym("Var[w^T x]")
    steps = (
        Step(_sym("Var[w x]"), sigma**2 * (gamma**2 + mu**2),
             "one term: w ~ (0, σ²) independent of x ~ (μ, γ²): Var[wx] = E[w²]E[x²] = σ²(γ² + μ²)",
             seed="000", claim=Equals(variance(w * x, one))),
        Step(_sym("Cov[w_1 x, w_2 x]"), sp.S.Zero,
             "terms are uncorrelated because E[w] = 0, even when they share the same input",
             claim=Equals(covariance(w1 * x, w2 * x, shared, evaluate=False))),
        Step(var_sum, 3 * sigma**2 * (gamma**2 + mu**2), "so the variance of the sum is the sum: "
             "d_in = 3 independent inputs", claim=Equals(variance(w1 * x1 + w2 * x2 + w3 * x3, three))),
        Step(var_sum, d_in * sigma**2 * (gamma**2 + mu**2),
             "d_in terms: d_in σ²(γ² + μ²) = d_in σ² E[x²] (step 1 per term, step 2 for every pair)"),
        Step(var_sum, d_in * sigma**2 * gamma**2,
             "seed 000 states d_in σ² γ² with γ² the inputs' variance: it drops μ² and is right only for "
             "zero-mean inputs (not for ReLU outputs)", seed="000",
             claim=Differs(d_in * sigma**2 * (gamma**2 + mu**2))),
        Step(var_sum, d_in * sigma**2 * gamma**2, "with zero-mean inputs (μ = 0) the seed's formula holds",
             seed="000", claim=Equals(sp.Subs(d_in * sigma**2 * (gamma**2 + mu**2), mu, 0))),
    )
    return Derivation(
        "initialization.fan_in_variance", "The variance of a pre-activation: d_in σ² E[x²]", steps,
        sp.Eq(var_sum, d_in * sigma**2 * (gamma**2 + mu**2)),
        summary="For zero-mean weights of variance σ², independent of each other and of the inputs, "
                "Var[wᵀx] = d_in σ² E[x²]; the inputs need not be independent of each other. Seed 000 "
                "writes d_in σ² γ² with γ² the variance of x, which assumes zero-mean inputs; for "
                "inputs with mean μ (e.g. ReLU outputs) the variance is d_in σ²(γ² + μ²). "
                "Computed from the moments of normal variables; only the first two moments enter.",
        assumptions=("w_j independent, E[w_j] = 0, Var[w_j] = σ²", "w independent of x",
                     "E[x_j] = μ, Var[x_j] = γ²"),
        latex_names=_LATEX, seeds=("000",),
    )


# ----------------------------------------------------------------- through depth
def relu_depth() -> Derivation:
    r"""Pre-activation variance after :math:`L` ReLU layers: :math:`(d\sigma^2/2)^{L-1}v_1`; tanh bounds."""
    density = sp.exp(-y**2 / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)
    second = sp.Integral(y**2 * density, (y, 0, sp.oo))
    first = sp.Integral(y * density, (y, 0, sp.oo))
    vl, vprev = sp.symbols("v_l v_lm1", positive=True)
    per_layer = d_in * sigma2 / 2
    steps = (
        Step(_sym("E[relu(y)^2]"), s**2 / 2, "y ~ N(0, s²) symmetric: E[relu(y)²] = ∫₀^∞ y²φ = s²/2",
             claim=Equals(second)),
        Step(_sym("E[relu(y)]"), s / sp.sqrt(2 * sp.pi), "ReLU outputs are not zero-mean: E = s/sqrt(2π)",
             claim=Equals(first)),
        Step(_sym("Var[relu(y)]"), s**2 * (sp.Rational(1, 2) - 1 / (2 * sp.pi)),
             "so their variance is smaller than their second moment", claim=Equals(second - first**2)),
        Step(vl, per_layer * vprev, "layer recursion v_l = d_in σ² E[x²] = d_in σ² v_(l−1)/2 "
             "(initialization.fan_in_variance)", claim=Equals(d_in * sigma2 * sp.Subs(second, s, sp.sqrt(vprev)))),
        Step(_sym("v_L"), RELU_DEPTH_VARIANCE, "after L layers: v_L = (d_in σ²/2)^(L−1) v_1"),
        Step(_sym("v_(L+1)"), (d_in * sigma2 / 2) ** L * v1, "... which satisfies the recursion",
             claim=Equals(per_layer * RELU_DEPTH_VARIANCE)),
        Step(_sym("v_L (He)"), v1, "He, σ² = 2/d_in: the variance is preserved at every depth",
             seed="000", claim=Equals(sp.Subs(RELU_DEPTH_VARIANCE, sigma2, 2 / d_in))),
        Step(_sym("v_L (Xavier)"), v1 / 2 ** (L - 1), "Xavier with d_in = d_out, σ² = 1/d_in: halves per layer",
             seed="000", claim=Equals(sp.Subs(RELU_DEPTH_VARIANCE, sigma2, 2 / (d_in + d_in)))),
        Step(_sym("v_L (U(±1/sqrt(d_in)))"), v1 / 6 ** (L - 1),
             "the uniform default, σ² = 1/(3 d_in): shrinks by 6 per ReLU layer", seed="000",
             claim=Equals(sp.Subs(RELU_DEPTH_VARIANCE, sigma2, 1 / (3 * d_in)))),
        Step(_sym("tanh(y)^2 <= y^2"), sp.S.true,
             "tanh contracts: tanh(y)² ≤ y², so with σ² = 1/d_in (tanh's gain 1 at 0) the variance cannot "
             "grow through tanh layers", claim=Holds(sp.Le(sp.tanh(y) ** 2, y**2))),
        Step(_sym("tanh(y)^2 < 1"), sp.S.true, "... and it is bounded by 1 whatever σ²: He's factor 2 "
             "saturates instead of exploding", claim=Holds(sp.Lt(sp.tanh(y) ** 2, 1))),
    )
    return Derivation(
        "initialization.relu_depth", "Signal variance through L ReLU or tanh layers", steps,
        sp.Eq(_sym("v_L"), RELU_DEPTH_VARIANCE),
        summary="For y ~ N(0, s²), E[relu(y)²] = s²/2, so each ReLU layer of width d_in multiplies the "
                "pre-activation variance by d_in σ²/2: He's σ² = 2/d_in keeps it constant, Xavier "
                "(1/d_in for square layers) halves it, and the U(±1/sqrt(d_in)) default divides it by 6 "
                "per layer. tanh has gain 1 near 0 and contracts elsewhere, so 1/d_in loses variance "
                "slowly and 2/d_in saturates. numerics.analysis.signal_propagation simulates all of them.",
        assumptions=("square layers d_in = d_out, weights N(0, σ²) or uniform with the same variance",
                     "pre-activations symmetric about 0 (zero biases)", "v_l = Var of layer l's pre-activation"),
        notes=("Seed 000 states Var[wᵀx] = d σ² γ² with γ² the inputs' variance, for zero-mean inputs; it "
               "never applies it to ReLU outputs. Through a ReLU layer the recursion needs the second moment "
               "E[x²] = s²/2 (step 4), not the variance s²(½ − 1/(2π)).",),
        domain=((y, (-3.0, 3.0)), (L, (1, 12))), latex_names=_LATEX, seeds=("000",),
    )


# ----------------------------------------------------------------- Xavier
def xavier() -> Derivation:
    r"""Xavier/Glorot: :math:`\operatorname{Var}[w] = 2/(d_{in}+d_{out})`."""
    v = sp.Symbol("Var_w", positive=True)
    steps = (
        Step(_sym("d_in Var[w]"), sp.S.One, "forward pass keeps the variance (linear regime): d_in Var[w] = 1"),
        Step(_sym("d_out Var[w]"), sp.S.One, "backward pass keeps the gradient variance: d_out Var[w] = 1"),
        Step(v, 2 / (d_in + d_out), "compromise: Var[w] = 2/(d_in + d_out)", seed="000"),
        Step(v, 2 / (d_in + d_out), "which is the harmonic mean 2/(1/A + 1/B) of A = 1/d_in and B = 1/d_out",
             claim=Equals(sp.Subs(2 / (1 / _sym("A") + 1 / _sym("B")), (_sym("A"), _sym("B")), (1 / d_in, 1 / d_out)))),
        Step(v, 1 / d_in, "for d_in = d_out both conditions hold at once (seed 000: 'usually similar size')",
             seed="000", claim=Equals(sp.Subs(2 / (d_in + d_out), d_out, d_in))),
        Step(_sym("Var[N(0, 2/(d_in + d_out))] / Var[Glorot uniform]"), sp.S.One,
             "Glorot's uniform has the same variance (initialization.uniform_variance)", seed="003",
             claim=Equals((2 / (d_in + d_out)) / _uniform_var(sp.sqrt(6 / (d_in + d_out))))),
    )
    return Derivation(
        "initialization.xavier", "Xavier/Glorot: 2/(d_in + d_out) balances forward and backward", steps,
        sp.Eq(v, 2 / (d_in + d_out)),
        summary="Keeping activations' variance needs d_in Var[w] = 1, keeping back-propagated gradients' "
                "variance needs d_out Var[w] = 1; Glorot and Bengio (2010) take Var[w] = 2/(d_in + d_out). "
                "Seed 000's normal and seed 003's uniform version are both correct.",
        latex_names=_LATEX, seeds=("000", "003"),
    )


# ----------------------------------------------------------------- truncated normal (seed 003)
def truncated_normal() -> Derivation:
    r"""Variance of :math:`\mathcal N(0,1)` truncated to :math:`\pm 2`: :math:`1 - 4\varphi(2)/\mathrm{erf}(\sqrt2)`."""
    z = sp.Symbol("z", real=True)
    phi = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    Phi = sp.erf(z / sp.sqrt(2)) / 2  # an antiderivative of φ
    F = Phi - z * phi  # an antiderivative of z²φ (by parts)
    mass = Phi.subs(z, 2) - Phi.subs(z, -2)
    var_trunc = (F.subs(z, 2) - F.subs(z, -2)) / mass
    closed = 1 - 4 * phi.subs(z, 2) / sp.erf(sp.sqrt(2))
    steps = (
        Step(_sym("phi(z)"), phi, "an antiderivative of φ is ½erf(z/sqrt 2)", claim=DerivativeOf(Phi, z)),
        Step(_sym("z^2 phi(z)"), z**2 * phi, "by parts, an antiderivative of z²φ is ½erf(z/sqrt 2) − zφ(z)",
             claim=DerivativeOf(F, z)),
        Step(_sym("P(|z| <= 2)"), sp.erf(sp.sqrt(2)), "mass of N(0, 1) within ±2", claim=Equals(sp.Integral(phi, (z, -2, 2)))),
        Step(_sym("Var[z | |z| <= 2]"), closed,
             "variance after redrawing outliers beyond 2σ: 1 − 4φ(2)/(Φ(2) − Φ(−2)) ≈ 0.7737",
             claim=Equals(var_trunc)),
        Step(_sym("std factor"), sp.sqrt(closed), "standard deviation factor ≈ 0.8796 (JAX divides its "
             "stddev by .87962566103423978 for this reason)",
             claim=Holds(sp.Lt(sp.Abs(_sym("std factor") - sp.Float("0.87962566103423978", 30)), sp.Float("1e-15")))),
        Step(_sym("Var[w]"), closed * sigma2,
             "seed 003: N(0, σ) 'Outliers are redrawn if they are larger than 2σ' (the seed states no "
             "variance): the weights' variance is then 0.774σ², which is why JAX rescales its stddev",
             seed="003", claim=Equals(sigma2 * sp.Integral(z**2 * phi, (z, -2, 2)) / sp.Integral(phi, (z, -2, 2)))),
    )
    return Derivation(
        "initialization.truncated_normal", "The truncated normal initializer and its variance", steps,
        sp.Eq(_sym("Var[z | |z| <= 2]"), closed),
        summary="Truncating N(0, σ²) to ±2σ (redrawing outliers) shrinks the variance to "
                "(1 − 4φ(2)/erf(sqrt 2))σ² ≈ 0.774σ², i.e. the standard deviation by 0.880. Frameworks "
                "compensate: jax.nn.initializers.variance_scaling divides the stddev by 0.8796 "
                "(jax/_src/nn/initializers.py). Seed 003 describes JAX/Flax's default as N(0, sqrt(1/n)) "
                "with n the *output* dimension and outliers redrawn beyond 2σ; Flax's nn.Dense default is "
                "lecun_normal, variance 1/fan_in = 1/m after the correction. The seed also calls "
                "N(μ, σ) 'the standard normal distribution', which is N(0, 1) only.",
        assumptions=("m inputs, n outputs (seed 003's notation)",),
        notes=("Conventions: seed 003 writes JAX/Flax's default as N(0, sqrt(1/n)) with n its output "
               "dimension; Flax's nn.Dense default lecun_normal uses fan_in (1/m in the seed's names). Which "
               "of m, n is fan-in depends on the layout of the weight matrix, so this is noted, not called "
               "an erratum.",
               "Sources: jax/_src/nn/initializers.py (variance_scaling: 'stddev = sqrt(variance) / "
               ".87962566103423978', truncation at ±2); flax/linen/linear.py (default_kernel_init = "
               "initializers.lecun_normal(), i.e. variance_scaling(1.0, 'fan_in', 'truncated_normal')).",),
        domain=((m_, (1, 50)), (n_, (51, 100))),
        latex_names=_LATEX, seeds=("003",),
    )


_DISPLAY = {
    "Cov[w_1 x, w_2 x]": r"\operatorname{Cov}[w_1 x, w_2 x]", "E[relu(y)]": r"\mathbb{E}[\operatorname{relu}(y)]",
    "E[relu(y)^2]": r"\mathbb{E}[\operatorname{relu}(y)^2]", "P(|z| <= 2)": r"P(|z| \le 2)",
    "Var[Glorot]": r"\operatorname{Var}[w_{\mathrm{Glorot}}]", "Var[He uniform]": r"\operatorname{Var}[w_{\mathrm{He\,unif}}]",
    "Var[N(0, 2/(d_in + d_out))] / Var[Glorot uniform]": r"\frac{2/(d_{in} + d_{out})}{\operatorname{Var}[w_{\mathrm{Glorot}}]}",
    "Var[U(-1/sqrt(m), 1/sqrt(m))]": r"\operatorname{Var}[U(\pm 1/\sqrt{m})]", "Var[U(-a, a)]": r"\operatorname{Var}[U(-a, a)]",
    "Var[relu(y)]": r"\operatorname{Var}[\operatorname{relu}(y)]", "Var[w x]": r"\operatorname{Var}[w x]",
    "Var[w]": r"\operatorname{Var}[w]", "Var[w] (flax Dense)": r"\operatorname{Var}[w]_{\mathrm{Flax}}",
    "Var[w^T x]": r"\operatorname{Var}[w^\top x]", "Var[z | |z| <= 2]": r"\operatorname{Var}[z \mid |z| \le 2]",
    "d_in Var[w]": r"d_{in}\operatorname{Var}[w]", "d_out Var[w]": r"d_{out}\operatorname{Var}[w]",
    "phi(z)": r"\varphi(z)", "z^2 phi(z)": r"z^2\varphi(z)", "v_(L+1)": "v_{L+1}", "v_L (He)": r"v_L^{\mathrm{He}}",
    "v_L (U(±1/sqrt(d_in)))": r"v_L^{U(\pm 1/\sqrt{d_{in}})}", "v_L (Xavier)": r"v_L^{\mathrm{Xavier}}",
    "v_lm1": "v_{l-1}", "std factor": r"\text{std factor}", "bound": r"\text{bound}",
    "Var_w": r"\operatorname{Var}[w]", "tanh(y)^2": r"\tanh^2 y", "E[tanh(y)^2]": r"\mathbb{E}[\tanh^2 y]",
    "1/v_next": r"1/v_{l+1}", "1/v_(L+1) - 1/v_L": r"1/v_{L+1} - 1/v_L", "lim L v_L": r"\lim_{L\to\infty} L v_L",
}




# ----------------------------------------------------------------- tanh through depth
def tanh_depth() -> Derivation:
    r"""tanh layers with :math:`d\sigma^2 = 1`: :math:`v_{l+1} \approx v_l - 2v_l^2`, so :math:`v_L \approx 1/(2L)`."""
    from derivations.topics.expectation import Expectation

    v, vn = sp.symbols("v v_next", positive=True)
    series = y**2 - sp.Rational(2, 3) * y**4 + sp.Rational(17, 45) * y**6
    moment_form = s**2 - 2 * s**4 + sp.Rational(17, 3) * s**6
    steps = (
        Step(_sym("tanh(y)^2"), series, "Taylor series of tanh² to order y⁶",
             claim=Equals(_taylor(sp.tanh(y) ** 2, y, 7))),
        Step(_sym("E[tanh(y)^2]"), moment_form, "y ~ N(0, s²): E[y⁴] = 3s⁴, E[y⁶] = 15s⁶",
             claim=Equals(Expectation(series, {y: Normal("Y", 0, s)}))),
        Step(vn, v - 2 * v**2, "with d σ² = 1 (LeCun/Xavier for square layers), to second order: "
             "v_(l+1) = d σ² E[tanh(y_l)²] ≈ v_l − 2v_l²", seed="000",
             claim=Equals(_taylor(moment_form.subs(s, sp.sqrt(v)), v, 2))),
        Step(_sym("1/v_next"), 1 / v + 2, "in reciprocals each layer adds 2 (to leading order)",
             claim=Equals(1 / v + sp.Limit(1 / (v - 2 * v**2) - 1 / v, v, 0))),
        Step(_sym("v_L"), TANH_DEPTH_VARIANCE, "so 1/v_L ≈ 1/v_1 + 2(L − 1)"),
        Step(_sym("1/v_(L+1) - 1/v_L"), sp.Integer(2), "which has exactly that increment",
             claim=Equals(1 / TANH_DEPTH_VARIANCE.subs(L, L + 1) - 1 / TANH_DEPTH_VARIANCE)),
        Step(_sym("lim L v_L"), sp.Rational(1, 2), "the variance decays like 1/(2L), slowly, whatever v_1",
             claim=Equals(sp.Limit(L * TANH_DEPTH_VARIANCE, L, sp.oo))),
    )
    return Derivation(
        "initialization.tanh_depth", "tanh layers at gain 1: variance decays like 1/(2L)", steps,
        sp.Eq(_sym("v_L"), TANH_DEPTH_VARIANCE),
        summary="tanh has slope 1 at 0 but tanh(y)² ≈ y² − (2/3)y⁴, so with d σ² = 1 (variance 1/d_in, "
                "Xavier for square layers) each layer maps v to about v − 2v²: the signal does not vanish "
                "geometrically, as under ReLU with Xavier, but like 1/(2L). The simulation on "
                "initialization.relu_depth's page follows this and the exact mean-field recursion "
                "v ← E[tanh(sqrt(v) z)²] (numerics.analysis.signal_propagation).",
        assumptions=("square layers, zero biases, d σ² = 1", "small v (asymptotic in depth)"),
        latex_names=_LATEX + ((v, "v_l"), (vn, "v_{l+1}")), seeds=("000", "003"),
    )


_NAMED = functools.partial(with_display, explicit=_DISPLAY)

RESULTS = {
    "initialization.uniform_variance": shown(uniform_variance, _NAMED),
    "initialization.fan_in_variance": shown(fan_in_variance, _NAMED),
    "initialization.relu_depth": shown(relu_depth, _NAMED),
    "initialization.tanh_depth": shown(tanh_depth, _NAMED),
    "initialization.xavier": shown(xavier, _NAMED),
    "initialization.truncated_normal": shown(truncated_normal, _NAMED),
}
