"""derivkit check: verdicts, counterexamples, diagnostics, time bounds, the CLI contract."""

import json
import os
import time

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations.checking.check import Verdict, check, check_against, check_text, name_key, parse_assumption
from derivations.errors import InputError
from derivations.record import Derivation, Equals, Step
from numerics.site.pages.check import CORRECT, SLIPS
from numerics.cli.main import main

# CI: derandomized, modest example counts; DERIVKIT_HYPOTHESIS_PROFILE=derivkit-explore searches 20x longer
settings.register_profile("derivkit-ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("derivkit-explore", deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE_NAME = os.environ.get("DERIVKIT_HYPOTHESIS_PROFILE", "derivkit-ci")
PROFILE = settings.get_profile(PROFILE_NAME)


def examples(n: int) -> int:
    return 20 * n if PROFILE_NAME == "derivkit-explore" else n


def independent_value(text: str, point: dict) -> complex:
    """Evaluate user text at a point with mpmath, without the checker's evaluation code."""
    expr = sp.sympify(text.replace("^", "**"), locals={n: sp.Symbol(n) for n in point})
    f = sp.lambdify(sorted(expr.free_symbols, key=str), expr, modules="mpmath")
    with mpmath.workdps(30):
        return complex(f(*(mpmath.mpf(point[str(s)]) for s in sorted(expr.free_symbols, key=str))))


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize("claimed, expected, assume", [
    ("(x + 1)^2", "x^2 + 2*x + 1", []),
    ("(x^2 - 1)/(x - 1)", "x + 1", []),
    ("sin(x)^2 + cos(x)^2", "1", []),
    ("sin(2*x)", "2*sin(x)*cos(x)", []),
    ("log(x*y)", "log(x) + log(y)", ["x>0", "y>0"]),
    ("exp(log(x) + log(y))", "x*y", ["x>0", "y>0"]),
    ("sqrt(x^2)", "x", ["x>0"]),
    ("tanh(x)", "(exp(2*x) - 1)/(exp(2*x) + 1)", []),
    ("1/(1 + exp(-x)) * (1 - 1/(1 + exp(-x)))", "exp(-x)/(1 + exp(-x))^2", []),
    ("Matrix([[x, y], [y, x]]) * Matrix([1, 1])", "[x + y, x + y]", []),
])
def test_identities_are_equivalent(claimed, expected, assume):
    r = check_text(claimed, expected, assume=assume)
    assert r.verdict is Verdict.EQUIVALENT, r.summary()
    assert r.counterexample is None


@pytest.mark.parametrize("claimed, expected", [
    ("(x + 1)^2", "x^2 + 1"),
    ("sqrt(x^2)", "x"),
    ("log(x*y)", "log(x) + log(y)"),
    ("sin(x)^2 - cos(x)^2", "1"),
    ("x/(1 + x^2)", "x/(1 + x)^2"),
])
def test_differences_come_with_a_counterexample_an_independent_evaluation_confirms(claimed, expected):
    r = check_text(claimed, expected)
    assert r.verdict is Verdict.DIFFERENT
    point = dict(r.counterexample)
    c, e = independent_value(claimed, point), independent_value(expected, point)
    assert abs(c - e) > 1e-6 * max(1, abs(c), abs(e))
    assert abs(c - complex(r.claimed_value.replace("j", "j"))) < 1e-6 * max(1, abs(c))
    assert abs(e - complex(r.expected_value)) < 1e-6 * max(1, abs(e))


def test_diagnostics_name_the_kind_of_slip():
    assert "equal up to sign" in check_text("y - x", "x - y").diagnostics[0]
    assert "constant factor: claimed = 2" in check_text("2*x*y", "x*y").diagnostics[0]
    assert "additive constant: claimed = expected + 3" in check_text("x^2 + 3", "x^2").diagnostics[0]
    eps = check_text("g/sqrt(a + epsilon)", "g/(sqrt(a) + epsilon)", assume=["a>0", "epsilon>0"])
    assert any("ε → 0" in d for d in eps.diagnostics)
    pos = check_text("sqrt(x^2*y^2)", "x*y")
    assert any("assumption x, y > 0" in d for d in pos.diagnostics), pos.diagnostics
    assert any("uses z" in d for d in check_text("x*z", "x").diagnostics)


def test_assumptions_restrict_probes_and_symbols():
    assert parse_assumption("0<p<1").domain() == (0, 1)
    assert check_text("Abs(p - 1)", "1 - p", assume=["0<p<1"]).verdict is Verdict.EQUIVALENT
    assert check_text("Abs(p - 1)", "1 - p").verdict is Verdict.DIFFERENT
    for bad in ("x", "x >> 0", "1 < 0 < x > 3", "2 < x < 1"):
        with pytest.raises(InputError):
            parse_assumption(bad)


def test_matrices_and_shapes():
    r = check_text("Matrix([[x, y], [y, x]])", "Matrix([[x, y], [x, x]])")
    assert r.verdict is Verdict.DIFFERENT and "entry (2, 1)" in r.diagnostics[0]
    shape = check_text("[x, y]", "[x, y, 0]")
    assert shape.verdict is Verdict.DIFFERENT and shape.method == "shape"
    assert check_text("[x, y]", "x").verdict is Verdict.DIFFERENT


def test_derivative_claims():
    ok = check_text("2*(x[k] - mu)/m", derivative_of="Sum((x[j] - mu)^2, (j, 1, m))/m", wrt="x[k]")
    assert ok.verdict is Verdict.EQUIVALENT
    slip = check_text("2*(x[k] - mu)", derivative_of="Sum((x[j] - mu)^2, (j, 1, m))/m", wrt="x[k]")
    assert slip.verdict is Verdict.DIFFERENT
    point = dict(slip.counterexample)
    m = int(point["m"])
    assert abs(float(slip.claimed_value) - m * float(slip.expected_value)) < 1e-6  # the missing 1/m
    with pytest.raises(InputError):
        check_text("x", derivative_of="x^2", wrt="x + 1")


def test_undecided_when_nothing_can_be_evaluated():
    r = check_text("x/0", "1")
    assert r.verdict is Verdict.UNDECIDED and r.verdict.exit_code == 3


def test_pathological_pair_returns_within_its_timeout():
    # (sin x + cos x)^40 = (1 + sin 2x)^20, but simplify() runs for minutes on it
    for timeout in (1.0, 2.0):
        start = time.monotonic()
        r = check_text("(sin(x) + cos(x))^40", "(1 + sin(2*x))^20", timeout=timeout)
        elapsed = time.monotonic() - start
        assert elapsed <= timeout + 0.3, elapsed
        assert r.verdict in (Verdict.EQUIVALENT, Verdict.UNDECIDED)
    tiny = check_text("(sin(x) + cos(x))^40", "(1 + sin(2*x))^20", timeout=0.05)
    assert tiny.verdict is Verdict.UNDECIDED and "time limit" in tiny.diagnostics[0]


def test_time_limit_survives_a_swallowed_alarm():
    from derivations.deadline import TimeLimitExceeded, time_limit

    def busy(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass

    start = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.2):
            try:  # like library code with a broad except: the first alarm is lost
                busy(5)
            except Exception:  # noqa: BLE001
                pass
            busy(5)
    assert time.monotonic() - start < 1.0


def test_pathological_cli_returns_within_its_timeout(capsys):
    start = time.monotonic()
    code = main(["check", "(sin(x) + cos(x))^40", "(1 + sin(2*x))^20", "--timeout", "1", "--json"])
    assert time.monotonic() - start <= 1.5
    assert code in (0, 3)
    assert json.loads(capsys.readouterr().out)["verdict"] in ("equivalent", "undecided")


# --------------------------------------------------------------------------- CLI


def test_cli_json_record_and_exit_codes(capsys):
    assert main(["check", "x^2 + 1", "(x+1)^2", "--json"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["verdict"] == "different"
    assert set(record) >= {"verdict", "method", "counterexample", "claimed_value", "expected_value", "diagnostics"}
    x = record["counterexample"]["x"]
    assert abs(record["claimed_value"] - (x**2 + 1)) < 1e-8 and abs(record["expected_value"] - (x + 1) ** 2) < 1e-8
    assert main(["check", "x^2 + 2x + 1", "(x+1)^2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counterexample"] is None
    assert main(["check", "x/0", "1"]) == 3


@pytest.mark.parametrize("argv", [
    ["check", "__import__(os)", "x"], ["check", "x.y", "x"], ["check", "x +", "x"], ["check", "x"],
    ["check", "x", "y", "--derivative-of", "x", "--wrt", "x"], ["check", "x", "--wrt", "x"],
    ["check", "x", "x", "--assume", "x >> 0"], ["check", "x", "x", "--timeout", "-1"],
    ["check", "x", "--against", "no.such.result"], ["check", "10**10**10", "x"],
    ["check", "--latex", r"\frac{1}{", "x"],
])
def test_cli_bad_input_is_exit_2_and_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("derivkit: error:")


def test_cli_latex_equation_rhs_is_checked(capsys):
    code = main(["check", "--latex", r"\frac{\partial c}{\partial e} = \frac{1}{2\sqrt{e}}",
                 "--derivative-of", r"\sqrt{e}", "--wrt", "e", "--assume", "e>0"])
    assert code == 0


# --------------------------------------------------------------------------- against a registered result


def _batchnorm_like() -> Derivation:
    j, k = sp.symbols("j k", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    x = sp.IndexedBase("x", real=True)
    mu = sp.Symbol("mu", real=True)
    sigma2 = sp.Symbol("sigma^2", nonnegative=True)
    result = sp.Eq(sp.Symbol("dsigma2_dmu"), -2 * sp.Sum(x[k] - mu, (k, 1, m)) / m)
    step = Step(sp.Symbol("dsigma2_dmu"), result.rhs, "chain rule",
                claim=Equals(-2 * sp.Sum(x[k], (k, 1, m)) / m + 2 * mu))
    return Derivation("demo.dsigma2_dmu", "demo", (step,), result, sizes=((m, (2, 3)),),
                      latex_names=((sigma2, r"\sigma^2"),))


def test_check_against_matches_names_and_indexed_forms():
    d = _batchnorm_like()
    assert d.verify().ok
    same = check_against(r"-\frac{2}{m} \sum_{j=1}^m (x^{(j)} - \mu)", d, latex=True)
    assert same.verdict is Verdict.EQUIVALENT, same.summary()
    slip = check_against(r"-\frac{2}{m} \sum_{j=1}^m (x^{(j)} - \mu) x^{(j)}", d, latex=True)
    assert slip.verdict is Verdict.DIFFERENT and slip.counterexample
    stranger = check_against("-2*(x_bar - mu)", d)
    assert stranger.verdict is Verdict.DIFFERENT
    assert any("matched no symbol" in n for n in stranger.diagnostics)
    assert name_key(r"\hat{x}") == name_key("x̂") == name_key("xhat")


def test_cli_against(monkeypatch, capsys):
    from derivations import registry

    monkeypatch.setattr(registry, "get", lambda name: _batchnorm_like())
    assert main(["check", "-2*Sum(x[j], (j,1,m))/m + 2*mu", "--against", "demo.dsigma2_dmu"]) == 0
    assert main(["check", "-2*Sum(x[j], (j,1,m))/m", "--against", "demo.dsigma2_dmu", "--json"]) == 1
    capsys.readouterr()


# --------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize("example", SLIPS + CORRECT, ids=lambda e: f"{e.seed}-{e.topic[:40]}")
def test_seed_examples(example):
    r = example.run()
    assert r.verdict.value == example.verdict, r.summary()


# --------------------------------------------------------------------------- property-based

x, y = sp.symbols("x y", positive=True)
LEAVES = st.sampled_from([x, y, sp.Integer(2), sp.Integer(3), sp.Rational(1, 2)])


def _grow(children):
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map(lambda ab: ab[0] + ab[1]),
        pair.map(lambda ab: ab[0] * ab[1]),
        children.map(lambda a: a**2),
        LEAVES.map(sp.exp),  # exp of exp leaves double range (values past 1e308 count as not finite)
        children.map(sp.sin),
        children.map(sp.tanh),
        children.map(lambda a: sp.log(a**2 + 1)),
    )


EXPRS = st.recursive(LEAVES, _grow, max_leaves=5)


def _text(expr) -> str:
    """SymPy's str form, with Euler's number spelled exp(1) (in derivkit input E is a symbol)."""
    return sp.sstr(expr).replace("E", "exp(1)")
REWRITES = [
    ("expand", sp.expand),
    ("factor", sp.factor),
    ("expand_trig", lambda e: sp.expand_trig(e)),
    ("expand_log", lambda e: sp.expand_log(e, force=True)),
    ("half angle", lambda e: e.replace(sp.sin, lambda a: 2 * sp.sin(a / 2) * sp.cos(a / 2))),
    ("tanh as exp", lambda e: e.replace(sp.tanh, lambda a: (sp.exp(2 * a) - 1) / (sp.exp(2 * a) + 1))),
]


@settings(PROFILE, max_examples=examples(25))
@given(EXPRS, st.sampled_from(REWRITES))
def test_pairs_equal_by_construction_are_equivalent(expr, rewrite):
    name, fn = rewrite
    other = fn(expr)
    r = check_text(_text(expr), _text(other), assume=["x>0", "y>0"], timeout=5)
    assert r.verdict is Verdict.EQUIVALENT, (name, expr, other, r.summary())


@settings(PROFILE, max_examples=examples(25))
@given(EXPRS, st.sampled_from([sp.Integer(1), sp.Rational(-1, 3), x, y / 7]))
def test_perturbed_pairs_are_different(expr, shift):
    r = check_text(_text(expr + shift), _text(expr), assume=["x>0", "y>0"], timeout=5)
    assert r.verdict is Verdict.DIFFERENT, (expr, shift, r.summary())


@settings(PROFILE, max_examples=examples(30))
@given(st.lists(st.sampled_from(list("xy12+-*/^()") + ["sqrt(", "log(", "sin(", "**9"]), max_size=25).map("".join),
       st.text(alphabet=st.sampled_from(list("xy12+-*/^()")), max_size=15))
def test_random_text_pairs_never_crash_or_hang(a, b):
    start = time.monotonic()
    try:
        r = check_text(a, b, timeout=2)
    except InputError:
        return
    assert r.verdict in set(Verdict)
    assert time.monotonic() - start < 2.5


def test_check_needs_one_reference():
    with pytest.raises(ValueError):
        check(sp.Symbol("x"))


def test_check_against_matches_powers_and_partial_names():
    j = sp.Symbol("j", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    sigma2, eps = sp.Symbol("σ²", nonnegative=True), sp.Symbol("ε", positive=True)
    dxhat = sp.IndexedBase("∂ℓ/∂x̂", real=True)
    rhs = -sp.Sum(dxhat[j], (j, 1, m)) / sp.sqrt(sigma2 + eps)
    d = Derivation("demo.dmu", "demo", (Step(sp.Symbol("∂ℓ/∂μ"), rhs, "chain rule"),), sp.Eq(sp.Symbol("∂ℓ/∂μ"), rhs),
                   sizes=((m, (2, 3)),))
    claim = r"-\frac{1}{\sqrt{\sigma^2 + \varepsilon}} \sum_{j=1}^m \frac{\partial \ell}{\partial \hat{x}^{(j)}}"
    r = check_against(claim, d, latex=True)
    assert r.verdict is Verdict.EQUIVALENT, r.summary()
    assert check_against(claim.replace("-", "", 1), d, latex=True).verdict is Verdict.DIFFERENT
    assert check_against("-Sum(dl_dxhat[k], (k, 1, m))/sqrt(sigma2 + epsilon)", d).verdict is Verdict.EQUIVALENT


def test_check_in_a_worker_thread_still_decides():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        same = pool.submit(check_text, "(x + 1)^2", "x^2 + 2*x + 1").result()
        trig = pool.submit(check_text, "sin(2*x)", "2*sin(x)*cos(x)").result()
        slip = pool.submit(check_text, "(x + 1)^2", "x^2 + 1").result()
    assert same.verdict is Verdict.EQUIVALENT and same.method == "symbolic"
    assert trig.verdict is Verdict.EQUIVALENT  # by probes: simplify() cannot be bounded off the main thread
    assert slip.verdict is Verdict.DIFFERENT


def test_expensive_construction_is_bounded_by_the_timeout_too():
    # the bound is the property: a fast machine may finish inside it (and then the verdict is
    # "different"), a slow one must stop at it with a time-limit error; neither may run past it.
    # Built within the bound, the product is then refused by its size estimate before any checking:
    # an entry of M^16 has up to binomial(19, 16) = 969 terms, one of M^16*M^16 already 2*969^2 > 10^5.
    m = "Matrix([[x, y], [z, w]])**16"
    start = time.monotonic()
    try:
        result = check_text(f"{m}*{m}*{m}*{m}", "x", timeout=0.5)
    except InputError as exc:
        assert "time limit" in str(exc) or "terms after expansion; the limit is 100,000" in str(exc)
    else:
        assert result.verdict.value == "different"
    assert time.monotonic() - start < 1.0
    with pytest.raises(InputError, match="matrix powers"):
        check_text("Matrix([[x, y], [z, w]])**1000", "x")


# --------------------------------------------------------------------------- shared numeric machinery


def test_record_probes_evaluate_rational_powers_of_probe_points():
    # beta**t at a rational point: substituting first made SymPy compute Rational**Rational
    # exactly (a 4300-digit ValueError); the probes must evaluate it numerically
    beta, t = sp.Symbol("beta_1", positive=True), sp.Symbol("t", positive=True)
    v = sp.Symbol("v", real=True)
    good = Step(sp.Symbol("vhat"), v / (1 - beta**t), "bias correction", claim=Equals(-v / (beta**t - 1)))
    bad = Step(sp.Symbol("vhat"), v / (1 - beta**t), "not the correction", claim=Equals(v * (1 + beta**t)))
    assert Derivation("t.good", "t", (good,), sp.S.Zero).verify().ok
    assert not Derivation("t.bad", "t", (bad,), sp.S.Zero).verify().ok


@settings(PROFILE, max_examples=examples(30))
@given(EXPRS)
def test_latex_printed_by_sympy_reads_back_equivalent(expr):
    # SymPy's LaTeX printer is an independent writer of the notation the reader accepts
    # (it prints exp(u) as e^{u}; in derivkit e is a symbol, so exp is printed as \exp)
    exp_ = sp.Function("EXP")
    spelled = expr.replace(sp.exp, lambda a: exp_(a)).xreplace({sp.E: exp_(1)})
    text = sp.latex(spelled).replace("\\operatorname{EXP}", "\\exp")
    from derivations.reading.naming import parse_with, symbol_factory

    symbols = symbol_factory([parse_assumption("x>0"), parse_assumption("y>0")])
    back = parse_with(text, symbols, True, "LaTeX")
    original = parse_with(_text(expr), symbols, False, "SymPy")
    r = check(back, original, timeout=5)
    assert r.verdict is Verdict.EQUIVALENT, (text, back, original, r.summary())


def test_a_gradient_through_applied_functions_in_a_sum_is_compared_not_a_crash():
    one = r"\frac{1}{m} \nabla_{\theta} \sum_{i=1}^{m} C(f(x; \theta), y)"
    zero = one.replace("i=1", "i=0")  # m + 1 terms over m
    assert check_text(zero, one, latex=True).verdict is Verdict.DIFFERENT
    assert check_text(one, one.replace("i=1", "j=1").replace("_{i", "_{j"), latex=True).verdict is Verdict.EQUIVALENT


@pytest.mark.parametrize("claimed, expected, verdict", [
    (r"\sum_{i=1}^{2} C(\mathbf{x}^{(i)})", r"C(\mathbf{x}^{(1)}) + C(\mathbf{x}^{(2)})", "equivalent"),
    (r"\sum_{i=1}^{2} C(\mathbf{x}^{(i)})", r"2 C(\mathbf{x}^{(i)})", "different"),  # the samples differ
    (r"\sum_{i=1}^{2} C(\mathbf{x}^{(i)})", r"2 C(\mathbf{x}^{(1)})", "different"),
    (r"\sum_{i=0}^{m} C(\mathbf{x}^{i}, \theta)", r"\sum_{i=1}^{m} C(\mathbf{x}^{i}, \theta)", "different"),
])
def test_vectors_only_inside_applied_functions_are_told_apart_sample_by_sample(claimed, expected, verdict):
    assert check_text(claimed, expected, latex=True).verdict.value == verdict


def test_a_time_limit_never_raises_inside_a_garbage_collector_callback():
    import gc

    from derivations.deadline import TimeLimitExceeded, time_limit

    finished = []

    def slow_callback(phase, info):
        if phase == "start":
            t = time.monotonic()
            while time.monotonic() - t < 0.2:  # the alarm arrives in here, where an exception would be lost
                pass
            finished.append(phase)

    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(TimeLimitExceeded):
            with time_limit(0.05):
                gc.collect()
                while True:
                    pass
    finally:
        gc.callbacks.remove(slow_callback)
    assert finished == ["start"]  # the callback ran to its end; the block was stopped after it
