"""Evaluate calibration candidates in batches on the sweep engines.

A batch of candidates becomes candidates x replications runs; replication r of every candidate
has the same seed (common random numbers), so a candidate's curves depend only on its
parameters. One worker runs them in this process; more run on the local engine (this process
and a pool of the other workers' processes, kept for the whole calibration) or on Dask (a
LocalCluster or a scheduler), which return only the columns the targets need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from .engines import DaskEngine, OnOutcome
from .pooled import PooledLocalEngine, one_blas_thread
from .seeds import run_seed
from .worker import RunOutcome, RunTask, execute_run


class CalibrationFailed(RuntimeError):
    """Every run of a candidate failed (the message carries the first error)."""


class InProcess:
    """One worker: the runs one after another in this process (no pool to start)."""

    def __enter__(self) -> InProcess:
        """One BLAS thread, as a calibration's workers have (the same arithmetic)."""
        self._blas = one_blas_thread()
        self._blas.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        """BLAS threads as before."""
        self._blas.__exit__(None, None, None)

    def run(self, tasks: Iterable[RunTask], on_outcome: OnOutcome) -> None:
        """Run every task in turn."""
        for task in tasks:
            on_outcome(task, execute_run(task))


def open_engine(engine: str = "local", workers: int | None = 1, scheduler: str | None = None,
                client: Any = None) -> InProcess | PooledLocalEngine | DaskEngine:
    """The engine of a calibration (enter it with ``with``).

    Args:
        engine: ``local`` or ``dask``.
        workers: Workers; 1 (local) runs in this process, N > 1 this process and a pool
            of N - 1 processes; None: one per core.
        scheduler: Dask scheduler address (default: a LocalCluster).
        client: An existing ``distributed.Client``.
    """
    if engine == "dask":
        return DaskEngine(scheduler, workers, client=client)
    if workers == 1:
        return InProcess()
    return PooledLocalEngine(workers)


Curves = dict[str, np.ndarray]
"""Target label -> curves, one row per replication."""
CurveFn = Callable[[pd.DataFrame], dict[str, np.ndarray]]
"""A run's trajectories -> target label -> its curve."""


def run_batch(runner: InProcess | PooledLocalEngine | DaskEngine, scenarios: list[dict | None],
              replications: int, seed: int, outputs: tuple[str, ...], curve_fn: CurveFn,
              timing: list[tuple[float, float]] | None = None) -> list[Curves | str]:
    """Run ``replications`` of every scenario; return each one's curves (or its error).

    Args:
        runner: An entered engine.
        scenarios: Validated scenario data per candidate (None: not runnable).
        replications: Runs per candidate; replication r has the same seed for all.
        seed: The calibration's root seed.
        outputs: Trajectory columns to bring back.
        curve_fn: Turns a run's trajectories into its target curves.
        timing: If given, each run's (wall seconds, CPU seconds) is appended to it.

    Returns:
        Per candidate, target label -> replications x periods, or the error of its runs.
    """
    tasks = [RunTask(k * replications + r, f"c{k}", k, r, run_seed(seed, 0, r), data, outputs)
             for k, data in enumerate(scenarios) if data is not None
             for r in range(replications)]
    got: dict[int, dict[str, np.ndarray] | str] = {}

    def collect(task: RunTask, outcome: RunOutcome) -> None:
        frame = outcome.frame
        if timing is not None:
            timing.append((outcome.seconds, outcome.cpu_seconds))
        got[task.run] = curve_fn(frame) if outcome.ok and frame is not None else outcome.error

    runner.run(tasks, collect)
    return [_gather(got, k, replications) if data is not None else "invalid scenario"
            for k, data in enumerate(scenarios)]


def _gather(got: dict[int, dict[str, np.ndarray] | str], k: int, replications: int
            ) -> Curves | str:
    """Stack one candidate's replications (its first error if a run failed)."""
    runs = [got.get(k * replications + r, "run lost") for r in range(replications)]
    tables = []
    for run in runs:
        if isinstance(run, str):
            return run
        tables.append(run)
    return {lab: np.vstack([t[lab] for t in tables]) for lab in tables[0]}
