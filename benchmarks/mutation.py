"""Mutation test of the verifier: slip every claim of every registered derivation and count what is caught.

Run: ``PYTHONPATH=$PWD python benchmarks/mutation.py [--limit K] [--out FILE.md]``.  Each checked step
gets up to K mutants (sign flip, factor 2 or 1/2, dropped term, exponent changed, index swap, ε removed
from under a root, m → m − 1; all kinds when K is omitted); mutants an independent probe finds
equivalent are excluded; the rest are verified.  Target: none escaped (proved or probed), at most 1 %
undecided.  The table goes to stdout, and to FILE.md for the docs page (docs/mutation-test.md).
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import time

from derivations import registry
from derivations.checking.mutation import mutate_derivation


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="mutants per step (default: every kind)")
    ap.add_argument("--out", default=None, help="write the Markdown table here")
    args = ap.parse_args()
    start = time.perf_counter()
    by_kind: dict = collections.defaultdict(collections.Counter)
    bad = []
    for name in registry.names():
        for r in mutate_derivation(registry.get(name), random.Random(0), limit=args.limit):
            by_kind[r.kind][r.verdict] += 1
            if r.verdict in ("escaped", "undecided"):
                bad.append(r)
    seconds = time.perf_counter() - start
    total = collections.Counter()
    for c in by_kind.values():
        total.update(c)
    judged = total["caught"] + total["undecided"] + total["escaped"]
    lines = ["| slip | mutants | equivalent (excluded) | caught | undecided | escaped |", "|---|---|---|---|---|---|"]
    for kind, c in sorted(by_kind.items()):
        lines.append(f"| {kind} | {sum(c.values())} | {c['equivalent']} | {c['caught']} | {c['undecided']} | {c['escaped']} |")
    lines.append(f"| **all** | {sum(total.values())} | {total['equivalent']} | {total['caught']} | "
                 f"{total['undecided']} | {total['escaped']} |")
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"] * 3
    summary = (f"{judged} non-equivalent mutants of {len(registry.names())} derivations: {total['caught']} caught, "
               f"{total['undecided']} undecided ({100 * total['undecided'] / max(judged, 1):.1f} %), "
               f"{total['escaped']} escaped; {seconds:.0f} s (load average {' '.join(load)}).")
    text = "\n".join(lines + ["", summary] + [f"- {r.verdict}: {r.name} step {r.step}, {r.kind}" for r in bad])
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return 0 if not total["escaped"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
