r"""Docs pages for curvature: contour plots with classified critical points and eigen-directions.

For five 2-D examples (Rosenbrock, Beale, Himmelblau, :math:`x^3 - 3x + y^2`
and the monkey saddle :math:`x^3 - 3xy^2`) the page shows a contour plot with
every critical point marked by class, the Hessian's eigenvectors drawn as
arrows whose length grows with :math:`|\kappa|` (blue: :math:`\kappa > 0`,
red: :math:`\kappa < 0`), and a table of eigenvalues, condition numbers and
the stable gradient-descent step :math:`2/\kappa_{\max}`.

Examples
========

>>> [e.name for e in EXAMPLES][:2]
['Rosenbrock', 'Beale']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from derivations.reading.parsing import parse_expression

from numerics.compare import problems as library
from numerics.compile import compile_expressions
from numerics.analysis.curvature import CriticalPointReport, find_critical_points
from numerics.cli.formatting import number
from numerics.site.page import Page
from numerics.site.plots import new_figure, png_bytes


@dataclass(frozen=True)
class Example:
    """A 2-D function to draw, its plotting window and where it comes from."""

    name: str
    text: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    source: str
    log_levels: bool = False
    problem: str | None = None  # the function is this problem of numerics.compare.problems (text shows it)

    def expression(self):
        """The function in the variables ``x, y`` (from the problem library where ``problem`` is set)."""
        if self.problem is None:
            return parse_expression(self.text)
        return library.get(self.problem).renamed("x", "y").expression


EXAMPLES = (
    Example("Rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", (-2.0, 2.0), (-1.0, 3.0),
            "Rosenbrock (1960); the chained form is scipy.optimize.rosen", True),
    Example("Beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", (-4.5, 4.5), (-4.5, 4.5),
            "Beale (1958); seed 001's running example", True, "beale"),
    Example("Himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (-5.0, 5.0), (-5.0, 5.0),
            "Himmelblau, Applied Nonlinear Programming (1972)", True),
    Example("Cubic with a saddle", "x^3 - 3*x + y^2", (-2.5, 2.5), (-2.0, 2.0), "a textbook example"),
    Example("Monkey saddle", "x^3 - 3*x*y^2", (-1.5, 1.5), (-1.5, 1.5), "three valleys around a degenerate point"),
)

_MARKERS = {"minimum": ("o", "#1a9850"), "maximum": ("^", "#d73027"), "saddle": ("X", "#fc8d59"),
            "degenerate": ("s", "#762a83")}


def _figure(ex: Example, expr, variables, report: CriticalPointReport) -> bytes:
    f = compile_expressions(expr, variables)
    xs = np.linspace(*ex.xlim, 240)
    ys = np.linspace(*ex.ylim, 240)
    gx, gy = np.meshgrid(xs, ys)
    z = f(gx, gy)
    fig, ax = new_figure(5.2, 4.6)
    if ex.log_levels:
        shown = np.log10(1 + z - z.min())
        label = "log10(1 + f − min f)"
    else:
        shown, label = z, "f"
    cs = ax.contourf(gx, gy, shown, levels=30, cmap="viridis")
    ax.contour(gx, gy, shown, levels=15, colors="k", linewidths=0.3, alpha=0.5)
    fig.colorbar(cs, ax=ax, label=label)
    span = min(ex.xlim[1] - ex.xlim[0], ex.ylim[1] - ex.ylim[0])
    seen_kinds = set()
    for p in report.points:
        px, py = p.point
        if not (ex.xlim[0] <= px <= ex.xlim[1] and ex.ylim[0] <= py <= ex.ylim[1]):
            continue
        marker, color = _MARKERS[p.kind.value]
        ax.plot(px, py, marker=marker, color=color, markersize=9, markeredgecolor="white", linestyle="none",
                label=p.kind.value if p.kind.value not in seen_kinds else None, zorder=4)
        seen_kinds.add(p.kind.value)
        top = max(float(np.abs(p.eigenvalues).max()), 1e-300)
        for k, v in zip(p.eigenvalues, p.eigenvectors):
            if abs(k) <= 1e-8 * max(1.0, top):
                continue
            length = 0.12 * span * (0.4 + 0.6 * abs(k) / top)
            for sign in (1, -1):
                ax.annotate("", xy=(px + sign * length * v[0], py + sign * length * v[1]), xytext=(px, py),
                            arrowprops={"arrowstyle": "->", "color": "#2166ac" if k > 0 else "#b2182b", "lw": 1.4},
                            zorder=3)
    ax.set_xlim(*ex.xlim)
    ax.set_ylim(*ex.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"{ex.name}: critical points and eigen-directions", fontsize=10)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    return png_bytes(fig, dpi=90)


_fmt = partial(number, digits=5, nonfinite="∞", zero=1e-12)  # 5 digits; |v| < 1e-12 is 0


def _table(report: CriticalPointReport) -> list[str]:
    lines = ["| point (x, y) | f | class | eigenvalues κ | condition number | stable GD step < 2/κ_max |",
             "|---|---:|---|---|---:|---:|"]
    for p in report.points:
        kmax = float(p.eigenvalues.max())
        step = _fmt(2 / kmax) if kmax > 1e-8 else "—"
        lines.append(f"| ({_fmt(p.point[0])}, {_fmt(p.point[1])}) | {_fmt(p.value)} | {p.kind.value} | "
                     f"{', '.join(_fmt(k) for k in p.eigenvalues)} | {_fmt(p.condition_number)} | {step} |")
    return lines


def _stability_page() -> Page:
    """Gradient descent on κθ²/2 with learning rates around 2/κ, iterated with the derived update rule."""
    from derivations import registry

    d = registry.get("curvature.gd_stability")
    update = d.steps[1].rhs  # θ − ε κ θ, as derived
    theta, eps, kappa = (next(s for s in update.free_symbols if s.name == n) for n in ("theta", "epsilon", "kappa"))
    step = compile_expressions(update, [theta, eps, kappa])
    k = 4.0
    fig, ax = new_figure(5.6, 3.6)
    for fraction, color in ((0.25, "#1a9850"), (0.5, "#2166ac"), (0.95, "#762a83"), (1.05, "#d73027")):
        values = [1.0]
        for _ in range(40):
            values.append(float(step(values[-1], fraction * 2 / k, k)))
        ax.semilogy(np.abs(values), color=color, label=f"ε = {fraction:g} · 2/κ")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("|θ_k|")
    ax.set_title("gradient descent on κθ²/2, κ = 4", fontsize=10)
    ax.legend(fontsize=8)
    png = "figures/curvature_gd_stability.png"
    text = "\n".join([
        "## Figure: learning rates around 2/κ", "",
        f"![gradient descent around the stability bound]({png})", "",
        "The iterates come from the derived update rule (step 2 above), compiled through the bridge. Below "
        "2/κ the error shrinks by |1 − εκ| per step (ε = 1/κ, i.e. 0.5 · 2/κ, lands on the minimum at once and "
        "is off the log scale); just above 2/κ it grows geometrically.",
    ])
    return Page("curvature.gd_stability.figure.md", "", text, files=((png, png_bytes(fig, dpi=90)),),
                attach_to="curvature.gd_stability")


def docs_pages() -> list[Page]:
    """The curvature gallery page with one figure per example, and a figure for the 2/κ bound."""
    lines = [
        "# Curvature gallery: critical points, eigenvalues and eigen-directions",
        "",
        "Each plot marks every critical point (∇f = 0) by its class from the Hessian's eigenvalues — "
        "minimum (all κ > 0), maximum (all κ < 0), saddle (both signs), degenerate (a zero eigenvalue and no "
        "sign change: the second-derivative test is inconclusive). Arrows are the unit eigenvectors, longer "
        "for larger |κ|; blue curves up (κ > 0), red curves down (κ < 0). Critical points come from a lex "
        "Gröbner basis of the gradient (every real solution, so the lists are complete) and the analysis "
        "runs through the compile bridge. The same output on the command line: "
        "`derivkit curvature EXPR` (see `derivkit curvature --help`).",
        "",
        "Derivations behind the numbers: [the Taylor model](curvature.taylor_model.md), "
        "[directional curvature](curvature.directional_curvature.md), "
        "[the 2/κ step bound](curvature.gd_stability.md), [condition number](curvature.condition_number.md), "
        "[Newton's step](newton.step.md).",
        "",
    ]
    files = []
    for ex in EXAMPLES:
        expr = ex.expression()
        variables = [s for s in sorted(expr.free_symbols, key=str)]
        report = find_critical_points(expr, variables, timeout=10)
        png = f"figures/curvature_{ex.name.lower().replace(' ', '_')}.png"
        files.append((png, _figure(ex, expr, variables, report)))
        complete = ("critical points (the search is complete)" if report.complete
                    else "critical points found (the search is incomplete)")
        lines += [f"## {ex.name}", "", f"f(x, y) = `{ex.text}` — {ex.source}. {len(report.points)} {complete}.", "",
                  f"![{ex.name}]({png})", ""] + _table(report) + [""]
    lines += [
        "The monkey saddle has a zero Hessian at the origin, so no arrows: the quadratic model is flat and the "
        "second-derivative test says nothing, although the point is a saddle (f changes sign along every line "
        "through it). Beale's function has, besides its minimum at (3, 0.5), two saddles; Himmelblau's has "
        "four minima, one maximum and four saddles.",
        "",
    ]
    return [Page("curvature_gallery.md", "Curvature gallery: critical points and eigen-directions",
                 "\n".join(lines), section="curvature", files=tuple(files)), _stability_page()]
