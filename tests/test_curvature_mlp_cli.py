"""``derivkit curvature --mlp``: the handler's output and its refusals."""

import argparse
import contextlib
import io
import json

import numpy as np
import pytest

from derivations.errors import InputError
from numerics.cli.commands.curvature_mlp import parse_spec, run
from numerics.analysis.mlp import MLPSpec, init_parameters, mlp_loss
from numerics.analysis.synthetic import synthetic_regression
from numerics.analysis.spectrum import dense_hessian


def _run(spec, **kw):
    args = argparse.Namespace(mlp=spec, seed=kw.get("seed", 0), top=kw.get("top", 3), bottom=kw.get("bottom"),
                              trace=kw.get("trace", False), json=kw.get("json", True))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(args)
    return code, out.getvalue(), err.getvalue()


def test_json_report_matches_an_independent_dense_computation():
    code, out, _ = _run("hidden=4,inputs=3,act=tanh,bn=on,l2=1e-3,samples=30,steps=0", top=3, bottom=3, trace=True)
    assert code == 0
    r = json.loads(out)
    for key in ("parameters", "eigenvalues_top", "eigenvalues_bottom", "trace", "condition_number", "seconds"):
        assert key in r
    spec = MLPSpec(3, 4, "tanh", "squared", True, 1e-3)
    data = synthetic_regression(30, 3, seed=0)
    X, y = data.X, data.y
    f = mlp_loss(spec, X, y)
    theta = init_parameters(spec, seed=0)
    eigs = np.linalg.eigvalsh(dense_hessian(lambda v: f.hessp(theta, v), spec.n_params))
    assert r["parameters"] == spec.n_params == 29
    np.testing.assert_allclose(r["eigenvalues_top"], eigs[::-1][:3], rtol=1e-8)
    np.testing.assert_allclose(r["eigenvalues_bottom"], eigs[:3], rtol=1e-6, atol=1e-10)
    assert abs(r["trace"] - eigs.sum()) < 5 * r["trace_stderr"]


def test_only_the_figures_asked_for_are_computed():
    # 841 parameters: the Lanczos path; --top 2 alone computes neither the bottom nor the trace
    code, out, _ = _run("hidden=60,inputs=12,samples=64,steps=0", top=2)
    r = json.loads(out)
    assert code == 0 and r["figures"] == {"top": 2, "bottom": 0, "trace": False}
    assert len(r["eigenvalues_top"]) == 2 and r["eigenvalues_bottom"] == [] and r["trace"] is None
    assert r["trace_probes"] == 0 and r["condition_number"] is None and r["complete"]
    _, out_all, _ = _run("hidden=60,inputs=12,samples=64,steps=0", top=None)
    everything = json.loads(out_all)
    assert everything["figures"] == {"top": 5, "bottom": 5, "trace": True} and everything["trace_probes"] == 30
    assert r["hessian_vector_products"] < everything["hessian_vector_products"]
    np.testing.assert_allclose(r["eigenvalues_top"], everything["eigenvalues_top"][:2], rtol=1e-8)


def test_lanczos_path_for_larger_nets_and_text_output():
    code, out, _ = _run("hidden=60,inputs=12,samples=64,steps=0", json=False, top=2)  # 841 parameters
    assert code == 0 and "top eigenvalues" in out and "Lanczos" in out


@pytest.mark.parametrize("spec", [
    "hidden16", "hidden=16,color=red", "l2=-1e-3", "samples=0", "bn=on,samples=1", "act=softplus",
    "hidden=0", "bn=maybe", "hidden=4,hidden=5", "", "l2=nan", "loss=hinge", "steps=-1",
])
def test_bad_specs_are_input_errors(spec):
    with pytest.raises(InputError):
        parse_spec(spec)


def test_deep_networks_parse_and_sizes_are_refused_before_allocating():
    s = parse_spec("layers=3,hidden=64,act=relu,bn=on")
    assert (s.layers, s.hidden, s.act, s.bn) == (3, 64, "relu", True)
    assert parse_spec("hidden=4").layers == 1
    # (8 + 1) 1000 + 2 (1000 + 1) 1000 + 1000 + 1 = 2,012,001 parameters: accepted; 3 more layers are not
    assert parse_spec("layers=3,hidden=1000").layers == 3
    with pytest.raises(InputError, match="5,015,001 parameters exceed"):
        parse_spec("layers=6,hidden=1000")
    with pytest.raises(InputError, match="activations"):
        parse_spec("layers=10,hidden=100,samples=60000")  # 6,000,000 activations a layer, 60,000,000 in all
    for bad in ("layers=0", "layers=17", "layers=two"):
        with pytest.raises(InputError, match="layers"):
            parse_spec(bad)


def test_a_deep_network_report_matches_an_independent_dense_computation():
    code, out, _ = _run("layers=2,hidden=3,inputs=2,act=tanh,bn=on,samples=12,steps=0", top=2, bottom=2, trace=True)
    r = json.loads(out)
    spec = MLPSpec(2, 3, "tanh", "squared", True, layers=2)
    data = synthetic_regression(12, 2, seed=0)
    f = mlp_loss(spec, data.X, data.y)
    theta = init_parameters(spec, seed=0)
    eigs = np.linalg.eigvalsh(dense_hessian(lambda v: f.hessp(theta, v), spec.n_params))
    assert code == 0 and r["parameters"] == spec.n_params == 2 * 3 + 3 + 9 + 3 + 4 * 3 + 3 + 1
    assert r["spec"]["layers"] == 2
    np.testing.assert_allclose(r["eigenvalues_top"], eigs[::-1][:2], rtol=1e-8)
    np.testing.assert_allclose(r["trace_exact"], eigs.sum(), rtol=1e-8)


def test_defaults_and_parsing():
    s = parse_spec("hidden=16,act=relu,bn=on,l2=1e-3,samples=512")
    assert (s.hidden, s.act, s.bn, s.l2, s.samples, s.inputs, s.loss) == (16, "relu", True, 1e-3, 512, 8, "squared")


def test_bad_top_is_an_input_error():
    with pytest.raises(InputError):
        _run("hidden=2,samples=4,steps=0", top=0)
    with pytest.raises(InputError):
        _run("hidden=2,samples=4,steps=0", top=None, bottom=0)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_moves_during_the_analysis():
    # a terminal sees the bar redrawn as products are made: the budget share grows, the product count rises
    from numerics.cli.commands.curvature_mlp import Figures, analyse, parse_spec
    from numerics.cli.progress import Progress

    screen = _Terminal()
    with Progress(1, "curvature", stream=screen, interval=0.0) as bar:
        report = analyse(parse_spec("hidden=60,inputs=12,samples=64,steps=20"), figures=Figures(2, 0, True),
                         budget=30, progress=bar)
    frames = [f for f in screen.getvalue().split("\r") if f.strip()]
    counts = [int(f.split(": ")[1].split()[0]) for f in frames if " products" in f]
    fills = [f.split("[")[1].split("]")[0].count("#") for f in frames if "[" in f]
    assert report["hessian_vector_products"] > 0 and len(frames) >= 3
    assert any("L-BFGS iterations" in f for f in frames) and any("top eigenvalues" in f for f in frames)
    assert len(set(counts)) >= 2 and fills == sorted(fills)


def test_the_text_says_how_many_training_iterations_ran():
    import re

    args = argparse.Namespace(mlp="hidden=200,inputs=8,samples=400,steps=300", seed=0, top=1, bottom=None,
                              trace=False, json=False, budget=1.0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert run(args) == 0
    ran = re.search(r"after (\d+) of 300 L-BFGS iterations", out.getvalue())
    assert ran is not None, out.getvalue()
    cut = re.search(r"training stopped by the budget after (\d+) of 300 iterations", out.getvalue())
    assert cut is None or cut.group(1) == ran.group(1)  # cut by the budget: the same count in both lines
