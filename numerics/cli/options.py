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

__all__ = ["add_workers", "workers"]


def add_workers(parser, default: int = 2) -> None:
    """Add ``--workers N`` (worker processes) to ``parser``."""
    parser.add_argument("--workers", type=int, default=default, help=f"worker processes (default: {default})")


def workers(args) -> int:
    """The checked ``--workers`` value: an :class:`InputError` unless it is at least 1."""
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    return args.workers
