"""Benchmark: chained Rosenbrock written once as an indexed sum, from text to curvature.

f(x) = Σ_{i=0}^{n-2} 100 (x_{i+1} − x_i²)² + (1 − x_i)², typed as
``Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))`` with ``--n``.  Measures

* read + derive + compile (gradient, sparse Hessian, Hessian-vector product) by
  ``numerics.indexed.indexed_objective``, median of repeats, at n = 200, 1,000 and 10,000;
* per call: our gradient and HVP against SciPy's hand-written ``rosen_der`` and
  ``rosen_hess_prod`` (every result is checked against SciPy first);
* ``derivkit curvature ... --n N --at=-1.2,1`` wall time including interpreter start-up
  (a subprocess), at n = 1,000 and 10,000, its extreme eigenvalues converged;
* ``derivkit check`` of a hand formula for ∂f/∂x_3 against ``diff(f, x[3])`` with ``--n N``, the same way;
* JAX (``jit(grad)``, ``jit(hessian)``) derive-and-compile when JAX is installed (skipped otherwise).

Prints a table with the load average; writes nothing.

Run: PYTHONPATH=. .venv/bin/python benchmarks/indexed_sums.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

import numpy as np
from scipy.optimize import rosen_der, rosen_hess_prod

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derivations.reading.indexed import MAX_N, read_indexed  # noqa: E402
from derivations.reading.parsing import parse_expression  # noqa: E402
from numerics.indexed import indexed_objective  # noqa: E402

TEXT = "Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))"


def build(n: int):
    return indexed_objective(read_indexed(parse_expression(TEXT, max_terms=MAX_N), n), sparse=True)


def derive_compile_seconds(n: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        obj = build(n)
        x = np.full(n, 0.5)
        obj.jac(x), obj.hess(x), obj.hessp(x, x)  # the first calls are part of "compiled"
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_call(f, number: int) -> float:
    return min(timeit.repeat(f, number=number, repeat=7)) / number


def cli_seconds(*argv: str) -> tuple[float, str]:
    """Wall seconds of ``derivkit ARGV`` in a subprocess (interpreter start-up included), and its output."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "numerics.cli.main", *argv], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout


def entry_3(n: int) -> list[str]:
    """``derivkit check`` of the hand formula for ∂f/∂x_3 against ``diff(f, x[3])`` at n."""
    return ["check", "200*(x[3]-x[2]^2) - 400*x[3]*(x[4]-x[3]^2) - 2*(1-x[3])", f"diff({TEXT}, x[3])", "--n", str(n)]


def jax_seconds(n: int) -> float | None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)

    def f(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)

    start = time.perf_counter()
    x = jnp.full(n, 0.5)
    jax.jit(jax.grad(f))(x).block_until_ready()
    jax.jit(jax.hessian(f))(x).block_until_ready()
    return time.perf_counter() - start


def main(quick: bool = False) -> None:
    rng = np.random.default_rng(0)
    rows = []
    for n in (200, 1000, 10_000):
        obj = build(n)
        x, p = rng.normal(size=n), rng.normal(size=n)
        assert np.allclose(obj.jac(x), rosen_der(x)) and np.allclose(obj.hessp(x, p), rosen_hess_prod(x, p))
        assert np.allclose(obj.hess(x) @ p, rosen_hess_prod(x, p))
        number = 200 if n <= 1000 else 50
        rows.append((n, derive_compile_seconds(n, 3 if quick else 7), per_call(lambda: obj.jac(x), number),
                     per_call(lambda: rosen_der(x), number), per_call(lambda: obj.hessp(x, p), number),
                     per_call(lambda: rosen_hess_prod(x, p), number), jax_seconds(n)))
    print(f"load average: {open('/proc/loadavg').read().split()[:3]}  (cores: {os.cpu_count()})")
    print("| n | read+derive+compile s | ∇f µs | rosen_der µs | Hv µs | rosen_hess_prod µs | Hv / SciPy | JAX jit s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, dc, g, gs, h, hs, jx in rows:
        print(f"| {n} | {dc:.3f} | {g * 1e6:.1f} | {gs * 1e6:.1f} | {h * 1e6:.1f} | {hs * 1e6:.1f} | {h / hs:.2f} | "
              f"{'not installed' if jx is None else f'{jx:.3f}'} |")
    print()
    for n in (1000, 10_000):
        seconds, out = cli_seconds("curvature", TEXT, "--n", str(n), "--at=-1.2,1")
        assert "partial" not in out, out  # both extreme eigenvalues converged
        print(f"derivkit curvature --n {n} --at=-1.2,1: {seconds:.2f} s wall incl. start-up (extremes converged)")
    for n in (1000, 10_000):
        seconds, out = cli_seconds(*entry_3(n))
        assert out.startswith("equivalent") and f"at n = {n}" in out, out
        print(f"derivkit check ∂f/∂x_3 --n {n}: {seconds:.2f} s wall incl. start-up")
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main("--quick" in sys.argv)
