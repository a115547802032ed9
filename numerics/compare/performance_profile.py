r"""Dolan–Moré performance profiles (Math. Program. 91:201–213, 2002).

For problems :math:`p \in P` and solvers :math:`s \in S` with cost
:math:`t_{p,s}` (here: function plus gradient evaluations; :math:`\infty` for
a failed run), the performance ratio and the profile are

.. math::

    r_{p,s} = \frac{t_{p,s}}{\min_{s'} t_{p,s'}}, \qquad
    \rho_s(\tau) = \frac{|\{p : r_{p,s} \le \tau\}|}{|P|}.

:math:`\rho_s(1)` is the share of problems on which :math:`s` is (one of) the
cheapest; :math:`\rho_s(\tau)` for large :math:`\tau` the share it solves at
all.  A problem no solver solves counts in :math:`|P|` (every ratio is
:math:`\infty`), as in Dolan & Moré.

Examples
========

>>> import numpy as np
>>> inf = np.inf
>>> prof = performance_profile(["A", "B"], ["a", "b"], np.array([[10, 20], [40, 20.0]]))
>>> prof.ratios.tolist()
[[1.0, 2.0], [2.0, 1.0]]
>>> prof.rho("a", 1.0), prof.rho("a", 2.0), prof.rho("b", 1.5)
(0.5, 1.0, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Callable, Sequence

import numpy as np

__all__ = ["Profile", "performance_profile", "costs_from_runs"]


@dataclass(frozen=True)
class Profile:
    r"""Performance ratios :math:`r_{p,s}` (rows: problems, columns: solvers) and :math:`\rho_s(\tau)`."""

    problems: tuple[str, ...]
    solvers: tuple[str, ...]
    ratios: np.ndarray

    def rho(self, solver: str, tau: float) -> float:
        r""":math:`\rho_s(\tau)`, the share of problems with :math:`r_{p,s} \le \tau`."""
        column = self.ratios[:, self.solvers.index(solver)]
        return float(np.count_nonzero(column <= tau)) / max(len(self.problems), 1)

    def curve(self, solver: str, taus: np.ndarray) -> np.ndarray:
        r""":math:`\rho_s` on a grid of :math:`\tau`."""
        column = self.ratios[:, self.solvers.index(solver)]
        return np.array([np.count_nonzero(column <= t) for t in taus], dtype=float) / max(len(self.problems), 1)

    def tau_max(self) -> float:
        """The largest finite ratio (at least 1): where every profile has reached its final value."""
        finite = self.ratios[np.isfinite(self.ratios)]
        return float(max(finite.max(), 1.0)) if finite.size else 1.0


def performance_profile(problems: Sequence[str], solvers: Sequence[str], costs: np.ndarray) -> Profile:
    """The profile of a cost table (``inf`` or ``nan`` for failures)."""
    t = np.array(costs, dtype=float)
    if t.shape != (len(problems), len(solvers)):
        raise ValueError(f"costs have shape {t.shape}, expected {(len(problems), len(solvers))}")
    t[~np.isfinite(t)] = np.inf
    t[t <= 0] = 1.0  # a zero-cost success (x0 already optimal) still needs a positive ratio
    best = t.min(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        ratios = np.where(np.isfinite(best), t / best, np.inf)
    return Profile(tuple(problems), tuple(solvers), ratios)


def costs_from_runs(runs, problems: Sequence[str], solvers: Sequence[str], cost: Callable = attrgetter("cost"),
                    solved: Callable = attrgetter("success")) -> np.ndarray:
    """Cost table: ``cost(run)`` (default f + ∇f evaluations); ``inf`` unless ``solved(run)`` (default: the harness's success).

    Examples
    ========

    >>> from types import SimpleNamespace as R
    >>> runs = [R(problem="p", solver="a", success=True, cost=5), R(problem="p", solver="b", success=False, cost=3)]
    >>> costs_from_runs(runs, ["p"], ["a", "b"]).tolist()
    [[5.0, inf]]
    >>> costs_from_runs(runs, ["p"], ["a", "b"], cost=lambda r: 2 * r.cost, solved=lambda r: True).tolist()
    [[10.0, 6.0]]
    """
    table = np.full((len(problems), len(solvers)), np.inf)
    row = {p: i for i, p in enumerate(problems)}
    col = {s: j for j, s in enumerate(solvers)}
    for r in runs:
        if r.problem in row and r.solver in col and solved(r):
            table[row[r.problem], col[r.solver]] = cost(r)
    return table
