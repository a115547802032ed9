r"""Compiled objectives of indexed sums: each term compiled once, its derivatives placed by index.

For :math:`f = r(x) + \sum_s \sum_{i=l_s}^{u_s} t_s(i, x_{\mathrm{pos}_1(i)}, \dots, x_{\mathrm{pos}_k(i)})`
(an :class:`~derivations.reading.indexed.IndexedFunction`) the term :math:`t_s`, its
:math:`k` first derivatives, its nonzero second derivatives and its Hessian-vector
product :math:`\sum_b \partial_a\partial_b t\, p_b` (:func:`derivations.calculus.term_derivatives`)
are compiled once, through the bridge, into array code over :math:`i`.  The entries
:math:`x_{\mathrm{pos}_a(i)}` are strided views of :math:`x` (:math:`\mathrm{pos}_a(i) =`
``first + step (i - l)``), so

.. math:: g[\mathrm{pos}_a] \mathrel{+}= \partial_a t(i), \qquad
          (Hp)[\mathrm{pos}_a] \mathrel{+}= \textstyle\sum_b \partial_a\partial_b t(i)\, p[\mathrm{pos}_b]

are one slice addition per slot, and the Hessian is assembled from the :math:`k(k+1)/2`
arrays of second derivatives on a sparsity pattern computed once.  Derive-and-compile
time does not grow with :math:`n`; evaluation is a few array operations of length
:math:`n`.  The remainder :math:`r` goes through :func:`numerics.compile.objective`.

Examples
========

>>> import numpy as np
>>> from derivations.reading.indexed import read_indexed
>>> from derivations.reading.parsing import parse_expression
>>> from scipy.optimize import rosen, rosen_der, rosen_hess_prod
>>> fn = read_indexed(parse_expression("Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))"), n=6)
>>> obj = indexed_objective(fn)
>>> x, p = np.linspace(-1, 2, 6), np.arange(6.0)
>>> bool(np.isclose(obj.fun(x), rosen(x))), np.allclose(obj.jac(x), rosen_der(x))
(True, True)
>>> np.allclose(obj.hessp(x, p), rosen_hess_prod(x, p)), np.allclose(obj.hess(x) @ p, obj.hessp(x, p))
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derivations.calculus import term_derivatives
from derivations.reading.indexed import IndexedFunction, TermSum

from numerics.compile import SPARSE_FROM, Objective, compile_tuple, objective

__all__ = ["indexed_objective"]


@dataclass(frozen=True)
class _CompiledSum:
    """One indexed sum in array code: slot views, compiled term, derivatives and HVP."""

    count: int
    index: np.ndarray  # the values of i
    views: tuple[slice | int, ...]  # x[view] is the array of slot a (an int: one variable, step 0)
    value: object
    gradient: object
    second: object
    hvp: object
    pairs: tuple[tuple[int, int], ...]

    def slots(self, x: np.ndarray) -> list:
        return [x[v] for v in self.views]

    def add(self, out: np.ndarray, parts) -> None:
        """``out[pos_a] += parts[a]`` for every slot ``a``."""
        for view, part in zip(self.views, parts):
            if isinstance(view, slice):
                out[view] += part
            else:
                out[view] += np.sum(np.broadcast_to(part, (self.count,)))


def _compile_sum(s: TermSum) -> _CompiledSum:
    symbols = [slot.symbol for slot in s.slots]
    d = term_derivatives(s.term, symbols)
    args = symbols + [s.index]
    views = tuple(slice(t.first, t.first + t.step * (s.count - 1) + 1, t.step) if t.step else t.first
                  for t in s.slots)
    return _CompiledSum(
        s.count, np.arange(s.lower, s.upper + 1, dtype=float), views,
        compile_tuple([s.term], args), compile_tuple(d.gradient, args),
        compile_tuple([h for _, _, h in d.hessian], args), compile_tuple(d.hvp, symbols + list(d.directions) + [s.index]),
        tuple((a, b) for a, b, _ in d.hessian))


def _positions(s: TermSum, a: int) -> np.ndarray:
    slot = s.slots[a]
    return slot.first + slot.step * np.arange(s.count)


def indexed_objective(fn: IndexedFunction, *, sparse: bool | None = None) -> Objective:
    r"""Compile an indexed function for ``scipy.optimize.minimize``: ``fun``, ``jac``, ``hess``, ``hessp``.

    ``hess`` returns a ``scipy.sparse.csr_matrix`` when ``sparse`` (default: from
    :data:`numerics.compile.SPARSE_FROM` variables on), else a dense array.

    Parameters
    ==========

    fn : the function read by :func:`derivations.reading.indexed.read_indexed`
    sparse : a sparse Hessian (``None``: from the number of variables)

    Returns
    =======

    :class:`~numerics.compile.Objective` with ``backend`` ``"numpy-indexed"``

    Examples
    ========

    >>> from derivations.reading.indexed import read_indexed
    >>> from derivations.reading.parsing import parse_expression
    >>> obj = indexed_objective(read_indexed(parse_expression("Sum(i*x[i]^2, (i, 1, 3)) + a*x[1]")))
    >>> [v.name for v in obj.variables], obj.jac(np.ones(4)).tolist()
    (['a', 'x1', 'x2', 'x3'], [1.0, 3.0, 4.0, 6.0])
    """
    from scipy.sparse import csr_matrix

    n = fn.n
    sparse = n >= SPARSE_FROM if sparse is None else bool(sparse)
    compiled = [_compile_sum(s) for s in fn.sums if s.count > 0]
    live = [s for s in fn.sums if s.count > 0]
    rest_vars = [v for v in fn.variables if v in fn.rest.free_symbols]
    where = {v: k for k, v in enumerate(fn.variables)}
    rest_pos = np.array([where[v] for v in rest_vars], dtype=np.intp)
    rest = objective(fn.rest, rest_vars, sparse=True) if rest_vars else None
    rest_value = float(fn.rest) if rest is None else 0.0

    # the Hessian's pattern, both triangles: entry k of the concatenated second derivatives lands at keys[k]
    rows, cols = [], []
    for s, c in zip(live, compiled):
        for a, b in c.pairs:
            ra, rb = _positions(s, a), _positions(s, b)
            rows += [ra] if a == b else [ra, rb]
            cols += [ra] if a == b else [rb, ra]
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.intp)
    q = np.concatenate(cols) if cols else np.zeros(0, dtype=np.intp)
    keys, target = np.unique(r * n + q, return_inverse=True)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(keys // n, minlength=n))])
    indices = (keys % n).astype(np.int32)

    def fun(x):
        x = np.asarray(x, dtype=float)
        total = rest_value if rest is None else rest.fun(x[rest_pos])
        for c in compiled:
            total += float(np.sum(np.broadcast_to(c.value(*c.slots(x), c.index)[0], (c.count,))))
        return float(total)

    def jac(x):
        x = np.asarray(x, dtype=float)
        g = np.zeros(n)
        for c in compiled:
            c.add(g, c.gradient(*c.slots(x), c.index))
        if rest is not None:
            g[rest_pos] += rest.jac(x[rest_pos])
        return g

    def hess(x):
        x = np.asarray(x, dtype=float)
        values = []
        for c in compiled:
            parts = c.second(*c.slots(x), c.index)
            for (a, b), h in zip(c.pairs, parts):
                h = np.broadcast_to(h, (c.count,))
                values += [h] if a == b else [h, h]
        data = np.bincount(target, weights=np.concatenate(values), minlength=keys.size) if values else np.zeros(0)
        h = csr_matrix((data, indices, indptr), shape=(n, n))
        if rest is not None:
            hr = rest.hess(x[rest_pos]).tocoo()
            h = h + csr_matrix((hr.data, (rest_pos[hr.row], rest_pos[hr.col])), shape=(n, n))
        return h if sparse else h.toarray()

    def hessp(x, p):
        x, p = np.asarray(x, dtype=float), np.asarray(p, dtype=float)
        out = np.zeros(n)
        for c in compiled:
            c.add(out, c.hvp(*c.slots(x), *c.slots(p), c.index))
        if rest is not None:
            out[rest_pos] += rest.hessp(x[rest_pos], p[rest_pos])
        return out

    return Objective(fn.source, fn.variables, fun, jac, hess, hessp, "numpy-indexed", sparse, (keys // n, keys % n))
