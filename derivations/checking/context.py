r"""What a document has said so far: its definitions, functions, matrices, conditions and update rules.

The audit (:mod:`derivations.checking.audit`) reads a document in order and
keeps one :class:`Context`.  A definition is stored as written (one level, the
way a computational graph stores a node), so that a derivative with respect to
a defined quantity can hold the others fixed; :meth:`Context.value` reads a
side and substitutes every definition (through all levels) for the ordinary
comparison.  A name given a number in a section, after it was used as a free
symbol, is an evaluation point ("at $w = 1$"), scoped to that section.

Examples
========

>>> ctx = Context.empty()
>>> ctx.define_from(r"\sigma(z)", r"\frac{1}{1 + \exp(-z)}", line=1, section=0)
True
>>> ctx.value(r"\sigma(0)")
1/2
>>> ctx.derivative("sigma", "z")
exp(-z)/(1 + exp(-z))**2
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from sympy.core.function import AppliedUndef

from derivations.checking.matrices import at_arguments
from derivations.checking.notation import (CONVENTIONAL, applied_names, bind_sum_indices, function_definition,
                                           listed_names, parameter_semicolons, set_sums)
from derivations.errors import InputError
from derivations.reading.latex import read_latex
from derivations.reading.naming import symbol_factory
from derivations.reading.notation import capital
from derivations.reading.shapes import Eye, Kind, MatrixName, VectorName, is_typed, realize

__all__ = ["Context", "Unresolved", "delta_indices", "names_of", "zero_as_matrix"]

_RANDOM = re.compile(r"\\mathbb\{[EPV]\}|\\(?:operatorname|text|mathrm)\{(?:Var|Cov|E|P|Pr|var|cov)\}|\\Pr\b")
_OPERATOR = re.compile(r"^\s*\\frac\{\s*(?:\\partial|d)\s*\}\{\s*(?:\\partial|d)\s*(?P<var>[^{}]+)\}\s*(?P<rest>.+)$", re.S)
_DECORATION = re.compile(r"(hat|tilde|star|bar|opt|ast|_\w+|\d+)$")
_DERIVATIVE_NAME = re.compile(r"^d(?P<num>[A-Za-z][\w]*?)_d(?P<var>[A-Za-z][\w]*)$")


class Unresolved(Exception):
    """A side that reads, but applies a function the document does not define (never read as a product)."""


def names_of(expr) -> set[str]:
    """The free names of an expression: symbols, the bases of indexed symbols and applied functions.

    >>> i, m = sp.symbols("i m")
    >>> sorted(names_of(sp.Sum(sp.IndexedBase("x")[i], (i, 1, m)) + sp.Function("f")(sp.Symbol("c"))))
    ['c', 'f', 'm', 'x']
    """
    if not isinstance(expr, sp.Basic):
        return set()
    functions = {a.func.__name__ for a in expr.atoms(AppliedUndef)}
    return {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)} | functions


def zero_as_matrix(value, other):
    """``0`` beside an explicit matrix is the zero matrix of its shape (``x - A^{-1} A x`` reads as ``0``).

    >>> zero_as_matrix(sp.S.Zero, sp.Matrix([1, 2])).shape
    (2, 1)
    """
    if isinstance(other, sp.MatrixBase) and not isinstance(value, sp.MatrixBase) and value == 0:
        return sp.zeros(*other.shape)
    return value


def delta_indices(*exprs) -> list:
    """Free indices of Kronecker deltas in sums (``\\partial/\\partial x_k`` of a sum), each with its sum's range."""
    out = {}
    for s, expr in ((s, e) for e in exprs if isinstance(e, sp.Basic) for s in e.atoms(sp.Sum)):
        for index, _lo, hi in s.limits:
            for delta in s.function.atoms(sp.KroneckerDelta):
                for k in delta.free_symbols - {index}:
                    if k in expr.free_symbols:
                        out[k] = hi
    return list(out.items())


@dataclass
class Context:
    """The document's definitions so far (keys: symbols, indexed bases, powers of symbols), functions and rules."""

    symbol: object
    indexed: object
    function_names: frozenset = frozenset()  # the document's functions and those declared (``--function``)
    conventional: frozenset = frozenset()  # conventional function letters, applied only as ``f(x)`` without a space
    declared: dict = field(default_factory=dict)  # name -> Kind, as the user declared (``--matrix``, ``--scalar``)
    definitions: dict = field(default_factory=dict)  # key -> (value as written, line)
    functions: dict = field(default_factory=dict)  # name -> sp.Lambda
    matrices: dict = field(default_factory=dict)  # name -> explicit matrix value (``pmatrix``)
    local: dict = field(default_factory=dict)  # key -> (section, the definition it shadows or None)
    seen: set = field(default_factory=set)  # names used as free symbols so far
    bases: set = field(default_factory=set)  # names used as indexed bases
    conditions: list = field(default_factory=list)  # (expression that is 0, line)
    rules: dict = field(default_factory=dict)  # updated variable -> (its rule, line)
    last_derivative: tuple | None = None  # (value of the latest derivative claim, line)

    @classmethod
    def empty(cls, assumptions=(), declared=None, function_names=frozenset()) -> "Context":
        """A context with the user's ``--assume`` bounds, declared kinds and the document's function names."""
        symbol, indexed = symbol_factory(assumptions)
        declared = dict(declared or {})
        names = frozenset(function_names) | {n for n, k in declared.items() if k is Kind.FUNCTION}
        conventional = CONVENTIONAL - names - set(declared) - {a.name for a in assumptions}
        return cls(symbol, indexed, names, conventional, declared)

    # ------------------------------------------------------------------ reading
    def kinds_for(self, text: str) -> dict:
        """The kinds the reader is given for ``text``: declared ones, explicit matrices, and every name written
        with an argument list that is no function of the document a scalar (``\\epsilon (g + w)`` a product),
        except a name applied to a list of arguments (``C(u, y)``): that is a function."""
        kinds = dict(self.declared)
        listed = listed_names(text)
        for name, value in self.matrices.items():
            kinds.setdefault(name, Kind.VECTOR if value.cols == 1 and not capital(name) else Kind.MATRIX)
        for name, spaced in applied_names(text):
            if name in kinds:
                continue
            if name in self.function_names or name in listed:
                kinds[name] = Kind.FUNCTION
            elif name not in self.conventional or spaced:
                kinds[name] = Kind.SCALAR
        return kinds

    def read(self, text: str, *, plain: bool = False) -> sp.Basic:
        """One side as written (definitions not substituted); defined functions applied; explicit matrices in
        place of their names unless ``plain``."""
        if _RANDOM.search(text):
            raise Unresolved("an expectation, variance or probability: the audit does not reason about random "
                             "variables")
        operator = _OPERATOR.match(text)
        if operator:  # \frac{\partial}{\partial w} (...): the derivative of what follows
            var = self.read(operator.group("var"), plain=True)
            if not isinstance(var, (sp.Symbol, sp.Indexed)):
                raise InputError(f"cannot differentiate with respect to {operator.group('var')}")
            return self.derivative_of(self.read(operator.group("rest")), var)
        value = read_latex([parameter_semicolons(set_sums(text))], self.symbol, self.indexed,
                           declared=self.kinds_for(text), rhs_of_equation=False).values[0]
        expr = self.apply_functions(self._indices(bind_sum_indices(at_arguments(value), self.indexed)))
        if not plain:
            expr = self.realize(expr)
        if isinstance(expr, sp.MatrixBase) and expr.shape == (1, 1):
            expr = expr[0, 0]
        return expr

    def read_together(self, *texts: str) -> None:
        """The sides of one step read together, so that a name has one kind in all of them: ``\\sigma(2z) = 2 z
        \\sigma`` is refused (the function applied, or a number times ``2z``), never read two ways."""
        if any(_RANDOM.search(t) or _OPERATOR.match(t) for t in texts):
            return  # read side by side by :meth:`read`
        read_latex([parameter_semicolons(set_sums(t)) for t in texts], self.symbol, self.indexed, declared=self.kinds_for(" ".join(texts)),
                   rhs_of_equation=False)

    def apply_functions(self, expr, depth: int = 6):
        """The document's functions applied: ``\\sigma(2z)`` is the body of ``\\sigma`` at ``2z``; a derivative of
        an applied function (``\\sigma'(z)``, ``\\nabla J(w)``) is taken."""
        for _ in range(depth):
            if not isinstance(expr, sp.Basic):
                return expr
            apps = [a for a in expr.atoms(AppliedUndef) if a.func.__name__ in self.functions]
            if not apps:
                break
            mapping = {}
            for a in apps:
                lam = self.functions[a.func.__name__]
                if len(lam.variables) != len(a.args):
                    raise Unresolved(f"{a.func.__name__} is applied to {len(a.args)} arguments, but the document "
                                     f"defines it with {len(lam.variables)}")
                mapping[a] = lam(*a.args)
            expr = expr.xreplace(mapping)
        else:
            raise InputError("function applications nested too deeply")
        if isinstance(expr, sp.Basic) and expr.has(sp.Derivative, sp.Subs):
            expr = expr.replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)) and not _undefined(e),
                                lambda e: e.doit())
        return expr

    def realize(self, expr):
        """A typed expression whose every vector and matrix is written out (``pmatrix``) as an explicit matrix."""
        if not is_typed(expr):
            return expr
        leaves = {s for s in expr.atoms(sp.Symbol) if isinstance(s, (MatrixName, VectorName))}
        if not leaves or any(s.name not in self.matrices for s in leaves):
            return expr
        value = realize(expr, lambda s: self.matrices[s.name], sp.eye)
        return expr if isinstance(value, Eye) else value

    def _indices(self, expr):
        """``x_k`` and ``x_1`` are ``x[k]``, ``x[1]`` when ``x`` is an indexed name of the document."""
        if not isinstance(expr, sp.Basic):
            return expr
        for b in expr.atoms(sp.Indexed):
            self.bases.add(str(b.base.label))
        mapping = {}
        for s in expr.free_symbols:
            if isinstance(s, sp.Symbol) and "_" in s.name:
                base, sub = s.name.rsplit("_", 1)
                if base in self.bases and (sub.isdigit() or (len(sub) == 1 and sub.isalpha())):
                    mapping[s] = self.indexed(base)[sp.Integer(sub) if sub.isdigit() else self.symbol(sub)]
        return expr.xreplace(mapping) if mapping else expr

    def value(self, text: str, keep: frozenset = frozenset()) -> sp.Basic:
        """A side with every definition substituted (those in ``keep`` held fixed)."""
        return self.substitute(self.read(text), keep)

    def substitute(self, expr, keep: frozenset = frozenset(), depth: int = 10):
        for _ in range(depth):
            if not isinstance(expr, sp.Basic):
                return expr
            mapping = {}
            for s in expr.free_symbols:
                if isinstance(s, sp.Symbol) and s not in self.definitions and s not in keep:
                    d = _DERIVATIVE_NAME.match(s.name)
                    if d and (d.group("num") in self.functions or self.symbol(d.group("num")) in self.definitions):
                        value = self.derivative(d.group("num"), d.group("var"))
                        if value is not None:
                            mapping[s] = value
            for key, (value, _line) in self.definitions.items():
                if key in keep or isinstance(value, sp.MatrixBase):
                    continue  # explicit matrices are put in place by :meth:`realize`
                if isinstance(value, sp.Lambda):
                    for ix in expr.atoms(sp.Indexed):
                        if ix.base == key and len(ix.indices) == len(value.variables):
                            mapping[ix] = value(*ix.indices)
                elif isinstance(key, sp.Pow):
                    if expr.has(key):
                        mapping[key] = value
                elif key in expr.free_symbols:
                    mapping[key] = value
            if not mapping:
                return expr
            expr = expr.xreplace(mapping)
        return expr

    # ------------------------------------------------------------------ derivatives
    def definition_of(self, name: str):
        """The defining expression of a name (a function's body in its own parameters), or ``None``."""
        if name in self.functions:
            return self.functions[name].expr
        for key in (self.symbol(name), sp.Pow(self.symbol(name[:-1]), int(name[-1])) if name[-1:].isdigit() else None):
            if key is not None and key in self.definitions:
                return self.definitions[key][0]
        return None

    def derivative(self, num_name: str, var_name: str, held: bool | None = None):
        """:math:`\\partial A/\\partial x` from A's definition: a graph partial when x is defined, else total."""
        body = self.definition_of(num_name)
        if body is None:
            return None
        var = self._indices(self.symbol(var_name))
        return self.derivative_of(body, var)

    def derivative_of(self, body, var):
        body = self.substitute(body, keep=frozenset(self.definitions)) if self.held(var) else self.substitute(body)
        return sp.diff(_rename_bound(body, var.free_symbols if isinstance(var, sp.Basic) else set()), var)

    def held(self, var) -> bool:
        """Differentiating with respect to a defined quantity holds the document's other quantities fixed."""
        return var in self.definitions or (isinstance(var, sp.Pow) and var in self.definitions)

    # ------------------------------------------------------------------ definitions
    def define(self, key, value, line: int, section: int, local: bool = False) -> None:
        if local and key not in self.local:
            self.local[key] = (section, self.definitions.get(key))
        if isinstance(value, sp.MatrixBase) and isinstance(key, sp.Symbol):
            self.matrices[key.name] = value
        self.definitions[key] = (value, line)

    def leave_section(self, section: int) -> None:
        """Evaluation points of an earlier section no longer hold."""
        for key, (where, before) in list(self.local.items()):
            if where != section:
                del self.local[key]
                if before is None:
                    self.definitions.pop(key, None)
                    if isinstance(key, sp.Symbol):
                        self.matrices.pop(key.name, None)
                else:
                    self.definitions[key] = before

    def define_from(self, left: str, right: str, line: int, section: int) -> bool:
        """``left = right`` as a function definition ``f(x) = …``; ``False`` when ``left`` is no such form."""
        form = function_definition(left)
        if form is None:
            return False
        name, params = form
        variables = [self.symbol(p) for p in params]
        try:
            body = self.read(right)
        except (InputError, Unresolved):
            body = None
        if body is None or isinstance(body, sp.MatrixBase):
            self.functions.pop(name, None)
            return True
        self.functions[name] = sp.Lambda(tuple(variables), body)
        self.function_names = self.function_names | {name}
        self.conventional = self.conventional - {name}
        return True

    def unknowns_of(self, key) -> list[sp.Symbol]:
        """The unknowns a defined name may be the solution for: ``\\hat{w}`` and ``w_1`` solve for ``w``."""
        if not isinstance(key, sp.Symbol):
            return []
        name, out = key.name, []
        while True:
            out.append(self.symbol(name))
            stripped = _DECORATION.sub("", name)
            if not stripped or stripped == name:
                return out
            name = stripped


def _undefined(e) -> bool:
    """A derivative of an undefined function (``f'(x)``), or one taken at an argument's value: nothing to do."""
    inner = e.expr if isinstance(e, sp.Subs) else e
    inner = inner.expr if isinstance(inner, sp.Derivative) else inner
    return isinstance(inner, AppliedUndef)


def _rename_bound(expr, avoid: set):
    """``expr`` with the bound index of every sum renamed where it clashes with a free index in ``avoid``.

    >>> i, n = sp.Symbol("i", real=True), sp.Symbol("n", real=True)
    >>> _rename_bound(sp.Sum(sp.IndexedBase("w")[i], (i, 1, n)), {i})
    Sum(w[i_], (i_, 1, n))
    """
    if not isinstance(expr, sp.Basic) or not avoid or not expr.has(sp.Sum):
        return expr
    mapping = {}
    for s in expr.atoms(sp.Sum):
        limits, body = [], s.function
        for index, lo, hi in s.limits:
            if index in avoid:
                fresh = sp.Symbol(index.name + "_", **index.assumptions0)
                body = body.xreplace({index: fresh})
                index = fresh
            limits.append((index, lo, hi))
        mapping[s] = sp.Sum(body, *limits)
    return expr.xreplace(mapping)
