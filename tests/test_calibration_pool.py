"""The calibration's pooled engine: shares runs as they come, survives a killed worker."""

import os
import signal
from pathlib import Path

import pandas as pd
import psutil
import pytest
import yaml

from sim.experiments.evaluate import InProcess, PooledLocalEngine
from sim.experiments.worker import RunOutcome, RunTask

pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[1]


def _tasks(n: int) -> list[RunTask]:
    sc = yaml.safe_load((ROOT / "scenarios" / "retail_cdnow.yaml").read_text())
    sc["market"].update(population=1500, customers=1500)
    sc["horizon"] = 20
    return [RunTask(k, f"c{k}", k, 0, 100 + k, sc, ("served", "new_customers"))
            for k in range(n)]


def _run(engine: InProcess | PooledLocalEngine, tasks: list[RunTask], on_first=None
         ) -> dict[int, RunOutcome]:
    got: dict[int, RunOutcome] = {}

    def collect(task: RunTask, outcome: RunOutcome) -> None:
        got[task.run] = outcome
        if on_first is not None and len(got) == 1:
            on_first()

    with engine as runner:
        runner.run(tasks, collect)
    return got


def _frames(got: dict[int, RunOutcome]) -> dict[int, pd.DataFrame]:
    assert all(o.ok for o in got.values()), [o.error for o in got.values() if not o.ok]
    return {k: o.frame for k, o in got.items()}


def _pool_children() -> list[psutil.Process]:
    """The pool's worker processes (children of the forkserver, or spawned)."""
    me = psutil.Process()
    kids = me.children(recursive=True)
    return [p for p in kids if p.parent() is not None and p.parent().pid != me.pid
            or "spawn_main" in " ".join(p.cmdline())]


def test_this_process_and_the_pool_share_the_runs_with_identical_results():
    tasks = _tasks(8)
    ref = _frames(_run(InProcess(), tasks))
    got = _run(PooledLocalEngine(2), tasks)
    here = {k for k, o in got.items() if o.worker.endswith(f":{os.getpid()}")}
    assert 0 < len(here) < len(tasks)  # both worked
    for k, frame in _frames(got).items():
        pd.testing.assert_frame_equal(frame, ref[k])


def test_a_killed_pool_worker_loses_no_run():
    tasks = _tasks(10)
    ref = _frames(_run(InProcess(), tasks))
    killed: list[int] = []

    def kill_pool_worker() -> None:
        for _ in range(200):  # the pool's process may still be starting
            kids = _pool_children()
            if kids:
                os.kill(kids[0].pid, signal.SIGKILL)
                killed.append(kids[0].pid)
                return
            psutil.wait_procs([], timeout=0.05)

    got = _run(PooledLocalEngine(2), tasks, on_first=kill_pool_worker)
    assert killed, "no pool worker was killed: the test did not exercise the fault"
    assert sorted(got) == list(range(10))
    for k, frame in _frames(got).items():
        pd.testing.assert_frame_equal(frame, ref[k])
