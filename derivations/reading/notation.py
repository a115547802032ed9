r"""Names and calculus notation of lecture LaTeX: the part of the reader that builds symbols.

A name is a letter or a Greek letter with accents (``\hat{x}`` is ``xhat``),
subscripts (``x_1``, ``\theta_{\tau+1}``), an index (``x^{(j)}`` is ``x[j]``)
or a text superscript (``h^{\text{out}}``); its kind (scalar, vector, matrix,
function) comes from the typing of :mod:`derivations.reading.kinds`.  The
notation read here is the gradient ``\nabla``, norms, ``\sum`` and ``\prod`` with
limits, and matrix environments (derivatives are in :mod:`derivations.reading.derivatives`,
sums over a set in :mod:`derivations.reading.index_sets`).  :class:`NotationReader` is mixed into the reader of
:mod:`derivations.reading.latex`, which supplies the token and grammar methods.

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> parse_latex(r"\theta_{\tau+1} + x_{i-1} + h^{\text{shared}}_1")
h^shared_1 + theta_{tau+1} + x_{i-1}
"""

from __future__ import annotations

import sympy as sp

from sympy.core.function import AppliedUndef

from derivations.errors import InputError
from derivations.reading.bounded import bounded_sum
from derivations.reading.index_sets import both_scripts
from derivations.reading.kinds import Retype
from derivations.reading.parsing import FUNCTIONS, matrix_of, readable_name
from derivations.reading.shapes import ONE, IdentityName, Kind, MatrixName, Shape, VectorName, infer_shapes, is_typed, \
    typed
from derivations.reading.tokens import ACCENTS, BOLD, ENVIRONMENTS, FONTS, FUNCTIONS as LATEX_FUNCTIONS, LETTERS, \
    NAMED, Tok

_TEXT_FONTS = {"text", "textrm", "mathrm", "operatorname", "textit", "mathit"}


#: letters that name numbers in lecture notes: written with an argument list they are ambiguous
_SCALAR_LETTERS = set("abcdekmnpqrstuvwxyzij") | {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "lambda", "mu",
                                                   "nu", "rho", "tau", "kappa", "theta", "omega", "xi", "zeta", "iota",
                                                   "chi", "pi"}
_STATISTICS = {"P", "Pr", "Prob"}
_PROSE = {"and", "where", "for", "if", "when", "with", "or", "otherwise", "s.t.", "st", "then", "since", "hence",
          "thus", "so", "as", "by", "of", "in", "is", "are", "the", "let", "goal", "need", "such", "that"}


def _scalar_by_convention(name: str) -> bool:
    base = name.split("_")[0].split("^")[0]
    for accent in ("hat", "tilde", "bar", "dot", "check"):
        base = base.removesuffix(accent)
    return base in _SCALAR_LETTERS


class Norm1(sp.Function):
    r"""The 1-norm :math:`\|w\|_1 = \sum_i |w_i|` of a vector (no closed form in matrix algebra).

    >>> from derivations.reading.shapes import vector
    >>> Norm1(vector("w"))
    Norm1(w)
    """

    nargs = 1
    is_commutative = True


def capital(name: str) -> bool:
    """Is a name a capital (a matrix when notation forces a non-scalar)?"""
    return name[:1].isupper()


class NotationReader:
    """Names, partial derivatives, big operators and environments, for the LaTeX reader."""

    # ------------------------------------------------------------------ names
    def name_expression(self):
        """A name with its accents, subscripts and ``^{(j)}`` index: a symbol, an Indexed or an application."""
        start = self.current()
        self.bold, self.font = False, ""
        name, index = self.name_with_index()
        bold = self.bold
        declared = self.typing.kind(name)
        moment = self.moment(name, self.font, start) if declared is None and index is None else None
        if moment is not None:
            return moment
        if declared is None and self.font == "mathcal" and name == "O" and self.peek("(", "\\left") and self.statements:
            return self.order_of_growth(start)
        if declared is None and self.font == "mathcal" and name in ("N", "U", "O") and self.peek("(", "\\left"):
            raise InputError(f"\\mathcal{{{name}}}(...) at column {start.col} is a distribution or an order of growth, "
                             "not a formula derivkit check can compare")
        if self.font in ("text", "textrm") and name.lower() in _PROSE:
            raise InputError(f"\\text{{{name}}} at column {start.col} is prose, not part of a formula: give the formula alone")
        primes = 0
        while self.peek_at(primes) == "'":
            primes += 1
        primes = primes if primes and self.peek_at(primes) == "(" else 0
        self.pos += primes
        applies = not self.in_script and (self.peek("(") or (self.peek("\\left") and self.peek_at(1) == "("))
        if index is None and name in NAMED and applies:
            function = LATEX_FUNCTIONS.get(name, name)
            if function in FUNCTIONS:
                return self.apply(function, self.toks[self.pos - 1], name)
        kind = self.typing.kind(name)
        if index is None and applies and kind is None and not bold and _scalar_by_convention(name) \
                and self.factor_elsewhere(start):
            applies = False  # \alpha x + \alpha(y + z): a number times (...), as the formula uses it elsewhere
        if index is None and applies and kind is None and not bold and _scalar_by_convention(name):
            raise InputError(
                f"{name}(...) at column {start.col} reads either as the function {name} applied or as {name} times "
                f"(...): say --function {name} or --scalar {name}, or write {name}\\cdot(...)")
        if index is None and applies and (kind is Kind.FUNCTION or (kind is None and not bold)):
            return self.application(name, start, primes)
        if primes:
            raise InputError(f"a prime (') at column {start.col} needs an argument list: write {name}'(x)")
        if kind is Kind.FUNCTION:
            raise InputError(f"{name} is declared a function but written without arguments at column {start.col}")
        if kind is None and bold:
            kind = Kind.MATRIX if capital(name) else Kind.VECTOR
            self.kinds.setdefault(name, (kind, "bold"))
        elif kind in (Kind.MATRIX, Kind.VECTOR):
            self.kinds.setdefault(name, (kind, "declared" if name in self.typing.declared
                                         else self.typing.forced[name][1]))
        if kind is None and name == "I" and self.typing.has_matrices:
            kind = Kind.MATRIX
            self.kinds.setdefault(name, (kind, "the identity beside matrices"))
        if kind in (Kind.MATRIX, Kind.VECTOR) and self.typing.entrywise:
            if kind is Kind.MATRIX:
                raise InputError("the formula mixes entrywise operations with matrices")
            self.kinds[name] = (Kind.VECTOR, "read entry by entry (entrywise operations)")
            kind = None
        if kind in (Kind.MATRIX, Kind.VECTOR):
            self.made_typed = True
            if index is not None:
                if name in self.vector_families:
                    raise both_scripts(name)
                entry = typed(f"{name}[{sp.sstr(index)}]", kind)
                self.typed_entries[entry] = (name, index)  # x^{(j)} of a vector: the name and index it was read from
                return entry
            return typed(name, kind)
        if index is not None:
            self.superscript_bases.add(name)
            return self.indexed(name)[index]
        if name == "pi":
            return sp.pi
        self.bare.setdefault(name, start.col)
        return self.symbol(name)

    def factor_elsewhere(self, start: Tok) -> bool:
        r"""Is the one-token name at ``start`` used elsewhere in the formula as a plain number (``\alpha x``, ``\alpha^2``)?"""
        at = self.toks.index(start)
        if self.pos != at + 1:
            return False  # a name of several tokens (x_1, \hat{x})
        texts = [t.text for t in self.toks] + ["", "", ""]
        level, close = 0, len(self.toks)
        for close in range(self.pos, len(self.toks)):  # the argument list after the name: x(1 - x) stays ambiguous
            level += (texts[close] == "(") - (texts[close] == ")")
            if level == 0:
                break
        for i, t in enumerate(texts[:len(self.toks)]):
            after = texts[i + 1]
            if i == at or self.pos <= i <= close or t != start.text or after in ("(", "\\left", "_", "'", "\\right"):
                continue
            if after == "^" and texts[i + 2] == "{" and texts[i + 3] == "(":
                continue  # \alpha^{(k)}: another name
            before = texts[i - 1] if i > 0 else ""
            if before in ("_", "\\partial") or (before == "{" and i > 1 and texts[i - 2] == "_"):
                continue  # x_\alpha, x_{\alpha}, \partial \alpha: not a factor
            return True
        return False

    def name_with_index(self) -> tuple[str, sp.Basic | None]:
        name = self.bare_name()
        bold, font = self.bold, self.font  # an index or subscript read below has names of its own
        try:
            return self.name_rest(name)
        finally:
            self.bold, self.font = bold, font

    def name_rest(self, name: str) -> tuple[str, sp.Basic | None]:
        while self.peek("_"):
            start = self.next()
            name += "_" + self.subscript_text()
            script = tuple(t.text for t in self.toks[self.toks.index(start) + 1:self.pos])
            if any(t.startswith("\\") for t in script):
                self.worded[name] = script  # h_{\text{ik}}, h_{i\alpha}: never split into letters
        index = None
        if self.peek("^") and self.peek_at(1) == "{" and self.peek_at(2) == "(":
            self.pos += 3
            index = self.expression()
            self.expect(")")
            self.expect("}")
            if self.peek("_"):  # x^{(j)}_i
                self.next()
                name += "_" + self.subscript_text()
        elif self.bold and self.sample_script():  # \mathbf{x}^{i} in a sum over i: the i-th sample x^{(i)}
            braced = self.peek_at(1) == "{"
            index = self.symbol(self.peek_at(2 if braced else 1))
            self.pos += 4 if braced else 2
        elif self.peek("^") and self.text_script():
            self.next()
            name += "^" + self.braced_name()
            while self.peek("_"):
                self.next()
                name += "_" + self.subscript_text()
        return name, index

    def sample_script(self) -> bool:
        r"""``^{i}`` or ``^i`` after a bold name, ``i`` the index of a sum being read: the sample, not a power.

        A vector has no power; written with the index of the sum around it, :math:`\sum_i C(\mathbf{x}^{i})` is
        the lecture notes' :math:`\mathbf{x}^{(i)}`.
        """
        if not self.peek("^"):
            return False
        braced = self.peek_at(1) == "{"
        at = 2 if braced else 1
        tok = self.toks[self.pos + at] if self.pos + at < len(self.toks) else None
        return tok is not None and tok.kind == "letter" and tok.text in self.summing and (
            not braced or self.peek_at(at + 1) == "}")

    def summand(self, index: sp.Symbol):
        """The body of a sum over ``index`` (a term), its entries indexed (:meth:`indexed_by`)."""
        self.summing.append(index.name)
        try:
            body = self.term()
        finally:
            self.summing.pop()
        return self.indexed_by(body, index)

    def text_script(self) -> bool:
        """``^{\\text{shared}}`` or ``^\\text{new}``: a superscript that is part of the name."""
        i = self.pos + 1
        if self.peek_at(1) == "{":
            i += 1
        tok = self.toks[i] if i < len(self.toks) else None
        return tok is not None and tok.kind == "cmd" and tok.text[1:] in _TEXT_FONTS and \
            not (self.peek_at(i - self.pos + 1) == "{" and self.peek_at(i - self.pos + 2) == "T")

    def bare_name(self) -> str:
        tok = self.next()
        if tok.kind == "letter":
            return tok.text
        name = tok.text[1:]
        if name in LETTERS:
            if name == "Delta" and not self.done() and (self.current().kind == "letter" or (
                    self.current().kind == "cmd" and self.current().text[1:] in LETTERS | FONTS | set(ACCENTS))):
                return "Delta" + self.bare_name()  # \Delta w: the increment of w is one name
            return readable_name(name)
        if name in ACCENTS:
            inner = self.braced_name()
            return inner + ACCENTS[name]
        if name in FONTS:
            if name in BOLD:
                self.bold = True
            self.font = name
            return self.braced_name()
        raise InputError(f"expected a name at column {tok.col}, found {tok.text}")

    def braced_name(self) -> str:
        if not self.peek("{"):
            if self.done():
                raise InputError("expected a name at the end of the formula")
            return self.bare_name()
        self.next()
        parts = []
        while not self.peek("}"):
            tok = self.current()
            if tok.kind in ("letter", "num"):
                self.next()
                parts.append(tok.text)
            elif tok.kind == "cmd" and (tok.text[1:] in LETTERS or tok.text[1:] in ACCENTS or tok.text[1:] in FONTS):
                parts.append(self.bare_name())
            elif tok.text == "_":
                self.next()
                parts.append("_" + self.subscript_text())
            elif tok.text in ("-", "{"):
                if tok.text == "{":
                    parts.append(self.braced_name())
                    continue
                self.next()
                parts.append("_")
            else:
                raise InputError(f"unexpected {tok.text!r} in a name at column {tok.col}")
        self.expect("}")
        if not parts:
            raise InputError("empty name")
        return "".join(parts)

    def subscript_text(self) -> str:
        if not self.peek("{"):
            tok = self.next()
            if tok.kind == "num":
                if len(tok.text) > 1:
                    self.toks.insert(self.pos, Tok("num", tok.text[1:], tok.col + 1))
                return tok.text[0]
            if tok.kind == "letter":
                return tok.text
            if tok.kind == "cmd" and tok.text[1:] in LETTERS:
                return readable_name(tok.text[1:])
            if tok.kind == "cmd" and tok.text[1:] in FONTS | set(ACCENTS):
                self.pos -= 1
                return self.bare_name()
            raise InputError(f"a subscript must be a name or number (column {tok.col})")
        return self.subscript_group()

    def subscript_group(self) -> str:
        """``_{ij}``, ``_{\\text{max}}``, ``_{\\tau+1}``, ``_{t-1}``: the subscript as text, arithmetic kept."""
        start = self.expect("{")
        parts, level = [], 0
        while True:
            tok = self.current()
            if tok.text == "}" and level == 0:
                self.next()
                break
            if tok.text in ("{", "}"):
                level += 1 if tok.text == "{" else -1
                self.next()
                continue
            if tok.kind in ("letter", "num") or tok.text in ("+", "-", ",", "*"):
                parts.append(tok.text)
                self.next()
            elif tok.kind == "cmd" and (tok.text[1:] in LETTERS or tok.text[1:] in FONTS or tok.text[1:] in ACCENTS):
                parts.append(self.bare_name())
            else:
                raise InputError(f"unexpected {tok.text!r} in a subscript at column {tok.col}")
        if not parts:
            raise InputError(f"empty subscript at column {start.col}")
        text = "".join(parts)
        return f"{{{text}}}" if any(c in text for c in "+-,*") else text
    def gradient(self, tok):
        r"""``\nabla_\theta J(\theta)`` differentiates; ``\nabla_\theta J`` of a name is the named symbol ``nabla_theta_J``.

        A gradient SymPy cannot take is named: with respect to a vector it is a vector
        (``\nabla_{\mathbf{w}} J(\mathbf{w}; \mathbf{X})`` is the vector ``nabla_w_J(w, X)``), with
        respect to a name its arguments do not show it is ``nabla_theta_ell(y, g(x))``.
        """
        self.next()
        variable = None
        if self.peek("_"):
            self.next()
            variable = self.script_value()
        operand = self.postfix()
        # the samples x^{(i)} of a bold name are data: a gradient with respect to a number is taken term by term
        samples = {e: sp.Dummy() for e in self.typed_entries if e in sp.sympify(operand).free_symbols}
        if variable is not None and not is_typed(sp.sympify(operand).xreplace(samples)) and not is_typed(variable) \
                and isinstance(variable, sp.Symbol) \
                and variable in sp.sympify(operand).free_symbols:
            return self.marked(sp.diff(operand, variable), variable)
        if variable is None and isinstance(operand, AppliedUndef) and len(operand.args) == 1 and not is_typed(operand):
            # \nabla J(\theta_k): the derivative of J at its argument
            t = sp.Dummy("t", real=True)
            return sp.Subs(sp.Derivative(operand.func(t), t), t, operand.args[0])
        if isinstance(operand, AppliedUndef) or (isinstance(operand, sp.Symbol) and not is_typed(operand)):
            head = operand.func.__name__ if isinstance(operand, AppliedUndef) else operand.name
            name = f"nabla_{variable}_{head}" if variable is not None else f"nabla_{head}"
            shown = name if isinstance(operand, sp.Symbol) else f"{name}({', '.join(map(sp.sstr, operand.args))})"
            if isinstance(variable, VectorName):  # the gradient with respect to a vector is a vector
                self.made_typed = True
                return typed(shown, Kind.VECTOR)
            if variable is not None and not isinstance(variable, sp.Symbol):
                raise InputError(f"\\nabla at column {tok.col}: the variable below must be a name")
            if isinstance(operand, sp.Symbol):
                return self.marked(self.symbol(name), variable)
            return self.marked(sp.Function(name, real=True)(*operand.args), variable)
        if isinstance(variable, VectorName) and (isinstance(operand, sp.Add) or is_typed(operand)):
            return self.gradient_of_sum(operand, variable, tok)
        raise InputError(f"\\nabla at column {tok.col}: write \\nabla_x f(x) (the variable below, the function of "
                         "it after) or \\nabla_x J for a named gradient")

    def marked(self, gradient, variable):
        """Remember a gradient with respect to a plain name: met by a vector, it makes the name a vector."""
        if isinstance(variable, sp.Symbol) and not is_typed(variable):
            self.gradients[gradient] = variable.name
        return gradient

    def gradient_meets(self, term, other):
        r"""A gradient with respect to a plain lowercase name, added to a vector or matrix: the name is a vector.

        With the name a number the sum would add a number to a matrix or vector, which no reading allows.
        """
        if is_typed(term) or not is_typed(other) or self.typing.entrywise:
            return
        for gradient, name in getattr(self, "gradients", {}).items():
            if (sp.sympify(term).has(gradient) or sp.sympify(other).has(gradient)) and self.typing.kind(name) is None \
                    and not capital(name):
                raise Retype(name, Kind.VECTOR, f"the gradient with respect to {name} meets a vector or matrix in a sum")

    def norm(self, tok):
        r"""``\|w\|``, ``\|w\|_2``, ``\|w\|_2^2``, ``\lVert w \rVert``: |w| of a scalar, sqrt(w^T w) of a vector."""
        self.next()
        self.norm_depth += 1
        try:
            value = self.expression()
        finally:
            self.norm_depth -= 1
        end = self.next()
        if end.text == "\\right":  # \left\| w \right\|
            end = self.next()
        if end.text not in ("\\|", "\\rVert", "\\Vert"):
            raise InputError(f"a norm opened at column {tok.col} is closed by {end.text!r} at column {end.col}")
        return self.norm_of(value, tok)

    def norm_of(self, value, tok):
        r"""The norm of ``value`` with its subscript and square: 2 (the default), 1 or F (Frobenius)."""
        p = 2
        if self.peek("_"):
            self.next()
            p = sp.Symbol("F") if self.peek("F") and self.next() else self.script_value()
        if self.typing.entrywise and any(self.kinds.get(getattr(s, "name", ""), (None,))[0] is Kind.VECTOR
                                         for s in sp.sympify(value).free_symbols):
            raise InputError(f"the norm at column {tok.col} is of a vector in a formula read entry by entry "
                             "(entrywise operations): a norm sums over the entries, so it is not read here")
        if not is_typed(value):
            return sp.Abs(value)  # every p-norm of a number is its absolute value
        vectors = all(isinstance(s, VectorName) for s in value.atoms(VectorName, MatrixName, IdentityName))
        if p == 1 and vectors:
            return Norm1(value)
        if p not in (2, sp.Symbol("F")) or not vectors:  # of a vector the Frobenius norm is the 2-norm
            raise InputError(f"the norm at column {tok.col}: the 2-norm, 1-norm and Frobenius norm of a vector are "
                             "read; of a matrix, the 2-norm is ambiguous (spectral or Frobenius) and neither is read")
        squared = sp.transpose(value) * value
        if self.peek("^") and self.peek_at(1) == "2":
            self.pos += 2
            return squared
        if self.peek("^") and self.peek_at(1) == "{" and self.peek_at(2) == "2" and self.peek_at(3) == "}":
            self.pos += 4
            return squared
        return sp.sqrt(squared)

    def scalar_form(self, value) -> bool:
        r"""Is a typed ``value`` 1x1 (a norm, :math:`w^\top H w`)? Then a power of it is a power of a number."""
        if isinstance(value, Norm1):
            return True
        try:
            shapes = infer_shapes([value], sums=True)
            shape = shapes.shape(value)
        except InputError:
            return False
        return isinstance(shape, Shape) and shapes.find(shape.rows) == ONE and shapes.find(shape.cols) == ONE

    def skip_group(self):
        """Skip a braced group (the label of an underbrace)."""
        if not self.peek("{"):
            self.next()
            return
        level = 0
        while True:
            t = self.next().text
            level += (t == "{") - (t == "}")
            if level == 0:
                return

    def evaluated_at(self, value, bar):
        r"""``\left. f(x) \right|_{x=a}``: ``f`` evaluated at ``x = a``."""
        if not (self.peek("_") and self.peek_at(1) == "{"):
            raise InputError(f"write the point of an evaluation bar as \\right|_{{x=a}} (column {bar.col})")
        self.pos += 2
        variable = self.expression()
        if not self.peek("=") or not isinstance(variable, sp.Symbol) or is_typed(variable):
            raise InputError(f"write the point of an evaluation bar as \\right|_{{x=a}} (column {bar.col})")
        self.next()
        point = self.expression()
        self.expect("}")
        return sp.Subs(value, variable, point).doit()

    # ------------------------------------------------------------------ big operators
    def big_operator(self, tok):
        self.next()
        if tok.text == "\\sum" and self.over_a_set():
            return self.set_sum(tok)
        lower = upper = index = None
        for _ in range(2):
            if self.peek("_"):
                self.next()
                self.expect("{")
                index = self.symbol(self.subscript_text_until("="))
                self.expect("=")
                lower = self.expression()
                self.expect("}")
            elif self.peek("^"):
                self.next()
                upper = self.script_value()
        if index is None or upper is None:
            raise InputError(f"write sums with both limits: \\sum_{{j=1}}^{{m}} (column {tok.col})")
        body = self.summand(index)
        if tok.text == "\\sum":
            return bounded_sum(body, index, lower, upper)
        bounded_sum(body, index, lower, upper)  # the same bounds
        return sp.Product(body, (index, lower, upper))

    def as_entries(self, value, within=None, subscripted=None):
        r"""``x_j`` is the entry ``x[j]`` where ``x`` is indexed (``\sum_i x_i`` made it so): one name, one reading.

        ``within`` is where to look for indexed names (``value`` itself by default); ``subscripted`` the bases
        indexed by a subscript (this formula's by default; the sides of a check share theirs).
        """
        subscripted = self.subscript_bases if subscripted is None else subscripted
        both = subscripted & self.superscript_bases
        if both:
            name = sorted(both)[0]
            raise InputError(f"{name} is indexed both by a subscript ({name}_i in a sum) and by a superscript "
                             f"({name}^{{(j)}}): one may be an entry, the other a sample; write one of them differently")
        bases = {str(i.base.label) for i in sp.sympify(within if within is not None else value).atoms(sp.Indexed)}
        bases = (bases | subscripted) & subscripted if within is None else bases & subscripted
        ranks: dict[str, set] = {}
        for a in sp.sympify(within if within is not None else value).atoms(sp.Indexed):
            ranks.setdefault(str(a.base.label), set()).add(len(a.indices))
        swap = {}
        for s in sp.sympify(value).free_symbols:
            if isinstance(s, sp.Symbol) and not is_typed(s) and "_" in s.name and s.name not in bases:
                base, _, sub = s.name.rpartition("_")
                if base in bases and (sub.isalpha() or sub.isdigit()):
                    if len(sub) > 1 and sub.isalpha():  # h_{ik} beside h[i, k]: the entry, of the same rank only
                        if sub.isascii() and s.name not in self.worded and len(sub) in ranks.get(base, ()):
                            swap[s] = self.indexed(base)[tuple(map(self.symbol, sub))]
                        continue
                    swap[s] = self.indexed(base)[self.symbol(sub) if sub.isalpha() else sp.Integer(sub)]
        return sp.sympify(value).xreplace(swap) if swap else value

    def subscript_text_until(self, stop: str) -> str:
        parts = []
        while not self.peek(stop):
            tok = self.next()
            if tok.kind in ("letter", "num"):
                parts.append(tok.text)
            elif tok.kind == "cmd" and tok.text[1:] in LETTERS:
                parts.append(readable_name(tok.text[1:]))
            else:
                raise InputError(f"unexpected {tok.text!r} in a sum index at column {tok.col}")
        if not parts:
            raise InputError("a sum needs an index: \\sum_{j=1}^{m}")
        return "".join(parts)

    def environment(self, tok):
        self.next()
        kind = self.braced_name()
        if kind not in ENVIRONMENTS:
            raise InputError(f"unsupported environment {kind!r} at column {tok.col}")
        rows, row = [], []
        while True:
            row.append(self.next() if self.peek("\\dots", "\\ldots", "\\cdots", "\\vdots") else self.expression())
            if self.peek("&"):
                self.next()
                continue
            if self.peek("\\\\"):
                self.next()
                rows.append(row)
                row = []
                if self.peek("\\end"):
                    break
                continue
            rows.append(row)
            break
        self.expect("\\end")
        if self.braced_name() != kind:
            raise InputError(f"\\begin{{{kind}}} closed by a different \\end")
        rows = [r for r in rows if r]
        if any(isinstance(x, Tok) for r in rows for x in r):  # [g(p_1) & \ldots & g(p_D)]: entries by a pattern
            return self.vector_by_pattern(rows, tok)
        return matrix_of(rows if len(rows[0]) > 1 else [r[0] for r in rows])
