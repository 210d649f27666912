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

import pandas as pd

from .plan import Plan, load_plan
from .report import make_report
from .store import load_results
from .sweep import remove_sweep, run_sweep


def run_experiment(experiment, out=None, *, engine: str = "local", workers: int | None = None,
                   scheduler: str | None = None, resume: bool = False,
                   progress: bool | None = None, report: bool = False,
                   client=None) -> pd.DataFrame:
    """Run an experiment file (or a ``Plan``) and return every run's trajectories.

    Args:
        experiment: Path to an experiment YAML, or a plan from ``load_plan``.
        out: Sweep folder to keep (default: a temporary folder, removed afterwards).
        engine: "local" or "dask".
        workers: Worker processes (default: one per core).
        scheduler: Dask scheduler address (default: a LocalCluster on 127.0.0.1).
        resume: Complete the sweep already in ``out``.
        progress: Show a progress bar (default: when stderr is a terminal).
        report: Also write the report into ``out/report``.
        client: An existing ``distributed.Client`` (Dask engine).

    Returns:
        One row per run, period and firm with ``variant``, ``run``, ``replication``, ``seed``
        and the factor values; ``df.attrs["sweep"]`` holds the run counts.
    """
    plan = experiment if isinstance(experiment, Plan) else load_plan(experiment)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="sweep-"))
    try:
        summary = run_sweep(plan, folder, engine=engine, workers=workers, scheduler=scheduler,
                            resume=resume or out is None, progress=progress, client=client)
        if report:
            make_report(folder)
        df = load_results(folder)
    finally:
        if out is None:
            remove_sweep(folder)
    df.attrs["sweep"] = {"total": summary.total, "ok": summary.ok, "failed": summary.failed}
    return df
