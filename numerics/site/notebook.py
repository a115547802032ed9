"""A notebook, executed top to bottom with the project's kernel, as a Markdown page with its outputs.

:func:`execute` runs every cell with nbclient in the notebook's folder (an error in any
cell stops it with :class:`NotebookError` naming the cell); :func:`to_page` turns the
executed notebook into Markdown: prose cells as they are, code cells as Python blocks,
text outputs as text blocks, images as figure files, and a record's Markdown display
with its headings moved below the notebook's own.

Examples
========

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Demo"),
...     nbformat.v4.new_code_cell("1 + 1", outputs=[nbformat.v4.new_output(
...         "execute_result", {"text/plain": "2"}, execution_count=1)])])
>>> page = to_page(nb, "demo")
>>> print(page.markdown)
# Demo
<BLANKLINE>
```python
1 + 1
```
<BLANKLINE>
```text
2
```
<BLANKLINE>
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

KERNEL = "python3"  # ipykernel's kernel; jupyter_client starts it with this interpreter


class NotebookError(RuntimeError):
    """A notebook that could not be executed to the end."""


@dataclass(frozen=True)
class NotebookPage:
    """The Markdown of an executed notebook and the figure files it links to."""

    markdown: str
    files: tuple[tuple[str, bytes], ...] = ()


def execute(path: Path, timeout: float = 300.0) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` in order; the executed notebook."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        raise NotebookError(f"{path.name}: a cell failed: {str(exc).strip().splitlines()[-1]}") from None
    return nb


def _demote(markdown: str) -> str:
    # A record's display starts at "#": below the notebook's "#" and "##" it starts at "###".
    return re.sub(r"^(#{1,4}) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", markdown, flags=re.M)


def _fence(text: str, lang: str) -> str:
    return f"```{lang}\n{text.rstrip()}\n```"


def to_page(nb: nbformat.NotebookNode, stem: str) -> NotebookPage:
    """The executed notebook ``nb`` as a :class:`NotebookPage`; figures go to ``figures/<stem>-N.png``."""
    blocks: list[str] = []
    files: list[tuple[str, bytes]] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            blocks.append(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        blocks.append(_fence(cell.source, "python"))
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                blocks.append(_fence(out.text, "text"))
            elif out.output_type in ("execute_result", "display_data"):
                data = out.data
                if "image/png" in data:
                    rel = f"figures/{stem}-{len(files) + 1}.png"
                    files.append((rel, base64.b64decode(data["image/png"])))
                    blocks.append(f"![figure {len(files)} of the notebook]({rel})")
                elif "text/markdown" in data:
                    blocks.append(_demote(data["text/markdown"]))
                elif "text/plain" in data:
                    blocks.append(_fence(data["text/plain"], "text"))
            elif out.output_type == "error":
                raise NotebookError(f"{stem}: a cell has an error output: {out.ename}: {out.evalue}")
    return NotebookPage("\n\n".join(blocks) + "\n", tuple(files))
