"""Search strategies of a calibration, on the unit cube of the parameters.

Each asks for a *batch* of candidates at a time, evaluated in parallel by the caller:

* ``nelder-mead`` / ``powell``: a Latin hypercube scan (plus the centre) as one batch, then
  SciPy's bounded local search from the best point, one candidate at a time;
* ``tpe``: optuna's tree-structured Parzen estimator (multivariate, constant liar), asking
  ``batch`` candidates at a time;
* ``differential-evolution``: SciPy's, one generation (``population`` candidates) per batch;

and with ``polish``, the last evaluations of a tpe or differential-evolution search go to a
bounded Nelder-Mead from its best point (TPE finds the region, the local search the point).

The sequence of candidates depends on the seed, the budget and the batch size, never on
how many workers evaluate them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .calibration_schema import Optimizer
from .seeds import run_seed

BatchObjective = Callable[[list[np.ndarray]], list[float]]
"""Candidates (points of the unit cube) -> objective values (inf: not evaluated)."""

SCIPY_METHODS = {"nelder-mead": "Nelder-Mead", "powell": "Powell"}
WORST = 1e300
"""What an optimiser is told for a candidate that could not be evaluated."""


def search(evaluate: BatchObjective, dims: int, opt: Optimizer, seed: int,
           remaining: Callable[[], int]) -> None:
    """Run the optimiser ``opt.method`` until its budget is spent or it converges.

    Args:
        evaluate: Evaluates a batch of candidates.
        dims: Number of parameters.
        opt: Search settings.
        seed: The calibration's root seed (the search's own seed derives from it).
        remaining: Evaluations left in the budget.
    """
    rng_seed = run_seed(seed, 1, 0)
    if opt.method not in ("tpe", "differential-evolution"):
        _scan_then_local(evaluate, dims, opt, rng_seed, remaining)
        return
    seen: list[tuple[float, np.ndarray]] = []

    def noted(points: list[np.ndarray]) -> list[float]:
        values = evaluate(points)
        seen.extend(zip(values, points))
        return values

    polish = min(opt.polish, max(opt.max_evaluations - 1, 0))
    if opt.method == "tpe":
        _tpe(noted, dims, opt, rng_seed, lambda: remaining() - polish)
    else:
        _differential_evolution(noted, dims, opt, rng_seed, lambda: remaining() - polish)
    finite = [(v, u) for v, u in seen if np.isfinite(v)]
    if polish and finite and remaining() > 0:
        x0 = min(finite, key=lambda vu: vu[0])[1]
        _local(evaluate, x0, dims, opt, remaining)


def _finite(values: list[float]) -> list[float]:
    """Objective values an optimiser accepts (inf and NaN become ``WORST``)."""
    return [v if np.isfinite(v) else WORST for v in values]


def _scan_then_local(evaluate: BatchObjective, dims: int, opt: Optimizer, seed: int,
                     remaining: Callable[[], int]) -> None:
    """A Latin hypercube scan and the centre in one batch, then SciPy's local search."""
    from scipy.stats import qmc

    scan = qmc.LatinHypercube(d=dims, seed=seed).random(opt.initial_points)
    points = list(np.vstack([np.full(dims, 0.5), scan]))
    values = evaluate(points)
    x0 = points[int(np.argmin(_finite(values)))]
    if remaining() <= 0:
        return
    _local(evaluate, x0, dims, opt, remaining)


def _local(evaluate: BatchObjective, x0: np.ndarray, dims: int, opt: Optimizer,
           remaining: Callable[[], int]) -> None:
    """SciPy's bounded local search from ``x0`` (Nelder-Mead unless ``powell``)."""
    from scipy.optimize import minimize

    method = "powell" if opt.method == "powell" else "nelder-mead"
    minimize(lambda u: _finite(evaluate([np.clip(u, 0, 1)]))[0], x0,
             method=SCIPY_METHODS[method], bounds=[(0.0, 1.0)] * dims,
             options=_local_options(method, opt.xtol, remaining()))


def _local_options(method: str, xtol: float, budget: int) -> dict:
    """SciPy options of the local search (tolerances on the unit-scaled parameters)."""
    if method == "nelder-mead":
        return {"maxfev": budget, "xatol": xtol, "fatol": 1e-12}
    return {"maxfev": budget, "xtol": xtol, "ftol": 1e-12}


def _tpe(evaluate: BatchObjective, dims: int, opt: Optimizer, seed: int,
         remaining: Callable[[], int]) -> None:
    """Optuna's TPE, ``opt.batch`` candidates per ask."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(
        seed=seed % 2**32, n_startup_trials=max(opt.initial_points, 1), multivariate=True,
        constant_liar=True)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    names = [f"u{i}" for i in range(dims)]
    while remaining() > 0:
        trials = [study.ask() for _ in range(min(opt.batch, remaining()))]
        points = [np.array([t.suggest_float(n, 0.0, 1.0) for n in names]) for t in trials]
        for trial, value in zip(trials, _finite(evaluate(points))):
            study.tell(trial, value)


def _differential_evolution(evaluate: BatchObjective, dims: int, opt: Optimizer, seed: int,
                            remaining: Callable[[], int]) -> None:
    """SciPy's differential evolution, each generation one batch (deferred updating)."""
    from scipy.optimize import differential_evolution

    popsize = max(1, -(-opt.population // dims))
    generations = max(0, remaining() // (popsize * dims) - 1)

    def mapper(_func: Callable, xs: object) -> list[float]:
        return _finite(evaluate([np.clip(np.asarray(x, dtype=float), 0, 1)
                                 for x in xs]))  # type: ignore[attr-defined]

    differential_evolution(lambda u: WORST, [(0.0, 1.0)] * dims, popsize=popsize,
                           maxiter=generations, seed=seed % 2**32, workers=mapper,
                           updating="deferred", polish=False, init="latinhypercube",
                           tol=0.0, atol=0.0)
