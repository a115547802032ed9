r"""Docs provider: the solver benchmark page (every problem × every solver) and seed 001's Beale runs.

The page states the protocol (stopping rules, budgets, what is counted, where
every default comes from), shows stationary and optimal counts, medians of
f + ∇f evaluations on commonly solved problems per pair and where we lose, the
cost table, Dolan–Moré performance profiles on cost and on time, convergence
curves, trajectories of the 2-D problems, and a check of seed 001's claims
about Beale's function from :math:`(2,-2)` and :math:`(-3,3)`.

Examples
========

>>> [p.path for p in docs_pages(problems=["booth"], solvers=["bfgs", "scipy:BFGS"], beale=False)]
['bench.md']
"""

from __future__ import annotations

import math
import time
from functools import partial
from typing import Sequence

from derivations import registry
from derivations.render import latex_of

from numerics.compare import plots as bench_plots
from numerics.compare import report as bench_report
from numerics.compare import harness as compare
from numerics.compare import collection
from numerics.compare import problems as library
from numerics.analysis.curvature import analyze_point
from numerics.cli.formatting import number
from numerics.result import Status
from numerics.site.page import Page
from numerics.compare.performance_profile import costs_from_runs, performance_profile

__all__ = ["docs_pages", "seed_beale_tasks", "beale_critical_points", "PAIRS", "SEED_SOLVERS", "SEED_RATES"]

# our solver beside the SciPy solver it is compared with
PAIRS = (("newton", "scipy:trust-exact"), ("newton", "scipy:trust-krylov"), ("newton", "scipy:Newton-CG"),
         ("bfgs", "scipy:BFGS"), ("lbfgs", "scipy:L-BFGS-B"), ("cg-fr", "scipy:CG"), ("cg-pr", "scipy:CG"))

SEED_SOLVERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton", "bfgs")
SEED_STARTS = ((2.0, -2.0), (-3.0, 3.0))
SEED_ITERATIONS = 10_000  # seed 001: "the iteration count is capped at 10,000 iterations"
# Learning rates for the seed runs only (never in a judged table): per start, the rate of the grid
# 10^k (k = -6..0) with the lowest f after 10,000 iterations, to reproduce seed 001's figures.
SEED_RATES = {
    (2.0, -2.0): {"gd": 1e-3, "momentum": 1e-4, "nesterov": 1e-4, "adagrad": 1.0, "rmsprop": 1e-3, "adam": 1.0},
    (-3.0, 3.0): {"gd": 1e-4, "momentum": 1e-4, "nesterov": 1e-6, "adagrad": 1.0, "rmsprop": 1e-3, "adam": 1.0},
}


def docs_pages(problems: Sequence[str] | None = None, solvers: Sequence[str] | None = None, *,
               beale: bool = True, workers: int = 2) -> list[Page]:
    """The benchmark page (the default bench unless ``problems``/``solvers`` narrow it)."""
    chosen = [collection.get(n) for n in problems] if problems else collection.default_problems()
    solvers = tuple(solvers or compare.SOLVERS)
    tasks = [compare.Task(p, solvers) for p in chosen] + (seed_beale_tasks() if beale else [])
    start = time.perf_counter()
    everything = compare.run_tasks(tasks, workers=workers)  # the default bench and the seed runs share one pool
    seconds = time.perf_counter() - start
    names = {p.title for p in chosen}
    runs = [r for r in everything if r.problem in names]
    seed = [r for r in everything if r.problem not in names]
    return [_page(chosen, list(solvers), runs, seconds, seed)]


def seed_beale_tasks() -> list[compare.Task]:
    """Seed 001's runs: Beale from (2, −2) and (−3, 3), 10,000 iterations for the first-order methods."""
    beale = library.get("beale")
    settings = compare.Settings(first_order_iter=SEED_ITERATIONS, history_points=400, rates=_seed_rate)
    return [compare.Task(beale.with_start(s), SEED_SOLVERS, settings) for s in SEED_STARTS]


def _seed_rate(problem: library.Problem, solver: str) -> float:
    return SEED_RATES[problem.x0][solver]


def beale_critical_points() -> dict:
    r"""Every critical point of Beale's function, and the infimum along its asymptotic valley.

    Taken from the derivation ``beale.critical_points``: the real roots
    :math:`x_2` of its eliminated polynomial :math:`P` give the points
    :math:`(x_c(x_2), x_2)`, and :math:`(0, 1)` where the denominator of
    :math:`x_c` vanishes; the valley value :math:`f_\infty` at :math:`c^*`.
    Each point is classified by the eigenvalues of the compiled Hessian.
    """
    steps = {str(s.lhs): s.rhs for s in registry.get("beale.critical_points").steps}
    polynomial, x_c = steps["P"], steps["x_c"]
    (y,) = polynomial.free_symbols
    denominator = x_c.as_numer_denom()[1]
    problem = library.get("beale")
    obj = problem.compile()
    found = []
    for root in sorted(set(polynomial.as_poly(y).real_roots())):  # exact roots (CRootOf), at 30 digits
        b = root.evalf(30)
        a = 0.0 if abs(denominator.subs(y, b)) <= 1e-20 else float(x_c.subs(y, b).evalf(30))  # (0, 1) there
        point = analyze_point(obj, [a, float(b)])
        found.append({"x": (a, float(b)), "f": float(point.value), "eigenvalues": point.eigenvalues.tolist(),
                      "kind": point.kind.value})
    found.sort(key=lambda pt: pt["x"])
    return {"points": found, "polynomial": polynomial.xreplace({y: problem.variables[1]}),
            "valley_c": steps["c*"], "valley_f": steps["f_inf"]}


# --------------------------------------------------------------------------- the page


_cell = partial(number, digits=4, missing="–", nonfinite="–", zero=None)  # a table cell: 4 digits, – if unknown


def _page(chosen, solvers, runs, bench_seconds, seed) -> Page:
    names = [p.name for p in chosen]
    files: list[tuple[str, bytes]] = []

    def figure(name: str, fig, dpi: int = 90) -> str:
        path = f"figures/bench-{name}.png"
        files.append((path, bench_plots.png_bytes(fig, dpi=dpi)))
        return path

    lines = [
        "# Solver benchmark: derivkit beside SciPy",
        "",
        f"Every solver on every problem ({len(chosen)} problems × {len(solvers)} solvers, "
        f"{len(runs)} runs; with the seed runs below {bench_seconds:.1f} s on 2 worker processes when this page was "
        "built, on a machine shared with other jobs). Reproduce with `derivkit bench`.",
        "",
    ]
    lines += protocol_section()
    lines += ["## Stationary and optimal counts", "",
              "Measured by the harness at each run's final x, never a solver's own flag. Medians over each "
              "solver's own stationary runs (so not comparable across solvers; the pairs below are).", "",
              bench_report.summary_table(runs, solvers, len(chosen)), ""]
    lines += _pairs_section(runs, solvers, len(chosen))
    lines += _wood_section(runs)
    lines += ["## Performance profiles", "",
              "Dolan & Moré (2002), *Math. Program.* 91:201–213: for each solver, the share ρ(τ) of problems it "
              "solves within a factor τ of the best solver's cost (failures never count). ρ(1) is how often a "
              "solver is the cheapest, ρ at the right edge how often it succeeds at all. Three costs: f + ∇f "
              "evaluations with success = stationary; the same with success = optimal; wall-clock seconds "
              "(stationary).", ""]
    second = [s for s in solvers if s not in compare.FIRST_ORDER]
    shown = second if len(second) > 1 else solvers
    for slug, title, cost, solved in (
            ("profile", "f + ∇f evaluations, stationary", bench_report.cost, bench_report.stationary),
            ("profile-optimal", "f + ∇f evaluations, optimal", bench_report.cost, bench_report.optimal),
            ("profile-weighted", "weighted cost (n per Hessian), stationary", bench_report.weighted_cost,
             bench_report.stationary),
            ("profile-time", "seconds, stationary", bench_report.seconds, bench_report.stationary)):
        prof = performance_profile(names, shown, costs_from_runs(runs, names, shown, cost=cost, solved=solved))
        lines += [f"![performance profile: {title}]({figure(slug, bench_plots.profile_figure(prof, title))})", ""]
    lines += ["## Cost of every run", "",
              "f + ∇f evaluations of each stationary run (†: stationary but not optimal — a stationary point "
              "above f*, or f* unknown); ✗ and the solver's own status for a run that did not end stationary "
              "(`converged` there means the solver claimed success by its own test and the harness disagreed; "
              "✓opt: optimal all the same).", "",
              bench_report.cost_table(runs, names, solvers), ""]
    lines += ["## Convergence", "",
              "f − f* against evaluations (‖∇f‖∞ where f* is unknown), from the evaluations each run made.", ""]
    fig, axes = bench_plots.grid_figure(len(chosen) + 1)
    for p, ax in zip(chosen, axes):
        mine = [r for r in runs if r.problem == p.name]
        bench_plots.convergence_figure(mine, p.name, ax=ax, legend=False)
    bench_plots.solver_legend(axes[-1], solvers)
    lines += [f"![convergence]({figure('convergence', fig)})", ""]
    two_d = [p for p in chosen if p.dimension == 2]
    if two_d:
        shown = [s for s in solvers if s not in compare.FIRST_ORDER]
        lines += ["## Trajectories of the 2-D problems", "",
                  "Newton, quasi-Newton, CG and SciPy's solvers over contours of log₁₀(1 + f − f*); ▲ marks x₀.", ""]
        fig, axes = bench_plots.grid_figure(len(two_d) + 1, columns=3, height=3.2)
        for p, ax in zip(two_d, axes):
            mine = [r for r in runs if r.problem == p.name and r.solver in shown]
            bench_plots.trajectory_figure(p, mine, p.name, ax=ax, legend=False)
        bench_plots.solver_legend(axes[-1], shown)
        lines += [f"![trajectories]({figure('trajectories', fig)})", ""]
    if seed:
        lines += _seed_section(seed, figure)
    lines += ["## Problems", "", "| problem | n | x₀ | f* | source | note |", "|---|---:|---|---:|---|---|"]
    for p in chosen:
        x0 = ", ".join(f"{v:g}" for v in p.x0) if p.dimension <= 4 else f"{p.x0[0]:g}, … ({p.dimension})"
        lines.append(f"| {p.name} | {p.dimension} | ({x0}) | {_cell(p.f_star, digits=10)} | {p.source} | {p.note} |")
    lines.append("")
    return Page("bench.md", "Solver benchmark: derivkit beside SciPy", "\n".join(lines), section="Benchmarks",
                files=tuple(files))


def protocol_section() -> list[str]:
    """The protocol: stopping rules, budgets, what is counted, where every default comes from."""
    st = compare.Settings()
    lines = ["## The protocol", "",
             "- **One stopping test for every solver**: ‖∇f(x_k)‖∞ ≤ 10⁻⁵. Ours stop on it. `scipy:…` runs SciPy "
             "with the options below, which make its own test the same one and keep its other tests from firing "
             "first; `scipy-default:…` runs SciPy out of the box (only `maxiter` set), what a user gets.",
             f"- **One budget**: {st.max_iter} iterations for every second-order method, ours and SciPy's "
             f"({st.first_order_iter} for the first-order methods), {st.time_limit:g} s wall-clock per run; no "
             "evaluation budget (L-BFGS-B's `maxfun` is set out of reach).",
             "- **Everything counted** by one counting wrapper around the same compiled f, ∇f, ∇²f: f (`nfev`), ∇f "
             "(`ngev`), Hessians (`nhev`), Hessian-vector products (`nhpev`); a gradient asked for again at the "
             "point of the previous one is not counted. **Cost** = f + ∇f evaluations; **weighted cost** = "
             "f + ∇f + Hessian-vector products + n × Hessians (a Hessian is n Hessian-vector products).",
             "- **Two success tests**, at the final x: *stationary* ‖∇f‖∞ ≤ 10⁻⁵ and *optimal* f − f* ≤ "
             "10⁻⁸(1 + |f*|) (f* unknown: never optimal).",
             "- **NaN and infinity** do not end a run: every line search shrinks the step; a run that cannot "
             "recover is `nonfinite`, at its last finite point.",
             "- **BLAS** pinned to one thread for every solver with threadpoolctl, after SciPy's BLAS is loaded.",
             "",
             "| SciPy method | matched options | why |", "|---|---|---|",
             "| BFGS, CG | `gtol=1e-5`, `norm=inf` | their test is then ‖∇f‖∞ ≤ 10⁻⁵ |",
             "| L-BFGS-B | `gtol=1e-5`, `ftol=0`, `maxfun=1e9` | projected gradient (no bounds: ‖∇f‖∞) ≤ 10⁻⁵; "
             "the relative-reduction test (default `ftol` 2.2e-9) cannot fire first |",
             "| Newton-CG | `xtol=0` + a callback | its step-length test cannot fire first; the callback stops at "
             "‖∇f‖∞ ≤ 10⁻⁵, from the gradient SciPy evaluates at the iterate anyway |",
             "| trust-exact | `gtol=0` + a callback | its ‖∇f‖₂ < 10⁻⁴ default test cannot fire first; as above |",
             "| trust-krylov | `gtol=0` + a callback; Hessian-vector products (`hessp`) | as trust-exact; "
             "products are its interface for large problems, counted as such |",
             "| all | `maxiter=2000` | the shared iteration budget |",
             "",
             "Defaults, all from the literature and none tuned on these problems:", "",
             "| solver | setting | source |", "|---|---|---|",
             "| line searches | each method uses the line search and first trial step of its SciPy counterpart, "
             "a rule fixed before measuring (one exception: CG's c₂, below) | SciPy's `_linesearch.py`, `_optimize.py`; L-BFGS-B's `lnsrlb` |",
             "| BFGS line search | Moré–Thuente (MINPACK-2 `dcsrch`, f and ∇f at every trial), c₁ = 10⁻⁴, "
             "c₂ = 0.9, as SciPy's BFGS; first trial min(1, 1.01 · 2 (fₖ₋₁ − fₖ)/|∇fₖᵀdₖ|) with "
             "f₋₁ = f₀ + ‖∇f₀‖/2, as SciPy's BFGS | Moré & Thuente, *ACM TOMS* 20 (1994); N&W eq. 3.60 |",
             "| L-BFGS line search | Moré–Thuente, c₁ = 10⁻³, c₂ = 0.9, xtol = 0.1, as L-BFGS-B; first trial "
             "1/‖∇f₀‖ (not capped at 1), then 1, as L-BFGS-B | Byrd, Lu, Nocedal & Zhu (1995); Zhu et al. "
             "(1997), `lnsrlb` |",
             "| CG line search | Moré–Thuente, c₁ = 10⁻⁴, c₂ = 0.1 (SciPy's CG: 0.4); first trial as SciPy's "
             "CG, the BFGS rule above | N&W §5.2 (c₂ < ½ for FR), eq. 3.60 |",
             "| Newton line search | backtracking from α = 1 on f alone, sufficient decrease with c₁ = 10⁻⁴, "
             "each shorter trial from a quadratic or cubic interpolant kept in [0.1, 0.5] × the last; its "
             "counterparts trust-exact and trust-krylov are trust-region methods with no line search | "
             "N&W Algorithm 3.1, §3.5 |",
             "| BFGS | H₀ = I, rescaled to (yᵀs / yᵀy) I before the first update | N&W eq. 6.20 |",
             "| L-BFGS | m = 10 pairs, H₀ = (yᵀs / yᵀy) I, compact representation | N&W §7.2; Byrd, Nocedal & "
             "Schnabel (1994) |",
             "| Newton | H + τI with the first τ of N&W Algorithm 3.3 (β = 10⁻³ max(1, max|hᵢᵢ|)) for which "
             "Cholesky succeeds; for a sparse Hessian a band factorization (LDLᵀ at bandwidth 1) in an ordering "
             "and band layout worked out once per sparsity pattern | N&W §3.4 |",
             "| CG | FR and PR+, restart every n iterations and when |gₖ₊₁ᵀgₖ| ≥ 0.2‖gₖ₊₁‖² | N&W §5.2, eq. 5.52 |",
             "| first-order | one learning rate per method on every problem: " + ", ".join(
                 f"{k} ε = {v:g}" for k, v in compare.FIRST_ORDER_RATES.items()) + "; momentum α = 0.9, "
             "RMSProp ρ = 0.9, Adam β = (0.9, 0.999) | Kingma & Ba (2015); Hinton, lecture 6e; PyTorch's AdaGrad "
             "default; gradient descent, momentum and Nesterov have no literature default: Adam's ε |",
             "",
             "Problems: the 20 judged ones (Moré, Garbow & Hillstrom 1981 and four others) and 10 from CUTE "
             "(Bongartz, Conn, Gould & Toint 1995) at n = 100 (DIXMAANA n = 90), their standard start points; "
             "NONDIA was replaced by LIARWHD when the compile bridge, through SymEngine's common-subexpression pass, "
             "gave it a wrong ∂f/∂x₁ (the pass is now off and NONDIA's gradient is a regression test). "
             "There is no tuning set: no constant was tuned. The line searches follow one rule, fixed before "
             "measuring: each method uses the search and first trial step of its SciPy counterpart (Newton, "
             "whose counterparts have none, the textbook backtracking). Earlier variants of the searches were "
             "measured on these problems and are not used to choose. The H₀ rescaling of BFGS (N&W eq. 6.20), "
             "which SciPy's BFGS does not do, costs it on badly scaled problems: on x₁² + 10⁶x₂² + 10³x₃² "
             "from (1, 1, 1), stopped at ‖∇f‖∞ ≤ 10⁻⁵, our BFGS needs 45 gradients, SciPy's 9; from H₀ = I it takes SciPy's iterates "
             "(9 gradients; checked by a test on this and three other problems).",
             ""]
    return lines


def _pairs_section(runs, solvers, n) -> list[str]:
    lines = ["## Ours beside SciPy", "",
             "Per pair: stationary and optimal counts (ours vs SciPy's), and on the problems **both** end "
             "stationary on, the medians of f + ∇f evaluations, their ratio, and the median of the per-problem "
             "ratios ours / SciPy's (below 1: we need fewer).", "",
             "| ours | SciPy | stationary | optimal | common problems | median f + ∇f, ours / SciPy | "
             "ratio of medians | median of ratios |", "|---|---|---:|---:|---:|---|---:|---:|"]
    losses = []
    for ours, theirs in PAIRS + tuple((o, t.replace("scipy:", "scipy-default:")) for o, t in PAIRS):
        if ours in solvers and theirs in solvers:
            ps = bench_report.pair_summary(runs, ours, theirs)
            lines.append(f"| `{ours}` | `{theirs}` | {ps.stationary[0]}/{n} vs {ps.stationary[1]}/{n} | "
                         f"{ps.optimal[0]}/{n} vs {ps.optimal[1]}/{n} | {len(ps.common)} | "
                         f"{_cell(ps.median[0])} / {_cell(ps.median[1])} | {_cell(ps.ratio_of_medians, digits=3)} | "
                         f"{_cell(ps.median_ratio, digits=3)} |")
            if ps.we_lose and theirs.startswith("scipy:"):
                losses.append(ps)
    lines += ["", "### Where we lose", ""]
    if losses:
        lines += [f"- `{ps.ours}` against `{ps.theirs}`: "
                  + ("; ".join(filter(None, [
                      f"median f + ∇f evaluations {ps.median[0]:g} against {ps.median[1]:g} "
                      f"({ps.ratio_of_medians:.2f}×; median of per-problem ratios {ps.median_ratio:.2f}) on "
                      f"{len(ps.common)} common problems"
                      if ps.ratio_of_medians > 1 or ps.median_ratio > 1 else "",
                      f"{ps.optimal[0]} optimal solves against {ps.optimal[1]}" if ps.optimal[0] < ps.optimal[1]
                      else ""]))) for ps in losses]
    else:
        lines.append("On these runs no pair with matched rules needs more evaluations or solves fewer problems to "
                     "optimality than SciPy.")
    lines.append("")
    failures = [r for r in runs if not r.stationary and r.solver not in compare.FIRST_ORDER
                and not r.solver.startswith("scipy-default:")]
    if failures:
        lines += ["Runs of Newton, quasi-Newton, CG and matched SciPy that did not end stationary:", ""]
        lines += [f"- `{r.solver}` on {r.problem}: status `{r.status.value}`, f = {_cell(r.f)}, ‖∇f‖∞ = {_cell(r.gnorm, digits=2)}"
                  + (f" ({r.message})" if r.message else "") for r in failures]
    return lines + [""]


def _wood_section(runs) -> list[str]:
    wood = [r for r in runs if r.problem == "wood" and r.solver == "scipy-default:L-BFGS-B"]
    if not wood:
        return []
    r = wood[0]
    return ["## SciPy's L-BFGS-B on Wood", "",
            f"With default settings SciPy's L-BFGS-B stops on Wood at f = {_cell(r.f, digits=6)} "
            f"(‖∇f‖∞ = {_cell(r.gnorm, digits=3)}) with its own verdict `{r.status.value}` (“{r.message}”). "
            f"The harness judges it a {'success' if r.success else '**failure**'}: f* = 0, and the gradient is "
            "far from 10⁻⁵ — its relative-reduction test `factr` fired on a flat stretch of the function. "
            "With the matched options (`scipy:L-BFGS-B`, `ftol=0`) it does not stop there.", ""]


def _seed_section(seed, figure) -> list[str]:
    crit = beale_critical_points()
    lines = ["## Seed 001: Beale's function from (2, −2) and (−3, 3)", "",
             f"Seed 001 runs gradient descent, momentum, Nesterov, AdaGrad, RMSProp and Adam on Beale's function "
             f"from two starts with {SEED_ITERATIONS:,} iterations; here Newton and BFGS run beside them. "
             "Learning rates: `numerics.site.pages.bench.SEED_RATES` (per start, the grid rate with the lowest f).", ""]
    for start in SEED_STARTS:
        beale = library.get("beale").with_start(start)
        name = beale.title
        mine = [r for r in seed if r.problem == name]
        marks = [("(3, ½) minimum", (3.0, 0.5))] + [(f"{pt['kind']}", pt["x"]) for pt in crit["points"]
                                                     if pt["kind"] != "minimum"]
        bounds = ((-4.5, 4.5), (-3.0, 3.5))
        fig = bench_plots.trajectory_figure(beale, mine, f"Beale from ({start[0]:g}, {start[1]:g})", bounds, marks)
        lines += [f"![{name}]({figure('seed-' + name.replace('@', '-').replace(',', '_'), fig)})", "",
                  "| method | ε | iterations | ends at | f | ‖∇f‖∞ | where |", "|---|---:|---:|---|---:|---:|---|"]
        for r in mine:
            rate = f"{SEED_RATES[start][r.solver]:g}" if r.solver in compare.FIRST_ORDER else "–"
            lines.append(f"| {r.solver} | {rate} | {r.nit} | ({_cell(r.x[0])}, {_cell(r.x[1])}) | {_cell(r.f)} | "
                         f"{_cell(r.gnorm, digits=2)} | {_where(r)} |")
        lines.append("")
    lines += _claims_table(seed)
    pts = "; ".join(f"({pt['x'][0]:.4g}, {pt['x'][1]:.4g}) {pt['kind']}, f = {pt['f']:.4g}" for pt in crit["points"])
    lines += ["**Is there a local minimum to find?** Beale's critical points, found exactly by SymPy "
              "(derivation [beale.critical_points](beale.critical_points.md)) "
              f"(eliminating x₁ from ∇f = 0 leaves {latex_of(crit['polynomial']).join(['$', '$'])}): {pts}. "
              "So Beale's function has exactly **one** local minimum, the global one at (3, ½). "
              "Seed 001's remark that momentum (and Nesterov) “find a local, but not global, minimum” from (−3, 3) "
              "is wrong: there is no such minimum. What looks like one is the asymptotic valley x₂ → 1, |x₁| → ∞, "
              f"along which ∇f → 0 and f decreases to inf = {float(crit['valley_f']):.6g} "
              f"(= {crit['valley_f']}, at x₁(1 − x₂) → {-crit['valley_c']}) without attaining it; "
              "methods that enter it drift outward (see the table: a large |x₁| with x₂ ≈ 1). The harness's gradient "
              "test counts a run that stalls there as a success (‖∇f‖∞ ≤ 10⁻⁵) although it is no minimum — a "
              "limit of any gradient-based success test.", ""]
    return lines


def _claims_table(seed) -> list[str]:
    """Seed 001's statements about its Beale runs beside what these runs do (with these learning rates)."""
    by = {(r.problem, r.solver): r for r in seed}
    a, b = (library.get("beale").with_start(s).title for s in SEED_STARTS)

    def at(problem, solver):
        r = by.get((problem, solver))
        return f"{_where(r)} after {r.nit} iterations (f = {_cell(r.f, digits=3)})" if r else "–"

    rows = [
        ("gradient descent, 10,000 iterations, does not get to the minimum (both starts)",
         f"(2, −2): {at(a, 'gd')}; (−3, 3): {at(b, 'gd')}"),
        ("from (−3, 3) momentum finds a local, but not global, minimum", at(b, "momentum")),
        ("from (−3, 3) Nesterov finds the same local minimum as momentum", at(b, "nesterov")),
        ("from (−3, 3) AdaGrad proceeds to the global minimum", at(b, "adagrad")),
        ("from (−3, 3) RMSProp proceeds to the global minimum, faster than AdaGrad", at(b, "rmsprop")),
        ("Adam is slightly slower than RMSProp", f"(2, −2): Adam {at(a, 'adam')}, RMSProp {at(a, 'rmsprop')}"),
    ]
    lines = ["**Seed 001's statements beside these runs.** Which basin a first-order method ends in depends on "
             "its learning rate (seed 001 does not state its rates); the rates here are fixed by the rule above.", "",
             "| seed 001 says | here |", "|---|---|"]
    return lines + [f"| {claim} | {here} |" for claim, here in rows] + [""]


def _where(r) -> str:
    """Where a Beale run ended: the minimum, near it, in the valley x₂ → 1, or elsewhere."""
    if not (math.isfinite(r.f) and all(math.isfinite(v) for v in r.x)) or r.status is Status.NONFINITE:
        return "diverged (NaN/∞)"
    d = math.hypot(r.x[0] - 3, r.x[1] - 0.5)
    if d < 1e-2:
        return "global minimum (3, ½)"
    if d < 0.1:
        return "approaching the global minimum (budget spent)"
    if abs(r.x[0]) > 3 and abs(r.x[1] - 1) < 0.15:
        return "asymptotic valley x₂ → 1"
    return "still moving on the plateau (budget spent)" if r.gnorm > 1e-5 else "stalled"
