"""`derivkit audit`: every step of a lecture-note document checked in context.

The documents in ``tests/audit_documents/`` are lecture notes written for these
tests (scalar calculus, algebra, sums over a batch, 2x2 matrices, update
rules), each with planted slips marked where the audit cannot see them (a LaTeX
``% planted`` comment, a Markdown ``<!-- planted -->``).  Every slip a reader
could check by hand: the correct values are in the comments of each test below
or follow from the document's own definitions.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from derivations.checking.audit import Outcome, audit_file, audit_text
from derivations.checking.document import Syntax
from numerics.cli.main import main

DOCUMENTS = sorted((Path(__file__).parent / "audit_documents").iterdir())
UNCHECKED_SHARE = 0.15


def _planted(path: Path) -> set[int]:
    return {n for n, line in enumerate(path.read_text().split("\n"), 1) if "planted" in line}


@pytest.fixture(scope="module")
def audits():
    return {p.name: audit_file(str(p), timeout=120) for p in DOCUMENTS}


def test_there_are_at_least_eight_documents_in_both_syntaxes():
    assert len(DOCUMENTS) >= 8
    assert {p.suffix for p in DOCUMENTS} == {".md", ".tex"}
    for p in DOCUMENTS:
        assert 1 <= len(_planted(p)) <= 3, p.name


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_planted_slip_is_found_at_its_line_and_nothing_else_is_a_slip(path, audits):
    audit = audits[path.name]
    assert 10 <= len(audit.steps) <= 40, len(audit.steps)
    slips = {s.line for s in audit.steps if s.verdict is Outcome.SLIP}
    assert slips == _planted(path)
    for s in audit.steps:
        if s.verdict is Outcome.SLIP:
            assert s.counterexample is not None and s.claimed_value != s.reference_value


def test_at_most_fifteen_percent_of_the_steps_are_unchecked(audits):
    steps = [s for a in audits.values() for s in a.steps]
    unchecked = [s for s in steps if s.verdict is Outcome.UNCHECKED]
    assert len(unchecked) <= UNCHECKED_SHARE * len(steps), [(s.line, s.reason) for s in unchecked]
    assert all(s.reason for s in unchecked)


def test_the_bias_gradient_slip_gives_a_counterexample_and_a_factor_diagnosis(audits):
    # dL/db of L = 1/(2m) sum (w x_i + b - y_i)^2 is (1/m) sum(...): the claim 2/m is twice it
    (slip,) = [s for s in audits["batch_statistics.md"].steps if s.verdict is Outcome.SLIP and s.line == 44]
    assert any("constant factor" in d and "2" in d for d in slip.diagnostics)


def test_a_sign_slip_is_diagnosed_as_one(audits):
    # d/dz log(1 + exp(-z)) = -(1 - sigma(z)); the document's last step drops the sign
    (slip,) = [s for s in audits["sigmoid.md"].steps if s.verdict is Outcome.SLIP and s.line == 42]
    assert any("sign" in d for d in slip.diagnostics)


def test_a_minimizer_is_checked_against_the_condition_it_solves(audits):
    # "setting the derivative to zero": 2 a w + b = 0, solved by w = -b/(2a)
    steps = audits["quadratic.tex"].steps
    assert any(s.verdict is Outcome.VERIFIED and "solves the condition" in s.method for s in steps)
    assert not any(s.verdict is Outcome.SLIP and s.claimed.strip() == "0" for s in steps)


def test_graph_partial_holds_the_other_defined_quantities_fixed():
    doc = ("Let $\\sigma^2 = \\frac{1}{m} \\sum_{j=1}^m (x^{(j)} - \\mu)^2$ with\n"
           "$\\mu = \\frac{1}{m} \\sum_{j=1}^m x^{(j)}$. On the graph,\n"
           "$$\\frac{\\partial \\sigma^2}{\\partial \\mu} = -\\frac{2}{m} \\sum_{j=1}^m (x^{(j)} - \\mu)$$\n"
           "and with a spurious factor\n"
           "$$\\frac{\\partial \\sigma^2}{\\partial \\mu} = -\\frac{2}{m} \\sum_{j=1}^m (x^{(j)} - \\mu) x^{(j)}$$\n")
    steps = audit_text(doc).steps
    assert [(s.line, s.verdict) for s in steps] == [(3, Outcome.VERIFIED), (5, Outcome.SLIP)]


def test_a_function_application_is_never_read_as_a_product():
    # sigma has no definition: sigma(2z) must not become sigma * 2z
    steps = audit_text("Since $\\sigma(2z) = 2 z \\sigma$, we are done.").steps
    assert [s.verdict for s in steps] == [Outcome.UNCHECKED]
    assert "function" in steps[0].reason
    defined = audit_text("Let $f(x) = x^2$. Then $f(2y) = 4y^2$ and $f(y + 1) = y^2 + 1$.").steps
    assert [s.verdict for s in defined] == [Outcome.VERIFIED, Outcome.SLIP]


def test_a_slip_is_reported_once_and_the_chain_goes_on_from_it():
    steps = audit_text("$$\n(x + 1)^2 = x^2 + x + 1 = 1 + x + x^2\n$$").steps
    assert [s.verdict for s in steps] == [Outcome.SLIP, Outcome.VERIFIED]
    assert "slipped value" in steps[1].method


def test_successive_update_rules_are_rewritings_of_each_other():
    doc = ("$$w \\leftarrow w - \\epsilon (g + \\alpha w)$$\n\n$$w \\leftarrow (1 - \\epsilon \\alpha) w - \\epsilon g$$\n\n"
           "$$w \\leftarrow (1 + \\epsilon \\alpha) w - \\epsilon g$$\n")
    steps = audit_text(doc).steps
    assert [(s.line, s.verdict) for s in steps] == [(3, Outcome.VERIFIED), (5, Outcome.SLIP)]


def test_a_name_applied_to_an_argument_list_is_a_function_and_a_restated_sum_is_checked():
    # g is defined by a mean over i = 1..m; restating it with the same sum, or with the gradient moved inside
    # (linearity), holds; a sum from i = 0 has m + 1 terms: the extra term C(f(x_0; θ), y_0) is not zero
    doc = ("The batch gradient is\n\n$$g = \\frac{1}{m} \\nabla_{\\theta} \\sum_{i=1}^{m} C(f(x_i; \\theta), y_i)$$\n\n"
           "With momentum, the gradient is again\n\n"
           "$$g = \\frac{1}{m} \\sum_{i=1}^{m} \\nabla_{\\theta} C(f(x_i; \\theta), y_i)$$\n\n"
           "and for RMSProp\n\n$$g = \\frac{1}{m} \\nabla_{\\theta} \\sum_{i=0}^{m} C(f(x_i; \\theta), y_i)$$\n")
    steps = audit_text(doc, timeout=60).steps
    assert [(s.line, s.verdict) for s in steps] == [(7, Outcome.VERIFIED), (11, Outcome.SLIP)]
    slip = steps[1]
    assert slip.counterexample is not None and slip.claimed_value != slip.reference_value
    assert any("random quadratic" in d for d in slip.diagnostics)  # C and f were replaced by functions


def test_an_approximation_is_not_an_identity():
    steps = audit_text("$\\frac{22}{7} \\approx 3.14$ and $\\frac{22}{7} \\approx 3.15$, "
                       "$\\exp(h) \\approx 1 + h$").steps
    assert [s.verdict for s in steps] == [Outcome.VERIFIED, Outcome.SLIP, Outcome.UNCHECKED]


TAYLOR = r"""# Taylor models

Using the second-order Taylor expansion of $F$ about $p_0$:

$$F(p) \approx F(p_0) + F'(p_0)(p - p_0) + \frac{1}{2}F''(p_0)(p - p_0)^2$$

To first order,

$$F(p) \approx F(p_0) + F'(p_0)(p - p_0)$$

A second-order model that forgets the half:

$$F(p) \approx F(p_0) + F'(p_0)(p - p_0) + F''(p_0)(p - p_0)^2$$

The change of a function of two variables:

$$F(x + \Delta x, y + \Delta y) - F(x, y) \approx \Delta x \frac{\partial F}{\partial x} + \Delta y \frac{\partial F}{\partial y}$$

The curvature term alone is not the change:

$$F(x + \Delta x, y + \Delta y) - F(x, y) \approx \Delta x^2 \frac{\partial^2 F}{\partial x^2} + \Delta y^2 \frac{\partial^2 F}{\partial y^2}$$
"""


def test_an_approximation_in_a_small_quantity_is_checked_as_a_series_to_the_order_stated():
    # Taylor's theorem: F(p) − [F(p₀) + F'(p₀)h + F''(p₀)h²/2] = O(h³), and F(p₀ + h) − F(p₀) − F'(p₀)h = O(h²);
    # doubling the h² term leaves an h² error (line 13); ΔF = F_x Δx + F_y Δy + O(|Δ|²), so a quadratic form
    # alone misses the first-order change (line 21)
    steps = audit_text(TAYLOR, timeout=60).steps
    assert [(s.line, s.verdict) for s in steps] == [(5, Outcome.VERIFIED), (9, Outcome.VERIFIED), (13, Outcome.SLIP),
                                                    (17, Outcome.VERIFIED), (21, Outcome.SLIP)]
    assert "through t^2 (the order stated)" in steps[0].method and "through t^1 (the order stated)" in steps[1].method
    assert "leading order" in steps[3].method and "not a proof" in steps[3].method
    assert "order t^2" in steps[2].diagnostics[0] and "order t^1" in steps[4].diagnostics[0]
    assert steps[2].claimed_value != steps[2].reference_value
    assert {s.relation for s in steps} == {"≈"}
    assert "F(p) ≈ F(p_0)" in audit_text(TAYLOR, timeout=60).report()  # the report never shows it as an identity


def test_an_approximation_with_a_partial_taken_at_no_written_point_is_unchecked():
    doc = "$$F(p + \\Delta p) - F(q) \\approx \\Delta p \\frac{\\partial F}{\\partial p}$$\n"
    (step,) = audit_text(doc).steps
    assert step.verdict is Outcome.UNCHECKED and "point of evaluation" in step.reason


# ---------------------------------------------------------------------------- bad input


def _run(tmp_path, capsys, name: str, content: bytes | str, *extra: str):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code = main(["audit", str(path), *extra])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out


def test_a_binary_file_is_refused_with_exit_2(tmp_path, capsys):
    code, out = _run(tmp_path, capsys, "a.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert code == 2 and "binary" in out.err and len(out.err.strip().split("\n")) == 1


def test_a_non_utf8_file_is_refused_with_exit_2(tmp_path, capsys):
    code, out = _run(tmp_path, capsys, "latin.md", "Let $x = 1$, d\u00e9j\u00e0 vu".encode("latin-1"))
    assert code == 2 and "UTF-8" in out.err


def test_a_huge_file_is_refused_without_reading_it_whole(tmp_path, capsys):
    path = tmp_path / "huge.md"
    with open(path, "wb") as fh:  # 100 MB, sparse
        fh.truncate(100 * 1024 * 1024)
    start = time.monotonic()
    code = main(["audit", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "larger than" in err
    assert time.monotonic() - start < 30


def test_a_large_document_is_audited_within_the_time_limit(tmp_path, capsys):
    line = "Let $x_1 = 2$ and $$(a+b)^2 = a^2 + 2ab + b^2$$\n"
    start = time.monotonic()
    code, out = _run(tmp_path, capsys, "large.md", line * 40_000, "--timeout", "4")
    assert time.monotonic() - start < 4 + 8
    assert code == 0 and "time limit" in out.out


def test_a_missing_file_and_a_directory_exit_2(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "nope.md")]) == 2
    assert main(["audit", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_unbalanced_dollars_and_unknown_environments_are_unchecked_steps(tmp_path, capsys):
    code, out = _run(tmp_path, capsys, "odd.tex", "\\begin{weird} a &= b \\end{weird}\nprice $5\n\n$x + x = 2x$\n")
    assert code == 0
    assert "unknown environment 'weird'" in out.out and "unbalanced" in out.out
    assert "verified" in out.out


def test_a_formula_too_hard_to_simplify_stays_within_the_time_bound(tmp_path, capsys):
    # each step is a true identity of degree 48 in five variables: expanding it takes far longer than its share
    hard = ("$$\\left(a + b + c + d + e\\right)^{24} \\left(a - b + c - d + e\\right)^{24} = "
            "\\left((a + c + e)^2 - (b + d)^2\\right)^{24}$$\n\n")
    start = time.monotonic()
    code, out = _run(tmp_path, capsys, "hard.md", hard * 30 + "$x + x = 3x$\n", "--timeout", "4", "--json")
    elapsed = time.monotonic() - start
    record = json.loads(out.out)
    assert elapsed < 4 + 5, elapsed
    verdicts = [s["verdict"] for s in record["steps"]]
    assert len(verdicts) == 31 and "slip" not in verdicts[:30]
    # each hard step is unchecked, stopped by its time share or refused up front by the size estimate
    assert all(s["verdict"] == "unchecked" and ("time limit" in s["reason"] or "the limit is" in s["reason"])
               for s in record["steps"][:30])
    assert code in (0, 1)


def test_json_record_has_the_documented_fields(tmp_path, capsys):
    code, out = _run(tmp_path, capsys, "n.md", "Expand $(a + b)^2 = a^2 + b^2$.\n", "--json")
    record = json.loads(out.out)
    assert code == 1 and record["summary"] == {"verified": 0, "slip": 1, "unchecked": 0}
    (step,) = record["steps"]
    assert set(step) >= {"line", "end_line", "claimed", "reference", "verdict", "method", "counterexample",
                         "diagnostics", "reason"}
    assert step["line"] == 1 and step["verdict"] == "slip" and set(step["counterexample"]) == {"a", "b"}
    assert step["relation"] == "="


def test_out_writes_an_annotated_copy_and_never_overwrites_other_files(tmp_path, capsys):
    doc = tmp_path / "notes.tex"
    doc.write_text("\\begin{equation}\n(a + b)^2 = a^2 + b^2\n\\end{equation}\n")
    out = tmp_path / "notes.audited.tex"
    assert main(["audit", str(doc), "--out", str(out)]) == 1
    assert "SLIP" in out.read_text().split("\n")[1]
    assert main(["audit", str(doc), "--out", str(out)]) == 1  # its own output may be replaced
    other = tmp_path / "mine.tex"
    other.write_text("keep me")
    assert main(["audit", str(doc), "--out", str(other)]) == 2
    assert main(["audit", str(doc), "--out", str(doc)]) == 2
    assert other.read_text() == "keep me"
    capsys.readouterr()


def test_function_option_reads_a_name_as_a_function(tmp_path, capsys):
    # read as a product, u(x + y) = u x + u y is distributivity and would be "verified"
    doc = "$$u(x + y) = u x + u y$$\n"
    code, out = _run(tmp_path, capsys, "u.md", doc)
    assert code == 0 and ": verified —" in out.out
    code, out = _run(tmp_path, capsys, "u.md", doc, "--function", "u")
    assert code == 0 and ": unchecked —" in out.out and "function" in out.out  # u applied, then u alone: refused
    # as a function, u(x + y) = u(x) + u(y) is false for a nonlinear u: random smooth stand-ins find it
    additive = "$$u(x + y) = u(x) + u(y)$$\n"
    code, out = _run(tmp_path, capsys, "v.md", additive)
    assert code == 0 and ": verified —" in out.out  # u a number: distributivity
    code, out = _run(tmp_path, capsys, "v.md", additive, "--function", "u")
    assert code == 1 and ": slip —" in out.out and "random smooth functions" in out.out
    assert main(["audit", str(tmp_path / "u.md"), "--function", "2x"]) == 2


def test_matrix_option_checks_products_of_declared_matrices_as_matrices(tmp_path, capsys):
    # (AB)^T = A^T B^T is false for matrices (it is B^T A^T); a scalar reading calls it verified
    doc = "$$(A B)^T = A^T B^T$$\n\n$$(A B)^T = B^T A^T$$\n"
    code, out = _run(tmp_path, capsys, "m.md", doc, "--matrix", "A,B")
    lines = out.out.split("\n")
    assert code == 1 and ":1: slip —" in lines[0] and ":3: verified —" in lines[1]
    code, out = _run(tmp_path, capsys, "m.md", doc)  # undeclared, A B is a number: its transpose is refused
    assert code == 0 and out.out.count(": unchecked —") == 2 and "--matrix" in out.out
    code, out = _run(tmp_path, capsys, "w.md", "$$\\mathbf{a}^T \\mathbf{b} = \\mathbf{b}^T \\mathbf{a}$$\n",
                     "--vector", "a,b")
    assert code == 0 and ": verified —" in out.out
    assert main(["audit", str(tmp_path / "m.md"), "--matrix", "A", "--scalar", "A"]) == 2


def test_latex_syntax_reads_environments_and_ignores_comments():
    doc = "% $x = 2$ is a comment\n\\begin{align}\nf &= (x - 1)^2 \\\\\n  &= x^2 - 2x + 1\n\\end{align}\n"
    steps = audit_text(doc, Syntax.LATEX).steps
    assert [(s.line, s.verdict) for s in steps] == [(4, Outcome.VERIFIED)]


def test_the_docs_page_lists_the_slips_found_and_the_errata_not_found(tmp_path, monkeypatch):
    from numerics.site.pages import audit as page

    (tmp_path / "001_notes.txt").write_text(
        "$$\\sigma^2 = \\frac{1}{m} \\sum_{j=1}^m (x^{(j)} - \\mu)^2$$\n\n"
        "$$\\frac{\\partial \\sigma^2}{\\partial \\mu} = -\\frac{2}{m} \\sum_{j=1}^m (x^{(j)} - \\mu) x_i^{(j)}$$\n")
    monkeypatch.setenv(page.SEEDS_ENV, str(tmp_path))
    (p,) = page.docs_pages()
    found = p.markdown.split("## Slips the audit finds")[1].split("## Registered errata")[0]
    assert "`001_notes.txt:3`" in found and "[batchnorm.backward](batchnorm.backward.md)" in found
    missing = p.markdown.split("## Registered errata the audit does not find by itself")[1]
    assert "first_order.adam_bias_correction" in missing and "batchnorm.backward" not in missing
    # a slip whose formula carries an equation number is linked to the erratum that cites that number
    (tmp_path / "003_notes.txt").write_text(
        "$$\ng = \\frac{1}{m} \\sum_{i=1}^{m} C(x_i; \\theta), \\qquad (4)\n$$\n\n"
        "$$\ng = \\frac{1}{m} \\sum_{i=0}^{m} C(x_i; \\theta), \\qquad (7)\n$$\n")
    (p,) = page.docs_pages()
    found = p.markdown.split("## Slips the audit finds")[1].split("## Registered errata")[0]
    assert "`003_notes.txt:6`" in found and "[first_order.sgd](first_order.sgd.md)" in found
    monkeypatch.setenv(page.SEEDS_ENV, str(tmp_path / "nowhere"))
    (empty,) = page.docs_pages()
    assert "not found" in empty.markdown
