"""Schema blocks of the loyalty-type, turnover and cohort/CLV mechanisms (``params.*``).

Each block has documented defaults; docs/ODD.md (7.16-7.18) gives the equations.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..strategies.base import Block


class LoyaltyTypeParams(Block):
    """Dick & Basu loyalty types (ODD 7.16): relative attitude x repeat patronage."""

    enabled: bool = Field(True, description="classify customers every period")
    attitude_threshold: float = Field(
        0.0, ge=-1.0, le=1.0,
        description="relative attitude (own minus best alternative) at or above which it is high")
    patronage_threshold: float = Field(
        0.5, ge=0.0, le=1.0, description="smoothed visit share at or above which it is high")
    patronage_memory: float = Field(
        0.2, gt=0.0, le=1.0,
        description="weight of the latest purchase occasion in the smoothed visit share")
    reference_attitude: float = Field(
        0.45, ge=0.0, le=1.0,
        description="attitude toward the outside option (not buying / another venue)")


class TurnoverParams(Block):
    """Market turnover (ODD 7.17): involuntary exits and newcomers who take the empty places."""

    exit_rate: float = Field(0.0, ge=0.0, le=1.0,
                             description="chance per customer and period of leaving the market "
                                         "(moved away or died)")
    entry: float = Field(1.0, ge=0.0, le=1.0,
                         description="chance per period that an empty place is taken by a "
                                     "newcomer drawn from the segments")


class CohortParams(Block):
    """Cohort survival and customer lifetime value (ODD 7.18)."""

    enabled: bool = Field(True, description="record cohorts.csv and the CLV columns")
    every: int = Field(4, ge=1, le=100_000, description="periods between cohort snapshots")
    basis: Literal["margin", "revenue"] = Field(
        "margin", description="value of a purchase: price less variable and service cost, or "
                              "the price paid")
    window: int = Field(13, ge=1, le=100_000,
                        description="periods averaged for the value per customer and retention")
    discount_rate: float = Field(0.0, ge=0.0, le=1.0, description="discount rate per period")
    clv_horizon: int = Field(0, ge=0, le=100_000,
                             description="periods of expected lifetime counted (0 = unlimited)")


def check_strategies(scenario) -> None:
    """Cross-checks of strategy blocks against the rest of the scenario.

    Raises:
        ValueError: A pdca strategy without a service_investment strategy on the same firm,
            or a strategy naming an unknown segment.
    """
    segments = [s.name for s in scenario.market.segments]
    for firm in scenario.firms:
        types = [s.type for s in firm.strategies]
        if "pdca" in types and "service_investment" not in types:
            raise ValueError(f"firm {firm.id!r}: a pdca strategy invests through a "
                             "service_investment strategy; add one to the same firm")
        for s in firm.strategies:
            unknown = [x for x in getattr(s, "segments", None) or [] if x not in segments]
            if unknown:
                raise ValueError(f"firm {firm.id!r}, {s.type}: unknown segments {unknown}; "
                                 f"segments are {segments}")
