"""Formulas and relations of a document, with the line numbers a reader would point to."""

from __future__ import annotations

from derivations.checking.document import Formula, Garbled, Syntax, formulas, relations

MARKDOWN = """# Ridge regression

Let $J(w) = \\frac{1}{2}\\|Xw - y\\|^2 + \\frac{\\alpha}{2} w^T w$ be the loss.
Its gradient is
$$
\\nabla J = X^T(Xw - y) + \\alpha w
$$
$$
= (X^T X + \\alpha I) w - X^T y
$$
Prices are \\$5 and code `a = b` is not a claim:

```
x = y
```
"""

LATEX = r"""\documentclass{article}
\begin{document}
% a comment with $x = 1$ is not a formula
\begin{align}
  L &= (w - 1)^2 \\
    &= w^2 - 2w + 1 \label{eq:l}
\end{align}
and \(a = b = c\) inline, then
\begin{equation*}
  \sigma^2 = \frac{1}{m}\sum_{j=1}^m (x^{(j)} - \mu)^2
\end{equation*}
\end{document}
"""


def test_markdown_formulas_lines_and_prose():
    found = formulas(MARKDOWN)
    assert all(isinstance(f, Formula) for f in found)
    assert [(f.line, f.end_line, f.display) for f in found] == [(3, 3, False), (5, 7, True), (8, 10, True)]
    assert found[0].prose == "Let"


def test_code_and_escaped_dollars_are_not_formulas():
    texts = [f.text for f in formulas(MARKDOWN)]
    assert not any("a = b" in t or "x = y" in t for t in texts)


def test_a_display_formula_starting_with_equals_continues_the_previous_one():
    rels = relations(formulas(MARKDOWN))
    assert [(r.line, r.left, r.right, r.continued) for r in rels] == [
        (3, "J(w)", "\\frac{1}{2}\\|Xw - y\\|^2 + \\frac{\\alpha}{2} w^T w", False),
        (6, "\\nabla J", "X^T(Xw - y) + \\alpha w", False),
        (9, "X^T(Xw - y) + \\alpha w", "(X^T X + \\alpha I) w - X^T y", True),
    ]


def test_latex_aligned_rows_chains_and_comments():
    rels = relations(formulas(LATEX, Syntax.LATEX))
    assert [(r.line, r.left, r.symbol, r.right) for r in rels] == [
        (5, "L", "=", "(w - 1)^2"),
        (6, "(w - 1)^2", "=", "w^2 - 2w + 1"),
        (8, "a", "=", "b"),
        (8, "b", "=", "c"),
        (10, "\\sigma^2", "=", "\\frac{1}{m}\\sum_{j=1}^m (x^{(j)} - \\mu)^2"),
    ]


def test_relation_symbols_of_update_rules_and_approximations():
    doc = r"$w \leftarrow w - \epsilon g$, $f(x+h) \approx f(x) + h f'(x)$ and $w \sim \mathcal{N}(0, 1)$"
    assert [r.symbol for r in relations(formulas(doc))] == ["\\leftarrow", "\\approx", "\\sim"]


def test_relations_inside_braces_are_not_split():
    (rel,) = relations(formulas(r"$\sum_{i=1}^{n} x_i = S$"))
    assert (rel.left, rel.right) == (r"\sum_{i=1}^{n} x_i", "S")


def test_garbled_pieces_are_reported_not_raised():
    found = formulas("Cost $5 and nothing closes\n\nnext paragraph $x = 1$")
    assert isinstance(found[0], Garbled) and found[0].line == 1
    assert isinstance(found[1], Formula) and found[1].text == "x = 1" and found[1].line == 3
    odd = formulas(r"\begin{weird} a &= b \end{weird}", Syntax.LATEX)
    assert [type(f) for f in odd] == [Garbled] and "weird" in odd[0].reason


def test_nested_aligned_inside_equation():
    doc = "\\begin{equation}\n\\begin{aligned}\nf &= x^2 + 2x + 1 \\\\\n  &= (x + 1)^2\n\\end{aligned}\n\\end{equation}\n"
    rels = relations(formulas(doc, Syntax.LATEX))
    assert [(r.line, r.left, r.right) for r in rels] == [(3, "f", "x^2 + 2x + 1"), (4, "x^2 + 2x + 1", "(x + 1)^2")]


def test_binary_and_huge_input_never_raise():
    assert relations(formulas("\x00\x01$\x02$" * 1000)) is not None
    big = "$" + "x+" * 20_000 + "x = 1$"
    assert isinstance(formulas(big)[0], Garbled)


def test_an_environment_inside_display_dollars_is_one_formula():
    doc = "$$\\begin{aligned} f &= (x+1)^2 \\\\ &= x^2 + 2x + 1 \\end{aligned}$$\n$$= (1 + x)^2$$\n"
    found = formulas(doc)
    assert [(f.environment, f.display) for f in found] == [("aligned", True), ("", True)]
    assert [(r.left, r.right, r.continued) for r in relations(found)] == [
        ("f", "(x+1)^2", False), ("(x+1)^2", "x^2 + 2x + 1", True), ("x^2 + 2x + 1", "(1 + x)^2", True)]


def test_systems_boxes_and_implications_are_split_into_their_relations():
    doc = ("$$\\left| \\frac{\\partial \\ell}{\\partial \\beta} = \\sum_j g_j \\right.$$\n"
           "$$\\left\\{ \\begin{array}{l} \\mu = \\frac{1}{m} \\sum_j x_j \\\\\n"
           "\\frac{d\\mu}{dx_j} = \\frac{1}{m} \\end{array} \\right.$$\n"
           "$$\\boxed{w \\leftarrow (1 - \\epsilon \\alpha) w}$$\n"
           "$$m = 1 \\implies h = w_1 h_1, \\qquad (10)$$\n")
    assert [(r.line, r.left, r.symbol, r.right) for r in relations(formulas(doc))] == [
        (1, "\\frac{\\partial \\ell}{\\partial \\beta}", "=", "\\sum_j g_j"),
        (2, "\\mu", "=", "\\frac{1}{m} \\sum_j x_j"),
        (3, "\\frac{d\\mu}{dx_j}", "=", "\\frac{1}{m}"),
        (4, "w", "\\leftarrow", "(1 - \\epsilon \\alpha) w"),
        (5, "m", "=", "1"),
        (5, "h", "=", "w_1 h_1"),
    ]


def test_prose_labels_and_remarks_are_not_sides_of_a_relation():
    doc = ("$$\\text{Goal:} \\; J = \\sum_i \\ell_i, \\text{where } \\ell_i = (y_i - w x_i)^2$$\n"
           "$$\\begin{aligned} E &= \\frac{1}{k} v \\quad \\text{when errors are independent.} \\\\ &"
           " \\end{aligned}$$\n")
    assert [(r.left, r.right) for r in relations(formulas(doc))] == [
        ("J", "\\sum_i \\ell_i"), ("\\ell_i", "(y_i - w x_i)^2"), ("E", "\\frac{1}{k} v")]
