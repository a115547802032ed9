r"""Quasi-Newton updates: BFGS (inverse and direct), L-BFGS two-loop recursion, DFP and SR1.

Seed 001 (UCLA ECE 239AS, "Quasi-Newton methods") states the BFGS update of
the inverse-Hessian approximation (written :math:`\mathbf{H}_k^{-1}` there,
:math:`H` here, :math:`H^+` after the update):

.. math:: H^+ = (I - \rho\, s y^T)\, H\, (I - \rho\, y s^T) + \rho\, s s^T,
          \qquad \rho = \frac{1}{y^T s},

with :math:`s = \theta_k - \theta_{k-1}`, :math:`y = \nabla J(\theta_k) - \nabla J(\theta_{k-1})`.
The formula in the seed is right, and so is its remark that "the inverse of
any Hessian can be reconstructed from the sequence of :math:`s_k, y_k`, and
the initial :math:`H_0^{-1}`": it speaks of the BFGS matrix :math:`H_k^{-1}`,
which the two-loop recursion rebuilds from the stored pairs
(``quasi_newton.lbfgs_two_loop``); the true inverse Hessian is reached only
after :math:`n` conjugate steps on a quadratic
(``quasi_newton.bfgs_quadratic_termination``).

Every result here is a matrix identity in generic symbolic matrices
(``MatrixSymbol`` of size :math:`n`), proved entrywise for :math:`n = 2`
(and :math:`3` where the proof takes about a second) by instantiating
the symbols as explicit matrices with independent entries (symmetric where
the math requires it).  The identities commute with rotations of coordinates
(:math:`H \mapsto Q^THQ` stays generic), so most take the step along the first
axis, :math:`s = (\sigma, 0, \dots)`, without loss of generality; random
probes at :math:`n = 50` in the tests cover the unrotated case.  The scalar :math:`\rho = (y^Ts)^{-1}` is written as
the inverse of the :math:`1\times1` matrix :math:`y^T s`.

Examples
========

>>> d = RESULTS["quasi_newton.bfgs_secant"]()
>>> d.verify().ok
True
>>> expr, args = expanded_update()
>>> [str(a) for a in args]
['H', 's', 'y', 'u']
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from derivations.record import Derivation, Differs, Equals, Holds, Step

n = sp.Symbol("n", integer=True, positive=True)
H = sp.MatrixSymbol("H", n, n)  # the current inverse-Hessian approximation (seed: H_{k-1}^{-1})
Hp = sp.MatrixSymbol("H^+", n, n)  # after one update (seed: H_k^{-1})
B = sp.MatrixSymbol("B", n, n)  # Hessian approximation, B = H^{-1}
Bp = sp.MatrixSymbol("B^+", n, n)
L = sp.MatrixSymbol("L", n, n)  # a Cholesky factor, H = L L^T
s = sp.MatrixSymbol("s", n, 1)
y = sp.MatrixSymbol("y", n, 1)
z = sp.MatrixSymbol("z", n, 1)
g = sp.MatrixSymbol("g", n, 1)
u = sp.MatrixSymbol("u", n, 1)  # u = H y
w = sp.MatrixSymbol("w", n, 1)
I = sp.Identity(n)


def rho(y_: sp.MatrixExpr = y, s_: sp.MatrixExpr = s) -> sp.MatrixExpr:
    r""":math:`\rho = (y^T s)^{-1}` as a :math:`1\times1` matrix."""
    return sp.Inverse(y_.T * s_)


def bfgs_inverse(H_, s_, y_) -> sp.MatrixExpr:
    r"""Product form :math:`(I-\rho s y^T) H (I-\rho y s^T) + \rho s s^T` (seed 001)."""
    k = H_.shape[0]
    r = rho(y_, s_)
    return (sp.Identity(k) - s_ * r * y_.T) * H_ * (sp.Identity(k) - y_ * r * s_.T) + s_ * r * s_.T


def bfgs_direct(B_, s_, y_) -> sp.MatrixExpr:
    r"""Direct update :math:`B - B s (s^T B s)^{-1} s^T B + \rho\, y y^T`."""
    return B_ - B_ * s_ * sp.Inverse(s_.T * B_ * s_) * s_.T * B_ + y_ * rho(y_, s_) * y_.T


def bfgs_expanded(H_, s_, y_, u_) -> sp.MatrixExpr:
    r"""Expanded rank-two form :math:`H - s\rho u^T - u\rho s^T + s(\rho + \rho\, y^Tu\, \rho)s^T`, :math:`u = Hy`."""
    r = rho(y_, s_)
    return H_ - s_ * r * u_.T - u_ * r * s_.T + s_ * (r + r * y_.T * u_ * r) * s_.T


def dfp_inverse(H_, s_, y_) -> sp.MatrixExpr:
    r"""DFP inverse update :math:`H - H y (y^T H y)^{-1} y^T H + \rho\, s s^T`."""
    return H_ - H_ * y_ * sp.Inverse(y_.T * H_ * y_) * y_.T * H_ + s_ * rho(y_, s_) * s_.T


def sr1_inverse(H_, s_, y_) -> sp.MatrixExpr:
    r"""SR1 inverse update :math:`H + (s - Hy)\,((s-Hy)^T y)^{-1} (s - Hy)^T`."""
    v = s_ - H_ * y_
    return H_ + v * sp.Inverse(v.T * y_) * v.T


def expanded_update() -> tuple[sp.MatrixExpr, tuple[sp.MatrixSymbol, ...]]:
    r"""The verified expanded BFGS update (the result of ``quasi_newton.bfgs_expanded_form``) and its arguments.

    Numeric BFGS compiles this expression through the bridge; ``u`` is :math:`Hy`.
    """
    return bfgs_expanded_form().result.rhs, (H, s, y, u)


# --------------------------------------------------------------------------- instantiation


def _sym(name: str, **assumptions) -> sp.Symbol:
    return sp.Symbol(name, real=True, **assumptions)


def _symmetric(name: str, k: int) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(k, k, lambda i, j: _sym(f"{name}_{min(i, j) + 1}{max(i, j) + 1}"))


def _vector(name: str, k: int) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(k, 1, lambda i, j: _sym(f"{name}_{i + 1}"))


def _lower(name: str, k: int) -> sp.ImmutableMatrix:
    """Lower triangular with a positive diagonal: a generic Cholesky factor."""

    def entry(i, j):
        if j > i:
            return sp.S.Zero
        return _sym(f"{name}_{i + 1}{j + 1}", positive=True) if i == j else _sym(f"{name}_{i + 1}{j + 1}")

    return sp.ImmutableMatrix(k, k, entry)


def _first_axis(name: str, k: int) -> sp.ImmutableMatrix:
    """A vector along the first axis, ``(σ, 0, …)``: generic up to a rotation of coordinates."""
    return sp.ImmutableMatrix(k, 1, lambda i, j: _sym(name, positive=True) if i == 0 else sp.S.Zero)


def _orthogonal_to(v: sp.ImmutableMatrix, t: str) -> sp.ImmutableMatrix:
    """A generic vector orthogonal to ``v``: a rotation of ``v`` (n = 2) or a cross product (n = 3)."""
    if v.shape[0] == 2:
        return _sym(t) * sp.ImmutableMatrix([-v[1], v[0]])
    a = _vector(t, 3)
    return sp.ImmutableMatrix(v.cross(a))


def _at(k: int, pairs) -> tuple:
    """Definitions of the generic symbols at size ``k``: ``(MatrixSymbol, explicit matrix)`` pairs.

    Each value is made explicit (earlier definitions substituted, entries put over a common
    denominator) so that verification multiplies small explicit matrices only.
    """
    known = {sp.Identity(k): sp.ImmutableMatrix(sp.eye(k)),
             sp.ZeroMatrix(k, 1): sp.ImmutableMatrix(sp.zeros(k, 1)),
             sp.ZeroMatrix(k, k): sp.ImmutableMatrix(sp.zeros(k, k)),
             sp.ZeroMatrix(1, 1): sp.ImmutableMatrix(sp.zeros(1, 1))}
    for symbol, value in pairs:
        raw = value(k) if callable(value) else value.subs(n, k)
        explicit = sp.ImmutableMatrix(raw.xreplace(known).doit()) if not isinstance(raw, sp.MatrixBase) else raw
        known[symbol.subs(n, k)] = explicit.applyfunc(sp.cancel)
    return tuple(known.items())


def _definitions(sizes, pairs) -> tuple:
    return tuple(item for k in sizes for item in _at(k, pairs))


_GENERIC = [
    (H, lambda k: _symmetric("h", k)),
    (s, lambda k: _vector("s", k)),
    (y, lambda k: _vector("y", k)),
    (z, lambda k: _vector("z", k)),
    (g, lambda k: _vector("g", k)),
]
# Every identity here is unchanged by a rotation of coordinates (H ↦ QᵀHQ stays generic
# symmetric), so the step may be taken along the first axis without loss of generality.
_ROTATED = [(H, lambda k: _symmetric("h", k)), (s, lambda k: _first_axis("sigma", k)),
            (y, lambda k: _vector("y", k)), (z, lambda k: _vector("z", k)), (g, lambda k: _vector("g", k))]
_WLOG = "coordinates rotated so that s = (σ, 0): no loss of generality, H stays generic"
_LATEX = ((Hp, r"H^{+}"), (Bp, r"B^{+}"))
_SEED = ("001",)
_RHO = "ρ = (yᵀs)⁻¹ is a 1×1 matrix inverse"


def _scalar(e: sp.MatrixExpr) -> sp.Basic:
    """The entry of a 1×1 matrix expression, kept unevaluated for display."""
    return MatrixElement(e, 0, 0)


# --------------------------------------------------------------------------- BFGS


def bfgs_secant() -> Derivation:
    """The BFGS inverse update satisfies the secant condition H⁺y = s."""
    sizes = (2, 3)
    defs = _definitions(sizes, _ROTATED + [(Hp, bfgs_inverse(H, s, y))])
    V = I - y * rho() * s.T
    steps = (
        Step(Hp, bfgs_inverse(H, s, y), "BFGS inverse update", seed="001"),
        Step(V * y, sp.ZeroMatrix(n, 1), "ρ sᵀy = 1 annihilates y", claim=Equals(V * y)),
        Step(Hp * y, s * rho() * s.T * y, "the first term vanishes on y", claim=Equals(Hp * y)),
        Step(Hp * y, s, "ρ sᵀy = 1: the secant condition", claim=Equals(Hp * y)),
        Step(y.T * Hp * y, y.T * s, "curvature along y: positive definiteness needs yᵀs > 0",
             claim=Equals(y.T * Hp * y)),
    )
    return Derivation(
        name="quasi_newton.bfgs_secant", title="BFGS: the secant condition H⁺y = s",
        steps=steps, result=sp.Eq(Hp * y, s),
        summary="The updated inverse-Hessian approximation maps the gradient change y to the step s, "
                "as the inverse Hessian of a quadratic does.",
        assumptions=("yᵀs ≠ 0", _RHO, "H symmetric", _WLOG), sizes=((n, sizes),), definitions=defs,
        latex_names=_LATEX, seeds=_SEED,
        notes=("Since yᵀH⁺y = yᵀs, a positive definite H⁺ requires yᵀs > 0 (the curvature condition, "
               "guaranteed by a Wolfe line search).",),
    )


def bfgs_symmetric() -> Derivation:
    """The BFGS inverse update keeps H symmetric."""
    sizes = (2, 3)
    defs = _definitions(sizes, _ROTATED + [(Hp, bfgs_inverse(H, s, y))])
    r = rho()
    steps = (
        Step(Hp, bfgs_inverse(H, s, y), "BFGS inverse update", seed="001"),
        Step(Hp.T, (I - s * r.T * y.T) * H.T * (I - y * r.T * s.T) + s * r.T * s.T,
             "(ABC)ᵀ = CᵀBᵀAᵀ", claim=Equals(Hp.T)),
        Step(Hp.T, Hp, "Hᵀ = H and ρ is a scalar", claim=Equals(Hp.T)),
    )
    return Derivation(
        name="quasi_newton.bfgs_symmetric", title="BFGS: the inverse update is symmetric",
        steps=steps, result=sp.Eq(Hp.T, Hp), assumptions=("Hᵀ = H", "yᵀs ≠ 0", _WLOG),
        sizes=((n, sizes),), definitions=defs, latex_names=_LATEX, seeds=_SEED,
    )


def bfgs_positive_definite() -> Derivation:
    """zᵀH⁺z is a sum of nonnegative terms when H = LLᵀ and yᵀs > 0; zero only for z = 0."""
    sizes = (2, 3)
    c = _sym("c", positive=True)
    zp = sp.MatrixSymbol("z_perp", n, 1)  # a vector with sᵀz = 0
    pairs = [
        (H, L * L.T),
        (L, lambda k: _lower("l", k)),
        (s, lambda k: _first_axis("sigma", k)),
        # y = c s + t with t ⊥ s and c > 0: every pair with yᵀs > 0 (s ≠ 0) has this form
        (y, lambda k: c * _first_axis("sigma", k) + _orthogonal_to(_first_axis("sigma", k), "t")),
        (z, lambda k: _vector("z", k)),
        (zp, lambda k: _orthogonal_to(_first_axis("sigma", k), "a")),
        (w, (I - y * rho() * s.T) * z),
        (Hp, bfgs_inverse(H, s, y)),
    ]
    defs = _definitions(sizes, pairs)
    quad = z.T * Hp * z
    sos = (L.T * w).T * (L.T * w) + (s.T * z).T * rho() * (s.T * z)
    q = sp.Symbol("q")
    steps = (
        Step(Hp, bfgs_inverse(H, s, y), "BFGS inverse update", seed="001"),
        Step(w, (I - y * rho() * s.T) * z, "name the vector H acts on"),
        Step(quad, w.T * H * w + (s.T * z).T * rho() * (s.T * z), "expand zᵀH⁺z", claim=Equals(quad)),
        Step(quad, sos, "H = LLᵀ: a sum of squares plus ρ(sᵀz)²", claim=Equals(quad)),
        Step(q, _scalar(sos), "with v = Lᵀw, τ = sᵀz and ρ = 1/(c sᵀs) > 0 this is |v|² + ρτ²: every term is ≥ 0",
             claim=Holds(sp.GreaterThan(q, 0))),
        Step(zp.T * s, sp.ZeroMatrix(1, 1), "equality needs sᵀz = 0", claim=Equals(zp.T * s)),
        Step(zp.T * Hp * zp, zp.T * H * zp, "then w = z and zᵀH⁺z = zᵀHz > 0 unless z = 0",
             claim=Equals(zp.T * Hp * zp)),
    )
    return Derivation(
        name="quasi_newton.bfgs_positive_definite",
        title="BFGS: positive definiteness is preserved when yᵀs > 0",
        steps=steps, result=sp.GreaterThan(_scalar(quad), 0),
        summary="With w = (I − ρysᵀ)z, zᵀH⁺z = wᵀHw + ρ(sᵀz)². Both terms are ≥ 0 for H positive "
                "definite and ρ > 0; both vanish only if sᵀz = 0 (so w = z) and zᵀHz = 0, i.e. z = 0.",
        assumptions=("H = LLᵀ with L lower triangular, positive diagonal", "y = c s + t, c > 0, tᵀs = 0 "
                     "(exactly the pairs with yᵀs > 0)", _RHO, _WLOG + " (L generic lower triangular)"),
        sizes=((n, sizes),), definitions=defs, latex_names=_LATEX + ((zp, r"z_{\perp}"), (sp.Symbol("rho", positive=True), r"\rho")), seeds=_SEED,
        notes=("Numeric probes at n = 50 (random positive definite H, pairs with yᵀs > 0) are in "
               "tests/test_quasi_newton_derivations.py.",),
    )


def bfgs_inverse_of_direct() -> Derivation:
    """The inverse update is the inverse of the direct BFGS update of B = H⁻¹ (Sherman–Morrison–Woodbury)."""
    sizes = (2,)
    pairs = [(B, lambda k: _symmetric("b", k)), (H, B.inverse()), (s, lambda k: _first_axis("sigma", k)),
             (y, lambda k: _vector("y", k)), (Hp, bfgs_inverse(H, s, y)), (Bp, bfgs_direct(B, s, y))]
    defs = _definitions(sizes, pairs)
    steps = (
        Step(Bp, bfgs_direct(B, s, y), "direct BFGS update of the Hessian approximation"),
        Step(Bp * s, y, "direct secant condition", claim=Equals(Bp * s)),
        Step(Hp, bfgs_inverse(H, s, y), "inverse update with H = B⁻¹", seed="001"),
        Step(Hp * Bp, I, "Sherman–Morrison–Woodbury: H⁺ = (B⁺)⁻¹", claim=Equals(Hp * Bp)),
    )
    return Derivation(
        name="quasi_newton.bfgs_inverse_of_direct",
        title="BFGS: the inverse update inverts the direct update",
        steps=steps, result=sp.Eq(Hp, Bp.inverse()),
        summary="B⁺ = B − Bssᵀ B/(sᵀBs) + yyᵀ/(yᵀs) is a rank-two change of B; the Sherman–Morrison–"
                "Woodbury formula turns its inverse into the product form of H⁺.",
        assumptions=("B symmetric and invertible, H = B⁻¹", "sᵀBs ≠ 0, yᵀs ≠ 0", _WLOG),
        sizes=((n, sizes),), definitions=defs, latex_names=_LATEX, seeds=_SEED,
    )


def bfgs_expanded_form() -> Derivation:
    """The product form equals the O(n²) rank-two form with u = Hy."""
    sizes = (2, 3)
    defs = _definitions(sizes, _ROTATED + [(u, H * y), (Hp, bfgs_inverse(H, s, y))])
    r = rho()
    steps = (
        Step(Hp, bfgs_inverse(H, s, y), "BFGS inverse update", seed="001"),
        Step(u, H * y, "one matrix-vector product"),
        Step(Hp, H - s * r * y.T * H - H * y * r * s.T + s * r * y.T * H * y * r * s.T + s * r * s.T,
             "multiply out", claim=Equals(Hp)),
        Step(Hp, bfgs_expanded(H, s, y, u), "Hᵀ = H, so yᵀH = uᵀ", claim=Equals(Hp)),
    )
    return Derivation(
        name="quasi_newton.bfgs_expanded_form",
        title="BFGS: the O(n²) expanded form of the inverse update",
        steps=steps, result=sp.Eq(Hp, bfgs_expanded(H, s, y, u)),
        summary="With u = Hy the update needs one product Hy and three outer products, O(n²) work "
                "instead of the O(n³) of the product form. Numeric BFGS compiles this expression.",
        assumptions=("Hᵀ = H", "yᵀs ≠ 0", _WLOG), sizes=((n, sizes),), definitions=defs, latex_names=_LATEX,
        seeds=_SEED,
    )


# --------------------------------------------------------------------------- L-BFGS


def lbfgs_two_loop() -> Derivation:
    """The two-loop recursion computes H_k g exactly (induction step, then two pairs unrolled)."""
    sizes = (2,)
    H0, H1, H2 = (sp.MatrixSymbol(f"H_{i}", n, n) for i in range(3))
    s1, y1, s2, y2 = (sp.MatrixSymbol(nm, n, 1) for nm in ("s_1", "y_1", "s_2", "y_2"))
    q1, q0, r0, r1, r2 = (sp.MatrixSymbol(nm, n, 1) for nm in ("q_1", "q_0", "r_0", "r_1", "r_2"))
    r = rho()
    alpha = r * s.T * g
    q = g - y * alpha
    pairs = _ROTATED + [
        (H0, lambda k: _sym("gamma", positive=True) * sp.ImmutableMatrix(sp.eye(k))),
        (s1, lambda k: _first_axis("sigma", k)), (y1, lambda k: _vector("y1", k)),
        (s2, lambda k: _vector("s2", k)), (y2, lambda k: _vector("y2", k)),
        (Hp, bfgs_inverse(H, s, y)),
        (H1, bfgs_inverse(H0, s1, y1)), (H2, bfgs_inverse(H1, s2, y2)),
        (q1, g - y2 * rho(y2, s2) * s2.T * g), (q0, q1 - y1 * rho(y1, s1) * s1.T * q1),
        (r0, H0 * q0), (r1, r0 + s1 * (rho(y1, s1) * s1.T * q1 - rho(y1, s1) * y1.T * r0)),
        (r2, r1 + s2 * (rho(y2, s2) * s2.T * g - rho(y2, s2) * y2.T * r1)),
    ]
    defs = _definitions(sizes, pairs)
    steps = (
        Step(Hp * g, (I - s * r * y.T) * H * q + s * alpha, "H⁺ = Vᵀ H V + ρssᵀ with Vg = g − ρ y sᵀg = q",
             seed="001", claim=Equals(Hp * g)),
        Step(Hp * g, H * q + s * (alpha - r * y.T * H * q),
             "induction step: q = g − α y, α = ρ sᵀg, r = Hq, β = ρ yᵀr, H⁺g = r + s(α − β)",
             claim=Equals(Hp * g)),
        Step(q1, g - y2 * rho(y2, s2) * s2.T * g, "first loop, newest pair: α₂ = ρ₂ s₂ᵀg"),
        Step(q0, q1 - y1 * rho(y1, s1) * s1.T * q1, "first loop, oldest pair: α₁ = ρ₁ s₁ᵀq₁"),
        Step(r0, H0 * q0, "the initial matrix H₀ = γI"),
        Step(r1, r0 + s1 * (rho(y1, s1) * s1.T * q1 - rho(y1, s1) * y1.T * r0), "second loop: r₁ = r₀ + s₁(α₁ − β₁)"),
        Step(r2, r1 + s2 * (rho(y2, s2) * s2.T * g - rho(y2, s2) * y2.T * r1), "second loop: r₂ = r₁ + s₂(α₂ − β₂)"),
        Step(r2, H2 * g, "two BFGS updates from H₀ applied to g", claim=Equals(r2)),
    )
    return Derivation(
        name="quasi_newton.lbfgs_two_loop",
        title="L-BFGS: the two-loop recursion reproduces H_k g",
        steps=steps, result=sp.Eq(r2, H2 * g),
        summary="H⁺g = Vᵀ(H(Vg)) + ρs(sᵀg): the first loop applies the V's newest to oldest, the second "
                "applies the Vᵀ's and adds the ρssᵀ terms oldest to newest. With all k pairs in memory the "
                "recursion equals k BFGS updates of H₀ applied to g, at O(kn) cost and without forming H.",
        assumptions=("H symmetric (induction step)", "H₀ = γI (unrolled case, as L-BFGS uses); then the recursion commutes with rotations, so s₁ = (σ, 0)", "yᵢᵀsᵢ ≠ 0"), sizes=((n, sizes),), definitions=defs,
        latex_names=_LATEX, seeds=_SEED,
        notes=("Seed 001 says the recurrence 'requires iterating over i = 0, …, k'; L-BFGS keeps the last m "
               "pairs and starts from H₀ = γI, γ = sᵀy/yᵀy of the newest pair.",
               "Numeric check at n = 50 with k = 8 pairs in tests/test_quasi_newton_derivations.py."),
    )


def bfgs_quadratic_termination() -> Derivation:
    """One pair does not give the inverse Hessian; n conjugate pairs do (quadratic termination)."""
    sizes = (2,)
    A = sp.MatrixSymbol("A", n, n)
    H1, H2 = sp.MatrixSymbol("H_1", n, n), sp.MatrixSymbol("H_2", n, n)
    s1, s2 = sp.MatrixSymbol("s_1", n, 1), sp.MatrixSymbol("s_2", n, 1)
    pairs = [
        (A, lambda k: _symmetric("a", k)),
        (H, lambda k: _sym("h", positive=True) * sp.ImmutableMatrix(sp.eye(k))),
        # H₀ = hI is unchanged by a rotation of coordinates, so s₁ = (σ, 0) loses no generality
        (s1, lambda k: _first_axis("sigma", k)),
        # s₂ ⊥ A s₁: the steps are A-conjugate, as exact line searches make them on a quadratic
        (s2, lambda k: _orthogonal_to(_symmetric("a", k) * _first_axis("sigma", k), "t")),
        (H1, bfgs_inverse(H, s1, A * s1)), (H2, bfgs_inverse(H1, s2, A * s2)),
    ]
    defs = _definitions(sizes, pairs)
    steps = (
        Step(H1, bfgs_inverse(H, s1, A * s1), "one update on a quadratic with Hessian A (y = A s)", seed="001"),
        Step(H1 * A, sp.Identity(n), "after one pair H₁ is an approximation: H₁A ≠ I in general (only "
             "H₁As₁ = s₁ holds)", claim=Differs(H1 * A)),
        Step(s2.T * A * s1, sp.ZeroMatrix(1, 1), "conjugate steps", claim=Equals(s2.T * A * s1)),
        Step(H2 * A * s1, s1, "the secant condition is inherited by the next update", claim=Equals(H2 * A * s1)),
        Step(H2 * A, sp.Identity(n), "H₂ A s₁ = s₁ and H₂ A s₂ = s₂ with s₁, s₂ independent: H₂ = A⁻¹",
             claim=Equals(H2 * A)),
    )
    return Derivation(
        name="quasi_newton.bfgs_quadratic_termination",
        title="BFGS recovers the inverse Hessian only after n conjugate steps",
        steps=steps, result=sp.Eq(H2, A.inverse()),
        summary="A BFGS matrix is an approximation: after one pair it only satisfies H₁y = s. On a "
                "quadratic, n A-conjugate steps (exact line searches) make Hₙ = A⁻¹ from any H₀. Seed 001's "
                "'the inverse of any Hessian can be reconstructed from the sequence of s_k, y_k, and the "
                "initial H₀⁻¹' is about the BFGS matrix H_k⁻¹, and is right: the two-loop recursion rebuilds "
                "H_k⁻¹x from the stored pairs (quasi_newton.lbfgs_two_loop), which is why L-BFGS works.",
        assumptions=("A symmetric invertible", "s₂ᵀAs₁ = 0", "H₀ = hI (any scaling of the identity)", "coordinates rotated so that s₁ = (σ, 0)"), sizes=((n, sizes),), definitions=defs,
        latex_names=_LATEX, seeds=_SEED,
    )


# --------------------------------------------------------------------------- contrasts


def dfp_update() -> Derivation:
    """DFP: the other rank-two update with the secant condition (BFGS with H ↔ B, s ↔ y)."""
    sizes = (2,)
    defs = _definitions(sizes, _ROTATED + [(Hp, dfp_inverse(H, s, y))])
    steps = (
        Step(Hp, dfp_inverse(H, s, y), "DFP inverse update"),
        Step(Hp * y, s, "secant condition", claim=Equals(Hp * y)),
        Step(Hp.T, Hp, "symmetric", claim=Equals(Hp.T)),
        Step(Bp, bfgs_direct(H, y, s), "it is the direct BFGS formula with H for B and s, y swapped",
             claim=Equals(dfp_inverse(H, s, y))),
    )
    return Derivation(
        name="quasi_newton.dfp_update", title="DFP: the dual rank-two update",
        steps=steps, result=sp.Eq(Hp, dfp_inverse(H, s, y)),
        summary="DFP updates H the way BFGS updates B. It also satisfies the secant condition and keeps "
                "positive definiteness for yᵀs > 0, but corrects bad curvature estimates far more slowly.",
        assumptions=("Hᵀ = H", "yᵀHy ≠ 0, yᵀs ≠ 0", _WLOG), sizes=((n, sizes),), definitions=defs,
        latex_names=_LATEX + ((Bp, r"B^{+}_{\mathrm{BFGS}}(H; y, s)"),),
    )


def sr1_update() -> Derivation:
    """SR1: secant condition, but positive definiteness can be lost and the denominator can vanish."""
    sizes = (2, 3)
    defs = _definitions(sizes, _ROTATED + [(Hp, sr1_inverse(H, s, y))])
    eye = sp.ImmutableMatrix(sp.eye(2))
    s_c = sp.ImmutableMatrix([1, 0])
    y_bad = sp.ImmutableMatrix([sp.Rational(1, 2), 1])  # yᵀs = 1/2 > 0
    sr1_bad = sp.ImmutableMatrix(sr1_inverse(eye, s_c, y_bad).doit())
    bfgs_same = sp.ImmutableMatrix(bfgs_inverse(eye, s_c, y_bad).doit())
    y_zero = sp.ImmutableMatrix([sp.Rational(1, 2), sp.Rational(1, 2)])  # (s − y)ᵀy = 0, s ≠ y
    det = sp.Function("det")
    steps = (
        Step(Hp, sr1_inverse(H, s, y), "SR1 inverse update"),
        Step(Hp * y, s, "secant condition", claim=Equals(Hp * y)),
        Step(det(sp.Symbol("H^+_{SR1}")), sp.Rational(-2, 3),
             "H = I, s = (1, 0), y = (1/2, 1): yᵀs = 1/2 > 0 yet det H⁺ < 0 (indefinite)",
             claim=Equals(sp.Determinant(sr1_bad))),
        Step(det(sp.Symbol("H^+_{BFGS}")), sp.Integer(2),
             "BFGS on the same pair stays positive definite: H⁺ = [[6, −2], [−2, 1]], det 2, trace 7", claim=Equals(sp.Determinant(bfgs_same))),
        Step(sp.Symbol("tr H^+_{BFGS}"), sp.Integer(7), "trace of the BFGS update", claim=Equals(sp.Trace(bfgs_same))),
        Step(sp.Symbol("(s − Hy)ᵀy"), sp.S.Zero,
             "H = I, s = (1, 0), y = (1/2, 1/2): yᵀs = 1/2 > 0, s − Hy ≠ 0, the SR1 denominator vanishes",
             claim=Equals(sp.Add(*(sp.Mul(a, b, evaluate=False) for a, b in zip(s_c - y_zero, y_zero)),
                                 evaluate=False))),
    )
    return Derivation(
        name="quasi_newton.sr1_update", title="SR1: the symmetric rank-one update and how it fails",
        steps=steps, result=sp.Eq(Hp, sr1_inverse(H, s, y)),
        summary="SR1 is the unique symmetric rank-one secant update. Unlike BFGS it may produce an "
                "indefinite H⁺ even when yᵀs > 0, and it is undefined when (s − Hy)ᵀy = 0 with s ≠ Hy; "
                "implementations skip the update when |(s − Hy)ᵀy| is small.",
        assumptions=("Hᵀ = H", "(s − Hy)ᵀy ≠ 0", _WLOG), sizes=((n, sizes),), definitions=defs,
        latex_names=_LATEX + ((sp.Symbol("(s − Hy)ᵀy"), r"(s - H y)^{T} y"),
                              (sp.Symbol("tr H^+_{BFGS}"), r"\operatorname{tr} H^{+}_{\mathrm{BFGS}}"),
                              (sp.Symbol("H^+_{SR1}"), r"H^{+}_{\mathrm{SR1}}"),
                              (sp.Symbol("H^+_{BFGS}"), r"H^{+}_{\mathrm{BFGS}}")),
    )


RESULTS = {
    "quasi_newton.bfgs_secant": bfgs_secant,
    "quasi_newton.bfgs_symmetric": bfgs_symmetric,
    "quasi_newton.bfgs_positive_definite": bfgs_positive_definite,
    "quasi_newton.bfgs_inverse_of_direct": bfgs_inverse_of_direct,
    "quasi_newton.bfgs_expanded_form": bfgs_expanded_form,
    "quasi_newton.lbfgs_two_loop": lbfgs_two_loop,
    "quasi_newton.bfgs_quadratic_termination": bfgs_quadratic_termination,
    "quasi_newton.dfp_update": dfp_update,
    "quasi_newton.sr1_update": sr1_update,
}
