r"""Newton's method derived: the quadratic model, its minimizer, regularization and the decrement.

Seed 001 (lecture 10) expands :math:`J(\theta)` to second order around
:math:`\theta_0`,

.. math:: m(\theta) = J(\theta_0) + (\theta-\theta_0)^\top g + \tfrac12 (\theta-\theta_0)^\top H (\theta-\theta_0),

sets :math:`\nabla m = g + H(\theta - \theta_0) = 0` and obtains the Newton
step :math:`\Delta\theta = -H^{-1} g`.  The derivations here verify that
step (and that it minimizes the model only when :math:`H \succ 0`), its
exactness on quadratics, the regularized step :math:`-(H+\alpha I)^{-1}g`
with its gradient-descent limit :math:`-g/\alpha`, the Newton decrement, and
that plain Newton moves uphill along negative-curvature eigenvectors.

Examples
========

>>> import sympy as sp
>>> H, g = sp.Matrix([[2, 0], [0, -1]]), sp.Matrix([2, 1])
>>> newton_step(H, g).T
Matrix([[-1, 1]])
>>> (g.T * newton_step(H, g))[0]  # positive: not a descent direction
-1
>>> regularized_step(H, g, 3).T
Matrix([[-2/5, -1/2]])
"""

from __future__ import annotations

import sympy as sp

from derivations.render import with_display_names
from derivations.render import shown
from derivations.record import Derivation, DerivativeOf, Differs, Equals, Holds, Step

_alpha = sp.Symbol("alpha", positive=True)
_NAMES = ((_alpha, r"\alpha"),)


def newton_step(h: sp.Matrix, g: sp.Matrix) -> sp.Matrix:
    r"""The Newton step :math:`\Delta\theta = -H^{-1} g` (solved, not inverted)."""
    return -sp.Matrix(h).LUsolve(sp.Matrix(g))


def regularized_step(h: sp.Matrix, g: sp.Matrix, alpha) -> sp.Matrix:
    r"""The regularized Newton step :math:`-(H + \alpha I)^{-1} g` (seed 001)."""
    h = sp.Matrix(h)
    return -(h + alpha * sp.eye(h.shape[0])).LUsolve(sp.Matrix(g))


def newton_decrement(h: sp.Matrix, g: sp.Matrix) -> sp.Expr:
    r"""The Newton decrement :math:`\lambda = \sqrt{g^\top H^{-1} g}` (for :math:`H \succ 0`).

    Examples
    ========

    >>> newton_decrement(sp.Matrix([[4, 0], [0, 1]]), sp.Matrix([2, 1]))
    sqrt(2)
    """
    return sp.sqrt((sp.Matrix(g).T * -newton_step(h, g))[0])


def _sym_matrix(n: int, name: str = "h") -> sp.Matrix:
    entries = {}
    for i in range(n):
        for j in range(i, n):
            entries[(i, j)] = entries[(j, i)] = sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True)
    return sp.Matrix(n, n, lambda i, j: entries[(i, j)])


def _vec(n: int, name: str) -> sp.Matrix:
    return sp.Matrix([sp.Symbol(f"{name}_{i + 1}", real=True) for i in range(n)])


def _spd_2x2():
    """H = L Lᵀ with a positive diagonal in L: every symmetric positive definite 2x2 matrix."""
    l1, l3 = sp.symbols("l_1 l_3", positive=True)
    l2 = sp.Symbol("l_2", real=True)
    L = sp.Matrix([[l1, 0], [l2, l3]])
    return L * L.T


def step() -> Derivation:
    r"""The Newton step as the stationary point of the quadratic model (seed 001)."""
    H, g, d = _sym_matrix(2), _vec(2, "g"), _vec(2, "Delta")
    J0 = sp.Symbol("J_0", real=True)
    m = J0 + (g.T * d)[0] + (d.T * H * d)[0] / 2
    dn = newton_step(H, g)
    model_at = lambda v: m.xreplace(dict(zip(d, v)))  # noqa: E731
    u = _vec(2, "u")
    P = _spd_2x2()
    quad_P = (u.T * P * u)[0]
    steps = (
        Step(sp.Symbol("m(Delta theta)"), m, "second-order Taylor model of J around θ₀, Δθ = θ − θ₀", seed="001"),
        Step(sp.Symbol("dm/dDelta_1"), (g + H * d)[0], "its gradient, first component", seed="001",
             claim=DerivativeOf(m, d[0])),
        Step(sp.Symbol("dm/dDelta_2"), (g + H * d)[1], "second component: ∇m = g + HΔθ", seed="001",
             claim=DerivativeOf(m, d[1])),
        Step(sp.Symbol("Delta theta_nt"), dn, "set ∇m = 0 and solve: the Newton step −H⁻¹g", seed="001",
             claim=Equals(-H.inv() * g)),
        Step(sp.Symbol("nabla m(Delta theta_nt)"), g + H * dn, "it is stationary",
             claim=Equals(sp.zeros(2, 1))),
        Step(sp.Symbol("m(Delta theta_nt + u) - m(Delta theta_nt)"), (u.T * H * u)[0] / 2,
             "moving u away from it changes the model by ½uᵀHu (no linear term)",
             claim=Equals(sp.expand(model_at(dn + u) - model_at(dn)))),
        Step(sp.Symbol("u^T H u"), quad_P, "for H = LLᵀ ≻ 0 this is |Lᵀu|² > 0: a strict minimum",
             claim=Holds(sp.Symbol("u^T H u") > 0)),
        Step(sp.Symbol("m(Delta theta_nt + u) - m(Delta theta_nt)"), sp.Abs((u.T * H * u)[0] / 2),
             "seed 001: 'if the function is quadratic, this step takes us to the minimum' (implies ≥ 0 for all u)",
             seed="001", claim=Differs((u.T * H * u)[0] / 2)),
    )
    return Derivation(
        "newton.step", "The Newton step minimizes the quadratic model (only when H ≻ 0)", steps,
        sp.Eq(sp.Symbol("Delta theta_nt"), -sp.Symbol("H^-1") * sp.Symbol("g")),
        summary="Δθ = −H⁻¹g is the stationary point of the second-order model. It is the model's minimizer "
                "exactly when H is positive definite: the model changes by ½uᵀHu around it. Seed 001 says "
                "a quadratic is minimized by one Newton step; for an indefinite H the step lands on a saddle "
                "of the model (or its maximum), e.g. f = x² − y².",
        assumptions=("H symmetric and invertible", "g = ∇J(θ₀), H = ∇²J(θ₀)"),
        seeds=("001",),
        latex_names=((sp.Symbol("Delta_1"), r"\Delta\theta_1"), (sp.Symbol("Delta_2"), r"\Delta\theta_2")),
        proved_for="2×2 H",
    )


def _quadratic_exact(n: int):
    A, b, t = _sym_matrix(n, "a"), _vec(n, "b"), _vec(n, "theta")
    c = sp.Symbol("c", real=True)
    f = c + (b.T * t)[0] + (t.T * A * t)[0] / 2
    grad = sp.Matrix([f.diff(v) for v in t])
    hess = sp.Matrix(n, n, lambda i, j: f.diff(t[i], t[j]))
    adj = A.adjugate()
    det = A.det()
    theta1 = t - adj * grad / det  # θ − H⁻¹∇f with H⁻¹ = adj(H)/det(H)
    return A, b, t, f, grad, hess, theta1, det


def quadratic_exact() -> Derivation:
    r"""One Newton step lands on the stationary point of any quadratic: 2x2 and 3x3 in full symbols."""
    steps = []
    for n in (2, 3):
        A, b, t, f, grad, hess, theta1, det = _quadratic_exact(n)
        grad_at = grad.xreplace(dict(zip(t, theta1)))
        steps += [
            Step(sp.Symbol(f"f_{n}"), f, f"a general quadratic in {n} variables", seed="001"),
            Step(sp.Symbol(f"nabla f_{n}"), A * t + b, "its gradient",
                 claim=Equals(sp.ImmutableMatrix([sp.Derivative(f, v) for v in t]))),
            Step(sp.Symbol(f"H_{n}"), A, "its Hessian is constant",
                 claim=Equals(sp.ImmutableMatrix(n, n, lambda i, j: sp.Derivative(f, t[i], t[j])))),
            Step(sp.Symbol(f"theta_1 ({n})"), theta1, "one Newton step from any θ, H⁻¹ = adj(H)/det(H)", seed="001",
                 claim=Equals(-A.adjugate() * b / det)),
            Step(sp.Symbol(f"nabla f_{n}(theta_1)"), sp.zeros(n, 1), "the gradient vanishes there: exact in one step",
                 seed="001", claim=Equals(grad_at)),
        ]
    return Derivation(
        "newton.quadratic_exact", "One Newton step is exact on a quadratic", tuple(steps),
        sp.Eq(sp.Symbol("theta_1"), -sp.Symbol("A^-1") * sp.Symbol("b")),
        summary="For f = c + bᵀθ + ½θᵀAθ, the Newton step from any θ reaches θ₁ = −A⁻¹b, where ∇f = 0; proved "
                "in full symbols for n = 2 and 3 (the step does not depend on the start). Larger n are "
                "checked numerically through the compile bridge (tests/test_newton.py).",
        assumptions=("A symmetric and invertible",),
        seeds=("001",),
    )


def regularized() -> Derivation:
    r"""The regularized step −(H + αI)⁻¹g and its limit −g/α (seed 001)."""
    H, g = _sym_matrix(2), _vec(2, "g")
    d_alpha = regularized_step(H, g, _alpha)
    scaled = (_alpha * d_alpha).applyfunc(sp.simplify)
    limit = sp.ImmutableMatrix(scaled.applyfunc(lambda e: sp.Limit(e, _alpha, sp.oo)))
    w = sp.Symbol("w", positive=True)  # 1/α
    # the Taylor polynomial in w = 1/α to order 2, unevaluated: coefficients as limits of derivatives at 0
    series = sp.ImmutableMatrix((d_alpha.subs(_alpha, 1 / w)).applyfunc(lambda e: sp.Add(
        *(sp.Limit(sp.Derivative(e, (w, k)), w, 0) * w**k / sp.factorial(k) for k in (1, 2)), evaluate=False)))
    k1, k2, r = sp.Symbol("kappa_1", real=True), sp.Symbol("kappa_2", real=True), sp.Symbol("r", real=True)
    R = sp.Matrix([[1 - r**2, -2 * r], [2 * r, 1 - r**2]]) / (1 + r**2)  # a rotation, tan(φ/2) = r
    He = R * sp.diag(k1, k2) * R.T
    v1 = R[:, 0]
    shifted = ((He + _alpha * sp.eye(2)) * v1).applyfunc(sp.simplify)
    steps = (
        Step(sp.Symbol("Delta theta_alpha"), -(H + _alpha * sp.eye(2)).inv() * g,
             "regularized Newton step: H + αI in place of H", seed="001"),
        Step(sp.Symbol("alpha Delta theta_alpha"), scaled, "scaled by α", claim=Equals(_alpha * d_alpha)),
        Step(sp.Symbol("lim alpha Delta theta_alpha"), limit, "as α → ∞ it tends to −g", seed="001",
             claim=Equals(-g)),
        Step(sp.Symbol("Delta theta_alpha (series)"), series,
             "so Δθ_α = −g/α + Hg/α² + O(α⁻³): gradient descent with learning rate 1/α, as the seed says", seed="001",
             claim=Equals((-g * w + H * g * w**2))),
        Step(sp.Symbol("(H + alpha I) v_1"), shifted,
             "H + αI keeps the eigenvectors and shifts every eigenvalue by α: α > −κ_min makes it positive definite",
             claim=Equals((k1 + _alpha) * v1)),
    )
    return Derivation(
        "newton.regularized", "Regularized Newton: −(H + αI)⁻¹g tends to gradient descent with rate 1/α", steps,
        sp.Eq(sp.Symbol("Delta theta_alpha"), -sp.Symbol("g") / _alpha + sp.Symbol("O(alpha^-2)")),
        summary="Adding αI shifts every eigenvalue of H by α; with α > −κ_min the shifted matrix is positive "
                "definite and the step is a descent direction. As α → ∞, αΔθ_α → −g: the step becomes a "
                "gradient step with learning rate 1/α (seed 001 states this correctly).",
        assumptions=("H symmetric", "α > 0"),
        seeds=("001",),
        latex_names=_NAMES + ((w, r"\alpha^{-1}"), (k1, r"\kappa_1"), (k2, r"\kappa_2")),
    )


def decrement() -> Derivation:
    r"""The Newton decrement λ² = gᵀH⁻¹g: the model's predicted decrease and the step's slope."""
    H = _spd_2x2()
    g = _vec(2, "g")
    J0 = sp.Symbol("J_0", real=True)
    dn = -H.inv() * g
    lam2 = sp.simplify((g.T * H.inv() * g)[0])
    m = lambda d: J0 + (g.T * d)[0] + (d.T * H * d)[0] / 2  # noqa: E731
    steps = (
        Step(sp.Symbol("lambda^2"), lam2, "Newton decrement squared, gᵀH⁻¹g (H = LLᵀ ≻ 0)"),
        Step(sp.Symbol("g^T Delta theta_nt"), sp.simplify((g.T * dn)[0]), "the slope along the Newton step is −λ²",
             claim=Equals(-lam2)),
        Step(sp.Symbol("m(0) - m(Delta theta_nt)"), sp.simplify(m(sp.zeros(2, 1)) - m(dn)),
             "the model predicts a decrease of λ²/2", claim=Equals(lam2 / 2)),
        Step(sp.Symbol("lambda^2"), lam2, "positive for g ≠ 0: the Newton step is a descent direction when H ≻ 0",
             claim=Holds(sp.Symbol("lambda^2") > 0)),
        Step(sp.Symbol("Delta theta_nt^T H Delta theta_nt"), sp.simplify((dn.T * H * dn)[0]),
             "λ is the length of the step in the norm of H", claim=Equals(lam2)),
    )
    return Derivation(
        "newton.decrement", "The Newton decrement λ² = gᵀH⁻¹g", steps,
        sp.Eq(sp.Symbol("lambda"), sp.sqrt(sp.Symbol("g^T H^-1 g"))),
        summary="λ²/2 = gᵀH⁻¹g/2 is the decrease the quadratic model predicts for a full Newton step; λ² is also "
                "minus the step's directional derivative and its squared length in the H-norm. λ²/2 < tol is "
                "the affine-invariant stopping test of Newton's method (Boyd & Vandenberghe, Convex "
                "Optimization, §9.5.1).",
        assumptions=("H symmetric positive definite",),
        seeds=("001",),
        latex_names=((sp.Symbol("lambda^2"), r"\lambda^2"),),
        proved_for="2×2 H",
    )


def negative_curvature() -> Derivation:
    r"""Plain Newton moves uphill along an eigenvector with negative curvature (seed 001)."""
    k1 = sp.Symbol("kappa_1", positive=True)
    k2 = sp.Symbol("kappa_2", negative=True)
    s = sp.Symbol("s", real=True)
    R = sp.Matrix([[1 - s**2, -2 * s], [2 * s, 1 - s**2]]) / (1 + s**2)  # a rotation, tan(φ/2) = s
    H = R * sp.diag(k1, k2) * R.T
    g = _vec(2, "g")
    v1, v2 = R[:, 0], R[:, 1]
    dn = -H.inv() * g
    comp2 = (v2.T * dn)[0]
    slope2 = (v2.T * g)[0]
    gain = sp.simplify(slope2 * comp2)
    eps = sp.Symbol("epsilon", positive=True)
    steps = (
        Step(sp.Symbol("H"), H, "a Hessian with eigenpairs (κ₁ > 0, v₁), (κ₂ < 0, v₂)", seed="001"),
        Step(sp.Symbol("v_2^T Delta theta_nt"), sp.simplify(comp2), "the Newton step's component along v₂",
             seed="001", claim=Equals(-slope2 / k2)),
        Step(sp.Symbol("v_1^T Delta theta_nt"), sp.simplify((v1.T * dn)[0]), "and along v₁",
             claim=Equals(-(v1.T * g)[0] / k1)),
        Step(sp.Symbol("(v_2^T g)(v_2^T Delta theta_nt)"), gain,
             "its first-order effect on J along v₂: −(v₂ᵀg)²/κ₂", claim=Equals(-slope2**2 / k2)),
        Step(sp.Symbol("(v_2^T g)(v_2^T Delta theta_nt)"), gain,
             "positive: along a negative-curvature eigenvector Newton climbs (seed 001: 'gradient ascent steps')",
             seed="001", claim=Holds(sp.Symbol("(v_2^T g)(v_2^T Delta theta_nt)") > 0)),
        Step(sp.Symbol("v_2^T (-epsilon g)"), -eps * slope2, "gradient descent instead moves down along v₂",
             claim=Holds(slope2 * sp.Symbol("v_2^T (-epsilon g)") < 0)),
    )
    return Derivation(
        "newton.negative_curvature", "Plain Newton moves uphill along negative-curvature directions", steps,
        sp.Eq(sp.Symbol("v_i^T Delta theta_nt"), -sp.Symbol("v_i^T g") / sp.Symbol("kappa_i")),
        summary="In the eigenbasis the Newton step is −(vᵢᵀg)/κᵢ along each vᵢ. For κᵢ < 0 its sign matches the "
                "slope vᵢᵀg: the step climbs along vᵢ (towards a saddle or maximum of the model), which is why "
                "seed 001 regularizes H (newton.regularized).",
        assumptions=("H symmetric and invertible", "κ₁ > 0 > κ₂", "g ≠ 0 along v₂"),
        domain=((k2, (-2.5, -0.25)),),
        seeds=("001",),
        latex_names=((k1, r"\kappa_1"), (k2, r"\kappa_2"), (eps, r"\varepsilon")),
    )




RESULTS = {
    "newton.step": shown(step, with_display_names),
    "newton.quadratic_exact": shown(quadratic_exact, with_display_names),
    "newton.regularized": shown(regularized, with_display_names),
    "newton.decrement": shown(decrement, with_display_names),
    "newton.negative_curvature": shown(negative_curvature, with_display_names),
}
