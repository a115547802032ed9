r"""Reproducible synthetic regression data: correlated Gaussian inputs and a known teacher.

:math:`X` has rows :math:`x \sim N(0, \Sigma)` with :math:`\Sigma_{ij} = \rho^{|i-j|}`
(``correlation`` :math:`\rho`; :math:`\Sigma = I` for :math:`\rho = 0`) and
:math:`y = t(x) + \sigma \xi`, :math:`\xi \sim N(0, 1)`, with the teacher :math:`t` of a :class:`Teacher`.

Examples
========

>>> data = synthetic_regression(32, 3, seed=0)
>>> data.X.shape, data.y.shape, data.w is None
((32, 3), (32,), True)
>>> sparse = synthetic_regression(60, 8, seed=0, teacher=Teacher.SPARSE_LINEAR, correlation=0.5, noise=0.5)
>>> sparse.w.tolist()
[3.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.0, 1.5]
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

__all__ = ["Regression", "Teacher", "synthetic_regression"]


class Teacher(Enum):
    r"""The noise-free target :math:`t(x)`.

    ``SMOOTH``: :math:`t(x) = \sin(x^\top a) + \tfrac12 (x^\top b)^2 / d`, :math:`a, b \sim N(0, I/d)`;
    ``SPARSE_LINEAR``: :math:`t(x) = x^\top w` with 3 informative of :math:`d` weights,
    :math:`w_1 = 3`, :math:`w_{\lfloor d/2\rfloor + 1} = -2`, :math:`w_d = 1.5`.
    """

    SMOOTH = "smooth"
    SPARSE_LINEAR = "sparse_linear"


@dataclass(frozen=True)
class Regression:
    """Inputs ``X`` (n × d), targets ``y`` (n) and, for a linear teacher, its weights ``w`` (else ``None``)."""

    X: np.ndarray
    y: np.ndarray
    w: np.ndarray | None = None


def synthetic_regression(n: int, d: int, seed: int | np.random.Generator = 0, *, teacher: Teacher = Teacher.SMOOTH,
                         correlation: float = 0.0, noise: float = 0.1, labels: bool = False) -> Regression:
    r"""``n`` samples of ``d`` features with targets from ``teacher``.

    Parameters
    ==========

    n, d : samples and features
    seed : an integer seed or a NumPy ``Generator`` (drawn from in place)
    teacher : the :class:`Teacher`
    correlation : :math:`\rho` of :math:`\Sigma_{ij} = \rho^{|i-j|}`
    noise : the standard deviation :math:`\sigma` of the target noise
    labels : threshold :math:`y` at its median, giving :math:`y \in \{0, 1\}` (for the logistic loss)

    Returns
    =======

    :class:`Regression`

    Examples
    ========

    >>> data = synthetic_regression(5, 2, seed=1, labels=True)
    >>> data.X.shape, sorted(set(data.y.tolist())) == [0.0, 1.0]
    ((5, 2), True)
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    if correlation:
        cov = correlation ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
        X = X @ np.linalg.cholesky(cov).T
    w = None
    if teacher is Teacher.SPARSE_LINEAR:
        w = np.zeros(d)
        w[[0, d // 2, d - 1]] = [3.0, -2.0, 1.5]
        signal = X @ w
    else:
        a, b = rng.standard_normal((2, d)) / np.sqrt(d)
        signal = np.sin(X @ a) + 0.5 * (X @ b) ** 2 / d
    y = signal + noise * rng.standard_normal(n)
    if labels:
        y = (y > np.median(y)).astype(float)
    return Regression(X, y, w)
