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
