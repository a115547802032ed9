r"""Function application in lecture LaTeX: known functions, undefined ones, and their argument lists.

A known function applied is that function (``\sin^{-1} x`` is ``asin(x)``,
``\sin^2 x`` is ``(\sin x)^2``, ``\log_2 x`` is ``log(x)/log(2)``); a name
written with an argument list is an undefined function applied (``f(x + h)``
is not ``f x + f h``), of several arguments separated by ``,`` or ``;``
(``J(\theta; X, y)``); ``f'(x)`` is its derivative.  :class:`ApplicationReader`
is mixed into the reader of :mod:`derivations.reading.latex`.

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> parse_latex(r"J(\theta; X, y) + \log_2 x + f'(x)")
J(theta, X, y) + log(x)/log(2) + Derivative(f(x), x)
"""

from __future__ import annotations

import sympy as sp

from derivations.errors import InputError
from derivations.reading.bounded import power
from derivations.reading.kinds import Kind
from derivations.reading.parsing import FUNCTIONS
from derivations.reading.tokens import INVERSES, Tok


class ApplicationReader:
    """Argument lists and the application of known and undefined functions, for the LaTeX reader."""

    def application(self, name: str, start: Tok, primes: int = 0):
        args = self.arguments()
        previous = self.applied.get(name)
        if previous is not None and previous[1] != len(args):
            raise InputError(f"{name} is applied to {previous[1]} and to {len(args)} arguments")
        self.applied.setdefault(name, (start.col, len(args)))
        self.kinds.setdefault(name, (Kind.FUNCTION, "declared" if name in self.typing.declared
                                     else "written with an argument list"))
        function = sp.Function(name, real=True)
        if not primes:
            return function(*args)
        if len(args) != 1:
            raise InputError(f"{name}' at column {start.col}: primes are for functions of one argument")
        if isinstance(args[0], sp.Symbol):
            return sp.Derivative(function(args[0]), args[0], primes)
        t = sp.Dummy("t", real=True)
        return sp.Subs(sp.Derivative(function(t), t, primes), t, args[0])

    def arguments(self) -> list:
        """``(a, b; c)``: the arguments of an application (``;`` separates like ``,``)."""
        closing = ")"
        if self.peek("\\left"):
            self.next()
            self.expect("(")
            closing = "\\right"
        else:
            self.expect("(")
        args = [self.expression()]
        while self.peek(",", ";"):
            self.next()
            args.append(self.expression())
        self.expect(closing)
        if closing == "\\right":
            self.expect(")")
        return args

    def apply(self, function: str, tok, latex_name: str = ""):
        exponent = base = None
        if function == "log" and self.peek("_"):  # \log_2 x
            self.next()
            base = self.script_value()
        if self.peek("^"):  # \sin^2 x, \sin^{-1} x
            self.next()
            exponent = self.script_value()
            if exponent == -1:
                if latex_name not in INVERSES:
                    raise InputError(f"{tok.text}^{{-1}} at column {tok.col}: only sin, cos, tan, sinh, cosh and "
                                     "tanh have an inverse here; write 1/" + tok.text + "(x) for the reciprocal")
                function, exponent = INVERSES[latex_name], None
        if self.peek("(") or (self.peek("\\left") and self.peek_at(1) == "("):
            args = self.arguments()
        elif self.peek("{"):
            args = [self.group()]
        else:
            args = [self.postfix()]
        self.entrywise_with(*args)
        try:
            value = FUNCTIONS[function](*args) if base is None else sp.log(*args) / sp.log(base)
        except InputError:
            raise
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad arguments to {tok.text} at column {tok.col}: {exc}") from None
        return value if exponent is None else power(value, exponent)
