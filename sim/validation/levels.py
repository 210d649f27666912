"""Pattern 10: multi-level relationships cut losses after contact changes (ODD 7.25).

Ordinary runs of ``scenarios/certification_body_levels.yaml`` with the body's
``multi_level_contacts`` strategy covering every client, once at one level (the body knows
one contact person per client) and once at three. Per client and period the run tracks
whether the client had a contact change in the last ``after_window`` periods (the period of
the change included) and whether it was lost.

* Burst: known through one contact, clients lose at a higher rate per period in the window
  after a change than outside it (a relationship held by one person breaks when they leave;
  teaching seed 000).
* Cut: known at three levels, clients lose at a lower rate after a change than at one level
  (breadth keeps the relationship; Palmatier et al. 2007), and the body loses fewer clients
  over the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..constants import ACTIVE, LOST
from ..contacts import Contacts
from ..model import Market
from ..scenario import load_scenario
from .base import SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = SCENARIOS / "certification_body_levels.yaml"
FIRM, STRATEGY, LEVELS, BURST = 0, 2, (1, 3), 1.3
CRITERIA = (
    Criterion("burst", "one contact: loss rate per period in the window after a contact change "
              "over the rate outside it", f">= {BURST}"),
    Criterion("after_change", "loss rate after a change, three levels over one level", "< 1"),
    Criterion("losses", "clients lost over the run, three levels over one level", "< 1"),
)


def measure(levels: int, seed: int, agents: int | None) -> dict[str, Any]:
    """One run at ``levels`` for every client: loss rates in and out of the window, losses."""
    over = [f"firms.{FIRM}.strategies.{STRATEGY}.levels={levels}",
            f"firms.{FIRM}.strategies.{STRATEGY}.segments=null"]
    sc = load_scenario(SCENARIO, over, customers=agents)
    m = Market(sc, seed=seed)
    mech, c = m.mechanism("contacts"), m.customers
    assert isinstance(mech, Contacts)
    window = sc.params.contacts.after_window
    risk, lost = np.zeros(2), np.zeros(2)  # [after a change, otherwise]
    per_period = []
    for t in range(sc.horizon):
        was_active = c.status[FIRM] == ACTIVE
        m.step()
        recent = mech.changed_t[FIRM] > t - window
        now = (c.status[FIRM] == LOST) & (c.lost_since[FIRM] == t) & was_active
        for k, sel in enumerate((was_active & recent, was_active & ~recent)):
            risk[k] += np.count_nonzero(sel)
            lost[k] += np.count_nonzero(sel & now)
        per_period.append(int(np.count_nonzero(now)))
    rate = lost / np.maximum(risk, 1)
    return {"rate_after": float(rate[0]), "rate_other": float(rate[1]),
            "losses": float(lost.sum()), "per_period": per_period}


def check(seed: int, quick: bool, agents: int | None = None) -> Outcome:
    """One and three levels with ``seed`` (2,000 agents when quick, else 20,000)."""
    n = agents or (2000 if quick else 20_000)
    one, three = (measure(k, seed, n) for k in LEVELS)
    values = {"one_rate_after": one["rate_after"], "one_rate_other": one["rate_other"],
              "three_rate_after": three["rate_after"], "three_rate_other": three["rate_other"],
              "burst": one["rate_after"] / max(one["rate_other"], 1e-12),
              "after_change_ratio": three["rate_after"] / max(one["rate_after"], 1e-12),
              "losses_ratio": three["losses"] / max(one["losses"], 1e-12)}
    passed = {"burst": values["burst"] >= BURST, "after_change": values["after_change_ratio"] < 1,
              "losses": values["losses_ratio"] < 1}
    data = {"one": one["per_period"], "three": three["per_period"]}
    return Outcome("levels", seed, passed, values, data)


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Loss rates after a change and otherwise per seed, and the first seed's losses."""
    fig, axes = new_figure(1, 2, "Pattern 10: multi-level relationships and contact changes")
    ax = axes[0][0]
    for key, label, mark in (("one_rate_after", "one contact, after a change", "o"),
                             ("one_rate_other", "one contact, otherwise", "."),
                             ("three_rate_after", "three levels, after a change", "s"),
                             ("three_rate_other", "three levels, otherwise", "x")):
        ax.plot([o.seed for o in outcomes], [o.values[key] for o in outcomes], mark, label=label)
    ax.set_xlabel("seed")
    ax.set_ylabel("clients lost per client and period")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    ax = axes[0][1]
    first = outcomes[0]
    for key, label in (("one", "one contact"), ("three", "three levels")):
        ax.plot(first.data[key], label=label)
    ax.set_title(f"seed {first.seed}")
    ax.set_xlabel("period (quarter)")
    ax.set_ylabel("clients lost (agents)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return [save(fig, out_dir / "pattern10_levels.png")]


PATTERN = Pattern(
    key="levels", number=10, title="Multi-level relationships cut losses after contact changes",
    source="teaching seed 000 (a relationship held by one person); Palmatier, Dant & Grewal "
           "(2007) on relationship breadth; docs/ODD.md 7.25",
    criteria=CRITERIA, check=check, plot=plot)
