r"""Benchmark figures: the performance profile, convergence curves, trajectories over contours.

* :func:`profile_figure`: :math:`\rho_s(\tau)` against :math:`\tau` on a log axis
  (Dolan & Moré 2002).
* :func:`convergence_figure`: :math:`f - f^*` (or :math:`\|\nabla f\|_\infty`
  when :math:`f^*` is unknown) against function plus gradient evaluations.
* :func:`trajectory_figure`: the iterates of 2-D runs over contours of
  :math:`\log(1 + f - f^*)`.

Examples
========

>>> import numpy as np
>>> from numerics.compare.performance_profile import performance_profile
>>> fig = profile_figure(performance_profile(["p", "q"], ["a", "b"], np.array([[1.0, 2.0], [3.0, np.inf]])))
>>> png_bytes(fig)[:4]
b'\x89PNG'
"""

from __future__ import annotations

from typing import Sequence

import matplotlib
import numpy as np

from numerics.compile import compile_expressions
from numerics.compare.performance_profile import Profile
from numerics.site.plots import new_figure, png_bytes

__all__ = ["profile_figure", "convergence_figure", "trajectory_figure", "grid_figure", "solver_legend", "png_bytes"]


def _style(solver: str) -> dict:
    """A fixed colour and line style per solver (SciPy's dashed)."""
    from numerics.compare.harness import SOLVERS

    cmap = matplotlib.colormaps["tab20"]
    i = SOLVERS.index(solver) if solver in SOLVERS else len(SOLVERS)
    return {"color": cmap(i % 20), "linestyle": "--" if solver.startswith("scipy:") else "-"}



def _descent_path(run) -> np.ndarray:
    """Indices of the history to draw: every point for first-order methods (their history is their
    iterates); for line-search and trust-region methods the points that lowered f (their accepted
    iterates; rejected trial points are evaluated too but are not part of the path)."""
    from numerics.compare.harness import FIRST_ORDER

    f = np.asarray(run.history.f, dtype=float)
    if run.solver in FIRST_ORDER or f.size == 0:
        return np.arange(f.size)
    best = np.minimum.accumulate(f)
    keep = np.flatnonzero(np.concatenate([[True], f[1:] < best[:-1]]))
    return keep


def profile_figure(profile: Profile, title: str = "Performance profile (cost = f + ∇f evaluations)"):
    r""":math:`\rho_s(\tau)` for every solver, :math:`\tau` on a log axis."""
    fig, ax = new_figure(7.5, 4.8)
    top = profile.tau_max() * 1.5
    taus = np.unique(np.concatenate([[1.0], profile.ratios[np.isfinite(profile.ratios)].ravel(), [top]]))
    for s in profile.solvers:
        ax.step(taus, profile.curve(s, taus), where="post", label=s, linewidth=1.4, **_style(s))
    ax.set_xscale("log")
    ax.set_xlim(1.0, top)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("τ (cost within a factor τ of the best solver)")
    ax.set_ylabel("ρ(τ): share of problems")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="lower right")
    return fig


def convergence_figure(runs: Sequence, title: str, ax=None, legend: bool = True):
    r""":math:`f - f^*` (or :math:`\|\nabla f\|_\infty`) against evaluations along each run's path (on ``ax`` if given)."""
    fig, ax = new_figure(6.5, 4.0) if ax is None else (ax.figure, ax)
    f_star = next((r.f_star for r in runs if r.f_star is not None), None)
    for r in runs:
        h = r.history
        if not h.f:
            continue
        keep = _descent_path(r)
        if f_star is not None:
            y = np.maximum(np.asarray(h.f)[keep] - f_star, 1e-17)
        else:
            y = np.maximum(np.asarray(h.gnorm)[keep], 1e-17)
        x = np.maximum(np.asarray(h.evaluations, dtype=float)[keep], 1)
        shown = np.isfinite(x) & np.isfinite(y) & (y < 1e200)  # an overflowing iterate is not a point on a log axis
        if not shown.any():
            continue
        ax.plot(x[shown], y[shown], label=r.solver + ("" if r.success else " ✗"), linewidth=1.2, **_style(r.solver))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("function + gradient evaluations")
    ax.set_ylabel("f − f*" if f_star is not None else "‖∇f‖∞")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    if legend:
        ax.legend(fontsize=6, ncol=2)
    return fig


def grid_figure(count: int, columns: int = 4, width: float = 3.4, height: float = 2.8):
    """A figure with ``count`` small axes in rows of ``columns`` (spare axes hidden)."""
    rows = -(-count // columns)
    fig, axes = new_figure(width * columns, height * rows, nrows=rows, ncols=columns, squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[count:]:
        ax.set_visible(False)
    return fig, flat[:count]


def solver_legend(ax, solvers: Sequence[str]) -> None:
    """One legend for all panels of a grid figure, drawn in the spare panel ``ax``."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], label=s, **_style(s)) for s in solvers]
    ax.axis("off")
    ax.legend(handles=handles, loc="center", ncol=2, fontsize=7, frameon=False)


def trajectory_figure(problem, runs: Sequence, title: str, bounds=None, markers=(), ax=None, legend: bool = True):
    r"""Iterates of 2-D runs over contours of :math:`\log_{10}(1 + f - f^*)` (accepted steps only, see :func:`_descent_path`).

    ``bounds`` is ``((xmin, xmax), (ymin, ymax))`` (default: the box around all
    iterates, clipped to the points' 5–95 % range); ``markers`` are labelled points.
    """
    fig, ax = new_figure(6.5, 5.0) if ax is None else (ax.figure, ax)
    pts = [np.asarray(r.history.x)[_descent_path(r)] for r in runs if r.history.x]
    if bounds is None:
        allp = np.vstack(pts + [np.array([problem.x0])])
        lo, hi = allp.min(axis=0), allp.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1.0)
        bounds = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 160))
    f = compile_expressions(problem.expression, problem.variables)
    with np.errstate(all="ignore"):
        z = np.log10(1 + np.maximum(f(gx, gy) - (problem.f_star or 0.0), 0.0))
    ax.contourf(gx, gy, z, levels=30, cmap="Greys", alpha=0.55)
    ax.contour(gx, gy, z, levels=15, colors="k", linewidths=0.3, alpha=0.5)
    for r in runs:
        if not r.history.x:
            continue
        p = np.asarray(r.history.x)[_descent_path(r)]
        ax.plot(p[:, 0], p[:, 1], linewidth=1.3, label=r.solver, **_style(r.solver))
        ax.plot(p[-1, 0], p[-1, 1], "o", markersize=4, color=_style(r.solver)["color"])
    ax.plot(*problem.x0, "k^", markersize=7)
    for label, (mx, my) in markers:
        ax.plot(mx, my, "r*", markersize=11)
        ax.annotate(label, (mx, my), textcoords="offset points", xytext=(5, 5), fontsize=7, color="darkred")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(str(problem.variables[0]))
    ax.set_ylabel(str(problem.variables[1]))
    ax.set_title(title, fontsize=10)
    if legend:
        ax.legend(fontsize=7, loc="best")
    return fig

