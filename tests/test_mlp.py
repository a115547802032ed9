"""The compiled MLP loss: central differences, the fully expanded SymPy loss, and the derivations."""

import dataclasses

import numpy as np
import pytest
import sympy as sp

from derivations.topics import mlp as dmlp
from derivations.record import Outcome
from numerics.testing import check_grads
from numerics.analysis.mlp import MLPSpec, compile_program, init_parameters, mlp_loss
from numerics.analysis.synthetic import synthetic_regression

VARIANTS = [(a, l, bn) for a in dmlp.ACTIVATIONS for l in dmlp.LOSSES for bn in (False, True)]


def _problem(act, loss, bn, n=12, d=3, h=4, l2=0.01, seed=0):
    data = synthetic_regression(n, d, seed=seed, labels=loss == "logistic")
    X, y = data.X, data.y
    spec = MLPSpec(d, h, act, loss, bn, l2=l2)
    f = mlp_loss(spec, X, y)
    theta = init_parameters(spec, seed) + 0.2 * np.random.default_rng(seed).standard_normal(spec.n_params)
    return f, theta


@pytest.mark.parametrize("act,loss,bn", VARIANTS)
def test_gradient_and_hvp_agree_with_central_differences(act, loss, bn):
    f, theta = _problem(act, loss, bn)
    check_grads(f.fun, f.jac, theta, hessp=f.hessp, directions=4)


@pytest.mark.parametrize("act,loss,bn", [("tanh", "squared", True), ("relu", "logistic", False)])
def test_linearization_keeps_value_gradient_and_products(act, loss, bn):
    f, theta = _problem(act, loss, bn)
    at = f.linearize(theta)
    value, grad = f.value_and_grad(theta)
    assert at.value == pytest.approx(value, rel=1e-14) and np.allclose(at.gradient, grad, rtol=1e-13, atol=1e-15)
    rng = np.random.default_rng(5)
    V = rng.standard_normal((2, f.n_params))
    # the kept state serves several directions: linear in V, and each product a central difference of the gradient
    combo = at.hvp(2.0 * V[0] - 3.0 * V[1])
    np.testing.assert_allclose(combo, 2.0 * at.hvp(V[0]) - 3.0 * at.hvp(V[1]), rtol=1e-9, atol=1e-12)
    t = 1e-5
    for v in V:
        fd = (f.jac(theta + t * v) - f.jac(theta - t * v)) / (2 * t)
        np.testing.assert_allclose(at.hvp(v), fd, rtol=1e-5, atol=1e-7)


def _expanded_reference(act, loss, bn, X, y, theta, V, alpha, eps, layers=1):
    """Loss, gradient and Hessian-vector product of the scalar-expanded 2-hidden net, by sp.diff.

    Every hidden layer has 2 units (seed 002's network with seed 000's biases): scalar loops only.
    """
    n, d = X.shape
    h = 2
    sig = dmlp.activation(act)[0]
    params = []
    a = [[sp.Float(X[i, k], 30) for k in range(d)] for i in range(n)]
    for t in range(layers):
        fan_in = d if t == 0 else h
        W = sp.Matrix(h, fan_in, lambda j, k: sp.Symbol(f"W{t}_{j}{k}"))
        b = [sp.Symbol(f"b{t}_{j}") for j in range(h)]
        gam = [sp.Symbol(f"gam{t}_{j}") for j in range(h)]
        bet = [sp.Symbol(f"bet{t}_{j}") for j in range(h)]
        params += list(W) + b + (gam + bet if bn else [])
        z = [[sum(a[i][k] * W[j, k] for k in range(fan_in)) + b[j] for j in range(h)] for i in range(n)]
        if bn:
            for j in range(h):
                mu = sum(z[i][j] for i in range(n)) / n
                var = sum((z[i][j] - mu) ** 2 for i in range(n)) / n
                col = [(z[i][j] - mu) / sp.sqrt(var + eps) * gam[j] + bet[j] for i in range(n)]
                for i in range(n):
                    z[i][j] = col[i]
        a = [[sig(z[i][j]) for j in range(h)] for i in range(n)]
    v = [sp.Symbol(f"v{j}") for j in range(h)]
    c = sp.Symbol("c")
    params += v + [c]
    g = [sum(a[i][j] * v[j] for j in range(h)) + c for i in range(n)]
    if loss == "squared":
        data = sum((g[i] - float(y[i])) ** 2 for i in range(n)) / n
    else:
        data = sum(sp.log(1 + sp.exp(g[i])) - float(y[i]) * g[i] for i in range(n)) / n
    L = data + sp.Float(alpha) / 2 * sum(p**2 for p in params)
    t = sp.Symbol("t")
    point = {p: sp.Float(theta[i], 30) for i, p in enumerate(params)}
    line = {p: sp.Float(theta[i], 30) + t * sp.Float(V[i], 30) for i, p in enumerate(params)}
    grad = [sp.diff(L, p) for p in params]
    g_num = np.array([float(gk.xreplace(point)) for gk in grad])
    hv = np.array([float(sp.diff(gk.xreplace(line), t).xreplace({t: 0})) for gk in grad])
    return float(L.xreplace(point)), g_num, hv


EXPANDED = [(a, l, False) for a in dmlp.ACTIVATIONS for l in dmlp.LOSSES] + [
    ("tanh", "squared", True), ("relu", "logistic", True)]


@pytest.mark.parametrize("act,loss,bn", EXPANDED)
def test_compiled_code_matches_the_fully_expanded_sympy_loss(act, loss, bn):
    # a 2-input, 2-hidden, 3-sample net: SymPy differentiates the expanded scalar loss
    data = synthetic_regression(3, 2, seed=3, labels=loss == "logistic")
    X, y = data.X, data.y
    spec = MLPSpec(2, 2, act, loss, bn, l2=0.05)
    f = mlp_loss(spec, X, y)
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(spec.n_params)
    V = rng.standard_normal(spec.n_params)
    L, g, hv = _expanded_reference(act, loss, bn, X, y, theta, V, spec.l2, spec.eps)
    assert f.fun(theta) == pytest.approx(L, rel=1e-12)
    np.testing.assert_allclose(f.jac(theta), g, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(f.hessp(theta, V), hv, rtol=1e-8, atol=1e-10)


# without batch norm: the expanded loss of a 2-layer batch-normalized net (nested square roots) takes SymPy
# minutes to differentiate; deep batch norm is checked by central differences below and by the dense CLI test
DEEP = [("tanh", "squared", False, 3), ("relu", "logistic", False, 2), ("sigmoid", "squared", False, 2)]


@pytest.mark.parametrize("act,loss,bn,layers", DEEP)
def test_deep_network_matches_the_fully_expanded_sympy_loss(act, loss, bn, layers):
    # seed 002's L-layer net with 2 inputs, 2 units a layer, 3 samples: SymPy differentiates the expanded loss
    data = synthetic_regression(3, 2, seed=3, labels=loss == "logistic")
    spec = MLPSpec(2, 2, act, loss, bn, l2=0.05, layers=layers)
    f = mlp_loss(spec, data.X, data.y)
    rng = np.random.default_rng(2)
    theta = rng.standard_normal(spec.n_params)
    V = rng.standard_normal(spec.n_params)
    L, g, hv = _expanded_reference(act, loss, bn, data.X, data.y, theta, V, spec.l2, spec.eps, layers=layers)
    assert f.fun(theta) == pytest.approx(L, rel=1e-12)
    np.testing.assert_allclose(f.jac(theta), g, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(f.hessp(theta, V), hv, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("act,loss,bn", [(a, l, bn) for a in dmlp.ACTIVATIONS for l in dmlp.LOSSES for bn in (0, 1)])
def test_deep_gradient_and_hvp_agree_with_central_differences(act, loss, bn):
    data = synthetic_regression(12, 3, seed=0, labels=loss == "logistic")
    spec = MLPSpec(3, 4, act, loss, bool(bn), l2=0.01, layers=3)
    f = mlp_loss(spec, data.X, data.y)
    theta = init_parameters(spec, 0) + 0.2 * np.random.default_rng(0).standard_normal(spec.n_params)
    assert spec.n_params == 4 * 3 + 4 + 2 * (4 * 4 + 4) + 4 + 1 + (3 * 8 if bn else 0)
    check_grads(f.fun, f.jac, theta, hessp=f.hessp, directions=4)


def test_deep_layout_and_a_wrong_deep_rule_is_caught():
    # the blocks of θ follow the layers; dropping the product-rule term dZ2ᵀ R{A1} of the deeper W block
    # (W2 also moves the layer below's output) must break the W2 block of the product, and only there
    spec = MLPSpec(2, 3, "tanh", "squared", False, layers=2)
    assert [name for name, _ in spec.shapes] == ["W1", "b1", "W2", "b2", "v", "c"]
    assert dict(spec.shapes)["W2"] == (3, 3)
    p = dmlp.program("tanh", "squared", False, layers=2)
    dZ2, RA1, VW2, alpha = p.node("dU2"), p.node("RA1"), p.sym.hidden_layers[1].VW, p.sym.alpha
    below = p.node("A1")
    wrong = tuple((m, p.node("RdU2").T * below + alpha * VW2, rule) if str(m) == "HW2" else (m, e, rule)
                  for m, e, rule in p.rbackward)
    assert wrong != p.rbackward and (dZ2.T * RA1) in dict((m, e) for m, e, _ in p.rbackward)[p.node("HW2")].args
    data = synthetic_regression(10, 2, seed=1)
    right = mlp_loss(spec, data.X, data.y)
    broken = dataclasses.replace(right, programs=compile_program(dataclasses.replace(p, rbackward=wrong)))
    theta = init_parameters(spec, 1)
    V = np.random.default_rng(3).standard_normal(spec.n_params)
    t = 1e-5
    fd = (right.jac(theta + t * V) - right.jac(theta - t * V)) / (2 * t)
    np.testing.assert_allclose(right.hessp(theta, V), fd, rtol=1e-5, atol=1e-7)
    err = np.abs(broken.hessp(theta, V) - fd)
    W2 = slice(3 * 2 + 3, 3 * 2 + 3 + 9)
    assert err[W2].max() > 1e-3 and np.delete(err, np.arange(W2.start, W2.stop)).max() < 1e-6


@pytest.mark.parametrize("build", [dmlp.loss_gradient, dmlp.hessian_vector_product])
def test_registered_matrix_form_steps_verify(build):
    v = build("tanh", "squared", False).verify()
    assert v.ok and all(s.outcome in (Outcome.PROVED, Outcome.DEFINITION) for s in v.steps)


def test_a_wrong_r_rule_is_caught():
    # drop the σ'' term of R{δ_U}: the check against SymPy's directional derivative must fail
    d = dmlp.hessian_vector_product("sigmoid", "squared", False)
    steps = tuple(
        dataclasses.replace(s, rhs=s.rhs.args[0]) if str(s.lhs) == "RdU" else s for s in d.steps
    )
    report = dataclasses.replace(d, steps=steps).verify()
    failed = [str(s.lhs) for s, r in zip(steps, report.steps) if r.outcome is Outcome.FAILED]
    assert failed == ["RdU"]


def test_a_wrong_batchnorm_backward_is_caught():
    # forget the x-hat projection term of δ_Z (a classic slip): the vjp check must fail
    d = dmlp.loss_gradient("tanh", "squared", True)
    p = dmlp.program("tanh", "squared", True)
    m1, Xh, dXh = p.node("m1"), p.node("Xh"), p.node("dXh")
    one = p.sym.one
    wrong = dict(d.definitions)
    wrong[p.node("P")] = dXh - one * m1
    report = dataclasses.replace(d, definitions=tuple(wrong.items())).verify()
    failed = [str(s.lhs) for s, r in zip(d.steps, report.steps) if r.outcome is Outcome.FAILED]
    assert "dZ" in failed and Xh is not None


def test_bad_specs_are_rejected():
    with pytest.raises(ValueError):
        MLPSpec(2, 2, act="softsign")
    with pytest.raises(ValueError):
        MLPSpec(2, 2, l2=-1.0)
    data = synthetic_regression(1, 2)
    X, y = data.X, data.y
    with pytest.raises(ValueError):
        mlp_loss(MLPSpec(2, 2, bn=True), X, y)
