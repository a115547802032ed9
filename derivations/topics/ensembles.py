r"""The expected squared error of an average of k models (seed 001).

With errors :math:`\epsilon_i` of equal second moment :math:`v = \mathbb{E}[\epsilon_i^2]`
and pairwise :math:`c = \mathbb{E}[\epsilon_i\epsilon_j]` (:math:`i \ne j`),

.. math::

    \mathbb{E}\Big[\Big(\frac1k\sum_{i=1}^k \epsilon_i\Big)^2\Big]
    = \frac1{k^2}\sum_{i,j}\mathbb{E}[\epsilon_i\epsilon_j] = \frac vk + \frac{k-1}{k}\,c .

Examples
========

>>> d = RESULTS["ensembles.average_error"]()
>>> d.verify().ok
True
>>> ENSEMBLE_ERROR.subs({k: 1})
v
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.stats import Normal

from derivations.topics.expectation import Expectation
from derivations.render import shown, with_display
from derivations.record import Derivation, Equals, Holds, Step

k = sp.Symbol("k", integer=True, positive=True)
i, j = sp.symbols("i j", integer=True, positive=True)
v = sp.Symbol("v", positive=True)  # E[ε_i²]
c = sp.Symbol("c", real=True)  # E[ε_i ε_j], i ≠ j

#: The expected squared error of the ensemble average.
ENSEMBLE_ERROR = v / k + (k - 1) * c / k


def _sym(name: str) -> sp.Symbol:
    return sp.Symbol(name)


def average_error() -> Derivation:
    r""":math:`\mathbb E[(\frac1k\sum_i\epsilon_i)^2] = v/k + (k-1)c/k`."""
    E = _sym("E[(mean eps)^2]")
    pair = c + (v - c) * sp.KroneckerDelta(i, j)  # E[ε_i ε_j]
    double_sum = sp.Sum(sp.Sum(pair, (j, 1, k)), (i, 1, k)) / k**2
    # an explicit construction for k = 2: ε_i = sqrt(c) z_0 + sqrt(v − c) z_i, z independent N(0, 1)
    z0, z1, z2 = sp.symbols("z0 z1 z2", real=True)
    zs = {zz: Normal(f"Z{n}", 0, 1) for n, zz in enumerate((z0, z1, z2))}
    e1 = sp.sqrt(c) * z0 + sp.sqrt(v - c) * z1
    e2 = sp.sqrt(c) * z0 + sp.sqrt(v - c) * z2
    rho = sp.Symbol("rho", real=True)
    steps = (
        Step(E, sp.Sum(sp.Sum(_sym("E[eps_i eps_j]"), (j, 1, k)), (i, 1, k)) / k**2,
             "expand the square and use linearity of expectation", seed="001"),
        Step(E, ENSEMBLE_ERROR, "k diagonal terms v and k(k − 1) off-diagonal terms c", seed="001",
             claim=Equals(double_sum)),
        Step(E, ENSEMBLE_ERROR.subs(k, 2), "check for k = 2 with correlated normal errors "
             "ε_i = sqrt(c) z₀ + sqrt(v − c) z_i (0 ≤ c ≤ v)", claim=Equals(Expectation(((e1 + e2) / 2) ** 2, zs))),
        Step(E, v / k, "independent zero-mean errors (c = 0): the error falls by 1/k", seed="001",
             claim=Equals(sp.Subs(ENSEMBLE_ERROR, c, 0))),
        Step(_sym("c*"), v, "the average is no better than one model (= v, k > 1) only when c = v: perfectly "
             "correlated errors", seed="001", claim=Holds(sp.Eq(ENSEMBLE_ERROR.subs(c, _sym("c*")), v))),
        Step(_sym("lim_(k->oo)"), c, "however many models, the error stays at c: only the uncorrelated part "
             "averages away", seed="004", claim=Equals(sp.Limit(ENSEMBLE_ERROR.subs(k, _sym("K")), _sym("K"), sp.oo))),
        Step(_sym("v - E"), sp.S.true, "for c < v every extra model helps: the error decreases in k",
             claim=Holds(sp.Gt(ENSEMBLE_ERROR - ENSEMBLE_ERROR.subs(k, k + 1), 0))),
        Step(E, v * (1 + (k - 1) * rho) / k, "in terms of the correlation ρ = c/v",
             claim=Equals(ENSEMBLE_ERROR.subs(c, rho * v))),
    )
    return Derivation(
        "ensembles.average_error", "Expected squared error of an average of k models", steps,
        sp.Eq(E, ENSEMBLE_ERROR),
        summary="Averaging k models whose errors have second moment v and pairwise moment c gives "
                "expected squared error v/k + (k − 1)c/k (seed 001, Goodfellow et al. §7.11): v/k for "
                "independent errors, v for perfectly correlated ones, and c in the limit of many models. "
                "Seed 001 states all three correctly (its 'E[ε_i, ε_j]' is a typo for E[ε_iε_j]). Seed "
                "004's 'the ensemble does not [have high variance]' holds only as far as the errors are "
                "uncorrelated, which it stresses.",
        assumptions=("E[ε_i²] = v for every model, E[ε_iε_j] = c for every pair i ≠ j", "k ≥ 1"),
        sizes=((k, (1, 2, 3, 5)),), domain=((c, (0.0, 0.2)), (v, (0.3, 2.5)), (rho, (-0.5, 1.0))),
        latex_names=((v, "v"), (c, "c"), (rho, r"\rho")), seeds=("001", "004"),
    )


_DISPLAY = {
    "E[(mean eps)^2]": r"\mathbb{E}\Big[\Big(\frac1k\sum_{i=1}^k \epsilon_i\Big)^2\Big]", "c*": "c^{*}",
    "lim_(k->oo)": r"\lim_{k\to\infty} \mathbb{E}[\cdot]", "E[eps_i eps_j]": r"\mathbb{E}[\epsilon_i \epsilon_j]",
}




_NAMED = functools.partial(with_display, explicit=_DISPLAY)

RESULTS = {"ensembles.average_error": shown(average_error, _NAMED)}
