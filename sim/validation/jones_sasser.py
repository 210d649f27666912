"""Pattern 2: Jones & Sasser's satisfaction-retention curves, monopoly and competition.

Retention against satisfaction (``sim.analysis.satisfaction_curve``): each customer active at
a firm at ``t0`` is binned by cumulative satisfaction and counted as retained if still in the
same relationship ``HORIZON`` periods later. Ordinary runs of
``scenarios/water_utility_monopoly.yaml`` (a monopoly deregulated at period ``at``), curves
before deregulation (t0 = ``at - 2 HORIZON``) and from it (t0 = ``at``), and of the
competitive two-firm ``scenarios/validation/stationary_market.yaml``; both with satisfaction
responding to the level of performance (``PERFORMANCE``), without which the satisfied top of
the curve is never populated.
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
# Satisfaction responds to the level of performance (ODD 7.2, g_perf); the model default is 0
# (pure disconfirmation), see docs/validation.md, pattern 2, for why this pattern sets it.
PERFORMANCE = ["params.experience.gain_performance=2.0"]
HORIZON, COMPETITIVE_T0, MIN_COUNT = 12, 60, 50
FLAT, TOP, MID, RISE, STEEP, DROP = 0.05, 0.8, 0.5, 0.15, 0.1, 0.3

CRITERIA = (
    Criterion("monopoly_flat", f"monopoly before deregulation: {HORIZON}-period retention by "
              "satisfaction bin", f">= 0.9 in every bin, spread <= {FLAT}"),
    Criterion("competitive_rises", "competitive market: highest populated satisfaction bin; "
              "its retention minus the least satisfied bin's",
              f"bin starts >= {TOP}; rise >= {RISE}"),
    Criterion("competitive_steep_top", "competitive market: retention of the most satisfied "
              f"bin minus the bin at {MID}-{MID + 0.1}", f">= {STEEP}"),
    Criterion("deregulation_moves", "monopoly from deregulation on: fall of mean retention; "
              "distance of mean retention to the competitive market's",
              f"fall >= {DROP}; distance smaller than before"),
)
def curve(model: Market, firm: str, t0: int) -> pd.DataFrame:
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


def _top(df: pd.DataFrame) -> tuple[float, float]:
    """Lower edge of the most satisfied populated bin, and its retention minus the MID bin's."""
    d = df.dropna(subset=["retention"])
    mid = d.loc[np.isclose(d["bin_low"], MID), "retention"]
    if d.empty or mid.empty:
        return float("nan"), float("nan")
    return float(d["bin_low"].iloc[-1]), float(d["retention"].iloc[-1] - mid.iloc[0])


def check(seed: int, quick: bool) -> Outcome:
    """The three curves for one seed."""
    n = 6000 if quick else None
    sc = load_scenario(MONOPOLY, PERFORMANCE, customers=n)
    at = event_period(sc)
    model = Market(sc, seed=seed)
    before = curve(model, "city_water", at - 2 * HORIZON)
    after = curve(model, "city_water", at)
    comp = curve(Market(load_scenario(COMPETITIVE, PERFORMANCE, customers=n,
                                      periods=COMPETITIVE_T0 + HORIZON), seed=seed),
                 "alpha", COMPETITIVE_T0)
    rb = before["retention"].dropna()
    top_bin, top_rise = _top(comp)
    values = {"monopoly_min": float(rb.min()), "monopoly_spread": float(rb.max() - rb.min()),
              "competitive_span": _span(comp), "competitive_top_bin": top_bin,
              "competitive_top_rise": top_rise, "deregulated_span": _span(after),
              "monopoly_retention": float(before["overall"].iloc[0]),
              "deregulated_retention": float(after["overall"].iloc[0]),
              "competitive_retention": float(comp["overall"].iloc[0])}
    values["deregulation_fall"] = values["monopoly_retention"] - values["deregulated_retention"]
    values["distance_before"] = abs(values["monopoly_retention"]
                                    - values["competitive_retention"])
    values["distance_after"] = abs(values["deregulated_retention"]
                                   - values["competitive_retention"])
    passed = {"monopoly_flat": values["monopoly_min"] >= 0.9 and values["monopoly_spread"] <= FLAT,
              "competitive_rises": top_bin >= TOP - 1e-9 and values["competitive_span"] >= RISE,
              "competitive_steep_top": top_rise >= STEEP,
              "deregulation_moves": (values["deregulation_fall"] >= DROP
                                     and values["distance_after"] < values["distance_before"])}
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
