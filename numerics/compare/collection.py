"""The benchmark's problems: the 20 judged ones (Moré–Garbow–Hillstrom and others) and 10 from CUTE.

:func:`get` finds a problem of either set by name; :func:`default_problems`
is what ``derivkit bench`` runs without ``--problems``: the judged set of
:mod:`numerics.compare.problems` followed by the ten benchmarked problems of
:mod:`numerics.compare.cute` (:data:`~numerics.compare.cute.BENCHMARKED`).

Examples
========

>>> len(judged()), len(added()), get("tridia").dimension, get("wood").dimension
(20, 10, 100, 4)
>>> [p.name for p in added()][-2:]
['extrosnb', 'liarwhd']
"""

from __future__ import annotations

from derivations.errors import InputError

from numerics.compare import cute, problems
from numerics.compare.problems import Problem, unknown

__all__ = ["judged", "added", "default_problems", "names", "get"]


def judged() -> list[Problem]:
    """The 20 problems of :mod:`numerics.compare.problems` at their default sizes."""
    return problems.default_problems()


def added() -> list[Problem]:
    """The 10 CUTE problems of :mod:`numerics.compare.cute`."""
    return cute.default_problems()


def default_problems() -> list[Problem]:
    """The judged problems, then the CUTE ones."""
    return judged() + added()


def names() -> list[str]:
    """Every problem name of both sets."""
    return problems.names() + cute.names()


def get(name: str) -> Problem:
    """Build a problem of either set by name; an :class:`InputError` with a suggestion for an unknown one.

    Examples
    ========

    >>> get("arwhed")
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: unknown problem 'arwhed' (did you mean 'arwhead'?)
    """
    if name in problems.PROBLEMS:
        return problems.get(name)
    if name in cute.PROBLEMS:
        return cute.get(name)
    raise InputError(unknown("problem", name, names()))
