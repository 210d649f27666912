"""Pattern 5: complaint outcomes order retention (TARP; DOMAIN.md 4.5).

Ordinary runs of ``scenarios/validation/complaints_tarp.yaml``. After each step the model's
customer arrays tell who had a service failure at a firm this period (the remembered incident
and its period) and who complained (complaint state pending). Those customers are followed:
``SETTLE`` periods later their complaint is resolved fast, resolved, or unresolved (still
pending: left out); ``HORIZON`` periods after the problem we note whether they are still in
the same relationship with the firm. Problems from ``START`` to the last period that leaves
``HORIZON`` periods of follow-up are pooled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import (
    ACTIVE,
    CP_FAST,
    CP_PENDING,
    CP_RESOLVED,
    CP_UNRESOLVED,
    INC_CORE,
    INC_ENCOUNTER,
)
from ..model import Market
from ..scenario import load_scenario
from .base import VALIDATION_SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = VALIDATION_SCENARIOS / "complaints_tarp.yaml"
START, SETTLE, HORIZON = 6, 6, 12
GROUPS = ("no_complaint", "unresolved", "resolved", "resolved_fast")
OUTCOME = {CP_UNRESOLVED: "unresolved", CP_RESOLVED: "resolved", CP_FAST: "resolved_fast"}

CRITERIA = (
    Criterion("ordering", f"share still a customer {HORIZON} periods after a problem, by "
              "complaint outcome", "no complaint < unresolved < resolved < resolved fast"),
)


def problems(model, t: int) -> list[pd.DataFrame]:
    """Customers who had a service failure at each firm in period ``t`` (just stepped)."""
    c, out = model.customers, []
    for f in range(len(model.firms)):
        hit = (c.incident_t[f] == t) & np.isin(c.incident[f], (INC_CORE, INC_ENCOUNTER))
        ids = np.flatnonzero(hit & (c.status[f] == ACTIVE))
        out.append(pd.DataFrame({"firm": f, "customer": ids, "t": t,
                                 "acquired": c.acquired[f, ids],
                                 "complained": c.complaint[f, ids] == CP_PENDING}))
    return out


def follow(seed: int, quick: bool) -> pd.DataFrame:
    """Run the scenario and return one row per problem with its outcome and retention."""
    sc = load_scenario(SCENARIO, customers=6000 if quick else None)
    model = Market(sc, seed=seed)
    c, rows, horizon = model.customers, [], sc.horizon
    settle: dict[int, pd.DataFrame] = {}
    for _ in range(horizon):
        model.step()
        t = model.t - 1
        if START <= t < horizon - HORIZON:
            settle[t] = pd.concat(problems(model, t), ignore_index=True)
        for when, df in list(settle.items()):
            f, i = df["firm"].to_numpy(), df["customer"].to_numpy()
            if t == when + SETTLE:
                df["state"] = c.complaint[f, i]
            if t == when + HORIZON:
                df["kept"] = (c.status[f, i] == ACTIVE) & (c.acquired[f, i] == df["acquired"])
                rows.append(settle.pop(when))
    return pd.concat(rows, ignore_index=True)


def classify(df: pd.DataFrame) -> pd.Series:
    """The group of each problem: no complaint, or the outcome of the complaint."""
    group = df["state"].map(OUTCOME).where(df["complained"], "no_complaint")
    return group.where(~df["complained"] | df["state"].isin(list(OUTCOME)))


def check(seed: int, quick: bool) -> Outcome:
    """Retention by complaint outcome for one seed."""
    df = follow(seed, quick)
    df["group"] = classify(df)
    rate = df.groupby("group")["kept"].agg(["mean", "size"])
    values = {}
    for g in GROUPS:
        values[f"retention_{g}"] = float(rate["mean"].get(g, np.nan))
        values[f"n_{g}"] = float(rate["size"].get(g, 0))
    r = [values[f"retention_{g}"] for g in GROUPS]
    ordered = bool(np.all(np.isfinite(r)) and np.all(np.diff(r) > 0))
    return Outcome("complaints", seed, {"ordering": ordered}, values)


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Retention by complaint outcome, one line per seed."""
    fig, axes = new_figure(1, 1, "Pattern 5: retention after a problem, by complaint outcome")
    ax = axes[0, 0]
    x = np.arange(len(GROUPS))
    for o in outcomes:
        ax.plot(x, [o.values[f"retention_{g}"] for g in GROUPS], marker="o", color="C0",
                alpha=0.4)
    ax.set_xticks(x, [g.replace("_", " ") for g in GROUPS])
    ax.set_ylabel(f"share still a customer {HORIZON} periods later")
    ax.set_xlabel("what happened after the problem (one line per seed)")
    ax.grid(alpha=0.3)
    return [save(fig, out_dir / "pattern5_complaints.png")]


PATTERN = Pattern(
    key="complaints", number=5, title="Complaint outcomes (TARP)",
    source="TARP (1979, 1986); Goodman; teaching seeds 000/004; DOMAIN.md 4.5",
    criteria=CRITERIA, check=check, plot=plot)
