r"""The Moré–Thuente line search (MINPACK-2 ``dcsrch`` and ``dcstep``), with NaN backtracking.

A step :math:`\alpha` is sought with

.. math:: \phi(\alpha) \le \phi(0) + c_1 \alpha \phi'(0), \qquad |\phi'(\alpha)| \le c_2 |\phi'(0)|

(the strong Wolfe conditions, Nocedal & Wright eqs. 3.7a-b) for
:math:`\phi(\alpha) = f(x + \alpha d)`.  Every trial evaluates :math:`\phi`
and :math:`\phi'` together.  An interval :math:`[\alpha_x, \alpha_y]` is kept
that contains a minimizer of :math:`\psi(\alpha) = \phi(\alpha) - \phi(0) -
c_1 \alpha \phi'(0)` (of :math:`\phi` itself once a step with :math:`\psi \le 0`
and :math:`\phi' \ge 0` is seen); :func:`safeguarded_step` chooses the next
trial from cubic and quadratic interpolants in four cases; before the
interval is bracketed the step grows by a factor in :math:`[1.1, 4]`, and a
bracket that did not shrink to 0.66 of its width in two trials is bisected
(J. J. Moré and D. J. Thuente, "Line search algorithms with guaranteed
sufficient decrease", *ACM TOMS* 20 (1994) 286-307; the MINPACK-2 code
``dcsrch``/``dcstep``, which SciPy's BFGS, CG and L-BFGS-B use).

A trial where :math:`\phi` or :math:`\phi'` is NaN or infinite is not given to
``dcstep``: the step is too long, so it becomes an upper bound for every later
trial and the next trial is :math:`\alpha_x + 0.1(\alpha - \alpha_x)`.

Examples
========

>>> import numpy as np
>>> from numerics.solve.line_search import Line
>>> line = Line.of(lambda x: float(x @ x), lambda x: 2 * x, np.array([1.0, 2.0]), np.array([-1.0, -2.0]))
>>> r = more_thuente(line, alpha0=0.3, c2=0.1)      # phi(a) = 5 (1 - a)**2
>>> r.success, abs(r.slope) <= 0.1 * 10, r.f <= 5 + 1e-4 * r.alpha * (-10)
(True, True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from numerics.solve.line_search import Line, LineSearchResult

__all__ = ["more_thuente", "safeguarded_step", "Bracket"]

_XTRAPL, _XTRAPU = 1.1, 4.0  # before bracketing: the next trial lies in [1.1, 4] × the last increase
_P66 = 0.66  # a bracket that did not shrink below 0.66 of its width in two trials is bisected


@dataclass(frozen=True)
class Bracket:
    r"""The interval ends :math:`\alpha_x` (best so far), :math:`\alpha_y` with their values and slopes.

    ``bracketed``: a minimizer is known to lie between ``stx`` and ``sty``.
    """

    stx: float
    fx: float
    dx: float
    sty: float
    fy: float
    dy: float
    bracketed: bool


def _cubic_gamma(theta: float, da: float, db: float, clip: bool = False) -> float:
    s = max(abs(theta), abs(da), abs(db))
    radicand = (theta / s) ** 2 - (da / s) * (db / s)
    return s * math.sqrt(max(0.0, radicand) if clip else radicand)


def safeguarded_step(b: Bracket, stp: float, fp: float, dp: float, stmin: float, stmax: float
                     ) -> tuple[Bracket, float]:
    r"""The new interval and the next trial step after the trial ``stp`` (MINPACK-2 ``dcstep``).

    Case 1, :math:`\phi_p > \phi_x`: the cubic minimizer if it is closer to
    :math:`\alpha_x` than the quadratic one (through :math:`\phi_x, \phi_x',
    \phi_p`), else their midpoint; a minimizer is bracketed.  Case 2, slopes of
    opposite sign: the cubic or the secant step, whichever is farther from
    ``stp``; bracketed.  Case 3, :math:`|\phi_p'|` decreasing: the cubic step
    if the cubic tends to infinity in that direction, else the secant step,
    the nearer one when bracketed (then kept within 0.66 of the way to
    :math:`\alpha_y`), the farther one otherwise.  Case 4: the cubic through
    ``stp`` and :math:`\alpha_y` when bracketed, else an end of
    :math:`[\text{stmin}, \text{stmax}]`.

    Examples
    ========

    >>> b = Bracket(0.0, 0.0, -1.0, 0.0, 0.0, -1.0, False)
    >>> nb, step = safeguarded_step(b, 1.0, 1.0, 3.0, 0.0, 5.0)   # a higher value at 1: case 1
    >>> nb.bracketed, nb.stx, nb.sty, 0.0 < step < 1.0
    (True, 0.0, 1.0, True)
    """
    stx, fx, dx, sty, fy, dy, brackt = b.stx, b.fx, b.dx, b.sty, b.fy, b.dy, b.bracketed
    sgnd = dp * math.copysign(1.0, dx)
    if fp > fx:  # case 1: higher value, the minimum is bracketed
        theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp
        gamma = _cubic_gamma(theta, dx, dp)
        if stp < stx:
            gamma = -gamma
        p, q = (gamma - dx) + theta, ((gamma - dx) + gamma) + dp
        stpc = stx + p / q * (stp - stx)
        stpq = stx + dx / ((fx - fp) / (stp - stx) + dx) / 2.0 * (stp - stx)
        stpf = stpc if abs(stpc - stx) < abs(stpq - stx) else stpc + (stpq - stpc) / 2.0
        brackt = True
    elif sgnd < 0:  # case 2: lower value, slopes of opposite sign: bracketed
        theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp
        gamma = _cubic_gamma(theta, dx, dp)
        if stp > stx:
            gamma = -gamma
        p, q = (gamma - dp) + theta, ((gamma - dp) + gamma) + dx
        stpc = stp + p / q * (stx - stp)
        stpq = stp + dp / (dp - dx) * (stx - stp)
        stpf = stpc if abs(stpc - stp) > abs(stpq - stp) else stpq
        brackt = True
    elif abs(dp) < abs(dx):  # case 3: lower value, same sign, the slope decreases in magnitude
        theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp
        gamma = _cubic_gamma(theta, dx, dp, clip=True)
        if stp > stx:
            gamma = -gamma
        p, q = (gamma - dp) + theta, (gamma + (dx - dp)) + gamma
        r = p / q
        if r < 0 and gamma != 0:
            stpc = stp + r * (stx - stp)
        else:
            stpc = stmax if stp > stx else stmin
        stpq = stp + dp / (dp - dx) * (stx - stp)
        if brackt:
            stpf = stpc if abs(stpc - stp) < abs(stpq - stp) else stpq
            far = stp + _P66 * (sty - stp)
            stpf = min(far, stpf) if stp > stx else max(far, stpf)
        else:
            stpf = stpc if abs(stpc - stp) > abs(stpq - stp) else stpq
            stpf = max(stmin, min(stmax, stpf))
    else:  # case 4: lower value, same sign, the slope does not decrease
        if brackt:
            theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp
            gamma = _cubic_gamma(theta, dy, dp)
            if stp > sty:
                gamma = -gamma
            p, q = (gamma - dp) + theta, ((gamma - dp) + gamma) + dy
            stpf = stp + p / q * (sty - stp)
        else:
            stpf = stmax if stp > stx else stmin
    if fp > fx:
        sty, fy, dy = stp, fp, dp
    else:
        if sgnd < 0:
            sty, fy, dy = stx, fx, dx
        stx, fx, dx = stp, fp, dp
    return Bracket(stx, fx, dx, sty, fy, dy, brackt), stpf


def more_thuente(
    line: Line,
    alpha0: float = 1.0,
    *,
    c1: float = 1e-4,
    c2: float = 0.9,
    xtol: float = 1e-14,
    alpha_min: float = 0.0,
    alpha_max: float = 1e10,
    max_evaluations: int = 40,
) -> LineSearchResult:
    r"""A step satisfying the strong Wolfe conditions by the Moré–Thuente search (MINPACK-2 ``dcsrch``).

    ``c1``, ``c2``: the constants of the conditions (``ftol``, ``gtol`` in
    MINPACK); ``xtol``: stop when the bracket is shorter than ``xtol`` times
    its right end (SciPy's ``line_search_wolfe1`` default, 1e-14); the step
    stays in ``[alpha_min, alpha_max]``.  A search that cannot meet both
    conditions returns the lowest sufficient-decrease step it saw
    (``success`` false).

    Examples
    ========

    >>> import numpy as np
    >>> f = lambda x: float((x[0] - 3.0)**4)
    >>> g = lambda x: np.array([4 * (x[0] - 3.0)**3])
    >>> r = more_thuente(Line.of(f, g, np.zeros(1), np.ones(1)), alpha0=1.0)
    >>> r.success and abs(r.slope) <= 0.9 * 108
    True
    """
    f0, d0 = line.f0, line.slope0
    best = (0.0, f0, d0, None)  # the lowest value found that satisfies sufficient decrease
    evaluations, smallest, nonfinite = 0, math.inf, False

    def result(alpha, f, d, g, success, message=""):
        return LineSearchResult(alpha, f, g, d, success, f < f0, evaluations, smallest, nonfinite, message)

    def give_up(message):
        a, f, d, g = best
        return result(a, f, d, g, False, message)

    if not (d0 < 0):
        return give_up("not a descent direction")
    gtest = c1 * d0
    bracket = Bracket(0.0, f0, d0, 0.0, f0, d0, False)
    stage = 1
    stp = min(max(alpha0, alpha_min), alpha_max)
    upper = alpha_max  # lowered to the shortest step that gave NaN or infinity
    width, width1 = alpha_max - alpha_min, 2.0 * (alpha_max - alpha_min)
    stmin, stmax = 0.0, stp + _XTRAPU * stp
    while evaluations < max_evaluations:
        evaluations += 1
        smallest = min(smallest, stp)
        f = line.value(stp)
        d, g = (line.slope(stp) if math.isfinite(f) else (math.nan, None))
        if not (math.isfinite(f) and math.isfinite(d) and g is not None and np.all(np.isfinite(g))):
            nonfinite = True  # too long: every later trial stays below it
            upper = stp
            stp = bracket.stx + 0.1 * (stp - bracket.stx)
            if stp <= alpha_min or stp - bracket.stx <= 1e-15 * max(1.0, bracket.stx):
                return give_up("NaN or Inf at every step tried")
            continue
        ftest = f0 + stp * gtest
        if f <= ftest and f < best[1]:
            best = (stp, f, d, g)
        if f <= ftest and abs(d) <= -c2 * d0:
            return result(stp, f, d, g, True)
        if stage == 1 and f <= ftest and d >= 0:
            stage = 2
        if bracket.bracketed and (stp <= stmin or stp >= stmax):
            return give_up("rounding errors prevent progress")
        if bracket.bracketed and stmax - stmin <= xtol * stmax:
            return give_up("the bracket is shorter than xtol")
        if stp >= min(alpha_max, upper) and f <= ftest and d <= gtest:
            return give_up("the step reached its upper bound")
        if stp <= alpha_min and (f > ftest or d >= gtest):
            return give_up("the step reached alpha_min")
        if stage == 1 and f <= bracket.fx and f > ftest:  # dcstep on psi = phi - c1 alpha phi'(0)
            shifted = Bracket(bracket.stx, bracket.fx - bracket.stx * gtest, bracket.dx - gtest,
                              bracket.sty, bracket.fy - bracket.sty * gtest, bracket.dy - gtest, bracket.bracketed)
            nb, stp_new = safeguarded_step(shifted, stp, f - stp * gtest, d - gtest, stmin, stmax)
            bracket = Bracket(nb.stx, nb.fx + nb.stx * gtest, nb.dx + gtest, nb.sty, nb.fy + nb.sty * gtest,
                              nb.dy + gtest, nb.bracketed)
        else:
            bracket, stp_new = safeguarded_step(bracket, stp, f, d, stmin, stmax)
        stx, sty = bracket.stx, bracket.sty
        if bracket.bracketed:
            if abs(sty - stx) >= _P66 * width1:
                stp_new = stx + 0.5 * (sty - stx)
            width1, width = width, abs(sty - stx)
            stmin, stmax = min(stx, sty), max(stx, sty)
        else:
            stmin, stmax = stp_new + _XTRAPL * (stp_new - stx), stp_new + _XTRAPU * (stp_new - stx)
        stp_new = min(max(stp_new, alpha_min), alpha_max)
        if bracket.bracketed and (stp_new <= stmin or stp_new >= stmax or stmax - stmin <= xtol * stmax):
            stp_new = stx
        if stp_new >= upper:
            stp_new = stx + 0.5 * (upper - stx)
        if not math.isfinite(stp_new):
            return give_up("the interpolated step is not finite")
        stp = stp_new
    return give_up("too many evaluations")
