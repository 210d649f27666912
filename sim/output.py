"""Write a run's outputs: trajectories, followed customers, plots, summary, resolved scenario.

Files are written into a temporary folder beside ``out`` and moved in at the end, so a run
that fails leaves no half-written output.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from . import __version__
from .constants import REASONS
from .plots import plot_all

if TYPE_CHECKING:
    from .api import RunResult
    from .scenario import Scenario

# the "late" window of the summary: about a year in the scenario's period unit
LATE_WINDOW = {"day": 365, "week": 52, "month": 12, "quarter": 4, "year": 3}


def write_outputs(result, out, argv=None) -> Path:
    """Write everything for ``result`` (a ``RunResult``) into folder ``out``; return it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        sc = result.scenario
        result.trajectories.to_csv(tmp / "trajectories.csv", index=False)
        result.model.cohort_table().to_csv(tmp / "cohorts.csv", index=False)
        result.model.event_table().to_csv(tmp / "events.csv", index=False)
        if len(result.customers):
            result.customers.to_csv(tmp / "customers.csv", index=False)
        plot_all(result.trajectories, tmp, f"{sc.name} (seed {result.seed})", sc.period,
                 sc.market.currency)
        resolved = sc.model_dump(mode="json") | {"seed": result.seed}
        (tmp / "scenario.yaml").write_text(yaml.safe_dump(resolved, sort_keys=False))
        (tmp / "run.json").write_text(json.dumps(
            {"seed": result.seed, "version": __version__, "command": argv,
             **units(sc)}, indent=2))
        (tmp / "summary.txt").write_text(summary(result))
        out.mkdir(exist_ok=True)
        for f in tmp.iterdir():
            f.replace(out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def units(sc: Scenario) -> dict[str, Any]:
    """What the numbers of a run's outputs are measured in (``run.json``)."""
    m = sc.market
    return {"population": m.population, "agents": m.customers, "weight": m.weight,
            "currency": m.currency, "period": sc.period,
            "units": {"counts": "real customers (agent counts x weight)",
                      "money": f"{m.currency} (amounts per {sc.period} unless cumulative)",
                      "rates": f"per {sc.period}"}}


def summary(result: RunResult) -> str:
    """A short table per firm, and what drove each firm's churn."""
    df, sc = result.trajectories, result.scenario
    h, m, unit = sc.horizon, sc.market, sc.period
    window = LATE_WINDOW.get(unit, 12)
    late = max(0, h - window)
    plural = "" if m.weight == 1 else "s"
    head = (f"{sc.name}: seed {result.seed}, {h} {unit}s, a market of {m.population:,} "
            f"customers simulated by {m.customers:,} agents (1 agent = {m.weight:.3g} "
            f"customer{plural}); money in {m.currency}, counts in real customers")
    lines = [*textwrap.wrap(head, 100),
             "",
             f"{'firm':<12}{'active':>8}{'share':>8}{'churn/period':>14}{'won back':>12}"
             f"{'cum. profit':>14}{'service':>14}{'satisf.':>9}{'trust':>7}",
             f"{'':<12}{'(end)':>8}{'(late)':>8}{'(late)':>14}{'(first 12)':>12}"
             f"{'(end)':>14}{'(start->end)':>14}{'(end)':>9}{'(end)':>7}"]
    for fid, g in df.groupby("firm", sort=False):
        g = g.set_index("period")
        lines.append(
            f"{fid:<12}{int(g.customers_active.iloc[-1]):>8}"
            f"{g.market_share.loc[late:].mean():>8.2f}{g.churn_rate.loc[late:].mean():>14.2%}"
            f"{int(g.won_back.loc[:11].sum()):>12}{g.cumulative_profit.iloc[-1]:>14,.0f}"
            f"{g.service_mean.iloc[0]:>8.2f}->{g.service_mean.iloc[-1]:.2f}"
            f"{g.satisfaction_mean.iloc[-1]:>9.2f}{g.trust_mean.iloc[-1]:>7.2f}")
    lines += ["", "Why customers were lost (share of all losses over the run):"]
    for fid, g in df.groupby("firm", sort=False):
        counts = np.array([g[f"lost_{r}"].sum() for r in REASONS], dtype=float)
        total = counts.sum()
        top = sorted(zip(counts, REASONS), reverse=True)[:3]
        parts = ", ".join(f"{r.replace('_', ' ')} {c / total:.0%}" for c, r in top if c > 0)
        lines.append(f"  {fid:<10} {parts or 'no losses'}")
    notes = (f"active (end): customers active at the firm in the last {unit}; share and churn "
             f"(late): means over the last {min(window, h)} {unit}s; won back (first 12): lost "
             f"customers who returned in {unit}s 0-11; cum. profit: {m.currency} over the whole "
             "run; service: mean of the three service levels (0 to 1).")
    lines += ["", *textwrap.wrap(notes, 100)]
    return "\n".join(lines) + "\n"
