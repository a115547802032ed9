r"""Long input in pieces that Python's parser can take: no depth limit for long sums.

``ast.parse`` builds a sum of :math:`N` terms as a left-leaning tree :math:`N` levels
deep and refuses (``RecursionError``) long before a megabyte.  The token stream is
therefore cut, without recursion, into *pieces*:

* a long comma-free segment inside parentheses or brackets becomes a piece of its own
  and is replaced in the enclosing text by the name ``__piece<k>`` (a name users cannot
  write: the parser refuses every name that starts with ``__``);
* every piece is split at its top-level binary ``+`` / ``-`` into *chunks* of at most
  :data:`TERMS_PER_CHUNK` terms; a chunk keeps its leading sign, so the piece is the
  sum of its chunks: :math:`a - b + c - d = (a - b) + (+c) + (-d)`.

Pieces come innermost first; the last one is the whole expression.

Examples
========

>>> src = " + ".join(f"x{i}" for i in range(5))
>>> [[c.text for c in p.chunks] for p in pieces(src, terms=2)]
[['x0 + x1', '+ x2 + x3', '+ x4']]
>>> [[c.text for c in p.chunks] for p in pieces("sin ( a + b + c ) * 2", terms=2, long=2)]
[['a + b', '+ c'], ['sin ( __piece0 ) * 2']]
"""

from __future__ import annotations

from dataclasses import dataclass

from derivations.errors import InputError

__all__ = ["Chunk", "Piece", "PLACEHOLDER", "TERMS_PER_CHUNK", "pieces"]

PLACEHOLDER = "__piece"
TERMS_PER_CHUNK = 40  # additive terms per call of ast.parse (its tree stays ~40 levels deep)
LONG_SEGMENT = 200  # tokens from which a bracketed segment becomes a piece of its own

_OPEN = {"(": ")", "[": "]"}


@dataclass(frozen=True)
class Chunk:
    """Source text of consecutive terms, and the character offset of its first token in the whole source."""

    text: str
    offset: int


@dataclass(frozen=True)
class Piece:
    """One expression of the source: the sum of its chunks (earlier pieces appear as ``__piece<k>``)."""

    chunks: tuple[Chunk, ...]


def _operand_end(text: str) -> bool:
    return text[-1].isalnum() or text[-1] in "_)]."


def _chunks(items: list[tuple[str, int]], terms: int) -> tuple[Chunk, ...]:
    out, start, count = [], 0, 1
    for k, (text, _) in enumerate(items):
        if text in ("+", "-") and k > 0 and _operand_end(items[k - 1][0]):
            if count == terms:
                out.append(Chunk(" ".join(t for t, _ in items[start:k]), items[start][1]))
                start, count = k, 0
            count += 1
    out.append(Chunk(" ".join(t for t, _ in items[start:]), items[start][1] if items else 0))
    return tuple(out)


def pieces(source: str, *, terms: int = TERMS_PER_CHUNK, long: int = LONG_SEGMENT) -> list[Piece]:
    """Cut ``source`` (tokens separated by single spaces) into pieces, innermost first.

    Unbalanced brackets are left in place for the parser to report.
    """
    out: list[Piece] = []
    frames: list[tuple[tuple[str, int] | None, list[tuple[str, int]]]] = [(None, [])]

    def collapse(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Each long comma-free segment of ``items`` replaced by a placeholder piece."""
        result, segment = [], []
        for item in items + [(",", -1)]:
            if item[0] != ",":
                segment.append(item)
                continue
            if len(segment) > long:
                out.append(Piece(_chunks(segment, terms)))
                segment = [(f"{PLACEHOLDER}{len(out) - 1}", segment[0][1])]
            result += segment
            if item[1] >= 0:
                result.append(item)
            segment = []
        return result

    offset = 0
    for tok in source.split(" "):
        here, offset = offset, offset + len(tok) + 1
        if not tok:
            continue
        if tok.startswith(PLACEHOLDER):
            raise InputError(f"name {tok!r} is not allowed")
        if tok in _OPEN:
            frames.append(((tok, here), []))
        elif tok in (")", "]") and len(frames) > 1 and _OPEN[frames[-1][0][0]] == tok:
            (opener, start), items = frames.pop()
            body = " ".join(t for t, _ in collapse(items))
            frames[-1][1].append((f"{opener} {body} {tok}" if body else f"{opener} {tok}", start))
        else:
            frames[-1][1].append((tok, here))
    while len(frames) > 1:  # unbalanced: put the open groups back as plain tokens
        (opener, start), items = frames.pop()
        frames[-1][1].extend([(opener, start)] + items)
    out.append(Piece(_chunks(frames[0][1], terms)))
    return out
