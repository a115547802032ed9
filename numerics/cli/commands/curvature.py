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
import time

import numpy as np

from derivations.errors import InputError
from derivations.topics.critical_points import Kind

from derivations.reading.indexed import MAX_N, is_indexed
from derivations.reading.sizes import MAX_DEGREE, MAX_EXPANDED_TERMS, check_expansion, degree, expanded_terms
from numerics.cli import options
from numerics.cli.formatting import number, numbers

EXAMPLES = """examples:
  derivkit curvature "x^3 - 3*x + y^2"                   every critical point, classified
  derivkit curvature "(x^2+y-11)^2 + (x+y^2-7)^2"        Himmelblau: nine critical points
  derivkit curvature "(1-x)^2 + 100*(y-x^2)^2" --at x=-1.2,y=1
                                                        gradient, Hessian, eigenpairs, Newton step
  derivkit curvature "x^3 - 3*x*y^2" --json              the monkey saddle (degenerate), as JSON
  derivkit curvature "sin(x)*cos(y)" --timeout 5         numeric search, stopped after 5 s
  derivkit curvature --mlp SPEC --seed 1 --top 5         a neural-network loss, within --budget S (default 10)
  derivkit curvature --mlp layers=3,hidden=64,act=relu,bn=on --top 1 --trace   only λ_max and the trace
  derivkit curvature -- "-x^4 - y^4"                     put -- before an expression that starts with -
  derivkit curvature "Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))" --n 1000 --at=-1.2,1
                                                        chained Rosenbrock in x0 ... x999 at (-1.2, 1, -1.2, 1, ...)
Indexed sums: x[i] inside Sum(term, (i, lo, hi)) is the vector x0, x1, ...; the bounds are integers or
written in n (--n N, at most 1,000,000). --at then takes a pattern of k values, repeated n/k times
(--at=-1.2,1), or name=value pairs. Above 500 variables the Hessian is not decomposed densely: the
largest and smallest eigenvalues are bracketed by bisection on the inertia of H − σI (the signs of
sparse LDLᵀ pivots, Sylvester's law; Lanczos where that factorization does not exist), each to
1e-10 of the spectrum's scale within the time bound, and the inertia comes from the same
factorization of H; --json keeps the full gradient and the brackets, --full adds the Hessian's
nonzero entries.
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
    p.add_argument("--top", type=int, default=None, metavar="K",
                   help="--mlp: the K largest eigenvalues (with none of --top, --bottom, --trace: top 5, bottom 5 "
                        "and the trace)")
    p.add_argument("--bottom", type=int, default=None, metavar="K", help="--mlp: the K smallest eigenvalues")
    p.add_argument("--trace", action="store_true", help="--mlp: Hutchinson's estimate of the Hessian's trace")
    p.add_argument("--budget", type=float, default=10.0, metavar="S",
                   help="seconds for the whole --mlp analysis: top eigenvalues first, then bottom and trace (default 10)")
    options.add_size(p, "at most 1,000,000")
    p.add_argument("--full", action="store_true", help="print the full Hessian (above 500 variables: its nonzeros)")
    p.set_defaults(handler=run)


def run(args) -> int:
    start = time.monotonic()
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

    size = options.size(args.n)
    # at a point the expression is only evaluated (compiled derivatives, floats): never expanded
    expr = shown = read_expression(args.expr, max_terms=MAX_N, expansion=False)
    if size is not None or is_indexed(expr):
        from derivations.reading.indexed import read_indexed

        fn = read_indexed(expr, size)
        if fn.sums or fn.vectors:
            return _run_indexed(args, expr, fn, start)
        expr = fn.rest  # every sum written out (within its limit): an ordinary expression
    if args.at is None:  # the critical-point search works symbolically first: the expansion limits apply
        check_expansion(expr, fix="give --at POINT to analyze one point numerically, without expanding")
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
        note = _unexpanded_note(expr)
        if note:  # rounding grows with the degree: the doubles must agree with a 30-digit evaluation
            note += _check_against_reference(expr, variables, point, analysis)
        report = CriticalPointReport(tuple(v.name for v in variables), (analysis,), True, "one point", 0.0)
    else:
        with Progress(default_starts(len(variables)), "critical points") as bar:
            report = find_critical_points(expr, variables, timeout=args.timeout, seed=args.seed, obj=obj,
                                          progress=bar.advance)
    if args.json:
        data = report.to_json()
        if args.at is not None and note:
            data["note"] = note
        print(json.dumps(data, indent=1, allow_nan=False))
    elif args.at is not None:
        print(_point_text(shown, report.points[0]) + (f"\nnote: {note}" if note else ""))
    else:
        print(_table(shown, report))
    return 0


def _unexpanded_note(expr) -> str:
    """What a point analysis of an expression over the expansion limits rests on ('' when within them).

    Its derivatives are the compiled derivatives of the expression as written, evaluated in
    double precision: a rounding error of the unit roundoff u = 2^-53 in the base of a power
    of degree k can grow to about k·u relative error.

    >>> import sympy as sp
    >>> _unexpanded_note(sp.Symbol("x") ** 2)
    ''
    >>> _unexpanded_note((sp.Symbol("x") + 2) ** 10**9)  # doctest: +ELLIPSIS
    'degree 1,000,000,000 is over the expansion limit of 10,000: ... = 1.1e-07 relative)'
    """
    k, terms = degree(expr), expanded_terms(expr)
    if k <= MAX_DEGREE and terms <= MAX_EXPANDED_TERMS:
        return ""
    what = (f"degree {k:,} is over the expansion limit of {MAX_DEGREE:,}" if k > MAX_DEGREE else
            f"more than {MAX_EXPANDED_TERMS:,} terms after expansion")
    return (f"{what}: evaluated numerically without expanding (compiled derivatives in double precision; "
            f"rounding can grow to about degree × 2^-53 = {k * 2.0 ** -53:.2g} relative)")


def _check_against_reference(expr, variables, point, analysis) -> str:
    """What was checked: f, ∇f (and ∇²f for up to 20 variables) in double precision agree with
    their 30-digit values (:func:`derivations.calculus.reference_values`) to
    ``max(1e-6, 64 k u)`` of the largest entry, for degree k and u = 2^-53; else an :class:`InputError`.

    A value that underflows (``0.5^(10^9)`` is 0 in double precision) or loses its digits is refused:
    the analysis of a point would otherwise rest on numbers that are not the function's.
    """
    from derivations.calculus import reference_values

    try:
        ref = reference_values(expr, variables, point)
    except ValueError as exc:
        raise InputError(f"the derivatives are undefined at this point ({exc})") from None
    rtol = max(1e-6, 64 * degree(expr) * 2.0 ** -53)
    checks = [("f", [analysis.value], [ref.value]), ("the gradient", list(np.ravel(analysis.gradient)), ref.gradient)]
    if ref.hessian is not None:
        checks.append(("the Hessian", list(np.ravel(analysis.hessian)), [e for row in ref.hessian for e in row]))
    for name, doubles, exact in checks:
        scale = max(abs(e) for e in exact)
        gap = max(abs(float(d) - e) for d, e in zip(doubles, exact))
        if gap > rtol * scale:
            worst = max(range(len(exact)), key=lambda i: abs(float(doubles[i]) - exact[i]))
            raise InputError(f"double precision cannot represent {name} at this point ({number(doubles[worst])} "
                             f"in double precision, {sp_text(exact[worst])} at {ref.digits} digits: underflow or "
                             "lost digits); analyze a point where the values are between about 1e-300 and 1e300")
    which = "f, gradient and Hessian" if ref.hessian is not None else "f and gradient (not the Hessian: > 20 variables)"
    return f"; {which} agree with a {ref.digits}-digit evaluation to {rtol:.2g} of their largest entries"


def sp_text(value) -> str:
    """A 30-digit number shown with 6 significant digits, whatever its exponent."""
    return f"{value:.6g}" if abs(value) == 0 or 1e-300 < abs(value) < 1e300 else str(value.n(6))


def _nonfinite_message(analysis) -> str:
    """Why the float derivatives at a point where the exact value is finite are not finite.

    The exact value is finite (``check_domain``): a float value that is not, or is
    near the end of the range, is an overflow; otherwise a derivative is undefined there.
    """
    if not (np.isfinite(analysis.value) and abs(analysis.value) < 1e300):
        return ("the value or its derivatives overflow double precision at this point (beyond about 1.8e308); "
                "analyze a point where they are smaller")
    return "the derivatives are undefined at this point (outside the domain of a derivative)"


_SHAPE = {Kind.MINIMUM: "positive definite", Kind.MAXIMUM: "negative definite", Kind.SADDLE: "indefinite",
          Kind.DEGENERATE: "singular, semidefinite"}


def _run_indexed(args, expr, fn, start: float) -> int:
    """An expression with indexed sums (read into ``fn``): the indexed bridge, dense up to DENSE_UP_TO variables."""
    from derivations.reading.indexed import pattern_point

    from numerics.analysis.curvature import (DENSE_UP_TO, CriticalPointReport, analyze_large_point, analyze_point,
                                             read_point)
    from numerics.compare.problems import parse_point
    from numerics.indexed import indexed_objective

    if args.vars is not None:
        raise InputError("--vars cannot be combined with indexed sums (their variables are x0, x1, ... in order)")
    for part in (fn.rest, *(s.term for s in fn.sums)):  # no 30-digit check on this path: the limits apply
        check_expansion(part, fix="the indexed path has no check against a 30-digit evaluation; use smaller "
                                  "exponents, or write the function in plain variables x0, x1, ... with --at")
    if args.at is None:
        raise InputError(f"an indexed function of {fn.n} variables is analyzed at a point: give --at (a pattern "
                         "such as --at=-1.2,1 repeated over the variables, or name=value pairs); the critical-point "
                         "search (symbolic, then multi-start root finding with dense Jacobians) is not run on it")
    obj = indexed_objective(fn, sparse=fn.n > DENSE_UP_TO)
    names = [v.name for v in fn.variables]
    if "=" in args.at:
        values = [float(v) for v in read_point(args.at, fn.variables).values()]
    else:
        values = pattern_point(parse_point(args.at, "--at"), fn.n, "--at")
    with np.errstate(all="ignore"):
        if fn.n > DENSE_UP_TO:
            analysis = analyze_large_point(obj, values, seed=options.seed(args),
                                           seconds=max(0.5, 0.8 * args.timeout - (time.monotonic() - start)))
        else:
            analysis = analyze_point(obj, values)
            if not (np.all(np.isfinite(analysis.gradient)) and np.all(np.isfinite(analysis.hessian))):
                raise InputError("the derivatives are undefined at this point (outside the domain of a derivative)")
    if fn.n <= DENSE_UP_TO:
        report = CriticalPointReport(tuple(names), (analysis,), True, "one point", 0.0)
        print(json.dumps(report.to_json(), indent=1, allow_nan=False) if args.json else _point_text(expr, analysis))
    elif args.json:
        print(json.dumps(analysis.to_json(full=args.full), indent=1, allow_nan=False))
    else:
        print(_large_text(expr, fn, analysis, args.full))
    return 0


def _large_text(expr, fn, a, full: bool) -> str:
    from numerics.analysis.spectrum import BisectedEigenvalues

    shown = ", ".join(f"{name} {length} entries" for name, _, length in fn.vectors)
    worst = int(np.argmax(np.abs(a.gradient)))
    lines = [f"f = {fn.source}", f"{fn.n} variables ({shown}); f = {number(a.value)}", "",
             f"gradient          |∇f| = {number(a.gradient_norm)}, max |∂f/∂{a.variables[worst]}| = "
             f"{number(abs(a.gradient[worst]))}   (--json for every entry)",
             f"Hessian           sparse, {a.hessian.nnz} nonzeros of {fn.n}×{fn.n}" + ("" if full else
                                                                                      "   (--full for the entries)")]
    for label, e in (("largest", a.largest), ("smallest", a.smallest)):
        state = "" if e.converged else f"  (partial: {e.message})"
        if isinstance(e, BisectedEigenvalues):  # the midpoints, to the digits their brackets carry
            shown = ", ".join(f"{v:.{_digits(v, e.width)}g}" for v in e.eigenvalues) + f" ± {e.width / 2:.2g}"
            how = f"{e.method}: {e.factorizations} factorizations, brackets of at most {e.tolerance:.2g} asked"
        else:
            shown, how = numbers(e.eigenvalues), f"{e.method} on the sparse Hessian"
        lines.append(f"{label + ' eigenvalues':<22}{shown}{state}   ({how})")
    b = a.bounds
    lines.append(f"bounds            λ_min ∈ [{number(b[0])}, {number(b[1])}], λ_max ∈ [{number(b[2])}, {number(b[3])}]"
                 "   (Gershgorin; Ritz values of 120 Lanczos steps)")
    if a.inertia is None:
        lines.append("inertia           not available (the sparse LDLᵀ needed off-diagonal pivots)")
    else:
        i = a.inertia
        lines.append(f"inertia           {i.negative} negative, {i.zero} zero, {i.positive} positive ({i.method})")
        critical = a.gradient_norm <= 1e-8 * (1 + abs(a.value))
        shape = _SHAPE[a.kind]
        lines.append(f"critical point    {a.kind.value} (Hessian {shape})" if critical
                     else f"not a critical point; the Hessian is {shape} ('{a.kind.value}' in JSON)")
    if full:
        h = a.hessian.tocoo()
        lines += [f"H[{a.variables[i]}, {a.variables[j]}] = {number(v)}" for i, j, v in zip(h.row, h.col, h.data)]
    return "\n".join(lines)


def _digits(value: float, width: float) -> int:
    """Significant digits of ``value`` down to the order of ``width`` (6 to 16).

    >>> _digits(2603.427392, 1.5e-07)
    12
    """
    if not (width > 0 and math.isfinite(width) and value):
        return 6
    return int(min(16, max(6, math.ceil(math.log10(abs(value) / width)) + 1)))


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
    shape = _SHAPE[p.kind]
    if critical:
        lines.append(f"critical point    {p.kind.value} (Hessian {shape})")
    else:
        lines.append(f"not a critical point; the Hessian is {shape} ('{p.kind.value}' in JSON)")
    return "\n".join(lines)
