"""The test-function library against independent references.

References: hand-written NumPy twins of Moré, Garbow & Hillstrom (1981, ACM TOMS
7(1):17–41; MGH) residuals, exact SymPy evaluation at closed-form minimizers,
MGH's printed optimal values, and 40-digit Newton iterations (mpmath) for the
minimizers MGH give only numerically.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from derivations.errors import InputError
from numerics.compare import problems
from numerics.testing import check_grads
from numerics.compare.problems import Problem

# --------------------------------------------------------------------------- NumPy twins (MGH's definitions)


def _ss(r):
    return float(np.sum(np.square(r)))


def rosenbrock(x):
    return _ss([10 * (x[1] - x[0] ** 2), 1 - x[0]])


def freudenstein_roth(x):
    return _ss([-13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1], -29 + x[0] + ((x[1] + 1) * x[1] - 14) * x[1]])


def powell_badly_scaled(x):
    return _ss([1e4 * x[0] * x[1] - 1, np.exp(-x[0]) + np.exp(-x[1]) - 1.0001])


def brown_badly_scaled(x):
    return _ss([x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2])


def beale(x):
    return _ss([y - x[0] * (1 - x[1] ** i) for i, y in ((1, 1.5), (2, 2.25), (3, 2.625))])


def helical_valley(x):
    # MGH's piecewise θ, exactly as printed
    theta = np.arctan(x[1] / x[0]) / (2 * np.pi) + (0.5 if x[0] < 0 else 0.0)
    return _ss([10 * (x[2] - 10 * theta), 10 * (np.hypot(x[0], x[1]) - 1), x[2]])


def box_3d(x):
    t = 0.1 * np.arange(1, 11)
    return _ss(np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * (np.exp(-t) - np.exp(-10 * t)))


def powell_singular(x):
    return _ss([x[0] + 10 * x[1], math.sqrt(5) * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2,
                math.sqrt(10) * (x[0] - x[3]) ** 2])


def wood(x):
    return _ss([10 * (x[1] - x[0] ** 2), 1 - x[0], math.sqrt(90) * (x[3] - x[2] ** 2), 1 - x[2],
                math.sqrt(10) * (x[1] + x[3] - 2), (x[1] - x[3]) / math.sqrt(10)])


def biggs_exp6(x):
    t = 0.1 * np.arange(1, 14)
    y = np.exp(-t) - 5 * np.exp(-10 * t) + 3 * np.exp(-4 * t)
    return _ss(x[2] * np.exp(-t * x[0]) - x[3] * np.exp(-t * x[1]) + x[5] * np.exp(-t * x[4]) - y)


def watson(x):
    n = len(x)
    r = []
    for i in range(1, 30):
        t = i / 29
        s1 = sum((j - 1) * x[j - 1] * t ** (j - 2) for j in range(2, n + 1))
        s2 = sum(x[j - 1] * t ** (j - 1) for j in range(1, n + 1))
        r.append(s1 - s2**2 - 1)
    return _ss(r + [x[0], x[1] - x[0] ** 2 - 1])


def penalty_1(x):
    return _ss(list(math.sqrt(1e-5) * (np.asarray(x) - 1)) + [np.sum(np.square(x)) - 0.25])


def trigonometric(x):
    n = len(x)
    i = np.arange(1, n + 1)
    return _ss(n - np.sum(np.cos(x)) + i * (1 - np.cos(x)) - np.sin(x))


def broyden_tridiagonal(x):
    p = np.concatenate([[0.0], x, [0.0]])
    return _ss((3 - 2 * p[1:-1]) * p[1:-1] - p[:-2] - 2 * p[2:] + 1)


def extended_rosenbrock(x):
    x = np.asarray(x)
    return _ss(np.concatenate([10 * (x[1::2] - x[::2] ** 2), 1 - x[::2]]))


def extended_powell(x):
    return sum(powell_singular(x[i : i + 4]) for i in range(0, len(x), 4))


def himmelblau(x):
    return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2


def booth(x):
    return (x[0] + 2 * x[1] - 7) ** 2 + (2 * x[0] + x[1] - 5) ** 2


def goldstein_price(x):
    a, b = x
    return (1 + (a + b + 1) ** 2 * (19 - 14 * a + 3 * a**2 - 14 * b + 6 * a * b + 3 * b**2)) * (
        30 + (2 * a - 3 * b) ** 2 * (18 - 32 * a + 12 * a**2 + 48 * b - 36 * a * b + 27 * b**2))


def ill_conditioned_quadratic(x):
    n = len(x)
    q = np.eye(n) - 2.0 / n * np.ones((n, n))
    d = np.arange(1, n + 1) ** 4.0
    z = q @ x
    return 0.5 * float(z @ (d * z))


TWINS = {
    "rosenbrock": rosenbrock, "freudenstein-roth": freudenstein_roth, "powell-badly-scaled": powell_badly_scaled,
    "brown-badly-scaled": brown_badly_scaled, "beale": beale, "helical-valley": helical_valley, "box-3d": box_3d,
    "powell-singular": powell_singular, "wood": wood, "biggs-exp6": biggs_exp6, "watson": watson,
    "penalty-1": penalty_1, "trigonometric": trigonometric, "broyden-tridiagonal": broyden_tridiagonal,
    "extended-rosenbrock": extended_rosenbrock, "extended-powell": extended_powell, "himmelblau": himmelblau,
    "booth": booth, "goldstein-price": goldstein_price, "ill-conditioned-quadratic": ill_conditioned_quadratic,
}

# f(x0) values printed in the literature that quote MGH's starting points
# (e.g. Rosenbrock 24.2, Wood 19192, Powell singular 215, helical valley 2500).
PRINTED_F0 = {"rosenbrock": 24.2, "wood": 19192.0, "powell-singular": 215.0, "helical-valley": 2500.0,
              "beale": 14.203125}

# minimizers that MGH give only numerically
NUMERIC_X_STAR = {"powell-badly-scaled", "watson", "penalty-1"}


@pytest.fixture(scope="module")
def compiled():
    return {name: problems.get(name).compile() for name in problems.names()}


def test_the_library_covers_the_requested_problems():
    assert len(problems.names()) == 20 and set(problems.names()) == set(TWINS)


@pytest.mark.parametrize("name", problems.names())
def test_value_at_x0_matches_numpy_twin(name, compiled):
    p, twin = problems.get(name), TWINS[name]
    x0 = np.array(p.x0)
    assert compiled[name].fun(x0) == pytest.approx(twin(x0), rel=1e-12)
    # and at a second point off the start, to catch a wrong term that vanishes at x0
    x = x0 + 0.1 * np.random.default_rng(1).standard_normal(x0.size) + 0.05
    assert compiled[name].fun(x) == pytest.approx(twin(x), rel=1e-10)
    if name in PRINTED_F0:
        assert compiled[name].fun(x0) == pytest.approx(PRINTED_F0[name], rel=1e-14)


# trigonometric and broyden-tridiagonal: MGH give f* = 0 but no minimizer
WITH_X_STAR = [n for n in problems.names() if problems.get(n).x_star is not None]


def test_only_two_problems_lack_a_recorded_minimizer():
    assert sorted(set(problems.names()) - set(WITH_X_STAR)) == ["broyden-tridiagonal", "trigonometric"]


@pytest.mark.parametrize("name", WITH_X_STAR)
def test_f_at_x_star_is_f_star_and_gradient_vanishes(name, compiled):
    p = problems.get(name)
    x = np.array(p.x_star)
    assert compiled[name].fun(x) == pytest.approx(p.f_star, rel=1e-12, abs=1e-20)
    assert np.max(np.abs(compiled[name].jac(x))) <= 1e-6
    if name not in NUMERIC_X_STAR:
        # exact: substitute the minimizer as rationals into the SymPy expression
        exact = p.expression.subs({v: sp.nsimplify(c, rational=True) for v, c in zip(p.variables, p.x_star)})
        assert sp.simplify(exact - sp.nsimplify(p.f_star)) == 0


@pytest.mark.parametrize("name", ["powell-badly-scaled", "penalty-1"])
def test_numeric_minimizers_rederived_in_40_digits(name):
    """Newton's method on the gradient in 40-digit arithmetic from the recorded x* stays at x*."""
    p = problems.get(name)
    grad = [sp.diff(p.expression, v) for v in p.variables]
    f = sp.lambdify([p.variables], p.expression, "mpmath")
    g = sp.lambdify([p.variables], grad, "mpmath")
    h = sp.lambdify([p.variables], sp.Matrix(grad).jacobian(p.variables), "mpmath")
    with mp.workdps(40):
        x = mp.matrix([mp.mpf(v) for v in p.x_star])
        for _ in range(6):
            x = x - mp.lu_solve(mp.matrix(h(list(x))), mp.matrix(g(list(x))))
        assert [float(v) for v in x] == pytest.approx(p.x_star, rel=1e-13, abs=1e-18)
        assert float(f(list(x))) == pytest.approx(p.f_star, rel=1e-13, abs=1e-30)


def test_watson_minimizer_rederived_in_40_digits():
    """Newton's method with MGH's residuals differentiated by hand: r_i, J_ij, and ∇²r_i = -2 t^(j-1) t^(k-1)."""
    p = problems.get("watson")
    n = 6

    def parts(x):
        rows = []
        for i in range(1, 30):
            t = mp.mpf(i) / 29
            s2 = sum(x[j] * t**j for j in range(n))
            r = sum(j * x[j] * t ** (j - 1) for j in range(1, n)) - s2**2 - 1
            jac = [(j * t ** (j - 1) if j else 0) - 2 * s2 * t**j for j in range(n)]
            hr = [[-2 * t**j * t**k for k in range(n)] for j in range(n)]
            rows.append((r, jac, hr))
        zero = [[0] * n for _ in range(n)]
        h30 = [row[:] for row in zero]
        h31 = [row[:] for row in zero]
        h31[0][0] = -2
        rows.append((x[0], [1] + [0] * (n - 1), h30))
        rows.append((x[1] - x[0] ** 2 - 1, [-2 * x[0], 1] + [0] * (n - 2), h31))
        return rows

    with mp.workdps(40):
        x = [mp.mpf(v) for v in p.x_star]
        for _ in range(6):
            rows = parts(x)
            g = mp.matrix([2 * sum(r * jac[a] for r, jac, _ in rows) for a in range(n)])
            h = mp.matrix([[2 * sum(jac[a] * jac[b] + r * hr[a][b] for r, jac, hr in rows) for b in range(n)]
                           for a in range(n)])
            x = list(mp.matrix(x) - mp.lu_solve(h, g))
        assert [float(v) for v in x] == pytest.approx(p.x_star, rel=1e-12)
        assert float(sum(r**2 for r, _, _ in parts(x))) == pytest.approx(p.f_star, rel=1e-13)


def test_mgh_printed_optimal_values():
    # MGH print f* = 2.28767e-3 for Watson (n = 6) and 2.24997e-5 for Penalty I (n = 4)
    assert problems.get("watson").f_star == pytest.approx(2.28767e-3, rel=1e-5)
    assert problems.get("penalty-1").f_star == pytest.approx(2.24997e-5, rel=1e-5)


@pytest.mark.parametrize("name", problems.names())
def test_compiled_gradient_and_hessian_pass_the_checker(name, compiled):
    p = problems.get(name)
    obj = compiled[name]
    x0 = np.array(p.x0)
    scale = max(1.0, abs(obj.fun(x0)))
    # the badly scaled problems need a relative step; the checker's tolerance is relative too
    h = 1e-5 * max(1.0, float(np.max(np.abs(x0))))
    check_grads(obj.fun, obj.jac, x0, hess=obj.hess, h=h, rtol=1e-6 if scale < 1e6 else 1e-4)


def test_freudenstein_roth_local_minimum_is_recorded_and_real(compiled):
    # MGH: a local minimum f = 48.9842... besides the global f* = 0
    from scipy.optimize import minimize

    obj = compiled["freudenstein-roth"]
    res = minimize(obj.fun, [11.4, -0.9], jac=obj.jac, method="BFGS", options={"gtol": 1e-10})
    assert res.fun == pytest.approx(48.9842, rel=1e-5)
    assert "48.9842" in problems.get("freudenstein-roth").note and problems.get("freudenstein-roth").f_star == 0


def test_helical_valley_theta_matches_mgh_piecewise_definition():
    # atan2(-x1, x2)/2π + 1/4 against MGH's arctan(x2/x1)/2π (+1/2 for x1 < 0) away from x1 = 0
    rng = np.random.default_rng(0)
    p = problems.get("helical-valley")
    f = p.compile().fun
    for x in rng.uniform(-3, 3, (50, 3)):
        if abs(x[0]) > 1e-3:
            assert f(x) == pytest.approx(helical_valley(x), rel=1e-12)


# --------------------------------------------------------------------------- user problems


def test_from_expression_parses_and_orders_variables():
    p = Problem.from_expression("(y - 1)^2 + beta^2", "0.5, 2", f_star="0")
    assert [v.name for v in p.variables] == ["beta", "y"] and p.x0 == (0.5, 2.0) and p.f_star == 0.0
    assert p.compile().fun(np.array(p.x0)) == pytest.approx(0.25 + 1.0)


@pytest.mark.parametrize(
    "text, x0, kwargs, message",
    [
        ("x^2 + y^2", [1.0], {}, "x0 has 1 value"),
        ("x^2 + y^2", [1.0, math.nan], {}, "finite"),
        ("x^2 + y^2", [1.0, math.inf], {}, "finite"),
        ("x^2 + y^2", "1, two", {}, "comma-separated numbers"),
        ("x^2 + z", [1.0, 2.0], {"variables": "x,y"}, "not among the variables"),
        ("x^2", [1.0, 2.0], {"variables": "x,x"}, "distinct"),
        ("3", [], {}, "no variables"),
        ("__import__('os').system('true')", [1.0], {}, "not allowed"),
        ("x^2", [1.0], {"f_star": math.inf}, "f* must be finite"),
    ],
)
def test_from_expression_rejects_bad_input(text, x0, kwargs, message):
    with pytest.raises(InputError, match=message):
        Problem.from_expression(text, x0, **kwargs)


def test_unknown_problem_suggests_a_name():
    with pytest.raises(InputError, match="did you mean 'wood'"):
        problems.get("wod")
