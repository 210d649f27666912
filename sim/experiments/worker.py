"""What a worker does with one run: build the model, run it, return its trajectories.

Workers never return models: only the per-period, per-firm trajectory table (the kept
columns plus the run's identifiers and factor values), already encoded as Parquet bytes, so
the encoding runs in parallel on the workers and the sweep process only writes bytes. A run
that raises comes back as a failed outcome carrying its error, so one bad run never stops a
sweep.
"""

from __future__ import annotations

import io
import os
import time
import traceback
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run (picklable, small).

    Attributes:
        run: Run number (position in the plan).
        variant: Variant name.
        variant_index: Position of the design point.
        replication: Replication number.
        seed: The run's seed.
        scenario: The resolved scenario as plain data.
        outputs: Trajectory columns to keep (empty: all).
        values: Factor label -> value, added as columns.
        file: Output file, relative to the sweep folder.
    """

    run: int
    variant: str
    variant_index: int
    replication: int
    seed: int
    scenario: dict = field(repr=False)
    outputs: tuple = ()
    values: dict = field(default_factory=dict)
    file: str = ""


@dataclass
class RunOutcome:
    """What comes back from a worker.

    Attributes:
        run: Run number.
        ok: Whether the run finished.
        data: Its trajectories as Parquet bytes (None if it failed); see ``frame``.
        error: ``Type: message`` and the traceback's last lines when it failed.
        seconds: Wall time of the run.
        cpu_seconds: CPU time of the run (its thread); well below ``seconds`` when the
            machine runs more processes than it has cores.
        worker: ``host:pid`` of the process that ran it.
    """

    run: int
    ok: bool
    data: bytes | None = None
    error: str = ""
    seconds: float = 0.0
    worker: str = ""
    cpu_seconds: float = 0.0

    @property
    def frame(self) -> pd.DataFrame | None:
        """The trajectories as a DataFrame (decoded from ``data``), or None."""
        return None if self.data is None else pd.read_parquet(io.BytesIO(self.data))


def execute_run(task: RunTask) -> RunOutcome:
    """Run one task; never raises (errors are returned in the outcome)."""
    start, cpu = time.perf_counter(), time.thread_time()
    where = f"{os.uname().nodename}:{os.getpid()}"
    try:
        data = encode(simulate(task))
    except Exception as e:  # noqa: BLE001 - a failing run is recorded, the sweep goes on
        tb = traceback.format_exc(limit=-3).strip().splitlines()
        msg = f"{type(e).__name__}: {e}\n" + "\n".join(tb[-6:])
        return RunOutcome(task.run, False, None, msg, time.perf_counter() - start, where,
                          time.thread_time() - cpu)
    return RunOutcome(task.run, True, data, "", time.perf_counter() - start, where,
                      time.thread_time() - cpu)


def simulate(task: RunTask) -> pd.DataFrame:
    """Run the task's scenario with its seed; return its trajectories with run columns."""
    from ..api import run
    from ..scenario import Scenario

    scenario = Scenario.model_validate(task.scenario)
    df = run(scenario, seed=task.seed, progress=False).trajectories
    return tag(df, task)


def encode(df: pd.DataFrame) -> bytes:
    """A table as Parquet bytes (what a run file holds)."""
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def tag(df: pd.DataFrame, task: RunTask) -> pd.DataFrame:
    """Keep the task's output columns and add its identifiers and factor values.

    The variant's number is not a column: it is the file's Hive partition
    (``runs/variant_index=K/``), which every Parquet reader turns into a column.
    """
    keep = ["period", "firm", *(c for c in task.outputs if c not in ("period", "firm"))]
    df = df[keep] if task.outputs else df
    ids = {"variant": task.variant, "run": task.run, "replication": task.replication,
           "seed": task.seed, **task.values}
    extra = pd.DataFrame({k: [v] * len(df) for k, v in ids.items()}, index=df.index)
    return pd.concat([extra, df], axis=1)
