r"""Ridge and lasso regression from the derived closed forms: shrinkage factors and soft thresholding.

Both penalties act on the least-squares cost :math:`\tfrac12\|Xw-y\|^2`:

* ridge, :math:`+\tfrac{\alpha}{2}\|w\|^2`: in the right singular basis of
  :math:`X = USV^\top` the least-squares components are rescaled by the derived
  factor :math:`\lambda_i/(\lambda_i+\alpha)` with :math:`\lambda_i = s_i^2`
  (``regularization.eigen_rescaling``, ``regularization.ridge``);
* lasso, :math:`+\alpha\|w\|_1`: coordinate descent
  :math:`w_j \leftarrow S_\alpha(x_j^\top r_j)/\|x_j\|^2` and ISTA
  :math:`w \leftarrow S_{\varepsilon\alpha}(w - \varepsilon X^\top(Xw-y))`, with the
  soft-thresholding operator :math:`S_t(v)` compiled from
  ``regularization.soft_threshold``.

Input noise of variance :math:`\nu` on a linear model is ridge with
:math:`\alpha = n\nu` for the mean loss (``regularization.input_noise``);
:func:`noisy_input_fit` checks that by simulation.

Examples
========

>>> import numpy as np
>>> soft_threshold(np.array([-3.0, 0.5, 2.0]), 1.0).tolist()
[-2.0, 0.0, 1.0]
>>> float(shrinkage_factor(4.0, 1.0))
0.8
>>> X = np.eye(2); y = np.array([3.0, 0.5])
>>> ridge_path(X, y, [1.0]).coef.round(3).tolist()
[[1.5, 0.25]]
>>> lasso_coordinate_descent(X, y, 1.0).x.tolist()
[2.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from derivations.topics import regularization as reg

from numerics.compile import compile_expressions
from numerics.result import History, Solution, Status

__all__ = [
    "shrinkage_factor", "soft_threshold", "ridge_path", "RidgePath", "lasso_objective", "lasso_kkt_violation",
    "lasso_coordinate_descent", "ista", "lasso_path", "LassoPath", "noisy_input_fit",
]

#: λ/(λ + α), compiled from the derivation.
shrinkage_factor = compile_expressions(reg.SHRINK_L2, [reg.lam, reg.alpha])
#: S_t(v) = sign(v)·max(|v| − t, 0), compiled from the derivation's Piecewise.
soft_threshold = compile_expressions(reg.SOFT_THRESHOLD, [reg.v, reg.t])


@dataclass(frozen=True)
class RidgePath:
    """Ridge coefficients ``coef[i]`` for penalty ``alphas[i]``."""

    alphas: np.ndarray
    coef: np.ndarray


def ridge_path(X: np.ndarray, y: np.ndarray, alphas: Sequence[float]) -> RidgePath:
    r"""Minimizers of :math:`\tfrac12\|Xw-y\|^2 + \tfrac{\alpha}{2}\|w\|^2` for each α.

    Uses one SVD: :math:`w(\alpha) = V\,\mathrm{diag}(f(s_i^2,\alpha)/s_i)\,U^\top y`
    with the compiled factor :math:`f(\lambda,\alpha) = \lambda/(\lambda+\alpha)`.
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    alphas = np.asarray(alphas, float)
    if np.any(alphas < 0):
        raise ValueError("ridge penalties must be nonnegative")
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    keep = s > s.max(initial=0.0) * max(X.shape) * np.finfo(float).eps
    ols = np.zeros_like(s)
    ols[keep] = (U.T @ y)[keep] / s[keep]  # least-squares components in the singular basis
    factors = shrinkage_factor(s[None, :] ** 2, alphas[:, None])  # (n_alphas, rank)
    return RidgePath(alphas, (factors * ols) @ Vt)


def lasso_objective(X: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float) -> float:
    r""":math:`\tfrac12\|Xw-y\|^2 + \alpha\|w\|_1`."""
    r = X @ w - y
    return float(0.5 * r @ r + alpha * np.abs(w).sum())


def lasso_kkt_violation(X: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float) -> float:
    r"""Distance of :math:`0` from the subdifferential :math:`X^\top(Xw-y) + \alpha\,\partial\|w\|_1`.

    Per coordinate: :math:`|g_j + \alpha\,\mathrm{sign}(w_j)|` where :math:`w_j \ne 0`,
    :math:`\max(|g_j| - \alpha, 0)` where :math:`w_j = 0`.
    """
    g = X.T @ (X @ w - y)
    return float(np.max(np.where(w != 0, np.abs(g + alpha * np.sign(w)), np.maximum(np.abs(g) - alpha, 0.0)),
                        initial=0.0))


def _solution(X, y, w, alpha, nit, history, tol, max_iter, message) -> Solution:
    kkt = lasso_kkt_violation(X, y, w, alpha)
    status = Status.CONVERGED if kkt <= tol * (1.0 + np.abs(X.T @ y).max(initial=0.0)) else Status.MAX_ITERATIONS
    if not np.all(np.isfinite(w)):
        status = Status.NONFINITE
    f = lasso_objective(X, y, w, alpha)
    return Solution(status, w, f, kkt, nit, nit, nit, 0, History(f=tuple(history)), message)


def lasso_coordinate_descent(
    X: np.ndarray, y: np.ndarray, alpha: float, w0: np.ndarray | None = None, *, tol: float = 1e-10,
    max_iter: int = 1000,
) -> Solution:
    r"""Cyclic coordinate descent for :math:`\tfrac12\|Xw-y\|^2 + \alpha\|w\|_1`.

    Each coordinate takes its exact minimizer :math:`S_\alpha(x_j^\top r_j)/\|x_j\|^2`
    where :math:`r_j = y - Xw + x_j w_j` (the derived coordinate step).  Stops
    when the KKT violation is below ``tol`` (relative to :math:`\|X^\top y\|_\infty`).
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    d = X.shape[1]
    w = np.zeros(d) if w0 is None else np.array(w0, float)
    col_sq = np.einsum("ij,ij->j", X, X)
    resid = y - X @ w
    history = []
    nit = 0
    for nit in range(1, max_iter + 1):
        for jj in range(d):
            if col_sq[jj] == 0.0:
                continue
            old = w[jj]
            b = X[:, jj] @ resid + col_sq[jj] * old
            w[jj] = float(soft_threshold(b, alpha)) / col_sq[jj]
            if w[jj] != old:
                resid -= X[:, jj] * (w[jj] - old)
        history.append(lasso_objective(X, y, w, alpha))
        if lasso_kkt_violation(X, y, w, alpha) <= tol * (1.0 + np.abs(X.T @ y).max(initial=0.0)):
            break
    return _solution(X, y, w, alpha, nit, history, tol, max_iter, "coordinate descent")


def ista(
    X: np.ndarray, y: np.ndarray, alpha: float, w0: np.ndarray | None = None, *, tol: float = 1e-10,
    max_iter: int = 20000,
) -> Solution:
    r"""Proximal gradient (ISTA): :math:`w \leftarrow S_{\varepsilon\alpha}(w - \varepsilon X^\top(Xw - y))`.

    The step is :math:`\varepsilon = 1/\|X\|_2^2`, the inverse Lipschitz constant
    of the smooth part's gradient.
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, float)
    step = 1.0 / max(np.linalg.norm(X, 2) ** 2, np.finfo(float).tiny)
    history = []
    nit = 0
    for nit in range(1, max_iter + 1):
        w = soft_threshold(w - step * (X.T @ (X @ w - y)), step * alpha)
        if nit % 10 == 0:
            history.append(lasso_objective(X, y, w, alpha))
            if lasso_kkt_violation(X, y, w, alpha) <= tol * (1.0 + np.abs(X.T @ y).max(initial=0.0)):
                break
    return _solution(X, y, w, alpha, nit, history, tol, max_iter, "ISTA")


@dataclass(frozen=True)
class LassoPath:
    """Lasso coefficients ``coef[i]`` for penalty ``alphas[i]`` and the sweeps each took."""

    alphas: np.ndarray
    coef: np.ndarray
    iterations: np.ndarray


def lasso_path(X: np.ndarray, y: np.ndarray, alphas: Sequence[float], *, tol: float = 1e-9) -> LassoPath:
    """Coordinate descent along ``alphas`` (any order), warm-started from the previous solution."""
    alphas = np.asarray(alphas, float)
    order = np.argsort(-alphas)  # from large α (sparse) to small
    coef = np.zeros((len(alphas), np.shape(X)[1]))
    its = np.zeros(len(alphas), int)
    w = None
    for idx in order:
        sol = lasso_coordinate_descent(X, y, float(alphas[idx]), w, tol=tol)
        coef[idx], its[idx], w = sol.x, sol.nit, sol.x
    return LassoPath(alphas, coef, its)


def noisy_input_fit(X: np.ndarray, y: np.ndarray, nu: float, copies: int, rng: np.random.Generator) -> np.ndarray:
    r"""Least squares on ``copies`` noisy replicas :math:`x + \eta`, :math:`\eta \sim N(0, \nu I)`.

    As ``copies`` grows this tends to the ridge solution with :math:`\alpha = n\nu`
    in the :math:`\tfrac12\|Xw-y\|^2 + \tfrac{\alpha}{2}\|w\|^2` convention.
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    Xn = np.concatenate([X + rng.normal(0.0, np.sqrt(nu), X.shape) for _ in range(copies)])
    yn = np.tile(y, copies)
    return np.linalg.lstsq(Xn, yn, rcond=None)[0]
