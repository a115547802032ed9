r"""Curvature of a function as verified derivations (seed 004).

Seed 004 teaches curvature through the second-order Taylor model

.. math:: f(q) \approx f(p) + \nabla f(p)^\top \Delta p + \tfrac12 \Delta p^\top H(p)\, \Delta p,
   \qquad \Delta p = q - p,

the Hessian :math:`H_{ij} = \partial^2 f/\partial x_i \partial x_j` (symmetric
where the second partials are continuous), its eigenpairs as directional
curvature, the condition number and step sizes per eigen-direction.
``RESULTS`` registers these facts; the analysis functions they use are in
:mod:`derivations.topics.critical_points` and :mod:`derivations.calculus`.

Examples
========

>>> sorted(RESULTS)[:2]
['curvature.condition_number', 'curvature.directional_curvature']
"""

from __future__ import annotations

import sympy as sp

from derivations.record import Derivation, DerivativeOf, Differs, Equals, Holds, Step
from derivations.render import shown, with_display_names

# --------------------------------------------------------------------------- derivations

_x, _y = sp.symbols("x y", real=True)
_kappa = sp.Symbol("kappa", positive=True)
_eps = sp.Symbol("epsilon", positive=True)
_NAMES = ((_kappa, r"\kappa"), (_eps, r"\varepsilon"))


def mixed_partials() -> Derivation:
    """Seed 004's exercise: the mixed partials of L = 4x²y + 3y³x² agree."""
    L = 4 * _x**2 * _y + 3 * _y**3 * _x**2
    Lx, Ly = sp.Symbol("L_x"), sp.Symbol("L_y")
    Lxy, Lyx = sp.Symbol("L_xy"), sp.Symbol("L_yx")
    steps = (
        Step(sp.Symbol("L"), L, "the seed's example function", seed="004"),
        Step(Lx, 8 * _x * _y + 6 * _x * _y**3, "differentiate in x", seed="004", claim=DerivativeOf(L, _x)),
        Step(Ly, 4 * _x**2 + 9 * _x**2 * _y**2, "differentiate in y", seed="004", claim=DerivativeOf(L, _y)),
        Step(Lxy, 8 * _x + 18 * _x * _y**2, "differentiate L_x in y", seed="004",
             claim=DerivativeOf(8 * _x * _y + 6 * _x * _y**3, _y)),
        Step(Lyx, 8 * _x + 18 * _x * _y**2, "differentiate L_y in x", seed="004",
             claim=DerivativeOf(4 * _x**2 + 9 * _x**2 * _y**2, _x)),
        Step(Lxy - Lyx, sp.S.Zero, "the mixed partials agree (Schwarz: continuous second partials)", seed="004",
             claim=Equals(sp.Derivative(L, _x, _y) - sp.Derivative(L, _y, _x))),
    )
    return Derivation(
        "curvature.mixed_partials", "Symmetry of mixed partials (seed 004's exercise)", steps,
        sp.Eq(Lxy, 8 * _x + 18 * _x * _y**2),
        summary="The Hessian is symmetric wherever the second partials are continuous; the seed's example "
                "L(x, y) = 4x²y + 3y³x² confirms it: both orders give 8x + 18xy².",
        seeds=("004",),
    )


def _quadratic_2d():
    """A general quadratic in two variables around p and its data."""
    a, b, c, h11, h12, h22 = sp.symbols("a b_1 b_2 h_11 h_12 h_22", real=True)
    p1, p2, d1, d2 = sp.symbols("p_1 p_2 Delta_1 Delta_2", real=True)
    H = sp.Matrix([[h11, h12], [h12, h22]])
    z = sp.Matrix([_x, _y])
    f = a + (sp.Matrix([b, c]).T * z)[0] + (z.T * H * z)[0] / 2
    return f, H, (p1, p2), (d1, d2)


def taylor_model() -> Derivation:
    r"""The second-order Taylor model, exact on quadratics, and two slips of seed 004."""
    f, H, (p1, p2), (d1, d2) = _quadratic_2d()
    at_p = {_x: p1, _y: p2}
    at_q = {_x: p1 + d1, _y: p2 + d2}
    d = sp.Matrix([d1, d2])
    g = sp.Matrix([f.diff(_x), f.diff(_y)])
    gp = g.subs(at_p)
    Hp = sp.Matrix(2, 2, lambda i, j: f.diff([_x, _y][i], [_x, _y][j])).subs(at_p)
    model = f.subs(at_p) + (gp.T * d)[0] + (d.T * Hp * d)[0] / 2
    dF = f.subs(at_q) - f.subs(at_p)
    dF_sym = sp.Symbol("Delta F")
    t = sp.Symbol("t", real=True)
    cubic = _x**3 * _y
    steps = (
        Step(sp.Symbol("F(q)"), sp.Symbol("F(p)") + sp.Symbol("J^T Delta p") + sp.Symbol("Delta p^T H Delta p") / 2,
             "second-order Taylor expansion around p, Δp = q − p", seed="004"),
        Step(sp.Symbol("F(q)"), model, "the model of a general quadratic F is exact", seed="004",
             claim=Equals(f.subs(at_q))),
        Step(sp.Symbol("H Delta p"), Hp * d, "what the Hessian times Δp predicts: the CHANGE of the gradient",
             claim=Equals(g.subs(at_q) - gp)),
        Step(sp.Symbol("H Delta p"), Hp * d, "seed 004 writes 'Hessian · Δp ≈ Jacobian'", seed="004",
             claim=Differs(gp)),
        Step(dF_sym, (d.T * Hp * d)[0], "seed 004 writes 'Δpᵀ · Hessian · Δp ≈ ΔF'", seed="004",
             claim=Differs(dF)),
        Step(dF_sym, (gp.T * d)[0] + (d.T * Hp * d)[0] / 2, "the correct change: linear plus half the quadratic term",
             claim=Equals(dF)),
        Step(sp.Symbol("F(1+t, 1)"), (1 + 3 * t + 3 * t**2) + t**3,
             "beyond quadratics the model (1 + 3t + 3t² for x³y from (1, 1) along (1, 0)) misses the t³ term",
             claim=Equals((cubic).subs({_x: 1 + t, _y: 1}))),
    )
    return Derivation(
        "curvature.taylor_model", "The second-order Taylor model and what the Hessian predicts", steps,
        sp.Eq(sp.Symbol("F(q)"), sp.Symbol("F(p)") + sp.Symbol("J^T Delta p") + sp.Symbol("Delta p^T H Delta p") / 2),
        summary="F(q) ≈ F(p) + ∇F(p)ᵀΔp + ½ΔpᵀHΔp, exact for quadratics. Seed 004's slides on 'the Hessian's "
                "contribution' state HΔp ≈ ∇F and ΔpᵀHΔp ≈ ΔF: both are wrong. HΔp approximates the change "
                "of the gradient ∇F(q) − ∇F(p), and ΔpᵀHΔp is twice the second-order part of ΔF only. "
                "Counterexample: F = x² from p = 0 to q = 1 has ∇F(p) = 0 but HΔp = 2, and ΔF = 1 but "
                "ΔpᵀHΔp = 2.",
        assumptions=("F is twice continuously differentiable",),
        seeds=("004",),
        latex_names=((d1, r"\Delta p_1"), (d2, r"\Delta p_2")),
    )


def directional_curvature_derivation() -> Derivation:
    r"""The second derivative along a line is vᵀHv; along a unit eigenvector it is κ."""
    t = sp.Symbol("t", real=True)
    c = sp.symbols("c_0:6", real=True)
    p1, p2, v1, v2 = sp.symbols("p_1 p_2 v_1 v_2", real=True)
    f = c[0] * _x**3 + c[1] * _x**2 * _y + c[2] * _x * _y**2 + c[3] * _y**3 + c[4] * _x * _y + c[5] * _y**2
    line = {_x: p1 + t * v1, _y: p2 + t * v2}
    g = sp.Matrix([f.diff(_x), f.diff(_y)])
    H = sp.Matrix(2, 2, lambda i, j: f.diff([_x, _y][i], [_x, _y][j]))
    v = sp.Matrix([v1, v2])
    first = (v.T * g.subs(line))[0]
    second = (v.T * H.subs(line) * v)[0]
    k1, delta, s = sp.Symbol("kappa_1", real=True), sp.Symbol("delta", nonnegative=True), sp.Symbol("s", real=True)
    k2 = k1 + delta  # κ₁ ≤ κ₂
    # a rotation by the angle φ with tan(φ/2) = s, in rational form
    R = sp.Matrix([[1 - s**2, -2 * s], [2 * s, 1 - s**2]]) / (1 + s**2)
    He = R * sp.diag(k1, k2) * R.T
    u1 = R[:, 0]
    a, b = sp.symbols("a b", real=True)
    w = a * R[:, 0] + b * R[:, 1]
    rayleigh = (w.T * He * w)[0] / (w.T * w)[0]
    excess = b**2 * delta / (a**2 + b**2)
    steps = (
        Step(sp.Symbol("d/dt f(p + t v)"), first, "chain rule: the slope along v is vᵀ∇f",
             claim=DerivativeOf(f.subs(line), t)),
        Step(sp.Symbol("d²/dt² f(p + t v)"), second, "again: the curvature along v is vᵀHv", seed="004",
             claim=DerivativeOf(first, t)),
        Step(sp.Symbol("H v_1"), He * u1, "an eigenpair of H = R diag(κ₁, κ₂) Rᵀ (R a rotation)", seed="004",
             claim=Equals(k1 * u1)),
        Step(sp.Symbol("v_1^T H v_1"), (u1.T * He * u1)[0], "the curvature along a unit eigenvector is κ₁", seed="004",
             claim=Equals(k1)),
        Step(sp.Symbol("w^T H w / w^T w"), rayleigh, "the Rayleigh quotient of w = a v₁ + b v₂",
             claim=Equals((a**2 * k1 + b**2 * k2) / (a**2 + b**2))),
        Step(sp.Symbol("w^T H w / w^T w - kappa_1"), excess, "a weighted mean of the eigenvalues, above κ₁ = min κ",
             seed="004", claim=Equals(rayleigh - k1)),
        Step(sp.Symbol("w^T H w / w^T w - kappa_1"), excess, "nonnegative (κ₂ = κ₁ + δ, δ ≥ 0)",
             claim=Holds(sp.Symbol("w^T H w / w^T w - kappa_1") >= 0)),
        Step(sp.Symbol("kappa_2 - w^T H w / w^T w"), a**2 * delta / (a**2 + b**2), "and below κ₂ = max κ",
             claim=Equals(k2 - rayleigh)),
    )
    return Derivation(
        "curvature.directional_curvature", "Curvature along a direction: vᵀHv, the Rayleigh quotient", steps,
        sp.Eq(sp.Symbol("kappa(v)"), sp.Symbol("v^T H v") / sp.Symbol("v^T v")),
        summary="The second derivative of f along the line p + tv is vᵀH(p + tv)v; normalized, vᵀHv/vᵀv is the "
                "Rayleigh quotient, a weighted mean of the eigenvalues, equal to κᵢ along the i-th unit "
                "eigenvector. Seed 004 says 'the max (min) eigenvalue = the max (min) second derivative along "
                "any of the eigenvectors'; more is true: it is the max (min) over ALL directions.",
        seeds=("004",),
        latex_names=((k1, r"\kappa_1"), (delta, r"\delta")),
        proved_for="2×2 symmetric H (every one: a rotation of diag(κ₁, κ₂))",
    )


def gd_stability() -> Derivation:
    r"""Gradient descent along an eigen-direction of curvature κ is stable iff 0 < ε < 2/κ."""
    th, th0 = sp.Symbol("theta", real=True), sp.Symbol("theta_0", real=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    s = sp.Symbol("s", positive=True)  # the learning rate as a fraction of 2/κ
    f = _kappa * th**2 / 2
    update = th - _eps * sp.diff(f, th)
    factor = 1 - _eps * _kappa
    kneg = sp.Symbol("kappa_-", negative=True)
    steps = (
        Step(sp.Symbol("f(theta)"), f, "the quadratic model along a unit eigenvector with curvature κ", seed="004"),
        Step(sp.Symbol("theta_{k+1}"), update, "one gradient-descent step with learning rate ε"),
        Step(sp.Symbol("theta_{k+1}"), update, "a contraction by the factor 1 − εκ", claim=Equals(factor * th)),
        Step(sp.Symbol("theta_k"), factor**k * th0, "k steps from θ₀",
             claim=Equals(sp.Product(factor, (sp.Symbol("i", integer=True), 1, k)) * th0)),
        Step(sp.Abs(factor), sp.Abs(1 - 2 * s), "stable iff |1 − εκ| < 1; write ε = s · 2/κ",
             claim=Equals(sp.Subs(sp.Abs(factor), _eps, 2 * s / _kappa))),
        Step(sp.Symbol("|1 - 2 s|"), sp.Abs(1 - 2 * s), "below 1 exactly for 0 < s < 1, i.e. 0 < ε < 2/κ",
             claim=Holds(sp.Symbol("|1 - 2 s|") < 1)),
        Step(sp.Symbol("f(theta_1) - f(theta_0)"), sp.expand(f.subs(th, factor * th) - f),
             "the loss change of one step", claim=Equals(-_eps * _kappa**2 * th**2 * (1 - _eps * _kappa / 2))),
        Step(sp.Symbol("factor_-"), 1 - _eps * kneg, "κ < 0: the factor 1 − εκ exceeds 1, the component grows",
             seed="004", claim=Holds(sp.Symbol("factor_-") > 1)),
    )
    return Derivation(
        "curvature.gd_stability", "Step-size bound from curvature: gradient descent is stable iff ε < 2/κ", steps,
        sp.Eq(sp.Symbol("epsilon_max"), 2 / _kappa),
        summary="On f = κθ²/2 a gradient step multiplies θ by 1 − εκ. For κ > 0 the iteration converges iff "
                "0 < ε < 2/κ (the loss falls iff ε < 2/κ; ε = 1/κ lands on the minimum in one step). For κ < 0 "
                "the factor exceeds 1: the component grows and descent accelerates away from a saddle, seed "
                "004's 'take a large step'. Seed 004's advice 'κ > 0: only take a small step' is this bound.",
        assumptions=("κ > 0 unless stated", "ε > 0"),
        notes=("Seed 000 calls a saddle point 'locally flat' and says SGD 'gets stuck' there. Only the gradient "
               "vanishes at a saddle (x² − y² has curvature ±2), and by the last step the component along a "
               "negative-curvature direction grows by the factor 1 − εκ > 1 per step: gradient descent is stuck "
               "only when started exactly on the saddle's stable manifold, and slow to leave when |κ| is small.",),
        domain=((s, (0.01, 0.99)), (kneg, (-2.5, -0.25))),
        seeds=("004", "000"),
        latex_names=_NAMES + ((th, r"\theta"), (th0, r"\theta_0"), (kneg, r"\kappa_-")),
    )


def condition_number_derivation() -> Derivation:
    r"""The best fixed step on a quadratic contracts by (c − 1)/(c + 1), c = κ_max/κ_min."""
    lo, hi = sp.Symbol("kappa_min", positive=True), sp.Symbol("kappa_max", positive=True)
    r = sp.Symbol("r", positive=True)  # the spread: κ_max = κ_min (1 + r)
    best = 2 / (lo + hi)
    c = sp.Symbol("c", positive=True)
    steps = (
        Step(c, hi / lo, "condition number: ratio of the largest to the smallest |eigenvalue|", seed="004"),
        Step(sp.Symbol("epsilon*"), best, "the step that balances the extreme factors |1 − εκ_min| = |1 − εκ_max|",
             claim=Holds(sp.Eq(1 - sp.Symbol("epsilon*") * lo, sp.Symbol("epsilon*") * hi - 1))),
        Step(sp.Symbol("rho"), 1 - best * lo, "the slowest contraction per step at ε*",
             claim=Equals((hi / lo - 1) / (hi / lo + 1))),
        Step(sp.Symbol("rho"), (c - 1) / (c + 1), "in terms of c: close to 1 when the problem is ill conditioned",
             seed="004", claim=Equals((1 - best * lo).subs(hi, c * lo))),
        Step(sp.Symbol("d rho/dr"), sp.diff((1 - best * lo).subs(hi, lo * (1 + r)), r),
             "it grows with the spread r (κ_max = κ_min (1 + r))", claim=Holds(sp.Symbol("d rho/dr") > 0)),
    )
    return Derivation(
        "curvature.condition_number", "Condition number and the speed of gradient descent", steps,
        sp.Eq(sp.Symbol("rho"), (c - 1) / (c + 1)),
        summary="With one learning rate for all directions, the best gradient-descent rate on a quadratic is "
                "ε* = 2/(κ_min + κ_max) and the error shrinks per step by (c − 1)/(c + 1), c = κ_max/κ_min: "
                "seed 004's 'ill conditioning makes gradient descent difficult', quantified.",
        assumptions=("H positive definite",),
        seeds=("004",),
        latex_names=((lo, r"\kappa_{\min}"), (hi, r"\kappa_{\max}"), (sp.Symbol("epsilon*"), r"\varepsilon^*"),
                     (sp.Symbol("rho"), r"\rho")),
    )


def eigen_2x2() -> Derivation:
    r"""Closed-form eigenvalues of a symmetric 2x2 Hessian; they are real."""
    a, b, d = sp.symbols("a b d", real=True)
    H = sp.Matrix([[a, b], [b, d]])
    k = sp.Symbol("kappa", real=True)
    disc = sp.sqrt((a - d) ** 2 / 4 + b**2)
    kp, km = (a + d) / 2 + disc, (a + d) / 2 - disc
    steps = (
        Step(sp.Symbol("p(kappa)"), sp.expand((H - k * sp.eye(2)).det()), "characteristic polynomial det(H − κI)",
             claim=Equals(k**2 - (a + d) * k + a * d - b**2)),
        Step(sp.Symbol("kappa_pm"), sp.Matrix([km, kp]), "the quadratic formula"),
        Step(sp.Symbol("p(kappa_pm)"), sp.zeros(2, 1), "both are roots",
             claim=Equals(sp.ImmutableMatrix([sp.Determinant(sp.ImmutableMatrix(H - km * sp.eye(2))),
                                              sp.Determinant(sp.ImmutableMatrix(H - kp * sp.eye(2)))]))),
        Step(sp.Symbol("kappa_+ kappa_-"), a * d - b**2, "product = det H", claim=Equals(sp.Mul(kp, km, evaluate=False))),
        Step(sp.Symbol("disc"), (a - d) ** 2 / 4 + b**2, "the discriminant is a sum of squares: real eigenvalues",
             seed="004", claim=Holds(sp.Symbol("disc") >= 0)),
        Step(sp.Symbol("H v"), H * sp.Matrix([b, kp - a]), "an eigenvector for κ₊ (b ≠ 0)",
             claim=Equals(kp * sp.Matrix([b, kp - a]))),
    )
    return Derivation(
        "curvature.eigen_2x2", "Eigenvalues of a symmetric 2x2 Hessian in closed form", steps,
        sp.Eq(sp.Symbol("kappa_pm"), (a + d) / 2 + sp.Symbol("pm") * disc),
        summary="κ± = (a + d)/2 ± √(((a − d)/2)² + b²): real because H is symmetric (seed 004), with product "
                "det H and sum tr H, hence the 2x2 second-derivative test: det H > 0 and a > 0 is a minimum, "
                "det H < 0 a saddle.",
        seeds=("004",),
        latex_names=((k, r"\kappa"),),
    )





RESULTS = {
    "curvature.mixed_partials": shown(mixed_partials, with_display_names),
    "curvature.taylor_model": shown(taylor_model, with_display_names),
    "curvature.directional_curvature": shown(directional_curvature_derivation, with_display_names),
    "curvature.gd_stability": shown(gd_stability, with_display_names),
    "curvature.condition_number": shown(condition_number_derivation, with_display_names),
    "curvature.eigen_2x2": shown(eigen_2x2, with_display_names),
}
