"""Figures and numeric demonstrations for the regularization, dropout, initialization and ensemble pages.

Each :class:`~numerics.site.page.Page` is attached to the derivation it
demonstrates.  Every number comes from code compiled from the derivations
(shrinkage factors, soft thresholding, inverted-dropout scale, depth variance,
ensemble error) and from small simulations with fixed seeds.

Examples
========

>>> import numpy as np
>>> data = synthetic_regression(60, 8, np.random.default_rng(0), teacher=Teacher.SPARSE_LINEAR, correlation=0.5, noise=0.5)
>>> X, y, w_true = data.X, data.y, data.w
>>> X.shape, int((w_true != 0).sum())
((60, 8), 3)
"""

from __future__ import annotations

import numpy as np

from numerics.analysis.synthetic import Teacher, synthetic_regression
from numerics.site.page import Page
from numerics.analysis.dropout import simulate_dropout
from numerics.analysis.early_stopping import compare_shrinkage, gradient_descent_quadratic
from numerics.analysis.ensembles import simulate_ensemble
from numerics.analysis.dropout import inverted_scale
from numerics.analysis.penalized_regression import lasso_kkt_violation, lasso_path, noisy_input_fit, ridge_path, shrinkage_factor, soft_threshold
from numerics.site.plots import new_figure, png_bytes
from numerics.analysis.signal_propagation import SCHEMES, mean_field_variance, simulate_depth, tanh_depth_variance

__all__ = ["docs_pages"]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# ----------------------------------------------------------------- L1 versus L2 paths
def _paths_page() -> Page:
    data = synthetic_regression(60, 8, np.random.default_rng(6), teacher=Teacher.SPARSE_LINEAR, correlation=0.5, noise=0.5)
    X, y, w_true = data.X, data.y, data.w
    alphas = np.geomspace(0.05, 400.0, 40)
    lasso = lasso_path(X, y, alphas)
    ridge = ridge_path(X, y, alphas)
    fig, (ax1, ax2) = new_figure(9.0, 3.6, ncols=2, sharey=True)
    for jj in range(X.shape[1]):
        style = "-" if w_true[jj] else ":"
        ax1.semilogx(alphas, lasso.coef[:, jj], style)
        ax2.semilogx(alphas, ridge.coef[:, jj], style)
    ax1.set(title="L1 (lasso): coefficients hit 0", xlabel="α", ylabel="coefficient")
    ax2.set(title="L2 (ridge): coefficients only shrink", xlabel="α")
    for ax in (ax1, ax2):
        ax.axhline(0.0, color="k", lw=0.5)
    nonzero = (np.abs(lasso.coef) > 0).sum(1)
    kkt = max(lasso_kkt_violation(X, y, w, a) for w, a in zip(lasso.coef, alphas))
    pick = [0, 13, 26, 39]
    rows = [[f"{alphas[i]:.3g}", str(nonzero[i]), str(int((np.abs(ridge.coef[i]) > 1e-12).sum()))] for i in pick]
    md = "\n".join([
        "## Demonstration: L1 versus L2 coefficient paths", "",
        "A synthetic regression (n = 60, d = 8 correlated features, 3 informative — solid lines; "
        "seed 6). Lasso by coordinate descent with the compiled soft-thresholding step, warm-started "
        "along the path; ridge from one SVD and the compiled factor λ/(λ + α). "
        f"Largest KKT violation along the lasso path: {kkt:.1e}.", "",
        "![L1 and L2 coefficient paths](figures/regularization-paths.png)", "",
        _table(["α", "nonzero lasso coefficients", "nonzero ridge coefficients"], rows),
    ])
    return Page("regularization-paths.md", "L1 vs L2 paths", md, section="regularization",
                files=(("figures/regularization-paths.png", png_bytes(fig)),), attach_to="regularization.l1_sparsity")


# ----------------------------------------------------------------- early stopping
def _early_stopping_page() -> Page:
    eps, tau = 0.05, 20
    lambdas = np.geomspace(0.01, 19.0, 200)
    cmp = compare_shrinkage(lambdas, eps, tau)
    # gradient descent itself on a diagonal quadratic: the fraction of w* it recovers per direction
    probe = np.array([0.05, 0.5, 2.0, 10.0])
    gd = gradient_descent_quadratic(np.diag(probe), np.ones(probe.size), eps, tau)
    fig, ax = new_figure(6.0, 3.8)
    ax.semilogx(lambdas, cmp.early_stopping, label=f"early stopping 1 − (1 − ελ)^τ (ε = {eps}, τ = {tau})")
    ax.semilogx(lambdas, cmp.l2, "--", label=f"L2 λ/(λ + α), α = 1/(τε) = {cmp.alpha:g}")
    ax.semilogx(probe, gd, "o", label="gradient descent, simulated")
    ax.set(xlabel="Hessian eigenvalue λ", ylabel="fraction of w* kept")
    ax.legend(fontsize=8)
    gap = float(np.max(cmp.early_stopping - cmp.l2))
    md = "\n".join([
        "## Demonstration: early stopping versus L2 shrinkage", "",
        "Both factors compiled from the derivation; dots are τ actual gradient-descent steps on "
        "½(w − w*)ᵀH(w − w*) with H = diag(0.05, 0.5, 2, 10) and w* = 1. Early stopping keeps at least "
        f"as much as the matched L2 everywhere (largest excess {gap:.3f}), and the two agree for "
        "ελ ≪ 1 and for λ ≫ α.", "",
        "![early stopping vs L2](figures/early-stopping.png)",
    ])
    return Page("early-stopping-demo.md", "Early stopping vs L2", md, section="regularization",
                files=(("figures/early-stopping.png", png_bytes(fig)),), attach_to="regularization.early_stopping")


# ----------------------------------------------------------------- dropout
def _dropout_page() -> Page:
    p = np.linspace(0.1, 0.9, 9)
    sim = simulate_dropout(p, samples=20000, rng=np.random.default_rng(0))
    fig, ax = new_figure(6.0, 3.8)
    ax.errorbar(p, sim.inverted_mean, yerr=3 * sim.inverted_stderr, fmt="o", label="inverted: m·h/(1 − p)")
    ax.errorbar(p, sim.seed000_mean, yerr=3 * sim.seed000_stderr, fmt="s", label="seed 000: m·h/p")
    grid = np.linspace(0.1, 0.9, 100)
    ax.plot(grid, np.ones_like(grid), "k-", lw=0.8, label="h = 1")
    ax.plot(grid, (1 - grid) / grid, "k:", lw=0.8, label="(1 − p)/p")
    ax.set(xlabel="drop probability p", ylabel="E[h̃] (sample mean, h = 1)", yscale="log")
    ax.legend(fontsize=8)
    rows = [[f"{pi:.1f}", f"{k:.4f}", f"{a:.4f} ± {3 * sa:.4f}", f"{b:.4f}"]
            for pi, k, a, sa, b in zip(sim.p, sim.keep_fraction, sim.inverted_mean, sim.inverted_stderr,
                                       sim.seed000_mean)][::2]
    md = "\n".join([
        "## Demonstration: the dropout expectation by simulation", "",
        f"{sim.samples} masks per p (seed 0), unit activation h = 1. The inverted scale 1/(1 − p) is "
        "compiled from the derivation; error bars are 3 standard errors.", "",
        "![dropout expectation](figures/dropout-expectation.png)", "",
        _table(["p", "kept fraction", "inverted mean ± 3 s.e.", "seed 000 (1/p) mean"], rows),
    ])
    return Page("dropout-demo.md", "Dropout by simulation", md, section="dropout",
                files=(("figures/dropout-expectation.png", png_bytes(fig)),), attach_to="dropout.mask")


# ----------------------------------------------------------------- initialization through depth
def _depth_page() -> Page:
    width, depth = 128, 15
    fig, (ax1, ax2) = new_figure(9.0, 3.8, ncols=2)
    rows = []
    for idx, scheme in enumerate(SCHEMES):
        for ax, act in ((ax1, "relu"), (ax2, "tanh")):
            r = simulate_depth(scheme, act, width=width, depth=depth, batch=32,
                               rng=np.random.default_rng(100 + idx), trials=2)
            layers = np.arange(1, depth + 1)
            line, = ax.semilogy(layers, r.variance, "o-", ms=3, label=scheme.name)
            gain = float(scheme.variance(width, width)) * width
            if act == "relu":
                ax.semilogy(layers, r.predicted, "--", color=line.get_color(), lw=0.8)
            else:
                ax.semilogy(layers, mean_field_variance("tanh", gain, r.variance[0], depth), "--",
                            color=line.get_color(), lw=0.8)
                if idx == 1:  # Xavier: d σ² = 1
                    ax.semilogy(layers, tanh_depth_variance(layers, 1.0), "k:", lw=1.0,
                                label="derived 1/(1 + 2(L − 1)) (d σ² = 1)")
                rows.append([scheme.name, f"{float(scheme.variance(width, width)) * width:.4g}",
                             f"{r.variance[-1]:.3g}", f"{r.predicted[-1]:.3g}"])
    ax1.set(title="ReLU (dashed: derived (dσ²/2)^(L−1) v₁)", xlabel="layer", ylabel="Var of pre-activation")
    ax2.set(title="tanh (dashed: mean-field recursion)", xlabel="layer")
    ax2.legend(fontsize=7)
    md = "\n".join([
        "## Demonstration: activation variance against depth", "",
        f"Square layers of width {width}, standard-normal inputs, no biases; each scheme samples its own "
        "distribution (normal std or uniform bound), the dashed lines use the derived variances. "
        "2 networks per curve, fixed seeds. For tanh the dashed lines are the infinite-width recursion "
        "v ← d σ² E[tanh(sqrt(v) z)²] (Gauss–Hermite quadrature) and the dotted line the derived "
        "asymptotics of initialization.tanh_depth.", "",
        "![variance against depth](figures/init-depth.png)", "",
        _table(["scheme", "d·σ²", f"simulated Var at layer {depth} (ReLU)", "derived"], rows),
    ])
    return Page("init-depth-demo.md", "Variance through depth", md, section="initialization",
                files=(("figures/init-depth.png", png_bytes(fig)),), attach_to="initialization.relu_depth")


# ----------------------------------------------------------------- ensembles
def _ensemble_page() -> Page:
    k = np.arange(1, 11)
    fig, ax = new_figure(6.0, 3.8)
    rows = []
    for idx, c in enumerate((0.0, 0.3, 0.7)):
        sim = simulate_ensemble(1.0, c, k, 20000, np.random.default_rng(idx))
        ax.errorbar(k, sim.simulated, yerr=3 * sim.stderr, fmt="o", ms=3, label=f"simulated, c = {c}")
        ax.plot(k, sim.predicted, "-", lw=0.8)
        rows.append([f"{c}", f"{sim.simulated[-1]:.4f} ± {3 * sim.stderr[-1]:.4f}", f"{sim.predicted[-1]:.4f}"])
    ax.set(xlabel="number of models k", ylabel="E[(mean error)²]", title="v = 1; lines: v/k + (k − 1)c/k")
    ax.legend(fontsize=8)
    md = "\n".join([
        "## Demonstration: Monte-Carlo check", "",
        "20000 draws of equicorrelated errors ε_i = sqrt(c) z₀ + sqrt(v − c) z_i per curve (seeds 0–2).", "",
        "![ensemble error](figures/ensemble-error.png)", "",
        _table(["c", "simulated (k = 10) ± 3 s.e.", "derived"], rows),
    ])
    return Page("ensemble-demo.md", "Ensemble error by simulation", md, section="ensembles",
                files=(("figures/ensemble-error.png", png_bytes(fig)),), attach_to="ensembles.average_error")


# ----------------------------------------------------------------- input noise
def _input_noise_page() -> Page:
    data = synthetic_regression(40, 4, np.random.default_rng(7), teacher=Teacher.SPARSE_LINEAR, correlation=0.5, noise=0.5)
    X, y, _ = data.X, data.y, data.w
    nus = np.array([0.0, 0.1, 0.5, 2.0])
    n = X.shape[0]
    ridge = ridge_path(X, y, n * nus).coef
    rng = np.random.default_rng(8)
    noisy = np.array([noisy_input_fit(X, y, nu, 200, rng) for nu in nus])
    fig, ax = new_figure(6.0, 3.6)
    for jj in range(X.shape[1]):
        line, = ax.plot(nus, ridge[:, jj], "-")
        ax.plot(nus, noisy[:, jj], "o", color=line.get_color())
    ax.set(xlabel="input noise variance ν", ylabel="coefficient",
           title="lines: ridge with α = nν; dots: least squares on noisy copies")
    gap = float(np.max(np.abs(noisy - ridge)))
    md = "\n".join([
        "## Demonstration: training with noise", "",
        f"Least squares on 200 noisy replicas of a 40 × 4 design (seed 8) against the derived ridge "
        f"solution with α = nν. Largest coefficient gap: {gap:.3f} (Monte-Carlo error; it shrinks like "
        "1/sqrt(replicas)).", "",
        "![input noise as ridge](figures/input-noise.png)",
    ])
    return Page("input-noise-demo.md", "Input noise as ridge", md, section="regularization",
                files=(("figures/input-noise.png", png_bytes(fig)),), attach_to="regularization.input_noise")


# ----------------------------------------------------------------- shrinkage factors and the prox
def _eigen_page() -> Page:
    lam = np.geomspace(1e-3, 1e3, 300)
    fig, ax = new_figure(6.0, 3.6)
    for alpha in (0.01, 1.0, 100.0):
        ax.semilogx(lam, shrinkage_factor(lam, alpha), label=f"α = {alpha:g}")
    ax.set(xlabel="Hessian eigenvalue λᵢ", ylabel="λᵢ/(λᵢ + α)", title="fraction of w* kept along eigenvector i")
    ax.legend(fontsize=8)
    data = synthetic_regression(50, 6, np.random.default_rng(12), teacher=Teacher.SPARSE_LINEAR, correlation=0.5, noise=0.5)
    X, y, _ = data.X, data.y, data.w
    alphas = np.array([0.1, 10.0, 1000.0])
    path = ridge_path(X, y, alphas).coef
    ref = np.array([np.linalg.solve(X.T @ X + a * np.eye(6), X.T @ y) for a in alphas])
    md = "\n".join([
        "## Demonstration: the shrinkage factor", "",
        "The compiled factor λ/(λ + α): directions of high curvature keep their component, flat ones lose it. "
        "The same factor in the singular basis of X gives ridge regression: on a 50 × 6 synthetic design "
        f"(seed 12) it matches (XᵀX + αI)⁻¹Xᵀy to {np.max(np.abs(path - ref)):.1e} for α ∈ {{0.1, 10, 1000}}.",
        "", "![shrinkage factor](figures/shrinkage-factor.png)",
    ])
    return Page("shrinkage-demo.md", "Shrinkage factor", md, section="regularization",
                files=(("figures/shrinkage-factor.png", png_bytes(fig)),), attach_to="regularization.eigen_rescaling")


def _prox_page() -> Page:
    v = np.linspace(-3, 3, 601)
    t = 1.0
    fig, ax = new_figure(6.0, 3.6)
    ax.plot(v, soft_threshold(v, t), label="L1: soft threshold S₁(v)")
    ax.plot(v, v / (1 + t), "--", label="L2: v/(1 + t) (prox of (t/2)u²)")
    ax.plot(v, v, ":", color="gray", lw=0.8, label="no penalty")
    ax.axvspan(-t, t, color="0.9")
    ax.set(xlabel="v", ylabel="proximal step", title="t = εα = 1: every |v| ≤ t is set exactly to 0")
    ax.legend(fontsize=8)
    md = "\n".join([
        "## Demonstration: the two proximal steps", "",
        "The compiled soft-thresholding operator against the L2 proximal step v/(1 + t), which only "
        "shrinks. The shaded band is where L1 returns exactly zero.", "",
        "![proximal steps](figures/prox.png)",
    ])
    return Page("prox-demo.md", "Proximal steps", md, section="regularization",
                files=(("figures/prox.png", png_bytes(fig)),), attach_to="regularization.soft_threshold")


# ----------------------------------------------------------------- geometric mean
def _geometric_page() -> Page:
    import itertools

    rng = np.random.default_rng(13)
    n_in, n_cls, p = 6, 4, 0.5
    W, b, h = rng.standard_normal((n_cls, n_in)), rng.standard_normal(n_cls), rng.standard_normal(n_in)
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=n_in)))
    probs = np.prod(np.where(masks == 1, 1 - p, p), axis=1)
    logits = (masks * h) @ W.T + b
    preds = np.exp(logits - logits.max(1, keepdims=True))
    preds /= preds.sum(1, keepdims=True)
    geo = np.exp(probs @ np.log(preds))
    z = W @ (h / inverted_scale(p)) + b  # weights scaled by 1 − p
    scaled = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    arith = probs @ preds
    fig, ax = new_figure(6.0, 3.4)
    xs = np.arange(n_cls)
    ax.bar(xs - 0.27, geo / geo.sum(), 0.27, label="renormalized geometric mean (2⁶ sub-networks)")
    ax.bar(xs, scaled, 0.27, label="weight scaling softmax(W h/2 + b)")
    ax.bar(xs + 0.27, arith, 0.27, label="arithmetic mean (ensemble average)")
    ax.set(xlabel="class", ylabel="probability", xticks=xs)
    ax.legend(fontsize=7)
    md = "\n".join([
        "## Demonstration: all 64 sub-networks of a softmax layer", "",
        f"6 inputs, 4 classes, p = ½ (seed 13), every mask enumerated. Renormalized geometric mean vs weight "
        f"scaling: largest difference {np.max(np.abs(geo / geo.sum() - scaled)):.1e}; raw geometric mean "
        f"sums to {geo.sum():.4f}, not 1; arithmetic mean differs from weight scaling by up to "
        f"{np.max(np.abs(arith - scaled)):.3f}.", "",
        "![geometric mean](figures/geometric-mean.png)",
    ])
    return Page("geometric-mean-demo.md", "Geometric mean by enumeration", md, section="dropout",
                files=(("figures/geometric-mean.png", png_bytes(fig)),), attach_to="dropout.geometric_mean")


# ----------------------------------------------------------------- uniform schemes
def _uniform_page() -> Page:
    d_in = d_out = 256
    rng = np.random.default_rng(14)
    fig, ax = new_figure(6.0, 3.6)
    rows = []
    for scheme in SCHEMES:
        W = scheme.sample(d_out, d_in, rng)
        ax.hist(W.ravel(), bins=80, histtype="step", density=True, label=scheme.name)
        rows.append([scheme.name, f"{float(scheme.variance(d_in, d_out)):.3e}", f"{W.var():.3e}"])
    ax.set(xlabel="weight", ylabel="density", title=f"d_in = d_out = {d_in}")
    ax.legend(fontsize=7)
    md = "\n".join([
        "## Demonstration: sampled weights", "",
        f"{d_in} × {d_out} weights per scheme (seed 14), each drawn from its own definition (normal std or "
        "uniform bound); the derived variance against the sample variance.", "",
        "![weight distributions](figures/init-schemes.png)", "",
        _table(["scheme", "derived variance", "sample variance"], rows),
    ])
    return Page("init-schemes-demo.md", "Sampled initializations", md, section="initialization",
                files=(("figures/init-schemes.png", png_bytes(fig)),), attach_to="initialization.uniform_variance")


# ----------------------------------------------------------------- the errata found in the seeds
_TOPICS = ("regularization.", "dropout.", "initialization.", "ensembles.")
# Differs steps that compare two defensible conventions: shown under "Conventions", not as errata
_CONVENTIONS = (
    ("initialization.uniform_variance", "He-uniform",
     "Seed 003 calls U(±1/√m) 'He-uniform-initialization ... the default for Linear-Layers in Pytorch'. "
     "PyTorch's nn.Linear does draw U(±1/√m): kaiming_uniform_ with a = √5, variance 1/(3m). He et al.'s "
     "own uniform is U(±√(6/m)), variance 2/m. The seed names the framework's default after the function "
     "that computes it; both readings appear in the literature."),
    ("initialization.fan_in_variance", "zero-mean inputs",
     "Seed 000's Var[wᵀx] = d σ² γ² carries the standard assumption of zero-mean inputs (Glorot & Bengio "
     "2010; He et al. 2015 keep E[x²] instead). With mean μ the exact value is d σ²(γ² + μ²)."),
    ("regularization.l1_sparsity", "margin note",
     "Seed 001's handwritten margin note 'gradients get smaller closer to 0' beside the L1 slide describes "
     "the L2 pull α|w|; whether it refers to L1 or contrasts it with L2 cannot be told from the note."),
)


def _errata_page() -> Page:
    from derivations import registry
    from derivations.record import Differs

    rows = []
    for name in registry.names():
        if not name.startswith(_TOPICS):
            continue
        for number, step in enumerate(registry.get(name).steps, 1):
            if isinstance(step.claim, Differs) and not any(
                    name == n and key in step.rule for n, key, _ in _CONVENTIONS):
                rows.append([step.seed, f"[{name}]({name}.md) step {number}", step.rule.replace("|", "\\|")])
    rows.sort(key=lambda r: (r[0], r[1]))
    md = "\n".join([
        "# Seed errata: regularization, dropout, initialization, ensembles", "",
        "Every row is a `Differs` step: the seed's formula as stated, checked against the derived one; "
        "the linked page shows the machine-confirmed counterexample.", "",
        _table(["seed", "where", "what the seed says, and what is right"], rows), "",
        "## Conventions, not errata", "",
        "These `Differs` steps compare two formulas that are both in use; the derivation pages prove that "
        "they differ, and this page does not count them as mistakes.", "",
        *(f"- [{name}]({name}.md): {text}" for name, _, text in _CONVENTIONS),
    ])
    return Page("regularization-errata.md", "Seed errata (regularization, dropout, initialization)", md,
                section="seeds")


def docs_pages() -> list[Page]:
    """Every demonstration page, each attached to its derivation, and the errata overview."""
    return [_paths_page(), _early_stopping_page(), _dropout_page(), _depth_page(), _ensemble_page(),
            _input_noise_page(), _eigen_page(), _prox_page(), _geometric_page(), _uniform_page(), _errata_page()]
