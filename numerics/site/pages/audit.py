r"""The docs page "Auditing the seeds": `derivkit audit` run on the five seed lecture notes.

When the page is built, every seed in the seed folder is audited
(:func:`derivations.checking.audit.audit_file`), so the slips, counterexamples
and counts on the page are computed, not typed.  Each slip is linked to the
registered derivation that records the same erratum by hand (same seed, the
most names in common), and every registered erratum that the audit does not
find by itself is listed with the reason, so that the gap stays visible.

The seed folder is ``$DERIVKIT_SEEDS``, else ``shared/seeds`` beside or above
the checkout; without it the page says so.

Examples
========

>>> sorted(_tokens(r"\frac{\partial \sigma^2}{\partial \mu} = x_i^{(j)}"))
['i', 'j', 'mu', 'sigma', 'x']
>>> sorted(_tokens("∂σ²/∂μ = sign(w_k)"))
['k', 'mu', 'sigma', 'sign', 'w']
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from derivations import registry
from derivations.checking.audit import Audit, Outcome, StepVerdict, audit_file
from derivations.claims import Differs
from numerics.site.page import Page

__all__ = ["docs_pages", "seed_folder", "registered_errata", "Erratum"]

SEEDS_ENV = "DERIVKIT_SEEDS"
SEED_TIMEOUT = 120.0  # the CLI default; a seed audits in about 2 s on a quiet machine, the rest is headroom for load
_LATEX_WORDS = {"frac", "partial", "sum", "left", "right", "mathbf", "boldsymbol", "hat", "tilde", "text", "mathrm",
                "sqrt", "cdot", "times", "begin", "end", "quad", "qquad", "seed", "as", "printed", "the", "a", "of",
                "and", "is", "in", "for", "with", "its", "it", "to", "not", "only", "by", "Sum", "operatorname", "d"}

#: why the audit cannot find a registered erratum from the document alone, per registered derivation
WHY = {
    "first_order.adam_bias_correction": "the bias correction is checked for a constant input for all t (it holds "
                                        "with 1 − ρᵗ and fails at t = 2 with 1 − ρ); an erratum listed here was not "
                                        "reached by that check",
    "first_order.adam": "seed 000 writes its rules as code in the prose (v = beta1 * v + (1 - beta1) * grad), "
                        "which the audit does not read as formulas; and a rule without any bias correction passes "
                        "the update-rule checks (it descends at the first step and has no correction to test): that "
                        "Adam divides by 1 − ρᵗ, and how large its first step is, is knowledge of Adam, not a "
                        "property the document's own rules violate",
    "first_order.rmsprop": "the update rules are checked for descent at the first step and for their bias "
                           "correction; these steps descend (the step has the gradient's sign with or without the "
                           "square root, δ inside or outside it), and a running sum has no correction to check: "
                           "the size of a step is fixed by no property of the document",
    "first_order.momentum": "the parameter step is checked for descent at the first step from the zero velocity; an "
                            "erratum listed here was not reached by that check",
    "first_order.sgd": "eqs. (7), (10), (13) are checked against the definition of g_τ in eq. (4) with C and f as "
                       "functions; a check that does not finish within its share of the time limit leaves them "
                       "unchecked",
    "first_order.nesterov": "an assignment 'set x_new = x_old' after the step is checked for whether the "
                            "iteration advances; an erratum listed here was not reached by that check",
    "conjugate_gradient.conjugacy": "g_kᵀ H g_{k−1} = 0 reads as vectors and a matrix, but it is a condition the "
                                    "document states, not a step it derives: that the directions d_k, not the "
                                    "gradients g_k, are conjugate needs CG's meaning",
    "curvature.taylor_model": "approximations are checked as series in Δx, Δy (the seed's second-order Taylor "
                              "expansion of F(p) is verified that way), but 'Hessian • Δp ≈ Jacobian' is words, and "
                              "the formulas beside it write ∂F²/∂x² (∂²F/∂x², or ∂²(F²)/∂x²? the checker does not "
                              "guess), the word Hessian, • and evaluation bars |_p, which the reader cannot read",
    "dropout.geometric_mean": "a statement in prose about ensembles, not a formula",
    "dropout.mask": "the expectation E[m·h/p] is about random variables, which the audit does not reason about",
    "dropout.weight_scaling": "a rule stated in prose, not a formula",
    "initialization.fan_in_variance": "a variance of random weights: the audit does not reason about random "
                                      "variables",
    "initialization.relu_depth": "a variance of random weights: the audit does not reason about random variables",
    "initialization.truncated_normal": "a distribution (w ~ N(0, σ)) is context, not a claim",
    "initialization.uniform_variance": "a distribution (w ~ U(…)) and a name for it: context, not a claim",
    "beale.critical_points": "a claim about minima found by a run, not a formula",
    "newton.step": "a claim in prose about where a step lands",
    "quasi_newton.bfgs_quadratic_termination": "a claim in prose about reconstructing the inverse Hessian",
    "regularization.group_norm": "a name ('Tikhonov') given to a penalty, not a formula",
    "regularization.l1_sparsity": "a margin note in prose",
    "regularization.map_priors": "a name ('unit Gaussian') given to a prior, not a formula",
}


@dataclass(frozen=True)
class Erratum:
    """A seed slip recorded by hand in a registered derivation (a step whose claim is :class:`Differs`)."""

    name: str
    seed: str
    rule: str
    text: str


def seed_folder() -> Path | None:
    """The folder with the seed lecture notes, or ``None`` if there is none."""
    env = os.environ.get(SEEDS_ENV)
    if env:
        return Path(env) if Path(env).is_dir() else None
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def registered_errata() -> list[Erratum]:
    """Every registered step that records a seed's formula as wrong."""
    out = []
    for name in registry.names():
        for step in registry.get(name).steps:
            if isinstance(step.claim, Differs) and step.seed:
                out.append(Erratum(name, step.seed, step.rule, f"{step.rule} {step.lhs} {step.rhs}"))
    return out


def _tokens(text: str) -> set[str]:
    """The names in a formula or a sentence (Greek letters spelled out), LaTeX commands and small words left out."""
    spelled = []
    for ch in text:
        if "GREEK" in unicodedata.name(ch, "") and ch.isalpha():
            spelled.append(" " + unicodedata.name(ch).split()[-1].lower() + " ")
        else:
            spelled.append(ch)
    words = re.findall(r"[A-Za-z]+", "".join(spelled).replace("lamda", "lambda"))
    out = set()
    for w in words:
        for part in re.split(r"(?<=[a-z])(?=d[a-z])", w):  # dsigma2_dmu as sigma, mu
            part = part[1:] if part.startswith("d") and part[1:].lower() in _GREEKS else part
            if part not in _LATEX_WORDS:
                out.add(part)
    return out


_GREEKS = {"alpha", "beta", "gamma", "delta", "epsilon", "theta", "lambda", "mu", "sigma", "rho", "omega", "ell",
           "kappa", "phi", "eta", "nu", "tau", "xi", "pi", "psi", "chi", "zeta", "iota", "upsilon", "omicron"}


def _seed_of(path: str) -> str:
    return Path(path).name[:3]


def _link(step: StepVerdict, seed: str, errata: list[Erratum], numbers: frozenset[str] = frozenset()) -> Erratum | None:
    """The registered erratum of the same seed that cites the slip's equation number (``numbers``), else the one
    with the most names in common with the slip (at least two)."""
    mine = _tokens(step.reference + " " + step.claimed)
    best, score = None, 1
    for e in errata:
        if e.seed != seed:
            continue
        if numbers & _cited(e.text):
            return e
        common = len(mine & _tokens(e.text))
        if common > score:
            best, score = e, common
    return best


_NUMBERED = re.compile(r"\\tag\{(\d+)\}|\\q?quad\s*\((\d+)\)|^\s*\((\d+)\)\s*$", re.M)


def _cited(text: str) -> frozenset[str]:
    """The equation numbers an erratum cites: ``eq. (16)``, ``eqs. (7), (10), (13)``.

    >>> sorted(_cited("seed 003 eqs. (7), (10), (13) sum from i = 0"))
    ['10', '13', '7']
    """
    out = set()
    for m in re.finditer(r"\beqs?\.\s*((?:\(\d+\)(?:,\s*|\s*and\s*)?)+)", text):
        out |= set(re.findall(r"\d+", m.group(1)))
    return frozenset(out)


def _numbers_at(lines: list[str], step: StepVerdict) -> frozenset[str]:
    r"""The equation numbers printed with the slip's formula: ``\tag{7}``, ``\qquad (7)`` or a line ``(7)``,
    on the formula's lines or the two after them.

    >>> sorted(_numbers_at(["$$", r"g = h, \qquad (7)", "$$"], StepVerdict(2, 2, "h", "g", Outcome.SLIP)))
    ['7']
    """
    near = "\n".join(lines[max(0, step.line - 1):step.end_line + 2])
    return frozenset(n for groups in _NUMBERED.findall(near) for n in groups if n)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def docs_pages() -> list[Page]:
    """One page: the audit of every seed, the slips it finds, and the registered errata it does not."""
    folder = seed_folder()
    lines = ["# Auditing the seeds", "",
             "`derivkit audit FILE` reads a Markdown or LaTeX document and checks every step of its derivations "
             "in context: definitions (`Let`, `define`, `:=`, `where`, the first equation that gives a name a "
             "value), derivative claims against the derivative of the definition (a partial on the computational "
             "graph when the variable is itself defined), conditions to be solved, update rules that rewrite each "
             "other, approximations as series in their small quantity (to the order the text states), names "
             "applied to argument lists (`C(f(x; θ), y)`) as functions replaced by random ones, and iterative "
             "update rules by what they must do: from the zero state with a constant gradient g the first step "
             "must descend (g·Δθ₁ < 0 for every g ≠ 0, learning rates > 0, decays in (0, 1)), a bias-corrected "
             "moving average must equal a constant input at every step (proved for all t by solving the "
             "recurrence, or refuted at the first t where it fails), and an assignment that closes the iteration "
             "must carry the new value forward. Every step is **verified** (and how), a **slip** (with a counterexample) or **unchecked** "
             "(and why). This page runs it on the five seed lecture notes when the docs are built.", ""]
    if folder is None:
        lines.append(f"*The seed folder was not found (set `{SEEDS_ENV}`): nothing was audited.*")
        return [Page("audit.md", "Auditing the seeds", "\n".join(lines), section="Checking")]
    paths = sorted(p for p in folder.glob("*.txt"))
    audits: list[Audit] = [audit_file(str(p), timeout=SEED_TIMEOUT) for p in paths]
    errata = registered_errata()
    lines += ["| seed | steps | verified | slip | unchecked | seconds |", "|---|---|---|---|---|---|"]
    for p, a in zip(paths, audits):
        c = a.summary()
        lines.append(f"| {p.name} | {len(a.steps)} | {c['verified']} | {c['slip']} | {c['unchecked']} | "
                     f"{a.seconds:.1f} |")
    lines += ["", "## Slips the audit finds", ""]
    linked: set[tuple[str, str]] = set()
    found = 0
    for p, a in zip(paths, audits):
        seed_lines = p.read_text(encoding="utf-8", errors="replace").split("\n")
        for s in a.steps:
            if s.verdict is not Outcome.SLIP:
                continue
            found += 1
            e = _link(s, _seed_of(str(p)), errata, _numbers_at(seed_lines, s))
            where = f"`{p.name}:{s.line}`"
            point = ", ".join(f"{k} = {v}" for k, v in (s.counterexample or ())) or "any point"
            relation = "\\approx" if s.relation == "≈" else s.relation
            lines.append(f"- {where}: ${_escape(s.reference)} {relation} {_escape(s.claimed)}$ at {point}: claimed "
                         f"{s.claimed_value}, expected {s.reference_value}"
                         + (f" ({'; '.join(s.diagnostics)})" if s.diagnostics else "") + ". "
                         + (f"Registered: [{e.name}]({e.name}.md) — {e.rule}" if e else
                            "No registered derivation records this slip."))
            if e:
                linked.add((e.name, e.rule))
    if not found:
        lines.append("None.")
    lines += ["", "## Registered errata the audit does not find by itself", "",
              "Each was found by a person and typed into a registered derivation (`derivkit list`).", ""]
    for e in errata:
        if (e.name, e.rule) in linked:
            continue
        why = WHY.get(e.name, "the audit finds no step of the seed here that it can read and check")
        lines.append(f"- [{e.name}]({e.name}.md), seed {e.seed}: {e.rule} — *why not found*: {why}.")
    reasons = Counter(_reason_kind(s.reason) for a in audits for s in a.steps if s.verdict is Outcome.UNCHECKED)
    lines += ["", "## Why steps stay unchecked", "", "| reason | steps |", "|---|---|"]
    lines += [f"| `{_escape(r).replace('`', '')}` | {n} |" for r, n in reasons.most_common()]  # as written
    lines += ["", "A slip is reported once, where it first appears; later steps of the chain are checked from the "
              "value it claimed. Steps the reader cannot read (converted slides keep garbled pieces) are "
              "unchecked, never guessed."]
    return [Page("audit.md", "Auditing the seeds", "\n".join(lines), section="Checking")]


def _reason_kind(reason: str) -> str:
    """The kind of an unchecked step's reason, without the step's own details."""
    reason = re.sub(r"column \d+", "column N", reason)
    reason = re.sub(r"\(.*?only on the claimed side\)", "(…)", reason)
    reason = re.sub(r"of [^(]+ \(the claimed side", "of … (the claimed side", reason)
    reason = re.sub(r"^\S+\(…\) applies \S+,", "f(…) applies f,", reason)
    reason = re.sub(r"matrices [^:]+:", "matrices …:", reason)
    reason = re.sub(r"function \S+ has", "function … has", reason)
    return reason[:120]
