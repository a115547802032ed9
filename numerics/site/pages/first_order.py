"""Docs pages for the first-order optimizers: trajectories, RMSProp's δ placement, Adam's bias correction.

Every number and curve comes from the optimizers compiled from the derived
rules (``numerics.solve.first_order``) or from the derivations' closed forms.

Examples
========

>>> rows = quadratic_table()
>>> [r.name for r in rows][:2], all(r.status == "converged" for r in rows)
(['gd', 'momentum'], True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numerics.compare import problems as library
from numerics.compile import compile_expressions, compile_tuple
from numerics.site.page import Page
from numerics.solve.first_order import adagrad, adam, gd, linear_decay, minimize, momentum, nesterov, rmsprop
from numerics.site.plots import new_figure, png_bytes

KAPPA = 25.0  # condition number of the quadratic f = (x² + κ y²)/2
X0 = np.array([-4.0, 1.5])
BEALE_START = np.array([2.0, -2.0])  # seed 001's first initialization
BEALE_ITERS = 3000


def _quadratic():
    return library.Problem.from_expression(f"(x^2 + {KAPPA:g}*y^2)/2", X0.tolist()).compile()


def _beale():
    return library.get("beale").compile()


def _quadratic_optimizers():
    # ε for GD: 2/(λmin + λmax) is the best fixed step on a quadratic; momentum with the heavy-ball α
    lam_min, lam_max = 1.0, KAPPA
    a = ((np.sqrt(KAPPA) - 1) / (np.sqrt(KAPPA) + 1)) ** 2
    heavy = 4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2
    return (
        ("gd", gd(2 / (lam_min + lam_max))),
        ("momentum", momentum(heavy, alpha=float(a))),
        ("nesterov", nesterov(1 / lam_max, alpha=float((np.sqrt(KAPPA) - 1) / (np.sqrt(KAPPA) + 1)))),
        ("adagrad", adagrad(1.0)),
        ("rmsprop", rmsprop(linear_decay(0.1, 1e-5, 1500))),
        ("adam", adam(0.1)),
    )


@dataclass(frozen=True)
class Row:
    """One optimizer's run on the quadratic."""

    name: str
    hyper: str
    status: str
    nit: int
    f: float


def _hyper_text(opt) -> str:
    parts = []
    for k, v in opt.hyperparameters:
        if k == "delta_inside" or (k == "momentum" and v == 0.0):
            continue
        text = f"{v:.4g}" if isinstance(v, float) else ("linear decay" if callable(v) else str(v))
        parts.append(f"{k} = {text}")
    return ", ".join(parts)


def _quadratic_runs(gtol: float = 1e-6):
    obj = _quadratic()
    return obj, [(name, opt, minimize(opt, obj, X0, gtol=gtol, max_iter=5000)) for name, opt in _quadratic_optimizers()]


def quadratic_table(runs=None) -> list[Row]:
    """Iterations of each optimizer to ‖∇f‖∞ ≤ 1e-6 on the ill-conditioned quadratic."""
    runs = _quadratic_runs()[1] if runs is None else runs
    return [Row(name, _hyper_text(opt), sol.status.value, sol.nit, sol.f) for name, opt, sol in runs]


def _point(x) -> str:
    return "(" + ", ".join(f"{v:g}" for v in x) + ")"


def _contours(ax, obj, xs, ys, levels):
    X, Y = np.meshgrid(xs, ys)
    Z = compile_expressions(obj.expr, obj.variables)(X, Y)
    ax.contour(X, Y, Z, levels=levels, colors="0.75", linewidths=0.7)


def _trajectory_figure(obj, runs, xs, ys, levels, title, mark):
    fig, ax = new_figure(6.4, 4.2)
    _contours(ax, obj, xs, ys, levels)
    for name, sol in runs:
        path = np.array(sol.history.x)
        ax.plot(path[:, 0], path[:, 1], lw=1.2, label=f"{name} ({sol.nit} it.)")
    ax.plot(*mark, "k*", ms=10)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_title(title)
    ax.legend(fontsize=7, loc="best")
    return png_bytes(fig)


def _quadratic_trajectories(obj, runs) -> bytes:
    return _trajectory_figure(obj, [(name, sol) for name, _, sol in runs], np.linspace(-4.5, 1.5, 60),
                              np.linspace(-2.0, 2.0, 60), np.geomspace(0.05, 60, 12),
                              f"f = (x² + {KAPPA:g} y²)/2 from {_point(X0)}", (0, 0))


def _beale_runs():
    obj = _beale()
    opts = (("gd", gd(1e-3)), ("momentum", momentum(1e-3, 0.9)), ("nesterov", nesterov(1e-3, 0.9)),
            ("adagrad", adagrad(0.1)), ("rmsprop", rmsprop(0.01, 0.9)),
            ("rmsprop + momentum", rmsprop(1e-3, 0.9, momentum=0.9)), ("adam", adam(0.05)))
    return obj, [(name, minimize(opt, obj, BEALE_START, gtol=1e-6, max_iter=BEALE_ITERS)) for name, opt in opts]


def _beale_figure(obj, runs) -> bytes:
    return _trajectory_figure(obj, runs, np.linspace(-5, 8, 80), np.linspace(-2.5, 2.5, 80),
                              np.geomspace(0.01, 2000, 14), f"Beale's function from {_point(BEALE_START)}", (3, 0.5))


def _rmsprop_delta_figure() -> bytes:
    """First-step gain |Δθ|/ε against |g| for δ inside and outside the root (r = 0, ρ = 0.9, δ = 1e-6)."""
    from derivations.topics.first_order import delta, eps, g, r, rho, rmsprop_rule

    inside, outside = rmsprop_rule(True), rmsprop_rule(False)
    f = compile_tuple([inside.step.subs(r, 0), outside.step.subs(r, 0)], [g, eps, rho, delta])
    gs = np.geomspace(1e-9, 1e2, 200)
    step_in, step_out = f(gs, 1.0, 0.9, 1e-6)
    fig, ax = new_figure(5.6, 3.6)
    ax.loglog(gs, np.abs(step_in), label="δ inside: ε g / √(δ + r')")
    ax.loglog(gs, np.abs(step_out), "--", label="δ outside: ε g / (δ + √r')")
    ax.set_xlabel("|g| (first step, r = 0)")
    ax.set_ylabel("|Δθ| / ε")
    ax.set_title("RMSProp's first step, ρ = 0.9, δ = 1e-6")
    ax.legend(fontsize=8)
    return png_bytes(fig)


def _adam_bias_figure(runs: int = 20000, steps: int = 40, seed: int = 0) -> bytes:
    """E[s_t] by Monte Carlo (compiled Adam, one run per coordinate) against (1 − ρ1^t) E[g]."""
    mu, sigma, b1 = 1.0, 1.0, 0.9
    rng = np.random.default_rng(seed)
    opt = adam(0.01, b1, 0.999)
    state, means = opt.init(np.zeros(runs)), []
    for _ in range(steps):
        _, state = opt.update(mu + sigma * rng.standard_normal(runs), state)
        means.append(state.s.mean())
    t = np.arange(1, steps + 1)
    fig, ax = new_figure(5.6, 3.6)
    ax.plot(t, means, "o", ms=3, label="Monte Carlo mean of s_t")
    ax.plot(t, (1 - b1**t) * mu, label="(1 − ρ₁ᵗ) E[g]")
    ax.plot(t, np.array(means) / (1 - b1**t), "s", ms=3, label="ŝ_t = s_t / (1 − ρ₁ᵗ)")
    ax.axhline(mu, color="0.6", lw=0.8)
    ax.set_xlabel("t")
    ax.set_title(f"Adam's first moment, ρ₁ = {b1}, g ~ N({mu:g}, {sigma:g}²), {runs} runs")
    ax.legend(fontsize=8)
    return png_bytes(fig)


def docs_pages() -> list[Page]:
    """The first-order overview page and figures attached to the RMSProp and Adam derivations."""
    quadratic, quadratic_runs = _quadratic_runs()
    rows = quadratic_table(quadratic_runs)
    table = ["| optimizer | hyperparameters | status | iterations | f |", "|---|---|---|---|---|"]
    table += [f"| {r.name} | {r.hyper} | {r.status} | {r.nit} | {r.f:.2e} |" for r in rows]
    beale, beale_runs = _beale_runs()
    beale_table = ["| optimizer | status | iterations | x | f |", "|---|---|---|---|---|"]
    beale_table += [f"| {n} | {s.status.value} | {s.nit} | ({s.x[0]:.3f}, {s.x[1]:.3f}) | {s.f:.3g} |"
                    for n, s in beale_runs]
    overview = "\n".join([
        "# First-order optimizers",
        "",
        "Every optimizer below is generated from its derived update rule (`derivations.topics.first_order`) through "
        "the compile bridge: `numerics.solve.first_order` provides `gd`, `momentum`, `nesterov`, `adagrad`, "
        "`rmsprop` and `adam` as `(init, update)` pairs and `minimize(optimizer, objective, x0)`.",
        "",
        "Derivations: [SGD](first_order.sgd.md), [minibatch scaling](first_order.minibatch.md), "
        "[momentum](first_order.momentum.md) and [unrolled](first_order.momentum_unrolled.md), [Nesterov](first_order.nesterov.md), "
        "[AdaGrad](first_order.adagrad.md), [RMSProp](first_order.rmsprop.md), "
        "[RMSProp with momentum](first_order.rmsprop_momentum.md), [Adam](first_order.adam.md), "
        "[Adam's bias correction](first_order.adam_bias_correction.md), "
        "[linear decay](first_order.learning_rate_decay.md).",
        "",
        f"## An ill-conditioned quadratic (κ = {KAPPA:g})",
        "",
        f"From x₀ = {_point(X0)} to ‖∇f‖∞ ≤ 1e-6. GD uses the optimal fixed step 2/(λmin + λmax), momentum the "
        "heavy-ball parameters, Nesterov ε = 1/λmax and α = (√κ − 1)/(√κ + 1); RMSProp needs a decaying "
        "learning rate to settle (its normalized steps otherwise keep a cycle of size about ε). Nesterov's "
        "iterates are those of θ̃ = θ + α v.",
        "",
        *table,
        "",
        "![trajectories on the quadratic](figures/first_order_quadratic.png)",
        "",
        "## Beale's function (seed 001's running example)",
        "",
        f"From seed 001's first initialization {_point(BEALE_START)}, at most {BEALE_ITERS} iterations "
        "(the seed caps at 10,000 and does not give its learning rates; these are chosen by hand, so the "
        "comparison shows behaviour, not a ranking). With these settings momentum and Nesterov overshoot into "
        "the flat regions away from the global minimum (3, 0.5), as the seed's figures describe for momentum; "
        "RMSProp with momentum and Adam get closest within the budget.",
        "",
        *beale_table,
        "",
        "![trajectories on Beale's function](figures/first_order_beale.png)",
    ])
    return [
        Page("first_order.md", "First-order optimizers: overview and trajectories", overview, section="first_order",
             files=(("figures/first_order_quadratic.png", _quadratic_trajectories(quadratic, quadratic_runs)),
                    ("figures/first_order_beale.png", _beale_figure(beale, beale_runs)))),
        Page("first_order.rmsprop.figure.md", "RMSProp δ placement", "\n".join([
            "## Figure: where δ goes",
            "",
            "The first step (r = 0) of the two placements as a function of the gradient's size, computed from the "
            "derived rules. For large |g| both are ε sign(g)/√(1 − ρ) (≈ 3.2 ε: RMSProp has no bias "
            "correction); the inside form starts to shrink like g/√δ below |g| ≈ √(δ/(1 − ρ)) ≈ 3e-3, the "
            "outside form only below |g| ≈ δ/√(1 − ρ) ≈ 3e-6.",
            "",
            "![RMSProp delta placement](figures/first_order_rmsprop_delta.png)",
        ]), files=(("figures/first_order_rmsprop_delta.png", _rmsprop_delta_figure()),),
            attach_to="first_order.rmsprop"),
        Page("first_order.adam_bias_correction.figure.md", "Adam bias correction", "\n".join([
            "## Figure: the bias by Monte Carlo",
            "",
            "The compiled Adam run on independent coordinates with i.i.d. gradients: the mean first moment follows "
            "(1 − ρ1^t) E[g], and the corrected ŝ_t is unbiased from the first step on.",
            "",
            "![Adam bias correction](figures/first_order_adam_bias.png)",
        ]), files=(("figures/first_order_adam_bias.png", _adam_bias_figure()),),
            attach_to="first_order.adam_bias_correction"),
    ]
