"""Exponents above 1000: read and checked within the time bound, the work bounded by estimated size.

The readers refuse a formula by its estimated degree and terms after expansion
(derivations/reading/sizes.py), not by the size of an exponent alone; off the main
thread, where no timer interrupts SymPy, the engine expands only what the estimate
of its term products allows.
"""

import random
import threading
import time

import mpmath
import pytest
import sympy as sp

from derivations.checking.check import Verdict, check_text
from derivations.errors import InputError
from derivations.reading.latex import parse_latex
from derivations.reading.sizes import MAX_DEGREE, expanded_terms, expansion_work

x, y, z = sp.symbols("x y z")


@pytest.mark.parametrize("expr", [
    (x + 1) ** 7 * (x - 1) ** 9, (x + y + 1) ** 6 * (x - y) ** 5, (sp.sin(x) + x + 1) ** 5 * (x + 2) ** 3,
    ((x + 1) ** 2 - y) ** 6, (x * y + z + 1) ** 4 * (x + z) ** 4 + (y - 1) ** 7, (x + 1 + 1 / x) ** 9,
    (x + 1 / (x + y)) ** 5 * (y + 1 / y ** 2) ** 4,
])
def test_the_size_estimates_bound_the_real_expansion(expr):
    # the reference is SymPy's expansion itself: the estimates must never be below it
    terms = len(sp.Add.make_args(sp.expand(expr)))
    assert terms <= expanded_terms(expr) <= expansion_work(expr)


def test_the_degree_bound_is_exact_for_one_variable():
    # (x+1)^n (x-1)^n = (x^2-1)^n has n+1 terms; the estimate by degree is 2n+1, by the tree (n+1)^2
    n = 1500
    assert expanded_terms((x + 1) ** n * (x - 1) ** n) == 2 * n + 1
    assert expansion_work((x + 1) ** n * (x - 1) ** n) > 100_000


@pytest.mark.parametrize("text, latex", [("(x+1)^2000", False), (r"(x+1)^{2000}", True),
                                         ("(x+1)^1500*(x-1)^1500", False), ("(x+y)^3000 - (x+y)^3000", False)])
def test_exponents_above_1000_are_read(text, latex):
    if latex:
        assert parse_latex(text) == (sp.Symbol("x", real=True) + 1) ** 2000
    else:
        check_text(text, text)  # no InputError


def test_exponents_past_the_degree_limit_are_refused_naming_it():
    with pytest.raises(InputError, match="too large|degree"):
        check_text(f"x^{MAX_DEGREE + 1}", "x")
    with pytest.raises(InputError, match="degree"):
        check_text("(x+1)^6000*(x-1)^6000", "x")


def _off_the_main_thread(claimed, expected, timeout):
    out = []
    thread = threading.Thread(target=lambda: out.append(check_text(claimed, expected, timeout=timeout)))
    start = time.monotonic()
    thread.start()
    thread.join(timeout + 5)
    return out[0] if out else None, time.monotonic() - start


@pytest.mark.parametrize("claimed, expected", [
    ("(x+1)^1500*(x-1)^1500", "(x^2-1)^1500"), ("(x+1)^3000*(x-1)", "(x+1)^2999*(x^2-1)"),
    ("(x+1)^2000*(y+1)", "(x+1)^2000*y + (x+1)^2000"),
])
def test_equal_high_powers_are_equivalent_within_the_bound_on_any_thread(claimed, expected):
    for result, seconds in (_off_the_main_thread(claimed, expected, 5.0),):
        assert result is not None, "the check did not return"
        assert result.verdict is Verdict.EQUIVALENT
        assert seconds < 5.0 + 1.0  # the bound is the property, not the speed
    assert check_text(claimed, expected, timeout=5.0).verdict is Verdict.EQUIVALENT


def test_a_high_power_off_by_one_is_different_at_a_point_mpmath_confirms():
    result = check_text("(x+1)^2000 + x", "(x+1)^2000", timeout=5.0)
    assert result.verdict is Verdict.DIFFERENT
    mpmath.mp.dps = 60
    at = mpmath.mpf(dict(result.counterexample)["x"])
    claimed, expected = (at + 1) ** 2000 + at, (at + 1) ** 2000
    assert at != 0
    assert float(claimed) == pytest.approx(float(result.claimed_value), rel=1e-8, abs=1e-300)
    assert float(expected) == pytest.approx(float(result.expected_value), rel=1e-8, abs=1e-300)


def test_random_high_powers_of_a_binomial_agree_with_their_rewriting():
    rng = random.Random(12)
    for _ in range(3):
        n = rng.randint(1001, 2500)
        r = check_text(f"(x+2)^{n}*(x+2)", f"(2+x)^{n + 1}", timeout=5.0)
        assert r.verdict is Verdict.EQUIVALENT
        r = check_text(f"(x+2)^{n}", f"(x+2)^{n - 1}*(x+3)", timeout=5.0)
        assert r.verdict is Verdict.DIFFERENT
