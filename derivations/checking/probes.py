"""The default real probe box, for readers of assumptions; probing itself is :mod:`derivations.checking.verify`.

Examples
========

>>> REAL
(-3, 3)
"""

from derivations.checking.verify import REAL

__all__ = ["REAL"]
