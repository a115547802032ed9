"""`derivkit curvature`: JSON shape, human output, and one-line errors (exit 2) for every bad input."""

import json
import time

import numpy as np
import pytest

from numerics.cli.main import main


def run(capsys, *argv):
    code = main(["curvature", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape_for_critical_points(capsys):
    code, out, err = run(capsys, "x^3 - 3*x + y^2", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["variables"] == ["x", "y"] and data["search_complete"] is True
    keys = {"point", "gradient", "hessian", "eigenvalues", "eigenvectors", "condition_number",
            "classification", "newton_step"}
    assert all(keys <= set(p) for p in data["points"])
    by_class = {p["classification"]: p for p in data["points"]}
    assert set(by_class) == {"minimum", "saddle"}
    assert by_class["minimum"]["point"] == {"x": 1.0, "y": 0.0}
    assert by_class["saddle"]["point"] == {"x": -1.0, "y": 0.0}
    # f_xx = 6x, f_yy = 2: eigenvalues at (1, 0) are 2 and 6
    assert by_class["minimum"]["eigenvalues"] == pytest.approx([2.0, 6.0])
    assert by_class["minimum"]["hessian"] == [[6.0, 0.0], [0.0, 2.0]]
    assert by_class["minimum"]["condition_number"] == pytest.approx(3.0)
    assert by_class["minimum"]["newton_step"] == pytest.approx([0.0, 0.0])
    vectors = np.array(by_class["saddle"]["eigenvectors"])
    h = np.array(by_class["saddle"]["hessian"])
    for k, v in zip(by_class["saddle"]["eigenvalues"], vectors):
        np.testing.assert_allclose(h @ v, k * v, atol=1e-12)


def test_json_maps_infinite_condition_number_to_null(capsys):
    code, out, _ = run(capsys, "x^4 + y^4", "--at", "x=0,y=0", "--json")
    p = json.loads(out)["points"][0]
    assert code == 0 and p["condition_number"] is None and p["newton_step"] is None
    assert p["classification"] == "degenerate"


def test_json_at_a_point_matches_hand_derivatives(capsys):
    # Rosenbrock at (-1.2, 1): ∇f = (-215.6, -88), H = [[1330, 480], [480, 200]] (scipy.optimize.rosen_der/rosen_hess)
    from scipy.optimize import rosen_der, rosen_hess

    code, out, _ = run(capsys, "(1-x)^2 + 100*(y-x^2)^2", "--at", "x=-1.2,y=1", "--json")
    data = json.loads(out)
    p = data["points"][0]
    x0 = np.array([-1.2, 1.0])
    np.testing.assert_allclose(p["gradient"], rosen_der(x0), rtol=1e-12)
    np.testing.assert_allclose(p["hessian"], rosen_hess(x0), rtol=1e-12)
    np.testing.assert_allclose(p["eigenvalues"], np.linalg.eigvalsh(rosen_hess(x0)), rtol=1e-12)
    np.testing.assert_allclose(p["newton_step"], -np.linalg.solve(rosen_hess(x0), rosen_der(x0)), rtol=1e-12)
    assert p["classification"] == "minimum"  # positive definite there
    assert data["search_complete"] is True


def test_human_table(capsys):
    code, out, _ = run(capsys, "x^3 - 3*x*y^2")
    assert code == 0
    assert "1 critical point(s)" in out and "complete" in out
    assert "degenerate" in out and "class" in out.splitlines()[2]


def test_human_point_report(capsys):
    code, out, _ = run(capsys, "x^2 - y^2", "--at", "x=1,y=2")
    assert code == 0
    for label in ("gradient", "Hessian", "eigenvalue", "condition number", "Newton step", "2/κ", "curving down"):
        assert label in out


def test_vars_orders_the_variables(capsys):
    code, out, _ = run(capsys, "x^2 + 2*y^2", "--vars", "y,x", "--at", "x=1,y=1", "--json")
    assert json.loads(out)["points"][0]["gradient"] == [4.0, 2.0]


def test_search_returns_within_its_time_bound(capsys):
    start = time.monotonic()
    code, out, _ = run(capsys, "sin(x)*cos(y) + sin(3*x*y) + exp(sin(x + y))", "--timeout", "1.5", "--json")
    elapsed = time.monotonic() - start
    assert code == 0 and json.loads(out)["search_complete"] is False
    assert elapsed < 1.5 + 6  # the bound plus compile time; never a hang


BAD = [
    (["log(x) + y", "--at", "x=-1,y=2"], "domain"),
    (["sqrt(x)", "--at", "x=0"], "derivatives are undefined"),
    (["1/x", "--at", "x=0"], "domain"),
    (["x + y", "--at", "x=1"], "no value for y"),
    (["x + y", "--at", "x=1,y=2,z=3"], "'z' is not a variable"),
    (["x + y", "--at", "x=1,x=2,y=1"], "given twice"),
    (["x + y", "--at", "x"], "name=value"),
    (["x + y", "--at", "x=y,y=1"], "must be a number"),
    (["x + y", "--at", "x=1e400,y=1"], "out of range"),
    (["x + y", "--at", "x=1/0,y=1"], "finite real number"),
    (["x + y", "--at", "x=,y=1"], "--at: the value of x: empty expression"),
    (["(x, y)"], "not an expression"),
    (["3"], "no variables"),
    (["x + y", "--vars", "x,z"], "z does not occur"),
    (["x + y", "--vars", "x"], "not listed in --vars: y"),
    (["x + y", "--vars", "x,1y"], "not a variable name"),
    (["x^2 +"], "syntax error"),
    (["x^2 + 1e400"], "out of range"),
    (["__import__('os')"], "not allowed"),
    (["x", "--timeout", "-1"], "--timeout"),
    (["x", "--mlp", "2-3-1"], "exactly one"),
    ([], "exactly one"),
    (["--mlp", "2-3-1"], "expected key=value"),
    (["x", "--seed", "abc"], "invalid int"),
]


@pytest.mark.parametrize("argv,message", BAD)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("derivkit: error:") and message in lines[0]
    assert "Traceback" not in err
