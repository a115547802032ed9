"""Benchmark of `derivkit check` on lecture-note-size pairs: median seconds per check.

The corpus is every seed example of the docs page (numerics.site.pages.check: the
slips and the formulas that check out) plus further pairs of the size found in
lecture notes (optimizer updates, activation derivatives, initialization
variances, batch-norm sums).  Each pair is checked ``REPEATS`` times (the
median of the repeats is its time); the report gives the median over the
corpus, by verdict, and the slowest pairs, and checks that a pathological pair
returns within its timeout.  Numbers go to docs/performance/check.md.

Run: ``.venv/bin/python benchmarks/check.py``
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derivations.checking.check import check_text
from numerics.site.pages.check import CORRECT, SLIPS, SeedCheck

REPEATS = 3

EXTRA = (
    SeedCheck("-", "sigmoid derivative", "", "sigmoid(x)*(1 - sigmoid(x))", derivative_of="1/(1 + exp(-x))",
              wrt="x", verdict="equivalent"),
    SeedCheck("-", "tanh derivative", "", "1 - tanh(x)^2", derivative_of="tanh(x)", wrt="x", verdict="equivalent"),
    SeedCheck("-", "softplus derivative (slip: sign)", "", "1/(1 + exp(x))", derivative_of="log(1 + exp(x))",
              wrt="x"),
    SeedCheck("-", "L2 penalty gradient", "", "alpha*w", derivative_of="alpha/2*w^2", wrt="w", verdict="equivalent"),
    SeedCheck("-", "L2 penalty gradient (slip: factor 2)", "", "2*alpha*w", derivative_of="alpha/2*w^2", wrt="w"),
    SeedCheck("-", "Adam bias-corrected step", "",
              "epsilon*(v/(1 - beta_1^t))/(sqrt(a/(1 - beta_2^t)) + nu)",
              "epsilon*v*sqrt(1 - beta_2^t)/((1 - beta_1^t)*(sqrt(a) + nu*sqrt(1 - beta_2^t)))",
              assume=("0<beta_1<1", "0<beta_2<1", "t>=1", "a>0", "nu>0"), verdict="equivalent"),
    SeedCheck("-", "1-D Newton step on a quadratic", "", "x - (a*x + b)/a", derivative_of=None,
              expected="-b/a", verdict="equivalent"),
    SeedCheck("-", "regularized Newton step (slip: alpha inside)", "", "-g/(h*alpha + 1)", "-g/(h + alpha)"),
    SeedCheck("-", "batch norm d l/d gamma", "", r"\sum_{j=1}^{m} \frac{\partial \ell}{\partial y^{(j)}} \hat{x}^{(j)}",
              derivative_of=r"\sum_{j=1}^{m} \frac{\partial \ell}{\partial y^{(j)}} (\gamma \hat{x}^{(j)} + \beta)",
              wrt=r"\gamma", latex=True, verdict="equivalent"),
    SeedCheck("-", "batch norm d l/d beta (slip: 1/m)", "",
              r"\frac{1}{m}\sum_{j=1}^{m} \frac{\partial \ell}{\partial y^{(j)}}",
              derivative_of=r"\sum_{j=1}^{m} \frac{\partial \ell}{\partial y^{(j)}} (\gamma \hat{x}^{(j)} + \beta)",
              wrt=r"\beta", latex=True),
    SeedCheck("-", "ensemble error variance", "", "v/k + (k - 1)/k*c", "(k*v + k*(k - 1)*c)/k^2",
              assume=("k>0",), verdict="equivalent"),
)

#: typed formulas: matrices by matrix algebra or random matrices, applied functions by random functions
TYPED = (
    SeedCheck("001", "transpose of a product", "", r"(\mathbf{A}\mathbf{B})^T", r"\mathbf{B}^T\mathbf{A}^T",
              latex=True, verdict="equivalent"),
    SeedCheck("001", "transpose of a product (slip: order)", "", r"(\mathbf{A}\mathbf{B})^T",
              r"\mathbf{A}^T\mathbf{B}^T", latex=True),
    SeedCheck("001", "Gram matrix (slip: X X^T)", "", r"\mathbf{X}^T\mathbf{X}", r"\mathbf{X}\mathbf{X}^T",
              latex=True),
    SeedCheck("001", "normal equations, square X", "", r"(\mathbf{X}^T\mathbf{X})^{-1}\mathbf{X}^T\mathbf{y}",
              r"\mathbf{X}^{-1}\mathbf{y}", latex=True, verdict="equivalent"),
    SeedCheck("004", "directional curvature", "", "v^T H v", "v^T H^T v", latex=True, verdict="equivalent"),
    SeedCheck("001", "ridge solution (slip: alpha outside)", "",
              r"(\mathbf{X}^T\mathbf{X} + \alpha \mathbf{I})^{-1}\mathbf{X}^T\mathbf{y}",
              r"(\mathbf{X}^T\mathbf{X})^{-1}\mathbf{X}^T\mathbf{y} + \alpha \mathbf{y}", latex=True),
    SeedCheck("-", "application is not a product", "", "g(x + h)", "g(x) + g(h)", latex=True),
    SeedCheck("004", "second-order Taylor term", "", r"F(p_0) + F'(p_0)(p - p_0)", r"F(p_0) + (p - p_0)F'(p_0)",
              latex=True, verdict="equivalent"),
    SeedCheck("-", "inverse sine is not a reciprocal", "", r"\sin^{-1} x", r"\frac{1}{\sin x}", latex=True),
)

PATHOLOGICAL = ("(sin(x) + cos(x))^40", "(1 + sin(2*x))^20")


def _time(example: SeedCheck) -> tuple[float, float, str]:
    """Seconds of the first check of the pair (SymPy's caches cold for it) and the median of the repeats."""
    times, verdict = [], ""
    for _ in range(REPEATS):
        start = time.perf_counter()
        r = example.run(timeout=10)
        times.append(time.perf_counter() - start)
        verdict = r.verdict.value
    if verdict != example.verdict:
        raise SystemExit(f"benchmark pair {example.topic!r} gave {verdict}, expected {example.verdict}")
    return times[0], statistics.median(times[1:]), verdict


def _simplify_alone(seconds: float) -> str:
    from derivations.reading.parsing import parse_expression
    from derivations.checking.verify import symbolic_zero

    a, b = (parse_expression(t) for t in PATHOLOGICAL)
    start = time.perf_counter()
    proved = symbolic_zero(a - b, seconds)
    elapsed = time.perf_counter() - start
    return f"proved zero after {elapsed:.1f} s" if proved else f"still undecided when stopped after {elapsed:.1f} s"


def main() -> None:
    corpus = SLIPS + CORRECT + EXTRA + TYPED
    rows = [(ex, *_time(ex)) for ex in corpus]
    typed_rows = [row for row in rows if row[0] in TYPED]
    firsts = [f for _, f, _, _ in rows]
    all_times = [t for _, _, t, _ in rows]
    by_verdict = {v: [(f, t) for _, f, t, vv in rows if vv == v] for v in ("equivalent", "different")}
    bounds = []
    for timeout in (1.0, 3.0):
        start = time.perf_counter()
        r = check_text(*PATHOLOGICAL, timeout=timeout)
        bounds.append((timeout, time.perf_counter() - start, r.verdict.value, r.method))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# Performance: `derivkit check`",
        "",
        f"Generated by `benchmarks/check.py` on {platform.machine()} with {os.cpu_count()} cores "
        f"(1-minute load average at the end: {load:.1f}, shared with other jobs). Each pair is checked "
        f"{REPEATS} times in one process: *first* is the first check of the pair (parsing and SymPy's caches "
        "cold for it), *repeat* the median of the later ones. Times include parsing.",
        "",
        "| corpus | pairs | median first (s) | median repeat (s) | max first (s) |",
        "|---|---:|---:|---:|---:|",
        f"| all | {len(rows)} | {statistics.median(firsts):.3f} | {statistics.median(all_times):.3f} | "
        f"{max(firsts):.3f} |",
    ]
    for v, ts in by_verdict.items():
        if ts:
            f_, t_ = [a for a, _ in ts], [b for _, b in ts]
            lines.append(f"| {v} | {len(ts)} | {statistics.median(f_):.3f} | {statistics.median(t_):.3f} | "
                         f"{max(f_):.3f} |")
    lines.append(f"| typed (matrices, applied functions) | {len(typed_rows)} | "
                 f"{statistics.median([f for _, f, _, _ in typed_rows]):.3f} | "
                 f"{statistics.median([t for _, _, t, _ in typed_rows]):.3f} | {max(f for _, f, _, _ in typed_rows):.3f} |")
    lines += ["", "Slowest pairs (first check):", "", "| pair | verdict | seconds |", "|---|---|---:|"]
    for ex, f, _, v in sorted(rows, key=lambda r: -r[1])[:5]:
        lines.append(f"| {ex.seed}: {ex.topic} | {v} | {f:.3f} |")
    alone = _simplify_alone(15.0)
    lines += ["", f"Time bound on a pathological pair (`{PATHOLOGICAL[0]}` vs `{PATHOLOGICAL[1]}`; the "
              f"symbolic zero test alone, given 15 s: {alone}):", "",
              "| --timeout (s) | returned after (s) | verdict | method |", "|---:|---:|---|---|"]
    for timeout, elapsed, verdict, method in bounds:
        lines.append(f"| {timeout:g} | {elapsed:.2f} | {verdict} | {method} |")
    text = "\n".join(lines) + "\n"
    out = ROOT / "docs" / "performance" / "check.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
