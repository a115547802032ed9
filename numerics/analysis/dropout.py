r"""Dropout by simulation: sampled masks against the derived expectations.

With drop probability :math:`p` the mask is :math:`m \sim \mathrm{Bernoulli}(1-p)`;
inverted dropout scales kept units by the derived :math:`1/(1-p)` so that
:math:`\mathbb{E}[\tilde h] = h` (``dropout.mask``); seed 000's :math:`1/p`
gives :math:`(1-p)h/p`.  :func:`simulate_dropout` draws masks and reports the
sample means of both, with their standard errors.

Examples
========

>>> import numpy as np
>>> r = simulate_dropout(np.array([0.2, 0.5]), samples=20000, rng=np.random.default_rng(0))
>>> bool(np.all(np.abs(r.inverted_mean - 1.0) < 5 * r.inverted_stderr))
True
>>> float(inverted_scale(0.2))
1.25
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derivations.topics import dropout as dr

from numerics.compile import compile_expressions

__all__ = ["inverted_scale", "DropoutSimulation", "simulate_dropout"]

#: 1/(1 − p), compiled from the derivation.
inverted_scale = compile_expressions(dr.INVERTED_SCALE, [dr.p])


@dataclass(frozen=True)
class DropoutSimulation:
    """Sample means (for h = 1) of inverted dropout and of seed 000's 1/p scaling, per drop probability."""

    p: np.ndarray
    samples: int
    keep_fraction: np.ndarray
    inverted_mean: np.ndarray
    inverted_stderr: np.ndarray
    seed000_mean: np.ndarray
    seed000_stderr: np.ndarray


def simulate_dropout(p: np.ndarray, samples: int, rng: np.random.Generator) -> DropoutSimulation:
    """Draw ``samples`` masks per drop probability and average the scaled unit h = 1."""
    p = np.asarray(p, float)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("drop probabilities must lie in (0, 1)")
    keep = rng.random((samples, p.size)) >= p  # kept with probability 1 − p
    inverted = keep * inverted_scale(p)
    seed000 = keep / p
    root = np.sqrt(samples)
    return DropoutSimulation(p, samples, keep.mean(0), inverted.mean(0), inverted.std(0) / root,
                             seed000.mean(0), seed000.std(0) / root)
