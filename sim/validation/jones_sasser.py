"""Pattern 2: Jones & Sasser's satisfaction-retention curves, monopoly and competition.

Retention against satisfaction (``sim.analysis.satisfaction_curve``): each customer active at
a firm at ``t0`` is binned by cumulative satisfaction and counted as retained if still in the
same relationship ``HORIZON`` periods later. Ordinary runs of
``scenarios/water_utility_monopoly.yaml`` (a monopoly deregulated at period ``at``), curves
before deregulation (t0 = ``at - 2 HORIZON``) and from it (t0 = ``at``), and of the
competitive two-firm ``scenarios/validation/stationary_market.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.satisfaction_curve import (
    plot_retention_curve,
    retention_curve,
    snapshot,
    still_in_spell,
)
from ..model import Market
from ..scenario import load_scenario
from .base import SCENARIOS, VALIDATION_SCENARIOS, Criterion, Outcome, Pattern
from .portability import event_period

MONOPOLY = SCENARIOS / "water_utility_monopoly.yaml"
COMPETITIVE = VALIDATION_SCENARIOS / "stationary_market.yaml"
HORIZON, COMPETITIVE_T0, MIN_COUNT = 12, 60, 50
FLAT, RISE, DROP = 0.05, 0.05, 0.3

CRITERIA = (
    Criterion("monopoly_flat", f"monopoly before deregulation: {HORIZON}-period retention by "
              "satisfaction bin", f">= 0.9 in every bin, spread <= {FLAT}"),
    Criterion("competitive_rises", "competitive market: retention of the most satisfied bin "
              "minus the least satisfied", f">= {RISE}"),
    Criterion("deregulation_moves", "monopoly from deregulation on: mean retention fall; "
              "top minus bottom bin", f"fall >= {DROP}; rises with satisfaction"),
)


def curve(model, firm: str, t0: int) -> pd.DataFrame:
    """Step ``model`` to ``t0``, snapshot ``firm``'s customers, step ``HORIZON`` more, bin."""
    while model.t < t0:
        model.step()
    snap = snapshot(model, firm)
    for _ in range(HORIZON):
        model.step()
    kept = still_in_spell(model, firm, snap)
    out = retention_curve(snap["satisfaction"], kept, 10, MIN_COUNT, HORIZON)
    return out.assign(horizon=HORIZON, overall=float(kept.mean()) if kept.size else np.nan)


def _span(df: pd.DataFrame) -> float:
    """Retention of the most satisfied populated bin minus the least satisfied one."""
    r = df["retention"].dropna()
    return float(r.iloc[-1] - r.iloc[0]) if len(r) > 1 else float("nan")


def check(seed: int, quick: bool) -> Outcome:
    """The three curves for one seed."""
    n = 6000 if quick else None
    sc = load_scenario(MONOPOLY, customers=n)
    at = event_period(sc)
    model = Market(sc, seed=seed)
    before = curve(model, "city_water", at - 2 * HORIZON)
    after = curve(model, "city_water", at)
    comp = curve(Market(load_scenario(COMPETITIVE, customers=n,
                                      periods=COMPETITIVE_T0 + HORIZON), seed=seed),
                 "alpha", COMPETITIVE_T0)
    rb = before["retention"].dropna()
    values = {"monopoly_min": float(rb.min()), "monopoly_spread": float(rb.max() - rb.min()),
              "competitive_span": _span(comp), "deregulated_span": _span(after),
              "monopoly_retention": float(before["overall"].iloc[0]),
              "deregulated_retention": float(after["overall"].iloc[0]),
              "competitive_retention": float(comp["overall"].iloc[0])}
    fall = values["monopoly_retention"] - values["deregulated_retention"]
    values["deregulation_fall"] = fall
    passed = {"monopoly_flat": values["monopoly_min"] >= 0.9 and values["monopoly_spread"] <= FLAT,
              "competitive_rises": values["competitive_span"] >= RISE,
              "deregulation_moves": fall >= DROP and values["deregulated_span"] > 0}
    data = {"monopoly, before deregulation": before, "monopoly, after deregulation": after,
            "competitive market": comp}
    return Outcome("jones_sasser", seed, passed, values, data)


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """The three curves of the first seed."""
    import matplotlib.pyplot as plt

    first = outcomes[0]
    path = out_dir / "pattern2_jones_sasser.png"
    out_dir.mkdir(parents=True, exist_ok=True)
    fig = plot_retention_curve(first.data, path, title="Pattern 2: retention against "
                               f"satisfaction (seed {first.seed})")
    plt.close(fig)
    return [path]


PATTERN = Pattern(
    key="jones_sasser", number=2, title="Jones & Sasser curves",
    source="Jones & Sasser (1995) Why satisfied customers defect; teaching seeds 001/002; "
           "DOMAIN.md 4.2", criteria=CRITERIA, check=check, plot=plot)
