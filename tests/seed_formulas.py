"""The formulas of the five seed lecture notes, one side of a relation at a time (a helper of test_reading_seeds)."""

import os
import re
from pathlib import Path



def _seed_folder() -> Path:
    """Where ``DERIVKIT_SEEDS`` points, else the first ``shared/seeds`` beside or above the clone."""
    if os.environ.get("DERIVKIT_SEEDS"):
        return Path(os.environ["DERIVKIT_SEEDS"])
    here = Path(__file__).resolve()
    found = (parent / "shared" / "seeds" for parent in here.parents[1:])
    return next((folder for folder in found if folder.is_dir()), here.parents[2] / "shared" / "seeds")


SEEDS = _seed_folder()
_FORMULA = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|(?<![$\\])\$([^$]+?)\$", re.S)
_RELATION = r"\\leftarrow|\\gets|\\approx|:=|\\coloneqq|(?<![<>!\\])="


def formulas() -> list[tuple[str, str]]:
    """``(seed, formula)`` for every ``$$...$$``, ``\\[...\\]`` and ``$...$`` of the seeds, in order."""
    out = []
    for path in sorted(SEEDS.glob("0*.txt")):
        text = path.read_text(errors="ignore")
        out += [(path.name[:3], next(g for g in m.groups() if g is not None).strip()) for m in _FORMULA.finditer(text)]
    return out


def sides(formula: str) -> list[str]:
    r"""The sides of ``=``, ``\leftarrow``, ``\approx`` and ``:=`` outside brackets, each stripped.

    >>> sides(r"\theta \leftarrow \theta - \eta g(x = 1)")
    ['\\theta', '\\theta - \\eta g(x = 1)']
    """
    out, depth, start = [], 0, 0
    for m in re.finditer(_RELATION + r"|[{}()]|\\left(?![a-z])|\\right(?![a-z])", formula):
        s = m.group()
        if s in ("{", "(", "\\left"):
            depth += 1
        elif s in ("}", ")", "\\right"):
            depth -= 1
        elif depth == 0:
            out.append(formula[start:m.start()])
            start = m.end()
    out.append(formula[start:])
    return [s.strip() for s in out if s.strip()]


def all_sides() -> list[tuple[str, str]]:
    return [(seed, side) for seed, f in formulas() for side in sides(f)]
