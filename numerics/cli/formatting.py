"""Numbers as short text for tables and terminal output: one formatter for every page and command.

Examples
========

>>> number(1234.5678), number(None), number(float("inf")), number(-0.0)
('1234.57', '—', 'inf', '0')
>>> number(2.0 / 3.0, 4, missing="–", nonfinite="–", zero=None), number(1e-13, 5, nonfinite="∞", zero=1e-12)
('0.6667', '0')
>>> numbers([1.0, 0.5, 1e-7])
'1, 0.5, 1e-07'
"""

from __future__ import annotations

import math
from typing import Iterable

__all__ = ["number", "numbers"]


def number(v, digits: int = 6, *, missing: str = "—", nonfinite: str | None = None,
           zero: float | None = 0.0) -> str:
    r"""``v`` with ``digits`` significant digits (``format(v, ".{digits}g")``).

    Parameters
    ==========

    v : a real number or ``None``
    digits : significant digits
    missing : the text for ``None``
    nonfinite : the text for NaN and :math:`\pm\infty` (``None``: ``"nan"``, ``"inf"``, ``"-inf"``)
    zero : :math:`|v| <` ``zero`` (and :math:`v = 0`) prints ``"0"``; ``None`` keeps the sign of
        :math:`-0` and every small value

    Returns
    =======

    str

    Examples
    ========

    >>> number(3.14159, 3), number(float("nan")), number(float("-inf"), nonfinite="–")
    ('3.14', 'nan', '–')
    """
    if v is None:
        return missing
    v = float(v)
    if not math.isfinite(v):
        if nonfinite is not None:
            return nonfinite
        return "inf" if v > 0 else ("-inf" if v < 0 else "nan")
    if zero is not None and (v == 0 or abs(v) < zero):
        return "0"
    return f"{v:.{digits}g}"


def numbers(values: Iterable, digits: int = 6, sep: str = ", ", **options) -> str:
    """:func:`number` of each value, joined by ``sep`` (``options`` as for :func:`number`).

    Examples
    ========

    >>> numbers([2.0, float("inf")], 3, nonfinite="∞")
    '2, ∞'
    """
    return sep.join(number(v, digits, **options) for v in values)
