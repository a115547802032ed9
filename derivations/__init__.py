"""derivkit's symbolic side: derivations as verified records, their rendering, and the checker.

The public API a Python user needs:

* records -- :class:`Derivation`, :class:`Step` and the claims :class:`Equals`,
  :class:`DerivativeOf`, :class:`Holds`, :class:`Differs`;
* verification -- :func:`verify` (also ``Derivation.verify``), returning a
  :class:`Verification` of :class:`StepReport` with an :class:`Outcome` each;
* checking hand derivations -- :func:`check` (expressions), :func:`check_text`
  (user text, SymPy style or LaTeX), :func:`check_against` (a registered result),
  returning a :class:`CheckResult` with a :class:`Verdict`;
* the catalogue -- :mod:`derivations.registry` (``registry.get("batchnorm.dx")``);
* calculus for the compile bridge -- :func:`gradient`, :func:`hessian`,
  :func:`sparse_derivatives`;
* rendering -- :func:`to_markdown`, :func:`to_latex`, :func:`to_text`.

Examples
========

>>> import sympy as sp
>>> from derivations import Derivation, Step, Equals, verify
>>> x = sp.Symbol("x")
>>> d = Derivation("demo.square", "A square", (Step(sp.Symbol("y"), (x + 1)**2, "binomial",
...     claim=Equals(x**2 + 2*x + 1)),), sp.Eq(sp.Symbol("y"), (x + 1)**2))
>>> verify(d).ok
True
>>> check_text("2*x", "x + x").verdict.value
'equivalent'
"""

from derivations import registry
from derivations.calculus import gradient, hessian, sparse_derivatives
from derivations.checking.check import CheckResult, Verdict, check, check_against, check_text
from derivations.checking.verify import verify
from derivations.errors import InputError
from derivations.record import (
    Derivation,
    DerivativeOf,
    Differs,
    Equals,
    Holds,
    Outcome,
    Step,
    StepReport,
    Verification,
)
from derivations.render import to_latex, to_markdown, to_text

__all__ = [
    "CheckResult", "Derivation", "DerivativeOf", "Differs", "Equals", "Holds", "InputError", "Outcome",
    "Step", "StepReport", "Verdict", "Verification", "check", "check_against", "check_text", "gradient",
    "hessian", "registry", "sparse_derivatives", "to_latex", "to_markdown", "to_text", "verify",
]
