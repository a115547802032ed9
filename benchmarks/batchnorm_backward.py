"""Benchmark: the generated batch-norm backward pass against a hand-written NumPy compact formula.

Target (issue): at m = 256, d = 512, float64, within 1.5x of the hand-written time and
agreeing to 1e-12 relative. Writes docs/performance/batchnorm.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from numerics.analysis import batchnorm


def numpy_compact(dy, x, gamma, eps=1e-5):
    m = x.shape[0]
    mu = x.mean(axis=0)
    inv = 1.0 / np.sqrt(x.var(axis=0) + eps)
    xhat = (x - mu) * inv
    return gamma * inv / m * (m * dy - dy.sum(axis=0) - xhat * (dy * xhat).sum(axis=0))


def median_seconds(fn, repeats=15, inner=10):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def main() -> None:
    rng = np.random.default_rng(0)
    m, d = 256, 512
    x = rng.standard_normal((m, d)) * 2 + 1
    dy = rng.standard_normal((m, d))
    gamma = rng.uniform(0.5, 2, d)
    ours = batchnorm.backward(dy, x, gamma).dx
    ref = numpy_compact(dy, x, gamma)
    rel = float(np.max(np.abs(ours - ref)) / np.max(np.abs(ref)))
    rounds = []
    for _ in range(3):  # interleave to share the machine's load fairly
        t_ours = median_seconds(lambda: batchnorm.backward(dy, x, gamma))
        t_ref = median_seconds(lambda: numpy_compact(dy, x, gamma))
        rounds.append((t_ours, t_ref))
    t_ours = statistics.median(r[0] for r in rounds)
    t_ref = statistics.median(r[1] for r in rounds)
    load = os.getloadavg()[0]
    lines = [
        "# Batch-norm backward pass: generated code against hand-written NumPy",
        "",
        f"m = {m}, d = {d}, float64; median of 3 rounds x 15 repeats x 10 calls "
        f"(`python benchmarks/batchnorm_backward.py`, Python {platform.python_version()}, NumPy {np.__version__}, "
        f"load average {load:.1f} on {os.cpu_count()} cores).",
        "",
        "| implementation | median time per call |",
        "|---|---|",
        f"| `numerics.analysis.batchnorm.backward` (generated: dx, dγ, dβ) | {t_ours * 1e3:.3f} ms |",
        f"| hand-written NumPy compact formula (dx only) | {t_ref * 1e3:.3f} ms |",
        "",
        f"Ratio generated / hand-written: **{t_ours / t_ref:.2f}x** (target ≤ 1.5x). "
        f"Largest relative difference in dx: **{rel:.1e}** (target ≤ 1e-12).",
        "",
    ]
    out = Path(__file__).resolve().parents[1] / "docs" / "performance" / "batchnorm.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
