r"""Backpropagation and the R-operator for seed 000's two-layer MLP, in matrix form.

The model of seed 000 is :math:`g(x) = v^\top\sigma(Wx + b) + c`, here for a
batch :math:`X \in \mathbb{R}^{n\times d}` (one sample per row), with an
optional batch norm before the activation (training mode: batch mean,
biased batch variance, :math:`\epsilon`, learnable :math:`\gamma, \beta`) and
an optional L2 penalty :math:`\tfrac{\alpha}{2}\lVert\theta\rVert^2` on *every*
parameter :math:`\theta = (W, b, \gamma, \beta, v, c)`:

.. math::

    Z = XW^\top + \mathbf{1}b^\top,\quad
    \hat X = (Z - \mathbf{1}\mu)\circ\mathbf{1}\rho,\quad
    U = \hat X\circ\mathbf{1}\gamma^\top + \mathbf{1}\beta^\top,\quad
    A = \sigma(U),\quad g = Av + c\mathbf{1},

with :math:`\mu = \tfrac1n\mathbf{1}^\top Z`, :math:`\sigma^2 = \tfrac1n
\mathbf{1}^\top (Z-\mathbf{1}\mu)^{\circ 2}` and :math:`\rho = (\sigma^2 +
\epsilon)^{\circ -1/2}` (without batch norm :math:`U = Z`).  Losses: squared
:math:`L = \tfrac1n\lVert g - y\rVert^2` (seed 000's convention, no
:math:`\tfrac12`) and logistic :math:`L = \tfrac1n\sum_i \log(1+e^{g_i}) - y_i g_i`
for :math:`y_i \in \{0, 1\}`.

:func:`program` returns the ordered matrix-form assignments -- the forward
pass, backpropagation, and the Hessian-vector product by Pearlmutter's (1994)
R-operator :math:`\mathcal{R}\{\cdot\} = \tfrac{d}{dt}\big|_{t=0}` along a
direction :math:`V` -- as SymPy matrix expressions; :mod:`numerics.analysis.mlp`
compiles exactly these.  The derivations registered here check every step
against the fully expanded scalar loss of a 2-input, 2-hidden, 3-sample net
(SymPy differentiates it entry by entry).

Examples
========

>>> p = program("tanh", "squared", bn=False)
>>> [str(node) for node, _ in p.gradient]
['gW', 'gb', 'gv', 'gc']
>>> loss_gradient("relu", "squared", bn=False).verify().ok
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derivations.record import Derivation, Equals, Step

__all__ = ["ACTIVATIONS", "LOSSES", "MLPSymbols", "MLPProgram", "program", "symbols", "RESULTS"]

ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("squared", "logistic")
PARAMETERS = ("W", "b", "gam", "bet", "v", "c")

_u = sp.Symbol("u", real=True)


def _sigmoid(u):
    return 1 / (1 + sp.exp(-u))


def activation(name: str) -> tuple[sp.Lambda, sp.Lambda, sp.Lambda]:
    r"""The activation :math:`\sigma` with :math:`\sigma'` and :math:`\sigma''` as Lambdas.

    Derivatives are written in their numerically safe forms
    (:math:`\sigma' = \sigma(1-\sigma)` for the sigmoid, :math:`1-\tanh^2` for
    tanh); :func:`activation_derivatives` verifies them against ``diff``.

    Examples
    ========

    >>> s, ds, dds = activation("relu")
    >>> s(-1), ds(2), dds(2)
    (0, 1, 0)
    """
    u = _u
    if name == "sigmoid":
        s = _sigmoid(u)
        return sp.Lambda(u, s), sp.Lambda(u, s * (1 - s)), sp.Lambda(u, s * (1 - s) * (1 - 2 * s))
    if name == "tanh":
        t = sp.tanh(u)
        return sp.Lambda(u, t), sp.Lambda(u, 1 - t**2), sp.Lambda(u, -2 * t * (1 - t**2))
    if name == "relu":
        return (sp.Lambda(u, sp.Piecewise((u, u > 0), (0, True))),
                sp.Lambda(u, sp.Piecewise((1, u > 0), (0, True))), sp.Lambda(u, sp.S.Zero))
    raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")


def _ew(lam: sp.Lambda, m: sp.MatrixExpr) -> sp.MatrixExpr:
    return ElementwiseApplyFunction(lam, m)


def _had(*ms) -> sp.MatrixExpr:
    return sp.HadamardProduct(*ms)


# --------------------------------------------------------------------------- symbols


@dataclass(frozen=True)
class MLPSymbols:
    """The matrix symbols of the model, its data, a direction ``V`` and the constants."""

    n: sp.Basic
    d: sp.Basic
    h: sp.Basic
    X: sp.MatrixSymbol
    y: sp.MatrixSymbol
    one: sp.MatrixSymbol
    W: sp.MatrixSymbol
    b: sp.MatrixSymbol
    gam: sp.MatrixSymbol
    bet: sp.MatrixSymbol
    v: sp.MatrixSymbol
    c: sp.Symbol
    VW: sp.MatrixSymbol
    Vb: sp.MatrixSymbol
    Vgam: sp.MatrixSymbol
    Vbet: sp.MatrixSymbol
    Vv: sp.MatrixSymbol
    Vc: sp.Symbol
    alpha: sp.Symbol
    eps: sp.Symbol

    def parameters(self, bn: bool) -> tuple:
        return (self.W, self.b) + ((self.gam, self.bet) if bn else ()) + (self.v, self.c)

    def direction(self, bn: bool) -> tuple:
        return (self.VW, self.Vb) + ((self.Vgam, self.Vbet) if bn else ()) + (self.Vv, self.Vc)


def symbols(n=None, d=None, h=None) -> MLPSymbols:
    """Model symbols with generic sizes (``None``) or concrete integer sizes."""
    n = sp.Symbol("n", integer=True, positive=True) if n is None else sp.Integer(n)
    d = sp.Symbol("d", integer=True, positive=True) if d is None else sp.Integer(d)
    h = sp.Symbol("h", integer=True, positive=True) if h is None else sp.Integer(h)
    M = sp.MatrixSymbol
    return MLPSymbols(
        n, d, h, M("X", n, d), M("y", n, 1), M("one", n, 1), M("W", h, d), M("b", h, 1), M("gam", h, 1),
        M("bet", h, 1), M("v", h, 1), sp.Symbol("c", real=True), M("VW", h, d), M("Vb", h, 1), M("Vgam", h, 1),
        M("Vbet", h, 1), M("Vv", h, 1), sp.Symbol("Vc", real=True), sp.Symbol("alpha", nonnegative=True),
        sp.Symbol("epsilon", positive=True),
    )


# --------------------------------------------------------------------------- the program


Assignment = tuple[sp.MatrixSymbol, sp.MatrixExpr, str]


@dataclass(frozen=True)
class MLPProgram:
    """Ordered matrix-form assignments ``(node, expression, rule)`` of one model variant.

    ``forward`` computes the loss, ``backward`` the gradient (backpropagation),
    ``rforward``/``rbackward`` the Hessian-vector product (R-operator).
    ``gradient`` and ``hvp`` list the nodes holding each parameter's block.
    """

    act: str
    loss: str
    bn: bool
    sym: MLPSymbols
    forward: tuple[Assignment, ...]
    backward: tuple[Assignment, ...]
    rforward: tuple[Assignment, ...]
    rbackward: tuple[Assignment, ...]
    loss_node: sp.MatrixSymbol
    gradient: tuple[tuple[sp.MatrixSymbol, sp.MatrixExpr], ...]
    hvp: tuple[tuple[sp.MatrixSymbol, sp.MatrixExpr], ...]

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        return self.forward + self.backward + self.rforward + self.rbackward

    def node(self, name: str) -> sp.MatrixSymbol:
        for node, _, _ in self.assignments:
            if str(node) == name:
                return node
        raise KeyError(name)


@cache
def program(act: str, loss: str, bn: bool, n=None, d=None, h=None) -> MLPProgram:
    r"""The matrix-form forward pass, backpropagation and R-operator of one variant.

    Backpropagation (:math:`\delta_N = \partial L/\partial N`):
    :math:`\delta_A = \delta_g v^\top`, :math:`\delta_U = \delta_A\circ\sigma'(U)`,
    with batch norm :math:`\delta_Z = \mathbf{1}\rho\circ(\delta_{\hat X}
    - \tfrac1n\mathbf{1}\mathbf{1}^\top\delta_{\hat X} - \hat X\circ
    \tfrac1n\mathbf{1}\mathbf{1}^\top(\delta_{\hat X}\circ\hat X))`,
    :math:`\nabla_W L = \delta_Z^\top X + \alpha W`, :math:`\nabla_b L =
    \delta_Z^\top\mathbf{1} + \alpha b`.  The R-operator applies
    :math:`\tfrac{d}{dt}|_0` to every assignment along :math:`\theta + tV`.

    Examples
    ========

    >>> p = program("sigmoid", "logistic", bn=True)
    >>> [str(node) for node, _ in p.hvp]
    ['HW', 'Hb', 'Hgam', 'Hbet', 'Hv', 'Hc']
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    s = symbols(n, d, h)
    n, d, h = s.n, s.d, s.h
    one, X, y, W, b, gam, bet, v, c = s.one, s.X, s.y, s.W, s.b, s.gam, s.bet, s.v, s.c
    alpha, eps = s.alpha, s.eps
    sig, dsig, ddsig = activation(act)
    M = sp.MatrixSymbol
    fwd: list[Assignment] = []
    bwd: list[Assignment] = []
    rf: list[Assignment] = []
    rb: list[Assignment] = []

    def node(seq, name, rows, cols, expr, rule):
        m = M(name, rows, cols)
        seq.append((m, expr, rule))
        return m

    # forward pass
    Z = node(fwd, "Z", n, h, X * W.T + one * b.T, "pre-activation Wx + b for every sample (seed 000)")
    if bn:
        mu = node(fwd, "mu", 1, h, one.T * Z / n, "batch mean per feature")
        Zc = node(fwd, "Zc", n, h, Z - one * mu, "centred pre-activations")
        s2 = node(fwd, "s2", 1, h, one.T * _ew(sp.Lambda(_u, _u**2), Zc) / n, "biased batch variance")
        r = node(fwd, "rho", 1, h, _ew(sp.Lambda(_u, 1 / sp.sqrt(_u + eps)), s2), "inverse standard deviation")
        Xh = node(fwd, "Xh", n, h, _had(Zc, one * r), "normalized pre-activations x-hat")
        U = node(fwd, "U", n, h, _had(Xh, one * gam.T) + one * bet.T, "scale gamma and shift beta")
    else:
        U = Z
    A = node(fwd, "A", n, h, _ew(sig, U), "hidden activations sigma(U)")
    g = node(fwd, "g", n, 1, A * v + c * one, "network outputs v^T sigma(.) + c")
    params = s.parameters(bn)
    penalty = (sp.Trace(W.T * W) + c**2) * sp.Identity(1) + sum(
        (p.T * p for p in params[1:] if isinstance(p, sp.MatrixSymbol)), sp.ZeroMatrix(1, 1))
    if loss == "squared":
        data = (g - y).T * (g - y) / n
        dg_expr, curv = 2 * (g - y) / n, None
    else:
        sp_lam = sp.Lambda(_u, sp.log(1 + sp.exp(_u)))
        data = (one.T * _ew(sp_lam, g) - y.T * g) / n
        dg_expr = (_ew(sp.Lambda(_u, _sigmoid(_u)), g) - y) / n
        curv = sp.Lambda(_u, _sigmoid(_u) * (1 - _sigmoid(_u)))
    Lnode = node(fwd, "L", 1, 1, data + alpha / 2 * penalty, "mean loss plus (alpha/2)|theta|^2")

    # backpropagation
    dg = node(bwd, "dg", n, 1, dg_expr, "dL/dg of the mean loss")
    gv = node(bwd, "gv", h, 1, A.T * dg + alpha * v, "gradient in v")
    gc = node(bwd, "gc", 1, 1, one.T * dg + alpha * c * sp.Identity(1), "gradient in c")
    dA = node(bwd, "dA", n, h, dg * v.T, "dL/dA: outer product with v")
    Sp = node(bwd, "Sp", n, h, _ew(dsig, U), "local slopes sigma'(U), computed once")
    dU = node(bwd, "dU", n, h, _had(dA, Sp), "through the activation: sigma'(U)")
    if bn:
        ggam = node(bwd, "ggam", h, 1, (one.T * _had(dU, Xh)).T + alpha * gam, "gradient in gamma")
        gbet = node(bwd, "gbet", h, 1, (one.T * dU).T + alpha * bet, "gradient in beta")
        dXh = node(bwd, "dXh", n, h, _had(dU, one * gam.T), "dL/dx-hat")
        m1 = node(bwd, "m1", 1, h, one.T * dXh / n, "feature means of dL/dx-hat")
        m2 = node(bwd, "m2", 1, h, one.T * _had(dXh, Xh) / n, "feature means of dL/dx-hat times x-hat")
        P = node(bwd, "P", n, h, dXh - one * m1 - _had(Xh, one * m2), "batch-norm backward bracket")
        dZ = node(bwd, "dZ", n, h, _had(one * r, P), "dL/dZ through batch norm (seed 001's graph, in matrices)")
    else:
        dZ = dU
    gW = node(bwd, "gW", h, d, dZ.T * X + alpha * W, "gradient in W")
    gb = node(bwd, "gb", h, 1, dZ.T * one + alpha * b, "gradient in b")

    # R-operator, forward
    VW, Vb, Vgam, Vbet, Vv, Vc = s.VW, s.Vb, s.Vgam, s.Vbet, s.Vv, s.Vc
    RZ = node(rf, "RZ", n, h, X * VW.T + one * Vb.T, "R{Z}: Z is linear in (W, b)")
    if bn:
        Rmu = node(rf, "Rmu", 1, h, one.T * RZ / n, "R{mu}")
        RZc = node(rf, "RZc", n, h, RZ - one * Rmu, "R{Z - 1 mu}")
        Rs2 = node(rf, "Rs2", 1, h, 2 * one.T * _had(Zc, RZc) / n, "R{sigma^2}")
        Rr = node(rf, "Rrho", 1, h, -_had(_ew(sp.Lambda(_u, (_u + eps) ** sp.Rational(-3, 2)), s2), Rs2) / 2,
                  "R{rho} = -(sigma^2 + eps)^(-3/2) R{sigma^2} / 2")
        RXh = node(rf, "RXh", n, h, _had(RZc, one * r) + _had(Zc, one * Rr), "R{x-hat}: product rule")
        RU = node(rf, "RU", n, h, _had(RXh, one * gam.T) + _had(Xh, one * Vgam.T) + one * Vbet.T, "R{U}")
    else:
        RU = RZ
    RA = node(rf, "RA", n, h, _had(Sp, RU), "R{A} = sigma'(U) o R{U}")
    Spp = node(rf, "Spp", n, h, _ew(ddsig, U), "local curvatures sigma''(U), computed once")
    Rg = node(rf, "Rg", n, 1, RA * v + A * Vv + Vc * one, "R{g}: product rule")
    # R-operator, backward
    if loss == "squared":
        Rdg = node(rb, "Rdg", n, 1, 2 * Rg / n, "R{dL/dg}")
    else:
        Rdg = node(rb, "Rdg", n, 1, _had(_ew(curv, g), Rg) / n, "R{dL/dg} with the logistic curvature s(1-s)")
    Hv = node(rb, "Hv", h, 1, RA.T * dg + A.T * Rdg + alpha * Vv, "Hessian-vector product, v block")
    Hc = node(rb, "Hc", 1, 1, one.T * Rdg + alpha * Vc * sp.Identity(1), "Hessian-vector product, c block")
    RdA = node(rb, "RdA", n, h, Rdg * v.T + dg * Vv.T, "R{dA}")
    RdU = node(rb, "RdU", n, h, _had(RdA, Sp) + _had(dA, Spp, RU), "R{dU}: sigma'' term")
    if bn:
        Hgam = node(rb, "Hgam", h, 1, (one.T * (_had(RdU, Xh) + _had(dU, RXh))).T + alpha * Vgam,
                    "Hessian-vector product, gamma block")
        Hbet = node(rb, "Hbet", h, 1, (one.T * RdU).T + alpha * Vbet, "Hessian-vector product, beta block")
        RdXh = node(rb, "RdXh", n, h, _had(RdU, one * gam.T) + _had(dU, one * Vgam.T), "R{dL/dx-hat}")
        Rm1 = node(rb, "Rm1", 1, h, one.T * RdXh / n, "R{m1}")
        Rm2 = node(rb, "Rm2", 1, h, one.T * (_had(RdXh, Xh) + _had(dXh, RXh)) / n, "R{m2}")
        RP = node(rb, "RP", n, h, RdXh - one * Rm1 - _had(RXh, one * m2) - _had(Xh, one * Rm2), "R{P}")
        RdZ = node(rb, "RdZ", n, h, _had(one * Rr, P) + _had(one * r, RP), "R{dZ}: product rule")
    else:
        RdZ = RdU
    HW = node(rb, "HW", h, d, RdZ.T * X + alpha * VW, "Hessian-vector product, W block")
    Hb = node(rb, "Hb", h, 1, RdZ.T * one + alpha * Vb, "Hessian-vector product, b block")

    grads = (gW, gb) + ((ggam, gbet) if bn else ()) + (gv, gc)
    hvps = (HW, Hb) + ((Hgam, Hbet) if bn else ()) + (Hv, Hc)
    lookup = {m: e for m, e, _ in fwd + bwd + rf + rb}
    return MLPProgram(act, loss, bn, s, tuple(fwd), tuple(bwd), tuple(rf), tuple(rb), Lnode,
                      tuple((m, lookup[m]) for m in grads), tuple((m, lookup[m]) for m in hvps))


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
    n, d, h = int(s.n), int(s.d), int(s.h)
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
             claim=Equals(sp.hessian(penalty, list(th)))),
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
             claim=Equals(sp.diff(L, b))),
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


RESULTS = {
    "mlp.l2_shift": l2_shift,
    "mlp.bn_null_directions": bn_null_directions,
    "mlp.backprop": lambda: loss_gradient("tanh", "squared", False),
    "mlp.backprop_bn": lambda: loss_gradient("tanh", "squared", True),
    "mlp.hvp": lambda: hessian_vector_product("tanh", "squared", False),
    "mlp.hvp_bn": lambda: hessian_vector_product("tanh", "squared", True),
}
