"""Pattern 7: mean customer lifetime tracks 1 / (1 - retention) (retention arithmetic).

Ordinary runs of a stationary two-firm market (``scenarios/validation/stationary_market.yaml``)
in two variants with different retention. After a burn-in, r is the pooled period retention
rate of the trajectories (1 - losses / active at the start of the period) and the mean
lifetime is measured customer by customer: the Kaplan-Meier restricted mean length of the
relationships that began in a window, followed to the end of the run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..analysis import expected_lifetime, kaplan_meier, restricted_mean, run_with_spells
from ..model import Market
from ..scenario import load_scenario
from .base import VALIDATION_SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = VALIDATION_SCENARIOS / "stationary_market.yaml"
VARIANTS = {
    "base": [],
    "fickle": ["params.churn.dormancy=6", "market.segments.0.outside_utility=3.3"],
}
TOLERANCE = 0.05
# (customers, periods, burn-in, window of spell starts); quick is smaller and shorter
SIZES = {False: (None, 300, 60, 100), True: (2000, 180, 30, 50)}

CRITERIA = tuple(
    Criterion(f"lifetime_{name}", f"{name} variant: measured mean lifetime / (1 / (1 - r))",
              f"within 1 +/- {TOLERANCE}") for name in VARIANTS)


def measure(name: str, seed: int, quick: bool) -> dict:
    """r, 1 / (1 - r) and the Kaplan-Meier mean lifetime of one variant's run."""
    customers, periods, burn_in, window = SIZES[quick]
    sc = load_scenario(SCENARIO, VARIANTS[name], customers=customers, periods=periods)
    model = Market(sc, seed=seed)
    spells = run_with_spells(model)
    traj = model.trajectories()
    steady = traj[traj["period"] >= burn_in]
    r = 1 - steady["lost"].sum() / steady["active_start"].sum()
    cohort = spells[(spells["start"] >= burn_in) & (spells["start"] < burn_in + window)]
    km = kaplan_meier(cohort["duration"], cohort["event"])
    followed = periods - (burn_in + window)
    return {"retention": float(r), "expected": expected_lifetime(float(r)),
            "measured": restricted_mean(km, followed), "spells": float(len(cohort)),
            "censored_share": float(1 - cohort["event"].mean())}


def check(seed: int, quick: bool) -> Outcome:
    """Both variants with ``seed``."""
    values: dict[str, float] = {}
    passed: dict[str, bool] = {}
    for name in VARIANTS:
        m = measure(name, seed, quick)
        values |= {f"{name}_{k}": v for k, v in m.items()}
        ratio = m["measured"] / m["expected"]
        values[f"{name}_ratio"] = ratio
        passed[f"lifetime_{name}"] = abs(ratio - 1) <= TOLERANCE
    return Outcome("arithmetic", seed, passed, values)


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Measured mean lifetime against 1 / (1 - r), one point per seed and variant."""
    fig, axes = new_figure(1, 1, "Pattern 7: mean lifetime = 1 / (1 - retention)")
    ax = axes[0, 0]
    top = 0.0
    for k, name in enumerate(VARIANTS):
        x = [o.values[f"{name}_expected"] for o in outcomes]
        y = [o.values[f"{name}_measured"] for o in outcomes]
        ax.scatter(x, y, color=f"C{k}", label=f"{name} variant", s=18)
        top = max(top, *x, *y)
    line = np.array([0, top * 1.1])
    ax.plot(line, line, color="grey", lw=1, label="y = x")
    ax.fill_between(line, line * (1 - TOLERANCE), line * (1 + TOLERANCE), color="grey",
                    alpha=0.15, label=f"+/- {TOLERANCE:.0%}")
    ax.set_xlabel("1 / (1 - r), r = period retention rate (periods)")
    ax.set_ylabel("measured mean lifetime (Kaplan-Meier, periods)")
    ax.grid(alpha=0.3)
    ax.legend()
    return [save(fig, out_dir / "pattern7_arithmetic.png")]


PATTERN = Pattern(
    key="arithmetic", number=7, title="Retention arithmetic",
    source="Reichheld & Sasser (1990); Gupta, Lehmann & Stuart (2004); DOMAIN.md 4.6",
    criteria=CRITERIA, check=check, plot=plot)
