r"""The compile bridge: the one module where SymPy meets NumPy.

* :func:`compile_expressions` turns expressions (or a matrix) into a NumPy
  callable, with common-subexpression elimination, vectorized over any batch
  shape of its arguments.
* :func:`compile_batched` turns an expression with sums over a batch index
  (``Sum(f(x[k]), (k, 1, m))``) into array code: ``x[j]`` becomes a row of an
  ``(m, d)`` array and each sum a reduction over axis 0.
* :func:`compile_matrix_program` turns an ordered list of matrix-expression
  assignments (``MatrixSymbol`` nodes, ``HadamardProduct``, elementwise
  functions) into one NumPy function; chained products are evaluated in the
  cheapest order.
* :func:`objective` turns a scalar expression into an :class:`Objective` whose
  ``fun``, ``jac``, ``hess`` and ``hessp`` can be handed to
  ``scipy.optimize.minimize``.

Examples
========

>>> import numpy as np, sympy as sp
>>> x, y = sp.symbols("x y")
>>> f = compile_expressions([x * y, x + y], [x, y])
>>> f(np.array([1.0, 2.0]), 3.0).tolist()
[[3.0, 4.0], [6.0, 5.0]]
>>> obj = objective((1 - x)**2 + 100 * (y - x**2)**2, [x, y])
>>> obj.fun(np.array([1.0, 1.0])), obj.jac(np.array([1.0, 1.0])).tolist()
(0.0, [0.0, 0.0])
>>> obj.hessp(np.array([1.0, 1.0]), np.array([1.0, 0.0])).tolist()
[802.0, -400.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

__all__ = ["compile_expressions", "compile_batched", "compile_matrix_program", "objective", "Objective"]


def _as_list(exprs) -> tuple[list[sp.Basic], tuple[int, ...]]:
    if isinstance(exprs, sp.MatrixBase):
        return list(exprs), exprs.shape
    if isinstance(exprs, (list, tuple)):
        return [sp.sympify(e) for e in exprs], (len(exprs),)
    return [sp.sympify(exprs)], ()


def compile_expressions(exprs, args: Sequence[sp.Symbol], *, cse: bool = True) -> Callable[..., np.ndarray]:
    """A NumPy function of ``args`` returning the expressions' values.

    The output has shape ``batch + shape(exprs)``, where ``batch`` is the
    broadcast shape of the arguments: a scalar expression gives the batch
    shape, a list of ``k`` gives a trailing axis of ``k``, a matrix its shape.
    """
    flat, shape = _as_list(exprs)
    raw = sp.lambdify(list(args), flat, modules="numpy", cse=cse)

    def evaluate(*values):
        outs = raw(*values)
        batch = np.broadcast_shapes(*(np.shape(v) for v in values)) if values else ()
        stacked = np.stack([np.broadcast_to(np.asarray(o, dtype=float), batch) for o in outs], axis=-1)
        return stacked.reshape(batch + shape)

    evaluate.__doc__ = f"Compiled from {len(flat)} SymPy expression(s) in {', '.join(map(str, args))}."
    return evaluate


# --------------------------------------------------------------------------- batch axis

_batch_sum = sp.Function("batch_sum")


def _to_array_form(expr: sp.Basic, size: sp.Symbol, arrays: Mapping[sp.IndexedBase, sp.Symbol]) -> sp.Basic:
    """Sums over ``1..size`` become ``batch_sum``; ``x[k]`` becomes the array symbol of ``x``."""

    def convert(e):
        if isinstance(e, sp.Sum):
            (k, lo, hi), = e.limits
            if lo != 1 or hi != size:
                raise ValueError(f"only sums over 1..{size} map to a batch axis, got {e.limits}")
            return _batch_sum(convert(e.function))
        if isinstance(e, sp.Indexed) and e.base in arrays:
            return arrays[e.base]
        if not e.args:
            return e
        return e.func(*[convert(a) for a in e.args])

    return convert(expr)


def compile_batched(
    exprs,
    *,
    index: sp.Symbol,
    size: sp.Symbol,
    arrays: Mapping[sp.IndexedBase, str],
    scalars: Sequence[sp.Symbol] = (),
) -> Callable[..., tuple[np.ndarray, ...]]:
    r"""Array code for per-sample expressions with sums over the batch index.

    ``exprs`` are expressions in ``x[index]`` (one sample) and sums
    ``Sum(..., (k, 1, size))``.  The returned function takes the arrays (shape
    ``(m, ...)``, batch first) in the order of ``arrays``, then ``scalars``,
    and returns one array per expression; sums keep a leading axis of 1 so
    that they broadcast against samples.

    Examples
    ========

    >>> import numpy as np, sympy as sp
    >>> x, j, k, m = sp.IndexedBase("x"), *sp.symbols("j k m", integer=True, positive=True)
    >>> centred = compile_batched([x[j] - sp.Sum(x[k], (k, 1, m)) / m], index=j, size=m, arrays={x: "x"})
    >>> centred(np.array([[1.0], [3.0]]))[0].ravel().tolist()
    [-1.0, 1.0]
    """
    flat, _ = _as_list(exprs)
    array_symbols = {base: sp.Symbol(f"_arr_{name}") for base, name in arrays.items()}
    converted = [_to_array_form(e, size, array_symbols) for e in flat]
    for e in converted:
        if e.has(index):
            raise ValueError(f"index {index} appears outside a sample position in {e}")
    args = list(array_symbols.values()) + [size] + list(scalars)
    kernel = sp.lambdify(
        args,
        converted,
        modules=[{"batch_sum": lambda a: np.sum(a, axis=0, keepdims=True)}, "numpy"],
        cse=True,
    )

    def evaluate(*values):
        n_arrays = len(array_symbols)
        if len(values) != n_arrays + len(scalars):
            raise TypeError(f"expected {n_arrays} arrays and {len(scalars)} scalars, got {len(values)} values")
        m = np.shape(values[0])[0]
        return tuple(kernel(*values[:n_arrays], m, *values[n_arrays:]))

    return evaluate


# --------------------------------------------------------------------------- matrix programs


class _MatrixNumPyPrinter(NumPyPrinter):
    """NumPy printer for matrix expressions: elementwise functions and cheap product chains.

    ``ones`` names column symbols known to hold all ones: ``1 r`` becomes a
    broadcast view, ``1ᵀM`` and ``M1`` become sums (no outer products).
    """

    def __init__(self, settings=None, ones=()):
        super().__init__(settings or {})
        self._ones = frozenset(ones)

    def _print_ElementwiseApplyFunction(self, expr):
        lam = expr.function
        if not isinstance(lam, sp.Lambda) or len(lam.variables) != 1:
            raise ValueError(f"elementwise function must be a one-argument Lambda, got {lam}")
        var = sp.Symbol("_ew")
        body = lam.expr.xreplace({lam.variables[0]: var})
        # common subexpressions of the body (e.g. exp(-u) in σ(1-σ)(1-2σ)) are computed once
        replacements, (reduced,) = sp.cse([body], symbols=sp.numbered_symbols("_cs"))

        def nest(i: int) -> str:
            if i == len(replacements):
                return self._print(reduced)
            sym, sub = replacements[i]
            return f"(lambda {sym}: {nest(i + 1)})({self._print(sub)})"

        return f"(lambda {var}: {nest(0)})({self._print(expr.expr)})"

    def _print_Trace(self, expr):
        return f"{self._module_format('numpy.trace')}({self._print(expr.arg)})"

    def _print_MatMul(self, expr):
        coeff, mats = expr.as_coeff_matrices()
        printed = [self._print(m) for m in mats]
        if len(mats) == 2 and self._ones:
            left, right = mats
            np_ = self._module_format("numpy")
            if left in self._ones:  # 1 r: the row repeated, as a read-only broadcast view
                core = f"{np_}.broadcast_to({printed[1]}, ({printed[0]}.shape[0], ({printed[1]}).shape[1]))"
                return core if coeff == 1 else f"({self._print(coeff)}) * ({core})"
            if isinstance(left, sp.Transpose) and left.arg in self._ones:  # 1ᵀM: column sums
                core = f"{np_}.sum({printed[1]}, axis=0, keepdims=True)"
                return core if coeff == 1 else f"({self._print(coeff)}) * ({core})"
            if right in self._ones:  # M1: row sums
                core = f"{np_}.sum({printed[0]}, axis=1, keepdims=True)"
                return core if coeff == 1 else f"({self._print(coeff)}) * ({core})"
        if len(printed) == 1:
            core = printed[0]
        elif len(printed) == 2:
            core = f"({printed[0]}) @ ({printed[1]})"
        else:  # multi_dot picks the cheapest association (never an n x n intermediate)
            core = f"{self._module_format('numpy.linalg.multi_dot')}([{', '.join(printed)}])"
        return core if coeff == 1 else f"({self._print(coeff)}) * ({core})"


def _size_symbols(inputs: Sequence[sp.Basic]) -> list[sp.Symbol]:
    out: list[sp.Symbol] = []
    for s in inputs:
        if isinstance(s, sp.MatrixSymbol):
            out.extend(dim for dim in s.shape if isinstance(dim, sp.Symbol) and dim not in out)
    return out


def compile_matrix_program(
    assignments: Sequence[tuple[sp.Basic, sp.Basic]],
    inputs: Sequence[sp.Basic],
    outputs: Sequence[sp.Basic],
    ones: Sequence[sp.MatrixSymbol] = (),
) -> Callable[..., tuple[np.ndarray, ...]]:
    r"""One NumPy function from ordered assignments ``node := matrix expression``.

    ``inputs`` are ``MatrixSymbol``\ s (passed as 2-D arrays of their shape)
    and scalar ``Symbol``\ s; size symbols in the inputs' shapes are read from
    the arrays.  Each assignment may use the inputs and earlier nodes; it is
    lambdified on its own (so a node is computed once), with matrix products
    as ``@``/``multi_dot``, ``HadamardProduct`` as ``multiply`` and
    ``ElementwiseApplyFunction`` as the NumPy form of its ``Lambda``.  The
    function returns the values of ``outputs`` (nodes or inputs).  Column
    inputs listed in ``ones`` must be passed as all-ones arrays; products with
    them are printed as broadcasts and sums.

    Examples
    ========

    >>> import numpy as np, sympy as sp
    >>> from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> X, A, one = sp.MatrixSymbol("X", n, 2), sp.MatrixSymbol("A", n, 2), sp.MatrixSymbol("one", n, 1)
    >>> u = sp.Symbol("u")
    >>> program = compile_matrix_program(
    ...     [(A, ElementwiseApplyFunction(sp.Lambda(u, u**2), X))], [X, one], [A, one.T * A / n], ones=[one])
    >>> square, mean = program(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((2, 1)))
    >>> square.tolist(), mean.tolist()
    ([[1.0, 4.0], [9.0, 16.0]], [[5.0, 10.0]])
    """
    inputs = tuple(inputs)
    sizes = _size_symbols(inputs)
    known: set[sp.Basic] = set(inputs) | set(sizes)
    for node, expr in assignments:
        used = expr.atoms(sp.MatrixSymbol) | {s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
        missing = used - known
        if missing:
            raise ValueError(f"node {node} uses undefined {sorted(map(str, missing))}")
        known.add(node)
    outputs = [sp.sympify(o) for o in outputs]
    # one generated function: the assignments become its local variables, in order (lambdify's cse hook)
    program = [(node, expr) for node, expr in assignments]
    kernel = sp.lambdify(list(inputs) + list(sizes), outputs, modules="numpy",
                         printer=_MatrixNumPyPrinter({"fully_qualified_modules": True}, ones=ones),
                         cse=lambda exprs: (program, exprs))
    positions = [
        (i, j, dim) for j, dim in enumerate(sizes) for i, s in enumerate(inputs)
        if isinstance(s, sp.MatrixSymbol) and dim in s.shape
    ]

    def evaluate(*values):
        if len(values) != len(inputs):
            raise TypeError(f"expected {len(inputs)} inputs ({', '.join(map(str, inputs))}), got {len(values)}")
        dims = [None] * len(sizes)
        for i, j, dim in positions:
            if dims[j] is None:
                dims[j] = np.shape(values[i])[list(inputs[i].shape).index(dim)]
        return tuple(kernel(*values, *dims))

    evaluate.__doc__ = f"Compiled matrix program of {len(program)} assignment(s); inputs {', '.join(map(str, inputs))}."
    return evaluate


# --------------------------------------------------------------------------- objectives


@dataclass(frozen=True)
class Objective:
    """A compiled scalar objective with SciPy's calling conventions.

    ``fun(x) -> float``, ``jac(x) -> (n,)``, ``hess(x) -> (n, n)`` and
    ``hessp(x, p) -> (n,)`` for ``x`` of shape ``(n,)``.
    """

    expr: sp.Basic
    variables: tuple[sp.Symbol, ...]
    fun: Callable[[np.ndarray], float]
    jac: Callable[[np.ndarray], np.ndarray]
    hess: Callable[[np.ndarray], np.ndarray]
    hessp: Callable[[np.ndarray, np.ndarray], np.ndarray]

    @property
    def n(self) -> int:
        return len(self.variables)


def gradient(expr: sp.Basic, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """The gradient as a column matrix."""
    return sp.Matrix([sp.diff(expr, v) for v in variables])


def hessian(expr: sp.Basic, variables: Sequence[sp.Symbol], grad: sp.Matrix | None = None) -> sp.Matrix:
    """The Hessian as the Jacobian of the gradient (one differentiation per entry)."""
    g = gradient(expr, variables) if grad is None else grad
    return g.jacobian(list(variables))


def objective(expr, variables: Sequence[sp.Symbol]) -> Objective:
    """Compile a scalar expression and its derivatives for ``scipy.optimize.minimize``."""
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        raise ValueError("an objective must be a scalar expression")
    variables = tuple(variables)
    g = gradient(expr, variables)
    h = hessian(expr, variables, g)
    f_num = sp.lambdify([variables], expr, modules="numpy", cse=True)
    g_num = sp.lambdify([variables], list(g), modules="numpy", cse=True)
    h_num = sp.lambdify([variables], h, modules="numpy", cse=True)

    def fun(x):
        return float(f_num(np.asarray(x, dtype=float)))

    def jac(x):
        return np.array(g_num(np.asarray(x, dtype=float)), dtype=float).reshape(-1)

    def hess(x):
        return np.array(h_num(np.asarray(x, dtype=float)), dtype=float).reshape(len(variables), len(variables))

    def hessp(x, p):
        return hess(x) @ np.asarray(p, dtype=float)

    return Objective(expr, variables, fun, jac, hess, hessp)
