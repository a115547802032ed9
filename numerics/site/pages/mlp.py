r"""Curvature experiments on seed 000's two-layer MLP: the docs page with its figures.

Three experiments, all on small nets so that ``make docs`` stays fast (sizes
are stated on the page):

(a) the L2 penalty :math:`\tfrac{\alpha}{2}\lVert\theta\rVert^2` shifts every
    Hessian eigenvalue by exactly :math:`\alpha`;
(b) training with and without batch norm: top eigenvalue, outliers and
    condition number along gradient descent, and the spectral density by
    stochastic Lanczos quadrature at the end;
(c) the null directions batch norm creates (the bias before it, the scale of
    the incoming weights), and the gradient-descent stability bound
    :math:`\eta < 2/\lambda_{\max}`.

Examples
========

>>> r = l2_shift_experiment(hidden=3, inputs=2, samples=16, alpha=0.1)
>>> r.max_error < 1e-10
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from numerics.site.page import Page
from numerics.analysis.mlp import MLPSpec, init_parameters, mlp_loss
from numerics.analysis.synthetic import synthetic_regression
from numerics.site.plots import new_figure, png_bytes
from numerics.analysis.spectrum import SpectralDensity, condition_number, dense_hessian, gd_stability, slq_density

OUTLIER_FRACTION = 0.05  # an outlier: an eigenvalue above 5% of λ_max
NULL_TOL = 1e-8  # |λ| <= 1e-8 λ_max counts as zero


def _hessian(f, theta) -> np.ndarray:
    return dense_hessian(lambda v: f.hessp(theta, v), f.n_params)


@dataclass(frozen=True)
class L2Shift:
    """Eigenvalues without and with the penalty, and the largest deviation of the shift from α."""

    alpha: float
    eigenvalues: tuple[float, ...]
    shifted: tuple[float, ...]
    max_error: float
    parameters: int


def l2_shift_experiment(hidden=8, inputs=3, samples=64, alpha=0.05, seed=0) -> L2Shift:
    """Dense Hessians of the same net at the same point with α = 0 and α > 0."""
    data = synthetic_regression(samples, inputs, seed=seed)
    X, y = data.X, data.y
    plain = mlp_loss(MLPSpec(inputs, hidden, "tanh", "squared", True, 0.0), X, y)
    pen = mlp_loss(MLPSpec(inputs, hidden, "tanh", "squared", True, alpha), X, y)
    theta = init_parameters(plain.spec, seed)
    theta = minimize(plain.value_and_grad, theta, jac=True, method="L-BFGS-B", options={"maxiter": 30}).x
    e0 = np.linalg.eigvalsh(_hessian(plain, theta))
    ea = np.linalg.eigvalsh(_hessian(pen, theta))
    return L2Shift(alpha, tuple(e0), tuple(ea), float(np.max(np.abs(ea - e0 - alpha))), plain.n_params)


@dataclass(frozen=True)
class Snapshot:
    """The exact spectrum's summary at one training step."""

    step: int
    loss: float
    lambda_max: float
    lambda_min: float
    outliers: int
    zeros: int
    condition: float


@dataclass(frozen=True)
class TrainingCurvature:
    """Gradient descent on one variant with spectrum snapshots; the final Hessian's eigenvalues and SLQ."""

    bn: bool
    eta: float
    parameters: int
    snapshots: tuple[Snapshot, ...]
    final_eigenvalues: tuple[float, ...]
    slq_nodes: tuple[tuple[float, ...], ...]
    slq_weights: tuple[tuple[float, ...], ...]


def _snapshot(step, f, theta) -> tuple[Snapshot, np.ndarray]:
    eigs = np.linalg.eigvalsh(_hessian(f, theta))
    top = eigs[-1]
    zeros = int(np.sum(np.abs(eigs) <= NULL_TOL * top))
    snap = Snapshot(step, f.fun(theta), float(top), float(eigs[0]), int(np.sum(eigs > OUTLIER_FRACTION * top)),
                    zeros, condition_number(eigs, null_tol=NULL_TOL))
    return snap, eigs


def training_experiment(bn: bool, hidden=12, inputs=4, samples=128, eta=0.1, steps=300, every=50,
                        seed=0) -> TrainingCurvature:
    """Full-batch gradient descent from PyTorch's initialization; the exact spectrum every ``every`` steps."""
    data = synthetic_regression(samples, inputs, seed=seed)
    X, y = data.X, data.y
    f = mlp_loss(MLPSpec(inputs, hidden, "tanh", "squared", bn, 0.0), X, y)
    theta = init_parameters(f.spec, seed)
    snaps = []
    eigs = None
    for step in range(steps + 1):
        if step % every == 0:
            snap, eigs = _snapshot(step, f, theta)
            snaps.append(snap)
        if step < steps:
            theta = theta - eta * f.jac(theta)
    slq = slq_density(lambda v: f.hessp(theta, v), f.n_params, steps=20, probes=4, seed=seed)
    return TrainingCurvature(bn, eta, f.n_params, tuple(snaps), tuple(map(float, eigs)), slq.nodes, slq.weights)


@dataclass(frozen=True)
class NullDirections:
    """Batch norm's null directions measured on the exact Hessian."""

    hidden: int
    parameters: int
    zeros_bn: int
    zeros_plain: int
    bias_row_max: float
    hessian_max: float
    scale_residual_eps0: float
    scale_residual_eps: float
    gradient_norm_w: float
    rayleigh_eps0: float
    bias_eigs_with_l2: tuple[float, ...]
    alpha: float


def null_direction_experiment(hidden=6, inputs=3, samples=48, alpha=0.01, seed=0) -> NullDirections:
    """Zero eigenvalues from the bias; H(W, 0) + (∇_W L, 0) for ε = 0 and ε = 1e-5, away from a critical point."""
    data = synthetic_regression(samples, inputs, seed=seed)
    X, y = data.X, data.y
    out = {}
    for eps in (0.0, 1e-5):
        f = mlp_loss(MLPSpec(inputs, hidden, "tanh", "squared", True, 0.0, eps), X, y)
        theta = init_parameters(f.spec, seed)
        hd = hidden * inputs
        D = np.zeros(f.n_params)
        D[:hd] = theta[:hd]
        g = f.jac(theta)
        target = np.zeros(f.n_params)
        target[:hd] = -g[:hd]
        HD = f.hessp(theta, D)
        out[eps] = (f, theta, float(np.linalg.norm(HD - target)), float(np.linalg.norm(g[:hd])),
                    float(D @ HD / (D @ D)))
    f, theta = out[1e-5][0], out[1e-5][1]
    H = _hessian(f, theta)
    eigs = np.linalg.eigvalsh(H)
    plain = mlp_loss(MLPSpec(inputs, hidden, "tanh", "squared", False, 0.0), X, y)
    theta_plain = np.delete(theta, np.s_[hidden * (inputs + 1): hidden * (inputs + 3)])  # drop γ, β
    eigs_plain = np.linalg.eigvalsh(_hessian(plain, theta_plain))
    pen = mlp_loss(MLPSpec(inputs, hidden, "tanh", "squared", True, alpha), X, y)
    Hp = _hessian(pen, theta)
    b_block = Hp[hidden * inputs: hidden * (inputs + 1), hidden * inputs: hidden * (inputs + 1)]
    return NullDirections(
        hidden, f.n_params,
        int(np.sum(np.abs(eigs) <= NULL_TOL * eigs[-1])), int(np.sum(np.abs(eigs_plain) <= NULL_TOL * eigs_plain[-1])),
        float(np.abs(H[hidden * inputs: hidden * (inputs + 1)]).max()), float(np.abs(H).max()),
        out[0.0][2], out[1e-5][2], out[0.0][3], out[0.0][4],
        tuple(map(float, np.linalg.eigvalsh(b_block))), alpha,
    )


@dataclass(frozen=True)
class Stability:
    """GD from a perturbed minimum at η = factor · 2/λ_max."""

    lambda_max: float
    runs: tuple


def stability_experiment(hidden=6, inputs=2, samples=40, alpha=1e-2, seed=0) -> Stability:
    """Find a minimum (L-BFGS, then Newton), then run GD below and above 2/λ_max along the top eigenvector."""
    data = synthetic_regression(samples, inputs, seed=seed)
    X, y = data.X, data.y
    f = mlp_loss(MLPSpec(inputs, hidden, "tanh", "squared", False, alpha), X, y)
    theta = minimize(f.value_and_grad, init_parameters(f.spec, seed), jac=True, method="L-BFGS-B",
                     options={"maxiter": 2000, "gtol": 1e-10}).x
    for _ in range(4):
        H = _hessian(f, theta)
        theta = theta - np.linalg.solve(H, f.jac(theta))
    eigs, vecs = np.linalg.eigh(_hessian(f, theta))
    runs = gd_stability(f.jac, theta, eigs[-1], vecs[:, -1], factors=(0.5, 0.95, 1.05), steps=150, radius=1e-4)
    return Stability(float(eigs[-1]), runs)


# --------------------------------------------------------------------------- page


def _fig_l2(r: L2Shift) -> bytes:
    fig, (a1, a2) = new_figure(9, 3.4, ncols=2)
    idx = np.arange(len(r.eigenvalues))
    a1.plot(idx, r.eigenvalues, "o", ms=3, label="α = 0")
    a1.plot(idx, r.shifted, "x", ms=4, label=f"α = {r.alpha:g}")
    a1.set_yscale("symlog", linthresh=1e-3)
    a1.set_xlabel("index (ascending)")
    a1.set_ylabel("eigenvalue")
    a1.legend()
    a2.plot(idx, np.array(r.shifted) - np.array(r.eigenvalues) - r.alpha, ".")
    a2.set_xlabel("index")
    a2.set_ylabel("λ_i(α) − λ_i(0) − α")
    a2.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    return png_bytes(fig)


def _fig_training(runs) -> bytes:
    fig, axes = new_figure(10, 6.4, nrows=2, ncols=2)
    for r in runs:
        label = "with batch norm" if r.bn else "without batch norm"
        steps = [s.step for s in r.snapshots]
        axes[0, 0].plot(steps, [s.loss for s in r.snapshots], "o-", label=label)
        axes[0, 1].plot(steps, [s.lambda_max for s in r.snapshots], "o-", label=label)
        axes[1, 0].plot(steps, [s.outliers for s in r.snapshots], "o-", label=label)
        axes[1, 1].plot(steps, [s.condition for s in r.snapshots], "o-", label=label)
    for ax, title in zip(axes.flat, ("training loss", "λ_max", f"outliers (λ > {OUTLIER_FRACTION:g} λ_max)",
                                      "condition number (null directions excluded)")):
        ax.set_title(title)
        ax.set_xlabel("gradient-descent step")
    axes[0, 0].set_yscale("log")
    axes[1, 1].set_yscale("log")
    axes[0, 0].legend()
    return png_bytes(fig)


def _fig_density(runs) -> bytes:
    fig, axes = new_figure(10, 3.4, ncols=2)
    for ax, r in zip(axes, runs):
        eigs = np.array(r.final_eigenvalues)
        lo, hi = eigs.min(), eigs.max()
        pad = 0.05 * (hi - lo)
        grid = np.linspace(lo - pad, hi + pad, 600)
        width = 0.01 * (hi - lo)
        exact = np.zeros_like(grid)
        for lam in eigs:
            exact += np.exp(-0.5 * ((grid - lam) / width) ** 2)
        exact /= len(eigs) * width * np.sqrt(2 * np.pi)
        slq = SpectralDensity(r.slq_nodes, r.slq_weights, r.parameters).density(grid, width)
        ax.semilogy(grid, np.maximum(exact, 1e-6), label="exact eigenvalues (smoothed)")
        ax.semilogy(grid, np.maximum(slq, 1e-6), "--", label="SLQ, 4 probes × 20 steps")
        ax.set_title("with batch norm" if r.bn else "without batch norm")
        ax.set_xlabel("eigenvalue")
        ax.set_ylim(1e-5, None)
    axes[0].set_ylabel("density")
    axes[0].legend(fontsize=8)
    return png_bytes(fig)


def _fig_stability(s: Stability) -> bytes:
    fig, ax = new_figure(6, 3.6)
    for run in s.runs:
        ax.semilogy(run.distances, label=f"η = {run.factor:g} · 2/λ_max")
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("‖θ − θ*‖")
    ax.legend()
    return png_bytes(fig)


def _verdict(a: float, b: float, what: str) -> str:
    if abs(a - b) <= 0.1 * max(abs(a), abs(b)):
        return f"about the same {what} (within 10%)"
    return f"{'a lower' if b < a else 'a higher'} {what}"


def docs_pages() -> list[Page]:
    """The MLP curvature page: L2 shift, batch norm during training, null directions, GD stability."""
    l2 = l2_shift_experiment()
    runs = (training_experiment(False), training_experiment(True))
    nulls = null_direction_experiment()
    stab = stability_experiment()
    plain_end, bn_end = runs[0].snapshots[-1], runs[1].snapshots[-1]
    rows = ["| step | loss (no BN) | λ_max (no BN) | outliers | κ | loss (BN) | λ_max (BN) | outliers | κ | zero eigenvalues (BN) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for a, b in zip(*(r.snapshots for r in runs)):
        rows.append(f"| {a.step} | {a.loss:.4g} | {a.lambda_max:.4g} | {a.outliers} | {a.condition:.3g} | "
                    f"{b.loss:.4g} | {b.lambda_max:.4g} | {b.outliers} | {b.condition:.3g} | {b.zeros} |")
    stab_rows = "\n".join(
        f"| {r.factor:g} | {r.eta:.4g} | {'converges' if r.converged else 'diverges'} | "
        f"{r.distances[0]:.1e} → {r.distances[-1]:.1e} after {len(r.distances) - 1} steps |" for r in stab.runs)
    md = f"""# Curvature of a two-layer MLP loss

Seed 000's model g(x) = vᵀσ(Wx + b) + c, its loss (1/n)Σ(g − y)² and optional batch norm
(training-mode statistics, biased variance, ε = 10⁻⁵, learnable γ, β) before σ. Every number on
this page comes from Hessian-vector products compiled from the verified matrix-form R-operator
([mlp.hvp](mlp.hvp.md), [mlp.hvp_bn](mlp.hvp_bn.md)); Hessians here are small enough to build
exactly from products with unit vectors (`numerics.analysis.spectrum.dense_hessian`). Data: synthetic
regression (`numerics.analysis.synthetic.synthetic_regression`: standard-normal inputs, a sin + quadratic teacher,
noise 0.1), PyTorch's default initialization. Sizes are kept small so the page builds in seconds.

## (a) L2 shifts every eigenvalue by exactly α

Convention: the penalty is (α/2)‖θ‖² on **every** parameter (biases, γ, β included), so its
Hessian is αI ([mlp.l2_shift](mlp.l2_shift.md)). Net: d = 3, h = 8, batch norm on, n = 64,
{l2.parameters} parameters, after 30 L-BFGS iterations; α = {l2.alpha:g}. The largest deviation
of λᵢ(α) − λᵢ(0) from α is **{l2.max_error:.1e}** (floating-point round-off). With α‖θ‖² (no ½) the
shift would be 2α; with a penalty on the weights only, the bias, γ and β eigen-directions would
not move.

![L2 shift](figures/mlp_l2_shift.png)

## (b) With and without batch norm while training

Net: d = 4, h = 12, σ = tanh, squared loss, n = 128 samples, full-batch gradient descent with
η = {runs[0].eta:g} for 300 steps from the same initialization; {runs[0].parameters} parameters
without batch norm, {runs[1].parameters} with. An *outlier* is an eigenvalue above
{OUTLIER_FRACTION:g}·λ_max; κ is λ_max over the smallest |λ| after removing the exact null
directions (|λ| ≤ 10⁻⁸ λ_max).

{chr(10).join(rows)}

![training curvature](figures/mlp_bn_training.png)

At the end, batch norm gives {_verdict(plain_end.lambda_max, bn_end.lambda_max, "top eigenvalue")}
(λ_max {plain_end.lambda_max:.4g} without, {bn_end.lambda_max:.4g} with),
{_verdict(plain_end.outliers, bn_end.outliers, "number of outliers")}
({plain_end.outliers} vs {bn_end.outliers}) and {_verdict(plain_end.condition, bn_end.condition, "condition number")}
(κ {plain_end.condition:.3g} vs {bn_end.condition:.3g}); batch norm also adds {bn_end.zeros} exact zero eigenvalues
(part (c)).

**What is and is not reproduced.** Santurkar et al. (2018, *How does batch normalization help
optimization?*) report that batch norm makes the loss smoother (smaller gradient changes, a
smaller effective β-smoothness) for deep convolutional networks; Ghorbani, Krishnan & Xiao (2019,
*An investigation into neural net optimization via Hessian eigenvalue density*) report that
without batch norm a few large outlier eigenvalues separate from the bulk and that batch norm
suppresses them. Both effects are reported to be weak for shallow networks, and this one-hidden-
layer net on a smooth regression task is as shallow as it gets. In this run the smoothing claim
is **{"reproduced" if bn_end.lambda_max < plain_end.lambda_max else "not reproduced"}** (λ_max at the end
{bn_end.lambda_max:.4g} with batch norm against {plain_end.lambda_max:.4g} without, at the same step size) and
the outlier claim is **{"reproduced" if bn_end.outliers < plain_end.outliers else "not reproduced"}**
({bn_end.outliers} against {plain_end.outliers} eigenvalues above {OUTLIER_FRACTION:g}·λ_max). Part of the
difference is scale: batch norm's γ lets the effective weights grow, and λ_max is not invariant to that
reparametrization, so it says little about deep networks either way. What *is* reproduced exactly is the structure that
batch norm imposes (null directions, below) and the SLQ density of Ghorbani et al. as a method: the
quadrature density with 4 probes × 20 Lanczos steps matches the smoothed exact spectrum, including
its isolated top eigenvalues.

![SLQ density](figures/mlp_slq_density.png)

## (c) The null directions batch norm creates

Derivation: [mlp.bn_null_directions](mlp.bn_null_directions.md). Net: d = 3, h = {nulls.hidden},
n = 48, batch norm on, at initialization (not a critical point), {nulls.parameters} parameters.

* **The bias before batch norm.** The batch mean removes b, so L does not depend on b at all: the
  gradient and the whole Hessian row of each bᵢ vanish (largest |H| entry in the b rows:
  {nulls.bias_row_max:.1e}, against max |H| = {nulls.hessian_max:.3g}). The Hessian has
  **{nulls.zeros_bn}** zero eigenvalues with batch norm (h = {nulls.hidden}) against
  {nulls.zeros_plain} without. With L2 (α = {nulls.alpha:g}) the b-block is exactly αI: its
  eigenvalues are {", ".join(f"{x:.6g}" for x in nulls.bias_eigs_with_l2)}.
* **The scale of the incoming weights.** For ε = 0, L(cW) = L(W) for c > 0, so
  c∇_W L(cW) = ∇_W L(W); differentiating at c = 1 gives H·(W, 0) = (−∇_W L, 0): the W-direction is
  an eigenvector with eigenvalue 0 **only at critical points**. Away from them its Rayleigh
  quotient is still 0 (WᵀH_WW W = −⟨∇_W L, W⟩ = 0). Measured at initialization with ε = 0:
  ‖H(W,0) + (∇_W L, 0)‖ = {nulls.scale_residual_eps0:.1e} while ‖∇_W L‖ = {nulls.gradient_norm_w:.3g},
  Rayleigh quotient {nulls.rayleigh_eps0:.1e}. With ε = 10⁻⁵ the invariance is broken by the factor
  ε/(σ² + ε): the residual is {nulls.scale_residual_eps:.1e}.

## Gradient descent is stable for η < 2/λ_max

Net without batch norm, d = 2, h = 6, n = 40, α = 10⁻²; a strict minimum θ* (L-BFGS, then Newton
to machine precision), λ_max = {stab.lambda_max:.5g}. Gradient descent from θ* + 10⁻⁴·q_max
(q_max the top eigenvector): along q_max the error is multiplied by 1 − ηλ_max per step, so it
shrinks iff η < 2/λ_max.

| η / (2/λ_max) | η | outcome | distance to θ* |
|---:|---:|---|---|
{stab_rows}

![stability](figures/mlp_gd_stability.png)
"""
    files = (("figures/mlp_l2_shift.png", _fig_l2(l2)), ("figures/mlp_bn_training.png", _fig_training(runs)),
             ("figures/mlp_slq_density.png", _fig_density(runs)), ("figures/mlp_gd_stability.png", _fig_stability(stab)))
    return [Page("mlp_curvature.md", "Curvature of a two-layer MLP loss", md, section="mlp", files=files)]
