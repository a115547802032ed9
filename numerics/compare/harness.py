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
>>> run.success, run.status, run.nfev == run.ngev
(True, 'converged', True)
>>> judge(7.88, 0.5, 0.0), judge(1e-9, 0.5, 0.0), judge(3.0, 1e-6, None)
(False, True, True)
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import math
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence

import numpy as np

from derivations.errors import InputError

from numerics.compile import Objective
from numerics.solve.cg import Beta
from numerics.compare.problems import Problem, unknown
from numerics.result import History, Solution

__all__ = [
    "Run", "Settings", "Task", "Counter", "judge", "run_one", "run_group", "run_benchmark", "run_tasks",
    "check_solvers", "single_threaded_blas",
    "OURS", "SCIPY", "SOLVERS", "FIRST_ORDER", "GTOL", "FTOL", "LEARNING_RATES",
]

GTOL = 1e-5  # success: ‖∇f(x)‖∞ ≤ GTOL ...
FTOL = 1e-8  # ... or f − f* ≤ FTOL (1 + |f*|)

FIRST_ORDER = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
OURS = FIRST_ORDER + ("newton", "bfgs", "lbfgs", "cg-fr", "cg-pr")
SCIPY = ("scipy:L-BFGS-B", "scipy:CG", "scipy:BFGS", "scipy:Newton-CG", "scipy:trust-exact")
SOLVERS = OURS + SCIPY

# Our second-order solvers: (module, function, keyword arguments); imported when a run needs them.
_SECOND_ORDER = {
    "newton": ("numerics.solve.newton", "minimize_newton", {}),
    "bfgs": ("numerics.solve.quasi_newton", "minimize_bfgs", {}),
    "lbfgs": ("numerics.solve.quasi_newton", "minimize_lbfgs", {"memory": 10}),
    "cg-fr": ("numerics.solve.cg", "minimize_cg", {"beta": Beta.FR}),
    "cg-pr": ("numerics.solve.cg", "minimize_cg", {"beta": Beta.PR_PLUS}),
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


def learning_rate(problem: str, solver: str) -> float:
    """The fixed learning rate of a first-order ``solver`` on ``problem`` (the base name before ``@``).

    Examples
    ========

    >>> learning_rate("beale@(2,-2)", "adam") == learning_rate("beale", "adam")
    True
    """
    base = problem.split("@")[0]
    return LEARNING_RATES.get(base, {}).get(solver, DEFAULT_RATES[solver])


@dataclass(frozen=True)
class Settings:
    """Budgets of one benchmark: iterations and a wall-clock bound per run (seconds)."""

    max_iter: int = 2000
    first_order_iter: int = 2000
    time_limit: float = 5.0
    gtol: float = GTOL
    history_points: int = 300
    rates: Callable[[str, str], float] | None = None  # (problem, solver) -> ε; default learning_rate


def judge(f: float, gnorm: float, f_star: float | None) -> bool:
    r"""The harness's success test: :math:`\|\nabla f\|_\infty \le 10^{-5}` or :math:`f - f^* \le 10^{-8}(1 + |f^*|)`."""
    if not (math.isfinite(f) and math.isfinite(gnorm)):
        return False
    if gnorm <= GTOL:
        return True
    return f_star is not None and f - f_star <= FTOL * (1 + abs(f_star))


@dataclass(frozen=True)
class Run:
    """One solver on one problem, judged by the harness; ``history`` for plots."""

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
    status: str
    message: str = ""
    f_star: float | None = None
    history: History = field(default_factory=History)

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
            "seconds": round(self.seconds, 6), "status": self.status, "message": self.message,
        }


class _NonFinite(Exception):
    """A NaN or infinity appeared: the run ends with its last finite iterate."""


class _Timeout(Exception):
    """The run's wall-clock bound was reached."""


class Counter:
    """Counting wrappers around a compiled objective, shared by our solvers and SciPy's.

    Examples
    ========

    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x = sp.Symbol("x")
    >>> c = Counter(objective(x**2, [x]))
    >>> c.fun(np.array([1.0])), c.jac(np.array([1.0])).tolist(), (c.nfev, c.ngev, c.nhev)
    (1.0, [2.0], (1, 1, 0))
    """

    def __init__(self, objective: Objective, time_limit: float = math.inf):
        self._obj = objective
        self._deadline = time.monotonic() + time_limit
        self.nfev = self.ngev = self.nhev = 0
        self.points: list[np.ndarray] = []  # every point evaluated, in order
        self.costs: list[int] = []  # nfev + ngev after that evaluation
        self.last_finite: np.ndarray | None = None

    def _enter(self, x) -> np.ndarray:
        if time.monotonic() > self._deadline:
            raise _Timeout("wall-clock bound reached")
        return np.array(x, dtype=float).reshape(-1)

    def _leave(self, x: np.ndarray, value, what: str):
        finite = math.isfinite(value) if isinstance(value, float) else bool(np.isfinite(value).all())
        if not finite:
            raise _NonFinite(f"non-finite {what} after {self.nfev} f and {self.ngev} gradient evaluations")
        self.last_finite = x
        self.points.append(x)
        self.costs.append(self.nfev + self.ngev)
        return value

    def fun(self, x) -> float:
        x = self._enter(x)
        self.nfev += 1
        return self._leave(x, float(self._obj.fun(x)), "f")

    def jac(self, x) -> np.ndarray:
        x = self._enter(x)
        self.ngev += 1
        return self._leave(x, np.array(self._obj.jac(x), dtype=float), "gradient")

    def hess(self, x):
        x = self._enter(x)
        self.nhev += 1
        h = self._obj.hess(x)
        dense = h.toarray() if hasattr(h, "toarray") else np.asarray(h, dtype=float)
        self._leave(x, dense, "Hessian")
        return dense

    def hessp(self, x, p) -> np.ndarray:
        x = self._enter(x)
        self.nhev += 1
        return self._leave(x, np.asarray(self._obj.hessp(x, p), dtype=float), "Hessian-vector product")

    def objective(self) -> Objective:
        """An :class:`Objective` whose callables are these counting wrappers."""
        return replace(self._obj, fun=self.fun, jac=self.jac, hess=self.hess, hessp=self.hessp)


# --------------------------------------------------------------------------- solvers

Outcome = tuple[np.ndarray, int, str, str]  # x, nit, status, message


def _ours_first_order(name: str) -> Callable:
    def solve(obj: Objective, x0: np.ndarray, problem: Problem, settings: Settings) -> Outcome:
        from numerics.solve import first_order

        rate = (settings.rates or learning_rate)(problem.name, name)
        opt = first_order.OPTIMIZERS[name](learning_rate=rate)
        sol = first_order.minimize(opt, obj, x0, max_iter=settings.first_order_iter, gtol=settings.gtol)
        return _from_solution(sol)

    return solve


def _ours_second_order(name: str) -> Callable:
    module, function, kwargs = _SECOND_ORDER[name]

    def solve(obj: Objective, x0: np.ndarray, problem: Problem, settings: Settings) -> Outcome:
        minimize = getattr(importlib.import_module(module), function)
        sol = minimize(obj, x0, gtol=settings.gtol, max_iter=settings.max_iter, **kwargs)
        return _from_solution(sol)

    return solve


def _from_solution(sol: Solution) -> Outcome:
    return np.asarray(sol.x, dtype=float), int(sol.nit), sol.status.value, sol.message


def _scipy(method: str) -> Callable:
    def solve(obj: Objective, x0: np.ndarray, problem: Problem, settings: Settings) -> Outcome:
        from scipy.optimize import minimize

        options = {"maxiter": settings.max_iter}
        if method in ("CG", "BFGS"):
            options["gtol"] = settings.gtol  # SciPy's default norm for these is ‖·‖∞
        second = method in ("Newton-CG", "trust-exact")
        res = minimize(obj.fun, x0, jac=obj.jac, hess=obj.hess if second else None, method=method,
                       options=options)
        return np.asarray(res.x, dtype=float), int(getattr(res, "nit", 0)), \
            "converged" if res.success else "failed", str(res.message)

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
            runner: Callable | None = None) -> Run:
    """Run one solver on one compiled problem; never raises for the solver's sake.

    ``runner`` (for tests) replaces the named solver: ``runner(objective, x0,
    problem, settings) -> (x, nit, status, message)``.
    """
    runner = runner or _RUNNERS[solver]
    counter = Counter(compiled, settings.time_limit)
    x0 = np.array(problem.x0, dtype=float)
    nit, message = 0, ""
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        try:
            x, nit, status, message = runner(counter.objective(), x0.copy(), problem, settings)
            x = np.asarray(x, dtype=float).reshape(-1)
            if not np.all(np.isfinite(x)):
                status, message = "nonfinite", "the solver returned a non-finite x"
                x = counter.last_finite if counter.last_finite is not None else x0
        except _NonFinite as exc:
            status, message = "nonfinite", str(exc)
            x = counter.last_finite if counter.last_finite is not None else x0
        except _Timeout:
            status, message = "timeout", f"stopped at the wall-clock bound of {settings.time_limit:g} s"
            x = counter.last_finite if counter.last_finite is not None else x0
        except Exception as exc:  # one failing run never loses the others
            status, message = "error", f"{type(exc).__name__}: {exc}"
            x = counter.last_finite if counter.last_finite is not None else x0
        seconds = time.perf_counter() - start
        f, gnorm = _measure(compiled, x)
        history = _history(compiled, counter, settings.history_points)
    return Run(problem.name, solver, judge(f, gnorm, problem.f_star), tuple(float(v) for v in x), f, gnorm, nit,
               counter.nfev, counter.ngev, counter.nhev, seconds, status, message.splitlines()[0] if message else "",
               problem.f_star, history)


def _measure(compiled: Objective, x: np.ndarray) -> tuple[float, float]:
    """f and ‖∇f‖∞ at x, not counted against the solver."""
    try:
        f = float(compiled.fun(x))
        g = np.asarray(compiled.jac(x), dtype=float)
        return f, float(np.max(np.abs(g))) if g.size else 0.0
    except Exception:
        return math.nan, math.nan


def _history(compiled: Objective, counter: Counter, points: int) -> History:
    """f and ‖∇f‖∞ at (at most ``points``) evaluated points, evenly thinned, with the cumulative cost."""
    n = len(counter.points)
    if n == 0:
        return History()
    keep = sorted(set(np.linspace(0, n - 1, min(points, n)).round().astype(int).tolist()))
    xs, fs, gs, cs = [], [], [], []
    for i in keep:
        f, g = _measure(compiled, counter.points[i])
        if math.isfinite(f) and math.isfinite(g):
            xs.append(counter.points[i])
            fs.append(f)
            gs.append(g)
            cs.append(counter.costs[i])
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
                    from numerics.solve import first_order

                    opt = first_order.OPTIMIZERS[s](learning_rate=0.1)
                    opt.update(np.ones(1), opt.init(np.zeros(1)))
                elif s in _SECOND_ORDER:
                    if tiny is None:  # a few steps on a small quadratic compile the solver's derived updates
                        import sympy as sp

                        from numerics.compile import objective

                        u, v = sp.symbols("u v")
                        tiny = objective((u - 1) ** 2 + 2 * (v + 1) ** 2 + u * v, [u, v])
                    module, function, kwargs = _SECOND_ORDER[s]
                    getattr(importlib.import_module(module), function)(tiny, np.zeros(2), max_iter=3, **kwargs)
                else:
                    from scipy.optimize import minimize

                    method = s.split(":", 1)[1]
                    hess = (lambda z: 2 * np.eye(2)) if method in ("Newton-CG", "trust-exact") else None
                    minimize(lambda z: float(z @ z), np.ones(2), jac=lambda z: 2 * z, hess=hess, method=method,
                             options={"maxiter": 2})
            except Exception:
                pass


def _failed(problem: Problem, solver: str, message: str) -> Run:
    return Run(problem.name, solver, False, tuple(problem.x0), math.nan, math.nan, 0, 0, 0, 0, 0.0, "error",
               message, problem.f_star)


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


def run_tasks(tasks: Sequence[Task], *, workers: int = 2, dask: str | None = None, progress=None) -> list[Run]:
    """Run :class:`Task` s (possibly with different settings) in one pool; runs in task order."""
    for t in tasks:
        check_solvers(t.solvers)
    if workers < 1:
        raise InputError("--workers must be at least 1")
    results: dict[int, list[Run]] = {}

    def done(i: int, runs: list[Run]):
        results[i] = runs
        if progress is not None:
            progress.advance(tasks[i].problem.name)

    def failed(i: int, why: str, exc: BaseException) -> list[Run]:
        return [_failed(tasks[i].problem, s, f"{why}: {type(exc).__name__}: {exc}") for s in tasks[i].solvers]

    if dask is not None:
        _run_dask(tasks, dask, done, failed)
    elif workers == 1:
        for i, t in enumerate(tasks):
            done(i, run_group(t.problem, t.solvers, t.settings))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, max(len(tasks), 1))) as pool:
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


def _run_dask(tasks, address: str, done, failed) -> None:
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError:
        raise InputError("--dask needs the optional extra: pip install 'derivkit[dask]'") from None
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = [client.submit(run_group, t.problem, t.solvers, t.settings, pure=False) for t in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures):
            i = index[fut.key]
            try:
                done(i, fut.result())
            except Exception as exc:
                done(i, failed(i, "Dask task failed", exc))
    finally:
        client.close()
