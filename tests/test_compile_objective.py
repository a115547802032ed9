"""The compile bridge's objectives: values against SciPy's Rosenbrock, SymPy evaluation and finite differences."""

import numpy as np
import pytest
import scipy.sparse
import sympy as sp
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess

from derivations.calculus import hessian
from numerics.compile import SPARSE_FROM, objective
from numerics.testing import check_grads


def chained_rosenbrock(n):
    """Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)², the function scipy.optimize.rosen computes."""
    xs = sp.symbols(f"x0:{n}", real=True)
    return sp.Add(*[100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(n - 1)]), xs


@pytest.fixture(scope="module")
def rosen200():
    f, xs = chained_rosenbrock(200)
    return objective(f, xs)


def _dense(h):
    return h.toarray() if scipy.sparse.issparse(h) else np.asarray(h)


def test_rosenbrock_200_matches_scipy(rosen200):
    assert rosen200.backend == "symengine-llvm" and not rosen200.sparse
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.uniform(-2, 2, 200)
        assert rosen200.fun(x) == pytest.approx(rosen(x), rel=1e-13)
        np.testing.assert_allclose(rosen200.jac(x), rosen_der(x), rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(rosen200.hess(x), rosen_hess(x), rtol=1e-12, atol=1e-9)
        p = rng.standard_normal(200)
        np.testing.assert_allclose(rosen200.hessp(x, p), rosen_hess(x) @ p, rtol=1e-11, atol=1e-8)


def test_rosenbrock_200_passes_the_gradient_checker(rosen200):
    x = np.random.default_rng(1).uniform(-1.5, 1.5, 200)
    check_grads(rosen200.fun, rosen200.jac, x, hessp=rosen200.hessp, hess=rosen200.hess, h=1e-6, rtol=1e-6)


def test_sparse_hessian_is_csr_and_equals_dense():
    f, xs = chained_rosenbrock(30)
    sparse, dense = objective(f, xs, sparse=True), objective(f, xs, sparse=False)
    x = np.linspace(-1, 1.5, 30)
    h = sparse.hess(x)
    assert scipy.sparse.isspmatrix_csr(h) and h.nnz == 30 + 2 * 29  # tridiagonal
    np.testing.assert_allclose(h.toarray(), rosen_hess(x), rtol=1e-12)
    np.testing.assert_allclose(h.toarray(), dense.hess(x), rtol=0, atol=0)
    np.testing.assert_allclose(sparse.hessp(x, x), rosen_hess(x) @ x, rtol=1e-12)


def test_sparse_is_automatic_for_large_n():
    f, xs = chained_rosenbrock(SPARSE_FROM)
    obj = objective(f, xs)
    x = np.full(SPARSE_FROM, 0.5)
    assert obj.sparse and scipy.sparse.issparse(obj.hess(x))
    np.testing.assert_allclose(obj.jac(x), rosen_der(x), rtol=1e-12)
    np.testing.assert_allclose(obj.hess(x).toarray(), rosen_hess(x), rtol=1e-12)


X, Y, Z = sp.symbols("x y z", real=True)
EXPRESSIONS = [
    (1.5 - X + X * Y) ** 2 + (2.25 - X + X * Y**2) ** 2 + (2.625 - X + X * Y**3) ** 2,  # Beale
    (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2,  # Himmelblau
    X**3 - 3 * X * Y**2,  # monkey saddle
    sp.exp(X * Y) * sp.sin(Z) + sp.log(1 + X**2) * sp.cos(Y) + sp.sqrt(2 + Z**2) * X,
    sp.tanh(X - Y) * sp.atan(Z) + (X * Y * Z) ** 2 / (1 + Z**2),
]


@pytest.mark.parametrize("backend", ["symengine", "sympy"])
@pytest.mark.parametrize("k", range(len(EXPRESSIONS)))
def test_compiled_values_match_sympy_evaluation(backend, k):
    expr = EXPRESSIONS[k]
    variables = sorted(expr.free_symbols, key=str)
    obj = objective(expr, variables, backend=backend)
    grad = [expr.diff(v) for v in variables]
    hess = sp.hessian(expr, variables)  # SymPy's own double loop: the independent reference
    rng = np.random.default_rng(k)
    for _ in range(3):
        x = rng.uniform(-1.5, 1.5, len(variables))
        at = {v: sp.Float(float(c), 30) for v, c in zip(variables, x)}
        assert obj.fun(x) == pytest.approx(float(expr.evalf(subs=at)), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(obj.jac(x), [float(g.evalf(subs=at)) for g in grad], rtol=1e-11, atol=1e-11)
        np.testing.assert_allclose(obj.hess(x), np.array(hess.evalf(subs=at), dtype=float), rtol=1e-10, atol=1e-10)
        check_grads(obj.fun, obj.jac, x, hessp=obj.hessp, hess=obj.hess)


def test_falls_back_to_sympy_when_symengine_cannot_compile():
    expr = sp.Abs(X) + Y**2 * sp.log(X)  # the derivative of Abs has no LLVM form
    obj = objective(expr, [X, Y])
    assert obj.backend == "sympy"
    np.testing.assert_allclose(obj.jac(np.array([2.0, 1.0])), [1 + 1 / 2, 2 * np.log(2)], rtol=1e-14)


def test_hessian_helper_equals_sympy_hessian_and_is_symmetric():
    expr = EXPRESSIONS[3]
    variables = [X, Y, Z]
    h = hessian(expr, variables)
    assert (h - sp.hessian(expr, variables)).applyfunc(sp.simplify) == sp.zeros(3, 3)
    assert h == h.T


def test_symbols_that_are_not_variables_are_refused():
    with pytest.raises(ValueError, match="not variables: y"):
        objective(X * Y, [X])


def test_objective_drives_scipy_newton_cg():
    f, xs = chained_rosenbrock(10)
    obj = objective(f, xs)
    res = minimize(obj.fun, np.full(10, -1.0), jac=obj.jac, hess=obj.hess, method="trust-exact")
    np.testing.assert_allclose(res.x, np.ones(10), atol=1e-6)
    res = minimize(obj.fun, np.full(10, -1.0), jac=obj.jac, hessp=obj.hessp, method="Newton-CG",
                   options={"xtol": 1e-12})
    np.testing.assert_allclose(res.x, np.ones(10), atol=1e-6)


def test_nonsmooth_functions_compile_away_from_their_kinks():
    expr = sp.Max(X, Y) * X + sp.Abs(X - 1) * Y**2
    obj = objective(expr, [X, Y])
    for point in ([2.0, 0.5], [0.3, 0.9], [-1.0, -2.0]):
        x = np.array(point)
        check_grads(obj.fun, obj.jac, x, hess=obj.hess)


def test_symengine_gradient_of_overlapping_squares_is_right():
    """f = (x1-x0)² + (x3-x1)² + (x5-x2)² + (x7-x3)²: ∂f/∂x1 = 2(x1-x0) - 2(x3-x1), by hand.

    SymEngine 0.15's common-subexpression pass got this wrong; the bridge compiles without it.
    """
    import numpy as np
    import sympy as sp

    from numerics.compile import objective

    xs = sp.symbols("x0:8", real=True)
    f = (xs[1] - xs[0])**2 + (xs[3] - xs[1])**2 + (xs[5] - xs[2])**2 + (xs[7] - xs[3])**2
    x = np.random.default_rng(0).normal(size=8)
    by_hand = np.array([-2 * (x[1] - x[0]), 2 * (x[1] - x[0]) - 2 * (x[3] - x[1]), -2 * (x[5] - x[2]),
                        2 * (x[3] - x[1]) - 2 * (x[7] - x[3]), 0.0, 2 * (x[5] - x[2]), 0.0, 2 * (x[7] - x[3])])
    for backend in ("auto", "sympy"):
        assert np.allclose(objective(f, xs, backend=backend).jac(x), by_hand, rtol=1e-12, atol=1e-12)
