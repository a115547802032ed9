r"""Formulas at one size: the bounds in ``n`` set to ``N`` and every sum instantiated from its structure.

``check --n N`` compares two formulas at :math:`n = N`: the size symbol becomes the
integer ``N``, a sum whose summand holds Kronecker deltas in its index (what
:math:`\partial/\partial x_k` of :math:`\sum_i t(x_i, x_{i+1})` is) collapses to the
few indices where a delta is 1,

.. math:: \sum_{i=l}^{u} f(i) = \sum_{i=l}^{u} f_0(i) + \sum_{i \in I} \bigl(f(i) - f_0(i)\bigr),

with :math:`f_0` the summand with every delta set to 0 and :math:`I` the indices in
:math:`l..u` where some delta is 1 (outside :math:`I` every delta is 0, so :math:`f = f_0`
there), and what is left is read by :func:`~derivations.reading.indexed.read_indexed`
(bounds, entries :math:`x_0 … x_{N-1}`, the limits) and written out in entries named
``x[k]``.  No text is built.  A verdict on the result holds at :math:`n = N` only.

Examples
========

>>> import sympy as sp
>>> from derivations.reading.parsing import parse_expression
>>> f = parse_expression("Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))")
>>> at_size(sp.diff(f, parse_expression("x[3]")), 10**4)
-200*x[2]**2 - 400*x[3]*(-x[3]**2 + x[4]) + 202*x[3] - 2
>>> at_size(parse_expression("Sum(x[i]^2, (i, 0, n-1))"), 3)
x[0]**2 + x[1]**2 + x[2]**2
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import sympy as sp

from derivations.errors import InputError
from derivations.reading.indexed import MAX_EXPANDED, MAX_N, read_indexed
from derivations.reading.shapes import is_typed
from derivations.checking.check import DEFAULT_TIMEOUT, check, check_text, parse_assumption
from derivations.checking.verdicts import CheckResult, Verdict

__all__ = ["SIZE", "at_size", "check_at_size", "entry_range", "mentions_size", "free_entry_indices"]

SIZE = "n"  # the name of the size symbol in the bounds
GENERAL_SHARE = 0.3  # of the time limit, for the proof with n kept a symbol
MAX_FREE = 2  # free indices, each instantiated at the ends and the middle of 0 … N-1


def check_at_size(claimed: str, expected: str | None = None, *, n: int, timeout: float = DEFAULT_TIMEOUT,
                  seed: int = 0, assume=(), **reading) -> CheckResult:
    """:func:`~derivations.checking.check.check_text` at ``n = N``, and for every ``n`` where the sum algebra proves it.

    The formulas are read and checked with ``n`` a symbol first (within :data:`GENERAL_SHARE` of
    ``timeout``); that outcome counts only as a proof for all ``n``.  Then both sides are written
    out at ``n = N`` (:func:`at_size`) and compared by :func:`~derivations.checking.check.check`;
    a free index ``k`` of an entry ``x[k]`` is instantiated at both ends of the entries the sums use,
    next to them and in the middle (``0, 1, 499, 998, 999`` for ``x[0] … x[999]``).  The
    result's ``scope`` says what was shown.  ``reading`` takes the other arguments of ``check_text``.

    Examples
    ========

    >>> rosen = "Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))"
    >>> r = check_at_size("200*(x[3]-x[2]^2) - 400*x[3]*(x[4]-x[3]^2) - 2*(1-x[3])", derivative_of=rosen,
    ...                   wrt="x[3]", n=10**4)
    >>> r.verdict.value, r.method, r.scope["proved_for_all_n"]
    ('equivalent', 'structural, at n = 10000', False)
    >>> r = check_at_size("2*x[k]", derivative_of="Sum(x[i]^2, (i, 0, n-1))", wrt="x[k]", n=1000)
    >>> r.verdict.value, r.scope["indices"]
    ('equivalent', {'k': [0, 1, 499, 998, 999]})
    >>> check_at_size("x", "x", n=3)
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --n 3: no formula mentions n (--n sets n in bounds such as Sum(x[i], (i, 0, n-1)))
    """
    start = time.monotonic()
    if not 1 <= n <= MAX_N:
        raise InputError(f"--n must be an integer from 1 to {MAX_N:,} (the limit of variables), got {n}")
    general = check_text(claimed, expected, timeout=max(0.2, GENERAL_SHARE * timeout), seed=seed, assume=assume,
                         **reading)
    c, e = general.claimed, general.expected
    if not mentions_size([c, e]):
        raise InputError(f"--n {n}: no formula mentions n (--n sets n in bounds such as Sum(x[i], (i, 0, n-1)))")
    if is_typed(c) or is_typed(e):
        raise InputError("--n works with scalar formulas (sums over entries x[i]), not with matrices or vectors")
    proved = general.verdict is Verdict.EQUIVALENT and (general.method == "structural" or any(
        d.startswith("proved for all") for d in general.diagnostics))
    domains = {a.name: a.domain() for a in (parse_assumption(t) for t in assume if "\\sim" not in t)}
    free = free_entry_indices([c, e])
    if len(free) > MAX_FREE:
        raise InputError(f"--n: {len(free)} free indices ({', '.join(map(str, free))}); at most {MAX_FREE}: name "
                         "the entries, e.g. x[3]")
    low, high = entry_range([c, e], n)
    values = sorted({v for v in (low, low + 1, (low + high) // 2, high - 1, high) if low <= v <= high})
    r = None
    for combo in itertools.product(values, repeat=len(free)):
        subs = {k: sp.Integer(v) for k, v in zip(free, combo)}
        left = timeout - (time.monotonic() - start)
        if left <= 0.05:
            break
        cn, en = at_size(c.xreplace(subs), n), at_size(_derivatives(e.xreplace(subs)), n)
        r = check(cn, en, timeout=left, domains=domains, seed=seed)
        if r.verdict is not Verdict.EQUIVALENT:
            r = replace(r, counterexample=tuple((str(k), str(v)) for k, v in subs.items()) + (r.counterexample or ()))
            break
    if r is None:
        r = CheckResult(Verdict.UNDECIDED, "timeout", c, e, diagnostics=(f"no time left for n = {n} within "
                                                                           f"{timeout:g} s",))
    shown = ", ".join(f"{k} ∈ {{{', '.join(map(str, values))}}}" for k in free)
    where = f"at n = {n}" + (f" for {shown}" if free else "")
    scope = {"n": n, "indices": {str(k): values for k in free}, "proved_for_all_n": proved}
    notes = [f"shown {where} only: sums in n written out from their structure (entries {low} … {high})",
             f"also proved for all n ({general.method}: {'; '.join(general.diagnostics) or 'the same formula'})"
             if proved else "not proved for every n"]
    return replace(r, method=f"{r.method}, {where}", claimed=c, expected=e, claimed_read=general.claimed_read,
                   expected_read=general.expected_read, diagnostics=tuple(notes) + r.diagnostics, scope=scope,
                   seconds=time.monotonic() - start)


def entry_range(exprs, n: int, size: str = SIZE) -> tuple[int, int]:
    """The least and the largest index of an entry inside a sum at ``size = n`` (``0, n - 1`` without such entries).

    >>> from derivations.reading.parsing import parse_expression
    >>> entry_range([parse_expression("Sum(x[i+1]^2, (i, 0, n-1))")], 10)
    (1, 10)
    """
    ends = []
    for e in exprs:
        e = sp.sympify(e)
        e = e.xreplace({s: sp.Integer(n) for s in e.free_symbols if s.name == size})
        for s in e.atoms(sp.Sum):
            if len(s.limits) != 1 or not all(isinstance(b, sp.Integer) for b in s.limits[0][1:]):
                continue
            i, lo, hi = s.limits[0]
            for entry in s.function.atoms(sp.Indexed):
                index = entry.indices[0]
                if index.free_symbols <= {i}:
                    ends += [index.xreplace({i: lo}), index.xreplace({i: hi})]
    ends = [int(v) for v in ends if v.is_Integer]
    return (min(ends), max(ends)) if ends else (0, n - 1)


def _derivatives(expr: sp.Basic) -> sp.Basic:
    """Every unevaluated derivative of ``expr`` taken (a derivative of a sum: a sum with Kronecker deltas)."""
    return expr.replace(lambda d: isinstance(d, sp.Derivative), lambda d: d.doit(deep=False))


def mentions_size(exprs, size: str = SIZE) -> bool:
    """Whether a formula has the symbol ``size`` (in a bound of a sum, an index or anywhere else).

    >>> from derivations.reading.parsing import parse_expression
    >>> mentions_size([parse_expression("Sum(x[i], (i, 0, n-1))")]), mentions_size([parse_expression("x[0]")])
    (True, False)
    """
    return any(s.name == size for e in exprs for s in sp.sympify(e).free_symbols)


def free_entry_indices(exprs, size: str = SIZE) -> list[sp.Symbol]:
    """The symbols in the indices of entries outside any sum over them (``k`` in ``x[k]``), sorted by name.

    >>> from derivations.reading.parsing import parse_expression
    >>> free_entry_indices([parse_expression("2*x[k] + Sum(x[i], (i, 0, n-1))")])
    [k]
    """
    found = set()
    for e in exprs:
        for entry in sp.sympify(e).atoms(sp.Indexed):
            found |= {s for idx in entry.indices for s in sp.sympify(idx).free_symbols}
        bound = {lim[0] for s in sp.sympify(e).atoms(sp.Sum) for lim in s.limits}
        found -= bound
    return sorted((s for s in found if s.name != size), key=lambda s: s.name)


def at_size(expr: sp.Basic, n: int, size: str = SIZE) -> sp.Expr:
    """``expr`` at ``size = n``: deltas collapsed, sums written out (at most :data:`MAX_EXPANDED` terms), entries ``x[k]``.

    An :class:`InputError` names the limit for a sum too long to write out and an index that is not
    of the form ``a*i + b`` (:func:`~derivations.reading.indexed.read_indexed`).

    >>> from derivations.reading.parsing import parse_expression
    >>> at_size(parse_expression("x[n-1] + Sum(x[i], (i, 1, n-1))"), 3)
    x[1] + 2*x[2]
    """
    if not 1 <= n <= MAX_N:
        raise InputError(f"--n must be an integer from 1 to {MAX_N:,} (the limit of variables), got {n}")
    e = sp.sympify(expr).xreplace({s: sp.Integer(n) for s in sp.sympify(expr).free_symbols if s.name == size})
    fn = read_indexed(_collapse_deltas(e))  # vectors from their least to their largest index used
    terms = sum(s.count for s in fn.sums)
    if terms > MAX_EXPANDED:
        raise InputError(f"at n = {n} the sums have {terms:,} terms; a check writes out at most {MAX_EXPANDED:,}: "
                         "compare entries (e.g. a derivative with respect to x[3]) or use a smaller --n")
    names = {}
    at = len(fn.variables) - sum(length for *_, length in fn.vectors)  # the plain symbols come first
    for name, first, length in fn.vectors:  # entry k of vector name is variable number first + k
        names.update({fn.variables[k]: sp.Symbol(f"{name}[{k - first}]", real=True) for k in range(at, at + length)})
        at += length
    return fn.expand().xreplace(names)


def _collapse_deltas(expr: sp.Basic) -> sp.Basic:
    """Every sum with integer bounds and deltas in its index, as the delta-free sum plus the terms where a delta is 1."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr
    if not isinstance(expr, sp.Sum):
        return expr.func(*[_collapse_deltas(a) for a in expr.args])
    body = _collapse_deltas(expr.function)
    if len(expr.limits) != 1 or body.has(sp.Sum):
        return expr.func(body, *expr.limits)
    i, lo, hi = expr.limits[0]
    deltas = [d for d in body.atoms(sp.KroneckerDelta) if d.has(i)]
    if not deltas or not (isinstance(lo, sp.Integer) and isinstance(hi, sp.Integer)):
        return sp.Sum(body, (i, lo, hi))
    ones = set()
    for d in deltas:
        where = sp.solve(d.args[0] - d.args[1], i)
        if len(where) != 1 or not where[0].is_Integer:  # never 1 at an integer i (or written in a free index)
            if len(where) == 1 and where[0].free_symbols:
                raise InputError(f"{d}: an entry named by a free index ({', '.join(map(str, where[0].free_symbols))}) "
                                 "at a fixed size: name the entry, e.g. x[3]")
            continue
        if lo <= where[0] <= hi:
            ones.add(int(where[0]))
    rest = body.xreplace({d: sp.S.Zero for d in deltas})
    head = sp.Sum(rest, (i, lo, hi)) if rest != 0 else sp.S.Zero
    return head + sp.Add(*[body.xreplace({i: sp.Integer(k)}) - rest.xreplace({i: sp.Integer(k)}) for k in sorted(ones)])
