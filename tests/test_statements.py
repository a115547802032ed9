"""A formula cut into statements and sides: each rule of derivations.checking.statements, and what stays whole."""

from __future__ import annotations

import pytest

from derivations.checking.statements import Statement, clean, sides, split_top, statements


def _texts(formula: str, environment: str = "") -> list[str]:
    return [s.text.strip() for s in statements(formula, environment)]


def _sides(formula: str) -> list[list[str]]:
    return [sides(s.text) for s in statements(formula)]


@pytest.mark.parametrize("formula, expected", [
    # rows of aligned environments; a row that continues the one above keeps no empty left side
    (r"\begin{aligned} f &= (x+1)^2 \\ &= x^2 + 2x + 1 \end{aligned}", [["f", "(x+1)^2"], ["x^2 + 2x + 1"]]),
    (r"\begin{align} a &= b \\ c &\leftarrow d \end{align}", [["a", "b"], ["c", "d"]]),
    # a leftover "\\ &" is no side at all
    (r"\begin{aligned} & a = b \\ & \end{aligned}", [["a", "b"]]),
    # a system of equations in a bar or a brace: each row its own formula
    (r"\left| \frac{\partial \ell}{\partial \beta} = \sum_j g_j \right.",
     [[r"\frac{\partial \ell}{\partial \beta}", r"\sum_j g_j"]]),
    (r"\left\{ \begin{array}{l} \mu = \frac{1}{m} \sum_j x_j \\ \frac{d\mu}{dx_j} = \frac{1}{m} \end{array} \right.",
     [[r"\mu", r"\frac{1}{m} \sum_j x_j"], [r"\frac{d\mu}{dx_j}", r"\frac{1}{m}"]]),
    (r"\begin{cases} a = 1 \\ b = 2 \end{cases}", [["a", "1"], ["b", "2"]]),
    # a box around an update rule
    (r"\boxed{\mathbf{w} \leftarrow (1 - \epsilon \alpha) \mathbf{w}}",
     [[r"\mathbf{w}", r"(1 - \epsilon \alpha) \mathbf{w}"]]),
    # implications between formulas
    (r"m = \begin{bmatrix} 1 \\ 0 \end{bmatrix} \implies h = w_1 h_1",
     [["m", r"\begin{bmatrix} 1 \\ 0 \end{bmatrix}"], ["h", "w_1 h_1"]]),
    (r"a = 0 \Rightarrow b = 1", [["a", "0"], ["b", "1"]]),
    (r"a = 0 \iff b = 1", [["a", "0"], ["b", "1"]]),
    # equation numbers after the formula
    (r"g = \frac{1}{m} \sum_i x_i, \qquad (10)", [["g", r"\frac{1}{m} \sum_i x_i"]]),
    (r"\theta = \theta - \epsilon g. (5)", [[r"\theta", r"\theta - \epsilon g"]]),
    (r"v = \alpha v - \epsilon g,\tag{8}", [["v", r"\alpha v - \epsilon g"]]),
    # a leading prose label
    (r"\text{Goal:} \quad \min_w J(w)", [[r"\min_w J(w)"]]),
    # prose joining two formulas
    (r"L = \sum_i \ell(y_i, u_i), \text{ where } \ell(y, u) = (y - u)^2",
     [["L", r"\sum_i \ell(y_i, u_i)"], [r"\ell(y, u)", "(y - u)^2"]]),
    (r"x_k - x_{k-1} \text{ and } \mathbf{y}", [["x_k - x_{k-1}"], [r"\mathbf{y}"]]),
    (r"y_i = w x_i \text{for } i = 1", [["y_i", "w x_i"], ["i", "1"]]),
    # a top-level list: a comma and a spacing command
    (r"p = W x, \qquad a = g(p)", [["p", "W x"], ["a", "g(p)"]]),
    # a trailing remark in prose is not a formula
    (r"\frac{1}{k} \sum_i e_i \quad \text{when errors are independent.}", [[r"\frac{1}{k} \sum_i e_i"]]),
])
def test_each_rule_splits_as_a_reader_would(formula, expected):
    assert _sides(formula) == expected


@pytest.mark.parametrize("formula, expected", [
    # '=' inside a parenthesis or \left( ... \right) is part of the side
    (r"f(x = 1) + \left( a = b \right)", [r"f(x = 1) + \left( a = b \right)"]),
    # a comma inside a function's arguments lists nothing
    (r"J(\theta; X, y) = L(x, y)", [r"J(\theta; X, y)", "L(x, y)"]),
    # a comma between two pieces that are not both relations lists nothing
    (r"x_1, \dots, x_m = 0", [r"x_1, \dots, x_m", "0"]),
    # the rows of a bmatrix are entries, not formulas
    (r"v = \begin{bmatrix} a = 1 \\ b \end{bmatrix}", ["v", r"\begin{bmatrix} a = 1 \\ b \end{bmatrix}"]),
    # an evaluation bar is not a wrapper
    (r"\left. \frac{\partial L}{\partial w} \right|_{w_0}", [r"\left. \frac{\partial L}{\partial w} \right|_{w_0}"]),
    # a bar around something that states no relation stays
    (r"\left| x \right.", [r"\left| x \right."]),
    # a multiplication by a parenthesised number is not an equation number
    (r"a = 2 (10)", ["a", "2 (10)"]),
    # an arrow of a limit or of prose is no separator
    (r"\alpha \rightarrow \infty", [r"\alpha \rightarrow \infty"]),
    # \sim, <, \in stay inside their side
    (r"w \sim \mathcal{N}(0, 1)", [r"w \sim \mathcal{N}(0, 1)"]),
    (r"\kappa_i > 0 = b", [r"\kappa_i > 0", "b"]),
    # a condition stays with the formula it conditions
    (r"|x| = x \text{ if } x > 0", ["|x|", r"x \text{ if } x > 0"]),
    # a text that is a name stays, alone or beside a formula
    (r"\text{relu}", [r"\text{relu}"]),
    (r"h = \text{relu}(z) \quad \text{relu}", ["h", r"\text{relu}(z)", r"\text{relu}"]),
])
def test_what_is_not_split(formula, expected):
    assert [side for group in _sides(formula) for side in group] == expected


def test_a_cases_value_is_one_formula_and_an_array_without_relations_stays():
    piecewise = r"f(x) = \begin{cases} x & x > 0 \\ -x & x \le 0 \end{cases}"
    assert _sides(piecewise) == [["f(x)", r"\begin{cases} x & x > 0 \\ -x & x \le 0 \end{cases}"]]
    picture = r"\begin{array}{c} \longleftarrow w_1 \longrightarrow \\ W \end{array}"
    assert _texts(picture) == [picture]


def test_offsets_point_into_the_formula():
    formula = r"\left| a = b \right. \qquad c = d"
    found = statements(formula)
    assert [formula[s.offset:s.offset + len(s.text)] for s in found] == [s.text for s in found]
    assert [s.text.strip() for s in found] == ["a = b", "c = d"]
    assert all(isinstance(s, Statement) for s in found)


def test_align_environment_body_splits_into_rows():
    assert _texts(r" a &= b \\ &= c ", "align") == ["a &= b", "&= c"]


def test_split_top_and_clean():
    assert [p for _, p in split_top(r"a = \begin{bmatrix} 1 \\ 2 \end{bmatrix} \\ b", ("\\\\",))][::2] == \
        [r"a = \begin{bmatrix} 1 \\ 2 \end{bmatrix} ", " b"]
    assert clean(r" &= x^2 \label{eq:a} , ") == "= x^2"


def test_deep_nesting_and_long_lists_never_raise():
    nested = "\\boxed{" * 3000 + "a = b" + "}" * 3000
    assert [s.text for s in statements(nested)] == [nested[4 * len("\\boxed{"):-4]]
    listed = "a = 1, " * 2000
    assert len(statements(listed)) == 2000
