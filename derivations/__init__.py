"""Symbolic derivations of derivkit: verified records, rendering, the registry of named results.

Examples
========

>>> from derivations import Derivation, Step, Equals
>>> Derivation.__name__, Step.__name__, Equals.__name__
('Derivation', 'Step', 'Equals')
"""

from derivations.errors import InputError
from derivations.record import Derivation, DerivativeOf, Differs, Equals, Holds, Outcome, Step, StepReport, Verification

__all__ = [
    "Derivation", "DerivativeOf", "Differs", "Equals", "Holds", "InputError", "Outcome",
    "Step", "StepReport", "Verification",
]
