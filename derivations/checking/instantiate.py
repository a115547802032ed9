r"""Instantiate generic forms: sizes and indices, a record's definitions, ``x[j]``, abstract functions.

A derivation states its results for a symbolic size ``m``; a concrete
instance (``m = 3``) expands ``Sum(x[j], (j, 1, m))`` to ``x[1] + x[2] + x[3]``,
replaces defined display symbols by what they stand for, and turns each
``x[3]`` into a plain symbol named ``x[3]`` that probes can give a value.
An undefined function (J, ∇J) gets a random analytic stand-in for probing.

Examples
========

>>> import sympy as sp
>>> x, j, m = sp.IndexedBase("x"), sp.Symbol("j", integer=True), sp.Symbol("m", integer=True)
>>> instantiate(sp.Sum(x[j], (j, 1, m)), {m: 2})
x[1] + x[2]
>>> mu = sp.Symbol("mu")
>>> instantiate(2 * mu, {m: 2}, definitions=((mu, sp.Sum(x[j], (j, 1, m)) / m),))
x[1] + x[2]
"""

from __future__ import annotations

import itertools
import random
from typing import Mapping, Sequence

import sympy as sp

_KEPT = ("real", "positive", "nonnegative", "negative", "integer")


def flatten_indexed(expr: sp.Basic) -> sp.Basic:
    """``x[3]`` becomes a plain symbol named ``x[3]`` with the base's assumptions.

    Examples
    ========

    >>> import sympy as sp
    >>> flatten_indexed(sp.IndexedBase("x", positive=True)[3]).is_positive
    True
    """
    mapping = {}
    for e in expr.atoms(sp.Indexed):
        label = e.base.label
        props = dict(label.assumptions0) if isinstance(label, sp.Symbol) else {}
        props.update({k: v for k, v in e.base.assumptions0.items() if v is not None})
        name = f"{label}[{','.join(str(i) for i in e.indices)}]"
        mapping[e] = sp.Symbol(name, **{k: v for k, v in props.items() if k in _KEPT})
    return expr.xreplace(mapping) if mapping else expr


def _with_sizes(value: sp.Basic, subs: Mapping) -> sp.Basic:
    if not subs:
        return value
    if isinstance(value, sp.Lambda):
        inner = {k: v for k, v in subs.items() if k not in value.variables}
        return sp.Lambda(value.variables, value.expr.subs(inner))
    return value.subs(subs)


class Expander:
    """Replaces defined symbols by their fully expanded definitions, memoized per atom.

    Sizes are substituted into the definitions first, so that sums have
    concrete limits and are expanded; without sizes nothing is evaluated.
    """

    def __init__(self, definitions, sizes: Mapping, keep: sp.Basic | None, evaluate: bool | None = None):
        self.defs = {key: _with_sizes(value, sizes) for key, value in definitions if key != keep}
        self.evaluate = bool(sizes) if evaluate is None else evaluate
        self.memo: dict = {}
        # the kinds of object that are defined: symbols, matrix symbols, indexed bases, ...
        self.kinds = tuple({type(k) for k in self.defs if not isinstance(k, sp.IndexedBase)} | {sp.Indexed})

    def _defined(self, atom) -> bool:
        return (atom.base in self.defs) if isinstance(atom, sp.Indexed) else (atom in self.defs)

    def expand(self, expr: sp.Basic) -> sp.Basic:
        targets = [t for t in expr.atoms(*self.kinds) if self._defined(t)]
        if not targets:
            return expr
        return expr.xreplace({t: self._atom(t) for t in targets})

    def _atom(self, atom):
        if atom not in self.memo:
            value = self.defs[atom.base](*atom.indices) if isinstance(atom, sp.Indexed) else self.defs[atom]
            if self.evaluate:
                value = value.doit()
            self.memo[atom] = self.expand(value)
        return self.memo[atom]


def instantiate(
    expr: sp.Basic,
    subs: Mapping[sp.Basic, int],
    definitions=(),
    keep: sp.Basic | None = None,
    flatten: bool = True,
) -> sp.Basic:
    """Substitute sizes and indices, expand definitions (but ``keep``) and sums, flatten indexed symbols.

    With empty ``subs`` the generic form is kept (definitions expanded, sums
    unevaluated): this is what the compile bridge turns into array code.
    """
    return expand_instance(expr, subs, Expander(definitions, subs, keep), flatten)


def expand_instance(expr: sp.Basic, subs: Mapping, expander: Expander, flatten: bool = True) -> sp.Basic:
    e = sp.sympify(expr)
    if subs and not e.atoms(sp.Symbol).isdisjoint(subs):  # subs changes only symbols that occur (shapes too)
        e = e.subs(subs)
    if expander.evaluate or not expander.defs:
        e = e.doit()
    e = expander.expand(e)
    if expander.evaluate and (not subs or e.has(sp.MatrixExpr, sp.Derivative)):
        e = e.doit()  # evaluate what the definitions brought in (matrix products, derivatives)
    return flatten_indexed(e) if flatten else e




def size_symbols(exprs) -> list[sp.Symbol]:
    found = set()
    for e in exprs:
        for s in e.atoms(sp.Sum, sp.Product):
            for _, lo, hi in s.limits:
                found |= (sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols)
    return sorted(found, key=str)


def free_indices(exprs, sizes: set) -> list[sp.Symbol]:
    found = set()
    for e in exprs:
        free = e.free_symbols
        for ind in e.atoms(sp.Indexed):
            found |= {s for i in ind.indices for s in sp.sympify(i).free_symbols if s in free}
    return sorted(found - sizes, key=str)


def instances(exprs: Sequence[sp.Basic], ctx) -> list[tuple[dict, bool]]:
    """Substitutions (sizes, free indices) under which to compare, each with 'prove symbolically?'."""
    sizes = list(ctx.sizes)
    if not sizes:
        sizes = [(s, (2, 3), True) for s in size_symbols(exprs)] + [(s, (4, 6), False) for s in size_symbols(exprs)]
    if not sizes:
        return [({}, True)]
    size_syms = {s for s, _, _ in sizes}
    uppers = dict(ctx.indices)
    indices = [i for i in free_indices(exprs, size_syms) if i not in uppers] + list(uppers)
    out = []
    for symbolic in (True, False):
        chosen = [(s, v) for s, v, sym in sizes if sym == symbolic]
        if not chosen:
            continue
        names = list(dict.fromkeys(s for s, _ in chosen))
        value_lists = [sorted({v for s2, vs in chosen if s2 == s for v in vs}) for s in names]
        for values in itertools.product(*value_lists):
            base = dict(zip(names, values))
            ranges = []
            for idx in indices:
                top = int(sp.sympify(uppers.get(idx, max(values))).subs(base))
                ranges.append(sorted({1, top}) if top >= 1 else [1])
            for combo in itertools.product(*ranges):
                out.append(({**base, **dict(zip(indices, combo))}, symbolic))
    return out


def derivation_instances(d) -> list[tuple[dict, bool]]:
    """Concrete (size, index) substitutions under which claims are checked, each with 'prove symbolically?'."""
    out: list = []
    for sizes, symbolic in ((d.sizes, True), (d.numeric_sizes, False)):
        symbols = [s for s, _ in sizes]
        for values in itertools.product(*(v for _, v in sizes)) if sizes else ():
            base = dict(zip(symbols, values))
            out.extend((sub, symbolic) for sub in _index_values(d, base, full=symbolic))
    return out or [(sub, True) for sub in _index_values(d, {}, full=True)]


def _index_values(d, base: dict, full: bool) -> list[dict]:
    ranges = []
    for idx, upper in d.indices:
        top = int(sp.sympify(upper).subs(base))
        ranges.append([(idx, v) for v in (range(1, top + 1) if full else sorted({1, (top + 1) // 2, top}))])
    return [{**base, **dict(combo)} for combo in itertools.product(*ranges)]


def _undefined(a) -> bool:
    """An applied function with no value of its own: ``f(x)`` for an undefined ``f``, or a Function subclass without ``eval``."""
    return isinstance(a, sp.core.function.AppliedUndef) or (
        isinstance(a, sp.Function) and not type(a).__module__.startswith("sympy")
        and not any("eval" in vars(c) for c in type(a).__mro__ if not c.__module__.startswith("sympy")))


def stand_ins(exprs, rng: random.Random) -> dict:
    """A random analytic stand-in for each undefined function (J, ∇J) in ``exprs``.

    ``F(a₁, …, aₙ)`` becomes ``c₀ + Σ cᵢaᵢ + Σ dᵢaᵢ² + e·sin(Σ fᵢaᵢ)`` with random rational
    coefficients: an identity that holds for every F holds for it, a wrong step is refuted.
    """
    out = {}
    for e in exprs:
        for app in sorted((a for a in e.atoms(sp.Function) if _undefined(a)), key=str):
            f = app.func
            if f in out:
                continue
            args = sp.symbols(f"a_1:{len(app.args) + 1}", real=True)
            c = lambda: sp.Rational(rng.randint(-14, 14), 7)  # noqa: E731 - a random coefficient in [−2, 2]
            body = c() + sum(c() * a + c() * a**2 for a in args) + c() * sp.sin(sum(c() * a for a in args))
            out[f] = sp.Lambda(args, body)
    return out


def standing_in(exprs, rng) -> tuple[list, str]:
    """The expressions with stand-ins for undefined functions, and a note naming them."""
    fs = stand_ins(exprs, rng)
    if not fs:
        return list(exprs), ""
    replaced = [e.replace(lambda a: isinstance(a, sp.Function) and a.func in fs,
                          lambda a: fs[a.func](*a.args)) for e in exprs]
    return replaced, "; with " + ", ".join(f"{f}{lam.variables} = {lam.expr}" for f, lam in fs.items())
