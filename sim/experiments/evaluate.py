"""Evaluate calibration candidates in batches on the sweep engines.

A batch of candidates becomes candidates x replications runs; replication r of every candidate
has the same seed (common random numbers), so a candidate's curves depend only on its
parameters. One worker runs them in this process; more run on the local engine (this process
and a pool of the other workers' processes, kept for the whole calibration) or on Dask (a
LocalCluster or a scheduler), which return only the columns the targets need.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np
import pandas as pd

from .engines import DaskEngine, LocalEngine, OnOutcome, _ignore_interrupts, _terminate
from .interrupts import critical
from .seeds import run_seed
from .worker import RunOutcome, RunTask, execute_run


class CalibrationFailed(RuntimeError):
    """Every run of a candidate failed (the message carries the first error)."""


def one_blas_thread() -> AbstractContextManager[Any]:
    """Numpy's BLAS limited to one thread (threadpoolctl, if installed) while in the block.

    Each worker of a calibration is one process per core; a BLAS with a thread per core in
    each of them oversubscribes the cores (measured: 2 workers 0.64x as fast as 1 on an idle
    2-core machine, 1.58x with one BLAS thread each).
    """
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - not a declared dependency: threads left as they are
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _init_worker() -> None:
    """Pool worker initializer: ignore Ctrl-C, one BLAS thread for the process's life."""
    _ignore_interrupts()
    one_blas_thread()


class PooledLocalEngine(LocalEngine):
    """The local engine for a calibration: this process and a kept pool share the runs.

    A calibration runs many small batches of short runs; starting a pool for each would
    cost more than the runs of a small batch. So one pool of ``workers - 1`` processes is
    kept for the whole calibration, and this process runs tasks too while the pool's
    workers run theirs: it starts at once, while the pool's processes are still starting
    (a second or two, a large share of a short calibration), and it would otherwise only
    wait. A pool broken by a dying worker is replaced, and the runs it lost are retried
    by the ordinary local engine.
    """

    def __enter__(self) -> PooledLocalEngine:
        """One BLAS thread here; the pool starts with the first batch."""
        self._pool: ProcessPoolExecutor | None = None
        self._blas = one_blas_thread()
        self._blas.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the pool; BLAS threads as before."""
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._blas.__exit__(None, None, None)

    def run(self, tasks: Iterable[RunTask], on_outcome: OnOutcome) -> None:
        """Run every task, here and on the kept pool; call ``on_outcome`` as each finishes."""
        pool = getattr(self, "_pool", None)
        if pool is None:
            pool = ProcessPoolExecutor(max(self.workers - 1, 1), mp_context=self.context,
                                       initializer=_init_worker)
            self._pool = pool
        self._suspects = set()
        try:
            lost = self._share(pool, deque(tasks), on_outcome)
        except BaseException:
            _terminate(pool)
            self._pool = None
            raise
        if lost:
            pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            LocalEngine.run(self, lost, on_outcome)

    def _share(self, pool: ProcessPoolExecutor, pending: deque[RunTask],
               on_outcome: OnOutcome) -> list[RunTask]:
        """Keep each pool worker busy and run the next task here meanwhile.

        Returns:
            The tasks a broken pool lost (to retry).
        """
        inflight: dict[Future[RunOutcome], RunTask] = {}
        slots = max(self.workers - 1, 1)
        while pending or inflight:
            try:
                while pending and len(inflight) < slots:
                    with critical():  # may start a worker process: not to be cut short
                        fut = pool.submit(execute_run, pending[0])
                        inflight[fut] = pending.popleft()
            except BrokenProcessPool:
                return self._salvage(inflight, on_outcome) + list(pending)
            if pending and self.workers > 1:
                task = pending.popleft()
                on_outcome(task, execute_run(task))
            else:
                wait(inflight, return_when=FIRST_COMPLETED)
            done = [f for f in inflight if f.done()]
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                return self._salvage(inflight, on_outcome) + list(pending)
            for fut in done:
                on_outcome(inflight.pop(fut), fut.result())
        return []


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
