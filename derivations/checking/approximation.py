r"""An approximation ``a \approx b`` checked as one: a series in the small quantity, to the order it claims.

An approximation is not an identity: ``F(p) \approx F(p_0) + F'(p_0)(p - p_0)``
holds to first order in the step ``p - p_0``, not for every ``p``.  The small
quantities are read from the notation: an increment ``\Delta x`` (any name
spelled ``Delta…``), and ``x - x_0`` when both ``x`` and its expansion point
``x_0`` appear.  Every small quantity is scaled by one parameter ``t``
(``\Delta x \to t \Delta x``, ``x \to x_0 + t h_x``) and the difference of the
two sides is expanded in ``t`` about 0:

.. math::  D(t) = a(t) - b(t) = \sum_j c_j t^j.

With a stated order ``k`` ("2nd-order Taylor expansion") the approximation
holds when :math:`c_0 = \dots = c_k = 0`; without one, when ``D`` vanishes
to the leading order of the two sides (their lowest nonzero power of ``t``),
i.e. the relative error goes to 0 with ``t``.  Undefined functions (``F``)
are replaced by random polynomials plus a random exponential, and the other
symbols by random rationals: the verdict is *probed*, with the number of draws
said, never *proved*.

Examples
========

>>> import sympy as sp
>>> p, p0 = sp.symbols("p p_0", real=True)
>>> F = sp.Function("F")
>>> taylor = F(p0) + (p - p0) * sp.Derivative(F(p0), p0)
>>> r = check_series(F(p), taylor, small_quantities([F(p), taylor]), order=1)
>>> r.holds, r.checked_order
(True, 1)
>>> r = check_series(F(p), taylor, small_quantities([F(p), taylor]), order=2)
>>> r.holds, r.first_difference
(False, 2)
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = ["SeriesCheck", "check_series", "small_quantities", "stated_order", "partials_of_functions", "MAX_ORDER"]

MAX_ORDER = 4  # the highest power of t compared
DRAWS = 2
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "linear": 1, "quadratic": 2}
_ORDER = re.compile(r"\b(first|1st|second|2nd|third|3rd)[- ]order\b|\b(linear|quadratic) (?:approximation|model)\b",
                    re.I)


@dataclass(frozen=True)
class SeriesCheck:
    """The verdict on one approximation: whether it holds, to which order it was compared, and where it fails."""

    holds: bool
    checked_order: int  # the approximation was compared through t^checked_order
    stated: bool  # the order was stated by the document (else: the leading order of the two sides)
    small: tuple[str, ...]  # the small quantities, as the reader named them
    draws: int
    first_difference: int | None = None  # the lowest power of t at which the two sides differ
    point: tuple[tuple[str, str], ...] = ()
    claimed_coefficient: str | None = None
    reference_coefficient: str | None = None

    def method(self) -> str:
        """How it was checked, in words (the label says exactly what was shown)."""
        how = "the order stated" if self.stated else "the leading order of the two sides"
        return (f"series in {', '.join(self.small)} scaled by t, compared through t^{self.checked_order} ({how}); "
                f"probed with {self.draws} draws of random functions and points, not a proof")


def stated_order(text: str) -> int | None:
    """The order an approximation claims in words ("second-order", "2nd-order Taylor", "linear approximation").

    >>> stated_order("Using the 2nd-order Taylor Expansion of F"), stated_order("to first order"), stated_order("")
    (2, 1, None)
    """
    found = _ORDER.findall(text or "")
    if not found:
        return None
    word = (found[-1][0] or found[-1][1]).lower()
    return _ORDINAL[word]


def small_quantities(exprs) -> dict:
    """The small quantities of ``exprs`` and their scaled form: ``\\Delta x \\to t \\Delta x``, ``x \\to x_0 + t h_x``.

    >>> x, x0, dy = sp.symbols("x x_0 Deltay", real=True)
    >>> sorted((str(k), str(v)) for k, v in small_quantities([x - x0 + dy]).items())
    [('Deltay', 'Deltay*t'), ('x', 'h_x*t + x_0')]
    """
    names = {s.name: s for e in exprs if isinstance(e, sp.Basic) for s in e.free_symbols if isinstance(s, sp.Symbol)}
    t = sp.Symbol("t", real=True)
    out = {}
    for name, s in names.items():
        if name.startswith("Delta") and len(name) > 5:
            out[s] = t * s
        elif name + "_0" in names:
            out[s] = names[name + "_0"] + t * sp.Symbol(f"h_{name}", real=True)
    return out


_PARTIAL = re.compile(r"^d(?P<n>\d*)(?P<f>[A-Za-z][A-Za-z0-9]*?)_d(?P<vars>.+)$")


def partials_of_functions(exprs) -> dict | None:
    r"""``\frac{\partial F}{\partial x}`` (read as the name ``dF_dx``) as the derivative of ``F(x, y)``, the one
    application of ``F`` to plain names in ``exprs``; ``None`` when a partial of an applied function has no such
    point (the checker does not guess where it is taken).

    >>> x, y = sp.symbols("x y", real=True)
    >>> F = sp.Function("F")
    >>> partials_of_functions([F(x, y) + sp.Symbol("dF_dx") + sp.Symbol("d2F_dx_dy")])
    {d2F_dx_dy: Derivative(F(x, y), x, y), dF_dx: Derivative(F(x, y), x)}
    """
    apps = [a for e in exprs if isinstance(e, sp.Basic) for a in e.atoms(AppliedUndef)]
    out = {}
    for e in exprs:
        for s in sorted(e.free_symbols if isinstance(e, sp.Basic) else (), key=str):
            m = _PARTIAL.match(getattr(s, "name", ""))
            if not m or not any(a.func.__name__ == m.group("f") for a in apps):
                continue
            at = {a for a in apps if a.func.__name__ == m.group("f") and all(isinstance(x, sp.Symbol) for x in a.args)}
            if len(at) != 1:
                return None
            (point,) = at
            names = {x.name: x for x in point.args}
            variables = []
            for piece in m.group("vars").split("_d"):
                if piece in names:
                    variables.append((names[piece], 1))
                elif piece[:-1] in names and piece[-1].isdigit():
                    variables.append((names[piece[:-1]], int(piece[-1])))
                else:
                    return None
            if sum(n for _v, n in variables) != int(m.group("n") or 1):
                return None
            out[s] = sp.Derivative(point, *variables)
    return out


def _stand_in(arity: int, rng: random.Random) -> sp.Lambda:
    """A random polynomial of degree MAX_ORDER + 1 plus a random exponential: every derivative compared is nonzero."""
    us = sp.symbols(f"u0:{arity}", real=True)

    def r():
        return sp.Rational(rng.choice([-1, 1]) * rng.randint(1, 9), rng.randint(1, 5))

    body = r() + r() * sp.exp(sum((r() * u for u in us), sp.S.Zero) / 3)
    for degree in range(1, MAX_ORDER + 2):
        body += r() * sum(us, sp.S.Zero) ** degree + r() * us[rng.randrange(arity)] ** degree
    return sp.Lambda(us, body)


def _coefficients(expr, t, upto: int) -> list:
    """The Taylor coefficients c_0, …, c_upto of ``expr`` in ``t`` about 0, as 30-digit numbers."""
    out, term = [], expr
    for j in range(upto + 1):
        out.append(sp.N(term.subs(t, 0), 30) / sp.factorial(j))
        term = sp.diff(term, t)
    return out


def _zero(c, scale) -> bool:
    return abs(c) <= sp.Float("1e-18", 30) * (1 + scale)


def check_series(claimed, reference, small: dict, order: int | None = None, seed: int = 0,
                 draws: int = DRAWS) -> SeriesCheck:
    """Compare ``claimed`` with ``reference`` as series in the small quantities (see the module docstring)."""
    t = sp.Symbol("t", real=True)
    rng = random.Random(f"derivkit-series:{seed}")
    shown = tuple(sorted(str(s) for s in small))
    partials = partials_of_functions([claimed, reference]) or {}
    claimed, reference = sp.sympify(claimed).xreplace(partials), sp.sympify(reference).xreplace(partials)
    functions = {a.func: len(a.args) for e in (claimed, reference) for a in sp.sympify(e).atoms(AppliedUndef)}
    checked = order
    for _ in range(draws):
        mapping = {f: _stand_in(n, rng) for f, n in functions.items()}
        sides = []
        for side in (claimed, reference):
            e = sp.sympify(side).xreplace(small)
            for f, lam in mapping.items():
                e = e.replace(f, lam)
            sides.append(e.replace(lambda x: isinstance(x, (sp.Derivative, sp.Subs)), lambda x: x.doit()))
        point = {s: sp.Rational(rng.randint(-9, 9) or 1, rng.randint(1, 4))
                 for e in sides for s in e.free_symbols if s != t}
        a, b = (e.xreplace(point) for e in sides)
        upto = MAX_ORDER if order is None else min(order, MAX_ORDER)
        ca, cb = _coefficients(a, t, upto), _coefficients(b, t, upto)
        scale = max([abs(c) for c in ca + cb] + [sp.S.One])
        if order is None:
            leads = [next((j for j, c in enumerate(cs) if not _zero(c, scale)), upto) for cs in (ca, cb)]
            checked = min(leads)
        for j in range(checked + 1):
            if not _zero(ca[j] - cb[j], scale):
                return SeriesCheck(False, checked, order is not None, shown, draws, j,
                                   tuple(sorted((str(k), str(v)) for k, v in point.items())),
                                   sp.sstr(sp.N(ca[j], 10)), sp.sstr(sp.N(cb[j], 10)))
    return SeriesCheck(True, checked, order is not None, shown, draws)
