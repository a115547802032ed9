"""compile_matrix_program: generated NumPy code against hand-written NumPy on random data."""

import numpy as np
import pytest
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from numerics.compile import compile_matrix_program

n, d, h = sp.symbols("n d h", integer=True, positive=True)
X, W, b, one = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("W", h, d), sp.MatrixSymbol("b", h, 1), sp.MatrixSymbol(
    "one", n, 1)
Z, A, S = sp.MatrixSymbol("Z", n, h), sp.MatrixSymbol("A", n, h), sp.MatrixSymbol("S", 1, h)
u, a = sp.Symbol("u"), sp.Symbol("a")
sigmoid = sp.Lambda(u, 1 / (1 + sp.exp(-u)))
curv = sp.Lambda(u, sigmoid(u) * (1 - sigmoid(u)) * (1 - 2 * sigmoid(u)))  # a body with shared exp(-u)
PROGRAM = [
    (Z, X * W.T + one * b.T),
    (A, sp.HadamardProduct(ElementwiseApplyFunction(curv, Z), one * S) + a * Z),
    (S, one.T * A / n),
]


@pytest.mark.parametrize("ones", [(), (one,)])
def test_program_matches_numpy(ones):
    # S is used before it is assigned in PROGRAM[1]; define it as an input for this test
    program = [(Z, PROGRAM[0][1])] + [(A, PROGRAM[1][1])]
    f = compile_matrix_program(program, [X, W, b, one, S, a], [Z, A, one.T * A / n, sp.Trace(W.T * W)], ones=ones)
    rng = np.random.default_rng(0)
    Xv, Wv, bv, Sv = rng.standard_normal((7, 3)), rng.standard_normal((4, 3)), rng.standard_normal((4, 1)), \
        rng.standard_normal((1, 4))
    Zv, Av, mean, tr = f(Xv, Wv, bv, np.ones((7, 1)), Sv, 0.3)
    Zr = Xv @ Wv.T + bv.T
    s = 1 / (1 + np.exp(-Zr))
    Ar = s * (1 - s) * (1 - 2 * s) * Sv + 0.3 * Zr
    np.testing.assert_allclose(Zv, Zr, rtol=1e-13)
    np.testing.assert_allclose(Av, Ar, rtol=1e-12)
    np.testing.assert_allclose(mean, Ar.mean(axis=0, keepdims=True), rtol=1e-12)
    assert tr == pytest.approx(np.sum(Wv**2), rel=1e-13)


def test_undefined_node_is_refused():
    with pytest.raises(ValueError, match="undefined"):
        compile_matrix_program(PROGRAM, [X, W, b, one, a], [S])
