"""Pairs proved with their sizes left symbols: closed forms of sums, and the sum algebra of
:mod:`derivations.checking.sums` (``∂x_k/∂x_j = δ_kj``, linearity, geometric sums), for ``check``.

A pair proved here holds for every size, not only for the sizes it was probed at; the notes say which
index ranges were assumed, and a pair checked only at fixed sizes says so.

Examples
========

>>> import sympy as sp
>>> size_note([({sp.Symbol("m"): 3},), ({sp.Symbol("m"): 4},)])
['checked with sums and indices instantiated for m = 3; m = 4 (not a proof for every size)']
"""

from __future__ import annotations

import threading

import sympy as sp

from derivations.deadline import TimeLimitExceeded, time_limit
from derivations.reading.shapes import is_typed
from derivations.checking.verify import instantiate
from derivations.checking.instantiate import free_indices, size_symbols
from derivations.checking.sums import SumAlgebra

__all__ = ["generic_zero", "sum_algebra_sizes", "index_note", "size_note"]


def generic_zero(claimed, expected, derivative_of, ctx, clock) -> bool:
    """The difference vanishes with sizes left symbolic (closed forms of sums), within a small budget."""
    try:
        with time_limit(max(0.02, min(0.5, 0.1 * clock.left()))):
            if expected is None:
                f, v = derivative_of
                if isinstance(v, sp.Indexed):
                    return False  # sums of Kronecker deltas: instantiate instead
                expected = sp.diff(f, v)
            c = instantiate(claimed, {}, ctx.definitions, flatten=False)
            e = instantiate(expected, {}, ctx.definitions, flatten=False)
            if isinstance(c, sp.MatrixBase) or isinstance(e, sp.MatrixBase):
                return False
            diff = sp.simplify((c - e).doit())
            return diff == 0
    except TimeLimitExceeded:
        clock.check()
        return False
    except Exception:  # noqa: BLE001 - SymPy failing on a generic sum proves nothing
        return False


def _sum_scope(exprs, ctx) -> tuple[list, tuple] | None:
    """The size symbols of sums with symbolic bounds and each free index with its range; ``None`` if a range is a guess."""
    bounded = [s for e in exprs for s in e.atoms(sp.Sum) if any(sp.sympify(b).free_symbols for lim in s.limits
                                                                for b in lim[1:])]
    sizes = size_symbols(bounded)  # the symbols in the sums' bounds
    if not bounded or not sizes or not all(s.is_integer and s.is_positive for s in sizes):
        return None
    uppers = dict(ctx.indices)
    free = [i for i in free_indices(exprs, set(sizes)) if i not in uppers]
    if free and len(sizes) != 1:
        return None  # which size an index runs to would be a guess
    return sizes, tuple(uppers.items()) + tuple((i, sizes[0]) for i in free)


def sum_algebra_sizes(claimed, expected, derivative_of, ctx, clock) -> tuple[str, ...]:
    """The sizes for which the sum algebra proves the pair with them kept symbols (``∂x_k/∂x_j = δ_kj``, linearity,
    geometric sums); ``()`` when not proved or when no sum has a symbolic bound.  Main thread only (a timer bounds it)."""
    exprs = [claimed] + ([expected] if expected is not None else list(derivative_of))
    scope = _sum_scope(exprs, ctx)
    if scope is None or threading.current_thread() is not threading.main_thread() or is_typed(claimed):
        return ()
    sizes, indices = scope
    algebra = SumAlgebra(tuple(ctx.definitions), indices, sizes=set(sizes), domain=ctx.domains)
    seconds = max(0.02, min(2.0, 0.3 * clock.left()))
    try:
        with time_limit(seconds):
            if derivative_of is not None:
                f, v = derivative_of
                gap = claimed - sp.diff(algebra.expander.expand(f), v)
            else:
                gap = claimed - expected
    except TimeLimitExceeded:
        clock.check()
        return ()
    proved = algebra.zero(gap, seconds)
    clock.check()
    return tuple(str(s) for s in sizes) if proved else ()


def index_note(claimed, expected, derivative_of, ctx) -> list[str]:
    exprs = [claimed] + ([expected] if expected is not None else list(derivative_of))
    _, indices = _sum_scope(exprs, ctx)
    return [f"for every index {i} in 1..{upper}" for i, upper in indices]


def size_note(pairs) -> list[str]:
    sizes = sorted({tuple(sorted((str(k), v) for k, v in subs.items())) for subs, *_ in pairs if subs})
    if not sizes:
        return []
    shown = "; ".join(", ".join(f"{k} = {v}" for k, v in s) for s in sizes)
    return [f"checked with sums and indices instantiated for {shown} (not a proof for every size)"]
