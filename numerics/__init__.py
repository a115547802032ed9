"""Numeric side of derivkit: compiled objectives, solvers, curvature, batch norm, docs, CLI.

Examples
========

>>> from numerics import Objective, Solution, Status
>>> Status.CONVERGED.value
'converged'
"""

from numerics.compile import Objective, compile_batched, compile_expressions, compile_matrix_program, objective
from numerics.result import History, Solution, Status

__all__ = ["Objective", "compile_batched", "compile_expressions", "compile_matrix_program", "objective", "History", "Solution", "Status"]
