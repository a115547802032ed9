"""The ``derivkit`` command line.

Commands live in :mod:`numerics.cli.commands`; each module there exposes
``register(subparsers)``, which adds its parser with ``handler=run``.
Bad input is one line on stderr and exit code 2; no traceback reaches the
user (set ``DERIVKIT_DEBUG=1`` to see one for an internal error).

Examples
========

>>> main(["derive", "--format", "pdf", "x"])
2
>>> main(["derive", "no.such.result"])
2
"""

from __future__ import annotations

import argparse
import os
import sys

from derivations.errors import InputError

from numerics.cli.commands import audit, bench, catalog, check, curvature, docs

COMMANDS = (catalog, docs, curvature, bench, check, audit)  # each adds its parser with register(subparsers)

EPILOG = """examples:
  derivkit list
  derivkit derive batchnorm.dx --format markdown
  derivkit docs --out docs
run `derivkit COMMAND --help` for the examples of each command."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        raise InputError(f"{self.prog}: {message}")


def parser() -> argparse.ArgumentParser:
    """The full argument parser, built from every command module."""
    top = _Parser(
        prog="derivkit",
        description="Derive, verify, compile and benchmark the mathematics of neural-network optimization.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.register(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code."""
    try:
        args = parser().parse_args(argv)
        if getattr(args, "handler", None) is None:
            parser().print_help()
            return 2
        return int(args.handler(args) or 0)
    except InputError as exc:
        print(f"derivkit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("derivkit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: one line unless debugging
        if os.environ.get("DERIVKIT_DEBUG"):
            raise
        print(f"derivkit: internal error: {type(exc).__name__}: {exc} (DERIVKIT_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
