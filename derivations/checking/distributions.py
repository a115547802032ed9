r"""Expectations and variances given meaning by declared distributions (``--assume "x \sim \mathcal{N}(\mu, \sigma^2)"``).

The reader keeps ``\mathbb{E}[\cdot]``, ``\operatorname{Var}`` and ``\operatorname{Cov}``
unevaluated (:mod:`derivations.reading.moments`).  :func:`evaluate_moments`
replaces each declared name by a random variable of :mod:`sympy.stats` and
computes the moments exactly; a moment of a name with no declared distribution
is refused, never guessed (a parameter of a declared distribution, such as
:math:`\mu`, is a constant).  Names declared separately are independent, and
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
([mu**2 + sigma**2], 'E, Var and Cov computed exactly (sympy.stats) with x ~ Normal(mu, Abs(sigma))')
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp
import sympy.stats as stats
from sympy.stats.crv import SingleContinuousPSpace

from derivations.errors import InputError
from derivations.reading.moments import MOMENTS, Covariance, Expectation, Probability, Variance
from derivations.reading.statements import Distributed


def has_moments(value) -> bool:
    """Does ``value`` hold an expectation, variance, covariance or probability?"""
    return isinstance(value, sp.Basic) and value.has(*MOMENTS, Probability)


def evaluate_moments(values: Sequence[sp.Basic], declared: Sequence[Distributed]) -> tuple[list, str]:
    """``values`` with every E, Var, Cov computed from the ``declared`` distributions, and a note saying how."""
    variables = {d.variable: d for d in declared}
    if len(variables) != len(declared):
        raise InputError("a name is given two distributions")
    constants = set().union(*(d.distribution.free_symbols for d in declared)) if declared else set()
    randoms = {x: SingleContinuousPSpace(sp.Dummy(str(x), real=True), d.distribution).value
               for x, d in variables.items()}

    def compute(moment):
        for arg in moment.args:
            unknown = sorted(map(str, sp.sympify(arg).free_symbols - set(variables) - constants))
            if unknown:
                raise InputError(f"{type(moment).__name__} of {sp.sstr(arg)}: {', '.join(unknown)} "
                                 f"{'has' if len(unknown) == 1 else 'have'} no declared distribution (say --assume "
                                 f"\"{unknown[0]} \\sim \\mathcal{{N}}(\\mu, \\sigma^2)\"; names declared apart are "
                                 "independent)")
        args = [sp.sympify(a).xreplace(randoms) for a in moment.args]
        if isinstance(moment, Expectation):
            value = stats.E(*args)
        elif isinstance(moment, Variance):
            value = stats.variance(*args)
        else:
            value = stats.covariance(*args)
        if value.has(stats.Expectation, stats.Variance, stats.Covariance, sp.Integral):
            raise InputError(f"{sp.sstr(moment)} could not be computed in closed form")
        return sp.simplify(value)

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
    note = f"E, Var and Cov computed exactly (sympy.stats) with {shown}"
    if len(variables) > 1:
        note += "; the names are independent"
    return out, note


__all__ = ["evaluate_moments", "has_moments", "Covariance", "Expectation", "Variance"]
