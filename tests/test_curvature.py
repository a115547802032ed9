"""Curvature analysis: critical points and their classes, eigen-analysis, condition numbers, step guidance."""

import numpy as np
import pytest
import sympy as sp

from derivations.topics.critical_points import Kind, classify, condition_number, critical_points, directional_curvature, eigenpairs, step_guidance, taylor_prediction
from derivations.calculus import hessian
from derivations.reading.parsing import parse_expression
from numerics.compile import objective
from numerics.analysis.curvature import analyze_point, eigen, find_critical_points, multistart_critical_points

x, y = sp.symbols("x y", real=True)


def _classes(report):
    return [(tuple(np.round(p.point, 6)), p.kind.value) for p in report.points]


# Himmelblau's function (Himmelblau, Applied Nonlinear Programming, 1972): four minima with f = 0 at
# (3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126) and a local maximum at
# (-0.270845, -0.923039), f = 181.617 (coordinates as listed e.g. on Wikipedia, "Himmelblau's function").
HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
HIMMELBLAU_MAXIMUM = (-0.270845, -0.923039)


def himmelblau_grad(p):
    """Hand-derived gradient: the independent reference for the four saddles."""
    a, b = p
    u, v = a * a + b - 11, a + b * b - 7
    return np.array([4 * a * u + 2 * v, 2 * u + 4 * b * v])


def himmelblau_hess(p):
    a, b = p
    return np.array([[12 * a * a + 4 * b - 42, 4 * a + 4 * b], [4 * a + 4 * b, 4 * a + 12 * b * b - 26]])


def test_himmelblau_has_nine_critical_points_correctly_classified():
    f = (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
    report = find_critical_points(f, [x, y], timeout=20)
    assert report.complete and len(report.points) == 9
    kinds = [p.kind for p in report.points]
    assert kinds.count(Kind.MINIMUM) == 4 and kinds.count(Kind.MAXIMUM) == 1 and kinds.count(Kind.SADDLE) == 4
    minima = sorted(tuple(p.point) for p in report.points if p.kind is Kind.MINIMUM)
    np.testing.assert_allclose(minima, sorted(HIMMELBLAU_MINIMA), atol=2e-6)
    (maximum,) = [p.point for p in report.points if p.kind is Kind.MAXIMUM]
    np.testing.assert_allclose(maximum, HIMMELBLAU_MAXIMUM, atol=2e-6)
    for p in report.points:
        assert np.linalg.norm(himmelblau_grad(p.point)) < 1e-9
        signs = np.sign(np.linalg.eigvalsh(himmelblau_hess(p.point)))
        expected = {(1, 1): Kind.MINIMUM, (-1, -1): Kind.MAXIMUM, (-1, 1): Kind.SADDLE}[tuple(signs)]
        assert p.kind is expected


def test_rosenbrock_has_one_minimum():
    report = find_critical_points((1 - x) ** 2 + 100 * (y - x**2) ** 2, [x, y], timeout=10)
    assert report.complete and _classes(report) == [((1.0, 1.0), "minimum")]
    # Hessian at (1, 1) is [[802, -400], [-400, 200]] (scipy.optimize.rosen_hess)
    from scipy.optimize import rosen_hess

    np.testing.assert_allclose(report.points[0].hessian, rosen_hess(np.ones(2)))


def test_cubic_has_a_minimum_and_a_saddle():
    report = find_critical_points(x**3 - 3 * x + y**2, [x, y], timeout=10)
    assert report.complete and _classes(report) == [((-1.0, 0.0), "saddle"), ((1.0, 0.0), "minimum")]


@pytest.mark.parametrize("text", ["x^3 - 3*x*y^2", "x^4 + y^4", "-x^4 - y^4", "x^2 + y^4"])
def test_zero_eigenvalues_without_sign_change_are_degenerate(text):
    f = parse_expression(text)
    report = find_critical_points(f, sorted(f.free_symbols, key=str), timeout=10)
    assert report.complete and _classes(report) == [((0.0, 0.0), "degenerate")]


def test_saddle_with_a_zero_eigenvalue_is_still_a_saddle():
    assert classify([-1.0, 0.0, 2.0], tol=1e-8) is Kind.SADDLE
    assert classify([0, 0]) is Kind.DEGENERATE and classify([-3, -1]) is Kind.MAXIMUM


def test_numeric_fallback_for_transcendental_gradients():
    f = sp.sin(x) + y**2  # critical points (π/2 + kπ, 0), minima where sin'' = -sin(x) > 0
    report = find_critical_points(f, [x, y], timeout=6)
    assert not report.complete
    found = {round(p.point[0] / (np.pi / 2)): p.kind for p in report.points if abs(p.point[0]) < 5}
    assert found == {-3: Kind.SADDLE, -1: Kind.MINIMUM, 1: Kind.SADDLE, 3: Kind.MINIMUM}
    for p in report.points:
        assert abs(np.cos(p.point[0])) < 1e-9 and abs(p.point[1]) < 1e-9


def test_multistart_stops_at_its_budget_and_says_so():
    f, xs = parse_expression("sin(x)*cos(y) + sin(3*x*y)"), sp.symbols("x y", real=True)
    obj = objective(f, xs)
    search = multistart_critical_points(obj, seconds=0.0, starts=500)
    assert search.roots == () and search.finished is False


def test_eigen_agrees_with_numpy_eigh():
    rng = np.random.default_rng(3)
    for n in (2, 3, 7):
        a = rng.standard_normal((n, n))
        h = a + a.T
        e = eigen(h)
        values, vectors = e.values, e.vectors
        np.testing.assert_allclose(values, np.linalg.eigh(h)[0], rtol=1e-12, atol=1e-12)
        for k, v in zip(values, vectors):
            np.testing.assert_allclose(h @ v, k * v, atol=1e-10)
            assert np.linalg.norm(v) == pytest.approx(1.0)


def test_point_analysis_against_hand_derivatives():
    f = (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
    p = np.array([0.7, -1.3])
    a = analyze_point(objective(f, [x, y]), p)
    h, g = himmelblau_hess(p), himmelblau_grad(p)
    np.testing.assert_allclose(a.gradient, g, rtol=1e-13)
    np.testing.assert_allclose(a.hessian, h, rtol=1e-13)
    np.testing.assert_allclose(a.eigenvalues, np.linalg.eigh(h)[0], rtol=1e-12)
    ev = np.abs(np.linalg.eigvalsh(h))
    assert a.condition_number == pytest.approx(ev.max() / ev.min())
    np.testing.assert_allclose(a.newton_step, -np.linalg.solve(h, g), rtol=1e-12)
    for gd, k, v in zip(a.guidance, a.eigenvalues, a.eigenvectors):
        assert gd.slope == pytest.approx(v @ g)
        assert (gd.max_step == pytest.approx(2 / k)) if k > 0 else gd.max_step is None


def test_symbolic_eigenpairs_2x2_and_3x3_agree_with_eigh():
    rng = np.random.default_rng(5)
    for n in (2, 3):
        a = sp.Matrix(n, n, lambda i, j: sp.Rational(int(rng.integers(-9, 10)), 4))
        h = a + a.T
        pairs = eigenpairs(h)
        numeric = np.linalg.eigh(np.array(h, dtype=float))[0]
        np.testing.assert_allclose(sorted(float(sp.re(sp.N(p.value))) for p in pairs), numeric, atol=1e-10)
        hn = np.array(h, dtype=float)
        for p in pairs:
            v = np.array([complex(sp.N(c)) for c in p.vector])
            np.testing.assert_allclose(hn @ v, complex(sp.N(p.value)) * v, atol=1e-9)
            assert np.linalg.norm(v) == pytest.approx(1.0)


def test_condition_number_matches_numpy_cond_for_spd():
    h = np.array([[4.0, 1.0], [1.0, 3.0]])
    assert float(condition_number(np.linalg.eigvalsh(h).tolist())) == pytest.approx(np.linalg.cond(h))
    assert condition_number([0, 2]) == sp.oo


def test_directional_curvature_is_the_second_difference_along_v():
    f = sp.exp(x) * sp.sin(y) + x**2 * y
    p, v = np.array([0.3, 0.8]), np.array([0.6, -0.8])
    h = hessian(f, [x, y]).subs({x: p[0], y: p[1]})
    q = float(directional_curvature(h, v.tolist()))
    fn = sp.lambdify([x, y], f)
    t = 1e-4
    second = (fn(*(p + t * v)) - 2 * fn(*p) + fn(*(p - t * v))) / t**2
    assert q == pytest.approx(second, rel=1e-6)


def test_taylor_prediction_exact_for_quadratics_and_third_order_accurate():
    quad = 3 * x**2 - 2 * x * y + y**2 + x - 5
    assert taylor_prediction(quad, [x, y], [1, 2], [-2, 3]) == quad.subs({x: -2, y: 3})
    f = sp.exp(x + 2 * y)
    errors = [abs(float(taylor_prediction(f, [x, y], [0, 0], [h, h]) - f.subs({x: h, y: h}))) for h in (0.02, 0.01)]
    assert errors[0] / errors[1] == pytest.approx(8, rel=0.05)  # O(|Δp|³)


@pytest.mark.parametrize("kappa", [0.5, 4.0, 300.0])
def test_gradient_descent_on_kappa_quadratic_obeys_the_two_over_kappa_bound(kappa):
    bound = step_guidance(kappa, 1.0).max_step

    def run(lr):
        theta = 1.0
        for _ in range(2000):
            theta -= lr * kappa * theta  # gradient of κθ²/2
        return abs(theta)

    assert run(0.99 * bound) < 1e-3 and run(1.01 * bound) > 1e3


def test_critical_points_timeout_returns_incomplete():
    f = (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2 + sp.exp(x * y)
    s = critical_points(f, [x, y], seconds=0.3)
    assert not s.complete
