r"""First-order update rules as symbolic maps :math:`(\text{state}, g) \mapsto (\text{new state}, \Delta\theta)`.

Every optimizer of seeds 000-004 is written as an :class:`UpdateRule`: the
state symbols, the expressions of the new state and of the step
:math:`\Delta\theta` in terms of the old state, the gradient :math:`g` at the
current iterate and the hyperparameters.  The caller applies
:math:`\theta \leftarrow \theta + \Delta\theta`.  All rules are elementwise, so
the same expressions serve every coordinate (``numerics.solve.first_order`` compiles
them and NumPy broadcasting vectorizes them).

Notation (seeds 001, 003, 004): learning rate :math:`\varepsilon`, momentum
:math:`\alpha`, decay :math:`\rho`, small constant :math:`\delta`, velocity
:math:`v`, accumulator :math:`r`, Adam moments :math:`s, r` with decays
:math:`\rho_1, \rho_2` (seed 001 calls them :math:`\beta_1, \beta_2` and
:math:`\delta` :math:`\nu`), update counter :math:`t \ge 1`.

.. math::

    \text{Adam:}\quad s' = \rho_1 s + (1-\rho_1) g,\quad
    r' = \rho_2 r + (1-\rho_2) g^2,\quad
    \Delta\theta = -\varepsilon\,\frac{s'/(1-\rho_1^t)}{\sqrt{r'/(1-\rho_2^t)} + \delta}

Examples
========

>>> rule = adam_rule()
>>> [str(s) for s in rule.state], str(rule.counter)
(['s', 'r'], 't')
>>> rule.new_state[0]
g*(1 - rho_1) + rho_1*s
>>> sorted(n.split(".")[1] for n in RESULTS)[:3]
['learning_rate_decay', 'minibatch', 'momentum']
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb

import sympy as sp

from derivations.checking.recurrences import linear_recurrence
from derivations.record import Derivation, Differs, Equals, Holds, Step

# ----------------------------------------------------------------- symbols (seed notation)
eps = sp.Symbol("epsilon", positive=True)  # learning rate ε
alpha = sp.Symbol("alpha", positive=True)  # momentum α
rho = sp.Symbol("rho", positive=True)  # RMSProp decay ρ
rho1, rho2 = sp.Symbol("rho_1", positive=True), sp.Symbol("rho_2", positive=True)  # Adam decays
delta = sp.Symbol("delta", positive=True)  # small constant δ (seed 001: ν)
g = sp.Symbol("g", real=True)  # gradient at the current iterate (one coordinate)
v = sp.Symbol("v", real=True)  # velocity
r = sp.Symbol("r", nonnegative=True)  # squared-gradient accumulator / Adam second moment
s = sp.Symbol("s", real=True)  # Adam first moment
t = sp.Symbol("t", integer=True, positive=True)  # update counter, t = 1 for the first update
i = sp.Symbol("i", integer=True, positive=True)
theta, theta_t = sp.Symbol("theta", real=True), sp.Symbol("thetatilde", real=True)
mu, m2 = sp.Symbol("mu", real=True), sp.Symbol("m_2", positive=True)  # E[g], E[g²] (stationary)
G = sp.IndexedBase(sp.Symbol("g", real=True))  # the gradient sequence g_1, g_2, ...


class gradJ(sp.Function):
    r"""An arbitrary gradient field :math:`\nabla J(\theta)` (undefined: identities hold for every :math:`J`)."""

    def _latex(self, printer):
        return rf"\nabla J\left({printer._print(self.args[0])}\right)"


UNIT = (0.05, 0.95)  # decay rates and momentum are probed inside (0, 1)
DOMAIN = ((alpha, UNIT), (rho, UNIT), (rho1, UNIT), (rho2, UNIT), (delta, (0.001, 0.5)))
LATEX = (
    (eps, r"\varepsilon"), (theta_t, r"\tilde\theta"), (G, "g_{{{i}}}"), (m2, r"\mathbb{E}[g^2]"),
    (mu, r"\mathbb{E}[g]"),
)


# ----------------------------------------------------------------- update rules


@dataclass(frozen=True)
class UpdateRule:
    r"""An elementwise optimizer update: new state and step :math:`\Delta\theta` from state and gradient.

    ``new_state[k]`` is the next value of ``state[k]``; ``step`` is
    :math:`\Delta\theta`; both are expressions of ``gradient``, ``state``,
    ``counter`` (the update number :math:`t \ge 1`, if the rule uses it) and
    ``hyper``.

    Examples
    ========

    >>> momentum_rule().step
    alpha*v - epsilon*g
    """

    name: str
    state: tuple[sp.Symbol, ...]
    new_state: tuple[sp.Basic, ...]
    step: sp.Basic
    hyper: tuple[sp.Symbol, ...]
    gradient: sp.Symbol = g
    counter: sp.Symbol | None = None

    @property
    def arguments(self) -> tuple[sp.Symbol, ...]:
        """The argument order of the compiled rule: gradient, state, counter, hyperparameters."""
        return (self.gradient, *self.state, *((self.counter,) if self.counter is not None else ()), *self.hyper)


def sgd_rule() -> UpdateRule:
    r""":math:`\Delta\theta = -\varepsilon g` (seeds 001, 003).

    >>> sgd_rule().step
    -epsilon*g
    """
    return UpdateRule("sgd", (), (), -eps * g, (eps,))


def momentum_rule() -> UpdateRule:
    r""":math:`v' = \alpha v - \varepsilon g,\ \Delta\theta = v'` (seeds 001, 004).

    >>> momentum_rule().new_state
    (alpha*v - epsilon*g,)
    """
    v_new = alpha * v - eps * g
    return UpdateRule("momentum", (v,), (v_new,), v_new, (eps, alpha))


def nesterov_rule() -> UpdateRule:
    r"""Nesterov momentum in the variable :math:`\tilde\theta = \theta + \alpha v` (seed 001).

    :math:`v' = \alpha v - \varepsilon g(\tilde\theta),\ \Delta\tilde\theta = v' + \alpha (v' - v)`.

    >>> sp.factor(nesterov_rule().step - (alpha * nesterov_rule().new_state[0] - eps * g))
    0
    """
    v_new = alpha * v - eps * g
    return UpdateRule("nesterov", (v,), (v_new,), v_new + alpha * (v_new - v), (eps, alpha))


def adagrad_rule() -> UpdateRule:
    r""":math:`r' = r + g^2,\ \Delta\theta = -\frac{\varepsilon}{\delta + \sqrt{r'}}\,g` (seeds 001, 004).

    >>> adagrad_rule().new_state
    (g**2 + r,)
    """
    r_new = r + g**2
    return UpdateRule("adagrad", (r,), (r_new,), -eps * g / (delta + sp.sqrt(r_new)), (eps, delta))


def _rms_scale(r_new: sp.Basic, delta_inside: bool) -> sp.Basic:
    return sp.sqrt(delta + r_new) if delta_inside else delta + sp.sqrt(r_new)


def rmsprop_rule(delta_inside: bool = True) -> UpdateRule:
    r"""RMSProp: :math:`r' = \rho r + (1-\rho) g^2,\ \Delta\theta = -\varepsilon g / \sqrt{\delta + r'}`.

    ``delta_inside=False`` gives seed 001's slide form :math:`\varepsilon g / (\delta + \sqrt{r'})`.

    >>> rmsprop_rule().step
    -epsilon*g/sqrt(delta + g**2*(1 - rho) + r*rho)
    """
    r_new = rho * r + (1 - rho) * g**2
    name = "rmsprop" if delta_inside else "rmsprop_delta_outside"
    return UpdateRule(name, (r,), (r_new,), -eps * g / _rms_scale(r_new, delta_inside), (eps, rho, delta))


def rmsprop_momentum_rule(delta_inside: bool = True) -> UpdateRule:
    r"""RMSProp with momentum (seed 001): :math:`v' = \alpha v - \varepsilon g / \sqrt{\delta + r'},\ \Delta\theta = v'`.

    >>> [str(x) for x in rmsprop_momentum_rule().state]
    ['r', 'v']
    """
    r_new = rho * r + (1 - rho) * g**2
    v_new = alpha * v - eps * g / _rms_scale(r_new, delta_inside)
    name = "rmsprop_momentum" if delta_inside else "rmsprop_momentum_delta_outside"
    return UpdateRule(name, (r, v), (r_new, v_new), v_new, (eps, rho, delta, alpha))


def adam_rule() -> UpdateRule:
    r"""Adam with bias correction (seed 001; seed 003's :math:`s, r, \rho_1, \rho_2`).

    >>> adam_rule().hyper
    (epsilon, rho_1, rho_2, delta)
    """
    s_new = rho1 * s + (1 - rho1) * g
    r_new = rho2 * r + (1 - rho2) * g**2
    s_hat, r_hat = s_new / (1 - rho1**t), r_new / (1 - rho2**t)
    step = -eps * s_hat / (sp.sqrt(r_hat) + delta)
    return UpdateRule("adam", (s, r), (s_new, r_new), step, (eps, rho1, rho2, delta), counter=t)


def linear_decay_expr(k: sp.Symbol, eps0: sp.Symbol, eps_tau: sp.Symbol, tau: sp.Symbol) -> sp.Basic:
    r"""Seed 003's schedule held at :math:`\varepsilon_\tau` after step :math:`\tau`:
    :math:`\varepsilon_k = \varepsilon_0 + \min(k/\tau, 1)(\varepsilon_\tau - \varepsilon_0)`.

    >>> k_, a, b, T = sp.symbols("k a b T", positive=True)
    >>> linear_decay_expr(k_, a, b, T).subs({k_: 2 * T})
    b
    """
    return eps0 + sp.Min(k / tau, 1) * (eps_tau - eps0)


RULES = {
    "sgd": sgd_rule,
    "momentum": momentum_rule,
    "nesterov": nesterov_rule,
    "adagrad": adagrad_rule,
    "rmsprop": rmsprop_rule,
    "rmsprop_momentum": rmsprop_momentum_rule,
    "adam": adam_rule,
}


# ----------------------------------------------------------------- recurrences x_t = a x_(t-1) + b(t), x_0 = 0


Velocity = linear_recurrence("Velocity", "v_{{{}}}", alpha, lambda n: -eps * G[n])
ConstantVelocity = linear_recurrence("ConstantVelocity", "v_{{{}}}", alpha, lambda n: -eps * g)
AdaGradSum = linear_recurrence("AdaGradSum", "r_{{{}}}", sp.S.One, lambda n: G[n] ** 2)
RMSAverage = linear_recurrence("RMSAverage", "r_{{{}}}", rho, lambda n: (1 - rho) * G[n] ** 2)
FirstMoment = linear_recurrence("FirstMoment", "s_{{{}}}", rho1, lambda n: (1 - rho1) * G[n])
SecondMoment = linear_recurrence("SecondMoment", "r_{{{}}}", rho2, lambda n: (1 - rho2) * G[n] ** 2)
MeanFirstMoment = linear_recurrence("MeanFirstMoment", r"\mathbb{{E}}[s_{{{}}}]", rho1, lambda n: (1 - rho1) * mu)
MeanSecondMoment = linear_recurrence("MeanSecondMoment", r"\mathbb{{E}}[r_{{{}}}]", rho2, lambda n: (1 - rho2) * m2)

SMALL_T = ((t, (1, 2, 3, 4, 5)),)
LARGE_T = ((t, (12,)),)


def _sym(name: str, **kw) -> sp.Symbol:
    return sp.Symbol(name, real=True, **kw)


def _derivation(name, title, steps, result, summary, seeds, **kw) -> Derivation:
    return Derivation(
        name=f"first_order.{name}", title=title, steps=tuple(steps), result=result, summary=summary,
        seeds=seeds, domain=DOMAIN + kw.pop("domain", ()), latex_names=LATEX + kw.pop("latex_names", ()), **kw,
    )


# ----------------------------------------------------------------- SGD and minibatches


def sgd() -> Derivation:
    r"""SGD: the minibatch mean gradient and the step :math:`-\varepsilon g`, with seed 003's off-by-one sum."""
    m = sp.Symbol("m", integer=True, positive=True)
    L = sp.IndexedBase(sp.Symbol("nablaL", real=True))  # per-example gradients ∇_θ L_i
    g_def = sp.Sum(L[i], (i, 1, m)) / m
    theta_new, dJ = _sym("theta'"), _sym("Delta_J")
    rule = sgd_rule()
    steps = [
        Step(g, g_def, "minibatch gradient estimate: the mean of the m per-example gradients", "001"),
        Step(_sym("g"), sp.Sum(L[i], (i, 0, m)) / m,
             "seed 003 eqs. (7), (10), (13) sum from i = 0 to m: m + 1 terms divided by m", "003",
             Differs(g_def)),
        Step(theta_new, theta + rule.step, "gradient step θ ← θ − ε g", "001"),
        Step(dJ, g * rule.step, "first-order change of J along the step: ∇J·Δθ = −ε g² ≤ 0", "004",
             Holds(dJ <= 0)),
    ]
    return _derivation(
        "sgd", "Stochastic gradient descent: minibatch mean and step", steps, sp.Eq(theta_new, theta - eps * g),
        "The SGD update of seeds 000, 001 and 003 as the map g ↦ Δθ = −ε g, with the minibatch estimate of the "
        "gradient as a mean over m examples.",
        ("000", "001", "003"), sizes=((m, (2, 3, 4)),), numeric_sizes=((m, (9,)),),
        latex_names=((L, r"\nabla_\theta L_{{{i}}}"), (theta_new, r"\theta'"), (dJ, r"\Delta J"),
                     (_sym("g"), "g")),
        notes=("Seed 001 writes the estimate as (1/m) Σ ∇θ J(θ) with no example index in the summand; the "
               "per-example loss L(f(x⁽ⁱ⁾; θ), y⁽ⁱ⁾) is meant (as in seed 003).",
               "Seed 001 uses m both for the training-set size and for the minibatch size."),
    )


def _subset_average(values, n: int, b: int, scale: sp.Basic) -> sp.Basic:
    """The average over all size-``b`` subsets M of {1..n} of ``scale`` Σ_{i∈M} values[i]."""
    subsets = list(itertools.combinations(range(n), b))
    # kept unevaluated: the verifier, not the constructor, does the averaging
    total = sp.Add(*(sp.Mul(scale, sp.Add(*(values[j] for j in M)), evaluate=False) for M in subsets),
                   evaluate=False)
    return sp.Mul(sp.Rational(1, len(subsets)), total, evaluate=False)


def minibatch() -> Derivation:
    r"""The minibatch gradient is unbiased: :math:`\mathbb{E}_M[\frac{n}{|M|}\sum_{i\in M}\nabla\ell_i] = \sum_i \nabla\ell_i`."""
    steps = []
    b_sym, n_sym = sp.Symbol("|M|", positive=True, integer=True), sp.Symbol("n", positive=True, integer=True)
    for n, b in ((3, 1), (4, 2), (5, 3), (6, 2)):
        gs = sp.symbols(f"g_1:{n + 1}", real=True)
        total = sp.Add(*gs)
        est = _sym(f"E_sum_{n}_{b}")
        steps.append(Step(est, sp.Add(*gs),
                          f"seed 002: averaging (n/|M|) Σ_(i∈M) ∇ℓ_i over all C({n},{b}) = {comb(n, b)} subsets "
                          f"of size |M| = {b} of n = {n} examples gives the full sum", "002",
                          Equals(_subset_average(gs, n, b, sp.Rational(n, b)))))
        mean = _sym(f"E_mean_{n}_{b}")
        steps.append(Step(mean, total / n,
                          f"seeds 000, 001, 003: the minibatch mean (1/|M|) Σ_(i∈M) estimates the mean gradient "
                          f"(n = {n}, |M| = {b})", "000",
                          Equals(_subset_average(gs, n, b, sp.Rational(1, b)))))
    p = _sym("P_iM")
    steps.append(Step(p, b_sym / n_sym, "each example lies in C(n−1,|M|−1) of the C(n,|M|) subsets",
                      "002", Equals(sp.Mul(sp.binomial(n_sym - 1, b_sym - 1), sp.Pow(sp.binomial(n_sym, b_sym), -1),
                                         evaluate=False))))
    # every n: Σ_M Σ_(i∈M) ∇ℓ_i = Σ_i ∇ℓ_i · #{M ∋ i}, and #{M ∋ i} = C(n−1,|M|−1) of the C(n,|M|) subsets
    grad = sp.IndexedBase(sp.Symbol("nablal", real=True))
    full = sp.Sum(grad[i], (i, 1, n_sym))
    steps.append(Step(_sym("E_sum_n"), full,
                      "for every n: exchanging the two sums, each ∇ℓ_i is counted in C(n−1,|M|−1) of the C(n,|M|) "
                      "subsets, so E_M[(n/|M|) Σ_(i∈M) ∇ℓ_i] = (n/|M|) P(i ∈ M) Σ_i ∇ℓ_i", "002",
                      Equals(n_sym / b_sym * sp.binomial(n_sym - 1, b_sym - 1) / sp.binomial(n_sym, b_sym) * full)))
    result = sp.Eq(sp.Symbol("E_M[n/|M| Σ_M ∇ℓ_i]"), sp.Symbol("Σ_i ∇ℓ_i"))
    return _derivation(
        "minibatch", "Minibatch gradients are unbiased: the n/|M| scaling", steps, result,
        "For a sum objective Σᵢ ℓᵢ (seed 002) the scaled partial sum (n/|M|) Σ_(i∈M) ∇ℓᵢ over a uniformly random "
        "subset M is an unbiased estimate of the full gradient, because each example is in M with probability "
        "|M|/n. For a mean objective (seeds 000, 001, 003) the same argument gives the plain minibatch mean.",
        ("000", "001", "002", "003"),
        domain=((b_sym, (1, 4)), (n_sym, (5, 9))), sizes=((n_sym, (4, 5, 6)),),
        latex_names=((p, r"P(i \in M)"), (b_sym, "|M|"), (grad, r"\nabla\ell_{{{i}}}"), (_sym("E_sum_n"), r"\mathbb{E}_M")),
        notes=("Seed 002 writes the same scaling once with N and once with n; both denote the number of training "
               "examples.",),
    )


# ----------------------------------------------------------------- momentum and Nesterov


def momentum() -> Derivation:
    r"""Momentum: :math:`v' = \alpha v - \varepsilon g`, unrolled to :math:`v_t = -\varepsilon\sum_i \alpha^{t-i} g_i`."""
    rule = momentum_rule()
    v_new, theta_new = _sym("v'"), _sym("theta'")
    eta, beta_ = sp.Symbol("eta", positive=True), sp.Symbol("beta", positive=True)
    m_ema, trace = _sym("m"), _sym("tau_optax")
    steps = [
        Step(v_new, rule.new_state[0], "velocity update", "001"),
        Step(theta_new, theta + rule.step, "gradient step θ ← θ + v", "001"),
        Step(_sym("theta'"), theta - rule.step, "seed 003 eq. (9) writes θ_(τ+1) = θ_τ − v_τ with "
             "v_τ = α v_(τ−1) − ε g_τ: a sign slip that steps uphill", "003", Differs(theta + rule.step)),
        Step(_sym("v_2"), -alpha * eps * G[1] - eps * G[2], "seed 001's v_2", "001", Equals(Velocity(2, evaluate=False))),
        Step(_sym("v_3"), -eps * (alpha**2 * G[1] + alpha * G[2] + G[3]), "seed 001's v_3", "001",
             Equals(Velocity(3, evaluate=False))),
        Step(_sym("v_4"), -eps * (alpha**3 * G[1] + alpha**2 * G[2] + alpha * G[3] + G[4]), "seed 001's v_4",
             "001", Equals(Velocity(4, evaluate=False))),
        Step(_sym("v'_ema"), -eta * (beta_ * m_ema + (1 - beta_) * g),
             "seed 000's form m ← β m + (1−β) g, θ ← θ − η m is momentum with α = β, ε = η(1−β), v = −η m: "
             "one update maps v = −η m to v' = −η m'", "000",
             Equals(rule.new_state[0].subs({alpha: beta_, eps: eta * (1 - beta_), v: -eta * m_ema}))),
        Step(_sym("Delta_optax"), -eps * (g + alpha * trace),
             "optax.sgd(ε, momentum=α) (optax/transforms/_accumulation.py `trace`: τ' = g + α τ, Δθ = −ε τ') "
             "is the same rule with v = −ε τ", "", Equals(rule.step.subs(v, -eps * trace))),
    ]
    return _derivation(
        "momentum", "Momentum: update, the seed's expansions and equivalent forms", steps,
        sp.Eq(theta_new, theta + rule.step),
        "Momentum keeps a velocity v, an exponentially decaying sum of past gradients; θ moves by v. "
        "The EMA form of seed 000 and optax's trace form are the same iteration after rescaling.",
        ("000", "001", "003", "004"),
        domain=((beta_, UNIT), (eta, (0.05, 1.0))),
        latex_names=((v_new, "v'"), (theta_new, r"\theta'"), (_sym("theta'"), r"\theta'"),
                     (_sym("v'_ema"), "v'"), (m_ema, "m"), (trace, r"\tau"), (_sym("Delta_optax"), r"\Delta\theta"),
                     (eta, r"\eta"), (_sym("v_2"), "v_2"), (_sym("v_3"), "v_3"), (_sym("v_4"), "v_4"),
                     (_sym("v_t"), "v_t")),
        notes=("Seed 001's slide lost the velocity update in conversion; its code `p = alpha*p - eps*g` restores it.",),
    )


def momentum_unrolled() -> Derivation:
    r"""The momentum velocity unrolled: :math:`v_t = -\varepsilon \sum_{i=1}^t \alpha^{t-i} g_i`."""
    unrolled = -eps * sp.Sum(alpha ** (t - i) * G[i], (i, 1, t))
    vt = _sym("v_t")
    steps = [
        Step(vt, Velocity(t), "v_t = α v_(t−1) − ε g_t from v_0 = 0, applied t times", "001"),
        Step(vt, unrolled, "unrolled: v_t = −ε Σ_(i=1)^t α^(t−i) g_i, by induction on t", "001", Equals(Velocity(t))),
        Step(_sym("v_t_alpha0"), unrolled.subs(alpha, 0), "with α = 0 only the current gradient remains", "001",
             Equals(-eps * G[t])),
        Step(_sym("v_t_const"), -eps * g * (1 - alpha**t),
             "for a constant gradient g_i = g a geometric sum: v_t = −ε g (1 − α^t)/(1 − α), tending to "
             "−ε g/(1 − α) (10× the plain step for α = 0.9)", "",
             Equals((1 - alpha) * ConstantVelocity(t))),
    ]
    return _derivation(
        "momentum_unrolled", "Momentum's velocity as a decaying sum of past gradients", steps, sp.Eq(vt, unrolled),
        "The velocity is an exponentially decaying sum of all past gradients, each weighted by α^(t−i): the "
        "effective step along a constant gradient grows to ε/(1 − α).",
        ("001",), sizes=SMALL_T, numeric_sizes=LARGE_T,
        latex_names=((vt, "v_t"), (_sym("v_t_alpha0"), r"v_t|_{\alpha=0}"), (_sym("v_t_const"), r"(1-\alpha)\,v_t|_{g_i=g}")),
    )


def _nesterov_iterates(steps: int):
    """θ_k, v_k of the look-ahead form and θ̃_k, v_k of the change of variables, from θ_0, v_0."""
    th, vv = theta, v
    tt, vt = theta + alpha * v, v
    out = []
    for _ in range(steps):
        vv = alpha * vv - eps * gradJ(th + alpha * vv)
        th = th + vv
        v_old = vt
        vt = alpha * vt - eps * gradJ(tt)
        tt = tt + vt + alpha * (vt - v_old)
        out.append((th, vv, tt, vt))
    return out


def nesterov() -> Derivation:
    r"""Nesterov momentum: look-ahead form and the change of variables :math:`\tilde\theta = \theta + \alpha v`."""
    rule = nesterov_rule()
    v_la = alpha * v - eps * gradJ(theta + alpha * v)  # look-ahead velocity
    v_new, th_new, tt_new = _sym("v'"), _sym("theta'"), _sym("thetatilde'")
    iterates = _nesterov_iterates(3)
    th_k = [_sym(f"theta_{k}") for k in (1, 2, 3)]
    v_k = [_sym(f"v_{k}") for k in (1, 2, 3)]
    tt_k = [_sym(f"thetatilde_{k}") for k in (1, 2, 3)]
    definitions = ((theta_t, theta + alpha * v), (v_new, v_la), (th_new, theta + v_la),
                   *((s_, it[0]) for s_, it in zip(th_k, iterates)), *((s_, it[1]) for s_, it in zip(v_k, iterates)),
                   *((s_, it[2]) for s_, it in zip(tt_k, iterates)))
    steps = [
        Step(v_new, alpha * v - eps * gradJ(theta + alpha * v), "look-ahead velocity: the gradient at θ + α v",
             "001"),
        Step(th_new, theta + v_new, "gradient step θ ← θ + v", "001"),
        Step(v_new, alpha * v - eps * gradJ(theta_t), "with θ̃ = θ + α v (its definition) the velocity needs "
             "∇J(θ̃) only", "001"),
        Step(tt_new, theta_t + v_new + alpha * (v_new - v), "θ̃' = θ' + α v' = θ̃ + v' + α (v' − v)", "001",
             Equals(th_new + alpha * v_new)),
    ]
    for k in range(3):
        steps.append(Step(tt_k[k], th_k[k] + alpha * v_k[k],
                          f"after {k + 1} iteration(s) from the same start, the θ̃ iteration (gradient at θ̃) equals "
                          "θ_k + α v_k of the look-ahead iteration, for any ∇J", "001", Equals(tt_k[k])))
    v_num = alpha * v - eps * g
    correct = theta_t + v_num + alpha * (v_num - v)
    steps += [
        Step(tt_new, theta_t + rule.step, "derivkit's update rule, with g = ∇J(θ̃): θ̃ + v' + α (v' − v)", "001"),
        Step(_sym("thetatilde_next"), theta_t,
             "seed 001 ends the iteration with 'set v_new = v_old, θ̃_new = θ̃_old': the assignment is reversed, "
             "so the next iteration would restart from θ̃_old (its code does it right: p_old = p)", "001",
             Differs(correct)),
        Step(_sym("Delta_optax"), -eps * (g + alpha * (g + alpha * _sym("tau_optax"))),
             "optax.sgd(ε, momentum=α, nesterov=True) (trace with nesterov: τ' = g + α τ, Δθ = −ε (g + α τ')) is "
             "the same step α v' − ε g with v = −ε τ", "", Equals(rule.step.subs(v, -eps * _sym("tau_optax")))),
    ]
    return _derivation(
        "nesterov", "Nesterov momentum and its change of variables", steps, sp.Eq(tt_new, theta_t + rule.step),
        "Nesterov momentum evaluates the gradient at the look-ahead point θ + α v (seeds 001, 004). In the variable "
        "θ̃ = θ + α v it needs only the gradient at the current iterate: v' = α v − ε ∇J(θ̃), "
        "θ̃' = θ̃ + v' + α (v' − v). The equivalence is proved for an arbitrary gradient field ∇J over three "
        "iterations.",
        ("001", "004"), definitions=definitions,
        latex_names=((v_new, "v'"), (tt_new, r"\tilde\theta'"), (th_new, r"\theta'"),
                     (_sym("thetatilde_next"), r"\tilde\theta_{\mathrm{next}}"),
                     (_sym("Delta_optax"), r"\Delta\tilde\theta"),
                     *((s_, rf"\tilde\theta_{k}") for k, s_ in enumerate(tt_k, 1)),
                     *((s_, rf"\theta_{k}") for k, s_ in enumerate(th_k, 1)),
                     *((s_, rf"v_{k}") for k, s_ in enumerate(v_k, 1))),
        notes=("θ̃ denotes θ + α v throughout; θ_k, v_k are the look-ahead iterates and θ̃_k the iterates of the "
               "change of variables, both started from θ, v.",),
    )


# ----------------------------------------------------------------- learning-rate schedule


def learning_rate_decay() -> Derivation:
    r"""Seed 003's linear decay :math:`\varepsilon_k = (1 - k/\tau)\varepsilon_0 + (k/\tau)\varepsilon_\tau`."""
    k = sp.Symbol("k", nonnegative=True)
    tau = sp.Symbol("tau", positive=True)
    e0, et = sp.Symbol("epsilon_0", positive=True), sp.Symbol("epsilon_tau", positive=True)
    seed_form = (1 - k / tau) * e0 + (k / tau) * et
    ek = _sym("epsilon_k")
    clamped = linear_decay_expr(k, e0, et, tau)
    steps = [
        Step(ek, seed_form, "seed 003 eq. (6) with α = k/τ", "003"),
        Step(_sym("epsilon_k0"), sp.Subs(seed_form, k, 0), "starts at ε_0", "003", Equals(e0)),
        Step(_sym("epsilon_ktau"), sp.Subs(seed_form, k, tau), "reaches ε_τ at k = τ", "003", Equals(et)),
        Step(_sym("d_epsilon"), seed_form.subs(k, k + 1) - seed_form, "a constant decrement per step", "003",
             Equals((et - e0) / tau)),
        Step(ek, clamped, "held at ε_τ after step τ (seed 003: 'after step τ the step size typically remains the "
             "same'); equal to eq. (6) for k ≤ τ", "003", Equals(sp.Piecewise((seed_form, k <= tau), (et, True)))),
        Step(_sym("epsilon_2tau"), sp.Subs(seed_form, (k, tau, e0, et), (1000, 500, sp.Rational(1, 100),
                                                                         sp.Rational(1, 1000))),
             "eq. (6) alone must not be used past τ: with the seed's example (ε_0 = 0.01, ε_τ = 0.001, τ = 500) "
             "it gives a negative learning rate at k = 1000", "003", Holds(sp.Lt(_sym("epsilon_2tau"), 0))),
    ]
    return _derivation(
        "learning_rate_decay", "Linear learning-rate decay", steps, sp.Eq(ek, clamped),
        "The learning rate falls linearly from ε_0 to ε_τ over τ steps and then stays at ε_τ (seed 003, after "
        "Goodfellow et al., ch. 8).",
        ("003",),
        domain=((k, (0.0, 1000.0)), (tau, (1.0, 1000.0))),
        latex_names=((e0, r"\varepsilon_0"), (et, r"\varepsilon_\tau"), (ek, r"\varepsilon_k"),
                     (_sym("epsilon_k0"), r"\varepsilon_k|_{k=0}"), (_sym("epsilon_ktau"), r"\varepsilon_k|_{k=\tau}"),
                     (_sym("d_epsilon"), r"\varepsilon_{k+1}-\varepsilon_k"),
                     (_sym("epsilon_2tau"), r"\varepsilon_{1000}^{\mathrm{eq.\,(6)}}")),
        notes=("Seed 003 names the fraction k/τ α, which clashes with the momentum α of the same slides.",),
    )


RESULTS = {
    "first_order.sgd": sgd,
    "first_order.minibatch": minibatch,
    "first_order.momentum": momentum,
    "first_order.momentum_unrolled": momentum_unrolled,
    "first_order.nesterov": nesterov,
    "first_order.learning_rate_decay": learning_rate_decay,
}
