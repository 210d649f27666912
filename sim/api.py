"""Python API: run a scenario and get pandas DataFrames.

Example:
    >>> from sim import run
    >>> result = run("scenarios/nanyuan_vs_eaton.yaml", seed=3, customers=5000)
    >>> result.trajectories.groupby("firm").profit.sum()
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .model import Market
from .scenario import Scenario, load_scenario


@dataclass
class RunResult:
    """What one run produces.

    Attributes:
        scenario: The resolved scenario that ran.
        seed: The seed it ran with.
        trajectories: One row per period and firm (columns in docs/ODD.md 2.4).
        customers: The followed customers' state per period (empty if none followed).
        model: The model in its final state (inspect ``model.customer(i)``).
    """

    scenario: Scenario
    seed: int
    trajectories: pd.DataFrame
    customers: pd.DataFrame
    model: Market = field(repr=False)


def run(scenario: str | Path | Scenario, seed: int | None = None, *,
        overrides: Sequence[str] = (), customers: int | None = None,
        periods: int | None = None, follow: Sequence[int] = (),
        progress: bool | None = None) -> RunResult:
    """Run a scenario (a path or a ``Scenario``) to its horizon.

    Args:
        scenario: Path to a YAML file, or a validated ``Scenario``.
        seed: Seed; defaults to the scenario's.
        overrides: ``path.to.key=VALUE`` strings (only with a path).
        customers: Override the market size.
        periods: Override the horizon.
        follow: Customer indices to record every period.
        progress: Show a progress bar (default: when stderr is a terminal).
    """
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario, overrides, customers, periods)
    elif customers is not None or periods is not None or overrides:
        raise ValueError("overrides, customers and periods need a scenario path")
    model = Market(scenario, seed=seed, follow=follow)
    show = sys.stderr.isatty() if progress is None else progress
    for _ in tqdm(range(scenario.horizon), desc=scenario.name, unit=scenario.period,
                  disable=not show, leave=False):
        model.step()
    return RunResult(scenario, model.seed, model.trajectories(), followed_frame(model), model)


def followed_frame(model: Market) -> pd.DataFrame:
    """Flatten ``model.customer_log`` into one row per period, customer and firm."""
    rows = []
    for rec in model.customer_log:
        base = {k: v for k, v in rec.items() if k not in ("firms", "weights")}
        for fid, state in rec["firms"].items():
            flat = {k: v for k, v in state.items() if k != "bonds"}
            flat.update({f"bond_{b}": x for b, x in state["bonds"].items()})
            rows.append({**base, "firm": fid, **flat})
    return pd.DataFrame(rows)
