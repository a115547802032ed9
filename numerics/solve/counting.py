r"""Counting wrappers around a compiled objective: ``nfev``, ``ngev``, ``nhev`` of one solve.

One :class:`Counter` serves the descent loop and the comparison harness: it
counts every call of :math:`f` (``nfev``), :math:`\nabla f` (``ngev``),
:math:`\nabla^2 f` (``nhev``) and of the Hessian-vector product
:math:`\nabla^2 f\,p` (``nhpev``), counts the evaluations that gave NaN or
infinity (``nonfinite``), and, when asked,
enforces a wall-clock bound (:class:`Timeout`), stops at the first NaN or
infinity (:class:`NonFinite`) and records the evaluated points in a
:class:`~numerics.result.Trace`.

Examples
========

>>> import numpy as np, sympy as sp
>>> from numerics.compile import objective
>>> x = sp.Symbol("x")
>>> c = Counter(objective(x**2, [x]))
>>> c.fun(np.array([1.0])), c.jac(np.array([1.0])).tolist(), (c.nfev, c.ngev, c.nhev)
(1.0, [2.0], (1, 1, 0))
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from numerics.compile import Objective
from numerics.result import Trace

__all__ = ["Counter", "NonFinite", "Timeout"]


class NonFinite(Exception):
    """A NaN or infinity appeared (raised only by a counter with ``stop_on_nonfinite``)."""


class Timeout(Exception):
    """The counter's wall-clock bound was reached."""


class Counter:
    """Counting wrappers ``fun``, ``jac``, ``hess`` (dense), ``hessp`` around ``objective``.

    Parameters
    ==========

    objective : a compiled :class:`~numerics.compile.Objective`
    time_limit : seconds after which every evaluation raises :class:`Timeout`
    stop_on_nonfinite : raise :class:`NonFinite` for a NaN or infinite value
    trace : if given, every evaluated point is offered to it as the row
        ``(i, x, nfev + ngev)``, ``i`` counting evaluations from 0

    A gradient asked for again at the point of the previous gradient call is
    returned from memory and not counted (it is the same evaluation): a caller
    that checks a stopping test at an iterate costs the solver nothing it would
    not spend anyway.

    Examples
    ========

    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x = sp.Symbol("x")
    >>> c = Counter(objective(x**2, [x]), trace=Trace())
    >>> c.hess(np.array([3.0])).tolist(), c.last_finite.tolist(), [r[2] for r in c.trace.rows()]
    ([[2.0]], [3.0], [0])
    """

    def __init__(self, objective: Objective, time_limit: float = math.inf, *, stop_on_nonfinite: bool = False,
                 trace: Trace | None = None):
        self._obj = objective
        self._deadline = time.monotonic() + time_limit
        self._stop = stop_on_nonfinite
        self.trace = trace
        self.nfev = self.ngev = self.nhev = self.nhpev = 0
        self.nonfinite = 0  # evaluations that gave NaN or infinity
        self._last_gradient: tuple[np.ndarray, np.ndarray] | None = None
        self.evaluations = 0  # points evaluated so far
        self.last_finite: np.ndarray | None = None  # the last point with a finite value

    def _enter(self, x) -> np.ndarray:
        if time.monotonic() > self._deadline:
            raise Timeout("wall-clock bound reached")
        return np.array(x, dtype=float).reshape(-1)

    def _leave(self, x: np.ndarray, value, what: str):
        finite = math.isfinite(value) if isinstance(value, float) else bool(np.isfinite(value).all())
        if finite:
            self.last_finite = x
        else:
            self.nonfinite += 1
        if not finite and self._stop:
            raise NonFinite(f"non-finite {what} after {self.nfev} f and {self.ngev} gradient evaluations")
        if self.trace is not None and finite:
            self.trace.add(self.evaluations, x, self.nfev + self.ngev)
        self.evaluations += 1
        return value

    def fun(self, x) -> float:
        """:math:`f(x)`, counted in ``nfev``."""
        x = self._enter(x)
        self.nfev += 1
        return self._leave(x, float(self._obj.fun(x)), "f")

    def jac(self, x) -> np.ndarray:
        r""":math:`\nabla f(x)` as a flat float array, counted in ``ngev``."""
        x = self._enter(x)
        if self._last_gradient is not None and np.array_equal(self._last_gradient[0], x):
            return self._last_gradient[1].copy()
        self.ngev += 1
        g = self._leave(x, np.asarray(self._obj.jac(x), dtype=float).reshape(-1), "gradient")
        self._last_gradient = (x, g.copy())
        return g

    def hess(self, x) -> np.ndarray:
        r""":math:`\nabla^2 f(x)` as a dense :math:`n \times n` array (a sparse Hessian is densified), counted in ``nhev``."""
        x = self._enter(x)
        self.nhev += 1
        h = self._obj.hess(x)
        dense = np.asarray(h.toarray() if hasattr(h, "toarray") else h, dtype=float).reshape(x.size, x.size)
        return self._leave(x, dense, "Hessian")

    def hessp(self, x, p) -> np.ndarray:
        r""":math:`\nabla^2 f(x)\,p`, counted in ``nhpev``."""
        x = self._enter(x)
        self.nhpev += 1
        return self._leave(x, np.asarray(self._obj.hessp(x, p), dtype=float), "Hessian-vector product")

    def hess_native(self, x):
        r""":math:`\nabla^2 f(x)` as the objective gives it (sparse stays sparse), counted in ``nhev``."""
        x = self._enter(x)
        self.nhev += 1
        h = self._obj.hess(x)
        values = h.data if hasattr(h, "toarray") else np.asarray(h, dtype=float)
        finite = bool(np.isfinite(values).all())
        self._leave(x, np.asarray(values, dtype=float) if finite else np.array([np.nan]), "Hessian")
        return h

    def objective(self) -> Objective:
        """An :class:`~numerics.compile.Objective` whose callables are these counting wrappers (``hess`` as given: sparse stays sparse)."""
        return replace(self._obj, fun=self.fun, jac=self.jac, hess=self.hess_native, hessp=self.hessp)
