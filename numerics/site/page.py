"""A generated documentation page: Markdown, its figures, and where it goes.

Examples
========

>>> Page("notes.md", "Notes", "# Notes").section
'Topics'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Page"]


@dataclass(frozen=True)
class Page:
    """A generated page: Markdown, the figures it links to, and where it goes."""

    path: str
    title: str
    markdown: str
    section: str = "Topics"
    files: tuple[tuple[str, bytes], ...] = ()
    attach_to: str | None = None
    verified: bool | None = None
