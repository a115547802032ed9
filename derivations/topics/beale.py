r"""Beale's function, seed 001's running example: all its critical points, and its asymptotic valley.

.. math::

    f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2

:math:`\partial f/\partial x = 0` is linear in :math:`x`; eliminating :math:`x`
leaves a polynomial in :math:`y` whose real roots give every critical point:
the global minimum :math:`(3, \tfrac12)`, a saddle near
:math:`(0.1005, -2.6445)` and a saddle at :math:`(0, 1)`.  So Beale's function
has exactly one local minimum.  Along :math:`x \to \pm\infty`,
:math:`y = 1 + c/x`, the value tends to :math:`\sum_i (y_i + i c)^2`, whose
least value :math:`405/896 \approx 0.452` is approached but never attained
(the gradient tends to zero there).  Seed 001 says momentum and Nesterov from
:math:`(-3, 3)` "find a local, but not global, minimum": there is none.

Examples
========

>>> d = RESULTS["beale.critical_points"]()
>>> d.result
405/896
"""

from __future__ import annotations

import sympy as sp

from derivations.record import Derivation, DerivativeOf, Differs, Equals, Holds, Step

__all__ = ["RESULTS", "beale_function"]

x, y, c, t = sp.symbols("x y c t", real=True)
R = sp.Rational
Y = (R(3, 2), R(9, 4), R(21, 8))


def beale_function() -> sp.Expr:
    r""":math:`f(x, y) = \sum_{i=1}^{3} (y_i - x(1 - y^i))^2`, :math:`y = (1.5, 2.25, 2.625)`."""
    return sp.Add(*[(Y[i - 1] - x * (1 - y**i)) ** 2 for i in (1, 2, 3)])


def _at(expr, point: dict):
    """``expr`` at ``point``, unevaluated: the verifier substitutes, not the constructor."""
    keys, values = tuple(point), tuple(point.values())
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr.shape[0], expr.shape[1], [sp.Subs(e, keys, values) for e in expr])
    return sp.Subs(expr, keys, values)


def critical_points() -> Derivation:
    f = beale_function()
    fx, fy = sp.diff(f, x), sp.diff(f, y)
    (x_of_y,) = sp.solve(fx, x)
    eliminated = sp.numer(sp.together(fy.subs(x, x_of_y)))
    claimed = 9 * (y - 1) ** 2 * (2 * y - 1) * (7 * y**2 + 13 * y + 17) * (3 * y**3 + 11 * y**2 + 10 * y + 5)
    hess = sp.hessian(f, (x, y))
    h_min = _at(hess, {x: 3, y: sp.Rational(1, 2)})
    h_01 = _at(hess, {x: 0, y: 1})
    cubic_root = sp.CRootOf(3 * y**3 + 11 * y**2 + 10 * y + 5, 0)
    h_saddle_det = sp.Determinant(_at(hess, {x: x_of_y.subs(y, cubic_root), y: cubic_root}))
    h_saddle = _at(hess, {x: x_of_y.subs(y, cubic_root), y: cubic_root})
    # the number of local minima among the critical points: det H > 0 and trace H > 0, counted unevaluated
    minima = sp.Add(*(sp.Piecewise((1, sp.And(sp.Determinant(h) > 0, sp.Trace(h) > 0)), (0, True))
                      for h in (h_min, h_01, h_saddle)), evaluate=False)
    x_c, det_min, det_saddle, c_sym = (sp.Symbol(n) for n in ("x_c", "det H(3,1/2)", "det H(x_c(r),r)", "c*"))
    valley = sp.Add(*[(Y[i - 1] + i * c) ** 2 for i in (1, 2, 3)])
    valley_ref = sp.cancel(f.subs({x: 1 / t, y: 1 + c * t})).subs(t, 0)
    c_star = sp.Rational(-111, 112)
    n_min = sp.Symbol("N_min")
    steps = (
        Step(sp.Symbol("f"), f, "Beale's function (MGH problem 5); seed 001's running example", "001"),
        Step(sp.Symbol("f_x"), sp.expand(fx), "differentiate", "", DerivativeOf(f, x)),
        Step(sp.Symbol("f_y"), sp.expand(fy), "differentiate", "", DerivativeOf(f, y)),
        Step(x_c, x_of_y, "f_x = 0 is linear in x: solve for x (valid where the denominator is not 0)",
             "", Holds(sp.Eq(fx.subs(x, x_c), 0))),
        Step(sp.Symbol("P"), claimed, "numerator of f_y(x_c(y), y): its real roots y = 1/2 and the root of the "
             "cubic give critical points; y = 1 zeroes the denominator of x_c, where (0, 1) is critical directly",
             "", Equals(eliminated)),
        Step(sp.Symbol("f_x(0,1)") + sp.Symbol("f_y(0,1)"), sp.Integer(0), "(0, 1) is critical", "",
             Equals(sp.Abs(_at(fx, {x: 0, y: 1})) + sp.Abs(_at(fy, {x: 0, y: 1})))),
        Step(sp.Symbol("H(3,1/2)"), sp.Matrix([[R(101, 32), R(-183, 16)], [R(-183, 16), R(369, 8)]]),
             "Hessian at (3, 1/2)", "", Equals(h_min)),
        Step(det_min, R(945, 64), "det > 0 and trace > 0: (3, 1/2) is a strict local minimum (f = 0, the global one)",
             "", Holds(sp.And(sp.Eq(det_min, sp.Determinant(h_min)), det_min > 0, sp.Trace(h_min) > 0))),
        Step(sp.Symbol("H(0,1)"), sp.Matrix([[0, R(111, 4)], [R(111, 4), 0]]), "Hessian at (0, 1)", "",
             Equals(h_01)),
        Step(sp.Symbol("det H(0,1)"), R(-12321, 16), "det < 0: (0, 1) is a saddle", "", Equals(sp.Determinant(h_01))),
        Step(det_saddle, h_saddle_det, "det < 0 at the cubic's real root r ≈ −2.6445: a saddle",
             "", Holds(det_saddle < 0)),
        Step(n_min, sp.Integer(2), "seed 001: momentum (and Nesterov) from (−3, 3) 'find a local, but not global, "
             "minimum', so Beale's function would have at least two local minima; counting the critical points "
             "of steps 5–11 with det H > 0 and trace H > 0 leaves one", "001", Differs(minima)),
        Step(sp.Symbol("f_valley"), valley, "x = 1/t, y = 1 + c t, t → 0: the residuals tend to y_i + i c", "",
             Equals(valley_ref)),
        Step(c_sym, c_star, "d/dc of the valley value = 0", "", Holds(sp.Eq(sp.diff(valley, c).subs(c, c_sym), 0))),
        Step(sp.Symbol("f_inf"), sp.Rational(405, 896), "the valley's value at c*: approached as |x| → ∞, never "
             "attained (no critical point there); methods that enter the valley drift outward", "",
             Equals(_at(valley, {c: c_star}))),
    )
    return Derivation(
        "beale.critical_points",
        "Beale's function has one local minimum (and a valley that looks like another)",
        steps,
        sp.Rational(405, 896),
        summary="Every critical point of Beale's function, by elimination: the minimum (3, 1/2) and two saddles; "
                "the infimum 405/896 along the valley y → 1, |x| → ∞ is not attained. Seed 001's 'local, but not "
                "global, minimum' found by momentum does not exist.",
        assumptions=("x, y real",),
        notes=("The benchmark page (bench.md) runs seed 001's methods from (2, −2) and (−3, 3) and shows where "
               "each ends.",),
        seeds=("001",),
    )


RESULTS = {"beale.critical_points": critical_points}
