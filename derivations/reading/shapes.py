r"""The typed reading of a formula: scalars, column vectors and noncommutative matrices.

A matrix is a :class:`MatrixName` and a column vector a :class:`VectorName`:
both are noncommutative symbols, so ``A*B`` and ``B*A`` stay apart, ``A**-1``
is the inverse and :func:`sympy.transpose` the transpose.  :class:`IdentityName`
is the identity ``I``, of whatever square size its neighbours need.

:func:`infer_shapes` gives every matrix and vector a shape by unification
(the columns of a left factor are the rows of the right one; terms of a sum
share a shape; an inverse or a power is square; :math:`v^\top H v` is 1x1,
that is, a scalar) and refuses a formula whose shapes cannot agree.
:func:`realize` turns a typed expression into SymPy's matrix algebra
(``MatrixSymbol`` with symbolic sizes) or into explicit matrices of given
sizes, so that equivalence is decided by matrix algebra or probed with random
matrices, never by treating matrices as numbers.

Examples
========

>>> A, B = matrix("A"), matrix("B")
>>> v, H = vector("v"), matrix("H")
>>> shapes = infer_shapes([sp.transpose(v) * H * v, A * B])
>>> shapes.show(sp.transpose(v) * H * v), shapes.show(A * B)
('1x1', 'm x q')
>>> shapes.of_name("H")
('n', 'n')
>>> infer_shapes([v * A])
Traceback (most recent call last):
...
derivations.errors.InputError: shape mismatch: v*A multiplies a column vector v (n x 1) by A (m x p): a 1 x 1 factor is needed on the left of A
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Sequence

import sympy as sp

from derivations.errors import InputError


class Kind(Enum):
    """What a name stands for in a formula."""

    SCALAR = "scalar"
    VECTOR = "vector"
    MATRIX = "matrix"
    FUNCTION = "function"


class MatrixName(sp.Symbol):
    """A matrix in a formula: a noncommutative symbol."""


class VectorName(sp.Symbol):
    """A column vector in a formula: a noncommutative symbol."""


class IdentityName(sp.Symbol):
    """The identity matrix ``I``: square, of the size its neighbours need."""


def matrix(name: str) -> MatrixName:
    """The matrix called ``name``.

    >>> matrix("A") * matrix("B") == matrix("B") * matrix("A")
    False
    """
    return MatrixName(name, commutative=False)


def vector(name: str) -> VectorName:
    """The column vector called ``name``.

    >>> sp.transpose(vector("x")) * vector("y")
    transpose(x)*y
    """
    return VectorName(name, commutative=False)


def identity(name: str = "I") -> IdentityName:
    return IdentityName(name, commutative=False)


def typed(name: str, kind: Kind) -> sp.Symbol:
    """The symbol for a name of the given kind (``I`` of kind matrix is the identity)."""
    if kind is Kind.MATRIX:
        return identity(name) if name == "I" else matrix(name)
    if kind is Kind.VECTOR:
        return vector(name)
    return sp.Symbol(name, real=True)


def is_typed(expr) -> bool:
    """Does ``expr`` hold a matrix, a vector or the identity?

    >>> is_typed(sp.Symbol("x") + 1), is_typed(matrix("X") + 1)
    (False, True)
    """
    return isinstance(expr, sp.Basic) and any(isinstance(s, (MatrixName, VectorName, IdentityName))
                                               for s in expr.atoms(sp.Symbol))


def kind_of(symbol: sp.Basic) -> Kind:
    if isinstance(symbol, (MatrixName, IdentityName)):
        return Kind.MATRIX
    if isinstance(symbol, VectorName):
        return Kind.VECTOR
    return Kind.SCALAR


ONE = "1"
_EYE = "eye"  # the shape of I: square, any size


@dataclass(frozen=True)
class Shape:
    """Rows and columns, as size classes (``"1"`` is the size one)."""

    rows: str
    cols: str


@dataclass
class Shapes:
    """The shapes of one formula's matrices and vectors, after unification."""

    parent: dict[str, str] = field(default_factory=dict)
    names: dict[str, Shape] = field(default_factory=dict)
    sums: bool = False  # a sum of vectors or matrices has its terms' shape (else it is refused, after its terms)

    def find(self, dim: str) -> str:
        root = dim
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        self.parent[dim] = root
        return root

    def classes(self) -> list[str]:
        """The size classes other than 1, in the order names were met."""
        seen = []
        for shape in self.names.values():
            for d in (shape.rows, shape.cols):
                r = self.find(d)
                if r != ONE and r not in seen:
                    seen.append(r)
        return seen

    def label(self, dim: str) -> str:
        r = self.find(dim)
        if r == ONE:
            return "1"
        letters = "nmpqrstuvwk"
        i = self.classes().index(r) if r in self.classes() else len(self.classes())
        return letters[i] if i < len(letters) else f"n{i}"

    def of_name(self, name: str) -> tuple[str, str]:
        s = self.names[name]
        return self.label(s.rows), self.label(s.cols)

    def show(self, expr) -> str:
        s = _shape(expr, self)
        if s is None or (s != _EYE and self.find(s.rows) == ONE and self.find(s.cols) == ONE):
            return "1x1"
        if s == _EYE:
            return "square (identity)"
        return f"{self.label(s.rows)} x {self.label(s.cols)}"

    def shape(self, expr) -> Shape | str | None:
        return _shape(expr, self)


def _describe(expr, shape, shapes: Shapes) -> str:
    if isinstance(expr, VectorName):
        return f"a column vector {expr} ({shapes.label(shape.rows)} x 1)"
    return f"{sp.sstr(expr)} ({shapes.label(shape.rows)} x {shapes.label(shape.cols)})"


def _unify(a: str, b: str, shapes: Shapes, why: Callable[[], str]) -> None:
    ra, rb = shapes.find(a), shapes.find(b)
    if ra == rb:
        return
    if ONE in (ra, rb):
        raise InputError(f"shape mismatch: {why()}")
    shapes.parent[ra] = rb


def square(shapes: Shapes, name: str) -> None:
    """Make the matrix ``name`` square (a symmetric matrix is); refused when its shape cannot be.

    >>> A = matrix("A")
    >>> shapes = infer_shapes([A])
    >>> square(shapes, "A"); shapes.of_name("A")
    ('n', 'n')
    """
    shape = shapes.names[name]
    _unify(shape.rows, shape.cols, shapes, lambda: f"{name} is declared symmetric but is not square here")


def _scalar_like(s, shapes: Shapes) -> bool:
    return s is None or (s != _EYE and shapes.find(s.rows) == ONE and shapes.find(s.cols) == ONE)


def infer_shapes(exprs: Sequence[sp.Basic], same_shape: bool = False, sums: bool = False) -> Shapes:
    r"""Shapes for every matrix and vector of ``exprs`` (jointly); with ``same_shape`` the results share one shape.

    Refuses (:class:`~derivations.errors.InputError`) shapes that cannot agree.  A sum of vectors or matrices
    (:math:`\sum_i \mathbf{x}_i`, its terms names of a family, not values of the index) has its terms' shape with
    ``sums``, for the reader to settle kinds by; otherwise it is refused once its terms agree, since no numbers can
    be drawn for it.
    """
    shapes = Shapes(sums=sums)
    results = [_shape(e, shapes) for e in exprs]
    if same_shape and len(results) > 1:
        first = results[0]
        for other in results[1:]:
            if _scalar_like(first, shapes) != _scalar_like(other, shapes) and _EYE not in (first, other):
                raise InputError("shape mismatch: one side is a scalar, the other a matrix or vector")
            if isinstance(first, Shape) and isinstance(other, Shape):
                _unify(first.rows, other.rows, shapes, lambda: "the two sides have different shapes")
                _unify(first.cols, other.cols, shapes, lambda: "the two sides have different shapes")
    return shapes


def _shape(e, shapes: Shapes):  # noqa: C901 - one case per kind of node
    if isinstance(e, MatrixName):
        return shapes.names.setdefault(e.name, Shape(f"rows({e.name})", f"cols({e.name})"))
    if isinstance(e, VectorName):
        return shapes.names.setdefault(e.name, Shape(f"len({e.name})", ONE))
    if isinstance(e, IdentityName):
        return _EYE
    if not isinstance(e, sp.Basic) or e.is_commutative and not is_typed(e):
        return None
    if isinstance(e, sp.Add):
        terms = [(t, _shape(t, shapes)) for t in e.args]
        sized = [(t, s) for t, s in terms if isinstance(s, Shape)]
        scalars = [t for t, s in terms if s is None]
        eyes = [t for t, s in terms if s == _EYE]
        if not sized:
            if scalars and eyes:
                raise InputError(f"shape mismatch: {sp.sstr(e)} adds the identity to a scalar")
            return _EYE if eyes else None
        t0, first = sized[0]
        for t, s in sized[1:]:
            why = lambda t=t, s=s: f"{sp.sstr(e)} adds {_describe(t0, first, shapes)} and {_describe(t, s, shapes)}"
            _unify(first.rows, s.rows, shapes, why)
            _unify(first.cols, s.cols, shapes, why)
        if eyes:
            _unify(first.rows, first.cols, shapes,
                   lambda: f"{sp.sstr(e)} adds the identity to {_describe(t0, first, shapes)}, which is not square")
        if scalars:
            why = lambda: f"{sp.sstr(e)} adds a scalar to {_describe(t0, first, shapes)}"
            _unify(first.rows, ONE, shapes, why)
            _unify(first.cols, ONE, shapes, why)
        return first
    if isinstance(e, sp.Mul):
        current, left = None, None
        for factor in e.args:
            s = _shape(factor, shapes)
            if _scalar_like(s, shapes) or s == _EYE:
                if s == _EYE and current is None:
                    current = _EYE
                continue
            if current is None or current == _EYE:
                current, left = s, factor
                continue
            why = lambda f=factor, s=s, l=left, c=current: (
                f"{sp.sstr(e)} multiplies {_describe(l, c, shapes)} by {_describe(f, s, shapes)}: "
                f"a {shapes.label(c.cols)} x 1 factor is needed on the left of {sp.sstr(f)}"
                if shapes.find(c.cols) == ONE else
                f"{sp.sstr(e)} multiplies {_describe(l, c, shapes)} by {_describe(f, s, shapes)}")
            _unify(current.cols, s.rows, shapes, why)
            current, left = Shape(current.rows, s.cols), sp.Mul(left, factor)
        return current
    if isinstance(e, sp.Pow):
        s = _shape(e.base, shapes)
        if _scalar_like(s, shapes) or s == _EYE:
            if s == _EYE and not e.exp.is_Integer:
                raise InputError(f"{sp.sstr(e)}: only integer powers of the identity")
            return s
        if not e.exp.is_Integer:
            raise InputError(f"{sp.sstr(e)}: a matrix can only be raised to an integer power (write ^{{-1}} for "
                             "the inverse)")
        _unify(s.rows, s.cols, shapes, lambda: f"{sp.sstr(e)} needs a square matrix, "
                                               f"{_describe(e.base, s, shapes)} is not")
        return s
    if isinstance(e, sp.transpose):
        s = _shape(e.args[0], shapes)
        return Shape(s.cols, s.rows) if isinstance(s, Shape) else s
    if isinstance(e, sp.Sum) and isinstance(term := _shape(e.function, shapes), Shape):
        if shapes.sums:
            return term
        raise InputError(f"{sp.sstr(e)}: Sum of a matrix or vector is not supported "
                         "(only matrix products, sums, transposes, inverses and powers)")
    for arg in e.args:
        s = _shape(arg, shapes)
        if not _scalar_like(s, shapes):
            raise InputError(f"{sp.sstr(e)}: {type(e).__name__} of a matrix or vector is not supported "
                             "(only matrix products, sums, transposes, inverses and powers)")
    return None


class Eye:
    """``c I``: the identity scaled by a scalar, sized where it meets a matrix."""

    def __init__(self, coefficient):
        self.coefficient = coefficient


def realize(expr: sp.Basic, leaf: Callable[[sp.Symbol], object], eye: Callable[[int], object]):
    """Evaluate a typed expression with matrices given by ``leaf`` (explicit or ``MatrixSymbol``).

    ``eye(n)`` builds the identity of size ``n``.  A 1x1 result is returned as it is, and a multiple of
    the identity that met no matrix as an :class:`Eye` (sized by the caller).

    >>> A, B = matrix("A"), matrix("B")
    >>> values = {A: sp.Matrix([[1, 2], [3, 4]]), B: sp.Matrix([[0, 1], [1, 0]])}
    >>> realize(A * B - B * A, values.__getitem__, sp.eye)
    Matrix([
    [-1, -3],
    [ 3,  1]])
    """
    return _realize(expr, leaf, eye)


def _is_matrix(v) -> bool:
    return isinstance(v, (sp.MatrixBase, sp.MatrixExpr))


def _scalar(v):
    if _is_matrix(v) and v.shape == (1, 1):
        return v[0, 0]
    return v


def _realize(e, leaf, eye):  # noqa: C901 - one case per kind of node
    if isinstance(e, (MatrixName, VectorName)):
        return leaf(e)
    if isinstance(e, IdentityName):
        return Eye(sp.S.One)
    if not is_typed(e):
        return e
    if isinstance(e, sp.Add):
        values = [_realize(t, leaf, eye) for t in e.args]
        mats = [v for v in values if _is_matrix(v)]
        eyes = [v for v in values if isinstance(v, Eye)]
        scalars = [v for v in values if not _is_matrix(v) and not isinstance(v, Eye)]
        if not mats:
            if eyes and not scalars:
                return Eye(sp.Add(*(v.coefficient for v in eyes)))
            return sp.Add(*scalars)
        total = mats[0]
        for m in mats[1:]:
            total = total + m
        if eyes:
            total = total + sp.Add(*(v.coefficient for v in eyes)) * eye(total.shape[0])
        if scalars:
            return _scalar(total) + sp.Add(*scalars)
        return total
    if isinstance(e, sp.Mul):
        coefficient, product = sp.S.One, None
        for factor in e.args:
            v = _realize(factor, leaf, eye)
            if isinstance(v, Eye):
                coefficient *= v.coefficient
            elif _is_matrix(v) and v.shape != (1, 1):
                product = v if product is None else product * v
            else:
                coefficient *= _scalar(v)
        if product is None:
            return Eye(coefficient) if any(isinstance(f, IdentityName) for f in e.atoms(IdentityName)) and \
                _has_eye_factor(e) else coefficient
        return coefficient * product if coefficient != 1 else product
    if isinstance(e, sp.Pow):
        base = _realize(e.base, leaf, eye)
        if isinstance(base, Eye):
            return Eye(base.coefficient ** e.exp)
        if _is_matrix(base) and base.shape != (1, 1):
            return base ** int(e.exp)
        return _scalar(base) ** e.exp
    if isinstance(e, sp.transpose):
        inner = _realize(e.args[0], leaf, eye)
        return inner.T if _is_matrix(inner) else inner
    return e.func(*(_scalar(_realize(a, leaf, eye)) for a in e.args))


def _has_eye_factor(e: sp.Mul) -> bool:
    return any(isinstance(f, IdentityName) or (isinstance(f, sp.Pow) and isinstance(f.base, IdentityName))
               for f in e.args)


# --------------------------------------------------------------------------- SymPy-style methods


def transpose_of(a):
    """``a.T``: the transpose of an explicit or a typed matrix; a scalar is its own transpose."""
    if isinstance(a, sp.MatrixBase):
        return a.T
    return sp.transpose(a) if is_typed(a) else a


def inverse_of(a):
    """``a.inv()``: the inverse of a matrix (explicit ones up to 6x6), the reciprocal of a scalar."""
    if isinstance(a, sp.MatrixBase):
        if a.rows != a.cols or a.rows > 6:
            raise InputError("inv() takes a square matrix of at most 6x6")
        return a.inv()
    return a**-1


def _of_entries(what: str, explicit: Callable):
    def apply(a):
        if isinstance(a, sp.MatrixBase):
            if a.rows != a.cols or a.rows > 6:
                raise InputError(f"{what}() takes a square matrix of at most 6x6")
            return explicit(a)
        if is_typed(a):
            raise InputError(f"{what}() of a symbolic matrix is not supported: give its entries, Matrix([[a, b], [c, d]])")
        return a
    return apply


#: the methods SymPy-style input may call (``M.T``, ``M.inv()``): a whitelist, not attribute access
METHODS: dict[str, Callable] = {"T": transpose_of, "transpose": transpose_of, "inv": inverse_of,
                                "det": _of_entries("det", lambda a: a.det()),
                                "trace": _of_entries("trace", lambda a: a.trace())}
