"""The local engine of a calibration: this process and a kept pool share the runs.

A calibration runs many small batches of short runs. Three things would keep a core idle:

* starting a pool for each batch (so one pool of ``workers - 1`` processes is kept for the
  whole calibration);
* waiting for the pool's first process to start (a forkserver that imports the model, one to
  three seconds, a large share of a short calibration): the pool is started and fed from
  feeder threads, so this process runs tasks from the first moment;
* a pool worker waiting for this process to finish its own run before it gets its next
  task: each pool worker has a feeder thread that hands it the next task the moment its
  run returns, so the runs are shared as they come (work stealing) and a batch ends at most
  one run apart on the workers.

A pool broken by a dying worker is replaced, and the runs it lost are retried by the
ordinary local engine (alone, to find the culprit). Outcomes are passed to ``on_outcome`` in
this process's thread; each carries its run number, so their order does not matter.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from .engines import LocalEngine, OnOutcome, _ignore_interrupts, _terminate
from .worker import RunOutcome, RunTask, execute_run

Finished = tuple[RunTask, RunOutcome | None]
"""A task and its outcome; None: the pool broke while it ran (to retry)."""


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


def _feed(pool: ProcessPoolExecutor, pending: deque[RunTask], done: queue.SimpleQueue,
          stop: threading.Event) -> None:
    """Feeder thread: give one pool worker the next pending task until none is left.

    A broken pool ends the thread; its task is reported with no outcome (to retry).
    """
    while not stop.is_set():
        try:
            task = pending.popleft()  # atomic: this process's thread pops from the same deque
        except IndexError:
            return
        try:
            done.put((task, pool.submit(execute_run, task).result()))
        except BrokenProcessPool:
            done.put((task, None))
            return


class PooledLocalEngine(LocalEngine):
    """The local engine for a calibration (see the module's docstring)."""

    def __enter__(self) -> PooledLocalEngine:
        """One BLAS thread here; the pool starts with the first batch."""
        self._pool: ProcessPoolExecutor | None = None
        self._blas = one_blas_thread()
        self._blas.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the pool; BLAS threads as before."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._blas.__exit__(None, None, None)

    def run(self, tasks: Iterable[RunTask], on_outcome: OnOutcome) -> None:
        """Run every task, here and on the kept pool; call ``on_outcome`` as each finishes."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max(self.workers - 1, 1), mp_context=self.context,
                                             initializer=_init_worker)
        self._suspects = set()
        lost = self._share(self._pool, deque(tasks), on_outcome)
        if lost:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            LocalEngine.run(self, lost, on_outcome)

    def _share(self, pool: ProcessPoolExecutor, pending: deque[RunTask],
               on_outcome: OnOutcome) -> list[RunTask]:
        """Run tasks here while feeder threads keep each pool worker busy.

        Returns:
            The tasks a broken pool lost (to retry).
        """
        done: queue.SimpleQueue[Finished] = queue.SimpleQueue()
        stop = threading.Event()
        feeders = [threading.Thread(target=_feed, args=(pool, pending, done, stop), daemon=True)
                   for _ in range(max(self.workers - 1, 1))]
        lost: list[RunTask] = []
        try:
            for feeder in feeders:
                feeder.start()
            while self.workers > 1:
                try:
                    task = pending.popleft()
                except IndexError:
                    break
                on_outcome(task, execute_run(task))
                _report(done, on_outcome, lost, block=False)
            while any(f.is_alive() for f in feeders) or not done.empty():
                _report(done, on_outcome, lost, block=True)
        except BaseException:
            stop.set()
            _stop_feeders(pool, feeders)
            self._pool = None
            raise
        return lost


def _report(done: queue.SimpleQueue, on_outcome: OnOutcome, lost: list[RunTask],
            block: bool) -> None:
    """Pass the pool's finished runs to ``on_outcome``; keep the lost ones in ``lost``."""
    try:
        item = done.get(timeout=0.05) if block else done.get_nowait()
    except queue.Empty:
        return
    while True:
        task, outcome = item
        if outcome is None:
            lost.append(task)
        else:
            on_outcome(task, outcome)
        try:
            item = done.get_nowait()
        except queue.Empty:
            return


def _stop_feeders(pool: ProcessPoolExecutor, feeders: list[threading.Thread]) -> None:
    """Terminate the pool's processes until every feeder thread has ended.

    A feeder may be starting a worker process while the pool is terminated; terminating again
    until the feeders end catches such a process too.
    """
    for _ in range(100):
        _terminate(pool)
        for feeder in feeders:
            feeder.join(timeout=0.1)
        if not any(f.is_alive() for f in feeders):
            break
    pool.shutdown(wait=False, cancel_futures=True)
