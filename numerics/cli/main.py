"""The ``derivkit`` command line.

Commands live in :mod:`numerics.cli.commands`; each module there exposes
``register(subparsers)``, which adds its parser with ``handler=run``.
Bad input is one line on stderr and exit code 2; no traceback reaches the
user (set ``DERIVKIT_DEBUG=1`` to see one for an internal error).

Every command has one time bound, its ``--timeout``, around all of its work
from parsing to output: the command's own budget is what is left of it, an
alarm ends Python-level work :data:`~numerics.cli.supervise.SOFT_MARGIN` s
after it, and :func:`run` (the console script) runs the command in a
supervised child that is killed, with every process it started,
:data:`~numerics.cli.supervise.HARD_MARGIN` s after it.  Either way the
message is one line and the exit code :data:`~numerics.cli.supervise.EXIT_TIME`.
SIGTERM is handled like Ctrl-C: work is cancelled, workers are ended, exit 143 (130 for Ctrl-C).

Examples
========

>>> main(["derive", "--format", "pdf", "x"])
2
>>> main(["derive", "no.such.result"])
2
>>> main(["check", "x", "x", "--timeout", "nan"])
2
>>> import contextlib, io
>>> err = io.StringIO()
>>> with contextlib.redirect_stderr(err):
...     main(["check", "-x", "x"])
2
>>> print(err.getvalue().strip())
derivkit: error: unrecognized arguments: -x (a formula that starts with "-" goes after "--", e.g. derivkit check -- "-x" "-x")
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager

from derivations.deadline import TimeLimitExceeded, time_limit
from derivations.errors import InputError

from numerics.cli import options
from numerics.cli.commands import audit, bench, catalog, check, curvature, docs
from numerics.cli.supervise import EXIT_TIME, HARD_MARGIN, SOFT_MARGIN, supervised

COMMANDS = (catalog, docs, curvature, bench, check, audit)  # each adds its parser with register(subparsers)
EXIT_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a program whose reader closed the pipe

EPILOG = """examples:
  derivkit list
  derivkit derive batchnorm.dx --format markdown
  derivkit docs --out docs
run `derivkit COMMAND --help` for the examples of each command.
every command has --timeout S: one bound on all of its work, from parsing to output.
exit codes: 0 done, 1 a result failed its check, 2 bad input, 3 the time bound was reached
(check: undecided), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        command = self.prog.removeprefix("derivkit").strip()
        if message.startswith("unrecognized arguments: -"):
            message += ' (a formula that starts with "-" goes after "--", e.g. derivkit check -- "-x" "-x")'
        elif message.endswith("expected one argument"):
            message += ' (for a value that starts with "-" write --option=value, e.g. --x0=-1,2)'
        raise InputError(f"{command}: {message}" if command else message)


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


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that both take the same way out (cancel, end the workers)."""


@contextmanager
def _signals_raise():
    """SIGINT raises KeyboardInterrupt and SIGTERM :class:`Terminated`, once; later signals are ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)  # the cleanup that follows is not interrupted again
        raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def time_bound_message(command: str, seconds: float) -> str:
    """The one line printed when ``command`` reaches its time bound."""
    return (f"derivkit: error: derivkit {command} did not finish within its time bound of {seconds:g} s "
            "(--timeout); give a larger --timeout or a smaller input")


def main(argv: list[str] | None = None, started: float | None = None) -> int:
    """Run one command; return its exit code.

    ``started`` is the ``time.monotonic()`` at which the command's time bound
    began (default: now); the command's own budget is what is left of its ``--timeout``.
    """
    started = time.monotonic() if started is None else started
    try:
        with _signals_raise():
            args = parser().parse_args(argv)
            if getattr(args, "handler", None) is None:
                parser().print_help()
                return 2
            bound = options.timeout(args)
            args.timeout = max(bound - (time.monotonic() - started), 0.05)
            try:
                with time_limit(args.timeout + SOFT_MARGIN):
                    return int(args.handler(args) or 0)
            except TimeLimitExceeded:
                print(time_bound_message(args.command, bound), file=sys.stderr)
                return EXIT_TIME
    except InputError as exc:
        print(f"derivkit: error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:  # a size the checks at the boundary let through: still the input's
        print("derivkit: error: the input needs more memory than this machine has; give a smaller input",
              file=sys.stderr)
        return 2
    except RecursionError:
        print("derivkit: error: the input is nested too deeply to process; give a flatter input", file=sys.stderr)
        return 2
    except Terminated:
        print("derivkit: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("derivkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output stopped reading (derivkit ... | head): nothing to report
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the final flush has nowhere to fail
        except (OSError, ValueError):
            pass
        return EXIT_PIPE
    except Exception as exc:  # an internal error: one line unless debugging
        if os.environ.get("DERIVKIT_DEBUG"):
            raise
        print(f"derivkit: internal error: {type(exc).__name__}: {exc} (DERIVKIT_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point: :func:`main` in a supervised child under the command's hard bound."""
    argv = sys.argv[1:]
    started = time.monotonic()  # the command starts here, once Python and derivkit are loaded
    try:
        args = parser().parse_args(argv)
        bound = options.timeout(args) if getattr(args, "handler", None) is not None else None
    except InputError as exc:
        print(f"derivkit: error: {exc}", file=sys.stderr)
        sys.exit(2)
    if bound is None:
        sys.exit(main(argv, started))
    sys.exit(supervised(lambda: main(argv, started), started + bound + HARD_MARGIN,
                        time_bound_message(args.command, bound)))


if __name__ == "__main__":  # pragma: no cover
    run()
