r"""Early stopping against L2: the derived shrinkage factors and gradient descent on a quadratic.

Along an eigenvector of :math:`H` with eigenvalue :math:`\lambda`, τ steps of
gradient descent from :math:`w^{(0)} = 0` keep the fraction
:math:`1-(1-\varepsilon\lambda)^\tau` of :math:`w^*`; L2 with weight α keeps
:math:`\lambda/(\lambda+\alpha)`; the two agree to first order for
:math:`\alpha = 1/(\tau\varepsilon)` (``regularization.early_stopping``).  Both
factors are compiled from the derivation; :func:`gradient_descent_quadratic`
runs the actual iteration, for comparison.

Examples
========

>>> import numpy as np
>>> float(early_stopping_factor(0.5, 0.1, 2))
0.0975
>>> c = compare_shrinkage(np.array([0.01, 1.0]), eps=0.1, tau=10)
>>> bool(np.all(c.early_stopping >= c.l2 - 1e-15))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derivations.topics import regularization as reg

from numerics.compile import compile_expressions

__all__ = ["early_stopping_factor", "l2_factor", "ShrinkageComparison", "compare_shrinkage",
           "gradient_descent_quadratic"]

#: 1 − (1 − ελ)^τ, compiled from the derivation.
early_stopping_factor = compile_expressions(reg.EARLY_STOP, [reg.lam, reg.eps, reg.tau])
#: λ/(λ + α), compiled from the derivation.
l2_factor = compile_expressions(reg.SHRINK_L2, [reg.lam, reg.alpha])


@dataclass(frozen=True)
class ShrinkageComparison:
    """Both factors on a grid of eigenvalues, for step ε, τ steps and the matched α = 1/(τε)."""

    lambdas: np.ndarray
    eps: float
    tau: int
    alpha: float
    early_stopping: np.ndarray
    l2: np.ndarray


def compare_shrinkage(lambdas: np.ndarray, eps: float, tau: int) -> ShrinkageComparison:
    """The early-stopping and L2 factors with α = 1/(τε)."""
    if not (eps > 0 and tau >= 1):
        raise ValueError("need eps > 0 and tau >= 1")
    lambdas = np.asarray(lambdas, float)
    alpha = 1.0 / (tau * eps)
    return ShrinkageComparison(lambdas, eps, tau, alpha, early_stopping_factor(lambdas, eps, tau),
                               l2_factor(lambdas, alpha))


def gradient_descent_quadratic(H: np.ndarray, w_star: np.ndarray, eps: float, tau: int) -> np.ndarray:
    r"""τ steps :math:`w \leftarrow w - \varepsilon H(w - w^*)` from 0 on :math:`\tfrac12(w-w^*)^\top H(w-w^*)`."""
    w = np.zeros_like(np.asarray(w_star, float))
    for _ in range(tau):
        w = w - eps * (H @ (w - w_star))
    return w
