"""The tutorial notebook runs top to bottom in the project's kernel, and its outputs say what it claims.

Each cell of ``docs/tutorial.ipynb`` asserts its own result against an independent reference
(SciPy's ``rosen_der``, the known minimum f(1, 1) = 0 of Rosenbrock, Himmelblau's nine critical
points: four minima, four saddles, one maximum); here the executed notebook is also read back.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from numerics.site.notebook import execute, to_page

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "tutorial.ipynb"


def _text(nb) -> str:
    return "\n".join(out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
                     for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs)


def test_tutorial_runs_top_to_bottom_with_its_outputs():
    nb = execute(NOTEBOOK)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))  # in order, every cell
    text = _text(nb)
    assert "different" in text and "equivalent" in text  # the slip and its correction
    assert "minimum " in text and "saddle " in text and "maximum " in text
    page = to_page(nb, "tutorial")
    assert len(page.files) == 1 and page.files[0][1][:8] == b"\x89PNG\r\n\x1a\n"  # the contour plot
    headings = re.findall(r"^(#+) Steps$", page.markdown, flags=re.M)
    assert headings == ["####"]  # the record's display, below the notebook's own headings


def test_the_kernel_is_this_interpreter(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.executable)")])
    path = tmp_path / "which.ipynb"
    nbformat.write(nb, path)
    out = execute(path).cells[0].outputs[0].text.strip()
    assert Path(out).resolve() == Path(sys.executable).resolve()
