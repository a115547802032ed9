"""Benchmark: cost of a Hessian-vector product against a gradient, Lanczos λ_max, and ``curvature --mlp`` wall time.

Run: ``.venv/bin/python benchmarks/mlp_curvature.py``. Prints a Markdown report and writes it to
``docs/performance/mlp_curvature.md``. Medians over repeats; OpenBLAS is pinned to one thread unless
``OPENBLAS_NUM_THREADS`` is set (the products are many small matrix products, where extra BLAS threads
on a shared 2-core machine cost more than they give).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pathlib  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from numerics.analysis.mlp import MLPSpec, init_parameters, mlp_loss
from numerics.analysis.synthetic import synthetic_regression
from numerics.analysis.spectrum import dense_hessian, lanczos_eigenvalues

OUT = pathlib.Path(__file__).resolve().parent.parent / "docs" / "performance" / "mlp_curvature.md"


def _median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def _problem(n, d, h, act="tanh", bn=False, seed=0, layers=1):
    data = synthetic_regression(n, d, seed=seed)
    X, y = data.X, data.y
    spec = MLPSpec(d, h, act, "squared", bn, l2=1e-3, layers=layers)
    f = mlp_loss(spec, X, y)
    return f, init_parameters(spec, seed)


def hvp_ratio_rows(repeats=31):
    """Gradient, state at θ (``linearize``) and one product from the kept state, interleaved."""
    rows = []
    for n, d, h, act, bn, layers in [(1000, 100, 98, "tanh", False, 1), (1000, 100, 98, "tanh", True, 1),
                                     (1000, 100, 98, "relu", False, 1), (512, 8, 64, "sigmoid", True, 1),
                                     (1000, 8, 1000, "tanh", True, 1), (1000, 8, 64, "relu", True, 3)]:
        f, theta = _problem(n, d, h, act, bn, layers=layers)
        v = np.random.default_rng(1).standard_normal(f.n_params)
        at = f.linearize(theta)
        f.value_and_grad(theta), at.hvp(v)  # warm up
        # interleaved, so that all see the same load from other jobs; the ratio is the median of pairs
        triples = [(_median_time(lambda: f.value_and_grad(theta), 1), _median_time(lambda: f.linearize(theta), 1),
                    _median_time(lambda: at.hvp(v), 1)) for _ in range(repeats)]
        tg, ts, th = (float(np.median(col)) for col in zip(*triples))
        rows.append((n, d, h, layers, act, bn, f.n_params, tg, ts, th, float(np.median([c / a for a, _, c in triples]))))
    return rows


def cli_runs(command, repeats=3):
    """Wall and CPU seconds (user + system of the command's processes) of a CLI run, median of ``repeats``."""
    env = dict(os.environ, PYTHONPATH=str(pathlib.Path(__file__).resolve().parent.parent))
    env.pop("OPENBLAS_NUM_THREADS", None)  # the CLI pins BLAS itself
    out = []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = os.getloadavg()[0]
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "numerics.cli.main", *command], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        out.append((wall, cpu, load))
    wall, cpu, load = (float(np.median(col)) for col in zip(*out))
    return wall, cpu, load


def top_eigenvalue(repeats=3):
    f, theta = _problem(1000, 100, 98, "tanh", False)  # 9,997 parameters
    results = []
    for r in range(repeats):
        t = time.perf_counter()
        at = f.linearize(theta)  # the state at θ, inside the timing
        res = lanczos_eigenvalues(at.hvp, f.n_params, k=1, which="largest", tol=1e-10, seed=r)
        results.append((time.perf_counter() - t, res))
    secs = float(np.median([t for t, _ in results]))
    return f.n_params, secs, results[0][1]


def dense_agreement():
    f, theta = _problem(200, 10, 40, "tanh", True)  # 521 parameters
    hvp = lambda v: f.hessp(theta, v)  # noqa: E731
    exact = np.linalg.eigvalsh(dense_hessian(hvp, f.n_params))[-1]
    lan = lanczos_eigenvalues(hvp, f.n_params, k=1, which="largest", tol=1e-10).eigenvalues[0]
    return f.n_params, float(exact), float(lan), abs(lan - exact) / abs(exact)


def main():
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    ratios = hvp_ratio_rows()
    n_params, secs, res = top_eigenvalue()
    small_n, exact, lan, rel = dense_agreement()
    spec = "hidden=1000,act=tanh,bn=on,samples=1000"
    cli = [(" ".join(c), *cli_runs(c)) for c in (["curvature", "--mlp", spec + ",steps=0", "--top", "1"],
                                                 ["curvature", "--mlp", spec, "--top", "1"],
                                                 ["curvature", "--mlp", "layers=3,hidden=64,act=relu,bn=on",
                                                  "--top", "1"])]
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# MLP curvature: measured figures",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; load average {load:.1f} before and "
        f"{load_after:.1f} after (other jobs share the cores). OPENBLAS_NUM_THREADS="
        f"{os.environ.get('OPENBLAS_NUM_THREADS')}. Script: `benchmarks/mlp_curvature.py`.",
        "",
        "## A Hessian-vector product against a gradient (target: at most 3x)",
        "",
        "Median milliseconds of one loss-and-gradient evaluation, of the state at θ (`linearize`: forward and",
        "backward pass and σ''(U), kept) and of one Hessian-vector product from that state (the R-operator",
        "passes only), all generated from the verified matrix-form derivation; L2 α = 10⁻³; 31 interleaved",
        "triples, the ratio is the median of the per-triple ratios HVP / gradient. Lanczos and Hutchinson make",
        "all their products at one θ, so the state is paid once per analysis.",
        "",
        "| n | d | h | layers | σ | batch norm | parameters | gradient (ms) | state (ms) | HVP (ms) | HVP / gradient |",
        "|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for n, d, h, layers, act, bn, p, tg, ts, th, ratio in ratios:
        lines.append(f"| {n} | {d} | {h} | {layers} | {act} | {'on' if bn else 'off'} | {p} | {tg * 1e3:.2f} | "
                     f"{ts * 1e3:.2f} | {th * 1e3:.2f} | {ratio:.2f} |")
    lines += [
        "",
        "## Top eigenvalue of a ~10,000-parameter MLP on 1,000 samples (target: at most 5 s)",
        "",
        f"d = 100, h = 98, tanh, no batch norm: {n_params} parameters, 1,000 samples, at initialization.",
        "`lanczos_eigenvalues(k=1, which='largest', tol=1e-10)` (SciPy `eigsh` on a LinearOperator) on the",
        "products of `linearize(theta)`, the state at θ included in the time:",
        f"median **{secs:.2f} s** over 3 runs (different start vectors), {res.matvecs} Hessian-vector products,",
        f"λ_max = {res.eigenvalues[0]:.10g}, converged: {res.converged}.",
        "",
        "## Agreement with a dense eigh (target: within 1e-6 relative)",
        "",
        f"d = 10, h = 40, tanh, batch norm on, 200 samples: {small_n} parameters. Dense Hessian from unit-vector",
        f"products, `numpy.linalg.eigvalsh`: λ_max = {exact:.12g}; Lanczos: {lan:.12g}; relative difference "
        f"**{rel:.1e}**.",
        "",
    ]
    lines += [
        "## `derivkit curvature --mlp` wall time, start-up included (targets: 5 s with steps=0, 15 s trained)",
        "",
        "Median of 3 runs of the command (a fresh process each); CPU is user + system seconds of the command's",
        "processes, the share of the cores it got: on a loaded machine wall time is CPU time plus waiting.",
        "",
        "| command | wall (s) | CPU (s) | load average at start |",
        "|---|---:|---:|---:|",
    ] + [f"| `derivkit {c}` | {w:.2f} | {cpu:.2f} | {ld:.1f} |" for c, w, cpu, ld in cli] + [""]
    text = "\n".join(lines)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
