"""The benchmark page and its check of seed 001's Beale claims, against independent numbers."""

from __future__ import annotations

import numpy as np
import pytest

from numerics.site.pages import bench as bench_pages
from tests.test_problems import beale as beale_twin


def _grad(f, x, h=1e-6):
    e = np.eye(2)
    return np.array([(f(x + h * e[i]) - f(x - h * e[i])) / (2 * h) for i in range(2)])


def test_beale_has_one_minimum_two_saddles_and_a_valley_at_405_896():
    crit = bench_pages.beale_critical_points()
    kinds = sorted((pt["kind"], round(pt["x"][0], 6), round(pt["x"][1], 6)) for pt in crit["points"])
    assert [k[0] for k in kinds] == ["minimum", "saddle", "saddle"]
    for pt in crit["points"]:  # each is a critical point of the NumPy twin
        assert np.max(np.abs(_grad(beale_twin, np.array(pt["x"])))) < 1e-5
    assert (3.0, 0.5) in [(k[1], k[2]) for k in kinds]
    # along x1 → ∞ with x1 (x2 − 1) = c, f tends to Σ (y_i + i c)²; its minimum over c is 405/896 at c = −111/112
    assert crit["valley_f"] == pytest.approx(405 / 896) and crit["valley_c"] == pytest.approx(-111 / 112)
    x1 = 1e7
    assert beale_twin(np.array([x1, 1 - 111 / 112 / x1])) == pytest.approx(405 / 896, rel=1e-5)


def test_page_reports_the_wood_verdict_and_the_seed_runs():
    [page] = bench_pages.docs_pages(problems=["wood", "booth"],
                                    solvers=["bfgs", "lbfgs", "scipy:L-BFGS-B", "scipy-default:L-BFGS-B"], workers=1)
    text = page.markdown
    assert "SciPy's L-BFGS-B on Wood" in text and "**failure**" in text
    assert "| `bfgs` | 2/2 | 2/2 |" in text and "| `scipy-default:L-BFGS-B` | 1/2 | 1/2 |" in text
    assert "| `scipy:L-BFGS-B` | 2/2 | 2/2 |" in text  # matched rules: L-BFGS-B does not stop early on Wood
    # the protocol is stated, and the pairs say where we lose
    assert "## The protocol" in text and "`ftol=0`" in text and "N&W eq. 6.20" in text
    assert "| `lbfgs` | `scipy:L-BFGS-B` |" in text and "### Where we lose" in text
    assert "Seed 001" in text and "exactly **one** local minimum" in text
    assert {path for path, _ in page.files} >= {"figures/bench-profile.png", "figures/bench-convergence.png",
                                                "figures/bench-profile-optimal.png", "figures/bench-profile-time.png"}
    assert all(data[:4] == b"\x89PNG" for _, data in page.files)
    # the seed runs: Newton and BFGS from (2, −2) reach the global minimum
    assert "| newton | – |" in text and "global minimum (3, ½)" in text
