"""Compiled first-order optimizers against independent hand-written NumPy references and closed forms."""

import math
import pickle

import numpy as np
import pytest
import sympy as sp

from derivations.errors import InputError
from numerics.compile import objective
from numerics.solve.first_order import MAX_HISTORY, OPTIMIZERS, AdamState, adagrad, adam, gd, linear_decay, minimize, momentum, nesterov, rmsprop
from numerics.result import Status

RNG_SEED = 20240531
STEPS = 40


# ----------------------------------------------------------------- independent references (hand-written)
# Each is written from the textbook equations (Goodfellow, Bengio, Courville, "Deep Learning", 2016,
# Algorithms 8.2-8.7), not from derivkit's rules.


def ref_gd(gs, lr):
    return [-lr * g for g in gs]


def ref_momentum(gs, lr, a):
    v, out = np.zeros_like(gs[0]), []
    for g in gs:
        v = a * v - lr * g
        out.append(v)
    return out


def ref_nesterov_tilde(gs, lr, a):
    v, out = np.zeros_like(gs[0]), []
    for g in gs:
        v_old = v
        v = a * v - lr * g
        out.append(v + a * (v - v_old))  # seed 001's code: x += p + alpha*(p - p_old)
    return out


def ref_adagrad(gs, lr, d):
    r, out = np.zeros_like(gs[0]), []
    for g in gs:
        r = r + g * g
        out.append(-lr * g / (d + np.sqrt(r)))
    return out


def ref_rmsprop(gs, lr, p, d, a=0.0, inside=True):
    r, v, out = np.zeros_like(gs[0]), np.zeros_like(gs[0]), []
    for g in gs:
        r = p * r + (1 - p) * g * g
        scale = np.sqrt(d + r) if inside else d + np.sqrt(r)
        v = a * v - lr * g / scale
        out.append(v)
    return out


def ref_adam(gs, lr, b1, b2, d):
    s, r, out = np.zeros_like(gs[0]), np.zeros_like(gs[0]), []
    for t, g in enumerate(gs, 1):
        s = b1 * s + (1 - b1) * g
        r = b2 * r + (1 - b2) * g * g
        out.append(-lr * (s / (1 - b1**t)) / (np.sqrt(r / (1 - b2**t)) + d))
    return out


# optax's published update equations (github.com/google-deepmind/optax):
#   optax/transforms/_accumulation.py `trace`: τ' = g + decay·τ; update g' = τ' (nesterov: g' = g + decay·τ')
#   optax/_src/alias.py `sgd` then scales by -learning_rate;
#   optax/_src/transform.py `scale_by_adam`: μ' = b1 μ + (1-b1) g, ν' = b2 ν + (1-b2) g²,
#   update = μ̂ / (sqrt(ν̂ + eps_root) + eps) with μ̂ = μ'/(1-b1^t), ν̂ = ν'/(1-b2^t), then scaled by -lr;
#   `scale_by_rms(eps_in_sqrt=True, initial_scale=0)`: update = g / sqrt(ν' + eps).


def optax_sgd(gs, lr, decay, nesterov_=False):
    tr, out = np.zeros_like(gs[0]), []
    for g in gs:
        tr = g + decay * tr
        out.append(-lr * (g + decay * tr if nesterov_ else tr))
    return out


def optax_adam(gs, lr, b1, b2, eps, eps_root=0.0):
    mu, nu, out = np.zeros_like(gs[0]), np.zeros_like(gs[0]), []
    for t, g in enumerate(gs, 1):
        mu = b1 * mu + (1 - b1) * g
        nu = b2 * nu + (1 - b2) * g**2
        out.append(-lr * (mu / (1 - b1**t)) / (np.sqrt(nu / (1 - b2**t) + eps_root) + eps))
    return out


def optax_rmsprop(gs, lr, decay, eps):
    nu, out = np.zeros_like(gs[0]), []
    for g in gs:
        nu = decay * nu + (1 - decay) * g**2
        out.append(-lr * g / np.sqrt(nu + eps))
    return out


def _gradients(n=7, steps=STEPS):
    rng = np.random.default_rng(RNG_SEED)
    scales = np.logspace(-3, 2, n)  # coordinates of very different gradient scales
    return [rng.standard_normal(n) * scales for _ in range(steps)]


def _run(opt, gs):
    state, steps = opt.init(np.zeros_like(gs[0])), []
    for g in gs:
        step, state = opt.update(g, state)
        steps.append(step)
    return steps, state


CASES = [
    (gd(0.3), lambda gs: ref_gd(gs, 0.3)),
    (momentum(0.05, alpha=0.8), lambda gs: ref_momentum(gs, 0.05, 0.8)),
    (nesterov(0.05, alpha=0.8), lambda gs: ref_nesterov_tilde(gs, 0.05, 0.8)),
    (adagrad(0.2, delta=1e-7), lambda gs: ref_adagrad(gs, 0.2, 1e-7)),
    (rmsprop(0.01, rho=0.9, delta=1e-6), lambda gs: ref_rmsprop(gs, 0.01, 0.9, 1e-6)),
    (rmsprop(0.01, rho=0.9, delta=1e-6, delta_inside=False),
     lambda gs: ref_rmsprop(gs, 0.01, 0.9, 1e-6, inside=False)),
    (rmsprop(0.01, rho=0.95, delta=1e-6, momentum=0.7), lambda gs: ref_rmsprop(gs, 0.01, 0.95, 1e-6, a=0.7)),
    (adam(0.01, beta1=0.9, beta2=0.999, delta=1e-8), lambda gs: ref_adam(gs, 0.01, 0.9, 0.999, 1e-8)),
]


@pytest.mark.parametrize("opt, reference", CASES, ids=[f"{c[0].name}{i}" for i, c in enumerate(CASES)])
def test_compiled_steps_match_the_hand_written_reference(opt, reference):
    gs = _gradients()
    steps, state = _run(opt, gs)
    expected = reference(gs)
    for k, (a, b) in enumerate(zip(steps, expected)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-300, err_msg=f"step {k + 1}")
    assert state.t == len(gs)


def test_momentum_and_nesterov_equal_optax_sgd():
    gs = _gradients()
    for opt, ref in ((momentum(0.05, 0.9), optax_sgd(gs, 0.05, 0.9)),
                     (nesterov(0.05, 0.9), optax_sgd(gs, 0.05, 0.9, nesterov_=True))):
        np.testing.assert_allclose(np.array(_run(opt, gs)[0]), np.array(ref), rtol=1e-12)


def test_adam_and_rmsprop_equal_optax():
    gs = _gradients()
    np.testing.assert_allclose(np.array(_run(adam(0.01, 0.9, 0.999, 1e-8), gs)[0]),
                               np.array(optax_adam(gs, 0.01, 0.9, 0.999, 1e-8)), rtol=1e-12)
    np.testing.assert_allclose(np.array(_run(rmsprop(0.01, 0.9, 1e-6), gs)[0]),
                               np.array(optax_rmsprop(gs, 0.01, 0.9, 1e-6)), rtol=1e-12)


def test_rmsprop_delta_placements_differ_most_for_small_gradients():
    g = [np.array([1e-4, 1.0])]
    inside = _run(rmsprop(0.01, 0.9, 1e-6), g)[0][0]
    outside = _run(rmsprop(0.01, 0.9, 1e-6, delta_inside=False), g)[0][0]
    assert abs(outside[0] / inside[0]) > 5  # √(δ + r) vs δ + √r with r = 1e-9, δ = 1e-6
    assert outside[1] == pytest.approx(inside[1], rel=1e-5)


def test_learning_rate_schedule_is_used_per_update():
    lr = linear_decay(0.1, 0.01, 4)
    gs = [np.ones(2)] * 6
    steps, _ = _run(gd(lr), gs)
    expected = [0.1 + min(k / 4, 1) * (0.01 - 0.1) for k in range(6)]  # seed 003 eq. (6), held after τ
    np.testing.assert_allclose([-s[0] for s in steps], expected, rtol=1e-14)


# ----------------------------------------------------------------- Nesterov's two forms


def test_nesterov_tilde_iterates_equal_the_look_ahead_form():
    # f(θ) = Σ θ⁴/4 + θ²: ∇f nonlinear; look-ahead form θ_(k+1) = θ_k + v', v' = α v - ε ∇f(θ_k + α v)
    grad = lambda th: th**3 + 2 * th
    lr, a = 0.02, 0.85
    th, v = np.array([1.5, -0.7, 0.3]), np.zeros(3)
    opt = nesterov(lr, a)
    tt, state = th + a * v, opt.init(th)
    for _ in range(60):
        v = a * v - lr * grad(th + a * v)
        th = th + v
        step, state = opt.update(grad(tt), state)
        tt = tt + step
        np.testing.assert_allclose(tt, th + a * v, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(state.v, v, rtol=1e-12, atol=1e-15)


# ----------------------------------------------------------------- Adam's bias correction by Monte Carlo


def test_adam_first_moment_bias_by_monte_carlo():
    # E[s_t] = (1 - ρ1^t) μ for i.i.d. gradients with mean μ; each coordinate is an independent run
    runs, mu, sigma, b1, b2 = 200_000, 0.7, 2.0, 0.9, 0.999
    rng = np.random.default_rng(RNG_SEED)
    opt = adam(0.01, b1, b2)
    state = opt.init(np.zeros(runs))
    for t in range(1, 6):
        _, state = opt.update(mu + sigma * rng.standard_normal(runs), state)
        # sd of s_t over runs: (1-ρ1) σ sqrt(Σ ρ1^(2(t-i)))
        sd = (1 - b1) * sigma * math.sqrt(sum(b1 ** (2 * (t - i)) for i in range(1, t + 1))) / math.sqrt(runs)
        assert abs(state.s.mean() - (1 - b1**t) * mu) < 5 * sd
        assert abs(state.s.mean() / (1 - b1**t) - mu) < 5 * sd / (1 - b1**t)
        second = (1 - b2**t) * (mu**2 + sigma**2)  # E[r_t] = (1 - ρ2^t) E[g²]
        assert state.r.mean() == pytest.approx(second, rel=0.03)
    assert isinstance(state, AdamState) and state.t == 5


# ----------------------------------------------------------------- minimize()

LAMBDAS = (1.0, 4.0, 10.0)


def _quadratic():
    xs = sp.symbols("x1:4")
    return objective(sum(sp.Rational(l, 2) * x**2 for l, x in zip(LAMBDAS, xs)), xs)


def test_gd_on_a_quadratic_follows_the_closed_form_and_converges_below_two_over_lambda_max():
    obj, x0, lr = _quadratic(), np.array([1.0, 1.0, 1.0]), 0.15  # 0.15 < 2/10
    sol = minimize(gd(lr), obj, x0, gtol=1e-8)
    assert sol.status is Status.CONVERGED and sol.gnorm <= 1e-8
    factors = np.abs(1 - lr * np.array(LAMBDAS))  # x_k = (1 - ε λ)^k x_0
    k = sol.nit
    np.testing.assert_allclose(sol.x, (1 - lr * np.array(LAMBDAS)) ** k * x0, rtol=1e-9, atol=1e-300)
    # the slowest mode decides the count: k is the first with max_i λ_i |1-ελ_i|^k ≤ gtol
    predicted = next(j for j in range(10_000) if np.max(np.array(LAMBDAS) * factors**j) <= 1e-8)
    assert k == predicted
    assert sol.ngev == k + 1 and sol.nfev == len(sol.history.f)


def test_gd_above_two_over_lambda_max_diverges_to_nonfinite_without_exception():
    sol = minimize(gd(0.25), _quadratic(), np.array([1.0, 1.0, 1.0]), max_iter=100_000)  # |1 - 2.5| = 1.5
    assert sol.status is Status.NONFINITE
    assert np.all(np.isfinite(sol.x)) and np.max(np.abs(sol.x)) > 1e100
    assert sol.nit < 2000


def test_nan_gradient_stops_with_the_last_finite_iterate():
    x = sp.Symbol("x")
    obj = objective(sp.sqrt(x) + x**2, [x])  # gradient NaN for x < 0
    sol = minimize(gd(1.0), obj, np.array([0.3]))  # x_1 = 0.3 - (1/(2√0.3) + 0.6) < 0
    assert sol.status is Status.NONFINITE and sol.nit == 0 and sol.x.tolist() == [0.3]
    assert math.isfinite(sol.f)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_minimizes_a_quadratic(name):
    # RMSProp's normalized steps keep a limit cycle of size ~ε near the minimum: it needs a decaying ε
    lr = {"gd": 0.1, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.5, "rmsprop": linear_decay(0.01, 1e-6, 3000),
          "adam": 0.05}[name]
    sol = minimize(OPTIMIZERS[name](lr), _quadratic(), np.array([1.0, -2.0, 0.5]), gtol=1e-6, max_iter=20_000)
    assert sol.status is Status.CONVERGED, sol.message
    np.testing.assert_allclose(sol.x, 0.0, atol=1e-6)


def test_long_runs_keep_a_thinned_picklable_history():
    x, y = sp.symbols("x y")
    rosen = objective((1 - x) ** 2 + 100 * (y - x**2) ** 2, [x, y])
    sol = minimize(adagrad(0.05), rosen, np.array([-1.2, 1.0]), max_iter=9000, gtol=1e-12)
    assert sol.status is Status.MAX_ITERATIONS and sol.nit == 9000
    assert len(sol.history.f) <= MAX_HISTORY + 1 and sol.history.f[-1] == sol.f
    assert sol.history.evaluations == tuple(sorted(sol.history.evaluations))
    assert sol.f == pytest.approx(rosen.fun(sol.x)) and sol.ngev == 9001
    assert pickle.loads(pickle.dumps(sol)).nit == sol.nit


def test_bad_hyperparameters_are_input_errors():
    for make in (lambda: momentum(0.1, alpha=1.0), lambda: adam(-1.0), lambda: rmsprop(0.1, momentum=1.2),
                 lambda: adagrad(0.1, delta=0.0), lambda: linear_decay(0.1, 0.01, 0)):
        with pytest.raises(InputError):
            make()


def test_docs_pages_attach_to_registered_derivations_and_gd_count_matches_theory():
    from derivations import registry
    from numerics.site.pages import first_order as pages

    built = pages.docs_pages()
    assert all(p.attach_to in registry.names() for p in built if p.attach_to)
    assert all(data[:4] == b"\x89PNG" for p in built for _, data in p.files)
    # GD with ε = 2/(λmin + λmax) on (x² + κ y²)/2: gradient components λ_i (1 - ε λ_i)^k x0_i
    lam = np.array([1.0, pages.KAPPA])
    lr = 2 / (lam[0] + lam[1])
    predicted = next(k for k in range(10_000) if np.max(np.abs(lam * (1 - lr * lam) ** k * pages.X0)) <= 1e-6)
    gd_row = next(r for r in pages.quadratic_table() if r.name == "gd")
    assert gd_row.nit == predicted and gd_row.status == "converged"
