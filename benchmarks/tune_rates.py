"""Choose the fixed learning rates of the first-order methods in the benchmark.

For every problem and first-order optimizer, run the default budget with each
rate of the grid 10^k, k = -6..0, and keep the rate with the lowest final f
(judged by the harness: a non-finite run never wins; ties go to the larger
rate).  Prints the table to paste into ``numerics.compare.harness.LEARNING_RATES``.

    .venv/bin/python benchmarks/tune_rates.py
"""

from __future__ import annotations

import math
import sys
from concurrent.futures import ProcessPoolExecutor


from numerics.compare import harness as compare
from numerics.solve import first_order
from numerics.compare import problems
from numerics.result import Status

GRID = tuple(10.0**k for k in range(-6, 1))


def _tune(name: str) -> tuple[str, dict[str, float]]:
    problem = problems.get(name)
    compiled = problem.compile()
    settings = compare.Settings()
    best: dict[str, float] = {}
    with compare.single_threaded_blas():
        for opt in compare.FIRST_ORDER:
            scores = []
            for lr in GRID:
                def runner(obj, x0, p, s, lr=lr, opt=opt):
                    sol = first_order.minimize(first_order.OPTIMIZERS[opt](learning_rate=lr), obj, x0,
                                               max_iter=s.first_order_iter, gtol=s.gtol)
                    return sol

                run = compare.run_one(problem, compiled, opt, settings, runner=runner)
                ok = run.status is not Status.NONFINITE and math.isfinite(run.f)
                scores.append((run.f if ok else math.inf, -lr))
            f, neg_lr = min(scores)
            best[opt] = -neg_lr if math.isfinite(f) else compare.DEFAULT_RATES[opt]
    return name, best


def main() -> int:
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(_tune, problems.names()))
    print("LEARNING_RATES: dict[str, dict[str, float]] = {")
    for name in problems.names():
        rates = ", ".join(f'"{k}": {v:g}' for k, v in results[name].items())
        print(f'    "{name}": {{{rates}}},')
    print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
