r"""Inline notation of lecture notes: \partial f / \partial x, evaluation bars whose variable the derivative
settles, and (\partial L / \partial \theta)_{\theta_0} of a vector."""

import pytest
import sympy as sp

from derivations.errors import InputError
from derivations.reading.latex import parse_latex, read_latex
from derivations.reading.shapes import Kind, matrix, vector

R = lambda n: sp.Symbol(n, real=True)  # noqa: E731
X = lambda n: sp.IndexedBase(n, real=True)  # noqa: E731


@pytest.mark.parametrize("inline, fraction", [
    (r"\partial \ell_i / \partial \boldsymbol W^{(1)}", r"\frac{\partial \ell_i}{\partial \boldsymbol W^{(1)}}"),
    (r"\partial \ell / \partial w", r"\frac{\partial \ell}{\partial w}"),
    (r"\left( \partial \ell_i / \partial a^{(1)}_j \right)", r"\frac{\partial \ell_i}{\partial a^{(1)}_j}"),
])
def test_a_slash_derivative_is_the_partial_derivative_the_fraction_writes(inline, fraction):
    assert parse_latex(inline) == parse_latex(fraction)


def test_a_slash_derivative_divides_nothing_else():
    assert parse_latex(r"2 \partial f / \partial x + y") == 2 * R("df_dx") + R("y")
    with pytest.raises(InputError, match=r"write \\frac\{\\partial f\}\{\\partial x\} or \\partial f / \\partial x"):
        parse_latex(r"\partial f + x")


def _derivative_at(point, order=1):
    t = sp.Dummy("t", real=True)
    return sp.Subs(sp.Derivative(sp.Function("L", real=True)(t), (t, order)), t, point)


@pytest.mark.parametrize("text, point, order", [
    (r"\left| \frac{\partial L}{\partial \theta} \right|_{\theta_t}", R("theta_t"), 1),
    (r"\left| \frac{\partial L}{\partial \theta} \right|_{\theta_t + \alpha v_t}", R("theta_t") + R("alpha") * R("v_t"), 1),
    (r"\left. \frac{\partial L}{\partial \theta} \right|_{\theta_0}", R("theta_0"), 1),
    (r"\left( \frac{\partial^2 L}{\partial \theta^2} \right)_{\theta_0}", R("theta_0"), 2),
])
def test_a_bar_after_a_derivative_substitutes_the_variable_differentiated(text, point, order):
    value = parse_latex(text)
    expected = _derivative_at(point, order)
    assert isinstance(value, sp.Subs) and value.doit().dummy_eq(expected.doit())
    f = sp.Lambda(R("u"), sp.sin(3 * R("u")))  # L = sin(3u): the value at the point, against the closed form
    at = {R("theta_t"): 0.3, R("alpha"): 0.5, R("v_t"): -0.2, R("theta_0"): 0.3}
    closed = {1: 3 * sp.cos(3 * point), 2: -9 * sp.sin(3 * point)}[order]
    assert abs(float(value.doit().replace(sp.Function("L", real=True), f).doit().subs(at)) - float(closed.subs(at))) < 1e-12


@pytest.mark.parametrize("text, message", [
    (r"\left. \frac{\partial F}{\partial x} \right|_p", r"write the point of an evaluation bar"),
    (r"\left| \frac{\partial L}{\partial \theta} \right|_{\alpha}", r"alpha is not written as a value of theta"),
    (r"\left. \frac{\partial^2 F}{\partial x \partial y} \right|_{x_0}", r"write the point of an evaluation bar"),
    (r"\left| x \right|_{x_0}", r"unexpected '_'"),  # an absolute value with a subscript: no derivative to evaluate
    (r"\left| \frac{\partial L}{\partial \theta} \right|_{\theta_t} + L", r"L is written both as a function"),
])
def test_a_bar_whose_point_is_not_a_value_of_the_variable_is_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_latex(text)


def test_the_derivative_at_a_point_of_a_vector_is_the_gradient_and_the_hessian():
    r = read_latex([r"(\theta - \theta_0)^T \left(\frac{\partial L}{\partial \theta} \right)_{\theta_0} + \frac{1}{2}"
                    r"(\theta - \theta_0)^T \left(\frac{\partial^2 L}{\partial \theta^2} \right)_{\theta_0} (\theta - \theta_0)",
                    r"(\theta - \theta_0)^T \nabla_{\theta} L(\theta_0)"], rhs_of_equation=False)
    d = vector("theta") - vector("theta_0")
    assert r.values[0] == sp.transpose(d) * vector("nabla_theta_L(theta_0)") \
        + sp.transpose(d) * matrix("nabla2_theta_L(theta_0)") * d / 2
    assert r.values[1] == sp.transpose(d) * vector("nabla_theta_L(theta_0)")  # the same gradient as \nabla reads
    assert r.kind("theta") is Kind.VECTOR and r.kind("L") is Kind.FUNCTION


@pytest.mark.parametrize("text, expected", [
    (r"\frac{\phi S + (1 - \phi) G}{1 - \phi^T}", (R("phi") * R("S") + (1 - R("phi")) * R("G")) / (1 - R("phi") ** R("T"))),
    (r"\frac{\rho R + (1 - \rho) G \odot G}{1 - \rho^T}",
     (R("rho") * R("R") + (1 - R("rho")) * R("G") ** 2) / (1 - R("rho") ** R("T"))),
    (r"w^T x + \rho^T - 1", sp.transpose(vector("w")) * vector("x") + R("rho") ** R("T") - 1),
])
def test_a_transposed_name_added_to_a_number_is_a_number_to_the_power_t(text, expected):
    assert parse_latex(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("1 - x^T y", 1 - sp.transpose(vector("x")) * vector("y")),  # the term is x^T y, not x^T alone
    (r"1 - \rho^T \mathbf{x}", 1 - sp.transpose(vector("rho")) * vector("x")),
])
def test_a_transpose_inside_a_product_stays_a_transpose(text, expected):
    assert parse_latex(text) == expected


def test_a_division_by_a_one_by_one_product_is_a_division_by_a_number():
    s, y, H = vector("s"), vector("y"), matrix("H")
    assert parse_latex(r"\frac{\mathbf{s}\mathbf{s}^T}{\mathbf{y}^T\mathbf{s}}") == s * sp.transpose(s) * (sp.transpose(y) * s) ** -1
    value = parse_latex(r"\left(\mathbf{I} - \frac{\mathbf{s}\mathbf{y}^T}{\mathbf{y}^T\mathbf{s}} \right) \mathbf{H} "
                        r"\left(\mathbf{I} - \frac{\mathbf{y}\mathbf{s}^T}{\mathbf{y}^T\mathbf{s}} \right)")
    assert value.has(H) and value.has((sp.transpose(y) * s) ** -1)
    with pytest.raises(InputError, match="division by a matrix"):
        parse_latex(r"\frac{\mathbf{s}}{\mathbf{H}}")


@pytest.mark.parametrize("text", [r"\mathbf{A} \odot \mathbf{B}", r"\mathbf{G} \odot \mathbf{G} + \mathbf{G}"])
def test_an_entrywise_product_of_matrices_is_never_a_matrix_product(text):
    with pytest.raises(InputError, match="mixes entrywise operations with matrices"):
        parse_latex(text)


@pytest.mark.parametrize("text, expected", [
    (r"\nabla_{\mathbf{w}} (J + \frac{\alpha}{2} \mathbf{w}^T \mathbf{w})", vector("nabla_w_J") + R("alpha") * vector("w")),
    (r"\nabla_{\mathbf{w}} (\mathbf{w}^T \mathbf{A} \mathbf{w} + \mathbf{b}^T \mathbf{w} + 3)",
     (matrix("A") + sp.transpose(matrix("A"))) * vector("w") + vector("b")),
    (r"\nabla_{\mathbf{w}} (\mathbf{w}^T \mathbf{b})", vector("b")),
])
def test_the_gradient_of_a_sum_is_taken_term_by_term(text, expected):
    assert parse_latex(text) == expected
    assert parse_latex(r"\nabla_{\mathbf{w}} J") == vector("nabla_w_J")  # a name alone: the same named gradient


def test_the_gradient_of_a_form_it_does_not_know_is_refused():
    with pytest.raises(InputError, match="is not read"):
        parse_latex(r"\nabla_{\mathbf{w}} (J + \mathbf{w}^T \mathbf{w} \mathbf{w}^T \mathbf{w})")


@pytest.mark.parametrize("text, expected", [
    (r"\alpha x + \alpha(y + z)", R("alpha") * R("x") + R("alpha") * (R("y") + R("z"))),
    (r"\alpha^2 + \alpha(y + z)", R("alpha") ** 2 + R("alpha") * (R("y") + R("z"))),
    (r"x^\alpha + \alpha(y)", R("x") ** R("alpha") + R("alpha") * R("y")),
])
def test_a_name_used_as_a_number_elsewhere_in_the_formula_multiplies_its_parenthesis(text, expected):
    assert parse_latex(text) == expected


@pytest.mark.parametrize("text", [
    r"-\varepsilon (\alpha^2 g_1 + \alpha g_2 + g_3)",  # epsilon only here: function or product is not settled
    r"\tilde{\theta}_{\text{old}} + \mathbf{v}_{\text{new}} + \alpha (\mathbf{v}_{\text{new}} - \mathbf{v}_{\text{old}})",
    r"x_\alpha + \alpha(y)", r"\alpha^{(1)} + \alpha(y)",  # x_alpha and alpha^(1) are other names
    r"\frac{\partial L}{\partial \alpha} + \alpha(y)",
])
def test_function_or_product_stays_refused_where_nothing_settles_it(text):
    with pytest.raises(InputError, match=r"reads either as the function \w+ applied or as \w+ times"):
        parse_latex(text)
