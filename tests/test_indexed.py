"""Indexed sums: reading, derivatives placed by index, large-n curvature, and the command-line checks.

References: SciPy's hand-written chained Rosenbrock (``scipy.optimize.rosen``, ``rosen_der``,
``rosen_hess``, ``rosen_hess_prod``), the generic compile path on the written-out sum, and
``numpy.linalg.eigvalsh`` on the dense Hessian.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import rosen, rosen_der, rosen_hess, rosen_hess_prod

from derivations.errors import InputError
from derivations.reading.indexed import MAX_N, pattern_point, read_indexed
from derivations.reading.parsing import parse_expression
from numerics.analysis.curvature import analyze_large_point, eigenvalue_bounds
from numerics.analysis.spectrum import sparse_inertia
from numerics.cli.main import main
from numerics.compile import objective
from numerics.indexed import indexed_objective

ROSENBROCK = "Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2, (i, 0, n-2))"


def _read(text, n=None):
    return read_indexed(parse_expression(text, max_terms=MAX_N), n)


@pytest.mark.parametrize("n", [2, 7, 600])
def test_chained_rosenbrock_matches_scipy(n):
    obj = indexed_objective(_read(ROSENBROCK, n))
    rng = np.random.default_rng(n)
    for _ in range(3):
        x, p = rng.normal(size=n), rng.normal(size=n)
        assert np.isclose(obj.fun(x), rosen(x), rtol=1e-12)
        assert np.allclose(obj.jac(x), rosen_der(x), rtol=1e-12, atol=1e-9)
        assert np.allclose(obj.hessp(x, p), rosen_hess_prod(x, p), rtol=1e-12, atol=1e-9)
        h = obj.hess(x)
        assert np.allclose(h.toarray() if hasattr(h, "toarray") else h, rosen_hess(x), rtol=1e-12, atol=1e-9)


MIXED = "a*Sum(i*(x[2*i+1] - a*x[i])^2 + exp(x[i]/5)*y[i], (i, 0, 3)) + Sum(y[i]*y[i+1], (i, 0, 2)) + sin(x[0])*a^2"


def test_mixed_slots_match_the_written_out_sum():
    """Steps 2 and 0 (a scalar shared by every term), the index in the term, two vectors and a remainder."""
    fn = _read(MIXED)
    assert [v.name for v in fn.variables] == ["a"] + [f"x{k}" for k in range(8)] + [f"y{k}" for k in range(4)]
    reference = objective(fn.expand(), fn.variables, sparse=False)  # the generic bridge on the expansion
    obj = indexed_objective(fn, sparse=False)
    rng = np.random.default_rng(3)
    for _ in range(4):
        x, p = rng.normal(size=fn.n), rng.normal(size=fn.n)
        assert np.isclose(obj.fun(x), reference.fun(x), rtol=1e-12)
        assert np.allclose(obj.jac(x), reference.jac(x), rtol=1e-11, atol=1e-12)
        assert np.allclose(obj.hess(x), reference.hess(x), rtol=1e-11, atol=1e-12)
        assert np.allclose(obj.hessp(x, p), reference.hessp(x, p), rtol=1e-11, atol=1e-12)


def test_the_expansion_is_the_sum_sympy_evaluates():
    fn = _read("Sum((x[i] - i)^2, (i, 1, 4))")
    expected = sp.Sum((sp.IndexedBase("x", real=True)[sp.Symbol("i")] - sp.Symbol("i")) ** 2,
                      (sp.Symbol("i"), 1, 4)).doit()
    mapping = {sp.IndexedBase("x", real=True)[k]: v for k, v in zip(range(1, 5), fn.variables)}
    assert sp.expand(fn.expand() - expected.xreplace(mapping)) == 0


@pytest.mark.parametrize("text, n, message", [
    ("Sum(x[i]^2, (i, 0, m))", 4, "not a number after --n"),
    ("Sum(x[i]^2, (i, 0, n))", None, "give --n"),
    ("Sum(x[i]^2, (i, 0, n))", 4, "outside x0"),
    ("Sum(x[i^2], (i, 0, 3))", None, "must be a\\*i \\+ b"),
    ("x[i] + 1", None, "outside an indexed sum"),
    ("Sum(x[i], (i, 0, 3)) + x0", None, "both a symbol and an entry"),
    ("Sum(x[i]^2, (i, 0, n-1))", 10**9, "the limit of variables"),
])
def test_bad_indexed_input_is_one_clear_error(text, n, message):
    with pytest.raises(InputError, match=message):
        _read(text, n)


def test_pattern_points():
    assert pattern_point([1.0, 2.0], 6, "--x0") == (1.0, 2.0) * 3
    with pytest.raises(InputError, match="does not fit"):
        pattern_point([1.0, 2.0], 5, "--x0")


def test_long_sums_parse_without_a_depth_limit():
    terms = 5000
    text = " + ".join(f"(x{k} - {k})^2" for k in range(terms))
    assert len(text) > 50_000
    expr = parse_expression(text)
    assert len(expr.args) == terms
    point = {sp.Symbol(f"x{k}", real=True): 0 for k in range(terms)}
    assert expr.xreplace(point) == sum(k * k for k in range(terms))
    assert parse_expression("+".join(["x"] * 61)) == 61 * sp.Symbol("x", real=True)  # was "nested 60 levels"
    nested = "sin(" + " - ".join(f"y{k}" for k in range(2000)) + ") * 2"
    value = parse_expression(nested).xreplace({sp.Symbol(f"y{k}", real=True): 1 for k in range(2000)})
    assert value == 2 * sp.sin(-1998)
    with pytest.raises(InputError):
        parse_expression(" + ".join(["x"] * 3000) + " + __piece0")


def test_large_point_eigenvalues_and_inertia_match_dense_eigh():
    n = 600
    fn = _read("Sum(100*(x[i+1]-x[i]^2)^2 + (1-x[i])^2 - 30*x[i]*x[i+1], (i, 0, n-2))", n)
    obj = indexed_objective(fn, sparse=True)
    x = np.asarray(pattern_point([-1.2, 1.0, 0.3], n - n % 3, "x") + (0.5,) * (n % 3))
    a = analyze_large_point(obj, x)
    dense = np.linalg.eigvalsh(obj.hess(x).toarray())
    if a.largest.converged:
        assert np.isclose(a.largest.eigenvalues[0], dense[-1], rtol=1e-7)
    if a.smallest.converged:
        assert np.isclose(a.smallest.eigenvalues[0], dense[0], rtol=1e-7, atol=1e-7)
    lo_out, lo_in, hi_in, hi_out = a.bounds
    assert lo_out <= dense[0] + 1e-9 and dense[0] <= lo_in + 1e-9
    assert hi_in <= dense[-1] + 1e-9 and dense[-1] <= hi_out + 1e-9
    assert a.inertia is not None
    assert (a.inertia.negative, a.inertia.positive) == (int(np.sum(dense < 0)), int(np.sum(dense > 0)))
    assert (a.kind.value == "saddle") == (dense[0] < 0 < dense[-1])


def test_inertia_is_refused_when_the_pivots_are_not_diagonal():
    from scipy.sparse import csr_matrix

    assert sparse_inertia(csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]]))) is None
    bounds = eigenvalue_bounds(csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]])))
    assert bounds[0] <= -1 + 1e-12 and bounds[3] >= 1 - 1e-12


def test_curvature_command_on_an_indexed_sum(capsys):
    import json

    assert main(["curvature", ROSENBROCK, "--n", "800", "--at=-1.2,1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    x = np.tile([-1.2, 1.0], 400)
    assert report["n"] == 800 and np.allclose(report["gradient"], rosen_der(x))
    dense = np.linalg.eigvalsh(rosen_hess(x))
    assert report["inertia"]["positive"] == int(np.sum(dense > 0))
    assert report["eigenvalue_bounds"]["smallest"][0] <= dense[0] <= report["eigenvalue_bounds"]["smallest"][1] + 1e-9
    assert "hessian" not in report
    assert main(["curvature", ROSENBROCK, "--n", "4", "--at=-1.2,1"]) == 0
    assert "eigenvector" in capsys.readouterr().out  # small n: the dense analysis


@pytest.mark.parametrize("argv, message", [
    (["curvature", ROSENBROCK, "--n", "10**9", "--at=1"], "the limit of variables"),
    (["curvature", ROSENBROCK, "--n", "1000", "--at=1,2,3"], "does not fit"),
    (["curvature", ROSENBROCK, "--n", "1000"], "give --at"),
    (["curvature", "Sum(x[i]^2, (i, 0, m))", "--n", "5", "--at=1"], "after --n"),
    (["bench", "--expr", ROSENBROCK, "--n", "10", "--x0=1,2,3"], "does not fit"),
    (["curvature", "--mlp", "hidden=100000000"], "exceed the limit"),
    (["curvature", "--mlp", "hidden=4", "--seed", "-1"], "--seed must be an integer from 0"),
])
def test_bad_command_lines_are_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err


def test_bench_reads_an_indexed_problem(capsys):
    from numerics.cli.commands.bench import register  # noqa: F401  (the parser under test)
    from numerics.cli.main import parser

    args = parser().parse_args(["bench", "--expr", ROSENBROCK, "--n", "6", "--x0=-1.2,1", "--fstar", "0"])
    from numerics.cli.commands.bench import selected_problems

    (problem,) = selected_problems(args)
    assert problem.x0 == (-1.2, 1.0) * 3 and problem.f_star == 0.0
    x = np.linspace(-1, 1, 6)
    assert np.isclose(problem.compile().fun(x), rosen(x))


def test_mlp_budget_reports_what_was_cut_short():
    from numerics.cli.commands.curvature_mlp import analyse, parse_spec

    report = analyse(parse_spec("hidden=300,inputs=4,samples=200,steps=0"), budget=1e-3)
    assert report["complete"] is False and report["partial"]
    full = analyse(parse_spec("hidden=3,inputs=2,samples=20,steps=2"), budget=60)
    assert full["complete"] is True and full["partial"] == {}


def test_full_prints_the_hessian_entries(capsys):
    import json

    assert main(["curvature", ROSENBROCK, "--n", "600", "--at=0.5", "--json", "--full"]) == 0
    report = json.loads(capsys.readouterr().out)
    x = np.full(600, 0.5)
    dense = np.zeros((600, 600))
    for i, j, v in report["hessian"]:
        dense[i, j] = v
    assert np.allclose(dense, rosen_hess(x))


def test_mlp_budget_cuts_the_dense_hessian_too():
    from numerics.cli.commands.curvature_mlp import analyse, parse_spec

    report = analyse(parse_spec("hidden=3,inputs=2,samples=20,steps=0"), budget=1e-9)
    assert report["complete"] is False and "eigenvalues" in report["partial"]
    assert report["eigenvalues_top"] == [] and report["lanczos_converged"] is False
