r"""Batch normalization for arrays of shape ``(m, d)``, generated from :mod:`derivations.topics.batchnorm`.

The forward pass and the compact backward pass are the derivation's own
expressions (``batchnorm.forward`` and ``batchnorm.dx``), turned into array code
by :func:`numerics.compile.compile_batched`: a sample ``x^{(j)}`` is a row, each
:math:`\sum_k` is a reduction over the batch axis.  Every feature (column) is
normalized independently.

.. math::

    \frac{\partial \ell}{\partial x^{(j)}} = \frac{\gamma}{m\sqrt{\sigma^2+\varepsilon}}
    \Big(m g^{(j)} - \sum_k g^{(k)} - \hat x^{(j)} \sum_k g^{(k)} \hat x^{(k)}\Big)

Examples
========

>>> import numpy as np
>>> x = np.array([[1.0, 2.0], [3.0, 6.0]])
>>> y = forward(x, np.ones(2), np.zeros(2), eps=0.0)
>>> y.tolist()
[[-1.0, -1.0], [1.0, 1.0]]
>>> grads = backward(np.array([[1.0, 0.0], [0.0, 0.0]]), x, np.ones(2), eps=0.0)
>>> grads.dbeta.tolist(), grads.dgamma.tolist()
([1.0, 0.0], [-1.0, 0.0])
>>> float(grads.dx.sum(axis=0)[0])
0.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from derivations.topics import batchnorm as bn
from derivations.checking.instantiate import instantiate

from numerics.compile import compile_batched, compile_expressions


class Gradients(NamedTuple):
    """``(dx, dgamma, dbeta)``: the gradients of the loss for inputs, scale and shift."""

    dx: np.ndarray
    dgamma: np.ndarray
    dbeta: np.ndarray


@dataclass(frozen=True)
class Statistics:
    """Batch statistics per feature: mean, biased variance (used to normalize), unbiased variance."""

    mean: np.ndarray
    var: np.ndarray
    var_unbiased: np.ndarray


def _generic(expr):
    """The derivation's expression with every display symbol expanded, sums kept symbolic."""
    return instantiate(expr, {}, bn.DEFINITIONS, flatten=False)


def _kernels():
    forward_result = bn.forward().result.rhs
    dx_result = bn.dx().result.rhs
    forward_kernel = compile_batched(
        [_generic(forward_result)], index=bn.j, size=bn.m, arrays={bn.x: "x"}, scalars=[bn.gamma, bn.beta, bn.eps]
    )
    backward_kernel = compile_batched(
        [_generic(dx_result), _generic(bn.DGAMMA), _generic(bn.DBETA)],
        index=bn.j, size=bn.m, arrays={bn.g: "dy", bn.x: "x"}, scalars=[bn.gamma, bn.eps],
    )
    inference_kernel = compile_expressions(
        bn.inference().result.rhs, [bn.sp.Symbol("x", real=True), bn.gamma, bn.beta, bn.mu_run, bn.var_run, bn.eps]
    )
    unbiased_kernel = compile_expressions(bn.running_variance().steps[-1].rhs, [bn.sigma2, bn.m])
    return forward_kernel, backward_kernel, inference_kernel, unbiased_kernel


_FORWARD, _BACKWARD, _INFERENCE, _UNBIASED = _kernels()  # compiled once at import; immutable


def _check(x, *named, training: bool = True) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (m, d), got shape {x.shape}")
    if training and x.shape[0] < 2:
        raise ValueError(f"training-mode batch norm needs m >= 2 samples per batch, got x of shape {x.shape}")
    m, d = x.shape
    for name, value, shape in named:
        if np.shape(value) != shape:
            expect = "(d,) = " + str((d,)) if shape == (d,) else str(shape)
            raise ValueError(f"{name} must have shape {expect} to match x of shape {x.shape}, got {np.shape(value)}")
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    return x


def forward(x, gamma, beta, eps: float = 1e-5) -> np.ndarray:
    r"""Training-mode forward pass :math:`y = \gamma \hat x + \beta` with the batch's statistics."""
    x = _check(x, ("gamma", gamma, (np.shape(x)[-1],)), ("beta", beta, (np.shape(x)[-1],)))
    (y,) = _FORWARD(x, np.asarray(gamma, x.dtype), np.asarray(beta, x.dtype), eps)
    return y


def backward(dy, x, gamma, eps: float = 1e-5) -> Gradients:
    """Gradients for inputs, γ and β given the upstream gradient ``dy`` (same shape as ``x``)."""
    x = _check(x, ("gamma", gamma, (np.shape(x)[-1],)))
    if np.shape(dy) != x.shape:
        raise ValueError(f"dy must have the shape of x {x.shape}, got {np.shape(dy)}")
    dx, dgamma, dbeta = _BACKWARD(np.asarray(dy, x.dtype), x, np.asarray(gamma, x.dtype), eps)
    return Gradients(dx, dgamma.reshape(-1), dbeta.reshape(-1))


def statistics(x) -> Statistics:
    """Mean, biased and unbiased variance per feature (``batchnorm.running_variance``)."""
    x = _check(x)
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return Statistics(mean, var, _UNBIASED(var, x.shape[0]))


def update_running(running_mean, running_var, stats: Statistics, momentum: float = 0.1):
    r"""Exponential moving averages :math:`r \leftarrow (1-\rho) r + \rho\,s` of the mean and unbiased variance."""
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must lie in [0, 1], got {momentum}")
    new_mean = (1 - momentum) * np.asarray(running_mean) + momentum * stats.mean
    new_var = (1 - momentum) * np.asarray(running_var) + momentum * stats.var_unbiased
    return new_mean, new_var


def inference(x, gamma, beta, running_mean, running_var, eps: float = 1e-5) -> np.ndarray:
    """Inference-mode forward pass with running statistics: an affine map per feature (``batchnorm.inference``)."""
    d = np.shape(x)[-1]
    x = _check(x, ("gamma", gamma, (d,)), ("beta", beta, (d,)), ("running_mean", running_mean, (d,)),
               ("running_var", running_var, (d,)), training=False)
    cast = [np.asarray(v, x.dtype) for v in (gamma, beta, running_mean, running_var)]
    return _INFERENCE(x, *cast, eps).astype(x.dtype, copy=False)
