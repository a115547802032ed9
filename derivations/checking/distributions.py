r"""Expectations and variances given meaning by declared distributions (``--assume "x \sim \mathcal{N}(\mu, \sigma^2)"``).

The reader keeps ``\mathbb{E}[\cdot]``, ``\operatorname{Var}`` and ``\operatorname{Cov}``
unevaluated (:mod:`derivations.reading.moments`).  :func:`evaluate_moments`
computes each moment exactly from the raw moments of the declared laws (the
names declared apart independent); a moment of a name with no declared distribution
is refused, never guessed (a parameter of a declared distribution, such as
:math:`\mu`, is a constant); only moments of polynomials in the random names are
computed, so that the work stays within the time bound.  Names declared separately are independent, and
the note the check shows says so.

Examples
========

>>> import sympy as sp
>>> from derivations.reading.moments import Expectation
>>> from derivations.reading.statements import Distributed
>>> from sympy.stats.crv_types import NormalDistribution
>>> x, mu, s = sp.symbols("x mu sigma", real=True)
>>> values, note = evaluate_moments([Expectation(x**2)], [Distributed(x, NormalDistribution(mu, sp.Abs(s)))])
>>> values, note
([mu**2 + sigma**2], 'E, Var and Cov computed exactly (moments of the declared laws) with x ~ Normal(mu, Abs(sigma))')
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp
from sympy.stats.crv_types import LaplaceDistribution, NormalDistribution, UniformDistribution

from derivations.errors import InputError
from derivations.reading.moments import MOMENTS, Covariance, Expectation, Probability, Variance
from derivations.reading.statements import Distributed


MAX_DEGREE = 12  # of a polynomial whose moment is computed (a variance needs raw moments up to twice that)


def has_moments(value) -> bool:
    """Does ``value`` hold an expectation, variance, covariance or probability?"""
    return isinstance(value, sp.Basic) and value.has(*MOMENTS, Probability)


def evaluate_moments(values: Sequence[sp.Basic], declared: Sequence[Distributed]) -> tuple[list, str]:
    """``values`` with every E, Var, Cov computed from the ``declared`` distributions, and a note saying how."""
    variables = {d.variable: d for d in declared}
    if len(variables) != len(declared):
        raise InputError("a name is given two distributions")
    constants = set().union(*(d.distribution.free_symbols for d in declared)) if declared else set()
    raw = {x: _raw_moments(d.distribution) for x, d in variables.items()}

    def expectation(p):
        """E[p] of a polynomial p in the independent names: each monomial by the raw moments of its factors."""
        if not sp.sympify(p).is_polynomial(*variables) or sp.Poly(p, *variables).total_degree() > MAX_DEGREE:
            raise InputError(f"the moment of {sp.sstr(p)}: only moments of polynomials (of degree up to {MAX_DEGREE}) "
                             "in the random names are computed, within the time bound")
        poly = sp.Poly(p, *variables)
        return sp.Add(*(c * sp.Mul(*(raw[x](k) for x, k in zip(poly.gens, powers)))
                        for powers, c in poly.terms()))

    def compute(moment):
        for arg in moment.args:
            unknown = sorted(map(str, sp.sympify(arg).free_symbols - set(variables) - constants))
            if unknown:
                raise InputError(f"{type(moment).__name__} of {sp.sstr(arg)}: {', '.join(unknown)} "
                                 f"{'has' if len(unknown) == 1 else 'have'} no declared distribution (say --assume "
                                 f"\"{unknown[0]} \\sim \\mathcal{{N}}(\\mu, \\sigma^2)\"; names declared apart are "
                                 "independent)")
        if isinstance(moment, Expectation):
            value = expectation(moment.args[0])
        elif isinstance(moment, Variance):  # Var p = E[p^2] - E[p]^2
            value = expectation(moment.args[0] ** 2) - expectation(moment.args[0]) ** 2
        else:  # Cov(p, q) = E[pq] - E[p] E[q]
            p, q = moment.args
            value = expectation(p * q) - expectation(p) * expectation(q)
        return sp.expand(value)

    out = []
    for v in values:
        if isinstance(v, sp.Basic) and v.has(Probability):
            raise InputError("the formula has a probability P(...): derivkit check does not compute probabilities")
        if not has_moments(v):
            out.append(v)
            continue
        if not declared:
            raise InputError("the formula has an expectation, variance or covariance, and no name has a declared "
                             "distribution: say e.g. --assume \"x \\sim \\mathcal{N}(\\mu, \\sigma^2)\"")
        out.append(v.replace(lambda e: isinstance(e, MOMENTS), compute))
    shown = ", ".join(f"{sp.sstr(x)} ~ {type(d.distribution).__name__.removesuffix('Distribution')}"
                      f"({', '.join(map(sp.sstr, d.distribution.args))})" for x, d in variables.items())
    note = f"E, Var and Cov computed exactly (moments of the declared laws) with {shown}"
    if len(variables) > 1:
        note += "; the names are independent"
    return out, note


def _raw_moments(law):
    r"""``k -> E[x^k]`` for ``x`` with the distribution ``law``: by the moment generating function (normal, Laplace)
    or the closed form :math:`(b^{k+1} - a^{k+1}) / ((k+1)(b-a))` (uniform on :math:`[a, b]`)."""
    if isinstance(law, UniformDistribution):
        a, b = law.args
        return lambda k: sp.cancel((b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a)))
    t = sp.Dummy("t")
    if isinstance(law, NormalDistribution):
        mu, s = law.args
        mgf = sp.exp(mu * t + s ** 2 * t ** 2 / 2)
    elif isinstance(law, LaplaceDistribution):
        mu, b = law.args
        mgf = sp.exp(mu * t) / (1 - b ** 2 * t ** 2)
    else:
        raise InputError(f"moments of {type(law).__name__} are not computed")
    return lambda k: sp.expand(sp.diff(mgf, t, k).subs(t, 0))


__all__ = ["evaluate_moments", "has_moments", "Covariance", "Expectation", "Variance"]
