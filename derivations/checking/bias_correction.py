r"""Bias correction of a zero-started moving average: does the corrected value equal a constant input?

A moving average :math:`x_t = \rho x_{t-1} + (1 - \rho) u_t` started at
:math:`x_0 = 0` is biased towards zero: for a constant input u it is
:math:`x_t = (1 - \rho^t) u`, the recurrence solved for all t by
:mod:`derivations.checking.recurrences` (a geometric sum).  A correction
:math:`\hat x_t = k(t)\, x_t` is an unbiased estimate only if
:math:`\hat x_t = u` at every step:

* :func:`corrected_average` proves :math:`k(t)(1 - \rho^t) u = u` for all t
  (ρ ∈ (0, 1)), or refutes it at the first t where it fails, with both values;
* :func:`fed_back_average` checks an accumulator that stores its corrected
  value, :math:`x_t = (\rho x_{t-1} + (1 - \rho) u)/c(t)`: its decay depends on
  t, so it is unrolled at t = 1, …, 6.

Examples
========

>>> rho, u, n = sp.Symbol("rho"), sp.Symbol("u"), sp.Symbol("n")
>>> corrected_average(rho, u, 1 / (1 - rho**n), n).holds
True
>>> wrong = corrected_average(rho, u, 1 / (1 - rho), n)
>>> wrong.holds, wrong.t, wrong.estimate
(False, 2, 'u*(rho + 1) = 19*u/10')
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derivations.checking.recurrences import geometric_ratio, geometric_sum, linear_recurrence

__all__ = ["Unbiasedness", "corrected_average", "fed_back_average", "moving_average", "readable"]

STEPS = 6  # how far an accumulator whose decay depends on t is unrolled
SAMPLE = sp.Rational(9, 10)  # the decay at which a refuted estimate is also shown as a number


@dataclass(frozen=True)
class Unbiasedness:
    """Whether a corrected average equals a constant input at every step, and how that was shown."""

    holds: bool | None
    method: str
    t: int | None = None  # the first step where it fails
    estimate: str | None = None  # the estimate at that step
    input: str | None = None
    diagnosis: str = ""


def readable(expr) -> str:
    """An expression as text, the previous and current values of a state (``v__old``) under its own name.

    >>> readable(sp.Symbol("v__old") + sp.Symbol("g"))
    'g + v'
    """
    if isinstance(expr, sp.Basic):
        expr = expr.xreplace({s: sp.Symbol(s.name.split("__")[0]) for s in expr.free_symbols if "__" in s.name})
    return sp.sstr(expr)


def moving_average(value, old: sp.Symbol):
    """``(ρ, u, c)`` when ``value`` is ``(ρ·old + (1 − ρ) u) / c`` (c = 1 for a plain average), else ``None``.

    >>> rho, u, T, x = sp.symbols("rho u T x")
    >>> moving_average((rho * x + (1 - rho) * u) / (1 - rho**T), x)
    (rho, u, 1 - rho**T)
    >>> moving_average(x + u**2, x) is None
    True
    """
    num, den = sp.fraction(sp.together(value))
    if old in den.free_symbols or not num.has(old) or sp.Poly(num, old).degree() != 1:
        return None
    rho = sp.diff(num, old)
    if not isinstance(rho, sp.Symbol):
        return None
    u = sp.cancel((num - rho * old) / (1 - rho))
    if rho in u.free_symbols or old in u.free_symbols:
        return None
    return rho, u, den


def corrected_average(rho: sp.Symbol, u, factor, n: sp.Symbol) -> Unbiasedness:
    """``factor(n) · x_n = u`` for the zero-started average ``x_n`` of a constant u: for all n, or where it fails."""
    t = sp.Symbol("t", positive=True, integer=True)
    X = linear_recurrence("X", "x_{{{}}}", rho, lambda k: (1 - rho) * u)
    unrolled = X(t).unrolled()  # Σ_{k=1}^t ρ^(t−k) (1 − ρ) u, by induction on t
    (k, lo, hi), = unrolled.limits
    coefficient, ratio = geometric_ratio([f for f in sp.Mul.make_args(unrolled.function) if f.has(k)], k)
    rest = sp.Mul(*(f for f in sp.Mul.make_args(unrolled.function) if not f.has(k)))
    closed = rest * coefficient * geometric_sum(ratio, lo, hi).args[1][0]  # the branch ρ ≠ 1: ρ ∈ (0, 1)
    gap = sp.simplify(sp.powsimp(sp.together(factor.xreplace({n: t}) * closed - u)))
    if gap == 0:
        return Unbiasedness(True, f"proved for all t (x_t = (1 − {rho}^t)·u: the zero-started average solved as a "
                                  "linear recurrence)")
    for step in range(1, STEPS + 1):
        estimate = sp.cancel(factor.xreplace({n: step}) * X(step))  # a rational function of ρ and u
        if sp.cancel(estimate - u) != 0:
            return Unbiasedness(False, f"refuted at t = {step} ({rho} ∈ (0, 1))", step,
                                f"{readable(sp.factor(estimate))} = {readable(estimate.xreplace({rho: SAMPLE}))}",
                                readable(u), f"at t = {step} the estimate is {readable(sp.factor(estimate / u))} times "
                                "the input (equal at t = 1 only)" if step > 1 else "not the input even at t = 1")
    return Unbiasedness(None, f"no t ≤ {STEPS} where the estimate differs, but no proof for all t")


def fed_back_average(rho: sp.Symbol, u, c, n: sp.Symbol, name: str) -> Unbiasedness:
    """``x_t = (ρ x_{t−1} + (1 − ρ) u)/c(t)`` from ``x_0 = 0`` equals u for t = 1, …, STEPS, or where it fails."""
    x = sp.S.Zero
    for step in range(1, STEPS + 1):
        x = sp.cancel((rho * x + (1 - rho) * u) / c.xreplace({n: step}))
        if sp.cancel(x - u) != 0:
            return Unbiasedness(False, f"refuted at t = {step}: the corrected value is fed back into {name} ({rho} ∈ "
                                       f"(0, 1), {name}_0 = 0)", step,
                                f"{name}_{step} = {readable(sp.factor(x))} = {readable(x.xreplace({rho: SAMPLE}))}",
                                readable(u), f"the correction divides again what was already corrected: "
                                             f"{name}_{step} is {readable(sp.factor(x / u))} times the input")
    return Unbiasedness(True, f"checked for t ∈ {{1,…,{STEPS}}} (the corrected value is fed back into {name}; no "
                              "proof for all t)")
