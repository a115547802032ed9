"""Benchmark: verifying every registered derivation, in one process and as ``derivkit docs`` does.

Target (issue): verifying every derivation, as ``make docs`` does, within 60 s on the 2-core
machine. ``derivkit docs`` builds and verifies each derivation in a pool of 2 worker processes;
this script times that (wall clock), and the same work in one process (wall clock and CPU time,
the latter less sensitive to other work on the machine), and prints the load average with each.
"""

from __future__ import annotations

import time
from concurrent.futures import as_completed
from pathlib import Path

from derivations import registry
from numerics.compare.harness import worker_pool


def verify_one(name: str) -> tuple[str, float, bool]:
    """Build and verify one derivation; its CPU seconds and whether every step holds."""
    start = time.process_time()
    ok = registry.get(name).verify().ok
    return name, time.process_time() - start, ok


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    names = registry.names()
    start = time.perf_counter()
    with worker_pool(2) as pool:
        runs = [f.result() for f in as_completed([pool.submit(verify_one, n) for n in names])]
    print(f"2 workers (as derivkit docs): {time.perf_counter() - start:.1f} s wall for {len(runs)} derivations; "
          f"load average {load()}")
    start, cpu = time.perf_counter(), time.process_time()
    runs = [verify_one(n) for n in names]
    print(f"one process: {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; "
          f"{sum(not ok for _, _, ok in runs)} derivations with a failing step; load average {load()}")
    for name, seconds, _ in sorted(runs, key=lambda r: -r[1])[:8]:
        print(f"  {seconds:6.2f} s CPU  {name}")


if __name__ == "__main__":
    main()
