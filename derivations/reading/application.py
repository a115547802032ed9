r"""Function application in lecture LaTeX: known functions, undefined ones, and their argument lists.

A known function applied is that function (``\sin^{-1} x`` is ``asin(x)``,
``\sin^2 x`` is ``(\sin x)^2``, ``\log_2 x`` is ``log(x)/log(2)``); a name
written with an argument list is an undefined function applied (``f(x + h)``
is not ``f x + f h``), of several arguments separated by ``,`` or ``;``
(``J(\theta; X, y)``); ``f'(x)`` is its derivative.  After a row vector, a
function of one vector argument is applied entry by entry, a vector
(:math:`v^\top \sigma(Wx + b)` is a number).  :class:`ApplicationReader`
is mixed into the reader of :mod:`derivations.reading.latex`.

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> parse_latex(r"J(\theta; X, y) + \log_2 x + f'(x)")
J(theta, X, y) + log(x)/log(2) + Derivative(f(x), x)
>>> parse_latex(r"v^{\top} \sigma(Wx + b) + c")
c + transpose(v)*sigma(W*x + b)
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.errors import InputError
from derivations.reading.bounded import power
from derivations.reading.kinds import Kind, Retype
from derivations.reading.parsing import FUNCTIONS
from derivations.reading.shapes import ONE, Shape, infer_shapes, is_typed, typed
from derivations.reading.tokens import INVERSES, Tok

_LATIN = set("abcdefghijklmnopqrstuvwxyz")


def _capital(name: str) -> bool:
    return name[:1].isupper()


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
        if function in ("Max", "Min") and self.peek("_"):  # \max_{i,j}: over indices
            return self.extremum(function.lower(), tok)
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

    def is_row(self, value) -> bool:
        """Is ``value`` a row vector (``v^T``, ``v^T W``)?"""
        if not is_typed(value) or isinstance(value, sp.MatrixBase):
            return False
        return _unit_sides(value) == (True, False)

    def entrywise_application(self, value, row):
        r"""``\sigma(Wx + b)`` after a row vector: ``\sigma`` applied entry by entry to a vector, a vector.

        A row vector times a number would be a row vector; times the vector ``\sigma(z)`` it is the number
        :math:`v^\top \sigma(z)`.  Plain names in the argument are vectors where the argument needs them:
        a lowercase letter alone or beside a capital (``W x``); the capital becomes a matrix by the rule of
        :meth:`multiply`, a name added to the vector by :meth:`same_shape`.
        """
        if not isinstance(value, AppliedUndef) or len(value.args) != 1 or self.typing.entrywise:
            return value
        arg, name = value.args[0], value.func.__name__
        if not is_typed(arg):
            terms = sorted(sp.Add.make_args(arg), key=lambda t: not any(
                isinstance(s, sp.Symbol) and _capital(s.name) for s in t.free_symbols))
            for term in terms:
                names = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Symbol) and not is_typed(f)
                         and self.typing.kind(f.name) is None and f.name.split("_")[0] in _LATIN]
                if names and (len(sp.Mul.make_args(term)) == 1 or any(_capital(s.name) for s in term.free_symbols)):
                    raise Retype(names[-1].name, Kind.VECTOR, f"{names[-1].name} is in the argument of {name}, which "
                                 f"the row vector {sp.sstr(row)} multiplies")
            return value
        if _unit_sides(arg) != (False, True):  # not a column vector
            return value
        self.kinds[name] = (Kind.FUNCTION, f"applied entry by entry to the vector {sp.sstr(arg)}")
        return typed(f"{name}({sp.sstr(sp.expand(arg))})", Kind.VECTOR)


def _unit_sides(value) -> tuple[bool, bool] | None:
    """Whether the rows and the columns of ``value``'s inferred shape are one (``(True, False)``: a row vector);
    None where the shapes cannot be inferred.

    >>> from derivations.reading.shapes import vector
    >>> _unit_sides(sp.transpose(vector("v"))), _unit_sides(vector("v"))
    ((True, False), (False, True))
    """
    try:
        shapes = infer_shapes([value])
        shape = shapes.shape(value)
    except InputError:
        return None
    if not isinstance(shape, Shape):
        return None
    return shapes.find(shape.rows) == ONE, shapes.find(shape.cols) == ONE
