r"""Statements of lecture LaTeX that are not quantities: conditions, memberships, points, distributions.

Lecture notes state conditions (``\alpha \geq 0``, ``m > k > 1``), memberships
(``\alpha \in [0, 1]``, ``\lambda \in \mathbb{R}``, ``s \in \{-1, 0, 1\}``, ``t \in 1 \ldots L``),
shapes (``\mathbf{W} \in \mathbb{R}^{D \times D}``), subsets (``\mathcal M \subset \{1, \ldots, n\}``),
indicators (``I[x \geq 0]``), points (``(2, -2)``) and distributions (``w \sim \mathcal{U}(a, b)``).  They
are read as SymPy relations, ``Contains``, :class:`ShapeDeclaration`, :class:`Subset`, ``Piecewise``, ``Tuple``
and :class:`Distributed` when the caller asks for statements (``read_latex(..., statements=True)``);
otherwise each is refused naming what it is, since ``derivkit check`` compares
quantities.  A distribution is read only where its parameters are unambiguous:
:math:`\mathcal{U}(a, b)` by its ends, :math:`\text{Laplace}(\mu, b)` by its
location and scale, :math:`\mathcal{N}(\mu, s^2)` when the second parameter is
written as a square (a variance); :math:`\mathcal{N}(0, \sigma)` is refused,
since notes use both the variance and the standard deviation there.
:class:`StatementReader` is mixed into the reader of :mod:`derivations.reading.latex`.

Examples
========

>>> from derivations.reading.latex import read_latex
>>> read = lambda text: read_latex([text], rhs_of_equation=False, statements=True).values[0]
>>> read(r"m > k > 1"), read(r"\alpha \in [0, 1)"), read(r"(2, -2)")
((k > 1) & (m > k), Contains(alpha, Interval.Ropen(0, 1)), (2, -2))
>>> read(r"x \sim \mathcal{N}(\mu, \sigma^2)")
Distributed(x, NormalDistribution(mu, Abs(sigma)))
>>> read(r"\mathbf{W} \in \mathbb{R}^{m \times n}"), read(r"\mathcal M \subset \{1, \ldots, n \}")
(ShapeDeclaration(W, (m, n)), Subset(M, IntegerRange(1, n)))
>>> read_latex([r"\alpha \geq 0"], rhs_of_equation=False)
Traceback (most recent call last):
...
derivations.errors.InputError: '\geq' at column 8 states a condition, not a quantity: derivkit check compares quantities
"""

from __future__ import annotations

import sympy as sp
from sympy.stats.crv_types import LaplaceDistribution, NormalDistribution, UniformDistribution

from derivations.errors import InputError
from derivations.reading.ranges import _ELLIPSES, integer_range
from derivations.reading.shapes import ONE, IdentityName, MatrixName, Shape, VectorName, infer_shapes, is_typed

#: comparison tokens and the SymPy relation each means
COMPARISONS = {"<": sp.StrictLessThan, "\\lt": sp.StrictLessThan, ">": sp.StrictGreaterThan,
               "\\gt": sp.StrictGreaterThan, "\\leq": sp.LessThan, "\\le": sp.LessThan, "\\leqslant": sp.LessThan,
               "\\geq": sp.GreaterThan, "\\ge": sp.GreaterThan, "\\geqslant": sp.GreaterThan,
               "\\neq": sp.Ne, "\\ne": sp.Ne}
#: tokens that begin the second part of a statement
STATEMENT_TOKENS = set(COMPARISONS) | {"\\in", "\\sim", "\\rightarrow", "\\to", "\\subset", "\\subseteq"}
_COUNTS = set("nmkdNMKDT")  # names of counts: an order of growth in one of them is as it grows without bound
_NUMBER_SETS = {"R": sp.S.Reals, "Z": sp.S.Integers, "N": sp.S.Naturals0, "Q": sp.S.Rationals}


class Distributed(sp.Basic):
    r"""``x \sim D``: the name ``x`` is distributed as ``D`` (a distribution of :mod:`sympy.stats`).

    >>> Distributed(sp.Symbol("x"), UniformDistribution(0, 1)).distribution
    UniformDistribution(0, 1)
    """

    @property
    def variable(self) -> sp.Basic:
        return self.args[0]

    @property
    def distribution(self) -> sp.Basic:
        return self.args[1]


class ShapeDeclaration(sp.Basic):
    r"""``\mathbf{W} \in \mathbb{R}^{D \times D}``: the vector or matrix ``W`` has the shape (rows, columns);
    a vector in :math:`\mathbb{R}^n` is a column, ``(n, 1)``.

    >>> ShapeDeclaration(sp.Symbol("W"), sp.Tuple(sp.Symbol("D"), sp.Symbol("D"))).shape
    (D, D)
    """

    @property
    def name(self) -> sp.Basic:
        return self.args[0]

    @property
    def shape(self) -> sp.Tuple:
        return self.args[1]


class Subset(sp.Basic):
    r"""``\mathcal{M} \subset \{1, \ldots, n\}``: the name is a subset of the set, :math:`M \subseteq S` (notes write
    ``\subset`` for both the subset and the proper subset; the subset is what both state).

    >>> Subset(sp.Symbol("M"), sp.FiniteSet(1, 2)).superset
    {1, 2}
    """

    @property
    def superset(self) -> sp.Basic:
        return self.args[1]


class Tends(sp.Basic):
    r"""``\alpha \rightarrow \infty``: the name ``\alpha`` tends to a point (a limit taken, not a quantity).

    >>> Tends(sp.Symbol("alpha"), sp.oo).point
    oo
    """

    @property
    def point(self) -> sp.Basic:
        return self.args[1]


class MultivariateNormal(sp.Basic):
    r"""``\mathcal{N}(\mu, \Sigma)`` of a vector: its mean and covariance (the second parameter of a vector normal
    is a matrix, its covariance, unlike the scalar :math:`\mathcal{N}(\mu, \sigma)`, read only as a square).

    >>> MultivariateNormal(sp.S.Zero, sp.Symbol("Sigma")).covariance
    Sigma
    """

    @property
    def covariance(self) -> sp.Basic:
        return self.args[1]


class StatementReader:
    """Conditions, memberships, points and distributions, for the LaTeX reader."""

    def point(self):
        """``(a, b)`` or ``\\left(a, b\\right)`` as the whole formula: the point or pair ``Tuple(a, b)``; else ``None``."""
        if self.current().kind == "num" and self.peek_at(1) == "," and any(t.text in _ELLIPSES for t in self.toks):
            return self.integer_list()
        close = self._closing_of_first()
        if close is None:
            return None
        if self.peek("\\left"):
            self.next()
        self.next()
        items = [self.expression()]
        while self.peek(","):
            self.next()
            items.append(self.expression())
        if self.peek("\\right"):
            self.next()
        self.expect(")")
        if len(items) < 2 or not self.done():
            raise InputError("a point is written (a, b): one parenthesized list, nothing after it")
        if any(is_typed(v) for v in items):
            raise InputError("a point of vectors or matrices is not read: give its coordinates")
        return sp.Tuple(*items)

    def integer_list(self):
        r"""``0, \dots, k`` as the whole formula (``i = 0, \dots, k``): the integers from 0 to k."""
        start, items, dots = self.current(), [], None
        while True:
            if self.peek(*_ELLIPSES):
                dots = len(items)
                self.next()
            else:
                items.append(self.expression())
            if self.done():
                break
            self.expect(",")
        integers = integer_range(items, dots, start.col)
        if integers is None:
            raise InputError(f"the list at column {start.col} is read only as consecutive integers around an "
                             "ellipsis, 0, 1, \\dots, k")
        return integers

    def _closing_of_first(self) -> int | None:
        """Where the parenthesis opening the formula closes, when it closes the formula and holds a top-level comma."""
        start = 1 if self.peek("\\left") and self.peek_at(1) == "(" else 0
        if self.peek_at(start) != "(":
            return None
        level, comma = 0, False
        for i in range(self.pos + start, len(self.toks)):
            t = self.toks[i].text
            if t in ("(", "[", "{", "\\{"):
                level += 1
            elif t in (")", "]", "}", "\\}"):
                level -= 1
                if level == 0:
                    return i if comma and i == len(self.toks) - 1 else None
            elif t == "," and level == 1:
                comma = True
        return None

    def iverson_ahead(self) -> bool:
        """Is the reader at ``I[`` whose bracket holds a comparison (an indicator, never the identity matrix)?"""
        if not (self.peek("I") and self.peek_at(1) == "[") or self.typing.kind("I") is not None:
            return False
        level = 0
        for t in self.toks[self.pos + 1:]:
            level += (t.text in ("(", "[", "{")) - (t.text in (")", "]", "}"))
            if level == 0:
                return False
            if level == 1 and t.text in COMPARISONS:
                return True
        return False

    def iverson(self, tok):
        r"""``I[a \geq b]``: the indicator of the condition, 1 where it holds and 0 elsewhere (Iverson's bracket).

        Read as a statement only: two indicators may differ on the boundary alone (``I[x > 0]``, ``I[x \geq 0]``),
        which random probes never meet, so ``derivkit check`` does not compare them.
        """
        if not self.statements:
            raise InputError(f"I[...] at column {tok.col} is an indicator, which derivkit check does not compare: "
                             "indicators can differ on a boundary alone, where probes do not look")
        self.pos += 2
        left = self.expression()
        op = self.next()
        right = self.expression()
        if is_typed(left) or is_typed(right) or self.peek(*COMPARISONS):
            raise InputError(f"the indicator I[...] at column {tok.col} is read of one condition between scalars")
        self.expect("]")
        return sp.Piecewise((1, COMPARISONS[op.text](left, right)), (0, True))

    def statement(self, value, allowed: bool):
        """``value`` followed by a comparison chain, ``\\in S`` or ``\\sim D``: the statement it makes."""
        tok = self.current()
        what = {"\\in": "a membership", "\\sim": "a distribution", "\\rightarrow": "a limit",
                "\\to": "a limit", "\\subset": "a subset", "\\subseteq": "a subset"}.get(tok.text, "a condition")
        if not allowed:
            raise InputError(f"'{tok.text}' at column {tok.col} states {what}, not a quantity: derivkit check "
                             "compares quantities")
        if tok.text in ("\\rightarrow", "\\to"):
            self.next()
            if not isinstance(value, sp.Symbol) or is_typed(value):
                raise InputError(f"'{tok.text}' at column {tok.col}: the left side of a limit must be a name")
            return Tends(value, self.expression())
        if tok.text == "\\sim" and isinstance(value, VectorName):
            self.next()
            return Distributed(value, self.vector_normal(tok))
        if tok.text == "\\in" and isinstance(value, (VectorName, MatrixName)):
            self.next()
            return self.shape_declaration(value, tok)
        if is_typed(value):
            raise InputError(f"'{tok.text}' at column {tok.col}: {what} for a vector or matrix is not read")
        self.next()
        if tok.text in ("\\subset", "\\subseteq"):
            if not isinstance(value, sp.Symbol) or not self.peek("\\{"):
                raise InputError(f"'{tok.text}' at column {tok.col}: a subset is read as a name in a set written by "
                                 "its elements, S \\subset \\{1, \\ldots, n\\}")
            return Subset(value, self.indexed_set(self.current()))
        if tok.text == "\\in":
            membership = sp.Contains(value, self.number_set(tok), evaluate=False)
            if self.peek(":") and self.pos == len(self.toks) - 1:
                self.next()  # t \in 1 \ldots L: the colon ending a loop header
            return membership
        if tok.text == "\\sim":
            if not isinstance(value, (sp.Symbol, sp.Indexed)):
                raise InputError(f"'\\sim' at column {tok.col}: the left side of a distribution must be a name")
            return Distributed(value, self.distribution(tok))
        relations, left, op = [], value, tok
        while True:
            right = self.expression()
            if is_typed(right):
                raise InputError(f"'{op.text}' at column {op.col}: a condition between vectors or matrices is not read")
            relations.append(COMPARISONS[op.text](left, right, evaluate=False))
            if not self.peek(*COMPARISONS):
                break
            op, left = self.next(), right
        return relations[0] if len(relations) == 1 else sp.And(*relations, evaluate=False)

    def shape_declaration(self, value, tok) -> "ShapeDeclaration":
        r"""``\mathbb{R}^{D}`` after a vector, ``\mathbb{R}^{m \times n}`` after a matrix: the shape it declares."""
        fix = "write \\mathbb{R}^{n} after a vector, \\mathbb{R}^{m \\times n} after a matrix"
        if self.peek("\\R"):
            self.next()
        elif self.peek("\\mathbb") and self.peek_at(1) == "{" and self.peek_at(2) == "R" and self.peek_at(3) == "}":
            self.pos += 4
        else:
            raise InputError(f"'\\in' at column {tok.col}: a vector or matrix is declared in a real space; {fix}")
        if not self.peek("^"):
            raise InputError(f"'\\in' at column {tok.col}: the space of a vector or matrix has a size; {fix}")
        self.next()
        braced = self.peek("{")
        if braced:
            self.next()
        dims = [self.unary() if braced else self.script_value()]
        while braced and self.peek("\\times"):
            self.next()
            dims.append(self.unary())
        if braced:
            self.expect("}")
        if any(is_typed(d) or not (isinstance(d, sp.Symbol) or (d.is_Integer and d > 0)) for d in dims):
            raise InputError(f"'\\in' at column {tok.col}: each size of the space is a name or a positive integer")
        if isinstance(value, VectorName) and len(dims) == 1:
            return ShapeDeclaration(value, sp.Tuple(dims[0], sp.Integer(1)))
        if isinstance(value, MatrixName) and len(dims) == 2:
            return ShapeDeclaration(value, sp.Tuple(*dims))
        what = "vector" if isinstance(value, VectorName) else "matrix"
        raise InputError(f"'\\in' at column {tok.col}: a {what} declared in a space of {len(dims)} size(s); {fix}")

    def number_set(self, tok) -> sp.Set:
        r"""``[a, b]``, ``(a, b]``, ``\mathbb{R}``, ``\{a, b, c\}``: the set after ``\in``."""
        if self.peek("\\mathbb"):
            self.next()
            self.expect("{")
            letter = self.next().text
            self.expect("}")
            if letter not in _NUMBER_SETS or self.peek("^", "_"):
                raise InputError(f"\\mathbb{{{letter}}} at column {tok.col}: only R, Z, N and Q (without powers) are read")
            return _NUMBER_SETS[letter]
        if self.peek("\\{"):
            return self.indexed_set(self.current())
        if self.current().kind == "num" and self.peek_at(1) in _ELLIPSES:
            first = self.primary()  # 1 \ldots L: the integers 1 to L
            self.next()
            return integer_range([first, self.expression()], 1, tok.col) or self.not_a_set(tok)
        if self.peek("\\left"):
            self.next()
        opening = self.next()
        if opening.text not in ("[", "("):
            self.not_a_set(tok)
        low = self.expression()
        self.expect(",")
        high = self.expression()
        if self.peek("\\right"):
            self.next()
        closing = self.next()
        if closing.text not in ("]", ")"):
            raise InputError(f"an interval opened at column {opening.col} is closed by {closing.text!r}")
        return sp.Interval(low, high, left_open=opening.text == "(", right_open=closing.text == ")")

    def not_a_set(self, tok):
        raise InputError(f"after \\in at column {tok.col}: write an interval [a, b], a set \\{{a, b\\}}, the integers "
                         "\\{1, \\ldots, n\\} or \\mathbb{R}")

    def distribution(self, tok):
        r"""``\mathcal{U}(a, b)``, ``\text{Laplace}(\mu, b)``, ``\mathcal{N}(\mu, s^2)``: a distribution of sympy.stats."""
        start = self.current()
        self.bold, self.font = False, ""
        name = self.bare_name()
        params = self.arguments() if self.peek("(") or self.peek("\\left") else []
        if any(is_typed(p) for p in params):
            raise InputError(f"the distribution at column {start.col} has vector or matrix parameters: a "
                             "multivariate distribution is not read")
        if name in ("U", "Uniform") and len(params) == 2:
            return UniformDistribution(*params)
        if name == "Laplace" and len(params) == 2:
            return LaplaceDistribution(*params)
        if name in ("N", "Normal", "Gaussian") and len(params) == 2:
            variance = params[1]
            if isinstance(variance, sp.Pow) and variance.exp == 2:
                return NormalDistribution(params[0], sp.sqrt(variance))  # the standard deviation |s|
            raise InputError(f"\\mathcal{{N}}(μ, {sp.sstr(variance)}) at column {start.col}: the second parameter is a "
                             "variance in most notes and a standard deviation in some; write it as a square, "
                             "\\mathcal{N}(μ, σ^2)")
        raise InputError(f"the distribution at column {start.col} is not read: write \\mathcal{{U}}(a, b), "
                         "\\text{Laplace}(μ, b) or \\mathcal{N}(μ, σ^2)")

    def vector_normal(self, tok):
        r"""``\mathcal{N}(0, \frac{1}{\alpha}\mathbf{I})`` after a vector: the mean (0 or a vector) and the covariance."""
        start = self.current()
        self.bold, self.font = False, ""
        name = self.bare_name()
        params = self.arguments() if self.peek("(") or self.peek("\\left") else []
        if name not in ("N", "Normal", "Gaussian") or len(params) != 2:
            raise InputError(f"the distribution of a vector at column {start.col} is read only as a normal, "
                             "\\mathcal{N}(\\mu, \\Sigma)")
        mean, covariance = params
        square = False
        if any(isinstance(a, (MatrixName, IdentityName)) for a in sp.sympify(covariance).atoms(sp.Symbol)):
            try:
                shapes = infer_shapes([covariance])
                shape = shapes.shape(covariance)
                square = shape is None or not isinstance(shape, Shape) or shapes.find(shape.rows) != ONE
            except InputError:
                square = False
        if not square or not (mean == 0 or isinstance(mean, VectorName)):
            raise InputError(f"\\mathcal{{N}}(...) at column {start.col} of a vector: write the mean (0 or a vector) "
                             "and the covariance as a matrix, \\mathcal{N}(0, \\sigma^2 \\mathbf{I})")
        return MultivariateNormal(mean, covariance)

    def order_of_growth(self, start):
        r"""``\mathcal{O}(N^3)``: the order of growth as the one count in it grows, ``O(N**3, (N, oo))``."""
        if not self.statements:
            raise InputError(f"\\mathcal{{O}}(...) at column {start.col} is an order of growth, not a formula "
                             "derivkit check can compare")
        args = self.arguments()
        names = sorted(sp.sympify(args[0]).free_symbols, key=str) if len(args) == 1 else []
        if len(names) != 1 or names[0].name not in _COUNTS:
            raise InputError(f"\\mathcal{{O}}(...) at column {start.col}: the order of growth is read in one count "
                             "(n, m, k, d, N, ...) as it grows; of other names it may be as they tend to 0 or to "
                             "infinity, which is not settled")
        return sp.Order(args[0], (names[0], sp.oo))
