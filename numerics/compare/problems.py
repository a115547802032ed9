r"""Test functions for unconstrained minimization, as SymPy expressions.

Each :class:`Problem` holds the objective :math:`f`, its variables, the
standard starting point :math:`x_0`, the optimal value :math:`f^*` and (where
known in closed form or to full precision) a minimizer :math:`x^*`, with the
source it comes from.  Most are from Moré, Garbow & Hillstrom, "Testing
unconstrained optimization software", ACM TOMS 7(1):17–41, 1981 (MGH; the
problem numbers below are theirs).  Least-squares problems are written as
:math:`f(x) = \sum_{i=1}^m f_i(x)^2` with MGH's residuals :math:`f_i`.

:data:`PROBLEMS` maps names to builders; :func:`get` builds one by name;
:meth:`Problem.from_expression` makes a problem from user text (parsed, never
evaluated).  Compile a problem with :meth:`Problem.compile` (the compile bridge,
:func:`numerics.compile.objective`).

Examples
========

>>> p = get("rosenbrock")
>>> p.dimension, p.x0, p.f_star, p.x_star
(2, (-1.2, 1.0), 0.0, (1.0, 1.0))
>>> p.expression
(1 - x1)**2 + (-10*x1**2 + 10*x2)**2
>>> u = Problem.from_expression("(x - 1)^2 + 4*y^2", [0, 1], f_star=0)
>>> u.variables, u.x0, u.f_star
((x, y), (0.0, 1.0), 0.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import sympy as sp

from derivations.errors import InputError
from derivations.reading.parsing import parse_expression

__all__ = ["Problem", "PROBLEMS", "get", "names", "default_problems", "parse_point", "MGH"]

MGH = "Moré, Garbow & Hillstrom (1981), ACM TOMS 7(1):17–41"
JAMIL_YANG = "Jamil & Yang (2013), Int. J. Math. Model. Numer. Optim. 4(2):150–194"


@dataclass(frozen=True)
class Problem:
    r"""A test function: :math:`f`, variables, :math:`x_0`, :math:`f^*`, :math:`x^*` and its source.

    ``f_star`` is the global minimum value where known (``None`` otherwise);
    ``x_star`` a minimizer with :math:`f(x^*) = f^*`, or ``None`` when no
    closed form is known; ``note`` records local minima and other facts a
    reader of a benchmark needs.

    Examples
    ========

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> Problem("parabola", (x - 2)**2, (x,), (0.0,), 0.0, (2.0,), "a test").dimension
    1
    """

    name: str
    expression: sp.Expr
    variables: tuple[sp.Symbol, ...]
    x0: tuple[float, ...]
    f_star: float | None
    x_star: tuple[float, ...] | None
    source: str
    note: str = ""
    start: str | None = None  # how x0 differs from the standard start, e.g. "(2,-2)"; None for the standard one

    def __post_init__(self):
        if len(self.x0) != len(self.variables):
            raise InputError(f"{self.name}: x0 has {len(self.x0)} entries for {len(self.variables)} variables")
        if self.x_star is not None and len(self.x_star) != len(self.variables):
            raise InputError(f"{self.name}: x* has {len(self.x_star)} entries for {len(self.variables)} variables")

    @property
    def title(self) -> str:
        """The name, with the starting point appended when it is not the standard one.

        Examples
        ========

        >>> get("beale").title, get("beale").with_start((2, -2)).title
        ('beale', 'beale@(2,-2)')
        """
        return self.name if self.start is None else f"{self.name}@{self.start}"

    @property
    def dimension(self) -> int:
        """The number of variables :math:`n`."""
        return len(self.variables)

    def compile(self):
        """The compiled objective (``fun``, ``jac``, ``hess``, ``hessp``) through the compile bridge."""
        from numerics.compile import objective

        return objective(self.expression, self.variables)

    def with_start(self, x0: Sequence[float]) -> "Problem":
        """The same function from another starting point (recorded in :attr:`start`; the name is unchanged).

        Examples
        ========

        >>> p = get("beale").with_start((2, -2))
        >>> p.name, p.x0, p.start
        ('beale', (2.0, -2.0), '(2,-2)')
        """
        x0 = _finite_point(x0, self.dimension, "x0")
        return replace(self, x0=x0, start=f"({','.join(f'{v:g}' for v in x0)})")

    def renamed(self, *names: str) -> "Problem":
        """The same problem in variables called ``names``.

        Examples
        ========

        >>> get("booth").renamed("u", "v").expression
        (u + 2*v - 7)**2 + (2*u + v - 5)**2
        """
        if len(names) != self.dimension:
            raise InputError(f"{self.name}: {len(names)} names for {self.dimension} variables")
        new = tuple(sp.Symbol(n) for n in names)
        return replace(self, expression=self.expression.xreplace(dict(zip(self.variables, new))), variables=new)

    @classmethod
    def from_expression(
        cls,
        text: str,
        x0: Sequence[float] | str,
        f_star: float | str | None = None,
        *,
        variables: Sequence[str] | str | None = None,
        name: str = "user",
    ) -> "Problem":
        """A problem from user text, parsed by :func:`derivations.reading.parsing.parse_expression`.

        Variables are ``variables`` if given, else the expression's free symbols
        sorted by name; ``x0`` lists their starting values in that order.

        Examples
        ========

        >>> Problem.from_expression("x^2 + y", "1, 2").x0
        (1.0, 2.0)
        >>> Problem.from_expression("x^2 + y", [1])
        Traceback (most recent call last):
        ...
        derivations.errors.InputError: x0 has 1 value(s) but the expression has 2 variable(s): x, y
        >>> Problem.from_expression("x^2 + z", [1, 2], variables="x,y")
        Traceback (most recent call last):
        ...
        derivations.errors.InputError: the expression's symbol(s) z are not among the variables x, y
        """
        expr = parse_expression(text)
        free = sorted(expr.free_symbols, key=lambda s: s.name)
        if variables is None:
            chosen = free
        else:
            names_ = [v.strip() for v in variables.split(",")] if isinstance(variables, str) else list(variables)
            if not names_ or any(not v.isidentifier() for v in names_) or len(set(names_)) != len(names_):
                raise InputError(f"variables must be distinct names, got {','.join(names_)!r}")
            chosen = [parse_expression(v) for v in names_]
            extra = [s.name for s in free if s not in chosen]
            if extra:
                raise InputError(
                    f"the expression's symbol(s) {', '.join(extra)} are not among the variables "
                    f"{', '.join(s.name for s in chosen)}"
                )
        if not chosen:
            raise InputError("the expression has no variables to minimize over")
        if isinstance(x0, str):
            x0 = _numbers(x0, "x0")
        if len(x0) != len(chosen):
            raise InputError(
                f"x0 has {len(x0)} value(s) but the expression has {len(chosen)} variable(s): "
                f"{', '.join(s.name for s in chosen)}"
            )
        point = _finite_point(x0, len(chosen), "x0")
        if f_star is not None:
            f_star = _numbers(str(f_star), "f*")[0] if isinstance(f_star, str) else float(f_star)
            if not math.isfinite(f_star):
                raise InputError(f"f* must be finite, got {f_star}")
        return cls(name, expr, tuple(chosen), point, f_star, None, f"user expression {text.strip()}")


def _numbers(text: str, what: str) -> tuple[float, ...]:
    """Comma-separated numbers; an :class:`InputError` for anything else."""
    return tuple(float(v) for v in parse_point(text, what))


def parse_point(text: str, what: str, names: Sequence[str] | None = None) -> tuple[sp.Expr, ...]:
    """A point typed by a user: comma-separated numbers, or ``name=value`` pairs when ``names`` are given.

    Without ``names`` every item is a number as Python's ``float`` reads it;
    with ``names`` every name needs exactly one value, an expression that is a
    finite real number (``pi/2``), parsed by
    :func:`~derivations.reading.parsing.parse_expression`, never evaluated as code.

    Parameters
    ==========

    text : the user's text
    what : the option or field it came from (starts every error message)
    names : the variables, in the order of the result

    Returns
    =======

    tuple of SymPy numbers, in the order of ``names`` (or of ``text``)

    Examples
    ========

    >>> parse_point("1, 2.5", "x0")
    (1.00000000000000, 2.50000000000000)
    >>> parse_point("y=pi/2, x=1", "--at", ["x", "y"])
    (1, pi/2)
    >>> parse_point("x=1", "--at", ["x", "y"])
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --at: no value for y
    """
    if names is None:
        try:
            return tuple(sp.Float(float(v)) for v in text.split(","))
        except ValueError:
            raise InputError(f"{what} must be comma-separated numbers, got {text!r}") from None
    values: dict[str, sp.Expr] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"{what}: expected name=value, got {part.strip()!r}")
        if name not in names:
            raise InputError(f"{what}: {name!r} is not a variable of the expression (variables: {', '.join(names)})")
        if name in values:
            raise InputError(f"{what}: {name} is given twice")
        values[name] = _real_number(value, f"{what}: the value of {name}")
    missing = [n for n in names if n not in values]
    if missing:
        raise InputError(f"{what}: no value for {', '.join(missing)}")
    return tuple(values[n] for n in names)


def _real_number(text: str, what: str) -> sp.Expr:
    """``text`` parsed as an expression that must be a finite real number."""
    try:
        number = parse_expression(text)
    except InputError as exc:
        raise InputError(f"{what}: {exc}") from None
    except (TypeError, ValueError, OverflowError):
        number = sp.nan  # e.g. a literal too large for a float
    if number.free_symbols or not number.is_number:
        raise InputError(f"{what} must be a number, got {text.strip()!r}")
    if not number.is_finite or not number.is_extended_real:
        raise InputError(f"{what} must be a finite real number, got {text.strip()!r}")
    return number


def _finite_point(values, n: int, what: str) -> tuple[float, ...]:
    try:
        point = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be numbers, got {values!r}") from None
    if len(point) != n:
        raise InputError(f"{what} has {len(point)} value(s), expected {n}")
    if not all(math.isfinite(v) for v in point):
        raise InputError(f"{what} must be finite, got {','.join(map(str, point))}")
    return point


# --------------------------------------------------------------------------- builders


def _xs(n: int) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"x{i}") for i in range(1, n + 1))


def _squares(residuals) -> sp.Expr:
    r""":math:`\sum_i f_i^2`."""
    return sp.Add(*[r**2 for r in residuals])


R = sp.Rational


def rosenbrock() -> Problem:
    r"""MGH 1: :math:`f = 100(x_2 - x_1^2)^2 + (1 - x_1)^2`."""
    x1, x2 = _xs(2)
    return Problem("rosenbrock", _squares([10 * (x2 - x1**2), 1 - x1]), (x1, x2), (-1.2, 1.0), 0.0, (1.0, 1.0),
                   f"{MGH}, problem 1")


def freudenstein_roth() -> Problem:
    r"""MGH 2: residuals :math:`-13 + x_1 + ((5 - x_2)x_2 - 2)x_2` and :math:`-29 + x_1 + ((x_2 + 1)x_2 - 14)x_2`."""
    x1, x2 = _xs(2)
    f1 = -13 + x1 + ((5 - x2) * x2 - 2) * x2
    f2 = -29 + x1 + ((x2 + 1) * x2 - 14) * x2
    return Problem("freudenstein-roth", _squares([f1, f2]), (x1, x2), (0.5, -2.0), 0.0, (5.0, 4.0),
                   f"{MGH}, problem 2",
                   "also a local minimum f = 48.9842... at (11.41..., -0.8968...); f* = 0 is the global one")


def powell_badly_scaled() -> Problem:
    r"""MGH 3: residuals :math:`10^4 x_1 x_2 - 1` and :math:`e^{-x_1} + e^{-x_2} - 1.0001`."""
    x1, x2 = _xs(2)
    f1 = 10**4 * x1 * x2 - 1
    f2 = sp.exp(-x1) + sp.exp(-x2) - R(10001, 10000)
    # x*: MGH print (1.098...e-5, 9.106...); the digits below solve f1 = f2 = 0 (checked in tests by mpmath)
    return Problem("powell-badly-scaled", _squares([f1, f2]), (x1, x2), (0.0, 1.0), 0.0,
                   (1.0981593296998175e-05, 9.106146739866524), f"{MGH}, problem 3")


def brown_badly_scaled() -> Problem:
    r"""MGH 4: residuals :math:`x_1 - 10^6`, :math:`x_2 - 2\cdot 10^{-6}`, :math:`x_1 x_2 - 2`."""
    x1, x2 = _xs(2)
    return Problem("brown-badly-scaled", _squares([x1 - 10**6, x2 - R(2, 10**6), x1 * x2 - 2]), (x1, x2),
                   (1.0, 1.0), 0.0, (1e6, 2e-6), f"{MGH}, problem 4")


def beale() -> Problem:
    r"""MGH 5: residuals :math:`y_i - x_1(1 - x_2^i)`, :math:`y = (1.5, 2.25, 2.625)`."""
    x1, x2 = _xs(2)
    y = (R(3, 2), R(9, 4), R(21, 8))
    return Problem("beale", _squares([y[i - 1] - x1 * (1 - x2**i) for i in (1, 2, 3)]), (x1, x2), (1.0, 1.0),
                   0.0, (3.0, 0.5), f"{MGH}, problem 5; seed 001 runs it from (2,-2) and (-3,3)")


def helical_valley() -> Problem:
    r"""MGH 7: residuals :math:`10(x_3 - 10\theta)`, :math:`10(\sqrt{x_1^2 + x_2^2} - 1)`, :math:`x_3`.

    MGH's :math:`2\pi\theta = \arctan(x_2/x_1)` for :math:`x_1 > 0` and
    :math:`\arctan(x_2/x_1) + \pi` for :math:`x_1 < 0` equals
    :math:`\operatorname{atan2}(-x_1, x_2) + \pi/2` (same values, same cut along
    :math:`x_1 = 0, x_2 < 0`) without a piecewise definition.
    """
    x1, x2, x3 = _xs(3)
    theta = (sp.atan2(-x1, x2) + sp.pi / 2) / (2 * sp.pi)
    res = [10 * (x3 - 10 * theta), 10 * (sp.sqrt(x1**2 + x2**2) - 1), x3]
    return Problem("helical-valley", _squares(res), (x1, x2, x3), (-1.0, 0.0, 0.0), 0.0, (1.0, 0.0, 0.0),
                   f"{MGH}, problem 7")


def box_3d() -> Problem:
    r"""MGH 12: :math:`f_i = e^{-t_i x_1} - e^{-t_i x_2} - x_3(e^{-t_i} - e^{-10 t_i})`, :math:`t_i = i/10`, :math:`m = 10`."""
    x1, x2, x3 = _xs(3)
    res = []
    for i in range(1, 11):
        t = R(i, 10)
        res.append(sp.exp(-t * x1) - sp.exp(-t * x2) - x3 * (sp.exp(-t) - sp.exp(-10 * t)))
    return Problem("box-3d", _squares(res), (x1, x2, x3), (0.0, 10.0, 20.0), 0.0, (1.0, 10.0, 1.0),
                   f"{MGH}, problem 12",
                   "f = 0 also at (10, 1, -1) and on the line x1 = x2, x3 = 0")


def powell_singular() -> Problem:
    r"""MGH 13: residuals :math:`x_1 + 10x_2`, :math:`\sqrt5(x_3 - x_4)`, :math:`(x_2 - 2x_3)^2`, :math:`\sqrt{10}(x_1 - x_4)^2`."""
    x1, x2, x3, x4 = _xs(4)
    res = [x1 + 10 * x2, sp.sqrt(5) * (x3 - x4), (x2 - 2 * x3) ** 2, sp.sqrt(10) * (x1 - x4) ** 2]
    return Problem("powell-singular", _squares(res), (x1, x2, x3, x4), (3.0, -1.0, 0.0, 1.0), 0.0,
                   (0.0, 0.0, 0.0, 0.0), f"{MGH}, problem 13", "the Hessian is singular at x*")


def wood() -> Problem:
    r"""MGH 14: Wood's function, residuals :math:`10(x_2 - x_1^2)`, :math:`1 - x_1`, :math:`\sqrt{90}(x_4 - x_3^2)`, :math:`1 - x_3`, :math:`\sqrt{10}(x_2 + x_4 - 2)`, :math:`(x_2 - x_4)/\sqrt{10}`."""
    x1, x2, x3, x4 = _xs(4)
    res = [10 * (x2 - x1**2), 1 - x1, sp.sqrt(90) * (x4 - x3**2), 1 - x3, sp.sqrt(10) * (x2 + x4 - 2),
           (x2 - x4) / sp.sqrt(10)]
    return Problem("wood", _squares(res), (x1, x2, x3, x4), (-3.0, -1.0, -3.0, -1.0), 0.0, (1.0, 1.0, 1.0, 1.0),
                   f"{MGH}, problem 14",
                   "a flat region near f ≈ 7.88 stops some solvers (SciPy's L-BFGS-B with defaults reports success there)")


def biggs_exp6() -> Problem:
    r"""MGH 18: :math:`f_i = x_3 e^{-t_i x_1} - x_4 e^{-t_i x_2} + x_6 e^{-t_i x_5} - y_i`, :math:`t_i = i/10`, :math:`m = 13`."""
    xs = _xs(6)
    x1, x2, x3, x4, x5, x6 = xs
    res = []
    for i in range(1, 14):
        t = R(i, 10)
        y = sp.exp(-t) - 5 * sp.exp(-10 * t) + 3 * sp.exp(-4 * t)
        res.append(x3 * sp.exp(-t * x1) - x4 * sp.exp(-t * x2) + x6 * sp.exp(-t * x5) - y)
    return Problem("biggs-exp6", _squares(res), xs, (1.0, 2.0, 1.0, 1.0, 1.0, 1.0), 0.0,
                   (1.0, 10.0, 1.0, 5.0, 4.0, 3.0), f"{MGH}, problem 18",
                   "MGH also list a local minimum f = 5.65565e-3")


# Watson n = 6: MGH print f* = 2.28767e-3 (no x*); the digits of f* and x* below come from Newton's
# method on the gradient in 40-digit arithmetic (tests re-derive them with mpmath).
WATSON_F_STAR = 2.2876700535524362e-03
WATSON_X_STAR = (-0.015725086401458457, 1.0124348693691099, -0.23299162595673768, 1.2604300877996083,
                 -1.5137289227222797, 0.99299643243113452)


def watson(n: int = 6) -> Problem:
    r"""MGH 20: :math:`f_i = \sum_{j=2}^n (j-1)x_j t_i^{j-2} - (\sum_{j=1}^n x_j t_i^{j-1})^2 - 1`, :math:`t_i = i/29`; :math:`f_{30} = x_1`, :math:`f_{31} = x_2 - x_1^2 - 1`."""
    if n != 6:
        raise InputError("watson: f* is recorded for n = 6 only")
    xs = _xs(n)
    res = []
    for i in range(1, 30):
        t = R(i, 29)
        s1 = sp.Add(*[(j - 1) * xs[j - 1] * t ** (j - 2) for j in range(2, n + 1)])
        s2 = sp.Add(*[xs[j - 1] * t ** (j - 1) for j in range(1, n + 1)])
        res.append(s1 - s2**2 - 1)
    res += [xs[0], xs[1] - xs[0] ** 2 - 1]
    return Problem("watson", _squares(res), xs, (0.0,) * n, WATSON_F_STAR, WATSON_X_STAR,
                   f"{MGH}, problem 20 (n = 6, f* = 2.28767e-3 as printed there)")


# Penalty I n = 4: MGH print f* = 2.24997e-5 (no x*); digits as for Watson.
PENALTY_I_F_STAR = 2.2499775008999370e-05
PENALTY_I_X_STAR = (0.25000749958753787,) * 4


def penalty_1(n: int = 4) -> Problem:
    r"""MGH 23: :math:`f_i = \sqrt{a}(x_i - 1)`, :math:`i \le n`, :math:`f_{n+1} = \sum_j x_j^2 - 1/4`, :math:`a = 10^{-5}`."""
    if n != 4:
        raise InputError("penalty-1: f* is recorded for n = 4 only")
    xs = _xs(n)
    a = R(1, 10**5)
    res = [sp.sqrt(a) * (x - 1) for x in xs] + [sp.Add(*[x**2 for x in xs]) - R(1, 4)]
    return Problem("penalty-1", _squares(res), xs, tuple(float(j) for j in range(1, n + 1)), PENALTY_I_F_STAR, PENALTY_I_X_STAR,
                   f"{MGH}, problem 23 (n = 4, f* = 2.24997e-5 as printed there)")


def trigonometric(n: int = 10) -> Problem:
    r"""MGH 26: :math:`f_i = n - \sum_j \cos x_j + i(1 - \cos x_i) - \sin x_i`, :math:`x_0 = (1/n, \dots)`."""
    xs = _xs(n)
    total = sp.Add(*[sp.cos(x) for x in xs])
    res = [n - total + i * (1 - sp.cos(xs[i - 1])) - sp.sin(xs[i - 1]) for i in range(1, n + 1)]
    return Problem("trigonometric", _squares(res), xs, (1.0 / n,) * n, 0.0, None, f"{MGH}, problem 26",
                   "local minima with f > 0 exist (for n = 10, f ≈ 2.79506e-5 is commonly reached)")


def broyden_tridiagonal(n: int = 10) -> Problem:
    r"""MGH 30: :math:`f_i = (3 - 2x_i)x_i - x_{i-1} - 2x_{i+1} + 1`, :math:`x_0 = x_{n+1} = 0`."""
    xs = _xs(n)
    padded = (0,) + xs + (0,)
    res = [(3 - 2 * padded[i]) * padded[i] - padded[i - 1] - 2 * padded[i + 1] + 1 for i in range(1, n + 1)]
    return Problem("broyden-tridiagonal", _squares(res), xs, (-1.0,) * n, 0.0, None, f"{MGH}, problem 30")


def extended_rosenbrock(n: int = 10) -> Problem:
    r"""MGH 21: :math:`f_{2i-1} = 10(x_{2i} - x_{2i-1}^2)`, :math:`f_{2i} = 1 - x_{2i-1}`."""
    if n % 2:
        raise InputError("extended-rosenbrock: n must be even")
    xs = _xs(n)
    res = []
    for i in range(0, n, 2):
        res += [10 * (xs[i + 1] - xs[i] ** 2), 1 - xs[i]]
    return Problem("extended-rosenbrock", _squares(res), xs, (-1.2, 1.0) * (n // 2), 0.0, (1.0,) * n,
                   f"{MGH}, problem 21 (n = {n})")


def extended_powell(n: int = 12) -> Problem:
    r"""MGH 22: Powell singular's residuals on each block of four variables."""
    if n % 4:
        raise InputError("extended-powell: n must be a multiple of 4")
    xs = _xs(n)
    res = []
    for i in range(0, n, 4):
        a, b, c, d = xs[i : i + 4]
        res += [a + 10 * b, sp.sqrt(5) * (c - d), (b - 2 * c) ** 2, sp.sqrt(10) * (a - d) ** 2]
    return Problem("extended-powell", _squares(res), xs, (3.0, -1.0, 0.0, 1.0) * (n // 4), 0.0, (0.0,) * n,
                   f"{MGH}, problem 22 (n = {n})", "the Hessian is singular at x*")


def himmelblau() -> Problem:
    r""":math:`f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2`: four global minima with :math:`f = 0`."""
    x, y = sp.symbols("x y")
    return Problem("himmelblau", (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, (x, y), (0.0, 0.0), 0.0, (3.0, 2.0),
                   f"Himmelblau (1972), Applied Nonlinear Programming; {JAMIL_YANG}",
                   "minima with f = 0 also at (-2.805..., 3.131...), (-3.779..., -3.283...), (3.584..., -1.848...)")


def booth() -> Problem:
    r""":math:`f = (x + 2y - 7)^2 + (2x + y - 5)^2`, a convex quadratic."""
    x, y = sp.symbols("x y")
    return Problem("booth", (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2, (x, y), (0.0, 0.0), 0.0, (1.0, 3.0),
                   JAMIL_YANG)


def goldstein_price() -> Problem:
    r"""Goldstein–Price: :math:`[1 + (x+y+1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)][30 + (2x-3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)]`."""
    x, y = sp.symbols("x y")
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return Problem("goldstein-price", a * b, (x, y), (-0.5, 0.25), 3.0, (0.0, -1.0),
                   f"Goldstein & Price (1971), Math. Comp. 25:569–574; {JAMIL_YANG}",
                   "local minima f = 30 at (-0.6, -0.4), 84 at (1.8, 0.2), 840 at (1.2, 0.8)")


def ill_conditioned_quadratic(n: int = 10) -> Problem:
    r""":math:`f = \tfrac12 (Qx)^\top D (Qx)`, :math:`D = \operatorname{diag}(1^4, 2^4, \dots, n^4)`, :math:`Q = I - 2\mathbf{1}\mathbf{1}^\top/n`.

    The Householder reflection :math:`Q` turns the eigenbasis away from the
    coordinate axes (so per-coordinate step sizes cannot undo the conditioning);
    the Hessian :math:`Q^\top D Q` has eigenvalues :math:`i^4` and condition
    number :math:`n^4` (:math:`10^4` for the default :math:`n = 10`).
    """
    xs = _xs(n)
    z = (sp.eye(n) - R(2, n) * sp.ones(n, n)) * sp.Matrix(xs)
    expr = R(1, 2) * sp.Add(*[(i + 1) ** 4 * z[i] ** 2 for i in range(n)])
    return Problem("ill-conditioned-quadratic", expr, xs, (1.0,) * n, 0.0, (0.0,) * n,
                   f"constructed here (Householder-rotated diagonal quadratic, n = {n}, condition number {n**4})")


PROBLEMS: dict[str, Callable[[], Problem]] = {
    "rosenbrock": rosenbrock,
    "freudenstein-roth": freudenstein_roth,
    "powell-badly-scaled": powell_badly_scaled,
    "brown-badly-scaled": brown_badly_scaled,
    "beale": beale,
    "helical-valley": helical_valley,
    "box-3d": box_3d,
    "powell-singular": powell_singular,
    "wood": wood,
    "biggs-exp6": biggs_exp6,
    "watson": watson,
    "penalty-1": penalty_1,
    "trigonometric": trigonometric,
    "broyden-tridiagonal": broyden_tridiagonal,
    "extended-rosenbrock": extended_rosenbrock,
    "extended-powell": extended_powell,
    "himmelblau": himmelblau,
    "booth": booth,
    "goldstein-price": goldstein_price,
    "ill-conditioned-quadratic": ill_conditioned_quadratic,
}


def names() -> list[str]:
    """Every problem name, in the order of :data:`PROBLEMS`."""
    return list(PROBLEMS)


def get(name: str) -> Problem:
    """Build a problem by name; an :class:`InputError` with a suggestion for an unknown one.

    Examples
    ========

    >>> get("rosenbrok")
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: unknown problem 'rosenbrok' (did you mean 'rosenbrock'?)
    """
    try:
        return PROBLEMS[name]()
    except KeyError:
        raise InputError(unknown("problem", name, PROBLEMS)) from None


def default_problems() -> list[Problem]:
    """Every problem of :data:`PROBLEMS` with its default size."""
    return [build() for build in PROBLEMS.values()]


def unknown(kind: str, name: str, known) -> str:
    """The message for an unknown name, with the closest known names.

    Examples
    ========

    >>> unknown("solver", "bgfs", ["bfgs", "lbfgs"])
    "unknown solver 'bgfs' (did you mean 'bfgs'?)"
    """
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    if close:
        return f"unknown {kind} {name!r} (did you mean {close[0]!r}?)"
    return f"unknown {kind} {name!r} (known: {', '.join(list(known)[:6])}, ...)"
