"""Engines that execute runs: local worker processes, or a Dask distributed cluster.

Both call ``on_outcome(task, outcome)`` in the calling process as each run finishes, in any
order; results do not depend on the engine because every run carries its own seed.
A run whose worker process dies is retried (in isolation for the local engine, so the run
that kills its worker is the one charged); after ``max_attempts`` it is recorded as failed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from multiprocessing.context import BaseContext
from typing import Any, TypeAlias

from ..scenario import InputError, Problem
from .interrupts import critical
from .worker import RunOutcome, RunTask, execute_run

ENGINES = ("local", "dask")

# on_outcome(task, outcome): called in the calling process as each run finishes
OnOutcome: TypeAlias = Callable[[RunTask, RunOutcome], None]
Inflight: TypeAlias = dict["Future[RunOutcome]", RunTask]

# Dask worker settings for runs that hold the GIL for seconds. A worker samples the running
# task's stack every 10 ms (its profiler) and wakes its event loop every 20 ms (tick) and
# 100 ms (memory monitor); each wake-up takes the GIL from the run. Measured on a 12-run
# sweep of the case at 1e4 customers, 2 workers: run wall time / CPU time fell from 1.11-1.21
# (defaults) to 1.05 without the profiler and 1.02-1.03 with the slower ticks as well
# (local engine: 1.01). A LocalCluster gets these; workers of a remote scheduler read their
# own configuration (docs/experiments.md).
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


CONNECT_TIMEOUT = "5s"
"""How long to wait for a Dask scheduler given by address before giving up (exit 2)."""


def default_workers() -> int:
    """One worker per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def died(task: RunTask, attempts: int, why: str) -> RunOutcome:
    """The outcome of a run whose worker died ``attempts`` times."""
    return RunOutcome(task.run, False, None, f"WorkerDied: {why} ({attempts} attempts)")


def process_context() -> BaseContext:
    """The start method of local workers: ``forkserver`` where available, else ``spawn``.

    Forkserver workers fork from a server that has imported the model once (fast pool
    restarts), and neither method inherits the parent's threads or locks.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.experiments.worker", "sim.api"])
        return ctx
    return multiprocessing.get_context("spawn")


class LocalEngine:
    """A pool of local worker processes (forkserver or spawn, never plain fork).

    Args:
        workers: Number of processes (default: one per core).
        max_attempts: Tries of a run whose worker process dies.
    """

    def __init__(self, workers: int | None = None, max_attempts: int = 3) -> None:
        self.workers = workers or default_workers()
        self.max_attempts = max_attempts
        self.context = process_context()
        self._suspects: set[int] = set()

    def __enter__(self) -> LocalEngine:
        """Nothing to open: worker pools are started by ``run``."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to close."""

    def run(self, tasks: Iterable[RunTask], on_outcome: OnOutcome) -> None:
        """Run every task; call ``on_outcome`` for each as it finishes.

        An interrupt (KeyboardInterrupt, or SIGTERM turned into one by the sweep) terminates
        the workers at once instead of waiting for their runs to finish.
        """
        pending, self._suspects = deque(tasks), set()
        attempts: dict[int, int] = {}
        while pending:
            pool = ProcessPoolExecutor(self.workers, mp_context=self.context,
                                       initializer=_ignore_interrupts)
            try:
                lost = self._drain(pool, pending, on_outcome)
            except BaseException:
                _terminate(pool)
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            for task in reversed(lost):
                attempts[task.run] = attempts.get(task.run, 0) + 1
                if attempts[task.run] >= self.max_attempts:
                    on_outcome(task, died(task, attempts[task.run], "worker process killed"))
                else:
                    self._suspects.add(task.run)
                    pending.appendleft(task)

    def _drain(self, pool: ProcessPoolExecutor, pending: deque[RunTask],
               on_outcome: OnOutcome) -> list[RunTask]:
        """Feed ``pool`` until done or broken; return the tasks lost with a broken pool."""
        inflight: Inflight = {}
        while pending or inflight:
            try:
                self._fill(pool, pending, inflight)
            except BrokenProcessPool:
                return self._salvage(inflight, on_outcome)
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                return self._salvage(inflight, on_outcome)
            for fut in done:
                on_outcome(inflight.pop(fut), fut.result())
        return []

    def _fill(self, pool: ProcessPoolExecutor, pending: deque[RunTask],
              inflight: Inflight) -> None:
        """Submit up to one task per worker; a retried task runs alone (to find the culprit)."""
        while pending and len(inflight) < self.workers:
            alone = any(t.run in self._suspects for t in inflight.values())
            if alone or (pending[0].run in self._suspects and inflight):
                return
            with critical():  # may start a worker process: not to be cut short
                fut = pool.submit(execute_run, pending[0])
                inflight[fut] = pending.popleft()

    @staticmethod
    def _salvage(inflight: Inflight, on_outcome: OnOutcome) -> list[RunTask]:
        """Record the finished runs of a broken pool; return the others (to retry)."""
        lost = []
        for fut, task in inflight.items():
            if fut.done() and fut.exception() is None:
                on_outcome(task, fut.result())
            else:
                lost.append(task)
        return lost


def _ignore_interrupts() -> None:
    """Worker initializer: ignore Ctrl-C.

    Ctrl-C reaches the whole process group, but only the sweep process decides what to do
    (it terminates the workers).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Terminate a pool's worker processes (used when the sweep is interrupted)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()


class DaskEngine:
    """A Dask distributed cluster: at ``scheduler``, or a LocalCluster on 127.0.0.1.

    Args:
        scheduler: Scheduler address (``tcp://host:8786``), or None for a local cluster.
        workers: Worker processes of the local cluster (default: one per core).
        max_attempts: Tries of a run whose worker dies (Dask's ``allowed-failures`` + 1).
        client: An existing ``distributed.Client`` to use instead.
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 max_attempts: int = 3, client: Any = None) -> None:
        self.scheduler, self.client = scheduler, client
        self.workers = workers or default_workers()
        self.max_attempts = max_attempts

    def __enter__(self) -> DaskEngine:
        """Connect (to the scheduler, or a new LocalCluster) before anything is written.

        Raises:
            InputError: No Dask scheduler answers at the given address.
        """
        import dask

        stack = ExitStack()
        try:
            stack.enter_context(dask.config.set(self.settings()))
            self._active = self.client or stack.enter_context(self._connect())
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the client and the cluster this engine started."""
        self._active = None
        self._stack.close()

    def run(self, tasks: Iterable[RunTask], on_outcome: OnOutcome) -> None:
        """Run every task on the cluster; call ``on_outcome`` for each as it finishes."""
        if getattr(self, "_active", None) is not None:
            return self._submit(self._active, tasks, on_outcome)
        with self:
            return self._submit(self._active, tasks, on_outcome)

    def settings(self) -> dict[str, Any]:
        """The Dask configuration of a sweep: retries, quiet workers, their start method."""
        import distributed  # noqa: F401 - load its defaults first, or leaving a
        # dask.config.set block with these keys would delete the whole "distributed" section

        settings: dict[str, Any] = {
            "distributed.scheduler.allowed-failures": self.max_attempts - 1, **QUIET_WORKERS}
        if process_context().get_start_method() == "forkserver":
            settings["distributed.worker.multiprocessing-method"] = "forkserver"
        return settings

    def _connect(self) -> Any:
        """A client of the given scheduler or of a new loopback LocalCluster."""
        from distributed import Client, LocalCluster

        if self.scheduler:
            return connect(self.scheduler)
        cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, silence_logs=40)
        client = Client(cluster)
        return _Owned(client, cluster)

    def _submit(self, client: Any, tasks: Iterable[RunTask], on_outcome: OnOutcome) -> None:
        """Submit every task and collect the outcomes as they complete."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        todo = list(tasks)
        if not todo:
            return
        token = os.urandom(4).hex()
        futures = client.map(execute_run, todo, key=[f"sim-run-{t.run}-{token}" for t in todo],
                             pure=False)
        by_key = {f.key: t for f, t in zip(futures, todo)}
        for fut in as_completed(futures):
            task = by_key[fut.key]
            try:
                outcome = fut.result()
            except KilledWorker as e:
                outcome = died(task, self.max_attempts, f"Dask worker killed: {e}")
            on_outcome(task, outcome)
            fut.release()


def connect(address: str) -> Any:
    """A client of the Dask scheduler at ``address``; ``InputError`` if none answers."""
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except Exception as e:  # noqa: BLE001 - refused, timed out, bad address, not Dask, ...
        msg = (f"no Dask scheduler answers at this address within {CONNECT_TIMEOUT} "
               f"({type(e).__name__}: {str(e)[:200]}); give the address of a running "
               "scheduler (tcp://HOST:8786), or leave out --scheduler for a local cluster")
        raise InputError("command line", [Problem("--scheduler", msg, None, address,
                                                  True)]) from None


class _Owned:
    """A client together with the LocalCluster it owns (both closed on exit)."""

    def __init__(self, client: Any, cluster: Any) -> None:
        self.client, self.cluster = client, cluster

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.cluster.close()


def make_engine(name: str, workers: int | None = None, scheduler: str | None = None,
                max_attempts: int = 3, client: Any = None) -> LocalEngine | DaskEngine:
    """The engine called ``name`` ("local" or "dask")."""
    if name == "dask":
        return DaskEngine(scheduler, workers, max_attempts, client)
    return LocalEngine(workers, max_attempts)
