"""The one result type of every solve: :class:`Solution` with a :class:`Status`, and its :class:`History`.

:class:`Trace` keeps the rows a history is made of, thinned to at most about
:data:`MAX_HISTORY` (or a chosen number) evenly strided entries.

Examples
========

>>> import numpy as np
>>> s = Solution(Status.CONVERGED, x=np.zeros(2), f=0.0, gnorm=0.0, nit=3, nfev=4, ngev=4)
>>> s.status.value, s.nhev, s.history.f
('converged', 0, ())
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np


class Status(Enum):
    """Why a solve stopped (the values are the strings of JSON outputs).

    Examples
    ========

    >>> Status("timeout") is Status.TIMEOUT, Status.CONVERGED.value
    (True, 'converged')
    """

    CONVERGED = "converged"  # the solver's own gradient test was met
    MAX_ITERATIONS = "max_iterations"
    LINE_SEARCH_FAILED = "line_search_failed"
    STALLED = "stalled"  # no further decrease possible in floating point
    NONFINITE = "nonfinite"  # NaN or Inf appeared; x is the last finite iterate
    ERROR = "error"  # an exception inside the objective or solver
    TIMEOUT = "timeout"  # the wall-clock bound of the run was reached
    FAILED = "failed"  # an external solver reported failure for its own reason


MAX_HISTORY = 2000  # a Trace keeps at most MAX_HISTORY strided rows, plus the last row


@dataclass(frozen=True)
class History:
    """Per-iteration traces for plots: iterates, values, gradient norms, cumulative evaluations.

    Examples
    ========

    >>> History(f=(2.0, 1.0), gnorm=(1.0, 0.5)).f[-1]
    1.0
    """

    x: tuple[np.ndarray, ...] = ()
    f: tuple[float, ...] = ()
    gnorm: tuple[float, ...] = ()
    evaluations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Solution:
    r"""Final iterate, value, gradient norm, counts and history of one solve.

    Parameters
    ==========

    status : the :class:`Status`
    x, f, gnorm : the final iterate, :math:`f(x)` and :math:`\|\nabla f(x)\|_\infty`
    nit, nfev, ngev, nhev : iterations and evaluations of :math:`f`, :math:`\nabla f`, :math:`\nabla^2 f`
    history : the :class:`History` for plots
    message : why, in words

    Examples
    ========

    >>> s = Solution(Status.MAX_ITERATIONS, np.ones(1), 1.0, 2.0, 10, 11, 11, message="budget spent")
    >>> s.status is Status.MAX_ITERATIONS, s.message
    (True, 'budget spent')
    """

    status: Status
    x: np.ndarray
    f: float
    gnorm: float
    nit: int
    nfev: int
    ngev: int
    nhev: int = 0
    history: History = field(default_factory=History)
    message: str = ""


class Trace:
    r"""Rows ``(k, *values)`` of an iteration kept at a stride :math:`s = 2^j`: row ``k`` is kept iff :math:`s \mid k`.

    The stride doubles whenever more than ``most`` rows are kept, so at most
    ``most`` evenly strided rows survive (``k`` counts 0, 1, 2, ...), and
    :meth:`rows` adds the last row given.

    Parameters
    ==========

    most : the largest number of strided rows kept (default :data:`MAX_HISTORY`)

    Examples
    ========

    >>> t = Trace(most=4)
    >>> for k in range(11):
    ...     t.add(k, float(k))
    >>> t.stride, [r[0] for r in t.rows()]
    (4, [0, 4, 8, 10])
    """

    def __init__(self, most: int = MAX_HISTORY):
        self.most = int(most)
        self.stride = 1
        self._rows: list[tuple] = []
        self._last: tuple | None = None

    def add(self, k: int, *values) -> None:
        """Offer row ``k``; it is kept if ``k`` is a multiple of the stride (and always as the last row)."""
        row = (k, *values)
        self._last = row
        if k % self.stride:
            return
        self._rows.append(row)
        if len(self._rows) > self.most:
            self.stride *= 2
            self._rows = [r for r in self._rows if r[0] % self.stride == 0]

    def rows(self) -> list[tuple]:
        """The kept rows in order, ending with the last row offered.

        Examples
        ========

        >>> Trace().rows()
        []
        """
        rows = list(self._rows)
        if self._last is not None and (not rows or rows[-1][0] != self._last[0]):
            rows.append(self._last)
        return rows
