"""The calibration file schema: base scenario, observed curve, target, parameters, optimiser."""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..config import Block as Strict
from ..metrics import COLUMNS
from .schema import Overrides, RangeFactor

TEXT_COLUMNS = ("firm",)
"""Columns of trajectories.csv that hold text, so cannot be compared with observed numbers."""


class Observed(Strict):
    """The observed curve: a CSV with a period column and a value column."""

    file: str = Field(min_length=1, description="CSV file, relative to the calibration file")
    period: str = Field("period", min_length=1, description="column of period numbers")
    value: str = Field("value", min_length=1, description="column of observed values")


class Target(Strict):
    """Which simulated curve is compared with the observed one."""

    firm: str = Field(min_length=1)
    metric: str = Field("retention_rate", description=(
        "a numeric column of trajectories.csv (not 'firm', which is text)"))
    cumulative_product: bool = Field(
        False, description="compare the running product (e.g. retention -> survival of the "
                           "period-0 base, ignoring returns)")

    @field_validator("metric")
    @classmethod
    def _known(cls, col: str) -> str:
        if col not in COLUMNS:
            guess = difflib.get_close_matches(col, COLUMNS, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            raise ValueError(f"unknown metric {col!r}; {hint}metrics are the columns of "
                             f"trajectories.csv: {', '.join(COLUMNS)}")
        if col in TEXT_COLUMNS:
            raise ValueError(f"{col!r} is a text column, not a metric; choose a numeric "
                             f"column of trajectories.csv, e.g. retention_rate, market_share, "
                             f"customers_active, cumulative_profit")
        return col


class Optimizer(Strict):
    """Search settings: a Latin hypercube scan, then a bounded local search (SciPy)."""

    method: Literal["nelder-mead", "powell"] = "nelder-mead"
    initial_points: int = Field(8, ge=0, le=10_000, description="points of the initial scan")
    max_evaluations: int = Field(60, ge=1, le=1_000_000)
    xtol: float = Field(0.005, gt=0, le=0.5, description="tolerance, as a share of each range")


class Calibration(Strict):
    """A calibration: fit ``parameters`` so the target curve matches ``observed``."""

    name: str = Field("calibration", min_length=1)
    description: str = ""
    scenario: str = Field(min_length=1, description="base scenario, relative to this file")
    overrides: Overrides = Field(default_factory=list)
    observed: Observed
    target: Target
    parameters: list[RangeFactor] = Field(min_length=1, max_length=50)
    replications: int = Field(3, ge=1, le=10_000)
    seed: int = Field(0, ge=0)
    optimizer: Optimizer = Optimizer()

    @model_validator(mode="after")
    def _unique_labels(self) -> Calibration:
        labels = [p.label for p in self.parameters]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise ValueError(f"parameters need unique names, {dup} repeat; give each a name")
        return self
