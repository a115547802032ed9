r"""``derivkit check``: is a hand-derived formula equal to the right one?

Exit codes: 0 equivalent, 1 different, 3 undecided, 2 input error (bad
syntax, unsafe input, unknown result name).  ``--json`` prints one record:
``{"verdict", "method", "counterexample", "claimed_value", "expected_value",
"diagnostics", "claimed_read", "expected_read", ...}``, where a reading is
``{"expression", "symbols": {name: {"kind": "scalar" | "vector" | "matrix" |
"function", "shape": [rows, cols], "arguments": n}}}``.

With ``--against NAME`` the claim is compared with the right-hand side of a
registered result (``derivkit list``).  Names in the claim are matched to the
result's symbols by spelling, ignoring LaTeX markup, braces and spaces and
spelling Greek letters out: ``\hat{x}``, ``x̂`` and ``xhat`` are one name,
``σ`` and ``\sigma`` are ``sigma``, ``\varepsilon`` is ``epsilon``.  Indexed
forms ``x[j]`` and ``x^{(j)}`` match the result's ``IndexedBase`` ``x``, and
``\frac{\partial \ell}{\partial y_j}`` is the symbol ``dell_dy_j``.  A name
that matches nothing is a new symbol, and the diagnostics list the result's
names.

Examples
========

>>> from numerics.cli.main import main
>>> main(["check", "(x+1)^2", "x^2 + 2*x + 1"])  # doctest: +ELLIPSIS
equivalent (symbolic, ...)
  read claimed  as (x + 1)**2
  read expected as x**2 + 2*x + 1
0
>>> main(["check", "--latex", r"\mathbf{X}^T\mathbf{X}", r"\mathbf{X}\mathbf{X}^T"])  # doctest: +ELLIPSIS
different (numeric probes, random matrices, ...)
  read claimed  as transpose(X)*X   [X: matrix n x n]
  read expected as X*transpose(X)   [X: matrix n x n]
...
1
>>> main(["check", "__import__(os)", "x"])
2
"""

from __future__ import annotations

import argparse
import json

from derivations.checking.check import DEFAULT_TIMEOUT, check_against, check_text
from derivations.errors import InputError
from numerics.cli import options

EXAMPLES = r"""examples:
  derivkit check "(x+1)^2" "x^2 + 2*x + 1"                      exit 0: equivalent
  derivkit check "sqrt(x^2)" "x" --assume "x>0"                  assumptions restrict the probes
  derivkit check "eps*g/sqrt(a+nu)" "eps*g/(sqrt(a)+nu)" --assume "a>0"
                                                                 different; equal when nu -> 0
  derivkit check "2*(x[k]-mu)/m" --derivative-of "Sum((x[j]-mu)^2, (j,1,m))/m" --wrt "x[k]"
  derivkit check --latex ' -\frac{2}{m}\sum_{j=1}^{m}(x^{(j)}-\mu) x^{(j)}' \
                 --derivative-of '\frac{1}{m}\sum_{j=1}^{m}(x^{(j)}-\mu)^2' --wrt '\mu'
  derivkit check " -2/m*Sum(x[j] - mu, (j, 1, m))" --against batchnorm.dx --json   (any name from derivkit list)
  derivkit check --latex '(\mathbf{A}\mathbf{B})^T' '\mathbf{B}^T\mathbf{A}^T'       matrices: bold capitals
  derivkit check --latex 'v^T H v' 'v^T H^T v' --matrix H --vector v            declared kinds
  derivkit check --latex '(\mathbf{A}\mathbf{H})^T' '\mathbf{H}\mathbf{A}^T' --symmetric H    H^T = H
  derivkit check --latex '\frac{\partial^2 L}{\partial x \partial y}' '\frac{\partial^2 L}{\partial y \partial x}' --smooth L
  derivkit check --latex 'f(x + h)' 'f(x) + f(h)' --function f                   different: f is applied
  derivkit check "cos(pi*n)" "(-1)^n" --assume "n integer"
  derivkit check "200*(x[3]-x[2]^2) - 400*x[3]*(x[4]-x[3]^2) - 2*(1-x[3])" \
                 "diff(Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2)), x[3])" --n 10000
                                                                 checked at n = 10000 (x[0] ... x[9999])
exit codes: 0 equivalent, 1 different, 3 undecided, 2 input error.
SymPy-style input: ^ or ** for powers, x[j] or x^{(j)} for indexed symbols, Sum(f, (j, 1, m)),
Matrix([[a, b], [c, d]]) or [a, b] for vectors; every name is a symbol (also E, I, N, S, beta,
lambda, e); only pi is the constant. LaTeX input (--latex): \frac, \sqrt, \sum_{j=1}^{m}, \cdot,
\left( \right), Greek letters, \hat{x}, x_i, x^{(j)}, \frac{\partial l}{\partial y_j} (one symbol).
Bold capitals (\mathbf{X}, \boldsymbol{\Sigma}) and --matrix names are matrices, bold lowercase and
--vector names column vectors; ^T, ^\top transpose, ^{-1} inverts, I beside matrices is the identity.
f(x) with f not used elsewhere is f applied; if f is also a plain variable, say --function f or --scalar f.
The reading of each side is printed ("read claimed as ...") and in --json as claimed_read/expected_read.
A claim written as an equation "lhs = rhs" (or \leftarrow, \approx, :=) is checked by its right-hand side.
A formula that starts with "-" needs "--" before the formulas (derivkit check -- "-x" "-x")
or a leading space (" -x")."""


def register(sub) -> None:
    p = sub.add_parser("check", help="check a hand-derived formula", epilog=EXAMPLES,
                       description="Say whether CLAIMED equals EXPECTED (or a registered result, or a derivative): "
                                   "equivalent, different (with a counterexample) or undecided.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("claimed", metavar="CLAIMED", help="the formula to check")
    p.add_argument("expected", metavar="EXPECTED", nargs="?", help="the formula it should equal")
    p.add_argument("--against", metavar="NAME", help="compare with a registered result (see `derivkit list`)")
    p.add_argument("--derivative-of", metavar="F", help="compare with the derivative of F ...")
    p.add_argument("--wrt", metavar="X", help="... with respect to X")
    options.add_assume(p)
    p.add_argument("--latex", action="store_true", help="read the formulas as LaTeX")
    options.add_kinds(p)
    p.add_argument("--symmetric", action="append", default=[], metavar="NAMES",
                   help="matrices that are symmetric, H^T = H (e.g. H,S; repeatable)")
    p.add_argument("--smooth", action="append", default=[], metavar="NAMES",
                   help="functions that are smooth: their mixed partials commute (e.g. L,f; repeatable)")
    p.add_argument("--json", action="store_true", help="print a JSON record")
    options.add_timeout(p, DEFAULT_TIMEOUT, "the whole check")
    options.add_seed(p)
    options.add_size(p, "checked at n = N (with x[i] the entries x[0] ... x[N-1]); also proved for all n where the "
                        "sum algebra can")
    p.set_defaults(handler=run)


def run(args) -> int:
    sources = sum(x is not None for x in (args.expected, args.against, args.derivative_of))
    if sources != 1:
        raise InputError("give exactly one of EXPECTED, --against NAME or --derivative-of F --wrt X")
    if args.wrt is not None and args.derivative_of is None:
        raise InputError("--wrt needs --derivative-of")
    options.timeout(args)
    options.seed(args)
    size = options.size(args.n)
    if size is not None and args.against is not None:
        raise InputError("--n works with EXPECTED or --derivative-of F --wrt X, not with --against")
    if size is not None:
        from derivations.checking.at_size import check_at_size

        result = check_at_size(args.claimed, args.expected, n=size, assume=args.assume, latex=args.latex,
                               timeout=args.timeout, derivative_of=args.derivative_of, wrt=args.wrt, seed=args.seed,
                               matrices=args.matrix, vectors=args.vector, functions=args.function,
                               scalars=args.scalar, symmetric=args.symmetric, smooth=args.smooth)
    elif args.against is not None:
        from derivations import registry

        derivation = registry.get(args.against)
        result = check_against(args.claimed, derivation, assume=args.assume, latex=args.latex,
                               timeout=args.timeout, seed=args.seed)
    else:
        result = check_text(args.claimed, args.expected, assume=args.assume, latex=args.latex,
                            timeout=args.timeout, derivative_of=args.derivative_of, wrt=args.wrt, seed=args.seed,
                            matrices=args.matrix, vectors=args.vector, functions=args.function, scalars=args.scalar,
                            symmetric=args.symmetric, smooth=args.smooth)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        print(result.summary())
    return result.verdict.exit_code
