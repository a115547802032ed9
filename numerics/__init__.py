"""Numeric side of derivkit: compiled objectives, solvers, curvature and spectrum analyses, gradient checks.

What a Python user needs is importable from here:

* :func:`objective` / :class:`Objective`: an expression compiled with its gradient, Hessian and
  Hessian-vector product, ready for ``scipy.optimize.minimize``;
* the solvers :func:`minimize_newton`, :func:`minimize_bfgs`, :func:`minimize_lbfgs`,
  :func:`minimize_cg` (with :class:`Beta`) and the first-order optimizers :func:`gd`,
  :func:`momentum`, :func:`nesterov`, :func:`adagrad`, :func:`rmsprop`, :func:`adam`
  (with :func:`linear_decay`) run by :func:`minimize`; every solve returns a
  :class:`Solution` with a :class:`Status` and a :class:`History`;
* the analyses :func:`analyze_point`, :func:`find_critical_points`,
  :func:`lanczos_eigenvalues`, :func:`hutchinson_trace`, :func:`condition_number`;
* :func:`check_grads`, the central-difference check of a gradient and Hessian.

Examples
========

>>> import numpy as np, sympy as sp
>>> from numerics import Status, minimize_bfgs, objective
>>> x, y = sp.symbols("x y")
>>> sol = minimize_bfgs(objective((x - 1)**2 + 3 * (y + 2)**2, [x, y]), [0.0, 0.0])
>>> sol.status is Status.CONVERGED, np.allclose(sol.x, [1.0, -2.0])
(True, True)
"""

from numerics.analysis.curvature import analyze_point, find_critical_points
from numerics.analysis.spectrum import condition_number, hutchinson_trace, lanczos_eigenvalues
from numerics.compile import Objective, compile_batched, compile_expressions, compile_matrix_program, objective
from numerics.result import History, Solution, Status
from numerics.solve.cg import Beta, minimize_cg
from numerics.solve.first_order import adagrad, adam, gd, linear_decay, minimize, momentum, nesterov, rmsprop
from numerics.solve.newton import minimize_newton
from numerics.solve.quasi_newton import minimize_bfgs, minimize_lbfgs
from numerics.testing import check_grads

__all__ = [
    "Objective", "objective", "compile_batched", "compile_expressions", "compile_matrix_program",
    "Solution", "Status", "History",
    "minimize_newton", "minimize_bfgs", "minimize_lbfgs", "minimize_cg", "Beta",
    "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "linear_decay", "minimize",
    "analyze_point", "find_critical_points", "lanczos_eigenvalues", "hutchinson_trace", "condition_number",
    "check_grads",
]
