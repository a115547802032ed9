"""The comparison harness: its success rule, counting, isolation of failures, outputs and profiles.

References: SciPy's own result objects (success flag, nfev/njev), closed-form
minima, and a performance profile computed by hand.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
from scipy.optimize import minimize

from numerics.compare import report as bench_report
from numerics.compare import harness as compare
from numerics.compare import problems
from numerics.compare.harness import Run, Settings, judge, run_benchmark, run_group, run_one
from numerics.compare.performance_profile import costs_from_runs, performance_profile
from numerics.compare.problems import Problem
from numerics.result import Status

# --------------------------------------------------------------------------- the success rule


def test_success_rule_gradient_or_value():
    assert judge(f=5.0, gnorm=1e-5, f_star=0.0)  # ‖∇f‖∞ ≤ 1e-5 alone suffices
    assert not judge(f=5.0, gnorm=1.1e-5, f_star=0.0)
    assert judge(f=3.0 + 3.9e-8, gnorm=1.0, f_star=3.0)  # f − f* ≤ 1e-8 (1 + 3) = 4e-8
    assert not judge(f=3.0 + 4.1e-8, gnorm=1.0, f_star=3.0)
    assert not judge(f=1e-12, gnorm=1.0, f_star=None)  # no f*: only the gradient test
    assert not judge(f=math.nan, gnorm=0.0, f_star=0.0)


def test_lbfgsb_on_wood_reports_success_at_its_defaults_but_the_harness_does_not_count_it():
    wood = problems.get("wood")
    obj = wood.compile()
    # SciPy's own verdict, called directly
    res = minimize(obj.fun, np.array(wood.x0), jac=obj.jac, method="L-BFGS-B")
    assert res.success and res.fun == pytest.approx(7.88, abs=0.01)
    # the harness with SciPy's defaults: the same stop, judged a failure
    run = run_one(wood, obj, "scipy-default:L-BFGS-B")
    assert run.status is Status.CONVERGED and not run.success and not run.stationary and not run.optimal
    assert run.f == pytest.approx(res.fun, rel=1e-12) and run.gnorm > 1e-5
    # with the options matched to the harness's test (gtol = 1e-5, ftol = 0) L-BFGS-B reaches f* = 0
    matched = run_one(wood, obj, "scipy:L-BFGS-B")
    assert matched.stationary and matched.optimal and matched.gnorm <= 1e-5
    # SciPy's BFGS does reach f* = 0 on Wood
    assert run_one(wood, obj, "scipy:BFGS").success


def test_counting_wrapper_agrees_with_scipys_own_counts():
    p = problems.get("rosenbrock")
    obj = p.compile()
    res = minimize(obj.fun, np.array(p.x0), jac=obj.jac, method="BFGS", options={"gtol": compare.GTOL})
    run = run_one(p, obj, "scipy:BFGS")
    assert (run.nfev, run.ngev, run.nit) == (res.nfev, res.njev, res.nit)
    assert run.success and run.x == pytest.approx(tuple(res.x))
    trust = run_one(p, obj, "scipy:trust-exact")
    assert trust.nhev > 0 and trust.success


def test_our_solvers_run_through_the_harness():
    p = problems.get("beale")
    runs = run_group(p, ["newton", "bfgs", "lbfgs", "cg-fr", "cg-pr", "adam"])
    for r in runs[:5]:
        assert r.success and r.x == pytest.approx((3.0, 0.5), abs=1e-4), r
    assert runs[0].nhev > 0 and runs[1].nhev == 0
    assert all(r.history.f and r.history.evaluations[-1] <= r.cost for r in runs)


# --------------------------------------------------------------------------- failures stay inside their run


def _nan_problem() -> Problem:
    # sqrt(x) + sqrt(y): the minimum sits on the boundary of the domain; steps overshoot into NaN
    return Problem.from_expression("sqrt(x) + sqrt(y)", [1.0, 2.0], name="nan-trap")


def test_nonfinite_run_ends_with_its_last_finite_iterate():
    p = _nan_problem()
    run = run_one(p, p.compile(), "scipy:BFGS")
    assert run.status is Status.NONFINITE and not run.success
    assert all(math.isfinite(v) and v >= 0 for v in run.x) and math.isfinite(run.f)


def test_a_nan_problem_does_not_kill_the_other_runs():
    chosen = [problems.get("booth"), _nan_problem(), problems.get("rosenbrock")]
    runs = run_benchmark(chosen, ["scipy:BFGS", "gd", "bfgs"], workers=2)
    assert [(r.problem, r.solver) for r in runs] == [(p.name, s) for p in chosen for s in ("scipy:BFGS", "gd", "bfgs")]
    by = {(r.problem, r.solver): r for r in runs}
    assert by[("nan-trap", "scipy:BFGS")].status is Status.NONFINITE
    assert by[("booth", "scipy:BFGS")].success and by[("rosenbrock", "scipy:BFGS")].success
    assert by[("booth", "bfgs")].success and by[("rosenbrock", "bfgs")].success


def test_an_exception_inside_a_run_is_status_error():
    p = problems.get("booth")

    def broken(obj, x0, problem, settings):
        obj.fun(x0)
        raise RuntimeError("solver bug")

    run = run_one(p, p.compile(), "bfgs", runner=broken)
    assert run.status is Status.ERROR and "solver bug" in run.message and run.nfev == 1
    assert run.x == p.x0 and not run.success


def test_wall_clock_bound_stops_a_run():
    p = problems.get("rosenbrock")

    def endless(obj, x0, problem, settings):
        while True:
            obj.jac(x0)

    run = run_one(p, p.compile(), "gd", Settings(time_limit=0.05), runner=endless)
    assert run.status is Status.TIMEOUT and run.ngev > 0 and run.seconds < 5


def test_compile_failure_becomes_error_runs():
    class Unbuildable(Problem):
        def compile(self):
            raise ValueError("no backend")

    p = problems.get("booth")
    bad = Unbuildable(p.name, p.expression, p.variables, p.x0, p.f_star, p.x_star, p.source)
    runs = run_group(bad, ["bfgs", "scipy:CG"])
    assert [r.status for r in runs] == [Status.ERROR, Status.ERROR] and "no backend" in runs[0].message


# --------------------------------------------------------------------------- outputs


def _run(**kw) -> Run:
    base = dict(problem="p", solver="bfgs", success=True, x=(1.0, 2.0), f=0.5, gnorm=1e-6, nit=3, nfev=4, ngev=4,
                nhev=0, seconds=0.01, status=Status.CONVERGED, message="ok", f_star=0.0)
    base.update(kw)
    return Run(**base)


def test_json_is_valid_with_nan_and_inf_as_null():
    runs = [_run(), _run(solver="gd", success=False, f=math.nan, gnorm=math.inf, x=(math.nan, 1.0), status=Status.NONFINITE)]
    data = json.loads(bench_report.to_json(runs))
    required = {"problem", "solver", "success", "x", "f", "gnorm", "nit", "nfev", "ngev", "nhev", "seconds", "status"}
    assert isinstance(data, list) and len(data) == 2 and all(required <= set(d) for d in data)
    assert data[1]["f"] is None and data[1]["gnorm"] is None and data[1]["x"] == [None, 1.0]
    assert data[0]["x"] == [1.0, 2.0] and data[0]["success"] is True


def test_csv_has_one_row_per_run_and_the_documented_columns():
    runs = [_run(), _run(solver="gd", f=math.nan)]
    rows = list(csv.DictReader(io.StringIO(bench_report.to_csv(runs))))
    assert len(rows) == 2 and tuple(rows[0]) == bench_report.CSV_COLUMNS
    assert rows[0]["x"] == "1.0 2.0" and rows[1]["f"] == "" and float(rows[0]["f"]) == 0.5


def test_medians_use_only_commonly_solved_problems():
    runs = [_run(problem="a", solver="x", ngev=10), _run(problem="a", solver="y", ngev=30),
            _run(problem="b", solver="x", ngev=50), _run(problem="b", solver="y", success=False, ngev=1),
            _run(problem="c", solver="x", ngev=20), _run(problem="c", solver="y", ngev=40)]
    common, med = bench_report.common_medians(runs, ["x", "y"])
    assert common == ["a", "c"] and med == {"x": 15.0, "y": 35.0}


# --------------------------------------------------------------------------- performance profile


def test_performance_profile_against_a_hand_computed_example():
    # costs (rows problems, columns solvers A, B, C); inf = failure
    costs = np.array([[10.0, 20.0, np.inf],
                      [30.0, 15.0, 60.0],
                      [np.inf, np.inf, np.inf],
                      [8.0, 8.0, 4.0]])
    prof = performance_profile(["p1", "p2", "p3", "p4"], ["A", "B", "C"], costs)
    # by hand: best = 10, 15, none, 4 → ratios
    expected = np.array([[1.0, 2.0, np.inf], [2.0, 1.0, 4.0], [np.inf] * 3, [2.0, 2.0, 1.0]])
    np.testing.assert_array_equal(prof.ratios, expected)
    # ρ_A(1) = 1/4 (p1); ρ_A(2) = 3/4 (p1, p2, p4); ρ_C(1) = 1/4; ρ_C(4) = 2/4; p3 never counts
    assert prof.rho("A", 1.0) == 0.25 and prof.rho("A", 2.0) == 0.75 and prof.rho("A", 1e9) == 0.75
    assert prof.rho("B", 1.0) == 0.25 and prof.rho("B", 1.99) == 0.25 and prof.rho("B", 2.0) == 0.75
    assert prof.rho("C", 1.0) == 0.25 and prof.rho("C", 3.99) == 0.25 and prof.rho("C", 4.0) == 0.5
    assert prof.tau_max() == 4.0
    np.testing.assert_array_equal(prof.curve("A", np.array([1.0, 1.5, 2.0])), [0.25, 0.25, 0.75])


def test_costs_from_runs_count_only_harness_successes():
    runs = [_run(problem="p", solver="a", nfev=3, ngev=4), _run(problem="p", solver="b", success=False)]
    np.testing.assert_array_equal(costs_from_runs(runs, ["p"], ["a", "b"]), [[7.0, np.inf]])


# --------------------------------------------------------------------------- Dask


def test_runs_on_a_local_dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        runs = run_benchmark([problems.get("booth"), _nan_problem()], ["scipy:BFGS", "bfgs"],
                             dask=cluster.scheduler_address)
    assert [(r.problem, r.solver) for r in runs] == [("booth", "scipy:BFGS"), ("booth", "bfgs"),
                                                      ("nan-trap", "scipy:BFGS"), ("nan-trap", "bfgs")]
    assert runs[0].success and runs[1].success and runs[2].status is Status.NONFINITE
