"""The seeds' notation read in this round: norms, gradients of applied functions, statements.

Each case names what was shown: the reading as SymPy prints it, or the refusal and why.
"""

import pytest
import sympy as sp

from derivations.checking.check import Verdict, check_text
from derivations.errors import InputError
from derivations.reading.latex import parse_latex, read_latex
from derivations.reading.statements import Distributed
from sympy.stats.crv_types import LaplaceDistribution, NormalDistribution, UniformDistribution

A, W, M, K = (sp.Symbol(n, real=True) for n in ("alpha", "w_i", "m", "k"))


@pytest.mark.parametrize("text, expected", [
    # \left\| ... \right\| is a norm (it used to be read as its contents)
    (r"\left\| \mathbf{w} \right\|", "sqrt(transpose(w)*w)"),
    (r"\left\| \mathbf{w}^{(1)} - \mathbf{w}^{(2)} \right\|_2", "sqrt((transpose(w[1]) - transpose(w[2]))*(w[1] - w[2]))"),
    (r"\left\lVert \mathbf{w} \right\rVert", "sqrt(transpose(w)*w)"),
    (r"\left\| x \right\|", "Abs(x)"),
    # a power of a norm is a power of a number (it used to be read entry by entry: w**2*Abs(w))
    (r"\|\mathbf{w}\|^3", "(transpose(w)*w)**(3/2)"),
    (r"\|\mathbf{w}\|^{-1}", "(transpose(w)*w)**(-1/2)"),
    (r"(\mathbf{v}^T \mathbf{H} \mathbf{v})^2", "(transpose(v)*H*v)**2"),
    # the Frobenius norm of a vector is its 2-norm; the 1-norm of a vector has no matrix-algebra form
    (r"\alpha \|\mathbf{w}\|_F", "alpha*sqrt(transpose(w)*w)"),
    (r"\|\mathbf{w}\|_1", "Norm1(w)"),
    (r"\|\mathbf{w}\|_1^2", "Norm1(w)**2"),
])
def test_norms(text, expected):
    assert sp.sstr(parse_latex(text)) == expected


@pytest.mark.parametrize("text, message", [
    (r"\|\mathbf{W}\|_2", "ambiguous"),  # spectral or Frobenius
    (r"\|\mathbf{W}\|_F", "of a matrix"),
    (r"\|\mathbf{w}\|_3", "norm"),
    (r"\|\mathbf{w}\|_2 + \sqrt{\mathbf{v}}", "entry by entry"),  # was read as Abs(w) + sqrt(v)
])
def test_norms_that_are_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_latex(text)


def test_norm_identities_are_checked_as_matrices():
    assert check_text(r"\|\mathbf{w}\|^2", r"\mathbf{w}^T\mathbf{w}", latex=True).verdict is Verdict.EQUIVALENT
    r = check_text(r"\|\mathbf{w}\|^3", r"(\mathbf{w}^T\mathbf{w})\|\mathbf{w}\|", latex=True)
    assert r.verdict is Verdict.EQUIVALENT
    r = check_text(r"\|\mathbf{w}\|^3", r"\mathbf{w}^T\mathbf{w}", latex=True)
    assert r.verdict is Verdict.DIFFERENT


@pytest.mark.parametrize("text, expected", [
    # the gradient with respect to a vector is a vector, named with the point it is taken at
    (r"\nabla_{\mathbf{w}} \tilde{J}(\mathbf{w}; \mathbf{X}, \mathbf{y})", "nabla_w_Jtilde(w, X, y)"),
    (r"(1 - \epsilon \alpha) \mathbf{w} - \epsilon \nabla_{\mathbf{w}} J(\mathbf{w}; \mathbf{X}, \mathbf{y})",
     "-epsilon*nabla_w_J(w, X, y) + (-alpha*epsilon + 1)*w"),
    # what notation forces: a plain name added to a vector, a gradient met by a matrix, a transposed difference
    (r"\alpha \mathbf{v} - \varepsilon \nabla_{\theta} J(\theta + \alpha \mathbf{v})",
     "alpha*v - epsilon*nabla_theta_J(alpha*v + theta)"),
    (r"\theta_0 - \mathbf{H}^{-1} \nabla_{\theta} J(\theta_0)", "-H**(-1)*nabla_theta_J(theta_0) + theta_0"),
    (r"\nabla_{\theta} J(\theta_0) + \mathbf{H}(\theta - \theta_0)", "H*(theta - theta_0) + nabla_theta_J(theta_0)"),
    (r"J(\theta_0) + (\theta - \theta_0)^T \nabla_{\theta} J(\theta_0)",
     "J(theta_0) + (transpose(theta) - transpose(theta_0))*nabla_theta_J(theta_0)"),
    # with respect to a name the arguments do not show: the named gradient at those arguments
    (r"\nabla_{\theta} \ell(y, g(x))", "nabla_theta_ell(y, g(x))"),
    # SymPy can take it: it is taken
    (r"\nabla_\theta J(\theta)", "Derivative(J(theta), theta)"),
])
def test_gradients(text, expected):
    assert sp.sstr(parse_latex(text)) == expected


def test_a_gradient_at_another_point_is_another_vector():
    same = check_text(r"\theta_0 - \mathbf{H}^{-1} \nabla_{\theta} J(\theta_0)",
                      r"\theta_0 - (\mathbf{H}^{-1}) \nabla_{\theta} J(\theta_0)", latex=True)
    assert same.verdict is Verdict.EQUIVALENT
    other = check_text(r"\alpha \mathbf{v} - \varepsilon \nabla_{\theta} J(\theta + \alpha \mathbf{v})",
                       r"\alpha \mathbf{v} - \varepsilon \nabla_{\theta} J(\theta)", latex=True)
    assert other.verdict is Verdict.DIFFERENT
    with pytest.raises(InputError, match="mismatch"):  # the gradient is a column: H^{-1} goes on its left
        check_text(r"\theta_0 - \nabla_{\theta} J(\theta_0) \mathbf{H}^{-1}", r"\theta_0", latex=True)


def _statement(text):
    return read_latex([text], rhs_of_equation=False, statements=True).values[0]


@pytest.mark.parametrize("text, expected", [
    (r"\alpha \geq 0", sp.GreaterThan(A, 0)), (r"|w_i| < 1", sp.StrictLessThan(sp.Abs(W), 1)),
    (r"m > k > 1", sp.And(sp.StrictGreaterThan(M, K), sp.StrictGreaterThan(K, 1))),
    (r"\alpha \in [0, 1]", sp.Contains(A, sp.Interval(0, 1))),
    (r"\alpha \in (0, 1]", sp.Contains(A, sp.Interval.Lopen(0, 1))),
    (r"\alpha \in \mathbb{R}", sp.Contains(A, sp.S.Reals, evaluate=False)),
    (r"\alpha \in \{-1, 0, 1\}", sp.Contains(A, sp.FiniteSet(-1, 0, 1))),
    (r"(2, -2)", sp.Tuple(2, -2)), (r"\left(0, \frac{2}{\alpha}\right)", sp.Tuple(0, 2 / A)),
])
def test_statements_are_read_as_relations_memberships_and_points(text, expected):
    assert _statement(text) == expected


def test_distributions_are_read_only_with_unambiguous_parameters():
    d = _statement(r"w_i \sim \text{Laplace}\left(0, \frac{1}{\alpha}\right)")
    assert isinstance(d, Distributed) and d.distribution == LaplaceDistribution(0, 1 / A)
    d = _statement(r"w \sim \mathcal{U}(-a, a)")
    assert d.distribution == UniformDistribution(-sp.Symbol("a", real=True), sp.Symbol("a", real=True))
    d = _statement(r"x \sim \mathcal{N}(\mu, \sigma^2)")  # a variance written as a square: the deviation is |sigma|
    assert d.distribution == NormalDistribution(sp.Symbol("mu", real=True), sp.Abs(sp.Symbol("sigma", real=True)))
    with pytest.raises(InputError, match="variance in most notes and a standard deviation in some"):
        _statement(r"w \sim \mathcal{N}(0, \sqrt{\frac{1}{n}})")
    with pytest.raises(InputError, match="a distribution for a vector or matrix is not read"):
        _statement(r"\mathbf{W} \sim \mathcal{N}(0, \frac{1}{\alpha} \mathbf{I})")  # a matrix normal: not read
    # of a vector the second parameter is a covariance matrix, unambiguous (tests/test_reading_statements.py)
    d = _statement(r"\mathbf{w} \sim \mathcal{N}(0, \frac{1}{\alpha} \mathbf{I})")
    assert isinstance(d, Distributed) and d.distribution.covariance.has(sp.Symbol("alpha", real=True))


@pytest.mark.parametrize("text, what", [(r"\alpha \geq 0", "a condition"), (r"x \in [0, 1]", "a membership"),
                                        (r"x \sim \mathcal{U}(0, 1)", "a distribution")])
def test_check_refuses_statements_naming_what_they_are(text, what):
    with pytest.raises(InputError, match=f"states {what}, not a quantity"):
        check_text(text, "x", latex=True)


@pytest.mark.parametrize("text, expected", [
    (r"\mathbb{E}\epsilon_i", "Expectation(epsilon_i)"),
    (r"\frac{1}{k} \mathbb{E} \epsilon_i^2 + \frac{k-1}{k} \mathbb{E}[\epsilon_i \epsilon_j]",
     "(k - 1)*Expectation(epsilon_i*epsilon_j)/k + Expectation(epsilon_i**2)/k"),
    (r"\mathbb{E}(\epsilon_i)\mathbb{E}(\epsilon_j)", "Expectation(epsilon_i)*Expectation(epsilon_j)"),
    (r"\text{Var}(\tilde{\theta}_m)", "Variance(thetatilde_m)"),
    (r"\operatorname{Cov}(x, y)", "Covariance(x, y)"),
    (r"\mathbb{E}\left[\left(\frac{1}{k} \sum_{i=1}^k \epsilon_i \right)^2 \right]",
     "Expectation(Sum(epsilon[i], (i, 1, k))**2/k**2)"),
])
def test_expectations_and_variances_are_read_unevaluated(text, expected):
    assert sp.sstr(parse_latex(text)) == expected


@pytest.mark.parametrize("text, message", [
    (r"E(x)", "expectation or as a function E"), (r"\mathbb{E} x y", "followed by a product"),
    (r"\mathbb{E}[x, y]", "takes 1 argument"), (r"\mathbb{E}[\mathbf{w}]", "vector or matrix"),
    (r"P(x)", "a probability or as a function P"),
])
def test_moments_that_are_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_latex(text)


@pytest.mark.parametrize("claimed, expected, law, verdict", [
    # literature values: E[x^2] = mu^2 + sigma^2 for N(mu, sigma^2); Var = (b - a)^2 / 12 for U(a, b);
    # E|w| = b for Laplace(0, b); Var of a Laplace(mu, b) is 2 b^2
    (r"\mathbb{E}[x^2]", r"\mu^2 + \sigma^2", r"x \sim \mathcal{N}(\mu, \sigma^2)", Verdict.EQUIVALENT),
    (r"\mathbb{E}[x^2]", r"\mu^2", r"x \sim \mathcal{N}(\mu, \sigma^2)", Verdict.DIFFERENT),
    (r"\mathbb{E}[(x - \mu)^2]", r"\operatorname{Var}(x)", r"x \sim \mathcal{N}(\mu, \sigma^2)", Verdict.EQUIVALENT),
    (r"\operatorname{Var}(x)", r"\frac{(b-a)^2}{12}", r"x \sim \mathcal{U}(a, b)", Verdict.EQUIVALENT),
    (r"\operatorname{Var}(x)", r"\frac{(b-a)^2}{6}", r"x \sim \mathcal{U}(a, b)", Verdict.DIFFERENT),
    (r"\operatorname{Var}(w)", r"2 b^2", r"w \sim \text{Laplace}(\mu, b)", Verdict.EQUIVALENT),
])
def test_declared_distributions_give_moments_their_value(claimed, expected, law, verdict):
    r = check_text(claimed, expected, latex=True, assume=[law])
    assert r.verdict is verdict
    assert any("moments of the declared laws" in d for d in r.diagnostics)
    assert "Expectation" in r.claimed_read["expression"] or "Variance" in r.claimed_read["expression"]


def test_a_moment_of_an_undeclared_name_is_refused_naming_it():
    with pytest.raises(InputError, match="y has no declared distribution"):
        check_text(r"\mathbb{E}[x y]", "0", latex=True, assume=[r"x \sim \mathcal{N}(0, s^2)"])


@pytest.mark.parametrize("claimed, expected, symmetric, verdict", [
    (r"(\mathbf{A}\mathbf{H})^T", r"\mathbf{H}\mathbf{A}^T", "H", Verdict.EQUIVALENT),
    (r"(\mathbf{A}\mathbf{H})^T", r"\mathbf{H}\mathbf{A}^T", "", Verdict.DIFFERENT),  # H^T != H in general
    (r"\mathbf{v}^T \mathbf{H}^T \mathbf{w}", r"\mathbf{w}^T \mathbf{H} \mathbf{v}", "H", Verdict.EQUIVALENT),
    (r"\mathbf{v}^T \mathbf{A} \mathbf{w}", r"\mathbf{w}^T \mathbf{A} \mathbf{v}", "H", Verdict.DIFFERENT),
    (r"\mathbf{A}\mathbf{H}", r"\mathbf{H}\mathbf{A}", "A,H", Verdict.DIFFERENT),  # symmetric does not commute
    (r"(\mathbf{A}\mathbf{H})^T", r"\mathbf{H}\mathbf{A}", "A,H", Verdict.EQUIVALENT),
])
def test_symmetric_matrices(claimed, expected, symmetric, verdict):
    r = check_text(claimed, expected, latex=True, symmetric=[symmetric] if symmetric else [])
    assert r.verdict is verdict
    if symmetric and "H" in claimed:
        assert any("declared symmetric" in d for d in r.diagnostics)


def test_symmetric_draws_are_symmetric_and_square():
    import random

    from derivations.checking.matrices import matrix_draws
    from derivations.reading.shapes import infer_shapes, matrix

    H = matrix("H")
    c = H
    draw = matrix_draws(c, c, infer_shapes([c]), random.Random(3), 1, {"H"})[0]
    assert draw.claimed.is_square and draw.claimed == draw.claimed.T


def test_a_sum_over_an_index_reads_the_subscripted_name_as_an_entry():
    # (1/m) sum_i x_i was read with x_i a constant, and "proved" equal to x_i
    r = check_text(r"\frac{1}{m}\sum_{i=1}^m x_i", "x_i", latex=True)
    assert r.verdict is Verdict.DIFFERENT
    # h_{ik} in a sum over i is the entry h[i, k] (single letters, the index among them): a mean, not h_{ik}
    r = check_text(r"\frac{1}{m}\sum_{i=1}^m h_{ik}", "h_{ik}", latex=True)
    assert r.verdict is Verdict.DIFFERENT
    with pytest.raises(InputError, match="reads as an entry or as a name"):
        check_text(r"\frac{1}{m}\sum_{i=1}^m h_{i\alpha}", "h_{i\alpha}", latex=True)


@pytest.mark.parametrize("claimed, expected, smooth, verdict", [
    # Schwarz: for a smooth function the mixed partials commute; without the declaration they are not assumed to
    (r"\frac{\partial^2 L}{\partial w_i \partial w_j}", r"\frac{\partial^2 L}{\partial w_j \partial w_i}", "L",
     Verdict.EQUIVALENT),
    (r"\frac{\partial^2 L}{\partial w_i \partial w_j}", r"\frac{\partial^2 L}{\partial w_j \partial w_i}", "",
     Verdict.DIFFERENT),
    (r"\frac{\partial^3 f}{\partial x \partial y \partial x}", r"\frac{\partial^3 f}{\partial x^2 \partial y}", "f",
     Verdict.EQUIVALENT),
    (r"\frac{\partial^2 f}{\partial x \partial y}", r"\frac{\partial^2 f}{\partial x^2}", "f", Verdict.DIFFERENT),
    (r"\frac{\partial^2 g}{\partial x \partial y}", r"\frac{\partial^2 g}{\partial y \partial x}", "f",
     Verdict.DIFFERENT),  # only the declared function
])
def test_mixed_partials_of_declared_smooth_functions_commute(claimed, expected, smooth, verdict):
    r = check_text(claimed, expected, latex=True, smooth=[smooth] if smooth else [])
    assert r.verdict is verdict
    assert any("Schwarz" in d for d in r.diagnostics) == bool(smooth)


def test_an_entry_named_outside_its_sum_is_the_same_entry():
    # d/dx_j sum_i x_i^2 = 2 x_j (it was read as 0: x_j and the x_i of the sum were unrelated names)
    value = parse_latex(r"\frac{\partial}{\partial x_j} \sum_{i=1}^n x_i^2")
    x = next(iter(value.atoms(sp.Indexed))).base
    j, n = sp.Symbol("j", real=True), sp.Symbol("n", real=True)
    for size in (3, 5):
        at = {x[k]: k + 2 for k in range(1, size + 1)}
        for jj in (1, size):
            got = value.subs({n: size, j: jj}).doit().subs(at)
            assert got == 2 * at[x[jj]]
    # read together, the x_j of the other side is the same entry x[j]
    claimed, expected = read_latex([r"\frac{\partial}{\partial x_j} \sum_{i=1}^n x_i^2", "2 x_j"]).values
    assert expected == 2 * x[j] and claimed.subs({n: 4, j: 3}).doit() == expected.subs(j, 3)


@pytest.mark.parametrize("text, message", [
    (r"\sum_{i=1}^n x_i + x^{(1)}", "indexed both by a subscript"),
    (r"\frac{\partial}{\partial x_i}\sum_{j=1}^m (x^{(j)})^2", "an entry x_i or a sample x"),
])
def test_an_entry_and_a_sample_of_one_name_are_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_latex(text)


@pytest.mark.parametrize("text, expected", [
    (r"P(y|x_j)", "Probability(y, x_j)"), (r"P(x_j \mid y)", "Probability(x_j, y)"),
    (r"\frac{P(x_j)P(y \mid x_j)}{P(y)}", "Probability(x_j)*Probability(y, x_j)/Probability(y)"),
    (r"\mathbb{P}(x)", "Probability(x)"),
])
def test_probabilities_are_read_and_never_computed(text, expected):
    assert sp.sstr(parse_latex(text)) == expected
    with pytest.raises(InputError, match="does not compute probabilities"):
        check_text(text, text, latex=True)


def test_a_plain_p_applied_is_a_probability_or_a_function():
    with pytest.raises(InputError, match="reads either as a probability or as a function P"):
        parse_latex(r"P(x) + 1")


def test_moments_agree_with_sympy_stats_integrals():
    # the independent reference: sympy.stats integrates the densities; derivkit uses raw moments (MGF, closed form)
    import sympy.stats as stats

    from derivations.checking.distributions import evaluate_moments
    from derivations.reading.moments import Expectation, Variance

    x, y = sp.symbols("x y", real=True)
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
    laws = [Distributed(x, NormalDistribution(mu, s)), Distributed(y, UniformDistribution(-1, 2))]
    X, Y = stats.Normal("X", mu, s), stats.Uniform("Y", -1, 2)
    for p in (x**3 + 2 * x * y, (x - y) ** 4, x**2 * y**3 - y + 1):
        (got,), _ = evaluate_moments([Expectation(p)], laws)
        assert sp.simplify(got - stats.E(p.subs({x: X, y: Y}))) == 0
        (got,), _ = evaluate_moments([Variance(p)], laws)
        assert sp.simplify(got - stats.variance(p.subs({x: X, y: Y}))) == 0


def test_a_mixed_partial_of_an_applied_function_needs_it_declared_smooth():
    # SymPy's Derivative orders its variables (Schwarz): only true for a smooth function, so it is asked for
    with pytest.raises(InputError, match="--smooth f"):
        check_text(r"\frac{\partial^2}{\partial x \partial y} f(x, y)",
                   r"\frac{\partial^2}{\partial y \partial x} f(x, y)", latex=True)
    r = check_text(r"\frac{\partial^2}{\partial x \partial y} f(x, y)",
                   r"\frac{\partial^2}{\partial y \partial x} f(x, y)", latex=True, smooth=["f"])
    assert r.verdict is Verdict.EQUIVALENT
    assert parse_latex(r"\frac{\partial^2}{\partial x \partial y} (x^2 y)") == 2 * sp.Symbol("x", real=True)
