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

from derivations.reading.shapes import Kind


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
    """Kinds declared by the user and forced by notation while reading."""

    declared: Mapping[str, Kind]
    forced: dict[str, tuple[Kind, str]] = field(default_factory=dict)
    has_matrices: bool = False
    entrywise: bool = False

    def kind(self, name: str) -> Kind | None:
        if name in self.declared:
            return self.declared[name]
        return self.forced[name][0] if name in self.forced else None
