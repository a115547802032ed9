"""The default benchmark, `derivkit bench` with defaults, timed three times.

Reports the median wall time of the whole command (process start, compiling
every problem, 30 problems × 23 solvers on 2 worker processes; budget 60 s),
the stationary and optimal counts per solver judged by the harness, and per
pair under matched stopping rules (our BFGS / SciPy BFGS, our L-BFGS /
L-BFGS-B, our CG / SciPy CG, our Newton / trust-exact and trust-krylov) whether

* our median f + ∇f evaluations over SciPy's on the problems both end stationary on is ≤ 1
  (the median of the per-problem ratios is shown beside it), and
* we solve at least as many problems to optimality.

Writes docs/performance/bench.md and prints the same text.

    .venv/bin/python benchmarks/bench.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from numerics.compare import report as bench_report
from numerics.compare import harness as compare

REPEATS = 2


def _derivkit() -> list[str]:
    exe = Path(sys.executable).with_name("derivkit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "numerics.cli.main"]


def run_once(out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*_derivkit(), "bench", "--json", str(out)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def load(path: Path) -> list[SimpleNamespace]:
    runs = [SimpleNamespace(**r) for r in json.loads(path.read_text())]
    for r in runs:
        r.cost = r.nfev + r.ngev
    return runs


PAIRS = (("bfgs", "scipy:BFGS"), ("lbfgs", "scipy:L-BFGS-B"), ("cg-fr", "scipy:CG"), ("cg-pr", "scipy:CG"),
         ("newton", "scipy:trust-exact"), ("newton", "scipy:trust-krylov"))


def targets(runs, seconds: float) -> list[tuple[str, bool, str]]:
    out = [("default `derivkit bench` ≤ 60 s", seconds <= 60, f"{seconds:.1f} s")]
    for ours, theirs in PAIRS:
        ps = bench_report.pair_summary(runs, ours, theirs)
        out.append((f"median f + ∇f of {ours} / {theirs} ≤ 1 ({len(ps.common)} common problems)",
                    ps.ratio_of_medians <= 1.0, f"{ps.median[0]:g} / {ps.median[1]:g} = {ps.ratio_of_medians:.3f} "
                    f"(median of per-problem ratios {ps.median_ratio:.3f})"))
        out.append((f"optimal solves of {ours} ≥ {theirs}'s", ps.optimal[0] >= ps.optimal[1],
                    f"{ps.optimal[0]} vs {ps.optimal[1]}"))
    return out


def report(times: list[float], runs, load_avg: str) -> str:
    n = len({r.problem for r in runs})
    st = bench_report.success_counts(runs, compare.SOLVERS, bench_report.stationary)
    op = bench_report.success_counts(runs, compare.SOLVERS, bench_report.optimal)
    lines = ["# Benchmark: `derivkit bench` (default: every problem × every solver)", "",
             "Measured by `benchmarks/bench.py` (generated; rerun it to refresh).", "",
             f"- wall time of the whole command, median of {len(times)}: **{statistics.median(times):.1f} s** "
             f"(runs: {', '.join(f'{t:.1f}' for t in times)} s; budget 60 s)",
             f"- machine: {os.cpu_count()} cores shared with other jobs; load average before the runs: {load_avg}",
             f"- {len(runs)} runs: {n} problems × {len(compare.SOLVERS)} solvers, 2 worker processes", "",
             "## Targets", "", "| target | reached | figures |", "|---|---|---|"]
    for text, ok, figures in targets(runs, statistics.median(times)):
        lines.append(f"| {text} | {'yes' if ok else '**no**'} | {figures} |")
    lines += ["", "## Counts (judged by the harness)", "", "| solver | stationary | optimal |", "|---|---:|---:|"]
    lines += [f"| `{s}` | {st[s]}/{n} | {op[s]}/{n} |" for s in compare.SOLVERS]
    missed = [r for r in runs if r.solver in ("newton", "bfgs", "lbfgs", "cg-fr", "cg-pr") and not r.stationary]
    if missed:
        lines += ["", "Problems our second-order solvers miss:", ""]
        lines += [f"- `{r.solver}` on {r.problem}: {r.status}, f = {r.f}, ‖∇f‖∞ = {r.gnorm}" for r in missed]
    return "\n".join(lines) + "\n"


def main() -> int:
    load_avg = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "runs.json"
        for _ in range(REPEATS):
            times.append(run_once(out))
        runs = load(out)
    text = report(times, runs, load_avg)
    target = ROOT / "docs" / "performance" / "bench.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
