r"""The comparison harness: derivkit's solvers beside ``scipy.optimize.minimize`` under one protocol.

Every run gets the same compiled :math:`f`, :math:`\nabla f`, :math:`\nabla^2 f`
and :math:`x_0`, wrapped in one :class:`Counter` that counts evaluations
(``nfev``, ``ngev``, ``nhev`` for Hessians, ``nhpev`` for Hessian-vector
products), records where it evaluated and enforces a wall-clock bound.  The
protocol, the same for every solver:

* **one stopping test**, :math:`\|\nabla f(x_k)\|_\infty \le 10^{-5}`: ours stop
  on it, and SciPy's methods (``scipy:…``) get the options that make their own
  test the same one and keep their other tests from firing first
  (:func:`scipy_options`); ``scipy-default:…`` runs SciPy with its defaults;
* **one budget**: ``maxiter`` iterations and a wall-clock bound per run;
* **everything counted**: :attr:`Run.cost` (:math:`f + \nabla f`) and
  :attr:`Run.weighted_cost` (:math:`+` Hessian-vector products :math:`+\ n\times`
  Hessians);
* **two success tests**, measured here, never a solver's own flag:

  .. math::

      \text{stationary: } \|\nabla f(x)\|_\infty \le 10^{-5}, \qquad
      \text{optimal: } f(x) - f^* \le 10^{-8}\,(1 + |f^*|);

* **NaN and infinity** do not end a run: line searches shrink the step; a run
  that cannot recover is ``nonfinite`` (never ``error``), ending at its last finite point;
* **BLAS pinned** to one thread with threadpoolctl for every solver
  (:func:`single_threaded_blas`).

(SciPy's L-BFGS-B with default settings stops on Wood at :math:`f \approx 7.88`
and reports success; neither test counts it.)

Runs go to worker processes grouped by problem (each worker compiles a problem
once) or to a Dask cluster.  One failing run never loses the others: an
exception inside a run is status ``error``, the wall-clock bound is ``timeout``.

Examples
========

>>> from numerics.compare.problems import get
>>> [run] = run_group(get("booth"), ["scipy:BFGS"])
>>> run.success, run.stationary, run.optimal, run.status.value, run.nfev == run.ngev
(True, True, True, 'converged', True)
>>> judge(7.88, 0.5, 0.0), judge(1e-9, 0.5, 0.0), judge(3.0, 1e-6, None)
(False, True, True)
"""

from __future__ import annotations

import contextlib
import math
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from derivations.errors import InputError

from numerics.compile import Objective
from numerics.compare.problems import Problem, get as get_problem, unknown
from numerics.compare.scipy_methods import scipy_options, scipy_runner
from numerics.result import History, Solution, Status, Trace
from numerics.solve import first_order
from numerics.solve.cg import Beta, minimize_cg
from numerics.solve.counting import Counter, NonFinite, Timeout
from numerics.solve.newton import minimize_newton
from numerics.solve.quasi_newton import minimize_bfgs, minimize_lbfgs

__all__ = [
    "Run", "Settings", "Task", "Counter", "worker_pool", "judge", "run_one", "run_group", "run_benchmark", "run_tasks",
    "check_solvers", "single_threaded_blas", "scipy_options",
    "OURS", "SCIPY", "SCIPY_DEFAULTS", "SOLVERS", "FIRST_ORDER", "GTOL", "FTOL", "FIRST_ORDER_RATES",
]

GTOL = 1e-5  # success: ‖∇f(x)‖∞ ≤ GTOL ...
FTOL = 1e-8  # ... or f − f* ≤ FTOL (1 + |f*|)

FIRST_ORDER = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
OURS = FIRST_ORDER + ("newton", "bfgs", "lbfgs", "cg-fr", "cg-pr")
_SCIPY_METHODS = ("L-BFGS-B", "CG", "BFGS", "Newton-CG", "trust-exact", "trust-krylov")
SCIPY = tuple(f"scipy:{m}" for m in _SCIPY_METHODS)  # stopped on the harness's test (matched options)
SCIPY_DEFAULTS = tuple(f"scipy-default:{m}" for m in _SCIPY_METHODS)  # SciPy's own defaults, out of the box
SOLVERS = OURS + SCIPY + SCIPY_DEFAULTS

# Our second-order solvers: (minimizer, keyword arguments).
_SECOND_ORDER: dict[str, tuple[Callable[..., Solution], dict]] = {
    "newton": (minimize_newton, {}),
    "bfgs": (minimize_bfgs, {}),
    "lbfgs": (minimize_lbfgs, {"memory": 10}),
    "cg-fr": (minimize_cg, {"beta": Beta.FR}),
    "cg-pr": (minimize_cg, {"beta": Beta.PR_PLUS}),
}

# One learning rate ε per first-order method, the same on every problem, fixed before any run
# (never tuned on the judged problems): Adam ε = 1e-3, β₁ = 0.9, β₂ = 0.999 (Kingma & Ba 2015,
# Algorithm 1, "good default settings"); RMSProp ε = 1e-3, ρ = 0.9 (Hinton, Neural Networks for
# Machine Learning, lecture 6e); AdaGrad ε = 1e-2 (PyTorch's default); gradient descent, momentum
# and Nesterov have no literature default: ε = 1e-3 like Adam, α = 0.9 (Sutskever et al. 2013).
FIRST_ORDER_RATES = {"gd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "adagrad": 1e-2, "rmsprop": 1e-3, "adam": 1e-3}


def learning_rate(problem: Problem, solver: str) -> float:
    """The learning rate of a first-order ``solver``: one per method, the same on every ``problem``.

    Examples
    ========

    >>> from numerics.compare.problems import get
    >>> learning_rate(get("beale"), "adam") == learning_rate(get("wood"), "adam") == 1e-3
    True
    """
    return FIRST_ORDER_RATES[solver]


@dataclass(frozen=True)
class Settings:
    """Budgets of one benchmark, the same for every solver: iterations and a wall-clock bound per run (seconds).

    ``max_iter`` bounds the iterations of ours and SciPy's solvers alike
    (``maxiter``); no solver has an evaluation budget of its own (SciPy's
    L-BFGS-B ``maxfun`` is set out of reach), so the iteration budget and the
    wall-clock bound are what every run shares.
    """

    max_iter: int = 2000
    first_order_iter: int = 2000
    time_limit: float = 5.0
    gtol: float = GTOL
    history_points: int = 300
    rates: Callable[[Problem, str], float] | None = None  # (problem, solver) -> ε; default learning_rate


def stationary(gnorm: float) -> bool:
    r"""The stationarity test :math:`\|\nabla f(x)\|_\infty \le 10^{-5}` (every solver stops on it)."""
    return math.isfinite(gnorm) and gnorm <= GTOL


def optimal(f: float, f_star: float | None) -> bool:
    r"""The optimality test :math:`f(x) - f^* \le 10^{-8}(1 + |f^*|)` (``False`` where :math:`f^*` is unknown).

    Examples
    ========

    >>> optimal(48.98, 0.0), optimal(3.0 + 3e-8, 3.0), optimal(0.0, None)
    (False, True, False)
    """
    return f_star is not None and math.isfinite(f) and f - f_star <= FTOL * (1 + abs(f_star))


def judge(f: float, gnorm: float, f_star: float | None) -> bool:
    r"""Success in the wide sense: :func:`stationary` or :func:`optimal`."""
    if not (math.isfinite(f) and math.isfinite(gnorm)):
        return False
    return stationary(gnorm) or optimal(f, f_star)


@dataclass(frozen=True)
class Run:
    """One solver on one problem from ``x0``, judged by the harness; ``history`` for plots.

    ``problem`` is the problem's :attr:`~numerics.compare.problems.Problem.title`
    (its name, and the start where it is not the standard one).  ``nhev``
    counts Hessians, ``nhpev`` Hessian-vector products.
    """

    problem: str
    solver: str
    success: bool
    x: tuple[float, ...]
    f: float
    gnorm: float
    nit: int
    nfev: int
    ngev: int
    nhev: int
    seconds: float
    status: Status
    message: str = ""
    f_star: float | None = None
    history: History = field(default_factory=History)
    x0: tuple[float, ...] = ()
    nhpev: int = 0

    @property
    def stationary(self) -> bool:
        r""":math:`\|\nabla f(x)\|_\infty \le 10^{-5}` at the final x (measured by the harness)."""
        return math.isfinite(self.f) and stationary(self.gnorm)

    @property
    def optimal(self) -> bool:
        r""":math:`f(x) - f^* \le 10^{-8}(1 + |f^*|)` at the final x."""
        return optimal(self.f, self.f_star)

    @property
    def cost(self) -> int:
        """Function plus gradient evaluations."""
        return self.nfev + self.ngev

    @property
    def weighted_cost(self) -> int:
        r"""The combined cost :math:`n_f + n_{\nabla f} + n_{Hp} + n\,n_H`.

        One unit per evaluation of :math:`f`, of :math:`\nabla f` and of a
        Hessian-vector product; a Hessian counts :math:`n` units (it is :math:`n`
        Hessian-vector products).
        """
        return self.nfev + self.ngev + self.nhpev + len(self.x) * self.nhev

    def to_dict(self) -> dict:
        """The run as JSON-ready data (no history; NaN and infinity become ``None``)."""

        def num(v):
            return float(v) if v is not None and math.isfinite(v) else None

        return {
            "problem": self.problem, "solver": self.solver, "success": self.success,
            "stationary": self.stationary, "optimal": self.optimal,
            "x": [num(v) for v in self.x], "f": num(self.f), "f_star": num(self.f_star), "gnorm": num(self.gnorm),
            "nit": self.nit, "nfev": self.nfev, "ngev": self.ngev, "nhev": self.nhev, "nhpev": self.nhpev,
            "cost": self.cost, "weighted_cost": self.weighted_cost,
            "seconds": round(self.seconds, 6), "status": self.status.value, "message": self.message,
        }


# --------------------------------------------------------------------------- solvers

# A runner: (counting objective, x0, problem, settings) -> Solution; the harness re-measures x itself.
Runner = Callable[[Objective, np.ndarray, Problem, Settings], Solution]


def _ours_first_order(name: str) -> Callable:
    def solve(obj: Objective, x0: np.ndarray, problem: Problem, settings: Settings) -> Solution:
        rate = (settings.rates or learning_rate)(problem, name)
        opt = first_order.OPTIMIZERS[name](learning_rate=rate)
        return first_order.minimize(opt, obj, x0, max_iter=settings.first_order_iter, gtol=settings.gtol)

    return solve


def _ours_second_order(name: str) -> Callable:
    minimize, kwargs = _SECOND_ORDER[name]

    def solve(obj: Objective, x0: np.ndarray, problem: Problem, settings: Settings) -> Solution:
        return minimize(obj, x0, gtol=settings.gtol, max_iter=settings.max_iter, **kwargs)

    return solve


_RUNNERS: dict[str, Callable] = {
    **{n: _ours_first_order(n) for n in FIRST_ORDER},
    **{n: _ours_second_order(n) for n in _SECOND_ORDER},
    **{f"scipy:{m}": scipy_runner(m, matched=True) for m in _SCIPY_METHODS},
    **{f"scipy-default:{m}": scipy_runner(m, matched=False) for m in _SCIPY_METHODS},
}


def check_solvers(names: Iterable[str]) -> list[str]:
    """The names as a list; an :class:`InputError` (with a did-you-mean) for an unknown one.

    Examples
    ========

    >>> check_solvers(["bfgs", "scipy:CG"])
    ['bfgs', 'scipy:CG']
    >>> check_solvers(["scipy:lbfgsb"])
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: unknown solver 'scipy:lbfgsb' (did you mean 'scipy:L-BFGS-B'?)
    """
    names = list(names)

    def key(name: str) -> str:  # case and punctuation do not tell solvers apart
        return "".join(c for c in name.lower() if c.isalnum() or c == ":")

    by_key = {key(k): k for k in _RUNNERS}
    for n in names:
        if n not in _RUNNERS:
            if key(n) in by_key:
                raise InputError(f"unknown solver {n!r} (did you mean {by_key[key(n)]!r}?)")
            raise InputError(unknown("solver", n, _RUNNERS))
    return names


# --------------------------------------------------------------------------- one run


def run_one(problem: Problem, compiled: Objective, solver: str, settings: Settings = Settings(),
            runner: Runner | None = None) -> Run:
    """Run one solver on one compiled problem; never raises for the solver's sake.

    ``runner`` (for tests) replaces the named solver: ``runner(objective, x0,
    problem, settings) -> Solution``.
    """
    runner = runner or _RUNNERS[solver]
    # NaN and infinity do not end a run: line searches (ours and SciPy's) shrink the step and go on
    counter = Counter(compiled, settings.time_limit, trace=Trace(settings.history_points))
    x0 = np.array(problem.x0, dtype=float)
    nit, message = 0, ""
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        try:
            sol = runner(counter.objective(), x0.copy(), problem, settings)
            x, nit, status, message = np.asarray(sol.x, dtype=float).reshape(-1), int(sol.nit), sol.status, sol.message
            if not np.all(np.isfinite(x)) or not math.isfinite(sol.f):
                status, message = Status.NONFINITE, f"the solver ended at a non-finite point ({message})"
                x = _last_finite(counter, x0)
            elif status in (Status.FAILED, Status.ERROR) and counter.nonfinite:
                status = Status.NONFINITE
                message = f"{counter.nonfinite} evaluation(s) gave NaN or Inf; the solver: {message}"
        except NonFinite as exc:
            status, message, x = Status.NONFINITE, str(exc), _last_finite(counter, x0)
        except Timeout:
            status, message = Status.TIMEOUT, f"stopped at the wall-clock bound of {settings.time_limit:g} s"
            x = _last_finite(counter, x0)
        except Exception as exc:  # one failing run never loses the others
            status, message, x = Status.ERROR, f"{type(exc).__name__}: {exc}", _last_finite(counter, x0)
            if counter.nonfinite:
                status = Status.NONFINITE
        seconds = time.perf_counter() - start
        f, gnorm = _measure(compiled, x)
        history = _history(compiled, counter.trace)
    return Run(problem.title, solver, judge(f, gnorm, problem.f_star), tuple(float(v) for v in x), f, gnorm, nit,
               counter.nfev, counter.ngev, counter.nhev, seconds, status, message.splitlines()[0] if message else "",
               problem.f_star, history, tuple(problem.x0), counter.nhpev)


def _last_finite(counter: Counter, x0: np.ndarray) -> np.ndarray:
    return counter.last_finite if counter.last_finite is not None else x0


def _measure(compiled: Objective, x: np.ndarray) -> tuple[float, float]:
    """f and ‖∇f‖∞ at x, not counted against the solver."""
    try:
        f = float(compiled.fun(x))
        g = np.asarray(compiled.jac(x), dtype=float)
        return f, float(np.max(np.abs(g))) if g.size else 0.0
    except Exception:
        return math.nan, math.nan


def _history(compiled: Objective, trace: Trace) -> History:
    """f and ‖∇f‖∞ at the evaluated points the trace kept (rows ``(i, x, nfev + ngev)``), with the cumulative cost."""
    xs, fs, gs, cs = [], [], [], []
    for _, x, cost in trace.rows():
        f, g = _measure(compiled, x)
        if math.isfinite(f) and math.isfinite(g):
            xs.append(x)
            fs.append(f)
            gs.append(g)
            cs.append(cost)
    return History(tuple(xs), tuple(fs), tuple(gs), tuple(cs))


def run_group(problem: Problem, solvers: Sequence[str], settings: Settings = Settings()) -> list[Run]:
    """Compile ``problem`` once and run every solver on it."""
    try:
        compiled = problem.compile()
    except Exception as exc:
        return [_failed(problem, s, f"compile failed: {type(exc).__name__}: {exc}") for s in solvers]
    with single_threaded_blas():
        _warm_up(compiled, np.array(problem.x0, dtype=float), solvers)
        return [run_one(problem, compiled, s, settings) for s in solvers]


@contextlib.contextmanager
def single_threaded_blas():
    """One BLAS thread inside the block (restored after it), for ours and SciPy's solvers alike.

    SciPy's modules are imported first, so the BLAS they load is loaded when
    :func:`threadpoolctl.threadpool_limits` sets the limit (a limit set earlier
    misses a library loaded later).  The harness's matrices are small: threaded
    BLAS only adds synchronisation, and on a shared machine its threads wait for
    cores the other workers use.

    Examples
    ========

    >>> from threadpoolctl import threadpool_info
    >>> with single_threaded_blas():
    ...     all(p["num_threads"] == 1 for p in threadpool_info() if p["user_api"] == "blas")
    True
    """
    import scipy.linalg  # noqa: F401 - load SciPy's BLAS before limiting it
    import scipy.optimize  # noqa: F401
    import scipy.sparse.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _warm_up(compiled: Objective, x0: np.ndarray, solvers: Sequence[str]) -> None:
    """First calls (JIT compilation, imports, compiled update rules) before any run's clock starts."""
    with np.errstate(all="ignore"):
        for call in (lambda: compiled.fun(x0), lambda: compiled.jac(x0), lambda: compiled.hess(x0),
                     lambda: compiled.hessp(x0, x0)):
            try:
                call()
            except Exception:
                pass  # a failure here shows up, attributed, in the runs themselves
        tiny = None
        for s in solvers:
            try:
                if s in FIRST_ORDER:
                    opt = first_order.OPTIMIZERS[s](learning_rate=0.1)
                    opt.update(np.ones(1), opt.init(np.zeros(1)))
                elif s in _SECOND_ORDER:
                    if tiny is None:  # a few steps on a small quadratic compile the solver's derived updates
                        tiny = get_problem("booth").compile()
                    minimize, kwargs = _SECOND_ORDER[s]
                    minimize(tiny, np.zeros(2), max_iter=3, **kwargs)
                else:
                    from scipy.optimize import minimize

                    method = s.split(":", 1)[1]
                    hess = (lambda z: 2 * np.eye(2)) if method in ("Newton-CG", "trust-exact") else None
                    hessp = (lambda z, p: 2 * p) if method == "trust-krylov" else None
                    minimize(lambda z: float(z @ z), np.ones(2), jac=lambda z: 2 * z, hess=hess, hessp=hessp,
                             method=method, options={"maxiter": 2})
            except Exception:
                pass


def _failed(problem: Problem, solver: str, message: str) -> Run:
    return Run(problem.title, solver, False, tuple(problem.x0), math.nan, math.nan, 0, 0, 0, 0, 0.0, Status.ERROR,
               message, problem.f_star, History(), tuple(problem.x0))


# --------------------------------------------------------------------------- many runs


@dataclass(frozen=True)
class Task:
    """One unit of work: every solver of ``solvers`` on ``problem`` under ``settings`` (compiled once)."""

    problem: Problem
    solvers: tuple[str, ...]
    settings: Settings = Settings()


def run_benchmark(
    problems: Sequence[Problem],
    solvers: Sequence[str],
    settings: Settings = Settings(),
    *,
    workers: int = 2,
    dask: str | None = None,
    progress=None,
) -> list[Run]:
    """Every solver on every problem, in worker processes (or on the Dask scheduler at ``dask``).

    Runs come back in the order problem by problem, solver by solver.  Each
    problem is one task, so each worker compiles it once; a task that dies
    (a crashed worker) turns into ``error`` runs for that problem only.
    """
    solvers = tuple(check_solvers(solvers))
    return run_tasks([Task(p, solvers, settings) for p in problems], workers=workers, dask=dask, progress=progress)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a terminated worker ends at once, silently


@contextlib.contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose queued work is cancelled and whose workers are terminated if the block fails.

    Leaving the block normally waits for the work, as ``with ProcessPoolExecutor()`` does;
    an exception (also KeyboardInterrupt and SIGTERM turned into one) cancels what has
    not started and ends the workers at once instead of waiting for running work.

    >>> with worker_pool(1) as pool:
    ...     pool.submit(abs, -3).result()
    3
    """
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    try:
        yield pool
    except BaseException:
        processes = list((pool._processes or {}).values())  # the executor has no public handle on them
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(1.0)
        raise
    pool.shutdown(wait=True)


def run_tasks(tasks: Sequence[Task], *, workers: int = 2, dask: str | None = None, progress=None) -> list[Run]:
    """Run :class:`Task` s (possibly with different settings) in one pool; runs in task order."""
    for t in tasks:
        check_solvers(t.solvers)
    if workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    results: dict[int, list[Run]] = {}

    def done(i: int, runs: list[Run]):
        results[i] = runs
        if progress is not None:
            progress.advance(tasks[i].problem.title)

    def failed(i: int, why: str, exc: BaseException) -> list[Run]:
        return [_failed(tasks[i].problem, s, f"{why}: {type(exc).__name__}: {exc}") for s in tasks[i].solvers]

    if dask is not None:
        _run_dask(tasks, dask, done, failed)
    elif workers == 1:
        for i, t in enumerate(tasks):
            done(i, run_group(t.problem, t.solvers, t.settings))
    else:
        with worker_pool(min(workers, max(len(tasks), 1))) as pool:
            # longest first: the most expensive groups should not start last
            order = sorted(range(len(tasks)), key=lambda i: -_weight(tasks[i]))
            futures = {pool.submit(run_group, tasks[i].problem, tasks[i].solvers, tasks[i].settings): i
                       for i in order}
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    done(i, fut.result())
                except (BrokenProcessPool, Exception) as exc:
                    done(i, failed(i, "worker failed", exc))
    return [run for i in range(len(tasks)) for run in results[i]]


def _weight(task: Task) -> float:
    """A rough cost estimate of a task: first-order iterations dominate."""
    first = sum(1 for s in task.solvers if s in FIRST_ORDER)
    return first * task.settings.first_order_iter + (len(task.solvers) - first) * 100 * task.problem.dimension


DASK_CONNECT = 10.0  # s for the scheduler to accept and answer the handshake
DASK_SLACK = 60.0  # s beyond the runs' own bounds for every result to come back


def _dask_client(address: str):
    """A connected ``distributed.Client``, or an :class:`InputError` within :data:`DASK_CONNECT` s.

    The handshake runs in a thread: a scheduler that accepts the connection and
    never answers would otherwise hold the client forever.
    """
    import threading

    from distributed import Client

    made: list = []

    def connect():
        try:
            made.append(Client(address, timeout=DASK_CONNECT))
        except Exception as exc:  # reported below as a failure to connect
            made.append(exc)

    thread = threading.Thread(target=connect, daemon=True, name="dask-connect")
    thread.start()
    thread.join(DASK_CONNECT + 2.0)
    if not made:
        raise InputError(f"the Dask scheduler at {address} did not answer within {DASK_CONNECT:g} s")
    if isinstance(made[0], BaseException):
        exc = made[0]
        raise InputError(f"cannot reach the Dask scheduler at {address}: {type(exc).__name__}: {exc}")
    return made[0]


def _run_dask(tasks, address: str, done, failed) -> None:
    try:
        from distributed import as_completed as dask_completed
    except ImportError:
        raise InputError("--dask needs the optional extra: pip install 'derivkit[dask]'") from None
    client = _dask_client(address)
    # every run stops at its own wall-clock bound: all results are due within their sum and some slack
    due = DASK_SLACK + sum(len(t.solvers) * t.settings.time_limit for t in tasks)
    try:
        futures = [client.submit(run_group, t.problem, t.solvers, t.settings, pure=False) for t in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        got: set[int] = set()
        try:
            for fut in dask_completed(futures, timeout=due):
                i = index[fut.key]
                got.add(i)
                try:
                    done(i, fut.result(timeout=DASK_CONNECT))
                except Exception as exc:
                    done(i, failed(i, "Dask task failed", exc))
        except TimeoutError as exc:
            for i in range(len(tasks)):
                if i not in got:
                    done(i, failed(i, f"no result from the Dask scheduler within {due:g} s", exc))
    finally:
        client.close(timeout=DASK_CONNECT)
