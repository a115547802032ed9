"""The HTML site builder and the readable printer: math found and converted, failures named, navigation by topic."""

from __future__ import annotations

import sympy as sp

from derivations import registry
from derivations.printing import ReadablePrinter, latex_of
from derivations.render import to_markdown
from numerics.site.html import MORE, build_html, nav
from numerics.site.mathml import Formula, MathError, split_math, to_mathml


def test_math_inside_code_is_left_alone():
    text = "```sh\necho $HOME and $$x$$\n```\n\nInline `$a$`, but $b$ and $`c`$ are math.\n\n$$\nd\n$$\n"
    found = [p for p in split_math(text) if isinstance(p, Formula)]
    assert found == [Formula("b", False), Formula("c", False), Formula("d", True)]
    assert "".join(p if isinstance(p, str) else "" for p in split_math(text)).count("$HOME") == 1


def test_a_double_superscript_is_refused_not_guessed():
    try:
        to_mathml("x^{(k)}^{2}", display=True)
    except MathError as exc:
        assert "x^{(k)}^{2}" in str(exc)
    else:
        raise AssertionError("x^{(k)}^{2} is not LaTeX and must not convert")


def test_a_page_that_fails_to_render_is_named(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n[ok](newton.step.md)\n")
    (docs / "newton.step.md").write_text("# Step\n\n$$\n\\frac{1}{2}\n$$\n")
    (docs / "batchnorm.bad.md").write_text("# Bad\n\n$$\nx^{(k)}^{2}\n$$\n")
    built = build_html(docs, tmp_path / "site", notebook=None)
    assert len(built.failures) == 1 and built.failures[0].startswith("batchnorm.bad.md: ")
    html = (built.site / "newton.step.html").read_text()
    assert "<mfrac>" in html and "$$" not in html and "DKMATH" not in html


def test_navigation_groups_pages_by_topic(tmp_path):
    for name in ("index", "batchnorm.dx", "regularization.ridge", "regularization-errata", "mystery"):
        (tmp_path / f"{name}.md").write_text(f"# Title of {name}\n")
    sections = {next(iter(entry)): entry[next(iter(entry))] for entry in nav(tmp_path)}
    assert sections["Home"] == "index.md"
    assert sections["Regularization"] == [{"Title of regularization.ridge": "regularization.ridge.md"}]
    assert sections["Errata"] == [{"Title of regularization-errata": "regularization-errata.md"}]
    assert sections[MORE] == [{"Title of mystery": "mystery.md"}]  # no page is dropped


def test_differences_read_as_people_write_them():
    x, mu = sp.symbols("x mu")
    assert latex_of(x - mu) == r"x - \mu"
    assert latex_of(-mu + x**2 - 1) == r"x^{2} - \mu - 1"
    assert latex_of(-x - mu) == r"- \mu - x"  # nothing positive to put first


def test_no_fraction_inside_a_fraction():
    g, s = sp.symbols("g s", positive=True)
    printer = ReadablePrinter({g: r"\frac{\partial \ell}{\partial \hat{x}}"})
    out = printer.doprint(-3 * g / (2 * sp.sqrt(s)))
    assert out == r"- \frac{3}{2 \sqrt{s}} \frac{\partial \ell}{\partial \hat{x}}"
    assert out.count(r"\frac") == 2 and r"\frac{\frac" not in out


def test_every_registered_page_converts_to_mathml():
    bad = []
    for name in registry.names():
        for piece in split_math(to_markdown(registry.get(name))):
            if isinstance(piece, Formula):
                try:
                    to_mathml(piece.latex, piece.display)
                except MathError as exc:
                    bad.append(f"{name}: {exc}")
    assert bad == []


def test_batch_norm_reads_like_the_seed():
    page = to_markdown(registry.get("batchnorm.forward"))
    assert r"\left(x^{(l)} - \mu\right)^{2}" in page  # not (-mu + x)
    assert r"\frac{x^{(j)} - \mu}{\sqrt{" in page
    assert r"\frac{\frac" not in to_markdown(registry.get("batchnorm.backward"))
