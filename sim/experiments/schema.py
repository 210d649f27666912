"""The experiment file schema: a base scenario, overrides, a design, replications and outputs.

An experiment YAML is validated like a scenario (``sim.scenario.validate``): every problem
names the file, the field path, the line, the bad value and what is allowed.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..config import Block as Strict
from ..metrics import COLUMNS

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.,+=-]*$"
Overrides = list[str] | dict[str, Any]
"""``["path.to.key=VALUE", ...]`` (as ``--set``) or ``{path.to.key: VALUE}`` (VALUE as YAML)."""


RUN_COLUMNS = ("variant", "variant_index", "replication", "seed", "run")


class Factor(Strict):
    """A scenario field the design varies, addressed like ``--set`` (list items by id/type)."""

    path: str = Field(min_length=1, pattern=r"^[^=\s]+$",
                      description="path.to.key, e.g. firms.eaton.strategies.3.discount")
    name: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                             description="column name (default: the path's last part)")

    @property
    def label(self) -> str:
        """The factor's column name."""
        return self.name or re.sub(r"\W", "_", self.path.rsplit(".", 1)[-1])


class GridFactor(Factor):
    """A factor with explicit values (a grid is their cartesian product)."""

    values: list[Any] = Field(min_length=1)


class RangeFactor(Factor):
    """A factor sampled uniformly from [low, high] (rounded if ``integer``)."""

    low: float
    high: float
    integer: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> RangeFactor:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        return self


def check_labels(factors: list[Factor]) -> list[Factor]:
    """Factor names must be unique and must not clash with result columns."""
    labels = [f.label for f in factors]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise ValueError(f"factor names {dup} repeat; give each factor a unique name")
    clash = sorted(set(labels) & (set(COLUMNS) | set(RUN_COLUMNS)))
    if clash:
        raise ValueError(f"factor names {clash} clash with result columns; choose other names")
    return factors


class Variant(Strict):
    """A named variant: overrides applied on top of the experiment's base."""

    name: str = Field(pattern=NAME_PATTERN, max_length=120)
    overrides: Overrides = Field(default_factory=list)


class GridDesign(Strict):
    """Every combination of the factors' values."""

    type: Literal["grid"]
    factors: list[GridFactor] = Field(min_length=1, description=(
        "the grid is the product of the factors' values: at most limits.points (default "
        "10,000) combinations"))
    _labels = field_validator("factors")(check_labels)


class VariantsDesign(Strict):
    """A list of named variants, e.g. ``eaton=price_promotion`` vs ``eaton=relationship``."""

    type: Literal["variants"]
    variants: list[Variant] = Field(min_length=1)

    @field_validator("variants")
    @classmethod
    def _unique(cls, variants: list[Variant]) -> list[Variant]:
        names = [v.name for v in variants]
        dup = sorted({x for x in names if names.count(x) > 1})
        if dup:
            raise ValueError(f"variant names must be unique, {dup} repeat")
        return variants


class LatinHypercubeDesign(Strict):
    """``samples`` points of a Latin hypercube over the factors' ranges."""

    type: Literal["latin_hypercube"]
    samples: int = Field(ge=2, le=1_000_000, description=(
        "points; at most limits.points (default 10,000)"))
    factors: list[RangeFactor] = Field(min_length=1)
    _labels = field_validator("factors")(check_labels)


class SobolDesign(Strict):
    """Saltelli sampling for Sobol indices: ``samples * (D + 2)`` points.

    With ``second_order`` it is ``samples * (2D + 2)`` points.
    """

    type: Literal["sobol"]
    samples: int = Field(ge=2, le=1_048_576, description=(
        "base sample size, a power of 2; the samples x (D + 2) points (2D + 2 with second "
        "order) are at most limits.points (default 10,000)"))
    second_order: bool = False
    factors: list[RangeFactor] = Field(min_length=2)
    _labels = field_validator("factors")(check_labels)

    @field_validator("samples")
    @classmethod
    def _power_of_two(cls, n: int) -> int:
        if n & (n - 1):
            raise ValueError(f"must be a power of 2 (e.g. {1 << (n.bit_length() - 1)} or "
                             f"{1 << n.bit_length()})")
        return n


class MorrisDesign(Strict):
    """Morris elementary effects: ``trajectories * (D + 1)`` points on a ``levels`` grid."""

    type: Literal["morris"]
    trajectories: int = Field(ge=2, le=100_000, description=(
        "trajectories; the trajectories x (D + 1) points are at most limits.points (default "
        "10,000)"))
    levels: int = Field(4, ge=2, le=100)
    factors: list[RangeFactor] = Field(min_length=1)
    _labels = field_validator("factors")(check_labels)


Design = Annotated[GridDesign | VariantsDesign | LatinHypercubeDesign | SobolDesign
                   | MorrisDesign, Field(discriminator="type")]


class Limits(Strict):
    """Upper bounds on the work of an experiment, checked before anything runs.

    They stop a typo (a grid of 10^9 points, ``replications: 100000``) from running until
    killed. To run more, raise the bound deliberately in the experiment file, e.g.
    ``limits: {points: 50000}``.
    """

    points: int = Field(
        10_000, ge=1, description="design points (variants) at most: the grid's product of "
                                  "value counts, or the points of a sampled design")
    replications: int = Field(1_000, ge=1, description="replications at most")
    runs: int = Field(100_000, ge=1, description="runs (design points x replications) at most")


class Experiment(Strict):
    """An experiment: what to run, how many times, and what to keep."""

    name: str = Field("experiment", min_length=1)
    description: str = ""
    scenario: str = Field(min_length=1, description="base scenario, relative to this file")
    overrides: Overrides = Field(default_factory=list)
    design: Design = Field(default_factory=lambda: VariantsDesign(
        type="variants", variants=[Variant(name="base")]))
    replications: int = Field(1, ge=1, le=100_000, description=(
        "runs per design point; at most limits.replications (default 1,000)"))
    seed: int = Field(0, ge=0, description="root seed of every run's seed (SeedSequence)")
    common_random_numbers: bool = Field(
        True, description="replication r uses the same seed in every variant")
    outputs: list[str] | None = Field(None, description="trajectory columns to keep (all)")
    limits: Limits = Field(default_factory=Limits, description=(
        "bounds on design points (10,000), replications (1,000) and runs (100,000), checked "
        "before anything runs; raise them here deliberately to run more"))

    @field_validator("outputs")
    @classmethod
    def _known_outputs(cls, cols: list[str] | None) -> list[str] | None:
        for col in cols or ():
            if col not in COLUMNS:
                guess = difflib.get_close_matches(col, COLUMNS, n=1)
                hint = f"did you mean {guess[0]!r}? " if guess else ""
                raise ValueError(f"unknown output {col!r}; {hint}outputs are the columns of "
                                 f"trajectories.csv: {', '.join(COLUMNS)}")
        return cols
