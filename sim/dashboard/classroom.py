"""The model the dashboard drives: one market under two strategy settings, stepped together.

``Classroom`` is a thin Mesa model around two ``sim.model.Market`` instances built from the
same scenario file and seed: setting A takes the dashboard's levers, setting B the same levers
with one of them changed (the comparison). Both markets are ordinary ``Market`` objects built
from overridden scenarios, exactly as ``python run.py run --set ...`` would build them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
import yaml

from ..metrics import COLUMNS
from ..model import Market
from ..scenario import load_scenario
from . import live
from .levers import Lever, Value, levers_for, overrides_for

NO_COMPARISON = "none"
FOLLOW_SAMPLE = 200  # customers recorded every period for "follow a customer"


class Setting:
    """One market under one strategy setting, with its trajectory rows kept as it runs.

    Args:
        path: Scenario file.
        overrides: ``path.to.key=VALUE`` strings.
        seed: Seed of the market.
        customers: Market size (None: the scenario's).
        follow: Extra customer indices to record besides the automatic sample.
    """

    def __init__(self, path: str, overrides: list[str], seed: int, customers: int | None = None,
                 follow: Iterable[int] = ()) -> None:
        self.overrides = list(overrides)
        scenario = load_scenario(path, self.overrides, customers)
        n = scenario.market.customers
        assert n is not None  # filled in by the schema's validator
        sample = np.linspace(0, n - 1, min(FOLLOW_SAMPLE, n)).astype(int).tolist()
        wanted = sorted(set(sample) | {int(i) for i in follow if 0 <= int(i) < n})
        self.market = Market(scenario, seed=seed, follow=wanted)
        self.seed = seed
        self.rows: list[dict] = []
        self.changes: list[tuple[int, str, object]] = []
        self._frame: pd.DataFrame | None = None

    def live_levers(self) -> list[live.LiveLever]:
        """The live levers at their current values."""
        return live.levers(self.market)

    def set_live(self, key: str, value: object) -> None:
        """Apply a live lever from the next period on (ValueError if out of bounds)."""
        lever = next((lv for lv in self.live_levers() if lv.key == key), None)
        if lever is None:
            raise ValueError(f"no live lever {key!r}")
        if value == lever.value:
            return
        live.apply(self.market, lever, value)
        self.changes.append((self.market.t, key, lever.check(value)))

    @property
    def inexact(self) -> list[tuple[int, str, object]]:
        """Live changes a scenario file cannot replay at their period (service budgets)."""
        return [c for c in self.changes if c[1].endswith("__budget") and c[0] > 0]

    def step(self) -> None:
        """Advance one period and keep every firm's row."""
        self.market.step()
        self.rows += [dict(f.metrics) for f in self.market.firms]
        self._frame = None

    def frame(self) -> pd.DataFrame:
        """Trajectories so far (one row per period and firm), cached between steps."""
        if self._frame is None:
            cols = list(self.rows[0]) if self.rows else list(COLUMNS)
            self._frame = pd.DataFrame(self.rows, columns=cols)
        return self._frame


class Classroom(mesa.Model):
    """Setting A (the levers) and setting B (A with one lever changed), run side by side.

    Args:
        case: Path of the scenario file. Not called ``scenario``: from Mesa 3.5 on, SolaraViz
            passes a Mesa ``Scenario`` to a model whose ``__init__`` takes ``scenario``.
        seed: Seed as an integer (text from the dashboard is parsed).
        customers: Market size; 0 keeps the scenario's.
        follow: Customer id to follow ("" or "auto": the app picks one).
        compare_lever: Label of the lever setting B changes, or "none".
        compare_value: The value setting B gives it (YAML text: 0, 350, true ...).
        **kwargs: Lever values keyed by ``Lever.key`` (missing ones keep the scenario's; Mesa
            requires the catch-all to be named ``kwargs``).
    """

    def __init__(self, case: str = "", seed: object = "1", customers: int = 0,
                 follow: object = "auto", compare_lever: str = NO_COMPARISON,
                 compare_value: object = "0", **kwargs: Any) -> None:
        if not case:
            raise ValueError("Classroom needs the scenario file (case=...)")
        self.notes: list[str] = []
        self.seed_value = self._parse_seed(seed, case)
        super().__init__(rng=self.seed_value)
        self.path = case
        base = load_scenario(case)
        self.title = base.name
        self.period = base.period
        self.levers = levers_for(base)
        self.values = {lv.key: kwargs.get(lv.key, lv.value) for lv in self.levers}
        self.follow_id = self._parse_follow(follow)
        size = int(customers) or None
        extra = [self.follow_id] if self.follow_id is not None else []
        self.a = Setting(case, overrides_for(self.levers, self.values), self.seed_value,
                         size, extra)
        self.compare = self._comparison(compare_lever, compare_value)
        self.b: Setting | None = None
        if self.compare:
            values = {**self.values, self.compare[0].key: self.compare[1]}
            self.b = Setting(case, overrides_for(self.levers, values), self.seed_value,
                             size, extra)
        self.running = True

    def _parse_seed(self, seed: object, path: str) -> int:
        """An integer seed; anything else falls back to the scenario's seed, with a note."""
        try:
            value = int(str(seed).strip())
            if value < 0:
                raise ValueError
            return value
        except ValueError:
            fallback = load_scenario(path).seed
            self.notes.append(f"seed {seed!r} is not a whole number >= 0; using {fallback}")
            return fallback

    def _parse_follow(self, text: object) -> int | None:
        """The customer id to follow, or None to let the app pick."""
        text = str(text).strip().lower()
        if text in ("", "auto"):
            return None
        if text.isdigit():
            return int(text)
        self.notes.append(f"customer {text!r} is not a whole number; the app picks one")
        return None

    def _comparison(self, label: str, raw: object) -> tuple[Lever, Value] | None:
        """(lever, value) for setting B, or None when there is no comparison."""
        if label == NO_COMPARISON:
            return None
        match = [lv for lv in self.levers if lv.label == label]
        if not match:
            self.notes.append(f"setting B: no lever {label!r} in this scenario")
            return None
        try:
            value = match[0].coerce(yaml.safe_load(str(raw)))
        except (ValueError, TypeError, yaml.YAMLError):
            self.notes.append(f"setting B: {raw!r} is not a value for {label!r}")
            return None
        return match[0], value

    @property
    def settings(self) -> list[tuple[str, Setting]]:
        """[("A", setting), ("B", setting)] (B only with a comparison)."""
        return [("A", self.a)] + ([("B", self.b)] if self.b else [])

    def step(self) -> None:
        """Advance both settings by one period."""
        for _, setting in self.settings:
            setting.step()
        self.running = self.a.market.running

    def describe_b(self) -> str:
        """One line saying what setting B changes."""
        if not self.compare:
            return "no comparison"
        lever, value = self.compare
        return f"{lever.label} = {value} (A: {self.values[lever.key]})"


def scenario_files(folder: Path) -> list[str]:
    """The scenario files in ``folder``, sorted (the dashboard's scenario picker)."""
    return sorted(str(p) for p in Path(folder).glob("*.yaml"))
