r"""Display names: LaTeX for the descriptive left-hand sides of derivation steps.

Steps often name their left-hand side descriptively (``E[h_tilde]``,
``Var[w x]``).  :func:`with_display` adds LaTeX for every such symbol to a
derivation's ``latex_names``: an explicit entry when one is given, otherwise
the name set upright as ``\text{...}`` (so underscores and brackets are not
read as subscripts).  Plain identifiers (``w``, ``alpha``, ``v_1``) keep
SymPy's own printing.  A :class:`~derivations.record.Holds` step that only
names its condition on the left shows the condition itself instead.

Examples
========

>>> import sympy as sp
>>> from derivations.record import Derivation, Step
>>> d = Derivation("demo.d", "demo", (Step(sp.Symbol("E[m]"), sp.Symbol("q"), "mean"),), sp.S.Zero)
>>> dict(with_display(d, {"E[m]": r"\mathbb{E}[m]"}).latex_names)[sp.Symbol("E[m]")]
'\\mathbb{E}[m]'
>>> latex_for("Var[w x]", {})
'\\text{Var[w x]}'
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Callable, Mapping

import sympy as sp

from .record import Derivation, Holds

_PLAIN = re.compile(r"^[A-Za-z]+[0-9]*(_[A-Za-z0-9]+)?$")


def latex_for(name: str, explicit: Mapping[str, str]) -> str | None:
    """The LaTeX of a display name, or ``None`` if SymPy's printing is fine."""
    if name in explicit:
        return explicit[name]
    if _PLAIN.match(name):
        return None
    return r"\text{" + name.replace("\\", "").replace("{", "").replace("}", "") + "}"


def with_display(d: Derivation, explicit: Mapping[str, str]) -> Derivation:
    """``d`` with LaTeX for every descriptive symbol on a left-hand side or in the result."""
    steps = tuple(
        dataclasses.replace(s, lhs=s.claim.condition)
        if isinstance(s.claim, Holds) and s.rhs == sp.true and isinstance(s.lhs, sp.Symbol) else s
        for s in d.steps
    )
    d = dataclasses.replace(d, steps=steps)
    known = {key for key, _ in d.latex_names}
    sides = [s.lhs for s in d.steps] + list(d.result.args if isinstance(d.result, sp.Eq) else [d.result])
    extra = []
    for side in sides:
        for sym in sorted(getattr(side, "free_symbols", set()), key=str):
            if isinstance(sym, sp.Symbol) and sym not in known:
                tex = latex_for(sym.name, explicit)
                if tex is not None:
                    extra.append((sym, tex))
                    known.add(sym)
    return dataclasses.replace(d, latex_names=d.latex_names + tuple(extra))


def shown(build: Callable[[], Derivation], decorate: Callable[[Derivation], Derivation]) -> Callable[[], Derivation]:
    """A registry builder that applies ``decorate`` (display names) to what ``build`` returns.

    Examples
    ========

    >>> import sympy as sp
    >>> from derivations.record import Derivation
    >>> def plain():
    ...     return Derivation("demo.x", "x", (), sp.S.Zero)
    >>> shown(plain, lambda d: dataclasses.replace(d, title="X"))().title, shown(plain, lambda d: d).__name__
    ('X', 'plain')
    """

    @functools.wraps(build)
    def built() -> Derivation:
        return decorate(build())

    return built
