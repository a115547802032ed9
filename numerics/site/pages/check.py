r"""The docs page "Checking hand derivations": worked examples and the slips found in the seeds.

Every example is a :class:`SeedCheck`: a formula as a seed states it, the
formula it should equal (or the function it claims to differentiate), and
what the checker must say.  :func:`docs_pages` runs each one through
:func:`derivations.checking.check.check_text` when the page is built, so the verdicts,
counterexamples and diagnostics on the page are computed, not typed.

Examples
========

>>> r = SLIPS[0].run()
>>> SLIPS[0].seed, r.verdict.value, r.counterexample is not None
('001', 'different', True)
"""

from __future__ import annotations

from dataclasses import dataclass

from derivations.checking.check import CheckResult, check_text

from numerics.site.page import Page


@dataclass(frozen=True)
class SeedCheck:
    """One formula from a seed, checked: claimed vs expected (or vs a derivative)."""

    seed: str
    topic: str
    says: str  # what the seed states, in its own notation
    claimed: str
    expected: str | None = None
    derivative_of: str | None = None
    wrt: str | None = None
    assume: tuple[str, ...] = ()
    latex: bool = False
    verdict: str = "different"  # what the checker must find
    explanation: str = ""

    def run(self, timeout: float = 5.0) -> CheckResult:
        return check_text(self.claimed, self.expected, assume=self.assume, latex=self.latex, timeout=timeout,
                          derivative_of=self.derivative_of, wrt=self.wrt)

    def command(self) -> str:
        parts = ["derivkit check"]
        if self.latex:
            parts.append("--latex")
        if self.derivative_of is not None:
            parts += ["--derivative-of", _quote(self.derivative_of), "--wrt", _quote(self.wrt)]
        parts += [f"--assume {_quote(a)}" for a in self.assume]
        claimed = _quote(self.claimed if not self.claimed.startswith("-") else " " + self.claimed)
        parts.append(claimed)
        if self.expected is not None:
            parts.append(_quote(self.expected if not self.expected.startswith("-") else " " + self.expected))
        return " ".join(parts)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


#: formulas the seeds state wrongly (each is found "different")
SLIPS: tuple[SeedCheck, ...] = (
    SeedCheck(
        "001", "batch normalization: the derivative of the variance in the mean",
        r"\frac{\partial \sigma^2}{\partial \mu} = -\frac{2}{m} \sum_{j=1}^m (x^{(j)} - \mu) x_i^{(j)}",
        r"-\frac{2}{m} \sum_{j=1}^m (x^{(j)} - \mu) x_i^{(j)}",
        derivative_of=r"\frac{1}{m} \sum_{j=1}^m (x^{(j)} - \mu)^2", wrt=r"\mu", latex=True,
        explanation="The factor $x_i^{(j)}$ is spurious: $\\partial\\sigma^2/\\partial\\mu = "
                    "-\\frac{2}{m}\\sum_j (x^{(j)}-\\mu)$ (which is 0 at the batch mean). The slide's later "
                    "formula for $\\partial\\ell/\\partial\\mu$ uses the right factor."),
    SeedCheck(
        "001", "RMSProp: the code divides by sqrt(a + nu), the slide by sqrt(a) + nu",
        "x -= eps * g / (np.sqrt(a + nu))   vs   θ ← θ − ε/(√a + ν) ⊙ g",
        "eps*g/sqrt(a + nu)", "eps*g/(sqrt(a) + nu)", assume=("a>0", "nu>0"),
        explanation="Code and slide disagree; they agree only in the limit ν → 0 (seed 004's RMSProp uses "
                    "the code's form, √(δ + R)). Both are in use, but they are not the same update."),
    SeedCheck(
        "000", "dropout: drop with probability p, scale the rest up by 1/p",
        "Drop each out with probability p. To compensate, scale the other neurons up by 1/p",
        "(1 - p)*h/p", "h", assume=("0<p<1",),
        explanation="A unit survives with probability 1 − p, so its expected output is (1 − p)·h/p, not h. "
                    "The compensating scale is 1/(1 − p). Seed 001's code has the same mix-up in a comment "
                    "(`p = 0.5 # probability of dropping out`) while its mask `rand < p` *keeps* units with "
                    "probability p, so its `/ p` is right."),
    SeedCheck(
        "003", "momentum: the parameter step has the wrong sign",
        r"\theta_{\tau+1} = \theta_{\tau} - \mathbf{v}_{\tau}, \quad \mathbf{v}_\tau = \alpha \mathbf{v}_{\tau-1} - \epsilon \mathbf{g}_\tau",
        r"-(\alpha v_{\tau-1} - \epsilon g_{\tau})", r"\alpha v_{\tau-1} - \epsilon g_{\tau}", latex=True,
        explanation="With v = αv − εg the step is θ + v (seeds 001 and 004 have it right); θ − v climbs "
                    "the gradient."),
    SeedCheck(
        "003", "gradient estimate: the sum runs over m + 1 examples",
        r"\mathbf{g}_{\tau} = \frac{1}{m} \nabla_{\theta} \sum_{i=0}^{m} C(\ldots)",
        r"\frac{1}{m} \sum_{i=0}^{m} C^{(i)}", r"\frac{1}{m} \sum_{i=1}^{m} C^{(i)}", latex=True,
        explanation="Equations (7), (10) and (13) sum from i = 0 (equation (4) from i = 1): m + 1 terms "
                    "divided by m."),
    SeedCheck(
        "003", "RMSprop: no square root, and no decay in the accumulator",
        r"\theta_{\tau+1} = \theta_{\tau} - \frac{\epsilon}{\delta + \mathbf{r}_{\tau}} \odot \mathbf{g}",
        r"\frac{\epsilon}{\delta + r} g", r"\frac{\epsilon}{\delta + \sqrt{r}} g", latex=True,
        assume=("r>0", "delta>0"),
        explanation="RMSProp divides by δ + √r with r = ρr + (1 − ρ)g⊙g; equation (11) is AdaGrad's "
                    "accumulator and (12) drops the root."),
    SeedCheck(
        "003", "Adam: bias correction without the step count",
        r"\hat{\mathbf{s}}_{\tau} = \frac{\mathbf{s}_{\tau}}{1 - \rho_1}",
        r"\frac{s}{1 - \rho_1}", r"\frac{s}{1 - \rho_1^{\tau}}", latex=True, assume=("0<rho_1<1", "tau>=1"),
        explanation="The correction is 1/(1 − ρ₁^τ); the two agree only at τ = 1."),
    SeedCheck(
        "003", "Adam: the step divides by r̂ instead of its square root and multiplies by g again",
        r"\theta_{\tau+1} = \theta_{\tau} - \frac{\epsilon \hat{\mathbf{s}}_{\tau}}{\delta + \hat{\mathbf{r}}_{\tau}} \odot \mathbf{g}",
        r"\frac{\epsilon \hat{s}}{\delta + \hat{r}} g", r"\frac{\epsilon \hat{s}}{\delta + \sqrt{\hat{r}}}", latex=True,
        assume=("rhat>0", "delta>0", "epsilon>0"),
        explanation="Adam's step is ε ŝ/(δ + √r̂): the first moment already carries the gradient."),
    SeedCheck(
        "003", "initialization: U(−1/√m, 1/√m) called He-uniform",
        "He-uniform-initialization ... w ~ U(-1/sqrt(m), 1/sqrt(m))",
        "(1/sqrt(m))^2/3", "2/m", assume=("m>0",),
        explanation="U(−a, a) has variance a²/3, so this is variance 1/(3m) (PyTorch's default for linear "
                    "layers); He initialization has variance 2/m, i.e. a = √(6/m)."),
    SeedCheck(
        "003", "initialization: the truncated normal uses the output size",
        "w_ij ~ N(0, sqrt(1/n)) for a layer with m inputs and n outputs (N(mean, standard deviation))",
        "sqrt(1/n)^2", "1/m", assume=("m>0", "n>0"),
        explanation="Flax's default (LeCun normal) has variance 1/fan_in = 1/m; the seed divides by the "
                    "output size n."),
    SeedCheck(
        "004", "L1 penalty: the derivative names the wrong weight",
        r"\frac{\partial \Omega_1}{\partial w_i} = \mathrm{sign}(w_k)",
        "sign(w_k)", derivative_of="Abs(w_i) + Abs(w_k)", wrt="w_i",
        explanation="∂/∂w_i Σ_k |w_k| = sign(w_i)."),
    SeedCheck(
        "004", "Adam: bias correction inside the running average",
        r"f_{accum}(R, G) = \frac{\rho R + (1 - \rho) G \odot G}{1 - \rho^T} \text{ (checked two steps from } R = 0)",
        "(rho*g_1^2 + (1 - rho)*g_2^2)/(1 - rho^2)",
        "(rho*(1 - rho)*g_1^2 + (1 - rho)*g_2^2)/(1 - rho^2)", assume=("0<rho<1",),
        explanation="Dividing the accumulator itself by 1 − ρ^T compounds the correction over the steps; "
                    "Adam keeps R = ρR + (1 − ρ)G⊙G and divides only the copy used in the step."),
    SeedCheck(
        "004", "second-order Taylor: Δpᵀ H Δp ≈ ΔF",
        r"\Delta p^T \cdot \mathrm{Hessian} \cdot \Delta p \approx \Delta F(x, y)",
        "F_xx*dx^2 + 2*F_xy*dx*dy + F_yy*dy^2",
        "F_x*dx + F_y*dy + (F_xx*dx^2 + 2*F_xy*dx*dy + F_yy*dy^2)/2",
        explanation="ΔF ≈ ∇Fᵀ Δp + ½ Δpᵀ H Δp: the gradient term and the ½ are missing."),
    SeedCheck(
        "002", "classification loss: constant for positive examples",
        r"\ell(\hat f, y_i) = \log\left(1 + \exp\left((1 - y_i) \hat f\right)\right) \text{ at } y_i = 1",
        "log(1 + exp((1 - 1)*f))", "log(1 + exp(-f))",
        explanation="With labels y ∈ {0, 1} the logistic loss is log(1 + e^f) − y f; the seed's formula is "
                    "right for y = 0 but is the constant log 2 for y = 1."),
    SeedCheck(
        "000", "Adam without its bias correction",
        "v = beta1 * v + (1 - beta1) * grad; s = beta2 * s + (1-beta2) * grad**2; w = w - lr * v / (sqrt(s) + eps)",
        "lr*v/(sqrt(s) + eps)", "lr*(v/(1 - beta_1^t))/(sqrt(s/(1 - beta_2^t)) + eps)",
        assume=("0<beta_1<1", "0<beta_2<1", "t>=1", "s>0", "eps>0", "lr>0"),
        explanation="The slide calls this Adam; it is Adam without bias correction (seed 001 says so). The two "
                    "steps agree only as β₁ᵗ, β₂ᵗ → 0, i.e. late in training."),
    SeedCheck(
        "001", "minibatch gradient: the summand does not depend on the example",
        r"\mathbf{g} = \frac{1}{m} \sum_{i=1}^m \nabla_{\theta} J(\theta)",
        r"\frac{1}{m} \sum_{i=1}^{m} g", r"\frac{1}{m} \sum_{i=1}^{m} g^{(i)}", latex=True,
        explanation="As written the sum is m copies of one gradient; the estimate averages per-example gradients "
                    "∇_θ L(f(x⁽ⁱ⁾; θ), y⁽ⁱ⁾)."),
    SeedCheck(
        "003", "batch normalization without the stabilizing constant",
        r"\hat{x}_{ij}^{(l)} = \frac{x_{ij}^{(l)} - \mu_x^{(l)}}{\sigma_x^{(l)}}",
        r"\frac{x - \mu}{\sigma}", r"\frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}", latex=True,
        assume=("sigma>0", "epsilon>0"),
        explanation="Ioffe and Szegedy (and seeds 001, 004) divide by √(σ² + ε); the seed's form is the limit "
                    "ε → 0 and divides by zero on a constant batch."),
    SeedCheck(
        "004", "the Hessian times the step is not the gradient",
        r"\text{Hessian} \cdot \Delta p \approx \text{Jacobian}, \text{ for } F(p) = \tfrac{a}{2} p^2 + b p",
        "a*dp", "a*p + b",
        explanation="H Δp approximates the *change* of the gradient, ∇F(p + Δp) − ∇F(p) (exact for a quadratic: "
                    "a Δp), not the gradient ∇F(p) = a p + b itself."),
)

#: formulas the seeds state correctly (each is found "equivalent")
CORRECT: tuple[SeedCheck, ...] = (
    SeedCheck(
        "001", "batch normalization: the node c = √e",
        r"\frac{\partial c^{(j)}}{\partial e^{(j)}} = \frac{1}{2\sqrt{e^{(j)}}}",
        r"\frac{1}{2\sqrt{e}}", derivative_of=r"\sqrt{e}", wrt="e", latex=True, assume=("e>0",),
        verdict="equivalent"),
    SeedCheck(
        "001", "batch normalization: the derivative of the variance in x^{(k)}",
        r"\frac{\partial \sigma^2}{\partial x^{(j)}} = \frac{2(x^{(j)} - \mu)}{m}",
        r"\frac{2(x^{(k)} - \mu)}{m}", derivative_of=r"\frac{1}{m} \sum_{j=1}^m (x^{(j)} - \mu)^2",
        wrt="x^{(k)}", latex=True, verdict="equivalent"),
    SeedCheck(
        "001", "batch normalization: the purple node",
        r"\frac{\partial \ell}{\partial e^{(j)}} = -\frac{1}{2} \frac{1}{(\sigma^2 + \epsilon)^{3/2}} (x^{(j)} - \mu) \frac{\partial \ell}{\partial \hat{x}^{(j)}}",
        r"-\frac{1}{2} \frac{1}{(\sigma^2 + \epsilon)^{3/2}} (x - \mu) \frac{\partial \ell}{\partial \hat{x}}",
        r"\frac{1}{2\sqrt{\sigma^2 + \epsilon}} \cdot \left(-\frac{1}{(\sqrt{\sigma^2+\epsilon})^2}\right) (x - \mu) \frac{\partial \ell}{\partial \hat{x}}",
        latex=True, assume=("sigma>0", "epsilon>0"), verdict="equivalent",
        explanation="∂ℓ/∂e = (∂c/∂e)(∂b/∂c)(∂ℓ/∂b) with c = √e, e = σ² + ε, ∂ℓ/∂b = (x − μ)∂ℓ/∂x̂."),
    SeedCheck(
        "001", "Nesterov momentum: the change of variables θ̃ = θ + αv",
        r"\tilde{\theta}_{\text{new}} = \tilde{\theta}_{\text{old}} + \mathbf{v}_{\text{new}} + \alpha (\mathbf{v}_{\text{new}} - \mathbf{v}_{\text{old}})",
        "(theta_old + alpha*v_old) + v_new + alpha*(v_new - v_old)", "(theta_old + v_new) + alpha*v_new",
        verdict="equivalent",
        explanation="θ̃_old = θ_old + αv_old and θ̃_new = θ_new + αv_new with θ_new = θ_old + v_new."),
    SeedCheck(
        "001", "momentum unrolled",
        r"v_3 = \alpha v_2 - \varepsilon g_3 = -\varepsilon (\alpha^2 g_1 + \alpha g_2 + g_3)",
        "-epsilon*(alpha^2*g_1 + alpha*g_2 + g_3)", "alpha*(alpha*(-epsilon*g_1) - epsilon*g_2) - epsilon*g_3",
        verdict="equivalent"),
    SeedCheck(
        "001", "weight decay as a shrink-then-step update",
        r"\mathbf{w} \leftarrow (1 - \epsilon \alpha) \mathbf{w} - \epsilon \nabla_{\mathbf{w}} J",
        "(1 - epsilon*alpha)*w - epsilon*gradJ", "w - epsilon*(gradJ + alpha*w)", verdict="equivalent"),
    SeedCheck(
        "004", "symmetry of the mixed partials of L = 4x²y + 3y³x²",
        r"\frac{\partial^2 L}{\partial x \partial y} = \frac{\partial^2 L}{\partial y \partial x}",
        "diff(4*x^2*y + 3*y^3*x^2, y, x)", derivative_of="diff(4*x^2*y + 3*y^3*x^2, x)", wrt="y",
        verdict="equivalent"),
    SeedCheck(
        "003", "Glorot uniform initialization has variance 2/(m + n)",
        r"w_{ij} \sim \mathcal{U}\left(-\sqrt{\frac{6}{m+n}}, \sqrt{\frac{6}{m+n}}\right)",
        r"\frac{1}{3}\left(\sqrt{\frac{6}{m+n}}\right)^2", r"\frac{2}{m+n}", latex=True,
        assume=("m>0", "n>0"), verdict="equivalent",
        explanation="U(−a, a) has variance a²/3: the Glorot normal variance 2/(m + n) of seed 000."),
    SeedCheck(
        "003", "linear learning-rate decay",
        r"\epsilon_k = (1 - lpha)\epsilon_0 + lpha \epsilon_	au, \quad lpha = k/	au",
        r"(1 - rac{k}{	au}) \epsilon_0 + rac{k}{	au} \epsilon_	au",
        r"\epsilon_0 + rac{k}{	au}(\epsilon_	au - \epsilon_0)", latex=True, assume=("tau>0",),
        verdict="equivalent"),
    SeedCheck(
        "004", "dropout weight scaling at test time",
        "prior to testing, multiply all weights by (1 − p_h), p_h = prob. dropping hidden nodes",
        "(1 - p_h)*w*h", "w*((1 - p_h)*h + p_h*0)", assume=("0<p_h<1",), verdict="equivalent",
        explanation="The expected training-time input w·m·h with m ~ Bernoulli(1 − p_h) equals the scaled weight "
                    "times h."),
    SeedCheck(
        "000", "weight decay shrinks by 1 − ηλ",
        r"	heta \leftarrow 	heta - \eta \cdot \lambda \cdot 	heta", r"	heta - \eta \lambda 	heta",
        r"(1 - \eta\lambda)	heta", latex=True, verdict="equivalent"),
)


def _value(text: str | None) -> str:
    return "—" if text is None else f"`{text}`"


def _section(example: SeedCheck, result: CheckResult) -> list[str]:
    lines = [f"### Seed {example.seed}: {example.topic}", "", f"The seed says: {_format_says(example.says)}", ""]
    lines += ["```", example.command(), "```", ""]
    verdict = result.verdict.value
    lines += [f"**{verdict}** ({result.method}, {result.seconds:.2f} s)", ""]
    if result.counterexample is not None:
        point = ", ".join(f"{k} = {v}" for k, v in result.counterexample)
        lines += [f"- counterexample: {point}",
                  f"- claimed value {_value(result.claimed_value)}, expected value {_value(result.expected_value)}"]
    lines += [f"- {d}" for d in result.diagnostics]
    if example.explanation:
        lines += ["", example.explanation]
    return lines + [""]


def _format_says(says: str) -> str:
    return f"$`{says}`$" if "\\" in says else f"“{says}”"


def docs_pages() -> list[Page]:
    """One page: how to check a derivation, with every seed example run through the checker."""
    lines = [
        "# Checking hand derivations",
        "",
        "`derivkit check CLAIMED EXPECTED` says whether two formulas are equal: **equivalent** (exit 0), "
        "**different** (exit 1, with a point where they disagree and both values there) or **undecided** "
        "(exit 3: nothing could decide within the time limit). Bad input is one line and exit 2. "
        "Formulas are SymPy style (`x^2`, `sqrt(x)`, `x[j]`, `Sum(x[j], (j, 1, m))`) or, with `--latex`, "
        "LaTeX as written in lecture notes (`\\frac`, `\\sqrt`, `\\sum_{j=1}^{m}`, Greek letters, `\\hat{x}`, "
        "`x^{(j)}`, `\\frac{\\partial \\ell}{\\partial y_j}` as one symbol). Input is parsed, never evaluated "
        "as code.",
        "",
        "```",
        "derivkit check '(x+1)^2' 'x^2 + 2*x + 1'                      # equivalent (symbolic)",
        "derivkit check 'sqrt(x^2)' 'x'                                 # different: x = -1.5 ...",
        "derivkit check 'sqrt(x^2)' 'x' --assume 'x>0'                  # equivalent",
        "derivkit check '2*(x[k]-mu)/m' --derivative-of 'Sum((x[j]-mu)^2, (j,1,m))/m' --wrt 'x[k]'",
        "derivkit check CLAIMED --against NAME --json                    # a registered result (derivkit list)",
        "```",
        "",
        "## How a check decides",
        "",
        "1. **Structure**: the two parse to the same expression tree.",
        "2. **Numeric screen**: three probe points; a disagreement (confirmed at 80 digits) is final, so no "
        "time goes into simplifying a pair that differs.",
        "3. **Symbolic**: a time-bounded zero test of the difference (expand, cancel, simplify; trigonometric "
        "and hyperbolic functions also rewritten as exponentials).",
        "4. **Numeric probes**: 12 random rational points in the domain the assumptions give, evaluated at 40 "
        "digits with adaptive precision (Schwartz–Zippel: a nonzero rational function of degree d vanishes at "
        "a random point of a grid with N values per coordinate with probability at most d/N). Points where "
        "either side is not finite are skipped and redrawn. Agreement at every point is reported as "
        "*equivalent (numeric probes)* with a note that no symbolic proof was found.",
        "",
        "Sums with a symbolic size (`m`) are first compared with the size left symbolic; if that does not "
        "simplify to zero they are instantiated for m = 2, 3 (proved) and 4, 6 (probed), and a free index "
        "(`x[k]`) takes each end of its range (a note then says the verdict holds for those sizes). Assumptions (`--assume 'x>0'`, `'0<p<1'`, `'n>=1'`) make the "
        "symbol positive for simplification and restrict the probes. Every check returns within `--timeout` "
        "(default 10 s): a timer interrupts simplification, and whatever was decided by then is reported.",
        "",
        "When two formulas differ, the diagnostics say what kind of slip it may be: equal **up to sign**, up "
        "to a **constant factor**, up to an **additive constant**, equal when a **small constant** "
        "(ε, δ, ν) → 0, equal **under an assumption** (positivity of some symbols), and which names one side "
        "uses and the other does not.",
        "",
        "With `--against NAME` the claim is compared with the right-hand side of a registered result. Names "
        "are matched by spelling, ignoring LaTeX markup: `\\hat{x}`, `x̂` and `xhat` are one name, `σ` and "
        "`\\sigma` are `sigma`, `\\varepsilon` is `epsilon`, `x[j]` and `x^{(j)}` are the result's indexed "
        "`x`; the result's sizes, index ranges and definitions are used.",
        "",
        "## Slips in the seed lecture notes",
        "",
        "Each formula below is stated in a seed; the checker compares it with the right one.",
        "",
    ]
    for example in SLIPS:
        lines += _section(example, example.run())
    lines += ["## Seed formulas that check out", ""]
    for example in CORRECT:
        lines += _section(example, example.run())
    return [Page("check.md", "Checking hand derivations", "\n".join(lines), section="Guides")]
