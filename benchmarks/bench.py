"""The default benchmark, `derivkit bench` with defaults, timed three times.

Reports the median wall time of the whole command (process start, compiling
every problem, 320 runs on 2 worker processes), the success counts per solver
judged by the harness, and whether derivkit's solvers reach their targets:

* our Newton solves every problem;
* our BFGS solves at least as many as SciPy's BFGS, our L-BFGS at least as many as L-BFGS-B;
* on the problems both solved, the median gradient evaluations of our BFGS are at most
  SciPy BFGS's, and of our CG (Fletcher–Reeves and Polak–Ribière+) at most SciPy CG's.

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

REPEATS = 3


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


def targets(runs) -> list[tuple[str, bool, str]]:
    counts = bench_report.success_counts(runs, compare.SOLVERS)
    n = len({r.problem for r in runs})
    out = [("our Newton solves every problem", counts["newton"] == n, f"{counts['newton']}/{n}"),
           ("our BFGS solves ≥ as many as SciPy BFGS", counts["bfgs"] >= counts["scipy:BFGS"],
            f"{counts['bfgs']} vs {counts['scipy:BFGS']}"),
           ("our L-BFGS solves ≥ as many as SciPy L-BFGS-B", counts["lbfgs"] >= counts["scipy:L-BFGS-B"],
            f"{counts['lbfgs']} vs {counts['scipy:L-BFGS-B']}")]
    for ours, theirs in (("bfgs", "scipy:BFGS"), ("cg-fr", "scipy:CG"), ("cg-pr", "scipy:CG")):
        common, med = bench_report.common_medians(runs, [ours, theirs])
        out.append((f"median ∇f evaluations of our {ours} ≤ {theirs}'s ({len(common)} common problems)",
                    med[ours] <= med[theirs], f"{med[ours]:g} vs {med[theirs]:g}"))
    return out


def report(times: list[float], runs, load_avg: str) -> str:
    counts = bench_report.success_counts(runs, compare.SOLVERS)
    n = len({r.problem for r in runs})
    lines = ["# Benchmark: `derivkit bench` (default: every problem × every solver)", "",
             "Measured by `benchmarks/bench.py` (generated; rerun it to refresh).", "",
             f"- wall time of the whole command, median of {len(times)}: **{statistics.median(times):.1f} s** "
             f"(runs: {', '.join(f'{t:.1f}' for t in times)} s; budget 60 s)",
             f"- machine: {os.cpu_count()} cores shared with other jobs; load average before the runs: {load_avg}",
             f"- {len(runs)} runs: {n} problems × {len(compare.SOLVERS)} solvers, 2 worker processes", "",
             "## Targets", "", "| target | reached | figures |", "|---|---|---|"]
    for text, ok, figures in targets(runs):
        lines.append(f"| {text} | {'yes' if ok else '**no**'} | {figures} |")
    lines += ["", "## Success counts (judged by the harness)", "", "| solver | solved |", "|---|---:|"]
    lines += [f"| `{s}` | {counts[s]}/{n} |" for s in compare.SOLVERS]
    missed = [r for r in runs if r.solver in ("newton", "bfgs", "lbfgs", "cg-fr", "cg-pr") and not r.success]
    if missed:
        lines += ["", "Problems our second-order solvers miss:", ""]
        lines += [f"- `{r.solver}` on {r.problem}: {r.status.value}, f = {r.f}, ‖∇f‖∞ = {r.gnorm}" for r in missed]
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
