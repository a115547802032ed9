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

from derivations.checking.notation import CONVENTIONAL, function_definition, read_side
from derivations.errors import InputError
from derivations.reading.naming import symbol_factory

__all__ = ["Context", "Unresolved", "names_of"]

_RANDOM = re.compile(r"\\mathbb\{[EPV]\}|\\(?:operatorname|text|mathrm)\{(?:Var|Cov|E|P|Pr|var|cov)\}|\\Pr\b")
_OPERATOR = re.compile(r"^\s*\\frac\{\s*(?:\\partial|d)\s*\}\{\s*(?:\\partial|d)\s*(?P<var>[^{}]+)\}\s*(?P<rest>.+)$", re.S)
_DECORATION = re.compile(r"(hat|tilde|star|bar|opt|ast|_\w+|\d+)$")
_DERIVATIVE_NAME = re.compile(r"^d(?P<num>[A-Za-z][\w]*?)_d(?P<var>[A-Za-z][\w]*)$")


class Unresolved(Exception):
    """A side that reads, but applies a function the document does not define (never read as a product)."""


def names_of(expr) -> set[str]:
    """The free names of an expression: symbols and the bases of indexed symbols, bound indices excluded.

    >>> i, m = sp.symbols("i m")
    >>> sorted(names_of(sp.Sum(sp.IndexedBase("x")[i], (i, 1, m)) + sp.Symbol("c")))
    ['c', 'm', 'x']
    """
    if not isinstance(expr, sp.Basic):
        return set()
    return {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}


@dataclass
class Context:
    """The document's definitions so far (keys: symbols, indexed bases, powers of symbols), functions and rules."""

    symbol: object
    indexed: object
    function_names: frozenset = frozenset()
    conventional: frozenset = frozenset()  # conventional function letters, applied only as ``f(x)`` without a space
    definitions: dict = field(default_factory=dict)  # key -> (value as written, line)
    functions: dict = field(default_factory=dict)  # name -> sp.Lambda
    matrices: dict = field(default_factory=dict)  # name -> matrix value
    local: dict = field(default_factory=dict)  # key -> (section, the definition it shadows or None)
    seen: set = field(default_factory=set)  # names used as free symbols so far
    bases: set = field(default_factory=set)  # names used as indexed bases
    conditions: list = field(default_factory=list)  # (expression that is 0, line)
    rules: dict = field(default_factory=dict)  # updated variable -> (its rule, line)
    rules_text: dict = field(default_factory=dict)  # updated variable -> the relation of its last rule
    last_derivative: tuple | None = None  # (value of the latest derivative claim, line)
    noncommuting: frozenset = frozenset()  # names of vectors and matrices (bold, or ``--matrix``)

    @classmethod
    def empty(cls, assumptions=(), function_names=frozenset()) -> "Context":
        symbol, indexed = symbol_factory(assumptions)
        conventional = CONVENTIONAL - frozenset(function_names) - {a.name for a in assumptions}
        return cls(symbol, indexed, frozenset(function_names) | conventional, conventional)

    # ------------------------------------------------------------------ reading
    def _symbol(self, name: str):
        return self.matrices.get(name) if name in self.matrices else self.symbol(name)

    def read(self, text: str, *, plain: bool = False) -> sp.Basic:
        """One side as written (definitions not substituted); applications of defined functions applied."""
        if _RANDOM.search(text):
            raise Unresolved("an expectation, variance or probability: the audit does not reason about random "
                             "variables")
        operator = _OPERATOR.match(text)
        if operator:  # \frac{\partial}{\partial w} (...): the derivative of what follows
            var = self.read(operator.group("var"), plain=True)
            if not isinstance(var, (sp.Symbol, sp.Indexed)):
                raise InputError(f"cannot differentiate with respect to {operator.group('var')}")
            return self.derivative_of(self.read(operator.group("rest")), var)
        reading = read_side(text, self.function_names, self.symbol if plain else self._symbol, self.indexed,
                            conventional=self.conventional)
        expr = self._indices(reading.expr)
        mapping = {}
        for app in reversed(reading.applications):
            lam = self.functions.get(app.name)
            if lam is None or len(lam.variables) != len(app.args):
                raise Unresolved(f"{app.name}(…) applies {app.name}, which the document does not "
                                 "define as a function (today's reader would read it as a product)")
            args = [self._indices(a.xreplace(mapping)) for a in app.args]
            body = lam.expr
            for _ in range(app.primes):
                body = sp.diff(body, lam.variables[0])
            mapping[app.placeholder] = body.xreplace(dict(zip(lam.variables, args)))
        expr = expr.xreplace(mapping) if mapping else expr
        if isinstance(expr, sp.MatrixBase) and expr.shape == (1, 1):
            expr = expr[0, 0]
        return expr

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
                if key in keep:
                    continue
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
