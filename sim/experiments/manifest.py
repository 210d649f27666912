"""The shape of a sweep's ``manifest.json``, checked before a report or a resume reads it.

The manifest is written by ``sweep``; a damaged or hand-edited one is refused with the field
path, the bad value and what is allowed, instead of failing somewhere inside the report.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from ..scenario import InputError, Problem
from ..scenario.errors import fmt_path
from .schema import Experiment

LAYOUT = 2
"""Version of the folder layout: 2 = ``runs/variant_index=K/`` with the variant as a column."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class ManifestExperiment(_Loose):
    """The experiment a sweep ran."""

    name: str
    file: str
    fingerprint: str
    data: dict


class ManifestVariant(_Loose):
    """One design point."""

    index: int = Field(ge=0)
    name: str
    values: dict


class ManifestRun(_Loose):
    """One run and how it went."""

    run: int = Field(ge=0)
    variant: str
    variant_index: int = Field(ge=0)
    replication: int = Field(ge=0)
    seed: int = Field(ge=0)
    file: str = Field(pattern=r"^runs/variant_index=\d+/v\d+-r\d+\.parquet$")
    status: Literal["ok", "failed", "pending"]


class Manifest(_Loose):
    """What ``report`` and ``--resume`` read from a manifest."""

    layout: Literal[2] = Field(description="folder layout version (2: runs/variant_index=K/)")
    experiment: ManifestExperiment
    version: str
    replications: int = Field(ge=1)
    seed: int = Field(ge=0)
    common_random_numbers: bool
    variants: list[ManifestVariant] = Field(min_length=1)
    runs: list[ManifestRun]


def check_manifest(data: Any, path: str) -> None:
    """Raise ``InputError`` (field path, bad value, what is allowed) unless ``data`` fits."""
    if isinstance(data, dict) and "layout" not in data and "runs" in data:
        msg = ("written by an older loyaltysim (runs/variant=NAME/ layout, which Hive readers "
               "misparse); run the sweep again into a new folder")
        raise InputError(path, [Problem("layout", msg)])
    try:
        Manifest.model_validate(data)
        Experiment.model_validate(data["experiment"]["data"])
    except ValidationError as e:
        prefix = () if e.title == Manifest.__name__ else ("experiment", "data")
        problems = [Problem(fmt_path(prefix + tuple(err["loc"])), err["msg"], None,
                            err.get("input"), _shown(err))
                    for err in e.errors()[:10]]
        problems.append(Problem("", "the manifest is damaged (it is written by `sweep`); run "
                                    "the sweep again into a new folder"))
        raise InputError(path, problems) from None


def _shown(err: ErrorDetails) -> bool:
    """Whether to show the bad value (scalars only: a whole damaged block is not helpful)."""
    return "input" in err and not isinstance(err["input"], (dict, list))
