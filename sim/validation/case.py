"""Pattern 1: the Nanyuan vs Eaton case (teaching case, seed 003; DOMAIN.md 4.1).

Measured on ordinary runs of ``scenarios/nanyuan_vs_eaton.yaml`` with each seed:
the price-promotion hotel (Eaton) wins back more lost guests in the first 12 periods; over
the second half of the horizon the relationship hotel (Nanyuan) has the lower churn; it ends
with the higher cumulative profit after Eaton has led at some point (the lines cross); Eaton's
service level falls; guests Eaton won back on price leave again sooner than those Nanyuan won
back by relationship (mean tenure at loss, from the trajectories).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..api import run
from .base import SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

CASE = SCENARIOS / "nanyuan_vs_eaton.yaml"
REL, PROMO = "nanyuan", "eaton"
EARLY = 12
SERVICE_DROP = 0.1

CRITERIA = (
    Criterion("early_rebound", f"won back in periods 0-{EARLY - 1}, Eaton / Nanyuan",
              "> 1"),
    Criterion("late_churn", "mean churn rate over the second half, Nanyuan vs Eaton",
              "Nanyuan < Eaton"),
    Criterion("profit_crossing", "cumulative profit: Eaton leads at some period, Nanyuan "
              "leads at the end", "both"),
    Criterion("service_falls", "Eaton's mean service level, start minus lowest",
              f">= {SERVICE_DROP} and larger than Nanyuan's fall"),
    Criterion("second_lifetime", "mean tenure at loss: Eaton's price-won vs Nanyuan's "
              "relationship-won", "price-won < relationship-won"),
)


def measure(traj: pd.DataFrame) -> tuple[dict[str, bool], dict[str, float]]:
    """Criteria and values from one run's trajectories."""
    early = _by_firm(traj, "won_back").iloc[:EARLY].sum()
    churn = _by_firm(traj, "churn_rate")
    late_churn = churn.iloc[len(churn) // 2:].mean()
    cum = _by_firm(traj, "cumulative_profit")
    lead = cum[REL] - cum[PROMO]
    crossing = _crossing(lead)
    svc = _by_firm(traj, "service_mean")
    fall = svc.iloc[0] - svc.min()
    tot = traj.groupby("firm")[["lost_won_price", "tenure_lost_won_price",
                                "lost_won_relationship", "tenure_lost_won_relationship"]].sum()
    price_won, rel_won = tot["lost_won_price"][PROMO], tot["lost_won_relationship"][REL]
    price_life = tot["tenure_lost_won_price"][PROMO] / max(price_won, 1)
    rel_life = tot["tenure_lost_won_relationship"][REL] / max(rel_won, 1)
    values = {
        "won_back_early_eaton": float(early[PROMO]), "won_back_early_nanyuan": float(early[REL]),
        "late_churn_eaton": float(late_churn[PROMO]), "late_churn_nanyuan": float(late_churn[REL]),
        "final_profit_eaton": float(cum[PROMO].iloc[-1]),
        "final_profit_nanyuan": float(cum[REL].iloc[-1]),
        "crossing_period": float(crossing), "service_fall_eaton": float(fall[PROMO]),
        "service_fall_nanyuan": float(fall[REL]),
        "second_life_price": float(price_life), "second_life_relationship": float(rel_life),
        "price_won_lost": float(price_won),
        "relationship_won_lost": float(rel_won),
    }
    passed = {
        "early_rebound": early[PROMO] > early[REL],
        "late_churn": late_churn[REL] < late_churn[PROMO],
        "profit_crossing": bool((lead < 0).any() and lead.iloc[-1] > 0),
        "service_falls": fall[PROMO] >= SERVICE_DROP and fall[PROMO] > fall[REL],
        "second_lifetime": price_won > 0 and rel_won > 0 and price_life < rel_life,
    }
    return {k: bool(v) for k, v in passed.items()}, values


def _by_firm(traj: pd.DataFrame, col: str) -> pd.DataFrame:
    """Column ``col`` of the trajectories, one column per firm, indexed by period."""
    return traj.pivot(index="period", columns="firm", values=col)


def _crossing(lead: pd.Series) -> float:
    """First period after which Nanyuan's cumulative profit lead stays positive (NaN if none)."""
    behind = np.flatnonzero(lead.to_numpy() <= 0)
    if lead.iloc[-1] <= 0 or behind.size == 0:
        return float("nan")
    return float(lead.index[behind[-1] + 1])


def check(seed: int, quick: bool) -> Outcome:
    """Run the case with ``seed`` (same size in quick mode: the case needs its market)."""
    traj = run(CASE, seed=seed, progress=False).trajectories
    passed, values = measure(traj)
    cols = ["period", "firm", "won_back", "churn_rate", "cumulative_profit", "service_mean"]
    return Outcome("case", seed, passed, values, traj[cols])


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Four panels from the first seed, with the crossing period of every seed."""
    first = outcomes[0]
    wide = first.data.pivot(index="period", columns="firm")
    fig, axes = new_figure(2, 2, f"Pattern 1: Nanyuan vs Eaton (seed {first.seed})")
    panels = [("won_back", "won back per period", 1), ("churn_rate", "churn rate (13-period mean)",
                                                        13),
              ("cumulative_profit", "cumulative profit (yuan)", 1),
              ("service_mean", "mean service level", 1)]
    for ax, (col, label, smooth) in zip(axes.flat, panels):
        for firm in (REL, PROMO):
            ax.plot(wide.index, wide[col][firm].rolling(smooth, min_periods=1).mean(),
                    label=firm)
        ax.set_title(label)
        ax.set_xlabel("period (week)")
        ax.grid(alpha=0.3)
    crossings = [o.values["crossing_period"] for o in outcomes]
    for x in crossings:
        if np.isfinite(x):
            axes[1, 0].axvline(x, color="grey", alpha=0.3, lw=0.8)
    axes[1, 0].text(0.02, 0.04, "grey: crossing period of each seed",
                    transform=axes[1, 0].transAxes, fontsize=8)
    axes[0, 0].legend()
    return [save(fig, out_dir / "pattern1_case.png")]


PATTERN = Pattern(
    key="case", number=1, title="Nanyuan vs Eaton",
    source="Teaching case (seed 003); DOMAIN.md 4.1; Thomas, Blattberg & Fox (2004)",
    criteria=CRITERIA, check=check, plot=plot, scenario=CASE,
    measure=lambda traj, scenario: measure(traj))
