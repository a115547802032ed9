r"""Zero false "equivalent": pairs that differ only by noncommutativity, transposes, inverses, function
application versus product, inverse trigonometric functions versus reciprocals, and scientific notation.

Every pair's truth is stated by hand from the algebra (for matrices: (AB)^T = B^T A^T, (AB)^{-1} = B^{-1}A^{-1},
a scalar equals its transpose; for functions: equal for every function f, or different for some f).
Unequal pairs must come back "different" (or be refused as ambiguous where stated); equal pairs "equivalent".
"""

import pytest

from derivations.checking.check import Verdict, check_text
from derivations.errors import InputError

A, B, C = r"\mathbf{A}", r"\mathbf{B}", r"\mathbf{C}"
X, U, H = r"\mathbf{X}", r"\mathbf{U}", r"\mathbf{H}"
x, y, z, v, g = (rf"\mathbf{{{n}}}" for n in "xyzvg")
EQUAL, DIFFERENT = True, False

LATEX_PAIRS = [
    # noncommutativity
    (f"{A}{B}", f"{B}{A}", {}, DIFFERENT),
    (f"{X}^T{X}", f"{X}{X}^T", {}, DIFFERENT),
    (f"2{A}{B}", f"2{B}{A}", {}, DIFFERENT),
    (f"{A}{B} + {B}{A}", f"2{A}{B}", {}, DIFFERENT),
    (f"({A}+{B})^2", f"{A}^2 + 2{A}{B} + {B}^2", {}, DIFFERENT),
    (f"({A}+{B})^2", f"{A}^2 + {A}{B} + {B}{A} + {B}^2", {}, EQUAL),
    (f"{A}({B}+{C})", f"{A}{B} + {A}{C}", {}, EQUAL),
    (f"{A}^T{B}", f"{B}^T{A}", {}, DIFFERENT),
    (f"{U}\\Lambda{U}^{{-1}}", r"\Lambda", {}, DIFFERENT),
    (f"(I - {A})(I + {B})", f"I + {B} - {A} - {A}{B}", {}, EQUAL),
    (f"(I - {A})(I + {B})", f"I + {B} - {A} - {B}{A}", {}, DIFFERENT),
    (f"(I - {A})(I + {A})", f"I - {A}^2", {}, EQUAL),
    (f"{x}{y}^T", f"{y}{x}^T", {}, DIFFERENT),
    # transposes
    (f"({A}{B})^T", f"{A}^T{B}^T", {}, DIFFERENT),
    (f"({A}{B})^T", f"{B}^T{A}^T", {}, EQUAL),
    (f"({A}{B}{C})^\\top", f"{C}^\\top{B}^\\top{A}^\\top", {}, EQUAL),
    (f"({A}{B}{C})^{{\\mathsf T}}", f"{A}^{{\\mathsf T}}{B}^{{\\mathsf T}}{C}^{{\\mathsf T}}", {}, DIFFERENT),
    (f"({A}^T)^T", A, {}, EQUAL),
    (f"{x}^T{x}", f"{x}{x}^T", {}, DIFFERENT),
    (f"{x}^T{y}", f"{y}^T{x}", {}, EQUAL),
    (f"{x}^T{A}{y}", f"{y}^T{A}{x}", {}, DIFFERENT),
    (f"{x}^T{A}{y}", f"{y}^T{A}^T{x}", {}, EQUAL),
    (f"{x}^T{A}{x}", f"{x}^T{A}^T{x}", {}, EQUAL),
    ("v^T H v", "v^T H^T v", {}, EQUAL),
    ("v^T H v", "v^T v", {}, DIFFERENT),
    (f"({x}+{y})^T{z}", f"{x}^T{z} + {y}^T{z}", {}, EQUAL),
    (f"{A}{x} + {A}{y}", f"{A}({x}+{y})", {}, EQUAL),
    # inverses
    (f"({A}{B})^{{-1}}", f"{A}^{{-1}}{B}^{{-1}}", {}, DIFFERENT),
    (f"({A}{B})^{{-1}}", f"{B}^{{-1}}{A}^{{-1}}", {}, EQUAL),
    (f"({A}^{{-1}})^T", f"({A}^T)^{{-1}}", {}, EQUAL),
    (f"{A}{A}^{{-1}}", "I", {}, EQUAL),
    (f"({X}^T{X})^{{-1}}{X}^T{y}", f"{y}", {}, DIFFERENT),
    (f"({X}^T{X})^{{-1}}{X}^T{y}", f"{X}^{{-1}}{y}", {}, EQUAL),  # X^{-1} makes X square
    (f"({H} + \\lambda I)^{{-1}}{g}", f"({H}^{{-1}} + \\lambda^{{-1}} I){g}", {}, DIFFERENT),
    (f"{A}^{{-1}}{B}^{{-1}}", f"({A}{B})^{{-1}}", {}, DIFFERENT),
    # declared kinds
    ("H v", "H^T v", {"matrices": ["H"], "vectors": ["v"]}, DIFFERENT),
    ("P Q", "Q P", {"matrices": ["P,Q"]}, DIFFERENT),
    # function application versus product
    ("g(x + h)", "g(x) + g(h)", {}, DIFFERENT),
    ("g(x + h)", "g x + g h", {"functions": ["g"]}, None),  # g declared a function is not a factor: refused
    ("g(x + h)", "g x + g h", {"scalars": ["g"]}, EQUAL),
    (r"\Omega(\theta)", r"\Omega\theta", {"scalars": ["Omega"]}, EQUAL),
    ("f(2x)", "2f(x)", {}, DIFFERENT),
    ("f(x)^2", "f(x^2)", {}, DIFFERENT),
    ("f(x + h) - f(x)", "f(h + x) - f(x)", {}, EQUAL),
    (r"J(\theta; X, y)", r"J(\theta, X, y)", {}, EQUAL),
    (r"J(\theta; X, y)", r"J(X, \theta, y)", {}, DIFFERENT),
    ("L(x, y)", "L(y, x)", {}, DIFFERENT),
    (r"\sigma(z)(1 - \sigma(z))", r"\sigma(z) - \sigma(z)^2", {}, EQUAL),
    ("f(g(x))", "g(f(x))", {}, DIFFERENT),
    ("f(x) g(x)", "g(x) f(x)", {}, EQUAL),
    ("x(1 - x)", "x - x^2", {"scalars": ["x"]}, EQUAL),
    ("f(x + h)", "f(x) + h f(x)", {}, DIFFERENT),
    # inverse trigonometric versus reciprocal
    (r"\sin^{-1} x", r"\frac{1}{\sin x}", {}, DIFFERENT),
    (r"\sin^{-1} x", r"\arcsin x", {}, EQUAL),
    (r"\cos^{-1}(x)", r"\arccos(x)", {}, EQUAL),
    (r"\tan^{-1} x", r"\frac{1}{\tan x}", {}, DIFFERENT),
    (r"\sin^2 x", r"\sin(x^2)", {}, DIFFERENT),
    (r"\sin^2 x", r"(\sin x)^2", {}, EQUAL),
    (r"(\sin x)^{-1}", r"\frac{1}{\sin x}", {}, EQUAL),
    (r"\sinh^{-1} x", r"\ln(x + \sqrt{x^2 + 1})", {}, EQUAL),
    (r"\tanh^{-1} x", r"\frac{1}{2}\ln\frac{1 + x}{1 - x}", {"assume": ["x in (0, 1)"]}, EQUAL),
    (r"\tanh^{-1} x", r"\frac{1}{\tanh x}", {"assume": ["x in (0, 1)"]}, DIFFERENT),
    # scientific notation
    ("1e-7", "10^{-7}", {}, EQUAL),
    ("1e-7", "e - 7", {}, DIFFERENT),
    (r"1\times10^{-7}", "10^{-7}", {}, EQUAL),
    ("1e-7", r"1\times 10^{7}", {}, DIFFERENT),
    ("2.5e3", "2500", {}, EQUAL),
    ("1E-3", "0.001", {}, EQUAL),
    (r"\frac{\eta}{\sqrt{v} + 1e-8}", r"\frac{\eta}{\sqrt{v} + 10^{-8}}", {"assume": ["v>0"]}, EQUAL),
    ("x + 1e-8", "x", {}, DIFFERENT),
    # norms, gradients, sums, declarations (this round's notation)
    (rf"\|{x}\|^3", rf"({x}^T{x})\|{x}\|", {}, EQUAL),
    (rf"\|{x}\|^3", rf"{x}^T{x}", {}, DIFFERENT),
    (rf"\left\| {x} \right\|^2", rf"{x}^T{x}", {}, EQUAL),
    (rf"\left\| {x} \right\|", rf"{x}^T{x}", {}, DIFFERENT),  # \left\| x \right\| was read as x
    (r"\frac{1}{m}\sum_{i=1}^m x_i", "x_i", {}, DIFFERENT),  # x_i in the sum was a constant: "proved" equal
    (r"\sum_{i=1}^m x_i", r"\sum_{j=1}^m x_j", {}, EQUAL),
    (rf"\nabla_{{{x}}} J({x} + {v})", rf"\nabla_{{{x}}} J({x})", {}, DIFFERENT),
    (rf"\theta_0 - {H}^{{-1}}\nabla_\theta J(\theta_0)", rf"\theta_0 - ({H}^{{-1}})\nabla_\theta J(\theta_0)", {},
     EQUAL),
    (f"({A}{H})^T", f"{H}{A}^T", {"symmetric": ["H"]}, EQUAL),
    (f"({A}{H})^T", f"{H}{A}^T", {}, DIFFERENT),
    (f"{A}{H}", f"{H}{A}", {"symmetric": ["A,H"]}, DIFFERENT),
    (r"\frac{\partial^2 L}{\partial x \partial y}", r"\frac{\partial^2 L}{\partial y \partial x}", {"smooth": ["L"]},
     EQUAL),
    (r"\frac{\partial^2 L}{\partial x \partial y}", r"\frac{\partial^2 L}{\partial y \partial x}", {}, DIFFERENT),
    (r"\mathbb{E}[x^2]", r"(\mathbb{E}[x])^2", {"assume": [r"x \sim \mathcal{N}(\mu, \sigma^2)"]}, DIFFERENT),
    (r"\mathbb{E}[x^2] - (\mathbb{E}[x])^2", r"\operatorname{Var}(x)", {"assume": [r"x \sim \mathcal{U}(a, b)"]},
     EQUAL),
    # sums over sets, entries h_{ik}, indexed derivatives, entrywise application after a row vector
    (r"\frac{1}{|B|}\sum_{(x,y)\in B} \ell(y, g(x))", r"\frac{1}{|B|}\sum_{(x,y)\in B} \ell(x, g(y))", {}, DIFFERENT),
    (r"\sum_{w_i\in\theta} w_i^2", r"\sum_{w_k\in\theta} w_k^2", {}, EQUAL),
    (r"\sum_{w_i\in\theta} w_i^2", r"\sum_{w_i\in\theta} w_i", {}, DIFFERENT),
    (r"\sum_i |w_i|", r"\sum_i w_i", {}, DIFFERENT),
    (r"\frac{n}{|M|}\sum_{i\in M} \frac{\partial\ell_i}{\partial\beta}", r"n \frac{\partial\ell_i}{\partial\beta}", {},
     DIFFERENT),  # read as a name, the sum over i of the derivative of l_i would be n_M times one symbol
    (r"\frac{\partial \ell^{(j)}}{\partial y}", r"\frac{\partial \ell}{\partial y^{(j)}}", {}, DIFFERENT),
    (r"\frac{\partial \ell_i}{\partial \beta}", r"\frac{\partial \ell}{\partial \beta_i}", {}, DIFFERENT),
    (r"\frac1m\sum_{i=1}^m h_{ik}", r"\frac1m\sum_{i=1}^m h_{i,k}", {}, EQUAL),
    (r"\sum_{i=1}^m h_{ik}", r"\sum_{i=1}^m h_{ki}", {}, DIFFERENT),
    (r"\sum_{i=1}^m h_{ik}", r"m h_{ik}", {}, DIFFERENT),
    (r"\sum_{i=1}^m h_{ik}", r"\sum_{k=1}^m h_{ik}", {}, DIFFERENT),
    (r"v^T \sigma(Wx + b) + c", r"v^T \sigma(b + Wx) + c", {}, EQUAL),
    (r"v^T \sigma(Wx + b) + c", r"v^T \sigma(Wx) + v^T\sigma(b) + c", {}, DIFFERENT),
    ("v^T W x", "x^T W v", {}, DIFFERENT),  # was read as x v^T W, x a number
    ("v^T W x", "x^T W^T v", {}, EQUAL),
    # evaluation bars and slash derivatives
    (r"\left| \frac{\partial L}{\partial \theta} \right|_{\theta_t}", r"L'(\theta_t)", {}, EQUAL),
    (r"\left(\frac{\partial L}{\partial\theta}\right)_{\theta_0}", r"\left(\frac{\partial L}{\partial\theta}\right)_{\theta_1}", {},
     DIFFERENT),
    (r"\left| \frac{\partial L}{\partial \theta} \right|_{\theta_t + \alpha v_t}", r"L'(\theta_t) + \alpha v_t L''(\theta_t)", {},
     DIFFERENT),  # equal to first order only
    (r"(\theta-\theta_0)^T \left(\frac{\partial L}{\partial \theta}\right)_{\theta_0}",
     r"(\theta - \theta_0)^T \nabla_\theta L(\theta_0)", {}, EQUAL),
    (r"(\theta-\theta_0)^T \left(\frac{\partial L}{\partial \theta}\right)_{\theta_0}",
     r"(\theta - \theta_0)^T \nabla_\theta L(\theta)", {}, DIFFERENT),
    (r"\partial \ell / \partial w", r"\frac{\partial \ell}{\partial w}", {}, EQUAL),
    (r"\partial \ell_i / \partial w", r"\partial \ell / \partial w_i", {}, DIFFERENT),
    # a division by the 1 x 1 y^T s (BFGS), the power T of a number
    (r"\frac{\mathbf s \mathbf s^T}{\mathbf y^T \mathbf s}", r"\frac{\mathbf s \mathbf s^T}{\mathbf s^T \mathbf y}", {}, EQUAL),
    (r"\frac{\mathbf s \mathbf s^T}{\mathbf y^T \mathbf s}", r"\frac{\mathbf s \mathbf s^T}{\mathbf y^T \mathbf y}", {}, DIFFERENT),
    (r"\frac{\mathbf x}{\mathbf x^T\mathbf x}", r"\frac{\mathbf x}{\|\mathbf x\|^2}", {}, EQUAL),
    (r"\left(\mathbf{I} - \frac{\mathbf{s}\mathbf{y}^T}{\mathbf{y}^T\mathbf{s}} \right) \mathbf{H} \left(\mathbf{I} - "
     r"\frac{\mathbf{y}\mathbf{s}^T}{\mathbf{y}^T\mathbf{s}} \right)",
     r"\mathbf H - \frac{\mathbf s \mathbf y^T \mathbf H + \mathbf H \mathbf y \mathbf s^T}{\mathbf y^T \mathbf s} + "
     r"\frac{\mathbf s \mathbf y^T \mathbf H \mathbf y \mathbf s^T}{(\mathbf y^T \mathbf s)^2}", {}, EQUAL),
    (r"\left(\mathbf{I} - \frac{\mathbf{s}\mathbf{y}^T}{\mathbf{y}^T\mathbf{s}} \right) \mathbf{H} \left(\mathbf{I} - "
     r"\frac{\mathbf{y}\mathbf{s}^T}{\mathbf{y}^T\mathbf{s}} \right)",
     r"\left(\mathbf{I} - \frac{\mathbf{y}\mathbf{s}^T}{\mathbf{y}^T\mathbf{s}} \right) \mathbf{H} \left(\mathbf{I} - "
     r"\frac{\mathbf{s}\mathbf{y}^T}{\mathbf{y}^T\mathbf{s}} \right)", {}, DIFFERENT),
    (r"1 - \rho^T", r"1 - \rho", {}, DIFFERENT),
    (r"\frac{\phi S + (1 - \phi) G}{1 - \phi^T}", r"\frac{\phi S + (1 - \phi) G}{1 - \phi}", {}, DIFFERENT),
    # the gradient of a sum, term by term
    (r"\mathbf{w} - \epsilon \nabla_{\mathbf{w}} (J + \frac{\alpha}{2} \mathbf{w}^T \mathbf{w})",
     r"(1 - \epsilon\alpha)\mathbf{w} - \epsilon \nabla_{\mathbf{w}} J", {}, EQUAL),
    (r"\mathbf{w} - \epsilon \nabla_{\mathbf{w}} (J + \frac{\alpha}{2} \mathbf{w}^T \mathbf{w})",
     r"(1 - \epsilon\alpha/2)\mathbf{w} - \epsilon \nabla_{\mathbf{w}} J", {}, DIFFERENT),
    (r"\nabla_{\mathbf{w}} (\mathbf{w}^T \mathbf{A} \mathbf{w})", r"2\mathbf{A}\mathbf{w}", {}, DIFFERENT),  # A not symmetric
    (r"\nabla_{\mathbf{w}} (\mathbf{w}^T \mathbf{A} \mathbf{w})", r"(\mathbf{A} + \mathbf{A}^T)\mathbf{w}", {}, EQUAL),
    (r"\alpha x + \alpha(y + z)", r"\alpha x + \alpha y + \alpha z", {}, EQUAL),  # alpha is a factor in alpha x
    (r"\alpha x + \alpha(y + z)", r"\alpha x + \alpha y", {}, DIFFERENT),
    # the derivative of a scalar with respect to a vector or matrix has that kind
    (r"\mathbf{A}\frac{\partial \ell}{\partial \mathbf{W}}", r"\frac{\partial \ell}{\partial \mathbf{W}}\mathbf{A}", {},
     DIFFERENT),  # read as a number, the derivative commuted with A
    (r"\mathbf{A} (\partial \ell / \partial \mathbf{W})", r"(\partial \ell / \partial \mathbf{W}) \mathbf{A}", {}, DIFFERENT),
    (r"\mathbf{W} - \gamma \frac{\partial \ell}{\partial \mathbf{W}}", r"\mathbf{W} - \frac{\partial \ell}{\partial \mathbf{W}} \gamma",
     {}, EQUAL),
    (r"\mathbf{W} - \frac{\partial \ell}{\partial \mathbf{W}}", r"\mathbf{W} - (\frac{\partial \ell}{\partial \mathbf{W}})^T", {},
     DIFFERENT),
    (r"\mathbf{x}^T \frac{\partial \ell}{\partial \mathbf{x}}", r"(\frac{\partial \ell}{\partial \mathbf{x}})^T \mathbf{x}", {}, EQUAL),
    (r"\frac{\partial \ell}{\partial \mathbf{x}} \mathbf{x}^T", r"\mathbf{x} (\frac{\partial \ell}{\partial \mathbf{x}})^T", {},
     DIFFERENT),
    ("(x+1)^{2000}", "(x+1)^{1999}(x+1)", {}, EQUAL),
    ("(x+1)^{2000}", "(x+1)^{1999}(x+2)", {}, DIFFERENT),
]

SYMPY_PAIRS = [
    ("A*B", "B*A", {"matrices": ["A,B"]}, DIFFERENT),
    ("(A*B).T", "B.T*A.T", {"matrices": ["A,B"]}, EQUAL),
    ("(A*B).T", "A.T*B.T", {"matrices": ["A,B"]}, DIFFERENT),
    ("(A*B).inv()", "B.inv()*A.inv()", {"matrices": ["A,B"]}, EQUAL),
    ("(A*B).inv()", "A.inv()*B.inv()", {"matrices": ["A,B"]}, DIFFERENT),
    ("f(x + h)", "f(x) + f(h)", {"functions": ["f"]}, DIFFERENT),
    ("asinh(x)", "log(x + sqrt(x^2 + 1))", {}, EQUAL),
    ("1e-7", "10^(-7)", {}, EQUAL),
]


def _options(options):
    options = dict(options)
    return options.pop("assume", []), options


@pytest.mark.parametrize("claimed, expected, options, equal", LATEX_PAIRS)
def test_latex_pair(claimed, expected, options, equal):
    assume, kinds = _options(options)
    if equal is None:
        with pytest.raises(InputError, match="declared a function but written without arguments"):
            check_text(claimed, expected, latex=True, assume=assume, **kinds)
        return
    r = check_text(claimed, expected, latex=True, assume=assume, timeout=20, **kinds)
    assert r.verdict is (Verdict.EQUIVALENT if equal else Verdict.DIFFERENT), r.summary()


@pytest.mark.parametrize("claimed, expected, options, equal", SYMPY_PAIRS)
def test_sympy_style_pair(claimed, expected, options, equal):
    assume, kinds = _options(options)
    r = check_text(claimed, expected, assume=assume, timeout=20, **kinds)
    assert r.verdict is (Verdict.EQUIVALENT if equal else Verdict.DIFFERENT), r.summary()


def test_the_set_is_large_enough_and_balanced():
    pairs = LATEX_PAIRS + SYMPY_PAIRS
    assert len(pairs) >= 60
    assert sum(p[3] is DIFFERENT for p in pairs) >= 30 and sum(p[3] is EQUAL for p in pairs) >= 25


@pytest.mark.parametrize("claimed, expected, both", [
    ("g(x + h)", "g x + g h", "--function g"),
    (r"\Omega(\theta)", r"\Omega\theta", "--function Omega"),
    ("x(1 - x)", "x - x^2", "--scalar x"),
])
def test_ambiguous_juxtaposition_is_refused_naming_both_readings(claimed, expected, both):
    with pytest.raises(InputError, match="as a function|as the function") as info:
        check_text(claimed, expected, latex=True)
    assert both in str(info.value) and "--scalar" in str(info.value)


def test_shapes_that_cannot_agree_are_refused_with_the_product_named():
    with pytest.raises(InputError, match=r"shape mismatch: H\*transpose\(v\)\*v multiplies H \(n x n\) by transpose"):
        check_text("v^T H v", "H v^T v", latex=True)
    with pytest.raises(InputError, match="adds a scalar"):
        check_text(rf"{A} + 1", A, latex=True)


def test_the_library_check_never_probes_matrices_as_numbers():
    import sympy as sp

    from derivations.checking.check import check
    from derivations.reading.shapes import matrix

    a, b, c = matrix("A"), matrix("B"), matrix("C")
    assert check(a * b - b * a, sp.S.Zero).verdict is Verdict.DIFFERENT
    assert check(a * (b + c) - a * b - a * c, sp.S.Zero).verdict is Verdict.EQUIVALENT
    assert check(a * b, b * a).verdict is Verdict.DIFFERENT
    with pytest.raises(InputError, match="derivatives of matrix"):
        check(a * b, derivative_of=(a, sp.Symbol("x")))
