r"""Render a :class:`~derivations.record.Derivation` as Markdown, LaTeX or plain text.

Rendering is a pure function of the record and (optionally) its verification.
Markdown puts display math in ``$$...$$`` blocks, which GitHub and MkDocs render.

Examples
========

>>> import sympy as sp
>>> from derivations.record import Derivation, Step, Equals
>>> x = sp.Symbol("x")
>>> d = Derivation("demo.square", "A square", (Step(sp.Symbol("y"), (x + 1)**2, "binomial",
...     claim=Equals(x**2 + 2*x + 1)),), sp.Eq(sp.Symbol("y"), (x + 1)**2))
>>> print(to_text(d).splitlines()[0])
A square  [demo.square]
>>> "$$" in to_markdown(d)
True
>>> latex_of(sp.Symbol("sigma")**2, d)
'\\sigma^{2}'
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import TYPE_CHECKING, Callable, Mapping

import sympy as sp

from derivations.claims import Differs, Holds, Outcome, Step, Verification
from derivations.printing import latex_of

if TYPE_CHECKING:  # annotations only: record imports render
    from derivations.record import Derivation

_MARK = {
    Outcome.PROVED: "✅",
    Outcome.CONFIRMED: "✅",
    Outcome.REFUTED: "⚠️",
    Outcome.DEFINITION: "",
    Outcome.FAILED: "❌",
    Outcome.UNDECIDED: "❓",
}


def _step_latex(step: Step, d: Derivation) -> str:
    rel = r"\neq" if isinstance(step.claim, Differs) else "="
    return f"{latex_of(step.lhs, d)} {rel} {latex_of(step.rhs, d)}"


def _status(report) -> str:
    """The verdict with its scope ("✅ proved for all m (symbolic)"), its detail and counterexample."""
    text = f"{_MARK[report.outcome]} {report.label}".strip()
    if report.methods:
        text += f" ({', '.join(report.methods)})"
    if report.detail:
        text += f": {report.detail}"
    if report.counterexample:
        point = ", ".join(f"{k} = {v}" for k, v in report.counterexample)
        text += f"; counterexample at {point}"
    return text


def to_markdown(d: Derivation, verification: Verification | None = None) -> str:
    """A Markdown page: summary, assumptions, numbered steps with status, result, notes.

    Parameters
    ==========

    d : the :class:`~derivations.record.Derivation` to render.
    verification : its :class:`~derivations.claims.Verification`; with it every
        step carries its outcome.

    Returns
    =======

    The text, a ``str``.

    Examples
    ========

    >>> import sympy as sp
    >>> from derivations.record import Derivation, Step, Equals
    >>> x = sp.Symbol("x")
    >>> d = Derivation("demo.double", "Doubling", (Step(sp.Symbol("y"), 2*x, "sum", claim=Equals(sp.Add(x, x, evaluate=False))),),
    ...                sp.Eq(sp.Symbol("y"), 2*x))
    >>> "Doubling" in to_markdown(d, d.verify())
    True
    """
    lines = [f"# {d.title}", "", f"`{d.name}`" + (f" · seeds: {', '.join(d.seeds)}" if d.seeds else ""), ""]
    if verification is not None:
        lines += [f"**Verification:** {verification.summary(timing=False)}", ""]
    if d.summary:
        lines += [d.summary, ""]
    if d.assumptions:
        lines += ["**Assumptions:** " + "; ".join(d.assumptions), ""]
    lines += ["## Steps", ""]
    reports = verification.steps if verification is not None else (None,) * len(d.steps)
    for i, (step, report) in enumerate(zip(d.steps, reports), 1):
        head = f"{i}. **{step.rule}**"
        if step.seed:
            head += f" — seed {step.seed}"
        if report is not None:
            head += f" — {_status(report)}"
        lines += [head, "", "$$", _step_latex(step, d), "$$", ""]
    lines += ["## Result", "", "$$", latex_of(d.result, d), "$$", ""]
    if d.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in d.notes] + [""]
    return "\n".join(lines)


def to_latex(d: Derivation, verification: Verification | None = None) -> str:
    """A LaTeX fragment: one ``align*`` environment with a comment per step.

    Parameters and return value as for :func:`to_markdown`.

    >>> import sympy as sp
    >>> from derivations.record import Derivation, Step
    >>> to_latex(Derivation("demo.y", "Y", (Step(sp.Symbol("y"), sp.Symbol("x"), "name"),), sp.S.Zero)).count("align*")
    2
    """
    rows = []
    reports = verification.steps if verification is not None else (None,) * len(d.steps)
    for step, report in zip(d.steps, reports):
        note = step.rule + (f" (seed {step.seed})" if step.seed else "")
        if report is not None:
            note += f"; {report.label}"
        rows.append(f"  {_step_latex(step, d)} && \\text{{{_escape(note)}}}")
    body = " \\\\\n".join(rows)
    return f"% {d.title} [{d.name}]\n\\begin{{align*}}\n{body}\n\\end{{align*}}\n"


def _escape(text: str) -> str:
    return text.replace("\\", r"\textbackslash{}").replace("&", r"\&").replace("%", r"\%").replace("_", r"\_").replace("#", r"\#").replace("{", r"\{").replace("}", r"\}")


def to_text(d: Derivation, verification: Verification | None = None) -> str:
    """Plain text for a terminal.

    Parameters and return value as for :func:`to_markdown`.

    >>> import sympy as sp
    >>> from derivations.record import Derivation, Step
    >>> to_text(Derivation("demo.y", "Y", (Step(sp.Symbol("y"), sp.Symbol("x"), "name"),), sp.S.Zero)).split()[:2]
    ['Y', '[demo.y]']
    """
    lines = [f"{d.title}  [{d.name}]"]
    if verification is not None:
        lines.append(verification.summary())
    if d.assumptions:
        lines.append("assumptions: " + "; ".join(d.assumptions))
    reports = verification.steps if verification is not None else (None,) * len(d.steps)
    for i, (step, report) in enumerate(zip(d.steps, reports), 1):
        rel = "!=" if isinstance(step.claim, Differs) else "="
        status = f"  [{report.label}]" if report is not None else ""
        seed = f" (seed {step.seed})" if step.seed else ""
        lines.append(f"{i:>2}. {step.rule}{seed}{status}")
        lines.append(f"    {sp.sstr(step.lhs)} {rel} {sp.sstr(step.rhs)}")
    lines.append(f"result: {sp.sstr(d.result)}")
    lines += [f"note: {n}" for n in d.notes]
    return "\n".join(lines)


# --------------------------------------------------------------------------- display names

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


_GREEK = {"Delta": r"\Delta", "theta": r"\theta", "alpha": r"\alpha", "lambda": r"\lambda", "kappa": r"\kappa",
          "nabla": r"\nabla", "epsilon": r"\varepsilon", "rho": r"\rho", "delta": r"\delta"}
_TEXT = [
    ("d²/dt²", r"\frac{d^2}{dt^2}"), ("d/dt", r"\frac{d}{dt}"), ("dm/d", r"\partial m/\partial "),
    ("lim ", r"\lim_{\alpha\to\infty} "), (" (series)", ""), (" (spread r)", ""), ("^T", r"^{\top}"),
    ("^-1", r"^{-1}"), ("_nt", r"_{\mathrm{nt}}"), ("_alpha", r"_{\alpha}"), ("_{k+1}", "_{k+1}"), ("²", "^2"),
    ("best*lo", r"\rho"), ("kappa_+", r"\kappa_{+}"), ("kappa_-", r"\kappa_{-}"), ("kappa_pm", r"\kappa_{\pm}"),
    ("p(kappa_pm)", r"p(\kappa_{\pm})"), ("epsilon*", r"\varepsilon^*"), ("epsilon_max", r"\varepsilon_{\max}"),
]


def display_latex(name: str) -> str:
    r"""LaTeX for a display symbol written in plain text (``"Delta theta_nt"`` becomes ``\Delta \theta_{\mathrm{nt}}``).

    Examples
    ========

    >>> display_latex("g^T Delta theta_nt")
    'g^{\\top} \\Delta \\theta_{\\mathrm{nt}}'
    """
    out = name
    for a, b in _TEXT:
        out = out.replace(a, b)
    for word, tex in _GREEK.items():
        out = re.sub(rf"(?<![A-Za-z\\]){word}(?![A-Za-z])", lambda m, tex=tex: tex, out)
    return out


def with_display_names(d: Derivation) -> Derivation:
    """The derivation with LaTeX names for every display symbol written in plain text."""
    known = {k for k, _ in d.latex_names}
    symbols = set()
    for s in d.steps:
        symbols |= sp.sympify(s.lhs).free_symbols
    symbols |= sp.sympify(d.result).free_symbols if isinstance(d.result, sp.Basic) else set()
    extra = tuple((s, display_latex(s.name)) for s in sorted(symbols, key=str)
                  if s not in known and isinstance(s, sp.Symbol) and re.search(r"[ ^/()*²+-]|_nt|_alpha|_pm|_max", s.name))
    return dataclasses.replace(d, latex_names=d.latex_names + extra)
