"""Benchmark: our MLP gradient, Hessian-vector product and Lanczos λ_max beside torch.func and JAX.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/mlp_frameworks.py``. Prints a Markdown report and writes it
to ``docs/performance/mlp_frameworks.md``. PyTorch and JAX are not dependencies of derivkit: a framework
that is not installed is skipped (and said so in the report).

The same network, data, parameters and direction for everyone: seed 000's net (``layers=1``) or seed 002's
L-layer net, d = 8 inputs, h = 1000 tanh units, batch norm on, 1,000 synthetic samples, squared loss, α = 10⁻³.
Each framework's loss is written from the seeds' formulas in its own idiom (an independent reference for
ours: the gradients and products are compared entry by entry before anything is timed).

* ours: :meth:`MLPLoss.value_and_grad` and :meth:`Linearization.hvp` (forward and backward kept at θ);
* torch.func: ``grad`` and ``jvp(grad(f), (θ,), (V,))`` (forward-over-reverse), CPU, float64;
* JAX: ``jit(grad(f))`` and ``jit(lambda θ, v: jvp(grad(f), (θ,), (v,))[1])`` on CPU, float64
  (θ, X, y passed as arguments);
* λ_max: SciPy ``eigsh`` (k = 1, ``which="LA"``, tol 1e-10, the same start vector) on each framework's HVP.

Threads: BLAS is pinned to one thread for ours (as the CLI does), torch to
``torch.set_num_threads(1)`` and XLA to one intra-op thread, so that all three run single-threaded; medians
of interleaved repeats.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import pathlib  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy.sparse.linalg import LinearOperator, eigsh  # noqa: E402

from numerics.analysis.mlp import MLPSpec, init_parameters, mlp_loss  # noqa: E402
from numerics.analysis.synthetic import synthetic_regression  # noqa: E402
from mlp_curvature import _median_time  # noqa: E402 - the same median timer as the curvature benchmark

OUT = pathlib.Path(__file__).resolve().parent.parent / "docs" / "performance" / "mlp_frameworks.md"
EPS, ALPHA = 1e-5, 1e-3


def _blocks(spec, theta):
    """θ split into the blocks of ``spec.shapes`` (2-D arrays, ``c`` a 1x1 block)."""
    out, pos = [], 0
    for _, (r, c) in spec.shapes:
        out.append(theta[pos:pos + r * c].reshape(r, c))
        pos += r * c
    return out


def _loss_in(xp, spec):
    """The loss ``(θ, X, y) -> L`` with flat θ in the array module ``xp`` (jax.numpy or torch), from the seeds."""
    def split(theta):
        out, pos = [], 0
        for _, (r, c) in spec.shapes:
            out.append(theta[pos:pos + r * c].reshape(r, c))
            pos += r * c
        return out

    def loss(theta, X, y):
        blocks = split(theta)
        a, i = X, 0
        for _ in range(spec.layers):
            W, b = blocks[i], blocks[i + 1]
            i += 2
            z = a @ W.T + b.T
            if spec.bn:
                gam, bet = blocks[i], blocks[i + 1]
                i += 2
                mu = z.mean(0, keepdims=True)
                var = ((z - mu) ** 2).mean(0, keepdims=True)
                z = (z - mu) / xp.sqrt(var + EPS) * gam.T + bet.T
            a = xp.tanh(z)
        v, c = blocks[i], blocks[i + 1]
        g = a @ v + c
        return ((g - y) ** 2).mean() + ALPHA / 2 * (theta ** 2).sum()
    return loss


def _lanczos(hvp, n, seed=0):
    calls = [0]

    def mv(v):
        calls[0] += 1
        return hvp(np.ascontiguousarray(v, dtype=float))

    v0 = np.random.default_rng(seed).standard_normal(n)
    t = time.perf_counter()
    val = eigsh(LinearOperator((n, n), matvec=mv, dtype=float), k=1, which="LA", v0=v0, tol=1e-10,
                return_eigenvectors=False)[0]
    return time.perf_counter() - t, float(val), calls[0]


def ours(spec, X, y, theta, V, repeats):
    from threadpoolctl import threadpool_limits

    f = mlp_loss(spec, X, y)
    with threadpool_limits(limits=1, user_api="blas"):
        at = f.linearize(theta)
        g, hv = f.value_and_grad(theta)[1], at.hvp(V)
        tg = _median_time(lambda: f.value_and_grad(theta), repeats)
        tl = _median_time(lambda: f.linearize(theta), repeats)
        th = _median_time(lambda: at.hvp(V), repeats)
        lan = _lanczos(at.hvp, f.n_params)
    return {"grad": g, "hvp": hv, "t_grad": tg, "t_state": tl, "t_hvp": th, "lanczos": lan}


def torch_func(spec, X, y, theta, V, repeats):
    try:
        import torch
        from torch.func import grad, jvp
    except ImportError:
        return None
    torch.set_num_threads(1)
    Xt, yt = torch.tensor(X), torch.tensor(y.reshape(-1, 1))
    loss = _loss_in(torch, spec)
    th = torch.tensor(theta)
    gf = grad(lambda t: loss(t, Xt, yt))

    def hvp(v):
        return jvp(gf, (th,), (torch.as_tensor(v),))[1]

    g = gf(th).numpy()
    hv = hvp(V).numpy()
    tg = _median_time(lambda: gf(th), repeats)
    th_ = _median_time(lambda: hvp(V), repeats)
    lan = _lanczos(lambda v: hvp(v).numpy(), theta.size)
    return {"grad": g, "hvp": hv, "t_grad": tg, "t_hvp": th_, "lanczos": lan, "version": torch.__version__}


def jax_(spec, X, y, theta, V, repeats):
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    loss = _loss_in(jnp, spec)
    Xj, yj, th = jnp.asarray(X), jnp.asarray(y.reshape(-1, 1)), jnp.asarray(theta)
    # θ, X and y are arguments, not closure constants (which XLA would fold at compile time)
    gf = jax.jit(jax.grad(loss))
    hf = jax.jit(lambda t, v, X, y: jax.jvp(lambda s: jax.grad(loss)(s, X, y), (t,), (v,))[1])
    t = time.perf_counter()
    g = np.asarray(gf(th, Xj, yj).block_until_ready())
    hv = np.asarray(hf(th, jnp.asarray(V), Xj, yj).block_until_ready())
    compile_s = time.perf_counter() - t
    tg = _median_time(lambda: gf(th, Xj, yj).block_until_ready(), repeats)
    th_ = _median_time(lambda: hf(th, jnp.asarray(V), Xj, yj).block_until_ready(), repeats)
    lan = _lanczos(lambda v: np.asarray(hf(th, jnp.asarray(v), Xj, yj)), theta.size)
    return {"grad": g, "hvp": hv, "t_grad": tg, "t_hvp": th_, "lanczos": lan, "version": jax.__version__,
            "compile": compile_s}


def main(repeats=15):
    load = os.getloadavg()[0]
    rows, notes = [], []
    for layers in (1, 3):
        spec = MLPSpec(8, 1000, "tanh", "squared", True, ALPHA, EPS, layers=layers)
        data = synthetic_regression(1000, 8, seed=0)
        X, y = data.X, data.y
        theta = init_parameters(spec, 0)
        V = np.random.default_rng(1).standard_normal(spec.n_params)
        ref = ours(spec, X, y, theta, V, repeats)
        for name, run in (("torch.func", torch_func), ("JAX", jax_)):
            r = run(spec, X, y, theta, V, repeats)
            if r is None:
                notes.append(f"{name} is not installed: skipped.")
                continue
            dg = float(np.abs(r["grad"] - ref["grad"]).max() / np.abs(ref["grad"]).max())
            dh = float(np.abs(r["hvp"] - ref["hvp"]).max() / np.abs(ref["hvp"]).max())
            rows.append((layers, spec.n_params, name + " " + r["version"], r, dg, dh))
        rows.append((layers, spec.n_params, "derivkit", ref, 0.0, 0.0))
    load_after = os.getloadavg()[0]
    lines = [
        "# MLP gradient, Hessian-vector product and λ_max: derivkit beside torch.func and JAX",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; load average {load:.1f} before and "
        f"{load_after:.1f} after (other jobs share the cores). Everything single-threaded. "
        "Script: `benchmarks/mlp_frameworks.py`.",
        "",
        "Network: d = 8, h = 1000 tanh units per hidden layer, batch norm on, 1,000 synthetic samples, squared",
        "loss, α = 10⁻³, at the initial parameters. Median milliseconds over 15 calls; λ_max by SciPy `eigsh` on",
        "each framework's product (the same start vector). 'max rel. diff' compares a framework's gradient and",
        "product with ours entry by entry (max abs difference / max abs entry).",
        "",
        "| layers | parameters | implementation | gradient (ms) | HVP (ms) | HVP / gradient | λ_max | products | "
        "λ_max time (s) | max rel. diff gradient, HVP |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for layers, n, name, r, dg, dh in rows:
        secs, lam, calls = r["lanczos"]
        lines.append(f"| {layers} | {n} | {name} | {r['t_grad'] * 1e3:.2f} | {r['t_hvp'] * 1e3:.2f} | "
                     f"{r['t_hvp'] / r['t_grad']:.2f} | {lam:.10g} | {calls} | {secs:.2f} | {dg:.1e}, {dh:.1e} |")
    ours_rows = [(layers, r) for layers, _, name, r, _, _ in rows if name == "derivkit"]
    lines += ["", "derivkit's state at θ (forward and backward pass kept for the products, once per θ): " + ", ".join(
        f"{r['t_state'] * 1e3:.2f} ms ({layers} layer{'s' if layers > 1 else ''})" for layers, r in ours_rows) + "."]
    jax_rows = [(layers, r) for layers, _, name, r, _, _ in rows if name.startswith("JAX")]
    if jax_rows:
        lines.append("JAX's first call (tracing and XLA compilation of both functions): " + ", ".join(
            f"{r['compile']:.2f} s ({layers} layer{'s' if layers > 1 else ''})" for layers, r in jax_rows) + ".")
    lines += [""] + notes
    text = "\n".join(lines) + "\n"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
