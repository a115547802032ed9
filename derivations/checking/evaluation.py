r"""The evaluator: expressions at rational points, to :data:`DIGITS` significant digits with mpmath.

Shared subtrees are evaluated once; elementary functions go to mpmath, and
anything else to SymPy's adaptive ``evalf`` with the point passed as ``subs``
(never substituted symbolically).  A value that is not finite (or beyond
10³⁰⁰) is ``None``: the point is not evaluated, never counted as agreeing.

Examples
========

>>> x = sp.Symbol("x", positive=True)
>>> evaluate(sp.sqrt(x) * sp.exp(x), {x: sp.Rational(1, 4)})  # e^(1/4)/2
0.6420127083438707420367102840312182291681
>>> evaluate_all([1 / (x - 1)], {x: sp.Integer(1)}) is None
True
"""

from __future__ import annotations

from typing import Mapping, Sequence

import mpmath
import sympy as sp

from derivations.deadline import TimeLimitExceeded

__all__ = ["DIGITS", "as_mpmath", "as_sympy", "evaluate", "evaluate_all", "finite"]

DIGITS = 40

_MPMATH = {
    "exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan", "asin": "asin", "acos": "acos",
    "atan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "Abs": "fabs", "erf": "erf",
}


def _mp(expr: sp.Basic, point: Mapping, memo: dict):
    """``expr`` at the current mpmath precision; shared subtrees once."""
    if expr in memo:
        return memo[expr]
    if expr.is_Symbol:
        value = point[expr]
    elif expr.is_Rational:
        value = mpmath.mpf(expr.p) / expr.q
    elif expr.is_Float:
        value = mpmath.mpf(expr)
    elif expr.is_Add:
        value = mpmath.fsum(_mp(t, point, memo) for t in expr.args)
    elif expr.is_Mul:
        value = mpmath.fprod(_mp(t, point, memo) for t in expr.args)
    elif expr.is_Pow:
        base, e = _mp(expr.base, point, memo), expr.exp
        if e.is_Integer:
            value = base ** int(e)
        elif e.is_Rational and e.q == 2:
            value = mpmath.sqrt(base) ** e.p
        else:
            value = mpmath.power(base, _mp(e, point, memo))
    elif isinstance(expr, sp.Function) and type(expr).__name__ in _MPMATH:
        value = getattr(mpmath, _MPMATH[type(expr).__name__])(*(_mp(t, point, memo) for t in expr.args))
    elif isinstance(expr, sp.sign):
        value = mpmath.mpf(mpmath.sign(_mp(expr.args[0], point, memo)))
    elif isinstance(expr, (sp.Max, sp.Min)):
        values = [_mp(t, point, memo) for t in expr.args]
        value = max(values) if isinstance(expr, sp.Max) else min(values)
    else:  # anything else: SymPy's own evaluation of the subtree
        value = _evalf(expr, {k: v for k, v in point.items() if k in expr.free_symbols}, mpmath.mp.dps, None)
        if value is None:
            raise ValueError("not a finite number")
    memo[expr] = value
    return value


def _evalf(expr: sp.Basic, point: Mapping, digits: int, maxn: int | None):
    """SymPy's adaptive ``evalf`` with the point passed as ``subs`` (never substituted symbolically)."""
    subs = {k: (v if isinstance(v, sp.Basic) else sp.Float(mpmath.nstr(v, digits + 5), digits + 5))
            for k, v in point.items()}
    try:
        value = sp.N(expr, digits, subs=subs, maxn=maxn or 100)
    except TimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - whatever SymPy cannot evaluate is "not a finite number here"
        return None
    re, im = value.as_real_imag()
    if not (re.is_Number and im.is_Number) or not (re.is_finite and im.is_finite):
        return None
    re, im = mpmath.mpf(sp.Float(re, digits)._mpf_), mpmath.mpf(sp.Float(im, digits)._mpf_)
    return re if im == 0 else mpmath.mpc(re, im)


def finite(v) -> bool:
    return mpmath.isfinite(v) and abs(v) < mpmath.mpf(10) ** 300


def evaluate_all(exprs: Sequence[sp.Basic], point: Mapping, digits: int = DIGITS) -> list | None:
    """The expressions' values at ``point`` (rationals) to ``digits`` digits; ``None`` if one is not finite."""
    with mpmath.workdps(digits):
        values = {s: (mpmath.mpf(v.p) / v.q if v.is_Rational else mpmath.mpf(sp.Float(v, digits)._mpf_))
                  for s, v in point.items()}
        memo: dict = {}
        try:
            out = [_mp(e, values, memo) for e in exprs]
        except (ZeroDivisionError, ValueError, TypeError, OverflowError, KeyError):
            return None
        return out if all(finite(v) for v in out) else None


def evaluate(expr: sp.Basic, point: Mapping, digits: int = DIGITS, maxn: int | None = None):
    """``expr`` at ``point`` to ``digits`` digits, ``None`` where not finite.

    With ``maxn``, SymPy's adaptive ``evalf`` may raise its working precision up
    to ``maxn`` digits where terms cancel (the test of a difference of two large values).
    """
    if maxn is not None:
        with mpmath.workdps(digits):
            value = _evalf(expr, point, digits, maxn)
            return as_sympy(value) if value is not None and finite(value) else None
    out = evaluate_all([expr], point, digits)
    if out is None:
        return None
    with mpmath.workdps(digits):
        return as_sympy(out[0])


def as_mpmath(v):
    """A SymPy number as an mpmath value at :data:`DIGITS` digits (mpmath values pass through)."""
    if not isinstance(v, sp.Basic):
        return v
    re, im = (sp.Float(t, DIGITS) for t in v.as_real_imag())
    return mpmath.mpf(re._mpf_) if im == 0 else mpmath.mpc(mpmath.mpf(re._mpf_), mpmath.mpf(im._mpf_))


def as_sympy(v) -> sp.Basic:
    """An mpmath value as a SymPy number that keeps its digits under further arithmetic."""
    if isinstance(v, mpmath.mpc):
        return sp.Float(v.real, DIGITS) + sp.I * sp.Float(v.imag, DIGITS)
    return sp.Float(v, DIGITS)
