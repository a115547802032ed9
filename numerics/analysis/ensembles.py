r"""Monte-Carlo check of the ensemble error :math:`v/k + (k-1)c/k` (``ensembles.average_error``).

Errors with second moment :math:`v` and pairwise moment :math:`c`
(:math:`0 \le c \le v`) are drawn as
:math:`\epsilon_i = \sqrt c\,z_0 + \sqrt{v-c}\,z_i` with independent standard
normals; the mean squared error of their average is compared with the derived
formula, compiled through the bridge.

Examples
========

>>> import numpy as np
>>> float(ensemble_error(1.0, 0.25, 4))
0.4375
>>> r = simulate_ensemble(1.0, 0.25, np.array([1, 4]), 50000, np.random.default_rng(1))
>>> bool(np.all(np.abs(r.simulated - r.predicted) < 5 * r.stderr))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derivations.topics import ensembles as ens

from numerics.compile import compile_expressions

__all__ = ["ensemble_error", "EnsembleSimulation", "simulate_ensemble"]

#: v/k + (k − 1)c/k, compiled from the derivation.
ensemble_error = compile_expressions(ens.ENSEMBLE_ERROR, [ens.v, ens.c, ens.k])


@dataclass(frozen=True)
class EnsembleSimulation:
    """Simulated and predicted mean squared error of the average of k models."""

    v: float
    c: float
    k: np.ndarray
    simulated: np.ndarray
    stderr: np.ndarray
    predicted: np.ndarray


def simulate_ensemble(v: float, c: float, k: np.ndarray, samples: int, rng: np.random.Generator) -> EnsembleSimulation:
    """Mean squared error of the average of the first k of max(k) equicorrelated errors."""
    if not 0.0 <= c <= v:
        raise ValueError("need 0 <= c <= v for this construction")
    k = np.asarray(k, int)
    z0 = rng.standard_normal((samples, 1))
    z = rng.standard_normal((samples, int(k.max())))
    errors = np.sqrt(c) * z0 + np.sqrt(v - c) * z
    sq = np.stack([errors[:, :kk].mean(1) ** 2 for kk in k], axis=1)
    return EnsembleSimulation(v, c, k, sq.mean(0), sq.std(0) / np.sqrt(samples), ensemble_error(v, c, k))
