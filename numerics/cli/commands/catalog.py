"""``derivkit list`` and ``derivkit derive``: the registry of named results.

Examples
========

>>> import contextlib, io
>>> from numerics.cli.main import main
>>> main(["derive", "batchnorm.dbeta", "--format", "text"])  # doctest: +ELLIPSIS
Gradient with respect to β  [batchnorm.dbeta]
verified (1 definition, 1 proved for all m; ...)
...
0
"""

from __future__ import annotations

import argparse
import json

from derivations import registry
from derivations.render import to_latex, to_markdown, to_text

from numerics.cli.options import add_timeout
from numerics.compare.harness import worker_pool
from numerics.cli.progress import Progress

LIST_EXAMPLES = """examples:
  derivkit list                 every named result, verified on the spot
  derivkit list --json          machine-readable: name, title, verified, seconds, per-step scope
  derivkit list --names         names only, no verification (fast)"""

DERIVE_EXAMPLES = """examples:
  derivkit derive batchnorm.dx
  derivkit derive batchnorm.dx --format markdown > dx.md
  derivkit derive batchnorm.dx --format latex"""


def register(sub) -> None:
    p = sub.add_parser("list", help="list every named result", epilog=LIST_EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--names", action="store_true", help="print names only, without verifying")
    add_timeout(p, 600.0, "verifying every result")
    p.set_defaults(handler=run_list)
    d = sub.add_parser("derive", help="show one derivation with its verification", epilog=DERIVE_EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("name", help="a dotted name from `derivkit list`")
    d.add_argument("--format", choices=("text", "markdown", "latex"), default="text")
    d.add_argument("--no-verify", action="store_true", help="render without verifying")
    add_timeout(d, 120.0, "the derivation and its verification")
    d.set_defaults(handler=run_derive)


def _verify(name: str) -> dict:
    d = registry.get(name)
    v = d.verify()
    return {"name": name, "title": d.title, "verified": v.ok, "steps": len(d.steps),
            "seconds": round(v.seconds, 3), "seeds": list(d.seeds), "summary": v.summary(timing=False),
            "scope": [{"step": s.index, "outcome": s.outcome.value, "label": s.label, **s.scope.as_dict()}
                      for s in v.steps]}


def run_list(args) -> int:
    names = registry.names()
    if args.names:
        print("\n".join(names))
        return 0
    rows = []
    with Progress(len(names), "verifying") as bar, worker_pool(2) as pool:
        for row in pool.map(_verify, names):
            rows.append(row)
            bar.advance(row["name"])
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
    else:
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            mark = "verified" if r["verified"] else "NOT VERIFIED"
            print(f"{r['name']:<{width}}  {mark:<12}  {r['title']}")
            print(f"{'':<{width}}  {r['summary'].split(' ', 1)[1]}")
    return 0 if all(r["verified"] for r in rows) else 1


def run_derive(args) -> int:
    d = registry.get(args.name)
    v = None if args.no_verify else d.verify()
    render = {"text": to_text, "markdown": to_markdown, "latex": to_latex}[args.format]
    print(render(d, v))
    return 0 if v is None or v.ok else 1
