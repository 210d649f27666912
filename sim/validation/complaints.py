"""Pattern 5: complaint outcomes order retention (TARP; DOMAIN.md 4.5).

Ordinary runs of ``scenarios/validation/complaints_tarp.yaml``. After each step the model's
customer arrays tell who had a service failure at a firm this period (the remembered incident
and its period) and whether they have a complaint pending there (and since when: the firm's
complaint queue). Those customers are followed step by step: the first outcome of *that*
complaint (resolved fast, resolved, unresolved) is its outcome. A complaint still pending
``SETTLE`` periods later, or answered in a period in which the customer also lodged a new one
(the answer is then not observable between steps), is left out. ``HORIZON`` periods after the
problem we note whether the customer is still in the same relationship with the firm.
Problems from ``START`` to the last period that leaves ``HORIZON`` periods of follow-up are
pooled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..complaints import Complaints
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
from ..scenario import Scenario, load_scenario
from .base import VALIDATION_SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = VALIDATION_SCENARIOS / "complaints_tarp.yaml"
START, SETTLE, HORIZON = 6, 6, 12
GROUPS = ("no_complaint", "unresolved", "resolved", "resolved_fast")
UNKNOWN = -1  # no complaint, or its outcome not observable
OUTCOME = {CP_UNRESOLVED: "unresolved", CP_RESOLVED: "resolved", CP_FAST: "resolved_fast"}

CRITERIA = (
    Criterion("ordering", f"share still a customer {HORIZON} periods after a problem, by "
              "complaint outcome", "no complaint < unresolved < resolved < resolved fast"),
)


def problems(model: Market, t: int) -> list[pd.DataFrame]:
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
    """Run the pattern's scenario (full size in quick mode too) and follow its problems."""
    return follow_scenario(load_scenario(SCENARIO), seed)


def lodged_at(model: Market) -> np.ndarray:
    """Period each customer's pending complaint to each firm was lodged (-1: none), (F, N)."""
    book = model.mechanism("complaints")
    assert isinstance(book, Complaints)
    out = np.full(model.customers.status.shape, -1, np.int64)
    for f in range(len(model.firms)):
        out[f, book.ids[f]] = book.lodged[f]
    return out


def settle(df: pd.DataFrame, model: Market, lodged: np.ndarray) -> None:
    """Record the first outcome of each followed complaint that has one by now."""
    waiting = (df["state"] == CP_PENDING).to_numpy()
    if not waiting.any():
        return
    f, i = df["firm"].to_numpy()[waiting], df["customer"].to_numpy()[waiting]
    now = model.customers.complaint[f, i]
    replaced = (now == CP_PENDING) & (lodged[f, i] != df["lodged"].to_numpy()[waiting])
    state = np.where(replaced, UNKNOWN, now)
    df.loc[waiting, "state"] = state


def follow_scenario(sc: Scenario, seed: int) -> pd.DataFrame:
    """Run scenario ``sc`` and return one row per problem with its outcome and retention."""
    model = Market(sc, seed=seed)
    c, rows, horizon = model.customers, [], sc.horizon
    open_: dict[int, pd.DataFrame] = {}
    for _ in range(horizon):
        model.step()
        t = model.t - 1
        lodged = lodged_at(model)
        for when, df in open_.items():
            if t <= when + SETTLE:
                settle(df, model, lodged)
        if START <= t < horizon - HORIZON:
            df = pd.concat(problems(model, t), ignore_index=True)
            df["lodged"] = lodged[df["firm"].to_numpy(), df["customer"].to_numpy()]
            df["state"] = np.where(df["complained"], CP_PENDING, UNKNOWN)
            open_[t] = df
        if t - HORIZON in open_:
            df = open_.pop(t - HORIZON)
            f, i = df["firm"].to_numpy(), df["customer"].to_numpy()
            df["kept"] = (c.status[f, i] == ACTIVE) & (c.acquired[f, i] == df["acquired"])
            rows.append(df)
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
