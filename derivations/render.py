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

import sympy as sp
from sympy.printing.latex import LatexPrinter

from .record import Derivation, Differs, Outcome, Step, Verification

_MARK = {
    Outcome.PROVED: "✅ proved",
    Outcome.CONFIRMED: "✅ confirmed numerically",
    Outcome.REFUTED: "⚠️ seed erratum confirmed",
    Outcome.DEFINITION: "definition",
    Outcome.FAILED: "❌ FAILED",
    Outcome.UNDECIDED: "❓ undecided",
}


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with per-derivation display names."""

    def __init__(self, names: dict, **settings):
        super().__init__(settings)
        self._names = names

    def _print_Symbol(self, expr, style="plain"):
        if expr in self._names:
            return self._names[expr]
        return super()._print_Symbol(expr, style=style)

    def _print_Indexed(self, expr):
        template = self._names.get(expr.base)
        if template is None:
            return super()._print_Indexed(expr)
        return template.format(i=",".join(self._print(i) for i in expr.indices))


def latex_of(expr: sp.Basic, d: Derivation | None = None) -> str:
    """LaTeX for ``expr`` using the derivation's display names."""
    names = dict(d.latex_names) if d is not None else {}
    return _Printer(names).doprint(expr)


def _step_latex(step: Step, d: Derivation) -> str:
    rel = r"\neq" if isinstance(step.claim, Differs) else "="
    return f"{latex_of(step.lhs, d)} {rel} {latex_of(step.rhs, d)}"


def _status(report) -> str:
    text = _MARK[report.outcome]
    if report.methods:
        text += f" ({', '.join(report.methods)})"
    if report.detail:
        text += f": {report.detail}"
    if report.counterexample:
        point = ", ".join(f"{k} = {v}" for k, v in report.counterexample)
        text += f"; counterexample at {point}"
    return text


def to_markdown(d: Derivation, verification: Verification | None = None) -> str:
    """A Markdown page: summary, assumptions, numbered steps with status, result, notes."""
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
    """A LaTeX fragment: one ``align*`` environment with a comment per step."""
    rows = []
    reports = verification.steps if verification is not None else (None,) * len(d.steps)
    for step, report in zip(d.steps, reports):
        note = step.rule + (f" (seed {step.seed})" if step.seed else "")
        if report is not None:
            note += f"; {report.outcome.value}"
        rows.append(f"  {_step_latex(step, d)} && \\text{{{_escape(note)}}}")
    body = " \\\\\n".join(rows)
    return f"% {d.title} [{d.name}]\n\\begin{{align*}}\n{body}\n\\end{{align*}}\n"


def _escape(text: str) -> str:
    return text.replace("\\", r"\textbackslash{}").replace("&", r"\&").replace("%", r"\%").replace("_", r"\_").replace("#", r"\#")


def to_text(d: Derivation, verification: Verification | None = None) -> str:
    """Plain text for a terminal."""
    lines = [f"{d.title}  [{d.name}]"]
    if verification is not None:
        lines.append(verification.summary())
    if d.assumptions:
        lines.append("assumptions: " + "; ".join(d.assumptions))
    reports = verification.steps if verification is not None else (None,) * len(d.steps)
    for i, (step, report) in enumerate(zip(d.steps, reports), 1):
        rel = "!=" if isinstance(step.claim, Differs) else "="
        status = f"  [{report.outcome.value}]" if report is not None else ""
        seed = f" (seed {step.seed})" if step.seed else ""
        lines.append(f"{i:>2}. {step.rule}{seed}{status}")
        lines.append(f"    {sp.sstr(step.lhs)} {rel} {sp.sstr(step.rhs)}")
    lines.append(f"result: {sp.sstr(d.result)}")
    lines += [f"note: {n}" for n in d.notes]
    return "\n".join(lines)
