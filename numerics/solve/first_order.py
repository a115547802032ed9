r"""First-order optimizers as ``(init, update)`` pairs, generated from the derived update rules.

Each optimizer is an :class:`Optimizer` whose ``update(g, state)`` returns the
step :math:`\Delta\theta` and the new state; the caller applies
:math:`\theta \leftarrow \theta + \Delta\theta` (the optax pattern,
``optax/_src/base.py``).  The arithmetic of every update is compiled from the
verified :class:`derivations.topics.first_order.UpdateRule` through the compile
bridge, one compiled call per step; the rules are elementwise, so they
vectorize over the coordinates by broadcasting.

.. math::

    \text{momentum: } v' = \alpha v - \varepsilon g,\ \Delta\theta = v' \qquad
    \text{Adam: } \Delta\theta = -\varepsilon\,\frac{\hat s}{\sqrt{\hat r} + \delta}

Nesterov momentum runs in the variable :math:`\tilde\theta = \theta + \alpha v`
(``first_order.nesterov``), so its update needs only the gradient at the
current iterate: the iterates it produces are :math:`\tilde\theta_k`, which
coincide with :math:`\theta_k` wherever the velocity vanishes (at convergence).

:func:`minimize` runs an optimizer on a compiled
:class:`~numerics.compile.Objective` and returns a
:class:`~numerics.result.Solution`.

Examples
========

>>> import numpy as np, sympy as sp
>>> from numerics.compile import objective
>>> x, y = sp.symbols("x y")
>>> obj = objective(x**2 + 10 * y**2, [x, y])
>>> sol = minimize(adam(0.1), obj, np.array([1.0, 1.0]), gtol=1e-6)
>>> sol.status.value, bool(np.allclose(sol.x, 0.0, atol=1e-6))
('converged', True)
>>> step, state = momentum(0.1).update(np.array([1.0]), momentum(0.1).init(np.zeros(1)))
>>> step.tolist(), state.v.tolist(), state.t
([-0.1], [-0.1], 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from typing import Callable, Union

import numpy as np

from derivations.topics import first_order as rules
from derivations.errors import InputError

from numerics.compile import Objective, compile_builder, compile_tuple
from numerics.result import MAX_HISTORY, History, Solution, Status, Trace

__all__ = [
    "Optimizer", "GDState", "MomentumState", "NesterovState", "AdaGradState", "RMSPropState", "AdamState",
    "LinearDecay", "linear_decay", "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "minimize",
    "OPTIMIZERS", "MAX_HISTORY",
]

LearningRate = Union[float, Callable[[int], float]]
State = object


# ----------------------------------------------------------------- states


@dataclass(frozen=True)
class GDState:
    """Gradient descent keeps only the number of updates taken."""

    t: int = 0


@dataclass(frozen=True)
class MomentumState:
    """Velocity :math:`v` and update count."""

    v: np.ndarray
    t: int = 0


@dataclass(frozen=True)
class NesterovState:
    r"""Velocity :math:`v` of the :math:`\tilde\theta` form and update count."""

    v: np.ndarray
    t: int = 0


@dataclass(frozen=True)
class AdaGradState:
    """Accumulated squared gradients :math:`r` and update count."""

    r: np.ndarray
    t: int = 0


@dataclass(frozen=True)
class RMSPropState:
    """Moving average :math:`r` of squared gradients, velocity :math:`v` (``None`` without momentum), count."""

    r: np.ndarray
    v: np.ndarray | None = None
    t: int = 0


@dataclass(frozen=True)
class AdamState:
    """First and second moments :math:`s, r` (uncorrected) and update count :math:`t`."""

    s: np.ndarray
    r: np.ndarray
    t: int = 0


# ----------------------------------------------------------------- optimizers


@dataclass(frozen=True)
class Optimizer:
    """An ``(init, update)`` pair: ``state = init(x0)``; ``step, state = update(g, state)``; ``x = x + step``.

    Examples
    ========

    >>> opt = gd(0.5)
    >>> step, state = opt.update(np.array([2.0]), opt.init(np.zeros(1)))
    >>> opt.name, step.tolist(), state.t
    ('gd', [-1.0], 1)
    """

    name: str
    init: Callable[[np.ndarray], State]
    update: Callable[[np.ndarray, State], tuple[np.ndarray, State]]
    hyperparameters: tuple[tuple[str, object], ...] = ()


@cache
def _compiled(build: Callable[..., rules.UpdateRule], *options):
    """The rule ``build(*options)``'s new state and step as one compiled NumPy call (cached per rule)."""
    rule = build(*options)
    return compile_tuple([*rule.new_state, rule.step], rule.arguments)


def _positive(name: str, value: float, upper: float | None = None) -> float:
    value = float(value)
    if not (value > 0 and math.isfinite(value)) or (upper is not None and not value < upper):
        bound = f"in (0, {upper:g})" if upper is not None else "positive and finite"
        raise InputError(f"{name} must be {bound}, got {value!r}")
    return value


def _learning_rate(lr: LearningRate) -> Callable[[int], float]:
    """A schedule ``k -> ε_k`` (``k`` = updates taken so far) from a number or a callable."""
    if callable(lr):
        return lr
    value = _positive("learning_rate", lr)
    return lambda k: value


def _zeros(x0) -> np.ndarray:
    return np.zeros(np.shape(x0), dtype=float)


def gd(learning_rate: LearningRate = 0.01) -> Optimizer:
    r"""Gradient descent :math:`\Delta\theta = -\varepsilon g` (``first_order.sgd``).

    >>> gd(0.1).update(np.array([1.0, -2.0]), GDState())[0].tolist()
    [-0.1, 0.2]
    """
    lr, f = _learning_rate(learning_rate), _compiled(rules.sgd_rule)

    def update(g, state):
        (step,) = f(g, lr(state.t))
        return step, GDState(state.t + 1)

    return Optimizer("gd", lambda x0: GDState(), update, (("learning_rate", learning_rate),))


def momentum(learning_rate: LearningRate = 0.01, alpha: float = 0.9) -> Optimizer:
    r"""Momentum :math:`v' = \alpha v - \varepsilon g`, :math:`\Delta\theta = v'` (``first_order.momentum``).

    >>> opt = momentum(0.1, alpha=0.5)
    >>> s = opt.init(np.zeros(1))
    >>> for _ in range(2):
    ...     step, s = opt.update(np.array([1.0]), s)
    >>> step.tolist()  # -ε (α g_1 + g_2)
    [-0.15000000000000002]
    """
    lr, f = _learning_rate(learning_rate), _compiled(rules.momentum_rule)
    a = _positive("alpha", alpha, 1.0)

    def update(g, state):
        v, step = f(g, state.v, lr(state.t), a)
        return step, MomentumState(v, state.t + 1)

    return Optimizer("momentum", lambda x0: MomentumState(_zeros(x0)), update,
                     (("learning_rate", learning_rate), ("alpha", a)))


def nesterov(learning_rate: LearningRate = 0.01, alpha: float = 0.9) -> Optimizer:
    r"""Nesterov momentum in :math:`\tilde\theta = \theta + \alpha v`: :math:`\Delta\tilde\theta = v' + \alpha(v' - v)`.

    >>> opt = nesterov(0.1, alpha=0.5)
    >>> opt.update(np.array([1.0]), opt.init(np.zeros(1)))[0].tolist()  # (1 + α) v' with v' = -ε g
    [-0.15000000000000002]
    """
    lr, f = _learning_rate(learning_rate), _compiled(rules.nesterov_rule)
    a = _positive("alpha", alpha, 1.0)

    def update(g, state):
        v, step = f(g, state.v, lr(state.t), a)
        return step, NesterovState(v, state.t + 1)

    return Optimizer("nesterov", lambda x0: NesterovState(_zeros(x0)), update,
                     (("learning_rate", learning_rate), ("alpha", a)))


def adagrad(learning_rate: LearningRate = 0.1, delta: float = 1e-7) -> Optimizer:
    r"""AdaGrad :math:`r' = r + g^2`, :math:`\Delta\theta = -\varepsilon g/(\delta + \sqrt{r'})` (``first_order.adagrad``).

    >>> adagrad(0.1).update(np.array([4.0]), AdaGradState(np.zeros(1)))[0].round(6).tolist()
    [-0.1]
    """
    lr, f = _learning_rate(learning_rate), _compiled(rules.adagrad_rule)
    d = _positive("delta", delta)

    def update(g, state):
        r, step = f(g, state.r, lr(state.t), d)
        return step, AdaGradState(r, state.t + 1)

    return Optimizer("adagrad", lambda x0: AdaGradState(_zeros(x0)), update,
                     (("learning_rate", learning_rate), ("delta", d)))


def rmsprop(learning_rate: LearningRate = 0.001, rho: float = 0.9, delta: float = 1e-6,
            momentum: float = 0.0, delta_inside: bool = True) -> Optimizer:
    r"""RMSProp :math:`r' = \rho r + (1-\rho) g^2`, :math:`\Delta\theta = -\varepsilon g/\sqrt{\delta + r'}`.

    With ``momentum`` :math:`\alpha > 0` the scaled gradient drives a velocity
    (``first_order.rmsprop_momentum``); ``delta_inside=False`` uses seed 001's
    :math:`\delta + \sqrt{r'}` (``first_order.rmsprop`` shows the two differ).

    >>> step, s = rmsprop(0.1, rho=0.5, delta=0.0 + 1e-12).update(np.array([2.0]), RMSPropState(np.zeros(1)))
    >>> step.round(6).tolist(), s.r.tolist()  # -ε g / √((1-ρ) g²) = -ε √2
    ([-0.141421], [2.0])
    """
    lr = _learning_rate(learning_rate)
    p, d = _positive("rho", rho, 1.0), _positive("delta", delta)
    a = float(momentum)
    if not 0.0 <= a < 1.0:
        raise InputError(f"momentum must be in [0, 1), got {momentum!r}")
    hyper = (("learning_rate", learning_rate), ("rho", p), ("delta", d), ("momentum", a),
             ("delta_inside", bool(delta_inside)))
    if a == 0.0:
        f = _compiled(rules.rmsprop_rule, bool(delta_inside))

        def update(g, state):
            r, step = f(g, state.r, lr(state.t), p, d)
            return step, RMSPropState(r, None, state.t + 1)

        return Optimizer("rmsprop", lambda x0: RMSPropState(_zeros(x0)), update, hyper)
    fm = _compiled(rules.rmsprop_momentum_rule, bool(delta_inside))

    def update_m(g, state):
        r, v, step = fm(g, state.r, state.v, lr(state.t), p, d, a)
        return step, RMSPropState(r, v, state.t + 1)

    return Optimizer("rmsprop", lambda x0: RMSPropState(_zeros(x0), _zeros(x0)), update_m, hyper)


def adam(learning_rate: LearningRate = 0.001, beta1: float = 0.9, beta2: float = 0.999,
         delta: float = 1e-8) -> Optimizer:
    r"""Adam with bias correction (``first_order.adam``); ``beta1, beta2`` are seed 003's :math:`\rho_1, \rho_2`.

    >>> step, s = adam(0.1).update(np.array([3.0, -0.5]), AdamState(np.zeros(2), np.zeros(2)))
    >>> step.round(6).tolist(), s.t  # the first step is -ε sign(g) up to δ
    ([-0.1, 0.1], 1)
    """
    lr, f = _learning_rate(learning_rate), _compiled(rules.adam_rule)
    b1, b2, d = _positive("beta1", beta1, 1.0), _positive("beta2", beta2, 1.0), _positive("delta", delta)

    def update(g, state):
        t = state.t + 1
        s, r, step = f(g, state.s, state.r, t, lr(state.t), b1, b2, d)
        return step, AdamState(s, r, t)

    return Optimizer("adam", lambda x0: AdamState(_zeros(x0), _zeros(x0)), update,
                     (("learning_rate", learning_rate), ("beta1", b1), ("beta2", b2), ("delta", d)))


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "gd": gd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
}


# ----------------------------------------------------------------- schedule


@dataclass(frozen=True)
class LinearDecay:
    r"""Seed 003's schedule :math:`\varepsilon_k = \varepsilon_0 + \min(k/\tau, 1)(\varepsilon_\tau - \varepsilon_0)`.

    Call it with the number of updates taken so far, ``k = 0, 1, ...``.
    """

    eps0: float
    eps_tau: float
    tau: int
    _f: Callable = field(default=None, repr=False, compare=False)  # compiled from linear_decay_expr

    def __call__(self, k: int) -> float:
        return float(self._f(k, self.eps0, self.eps_tau, self.tau))


@cache
def _compiled_decay():
    return compile_builder(rules.linear_decay_expr, ["k", "epsilon_0", "epsilon_tau", "tau"], positive=True)


def linear_decay(eps0: float = 0.01, eps_tau: float = 0.001, tau: int = 500) -> LinearDecay:
    r"""A learning-rate schedule falling linearly from ``eps0`` to ``eps_tau`` over ``tau`` updates, then flat.

    Defaults are seed 003's example.

    Parameters
    ==========

    eps0, eps_tau : the rates :math:`\varepsilon_0` and :math:`\varepsilon_\tau`
    tau : the number of updates :math:`\tau` of the decay

    Returns
    =======

    :class:`LinearDecay`, a callable ``k -> ε_k`` to pass as ``learning_rate``

    Examples
    ========

    >>> lr = linear_decay(0.01, 0.001, 500)
    >>> [round(lr(k), 6) for k in (0, 250, 500, 1000)]
    [0.01, 0.0055, 0.001, 0.001]
    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x = sp.Symbol("x")
    >>> round(float(minimize(gd(lr), objective(x**2, [x]), np.array([1.0])).x[0]), 3)
    0.0
    """
    tau = int(tau)
    if tau < 1:
        raise InputError(f"tau must be a positive integer, got {tau}")
    return LinearDecay(_positive("eps0", eps0), _positive("eps_tau", eps_tau), tau, _compiled_decay())


# ----------------------------------------------------------------- the loop


def _inf_norm(g: np.ndarray) -> float:
    return float(np.abs(g).max()) if g.size else 0.0


def _value(fun, x) -> float:
    try:
        return float(fun(x))
    except (OverflowError, ZeroDivisionError, FloatingPointError):
        return math.inf


def minimize(optimizer: Optimizer, objective: Objective, x0, *, max_iter: int = 20000,
             gtol: float = 1e-5) -> Solution:
    r"""Run ``optimizer`` from ``x0`` until :math:`\|\nabla f\|_\infty \le` ``gtol`` or ``max_iter`` updates.

    Only gradients drive the iteration.  The history keeps the iterates at
    a stride that doubles whenever more than :data:`MAX_HISTORY` are kept
    (so at most about that many, evenly spaced, plus the final one); the
    objective is evaluated only at those, after the run, and ``nfev`` counts
    these evaluations.  ``History.evaluations`` is the cumulative number of
    gradient evaluations plus history objective evaluations.  A NaN or
    infinity stops the run with ``Status.NONFINITE`` and the last finite
    iterate; no exception escapes for it.

    Parameters
    ==========

    optimizer : an :class:`Optimizer` (``gd``, ``momentum``, ``nesterov``, ``adagrad``, ``rmsprop``, ``adam``)
    objective : a compiled :class:`~numerics.compile.Objective` (only ``jac`` drives the iteration)
    x0 : the starting point
    max_iter : the number of updates at most
    gtol : stop when :math:`\|\nabla f\|_\infty \le` ``gtol``

    Returns
    =======

    :class:`~numerics.result.Solution`

    Examples
    ========

    >>> import sympy as sp
    >>> from numerics.compile import objective
    >>> x = sp.Symbol("x")
    >>> sol = minimize(gd(0.25), objective(x**2, [x]), np.array([1.0]), gtol=1e-8)
    >>> sol.status.value, sol.nit, sol.x.tolist()  # x_k = (1 - 2ε)^k = 2^-k
    ('converged', 28, [3.725290298461914e-09])
    >>> sol.nfev, sol.ngev, len(sol.history.f)
    (29, 29, 29)
    """
    if max_iter < 0:
        raise InputError(f"max_iter must be non-negative, got {max_iter}")
    x = np.array(x0, dtype=float).reshape(-1)
    fun, jac = objective.fun, objective.jac
    trace = Trace()  # rows (k, x_k, ‖∇f(x_k)‖∞, ngev after x_k)
    ngev = 0
    status, message = Status.MAX_ITERATIONS, f"stopped after max_iter = {max_iter} updates"
    k, gn = 0, math.inf
    with np.errstate(all="ignore"):
        try:
            g = jac(x)
            ngev += 1
            gn = _inf_norm(g)
            state = optimizer.init(x)
            while True:
                if not math.isfinite(gn):
                    status, message = Status.NONFINITE, f"non-finite gradient at update {k}"
                    break
                trace.add(k, x, gn, ngev)
                if gn <= gtol:
                    status, message = Status.CONVERGED, f"‖∇f‖∞ = {gn:.3g} ≤ gtol = {gtol:g}"
                    break
                if k >= max_iter:
                    break
                step, state = optimizer.update(g, state)
                x = x + step
                k += 1
                g = jac(x)
                ngev += 1
                gn = _inf_norm(g)
        except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
            status, message = Status.NONFINITE, f"{type(exc).__name__} at update {k}: {exc}"
        rows = trace.rows()
        if not rows:  # the first gradient was not finite: x0 is the last finite iterate
            rows = [(0, x, gn, ngev)]
        fs = [_value(fun, r[1]) for r in rows]
    nfev = len(fs)
    while len(fs) > 1 and not math.isfinite(fs[-1]):  # f overflowed though the gradient did not
        status, message = Status.NONFINITE, f"non-finite objective at update {rows[-1][0]}"
        rows.pop()
        fs.pop()
    history = History(tuple(np.array(r[1]) for r in rows), tuple(fs), tuple(r[2] for r in rows),
                      tuple(r[3] + j + 1 for j, r in enumerate(rows)))
    k_end, x_end, gn_end, _ = rows[-1]
    return Solution(status, np.array(x_end), fs[-1], gn_end, k_end, nfev, ngev, 0, history, message)
