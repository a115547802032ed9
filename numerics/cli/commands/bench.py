"""``derivkit bench``: derivkit's solvers beside SciPy's on standard test functions.

Examples
========

>>> from numerics.cli.main import main
>>> main(["bench", "--problems", "booth", "--solvers", "scipy:BFGS", "--workers", "1"])  # doctest: +ELLIPSIS
| solver | stationary | optimal | ...
0
>>> main(["bench", "--solvers", "bgfs"])
2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from derivations.errors import InputError

from numerics.compare import report as bench_report
from numerics.compare import harness as compare
from numerics.compare import collection, problems
from numerics.cli import options
from numerics.cli.options import add_timeout, add_workers, variables, workers
from numerics.cli.progress import Progress

EXAMPLES = """examples:
  derivkit bench                                   every problem x every solver (630 runs, about 20 s of CPU)
  derivkit bench --problems rosenbrock,wood --solvers bfgs,scipy:BFGS,scipy:L-BFGS-B
  derivkit bench --expr "(1 - x)^2 + 100*(y - x^2)^2" --x0=-1.2,1 --fstar 0
  derivkit bench --expr "Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))" --n 100 --x0=-1.2,1 --fstar 0
                                                   chained Rosenbrock in x0 ... x99 from (-1.2, 1, -1.2, 1, ...)
--expr takes up to 1 MB of text and sums of any length.  Indexed sums: x[i] inside Sum(term, (i, lo, hi)) is
the vector x0, x1, ...; bounds are integers or written in n (--n N, at most 1,000,000); --x0 is then a
pattern of k values repeated n/k times (k must divide the number of variables).
  derivkit bench --json runs.json --csv runs.csv --plots figures/
  derivkit bench --workers 4                       four worker processes
  derivkit bench --dask tcp://scheduler:8786       runs on a Dask cluster (pip install 'derivkit[dask]')
every solver stops on max|grad f(x)| <= 1e-5 (scipy:... with matched options; scipy-default:... as shipped);
success is judged by the harness: stationary max|grad f(x)| <= 1e-5, optimal f(x) - f* <= 1e-8 (1 + |f*|),
never by a solver's own flag.  Variables of --expr are its symbols sorted by name (or --vars).
problems (the 20 judged, then CUTE; nondia is not in the default run): """ + ", ".join(collection.names()) + """
solvers: """ + ", ".join(compare.SOLVERS)


def register(sub) -> None:
    p = sub.add_parser("bench", help="benchmark derivkit's solvers against SciPy", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--problems", help="comma-separated problem names (default: all)")
    p.add_argument("--solvers", help="comma-separated solver names (default: all)")
    p.add_argument("--expr", help="your own objective, e.g. 'x^2 + 3*y^2' (parsed, never evaluated as code)")
    p.add_argument("--x0", help="starting point of --expr, comma-separated (use --x0=-1,2 for a leading minus)")
    p.add_argument("--vars", help="variables of --expr in the order of --x0 (default: its symbols by name)")
    p.add_argument("--fstar", help="known minimum value of --expr (enables the f - f* success test)")
    options.add_size(p, "in --expr")
    p.add_argument("--json", metavar="FILE", help="write every run as JSON")
    p.add_argument("--csv", metavar="FILE", help="write every run as CSV")
    p.add_argument("--plots", metavar="DIR", help="write the performance profile and per-problem figures")
    add_workers(p)
    p.add_argument("--dask", metavar="ADDRESS", help="run on the Dask scheduler at ADDRESS instead")
    p.add_argument("--time-limit", type=float, default=compare.Settings.time_limit,
                   help=f"wall-clock bound per run in seconds (default: {compare.Settings.time_limit:g})")
    add_timeout(p, 900.0, "the whole benchmark, from parsing to the last table")
    p.set_defaults(handler=run)


def _split(text: str, option: str) -> list[str]:
    items = [t.strip() for t in text.split(",")]
    if not all(items):
        raise InputError(f"{option}: empty name in {text!r}")
    return items


def selected_problems(args) -> list[problems.Problem]:
    """The problems named by ``--problems`` plus the one of ``--expr``."""
    if args.expr is None and any(v is not None for v in (args.x0, args.fstar, args.vars, args.n)):
        raise InputError("--x0, --vars, --n and --fstar describe --expr: give --expr too")
    chosen = []
    if args.problems is not None:
        chosen = [collection.get(n) for n in _split(args.problems, "--problems")]
    if args.expr is not None:
        if args.x0 is None:
            raise InputError("--expr needs --x0 (its starting point)")
        if args.fstar is not None:
            _fstar(args.fstar)
        chosen.append(_indexed_problem(args) if _is_indexed(args) else problems.Problem.from_expression(
            args.expr, args.x0, args.fstar, variables=variables(args.vars), name="expr"))
    elif args.problems is None:
        chosen = collection.default_problems()
    return chosen


def _fstar(text: str) -> float:
    """The checked ``--fstar``: one finite number."""
    import math

    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):
        raise InputError(f"--fstar: f* must be finite (one number such as 0 or -1.5), got {text!r}")
    return value


def _replaceable(path: Path, option: str) -> Path:
    """``--json``/``--csv`` replace only a file that an earlier ``derivkit bench`` wrote (or none)."""
    import json

    from numerics.compare.report import CSV_COLUMNS

    if not path.exists():
        return path
    try:
        head = path.read_bytes()[:1 << 20].decode("utf-8")
        if option == "--csv":
            ours = head.split("\n", 1)[0] == ",".join(CSV_COLUMNS)
        else:
            runs = json.loads(head)
            ours = isinstance(runs, list) and all(isinstance(r, dict) and {"problem", "solver"} <= set(r)
                                                  for r in runs)
    except (OSError, UnicodeDecodeError, ValueError):
        ours = False
    if not ours:
        raise InputError(f"{option}: {path} exists and was not written by derivkit bench; "
                         "remove it or choose another path")
    return path


def _write(path: Path, text: str) -> None:
    """``text`` into a new temporary file beside ``path`` (never through a link), renamed into place."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".derivkit-tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # the permissions of a file written the ordinary way
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _is_indexed(args) -> bool:
    from derivations.reading.indexed import is_indexed
    from derivations.reading.parsing import parse_expression

    return args.n is not None or is_indexed(parse_expression(args.expr))


def _indexed_problem(args) -> problems.Problem:
    """The problem of an ``--expr`` with indexed sums, written out in x0, x1, ... from a pattern ``--x0``."""
    from derivations.reading.indexed import MAX_N, pattern_point, read_indexed
    from derivations.reading.parsing import parse_expression


    if args.vars is not None:
        raise InputError("--vars cannot be combined with indexed sums (their variables are x0, x1, ... in order)")
    fn = read_indexed(parse_expression(args.expr, max_terms=MAX_N), options.size(args.n))
    x0 = pattern_point(problems.parse_point(args.x0, "--x0"), fn.n, "--x0")
    f_star = None if args.fstar is None else float(problems.parse_point(args.fstar, "--fstar")[0])
    return problems.Problem("expr", fn.expand(), fn.variables, x0, f_star, None, f"user expression {args.expr.strip()}")


def run(args) -> int:
    started = time.monotonic()
    n_workers = workers(args)
    if not args.time_limit > 0:
        raise InputError("--time-limit must be positive")
    solvers = compare.check_solvers(_split(args.solvers, "--solvers") if args.solvers else compare.SOLVERS)
    chosen = selected_problems(args)
    if args.expr is not None:
        _check_finite_start(chosen[-1])
    outputs = {opt: _replaceable(bench_report.check_output_path(path, opt), opt)
               for opt, path in (("--json", args.json), ("--csv", args.csv)) if path is not None}
    if args.plots is not None:
        from numerics.site.manifest import check_writable

        check_writable(args.plots, "--plots")
    settings = compare.Settings(time_limit=args.time_limit)
    with Progress(len(chosen), "bench") as bar:
        runs = compare.run_benchmark(chosen, solvers, settings, workers=n_workers, dask=args.dask, progress=bar)
    if "--json" in outputs:
        _write(outputs["--json"], bench_report.to_json(runs) + "\n")
    if "--csv" in outputs:
        _write(outputs["--csv"], bench_report.to_csv(runs))
    if args.plots is not None:
        import sys

        from numerics.site.manifest import lock_wait

        left = args.timeout - (time.monotonic() - started)
        written = write_plots(chosen, solvers, runs, Path(args.plots), wait=lock_wait(left))
        for rel in written.skipped:
            print(f"derivkit bench: left {Path(args.plots) / rel} alone (not written by derivkit, or edited since)",
                  file=sys.stderr)
        for warning in written.warnings:
            print(f"derivkit bench: warning: {warning}", file=sys.stderr)
    names = [p.name for p in chosen]
    print(bench_report.summary_table(runs, solvers, len(chosen)))
    print()
    print("cost (f + grad f evaluations) of each stationary run; † stationary but not optimal; ✗ not stationary:")
    print()
    print(bench_report.cost_table(runs, names, solvers))
    return 0


def _check_finite_start(problem: problems.Problem) -> None:
    """An :class:`InputError` if the user's objective is not finite at x0."""
    import math

    import numpy as np

    try:
        obj = problem.compile()
        with np.errstate(all="ignore"):
            value = obj.fun(np.array(problem.x0))
    except Exception as exc:  # a function the compiler cannot handle is bad input here
        raise InputError(f"--expr cannot be compiled: {type(exc).__name__}: {exc}") from None
    if not math.isfinite(value):
        raise InputError(f"--expr is not finite at x0 = {','.join(f'{v:g}' for v in problem.x0)} (f = {value})")


def write_plots(chosen, solvers, runs, out: Path, wait: float = 0.0):
    """The performance profile, a convergence figure per problem and trajectories for 2-D problems.

    Written by the docs writer's rules (:func:`numerics.site.manifest.write_files`): a file
    of the same name that derivkit did not write, or that was edited since, is left alone;
    another writer's lock on ``out`` is waited for up to ``wait`` seconds.
    """
    from numerics.compare import plots as bench_plots
    from numerics.compare.performance_profile import costs_from_runs, performance_profile
    from numerics.site.manifest import folder_lock, write_files

    names = [p.name for p in chosen]
    figures: dict[str, bytes] = {}

    def save(name, fig):
        figures[name] = bench_plots.png_bytes(fig)

    prof = performance_profile(names, solvers, costs_from_runs(runs, names, solvers))
    save("profile.png", bench_plots.profile_figure(prof))
    for p in chosen:
        mine = [r for r in runs if r.problem == p.name]
        save(f"convergence-{_slug(p.name)}.png", bench_plots.convergence_figure(mine, p.name))
        if p.dimension == 2:
            save(f"trajectories-{_slug(p.name)}.png", bench_plots.trajectory_figure(p, mine, p.name))
    with folder_lock(out, wait):
        return write_files(figures, out, remove_stale=False)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
