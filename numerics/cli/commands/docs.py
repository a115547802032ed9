"""``derivkit docs``: verify every derivation and write the documentation site.

Examples
========

>>> from numerics.cli.main import main
>>> main(["docs", "--out", "/proc/derivkit-cannot-write-here"])
2
"""

from __future__ import annotations

import argparse
from pathlib import Path

from numerics.cli.options import add_timeout, add_workers, workers

EXAMPLES = """examples:
  derivkit docs                 write docs/ (index, one page per derivation, topic pages)
  derivkit docs --out site      write somewhere else
files derivkit did not generate, or that were edited since, are never overwritten or deleted."""


def register(sub) -> None:
    p = sub.add_parser("docs", help="write the documentation pages", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="docs", help="output directory (default: docs)")
    add_workers(p)
    add_timeout(p, 1800.0, "the whole build")
    p.set_defaults(handler=run)


def run(args) -> int:
    from numerics.site import build as docs  # the site pulls in every page and matplotlib: not for --help

    out = Path(args.out)
    n_workers = workers(args)
    docs.check_writable(args.out)  # fail fast (exit 2), before minutes of work
    report = docs.build_site(out, workers=n_workers)
    docs.print_report(report)
    return 1 if report.errors or report.unverified else 0
