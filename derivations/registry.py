"""The registry of named results: every derivation has a dotted name.

Each topic module exposes ``RESULTS``, a mapping from dotted name to a
function that builds the :class:`~derivations.record.Derivation`.  The
registry reads the modules listed in :data:`MODULES`; nothing is mutated at
import time.

Examples
========

>>> from derivations import registry
>>> all(registry.get(n).name == n for n in registry.names())
True
>>> registry.get("no.such.result")
Traceback (most recent call last):
...
derivations.errors.InputError: unknown derivation 'no.such.result' (see `derivkit list`)
"""

from __future__ import annotations

import difflib
import importlib
from functools import cache
from typing import Callable

from derivations.errors import InputError
from derivations.record import Derivation

MODULES: tuple[str, ...] = (
    "derivations.topics.batchnorm",
    "derivations.topics.curvature",
    "derivations.topics.newton",
    "derivations.topics.first_order",
    "derivations.topics.quasi_newton",
    "derivations.topics.conjugate_gradient",
    "derivations.topics.beale",
    "derivations.topics.regularization",
    "derivations.topics.dropout",
    "derivations.topics.initialization",
    "derivations.topics.ensembles",
    "derivations.topics.mlp",
)


@cache
def builders() -> dict[str, Callable[[], Derivation]]:
    """Every registered name with the function that builds its derivation."""
    out: dict[str, Callable[[], Derivation]] = {}
    for module in MODULES:
        for name, build in importlib.import_module(module).RESULTS.items():
            if name in out:
                raise RuntimeError(f"derivation name {name!r} registered twice")
            out[name] = build
    return out


def names() -> list[str]:
    """All registered names, sorted."""
    return sorted(builders())


@cache
def get(name: str) -> Derivation:
    """The derivation called ``name``; an :class:`InputError` with suggestions if unknown."""
    table = builders()
    if name not in table:
        close = difflib.get_close_matches(name, table, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see `derivkit list`)"
        raise InputError(f"unknown derivation {name!r}{hint}")
    d = table[name]()
    if d.name != name:
        raise RuntimeError(f"{name!r} builds a derivation named {d.name!r}")
    return d
