"""The one result type of every solve: :class:`Solution` with a :class:`Status`.

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
    """Why a solve stopped."""

    CONVERGED = "converged"  # the solver's own gradient test was met
    MAX_ITERATIONS = "max_iterations"
    LINE_SEARCH_FAILED = "line_search_failed"
    STALLED = "stalled"  # no further decrease possible in floating point
    NONFINITE = "nonfinite"  # NaN or Inf appeared; x is the last finite iterate
    ERROR = "error"  # an exception inside the objective or solver


@dataclass(frozen=True)
class History:
    """Per-iteration traces for plots: iterates, values, gradient norms, cumulative evaluations."""

    x: tuple[np.ndarray, ...] = ()
    f: tuple[float, ...] = ()
    gnorm: tuple[float, ...] = ()
    evaluations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Solution:
    """Final iterate, value, gradient norm, counts and history of one solve."""

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
