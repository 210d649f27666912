"""Pattern 6: contagious defection, recovered by a survival model (Nitzan & Libai 2011).

Ordinary runs of ``scenarios/validation/contagion.yaml``. Before each step we note, for every
customer active at a firm, their exposure to neighbours' recent defections from it (the
model's ``customers.exposure``); after the step, whether they were lost to it. These
person-period rows, (t, t + 1] with the exposure as a time-varying covariate, go to a Cox
proportional-hazards fit (``sim.analysis.cox_ph`` with entry times), whose hazard ratio per
unit of exposure should match the configured 1 + effect within ``TOLERANCE``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis import cox_ph
from ..constants import ACTIVE, LOST
from ..model import Market
from ..scenario import load_scenario
from .base import VALIDATION_SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = VALIDATION_SCENARIOS / "contagion.yaml"
TOLERANCE, CRUDE = 0.15, 1.5
EXPOSED = 0.5  # exposure at or above which a customer counts as having a recent defector
# (customers, periods, first period used)
SIZES = {False: (None, None, 30), True: (4000, 70, 30)}

CRITERIA = (
    Criterion("exposed_hazard", f"churn hazard with exposure >= {EXPOSED} / without",
              f">= {CRUDE}"),
    Criterion("cox_recovers", "Cox hazard ratio per unit of exposure / configured 1 + effect",
              f"within 1 +/- {TOLERANCE}"),
)


def person_periods(seed: int, quick: bool) -> tuple[pd.DataFrame, float]:
    """Run the scenario; rows (entry, stop, event, exposure) and the configured ratio."""
    customers, periods, first = SIZES[quick]
    sc = load_scenario(SCENARIO, customers=customers, periods=periods)
    model = Market(sc, seed=seed)
    c, rows = model.customers, []
    for _ in range(sc.horizon):
        t = model.t
        f, i = np.nonzero(c.status == ACTIVE)
        k = c.exposure[f, i].astype(float)
        model.step()
        if t >= first:
            ev = (c.status[f, i] == LOST) & (c.lost_since[f, i] == t)
            rows.append(pd.DataFrame({"entry": t, "stop": t + 1, "event": ev.astype(int),
                                      "exposure": k}))
    return pd.concat(rows, ignore_index=True), 1 + sc.params.contagion.effect


def check(seed: int, quick: bool) -> Outcome:
    """Crude hazards and the Cox fit for one seed."""
    df, configured = person_periods(seed, quick)
    fit = cox_ph(df, "stop", "event", ["exposure"], entry="entry").summary().iloc[0]
    exposed = df["exposure"] >= EXPOSED
    h1, h0 = df.loc[exposed, "event"].mean(), df.loc[~exposed, "event"].mean()
    values = {"hazard_exposed": float(h1), "hazard_unexposed": float(h0),
              "crude_ratio": float(h1 / h0), "cox_hr": float(fit["hazard_ratio"]),
              "cox_hr_low": float(fit["hr_low"]), "cox_hr_high": float(fit["hr_high"]),
              "configured_hr": float(configured), "rows": float(len(df))}
    bins = np.minimum(np.floor(df["exposure"]), 5)
    data = df.groupby(bins)["event"].agg(["mean", "size"])
    passed = {"exposed_hazard": values["crude_ratio"] >= CRUDE,
              "cox_recovers": abs(values["cox_hr"] / configured - 1) <= TOLERANCE}
    return Outcome("contagion", seed, passed, values, data)


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Hazard by exposure (first seed) and the Cox hazard ratio of every seed."""
    fig, axes = new_figure(1, 2, "Pattern 6: contagious defection")
    ax = axes[0, 0]
    d = outcomes[0].data
    ax.bar(d.index, d["mean"], width=0.8)
    ax.set_xlabel("exposure: recently defected neighbours (decayed, binned; 5 = 5+)")
    ax.set_ylabel("churn hazard per period")
    ax.set_title(f"seed {outcomes[0].seed}")
    ax.grid(alpha=0.3)
    ax = axes[0, 1]
    hr = [o.values["cox_hr"] for o in outcomes]
    conf = outcomes[0].values["configured_hr"]
    ax.plot(range(len(hr)), hr, "o", label="Cox hazard ratio (per seed)")
    ax.axhline(conf, color="k", lw=1, label=f"configured {conf:.2f}")
    ax.axhspan(conf * (1 - TOLERANCE), conf * (1 + TOLERANCE), color="grey", alpha=0.15,
               label=f"+/- {TOLERANCE:.0%}")
    ax.set_xlabel("seed")
    ax.set_ylabel("hazard ratio per defecting neighbour")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return [save(fig, out_dir / "pattern6_contagion.png")]


PATTERN = Pattern(
    key="contagion", number=6, title="Contagious defection",
    source="Nitzan & Libai (2011) Social effects on customer retention; DOMAIN.md 3",
    criteria=CRITERIA, check=check, plot=plot)
