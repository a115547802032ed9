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
compiles exactly these.  The derivations registered in :mod:`derivations.topics.mlp` check every
step against the fully expanded scalar loss of a 2-input, 2-hidden, 3-sample net
(SymPy differentiates it entry by entry).

Examples
========

>>> p = program("tanh", "squared", bn=False)
>>> [str(node) for node, _ in p.gradient]
['gW', 'gb', 'gv', 'gc']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction


__all__ = ["ACTIVATIONS", "LOSSES", "LayerSymbols", "MLPSymbols", "MLPProgram", "activation", "program", "suffix",
           "symbols"]

ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("squared", "logistic")

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
class LayerSymbols:
    """One hidden layer's parameters :math:`W^{(t)}, b^{(t)}, \\gamma^{(t)}, \\beta^{(t)}` and their direction blocks."""

    W: sp.MatrixSymbol
    b: sp.MatrixSymbol
    gam: sp.MatrixSymbol
    bet: sp.MatrixSymbol
    VW: sp.MatrixSymbol
    Vb: sp.MatrixSymbol
    Vgam: sp.MatrixSymbol
    Vbet: sp.MatrixSymbol

    def parameters(self, bn: bool) -> tuple:
        return (self.W, self.b) + ((self.gam, self.bet) if bn else ())

    def direction(self, bn: bool) -> tuple:
        return (self.VW, self.Vb) + ((self.Vgam, self.Vbet) if bn else ())


@dataclass(frozen=True)
class MLPSymbols:
    """The matrix symbols of the model, its data, a direction ``V`` and the constants.

    ``hidden_layers`` holds each layer's symbols; ``W``, ``b``, ``gam``, ``bet`` and
    their direction blocks name the first layer's (the only one of seed 000's net).
    """

    n: sp.Basic
    d: sp.Basic
    h: sp.Basic
    X: sp.MatrixSymbol
    y: sp.MatrixSymbol
    one: sp.MatrixSymbol
    hidden_layers: tuple[LayerSymbols, ...]
    v: sp.MatrixSymbol
    c: sp.Symbol
    Vv: sp.MatrixSymbol
    Vc: sp.Symbol
    alpha: sp.Symbol
    eps: sp.Symbol

    W = property(lambda self: self.hidden_layers[0].W)
    b = property(lambda self: self.hidden_layers[0].b)
    gam = property(lambda self: self.hidden_layers[0].gam)
    bet = property(lambda self: self.hidden_layers[0].bet)
    VW = property(lambda self: self.hidden_layers[0].VW)
    Vb = property(lambda self: self.hidden_layers[0].Vb)
    Vgam = property(lambda self: self.hidden_layers[0].Vgam)
    Vbet = property(lambda self: self.hidden_layers[0].Vbet)

    def parameters(self, bn: bool) -> tuple:
        return sum((layer.parameters(bn) for layer in self.hidden_layers), ()) + (self.v, self.c)

    def direction(self, bn: bool) -> tuple:
        return sum((layer.direction(bn) for layer in self.hidden_layers), ()) + (self.Vv, self.Vc)


def suffix(t: int, layers: int) -> str:
    """The name suffix of layer ``t`` (1-based): none for a single hidden layer, else ``t``."""
    return "" if layers == 1 else str(t)


def symbols(n=None, d=None, h=None, layers: int = 1) -> MLPSymbols:
    """Model symbols with generic sizes (``None``) or concrete integer sizes, for ``layers`` hidden layers.

    Examples
    ========

    >>> s = symbols(layers=2)
    >>> [str(m) for m in s.parameters(bn=False)], s.hidden_layers[1].W.shape
    (['W1', 'b1', 'W2', 'b2', 'v', 'c'], (h, h))
    """
    n = sp.Symbol("n", integer=True, positive=True) if n is None else sp.Integer(n)
    d = sp.Symbol("d", integer=True, positive=True) if d is None else sp.Integer(d)
    h = sp.Symbol("h", integer=True, positive=True) if h is None else sp.Integer(h)
    M = sp.MatrixSymbol
    hidden = []
    for t in range(1, layers + 1):
        k, fan_in = suffix(t, layers), d if t == 1 else h
        hidden.append(LayerSymbols(M(f"W{k}", h, fan_in), M(f"b{k}", h, 1), M(f"gam{k}", h, 1), M(f"bet{k}", h, 1),
                                   M(f"VW{k}", h, fan_in), M(f"Vb{k}", h, 1), M(f"Vgam{k}", h, 1),
                                   M(f"Vbet{k}", h, 1)))
    return MLPSymbols(
        n, d, h, M("X", n, d), M("y", n, 1), M("one", n, 1), tuple(hidden), M("v", h, 1), sp.Symbol("c", real=True),
        M("Vv", h, 1), sp.Symbol("Vc", real=True), sp.Symbol("alpha", nonnegative=True),
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

    @property
    def direction_free(self) -> tuple[Assignment, ...]:
        """The R-operator assignments that read no direction block (such as σ''(U)): fixed by θ alone."""
        moving = set(self.sym.direction(self.bn))
        free = []
        for m, e, rule in self.rforward + self.rbackward:
            if e.free_symbols & moving:
                moving.add(m)
            else:
                free.append((m, e, rule))
        return tuple(free)

    @property
    def linearization(self) -> tuple[sp.MatrixSymbol, ...]:
        """The nodes fixed by θ that the direction-dependent R assignments read.

        Forward, backward and :attr:`direction_free` nodes do not depend on the
        direction :math:`V`: one evaluation at θ serves every product there.
        """
        free = {m for m, _, _ in self.direction_free}
        read = set().union(*(e.atoms(sp.MatrixSymbol) for m, e, _ in self.rforward + self.rbackward if m not in free))
        return tuple(m for m, _, _ in self.forward + self.backward + self.direction_free if m in read)

    @property
    def layers(self) -> int:
        """The number of hidden layers."""
        return len(self.sym.hidden_layers)

    def node(self, name: str) -> sp.MatrixSymbol:
        for node, _, _ in self.assignments:
            if str(node) == name:
                return node
        raise KeyError(name)


@cache
def program(act: str, loss: str, bn: bool, n=None, d=None, h=None, layers: int = 1) -> MLPProgram:
    r"""The matrix-form forward pass, backpropagation and R-operator of one variant.

    With ``layers`` :math:`= L` hidden layers of width :math:`h` (seed 002's network,
    with seed 000's biases :math:`b^{(t)}` and output bias :math:`c`):
    :math:`A^{(0)} = X`, :math:`Z^{(t)} = A^{(t-1)}W^{(t)\top} + \mathbf{1}b^{(t)\top}`,
    :math:`A^{(t)} = \sigma(U^{(t)})`, :math:`g = A^{(L)}v + c\mathbf{1}`; node names
    carry the layer number when :math:`L > 1`.
    Backpropagation (:math:`\delta_N = \partial L/\partial N`):
    :math:`\delta_{A^{(L)}} = \delta_g v^\top`, :math:`\delta_U = \delta_A\circ\sigma'(U)`,
    with batch norm :math:`\delta_Z = \mathbf{1}\rho\circ(\delta_{\hat X}
    - \tfrac1n\mathbf{1}\mathbf{1}^\top\delta_{\hat X} - \hat X\circ
    \tfrac1n\mathbf{1}\mathbf{1}^\top(\delta_{\hat X}\circ\hat X))`,
    :math:`\nabla_{W^{(t)}} L = \delta_{Z^{(t)}}^\top A^{(t-1)} + \alpha W^{(t)}`, :math:`\nabla_b L =
    \delta_Z^\top\mathbf{1} + \alpha b`, :math:`\delta_{A^{(t-1)}} = \delta_{Z^{(t)}} W^{(t)}`.
    The R-operator applies :math:`\tfrac{d}{dt}|_0` to every assignment along :math:`\theta + tV`.

    Examples
    ========

    >>> p = program("sigmoid", "logistic", bn=True)
    >>> [str(node) for node, _ in p.hvp]
    ['HW', 'Hb', 'Hgam', 'Hbet', 'Hv', 'Hc']
    >>> [str(node) for node, _ in program("relu", "squared", bn=False, layers=2).gradient]
    ['gW1', 'gb1', 'gW2', 'gb2', 'gv', 'gc']
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if layers < 1:
        raise ValueError(f"layers must be at least 1, got {layers}")
    s = symbols(n, d, h, layers)
    n, d, h = s.n, s.d, s.h
    one, X, y, v, c = s.one, s.X, s.y, s.v, s.c
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

    # forward pass, layer by layer; f[t] holds layer t's forward nodes
    f: dict[int, dict] = {}
    below = X
    for t, ls in enumerate(s.hidden_layers, start=1):
        k = suffix(t, layers)
        W, b, gam, bet = ls.W, ls.b, ls.gam, ls.bet
        rule = "pre-activation Wx + b for every sample (seed 000)" if t == 1 else \
            f"pre-activation of layer {t}: W a + b of the layer below (seed 002)"
        Z = node(fwd, f"Z{k}", n, h, below * W.T + one * b.T, rule)
        nodes = {"below": below, "Z": Z}
        if bn:
            mu = node(fwd, f"mu{k}", 1, h, one.T * Z / n, "batch mean per feature")
            Zc = node(fwd, f"Zc{k}", n, h, Z - one * mu, "centred pre-activations")
            s2 = node(fwd, f"s2{k}", 1, h, one.T * _ew(sp.Lambda(_u, _u**2), Zc) / n, "biased batch variance")
            r = node(fwd, f"rho{k}", 1, h, _ew(sp.Lambda(_u, 1 / sp.sqrt(_u + eps)), s2), "inverse standard deviation")
            Xh = node(fwd, f"Xh{k}", n, h, _had(Zc, one * r), "normalized pre-activations x-hat")
            U = node(fwd, f"U{k}", n, h, _had(Xh, one * gam.T) + one * bet.T, "scale gamma and shift beta")
            nodes.update(Zc=Zc, s2=s2, rho=r, Xh=Xh)
        else:
            U = Z
        A = node(fwd, f"A{k}", n, h, _ew(sig, U), "hidden activations sigma(U)")
        nodes.update(U=U, A=A)
        f[t] = nodes
        below = A
    A = below
    g = node(fwd, "g", n, 1, A * v + c * one, "network outputs v^T sigma(.) + c")
    params = s.parameters(bn)
    weights = [ls.W for ls in s.hidden_layers]
    penalty = sp.Add(*(sp.Trace(W.T * W) for W in weights), c**2) * sp.Identity(1) + sum(
        (p.T * p for p in params if isinstance(p, sp.MatrixSymbol) and p not in weights), sp.ZeroMatrix(1, 1))
    if loss == "squared":
        data = (g - y).T * (g - y) / n
        dg_expr, curv = 2 * (g - y) / n, None
    else:
        sp_lam = sp.Lambda(_u, sp.log(1 + sp.exp(_u)))
        data = (one.T * _ew(sp_lam, g) - y.T * g) / n
        dg_expr = (_ew(sp.Lambda(_u, _sigmoid(_u)), g) - y) / n
        curv = sp.Lambda(_u, _sigmoid(_u) * (1 - _sigmoid(_u)))
    Lnode = node(fwd, "L", 1, 1, data + alpha / 2 * penalty, "mean loss plus (alpha/2)|theta|^2")

    # backpropagation, from the output layer down
    dg = node(bwd, "dg", n, 1, dg_expr, "dL/dg of the mean loss")
    gv = node(bwd, "gv", h, 1, A.T * dg + alpha * v, "gradient in v")
    gc = node(bwd, "gc", 1, 1, one.T * dg + alpha * c * sp.Identity(1), "gradient in c")
    dA = node(bwd, f"dA{suffix(layers, layers)}", n, h, dg * v.T, "dL/dA: outer product with v")
    grads: dict[int, tuple] = {}
    for t in range(layers, 0, -1):
        k, ls, fw = suffix(t, layers), s.hidden_layers[t - 1], f[t]
        U = fw["U"]
        Sp = node(bwd, f"Sp{k}", n, h, _ew(dsig, U), "local slopes sigma'(U), computed once")
        dU = node(bwd, f"dU{k}", n, h, _had(dA, Sp), "through the activation: sigma'(U)")
        fw.update(dA=dA, Sp=Sp, dU=dU)
        if bn:
            Xh, r = fw["Xh"], fw["rho"]
            ggam = node(bwd, f"ggam{k}", h, 1, (one.T * _had(dU, Xh)).T + alpha * ls.gam, "gradient in gamma")
            gbet = node(bwd, f"gbet{k}", h, 1, (one.T * dU).T + alpha * ls.bet, "gradient in beta")
            dXh = node(bwd, f"dXh{k}", n, h, _had(dU, one * ls.gam.T), "dL/dx-hat")
            m1 = node(bwd, f"m1{k}", 1, h, one.T * dXh / n, "feature means of dL/dx-hat")
            m2 = node(bwd, f"m2{k}", 1, h, one.T * _had(dXh, Xh) / n, "feature means of dL/dx-hat times x-hat")
            P = node(bwd, f"P{k}", n, h, dXh - one * m1 - _had(Xh, one * m2), "batch-norm backward bracket")
            dZ = node(bwd, f"dZ{k}", n, h, _had(one * r, P), "dL/dZ through batch norm (seed 001's graph, in matrices)")
            fw.update(dXh=dXh, m2=m2, P=P)
        else:
            dZ = dU
        fw["dZ"] = dZ
        gW = node(bwd, f"gW{k}", h, fw["below"].shape[1], dZ.T * fw["below"] + alpha * ls.W, "gradient in W")
        gb = node(bwd, f"gb{k}", h, 1, dZ.T * one + alpha * ls.b, "gradient in b")
        grads[t] = (gW, gb) + ((ggam, gbet) if bn else ())
        if t > 1:
            dA = node(bwd, f"dA{suffix(t - 1, layers)}", n, h, dZ * ls.W, "dL/dA of the layer below: back through W")

    # R-operator, forward
    RA = None
    for t, ls in enumerate(s.hidden_layers, start=1):
        k, fw = suffix(t, layers), f[t]
        lin = fw["below"] * ls.VW.T + one * ls.Vb.T
        RZ = node(rf, f"RZ{k}", n, h, lin if RA is None else RA * ls.W.T + lin,
                  "R{Z}: Z is linear in (W, b)" if RA is None else "R{Z}: product rule through W and the layer below")
        if bn:
            Zc, r, s2, Xh = fw["Zc"], fw["rho"], fw["s2"], fw["Xh"]
            Rmu = node(rf, f"Rmu{k}", 1, h, one.T * RZ / n, "R{mu}")
            RZc = node(rf, f"RZc{k}", n, h, RZ - one * Rmu, "R{Z - 1 mu}")
            Rs2 = node(rf, f"Rs2{k}", 1, h, 2 * one.T * _had(Zc, RZc) / n, "R{sigma^2}")
            Rr = node(rf, f"Rrho{k}", 1, h, -_had(_ew(sp.Lambda(_u, (_u + eps) ** sp.Rational(-3, 2)), s2), Rs2) / 2,
                      "R{rho} = -(sigma^2 + eps)^(-3/2) R{sigma^2} / 2")
            RXh = node(rf, f"RXh{k}", n, h, _had(RZc, one * r) + _had(Zc, one * Rr), "R{x-hat}: product rule")
            RU = node(rf, f"RU{k}", n, h, _had(RXh, one * ls.gam.T) + _had(Xh, one * ls.Vgam.T) + one * ls.Vbet.T,
                      "R{U}")
            fw.update(Rr=Rr, RXh=RXh)
        else:
            RU = RZ
        RA = node(rf, f"RA{k}", n, h, _had(fw["Sp"], RU), "R{A} = sigma'(U) o R{U}")
        Spp = node(rf, f"Spp{k}", n, h, _ew(ddsig, fw["U"]), "local curvatures sigma''(U), computed once")
        fw.update(RU=RU, RA=RA, Spp=Spp, Rbelow=None if t == 1 else f[t - 1]["RA"])
    Vv, Vc = s.Vv, s.Vc
    Rg = node(rf, "Rg", n, 1, RA * v + A * Vv + Vc * one, "R{g}: product rule")
    # R-operator, backward
    if loss == "squared":
        Rdg = node(rb, "Rdg", n, 1, 2 * Rg / n, "R{dL/dg}")
    else:
        Rdg = node(rb, "Rdg", n, 1, _had(_ew(curv, g), Rg) / n, "R{dL/dg} with the logistic curvature s(1-s)")
    Hv = node(rb, "Hv", h, 1, RA.T * dg + A.T * Rdg + alpha * Vv, "Hessian-vector product, v block")
    Hc = node(rb, "Hc", 1, 1, one.T * Rdg + alpha * Vc * sp.Identity(1), "Hessian-vector product, c block")
    RdA = node(rb, f"RdA{suffix(layers, layers)}", n, h, Rdg * v.T + dg * Vv.T, "R{dA}")
    hvps: dict[int, tuple] = {}
    for t in range(layers, 0, -1):
        k, ls, fw = suffix(t, layers), s.hidden_layers[t - 1], f[t]
        dA, Sp, Spp, dU, RU = fw["dA"], fw["Sp"], fw["Spp"], fw["dU"], fw["RU"]
        RdU = node(rb, f"RdU{k}", n, h, _had(RdA, Sp) + _had(dA, Spp, RU), "R{dU}: sigma'' term")
        if bn:
            Xh, r, RXh, Rr, dXh, m2, P = (fw[key] for key in ("Xh", "rho", "RXh", "Rr", "dXh", "m2", "P"))
            gam, Vgam = ls.gam, ls.Vgam
            Hgam = node(rb, f"Hgam{k}", h, 1, (one.T * (_had(RdU, Xh) + _had(dU, RXh))).T + alpha * Vgam,
                        "Hessian-vector product, gamma block")
            Hbet = node(rb, f"Hbet{k}", h, 1, (one.T * RdU).T + alpha * ls.Vbet, "Hessian-vector product, beta block")
            RdXh = node(rb, f"RdXh{k}", n, h, _had(RdU, one * gam.T) + _had(dU, one * Vgam.T), "R{dL/dx-hat}")
            Rm1 = node(rb, f"Rm1{k}", 1, h, one.T * RdXh / n, "R{m1}")
            Rm2 = node(rb, f"Rm2{k}", 1, h, one.T * (_had(RdXh, Xh) + _had(dXh, RXh)) / n, "R{m2}")
            RP = node(rb, f"RP{k}", n, h, RdXh - one * Rm1 - _had(RXh, one * m2) - _had(Xh, one * Rm2), "R{P}")
            RdZ = node(rb, f"RdZ{k}", n, h, _had(one * Rr, P) + _had(one * r, RP), "R{dZ}: product rule")
        else:
            RdZ = RdU
        below, Rbelow, dZ = fw["below"], fw["Rbelow"], fw["dZ"]
        HW_expr = RdZ.T * below + alpha * ls.VW if Rbelow is None else RdZ.T * below + dZ.T * Rbelow + alpha * ls.VW
        HW = node(rb, f"HW{k}", h, below.shape[1], HW_expr, "Hessian-vector product, W block")
        Hb = node(rb, f"Hb{k}", h, 1, RdZ.T * one + alpha * ls.Vb, "Hessian-vector product, b block")
        hvps[t] = (HW, Hb) + ((Hgam, Hbet) if bn else ())
        if t > 1:
            RdA = node(rb, f"RdA{suffix(t - 1, layers)}", n, h, RdZ * ls.W + dZ * ls.VW,
                       "R{dA} of the layer below: product rule through W")

    grad_nodes = sum((grads[t] for t in range(1, layers + 1)), ()) + (gv, gc)
    hvp_nodes = sum((hvps[t] for t in range(1, layers + 1)), ()) + (Hv, Hc)
    lookup = {m: e for m, e, _ in fwd + bwd + rf + rb}
    return MLPProgram(act, loss, bn, s, tuple(fwd), tuple(bwd), tuple(rf), tuple(rb), Lnode,
                      tuple((m, lookup[m]) for m in grad_nodes), tuple((m, lookup[m]) for m in hvp_nodes))
