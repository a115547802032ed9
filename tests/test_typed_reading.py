"""The typed reading of lecture notation: kinds, shapes, applications, scripts, numbers; what `check` shows."""

import json

import pytest
import sympy as sp

from derivations.checking.check import Verdict, check_text
from derivations.errors import InputError
from derivations.reading.latex import parse_latex, read_latex
from derivations.reading.parsing import parse_expression
from derivations.reading.shapes import Kind, infer_shapes, matrix, vector
from numerics.cli.main import main

R = lambda n: sp.Symbol(n, real=True)  # noqa: E731


@pytest.mark.parametrize("text, expected", [
    (r"\mathbf{X}^T\mathbf{X}", sp.transpose(matrix("X")) * matrix("X")),
    (r"\mathbf{X}^{\top}\mathbf{y}", sp.transpose(matrix("X")) * vector("y")),
    (r"\mathbf{A}^{\mathsf T}", sp.transpose(matrix("A"))),
    (r"\mathbf{A}^{\mathsf{T}}", sp.transpose(matrix("A"))),
    (r"\mathbf{U}\Lambda\mathbf{U}^{-1}", matrix("U") * matrix("Lambda") * matrix("U") ** -1),
    (r"v^T H v", sp.transpose(vector("v")) * matrix("H") * vector("v")),
    (r"w^{\top}x + b", sp.transpose(vector("w")) * vector("x") + R("b")),
    (r"\theta + \alpha \mathbf{v}", vector("theta") + R("alpha") * vector("v")),
])
def test_kinds_come_from_bold_and_from_what_notation_forces(text, expected):
    assert parse_latex(text) == expected


def test_declared_kinds_and_the_reading_record():
    r = read_latex(["H v", "v^T H"], declared={"H": Kind.MATRIX})
    assert r.values == (matrix("H") * vector("v"), sp.transpose(vector("v")) * matrix("H"))
    assert dict((n, k) for n, k, _ in r.kinds) == {"H": Kind.MATRIX, "v": Kind.VECTOR}
    shapes = infer_shapes(list(r.values))
    assert shapes.of_name("H") == ("n", "n") and shapes.of_name("v") == ("n", "1")


def test_function_application_is_not_a_product():
    assert parse_latex("g(x + h)") == sp.Function("g", real=True)(R("x") + R("h"))
    J = sp.Function("J", real=True)
    assert parse_latex(r"J(\theta; X, y)") == J(R("theta"), R("X"), R("y"))
    assert parse_latex(r"\sigma(z)(1 - \sigma(z))") == sp.Function("sigma", real=True)(R("z")) * (
        1 - sp.Function("sigma", real=True)(R("z")))
    with pytest.raises(InputError, match=r"--function x or --scalar x"):
        parse_latex("x(1 - x)")


@pytest.mark.parametrize("text, expected", [
    (r"\sin^{-1} x", sp.asin(R("x"))),
    (r"\tanh^{-1}(x)", sp.atanh(R("x"))),
    (r"\sin^2 x", sp.sin(R("x")) ** 2),
    ("1e-7", sp.Rational(1, 10**7)),
    ("2.5E3", sp.Integer(2500)),
    (r"1\times10^{-7}", sp.Rational(1, 10**7)),
    ("10^{-7}", sp.Rational(1, 10**7)),
    (r"\log_2 x", sp.log(R("x")) / sp.log(2)),
    (r"\binom{n}{2}", sp.binomial(R("n"), 2)),
    (r"\theta_{\tau+1} - \theta_{\tau}", R("theta_{tau+1}") - R("theta_tau")),
    (r"x_{i-1}", R("x_{i-1}")),
    (r"\frac{\partial^2 L}{\partial w_i \partial w_j}", R("d2L_dw_i_dw_j")),
    (r"\frac{d}{dx} x^3", 3 * R("x") ** 2),
    (r"\nabla_\theta (\theta^2)", 2 * R("theta")),
    (r"\|w\|_2", sp.Abs(R("w"))),
    (r"\|\mathbf{w}\|_2^2", sp.transpose(vector("w")) * vector("w")),
    (r"\begin{aligned} y &= a x \\ &= b \end{aligned}", R("b")),
    (r"\theta \leftarrow \theta - \eta g", R("theta") - R("eta") * R("g")),
    (r"\nu := 1e-8", sp.Rational(1, 10**8)),
    (r"x \approx 1 + \, y", 1 + R("y")),
    (r"\left. x^2 + y \right|_{x=2}", R("y") + 4),
    (r"\underbrace{x + y}_{\text{sum}} + \boxed{z}", R("x") + R("y") + R("z")),
    (r"[\Delta x, \Delta y]^T", sp.Matrix([R("Deltax"), R("Deltay")])),
    (r"\frac{\partial \Omega_2(\theta)}{\partial w_i}", R("dOmega_2_dw_i")),
    (r"\left| \frac{\partial \ell}{\partial \beta} = \sum_{j=1}^m \frac{\partial \ell}{\partial y^{(j)}} \right.",
     sp.Sum(sp.IndexedBase("dell_dy", real=True)[R("j")], (R("j"), 1, R("m")))),
])
def test_lecture_notation(text, expected):
    assert parse_latex(text, rhs_of_equation=True) == expected


def test_text_in_scripts_is_part_of_a_name():
    assert parse_latex(r"h^{\text{shared}}") == R("h^shared")
    assert parse_latex(r"\mathbf{h}^{\text{shared}}") == vector("h^shared")
    assert parse_latex(r"\theta_{\text{old}}") == R("theta_old")


@pytest.mark.parametrize("text, message", [
    ("1.1.1", r"malformed number '1.1.1' at column 1"),
    ("2 + 3.4.5", r"malformed number '3.4.5' at column 5"),
    (r"w \sim \mathcal{N}(0, 1)", "distribution"),
    (r"\mathbf{A} + 1", None),
])
def test_refusals_are_one_line_with_a_column_or_a_reason(text, message):
    with pytest.raises(InputError) as info:
        value = parse_latex(text)
        infer_shapes([value])
    assert "\n" not in str(info.value)
    if message:
        assert message in str(info.value)


@pytest.mark.parametrize("text", [r"\mathbb{E}[x]", r"\operatorname{Var}(x)"])
def test_moments_without_a_declared_distribution_are_refused_by_check_in_one_line(text):
    # read as Expectation(x) and Variance(x) (tests/test_reading_notation.py); their value needs a distribution
    with pytest.raises(InputError) as info:
        check_text(text, "x", latex=True)
    assert "\n" not in str(info.value)
    assert "expectation, variance or covariance" in str(info.value) and "no name has a declared distribution" in str(
        info.value)


def test_sympy_style_methods_are_a_whitelist():
    A = matrix("A")
    kinds = {"A": Kind.MATRIX}
    assert parse_expression("A.T * A", kinds=kinds) == sp.transpose(A) * A
    assert parse_expression("A.inv()", kinds=kinds) == A**-1
    assert parse_expression("Matrix([[1, 2], [3, 4]]).det()") == -2
    assert parse_expression("Matrix([[1, 2], [3, 4]]).trace()") == 5
    assert parse_expression("asinh(x) + acosh(y) + atanh(z)") == sp.asinh(R("x")) + sp.acosh(R("y")) + sp.atanh(R("z"))
    assert parse_expression("product(k, (k, 1, n))") == sp.Product(R("k"), (R("k"), 1, R("n")))
    for text in ("A.real", "A.__class__", "A.inv(2)", "A.det()"):
        with pytest.raises(InputError):
            parse_expression(text, kinds=kinds)
    with pytest.raises(InputError, match="malformed number"):
        parse_expression("1.1.1")


def test_integer_and_interval_assumptions():
    r = check_text("cos(pi*n)", "(-1)^n", assume=["n integer"])
    assert r.verdict is Verdict.EQUIVALENT, r.summary()
    assert check_text("cos(pi*n)", "(-1)^n").verdict is Verdict.DIFFERENT
    r = check_text("sqrt(p^2)", "p", assume=["p in (0, 1)"])
    assert r.verdict is Verdict.EQUIVALENT
    r = check_text("Sum(k, (k, 1, n))", "n*(n + 1)/2", assume=["n > 0 integer"])
    assert r.verdict is Verdict.EQUIVALENT


def test_check_shows_how_it_read_each_side(capsys):
    code = main(["check", "--latex", r"(\mathbf{A}\mathbf{B})^T", r"\mathbf{A}^T\mathbf{B}^T", "--json"])
    record = json.loads(capsys.readouterr().out)
    assert code == 1 and record["verdict"] == "different"
    assert record["claimed_read"]["expression"] == "transpose(B)*transpose(A)"
    assert record["claimed_read"]["symbols"]["A"] == {"kind": "matrix", "shape": ["n", "n"]}
    assert record["expected_read"]["expression"] == "transpose(A)*transpose(B)"
    code = main(["check", "--latex", "f(x + h)", "f(x) + f(h)"])
    out = capsys.readouterr().out
    assert code == 1
    assert "read claimed  as f(h + x)   [f: function of 1 argument]" in out
    code = main(["check", "--latex", "g(x + h)", "g x + g h"])
    err = capsys.readouterr().err
    assert code == 2 and "--function g" in err and "--scalar g" in err and len(err.strip().splitlines()) == 1


def test_declared_kinds_on_the_command_line(capsys):
    assert main(["check", "P*Q", "Q*P", "--matrix", "P,Q"]) == 1
    assert main(["check", "--latex", "H v", "H^T v", "--matrix", "H", "--vector", "v"]) == 1
    assert main(["check", "--latex", "g(x + h)", "g x + g h", "--scalar", "g"]) == 0
    assert main(["check", "f(x + h)", "f(h + x)", "--function", "f"]) == 0
    assert main(["check", "x", "x", "--matrix", "x", "--vector", "x"]) == 2
    capsys.readouterr()
