r"""The symbolic tests: is an expression identically zero, does a condition hold under the assumptions?

Rational functions are cancelled exactly; square roots ``sqrt(P)`` are
eliminated (a change of variables, or reduction modulo ``r² − P``); anything
else goes to ``simplify``, all within a time bound.  ``None`` means undecided,
never "nonzero".

Examples
========

>>> import sympy as sp
>>> x = sp.Symbol("x", positive=True)
>>> symbolic_zero(sp.sqrt(x + 1)**2 - x - 1, 2.0)
True
>>> symbolic_zero(sp.sqrt(x**2) - x, 2.0)
True
>>> symbolic_zero(sp.sin(x)**2 + sp.cos(x)**2 - 1, 2.0)
True
>>> prove_condition(x**2 + 2*x + 1 > 0, 2.0)
True
"""

from __future__ import annotations

import sympy as sp

from derivations.deadline import TimeLimitExceeded, time_limit


def entries(expr: sp.Basic) -> list[sp.Basic]:
    return list(expr) if isinstance(expr, sp.MatrixBase) else [expr]


def _zero_modulo_radicals(entry: sp.Basic) -> bool:
    """Exact test for expressions rational in the variables and in square roots ``sqrt(P)``.

    Each distinct radical ``P**(k/2)`` becomes ``r**k`` for a new symbol ``r``; the
    numerator of the resulting rational function is then reduced modulo
    ``r**2 - P``.  A zero remainder proves the entry is zero.
    """
    radicals = [p for p in entry.atoms(sp.Pow) if p.exp.is_Rational and p.exp.q == 2]
    if not radicals:
        return sp.cancel(sp.together(entry)) == 0
    eliminated = _eliminate_radical(entry, radicals)
    if eliminated is not None:
        return sp.cancel(sp.together(eliminated)) == 0
    bases: dict[sp.Basic, sp.Symbol] = {}
    replace = {}
    for p in radicals:
        base = sp.expand(p.base)
        r = bases.setdefault(base, sp.Dummy("r", positive=True))
        replace[p] = r ** p.exp.p
    numerator, _ = sp.fraction(sp.cancel(sp.together(entry.xreplace(replace))))
    if numerator.atoms(sp.Pow) & set(radicals):
        return False
    for base, r in bases.items():
        numerator = sp.rem(sp.expand(numerator), r**2 - base, r)
    return sp.expand(numerator) == 0


def _eliminate_radical(entry: sp.Basic, radicals: list) -> sp.Basic | None:
    """Change variables so that a single radical ``sqrt(Q + s)`` becomes a symbol.

    If every radical has the same base ``Q + s`` where ``s`` is a symbol that
    occurs in the base linearly with coefficient 1 (like ε in ``sqrt(σ² + ε)``),
    substituting ``s = r² − Q`` (``r > 0``) is a bijection onto its range, and
    the entry becomes a rational function of ``r`` and the other symbols: it is
    zero exactly when that rational function is.
    """
    bases = {sp.expand(p.base) for p in radicals}
    if len(bases) != 1:
        return None
    (base,) = bases
    for s in sorted(base.free_symbols, key=str):
        coeff = base.coeff(s)
        if coeff == 1 and not (base - s).has(s):
            r = sp.Dummy("r", positive=True)
            rest = base - s
            replaced = entry.xreplace({p: r ** p.exp.p for p in radicals})
            return replaced.xreplace({s: r**2 - rest})
    return None


def symbolic_zero(diff: sp.Basic, seconds: float | None) -> bool | None:
    """True if ``diff`` is provably zero within ``seconds``; ``None`` if undecided."""
    try:
        with time_limit(seconds):
            for entry in entries(diff):
                if entry == 0:
                    continue
                if _zero_modulo_radicals(entry):
                    continue
                if sp.simplify(entry) != 0:
                    return None
            return True
    except (TimeLimitExceeded, sp.PolynomialError, sp.polys.polyerrors.PolificationFailed):
        return None


_SIGN = {sp.StrictGreaterThan: (1, True), sp.GreaterThan: (1, False), sp.StrictLessThan: (-1, True),
         sp.LessThan: (-1, False)}


def prove_condition(condition: sp.Basic, seconds: float) -> bool:
    """True if SymPy shows ``condition`` under the assumptions: the sign of the difference or of its factors."""
    try:
        with time_limit(seconds):
            return _proved(condition)
    except (TimeLimitExceeded, TypeError, ValueError):
        return False


def _proved(c: sp.Basic) -> bool:
    if c is sp.true:
        return True
    if isinstance(c, sp.And):
        return all(_proved(a) for a in c.args)
    if isinstance(c, sp.Equality):
        return bool(symbolic_zero(c.lhs - c.rhs, None))
    if type(c) in _SIGN:
        sign, strict = _SIGN[type(c)]
        gap = sign * (c.lhs - c.rhs)
        for form in (gap, sp.factor(gap), sp.simplify(gap)):
            if (form.is_positive if strict else form.is_nonnegative):
                return True
    return sp.simplify(c) is sp.true
