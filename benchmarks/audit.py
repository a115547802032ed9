"""Benchmark of `derivkit audit`: seconds to audit a 40-step lecture-note document.

The document is three of the test documents (``tests/audit_documents/``:
``sigmoid.md``, ``batch_statistics.md``, ``update_rules.md``) put one after the
other, each under its own heading: 42 steps of scalar calculus, sums over a
batch of symbolic size m and update rules.  It is audited ``REPEATS`` times
in this process (the first run includes SymPy's warm-up); the report gives
every run's wall time, the step counts and the load average before and after,
and whether the target (at most 10 s on this 2-core machine) is met.  Each test
document is also timed on its own, and over the whole set the planted slips found
(lines marked ``planted``), the false alarms and the share of unchecked steps are
counted (targets: every planted slip, none, at most 15 %).

Run: ``.venv/bin/python benchmarks/audit.py``
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derivations.checking.audit import audit_file, audit_text  # noqa: E402
from derivations.checking.document import Syntax  # noqa: E402

REPEATS = 3
TARGET_SECONDS = 10.0
UNCHECKED_SHARE = 0.15
DOCUMENTS = ROOT / "tests" / "audit_documents"
PARTS = ("sigmoid.md", "batch_statistics.md", "update_rules.md")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    text = "\n\n".join((DOCUMENTS / name).read_text() for name in PARTS)
    print(f"load average before: {_load()}  (cores: {os.cpu_count()})")
    times, steps = [], None
    for run in range(REPEATS):
        start = time.monotonic()
        audit = audit_text(text, Syntax.MARKDOWN, name="composite.md", timeout=120)
        times.append(time.monotonic() - start)
        steps = audit.summary()
        print(f"run {run + 1}: {times[-1]:.2f} s  ({len(audit.steps)} steps: {steps})")
    print(f"load average after: {_load()}")
    worst = max(times)
    print(f"40-step document: median {statistics.median(times):.2f} s, worst {worst:.2f} s "
          f"(target <= {TARGET_SECONDS:g} s: {'met' if worst <= TARGET_SECONDS else 'NOT met'})")
    print("each test document on its own:")
    planted = found = false_alarms = total = unchecked = 0
    for path in sorted(DOCUMENTS.iterdir()):
        start = time.monotonic()
        a = audit_file(str(path), timeout=120)
        marks = {n for n, line in enumerate(path.read_text().split("\n"), 1) if "planted" in line}
        slips = {s.line for s in a.steps if s.verdict.value == "slip"}
        planted, found, false_alarms = planted + len(marks), found + len(marks & slips), false_alarms + len(slips - marks)
        total, unchecked = total + len(a.steps), unchecked + a.summary()["unchecked"]
        print(f"  {path.name:24s} {len(a.steps):3d} steps  {time.monotonic() - start:6.2f} s  {a.summary()}  "
              f"planted found {len(marks & slips)}/{len(marks)}, false alarms {len(slips - marks)}")
    share = unchecked / max(1, total)
    print(f"the test-document set: planted slips found {found}/{planted}, false alarms {false_alarms}, "
          f"unchecked {unchecked}/{total} = {100 * share:.1f} % (targets: all, 0, <= {100 * UNCHECKED_SHARE:g} %)")
    print(f"load average at the end: {_load()}")
    met = worst <= TARGET_SECONDS and found == planted and not false_alarms and share <= UNCHECKED_SHARE
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
