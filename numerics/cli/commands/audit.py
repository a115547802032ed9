r"""``derivkit audit FILE``: check every step of the derivations in a Markdown or LaTeX document.

Exit codes: 0 no slip, 1 at least one slip, 2 the file cannot be read (or a bad
option).  The report has one line a step, ``FILE:LINE: verdict — the step — the
counterexample``; ``--json`` prints ``{"file", "steps": [...], "summary"}``;
``--out REPORT.md`` writes an annotated copy of the document with a mark beside
each step (never over the input, nor over a file it did not write).

Examples
========

>>> import tempfile, pathlib
>>> from numerics.cli.main import main
>>> doc = pathlib.Path(tempfile.mkdtemp()) / "notes.md"
>>> _ = doc.write_text("Expand $(a + b)^2 = a^2 + 2ab + b^2 = a^2 + b^2$.\n")
>>> main(["audit", str(doc)])  # doctest: +ELLIPSIS
/...notes.md:1: verified — (a + b)^2 = a^2 + 2ab + b^2 [symbolic]
/...notes.md:1: slip — (a + b)^2 = a^2 + b^2 — at a = ..., b = ...: claimed ..., expected ...
/...notes.md: 1 verified, 1 slip, 0 unchecked (... s)
1
>>> main(["audit", str(doc.parent / "missing.md")])
2
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from derivations.checking.audit import annotate, audit_text, read_document
from derivations.checking.document import syntax_of
from derivations.errors import InputError
from numerics.cli import options

MARK = "derivkit audit"
EXAMPLES = r"""examples:
  derivkit audit notes.md                          a report line per step; exit 1 if a slip is found
  derivkit audit slides.tex --json > audit.json
  derivkit audit notes.md --out notes.audited.md   an annotated copy beside the original
  derivkit audit hw.md --assume "lambda>0" --timeout 60
  derivkit audit hw.md --function u,phi --matrix A,B --vector v --scalar a
Kinds: bold names are vectors (lowercase) and matrices (capitals); names the document defines as f(x) = ...
are functions, and so are f, g, h, J, sigma, ... written f(x) without a space; any other name written with
an argument list is a scalar times the parenthesis (a(b + c)). --matrix/--vector/--function/--scalar
declare a name's kind for the whole document.
Formulas: Markdown $..$, $$..$$, \[..\]; LaTeX equation, align, aligned, gather, multline, \(..\), $..$.
Steps: each relation of a chain a = b = c; aligned rows (&= continues the row above); a display formula
starting with = continues the previous one; successive update rules of one variable (w \leftarrow ...).
Context: "Let"/"define"/"where"/:= and the first equation that gives a name a value are definitions;
"setting ... to zero" makes an = 0 a condition that a later solution is checked against; \lambda > 0 is an
assumption.
Update rules (v_t = \alpha v_{t-1} - \epsilon g_t, \theta \leftarrow \theta - ..., \Delta\theta = -...) are checked by
what they must do, coordinate-wise with a constant gradient g from the zero state: the first step descends
(g * Delta theta_1 < 0 for g != 0; learning rates > 0, decays in (0, 1)); a bias-corrected moving average
equals a constant input at every step; "set x_old = x_new" carries the iteration forward.
Verdicts: verified (how), slip (counterexample and diagnosis), unchecked (why)."""


def register(sub) -> None:
    p = sub.add_parser("audit", help="check every step of a document's derivations", epilog=EXAMPLES,
                       description="Read a Markdown or LaTeX document and check every step of its derivations: "
                                   "verified, slip (with a counterexample) or unchecked (with the reason).",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE", help="a Markdown (.md) or LaTeX (.tex) document, UTF-8")
    p.add_argument("--json", action="store_true", help="print a JSON record")
    p.add_argument("--out", metavar="REPORT", help="write an annotated copy of the document here")
    options.add_timeout(p, 120.0, "the whole audit; each step gets a share")
    options.add_assume(p)
    options.add_kinds(p)
    options.add_seed(p)
    p.set_defaults(handler=run)


def _writable(out: Path, source: Path) -> None:
    """``--out`` never replaces the input, nor a file that this command did not write."""
    if out.exists() and source.exists() and os.path.samefile(out, source):
        raise InputError(f"--out {out} is the document itself; give another path")
    if out.is_dir():
        raise InputError(f"--out {out} is a directory; give a file path")
    if out.exists():
        tail = out.read_bytes()[-4096:].decode("utf-8", "replace")
        if f"{MARK} of " not in tail:
            raise InputError(f"--out {out} exists and was not written by derivkit audit; "
                             "remove it or choose another path")
    if not out.parent.is_dir():
        raise InputError(f"--out {out}: the folder {out.parent} does not exist")


def run(args) -> int:
    options.timeout(args)
    options.seed(args)
    text = read_document(args.file)
    syntax = syntax_of(args.file)
    if args.out:
        _writable(Path(args.out), Path(args.file))
    result = audit_text(text, syntax, name=args.file, assume=args.assume, timeout=args.timeout, seed=args.seed,
                        matrices=args.matrix, vectors=args.vector, functions=args.function, scalars=args.scalar)
    if args.out:
        out = Path(args.out)
        footer = (f"\n% {MARK} of {args.file}\n" if syntax.value == "latex" else f"\n<!-- {MARK} of {args.file} -->\n")
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(annotate(text, result, syntax) + footer, encoding="utf-8")
        tmp.replace(out)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        print(result.report())
    return 1 if result.summary()["slip"] else 0
