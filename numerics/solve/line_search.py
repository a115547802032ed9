r"""Line searches along a descent direction: strong Wolfe (bracket and zoom) and Armijo backtracking.

A line search looks at :math:`\phi(\alpha) = f(x + \alpha d)` for a direction
with :math:`\phi'(0) = \nabla f(x)^T d < 0` and returns a step :math:`\alpha`
satisfying

* the sufficient-decrease (Armijo) condition
  :math:`\phi(\alpha) \le \phi(0) + c_1 \alpha \phi'(0)`, and, for
  :func:`strong_wolfe`, also
* the strong curvature condition :math:`|\phi'(\alpha)| \le c_2 |\phi'(0)|`,

with :math:`0 < c_1 < c_2 < 1` (Nocedal & Wright, *Numerical Optimization*,
2nd ed., eqs. 3.7a-b; Algorithms 3.5 and 3.6).  Trial steps come from
safeguarded cubic interpolation of :math:`\phi` and :math:`\phi'`.  A NaN or
infinite :math:`\phi` is treated as "step too long" and shrinks the step.

The searches take the line as a :class:`Line`: ``value(alpha)`` gives
:math:`\phi` and ``slope(alpha)`` gives :math:`(\phi'(\alpha), \nabla f)` at the
same point.  The strong-Wolfe search asks for the gradient only at trial
steps that already satisfy sufficient decrease (elsewhere it interpolates
from values), so a rejected trial costs one function evaluation only.

Examples
========

>>> import numpy as np
>>> line = Line.of(lambda x: float(x @ x), lambda x: 2 * x, np.array([1.0, 2.0]), np.array([-1.0, -2.0]))
>>> r = strong_wolfe(line, alpha0=0.3, c2=0.1)      # phi(a) = 5 (1 - a)**2
>>> r.success, abs(r.slope) <= 0.1 * 10, r.f <= 5 + 1e-4 * r.alpha * (-10)
(True, True, True)
>>> backtracking(line, alpha0=4.0).alpha < 4.0
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Line", "LineSearchResult", "strong_wolfe", "backtracking", "cubic_minimizer"]


@dataclass(frozen=True)
class Line:
    r"""The restriction :math:`\phi(\alpha) = f(x + \alpha d)` with its value and slope at 0.

    ``value(alpha)`` evaluates :math:`f`; ``slope(alpha)`` evaluates the
    gradient at the same point and returns :math:`(\phi'(\alpha), \nabla f)`.
    """

    value: Callable[[float], float]
    slope: Callable[[float], tuple[float, np.ndarray]]
    f0: float
    slope0: float

    @staticmethod
    def of(fun, jac, x: np.ndarray, d: np.ndarray, f0: float | None = None, g0: np.ndarray | None = None) -> "Line":
        """The line through ``x`` along ``d`` for plain ``fun`` and ``jac`` callables."""
        f0 = fun(x) if f0 is None else f0
        g0 = jac(x) if g0 is None else g0

        def slope(alpha):
            g = jac(x + alpha * d)
            return float(g @ d), g

        return Line(lambda a: fun(x + a * d), slope, float(f0), float(g0 @ d))


@dataclass(frozen=True)
class LineSearchResult:
    """A step ``alpha`` with ``f`` (and gradient ``g`` if the search computed it) at ``x + alpha d``.

    ``success``: the search's conditions hold.  ``decreased``: ``f < f0``, so
    the step is usable even when the conditions do not hold.  ``smallest``: the
    shortest step tried (for stall detection); ``nonfinite``: a trial gave NaN/Inf.
    """

    alpha: float
    f: float
    g: np.ndarray | None
    slope: float
    success: bool
    decreased: bool
    evaluations: int
    smallest: float
    nonfinite: bool = False
    message: str = ""


def cubic_minimizer(a: float, fa: float, da: float, b: float, fb: float, db: float) -> float | None:
    r"""The minimizer of the cubic matching :math:`\phi` and :math:`\phi'` at ``a`` and ``b``.

    .. math:: d_1 = \phi'_a + \phi'_b - 3\frac{\phi_a-\phi_b}{a-b},\quad
              d_2 = \operatorname{sign}(b-a)\sqrt{d_1^2-\phi'_a\phi'_b},\quad
              \alpha = b - (b-a)\frac{\phi'_b + d_2 - d_1}{\phi'_b - \phi'_a + 2 d_2}

    (Nocedal & Wright eq. 3.59); ``None`` when the cubic has no minimizer.

    Examples
    ========

    >>> round(cubic_minimizer(0.0, 0.0, -2.0, 2.0, 0.0, 2.0), 12)   # phi = a**2 - 2 a
    1.0
    """
    if a == b:
        return None
    with np.errstate(all="ignore"):
        d1 = da + db - 3.0 * (fa - fb) / (a - b)
        disc = d1 * d1 - da * db
        if not math.isfinite(disc) or disc < 0:
            return None
        d2 = math.copysign(math.sqrt(disc), b - a)
        denom = db - da + 2.0 * d2
        if denom == 0:
            return None
        alpha = b - (b - a) * (db + d2 - d1) / denom
    return alpha if math.isfinite(alpha) else None


_ZOOM_MARGIN = 1e-3  # a zoom trial keeps this fraction of the bracket from either end
_EXTRAPOLATION = 10.0  # a bracketing step grows by at most this multiple of the last increase


def _finite(v: float) -> bool:
    return v is not None and math.isfinite(v)


def strong_wolfe(
    line: Line,
    alpha0: float = 1.0,
    *,
    c1: float = 1e-4,
    c2: float = 0.9,
    alpha_max: float = 1e10,
    max_evaluations: int = 40,
) -> LineSearchResult:
    r"""A step satisfying the strong Wolfe conditions (Nocedal & Wright Algorithms 3.5 and 3.6).

    The bracketing phase grows the step by cubic extrapolation (at most ten
    times the last increase) until it brackets an acceptable step; ``zoom``
    then shrinks the bracket ``[lo, hi]`` with cubic interpolation (bisection
    after two trials that did not halve the bracket), keeping the invariants: ``lo`` satisfies sufficient
    decrease with the lowest value found, and :math:`\phi'(lo)(hi - lo) < 0`.

    Examples
    ========

    >>> import numpy as np
    >>> f = lambda x: float((x[0] - 3.0)**4)
    >>> g = lambda x: np.array([4 * (x[0] - 3.0)**3])
    >>> r = strong_wolfe(Line.of(f, g, np.zeros(1), np.ones(1)), alpha0=1.0)
    >>> r.success and abs(r.slope) <= 0.9 * 108
    True
    """
    f0, d0 = line.f0, line.slope0
    best = (0.0, f0, d0, None)  # lowest value satisfying sufficient decrease
    evaluations = 0
    smallest = math.inf
    nonfinite = False

    def armijo(alpha, f):
        return f <= f0 + c1 * alpha * d0

    def evaluate(alpha, f_prev=math.inf):
        """phi(alpha); phi'(alpha) and the gradient only if sufficient decrease holds and f < f_prev."""
        nonlocal evaluations, smallest, nonfinite, best
        evaluations += 1
        smallest = min(smallest, alpha)
        f = line.value(alpha)
        if not _finite(f):
            nonfinite = True
            return math.inf, math.nan, None
        if not armijo(alpha, f) or f >= f_prev:
            return f, math.nan, None
        d, g = line.slope(alpha)
        if not (_finite(d) and np.all(np.isfinite(g))):
            nonfinite = True
            return math.inf, math.nan, None
        if f < best[1]:
            best = (alpha, f, d, g)
        return f, d, g

    def done(alpha, f, d, g, message=""):
        return LineSearchResult(alpha, f, g, d, True, f < f0, evaluations, smallest, nonfinite, message)

    def give_up(message):
        a, f, d, g = best
        return LineSearchResult(a, f, g, d, False, f < f0, evaluations, smallest, nonfinite, message)

    def zoom(lo, f_lo, d_lo, hi, f_hi, d_hi):
        slow = 0  # consecutive trials that did not halve the bracket: then bisect
        while evaluations < max_evaluations:
            width = hi - lo
            if abs(width) <= 1e-15 * max(abs(lo), abs(hi)) or abs(width) * abs(d0) <= 1e-17 * max(1.0, abs(f0)):
                return give_up("bracket shrank to floating-point resolution")
            trial = None
            if slow < 2:
                if _finite(f_hi) and _finite(d_hi):
                    trial = cubic_minimizer(lo, f_lo, d_lo, hi, f_hi, d_hi)
                if trial is None and _finite(f_hi):  # quadratic through phi(lo), phi'(lo), phi(hi)
                    denom = 2.0 * (f_hi - f_lo - d_lo * width)
                    trial = lo - d_lo * width * width / denom if denom > 0 else None
            margin = _ZOOM_MARGIN * abs(width)
            low, high = min(lo, hi) + margin, max(lo, hi) - margin
            if trial is None or not math.isfinite(trial):
                trial = lo + (0.5 if _finite(f_hi) else 0.1) * width  # overflow at hi: shrink fast
            trial = min(max(trial, low), high)
            f, d, g = evaluate(trial, f_lo)
            if not armijo(trial, f) or f >= f_lo:
                hi, f_hi, d_hi = trial, f, d
            else:
                if abs(d) <= -c2 * d0:
                    return done(trial, f, d, g)
                if d * (hi - lo) >= 0:
                    hi, f_hi, d_hi = lo, f_lo, d_lo
                lo, f_lo, d_lo = trial, f, d
            slow = slow + 1 if abs(hi - lo) > 0.5 * abs(width) else 0
        return give_up("too many evaluations while zooming")

    if not (d0 < 0):
        return give_up("not a descent direction")
    prev, f_prev, d_prev = 0.0, f0, d0
    alpha = min(alpha0, alpha_max)
    while evaluations < max_evaluations:
        f, d, g = evaluate(alpha, f_prev if evaluations > 0 else math.inf)
        if not _finite(f):  # overflow or NaN: the step is too long
            return zoom(prev, f_prev, d_prev, alpha, f, d)
        if not armijo(alpha, f) or (evaluations > 1 and f >= f_prev):
            return zoom(prev, f_prev, d_prev, alpha, f, d)
        if abs(d) <= -c2 * d0:
            return done(alpha, f, d, g)
        if d >= 0:
            return zoom(alpha, f, d, prev, f_prev, d_prev)
        if alpha >= alpha_max:
            return give_up("step reached alpha_max")
        step = alpha - prev
        trial = cubic_minimizer(prev, f_prev, d_prev, alpha, f, d)
        low, high = alpha + 1.1 * step, alpha + _EXTRAPOLATION * step
        trial = alpha + 2.0 * step if trial is None or trial <= alpha else min(max(trial, low), high)
        prev, f_prev, d_prev = alpha, f, d
        alpha = min(trial, alpha_max)
    return give_up("too many evaluations while bracketing")


def backtracking(
    line: Line,
    alpha0: float = 1.0,
    *,
    c1: float = 1e-4,
    shrink: tuple[float, float] = (0.1, 0.5),
    max_evaluations: int = 60,
) -> LineSearchResult:
    r"""The first step of a shrinking sequence that satisfies sufficient decrease (Armijo).

    Each new trial minimizes the quadratic (later cubic) interpolating the
    values tried so far, kept within ``shrink`` times the last step
    (Nocedal & Wright §3.5, eqs. 3.57-3.58).  Only :math:`\phi` is evaluated.

    Examples
    ========

    >>> import numpy as np
    >>> line = Line.of(lambda x: float(np.sum(x**2)), lambda x: 2 * x, np.array([1.0]), np.array([-10.0]))
    >>> r = backtracking(line)
    >>> r.success and r.f <= 1.0 + 1e-4 * r.alpha * (-20.0)
    True
    """
    f0, d0 = line.f0, line.slope0
    if not (d0 < 0):
        return LineSearchResult(0.0, f0, None, d0, False, False, 0, math.inf, False, "not a descent direction")
    alpha, evaluations, nonfinite = alpha0, 0, False
    prev = None  # (alpha, f) of the previous trial
    while evaluations < max_evaluations:
        evaluations += 1
        f = line.value(alpha)
        if not _finite(f):
            nonfinite = True
            f = math.inf
        if f <= f0 + c1 * alpha * d0:
            return LineSearchResult(alpha, f, None, math.nan, True, f < f0, evaluations, alpha, nonfinite)
        if math.isfinite(f) and prev is None:
            trial = -d0 * alpha * alpha / (2.0 * (f - f0 - d0 * alpha))
        elif math.isfinite(f) and math.isfinite(prev[1]):
            trial = _cubic_from_values(f0, d0, alpha, f, *prev)
        else:
            trial = None
        low, high = shrink[0] * alpha, shrink[1] * alpha
        trial = high if trial is None or not math.isfinite(trial) else min(max(trial, low), high)
        prev = (alpha, f)
        alpha = trial
        if alpha * abs(d0) <= 1e-17 * max(1.0, abs(f0)):
            break
    return LineSearchResult(0.0, f0, None, d0, False, False, evaluations, alpha, nonfinite,
                            "no sufficient decrease found")


def _cubic_from_values(f0, d0, a1, f1, a0, fa0) -> float | None:
    """Minimizer of the cubic through phi(0), phi'(0), phi(a1), phi(a0) (Nocedal & Wright eq. 3.58)."""
    r1 = f1 - f0 - d0 * a1
    r0 = fa0 - f0 - d0 * a0
    denom = a1 * a1 * a0 * a0 * (a1 - a0)
    if denom == 0:
        return None
    a = (a0 * a0 * r1 - a1 * a1 * r0) / denom
    b = (-a0**3 * r1 + a1**3 * r0) / denom
    if a == 0:
        return -d0 / (2.0 * b) if b != 0 else None
    disc = b * b - 3.0 * a * d0
    if disc < 0:
        return None
    return (-b + math.sqrt(disc)) / (3.0 * a)
