"""The calibration file schema: scenario, observed curves, targets, window, parameters, search.

One target (``target``, compared with ``observed.value``) or several (``targets``, each
with its own observed column and weight); a calibration window and a holdout window
(``window``); parameters are ranges on any scenario path, optionally searched on a log
scale, with a ``complement`` path set to 1 - value (the other segment's share).
"""

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
    """The observed curves: a CSV with a period column and value columns."""

    file: str = Field(min_length=1, description="CSV file, relative to the calibration file")
    period: str = Field("period", min_length=1, description="column of period numbers")
    value: str = Field("value", min_length=1, description="column of observed values (of "
                                                          "``target``; ``targets`` name theirs)")
    offset: int = Field(0, ge=-1_000_000, le=1_000_000, description=(
        "added to an observed period to give the simulated period (observed.csv of run.py "
        "data import numbers periods from 1, the simulator from 0: use -1)"))


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
        return check_metric(col)


def check_metric(col: str, derived: tuple[str, ...] = ()) -> str:
    """``col`` if it is a numeric trajectories column (or one of ``derived``).

    Raises:
        ValueError: An unknown or text column.
    """
    if col in derived:
        return col
    if col not in COLUMNS:
        guess = difflib.get_close_matches(col, [*COLUMNS, *derived], n=1)
        hint = f"did you mean {guess[0]!r}? " if guess else ""
        raise ValueError(f"unknown metric {col!r}; {hint}metrics are the columns of "
                         f"trajectories.csv: {', '.join(COLUMNS)}"
                         + (f" and {', '.join(derived)}" if derived else ""))
    if col in TEXT_COLUMNS:
        raise ValueError(f"{col!r} is a text column, not a metric; choose a numeric "
                         f"column of trajectories.csv, e.g. retention_rate, market_share, "
                         f"customers_active, cumulative_profit")
    return col



class TargetCurve(Strict):
    """One of several targets: an observed column, the simulated curve it is compared with."""

    name: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                             description="label in the outputs (default: the column)")
    firm: str | None = Field(None, min_length=1, description="default: the only firm")
    column: str = Field(min_length=1, description="column of the observed CSV")
    metric: str = Field("repeat_transactions", description=(
        "a numeric column of trajectories.csv or a derived one (repeat_transactions = "
        "transactions - new_customers; transactions = served unless params.occasions counts "
        "several purchases a period)"))
    transform: Literal["none", "cumulative_sum", "cumulative_product"] = Field(
        "none", description="compare the running sum (e.g. cumulative repeat transactions) "
                            "or product of the simulated metric")
    weight: float = Field(1.0, gt=0, le=1e6, description="weight in the objective")
    scale: Literal["mean", "none"] = Field(
        "mean", description="divide the RMSE by the mean absolute observed value in the "
                            "calibration window (so targets of different units can be added)")

    @field_validator("metric")
    @classmethod
    def _known(cls, col: str) -> str:
        return check_metric(col, tuple(DERIVED_METRICS))

    @property
    def label(self) -> str:
        """The target's name in the outputs."""
        return self.name or self.column


DERIVED_METRICS = {"repeat_transactions": ("transactions", "new_customers")}
"""Simulated metrics computed from two trajectory columns (the first minus the second)."""


class Window(Strict):
    """Calibration and holdout windows, in observed periods (both ends included)."""

    fit_from: int | None = Field(None, ge=0, description="first period fitted (default: the "
                                                         "first observed)")
    fit_until: int = Field(ge=0, description="last period fitted; later ones are the holdout")
    holdout_until: int | None = Field(None, ge=0, description="last holdout period (default: "
                                                              "the last observed)")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.fit_from is not None and self.fit_from > self.fit_until:
            raise ValueError(f"fit_from ({self.fit_from}) is after fit_until ({self.fit_until})")
        if self.holdout_until is not None and self.holdout_until <= self.fit_until:
            raise ValueError(f"holdout_until ({self.holdout_until}) must be after fit_until "
                             f"({self.fit_until})")
        return self


class Parameter(RangeFactor):
    """A calibrated parameter: a range on a scenario path."""

    log: bool = Field(False, description="search on a log scale (low must be > 0)")
    complement: str | None = Field(
        None, min_length=1, pattern=r"^[^=\s]+$",
        description="a path set to 1 - value (e.g. the other segment's share)")

    @model_validator(mode="after")
    def _positive(self) -> Parameter:
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scale parameter needs low > 0, not {self.low:g}")
        return self


METHODS = ("nelder-mead", "powell", "tpe", "differential-evolution")


class Optimizer(Strict):
    """Search settings.

    ``nelder-mead``/``powell``: a Latin hypercube scan (evaluated in parallel), then a
    bounded local search (SciPy). ``tpe``: optuna's tree-structured Parzen estimator, asking
    ``batch`` candidates at a time (evaluated in parallel). ``differential-evolution``:
    SciPy's, each generation evaluated in parallel. ``polish``: the last evaluations of a tpe
    or differential-evolution search go to a local search from its best point.
    """

    method: Literal["nelder-mead", "powell", "tpe", "differential-evolution"] = "nelder-mead"
    initial_points: int = Field(8, ge=0, le=10_000, description="points of the initial scan "
                                                                "(tpe: its random start-up)")
    max_evaluations: int = Field(60, ge=1, le=1_000_000)
    xtol: float = Field(0.005, gt=0, le=0.5, description="tolerance, as a share of each range")
    batch: int = Field(4, ge=1, le=10_000, description=(
        "tpe: candidates asked at a time (evaluated in parallel); the result depends on it, "
        "never on the number of workers"))
    population: int = Field(8, ge=4, le=10_000, description="differential-evolution: "
                                                             "candidates per generation")
    polish: int = Field(0, ge=0, le=1_000_000, description=(
        "tpe, differential-evolution: evaluations of the budget kept for a bounded "
        "Nelder-Mead from the best point found (one candidate at a time)"))


class Calibration(Strict):
    """A calibration: fit ``parameters`` so the target curve matches ``observed``."""

    name: str = Field("calibration", min_length=1)
    description: str = ""
    scenario: str = Field(min_length=1, description="base scenario, relative to this file")
    overrides: Overrides = Field(default_factory=list)
    observed: Observed
    target: Target | None = Field(None, description="one target (observed.value)")
    targets: list[TargetCurve] | None = Field(None, min_length=1, max_length=20,
                                              description="several targets, with weights")
    window: Window | None = Field(None, description="default: fit every observed period")
    parameters: list[Parameter] = Field(min_length=1, max_length=50)
    replications: int = Field(3, ge=1, le=10_000, description="runs per candidate, with the "
                                                              "same seeds for every candidate")
    seed: int = Field(0, ge=0)
    optimizer: Optimizer = Optimizer()

    @model_validator(mode="after")
    def _unique_labels(self) -> Calibration:
        labels = [p.label for p in self.parameters]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise ValueError(f"parameters need unique names, {dup} repeat; give each a name")
        if (self.target is None) == (self.targets is None):
            raise ValueError("give either target (one curve, observed.value) or targets "
                             "(several, each with its column)")
        names = [t.label for t in self.targets or []]
        dup = sorted({x for x in names if names.count(x) > 1})
        if dup:
            raise ValueError(f"targets need unique names, {dup} repeat; give each a name")
        return self

    def curves(self) -> list[TargetCurve]:
        """Every target as a ``TargetCurve`` (``target`` compares ``observed.value``, raw RMSE)."""
        if self.targets is not None:
            return list(self.targets)
        t = self.target
        assert t is not None  # one of the two, checked above
        return [TargetCurve(firm=t.firm, column=self.observed.value, metric=t.metric,
                            transform="cumulative_product" if t.cumulative_product else "none",
                            scale="none")]
