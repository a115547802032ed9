"""beale.critical_points: verifies, refutes seed 001's 'local, but not global, minimum', matches finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from derivations import registry
from derivations.record import Outcome
from tests.test_problems import beale as beale_twin


def _hessian_fd(f, x, h=1e-4):
    e = np.eye(2) * h
    return np.array([[(f(x + e[i] + e[j]) - f(x + e[i] - e[j]) - f(x - e[i] + e[j]) + f(x - e[i] - e[j])) / (4 * h * h)
                      for j in range(2)] for i in range(2)])


def test_derivation_verifies_and_refutes_the_seed_claim():
    d = registry.get("beale.critical_points")
    v = d.verify()
    assert v.ok
    refuted = [s for s, r in zip(d.steps, v.steps) if r.outcome is Outcome.REFUTED]
    assert len(refuted) == 1 and refuted[0].seed == "001"


def test_saddle_and_minimum_against_finite_differences_of_the_numpy_twin():
    # the cubic 3y³ + 11y² + 10y + 5 has one real root; x from f_x = 0
    r = np.real([z for z in np.roots([3, 11, 10, 5]) if abs(z.imag) < 1e-12][0])
    xr = 3 * (-7 * r**2 - 13 * r - 17) / (8 * (r**5 + r**4 + 2 * r**3 - r - 3))
    h = _hessian_fd(beale_twin, np.array([xr, r]))
    assert np.linalg.det(h) == pytest.approx(-677.738031222796, rel=1e-4)
    assert np.linalg.det(_hessian_fd(beale_twin, np.array([3.0, 0.5]))) == pytest.approx(945 / 64, rel=1e-5)
    assert np.linalg.det(_hessian_fd(beale_twin, np.array([0.0, 1.0]))) == pytest.approx(-12321 / 16, rel=1e-5)
