"""``derivkit bench`` through :func:`numerics.cli.main.main`: outputs, and every kind of bad input (exit 2, one line)."""

from __future__ import annotations

import csv
import json

import pytest

from numerics.compare import harness as compare
from numerics.cli.main import main


def test_bench_writes_json_csv_and_plots(tmp_path, capsys):
    out_json, out_csv, plots = tmp_path / "runs.json", tmp_path / "runs.csv", tmp_path / "figs"
    code = main(["bench", "--problems", "booth,wood", "--solvers", "bfgs,scipy-default:L-BFGS-B", "--workers", "1",
                 "--json", str(out_json), "--csv", str(out_csv), "--plots", str(plots)])
    assert code == 0
    runs = json.loads(out_json.read_text())
    assert [(r["problem"], r["solver"]) for r in runs] == [
        ("booth", "bfgs"), ("booth", "scipy-default:L-BFGS-B"), ("wood", "bfgs"), ("wood", "scipy-default:L-BFGS-B")]
    wood_lbfgsb = runs[3]
    assert wood_lbfgsb["status"] == "converged" and wood_lbfgsb["success"] is False  # SciPy's claim, refused
    assert wood_lbfgsb["stationary"] is False and wood_lbfgsb["optimal"] is False
    assert wood_lbfgsb["cost"] == wood_lbfgsb["nfev"] + wood_lbfgsb["ngev"]
    assert len(list(csv.DictReader(out_csv.open()))) == 4
    names = sorted(p.name for p in plots.iterdir())
    figures = ["convergence-booth.png", "convergence-wood.png", "profile.png", "trajectories-booth.png"]
    assert names == [".derivkit-manifest.json", *figures]  # the manifest: what bench may replace next time
    assert sorted(json.loads((plots / ".derivkit-manifest.json").read_text())) == figures
    assert all((plots / n).read_bytes()[:4] == b"\x89PNG" for n in figures)
    table = capsys.readouterr().out
    assert "| `bfgs` | 2/2 | 2/2 |" in table and "| `scipy-default:L-BFGS-B` | 1/2 | 1/2 |" in table


def test_bench_with_a_user_expression(tmp_path):
    out = tmp_path / "runs.json"
    code = main(["bench", "--expr", "(1 - x)^2 + 100*(y - x^2)^2", "--x0=-1.2,1", "--fstar", "0",
                 "--solvers", "newton,scipy:trust-exact", "--workers", "1", "--json", str(out)])
    runs = json.loads(out.read_text())
    assert code == 0 and all(r["problem"] == "expr" and r["success"] for r in runs)
    assert runs[0]["x"] == pytest.approx([1.0, 1.0], abs=1e-5)


BAD = [
    (["--expr", "x^2 + y^2", "--x0", "1"], "x0 has 1 value"),
    (["--expr", "x^2 + y^2", "--x0", "1,nan"], "finite"),
    (["--expr", "x^2 + y^2", "--x0", "1,inf"], "finite"),
    (["--expr", "x^2 + y^2", "--x0", "1,a"], "comma-separated numbers"),
    (["--expr", "x^2 + z^2", "--vars", "x,y", "--x0", "1,2"], "not among the variables"),
    (["--expr", "log(x)", "--x0=-1"], "not finite at x0"),
    (["--expr", "x^2 +", "--x0", "1"], "syntax error"),
    (["--expr", "__import__('os')", "--x0", "1"], "not allowed"),
    (["--expr", "x^2"], "needs --x0"),
    (["--x0", "1,2"], "give --expr too"),
    (["--expr", "x^2", "--x0", "1", "--fstar", "inf"], "f* must be finite"),
    (["--problems", "rosenbrok"], "did you mean 'rosenbrock'"),
    (["--problems", "wood,,booth"], "empty name"),
    (["--solvers", "bgfs"], "did you mean 'bfgs'"),
    (["--solvers", "scipy:lbfgsb"], "did you mean 'scipy:L-BFGS-B'"),
    (["--workers", "0"], "at least 1"),
    (["--time-limit", "0"], "positive"),
    (["--json", "/proc/derivkit/no/such/runs.json"], "--json: cannot write"),
    (["--csv", "/proc/derivkit/no/such/runs.csv"], "--csv: cannot write"),
    (["--workers", "two"], "invalid int value"),
]


@pytest.mark.parametrize("argv, message", BAD)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("bad input must be refused before any run")

    monkeypatch.setattr(compare, "run_benchmark", must_not_run)
    code = main(["bench", "--problems", "booth", *argv] if "--problems" not in argv and "--expr" not in argv
                else ["bench", *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and message in err, err


def test_unwritable_outputs_are_refused_before_running(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(compare, "run_benchmark", lambda *a, **k: pytest.fail("ran before checking outputs"))
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["bench", "--problems", "booth", "--plots", str(a_file)]) == 2
    assert main(["bench", "--problems", "booth", "--json", str(tmp_path)]) == 2  # a directory
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "--plots" in err[0] and "is a directory" in err[1]
    assert a_file.read_text() == "x"
