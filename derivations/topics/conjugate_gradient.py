r"""Conjugate gradients on a quadratic: orthogonal gradients, conjugate directions (a seed erratum).

Seed 001 ("Conjugate gradient methods") says CG "find[s] search directions
that are *conjugate* with respect to the Hessian, i.e., that
:math:`\mathbf{g}_k^T \mathbf{H} \mathbf{g}_{k-1} = 0`".  The directions are
conjugate, :math:`d_k^T H d_{k-1} = 0`; the *gradients* are orthogonal,
:math:`g_k^T g_{k-1} = 0`, and :math:`g_k^T H g_{k-1}` is in general not zero.

On :math:`f(x) = \tfrac12 x^T A x - b^T x` with exact line searches, from
:math:`d_0 = -g_0`:

.. math:: \alpha_k = \frac{g_k^T g_k}{d_k^T A d_k},\quad g_{k+1} = g_k + \alpha_k A d_k,\quad
          \beta_{k+1} = \frac{g_{k+1}^T g_{k+1}}{g_k^T g_k},\quad d_{k+1} = -g_{k+1} + \beta_{k+1} d_k .

Everything is proved for a generic symmetric :math:`A` and gradient
:math:`g_0` with :math:`n = 2` (two steps reach the minimizer); coordinates are
rotated so that :math:`g_0 = (\sigma, 0)`, which leaves :math:`A` generic.

Examples
========

>>> RESULTS["conjugate_gradient.conjugacy"]().verify().ok
True
"""

from __future__ import annotations

import sympy as sp

from derivations.topics.quasi_newton import _definitions, _first_axis, _symmetric, n
from derivations.record import Derivation, Differs, Equals, Step

A = sp.MatrixSymbol("A", n, n)
g0, g1, g2 = (sp.MatrixSymbol(f"g_{i}", n, 1) for i in range(3))
d0, d1 = sp.MatrixSymbol("d_0", n, 1), sp.MatrixSymbol("d_1", n, 1)


def _exact_step(g, d):
    r""":math:`\alpha = (g^Tg)(d^TAd)^{-1}`, the exact line search along a CG direction on the quadratic."""
    return (g.T * g) * sp.Inverse(d.T * A * d)


def conjugacy() -> Derivation:
    """CG on a quadratic: gradients orthogonal, directions A-conjugate; the seed's gᵀHg = 0 is wrong."""
    sizes = (2,)
    beta_fr = (g1.T * g1) * sp.Inverse(g0.T * g0)
    beta_pr = (g1.T * (g1 - g0)) * sp.Inverse(g0.T * g0)
    pairs = [
        (A, lambda k: _symmetric("a", k)),
        # a rotation of coordinates keeps A generic symmetric, so g₀ = (σ, 0) loses no generality
        (g0, lambda k: _first_axis("sigma", k)),
        (d0, -g0),
        (g1, g0 + A * d0 * _exact_step(g0, d0)),
        (d1, -g1 + d0 * beta_fr),
        (g2, g1 + A * d1 * _exact_step(g1, d1)),
    ]
    defs = _definitions(sizes, pairs)
    steps = (
        Step(d0, -g0, "first direction: steepest descent"),
        Step(g1, g0 + A * d0 * _exact_step(g0, d0), "exact line search on the quadratic, ∇f changes by A·step"),
        Step(d0.T * g1, sp.ZeroMatrix(1, 1), "the exact step makes the new gradient orthogonal to d₀",
             claim=Equals(d0.T * g1)),
        Step(g1.T * g0, sp.ZeroMatrix(1, 1), "so consecutive gradients are orthogonal", claim=Equals(g1.T * g0)),
        Step(beta_pr, beta_fr, "hence Polak–Ribière equals Fletcher–Reeves on a quadratic",
             claim=Equals(beta_pr)),
        Step(d1, -g1 + d0 * beta_fr, "next direction"),
        Step(d1.T * A * d0, sp.ZeroMatrix(1, 1), "the directions are A-conjugate", claim=Equals(d1.T * A * d0)),
        Step(g1.T * A * g0, sp.ZeroMatrix(1, 1),
             "the seed: conjugacy 'i.e. g_kᵀ H g_{k−1} = 0' (it is d_kᵀ H d_{k−1} = 0)", seed="001",
             claim=Differs(g1.T * A * g0)),
        Step(g2, sp.ZeroMatrix(n, 1), "n = 2 conjugate steps reach the minimizer", claim=Equals(g2)),
    )
    return Derivation(
        name="conjugate_gradient.conjugacy",
        title="Conjugate gradients: orthogonal gradients, conjugate directions (seed erratum)",
        steps=steps, result=sp.Eq(d1.T * A * d0, sp.ZeroMatrix(1, 1)),
        summary="With exact line searches on a quadratic, CG's gradients are mutually orthogonal and its "
                "directions are A-conjugate; the seed's condition gₖᵀHgₖ₋₁ = 0 confuses the two and fails.",
        assumptions=("f = ½xᵀAx − bᵀx, A symmetric", "exact line searches", "g₀ ≠ 0, dᵀAd ≠ 0",
                     "coordinates rotated so that g₀ = (σ, 0)"),
        sizes=((n, sizes),), definitions=defs, seeds=("001",),
        notes=("Nonlinear CG (numerics.solve.cg) keeps these properties only approximately: it restarts with "
               "−∇f when |gₖ₊₁ᵀgₖ| ≥ 0.2‖gₖ₊₁‖² (Nocedal & Wright eq. 5.52), i.e. when orthogonality is lost.",),
    )


RESULTS = {"conjugate_gradient.conjugacy": conjugacy}
