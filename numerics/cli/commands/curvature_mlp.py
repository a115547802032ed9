"""``derivkit curvature --mlp SPEC``: the Hessian spectrum of an MLP loss (seed 000's net, seed 002's L layers).

Not a command of its own: ``numerics.cli.commands.curvature`` calls :func:`run`
when ``--mlp`` is given.  SPEC is ``key=value`` pairs separated by commas:

========  =====================================  =========
key       meaning                                default
========  =====================================  =========
layers    hidden layers L (1 to 16)              1
hidden    hidden units h of each layer (>= 1)    16
inputs    input dimension d (>= 1)               8
act       sigmoid, tanh or relu                  tanh
bn        on or off (batch norm before each σ)   off
l2        α >= 0 in the penalty (α/2)‖θ‖²        0
samples   synthetic samples n (>= 1; >= 2 w/ bn) 256
loss      squared or logistic                    squared
steps     L-BFGS iterations before measuring     100
========  =====================================  =========

Examples
========

>>> import argparse, contextlib, io, json
>>> out = io.StringIO()
>>> args = argparse.Namespace(mlp="hidden=3,inputs=2,samples=20,bn=on,steps=5", seed=0, top=2, json=True, budget=10)
>>> with contextlib.redirect_stdout(out):
...     code = run(args)
>>> report = json.loads(out.getvalue())
>>> code, report["parameters"], len(report["eigenvalues_top"]), report["iterations"] <= 5
(0, 19, 2, True)
>>> parse_spec("hidden=4,l2=-1")
Traceback (most recent call last):
...
derivations.errors.InputError: --mlp: l2 must be a number >= 0, got '-1'
"""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from derivations.errors import InputError

from numerics.analysis.mlp import MLPSpec, init_parameters, mlp_loss
from numerics.analysis.synthetic import synthetic_regression
from numerics.cli.formatting import numbers
from numerics.cli.progress import Progress
from numerics.analysis.spectrum import (LanczosEigenvalues, TraceEstimate, condition_number, dense_hessian,
                                       hutchinson_trace, lanczos_eigenvalues)
from numerics.cli import options

DENSE_MAX = 800  # up to this many parameters the exact Hessian (n products) is cheaper than Lanczos
MAX_PARAMETERS = 5_000_000  # parameters of a network (each Lanczos vector is 8 bytes a parameter)
MAX_ACTIVATIONS = 50_000_000  # samples x hidden units of all layers (one activation array each: 400 MB)
MAX_LAYERS = 16  # hidden layers: derivation and compilation grow with them (16 layers: 4.4 s at load 5)


class _OutOfBudget(Exception):
    """Raised inside a Hessian-vector product once the analysis's time budget is spent."""


class _Budgeted:
    """Hessian-vector products that count, tick ``bar``, and raise :class:`_OutOfBudget` once ``deadline`` has passed.

    ``linearize()`` (the state at θ) runs at the first product, so a budget spent in training pays no state.
    """

    def __init__(self, linearize, deadline: float, bar=None):
        self.linearize, self.deadline, self.bar, self.calls, self.at = linearize, deadline, bar, 0, None

    def __call__(self, v):
        if time.perf_counter() > self.deadline:
            raise _OutOfBudget
        if self.at is None:
            self.at = self.linearize()
        self.calls += 1
        out = self.at.hvp(v)
        if self.bar is not None:
            self.bar.tick(self.calls)
        return out


KEYS = ("layers", "hidden", "inputs", "act", "bn", "l2", "samples", "loss", "steps")


@dataclass(frozen=True)
class NetSpec:
    """A parsed ``--mlp`` specification."""

    layers: int = 1
    hidden: int = 16
    inputs: int = 8
    act: str = "tanh"
    bn: bool = False
    l2: float = 0.0
    samples: int = 256
    loss: str = "squared"
    steps: int = 100


def _int(key: str, text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"--mlp: {key} must be an integer >= {low}, got {text!r}") from None
    if value < low:
        raise InputError(f"--mlp: {key} must be an integer >= {low}, got {text!r}")
    return value


def parse_spec(text: str) -> NetSpec:
    """Parse ``key=value,...``; unknown keys, bad values and duplicates are an :class:`InputError`."""
    if text is None or not text.strip():
        raise InputError("--mlp: empty specification (expected e.g. hidden=16,act=tanh,bn=on)")
    seen: dict[str, str] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if part.count("=") != 1:
            raise InputError(f"--mlp: expected key=value, got {part!r}")
        key, value = (s.strip() for s in part.split("="))
        if key not in KEYS:
            raise InputError(f"--mlp: unknown key {key!r} (known: {', '.join(KEYS)})")
        if key in seen:
            raise InputError(f"--mlp: {key} given twice")
        seen[key] = value
    out = {}
    for key in ("layers", "hidden", "inputs", "samples"):
        if key in seen:
            out[key] = _int(key, seen[key], 1)
    if "steps" in seen:
        out["steps"] = _int("steps", seen["steps"], 0)
    if "act" in seen:
        if seen["act"] not in ("sigmoid", "tanh", "relu"):
            raise InputError(f"--mlp: act must be sigmoid, tanh or relu, got {seen['act']!r}")
        out["act"] = seen["act"]
    if "loss" in seen:
        if seen["loss"] not in ("squared", "logistic"):
            raise InputError(f"--mlp: loss must be squared or logistic, got {seen['loss']!r}")
        out["loss"] = seen["loss"]
    if "bn" in seen:
        if seen["bn"] not in ("on", "off"):
            raise InputError(f"--mlp: bn must be on or off, got {seen['bn']!r}")
        out["bn"] = seen["bn"] == "on"
    if "l2" in seen:
        try:
            alpha = float(seen["l2"])
        except ValueError:
            alpha = float("nan")
        if not (math.isfinite(alpha) and alpha >= 0):
            raise InputError(f"--mlp: l2 must be a number >= 0, got {seen['l2']!r}")
        out["l2"] = alpha
    spec = NetSpec(**out)
    if spec.layers > MAX_LAYERS:
        raise InputError(f"--mlp: {spec.layers} layers exceed the limit of {MAX_LAYERS}")
    h, d, L = spec.hidden, spec.inputs, spec.layers
    params = (d + 1) * h + (L - 1) * (h + 1) * h + (2 * h * L if spec.bn else 0) + h + 1
    if params > MAX_PARAMETERS:
        raise InputError(f"--mlp: {params:,} parameters exceed the limit of {MAX_PARAMETERS:,}")
    activations = spec.samples * max(h * L, d)
    if activations > MAX_ACTIVATIONS:
        raise InputError(f"--mlp: samples x max(hidden x layers, inputs) = {activations:,} "
                         f"exceeds the limit of {MAX_ACTIVATIONS:,} activations")
    if spec.bn and spec.samples < 2:
        raise InputError("--mlp: batch norm needs samples >= 2 (the batch variance of one sample is 0)")
    return spec


@dataclass(frozen=True)
class Figures:
    """What the analysis is asked for: ``top`` and ``bottom`` eigenvalue counts (0: not asked), the ``trace``."""

    top: int = 5
    bottom: int = 5
    trace: bool = True


def analyse(net: NetSpec, seed: int = 0, top: int = 5, budget: float = 10.0, figures: Figures | None = None,
            progress: Progress | None = None) -> dict:
    """Train briefly, then measure the figures asked for within ``budget`` seconds; a JSON-ready dictionary.

    Top eigenvalues first, then the bottom ones and the trace while the budget lasts; a figure
    cut short is reported as partial (``"complete": false`` with what it reached), a figure not
    asked for is not computed (``[]`` or ``null``).  ``figures`` defaults to the top ``top``, the
    bottom ``top`` and the trace.  BLAS runs on one thread (:func:`~numerics.compare.harness.single_threaded_blas`: on the shared
    2-core machine two OpenBLAS threads made one thin product 10-20x slower, ``benchmarks/mlp_curvature.py``).
    """
    figures = Figures(top, top, True) if figures is None else figures
    from numerics.compare.harness import single_threaded_blas

    with single_threaded_blas():
        return _analyse(net, seed, figures, budget, progress)


def _analyse(net: NetSpec, seed: int, figures: Figures, budget: float, progress: Progress | None) -> dict:
    start = time.perf_counter()
    deadline = start + budget
    spec = MLPSpec(net.inputs, net.hidden, net.act, net.loss, net.bn, net.l2, layers=net.layers)
    data = synthetic_regression(net.samples, net.inputs, seed=seed, labels=net.loss == "logistic")
    loss = mlp_loss(spec, data.X, data.y)
    theta = init_parameters(spec, seed=seed)
    n = spec.n_params
    partial: dict[str, str] = {}
    bar = _Ticker(progress, start, budget)
    reached = 0  # the L-BFGS iterations run
    if net.steps:
        bar.stage("training", "L-BFGS iterations")
        theta, reached, converged_early = _train(loss, theta, net.steps, start + 0.6 * budget, bar)
        if reached < net.steps and not converged_early:
            partial["training"] = f"stopped by the budget after {reached} of {net.steps} iterations"
    hvp = _Budgeted(lambda: loss.linearize(theta), deadline, bar)
    k_top, k_bottom = min(figures.top, n), min(figures.bottom, n)
    top_vals: list = []
    bottom_vals: list = []
    exact_trace = None
    converged, messages = True, []
    if n <= DENSE_MAX:
        method = "dense (Hessian from unit-vector products)"
        bar.stage("exact Hessian")
        try:
            H = dense_hessian(hvp, n)
            eigs = np.linalg.eigvalsh(H)
            top_vals, bottom_vals = eigs[::-1][:k_top].tolist(), eigs[:k_bottom].tolist()
            exact_trace = float(np.trace(H)) if figures.trace else None
        except _OutOfBudget:
            converged = False
            messages.append("cut short by the budget")
            partial["eigenvalues"] = f"cut short by the budget at {hvp.calls} of {n} Hessian columns"
    else:
        method = "Lanczos (scipy eigsh on Hessian-vector products)"
        if k_top:
            bar.stage("top eigenvalues")
            try:
                hi = lanczos_eigenvalues(hvp, n, k=k_top, which="largest", seed=seed, tol=1e-10, maxiter=200)
            except _OutOfBudget:
                hi = LanczosEigenvalues("largest", (), False, k_top, 0, "cut short by the budget")
                partial["top eigenvalues"] = "cut short by the budget before any converged"
            top_vals, converged = list(hi.eigenvalues), converged and hi.converged
            messages.append(hi.message)
        if k_bottom:
            bar.stage("bottom eigenvalues")
            # the bottom of a network Hessian is a dense cluster near 0: a looser tolerance, a cap on restarts
            try:
                lo = lanczos_eigenvalues(hvp, n, k=k_bottom, which="smallest", seed=seed, tol=1e-6, maxiter=25,
                                         ncv=max(2 * k_bottom + 1, 60))
            except _OutOfBudget:
                lo = LanczosEigenvalues("smallest", (), False, k_bottom, 0, "cut short by the budget")
                partial["bottom eigenvalues"] = "cut short by the budget before any converged"
            bottom_vals, converged = list(lo.eigenvalues), converged and lo.converged
            messages.append(lo.message)
    tr = TraceEstimate(None, None, 0)
    if figures.trace:
        bar.stage("trace")
        tr = _trace(hvp, n, seed, partial)
    value, gradient = (hvp.at.value, hvp.at.gradient) if hvp.at is not None else loss.value_and_grad(theta)
    lam_max = top_vals[0] if top_vals else None
    lam_min = bottom_vals[0] if bottom_vals else None
    kappa = condition_number([lam_max, lam_min]) if lam_max is not None and lam_min is not None and lam_min > 0 \
        else None
    return {
        "spec": {"layers": net.layers, "hidden": net.hidden, "inputs": net.inputs, "act": net.act, "bn": net.bn,
                 "l2": net.l2, "samples": net.samples, "loss": net.loss, "steps": net.steps, "seed": seed},
        "parameters": n,
        "iterations": reached,
        "loss": value,
        "gradient_norm": float(np.linalg.norm(gradient)),
        "method": method,
        "figures": {"top": k_top, "bottom": k_bottom, "trace": figures.trace},
        "eigenvalues_top": top_vals,
        "eigenvalues_bottom": bottom_vals,
        "lanczos_converged": converged,
        "lanczos_message": "; ".join(m for m in messages if m != "converged"),
        "hessian_vector_products": hvp.calls,  # every product made, including those of figures cut short
        "trace": tr.trace,
        "trace_exact": exact_trace,
        "trace_stderr": tr.stderr,
        "trace_probes": tr.probes,
        "condition_number": kappa,
        "gd_step_bound": 2.0 / lam_max if lam_max is not None and lam_max > 0 else None,
        "seconds": time.perf_counter() - start,
        "budget": budget,
        "complete": not partial,
        "partial": partial,
    }


class _Ticker:
    """Moves a :class:`Progress` bar: the share of the budget spent, the stage, the products made."""

    def __init__(self, progress: Progress | None, start: float, budget: float):
        self.progress, self.start, self.budget = progress, start, budget
        self.name, self.unit, self.count = "", "", 0

    def stage(self, name: str, unit: str = "products") -> None:
        """A new stage; the count goes on while the unit stays (products are counted over the whole analysis)."""
        self.count = self.count if unit == self.unit else 0
        self.name, self.unit = name, unit
        self.tick(self.count)

    def tick(self, count: int) -> None:
        if self.progress is not None:
            self.count = count
            spent = time.perf_counter() - self.start
            self.progress.show(spent / self.budget, f"{self.name}: {self.count} {self.unit}")


def _train(loss, theta, steps: int, deadline: float, bar=None) -> tuple[np.ndarray, int, bool]:
    """Up to ``steps`` L-BFGS iterations, stopped at ``deadline``: parameters, iterations, converged before either."""
    count = [0]

    def stop(intermediate):
        count[0] += 1
        if bar is not None:
            bar.tick(count[0])
        if time.perf_counter() > deadline:
            raise StopIteration

    res = minimize(loss.value_and_grad, theta, jac=True, method="L-BFGS-B", options={"maxiter": steps},
                   callback=stop)
    return res.x, count[0], bool(res.success) and count[0] < steps and time.perf_counter() <= deadline


def _trace(hvp, n: int, seed: int, partial: dict) -> TraceEstimate:
    r"""Hutchinson's trace from up to 6 groups of 5 probes, while the budget lasts.

    Group :math:`k` (seed ``seed + k``) gives :math:`t_k \pm s_k`; the :math:`m` groups done give
    :math:`\frac1m \sum_k t_k \pm \frac1m \sqrt{\sum_k s_k^2}` over :math:`5m` probes.
    """
    groups = []
    for k in range(6):
        try:
            groups.append(hutchinson_trace(hvp, n, probes=5, seed=seed + k))
        except _OutOfBudget:
            partial["trace"] = f"cut short by the budget at {5 * len(groups)} of 30 probes"
            break
    if not groups:
        return TraceEstimate(None, None, 0)
    m = len(groups)
    return TraceEstimate(sum(g.trace for g in groups) / m, math.sqrt(sum(g.stderr**2 for g in groups)) / m, 5 * m)


def figures(args) -> Figures:
    """The figures asked for by ``--top K``, ``--bottom K`` and ``--trace``; none of them: all three.

    >>> import argparse
    >>> figures(argparse.Namespace(top=1))
    Figures(top=1, bottom=0, trace=False)
    >>> figures(argparse.Namespace())
    Figures(top=5, bottom=5, trace=True)
    """
    top, bottom, trace = (getattr(args, key, None) for key in ("top", "bottom", "trace"))
    for option, value in (("--top", top), ("--bottom", bottom)):
        if value is not None and int(value) < 1:
            raise InputError(f"{option} must be >= 1, got {value}")
    if top is None and bottom is None and not trace:
        return Figures()
    return Figures(int(top or 0), int(bottom or 0), bool(trace))


def run(args) -> int:
    """Handle ``derivkit curvature --mlp SPEC [--seed S] [--top K] [--bottom K] [--trace] [--json]``."""
    net = parse_spec(args.mlp)
    asked = figures(args)
    seed = options.seed(args)
    budget = float(getattr(args, "budget", 10.0))
    if not (0 < budget <= 3600):
        raise InputError("--budget must be between 0 and 3600 seconds")
    limit = getattr(args, "timeout", None)
    if limit is not None:  # --timeout bounds the whole command: the analysis gets no more than it
        if not (0 < limit <= 3600):
            raise InputError("--timeout must be between 0 and 3600 seconds")
        budget = min(budget, limit)
    with Progress(1, "curvature") as bar:
        report = analyse(net, seed=seed, budget=budget, figures=asked, progress=bar)
        bar.advance("done")
    if getattr(args, "json", False):
        print(json.dumps(report, indent=1, allow_nan=False))
        return 0
    s = report["spec"]
    kappa = report["condition_number"]
    shape = "two-layer MLP" if s["layers"] == 1 else f"MLP with {s['layers']} hidden layers"
    lines = [
        f"{shape}: d={s['inputs']}, h={s['hidden']}, σ={s['act']}, batch norm {'on' if s['bn'] else 'off'}, "
        f"L2 α={s['l2']:g}, {s['loss']} loss, n={s['samples']} samples, seed {seed}",
        f"parameters: {report['parameters']}; after {report['iterations']} of {s['steps']} L-BFGS iterations: loss {report['loss']:.6g}, "
        f"|∇L| {report['gradient_norm']:.3g}",
    ]
    if report["figures"]["top"]:
        lines.append(f"top eigenvalues:    {numbers(report['eigenvalues_top'], zero=None)}")
    if report["figures"]["bottom"]:
        lines.append(f"bottom eigenvalues: {numbers(report['eigenvalues_bottom'], zero=None)}")
    if report["figures"]["trace"]:
        if report["trace_probes"]:
            lines.append(f"trace (Hutchinson, {report['trace_probes']} probes): {report['trace']:.6g} ± "
                         f"{report['trace_stderr']:.2g}"
                         + (f" (exact: {report['trace_exact']:.6g})" if report["trace_exact"] is not None else ""))
        else:
            lines.append("trace: not reached within the budget")
    lines += [
        f"eigenvalues by: {report['method']}",
        "condition number: " + (f"{kappa:.4g}" if kappa is not None else
                                "not computed (--bottom not asked)" if not report["figures"]["bottom"] else
                                "undefined (the Hessian is not positive definite here: λ_min <= 0)"),
    ]
    if report["gd_step_bound"] is not None:
        lines.append(f"gradient descent is stable near here for η < 2/λ_max = {report['gd_step_bound']:.4g}")
    if not report["lanczos_converged"]:
        lines.append(f"warning: {report['lanczos_message']}")
    for figure, what in report["partial"].items():
        lines.append(f"partial: {figure} {what} (--budget {report['budget']:g} s)")
    lines.append(f"{report['seconds']:.2f} s, {report['hessian_vector_products']} Hessian-vector products")
    print("\n".join(lines))
    if not report["lanczos_converged"]:
        print("derivkit curvature: Lanczos did not fully converge; partial eigenvalues shown", file=sys.stderr)
    return 0
