r"""The comparison harness: derivkit's solvers beside ``scipy.optimize.minimize``.

Every run gets the same compiled :math:`f`, :math:`\nabla f`, :math:`\nabla^2 f`
and :math:`x_0`, wrapped in one :class:`Counter` that counts evaluations
(``nfev``, ``ngev``, ``nhev``: a Hessian or a Hessian-vector product counts
one), records where it evaluated, enforces a wall-clock bound and stops the
run at the first NaN or infinity.  Success is judged here, never by a
solver's own flag:

.. math::

    \|\nabla f(x)\|_\infty \le 10^{-5}
    \quad\text{or}\quad
    f(x) - f^* \le 10^{-8}\,(1 + |f^*|).

(SciPy's L-BFGS-B with default settings stops on Wood at :math:`f \approx 7.88`
and reports success; this rule does not count it.)

Runs go to worker processes grouped by problem (each worker compiles a problem
once) or to a Dask cluster.  One failing run never loses the others: an
exception inside a run is status ``error``, a NaN or infinity is ``nonfinite``
with the last finite iterate, the wall-clock bound is ``timeout``.

Examples
========

>>> from numerics.compare.problems import get
>>> [run] = run_group(get("booth"), ["scipy:BFGS"])
>>> run.success, run.status.value, run.nfev == run.ngev
(True, 'converged', True)
>>> judge(7.88, 0.5, 0.0), judge(1e-9, 0.5, 0.0), judge(3.0, 1e-6, None)
(False, True, True)
"""

from __future__ import annotations

import contextlib
import ctypes
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
from numerics.result import History, Solution, Status, Trace
from numerics.solve import first_order
from numerics.solve.cg import Beta, minimize_cg
from numerics.solve.counting import Counter, NonFinite, Timeout
from numerics.solve.newton import minimize_newton
from numerics.solve.quasi_newton import minimize_bfgs, minimize_lbfgs

__all__ = [
    "Run", "Settings", "Task", "Counter", "worker_pool", "judge", "run_one", "run_group", "run_benchmark", "run_tasks",
    "check_solvers", "single_threaded_blas",
    "OURS", "SCIPY", "SOLVERS", "FIRST_ORDER", "GTOL", "FTOL", "LEARNING_RATES",
]

GTOL = 1e-5  # success: ‖∇f(x)‖∞ ≤ GTOL ...
FTOL = 1e-8  # ... or f − f* ≤ FTOL (1 + |f*|)

FIRST_ORDER = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
OURS = FIRST_ORDER + ("newton", "bfgs", "lbfgs", "cg-fr", "cg-pr")
SCIPY = ("scipy:L-BFGS-B", "scipy:CG", "scipy:BFGS", "scipy:Newton-CG", "scipy:trust-exact")
SOLVERS = OURS + SCIPY

# Our second-order solvers: (minimizer, keyword arguments).
_SECOND_ORDER: dict[str, tuple[Callable[..., Solution], dict]] = {
    "newton": (minimize_newton, {}),
    "bfgs": (minimize_bfgs, {}),
    "lbfgs": (minimize_lbfgs, {"memory": 10}),
    "cg-fr": (minimize_cg, {"beta": Beta.FR}),
    "cg-pr": (minimize_cg, {"beta": Beta.PR_PLUS}),
}

# Fixed learning rates ε of the first-order methods per problem (others use DEFAULT_RATES).
# Chosen once by benchmarks/tune_rates.py: the rate of the grid 10^k, k = -6..0, that gives the
# lowest final f within the default budget (ties: the larger rate); fixed here so that every
# benchmark run is reproducible.  Momentum and Nesterov use α = 0.9, RMSProp ρ = 0.9,
# Adam β₁ = 0.9, β₂ = 0.999.
DEFAULT_RATES = {"gd": 1e-3, "momentum": 1e-4, "nesterov": 1e-4, "adagrad": 0.1, "rmsprop": 1e-2, "adam": 1e-2}
LEARNING_RATES: dict[str, dict[str, float]] = {  # fmt: off
    "rosenbrock": {"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.01, "adam": 0.1},
    "freudenstein-roth": {"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.01, "adam": 1},
    "powell-badly-scaled": {"gd": 0.001, "momentum": 0.0001, "nesterov": 0.0001, "adagrad": 0.0001, "rmsprop": 1e-05, "adam": 0.0001},
    "brown-badly-scaled": {"gd": 1e-06, "momentum": 0.0001, "nesterov": 0.0001, "adagrad": 1, "rmsprop": 1, "adam": 1},
    "beale": {"gd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 1, "rmsprop": 0.001, "adam": 1},
    "helical-valley": {"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.01, "adam": 1},
    "box-3d": {"gd": 0.1, "momentum": 0.1, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.1, "adam": 1},
    "powell-singular": {"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.01, "adam": 1},
    "wood": {"gd": 0.0001, "momentum": 1e-05, "nesterov": 0.0001, "adagrad": 1, "rmsprop": 0.01, "adam": 1},
    "biggs-exp6": {"gd": 0.1, "momentum": 0.1, "nesterov": 0.1, "adagrad": 1, "rmsprop": 0.01, "adam": 0.1},
    "watson": {"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.001, "adam": 1},
    "penalty-1": {"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1, "rmsprop": 1, "adam": 0.1},
    "trigonometric": {"gd": 0.1, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.01, "rmsprop": 1, "adam": 1},
    "broyden-tridiagonal": {"gd": 0.01, "momentum": 0.001, "nesterov": 0.001, "adagrad": 0.1, "rmsprop": 0.001, "adam": 0.1},
    "extended-rosenbrock": {"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.01, "adam": 0.1},
    "extended-powell": {"gd": 0.001, "momentum": 0.001, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.01, "adam": 1},
    "himmelblau": {"gd": 0.01, "momentum": 0.01, "nesterov": 0.001, "adagrad": 1, "rmsprop": 0.1, "adam": 1},
    "booth": {"gd": 0.1, "momentum": 0.01, "nesterov": 0.01, "adagrad": 1, "rmsprop": 0.1, "adam": 1},
    "goldstein-price": {"gd": 0.0001, "momentum": 1e-05, "nesterov": 1e-05, "adagrad": 1, "rmsprop": 1, "adam": 1},
    "ill-conditioned-quadratic": {"gd": 0.0001, "momentum": 0.0001, "nesterov": 0.0001, "adagrad": 1, "rmsprop": 0.001, "adam": 0.1},
}


def learning_rate(problem: Problem, solver: str) -> float:
    """The fixed learning rate of a first-order ``solver`` on ``problem`` (by name, from any start).

    Examples
    ========

    >>> from numerics.compare.problems import get
    >>> learning_rate(get("beale").with_start((2, -2)), "adam") == learning_rate(get("beale"), "adam") == 1
    True
    """
    return LEARNING_RATES.get(problem.name, {}).get(solver, DEFAULT_RATES[solver])


@dataclass(frozen=True)
class Settings:
    """Budgets of one benchmark: iterations and a wall-clock bound per run (seconds)."""

    max_iter: int = 2000
    first_order_iter: int = 2000
    time_limit: float = 5.0
    gtol: float = GTOL
    history_points: int = 300
    rates: Callable[[Problem, str], float] | None = None  # (problem, solver) -> ε; default learning_rate


def judge(f: float, gnorm: float, f_star: float | None) -> bool:
    r"""The harness's success test: :math:`\|\nabla f\|_\infty \le 10^{-5}` or :math:`f - f^* \le 10^{-8}(1 + |f^*|)`."""
    if not (math.isfinite(f) and math.isfinite(gnorm)):
        return False
    if gnorm <= GTOL:
        return True
    return f_star is not None and f - f_star <= FTOL * (1 + abs(f_star))


@dataclass(frozen=True)
class Run:
    """One solver on one problem from ``x0``, judged by the harness; ``history`` for plots.

    ``problem`` is the problem's :attr:`~numerics.compare.problems.Problem.title`
    (its name, and the start where it is not the standard one).
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

    @property
    def cost(self) -> int:
        """Function plus gradient evaluations (the performance-profile cost)."""
        return self.nfev + self.ngev

    def to_dict(self) -> dict:
        """The run as JSON-ready data (no history; NaN and infinity become ``None``)."""

        def num(v):
            return float(v) if v is not None and math.isfinite(v) else None

        return {
            "problem": self.problem, "solver": self.solver, "success": self.success,
            "x": [num(v) for v in self.x], "f": num(self.f), "f_star": num(self.f_star), "gnorm": num(self.gnorm),
            "nit": self.nit, "nfev": self.nfev, "ngev": self.ngev, "nhev": self.nhev,
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


def _scipy(method: str) -> Callable:
    def solve(obj: Objective, x0: np.ndarray, problem: Problem, settings: Settings) -> Solution:
        from scipy.optimize import minimize

        options = {"maxiter": settings.max_iter}
        if method in ("CG", "BFGS"):
            options["gtol"] = settings.gtol  # SciPy's default norm for these is ‖·‖∞
        second = method in ("Newton-CG", "trust-exact")
        res = minimize(obj.fun, x0, jac=obj.jac, hess=obj.hess if second else None, method=method,
                       options=options)
        status = Status.CONVERGED if res.success else Status.FAILED  # SciPy's own verdict, not the harness's
        g = np.asarray(getattr(res, "jac", np.full_like(x0, np.nan)), dtype=float)
        return Solution(status, np.asarray(res.x, dtype=float), float(res.fun), float(np.max(np.abs(g), initial=0.0)),
                        int(getattr(res, "nit", 0)), int(getattr(res, "nfev", 0)), int(getattr(res, "njev", 0)),
                        int(getattr(res, "nhev", 0)), message=str(res.message))

    return solve


_RUNNERS: dict[str, Callable] = {
    **{n: _ours_first_order(n) for n in FIRST_ORDER},
    **{n: _ours_second_order(n) for n in _SECOND_ORDER},
    **{f"scipy:{m}": _scipy(m) for m in ("L-BFGS-B", "CG", "BFGS", "Newton-CG", "trust-exact")},
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
    counter = Counter(compiled, settings.time_limit, stop_on_nonfinite=True, trace=Trace(settings.history_points))
    x0 = np.array(problem.x0, dtype=float)
    nit, message = 0, ""
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        try:
            sol = runner(counter.objective(), x0.copy(), problem, settings)
            x, nit, status, message = np.asarray(sol.x, dtype=float).reshape(-1), int(sol.nit), sol.status, sol.message
            if not np.all(np.isfinite(x)):
                status, message = Status.NONFINITE, "the solver returned a non-finite x"
                x = _last_finite(counter, x0)
        except NonFinite as exc:
            status, message, x = Status.NONFINITE, str(exc), _last_finite(counter, x0)
        except Timeout:
            status, message = Status.TIMEOUT, f"stopped at the wall-clock bound of {settings.time_limit:g} s"
            x = _last_finite(counter, x0)
        except Exception as exc:  # one failing run never loses the others
            status, message, x = Status.ERROR, f"{type(exc).__name__}: {exc}", _last_finite(counter, x0)
        seconds = time.perf_counter() - start
        f, gnorm = _measure(compiled, x)
        history = _history(compiled, counter.trace)
    return Run(problem.title, solver, judge(f, gnorm, problem.f_star), tuple(float(v) for v in x), f, gnorm, nit,
               counter.nfev, counter.ngev, counter.nhev, seconds, status, message.splitlines()[0] if message else "",
               problem.f_star, history, tuple(problem.x0))


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


# OpenBLAS's thread-count setters under the names NumPy's and SciPy's bundled copies export
_BLAS_THREADS = (("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
                 ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
                 ("openblas_set_num_threads", "openblas_get_num_threads"))


@contextlib.contextmanager
def single_threaded_blas():
    """One BLAS thread inside the block (restored after it).

    The harness's matrices are tiny: threaded BLAS only adds synchronisation,
    and on a loaded machine its threads wait for cores the other workers use
    (a 2x2 solve then takes milliseconds instead of microseconds).  Without a
    loaded OpenBLAS (or off Linux) this does nothing.
    """
    restore = []
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line})
    except OSError:
        paths = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for setter, getter in _BLAS_THREADS:
            if hasattr(lib, setter) and hasattr(lib, getter):
                set_threads, get_threads = getattr(lib, setter), getattr(lib, getter)
                restore.append((set_threads, int(get_threads())))
                set_threads(1)
                break
    try:
        yield
    finally:
        for set_threads, n in restore:
            set_threads(n)


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
                    minimize(lambda z: float(z @ z), np.ones(2), jac=lambda z: 2 * z, hess=hess, method=method,
                             options={"maxiter": 2})
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
