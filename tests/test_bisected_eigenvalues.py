"""Extreme eigenvalues by bisection on the inertia of H − σI, against ``numpy.linalg.eigvalsh`` of the dense Hessian.

References: SciPy's hand-written chained Rosenbrock Hessian ``scipy.optimize.rosen_hess`` (dense), whose
spectrum at (-1.2, 1, -1.2, 1, …) has a dense cluster at the top (gaps of about 1e-5 at n = 2000), the
case where ARPACK's ``eigsh(which="LA")`` exhausts its restarts.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.optimize import rosen_hess
from scipy.sparse import csr_matrix

from derivations.reading.indexed import MAX_N, read_indexed
from derivations.reading.parsing import parse_expression
from numerics.analysis.curvature import analyze_large_point
from numerics.analysis.spectrum import bisected_eigenvalues
from numerics.cli.main import main
from numerics.indexed import indexed_objective

ROSENBROCK = "Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))"


def _inside(bracket, value, scale):
    lo, hi = bracket
    slack = 1e-12 * scale  # rounding of the dense reference and of the pivots
    return lo - slack <= value <= hi + slack


@pytest.mark.parametrize("point", ["pattern", "random"])
def test_extremes_at_n_2000_against_dense_eigvalsh(point):
    n = 2000
    x = np.tile([-1.2, 1.0], n // 2) if point == "pattern" else np.random.default_rng(3).uniform(-1.5, 1.5, n)
    h = rosen_hess(x)
    dense = np.linalg.eigvalsh(h)
    scale = float(np.max(np.abs(dense)))
    top = bisected_eigenvalues(csr_matrix(h), 3, "largest")
    bottom = bisected_eigenvalues(csr_matrix(h), 3, "smallest")
    assert top.converged and bottom.converged
    for j in range(3):
        assert _inside(top.brackets[j], dense[-1 - j], scale)
        assert _inside(bottom.brackets[j], dense[j], scale)
    assert top.width <= top.tolerance and bottom.width <= bottom.tolerance
    if point == "random":
        assert dense[0] < 0  # an indefinite Hessian: the count of negative pivots is exercised


def test_analyze_large_point_converges_at_n_1000_and_matches_rosen_hess():
    n = 1000
    fn = read_indexed(parse_expression(ROSENBROCK, max_terms=MAX_N), n)
    x = np.tile([-1.2, 1.0], n // 2)
    a = analyze_large_point(indexed_objective(fn, sparse=True), x)
    dense = np.linalg.eigvalsh(rosen_hess(x))
    assert a.largest.converged and a.smallest.converged
    assert _inside(a.largest.brackets[0], dense[-1], dense[-1])
    assert _inside(a.smallest.brackets[0], dense[0], dense[-1])


def test_cut_short_is_partial_with_the_bracket_reached():
    x = np.tile([-1.2, 1.0], 500)
    h = rosen_hess(x)
    r = bisected_eigenvalues(csr_matrix(h), 1, "largest", seconds=0.0)
    assert not r.converged and "time bound" in r.message and r.factorizations == 0
    assert _inside(r.brackets[0], np.linalg.eigvalsh(h)[-1], 1.0)  # still a true (Gershgorin) bracket
    assert r.width > r.tolerance


def test_a_zero_diagonal_is_stepped_around():
    # [[0, 1], [1, 0]] has no LDLᵀ with diagonal pivots at σ = 0; bisection moves σ off the midpoint
    h = csr_matrix(np.kron(np.eye(3), np.array([[0.0, 1.0], [1.0, 0.0]])))
    top, bottom = bisected_eigenvalues(h, 1, "largest"), bisected_eigenvalues(h, 1, "smallest")
    assert top.converged and bottom.converged
    assert np.isclose(top.eigenvalues[0], 1.0, atol=1e-9) and np.isclose(bottom.eigenvalues[0], -1.0, atol=1e-9)


@pytest.mark.parametrize("n", [1000, 10_000])
def test_curvature_command_reports_converged_extremes(n, capsys):
    assert main(["curvature", ROSENBROCK, "--n", str(n), "--at=-1.2,1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for end in ("largest_eigenvalues", "smallest_eigenvalues"):
        assert report[end]["converged"] is True
        (lo, hi), = report[end]["brackets"]
        assert 0 <= hi - lo <= report[end]["tolerance"]
    if n == 1000:
        dense = np.linalg.eigvalsh(rosen_hess(np.tile([-1.2, 1.0], n // 2)))
        assert _inside(report["largest_eigenvalues"]["brackets"][0], dense[-1], dense[-1])
        assert _inside(report["smallest_eigenvalues"]["brackets"][0], dense[0], dense[-1])
    assert main(["curvature", ROSENBROCK, "--n", str(n), "--at=-1.2,1"]) == 0
    text = capsys.readouterr().out
    assert "partial" not in text and "± " in text
