"""Pattern 9: the satisfaction mirror (ODD 7.26): staff and customer satisfaction move together.

Measured on ordinary runs of ``scenarios/nanyuan_vs_eaton_staff.yaml`` (the case with staff)
with each seed. Schneider & Bowen (1985) found that customers' and employees' views of service
mirror each other across bank branches; Heskett et al. (1994) put the mirror at the heart of the
service-profit chain: satisfied staff stay, experienced staff serve better, and better-served
customers stay.

* Across firms: over the second half of the horizon the hotel whose staff are more satisfied
  also has the more satisfied guests.
* Over time: within each hotel, quarter by quarter (13-period means), staff satisfaction and
  guest satisfaction rise and fall together (the correlation of their changes from the hotel's
  own mean, pooled over both hotels, is at least ``MIN_CORR``).
* Turnover: the hotel whose budget rule cut its staff spend (the price hotel) loses a larger
  share of its staff per period over the second half.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..api import run
from .base import SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = SCENARIOS / "nanyuan_vs_eaton_staff.yaml"
REL, PROMO = "nanyuan", "eaton"
QUARTER, MIN_CORR = 13, 0.3
CRITERIA = (
    Criterion("across_firms", "second half: the hotel with the more satisfied staff has the "
              "more satisfied guests", "same hotel"),
    Criterion("over_time", "correlation of quarterly staff and guest satisfaction, each "
              "hotel around its own mean, pooled", f">= {MIN_CORR}"),
    Criterion("turnover", "second half: staff quits per staff member and period, Eaton vs "
              "Nanyuan", "Eaton > Nanyuan"),
)


def measure(traj: pd.DataFrame, scenario: Any = None) -> tuple[dict[str, bool], dict[str, float]]:
    """Criteria and values from one run's trajectories."""
    wide = traj.pivot(index="period", columns="firm")
    half = wide.iloc[len(wide) // 2:]
    staff = pd.Series(half["staff_satisfaction"].mean())
    guests = pd.Series(half["satisfaction_mean"].mean())
    turnover = pd.Series((half["staff_quits"] / half["staff"]).mean())
    quarter = wide.index // QUARTER
    q = wide[["staff_satisfaction", "satisfaction_mean"]].groupby(quarter).mean()
    pairs = [(q["staff_satisfaction"][f] - q["staff_satisfaction"][f].mean(),
              q["satisfaction_mean"][f] - q["satisfaction_mean"][f].mean()) for f in (REL, PROMO)]
    x = np.concatenate([p[0].to_numpy() for p in pairs])
    y = np.concatenate([p[1].to_numpy() for p in pairs])
    corr = float(np.corrcoef(x, y)[0, 1]) if x.std() > 0 and y.std() > 0 else float("nan")
    values = {f"staff_satisfaction_{f}": float(staff[f]) for f in (REL, PROMO)}
    values |= {f"guest_satisfaction_{f}": float(guests[f]) for f in (REL, PROMO)}
    values |= {f"turnover_{f}": float(turnover[f]) for f in (REL, PROMO)}
    values["correlation"] = corr
    passed = {"across_firms": bool((staff[REL] > staff[PROMO]) == (guests[REL] > guests[PROMO])),
              "over_time": bool(corr >= MIN_CORR),
              "turnover": bool(turnover[PROMO] > turnover[REL])}
    return passed, values


def check(seed: int, quick: bool, agents: int | None = None) -> Outcome:
    """The case with staff, with ``seed`` (2,000 agents when quick, else 20,000)."""
    n = agents or (2000 if quick else 20_000)
    traj = run(SCENARIO, seed=seed, customers=n, progress=False).trajectories
    passed, values = measure(traj)
    cols = ["period", "firm", "staff_satisfaction", "satisfaction_mean", "staff_quits", "staff",
            "service_people"]
    return Outcome("mirror", seed, passed, values, traj[cols])


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """The first seed's staff and guest satisfaction, and every seed's second-half means."""
    first = outcomes[0]
    wide = first.data.pivot(index="period", columns="firm")
    fig, axes = new_figure(1, 2, "Pattern 9: the satisfaction mirror (case with staff)")
    ax = axes[0][0]
    for f, colour in ((REL, "tab:blue"), (PROMO, "tab:red")):
        ax.plot(wide.index, wide["staff_satisfaction"][f], color=colour, label=f"{f}: staff")
        ax.plot(wide.index, wide["satisfaction_mean"][f], color=colour, ls="--",
                label=f"{f}: guests")
    ax.set_title(f"seed {first.seed}")
    ax.set_xlabel("period (week)")
    ax.set_ylabel("mean satisfaction (0-1)")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    ax = axes[0][1]
    for f, colour in ((REL, "tab:blue"), (PROMO, "tab:red")):
        ax.scatter([o.values[f"staff_satisfaction_{f}"] for o in outcomes],
                   [o.values[f"guest_satisfaction_{f}"] for o in outcomes], color=colour,
                   label=f, s=14)
    ax.set_title("second half, one point per seed and hotel")
    ax.set_xlabel("staff satisfaction")
    ax.set_ylabel("guest satisfaction")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return [save(fig, out_dir / "pattern9_mirror.png")]


PATTERN = Pattern(
    key="mirror", number=9, title="The satisfaction mirror",
    source="Schneider & Bowen (1985); Heskett, Jones, Loveman, Sasser & Schlesinger (1994); "
           "teaching seeds on staff loyalty; docs/ODD.md 7.26",
    criteria=CRITERIA, check=check, plot=plot, scenario=SCENARIO, measure=measure)
