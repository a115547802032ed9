r"""Sums as lecture notes write them: over a set (\sum_{i \in M}, \sum_{w_k \in \theta}, \sum_{(x,y) \in B}),
over an index without limits (\sum_i), entries h_{ik} in a sum over i, and derivatives of an indexed top."""

import pytest
import sympy as sp

from derivations.checking.notation import set_sums
from derivations.errors import InputError
from derivations.reading.latex import parse_latex

R = lambda n: sp.Symbol(n, real=True)  # noqa: E731
X = lambda n: sp.IndexedBase(n, real=True)  # noqa: E731
i, j, k, m = R("i"), R("j"), R("k"), R("m")


@pytest.mark.parametrize("text, expected", [
    (r"\frac{n}{|\mathcal M|} \sum_{i \in \mathcal M} f_i", R("n") * sp.Sum(X("f")[i], (i, 1, R("n_M"))) / R("n_M")),
    (r"\sum_{w_k \in \theta} |w_k|", sp.Sum(sp.Abs(X("w")[k]), (k, 1, R("n_theta")))),
    (r"\frac{1}{|B|} \sum_{(x,y) \in B} \ell(y, g(x))",
     sp.Sum(sp.Function("ell", real=True)(X("y")[j], sp.Function("g", real=True)(X("x")[j])), (j, 1, R("n_B")))
     / R("n_B")),
    (r"\sum_i |w_i|", sp.Sum(sp.Abs(X("w")[i]), (i, 1, R("n_w")))),
    (r"\sum_{i} w_i^2", sp.Sum(X("w")[i] ** 2, (i, 1, R("n_w")))),
])
def test_a_sum_over_a_set_runs_over_an_index_up_to_the_size_of_the_set(text, expected):
    assert parse_latex(text) == expected


def test_a_pair_summed_over_takes_a_letter_the_formula_does_not_use():
    value = parse_latex(r"\sum_{(x,y) \in B} x y + j k")  # j and k are taken: the index is l
    assert value == sp.Sum(X("x")[R("l")] * X("y")[R("l")], (R("l"), 1, R("n_B"))) + j * k


def test_the_derivative_of_a_sum_over_a_set_picks_its_entry():
    value = parse_latex(r"\frac{\partial}{\partial w_i} \left(\frac{1}{2} \sum_{w_k \in \theta} w_k^2 \right)")
    n = R("n_theta")
    for size, at in ((3, 2), (5, 5)):  # w_i for 1 <= i <= n: the sum's one term with k = i
        assert value.subs({n: size, i: at}).doit() == X("w")[at]


def test_the_readers_size_of_a_set_is_the_audits():
    for text in (r"\sum_{w_k \in \theta} |w_k|", r"\sum_{i \in \mathcal M} g_i"):
        assert parse_latex(text) == parse_latex(set_sums(text))


@pytest.mark.parametrize("text, message", [
    (r"\sum_i x_i y_i", r"sums over i of x and y: the range of i is not settled"),
    (r"\sum_i c", r"sums over i of no name"),
    (r"\sum_{(x,y) \in B} x + B", r"B is the set of the sum .* also used as a number"),
    (r"\sum_{x^2 \in B} x", r"write i, w_i or \(x, y\) before \\in"),
    (r"\sum_{i \in M}^{n} x_i", r"has no upper limit"),
    (r"\sum_{(\mathbf{x}, y) \in B} \ell(y, f(\mathbf{x}))", r"a vector or an indexed name there is not read"),
])
def test_sums_whose_range_is_not_settled_are_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_latex(text)


@pytest.mark.parametrize("text, expected", [
    (r"\frac{1}{m} \sum_{i=1}^m h_{ik}", sp.Sum(X("h")[i, k], (i, 1, m)) / m),
    (r"\sum_{i=1}^m h_{ik} + h_{ik}", sp.Sum(X("h")[i, k], (i, 1, m)) + X("h")[i, k]),
    (r"\sum_{i=1}^m h_{jk}", sp.Sum(R("h_jk"), (i, 1, m))),  # the index is not among the letters: a name
    (r"\sum_{i=1}^m h_{\text{ik}}", sp.Sum(R("h_ik"), (i, 1, m))),  # \text: a name
    (r"\sum_{i=1}^m x_i + x_{ab}", sp.Sum(X("x")[i], (i, 1, m)) + R("x_ab")),  # x is of rank 1: x_{ab} is a name
])
def test_single_letters_with_the_index_among_them_are_the_indices_of_an_entry(text, expected):
    assert parse_latex(text) == expected


def test_an_index_beside_a_greek_letter_is_refused():
    with pytest.raises(InputError, match=r"h_ialpha in a sum over i reads as an entry or as a name"):
        parse_latex(r"\sum_{i=1}^m h_{i\alpha}")


@pytest.mark.parametrize("top_indexed, bottom_indexed", [
    (r"\frac{\partial \ell^{(j)}}{\partial y}", r"\frac{\partial \ell}{\partial y^{(j)}}"),
    (r"\frac{\partial \ell_i}{\partial \beta}", r"\frac{\partial \ell}{\partial \beta_i}"),
    (r"\frac{\partial b^{(j)}}{\partial c^{(j)}}", r"\frac{\partial b}{\partial c^{(j)}}"),
])
def test_an_index_of_the_differentiated_name_is_kept_apart_from_one_of_the_variable(top_indexed, bottom_indexed):
    assert parse_latex(top_indexed) != parse_latex(bottom_indexed)


def test_a_derivative_of_an_indexed_top_is_an_entry_in_a_sum_over_its_index():
    value = parse_latex(r"\sum_{i=1}^m \frac{\partial \ell_i}{\partial \beta}")
    assert value == sp.Sum(X("dell_*_dbeta")[i], (i, 1, m))  # not m times one symbol


def test_a_bold_name_raised_to_the_index_of_its_sum_is_the_sample_not_a_power():
    sample = parse_latex(r"\sum_{i=1}^{m} C(\mathbf{x}^{i}, \theta)")
    assert sample == parse_latex(r"\sum_{i=1}^{m} C(\mathbf{x}^{(i)}, \theta)")
    assert not sample.atoms(sp.Pow)
    assert parse_latex(r"\sum_{i=1}^{m} x^{i}") == sp.Sum(R("x") ** i, (i, 1, m))  # a plain name: a power
    assert parse_latex(r"\sum_{j=1}^{m} \mathbf{x}^{i}").atoms(sp.Pow)  # i is not the index of the sum


def test_a_gradient_with_respect_to_a_number_of_a_sum_over_samples_is_taken_term_by_term():
    value = parse_latex(r"\nabla_{\theta} \sum_{i=1}^{m} C(f(\mathbf{x}^{i}; \theta), \mathbf{y}^{i})")
    assert value.has(sp.Derivative) and isinstance(value, sp.Sum)


@pytest.mark.parametrize("text", [r"\frac{d}{dx} (y + 1)", r"\frac{\partial}{\partial x} (y z)",
                                  r"\frac{\partial}{\partial x_j} \sum_{i=1}^n y_i^2"])
def test_a_derivative_of_a_formula_that_does_not_show_the_variable_is_refused_not_read_as_zero(text):
    with pytest.raises(InputError, match="does not appear"):
        parse_latex(text)


@pytest.mark.parametrize("operator, fraction", [
    (r"\frac{d}{dx} y", r"\frac{dy}{dx}"),
    (r"\frac{\partial^2}{\partial x^2} y", r"\frac{\partial^2 y}{\partial x^2}"),
    (r"\frac{\partial}{\partial \boldsymbol W^{(t)}} \sum_{i=1}^n \ell_i",
     r"\sum_{i=1}^n \frac{\partial \ell_i}{\partial \boldsymbol W^{(t)}}"),
    (r"\frac{\partial}{\partial x_j} \sum_{i=1}^n y_i", r"\sum_{i=1}^n \frac{\partial y_i}{\partial x_j}"),
])
def test_the_operator_before_a_lone_name_is_the_derivative_the_fraction_names(operator, fraction):
    value = parse_latex(operator)
    assert value == parse_latex(fraction) and value != 0
