"""One hard time bound around a whole command, and no process of it outliving it.

:func:`supervised` runs the command in a forked child and waits: at its
deadline (the command's bound, counted from the start of the command, plus
:data:`HARD_MARGIN`), or :data:`STOP_GRACE` seconds after SIGINT or SIGTERM, the child and
every process it started are killed, and the parent exits with a one-line
message.  This holds even when the child is stuck in C code that a Python
signal handler cannot interrupt (exact big-integer arithmetic, a BLAS call).
The parent is a child subreaper (Linux ``prctl``), so grandchildren orphaned
by the child's exit are still found and ended.

The soft bound inside the child (``derivations.deadline.time_limit``) fires
:data:`SOFT_MARGIN` after the bound and ends ordinary Python work with the same
message; the hard bound is the backstop for everything else.

Examples
========

>>> import os, subprocess, sys
>>> child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
>>> child.pid in descendants(os.getpid())
True
>>> child.kill(); child.wait()
-9
>>> child.pid in descendants(os.getpid())
False
>>> import time
>>> supervised(lambda: 7, deadline=time.monotonic() + 5.0, expired="too slow")
7
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from pathlib import Path
from typing import Callable

SOFT_MARGIN = 0.3  # s after the bound: the child's own alarm ends Python-level work
HARD_MARGIN = 0.8  # s after the bound: the parent kills the child and its processes
STOP_GRACE = 1.0  # s the child has after SIGINT/SIGTERM to cancel its work and exit by itself
POLL = 0.02  # s between the parent's checks

EXIT_TIME = 3  # the command did not finish within its time bound
EXIT_SIGNAL = {signal.SIGINT: 130, signal.SIGTERM: 143}
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` in the process tree (Linux ``/proc``; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat") if Path("/proc").is_dir() else ():
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.parent.name))
        except (OSError, ValueError, IndexError):
            continue  # the process ended while the table was read
    found, todo = [], list(children.get(pid, []))
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def _kill_tree(root: int, keep: frozenset[int] = frozenset()) -> None:
    """SIGKILL every descendant of ``root`` but those in ``keep``, and reap the ones that are its children."""
    for p in set(descendants(root)) - keep:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for _ in range(int(STOP_GRACE / POLL)):
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if not set(descendants(root)) - keep:
                return
            time.sleep(POLL)  # killed children take a moment to become reapable


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: orphaned grandchildren cannot be followed, the child is still ended


def _exit_code(status: int) -> int:
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else 1


def supervised(work: Callable[[], int], deadline: float, expired: str) -> int:
    """Run ``work()`` in a child process; its exit code, or :data:`EXIT_TIME` at ``deadline``.

    ``deadline`` is a ``time.monotonic()`` value; ``expired`` is the line
    printed when the child is ended there.
    """
    if not hasattr(os, "fork"):
        return work()
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    sys.stdout.flush()
    sys.stderr.flush()
    me = os.getpid()
    keep = frozenset(descendants(me))  # processes that were there before the command
    pid = os.fork()
    if pid == 0:  # the child: run the command, never return into the caller
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # should the parent itself be killed, stop as on SIGTERM
        code = 1
        try:
            code = work()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(code)
    received: list[tuple[int, float]] = []

    def forward(signum, frame):  # noqa: ARG001 - signal handler signature
        if not received:
            received.append((signum, time.monotonic()))
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    previous = {sig: signal.signal(sig, forward) for sig in EXIT_SIGNAL}
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                _kill_tree(me, keep)  # workers the child left behind
                return _exit_code(status)
            now = time.monotonic()
            if received and now > received[0][1] + STOP_GRACE:
                _kill_tree(me, keep)
                print("derivkit: interrupted" if received[0][0] == signal.SIGINT else "derivkit: terminated",
                      file=sys.stderr)
                return EXIT_SIGNAL[received[0][0]]
            if now > deadline:
                print(expired, file=sys.stderr, flush=True)
                _kill_tree(me, keep)
                return EXIT_TIME
            time.sleep(POLL)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
