r"""Benchmark outputs: JSON and CSV of every run, Markdown tables, success counts and medians.

A run's *cost* is its number of function plus gradient evaluations; its
*weighted cost* adds Hessian-vector products and :math:`n` per Hessian
(:attr:`numerics.compare.harness.Run.weighted_cost`).  Every table has two
success columns, *stationary* (:math:`\|\nabla f\|_\infty \le 10^{-5}`) and
*optimal* (:math:`f - f^* \le 10^{-8}(1 + |f^*|)`), both measured by the harness.
Medians compare solvers on the problems *both* solved, so a solver is not
rewarded for failing on hard problems.

Examples
========

>>> from types import SimpleNamespace as R
>>> runs = [R(problem="p", solver="a", success=True, optimal=True, ngev=4, cost=8),
...         R(problem="p", solver="b", success=True, optimal=False, ngev=6, cost=9),
...         R(problem="q", solver="a", success=False, optimal=False, ngev=90, cost=99),
...         R(problem="q", solver="b", success=True, optimal=True, ngev=7, cost=10)]
>>> success_counts(runs, ["a", "b"]), success_counts(runs, ["a", "b"], solved=optimal)
({'a': 1, 'b': 2}, {'a': 1, 'b': 1})
>>> common_medians(runs, ["a", "b"])
(['p'], {'a': 4.0, 'b': 6.0})
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
import io
from operator import attrgetter
import json
import math
import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from derivations.errors import InputError

__all__ = ["to_json", "to_csv", "success_counts", "common_medians", "cost_table", "summary_table",
           "check_output_path", "CSV_COLUMNS", "succeeded", "stationary", "optimal", "cost", "weighted_cost",
           "seconds", "pair_summary", "PairSummary"]

CSV_COLUMNS = ("problem", "solver", "success", "stationary", "optimal", "f", "f_star", "gnorm", "nit", "nfev",
               "ngev", "nhev", "nhpev", "cost", "weighted_cost", "seconds", "status", "message", "x")

succeeded = attrgetter("success")  # stationary or optimal
stationary = attrgetter("stationary")  # ‖∇f‖∞ ≤ 1e-5 at the final x
optimal = attrgetter("optimal")  # f − f* ≤ 1e-8 (1 + |f*|)
cost = attrgetter("cost")  # f + ∇f evaluations
weighted_cost = attrgetter("weighted_cost")  # + Hessian-vector products + n per Hessian
seconds = attrgetter("seconds")  # wall-clock seconds of the run


def to_json(runs) -> str:
    """Every run as a JSON list (valid JSON: NaN and infinity are ``null``)."""
    return json.dumps([r.to_dict() for r in runs], indent=1, ensure_ascii=False, allow_nan=False)


def to_csv(runs) -> str:
    """Every run as CSV with :data:`CSV_COLUMNS` (``x`` space-separated; empty for NaN)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in runs:
        d = r.to_dict()
        d["x"] = " ".join("" if v is None else repr(v) for v in d["x"])
        writer.writerow(["" if d[c] is None else d[c] for c in CSV_COLUMNS])
    return buf.getvalue()


def success_counts(runs, solvers: Sequence[str], solved: Callable = succeeded) -> dict[str, int]:
    """How many problems each solver solved by the test ``solved`` (a run -> bool), judged by the harness."""
    counts = {s: 0 for s in solvers}
    for r in runs:
        if r.solver in counts and solved(r):
            counts[r.solver] += 1
    return counts


def common_medians(runs, solvers: Sequence[str], what: Callable = attrgetter("ngev"),
                   solved: Callable = succeeded) -> tuple[list[str], dict[str, float]]:
    """The problems every one of ``solvers`` solved (by ``solved``), and each solver's median ``what(run)`` on them."""
    done: dict[str, set[str]] = {s: set() for s in solvers}
    value: dict[tuple[str, str], float] = {}
    order: list[str] = []
    for r in runs:
        if r.problem not in order:
            order.append(r.problem)
        if r.solver in done and solved(r):
            done[r.solver].add(r.problem)
            value[(r.problem, r.solver)] = float(what(r))
    common = [p for p in order if all(p in done[s] for s in solvers)]
    medians = {s: float(np.median([value[(p, s)] for p in common])) if common else math.nan for s in solvers}
    return common, medians


@dataclass(frozen=True)
class PairSummary:
    """Our solver beside SciPy's: counts, the commonly solved problems, medians and the median ratio of costs."""

    ours: str
    theirs: str
    stationary: tuple[int, int]
    optimal: tuple[int, int]
    common: tuple[str, ...]
    median: tuple[float, float]
    median_ratio: float

    @property
    def ratio_of_medians(self) -> float:
        """Our median f + ∇f over SciPy's, on the common problems."""
        return self.median[0] / self.median[1] if self.median[1] > 0 else math.nan

    @property
    def we_lose(self) -> bool:
        """More evaluations on the common problems by either measure, or fewer optimal solves."""
        return self.ratio_of_medians > 1.0 or self.median_ratio > 1.0 or self.optimal[0] < self.optimal[1]


def pair_summary(runs, ours: str, theirs: str) -> PairSummary:
    """Counts of both, and on the problems both end stationary on the medians of f + ∇f and of ours / theirs.

    Examples
    ========

    >>> from types import SimpleNamespace as R
    >>> runs = [R(problem="p", solver="a", stationary=True, optimal=True, cost=8),
    ...         R(problem="p", solver="b", stationary=True, optimal=True, cost=4),
    ...         R(problem="q", solver="a", stationary=True, optimal=False, cost=6),
    ...         R(problem="q", solver="b", stationary=True, optimal=True, cost=12)]
    >>> s = pair_summary(runs, "a", "b")
    >>> s.stationary, s.optimal, s.median, s.ratio_of_medians, s.median_ratio, s.we_lose
    ((2, 2), (1, 2), (7.0, 8.0), 0.875, 1.25, True)
    """
    st = success_counts(runs, [ours, theirs], stationary)
    op = success_counts(runs, [ours, theirs], optimal)
    common, med = common_medians(runs, [ours, theirs], what=cost, solved=stationary)
    by = {(r.problem, r.solver): r.cost for r in runs}
    ratios = [by[(p, ours)] / by[(p, theirs)] for p in common if by[(p, theirs)] > 0]
    return PairSummary(ours, theirs, (st[ours], st[theirs]), (op[ours], op[theirs]), tuple(common),
                       (med[ours], med[theirs]), float(np.median(ratios)) if ratios else math.nan)


def cost_table(runs, problems: Sequence[str], solvers: Sequence[str]) -> str:
    """Markdown: one row per problem, one column per solver.

    A cell is the cost (f + ∇f evaluations) of a stationary run, with † when
    it is not optimal (a stationary point above f*, or f* unknown); ✗ with the
    solver's status for a run that is not stationary (``✗ … ✓opt`` if it is optimal all the same).
    """
    cell = {}
    for r in runs:
        if r.stationary:
            cell[(r.problem, r.solver)] = f"{r.cost}" + ("" if r.optimal else " †")
        else:
            cell[(r.problem, r.solver)] = f"✗ {r.status.value}" + (" ✓opt" if r.optimal else "")
    lines = ["| problem | " + " | ".join(f"`{s}`" for s in solvers) + " |",
             "|---|" + "---:|" * len(solvers)]
    for p in problems:
        lines.append(f"| {p} | " + " | ".join(cell.get((p, s), "") for s in solvers) + " |")
    return "\n".join(lines)


def summary_table(runs, solvers: Sequence[str], n_problems: int) -> str:
    """Markdown: per solver, stationary and optimal counts, median costs of its stationary runs, seconds."""
    lines = ["| solver | stationary | optimal | median f + ∇f evals | median weighted cost | seconds (all runs) |",
             "|---|---:|---:|---:|---:|---:|"]
    st = success_counts(runs, solvers, stationary)
    op = success_counts(runs, solvers, optimal)
    for s in solvers:
        mine = [r for r in runs if r.solver == s]
        done = [r for r in mine if r.stationary]
        med = f"{np.median([r.cost for r in done]):.0f}" if done else "–"
        wmed = f"{np.median([r.weighted_cost for r in done]):.0f}" if done else "–"
        lines.append(f"| `{s}` | {st[s]}/{n_problems} | {op[s]}/{n_problems} | {med} | {wmed} | "
                     f"{sum(r.seconds for r in mine):.2f} |")
    return "\n".join(lines)


def check_output_path(path: str | os.PathLike, option: str) -> Path:
    """An :class:`InputError` unless ``path`` can be written (checked before any run).

    Examples
    ========

    >>> check_output_path("/proc/no/such/dir/runs.json", "--json")
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --json: cannot write /proc/no/such/dir/runs.json (directory /proc/no/such/dir does not exist)
    """
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{option}: {p} is a directory")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{option}: cannot write {p} (directory {parent} does not exist)")
    existed = p.exists()
    try:
        with open(p, "a"):
            pass
    except OSError as exc:
        raise InputError(f"{option}: cannot write {p} ({exc.strerror or exc})") from None
    if not existed:
        p.unlink()
    return p
