r"""Signal variance through depth under each initialization, simulated and predicted.

A stack of square layers :math:`y_l = W_l\,\phi(y_{l-1})` (:math:`y_1 = W_1 x`,
no biases) with weights drawn by one of the schemes of seeds 000 and 003.  For
ReLU the derived prediction is
:math:`\operatorname{Var}[y_L] = (d\,\sigma^2/2)^{L-1} d\,\sigma^2\,\mathbb{E}[x^2]`
(``initialization.relu_depth``), with each scheme's :math:`\sigma^2` from
``initialization.uniform_variance`` and ``initialization.xavier``; both are
compiled through the bridge.  The samplers use the schemes' own parameters
(standard deviation or uniform bound), so the simulation checks the variances
rather than assuming them.

Examples
========

>>> import numpy as np
>>> s = SCHEMES[0]; s.name, float(s.variance(100, 100))
('He N(0, 2/d_in)', 0.02)
>>> r = simulate_depth(s, "relu", width=256, depth=5, batch=64, rng=np.random.default_rng(0), trials=8)
>>> bool(np.all(np.abs(np.log(r.variance / r.predicted)) < 0.3))
True
>>> mean_field_variance("relu", 2.0, 1.0, 4).round(12).tolist()
[1.0, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from derivations.topics import initialization as ini

from numerics.compile import compile_expressions

_ACTIVATIONS = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh}

__all__ = ["Scheme", "SCHEMES", "relu_depth_variance", "tanh_depth_variance", "mean_field_variance",
           "DepthSimulation", "simulate_depth"]

#: (d σ²/2)^(L−1) v_1, compiled from the derivation.
relu_depth_variance = compile_expressions(ini.RELU_DEPTH_VARIANCE, [ini.d_in, ini.sigma2, ini.L, ini.v1])
#: v_1/(1 + 2(L − 1)v_1), the derived small-variance asymptotics of tanh layers at gain d σ² = 1.
tanh_depth_variance = compile_expressions(ini.TANH_DEPTH_VARIANCE, [ini.L, ini.v1])


def mean_field_variance(activation: str, gain: float, v1: float, depth: int, nodes: int = 80) -> np.ndarray:
    r"""The infinite-width recursion :math:`v_{l+1} = g\,\mathbb{E}[\phi(\sqrt{v_l}\,z)^2]`, :math:`z \sim N(0, 1)`.

    ``gain`` is :math:`d\sigma^2`; the expectation uses Gauss–Hermite quadrature with ``nodes`` points.
    Returns :math:`v_1, \dots, v_{depth}`.
    """
    act = _ACTIVATIONS[activation]
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    out = np.empty(depth)
    out[0] = v1
    for layer in range(1, depth):
        out[layer] = gain * np.sum(w * act(np.sqrt(out[layer - 1]) * z) ** 2)
    return out


@dataclass(frozen=True)
class Scheme:
    """An initialization: how to draw a (d_out, d_in) matrix, and its derived weight variance."""

    name: str
    kind: str  # "normal" (parameter = standard deviation) or "uniform" (parameter = bound)
    parameter: Callable[[int, int], float]
    variance: Callable[[int, int], np.ndarray]

    def sample(self, d_out: int, d_in: int, rng: np.random.Generator) -> np.ndarray:
        a = self.parameter(d_in, d_out)
        if self.kind == "normal":
            return rng.normal(0.0, a, (d_out, d_in))
        return rng.uniform(-a, a, (d_out, d_in))


def _variance(name: str) -> Callable[[int, int], np.ndarray]:
    return compile_expressions(ini.SCHEMES[name], [ini.d_in, ini.d_out])


SCHEMES = (
    Scheme("He N(0, 2/d_in)", "normal", lambda i, o: np.sqrt(2.0 / i), _variance("He N(0, 2/d_in)")),
    Scheme("Xavier N(0, 2/(d_in + d_out))", "normal", lambda i, o: np.sqrt(2.0 / (i + o)),
           _variance("Xavier N(0, 2/(d_in + d_out))")),
    Scheme("Glorot uniform U(±sqrt(6/(d_in + d_out)))", "uniform", lambda i, o: np.sqrt(6.0 / (i + o)),
           _variance("Glorot uniform U(±sqrt(6/(d_in + d_out)))")),
    Scheme("PyTorch default U(±1/sqrt(d_in))", "uniform", lambda i, o: 1.0 / np.sqrt(i),
           _variance("PyTorch default U(±1/sqrt(d_in))")),
)


@dataclass(frozen=True)
class DepthSimulation:
    r"""Per-layer variance of the pre-activations (layers 1..depth), averaged over networks.

    ``predicted`` is the derived ReLU variance; for tanh it is the linear-regime
    value :math:`(d\sigma^2)^{L-1} v_1`, an upper bound since
    :math:`\tanh(y)^2 \le y^2`.
    """

    scheme: str
    activation: str
    width: int
    trials: int
    variance: np.ndarray
    predicted: np.ndarray


def simulate_depth(scheme: Scheme, activation: str, *, width: int, depth: int, batch: int,
                   rng: np.random.Generator, trials: int = 1) -> DepthSimulation:
    """Push ``batch`` standard-normal inputs through ``depth`` random layers of ``width`` units.

    The per-layer mean of :math:`y^2` is averaged over ``trials`` independent networks.
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}")
    act = _ACTIVATIONS[activation]
    out = np.zeros(depth)
    for _ in range(trials):
        x = rng.standard_normal((width, batch))
        y = scheme.sample(width, width, rng) @ x
        out[0] += np.mean(y**2) / trials
        for layer in range(1, depth):
            y = scheme.sample(width, width, rng) @ act(y)
            out[layer] += np.mean(y**2) / trials
    s2 = float(scheme.variance(width, width))
    layers = np.arange(1, depth + 1)
    if activation == "relu":
        predicted = relu_depth_variance(width, s2, layers, width * s2)
    else:  # linear regime of tanh (gain 1): (d σ²)^(L−1) v_1, an upper reference
        predicted = relu_depth_variance(width, 2 * s2, layers, width * s2)
    return DepthSimulation(scheme.name, activation, width, trials, out, predicted)
