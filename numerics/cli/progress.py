"""A progress bar on stderr for anything that runs longer than a couple of seconds.

It draws only when stderr is a terminal, so logs and CI output stay clean.

Examples
========

>>> import io
>>> with Progress(3, "demo", stream=io.StringIO()) as bar:
...     for _ in range(3):
...         bar.advance()
>>> bar.done
3
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``with Progress(total, label) as bar: ... bar.advance(note)``."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None, width: int = 28,
                 interval: float = 0.1):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self.fraction: float | None = None  # set by show(): the bar's filling, else done / total
        self._start = time.monotonic()
        self.interval = interval  # show() redraws at most once in this many seconds
        self._drawn = float("-inf")
        self._live = bool(getattr(self.stream, "isatty", lambda: False)())

    def __enter__(self) -> "Progress":
        self._draw("")
        return self

    def advance(self, note: str = "") -> None:
        self.done += 1
        self.fraction = None
        self._draw(note)

    def show(self, fraction: float, note: str = "") -> None:
        """Fill the bar to ``fraction`` (clamped to [0, 1]) of its width with ``note``, at most once an ``interval``.

        >>> import io
        >>> bar = Progress(1, "demo", stream=io.StringIO())
        >>> bar.show(1.5, "budget spent"); bar.fraction
        1.0
        """
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        if now - self._drawn >= self.interval:
            self._drawn = now
            self._draw(note)

    def _draw(self, note: str) -> None:
        if not self._live:
            return
        share = self.done / self.total if self.fraction is None else self.fraction
        filled = int(self.width * share)
        elapsed = time.monotonic() - self._start
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {elapsed:5.1f}s {note[:30]:<30}")
        self.stream.flush()

    def __exit__(self, *exc) -> None:
        if self._live:
            self.stream.write("\n")
            self.stream.flush()
