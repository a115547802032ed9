"""The registry of named results: every derivation has a dotted name.

Each topic module exposes ``RESULTS``, a mapping from dotted name to a
function that builds the :class:`~derivations.record.Derivation`.  The
registry reads the topic modules listed in :data:`MODULES`; nothing is mutated at
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
from functools import cache
from types import ModuleType
from typing import Callable

from derivations.errors import InputError
from derivations.record import Derivation
from derivations.topics import (
    adaptive,
    batchnorm,
    beale,
    conjugate_gradient,
    curvature,
    dropout,
    ensembles,
    first_order,
    initialization,
    mlp,
    newton,
    quasi_newton,
    regularization,
)

MODULES: tuple[ModuleType, ...] = (
    batchnorm,
    curvature,
    newton,
    first_order,
    adaptive,
    quasi_newton,
    conjugate_gradient,
    beale,
    regularization,
    dropout,
    initialization,
    ensembles,
    mlp,
)


@cache
def builders() -> dict[str, Callable[[], Derivation]]:
    """Every registered name with the function that builds its derivation."""
    out: dict[str, Callable[[], Derivation]] = {}
    for module in MODULES:
        for name, build in module.RESULTS.items():
            if name in out:
                raise RuntimeError(f"derivation name {name!r} registered twice")
            out[name] = build
    return out


def names() -> list[str]:
    """All registered names, sorted."""
    return sorted(builders())


@cache
def get(name: str) -> Derivation:
    """The derivation called ``name``; an :class:`InputError` with suggestions if unknown.

    Parameters
    ==========

    name : a dotted name from :func:`names`, such as ``"batchnorm.dx"``.

    Returns
    =======

    The :class:`~derivations.record.Derivation` (built once, then cached).

    Examples
    ========

    >>> get("batchnorm.dx").name
    'batchnorm.dx'
    """
    table = builders()
    if name not in table:
        close = difflib.get_close_matches(name, table, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see `derivkit list`)"
        raise InputError(f"unknown derivation {name!r}{hint}")
    d = table[name]()
    if d.name != name:
        raise RuntimeError(f"{name!r} builds a derivation named {d.name!r}")
    return d
