r"""The kinds of the names in a set of formulas: what the user declared, what notation forced.

:class:`Reading` is what a reader returns: the expressions and, for every
name, its :class:`~derivations.reading.shapes.Kind` and why (bold, declared,
transposed, written with an argument list).

Examples
========

>>> r = Reading(("x",), (("x", Kind.SCALAR, "declared"),))
>>> r.kind("x").value, r.kind("y")
('scalar', None)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.reading.shapes import IdentityName, Kind, kind_of


@dataclass(frozen=True)
class Reading:
    """What a set of formulas was read as: the expressions and the kind of every name."""

    values: tuple
    kinds: tuple[tuple[str, Kind, str], ...] = ()  # (name, kind, why)
    functions: tuple[tuple[str, int], ...] = ()  # (name, number of arguments)
    entrywise: bool = False

    def kind(self, name: str) -> Kind | None:
        return next((k for n, k, _ in self.kinds if n == name), None)


class Retype(Exception):
    """Notation forced a kind on a name: read the formulas again with it."""

    def __init__(self, name: str, kind: Kind, why: str):
        super().__init__(name)
        self.name, self.kind, self.why = name, kind, why


class Entrywise(Exception):
    """Vectors meet an entrywise operation: read the formulas again entry by entry."""


@dataclass
class Typing:
    """Kinds declared by the user and forced by notation while reading; the functions declared smooth."""

    declared: Mapping[str, Kind]
    smooth: frozenset = frozenset()  # mixed partials of these commute (Schwarz)
    forced: dict[str, tuple[Kind, str]] = field(default_factory=dict)
    has_matrices: bool = False
    entrywise: bool = False

    def kind(self, name: str) -> Kind | None:
        if name in self.declared:
            return self.declared[name]
        return self.forced[name][0] if name in self.forced else None


def describe(expr, reading: Reading | None = None, shapes=None) -> dict:
    """How a formula was read: the expression and every name's kind (and a matrix's or vector's shape).

    >>> from derivations.reading.shapes import infer_shapes, matrix
    >>> X = matrix("X")
    >>> describe(sp.transpose(X) * X, shapes=infer_shapes([sp.transpose(X) * X]))
    {'expression': 'transpose(X)*X', 'symbols': {'X': {'kind': 'matrix', 'shape': ['n', 'm']}}}
    """
    symbols: dict[str, dict] = {}
    if isinstance(expr, sp.MatrixBase):
        atoms = set().union(*(sp.sympify(x).atoms(sp.Symbol, sp.Indexed, AppliedUndef) for x in expr)) if expr else set()
    else:
        atoms = sp.sympify(expr).atoms(sp.Symbol, sp.Indexed, AppliedUndef)
    bases = {i.base.label for i in atoms if isinstance(i, sp.Indexed)}
    indices = {s for i in atoms if isinstance(i, sp.Indexed) for x in i.indices for s in sp.sympify(x).free_symbols}
    for a in sorted(atoms, key=sp.sstr):
        if isinstance(a, sp.Indexed):
            symbols.setdefault(str(a.base.label), {"kind": "scalar", "indexed": True})
        elif isinstance(a, AppliedUndef):
            symbols[a.func.__name__] = {"kind": "function", "arguments": len(a.args)}
        elif a in bases or (a in indices and a.name in symbols):
            continue
        else:
            record: dict = {"kind": kind_of(a).value}
            if isinstance(a, IdentityName):
                record["identity"] = True
            elif record["kind"] != "scalar" and shapes is not None and a.name in shapes.names:
                record["shape"] = list(shapes.of_name(a.name))
            why = next((w for n, _, w in (reading.kinds if reading else ()) if n == a.name), None)
            if reading is not None and reading.kind(a.name) is Kind.VECTOR and record["kind"] == "scalar":
                record = {"kind": "vector", "entrywise": True}
            if why and why != "bold":
                record["why"] = why
            symbols[a.name] = record
    shown = sp.sstr(expr) if not isinstance(expr, sp.MatrixBase) else sp.sstr(expr.tolist())
    return {"expression": shown, "symbols": symbols}


def describe_text(record: dict) -> str:
    """One line: the expression, then the names that are not scalars.

    >>> describe_text({"expression": "A*B", "symbols": {"A": {"kind": "matrix", "shape": ["n", "m"]}}})
    'A*B   [A: matrix n x m]'
    """
    notes = []
    for name, r in record["symbols"].items():
        if r["kind"] == "scalar":
            continue
        text = f"{name}: {r['kind']}"
        if "shape" in r:
            text += f" {r['shape'][0]} x {r['shape'][1]}"
        if r.get("identity"):
            text += " (identity)"
        if r.get("entrywise"):
            text += " (read entry by entry)"
        if "arguments" in r:
            text += f" of {r['arguments']} argument{'s' if r['arguments'] != 1 else ''}"
        notes.append(text)
    return record["expression"] + (f"   [{'; '.join(notes)}]" if notes else "")
