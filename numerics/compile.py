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
  ``scipy.optimize.minimize``.  Its derivatives are formed term by term
  (:func:`derivations.calculus.sparse_derivatives`) and compiled by
  SymEngine's LLVM backend when available (SymPy's ``lambdify`` otherwise);
  large Hessians come back as ``scipy.sparse`` CSR matrices.

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

from derivations.calculus import sparse_derivatives

__all__ = [
    "compile_builder",
    "compile_expressions", "compile_tuple", "compile_batched", "compile_matrix_expression", "compile_matrix_program",
    "objective", "Objective",
]


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


def compile_tuple(exprs, args: Sequence[sp.Symbol], *, cse: bool = True) -> Callable[..., tuple]:
    """A NumPy function of ``args`` returning one array per expression (a sequence), without stacking.

    The cheap form for hot loops (elementwise update rules): the outputs come
    straight from the generated code, so an expression broadcasts over its own
    arguments only; an expression free of ``args`` is broadcast to the
    arguments' shape.

    Examples
    ========

    >>> import numpy as np, sympy as sp
    >>> x, c = sp.symbols("x c")
    >>> f = compile_tuple([c * x, x + 1, sp.Integer(2)], [x, c])
    >>> [a.tolist() for a in f(np.array([1.0, 2.0]), 3.0)]
    [[3.0, 6.0], [2.0, 3.0], [2.0, 2.0]]
    """
    flat, _ = _as_list(exprs)
    raw = sp.lambdify(list(args), flat, modules="numpy", cse=cse)
    constant = [i for i, e in enumerate(flat) if not (e.free_symbols & set(args))]
    if not constant:
        return raw  # returns a list, one array per expression

    def evaluate(*values):
        outs = list(raw(*values))
        batch = np.broadcast_shapes(*(np.shape(v) for v in values)) if values else ()
        for i in constant:
            outs[i] = np.broadcast_to(np.asarray(outs[i], dtype=float), batch)
        return tuple(outs)

    return evaluate


# --------------------------------------------------------------------------- matrix algebra


def compile_builder(build: Callable[..., sp.Basic], names: Sequence[str], **assumptions) -> Callable[..., float]:
    """The scalar NumPy function of ``build(*symbols)``, with one fresh symbol per name in ``names``.

    For expressions that a derivation builds from symbols it is given
    (``assumptions`` such as ``positive=True`` apply to every symbol).

    Examples
    ========

    >>> f = compile_builder(lambda a, b: a * b + 1, ["a", "b"])
    >>> float(f(2.0, 3.0))
    7.0
    """
    symbols = sp.symbols(list(names), **assumptions)
    raw = compile_tuple([build(*symbols)], symbols)
    return lambda *values: raw(*values)[0]


def _inverse(a: np.ndarray) -> np.ndarray:
    """Matrix inverse; a 1 x 1 matrix (a scalar such as ``(y^T s)^{-1}``) without LAPACK."""
    a = np.asarray(a, dtype=float)
    return 1.0 / a if a.shape == (1, 1) else np.linalg.inv(a)


def compile_matrix_expression(expr: sp.MatrixExpr, args: Sequence[sp.MatrixSymbol]) -> Callable[..., np.ndarray]:
    r"""NumPy code for a matrix expression in ``MatrixSymbol`` arguments of any size.

    Products are evaluated left to right as written (write :math:`s\,(u^T)` rather
    than :math:`s\,y^T H` to keep a rank-one term :math:`O(n^2)`); vectors are
    2-D columns of shape ``(n, 1)``; a 1 x 1 ``Inverse`` is a division.

    Examples
    ========

    >>> import numpy as np, sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> s, y = sp.MatrixSymbol("s", n, 1), sp.MatrixSymbol("y", n, 1)
    >>> outer = compile_matrix_expression(s * sp.Inverse(y.T * s) * s.T, [s, y])
    >>> outer(np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]])).tolist()
    [[1.0, 2.0], [2.0, 4.0]]
    """
    raw = sp.lambdify(list(args), expr, modules=[{"inv": _inverse}, "numpy"], cse=True)

    def evaluate(*values):
        return np.asarray(raw(*values), dtype=float)

    evaluate.__doc__ = f"Compiled from the matrix expression {expr} in {', '.join(map(str, args))}."
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

SPARSE_FROM = 500  # objective(..., sparse=None) returns a sparse Hessian from this many variables on
_CSE_UP_TO = 600  # common-subexpression elimination is superlinear: only for this many outputs or fewer


@dataclass(frozen=True)
class Objective:
    """A compiled scalar objective with SciPy's calling conventions.

    ``fun(x) -> float``, ``jac(x) -> (n,)``, ``hess(x) -> (n, n)`` and
    ``hessp(x, p) -> (n,)`` for ``x`` of shape ``(n,)``.  ``hess`` returns a
    ``scipy.sparse.csr_matrix`` when ``sparse`` is true.  ``backend`` says
    which compiler produced the callables (``"symengine-llvm"`` or
    ``"sympy"``); ``hessian_pattern`` holds the row and column indices of the
    Hessian's structurally nonzero entries.

    Examples
    ========

    >>> x = sp.Symbol("x")
    >>> obj = objective(x**4, [x])
    >>> obj.n, obj.fun(np.array([2.0])), obj.hessp(np.array([1.0]), np.array([1.0])).tolist()
    (1, 16.0, [12.0])
    """

    expr: sp.Basic
    variables: tuple[sp.Symbol, ...]
    fun: Callable[[np.ndarray], float]
    jac: Callable[[np.ndarray], np.ndarray]
    hess: Callable[[np.ndarray], np.ndarray]
    hessp: Callable[[np.ndarray, np.ndarray], np.ndarray]
    backend: str = "sympy"
    sparse: bool = False
    hessian_pattern: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def n(self) -> int:
        return len(self.variables)


def _pattern(rows, cols, n: int):
    """Both triangles of a symmetric pattern, the CSR order that sorts them, and CSR index arrays."""
    r = np.asarray(rows, dtype=np.intp)
    c = np.asarray(cols, dtype=np.intp)
    off = r != c
    full_r = np.concatenate([r, c[off]])
    full_c = np.concatenate([c, r[off]])
    source = np.concatenate([np.arange(r.size), np.flatnonzero(off)])  # value index of each full entry
    order = np.lexsort((full_c, full_r))
    full_r, full_c, source = full_r[order], full_c[order], source[order]
    indptr = np.zeros(n + 1, dtype=np.intp)
    np.add.at(indptr, full_r + 1, 1)
    return full_r, full_c, source, np.cumsum(indptr), full_c.astype(np.int32)


def _callables(n, f_call, g_call, h_values, rows, cols, sparse):
    """fun/jac/hess/hessp from compiled value functions and the upper-triangle Hessian pattern."""
    full_r, full_c, source, indptr, indices = _pattern(rows, cols, n)

    def fun(x):
        return float(f_call(np.ascontiguousarray(x, dtype=float)))

    def jac(x):
        return g_call(np.ascontiguousarray(x, dtype=float))

    if sparse:
        from scipy.sparse import csr_matrix

        def hess(x):
            data = h_values(np.ascontiguousarray(x, dtype=float))[source]
            return csr_matrix((data, indices, indptr), shape=(n, n))

        def hessp(x, p):
            return hess(x) @ np.asarray(p, dtype=float)
    else:

        def hess(x):
            out = np.zeros((n, n))
            out[full_r, full_c] = h_values(np.ascontiguousarray(x, dtype=float))[source]
            return out

        def hessp(x, p):
            p = np.asarray(p, dtype=float)
            v = h_values(np.ascontiguousarray(x, dtype=float))[source]
            return np.bincount(full_r, weights=v * p[full_c], minlength=n).astype(float, copy=False)

    return fun, jac, hess, hessp, (full_r, full_c)


def _symengine_objective(expr, variables, sparse):
    """Derivatives in SymEngine (SymPy's C++ core), compiled by its LLVM backend."""
    import symengine as se

    e = se.sympify(expr)
    xs = [se.sympify(v) for v in variables]
    d = sparse_derivatives(e, xs, se.Add)
    grad, rows, cols, values = d.gradient, d.rows, d.cols, d.values

    def compiled(outputs):
        if not outputs:
            return lambda x: np.zeros(0)
        # opt_level 0: LLVM's optimizer costs seconds on large straight-line code and gains ~10 %.
        # cse=False: SymEngine 0.15's common-subexpression pass returns wrong values for some gradients
        # (for (x1 - x0)^2 + (x3 - x1)^2 + ... it gives ∂f/∂x1 = -1.84 where the value is -0.99; tests/test_indexed.py)
        return se.Lambdify(xs, outputs, backend="llvm", cse=False, opt_level=0)

    f_num, g_num, h_num = compiled([e]), compiled(grad), compiled(values)
    return _callables(len(xs), lambda x: f_num(x)[0], g_num, h_num, rows, cols, sparse)


def _dirac_delta(x, *order):
    """δ(x) (and its derivatives) as a function: zero away from the kink, where it is evaluated."""
    return np.zeros_like(np.asarray(x, dtype=float))


# derivatives of Abs, Max, Min, sign contain Heaviside and DiracDelta: numbers almost everywhere
_NONSMOOTH = {"DiracDelta": _dirac_delta, "Heaviside": lambda x, h0=0.5: np.heaviside(x, h0)}


def _sympy_objective(expr, variables, sparse):
    """Derivatives in SymPy, compiled by ``lambdify`` (the fallback without SymEngine)."""
    d = sparse_derivatives(expr, list(variables), sp.Add)
    grad, rows, cols, values = d.gradient, d.rows, d.cols, d.values
    cse = len(values) <= _CSE_UP_TO
    modules = [_NONSMOOTH, "numpy"]
    f_num = sp.lambdify([variables], expr, modules=modules, cse=True)
    g_num = sp.lambdify([variables], grad, modules=modules, cse=cse)
    h_num = sp.lambdify([variables], values, modules=modules, cse=cse)
    n = len(variables)

    def g_call(x):
        return np.array(g_num(x), dtype=float).reshape(n)

    def h_values(x):
        return np.array(h_num(x), dtype=float).reshape(len(values))

    return _callables(n, f_num, g_call, h_values, rows, cols, sparse)


def objective(expr, variables: Sequence[sp.Symbol], *, sparse: bool | None = None, backend: str = "auto") -> Objective:
    r"""Compile a scalar expression and its derivatives for ``scipy.optimize.minimize``.

    The gradient and Hessian are derived term by term (only where a variable
    occurs; the Hessian as the Jacobian of the gradient, upper triangle only)
    and compiled with SymEngine's LLVM backend when SymEngine is importable
    and can express every function, else with SymPy's ``lambdify``
    (``backend="symengine"`` or ``"sympy"`` forces one).  ``sparse=True``
    makes ``hess`` return a ``scipy.sparse.csr_matrix``; ``None`` chooses it
    from :data:`SPARSE_FROM` variables on.

    Parameters
    ==========

    expr : a scalar SymPy expression
    variables : its variables, in the order of ``x``
    sparse : a sparse Hessian (``None``: from the number of variables)
    backend : ``"auto"``, ``"symengine"`` or ``"sympy"``

    Returns
    =======

    :class:`Objective` whose ``fun``, ``jac``, ``hess``, ``hessp`` go straight to ``scipy.optimize.minimize``

    Examples
    ========

    >>> x, y = sp.symbols("x y")
    >>> obj = objective((1 - x)**2 + 100 * (y - x**2)**2, [x, y], sparse=True)
    >>> obj.hess(np.array([1.0, 1.0])).toarray().tolist()
    [[802.0, -400.0], [-400.0, 200.0]]
    """
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        raise ValueError("an objective must be a scalar expression")
    variables = tuple(variables)
    extra = expr.free_symbols - set(variables)
    if extra:
        raise ValueError(f"the objective has symbols that are not variables: {', '.join(sorted(map(str, extra)))}")
    if backend not in ("auto", "symengine", "sympy"):
        raise ValueError(f"unknown backend {backend!r} (auto, symengine or sympy)")
    sparse = len(variables) >= SPARSE_FROM if sparse is None else bool(sparse)
    built = None
    if backend in ("auto", "symengine"):
        try:
            built, name = _symengine_objective(expr, variables, sparse), "symengine-llvm"
        except Exception:  # not importable, a function SymEngine or its LLVM backend lacks, ...
            if backend == "symengine":
                raise
    if built is None:
        built, name = _sympy_objective(expr, variables, sparse), "sympy"
    fun, jac, hess, hessp, pattern = built
    return Objective(expr, variables, fun, jac, hess, hessp, name, sparse, pattern)
