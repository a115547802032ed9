r"""Safe parsing of user-supplied expressions: text becomes SymPy, never code.

The text is parsed into a Python syntax tree (``ast.parse``, which executes
nothing) and converted node by node.  Only numbers, names, arithmetic,
powers (``**`` or ``^``) and calls of whitelisted math functions are allowed.
Every bare name is a real symbol, including names SymPy reserves
(``beta``, ``gamma``, ``lambda``, ``E``, ``I``, ``N``, ``S``, ``O``, ``Q``, ``e``);
only ``pi`` means the constant.  Decimal literals are read exactly
(``0.1`` is ``1/10``).

Examples
========

>>> parse_expression("x^2 + beta*E")
E*beta + x**2
>>> parse_expression("sqrt(sigma2 + eps) * 0.5")
sqrt(eps + sigma2)/2
>>> parse_expression("__import__('os')")
Traceback (most recent call last):
...
derivations.errors.InputError: '__import__' is not an allowed function (allowed: Abs, Max, Min, ...)
>>> parse_expression("x.real")
Traceback (most recent call last):
...
derivations.errors.InputError: attribute access is not allowed (column 1)
"""

from __future__ import annotations

import ast
from typing import Callable

import sympy as sp

from .errors import InputError

MAX_LENGTH = 5000

FUNCTIONS: dict[str, Callable] = {
    "sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "ln": sp.log,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "atan2": sp.atan2,
    "Abs": sp.Abs, "abs": sp.Abs, "sign": sp.sign, "Max": sp.Max, "Min": sp.Min, "max": sp.Max, "min": sp.Min,
    "Rational": sp.Rational, "erf": sp.erf,
}

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}

_NAMES_OF = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda expressions",
    ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions", ast.Dict: "dictionaries",
    ast.Compare: "comparisons", ast.BoolOp: "boolean operators", ast.IfExp: "conditional expressions",
    ast.Starred: "starred arguments", ast.JoinedStr: "strings", ast.NamedExpr: "assignment expressions",
}


def _real_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def parse_expression(text: str, symbol: Callable[[str], sp.Symbol] = _real_symbol) -> sp.Expr:
    """Parse ``text`` into a SymPy expression; an :class:`InputError` for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty expression")
    if len(text) > MAX_LENGTH:
        raise InputError(f"expression of {len(text)} characters exceeds the limit of {MAX_LENGTH}")
    try:
        # ``^`` is a power in lecture notes; Python would read it as xor, below ``+``
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise InputError(f"syntax error{where}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise InputError("expression is nested too deeply or malformed") from None
    try:
        return _convert(tree.body, symbol)
    except RecursionError:
        raise InputError("expression is nested too deeply") from None


def _convert(node: ast.AST, symbol) -> sp.Expr:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise InputError(f"only numbers are allowed as literals (column {node.col_offset + 1})")
        return sp.Integer(node.value) if isinstance(node.value, int) else sp.Rational(repr(node.value))
    if isinstance(node, ast.Name):
        if node.id.startswith("__"):
            raise InputError(f"name {node.id!r} is not allowed")
        return sp.pi if node.id == "pi" else symbol(node.id)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_convert(node.left, symbol), _convert(node.right, symbol))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _convert(node.operand, symbol)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            shown = name if name is not None else ast.unparse(node.func)
            allowed = ", ".join(sorted(FUNCTIONS)[:3])
            raise InputError(f"{shown!r} is not an allowed function (allowed: {allowed}, ...)")
        if node.keywords:
            raise InputError(f"keyword arguments are not allowed in {name}()")
        args = [_convert(a, symbol) for a in node.args]
        try:
            return FUNCTIONS[name](*args)
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad arguments to {name}(): {exc}") from None
    what = _NAMES_OF.get(type(node), f"'{type(node).__name__}' syntax")
    raise InputError(f"{what} is not allowed (column {getattr(node, 'col_offset', 0) + 1})")
