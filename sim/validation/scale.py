"""``run.py scale SCENARIO``: the same market simulated with several agent counts.

A scenario describes a real market (``market.population``); the number of agents only sets
the sampling noise (sim/scale.py). This check runs the scenario at several agent counts over
several seeds and prints, per size and firm, the mean cumulative profit and the late market
share, and the share of seeds on which each validation pattern measured on this scenario's
runs holds. Sizes agree when every firm's mean cumulative profit is within ``PROFIT_TOL``
(relative) and its late share within ``SHARE_TOL`` (absolute) of the largest size's.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..api import run
from ..output import LATE_WINDOW
from ..scenario import load_scenario
from .base import Progress
from .registry import patterns

PROFIT_TOL, SHARE_TOL = 0.10, 0.03


@dataclass(frozen=True)
class Task:
    """One run of the check: a scenario file at an agent count with a seed."""

    file: str
    overrides: tuple[str, ...]
    agents: int
    seed: int
    periods: int | None


def one_run(task: Task) -> list[dict]:
    """Run one task; one row per firm (profit, late share) plus the patterns' verdicts."""
    sc = load_scenario(task.file, task.overrides, task.agents, task.periods)
    traj = run(sc, seed=task.seed, progress=False).trajectories
    late = max(0, sc.horizon - LATE_WINDOW.get(sc.period, 12))
    verdicts = {}
    for p in patterns():
        if p.measure is not None and p.scenario is not None \
                and Path(p.scenario).resolve() == Path(task.file).resolve():
            passed, _ = p.measure(traj, sc)
            verdicts[f"pattern_{p.key}"] = all(passed.values())
    rows = []
    for fid, g in traj.groupby("firm", sort=False):
        rows.append({"agents": task.agents, "seed": task.seed, "firm": fid,
                     "cumulative_profit": float(g.cumulative_profit.iloc[-1]),
                     "share_late": float(g.market_share[g.period >= late].mean()),
                     **verdicts})
    return rows


def scale_check(file: str, agents: list[int], seeds: list[int],
                overrides: Sequence[str] = (), periods: int | None = None, workers: int = 2,
                progress: Progress | None = None) -> pd.DataFrame:
    """Every (agent count, seed) run of ``file``; one row per run and firm."""
    tasks = [Task(str(file), tuple(overrides), n, s, periods) for n in agents for s in seeds]
    # largest runs first: the pool finishes sooner
    order = sorted(tasks, key=lambda t: -t.agents)
    rows: list[dict] = []
    if workers <= 1:
        for k, task in enumerate(order, 1):
            rows += one_run(task)
            if progress:
                progress(k, len(order))
    else:
        from ..experiments.engines import process_context

        with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as pool:
            for k, out in enumerate(pool.map(one_run, order), 1):
                rows += out
                if progress:
                    progress(k, len(order))
    return pd.DataFrame(rows).sort_values(["agents", "firm", "seed"]).reset_index(drop=True)


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Per agent count and firm: means, and the gap to the largest agent count."""
    pattern_cols = [c for c in runs.columns if c.startswith("pattern_")]
    agg = {"cumulative_profit": "mean", "share_late": "mean",
           **dict.fromkeys(pattern_cols, "mean")}
    table = runs.groupby(["agents", "firm"], sort=True).agg(agg)
    table["profit_sd"] = runs.groupby(["agents", "firm"]).cumulative_profit.std()
    table = table.reset_index()
    ref = table[table.agents == table.agents.max()].set_index("firm")
    table["profit_gap"] = [
        (row.cumulative_profit - ref.cumulative_profit[row.firm])
        / max(abs(ref.cumulative_profit[row.firm]), 1e-9) for row in table.itertuples()]
    table["share_gap"] = [row.share_late - ref.share_late[row.firm]
                          for row in table.itertuples()]
    table["agrees"] = (table.profit_gap.abs() <= PROFIT_TOL) & (table.share_gap.abs() <= SHARE_TOL)
    return table


def text(table: pd.DataFrame, currency: str) -> str:
    """The summary for the terminal."""
    out = table.copy()
    out["cumulative_profit"] = out.cumulative_profit.map(lambda x: f"{x:,.0f}")
    out["profit_sd"] = out.profit_sd.map(lambda x: "" if np.isnan(x) else f"{x:,.0f}")
    out["profit_gap"] = out.profit_gap.map(lambda x: f"{x:+.1%}")
    out["share_late"] = out.share_late.map(lambda x: f"{x:.3f}")
    out["share_gap"] = out.share_gap.map(lambda x: f"{100 * x:+.1f} pt")
    for c in [c for c in out.columns if c.startswith("pattern_")]:
        out[c] = out[c].map(lambda x: f"{x:.0%}")
    out = out.rename(columns={"cumulative_profit": f"cum. profit ({currency}, mean)",
                              "profit_sd": "sd", "share_late": "share (late)"})
    return out.to_string(index=False)
