"""``derivkit docs``: verify every derivation, write the documentation pages, and build the HTML site.

Examples
========

>>> from numerics.cli.main import main
>>> main(["docs", "--out", "/proc/derivkit-cannot-write-here"])
2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from numerics.cli.options import add_timeout, add_workers, workers

EXAMPLES = """examples:
  derivkit docs                 write docs/ (index, one page per derivation, topic pages)
  derivkit docs --out site      write somewhere else (the HTML site goes to site/_site)
  derivkit docs --no-site       only the Markdown pages
files derivkit did not generate, or that were edited since, are never overwritten or deleted."""


def register(sub) -> None:
    p = sub.add_parser("docs", help="write the documentation pages", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="docs", help="output directory (default: docs)")
    add_workers(p)
    p.add_argument("--site", default=None, help="where the HTML site goes (default: OUT/_site)")
    p.add_argument("--no-site", action="store_true", help="write the Markdown pages only")
    add_timeout(p, 1800.0, "the whole build")
    p.set_defaults(handler=run)


def run(args) -> int:
    from numerics.site import build as docs  # the site pulls in every page and matplotlib: not for --help

    out = Path(args.out)
    n_workers = workers(args)
    docs.check_writable(args.out)  # fail fast (exit 2), before minutes of work
    if not args.no_site:
        from numerics.site.html import check_site

        check_site(out, Path(args.site) if args.site else None)
    from numerics.site.manifest import lock_wait

    report = docs.build_site(out, workers=n_workers, wait=lock_wait(args.timeout))
    docs.print_report(report)
    failed = bool(report.errors or report.unverified)
    if not args.no_site:
        from numerics.site.html import build_html

        built = build_html(out, Path(args.site) if args.site else None)
        for failure in built.failures:
            print(f"derivkit docs: site: failed to render {failure}", file=sys.stderr)
        print(f"derivkit docs: site: {built.pages} HTML pages in {built.site}", file=sys.stderr)
        failed = failed or bool(built.failures)
    return 1 if failed else 0
