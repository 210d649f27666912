"""Python API of experiments: run one and get its results table.

Example:
    >>> from sim.experiments import run_experiment
    >>> df = run_experiment("scenarios/experiments/winback_variants.yaml", out="outputs/wb",
    ...                     workers=2)
    >>> df.groupby(["variant", "firm"]).cumulative_profit.last()
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .plan import Plan, load_plan
from .report import make_report
from .store import load_results, read_manifest
from .sweep import remove_sweep, run_sweep


def run_experiment(experiment: str | Path | Plan, out: str | Path | None = None, *,
                   engine: str = "local", workers: int | None = None,
                   scheduler: str | None = None, resume: bool = False, force: bool = False,
                   progress: bool | None = None, report: bool = False,
                   client: Any = None) -> pd.DataFrame:
    """Run an experiment file (or a ``Plan``) and return every run's trajectories.

    Args:
        experiment: Path to an experiment YAML, or a plan from ``load_plan``.
        out: Sweep folder to keep (default: a temporary folder, removed afterwards).
        engine: "local" or "dask".
        workers: Worker processes (default: one per core).
        scheduler: Dask scheduler address (default: a LocalCluster on 127.0.0.1).
        resume: Complete the sweep already in ``out``.
        force: Replace the sweep already in ``out``.
        progress: Show a progress bar (default: when stderr is a terminal).
        report: Also write the report into ``out/report``.
        client: An existing ``distributed.Client`` (Dask engine).

    Returns:
        One row per run, period and firm with ``variant``, ``variant_index``, ``run``,
        ``replication``, ``seed`` and the factor values; ``df.attrs["sweep"]`` holds the run
        counts.

    Raises:
        InputError: Bad experiment, unusable ``out`` or unreachable scheduler.
        MissingMainGuard: Called at import time of a script without
            ``if __name__ == "__main__":`` (worker processes import the script again).
        SweepFailed: Every run failed (the first error is in the message).
    """
    plan = experiment if isinstance(experiment, Plan) else load_plan(experiment)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="sweep-"))
    try:
        summary = run_sweep(plan, folder, engine=engine, workers=workers, scheduler=scheduler,
                            resume=resume or out is None, force=force, progress=progress,
                            client=client)
        if report:
            make_report(folder)
        df = load_results(folder)
        errors = [r["error"] for r in read_manifest(folder)["runs"] if r["error"]]
    finally:
        if out is None:
            remove_sweep(folder)
    if summary.total and not summary.ok:
        raise SweepFailed(f"all {summary.total} runs failed; the first error: "
                          f"{first_error(errors)}")
    df.attrs["sweep"] = {"total": summary.total, "ok": summary.ok, "failed": summary.failed}
    return df


class SweepFailed(RuntimeError):
    """Every run of an experiment failed (so there are no results to return)."""


def first_error(errors: list[str]) -> str:
    """The first recorded error (or a note that none was recorded)."""
    return errors[0] if errors else "(none recorded)"
