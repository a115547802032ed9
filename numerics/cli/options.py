"""Options shared by several commands, declared and checked in one place.

Examples
========

>>> import argparse
>>> p = argparse.ArgumentParser()
>>> add_workers(p)
>>> workers(p.parse_args(["--workers", "3"]))
3
>>> workers(p.parse_args(["--workers", "0"]))
Traceback (most recent call last):
...
derivations.errors.InputError: --workers must be at least 1
"""

from __future__ import annotations

from derivations.errors import InputError

__all__ = ["CONSTANTS", "add_assume", "add_kinds", "add_seed", "add_size", "add_timeout", "add_workers", "seed",
           "size", "timeout", "variables", "workers"]

CONSTANTS = {"pi": "the constant π"}  # the one name the reader does not make a symbol


def add_workers(parser, default: int = 2) -> None:
    """Add ``--workers N`` (worker processes) to ``parser``."""
    parser.add_argument("--workers", type=int, default=default, help=f"worker processes (default: {default})")


def workers(args) -> int:
    """The checked ``--workers`` value: an :class:`InputError` unless it is at least 1."""
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    return args.workers


def add_assume(parser) -> None:
    """Add ``--assume COND`` (repeatable) to ``parser``."""
    parser.add_argument("--assume", action="append", default=[], metavar="COND",
                        help='an assumption such as "x>0", "x>=1", "0<p<1", "p in (0, 1)", "n integer" or '
                             '"n > 0 integer" (repeatable)')


def add_timeout(parser, default: float, what: str) -> None:
    """Add ``--timeout S`` (seconds for ``what``) to ``parser``."""
    parser.add_argument("--timeout", type=float, default=default, metavar="S",
                        help=f"seconds for {what} (default {default:g})")


def timeout(args) -> float:
    """The checked ``--timeout``: an :class:`InputError` unless 0 < S <= 3600.

    >>> import argparse
    >>> timeout(argparse.Namespace(timeout=0))
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --timeout must be between 0 and 3600 seconds
    """
    if not (0 < args.timeout <= 3600):  # also NaN
        raise InputError("--timeout must be between 0 and 3600 seconds")
    return args.timeout


def add_seed(parser) -> None:
    """Add ``--seed N`` (the seed of random probe points) to ``parser``."""
    parser.add_argument("--seed", type=int, default=0, help="seed of the random probe points (default 0)")


def seed(args) -> int:
    """The checked ``--seed``: an :class:`InputError` unless it is an integer from 0 to 2**32 - 1.

    >>> import argparse
    >>> seed(argparse.Namespace(seed=-1))
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --seed must be an integer from 0 to 4294967295, got -1
    """
    if not 0 <= args.seed < 2**32:  # NumPy's seeds
        raise InputError(f"--seed must be an integer from 0 to {2**32 - 1}, got {args.seed}")
    return args.seed


def add_size(parser, what: str) -> None:
    """Add ``--n N`` (the value of the size ``n`` in the bounds of indexed sums, for ``what``) to ``parser``."""
    parser.add_argument("--n", metavar="N", help=f"the size n in the bounds of indexed sums, e.g. Sum(..., (i, 0, n-2)), "
                                                 f"{what}")


def size(text: str | None) -> int | None:
    """The checked ``--n``: an integer from 1 to :data:`~derivations.reading.indexed.MAX_N`, or ``None``.

    >>> size("1_000")
    1000
    >>> size("10**9")
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --n must be an integer from 1 to 1,000,000 (the limit of variables), got '10**9'
    """
    from derivations.reading.indexed import MAX_N  # SymPy behind it: only for a command given --n

    if text is None:
        return None
    value = text.strip().replace("_", "")
    if not value.isdigit() or not 1 <= int(value) <= MAX_N:
        raise InputError(f"--n must be an integer from 1 to {MAX_N:,} (the limit of variables), got {text!r}")
    return int(value)


def add_kinds(parser) -> None:
    """Add ``--matrix``, ``--vector``, ``--function`` and ``--scalar NAMES``: declared kinds of names."""
    for kind, example in (("matrix", "H,X"), ("vector", "v,g"), ("function", "f,J"), ("scalar", "x")):
        parser.add_argument(f"--{kind}", action="append", default=[], metavar="NAMES",
                            help=f"names that are {'matrices' if kind == 'matrix' else kind + 's'} (e.g. {example}; "
                                 "repeatable)")


def variables(text: str | None, option: str = "--vars") -> str | None:
    """The checked ``--vars`` list (unchanged): no empty name, no name listed twice, no constant.

    >>> variables("x, pi")
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --vars: pi is the constant π, not a variable; name the variable differently
    """
    if text is None:
        return None
    names = [n.strip() for n in text.split(",")]
    if not all(names):
        raise InputError(f"{option}: empty name in {text!r}")
    for n in names:
        if n in CONSTANTS:
            raise InputError(f"{option}: {n} is {CONSTANTS[n]}, not a variable; name the variable differently")
    if len(set(names)) != len(names):
        raise InputError(f"{option}: a variable is listed twice in {text!r}")
    return text
