r"""Derivatives in lecture LaTeX: ``\frac{\partial \ell}{\partial y_j}``, higher and mixed partials, ``\frac{d}{dx}``,
and the inline ``\partial \ell / \partial w``.

A derivative of a name is one named symbol (``dell_dy_j``; ``d2L_dw_i_dw_j``); a
derivative of a formula, ``\frac{d}{dx} f(x)``, is taken.  :class:`DerivativeReader`
is mixed into the reader of :mod:`derivations.reading.latex`.

Examples
========

>>> from derivations.reading.latex import parse_latex
>>> parse_latex(r"\frac{\partial \ell}{\partial y_j} + \partial \ell_i / \partial w + \frac{d}{dx} x^2")
dell_dy_j + 2*x + dell_*_dw[i]
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.errors import InputError
from derivations.reading.bounded import bounded_diff
from derivations.reading.shapes import Kind, is_typed, typed


class DerivativeReader:
    """Partial and total derivatives, for the LaTeX reader."""

    def is_partial_fraction(self) -> bool:
        return self.peek("{") and self.pos + 1 < len(self.toks) and self.toks[self.pos + 1].text in (
            "\\partial", "d") and self._partial_denominator()

    def _partial_denominator(self) -> bool:
        # {\partial ...}{\partial ...}: find the closing brace of the numerator
        level, i = 0, self.pos
        while i < len(self.toks):
            t = self.toks[i].text
            level += t == "{"
            level -= t == "}"
            if level == 0:
                break
            i += 1
        return i + 2 < len(self.toks) and self.toks[i + 1].text == "{" and self.toks[i + 2].text in (
            "\\partial", "d") and self.toks[i + 2].text == self.toks[self.pos + 1].text

    def partial_symbol(self, tok):
        r"""``\frac{\partial \ell}{\partial y_j}`` (the symbol ``dell_dy_j``), ``\frac{\partial^2 L}{\partial w_i \partial w_j}``
        (``d2L_dw_i_dw_j``), ``\frac{df}{dx}``; ``\frac{d}{dx} f(x)`` and ``\frac{\partial}{\partial x}(...)`` differentiate."""
        self.expect("{")
        mark = self.next().text  # \partial or d
        order = self.derivative_order()
        if self.peek("(") and self.peek_at(2) == ")" or self.peek("(") and self.peek_at(1) == "\\text":
            self.next()  # \partial(\text{Loss}): a name in parentheses
            top, top_index = self.name_with_index()
            self.expect(")")
        else:
            self.bold, self.font = False, ""
            top, top_index = (None, None) if self.peek("}") else self.name_with_index()
        scalar_top = top is not None and not self.bold and self.typing.kind(top) in (None, Kind.SCALAR)
        if top is not None and self.peek("(") and not self.typing.kind(top):
            self.arguments()  # \partial \Omega_2(\theta): the dependence is shown, the name is the function's
        power = self.derivative_order() if top is not None and self.peek("^") else 1
        self.expect("}")
        self.expect("{")
        parts, kinds = [], []
        while not self.peek("}"):
            if self.next().text != mark:
                raise InputError(f"write the denominator of a derivative as {mark} x {mark} y (column {tok.col})")
            self.bold, self.font = False, ""
            name, index = self.name_with_index()
            kinds.append(self.kind_below(name))
            exponent = self.derivative_order() if self.peek("^") else 1
            parts.append((name, index, exponent))
        self.next()
        if not parts:
            raise InputError(f"a derivative needs a variable below the line (column {tok.col})")
        if top is None:
            operand = self.as_entries(self.postfix())
            variables = [self.indexed(n)[i] if i is not None else self.symbol(n) for n, i, e in parts for _ in range(e)]
            labels = {str(i.base.label) for i in sp.sympify(operand).atoms(sp.Indexed)} & self.superscript_bases
            for v in variables:
                if isinstance(v, sp.Symbol) and v.name.rpartition("_")[0] in labels:
                    base = v.name.rpartition("_")[0]
                    raise InputError(f"\\partial {v.name} below a formula of {base}^{{(j)}} (column {tok.col}): an entry "
                                     f"{v.name} or a sample {base}^{{({v.name.rpartition('_')[2]})}}? write the one meant")
            mixed = len(set(variables)) > 1
            unknown = sorted({f.func.__name__ for f in sp.sympify(operand).atoms(AppliedUndef)} - self.typing.smooth)
            if mixed and unknown:  # SymPy's Derivative orders the variables: that is Schwarz, true for smooth f only
                raise InputError(f"the mixed partial at column {tok.col} of {unknown[0]}(...) depends on the order "
                                 f"unless {unknown[0]} is smooth: say --smooth {unknown[0]} (Schwarz)")
            variables = [self.as_entries(v, operand) for v in variables]
            absent = [v for v in variables if not _appears(v, operand)]
            shown = {sp.sstr(a) for a in sp.sympify(operand).atoms(sp.Symbol, sp.Indexed)}
            if not absent or any(sp.sstr(v) in shown for v in absent):  # W*x below \partial W: not absent, typed
                self.not_a_tensor(operand, [k for k in kinds if k is not None], tok)
            named = self.named_derivative(operand, order, parts, kinds) if absent else None
            if named is not None:
                return named
            if absent:  # \frac{d}{dx} y is 0 only if y does not depend on x, which the formula does not say
                raise InputError(f"the derivative at column {tok.col} is of {sp.sstr(operand)}, in which "
                                 f"{sp.sstr(absent[0])} does not appear: it is 0 only if nothing in it depends on "
                                 f"{sp.sstr(absent[0])}; write \\frac{{\\partial y}}{{\\partial x}} for a quantity "
                                 "that does")
            return bounded_diff(operand, *variables)
        if top in self.typing.smooth:  # Schwarz: the partials of a smooth function commute, one order names them
            counts: dict = {}
            for n, i, e in parts:
                counts[(n, i)] = counts.get((n, i), 0) + e
            parts = sorted(((n, i, e) for (n, i), e in counts.items()), key=lambda p: (p[0], sp.sstr(p[1])))
        gradient = kinds[0] if (order, power, len(parts), parts[0][2], scalar_top) == (1, 1, 1, 1, True) else None
        return self.derivative_symbol(order, top, top_index, power, parts, gradient)

    def named_derivative(self, operand, order: int, parts: list, kinds: list):
        r"""``\frac{\partial}{\partial x} y`` read as ``\frac{\partial y}{\partial x}``: the operator written before
        a lone name (or a sum of one indexed name, :math:`\frac{\partial}{\partial W} \sum_i \ell_i`) that does not
        show the variable is the derivative of that quantity, named as the fraction names it; None otherwise."""
        body, limits = (operand.function, operand.limits) if isinstance(operand, sp.Sum) else (operand, None)
        if isinstance(body, sp.Indexed) and len(body.indices) == 1 and not is_typed(body):
            top, top_index = str(body.base.label), body.indices[0]
        elif isinstance(body, sp.Symbol) and not is_typed(body) and limits is None:
            top, top_index = body.name, None
        else:
            return None
        gradient = kinds[0] if (order, len(parts), parts[0][2]) == (1, 1, 1) else None
        named = self.derivative_symbol(order, top, top_index, 1, parts, gradient)
        return sp.Sum(named, *limits) if limits is not None else named

    def kind_below(self, name: str) -> Kind | None:
        """The kind of the variable a derivative is taken with respect to, when it is a vector or matrix."""
        kind = self.typing.kind(name)
        if kind in (Kind.VECTOR, Kind.MATRIX):
            return kind
        return (Kind.MATRIX if name[:1].isupper() else Kind.VECTOR) if self.bold and kind is None else None

    def derivative_symbol(self, order: int, top: str, top_index, power: int, parts: list, gradient=None):
        r"""The symbol naming :math:`\partial^{order} top^{power} / \partial x^e \cdots` (``parts``: (x, index, e)).

        An index of the top is marked ``*`` in the name: :math:`\partial \ell_i/\partial \beta` is
        ``dell_*_dbeta[i]``, apart from :math:`\partial \ell/\partial \beta_i` (``dell_dbeta_i``).  The first
        derivative of a scalar with respect to a vector or matrix (``gradient``, its kind) is a vector or matrix of
        that kind, the shape of the variable (:math:`\partial \ell / \partial \mathbf{W}` beside :math:`\mathbf{W}`).
        """
        top_base, _, sub = top.rpartition("_")
        if top_index is None and top_base and len(sub) == 1 and sub.isalpha():  # \partial \ell_i: an index of the top
            top, top_index = top_base, self.symbol(sub)
        plain = (power, top_index, len(parts)) == (1, None, 1) and parts[0][1] is None and parts[0][2] == order \
            and self.typing.kind(top) is None
        differentiated = (top, parts[0][0], parts[0][2]) if plain else None  # L, theta, the order
        top += ("" if power == 1 else str(power)) + ("" if top_index is None else "_*")
        names = [n + ("" if e == 1 else str(e)) for n, _, e in parts]
        name = f"d{'' if order == 1 else order}{top}_" + "_".join(f"d{n}" for n in names)
        indices = tuple(dict.fromkeys(i for i in [top_index] + [i for _, i, _ in parts] if i is not None))
        if gradient is not None:
            self.made_typed = True
            named = typed(name + (f"[{sp.sstr(sp.Tuple(*indices))[1:-1].rstrip(',')}]" if indices else ""), gradient)
            if differentiated is not None:
                self.derivatives[named] = differentiated
            return named
        if indices:
            base = self.indexed(name)
            return base[indices] if len(indices) > 1 else base[indices[0]]
        if differentiated is not None:
            self.derivatives[self.symbol(name)] = differentiated
        return self.symbol(name)

    def derivative_at(self, value, bar):
        r"""``\left| \frac{\partial L}{\partial \theta} \right|_{\theta_t}``: the derivative of ``L`` at ``\theta = \theta_t``.

        The bar (or the parenthesis, :math:`(\partial L/\partial\theta)_{\theta_0}`) substitutes the one variable
        differentiated, ``L`` a function of it; the point is a value of that variable (``\theta_t``,
        ``\theta_t + \alpha v_t``).  Any other point, ``|_p``, is refused: its coordinates are not given.
        """
        known = self.derivatives.get(value)
        if known is None or not (self.peek("_") and self.peek_at(1) == "{"):
            raise InputError(f"write the point of an evaluation bar as \\right|_{{x=a}} (column {bar.col})")
        self.pos += 2
        point = self.expression()
        self.expect("}")
        top, variable, order = known
        bases = {getattr(a, "name", "").split("_")[0] for a in sp.sympify(point).free_symbols}
        if variable not in bases:  # |_p: p a point of F(x, y), or a value of some other name; not a value of x
            raise InputError(f"the evaluation bar at column {bar.col}: {sp.sstr(point)} is not written as a value of "
                             f"{variable} ({variable}_t, {variable}_0): write \\right|_{{{variable}=...}}")
        self.applied.setdefault(top, (bar.col, 1))
        self.kinds.setdefault(top, (Kind.FUNCTION, "differentiated at a point"))
        if self.typing.kind(variable) is Kind.VECTOR and order in (1, 2):
            # of a vector: the gradient (as \nabla_\theta L(\theta_0) reads) or the Hessian at the point
            self.made_typed = True
            name = f"nabla{'' if order == 1 else order}_{variable}_{top}({sp.sstr(point)})"
            return typed(name, Kind.VECTOR if order == 1 else Kind.MATRIX)
        if self.typing.kind(variable) is not None and self.typing.kind(variable) is not Kind.SCALAR:
            raise InputError(f"the derivative at column {bar.col} is taken with respect to the {variable} of kind "
                             f"{self.typing.kind(variable).value}: evaluated at a point it is not read")
        t = sp.Dummy("t", real=True)
        return sp.Subs(sp.Derivative(sp.Function(top, real=True)(t), (t, order)), t, point)

    def names_a_variable(self) -> bool:
        """Does the subscript after an evaluation bar say ``x = a`` (an ``=`` inside its braces)?"""
        level, i = 0, self.pos + 1
        while i < len(self.toks):
            t = self.toks[i].text
            level += (t == "{") - (t == "}")
            if level == 0:
                return False
            if t == "=" and level == 1:
                return True
            i += 1
        return False

    def slash_derivative(self, tok):
        r"""``\partial \ell_i / \partial \boldsymbol W^{(1)}``: the partial derivative, as ``\frac`` writes it."""
        self.next()
        if self.peek("(", "\\left", "\\overbrace", "\\underbrace"):
            return self.slash_derivative_of_formula(tok)
        self.bold, self.font = False, ""
        top, top_index = self.name_with_index()
        if not self.peek("/") or self.peek_at(1) != "\\partial":
            raise InputError(f"\\partial outside \\frac{{\\partial ...}}{{\\partial ...}} at column {tok.col}: "
                             "write \\frac{\\partial f}{\\partial x} or \\partial f / \\partial x")
        scalar_top = not self.bold and self.typing.kind(top) in (None, Kind.SCALAR)
        self.pos += 2
        self.bold, self.font = False, ""
        name, index = self.name_with_index()
        gradient = self.kind_below(name) if scalar_top else None
        return self.derivative_symbol(1, top, top_index, 1, [(name, index, 1)], gradient)

    def slash_derivative_of_formula(self, tok):
        r"""``\partial (x^2 y) / \partial x``, ``\partial \overbrace{...}^{p} / \partial x``: the derivative of the formula."""
        operand = self.as_entries(self.postfix())
        if not self.peek("/") or self.peek_at(1) != "\\partial":
            raise InputError(f"\\partial outside \\frac{{\\partial ...}}{{\\partial ...}} at column {tok.col}: "
                             "write \\frac{\\partial f}{\\partial x} or \\partial f / \\partial x")
        self.pos += 2
        self.bold, self.font = False, ""
        name, index = self.name_with_index()
        kind = self.kind_below(name)
        self.not_a_tensor(operand, [kind] if kind is not None else [], tok)
        variable = self.as_entries(self.indexed(name)[index] if index is not None else self.symbol(name), operand)
        if not _appears(variable, operand):
            raise InputError(f"the derivative at column {tok.col} is of {sp.sstr(operand)}, in which "
                             f"{sp.sstr(variable)} does not appear: it is 0 only if nothing in it depends on "
                             f"{sp.sstr(variable)}; write \\partial y / \\partial x for a quantity that does")
        return bounded_diff(operand, variable)

    def not_a_tensor(self, operand, kinds: list, tok):
        """Refuse the derivative of a vector or matrix formula, or with respect to a vector or matrix (a Jacobian
        or a higher tensor, which the reading does not hold)."""
        if is_typed(operand) or kinds:
            what = f"of {sp.sstr(operand)} with respect to a {kinds[0].value}" if kinds else \
                f"of {sp.sstr(operand)}, a vector or matrix formula"
            raise InputError(f"the derivative at column {tok.col} is {what}: a gradient, Jacobian or tensor "
                             "derivative of a formula is not read; name it, \\frac{\\partial \\ell}{\\partial W}, "
                             "or write \\nabla_{\\mathbf{w}} L")

    def derivative_order(self) -> int:
        r"""``^2`` of ``\partial^2``: an integer order (1 without a superscript)."""
        if not self.peek("^"):
            return 1
        self.next()
        value = self.script_value()
        if not (isinstance(value, sp.Integer) and 1 <= value <= 10):
            raise InputError("the order of a derivative must be an integer from 1 to 10")
        return int(value)

    def gradient_of_sum(self, operand, w, tok):
        r"""``\nabla_{\mathbf w}(J + \frac{\alpha}{2}\mathbf w^\top \mathbf w)``: term by term (the gradient is linear).

        A plain name is the named gradient ``nabla_w_J`` (as :math:`\nabla_{\mathbf w} J` alone reads); a term free
        of :math:`\mathbf w` contributes 0; :math:`c\,\mathbf w^\top \mathbf w` gives :math:`2c\,\mathbf w`,
        :math:`c\,\mathbf w^\top A \mathbf w` gives :math:`c(A + A^\top)\mathbf w`, :math:`c\,\mathbf a^\top \mathbf w`
        and :math:`c\,\mathbf w^\top \mathbf a` give :math:`c\,\mathbf a`; any other term is refused.
        """
        total = []
        for term in sp.Add.make_args(operand):
            coeff, factors = term.args_cnc() if isinstance(term, sp.Mul) else (([], [term]) if not term.is_commutative
                                                                                else ([term], []))
            c = sp.Mul(*coeff)
            if not factors and isinstance(c, sp.Symbol) and not is_typed(c) and self.typing.kind(c.name) is None:
                self.made_typed = True
                total.append(typed(f"nabla_{w.name}_{c.name}", Kind.VECTOR))
                continue
            if not factors and w not in c.free_symbols and not c.has(AppliedUndef):
                continue  # free of w
            if w in c.free_symbols or c.has(AppliedUndef):
                raise InputError(f"\\nabla at column {tok.col}: the term {sp.sstr(term)} is not read "
                                 "(the gradient of a sum is read for names, constants and forms in the vector)")
            wt = sp.transpose(w)
            if factors == [wt, w]:
                total.append(2 * c * w)
            elif len(factors) == 3 and factors[0] == wt and factors[2] == w and w not in factors[1].free_symbols:
                total.append(c * (factors[1] + sp.transpose(factors[1])) * w)
            elif len(factors) == 2 and factors[1] == w and isinstance(factors[0], sp.transpose) \
                    and w not in factors[0].free_symbols:
                total.append(c * factors[0].args[0])
            elif len(factors) == 2 and factors[0] == wt and w not in factors[1].free_symbols:
                total.append(c * factors[1])
            else:
                raise InputError(f"\\nabla at column {tok.col}: the term {sp.sstr(term)} is not read "
                                 "(the gradient of a sum is read for names, constants and forms in the vector)")
        return sp.Add(*total)


def _appears(variable, operand) -> bool:
    r"""Does the variable of a derivative occur in its operand (``x[j]`` occurs where any entry of ``x`` does)?

    >>> x, j, y = sp.IndexedBase("x"), sp.Symbol("j"), sp.Symbol("y")
    >>> _appears(x[j], sp.Sum(x[sp.Symbol("i")] ** 2, (sp.Symbol("i"), 1, 3))), _appears(sp.Symbol("x"), y)
    (True, False)
    """
    operand = sp.sympify(operand)
    if isinstance(variable, sp.Indexed):
        return any(a.base.label == variable.base.label for a in operand.atoms(sp.Indexed))
    return variable in operand.free_symbols
