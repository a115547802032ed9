"""Benchmark: the HTML site built from the pages in docs/ (MkDocs, math to MathML, the tutorial executed).

Targets (issue): `make docs` (verification, pages, figures and the site) within 90 s on the
2-core machine, the site within 20 MB. This script times the site step alone, three runs
into scratch folders, and prints the median, the size and the page count with the load average.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from numerics.site.html import build_html

DOCS = Path(__file__).resolve().parents[1] / "docs"


def size_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    seconds, built = [], None
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            built = build_html(DOCS, Path(tmp) / "site")
            seconds.append(time.perf_counter() - start)
            size = size_bytes(built.site)
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"site from {DOCS}: median {statistics.median(seconds):.2f} s over 3 builds "
          f"(min {min(seconds):.2f}, max {max(seconds):.2f}), {built.pages} HTML pages, "
          f"{size / 1e6:.1f} MB, {len(built.failures)} failures; load average {' '.join(load)}")
    for failure in built.failures:
        print(f"  failed to render: {failure}")


if __name__ == "__main__":
    main()
