"""Time bounds for symbolic work that may not terminate in reasonable time.

SymPy's simplification has no timeout of its own.  In the main thread a
``SIGALRM`` interval timer interrupts it, and keeps interrupting every
:data:`REPEAT` seconds until the block ends (in case the first exception is
swallowed); nested bounds keep the tighter one.  An alarm that arrives inside a
garbage-collector callback, where an exception could only be lost, waits for
the next repeat.
Elsewhere (worker threads) the bound is only checked when the block ends.

Examples
========

>>> from derivations.deadline import time_limit, TimeLimitExceeded
>>> with time_limit(1.0):
...     1 + 1
2
>>> try:
...     with time_limit(0.05):
...         while True:
...             pass
... except TimeLimitExceeded:
...     print("stopped")
stopped
"""

from __future__ import annotations

import gc
import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator


REPEAT = 0.05  # seconds between repeated alarms once the time is up


class TimeLimitExceeded(Exception):
    """Raised inside a :func:`time_limit` block when its time is up."""


def _can_use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _in_gc_callback(frame) -> bool:
    """Is ``frame`` (where a signal arrived) inside a garbage-collector callback (``gc.callbacks``)?

    >>> import sys
    >>> _in_gc_callback(sys._getframe())
    False
    """
    codes = {getattr(c, "__code__", None) for c in gc.callbacks}
    while frame is not None:
        if frame.f_code in codes:
            return True
        frame = frame.f_back
    return False


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Run the block for at most ``seconds`` (``None``: no bound)."""
    if seconds is None or not _can_use_alarm():
        yield
        return
    start = time.monotonic()
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    budget = seconds if outer_remaining <= 0 else min(seconds, outer_remaining)

    def _expire(signum, frame):  # noqa: ARG001 - signal handler signature
        if _in_gc_callback(frame):
            return  # an exception there is unraisable (lost): the alarm repeats REPEAT seconds later
        raise TimeLimitExceeded(f"time limit of {seconds:g} s exceeded")

    previous = signal.signal(signal.SIGALRM, _expire)
    # the alarm repeats until the block ends: code that swallows the first exception
    # (a broad ``except``, a finalizer) is interrupted again REPEAT seconds later
    signal.setitimer(signal.ITIMER_REAL, max(budget, 1e-3), REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining > 0:
            left = outer_remaining - (time.monotonic() - start)
            # the outer block's alarm fires (almost) at once if its time is gone
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), REPEAT)
