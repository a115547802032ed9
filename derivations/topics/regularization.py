r"""Parameter norm penalties, early stopping, label smoothing and input noise (seeds 000, 001, 003, 004).

Conventions: the seeds 001 and 004 write the L2 penalty as
:math:`\alpha\,\Omega(\theta)` with :math:`\Omega = \tfrac12\|w\|_2^2`, so the
regularized cost is :math:`\tilde J = J + \tfrac{\alpha}{2} w^\top w`, its
gradient :math:`\nabla J + \alpha w`, and one gradient step with rate
:math:`\varepsilon` is the weight decay
:math:`w \leftarrow (1-\varepsilon\alpha)w - \varepsilon\nabla J`.  Seed 000's
:math:`\theta \leftarrow \theta - \eta\lambda\theta` is the same rule with
:math:`\eta=\varepsilon`, :math:`\lambda=\alpha`; a penalty written
:math:`\alpha\|w\|^2` (no half) decays by :math:`1-2\varepsilon\alpha` instead.
The L1 penalty is :math:`\alpha\|w\|_1`.

Every result here is a registered :class:`~derivations.record.Derivation`;
the closed forms (the shrinkage factor :math:`\lambda/(\lambda+\alpha)`, the
soft-thresholding operator, the early-stopping factor) are compiled to NumPy by
:mod:`numerics.analysis.penalized_regression` and :mod:`numerics.analysis.early_stopping`.

Examples
========

>>> d = RESULTS["regularization.weight_decay"]()
>>> d.verify().ok
True
>>> d.result
Eq(w_new, -epsilon*g[j] + (-alpha*epsilon + 1)*w[j])
>>> SOFT_THRESHOLD.subs({v: 3, t: 1}), SOFT_THRESHOLD.subs({v: -0.5, t: 1})
(2, 0)
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.stats import Laplace, Normal, density

from derivations.render import shown, with_display
from derivations.record import Derivation, DerivativeOf, Differs, Equals, Holds, Step

# ----------------------------------------------------------------- symbols (seed notation)
n = sp.Symbol("n", integer=True, positive=True)  # number of weights
j, k = sp.symbols("j k", integer=True, positive=True)
w = sp.IndexedBase(sp.Symbol("w", real=True))
g = sp.IndexedBase(sp.Symbol("g", real=True))  # g_j = ∂J/∂w_j
alpha = sp.Symbol("alpha", positive=True)
eps = sp.Symbol("epsilon", positive=True)
lam = sp.Symbol("lambda", positive=True)
lam1, lam2 = sp.symbols("lambda_1 lambda_2", positive=True)
phi = sp.Symbol("phi", real=True)
tau = sp.Symbol("tau", integer=True, positive=True)
w_star = sp.Symbol("w_star", real=True)
v, u = sp.symbols("v u", real=True)
t = sp.Symbol("t", positive=True)
h = sp.Symbol("h", positive=True)  # curvature along one direction
w_new = sp.Symbol("w_new", real=True)

# ----------------------------------------------------------------- closed forms used by numerics
SHRINK_L2 = lam / (lam + alpha)  # ridge / L2 factor along a Hessian eigenvector
EARLY_STOP = 1 - (1 - eps * lam) ** tau  # τ steps of gradient descent from 0
SOFT_THRESHOLD = sp.Piecewise((v - t, v > t), (v + t, v < -t), (0, True))  # prox of t|·| at v

_LATEX = (
    (w, "w_{{{i}}}"), (g, r"\frac{{\partial J}}{{\partial w_{{{i}}}}}"), (eps, r"\varepsilon"),
    (w_star, "w^{*}"), (w_new, r"w_j^{\mathrm{new}}"), (lam, r"\lambda"),
)


def _sym(name: str, **kw) -> sp.Symbol:
    return sp.Symbol(name, **kw)


# ----------------------------------------------------------------- weight decay
def weight_decay() -> Derivation:
    r"""L2 as weight decay: :math:`w \leftarrow (1-\varepsilon\alpha)w - \varepsilon\nabla J`."""
    penalty = alpha / 2 * sp.Sum(w[k] ** 2, (k, 1, n))
    penalty_nohalf = alpha * sp.Sum(w[k] ** 2, (k, 1, n))
    Jt, Om = _sym("Jtilde"), _sym("Omega")
    dOm, dJt = _sym("dOmega_dw_j"), _sym("dJtilde_dw_j")
    steps = (
        Step(Om, sp.Sum(w[k] ** 2, (k, 1, n)) / 2, "L2 penalty Ω(θ) = ½ wᵀw", seed="001"),
        Step(Jt, _sym("J") + penalty, "regularized cost J̃ = J + (α/2) wᵀw", seed="001"),
        Step(dOm, alpha * w[j], "gradient of the penalty", seed="001", claim=DerivativeOf(penalty, w[j])),
        Step(dJt, g[j] + alpha * w[j], "gradient of J̃ = ∇J + αw", seed="001",
             claim=Equals(g[j] + sp.diff(penalty, w[j]))),
        Step(w_new, (1 - eps * alpha) * w[j] - eps * g[j], "one gradient step w − ε∇J̃ is a decay by (1 − εα)",
             seed="001", claim=Equals(w[j] - eps * (g[j] + alpha * w[j]))),
        Step(w_new, w[j] - eps * alpha * w[j] - eps * g[j],
             "seed 000's θ ← θ − ηλθ (+ the loss step): the same rule with η = ε, λ = α", seed="000",
             claim=Equals((1 - eps * alpha) * w[j] - eps * g[j])),
        Step(dOm, 2 * alpha * w[j], "other convention: penalty α‖w‖² (no ½) has gradient 2αw",
             claim=DerivativeOf(penalty_nohalf, w[j])),
        Step(w_new, (1 - 2 * eps * alpha) * w[j] - eps * g[j], "... so it decays by (1 − 2εα), not (1 − εα)",
             claim=Equals(w[j] - eps * (g[j] + 2 * alpha * w[j]))),
    )
    return Derivation(
        "regularization.weight_decay", "L2 penalty as weight decay", steps,
        sp.Eq(w_new, (1 - eps * alpha) * w[j] - eps * g[j]),
        summary="A gradient step on J + (α/2)‖w‖² multiplies the weights by (1 − εα) before the usual "
                "step. The ½ matters: with α‖w‖² the decay factor is (1 − 2εα). Seeds 001 and 004 use the "
                "½ convention (Ω = ½wᵀw); seed 000 states only the update θ ← θ − ηλθ, which is the ½ "
                "convention with λ = α.",
        assumptions=("J differentiable", "ε > 0 learning rate, α ≥ 0 penalty weight"),
        notes=("Seed 001 also writes the penalty once as α‖w‖_F (an unsquared Frobenius norm); its "
               "gradient αw/‖w‖_F has constant length α, which is not weight decay. The later slides use "
               "(α/2)wᵀw, which is.",),
        sizes=((n, (2, 3)),), indices=((j, n),), latex_names=_LATEX, seeds=("000", "001", "004"),
    )


# ----------------------------------------------------------------- Hessian eigenvector rescaling
def _rotation(s_):
    """A rotation with rational entries: cos = (1 − s²)/(1 + s²), sin = 2s/(1 + s²) (all angles but π)."""
    c, sn = (1 - s_**2) / (1 + s_**2), 2 * s_ / (1 + s_**2)
    return sp.Matrix([[c, -sn], [sn, c]])


def eigen_rescaling() -> Derivation:
    r"""L2 rescales the component along Hessian eigenvector :math:`i` by :math:`\lambda_i/(\lambda_i+\alpha)`."""
    Q = _rotation(phi)
    Lam = sp.diag(lam1, lam2)
    H = Q * Lam * Q.T
    ws = sp.Matrix(sp.symbols("w_star1 w_star2", real=True))
    wv = sp.Matrix(sp.symbols("w1 w2", real=True))
    J = ((wv - ws).T * H * (wv - ws))[0] / 2 + alpha / 2 * (wv.T * wv)[0]
    grad = sp.Matrix([sp.diff(J, s_) for s_ in wv])
    factors = sp.diag(lam1 / (lam1 + alpha), lam2 / (lam2 + alpha))
    w_tilde = Q * factors * Q.T * ws
    G, Wt, lhs = _sym("grad_Jhat"), _sym("w_tilde"), _sym("(H + alpha I) w_tilde")
    steps = (
        Step(_sym("H"), H, "Hessian at the unregularized minimum w*, H = QΛQᵀ (Q a rotation)", seed="001"),
        Step(_sym("Jhat"), J, "quadratic approximation of J plus (α/2)wᵀw"),
        Step(G, (H + alpha * sp.eye(2)) * wv - H * ws, "gradient H(w − w*) + αw = (H + αI)w − Hw*",
             claim=Equals(grad)),
        Step(Wt, w_tilde, "candidate: rescale component i of w* in the eigenbasis by λ_i/(λ_i + α)", seed="001"),
        Step(lhs, (H + alpha * sp.eye(2)) * w_tilde, "it solves the stationarity condition (H + αI)w̃ = Hw*",
             claim=Equals(H * ws)),
    )
    return Derivation(
        "regularization.eigen_rescaling", "L2 rescales along the Hessian's eigenvectors by λᵢ/(λᵢ + α)", steps,
        sp.Eq(sp.Symbol("(Q^T w_tilde)_i"), SHRINK_L2 * sp.Symbol("(Q^T w_star)_i")),
        summary="Near a minimum w* of J, J ≈ J(w*) + ½(w − w*)ᵀH(w − w*). Adding (α/2)‖w‖² moves the "
                "minimum to w̃ = (H + αI)⁻¹Hw* = Q(Λ + αI)⁻¹ΛQᵀw*: along eigenvector i the component of w* "
                "is multiplied by λᵢ/(λᵢ + α) — almost kept where the curvature λᵢ ≫ α, almost removed "
                "where λᵢ ≪ α (seed 001, Goodfellow et al. eq. 7.13). Verified for every rotation Q in "
                "two dimensions (rational parametrization by s); in n dimensions the same algebra holds "
                "because H + αI = Q(Λ + αI)Qᵀ. Seed 001 states this correctly.",
        assumptions=("H symmetric positive definite", "α > 0"),
        latex_names=((lam1, r"\lambda_1"), (lam2, r"\lambda_2"), (phi, "s")), seeds=("001",),
    )


# ----------------------------------------------------------------- ridge regression
def _ridge_system(rows: int = 3, cols: int = 2):
    X = sp.Matrix(rows, cols, lambda r, c: sp.Symbol(f"x{r + 1}{c + 1}", real=True))
    y = sp.Matrix(sp.symbols(f"y1:{rows + 1}", real=True))
    wv = sp.Matrix(sp.symbols(f"w1:{cols + 1}", real=True))
    return X, y, wv


def _solve(A: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    """A⁻¹b as adj(A) b / det(A) (Cramer's rule), which keeps the zero tests fast."""
    return A.adjugate() * b / A.det()


_n_rows, _d = sp.symbols("n d", integer=True, positive=True)
_Xm, _ym = sp.MatrixSymbol("X", _n_rows, _d), sp.MatrixSymbol("y", _n_rows, 1)
_RIDGE_RESULT = sp.Eq(sp.MatrixSymbol("w_ridge", _d, 1),
                      (_Xm.T * _Xm + alpha * sp.Identity(_d)).inverse() * _Xm.T * _ym, evaluate=False)


def ridge() -> Derivation:
    r"""Ridge regression: :math:`w = (X^\top X + \alpha I)^{-1}X^\top y`, and the mean-loss variant with :math:`n\alpha`."""
    X, y, wv = _ridge_system()
    nrows, ncols = X.shape
    r = X * wv - y
    J = (r.T * r)[0] / 2 + alpha / 2 * (wv.T * wv)[0]
    grad = sp.Matrix([sp.diff(J, s_) for s_ in wv])
    A = X.T * X + alpha * sp.eye(ncols)
    w_ridge = _solve(A, X.T * y)
    J_mse = (r.T * r)[0] / nrows + alpha * (wv.T * wv)[0]
    grad_mse = sp.Matrix([sp.diff(J_mse, s_) for s_ in wv])
    A_mse = X.T * X + nrows * alpha * sp.eye(ncols)
    w_mse = _solve(A_mse, X.T * y)
    G = _sym("grad_J")
    wm = sp.MatrixSymbol("w", _d, 1)
    compact = ((_Xm * wm - _ym).T * (_Xm * wm - _ym)) / 2 + alpha / 2 * wm.T * wm
    steps = (
        Step(_sym("J(w)"), compact, "least squares ½‖Xw − y‖² plus (α/2)‖w‖² (the steps below check it on a "
             "3 × 2 design with symbolic entries)", seed="001"),
        Step(_sym("J"), J, "the 3 × 2 instance", seed="001"),
        Step(G, A * wv - X.T * y, "gradient Xᵀ(Xw − y) + αw = (XᵀX + αI)w − Xᵀy", claim=Equals(grad)),
        Step(_sym("w_ridge"), w_ridge, "zero gradient: w = (XᵀX + αI)⁻¹Xᵀy (here by Cramer's rule)", seed="001"),
        Step(_sym("(X^T X + alpha I) w_ridge"), A * w_ridge, "the closed form solves the normal equations",
             claim=Equals(X.T * y)),
        Step(_sym("J_mse"), J_mse, "seed 000's mean loss (1/n)Σ(g(x) − y)² with a penalty α‖w‖² (no ½)", seed="000"),
        Step(_sym("grad_J_mse"), (2 * A_mse * wv - 2 * X.T * y) / nrows, "its gradient",
             claim=Equals(grad_mse)),
        Step(_sym("(X^T X + n alpha I) w"), A_mse * w_mse,
             "its minimizer is (XᵀX + nαI)⁻¹Xᵀy: the same family with α → nα", claim=Equals(X.T * y)),
    )
    return Derivation(
        "regularization.ridge", "Ridge regression's closed form (XᵀX + αI)⁻¹Xᵀy", steps,
        _RIDGE_RESULT,
        summary="Seed 001's closed form is right for the cost ½‖Xw − y‖² + (α/2)‖w‖² (equivalently "
                "‖Xw − y‖² + α‖w‖²). With the mean loss of seed 000 and penalty α‖w‖² the same formula "
                "needs nα in place of α. In the eigenbasis of XᵀX, ridge is the least-squares solution "
                "rescaled by λᵢ/(λᵢ + α) (regularization.eigen_rescaling): this is how "
                "numerics.analysis.penalized_regression computes the ridge path.",
        assumptions=("X is n × d (verified for 3 × 2 with symbolic entries)", "α > 0"),
        seeds=("000", "001"),
    )


# ----------------------------------------------------------------- MAP priors
def map_priors() -> Derivation:
    r"""MAP with :math:`\mathcal N(0, I/\alpha)` is L2 and with :math:`\mathrm{Laplace}(0, 1/\alpha)` is L1."""
    z = sp.Symbol("w", real=True)
    gauss = -sp.log(density(Normal("W", 0, 1 / sp.sqrt(alpha)))(z))
    unit = -sp.log(density(Normal("U", 0, 1))(z))
    laplace = -sp.log(density(Laplace("L", 0, 1 / alpha))(z))
    nlp = _sym("-log p(w)")
    steps = (
        Step(_sym("w_MAP"), _sym("argmin_w [-log p(y|X,w) - log p(w)]"),
             "MAP: maximize log p(w | X, y) = log p(y | X, w) + log p(w) − log p(y | X)"),
        Step(nlp, alpha * z**2 / 2 + sp.log(2 * sp.pi / alpha) / 2,
             "Gaussian prior N(0, 1/α) per weight: −log p = (α/2)w² + const — the L2 penalty", seed="001",
             claim=Equals(gauss)),
        Step(nlp, alpha * z**2 / 2 + sp.log(2 * sp.pi / alpha) / 2,
             "seed 001 calls this prior a 'unit Gaussian'; N(0, 1) gives w²/2 + const, which is the "
             "penalty only for α = 1", seed="001", claim=Differs(unit)),
        Step(nlp, alpha * sp.Abs(z) - sp.log(alpha / 2),
             "Laplace prior Laplace(0, 1/α): −log p = α|w| + const — the L1 penalty", seed="001",
             claim=Equals(laplace)),
    )
    return Derivation(
        "regularization.map_priors", "MAP with Gaussian and Laplace priors is L2 and L1", steps,
        sp.Eq(nlp, alpha * z**2 / 2 + sp.log(2 * sp.pi / alpha) / 2),
        summary="With J = −log p(y | X, w) (the summed negative log-likelihood), MAP estimation minimizes "
                "J + (α/2)‖w‖² under the prior w ~ N(0, I/α) and J + α‖w‖₁ under independent "
                "Laplace(0, 1/α) priors. If J is the mean over n examples, the equivalent penalty weight "
                "is α/n. Seed 001's formulas are right; its wording 'unit Gaussian' is not (the variance "
                "is 1/α).",
        assumptions=("weights independent a priori", "J is the negative log-likelihood, summed over examples"),
        seeds=("001",),
    )


# ----------------------------------------------------------------- soft thresholding
def soft_threshold() -> Derivation:
    r"""The proximal step of :math:`t|\cdot|`: :math:`S_t(v) = \mathrm{sign}(v)\max(|v|-t, 0)`."""
    obj = (u - v) ** 2 / 2 + t * sp.Abs(u)
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", real=True)
    s_ = sp.Symbol("s", positive=True)  # distance beyond the threshold
    c = sp.Symbol("c", real=True)  # v = c t with |c| ≤ 1
    S = SOFT_THRESHOLD
    compact = sp.sign(v) * sp.Max(sp.Abs(v) - t, 0)
    St = _sym("S_t(v)")
    steps = (
        Step(_sym("phi(u)"), obj, "proximal problem of the L1 penalty: ½(u − v)² + t|u|, t = εα"),
        Step(_sym("dphi_du"), u - v + t, "for u > 0 the derivative is u − v + t, zero at u = v − t (needs v > t)",
             claim=DerivativeOf((u - v) ** 2 / 2 + t * u, u)),
        Step(_sym("dphi_du"), u - v - t, "for u < 0 it is u − v − t, zero at u = v + t (needs v < −t)",
             claim=DerivativeOf((u - v) ** 2 / 2 - t * u, u)),
        Step(St, S, "soft thresholding: the three cases", seed="001"),
        Step(_sym("phi(u) - phi(0)"), sp.S.true,
             "for |v| ≤ t (v = ct, |c| ≤ 1): φ(u) − φ(0) = ½u² − ctu + t|u| ≥ 0, so u = 0 is the minimizer",
             claim=Holds(sp.Ge(u**2 / 2 - c * t * u + t * sp.Abs(u), 0))),
        Step(_sym("S_t(t + s)"), s_, "above the threshold (v = t + s) S shrinks by t",
             claim=Equals(sp.Subs(S, v, t + s_))),
        Step(_sym("S_t(-t - s)"), -s_, "below −t symmetrically", claim=Equals(sp.Subs(S, v, -t - s_))),
        Step(_sym("compact(t + s), compact(-t - s)"),
             sp.ImmutableMatrix([sp.Subs(compact, v, t + s_), sp.Subs(compact, v, -t - s_)]),
             "the compact form sign(v)·max(|v| − t, 0) agrees on both outer branches",
             claim=Equals(sp.Matrix([s_, -s_]))),
        Step(_sym("compact(ct)"), sp.S.true, "... and is 0 in the middle (v = ct, |c| ≤ 1)",
             claim=Holds(sp.Eq(compact.subs(v, c * t), 0))),
        Step(_sym("a u^2/2 - b u + t|u|"), a * ((u - b / a) ** 2 / 2 + (t / a) * sp.Abs(u)) - b**2 / (2 * a),
             "coordinate descent for ½‖Xw − y‖² + α‖w‖₁ (a = ‖x_j‖², b = x_jᵀr_j, t = α): the coordinate "
             "problem is a·φ with v = b/a and threshold t/a, so w_j = S_{t/a}(b/a) = S_t(b)/a",
             claim=Equals(a * u**2 / 2 - b * u + t * sp.Abs(u))),
    )
    return Derivation(
        "regularization.soft_threshold", "The L1 subgradient and the soft-thresholding step", steps,
        sp.Eq(St, S),
        summary="The subgradient of |w| is sign(w) for w ≠ 0 and the whole interval [−1, 1] at w = 0 "
                "(seed 001 writes only sign(w)). The proximal step of t|·| — the exact minimizer of "
                "½(u − v)² + t|u| — is soft thresholding S_t(v) = sign(v)·max(|v| − t, 0): it sets "
                "every |v| ≤ t exactly to zero. ISTA iterates w ← S_{εα}(w − ε∇J(w)); coordinate "
                "descent applies S_α(x_jᵀr_j)/‖x_j‖² one coordinate at a time. Both are compiled from "
                "this expression in numerics.analysis.penalized_regression.",
        assumptions=("t = εα > 0",), domain=((a, (0.5, 3.0)), (c, (-1.0, 1.0))),
        latex_names=((t, "t"),), seeds=("001", "004"),
    )


# ----------------------------------------------------------------- L1 versus L2 (seed 004)
def l1_sparsity() -> Derivation:
    r"""L1 versus L2 gradients (seed 004) and the exactly-sparse L1 minimizer :math:`S_{\alpha/h}(w^*)`."""
    w1, w2 = sp.symbols("w_1 w_2", real=True)
    ws = sp.Symbol("w_star", real=True)
    theta = sp.Symbol("theta", real=True)  # |w*| ≤ α/h written as w* = θ α/h, |θ| < 1
    omega2 = sp.Sum(w[k] ** 2, (k, 1, n)) / 2
    omega1 = sp.Sum(sp.Abs(w[k]), (k, 1, n))
    d2, d1 = _sym("dOmega2_dw_j"), _sym("dOmega1_dw_j")
    x = sp.Symbol("x", real=True)
    l1_min = SOFT_THRESHOLD.subs({v: ws, t: alpha / h}, simultaneous=True)
    steps = (
        Step(d2, w[j], "∂Ω₂/∂w_i for Ω₂ = ½Σw_k²", seed="004", claim=DerivativeOf(omega2, w[j])),
        Step(d1, sp.sign(w[j]), "∂Ω₁/∂w_i = sign(w_i) for Ω₁ = Σ|w_k| (w_i ≠ 0)", seed="004",
             claim=DerivativeOf(omega1, w[j])),
        Step(_sym("dOmega1_dw_1"), sp.sign(w2), "seed 004 writes sign(w_k), with the summation index k",
             seed="004", claim=Differs(sp.diff(sp.Abs(w1) + sp.Abs(w2), w1))),
        Step(_sym("|d(alpha|w|)/dw|"), alpha * sp.Abs(w1),
             "seed 001's margin note on the L1 slide, 'gradients get smaller closer to 0', describes L2 "
             "(pull α|w|); the L1 pull has constant size α", seed="001",
             claim=Differs(sp.Abs(sp.diff(alpha * sp.Abs(w1), w1)))),
        Step(_sym("|w| - w^2/2 > 0"), sp.S.true,
             "the L1 penalty exceeds the L2 penalty ½w² for 0 < |w| < 2 (seed 004 compares with w², true "
             "for |w| < 1)", seed="004", claim=Holds(sp.Abs(x) > x**2 / 2)),
        Step(_sym("h(w - w*)^2/2 + alpha|w|"), h * ((u - ws) ** 2 / 2 + (alpha / h) * sp.Abs(u)),
             "one eigendirection with curvature h: the L1-regularized cost is h·φ with threshold α/h, so "
             "its minimizer is S_{α/h}(w*) (regularization.soft_threshold)",
             claim=Equals(h * (u - ws) ** 2 / 2 + alpha * sp.Abs(u))),
        Step(_sym("cost(u) - cost(0)"), sp.S.true,
             "exactly 0 whenever |w*| ≤ α/h (w* = θα/h, |θ| ≤ 1): L1 produces sparse weights",
             claim=Holds(sp.Ge(h * u**2 / 2 - theta * alpha * u + alpha * sp.Abs(u), 0))),
        Step(_sym("w_min"), h / (h + alpha) * ws,
             "the L2 minimizer h/(h + α)·w* is never 0 unless w* = 0",
             claim=Holds(sp.Eq(sp.diff(h * (_sym("w_min") - ws) ** 2 / 2 + alpha * _sym("w_min") ** 2 / 2,
                                       _sym("w_min")), 0))),
    )
    return Derivation(
        "regularization.l1_sparsity", "Why L1 sparsifies and L2 does not", steps,
        sp.Eq(_sym("w_min"), l1_min),
        summary="Seed 004 compares the penalty gradients: L2 pulls with force w (proportional to the "
                "weight), L1 with constant force sign(w), which dominates for |w| < 1. The sharper "
                "statement is about the minimizer along one eigendirection: L1 gives "
                "sign(w*)·max(|w*| − α/h, 0), exactly zero for |w*| ≤ α/h, while L2 gives h/(h + α)·w*, "
                "only shrunk. Seed 004's derivative has an index slip (sign(w_k) for sign(w_i)); a "
                "handwritten note in seed 001 ('gradients get smaller closer to 0') contradicts its own "
                "text for L1.",
        sizes=((n, (2, 3)),), indices=((j, n),),
        domain=((theta, (-1.0, 1.0)), (x, (-1.95, 1.95))), latex_names=_LATEX, seeds=("004",),
    )


# ----------------------------------------------------------------- seed 003's "Tikhonov" penalty
def group_norm() -> Derivation:
    r"""Seed 003's :math:`\lambda_r\sum_i\|W_i\|_2` is a group lasso, not Tikhonov."""
    w1, w2 = sp.symbols("w_1 w_2", real=True)
    lr = sp.Symbol("lambda_r", positive=True)
    norm = sp.sqrt(w1**2 + w2**2)
    steps = (
        Step(_sym("dC/dw_1"), 2 * lr * w1, "Tikhonov (squared) penalty λ‖w‖₂²: gradient 2λw, shrinks "
             "in proportion to w", claim=DerivativeOf(lr * (w1**2 + w2**2), w1)),
        Step(_sym("dC/dw_1"), lr * w1 / norm, "unsquared norm λ‖w‖₂: gradient λw/‖w‖₂",
             claim=DerivativeOf(lr * norm, w1)),
        Step(_sym("|grad|"), lr, "its length is λ whatever ‖w‖ is (like L1: it can zero a whole group)",
             claim=Equals(sp.sqrt((lr * w1 / norm) ** 2 + (lr * w2 / norm) ** 2))),
        Step(_sym("C_w"), lr * norm, "seed 003 (eq. 19) calls λ_r Σ‖W_i‖₂ 'Tikhonov regularization'",
             seed="003", claim=Differs(lr * (w1**2 + w2**2))),
    )
    return Derivation(
        "regularization.group_norm", "Seed 003's sparsity penalty is a group lasso, not Tikhonov", steps,
        sp.Eq(_sym("C_w"), lr * norm),
        summary="Seed 003 adds λ_r Σᵢ‖Wᵢ‖₂ (a sum of unsquared norms of weight tensors) to encourage "
                "sparsity and calls it Tikhonov regularization. The unsquared norm is the group lasso: "
                "its gradient has constant length, so whole tensors can be driven to zero, which fits "
                "the stated aim. Tikhonov (ridge) uses the squared norm, whose gradient vanishes with w "
                "and never produces exact zeros (regularization.l1_sparsity).",
        notes=("Seed 001's extensions Ω = ‖w − b‖₂ and ‖w⁽¹⁾ − w⁽²⁾‖₂ also drop the square that "
               "Goodfellow et al. (eq. 7.65) use; unsquared, they pull with constant force and can tie "
               "parameters exactly, squared they behave like L2.",),
        seeds=("001", "003"),
    )


# ----------------------------------------------------------------- early stopping
def early_stopping() -> Derivation:
    r"""τ gradient steps keep :math:`1-(1-\varepsilon\lambda)^\tau` of :math:`w^*`: L2 with :math:`\alpha \approx 1/(\tau\varepsilon)`."""
    wt = sp.Symbol("w_tau", real=True)
    J = lam * (wt - w_star) ** 2 / 2
    closed = EARLY_STOP * w_star
    closed_next = (1 - (1 - eps * lam) ** (tau + 1)) * w_star
    alpha_exact = lam * (1 - eps * lam) ** tau / (1 - (1 - eps * lam) ** tau)
    x = sp.Symbol("x", positive=True)  # x = ελ
    steps = (
        Step(_sym("dJ/dw"), lam * (wt - w_star), "along an eigenvector of H: J = ½λ(w − w*)², gradient λ(w − w*)",
             claim=DerivativeOf(J, wt)),
        Step(_sym("w_(tau+1) - w_star"), (1 - eps * lam) * (wt - w_star), "a gradient step contracts the error by (1 − ελ)",
             claim=Equals(wt - eps * lam * (wt - w_star) - w_star)),
        Step(wt, closed, "from w⁽⁰⁾ = 0, after τ steps: w⁽τ⁾ = (1 − (1 − ελ)^τ) w*"),
        Step(_sym("w_(tau+1)"), closed_next, "the closed form satisfies the recursion (induction step)",
             claim=Equals(closed - eps * lam * (closed - w_star))),
        Step(_sym("w_(0)"), sp.S.Zero, "... and the start (τ = 0)", claim=Equals(sp.Subs(closed, tau, 0))),
        Step(_sym("w_L2"), SHRINK_L2 * w_star, "L2 with weight α keeps the fraction λ/(λ + α) "
             "(regularization.eigen_rescaling)", seed="001"),
        Step(_sym("alpha_eq"), alpha_exact, "the penalty that matches exactly depends on λ: "
             "λ/(λ + α_eq) = 1 − (1 − ελ)^τ", claim=Equals(sp.solve(sp.Eq(lam / (lam + alpha), EARLY_STOP),
                                                                   alpha)[0])),
        Step(_sym("d/deps"), tau * lam, "to first order in ε both factors are τελ "
             "(derivative at ε = 0 of the early-stopping factor)",
             claim=Equals(sp.Subs(sp.Derivative(EARLY_STOP, eps), eps, 0))),
        Step(_sym("d/deps"), tau * lam, "... and of λ/(λ + α) with α = 1/(τε), i.e. τελ/(1 + τελ)",
             claim=Equals(sp.Subs(sp.Derivative(tau * eps * lam / (1 + tau * eps * lam), eps), eps, 0))),
        Step(_sym("alpha"), 1 / (tau * eps), "so early stopping after τ steps acts like α ≈ 1/(τε) "
             "(Goodfellow et al. eq. 7.45)", seed="001"),
        Step(_sym("(1-x)^tau (1+tau x) <= 1"), sp.S.true,
             "Bernoulli: (1 + x)^τ ≥ 1 + τx, so (1 − x)^τ(1 + τx) ≤ (1 − x²)^τ ≤ 1 for x = ελ ∈ [0, 1]",
             claim=Holds(sp.Le((1 - x) ** tau * (1 + tau * x), 1))),
        Step(_sym("ES >= L2"), sp.S.true,
             "hence 1 − (1 − ελ)^τ ≥ λ/(λ + 1/(τε)): early stopping shrinks each direction a little less",
             claim=Holds(sp.Ge(EARLY_STOP, SHRINK_L2.subs(alpha, 1 / (tau * eps))))),
    )
    return Derivation(
        "regularization.early_stopping", "Early stopping acts like L2 with α ≈ 1/(τε)", steps,
        sp.Eq(wt, closed),
        summary="For a quadratic with Hessian eigenvalues λ, gradient descent from 0 with rate ε keeps the "
                "fraction 1 − (1 − ελ)^τ of w* along each eigenvector after τ steps; L2 keeps "
                "λ/(λ + α). The two agree to first order in ελ when α = 1/(τε) (Goodfellow, Bengio, "
                "Courville §7.8), and for ελ ≤ 1 early stopping always keeps at least as much as that L2. "
                "Seeds 000 and 001 state the analogy without the derivation; both are consistent with it.",
        assumptions=("J quadratic, minimum w*, Hessian eigenvalue λ > 0", "w⁽⁰⁾ = 0", "0 < ελ ≤ 1"),
        domain=((eps, (0.01, 0.5)), (lam, (0.05, 2.0)), (tau, (1, 40)), (x, (0.0, 1.0))),
        latex_names=((wt, r"w^{(\tau)}"), (w_star, "w^{*}"), (eps, r"\varepsilon")), seeds=("000", "001"),
    )


# ----------------------------------------------------------------- label smoothing
def label_smoothing() -> Derivation:
    r"""Label smoothing :math:`q = (1-\varepsilon)\,\mathrm{onehot} + \varepsilon/K`, its loss and its logit gradient."""
    K = sp.Symbol("K", integer=True, positive=True)
    es = sp.Symbol("epsilon", positive=True)
    z = sp.IndexedBase(sp.Symbol("z", real=True))
    c = sp.Integer(1)  # the true class (class 1, without loss of generality: the classes are symmetric)
    delta = sp.KroneckerDelta(k, c)
    q = (1 - es) * delta + es / K
    q_seed = (1 - es) * delta + es / (K - 1) * (1 - delta)
    log_softmax_k = z[k] - sp.log(sp.Sum(sp.exp(z[j]), (j, 1, K)))
    ce = -sp.Sum(q * log_softmax_k, (k, 1, K))
    p_j = sp.exp(z[j]) / sp.Sum(sp.exp(z[k]), (k, 1, K))
    q_j = (1 - es) * sp.KroneckerDelta(j, c) + es / K
    logp = sp.IndexedBase(sp.Symbol("logp", real=True))
    steps = (
        Step(_sym("q_k"), q, "smoothed target (Szegedy et al. 2016): (1 − ε)·one-hot + ε/K"),
        Step(_sym("sum_k q_k"), sp.S.One, "it is a distribution", claim=Equals(sp.Sum(q, (k, 1, K)))),
        Step(_sym("q_seed_k"), q_seed, "seed 001: subtract ε from the true class, share it among the "
             "other K − 1", seed="001"),
        Step(_sym("q_seed_k"), q.subs(es, es * K / (K - 1)),
             "the same family: seed 001's ε equals Szegedy's ε·K/(K − 1)", seed="001", claim=Equals(q_seed)),
        Step(_sym("H(q, p)"), -(1 - es) * logp[c] - es / K * sp.Sum(logp[k], (k, 1, K)),
             "cross-entropy = (1 − ε)·(usual loss) + ε·(cross-entropy to the uniform distribution)",
             claim=Equals(-sp.Sum(q * logp[k], (k, 1, K)))),
        Step(_sym("dH/dz_j"), p_j - q_j, "gradient with respect to the logits: softmax(z) − q",
             claim=DerivativeOf(ce, z[j])),
        Step(_sym("exp(z_c - z_k)"), 1 + (1 - es) * K / es,
             "at the optimum softmax(z) = q, so exp(z_c − z_k) = q_c/q_k for k ≠ c: the logit gap "
             "log(1 + (1 − ε)K/ε) is finite, which is the regularizing effect",
             claim=Equals(((1 - es) + es / K) / (es / K))),
    )
    return Derivation(
        "regularization.label_smoothing", "Label smoothing targets and their gradient", steps,
        sp.Eq(_sym("q_k"), q),
        summary="Label smoothing replaces the one-hot target by q = (1 − ε)·one-hot + ε/K. The loss "
                "becomes a mixture of the usual cross-entropy and the cross-entropy to the uniform "
                "distribution, its logit gradient is softmax(z) − q, and the optimal logits stay a "
                "finite distance log(1 + (1 − ε)K/ε) apart instead of diverging. Seed 001's variant "
                "(ε/(K − 1) to each wrong class) is the same family with a rescaled ε.",
        assumptions=("K ≥ 2 classes (verified for K = 3), true class c = 1", "0 < ε < 1"),
        sizes=((K, (3,)),), indices=((j, K),), domain=((es, (0.01, 0.9)),),
        latex_names=((z, "z_{{{i}}}"), (logp, r"\log p_{{{i}}}"), (es, r"\varepsilon")), seeds=("001", "004"),
    )


# ----------------------------------------------------------------- input noise (Bishop 1995)
def input_noise() -> Derivation:
    r"""Input noise :math:`\eta\sim\mathcal N(0,\nu I)` on a linear model adds :math:`\nu\|w\|^2` (Bishop 1995)."""
    from derivations.topics.expectation import expect

    d = 3
    ws = sp.symbols(f"w1:{d + 1}", real=True)
    xs = sp.symbols(f"x1:{d + 1}", real=True)
    etas = sp.symbols(f"eta1:{d + 1}", real=True)
    yv = sp.Symbol("y", real=True)
    nu = sp.Symbol("nu", positive=True)
    noisy = (sum(wi * (xi + ei) for wi, xi, ei in zip(ws, xs, etas)) - yv) ** 2
    dists = {e: Normal(f"N_{e}", 0, sp.sqrt(nu)) for e in etas}
    clean = (sum(wi * xi for wi, xi in zip(ws, xs)) - yv) ** 2
    X, Y, wv = _ridge_system()
    r = X * wv - Y
    J = (r.T * r)[0] / 3 + nu * (wv.T * wv)[0]
    grad = sp.Matrix([sp.diff(J, s_) for s_ in wv])
    A = X.T * X + 3 * nu * sp.eye(2)
    w_noise = _solve(A, X.T * Y)
    steps = (
        Step(_sym("E_eta[loss]"), clean + nu * sum(wi**2 for wi in ws),
             "noise η ~ N(0, νI) on the input of a linear model: E[(wᵀ(x + η) − y)²] = (wᵀx − y)² + ν‖w‖²",
             claim=Equals(expect(noisy, dists))),
        Step(_sym("E[J]"), J, "averaged over n examples: the mean squared error plus ν‖w‖² (Tikhonov)"),
        Step(_sym("grad"), 2 * (A * wv - X.T * Y) / 3, "its gradient (2/n)((XᵀX + nνI)w − Xᵀy)",
             claim=Equals(grad)),
        Step(_sym("(X^T X + n nu I) w"), A * w_noise,
             "minimizer (XᵀX + nνI)⁻¹Xᵀy: ridge with α = nν (n = 3 here)", claim=Equals(X.T * Y)),
    )
    return Derivation(
        "regularization.input_noise", "Input noise is Tikhonov regularization for a linear model", steps,
        sp.Eq(_sym("E_eta[loss]"), clean + nu * sum(wi**2 for wi in ws)),
        summary="Training a linear model on inputs corrupted by independent zero-mean noise of variance ν "
                "minimizes, in expectation, the squared error plus ν‖w‖² — exactly ridge regression "
                "(Bishop 1995, 'Training with noise is equivalent to Tikhonov regularization'). For "
                "nonlinear models the equivalence holds only to first order in ν. Seeds 003 and 004 list "
                "input noise as augmentation; this is why it regularizes.",
        assumptions=("η independent of x and y, E[η] = 0, Cov[η] = νI", "squared loss, linear model"),
        latex_names=((nu, r"\nu"),), seeds=("003", "004"),
    )


_DISPLAY = {
    "(H + alpha I) w_tilde": r"(H + \alpha I)\tilde w", "(Q^T w_star)_i": r"(Q^\top w^{*})_i",
    "(Q^T w_tilde)_i": r"(Q^\top \tilde w)_i", "J(w)": "J(w)", "(X^T X + alpha I) w_ridge": r"(X^\top X + \alpha I) w_{\mathrm{ridge}}",
    "(X^T X + n alpha I) w": r"(X^\top X + n\alpha I) w", "(X^T X + n nu I) w": r"(X^\top X + n\nu I) w",
    "-log p(w)": r"-\log p(w)", "E[J]": r"\mathbb{E}_\eta[J]", "E_eta[loss]": r"\mathbb{E}_\eta[(w^\top(x+\eta) - y)^2]",
    "H(q, p)": "H(q, p)", "S_t(-t - s)": "S_t(-t - s)", "S_t(t + s)": "S_t(t + s)", "S_t(v)": "S_t(v)",
    "a u^2/2 - b u + t|u|": r"\tfrac{a}{2}u^2 - b u + t|u|",
    "compact(t + s), compact(-t - s)": r"\operatorname{sign}(v)\max(|v| - t, 0)\big|_{v = \pm(t + s)}",
    "d/deps": r"\frac{\partial}{\partial\varepsilon}\Big|_{\varepsilon=0}", "dC/dw_1": r"\frac{\partial C}{\partial w_1}",
    "dH/dz_j": r"\frac{\partial H}{\partial z_j}", "dJ/dw": r"\frac{\partial J}{\partial w}",
    "dJtilde_dw_j": r"\frac{\partial \tilde J}{\partial w_j}", "dOmega1_dw_1": r"\frac{\partial \Omega_1}{\partial w_1}",
    "dOmega1_dw_j": r"\frac{\partial \Omega_1}{\partial w_j}", "dOmega2_dw_j": r"\frac{\partial \Omega_2}{\partial w_j}",
    "dOmega_dw_j": r"\frac{\partial \Omega}{\partial w_j}", "exp(z_c - z_k)": r"e^{z_c - z_k}",
    "grad_J_mse": r"\nabla J_{\mathrm{mse}}", "grad_J": r"\nabla J", "grad_Jhat": r"\nabla \hat J", "grad": r"\nabla \mathbb{E}[J]",
    "h(w - w*)^2/2 + alpha|w|": r"\tfrac{h}{2}(u - w^{*})^2 + \alpha|u|", "phi(u)": r"\varphi(u)",
    "q_seed_k": r"q^{(001)}_k", "sum_k q_k": r"\sum_k q_k", "w_(0)": "w^{(0)}", "w_(tau+1)": r"w^{(\tau+1)}",
    "w_(tau+1) - w_star": r"w^{(\tau+1)} - w^{*}", "|grad|": r"\|\nabla C\|", "w_tilde": r"\tilde w",
    "Jhat": r"\hat J", "Jtilde": r"\tilde J", "J_mse": r"J_{\mathrm{mse}}", "w_ridge": r"w_{\mathrm{ridge}}",
    "w_MAP": r"w_{\mathrm{MAP}}", "alpha_eq": r"\alpha_{\mathrm{eq}}", "w_L2": r"w_{L^2}", "C_w": "C_w",
    "w_min": r"w_{\min}", "q_k": "q_k", "|d(alpha|w|)/dw|": r"\left|\frac{\partial(\alpha|w_1|)}{\partial w_1}\right|",
}




_NAMED = functools.partial(with_display, explicit=_DISPLAY)

RESULTS = {
    "regularization.weight_decay": shown(weight_decay, _NAMED),
    "regularization.eigen_rescaling": shown(eigen_rescaling, _NAMED),
    "regularization.ridge": shown(ridge, _NAMED),
    "regularization.map_priors": shown(map_priors, _NAMED),
    "regularization.soft_threshold": shown(soft_threshold, _NAMED),
    "regularization.l1_sparsity": shown(l1_sparsity, _NAMED),
    "regularization.group_norm": shown(group_norm, _NAMED),
    "regularization.early_stopping": shown(early_stopping, _NAMED),
    "regularization.label_smoothing": shown(label_smoothing, _NAMED),
    "regularization.input_noise": shown(input_noise, _NAMED),
}
