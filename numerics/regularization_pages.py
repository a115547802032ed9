"""Figures and numeric demonstrations for the regularization, dropout, initialization and ensemble pages.

Each :class:`~numerics.docs.Page` is attached to the derivation it
demonstrates.  Every number comes from code compiled from the derivations
(shrinkage factors, soft thresholding, inverted-dropout scale, depth variance,
ensemble error) and from small simulations with fixed seeds.

Examples
========

>>> import numpy as np
>>> X, y, w_true = synthetic_regression(np.random.default_rng(0))
>>> X.shape, int((w_true != 0).sum())
((60, 8), 3)
"""

from __future__ import annotations

import numpy as np

from .docs import Page
from .dropout_simulation import simulate_dropout
from .early_stopping import compare_shrinkage, gradient_descent_quadratic
from .ensemble_error import simulate_ensemble
from .penalized_regression import lasso_kkt_violation, lasso_path, noisy_input_fit, ridge_path
from .plots import new_figure, png_bytes
from .signal_propagation import SCHEMES, simulate_depth

__all__ = ["docs_pages", "synthetic_regression"]


def synthetic_regression(rng: np.random.Generator, n: int = 60, d: int = 8):
    """A regression with 3 informative of ``d`` correlated features (fixed seed in the caller)."""
    cov = 0.5 ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
    X = rng.standard_normal((n, d)) @ np.linalg.cholesky(cov).T
    w_true = np.zeros(d)
    w_true[[0, d // 2, d - 1]] = [3.0, -2.0, 1.5]
    y = X @ w_true + 0.5 * rng.standard_normal(n)
    return X, y, w_true


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# ----------------------------------------------------------------- L1 versus L2 paths
def _paths_page() -> Page:
    X, y, w_true = synthetic_regression(np.random.default_rng(6))
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
            if act == "relu":
                ax.semilogy(layers, r.predicted, "--", color=line.get_color(), lw=0.8)
                rows.append([scheme.name, f"{float(scheme.variance(width, width)) * width:.4g}",
                             f"{r.variance[-1]:.3g}", f"{r.predicted[-1]:.3g}"])
    ax1.set(title="ReLU (dashed: derived (dσ²/2)^(L−1) v₁)", xlabel="layer", ylabel="Var of pre-activation")
    ax2.set(title="tanh", xlabel="layer")
    ax2.legend(fontsize=7)
    md = "\n".join([
        "## Demonstration: activation variance against depth", "",
        f"Square layers of width {width}, standard-normal inputs, no biases; each scheme samples its own "
        "distribution (normal std or uniform bound), the dashed lines use the derived variances. "
        "2 networks per curve, fixed seeds.", "",
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
    X, y, _ = synthetic_regression(np.random.default_rng(7), n=40, d=4)
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


def docs_pages() -> list[Page]:
    """Every demonstration page, each attached to its derivation."""
    return [_paths_page(), _early_stopping_page(), _dropout_page(), _depth_page(), _ensemble_page(),
            _input_noise_page()]
