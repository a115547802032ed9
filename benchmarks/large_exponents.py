"""Benchmark of `derivkit check` on powers above 1000: seconds per check, on the main thread and off it.

The readers bound such formulas by estimated degree and terms after expansion, not by the size of an
exponent; off the main thread (no timer can interrupt SymPy there) the engine expands only what the
estimate of its term products allows (derivations/checking/check.py, MAX_UNTIMED_WORK).

Run: ``.venv/bin/python benchmarks/large_exponents.py`` (prints a table; writes nothing)
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from derivations.checking.check import check_text

PAIRS = [
    ("(x+1)^2000", "(1+x)^2000"),
    ("(x+1)^2000 + x", "(x+1)^2000"),
    ("(x+1)^1500*(x-1)^1500", "(x^2-1)^1500"),
    ("((x+1)^2 - 1)^1200", "(x^2+2*x)^1200"),
    ("(x+1)^3000*(x-1)", "(x+1)^2999*(x^2-1)"),
    ("(x+1)^2000*(y+1)", "(x+1)^2000*y + (x+1)^2000"),
    ("(x+1)^9000*(x-1)", "(x+1)^8999*(x^2-1)"),
]
TIMEOUT = 10.0


def _timed(claimed, expected, thread: bool):
    out = []
    start = time.monotonic()
    if thread:
        t = threading.Thread(target=lambda: out.append(check_text(claimed, expected, timeout=TIMEOUT)))
        t.start()
        t.join()
    else:
        out.append(check_text(claimed, expected, timeout=TIMEOUT))
    return time.monotonic() - start, out[0]


def main() -> None:
    print(f"| pair | main thread (s) | verdict, method | worker thread (s) | verdict, method |  (timeout {TIMEOUT:g} s)")
    print("|---|---:|---|---:|---|")
    for claimed, expected in PAIRS:
        cells = []
        for thread in (False, True):
            seconds, r = _timed(claimed, expected, thread)
            cells += [f"{seconds:.2f}", f"{r.verdict.value}, {r.method}"]
        print(f"| `{claimed}` vs `{expected}` | " + " | ".join(cells) + " |")
    print(f"\n1-minute load average at the end: {os.getloadavg()[0]:.1f} (2 cores, shared)")


if __name__ == "__main__":
    main()
