"""The curvature gallery page: one figure per example, tables that match the known critical points."""

from numerics.site.pages.curvature import EXAMPLES, docs_pages


def test_gallery_page_has_a_figure_and_table_per_example():
    page, stability = docs_pages()
    assert stability.attach_to == "curvature.gd_stability" and stability.files[0][1][:4] == b"\x89PNG"
    assert page.path == "curvature_gallery.md" and len(page.files) == len(EXAMPLES)
    for path, png in page.files:
        assert png[:4] == b"\x89PNG" and f"]({path})" in page.markdown
    text = page.markdown
    assert "Himmelblau" in text and "9 critical points (the search is complete)" in text
    assert "| (3, 2) | 0 | minimum |" in text  # Himmelblau's minimum at (3, 2), f = 0
    assert "| (1, 1) | 0 | minimum |" in text  # Rosenbrock's minimum
    assert "| (3, 0.5) | 0 | minimum |" in text  # Beale's minimum (Beale 1958)
    assert "| (0, 0) | 0 | degenerate |" in text  # the monkey saddle
