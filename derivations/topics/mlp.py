r"""Seed 000's two-layer MLP: backpropagation and the R-operator checked against the scalar loss.

The matrix-form program (forward pass, backpropagation, Pearlmutter's
R-operator) is :func:`derivations.topics.mlp_network.program`; the derivations
registered here check every one of its steps against the fully expanded scalar
loss of a 2-input, 2-hidden, 3-sample net (SymPy differentiates it entry by
entry), as an independent reference.

Examples
========

>>> loss_gradient("relu", "squared", bn=False).verify().ok
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from derivations.record import Derivation, Differs, Equals, Step
from derivations.topics.mlp_network import (ACTIVATIONS, LOSSES, MLPProgram, MLPSymbols, activation, program, suffix,
                                            symbols)

__all__ = ["ACTIVATIONS", "LOSSES", "MLPSymbols", "MLPProgram", "program", "suffix", "symbols", "RESULTS"]


# --------------------------------------------------------------------------- the scalar reference


def _explicit(name: str, rows: int, cols: int) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


LEAVES = ("Z", "U", "A", "g", "dg", "dA", "dU", "dXh", "dZ")
"""Nodes held as independent explicit matrices when each step is checked on its own."""


def _bn_scalar(Z: sp.ImmutableMatrix, eps) -> dict:
    """Batch norm of each column by scalar loops: mean, centred values, variance, 1/std, x-hat."""
    n, h = Z.shape
    mu = [sum(Z[i, j] for i in range(n)) / n for j in range(h)]
    Zc = [[Z[i, j] - mu[j] for j in range(h)] for i in range(n)]
    s2 = [sum(Zc[i][j] ** 2 for i in range(n)) / n for j in range(h)]
    rho = [1 / sp.sqrt(s2[j] + eps) for j in range(h)]
    return {"mu": sp.ImmutableMatrix([mu]), "Zc": sp.ImmutableMatrix(Zc), "s2": sp.ImmutableMatrix([s2]),
            "rho": sp.ImmutableMatrix([rho]), "Xh": sp.ImmutableMatrix(n, h, lambda i, j: Zc[i][j] * rho[j])}


def _pairing(a: sp.ImmutableMatrix, b: sp.ImmutableMatrix) -> sp.Basic:
    return sum(x * y for x, y in zip(a, b))


def _grad_of(f: sp.Basic, m: sp.ImmutableMatrix) -> sp.ImmutableMatrix:
    return m.applyfunc(lambda e: sp.diff(f, e))


@dataclass(frozen=True)
class _Local:
    """Scalar references for every checked node, and the explicit matrices they are written in."""

    references: tuple[tuple[str, sp.ImmutableMatrix], ...]
    explicit: tuple[tuple[sp.Basic, sp.ImmutableMatrix], ...]


def _local_references(p: MLPProgram) -> _Local:
    r"""Each backward step's reference from scalar loops and ``sp.diff`` alone.

    A backward node's reference is the gradient of
    :math:`\langle\delta_N, N(\text{inputs})\rangle` (plus the penalty) in
    its input, with the leaves (:data:`LEAVES`) independent explicit matrices.
    """
    s = p.sym
    n, h = int(s.n), int(s.h)
    sig = activation(p.act)[0]
    alpha, eps, c = s.alpha, s.eps, s.c
    nodes = {str(m): m for m, _, _ in p.assignments}
    leaves = {name: nodes[name] for name in LEAVES if name in nodes}
    ex: dict = {m: _explicit(str(m), *m.shape) for m in (s.X, s.y, s.W, s.b, s.gam, s.bet, s.v)}
    for name, m in leaves.items():
        ex[m] = _explicit(name, *m.shape)
    E = {str(k): v for k, v in ex.items()}
    X, y, W, b, gam, bet, v = (E[k] for k in ("X", "y", "W", "b", "gam", "bet", "v"))
    ones = sp.ImmutableMatrix.ones(n, 1)
    Z = E["Z"]
    Uname = "U" if p.bn else "Z"
    U, A, g, dg, dA = E[Uname], E["A"], E["g"], E["dg"], E["dA"]
    dU = E["dU"]
    dZ = E["dZ"] if p.bn else dU
    def sq(m):
        return _pairing(m, m)

    refs: dict[str, sp.ImmutableMatrix] = {}
    Zf = X * W.T + ones * b.T
    if p.loss == "squared":
        data = sum((g[i] - y[i]) ** 2 for i in range(n)) / n
    else:
        data = sum(sp.log(1 + sp.exp(g[i])) - y[i] * g[i] for i in range(n)) / n
    refs["dg"] = _grad_of(data, g)
    out = A * v + c * ones
    head = _pairing(dg, out)
    refs["gv"] = _grad_of(head + alpha / 2 * sq(v), v)
    refs["gc"] = sp.ImmutableMatrix([[sp.diff(head + alpha / 2 * c**2, c)]])
    refs["dA"] = _grad_of(head, A)
    refs["dU"] = _grad_of(_pairing(dA, U.applyfunc(sig)), U)
    if p.bn:
        bn = _bn_scalar(Z, eps)
        Uf = sp.ImmutableMatrix(n, h, lambda i, j: bn["Xh"][i, j] * gam[j] + bet[j])
        pair_u = _pairing(dU, Uf)
        refs["ggam"] = _grad_of(pair_u + alpha / 2 * sq(gam), gam)
        refs["gbet"] = _grad_of(pair_u + alpha / 2 * sq(bet), bet)
        Xs = _explicit("_xh", n, h)
        refs["dXh"] = _grad_of(_pairing(dU, sp.ImmutableMatrix(n, h, lambda i, j: Xs[i, j] * gam[j] + bet[j])), Xs)
        refs["dZ"] = _grad_of(_pairing(E["dXh"], bn["Xh"]), Z)
    pair_z = _pairing(dZ, Zf)
    refs["gW"] = _grad_of(pair_z + alpha / 2 * sq(W), W)
    refs["gb"] = _grad_of(pair_z + alpha / 2 * sq(b), b)
    explicit = tuple(ex.items()) + ((s.one, ones), (sp.Identity(1), sp.ImmutableMatrix([[1]])))
    return _Local(tuple(refs.items()), explicit)


_EXPANDED = ("Sp", "Spp")  # σ'(U), σ''(U): written out in the R-steps' checks


def _r_references(p: MLPProgram) -> _Local:
    r"""Each R-step's reference: SymPy's directional derivative of the node's own definition.

    Every node is an independent explicit matrix; a node moves along its
    R-image, a parameter along :math:`V`, the data not at all.  The primal
    definitions themselves are checked in the backpropagation derivation.
    """
    s = p.sym
    ex: dict = {m: _explicit(str(m), *m.shape) for m in (s.X, s.y, s.W, s.b, s.gam, s.bet, s.v, s.VW, s.Vb,
                                                         s.Vgam, s.Vbet, s.Vv)}
    for m, _, _ in p.assignments:
        if str(m) not in _EXPANDED:
            ex[m] = _explicit(str(m), *m.shape)
    names = {str(m): m for m in ex}
    tangent: dict = {s.c: s.Vc}
    for pm, vm in ((s.W, s.VW), (s.b, s.Vb), (s.gam, s.Vgam), (s.bet, s.Vbet), (s.v, s.Vv)):
        tangent.update(zip(ex[pm], ex[vm]))
    for m, _, _ in p.forward + p.backward:
        image = names.get("R" + str(m)) or names.get("H" + str(m)[1:] if str(m).startswith("g") else "")
        if image is not None:
            tangent.update(zip(ex[m], ex[image]))
    explicit = tuple(ex.items()) + ((s.one, sp.ImmutableMatrix.ones(int(s.n), 1)),
                                    (sp.Identity(1), sp.ImmutableMatrix([[1]])))
    local = {m: e for m, e, _ in p.assignments if str(m) in _EXPANDED}
    primal = {str(m): e.xreplace(local) for m, e, _ in p.forward + p.backward}
    refs = {}
    for m, _, _ in p.rforward + p.rbackward:
        name = str(m)
        if name in _EXPANDED:
            continue
        source = name[1:] if name.startswith("R") else "g" + name[1:]
        value = sp.ImmutableMatrix(primal[source].xreplace(dict(explicit)).doit().as_explicit())
        refs[name] = value.applyfunc(lambda e: sum(sp.diff(e, x) * t for x, t in tangent.items() if e.has(x)))
    return _Local(tuple(refs.items()), explicit)


# --------------------------------------------------------------------------- derivations

_LATEX = {
    "X": "X", "y": "y", "one": r"\mathbf{1}", "W": "W", "b": "b", "gam": r"\gamma", "bet": r"\beta", "v": "v",
    "VW": "V_{W}", "Vb": "V_{b}", "Vgam": r"V_{\gamma}", "Vbet": r"V_{\beta}", "Vv": "V_{v}", "Vc": "V_{c}",
    "Z": "Z", "mu": r"\mu", "Zc": r"\bar{Z}", "s2": r"\sigma^{2}", "rho": r"\rho", "Xh": r"\hat{X}", "U": "U",
    "A": "A", "g": "g", "Sp": r"\sigma'(U)", "Spp": r"\sigma''(U)", "L": "L", "m1": "m_{1}", "m2": "m_{2}", "P": "P",
    "gW": r"\nabla_{W} L", "gb": r"\nabla_{b} L", "ggam": r"\nabla_{\gamma} L", "gbet": r"\nabla_{\beta} L",
    "gv": r"\nabla_{v} L", "gc": r"\nabla_{c} L",
    "HW": r"(HV)_{W}", "Hb": r"(HV)_{b}", "Hgam": r"(HV)_{\gamma}", "Hbet": r"(HV)_{\beta}",
    "Hv": r"(HV)_{v}", "Hc": r"(HV)_{c}",
}


def _latex_name(name: str) -> str:
    if name in _LATEX:
        return _LATEX[name]
    if name.startswith("R"):
        return r"\mathcal{R}\{" + _latex_name(name[1:]) + r"\}"
    if name.startswith("d"):
        return r"\delta_{" + _latex_name(name[1:]) + "}"
    return name


def _latex_names(p: MLPProgram) -> tuple:
    s = p.sym
    nodes = [m for m, _, _ in p.assignments]
    inputs = [s.X, s.y, s.one, s.W, s.b, s.gam, s.bet, s.v, s.VW, s.Vb, s.Vgam, s.Vbet, s.Vv]
    return tuple((m, _latex_name(str(m))) for m in nodes + inputs) + ((s.eps, r"\epsilon"),)


_SIZES = (3, 2, 2)  # n samples, d inputs, h hidden units of the explicit backprop instances
_R_SIZES = (2, 2, 2)  # the R-steps are local rules: two samples already exercise every sum


def _variant(act: str, loss: str, bn: bool) -> str:
    return f"σ = {act}, {loss} loss, {'with' if bn else 'without'} batch norm"


@cache
def _local(act: str, loss: str, bn: bool, hvp: bool) -> _Local:
    return _r_references(program(act, loss, bn, *_R_SIZES)) if hvp else _local_references(program(act, loss, bn, *_SIZES))


def _build(name: str, title: str, act: str, loss: str, bn: bool, hvp: bool) -> Derivation:
    sizes = _R_SIZES if hvp else _SIZES
    p = program(act, loss, bn)  # generic sizes n, d, h: what the page shows and numerics compiles
    local = _local(act, loss, bn, hvp)  # references on the explicit instance of ``sizes``
    refs = dict(local.references)
    section = (p.rforward + p.rbackward) if hvp else (p.forward + p.backward)
    steps = tuple(
        Step(m, e, rule, seed="000" if str(m) in ("Z", "A", "g", "L") else ("001" if str(m) == "dZ" else ""),
             claim=Equals(refs[str(m)]) if str(m) in refs else None)
        for m, e, rule in section
    )
    r_leaves = {"R" + x for x in LEAVES}
    leaves = {str(m) for m, _, _ in p.assignments
              if (hvp and str(m) not in _EXPANDED) or str(m) in LEAVES or str(m) in r_leaves}
    explicit = {str(k): v for k, v in local.explicit if isinstance(k, sp.MatrixSymbol)}
    s = p.sym
    generic = [m for m, _, _ in p.assignments] + [s.X, s.y, s.one, s.W, s.b, s.gam, s.bet, s.v, s.VW, s.Vb,
                                                   s.Vgam, s.Vbet, s.Vv]
    # later nodes first, so one pass reaches the leaves; then the explicit leaves; the sizes last
    definitions = tuple((m, e) for m, e, _ in reversed(p.assignments) if str(m) not in leaves)
    definitions += tuple((m, explicit[str(m)]) for m in generic if str(m) in explicit)
    definitions += ((sp.Identity(1), sp.ImmutableMatrix([[1]])),) + tuple(zip((s.n, s.d, s.h), map(sp.Integer, sizes)))
    last = steps[-1]
    what = "Hessian-vector product by the R-operator" if hvp else "backpropagation"
    how = (
        "Every R-step is checked on its own, on explicit symbolic matrices (n = {0}, d = {1}, h = {2}) with "
        "every node an independent matrix: the hand-applied R-rule against SymPy's directional derivative of "
        "the node's definition, each node moving along its R-image, each parameter along V, the data fixed. "
        "The definitions themselves are checked in the backpropagation derivation."
        if hvp else
        "Every step is checked on its own, on explicit symbolic matrices (n = {0}, d = {1}, h = {2}): a "
        "backward node δ_N against SymPy's gradient of ⟨δ_N, N(inputs)⟩ (plus the penalty), written in scalar "
        "loops, with the leaves Z, U, A, g and the δ's independent."
    ).format(*sizes)
    summary = (
        f"Matrix-form {what} for seed 000's g(x) = vᵀσ(Wx + b) + c ({_variant(act, loss, bn)}), with the "
        f"L2 penalty (α/2)‖θ‖² on every parameter. {how} numerics.analysis.mlp compiles exactly these assignments "
        "(generic n, d, h); the tests compare the compiled gradient and Hessian-vector product with SymPy's "
        "derivatives of the fully expanded scalar loss of a 2-input, 2-hidden, 3-sample net, for every "
        "activation and loss."
    )
    return Derivation(
        name=name, title=title, steps=steps, result=sp.Eq(last.lhs, last.rhs, evaluate=False),
        summary=summary,
        assumptions=("training-mode batch statistics, biased variance, ε > 0" if bn else "no batch norm",
                     "δ_N = ∂L/∂N; R{N} = d/dt N(θ + tV) at t = 0 (Pearlmutter 1994)",
                     "L2 penalty (α/2)‖θ‖² on all parameters, biases included",
                     "y ∈ {0, 1} for the logistic loss" if loss == "logistic" else "squared loss (1/n)‖g − y‖²"),
        notes=("Pearlmutter, B. A. (1994). Fast exact multiplication by the Hessian. Neural Computation 6(1).",
               "σ'(U) and σ''(U) are computed once (nodes Sp, Spp) and reused by the backward and R passes"),
        numeric_sizes=((sp.Symbol("samples", integer=True, positive=True), (sizes[0],)),) if bn else (),
        latex_names=_latex_names(p), seeds=("000", "001") if bn else ("000",),
        definitions=definitions,
        domain=((p.sym.eps, (0.05, 0.5)),),
    )


def loss_gradient(act: str = "tanh", loss: str = "squared", bn: bool = False) -> Derivation:
    """Backpropagation in matrix form for one variant, every step checked against scalar references."""
    return _build(f"mlp.backprop{'_bn' if bn else ''}",
                  f"Backpropagation for the two-layer MLP ({_variant(act, loss, bn)})", act, loss, bn, False)


def hessian_vector_product(act: str = "tanh", loss: str = "squared", bn: bool = False) -> Derivation:
    """The R-operator Hessian-vector product in matrix form, every step checked against scalar references."""
    return _build(f"mlp.hvp{'_bn' if bn else ''}",
                  f"Hessian-vector product of the two-layer MLP by the R-operator ({_variant(act, loss, bn)})",
                  act, loss, bn, True)


# --------------------------------------------------------------------------- L2 and batch-norm null directions


def l2_shift() -> Derivation:
    r"""The penalty :math:`\tfrac{\alpha}{2}\lVert\theta\rVert^2` adds :math:`\alpha I`: every eigenvalue moves by exactly α.

    Examples
    ========

    >>> l2_shift().verify().ok
    True
    """
    alpha, eta, lam = sp.Symbol("alpha", nonnegative=True), sp.Symbol("eta", positive=True), sp.Symbol("lambda")
    th = sp.Matrix(sp.symbols("theta_1:4", real=True))
    q = sp.Matrix(sp.symbols("q_1:4", real=True))
    hs = sp.symbols("H_11 H_12 H_13 H_22 H_23 H_33", real=True)
    H = sp.Matrix([[hs[0], hs[1], hs[2]], [hs[1], hs[3], hs[4]], [hs[2], hs[4], hs[5]]])
    penalty = alpha / 2 * (th.T * th)[0, 0]
    grad_l = sp.Matrix(sp.symbols("G_1:4", real=True))
    I3 = sp.eye(3)
    S = sp.Symbol
    hess_p, shift, step_ = S("hess_penalty"), S("shift_residual"), S("gd_step")
    lam_a, lam_0 = S("lambda_alpha"), S("lambda_0")
    names = ((hess_p, r"\nabla^2 \tfrac{\alpha}{2}\lVert\theta\rVert^2"),
             (shift, r"(H+\alpha I)q - (\lambda+\alpha)q"),
             (step_, r"\theta - \eta(\nabla L + \alpha\theta)"),
             (lam_a, r"\lambda_i(H + \alpha I)"), (lam_0, r"\lambda_i(H)"))
    steps = (
        Step(hess_p, alpha * I3, "Hessian of the penalty (three parameters shown)",
             claim=Equals(sp.ImmutableMatrix(3, 3, lambda i, j: sp.Derivative(penalty, th[i], th[j])))),
        Step(shift, H * q - lam * q,
             "the shift cancels: Hq = λq  ⇔  (H + αI)q = (λ + α)q, same eigenvector",
             claim=Equals((H + alpha * I3) * q - (lam + alpha) * q)),
        Step(step_, (1 - eta * alpha) * th - eta * grad_l,
             "a gradient step on the penalized loss decays θ by the factor 1 − ηα (weight decay)", seed="000",
             claim=Equals(th - eta * (grad_l + sp.Matrix([sp.diff(penalty, t) for t in th])))),
    )
    return Derivation(
        name="mlp.l2_shift", title="L2 shifts every Hessian eigenvalue by exactly α",
        steps=steps, result=sp.Eq(lam_a, lam_0 + alpha), latex_names=names,
        summary="Convention: the penalty is (α/2)‖θ‖² on every parameter (biases included), so its gradient is αθ "
                "and its Hessian αI. Then every eigenvalue of the penalized Hessian is the unpenalized one plus α, "
                "with the same eigenvectors; with α‖θ‖² (no ½) the shift would be 2α. Seed 000's weight-decay "
                "factor (1 − ηλ) is this convention.",
        assumptions=("H symmetric", "penalty on all parameters"),
        seeds=("000",),
    )


def _bn_unit(eps, centred: bool = False):
    """One unit with batch norm, 3 samples, 2 inputs, output u = γx̂ + β and squared loss."""
    n = 3
    xs = [[sp.Symbol(f"x_{i}{k}", real=True) for k in (1, 2)] for i in (1, 2, 3)]
    ys = [sp.Symbol(f"y_{i}", real=True) for i in (1, 2, 3)]
    w = [sp.Symbol("w_1", real=True), sp.Symbol("w_2", real=True)]
    b, gam, bet, v, c = sp.symbols("b gamma beta v c", real=True)
    if centred:  # z - μ = w·(x_i - x̄): write the centred inputs directly (the third is minus the others)
        xs[2] = [-xs[0][0] - xs[1][0], -xs[0][1] - xs[1][1]]
        z = [w[0] * x[0] + w[1] * x[1] for x in xs]
        zc = z
    else:
        z = [w[0] * x[0] + w[1] * x[1] + b for x in xs]
        zc = [zi - sum(z) / n for zi in z]
    var = sum(t**2 for t in zc) / n
    xh = [t / sp.sqrt(var + eps) for t in zc]
    u = [gam * t + bet for t in xh]
    L = sum((ui - yi) ** 2 for ui, yi in zip(u, ys)) / n
    dxh = [gam * 2 * (ui - yi) / n for ui, yi in zip(u, ys)]
    return dict(L=L, w=w, b=b, gam=gam, bet=bet, v=v, c=c, var=var, xh=xh, dxh=dxh, z=z)


def bn_null_directions() -> Derivation:
    r"""Batch norm's null directions: the bias before it, and the scale of the incoming weights.

    With batch norm, :math:`L` does not depend on :math:`b` at all, so the
    gradient and the Hessian rows of :math:`b` vanish.  For :math:`\epsilon = 0`
    the loss is invariant under :math:`w \to cw` (:math:`c>0`), hence
    :math:`\langle\nabla_w L, w\rangle = 0` and, differentiating
    :math:`c\,\nabla_w L(cw) = \nabla_w L(w)`, :math:`H_{ww}w = -\nabla_w L` and
    :math:`H_{pw}w = 0` for the other parameters: :math:`(w, 0)` is a null
    eigenvector only at a critical point, but its curvature
    :math:`w^\top H_{ww} w = -\langle\nabla_w L, w\rangle = 0` vanishes everywhere.
    For :math:`\epsilon > 0` exactly
    :math:`\langle\nabla_w L, w\rangle = \frac{\epsilon}{\sigma^2+\epsilon}\sum_i
    \frac{\partial L}{\partial\hat x_i}\hat x_i`.
    """
    eps = sp.Symbol("epsilon", positive=True)
    cpos = sp.Symbol("c_s", positive=True)
    a = _bn_unit(eps)
    w, b, L = a["w"], a["b"], a["L"]
    a = _bn_unit(eps, centred=True)
    z0 = _bn_unit(0, centred=True)
    w0, L0 = z0["w"], z0["L"]
    grad_w0 = [sp.diff(L0, t) for t in w0]
    scaled = L0.xreplace({w0[0]: cpos * w0[0], w0[1]: cpos * w0[1]})
    # H_ww w as the derivative of ∇_w L along the ray c w at c = 1 (one differentiation, not a double sum)
    ray = {w0[0]: cpos * w0[0], w0[1]: cpos * w0[1]}
    Hww_w = sp.Matrix([sp.diff(gj.xreplace(ray), cpos).xreplace({cpos: 1}) for gj in grad_w0])
    others = [z0["gam"], z0["bet"]]
    Hpw_w = sp.Matrix([sp.diff(sp.diff(L0, p_).xreplace(ray), cpos).xreplace({cpos: 1}) for p_ in others])
    tilt = eps / (a["var"] + eps) * sum(d * x for d, x in zip(a["dxh"], a["xh"]))
    S = sp.Symbol
    db, Lc, Lw, gw_w, tilt_s = S("dL_db"), S("L_cw"), S("L_w"), S("grad_w_dot_w"), S("tilt")
    Hw, mG, Hpw, wHw, Hd, mGd = S("H_ww_w"), S("minus_grad_w"), S("H_pw_w"), S("wHw"), S("H_D"), S("minus_grad_D")
    names = ((db, r"\partial L/\partial b"), (Lc, r"L(cw)\big|_{\epsilon=0}"), (Lw, r"L(w)\big|_{\epsilon=0}"),
             (gw_w, r"\langle\nabla_w L, w\rangle"),
             (tilt_s, r"\frac{\epsilon}{\sigma^2+\epsilon}\sum_i \frac{\partial L}{\partial\hat x_i}\hat x_i"),
             (Hw, r"H_{ww}\,w\big|_{\epsilon=0}"), (mG, r"-\nabla_w L"), (Hpw, r"H_{pw}\,w\big|_{\epsilon=0}"),
             (wHw, r"w^\top H_{ww} w\big|_{\epsilon=0}"), (Hd, r"H\,(w, 0)"), (mGd, r"(-\nabla_w L,\ 0)"))
    steps = (
        Step(db, sp.S.Zero, "the batch mean removes b: L does not depend on b", seed="001",
             claim=Equals(sp.Derivative(L, b))),
        Step(Lc, Lw, "ε = 0: x̂ is invariant under w → cw, c > 0 (from here on: centred inputs, as "
             "z − μ = w·(x − x̄))", claim=Equals(scaled)),
        Step(gw_w, tilt_s,
             "ε > 0: d/dc x̂(cw) at c = 1 is x̂ ε/(σ²+ε), so the weight direction tilts the loss only through ε",
             claim=Equals(sum(sp.diff(a["L"], t) * t for t in w))),
        Step(Hw, mG, "differentiate c ∇_w L(cw) = ∇_w L(w) at c = 1: H w = −∇_w L (not 0 away from critical "
             "points)", claim=Equals(Hww_w)),
        Step(Hpw, sp.zeros(len(others), 1),
             "the other gradients are invariant under w → cw: their rows annihilate w (p = γ, β)",
             claim=Equals(Hpw_w)),
        Step(wHw, sp.S.Zero, "zero curvature along w everywhere: wᵀHw = −⟨∇_w L, w⟩ = 0",
             claim=Equals(sum(wj * Hww_w[j] for j, wj in enumerate(w0)))),
    )
    definitions = ((Lw, L0), (tilt_s, tilt), (mG, sp.ImmutableMatrix(-sp.Matrix(grad_w0))))
    return Derivation(
        name="mlp.bn_null_directions", title="Null directions created by batch norm: the bias and the weight scale",
        steps=steps, result=sp.Eq(Hd, mGd), latex_names=names, definitions=definitions,
        summary="One hidden unit with batch norm (3 samples, 2 inputs, output γx̂ + β, squared loss; the argument "
                "uses only that L depends on (w, b) through x̂, so any head behaves alike). The bias "
                "b before batch norm is a null direction everywhere (its gradient and Hessian row vanish, so each "
                "of the h biases adds an eigenvalue 0, or α with the L2 penalty). The scale of the incoming weights "
                "is a null direction only for ε = 0 and only at critical points: elsewhere H(w, 0) = (−∇_w L, 0), "
                "which has zero Rayleigh quotient but is not an eigenvector; with ε > 0 the invariance is broken "
                "by the factor ε/(σ² + ε).",
        assumptions=("training-mode batch statistics, biased variance", "c > 0 in the scaling"),
        domain=((eps, (0.05, 0.5)),), seeds=("001",),
        numeric_sizes=((sp.Symbol("n", integer=True, positive=True), (3,)),),
    )


def classification_loss() -> Derivation:
    r"""Seed 002's classification loss :math:`\log(1 + e^{(1 - y_i) f})` is constant for :math:`y_i = 1`.

    Examples
    ========

    >>> [s.outcome.value for s in classification_loss().verify().steps]
    ['definition', 'proved', 'refuted', 'proved', 'proved']
    """
    f, y = sp.Symbol("f", real=True), sp.Symbol("y", real=True)
    seed_loss = sp.log(1 + sp.exp((1 - y) * f))
    logistic = sp.log(1 + sp.exp((1 - 2 * y) * f))
    l_seed, l1, l0 = sp.Symbol("ell_seed"), sp.Symbol("ell_seed(y=1)"), sp.Symbol("ell(y=1)")
    steps = (
        Step(l_seed, seed_loss, "seed 002: 'Classification: ℓ(f̂_NN(x_i), y_i) = log(1 + exp((1 − y_i) "
             "f̂_NN(x_i)))', labels y_i ∈ {0, 1}", seed="002"),
        Step(l1, sp.log(2), "for y_i = 1 the exponent vanishes: the loss is the constant log 2, whatever f",
             seed="002", claim=Equals(sp.Subs(seed_loss, y, 1))),
        Step(l1, sp.Subs(seed_loss, y, 1), "so it cannot be the logistic loss, which is log(1 + e^(−f)) at y = 1",
             seed="002", claim=Differs(sp.Subs(logistic, y, 1))),
        Step(l0, sp.log(1 + sp.exp(-f)), "presumably (1 − 2y_i) f was meant: then y = 1 gives log(1 + e^(−f)) "
             "= −log σ(f)", claim=Equals(sp.Subs(logistic, y, 1))),
        Step(sp.Symbol("ell(y=0)"), sp.log(1 + sp.exp(f)), "and y = 0 gives log(1 + e^f) = −log(1 − σ(f)): the "
             "binary cross-entropy of the logit f", claim=Equals(sp.Subs(logistic, y, 0))),
    )
    return Derivation(
        "mlp.classification_loss", "Seed 002's classification loss is constant for the positive class", steps,
        sp.Eq(sp.Symbol("ell"), logistic),
        summary="Seed 002 writes the classification loss as log(1 + exp((1 − y_i) f)). With labels 0 and 1 "
                "that is log 2 for every positive example, so those examples contribute no gradient. The "
                "logistic loss is log(1 + exp((1 − 2y_i) f)): −log σ(f) for y = 1 and −log(1 − σ(f)) for y = 0.",
        assumptions=("labels y_i ∈ {0, 1}", "f = f̂_NN(x_i) the network's logit"), seeds=("002",),
    )


RESULTS = {
    "mlp.classification_loss": classification_loss,
    "mlp.l2_shift": l2_shift,
    "mlp.bn_null_directions": bn_null_directions,
    "mlp.backprop": lambda: loss_gradient("tanh", "squared", False),
    "mlp.backprop_bn": lambda: loss_gradient("tanh", "squared", True),
    "mlp.hvp": lambda: hessian_vector_product("tanh", "squared", False),
    "mlp.hvp_bn": lambda: hessian_vector_product("tanh", "squared", True),
}
