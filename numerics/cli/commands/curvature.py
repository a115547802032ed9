"""``derivkit curvature``: critical points, Hessian eigen-analysis and step guidance for an expression.

Examples
========

>>> from numerics.cli.main import main
>>> main(["curvature", "x^3 - 3*x + y^2", "--at", "x=1,y=0", "--json"])  # doctest: +ELLIPSIS
{...
0
>>> main(["curvature", "log(x)", "--at", "x=-1"])
2
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np

from derivations.errors import InputError
from derivations.topics.critical_points import Kind

from numerics.cli import options
from numerics.cli.formatting import number

EXAMPLES = """examples:
  derivkit curvature "x^3 - 3*x + y^2"                   every critical point, classified
  derivkit curvature "(x^2+y-11)^2 + (x+y^2-7)^2"        Himmelblau: nine critical points
  derivkit curvature "(1-x)^2 + 100*(y-x^2)^2" --at x=-1.2,y=1
                                                        gradient, Hessian, eigenpairs, Newton step
  derivkit curvature "x^3 - 3*x*y^2" --json              the monkey saddle (degenerate), as JSON
  derivkit curvature "sin(x)*cos(y)" --timeout 5         numeric search, stopped after 5 s
  derivkit curvature --mlp SPEC --seed 1 --top 5         a neural-network loss (if available)
  derivkit curvature -- "-x^4 - y^4"                     put -- before an expression that starts with -
A search that cannot prove it found every critical point says so
(JSON: "search_complete": false). In JSON, eigenvectors[i] is the unit eigenvector
of eigenvalues[i] (ascending); infinite or undefined numbers are null.
Exit codes: 0 ok, 2 bad input."""

def register(sub) -> None:
    p = sub.add_parser("curvature", help="critical points, Hessian eigenvalues, condition numbers, step guidance",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("expr", nargs="?", metavar="EXPR", help="a scalar expression, e.g. 'x^2 + 3*x*y'")
    p.add_argument("--vars", help="comma-separated variables in order (default: every symbol, sorted)")
    p.add_argument("--at", help="analyze one point instead, e.g. x=1,y=2")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--timeout", type=float, default=20.0,
                   help="seconds for the whole command, parsing to output (default 20)")
    p.add_argument("--mlp", metavar="SPEC", help="analyze a neural-network loss instead of EXPR")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--top", type=int, default=5, help="eigenpairs to report for --mlp (default 5)")
    p.set_defaults(handler=run)


def run(args) -> int:
    if (args.expr is None) == (args.mlp is None):
        raise InputError("give exactly one of EXPR or --mlp SPEC")
    options.seed(args)
    if args.mlp is not None:
        from numerics.cli.commands.curvature_mlp import run as run_mlp

        return run_mlp(args)
    if not (args.timeout > 0 and math.isfinite(args.timeout)):
        raise InputError("--timeout must be a positive number of seconds")
    options.variables(args.vars)
    from numerics.analysis.curvature import (CriticalPointReport, analyze_point, check_domain, default_starts,
                                             find_critical_points, read_expression, read_point, read_variables)
    from numerics.cli.progress import Progress
    from numerics.compile import objective

    expr = read_expression(args.expr)
    variables = read_variables(expr, args.vars)

    try:
        obj = objective(expr, variables)
    except (ValueError, TypeError) as exc:
        raise InputError(f"cannot compile the expression: {exc}") from None
    if args.at is not None:
        point = read_point(args.at, variables)
        check_domain(expr, point)
        with np.errstate(all="ignore"):
            analysis = analyze_point(obj, [float(point[v]) for v in variables])
        if not (np.isfinite(analysis.value) and np.isfinite(analysis.gradient_norm)
                and np.all(np.isfinite(analysis.gradient)) and np.all(np.isfinite(analysis.hessian))):
            raise InputError(_nonfinite_message(analysis))
        report = CriticalPointReport(tuple(v.name for v in variables), (analysis,), True, "one point", 0.0)
    else:
        with Progress(default_starts(len(variables)), "critical points") as bar:
            report = find_critical_points(expr, variables, timeout=args.timeout, seed=args.seed, obj=obj,
                                          progress=bar.advance)
    if args.json:
        print(json.dumps(report.to_json(), indent=1, allow_nan=False))
    elif args.at is not None:
        print(_point_text(expr, report.points[0]))
    else:
        print(_table(expr, report))
    return 0


def _nonfinite_message(analysis) -> str:
    """Why the float derivatives at a point where the exact value is finite are not finite.

    The exact value is finite (``check_domain``): a float value that is not, or is
    near the end of the range, is an overflow; otherwise a derivative is undefined there.
    """
    if not (np.isfinite(analysis.value) and abs(analysis.value) < 1e300):
        return ("the value or its derivatives overflow double precision at this point (beyond about 1.8e308); "
                "analyze a point where they are smaller")
    return "the derivatives are undefined at this point (outside the domain of a derivative)"


def _vector(values) -> str:
    return "[" + ", ".join(number(v) for v in np.ravel(values)) + "]"


def _table(expr, report) -> str:
    names = list(report.variables)
    lines = [f"f({', '.join(names)}) = {expr}"]
    status = "complete: every critical point" if report.complete else "INCOMPLETE: more critical points may exist"
    lines.append(f"{len(report.points)} critical point(s) — search {status} ({report.method}; {report.seconds:.2f} s)")
    if not report.points:
        return "\n".join(lines)
    header = ["#", *names, "f", "class", "eigenvalues", "condition"]
    rows = [[str(i), *(number(c) for c in p.point), number(p.value), p.kind.value,
             ", ".join(number(k) for k in p.eigenvalues), number(p.condition_number)]
            for i, p in enumerate(report.points, 1)]
    widths = [max(len(r[k]) for r in [header] + rows) for k in range(len(header))]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    if any(p.kind is Kind.DEGENERATE for p in report.points):
        lines.append("degenerate: a zero eigenvalue and no sign change — the second-derivative test is inconclusive")
    return "\n".join(lines)


def _point_text(expr, p) -> str:
    names = list(p.variables)
    at = ", ".join(f"{n} = {number(v)}" for n, v in zip(names, p.point))
    critical = p.gradient_norm <= 1e-8 * (1 + abs(p.value))
    lines = [f"f({', '.join(names)}) = {expr}", f"at {at}:  f = {number(p.value)}", "",
             f"gradient          {_vector(p.gradient)}   |∇f| = {number(p.gradient_norm)}"]
    lines.append("Hessian           " + ("\n" + " " * 18).join(_vector(row) for row in p.hessian))
    lines.append("")
    lines.append(f"{'eigenvalue κ':>14}  {'eigenvector v':<28}  {'slope vᵀ∇f':>11}  advice")
    for k, v, g in zip(p.eigenvalues, p.eigenvectors, p.guidance):
        lines.append(f"{number(k):>14}  {_vector(v):<28}  {number(g.slope):>11}  {g.regime}: {g.advice}")
    lines.append("")
    lines.append(f"condition number  {number(p.condition_number)}   (max|κ| / min|κ|)")
    lines.append(f"Newton step       {_vector(p.newton_step) if p.newton_step is not None else '— (singular Hessian)'}")
    shape = {Kind.MINIMUM: "positive definite", Kind.MAXIMUM: "negative definite", Kind.SADDLE: "indefinite",
             Kind.DEGENERATE: "singular, semidefinite"}[p.kind]
    if critical:
        lines.append(f"critical point    {p.kind.value} (Hessian {shape})")
    else:
        lines.append(f"not a critical point; the Hessian is {shape} ('{p.kind.value}' in JSON)")
    return "\n".join(lines)
