r"""Statements lecture notes make that are not quantities: a set by its elements, a maximum over indices, an order
of growth, a limit, a vector normal.  Each is read with statements=True and refused by `derivkit check`."""

import pytest
import sympy as sp

from derivations.checking.check import check_text
from derivations.errors import InputError
from derivations.reading.latex import read_latex
from derivations.reading.ranges import Extremum, IndexedSet
from derivations.reading.shapes import identity, vector
from derivations.reading.statements import Distributed, MultivariateNormal, Tends

R = lambda n: sp.Symbol(n, real=True)  # noqa: E731


def read(text):
    return read_latex([text], rhs_of_equation=False, statements=True).values[0]


def test_a_set_with_an_ellipsis_is_the_set_its_first_and_last_elements_settle():
    value = read(r"\{\mathbf{x}^{(1)}, \mathbf{x}^{(2)}, \dots, \mathbf{x}^{(m)}\}")
    assert value == IndexedSet(vector("x[j]"), sp.Tuple(R("j"), 1, R("m")))
    assert read(r"\{x^{(1)}, \ldots, x^{(n)}\}") == IndexedSet(sp.IndexedBase("x", real=True)[R("j")],
                                                              sp.Tuple(R("j"), 1, R("n")))
    with pytest.raises(InputError, match="pattern is not settled"):
        read(r"\{a_1, \ldots, a_n\}")  # names, not entries of one indexed name


def test_sets_whose_pattern_is_not_settled_are_refused():
    for text in (r"\{x^{(1)}, x^{(3)}, \dots, x^{(m)}\}", r"\{x^{(1)}, \dots\}", r"\{x^{(1)}, \dots, y^{(m)}\}",
                 r"\{\dots, x^{(m)}\}", r"\{x^{(1)}, \dots, x^{(k)}, x^{(m)}\}"):
        with pytest.raises(InputError, match="pattern is not settled"):
            read(text)
    assert read(r"\{x^{(0)}, x^{(1)}, \cdots, x^{(n-1)}\}").limits == sp.Tuple(R("j"), 0, R("n") - 1)


def test_a_maximum_over_indices_is_left_unevaluated():
    value = read(r"\max_{i,j} \left| \frac{\kappa_i}{\kappa_j} \right|")
    kappa = sp.IndexedBase("kappa", real=True)
    assert value == Extremum(sp.Symbol("max"), sp.Abs(kappa[R("i")] / kappa[R("j")]), sp.Tuple(R("i"), R("j")))
    assert read(r"\max(0, x)") == sp.Max(0, R("x"))  # a maximum of listed values is the quantity


def test_an_order_of_growth_is_in_the_one_count_it_names():
    assert read(r"\mathcal{O}(N^3)") == sp.Order(R("N") ** 3, (R("N"), sp.oo))
    assert read(r"\mathcal{O}(n^2 + n)") == sp.Order(R("n") ** 2, (R("n"), sp.oo))
    for text in (r"\mathcal{O}(h^2)", r"\mathcal{O}(n m)"):  # h -> 0 or h -> oo; two names: not settled
        with pytest.raises(InputError, match="not settled"):
            read(text)


def test_a_limit_and_a_vector_normal_are_statements():
    assert read(r"\alpha \rightarrow \infty") == Tends(R("alpha"), sp.oo)
    assert read(r"h \to 0") == Tends(R("h"), sp.S.Zero)
    value = read(r"\mathbf{w} \sim \mathcal{N}(0, \frac{1}{\alpha} \mathbf{I})")
    assert value == Distributed(vector("w"), MultivariateNormal(sp.S.Zero, identity() / R("alpha")))
    for text in (r"\mathbf{w} \sim \mathcal{N}(0, \sigma)", r"\mathbf{w} \sim \mathcal{U}(0, \mathbf{I})",
                 r"\mathbf{w} \sim \mathcal{N}(0, \mathbf{a})"):  # a scalar or a vector is no covariance
        with pytest.raises(InputError, match="of a vector"):
            read(text)


@pytest.mark.parametrize("text, what", [
    (r"\{\mathbf{x}^{(1)}, \dots, \mathbf{x}^{(m)}\}", "is a set"),
    (r"\max_{i,j} \left| \frac{\kappa_i}{\kappa_j} \right|", "over indices"),
    (r"\mathcal{O}(N^3)", "order of growth"),
    (r"\alpha \rightarrow \infty", "states a limit"),
    (r"\mathbf{w} \sim \mathcal{N}(0, \frac{1}{\alpha} \mathbf{I})", "states a distribution"),
    (r"\boldsymbol{W}^{(t)} \in \R^{D \times D}", "states a membership"),
    (r"\mathcal M \subset \{1, \ldots, n \}", "states a subset"),
    (r"t \in 1 \ldots L:", "states a membership"),
    (r"\argmin_{\boldsymbol W, \beta} \sum_{i=1}^n \ell_i", "argmin at column 1 is the point where a minimum"),
    (r"I[x \geq 0]", "is an indicator"),
])
def test_check_refuses_each_statement_as_no_quantity(text, what):
    with pytest.raises(InputError, match=what):
        check_text(text, "x", latex=True)


def test_a_vector_written_with_an_ellipsis_is_the_vector_its_first_and_last_entries_settle():
    from derivations.reading.ranges import PatternVector

    g, j, D = sp.Function("g", real=True), R("j"), R("D")
    p_j = sp.IndexedBase("p_j", real=True)
    value = read(r"\begin{bmatrix} g(p^{(t)}_1) & \ldots & g(p^{(t)}_D) \end{bmatrix}^\top")
    assert value == PatternVector(g(p_j[R("t")]), sp.Tuple(j, 1, D), sp.false)  # a column, transposed from a row
    assert read(r"\begin{bmatrix} x_1 \\ \vdots \\ x_n \end{bmatrix}") == PatternVector(
        R("x_j"), sp.Tuple(j, 1, R("n")), sp.false)
    for text in (r"\begin{bmatrix} g(p_1) & g(p_3) & \ldots & g(p_D) \end{bmatrix}",  # not the entry after p_1
                 r"\begin{bmatrix} 1 \\ 0 \\ 1 \\ \vdots \\ 0 \end{bmatrix}",  # numbers: no pattern to read
                 r"\begin{bmatrix} a & \ldots & b \end{bmatrix}"):
        with pytest.raises(InputError, match="pattern is not settled"):
            read(text)
    with pytest.raises(InputError, match="a vector of symbolic length is not a formula derivkit check compares"):
        check_text(r"\begin{bmatrix} x_1 & \ldots & x_n \end{bmatrix}", "x", latex=True)


def test_a_vector_or_matrix_in_a_real_space_declares_its_shape():
    from derivations.reading.shapes import matrix
    from derivations.reading.statements import ShapeDeclaration

    D, K = R("D"), R("K_T")
    assert read(r"\boldsymbol \beta \in \R^{K_T}") == ShapeDeclaration(vector("beta"), sp.Tuple(K, 1))  # a column
    assert read(r"\boldsymbol{W}^{(t)} \in \R^{D \times D}") == ShapeDeclaration(matrix("W[t]"), sp.Tuple(D, D))
    assert read(r"\mathbf{p} \in \mathbb{R}^3") == ShapeDeclaration(vector("p"), sp.Tuple(3, 1))
    for text, why in ((r"\mathbf{W} \in \R^{D}", "a matrix declared in a space of 1 size"),
                      (r"\mathbf{w} \in \R^{D \times D}", "a vector declared in a space of 2 size"),
                      (r"\mathbf{w} \in \R", "has a size"),
                      (r"\mathbf{w} \in \R^{-1}", "a name or a positive integer"),
                      (r"\mathbf{w} \in [0, 1]", "declared in a real space"),
                      (r"x \in \R^D", "write an interval")):  # a scalar is no shape
        with pytest.raises(InputError, match=why):
            read(text)


def test_integers_written_with_an_ellipsis_are_the_range_their_ends_settle():
    from derivations.reading.ranges import IntegerRange
    from derivations.reading.statements import Subset

    n, L, k = R("n"), R("L"), R("k")
    assert read(r"\mathcal M \subset \{1, \ldots, n \}") == Subset(R("M"), IntegerRange(sp.Integer(1), n))
    assert read(r"t \in 1 \ldots L:") == sp.Contains(R("t"), IntegerRange(sp.Integer(1), L), evaluate=False)
    assert read(r"t \in \{0, 1, \ldots, n-1\}").args[1] == IntegerRange(sp.Integer(0), n - 1)
    assert read(r"0, \dots, k") == IntegerRange(sp.Integer(0), k)  # the right side of i = 0, ..., k
    assert read(r"s \in \{-1, 0, 1\}") == sp.Contains(R("s"), sp.FiniteSet(-1, 0, 1), evaluate=False)
    for text in (r"t \in \{1, 3, \ldots, n\}", r"1, 3, \ldots, n", r"t \in 1 2 \ldots L", r"0, \dots",
                 r"t \in \{1, \ldots, 0\}", r"t \in 1 \ldots \mathbf{x}", r"x^2 \subset \{1, 2\}",
                 r"M \subset \mathbb{R}", r"t \in 1 \ldots L: x"):
        with pytest.raises(InputError):
            read(text)


def test_an_arg_min_over_named_variables_is_left_unevaluated():
    from derivations.reading.ranges import ArgExtremum
    from derivations.reading.shapes import matrix

    value = read(r"\mathrm{argmin}_{\boldsymbol W^{(t)}, \beta} \sum_{i=1}^n \ell(\hat f_\mathrm{NN}(x_i), y_i)")
    assert isinstance(value, ArgExtremum) and value.variables == sp.Tuple(matrix("W[t]"), R("beta"))
    assert isinstance(value.body, sp.Sum)
    x = R("x")
    assert read(r"\operatorname*{argmax}_x x^2") == ArgExtremum(sp.Symbol("argmax"), x ** 2, sp.Tuple(x))
    under = read(r"\argmin_{w} \sum_{i=1}^n \underbrace{(w - y_i)^2}_{\ell_i}")  # the label names the braced part
    assert under.body == read(r"\argmin_{w} \sum_{i=1}^n (w - y_i)^2").body
    for text, why in ((r"2 \argmin_x x^2", "only as the whole formula"), (r"\argmin x^2", "its subscript"),
                      (r"\argmin_{x, x} x", "distinct names"), (r"\argmin_{x+1} x", "distinct names")):
        with pytest.raises(InputError, match=why):
            read(text)


def test_an_indicator_of_a_condition_is_one_where_it_holds():
    x = R("x")
    assert read(r"I[x \geq 0]") == sp.Piecewise((1, x >= 0), (0, True))
    assert read(r"I[x]") == R("I") * x  # no condition: not an indicator
    for text in (r"I[\mathbf{x} > 0]", r"I[0 < x < 1]"):
        with pytest.raises(InputError, match="one condition between scalars"):
            read(text)
    with pytest.raises(InputError, match="is an indicator"):  # I[x > 0] and I[x >= 0] differ at 0 alone
        check_text(r"I[x > 0]", r"I[x \geq 0]", latex=True)


def test_a_pattern_vector_whose_entries_carry_a_numeric_superscript_varies_in_its_subscript():
    from derivations.reading.ranges import PatternVector

    g, j, D = sp.Function("g", real=True), R("j"), R("D")
    value = read(r"\begin{bmatrix} g(p^{(1)}_1) & \ldots & g(p^{(1)}_D) \end{bmatrix}^\top")
    assert value == PatternVector(g(sp.IndexedBase("p_j", real=True)[1]), sp.Tuple(j, 1, D), sp.false)
    value = read(r"\begin{bmatrix} g(p^{(1)}_1) & \ldots & g(p^{(D)}_1) \end{bmatrix}")  # the superscript varies
    assert value == PatternVector(g(sp.IndexedBase("p_1", real=True)[j]), sp.Tuple(j, 1, D), sp.true)
    with pytest.raises(InputError, match="pattern is not settled"):
        read(r"\begin{bmatrix} g(p^{(1)}_1) & \ldots & g(p^{(D)}_D) \end{bmatrix}")  # both vary
    with pytest.raises(InputError, match="more than one way"):
        read(r"\begin{bmatrix} g(p^{(1)}_1) & \ldots & g(p^{(1)}_1) \end{bmatrix}")


def test_the_derivative_of_a_scalar_with_respect_to_a_vector_or_matrix_has_its_kind():
    from derivations.reading.shapes import MatrixName, VectorName

    assert isinstance(read(r"\frac{\partial \ell_i}{\partial \boldsymbol W^{(t)}}"), MatrixName)
    assert isinstance(read(r"\partial \ell / \partial \mathbf{w}"), VectorName)
    assert isinstance(read(r"\mathbf{A}\frac{\partial \ell}{\partial \mathbf{w}}"), sp.Mul)
    assert not isinstance(read(r"\frac{\partial \ell}{\partial w}"), (MatrixName, VectorName))  # of a scalar
    assert read(r"\frac{\partial \ell}{\partial \mathbf{W}}") == read(r"\partial \ell / \partial \mathbf{W}")
    value = read(r"\boldsymbol W^{(t)} - \gamma \frac{n}{\left| \mathcal M \right|} \sum_{i \in \mathcal M} "
                 r"\frac{\partial \ell_i}{\partial \boldsymbol W^{(t)}}")
    assert {type(a) for a in value.atoms(MatrixName)} == {MatrixName} and len(value.atoms(MatrixName)) == 2
    # w bold below the line is the vector w throughout (the seeds' beta - gamma d l_i / d bold beta)
    assert read(r"w - \frac{\partial \ell}{\partial \mathbf{w}}").atoms(VectorName) == {vector("w"), vector("dell_dw")}


def test_a_bold_name_subscripted_by_a_sums_index_is_the_ith_vector():
    from derivations.reading.shapes import VectorName

    value = read(r"\sum_{i=1}^n \mathbf{x}_i")
    assert isinstance(value, sp.Sum) and value.function == vector("x[i]")
    for text in (r"\sum_{i=1}^n \mathbf{W}_i", r"\sum_{i=1}^n \mathbf{x}_{i+1}"):  # a matrix: a member, a row?
        with pytest.raises(InputError, match="subscripted by the index"):
            read(text)
    assert read(r"\sum_{i=1}^n \mathbf{x}_i + \sum_{j=1}^n \mathbf{x}_j").atoms(VectorName) == {vector("x[i]"),
                                                                                           vector("x[j]")}
    for claimed, expected in ((r"\sum_{i=1}^n \mathbf{A}\mathbf{x}_i", r"\mathbf{A}\sum_{i=1}^n \mathbf{x}_i"),
                              (r"\sum_{i=1}^n \mathbf{x}_i^T\mathbf{y}", r"\sum_{i=1}^n \mathbf{y}^T\mathbf{x}_i")):
        with pytest.raises(InputError, match="Sum of a matrix or vector is not supported"):  # nothing to draw for x_i
            check_text(claimed, expected, latex=True)
    with pytest.raises(InputError, match="adds a scalar"):  # the terms' shapes are still checked
        check_text(r"\sum_{i=1}^n (1 + \mathbf{x}_i)", "1", latex=True)
    for text in (r"\mathbf{x}^{(1)} + \sum_{i=1}^n \mathbf{x}_i", r"\sum_{i=1}^n \mathbf{x}_i + \mathbf{x}^{(1)}"):
        with pytest.raises(InputError, match="both by a subscript"):  # x_i and x^{(1)}: one family or two?
            read(text)


def test_a_slash_derivative_of_a_formula_differentiates_it_and_a_tensor_derivative_is_refused():
    x, y = R("x"), R("y")
    assert read(r"\partial (x^2 y) / \partial x") == 2 * x * y
    assert read(r"\partial \overbrace{x^2 y}^{p} / \partial x") == 2 * x * y  # the label names the braced part
    with pytest.raises(InputError, match="does not appear"):
        read(r"\partial (y) / \partial x")
    for text, what in ((r"\partial \overbrace{\boldsymbol W \boldsymbol x}^{\boldsymbol p} / \partial \boldsymbol W",
                        "with respect to a matrix"),
                       (r"\frac{\partial}{\partial \mathbf{W}} (\mathbf{W}\mathbf{x})", "with respect to a matrix"),
                       (r"\frac{\partial}{\partial \mathbf{w}} L(\mathbf{w})", "with respect to a vector"),
                       (r"\partial \overbrace{\boldsymbol g(p_j)}^{a_j} / \partial p_j", "a vector or matrix formula")):
        with pytest.raises(InputError, match=what):
            read(text)
