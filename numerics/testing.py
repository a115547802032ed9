r"""Check analytic derivatives against finite differences, to second order.

The idea of autograd's ``check_grads``: compare the directional derivative
:math:`\nabla f(x)\cdot v` with the central difference
:math:`(f(x+hv)-f(x-hv))/2h` along random directions, and likewise the
Hessian-vector product :math:`H v` with the central difference of the gradient.

Examples
========

>>> import numpy as np
>>> f = lambda x: np.sum(x**3)
>>> check_grads(f, lambda x: 3 * x**2, np.array([1.0, -2.0]), hessp=lambda x, v: 6 * x * v)
>>> check_grads(f, lambda x: 2 * x**2, np.array([1.0, -2.0]))
Traceback (most recent call last):
...
AssertionError: gradient: directional derivative -4.41611 vs central difference -6.62417 (tolerance 1e-06)
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def _directions(n: int, count: int, rng: np.random.Generator) -> np.ndarray:
    v = rng.standard_normal((count, n))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def check_grads(
    f: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    *,
    hessp: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    hess: Callable[[np.ndarray], np.ndarray] | None = None,
    directions: int = 3,
    h: float = 1e-5,
    rtol: float = 1e-6,
    seed: int = 0,
) -> None:
    r"""Raise ``AssertionError`` if ``grad`` (and ``hessp``/``hess``) disagree with central differences.

    Along ``directions`` random unit vectors :math:`v`:
    :math:`\nabla f^\top v \approx (f(x + hv) - f(x - hv))/2h` and
    :math:`Hv \approx (\nabla f(x + hv) - \nabla f(x - hv))/2h`.

    Parameters
    ==========

    f, grad : the function and its claimed gradient
    x : the point
    hessp, hess : a claimed Hessian-vector product or Hessian (optional)
    directions : how many random directions
    h : the difference step
    rtol : the relative tolerance (ten times it for Hessians)
    seed : the seed of the directions

    Returns
    =======

    None; an ``AssertionError`` names the first disagreement

    Examples
    ========

    >>> check_grads(lambda x: float(x @ x), lambda x: 2 * x, np.array([1.0, -2.0]), hess=lambda x: 2 * np.eye(2))
    >>> check_grads(lambda x: float(x @ x), lambda x: 3 * x, np.array([1.0, -2.0]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: gradient: directional derivative ...
    """
    x = np.asarray(x, dtype=float)
    rng = np.random.default_rng(seed)
    for v in _directions(x.size, directions, rng):
        v = v.reshape(x.shape)
        analytic = float(np.vdot(grad(x), v))
        numeric = (f(x + h * v) - f(x - h * v)) / (2 * h)
        _close("gradient: directional derivative", analytic, numeric, rtol)
        if hessp is None and hess is None:
            continue
        hv = hessp(x, v) if hessp is not None else hess(x) @ v.ravel()
        numeric_hv = (np.asarray(grad(x + h * v)) - np.asarray(grad(x - h * v))) / (2 * h)
        for a, b in zip(np.ravel(hv), np.ravel(numeric_hv)):
            _close("Hessian-vector product", float(a), float(b), rtol * 10)


def _close(what: str, analytic: float, numeric: float, rtol: float) -> None:
    scale = max(1.0, abs(analytic), abs(numeric))
    if not abs(analytic - numeric) <= rtol * scale:
        raise AssertionError(f"{what} {analytic:.6g} vs central difference {numeric:.6g} (tolerance {rtol:g})")
