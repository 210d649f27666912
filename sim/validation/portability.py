"""Pattern 3: the number-portability pulse is made of spuriously loyal customers.

Ordinary runs of ``scenarios/number_portability.yaml``, whose event timeline lowers the
technical bond (keeping one's number) at period ``at``. The trajectories count each period's
losses by the Dick & Basu type the customer held at the start of the period
(``lost_loyal_*``) and the active customers by type at its end (``loyal_*``). Measured over
the ``WINDOW`` periods from the event: the pulse (losses against the mean before it), the
share of the pulse's losses that were spuriously loyal, and the loss rate of the spuriously
loyal against the truly loyal (losses / customers of that type at the end of the previous
period).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..api import run
from ..scenario import Scenario, load_scenario
from .base import SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = SCENARIOS / "number_portability.yaml"
WINDOW, BEFORE = 6, 12
PULSE, SHARE, RATIO = 2.0, 0.5, 2.0
TYPES = ("true", "spurious", "latent", "none")

CRITERIA = (
    Criterion("pulse", f"losses in the {WINDOW} periods from the switching-cost drop / "
              f"{WINDOW} x mean losses per period in the {BEFORE} before", f">= {PULSE}"),
    Criterion("spurious_share", "share of those losses that were spuriously loyal just before",
              f">= {SHARE}"),
    Criterion("spurious_vs_true", "loss rate of spuriously loyal / loss rate of truly loyal in "
              "the window", f">= {RATIO}"),
)


def event_period(scenario: Scenario) -> int:
    """Period of the first event of the scenario's timeline (the switching-cost drop)."""
    return min(int(e.at) for e in scenario.events)


def measure(traj: pd.DataFrame, at: int) -> tuple[dict, dict]:
    """Criteria and values from one run's trajectories (all firms pooled)."""
    cols = ["lost", *(f"lost_loyal_{k}" for k in TYPES), *(f"loyal_{k}" for k in TYPES)]
    g = traj.groupby("period")[cols].sum()
    window = g.loc[at:at + WINDOW - 1]
    before = g.loc[max(at - BEFORE, 0):at - 1, "lost"].mean()
    prev = g.shift(1).loc[at:at + WINDOW - 1]
    rate = {k: window[f"lost_loyal_{k}"].sum() / max(prev[f"loyal_{k}"].sum(), 1)
            for k in ("true", "spurious")}
    lost = window["lost"].sum()
    values = {"event_period": float(at), "lost_window": float(lost),
              "lost_before_per_period": float(before),
              "pulse_ratio": float(lost / max(WINDOW * before, 1e-9)),
              "spurious_share": float(window["lost_loyal_spurious"].sum() / max(lost, 1)),
              "loss_rate_spurious": float(rate["spurious"]),
              "loss_rate_true": float(rate["true"]),
              "rate_ratio": float(rate["spurious"] / max(rate["true"], 1e-9))}
    passed = {"pulse": values["pulse_ratio"] >= PULSE,
              "spurious_share": values["spurious_share"] >= SHARE,
              "spurious_vs_true": values["rate_ratio"] >= RATIO}
    return passed, values


def check(seed: int, quick: bool) -> Outcome:
    """Run the portability scenario with ``seed`` (fewer customers when quick)."""
    sc = load_scenario(SCENARIO, customers=6000 if quick else None)
    traj = run(sc, seed=seed, progress=False).trajectories
    passed, values = measure(traj, event_period(sc))
    cols = ["period", "lost", *(f"lost_loyal_{k}" for k in TYPES)]
    return Outcome("portability", seed, passed, values, traj[cols].groupby("period").sum())


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Losses per period by loyalty type before the loss (first seed), event marked."""
    first = outcomes[0]
    df = first.data
    fig, axes = new_figure(1, 1, f"Pattern 3: number portability pulse (seed {first.seed})")
    ax = axes[0, 0]
    ax.stackplot(df.index, *(df[f"lost_loyal_{k}"] for k in TYPES),
                 labels=[f"lost, was {k}ly loyal" if k != "none" else "lost, was not loyal"
                         for k in TYPES], alpha=0.85)
    ax.axvline(first.values["event_period"], color="k", ls="--", lw=1,
               label="switching cost drops")
    ax.set_xlabel("period (month)")
    ax.set_ylabel("customers lost per period (all operators)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return [save(fig, out_dir / "pattern3_portability.png")]


PATTERN = Pattern(
    key="portability", number=3, title="Number portability pulse",
    source="Teaching seed 002; Jones & Sasser (1995); Dick & Basu (1994); DOMAIN.md 4.3",
    criteria=CRITERIA, check=check, plot=plot, scenario=SCENARIO,
    measure=lambda traj, scenario: measure(traj, event_period(scenario)))
