"""Shared figure plumbing: a headless backend and reproducible PNG bytes.

Examples
========

>>> fig, ax = new_figure()
>>> _ = ax.plot([0, 1], [0, 1])
>>> png_bytes(fig)[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def new_figure(width: float = 6.0, height: float = 4.0, **kwargs):
    """A figure and axes with derivkit's defaults."""
    return plt.subplots(figsize=(width, height), **kwargs)


def png_bytes(fig, dpi: int = 110) -> bytes:
    """The figure as PNG bytes without a timestamp or version (reproducible), then closed."""
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()
