"""Our solvers beside SciPy's under the harness's protocol: evaluations on the test set, time per iteration.

1. **Test set.** The 20 judged problems and the 10 CUTE problems
   (:func:`numerics.compare.collection.default_problems`) through the harness
   (matched stopping rules, untuned defaults, BLAS pinned to one thread).  Per
   pair (our BFGS / SciPy BFGS, our L-BFGS / L-BFGS-B, our CG / SciPy CG, our
   Newton / trust-exact and trust-krylov): stationary and optimal counts, and on the problems
   both solved (stationary) the median f + ∇f evaluations and the median of the
   per-problem ratio ours / SciPy's.
2. **Time per iteration** on extended Rosenbrock and extended Powell at
   n = 100, 1,000 and 10,000: wall time / iterations, median of ``REPEATS`` (``FAST_REPEATS``
   for solves under a second), the solvers taking turns within each repeat,
   every solver calling the same compiled objective with one BLAS thread;
   L-BFGS / L-BFGS-B, Newton (sparse Hessian) / trust-krylov (and
   trust-exact up to n = 1,000, where its dense factorization runs), BFGS /
   SciPy BFGS up to n = 1,000 (a dense n × n inverse at n = 10,000 is 800 MB).

Writes ``docs/performance/solvers.md`` and prints it.
Run: ``PYTHONPATH=. .venv/bin/python benchmarks/solvers.py`` (``--quick``: n = 100 and 1,000 only).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import scipy
import scipy.optimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from numerics.compare import collection, harness, problems  # noqa: E402
from numerics.compare import report  # noqa: E402
from numerics.solve.newton import minimize_newton  # noqa: E402
from numerics.solve.quasi_newton import minimize_bfgs, minimize_lbfgs  # noqa: E402

OUT = ROOT / "docs" / "performance" / "solvers.md"
PAIRS = (("bfgs", "scipy:BFGS"), ("lbfgs", "scipy:L-BFGS-B"), ("cg-pr", "scipy:CG"), ("cg-fr", "scipy:CG"),
         ("newton", "scipy:trust-exact"), ("newton", "scipy:trust-krylov"))
REPEATS = 3
FAST_REPEATS = 9  # for solves under a second
GTOL = harness.GTOL
MAX_ITER = 2000


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


# --------------------------------------------------------------------------- 1. the test set


def test_set():
    solvers = sorted({s for pair in PAIRS for s in pair})
    chosen = collection.default_problems()
    runs = harness.run_benchmark(chosen, solvers, workers=2)
    return runs, [p.name for p in chosen], {p.name for p in collection.added()}


def pair_rows(runs, names, subset=None) -> list[str]:
    keep = [r for r in runs if subset is None or r.problem in subset]
    n = len({r.problem for r in keep})
    rows = []
    for ours, ref in PAIRS:
        ps = report.pair_summary(keep, ours, ref)
        rows.append(f"| `{ours}` / `{ref}` | {ps.stationary[0]}/{n} vs {ps.stationary[1]}/{n} | "
                    f"{ps.optimal[0]}/{n} vs {ps.optimal[1]}/{n} | {len(ps.common)} | "
                    f"{ps.median[0]:g} / {ps.median[1]:g} | {ps.ratio_of_medians:.3f} | {ps.median_ratio:.3f} |")
    return rows


# --------------------------------------------------------------------------- 2. time per iteration


def _scipy(method):
    def solve(obj, x0):
        hess = hessp = None
        if method == "trust-exact":
            def hess(x):
                h = obj.hess(x)
                return h.toarray() if hasattr(h, "toarray") else h
        elif method == "trust-krylov":
            hessp = obj.hessp  # Hessian-vector products of the sparse Hessian
        options = harness.scipy_options(method, GTOL, MAX_ITER) if method in ("L-BFGS-B", "BFGS", "trust-exact") \
            else {"maxiter": MAX_ITER, "gtol": GTOL}  # trust-krylov: its 2-norm test, gtol = 1e-5
        res = scipy.optimize.minimize(obj.fun, x0, jac=obj.jac, hess=hess, hessp=hessp, method=method,
                                       options=options)
        return res.nit, float(np.max(np.abs(obj.jac(res.x))))

    return solve


def _ours(minimize, **kw):
    def solve(obj, x0):
        sol = minimize(obj, x0, gtol=GTOL, max_iter=MAX_ITER, **kw)
        return sol.nit, sol.gnorm

    return solve


TIMED = {
    "lbfgs": _ours(minimize_lbfgs, memory=10), "scipy:L-BFGS-B": _scipy("L-BFGS-B"),
    "newton": _ours(minimize_newton), "scipy:trust-krylov": _scipy("trust-krylov"),
    "scipy:trust-exact": _scipy("trust-exact"),
    "bfgs": _ours(minimize_bfgs), "scipy:BFGS": _scipy("BFGS"),
}


def _timed(name: str, n: int) -> bool:
    """BFGS (ours and SciPy's) and trust-exact hold dense n × n matrices: timed up to n = 1,000."""
    return not (name in ("bfgs", "scipy:BFGS", "scipy:trust-exact") and n > 1000)


def per_iteration(sizes) -> tuple[list[str], dict]:
    """Rows of the timing table and the median ms per iteration by (problem, n, solver).

    The solvers take turns within each repeat (so a change of machine load hits all of
    them alike); a solver whose first solve took under a second is repeated ``FAST_REPEATS``
    times, the others ``REPEATS`` times; the median is reported.
    """
    rows, ms = [], {}
    for build in (problems.extended_rosenbrock, problems.extended_powell):
        for n in sizes:
            p = build(n)
            start = time.perf_counter()
            obj = p.compile()
            compile_s = time.perf_counter() - start
            x0 = np.array(p.x0)
            obj.fun(x0), obj.jac(x0), obj.hess(x0)
            names = [name for name in TIMED if _timed(name, n)]
            times = {name: [] for name in names}
            result = {}
            with harness.single_threaded_blas():
                for k in range(max(REPEATS, FAST_REPEATS)):
                    for name in names:
                        if k >= REPEATS and times[name][0] >= 1.0:
                            continue
                        t = time.perf_counter()
                        result[name] = TIMED[name](obj, x0.copy())
                        times[name].append(time.perf_counter() - t)
            for name in names:
                nit, gnorm = result[name]
                wall = statistics.median(times[name])
                ms[(p.name, n, name)] = 1e3 * wall / max(nit, 1)
                rows.append(f"| {p.name} | {n:,} | `{name}` | {nit} | {gnorm:.1e} | {1e3 * wall:.1f} | "
                            f"{ms[(p.name, n, name)]:.3f} | {len(times[name])} |")
            rows.append(f"| {p.name} | {n:,} | (compile) | | | {1e3 * compile_s:.0f} | | |")
    return rows, ms


TARGETS = ((10_000, "lbfgs", "scipy:L-BFGS-B", 1.5), (10_000, "newton", "scipy:trust-krylov", 1.0),
           (1000, "bfgs", "scipy:BFGS", 1.0))


def target_rows(ms: dict) -> list[str]:
    """Ours / SciPy's ms per iteration against the targets, where both were timed."""
    rows = []
    for n, ours, theirs, target in TARGETS:
        for name in ("extended-rosenbrock", "extended-powell"):
            a, b = ms.get((name, n, ours)), ms.get((name, n, theirs))
            if a is None or b is None:
                continue
            ratio = a / b
            rows.append(f"| {name} | {n:,} | `{ours}` / `{theirs}` | {a:.3f} / {b:.3f} | {ratio:.2f} | "
                        f"≤ {target:g} | {'met' if ratio <= target else '**missed**'} |")
    return rows


def main() -> str:
    quick = "--quick" in sys.argv
    load_before = load()
    runs, names, cute_names = test_set()
    judged = set(names) - cute_names
    sizes = (100, 1000) if quick else (100, 1000, 10_000)
    timing, ms = per_iteration(sizes)
    lines = [
        "# Our solvers beside SciPy's under one protocol",
        "",
        f"Generated by `benchmarks/solvers.py` (Python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}; {os.cpu_count()} cores shared with other jobs; load average "
        f"{load_before} before, {load()} after).",
        "",
        "Protocol: every solver stops on ‖∇f‖∞ ≤ 1e-5 (SciPy's options matched, `numerics.compare.scipy_methods`), "
        "2000 iterations, 5 s per run, one BLAS thread; defaults from Nocedal & Wright, nothing tuned on these "
        "problems. Stationary: ‖∇f‖∞ ≤ 1e-5 at the end; optimal: f − f* ≤ 1e-8 (1 + |f*|). Cost = f + ∇f "
        "evaluations; medians and ratios over the problems both solvers of a pair end stationary on.",
        "",
    ]
    header = ["| ours / SciPy | stationary | optimal | common | median f + ∇f (ours / SciPy) | ratio of medians | "
              "median of ratios |", "|---|---:|---:|---:|---|---:|---:|"]
    for title, subset in (("20 judged + 10 CUTE problems", None), ("the 20 judged problems", judged),
                          ("the 10 CUTE problems", cute_names)):
        lines += [f"## {title}", ""] + header + pair_rows(runs, names, subset) + [""]
    lines += ["### Cost per problem (✗: not stationary; †: stationary, not optimal)", "",
              report.cost_table(runs, names, sorted({s for pr in PAIRS for s in pr})), ""]
    lines += ["## Time per iteration", "",
              f"Wall time of the whole solve / iterations, median of {REPEATS} runs ({FAST_REPEATS} for solves under "
              "a second), the solvers taking turns; the same compiled objective for every solver; trust-krylov "
              "gets Hessian-vector products and stops on its own ‖∇f‖₂ < 1e-5 (stricter than the ∞-norm test).", "",
              "| problem | n | ours / SciPy | ms per iteration | ratio | target | |", "|---|---:|---|---|---:|---:|---|"]
    lines += target_rows(ms) + [""]
    lines += ["| problem | n | solver | iterations | final ‖∇f‖∞ | wall (ms) | ms per iteration | runs |",
              "|---|---:|---|---:|---:|---:|---:|---:|"] + timing + [""]
    text = "\n".join(lines)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    return text


if __name__ == "__main__":
    print(main())
