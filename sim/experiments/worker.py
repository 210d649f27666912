"""What a worker does with one run: build the model, run it, return its trajectories.

Workers never return models: only the per-period, per-firm trajectory table (the kept
columns plus the run's identifiers and factor values). A run that raises comes back as a
failed outcome carrying its error, so one bad run never stops a sweep.
"""

from __future__ import annotations

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
        frame: Its trajectories (None if it failed).
        error: ``Type: message`` and the traceback's last lines when it failed.
        seconds: Wall time of the run.
        worker: ``host:pid`` of the process that ran it.
    """

    run: int
    ok: bool
    frame: pd.DataFrame | None = None
    error: str = ""
    seconds: float = 0.0
    worker: str = ""


def execute_run(task: RunTask) -> RunOutcome:
    """Run one task; never raises (errors are returned in the outcome)."""
    start = time.perf_counter()
    where = f"{os.uname().nodename}:{os.getpid()}"
    try:
        frame = simulate(task)
    except Exception as e:  # noqa: BLE001 - a failing run is recorded, the sweep goes on
        tb = traceback.format_exc(limit=-3).strip().splitlines()
        msg = f"{type(e).__name__}: {e}\n" + "\n".join(tb[-6:])
        return RunOutcome(task.run, False, None, msg, time.perf_counter() - start, where)
    return RunOutcome(task.run, True, frame, "", time.perf_counter() - start, where)


def simulate(task: RunTask) -> pd.DataFrame:
    """Run the task's scenario with its seed; return its trajectories with run columns."""
    from ..api import run
    from ..scenario import Scenario

    scenario = Scenario.model_validate(task.scenario)
    df = run(scenario, seed=task.seed, progress=False).trajectories
    return tag(df, task)


def tag(df: pd.DataFrame, task: RunTask) -> pd.DataFrame:
    """Keep the task's output columns and add its identifiers and factor values."""
    keep = ["period", "firm", *(c for c in task.outputs if c not in ("period", "firm"))]
    df = df[keep] if task.outputs else df
    ids = {"run": task.run, "variant_index": task.variant_index,
           "replication": task.replication, "seed": task.seed, **task.values}
    extra = pd.DataFrame({k: [v] * len(df) for k, v in ids.items()}, index=df.index)
    return pd.concat([extra, df], axis=1)
