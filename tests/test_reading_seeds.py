"""Every formula of the five seed lecture notes, each side of =, <-, ~= read on its own, against a table
reviewed by hand (tests/data/seed_readings.json: seed, side, reading or null for a refusal, the refusal).

The sides are those `derivkit audit` reads (tests/seed_formulas.py splits the seeds with
derivations.checking.document and derivations.checking.statements).  A side the reader misreads has no
reading in the table but the reason, starting with "misread:"; it counts as not read, and its test is an
expected failure (strict) until the reader refuses it or reads it right.

A side counts as read when the reader gives an expression whose shapes agree (a reading whose shapes cannot
agree, such as a scalar plus a row vector, is a refusal of `derivkit check`, not a reading).  Conversion garbage
(citation keys, code, text caught between stray dollar signs, a macro preamble) is excluded only through
GARBAGE below, each entry with its reason.
"""

import json
from pathlib import Path

import pytest
import sympy as sp

from derivations.errors import InputError
from derivations.reading.latex import read_latex
from derivations.reading.shapes import infer_shapes
from seed_formulas import all_sides

TABLE = json.loads((Path(__file__).parent / "data" / "seed_readings.json").read_text())

_CITATIONS = {"GB10", "He+15", "GBC16", "Sri+14", "IS15"}  # bibliography keys caught between dollar signs
_CODE = {"opt", "opt-state", "opt_state", "weights", r"\#", "optax.addam(learning_rate=0.001)", "opt.int(weights)",
         "opt.update(", "optax.appendy_updates()"}  # the optax code listing of seed 003


def _garbage(seed: str, side: str) -> str | None:
    """Why a side is conversion garbage (None for a formula)."""
    if side in _CITATIONS:
        return "a citation key"
    if side in _CODE:
        return "program code"
    if "$" in side or "\n\n" in side:
        return "text between unbalanced dollar signs"
    if side.startswith(r"\DeclareMathOperator"):
        return "a macro preamble"
    return None


def _read(side: str) -> str:
    value = read_latex([side], rhs_of_equation=False, statements=True).values[0]
    if not isinstance(value, sp.MatrixBase):
        try:
            infer_shapes([value])
        except InputError as exc:
            if "mismatch" in str(exc):
                raise
    return sp.sstr(value)


def test_the_table_holds_every_side_of_every_seed_formula():
    assert [(seed, side) for seed, side, *_ in TABLE] == all_sides()


MISREAD = "misread:"


def _case(row: list):
    """The test parameters of a table row; a misread side is a strict expected failure."""
    if row[2] is None and row[3].startswith(MISREAD):
        return pytest.param(*row[:3], marks=pytest.mark.xfail(strict=True, reason=row[3]))
    return pytest.param(*row[:3])


@pytest.mark.parametrize("seed, side, reading", [_case(row) for row in TABLE], ids=range(len(TABLE)))
def test_each_side_reads_as_the_reviewed_table_says(seed, side, reading):
    if reading is None:
        with pytest.raises(InputError):
            _read(side)
    else:
        assert _read(side) == reading


def test_misread_sides_are_few_and_each_says_how():
    misread = [row for row in TABLE if row[2] is None and row[3].startswith(MISREAD)]
    assert len(misread) <= 0  # none is left: the x^{i} samples and the derivative of the l_i were mended
    assert all(len(row[3]) > len(MISREAD) + 20 for row in misread)


def test_garbage_is_only_what_the_listed_reasons_name():
    excluded = [(seed, side) for seed, side, *_ in TABLE if _garbage(seed, side)]
    assert {seed for seed, _ in excluded} == {"002", "003"}
    assert len(excluded) <= 20


def test_share_of_seed_formulas_read():
    formulas = [row for row in TABLE if not _garbage(row[0], row[1])]
    read = sum(row[2] is not None for row in formulas)
    # measured 575 of 605 formula sides, 0.95041 (the goal, 0.95, is reached; the refusals are in the table, each with
    # its reason; a misread side would count as not read)
    assert read / len(formulas) >= 0.95
