"""The formulas of the five seed lecture notes, one side of an equation at a time (a helper of test_reading_seeds).

The seeds are split as ``derivkit audit`` splits them: the formulas of
:func:`derivations.checking.document.formulas` (``$$…$$``, ``\\[…\\]``, ``$…$``,
environments), the statements of each (:func:`derivations.checking.statements.statements`:
rows, systems, listed statements) and the sides of each statement's equations
(:func:`derivations.checking.statements.sides`: ``=``, ``\\leftarrow``, ``\\gets``,
``:=``, ``\\approx``).
"""

import os
from pathlib import Path

from derivations.checking.document import Formula, Syntax, formulas as document_formulas
from derivations.checking.statements import sides, statements


def _seed_folder() -> Path:
    """Where ``DERIVKIT_SEEDS`` points, else the first ``shared/seeds`` beside or above the clone."""
    if os.environ.get("DERIVKIT_SEEDS"):
        return Path(os.environ["DERIVKIT_SEEDS"])
    here = Path(__file__).resolve()
    found = (parent / "shared" / "seeds" for parent in here.parents[1:])
    return next((folder for folder in found if folder.is_dir()), here.parents[2] / "shared" / "seeds")


SEEDS = _seed_folder()


def formulas() -> list[tuple[str, Formula]]:
    """``(seed, formula)`` for every formula the audit finds in the seeds (read as Markdown), in order."""
    out = []
    for path in sorted(SEEDS.glob("0*.txt")):
        found = document_formulas(path.read_text(errors="ignore"), Syntax.MARKDOWN)
        out += [(path.name[:3], f) for f in found if isinstance(f, Formula)]
    return out


def all_sides() -> list[tuple[str, str]]:
    """``(seed, side)`` for every side of every statement of every seed formula, in document order."""
    return [(seed, side) for seed, f in formulas() for s in statements(f.text, f.environment) for side in sides(s.text)]
