r"""Derivation records: immutable steps, each with a claim that a machine checks.

A :class:`Derivation` is a value: a title, assumptions, ordered :class:`Step`\ s
and a result.  Each step shows ``lhs = rhs``, names the rule that justifies it
and the seed it comes from, and carries a *claim* that :meth:`Derivation.verify`
checks:

* :class:`Equals` -- ``rhs`` equals an independent reference expression;
* :class:`DerivativeOf` -- ``rhs`` is the derivative of a function (checked
  symbolically and by central differences);
* :class:`Holds` -- a condition (relational) holds on the domain;
* :class:`Differs` -- an erratum: a formula as a source states it is *not*
  equal to the reference, and the counterexample is recorded;
* no claim -- a definition, nothing to check.

How each claim is checked, and what the outcomes mean, is the verification engine's
business: :mod:`derivations.checking.verify`.

Examples
========

>>> import sympy as sp
>>> from derivations.record import Derivation, Step, Equals, DerivativeOf
>>> x = sp.Symbol("x", positive=True)
>>> d = Derivation(
...     name="demo.log",
...     title="Derivative of x log x",
...     steps=(
...         Step(sp.Symbol("f"), x * sp.log(x), "definition"),
...         Step(sp.Symbol("f'"), sp.log(x) + 1, "product rule",
...              claim=DerivativeOf(x * sp.log(x), x)),
...     ),
...     result=sp.Eq(sp.Symbol("f'"), sp.log(x) + 1),
... )
>>> report = d.verify()
>>> report.ok
True
>>> [s.outcome.value for s in report.steps]
['definition', 'proved']
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derivations.checking.verify import verify
from derivations.claims import (Claim, DerivativeOf, Differs, Equals, Holds, Outcome, Scope, Step, StepReport,
                                Verification, vacuous)
from derivations.render import to_latex, to_markdown

__all__ = ["Claim", "Derivation", "DerivativeOf", "Differs", "Equals", "Holds", "Outcome", "Scope", "Sizes", "Step",
           "StepReport", "Verification"]

Sizes = tuple[tuple[sp.Symbol, tuple[int, ...]], ...]


@dataclass(frozen=True)
class Derivation:
    """An immutable derivation: steps with claims, a result, and how to instantiate it.

    ``sizes`` gives concrete values for size symbols (``m``) under which generic
    sums are expanded and every claim is proved symbolically; ``numeric_sizes``
    gives larger sizes that are checked by probes only.  ``indices`` names free
    index symbols and their upper bound (``j`` runs over ``1..m``).  ``domain``
    overrides the probe range of a symbol or an ``IndexedBase``;
    ``latex_names`` maps symbols (or an ``IndexedBase``, with ``{i}`` for the
    index) to LaTeX used only when rendering.  ``definitions`` gives the
    meaning of display symbols (a ``Symbol`` maps to an expression, an
    ``IndexedBase`` to a ``Lambda`` of the index); they are expanded before any
    check.  A :class:`DerivativeOf` claim whose variable is itself a defined
    node is a partial derivative on the computational graph: that node is held
    independent while the others are expanded.  ``proved_for`` names the
    shape a proof covers when the result is stated more generally ("2×2");
    every label then says so.

    Parameters
    ==========

    name : the dotted registry name (``"batchnorm.dx"``).
    title, summary : a heading and a paragraph for the rendered page.
    steps : the ordered :class:`~derivations.claims.Step` records.
    result : the final formula, usually an ``Eq``.
    assumptions, notes, seeds : text shown on the page; ``seeds`` cites the lecture notes.
    sizes, numeric_sizes, indices, domain, latex_names, definitions, proved_for : see above.

    Examples
    ========

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> d = Derivation("demo.sq", "A square", (Step(sp.Symbol("y"), (x + 1)**2, "binomial",
    ...     claim=Equals(x**2 + 2*x + 1)),), sp.Eq(sp.Symbol("y"), (x + 1)**2))
    >>> d.verify().ok, len(d.steps)
    (True, 1)
    """

    name: str
    title: str
    steps: tuple[Step, ...]
    result: sp.Basic
    summary: str = ""
    assumptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sizes: Sizes = ()
    numeric_sizes: Sizes = ()
    indices: tuple[tuple[sp.Symbol, sp.Basic], ...] = ()
    domain: tuple[tuple[sp.Basic, tuple[float, float]], ...] = ()
    latex_names: tuple[tuple[sp.Basic, str], ...] = ()
    seeds: tuple[str, ...] = ()
    definitions: tuple[tuple[sp.Basic, sp.Basic], ...] = ()
    proved_for: str = ""

    def __post_init__(self):
        for i, step in enumerate(self.steps, 1):
            reason = vacuous(step, self.definitions)
            if reason is not None:
                raise ValueError(f"{self.name} step {i} ({step.rule[:60]}): {reason}")

    def verify(self, seconds: float = 4.0, probes: int = 5, seed: int = 0) -> Verification:
        """Check every step; ``seconds`` bounds each symbolic zero test."""
        return verify(self, seconds, probes, seed)

    def _repr_latex_(self) -> str:
        return to_latex(self, self.verify())

    def _repr_markdown_(self) -> str:
        return to_markdown(self, self.verify())
