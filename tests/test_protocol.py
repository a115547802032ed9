"""The comparison protocol: matched stopping, counting, two success tests, NaN handling, BLAS pinning.

References: SciPy's own result objects and counts, closed-form minima, and
the two-loop recursion (Nocedal & Wright Algorithm 7.4) for the compact L-BFGS product.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import scipy.sparse

from numerics.compare import harness
from numerics.compare import problems
from numerics.compare.harness import Run, Settings, run_one
from numerics.compare.problems import Problem
from numerics.compare.scipy_methods import scipy_options, scipy_runner
from numerics.result import Status
from numerics.solve.counting import Counter
from numerics.solve.newton import BandPlan, NewtonDirection, modified_newton_direction, shift_sequence
from numerics.solve.quasi_newton import LBFGSState, compact_product, two_loop


@pytest.mark.parametrize("solver", harness.SCIPY)
def test_matched_scipy_methods_stop_on_the_harness_test(solver):
    p = problems.get("rosenbrock")
    run = run_one(p, p.compile(), solver)
    assert run.stationary and run.gnorm <= harness.GTOL and run.optimal, run


def test_defaults_of_trust_exact_stop_on_its_own_two_norm_test():
    # SciPy's default trust-exact stops at ‖∇f‖₂ < 1e-4: on QUARTC-like quartics above 1e-5 in the ∞-norm
    p = Problem.from_expression("(x - 1)^4 + (y + 2)^4", [3.0, 1.0], f_star=0)
    obj = p.compile()
    default, matched = run_one(p, obj, "scipy-default:trust-exact"), run_one(p, obj, "scipy:trust-exact")
    assert default.gnorm > harness.GTOL and not default.stationary
    assert matched.stationary and matched.nit > default.nit


def test_trust_krylov_uses_hessian_vector_products_and_its_defaults_stop_on_the_two_norm():
    # SciPy's default trust-krylov stops at ‖∇f‖₂ < 1e-4, as trust-exact; matched, it reaches 1e-5 in the ∞-norm
    p = Problem.from_expression("(x - 1)^4 + (y + 2)^4", [3.0, 1.0], f_star=0)
    obj = p.compile()
    default, matched = run_one(p, obj, "scipy-default:trust-krylov"), run_one(p, obj, "scipy:trust-krylov")
    assert default.gnorm > harness.GTOL and not default.stationary
    assert matched.stationary and matched.nit > default.nit
    assert matched.nhev == 0 and matched.nhpev > 0  # products only, never a whole Hessian
    calls = []  # an independent count of the products SciPy asked for (its own nhev says one more)

    def hessp(x, v):
        calls.append(1)
        return obj.hessp(x, v)

    counter = Counter(dataclasses.replace(obj, hessp=hessp))
    scipy_runner("trust-krylov", matched=True)(counter.objective(), np.array(p.x0), p, Settings())
    assert counter.nhpev == len(calls) > 0 and counter.nhev == 0


@pytest.mark.parametrize("method", ["trust-exact", "Newton-CG", "trust-krylov"])
def test_the_stopping_callback_costs_no_gradient_evaluation(method):
    # SciPy's own njev counts the gradients SciPy asked for; the counter sees the callback's too
    p = problems.get("beale")
    counter = Counter(p.compile())
    sol = scipy_runner(method, matched=True)(counter.objective(), np.array(p.x0), p, Settings())
    assert sol.status is Status.CONVERGED and "harness" in sol.message
    assert counter.ngev == sol.ngev and counter.nfev == sol.nfev


def test_matched_options_are_the_documented_ones():
    assert scipy_options("BFGS", 1e-5, 7) == {"maxiter": 7, "gtol": 1e-5, "norm": math.inf}
    assert scipy_options("CG", 1e-5, 7) == {"maxiter": 7, "gtol": 1e-5, "norm": math.inf}
    assert scipy_options("Newton-CG", 1e-5, 7) == {"maxiter": 7, "xtol": 0.0}
    assert scipy_options("trust-exact", 1e-5, 7) == {"maxiter": 7, "gtol": 0.0}
    assert scipy_options("trust-krylov", 1e-5, 7) == {"maxiter": 7, "gtol": 0.0}
    assert all(scipy_options(m, 1e-5, 7, matched=False) == {"maxiter": 7} for m in ("BFGS", "L-BFGS-B", "CG"))


def test_a_repeated_gradient_at_the_same_point_is_not_counted():
    p = problems.get("booth")
    c = Counter(p.compile())
    x = np.array([1.0, 2.0])
    g1, g2 = c.jac(x), c.jac(x.copy())
    g3 = c.jac(np.array([1.0, 2.5]))
    assert c.ngev == 2 and np.array_equal(g1, g2) and not np.array_equal(g1, g3)


def test_weighted_cost_counts_a_hessian_as_n_units():
    r = Run("p", "s", True, (0.0, 0.0, 0.0), 0.0, 0.0, 3, nfev=4, ngev=5, nhev=2, seconds=0.0,
            status=Status.CONVERGED, nhpev=7)
    assert r.cost == 9 and r.weighted_cost == 4 + 5 + 7 + 3 * 2


def test_stationary_and_optimal_are_separate():
    fr = problems.get("freudenstein-roth")  # a local minimum f = 48.98 is stationary, not optimal
    r = Run(fr.name, "s", True, (11.41, -0.8968), 48.98, 1e-6, 1, 1, 1, 0, 0.0, Status.CONVERGED, f_star=0.0)
    assert r.stationary and not r.optimal
    r2 = Run(fr.name, "s", True, (5.0, 4.0), 1e-12, 1e-3, 1, 1, 1, 0, 0.0, Status.CONVERGED, f_star=0.0)
    assert r2.optimal and not r2.stationary


def _overflow_problem() -> Problem:
    # f = e^x − 2x from x0 = −10: the full Newton step is about 2e^10 and e^(2e^10) overflows
    return Problem.from_expression("exp(x) - 2*x", [-10.0], f_star=2 - 2 * math.log(2))


@pytest.mark.parametrize("solver", ["newton", "bfgs", "scipy:trust-exact"])
def test_an_overflow_inside_the_line_search_is_backtracked(solver):
    p = _overflow_problem()
    run = run_one(p, p.compile(), solver)
    assert run.stationary and run.optimal and run.x[0] == pytest.approx(math.log(2), abs=1e-5)


def test_a_failure_after_nan_is_nonfinite_never_error():
    p = _overflow_problem()

    def stumbles(obj, x0, problem, settings):
        obj.fun(np.array([1e6]))  # inf
        raise ValueError("the solver gives up")

    run = run_one(p, p.compile(), "bfgs", runner=stumbles)
    assert run.status is Status.NONFINITE and "gives up" in run.message


def test_the_wall_clock_bound_inside_our_solver_is_timeout():
    p = problems.get("extended-rosenbrock")
    run = run_one(p, p.compile(), "lbfgs", Settings(time_limit=0.0))
    assert run.status is Status.TIMEOUT


def test_blas_is_one_thread_inside_the_harness_after_scipy_is_loaded():
    from threadpoolctl import threadpool_info

    with harness.single_threaded_blas():
        blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
        assert blas and all(p["num_threads"] == 1 for p in blas)


def test_first_order_rates_are_one_per_method():
    a, b = problems.get("beale"), problems.get("wood")
    assert all(harness.learning_rate(a, s) == harness.learning_rate(b, s) for s in harness.FIRST_ORDER)


# --------------------------------------------------------------------------- faster solvers, same matrices


def test_compact_lbfgs_product_equals_the_two_loop_recursion():
    rng = np.random.default_rng(3)
    n, memory = 20, 5
    state, pairs = LBFGSState.empty(n), []
    A = rng.standard_normal((n, n))
    A = A @ A.T + n * np.eye(n)
    for _ in range(8):  # more pairs than memory: the oldest are dropped
        s = rng.standard_normal(n)
        y = A @ s
        state = state.with_pair(s, y, memory)
        pairs = (pairs + [(s, y, 1 / (y @ s))])[-memory:]
        g = rng.standard_normal(n)
        np.testing.assert_allclose(compact_product(state, g), two_loop(g, tuple(pairs), state.gamma), rtol=1e-10)
    assert state.S.shape == (memory, n)


def test_cholesky_shifts_follow_algorithm_3_3():
    taus = list(shift_sequence(np.array([-3.0, 5.0])))[:4]
    beta = 1e-3 * 5.0
    assert taus == pytest.approx([3 + beta, 2 * (3 + beta), 4 * (3 + beta), 8 * (3 + beta)])


def test_sparse_and_dense_newton_directions_agree():
    rng = np.random.default_rng(5)
    n = 40
    main, off = rng.uniform(-2, 4, n), rng.uniform(-1, 1, n - 1)
    dense = np.diag(main) + np.diag(off, 1) + np.diag(off, -1)  # tridiagonal, indefinite
    perm = rng.permutation(n)
    dense = dense[perm][:, perm]  # a scrambled band: reverse Cuthill–McKee recovers it
    g = rng.standard_normal(n)
    d_dense = modified_newton_direction(dense, g)
    d_sparse = modified_newton_direction(scipy.sparse.csr_matrix(dense), g)
    np.testing.assert_allclose(d_sparse, d_dense, rtol=1e-9, atol=1e-12)
    assert g @ d_dense < 0


def _band_matrix(rng, n, width, low):
    """A symmetric band matrix with diagonal entries in (low, 4): indefinite when ``low < 0``."""
    a = np.diag(rng.uniform(low, 4, n))
    for k in range(1, width + 1):
        off = rng.uniform(-1, 1, n - k)
        a += np.diag(off, k) + np.diag(off, -k)
    return a


@pytest.mark.parametrize("width, low, scramble", [(1, -2, False), (1, 3, False), (2, -2, True), (3, 3, False),
                                                  (4, -1, True)])
def test_banded_newton_direction_matches_the_dense_factorization(width, low, scramble):
    # pttrf (bandwidth 1) and pbtrf (wider), natural or reverse Cuthill–McKee order, shifted or not,
    # against the dense Cholesky of Algorithm 3.3 on the same matrix
    rng = np.random.default_rng(width + 10 * scramble)
    n = 60
    dense = _band_matrix(rng, n, width, low)
    if scramble:
        perm = rng.permutation(n)
        dense = dense[perm][:, perm]
    sparse = scipy.sparse.csr_matrix(dense)
    plan = BandPlan.of(sparse)
    assert plan.width is not None and plan.width <= width
    assert (plan.order is None) == (not scramble)
    g = rng.standard_normal(n)
    d_dense = modified_newton_direction(dense, g)
    np.testing.assert_allclose(modified_newton_direction(sparse, g), d_dense, rtol=1e-9, atol=1e-12)
    if low > 2:  # positive definite: the plain Newton step, H d = -g
        np.testing.assert_allclose(dense @ d_dense, -g, rtol=1e-9, atol=1e-10)


def test_banded_newton_direction_uses_the_symmetric_part():
    rng = np.random.default_rng(3)
    n = 30
    sym = _band_matrix(rng, n, 2, 3)
    skew = np.triu(rng.uniform(-0.2, 0.2, (n, n)), 1) * (np.abs(np.subtract.outer(range(n), range(n))) <= 2)
    lopsided = sym + skew - skew.T  # symmetric part = sym
    g = rng.standard_normal(n)
    np.testing.assert_allclose(modified_newton_direction(scipy.sparse.csr_matrix(lopsided), g),
                               np.linalg.solve(sym, -g), rtol=1e-9)


def test_a_wide_sparse_pattern_is_factored_dense():
    rng = np.random.default_rng(4)
    n = 40
    a = rng.standard_normal((n, n))
    a = a @ a.T + n * np.eye(n)
    assert BandPlan.of(scipy.sparse.csr_matrix(a)).width is None
    g = rng.standard_normal(n)
    np.testing.assert_allclose(modified_newton_direction(scipy.sparse.csr_matrix(a), g), np.linalg.solve(a, -g),
                               rtol=1e-9)


def test_newton_direction_keeps_its_band_plan_while_the_pattern_holds():
    rng = np.random.default_rng(6)
    n = 25
    first = scipy.sparse.csr_matrix(_band_matrix(rng, n, 1, 3))
    other = scipy.sparse.csr_matrix(_band_matrix(rng, n, 2, 3))

    class Hessians:  # the counter's hess_native, returning a fixed sparse matrix
        def __init__(self, h):
            self.h = h

        def hess_native(self, x):
            return self.h

    g, x, direction = rng.standard_normal(n), np.zeros(n), NewtonDirection()
    p1 = direction.direction(direction.init(x, 0.0, g), x, 0.0, g, Hessians(first))
    p2 = direction.direction(p1.state, x, 0.0, g, Hessians(first.copy()))
    assert isinstance(p1.state, BandPlan) and p2.state is p1.state  # same pattern: reused
    p3 = direction.direction(p2.state, x, 0.0, g, Hessians(other))
    assert p3.state is not p1.state and p3.state.width == 2  # new pattern: a new plan
    np.testing.assert_allclose(p3.d, np.linalg.solve(other.toarray(), -g), rtol=1e-9)
    np.testing.assert_allclose(p2.d, np.linalg.solve(first.toarray(), -g), rtol=1e-9)
