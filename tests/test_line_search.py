"""Line searches: the returned step satisfies the conditions they promise."""

import math

import numpy as np
import pytest

from numerics.solve.line_search import Line, backtracking, cubic_minimizer, strong_wolfe

FUNCTIONS = {
    # name: (f, grad, x, d)
    "quadratic": (lambda x: float(x @ np.diag([1.0, 100.0]) @ x), lambda x: 2 * np.diag([1.0, 100.0]) @ x,
                  np.array([1.0, 1.0]), np.array([-1.0, -100.0])),
    "rosenbrock": (lambda x: float((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2),
                   lambda x: np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)]),
                   np.array([-1.2, 1.0]), np.array([1.0, 0.0])),
    "quartic": (lambda x: float((x[0] - 3.0) ** 4 + x[0]), lambda x: np.array([4 * (x[0] - 3.0) ** 3 + 1]),
                np.array([0.0]), np.array([1.0])),
    "exp": (lambda x: float(np.exp(x[0]) - 5 * x[0]), lambda x: np.array([np.exp(x[0]) - 5]),
            np.array([-3.0]), np.array([1.0])),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("c2", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("alpha0", [1e-4, 1.0, 50.0])
def test_strong_wolfe_conditions_hold(name, c2, alpha0):
    f, g, x, d = FUNCTIONS[name]
    c1 = 1e-4
    line = Line.of(f, g, x, d)
    r = strong_wolfe(line, alpha0, c1=c1, c2=c2)
    assert r.success, r.message
    phi0, dphi0 = f(x), float(g(x) @ d)
    assert f(x + r.alpha * d) <= phi0 + c1 * r.alpha * dphi0  # sufficient decrease (N&W 3.7a)
    assert abs(float(g(x + r.alpha * d) @ d)) <= c2 * abs(dphi0)  # strong curvature (N&W 3.7b)
    assert r.f == pytest.approx(f(x + r.alpha * d))
    np.testing.assert_allclose(r.g, g(x + r.alpha * d))


def test_strong_wolfe_rejects_ascent_direction():
    f, g, x, d = FUNCTIONS["quadratic"]
    r = strong_wolfe(Line.of(f, g, x, -d))
    assert not r.success and not r.decreased


def test_strong_wolfe_backs_off_from_nan_and_overflow():
    # f is NaN beyond x = 2, minimum at 1: a long first step must shrink, not fail
    f = lambda x: float((x[0] - 1) ** 2) if x[0] < 2 else math.nan  # noqa: E731
    g = lambda x: np.array([2 * (x[0] - 1)]) if x[0] < 2 else np.array([math.nan])  # noqa: E731
    r = strong_wolfe(Line.of(f, g, np.array([0.0]), np.array([1.0])), alpha0=100.0, c2=0.1)
    assert r.success and r.nonfinite and abs(r.alpha - 1.0) <= 0.1


def test_backtracking_gives_sufficient_decrease():
    for name, (f, g, x, d) in FUNCTIONS.items():
        line = Line.of(f, g, x, d)
        r = backtracking(line, alpha0=50.0)
        assert r.success, name
        assert f(x + r.alpha * d) <= f(x) + 1e-4 * r.alpha * float(g(x) @ d)


def test_cubic_minimizer_is_exact_on_cubics():
    # phi(a) = a^3 - 3a: minimizer at a = 1
    phi, dphi = (lambda a: a**3 - 3 * a), (lambda a: 3 * a**2 - 3)
    assert cubic_minimizer(0.0, phi(0.0), dphi(0.0), 2.0, phi(2.0), dphi(2.0)) == pytest.approx(1.0)
    assert cubic_minimizer(1.0, 0.0, 1.0, 1.0, 0.0, 1.0) is None
