"""Service and staff investment: spend per period sets each service dimension's target level.

target_d = floor + (ceiling - floor) * (1 - exp(-spend_d * budget / scale)), with spend_d the
planned spend plus what PDCA has added (the firm's ``service_extra``), and the level
moves toward it by 1/lag per period (ODD 7.7): raising spend pays off slowly, cutting it
lets the level decay just as slowly. For a firm with staff (sim/staff.py) the people dimension
follows the staff instead and is left alone here.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..constants import DIMENSIONS
from .base import Block, Strategy, StrategyConfig
from .levers import Levers

PEOPLE = DIMENSIONS.index("people")


class Spend(Block):
    """Money per period spent on each service dimension."""

    value: float = Field(0.0, ge=0.0, le=1e12)
    system: float = Field(0.0, ge=0.0, le=1e12)
    people: float = Field(0.0, ge=0.0, le=1e12)


class Config(StrategyConfig):
    """YAML block ``type: service_investment``."""

    type: Literal["service_investment"]
    spend: Spend = Spend()
    scale: float = Field(20_000.0, gt=0.0, le=1e12, description="spend reaching 63% of the range")
    floor: float = Field(0.2, ge=0.0, le=1.0)
    ceiling: float = Field(0.95, ge=0.0, le=1.0)
    lag: float = Field(8.0, ge=1.0, le=10_000, description="periods to close the gap (1/rate)")


class ServiceInvestment(Strategy[Config]):
    """Spends on service and moves the firm's service levels toward what the spend buys."""

    category = "service"

    def act(self, firm: Levers) -> None:
        """Spend and adjust service levels."""
        cfg = self.cfg
        budget = self.scale(firm) if cfg.in_force(firm.t) else 0.0
        plan = np.array([getattr(cfg.spend, d) for d in DIMENSIONS]) + firm.service_extra()
        if firm.people_by_staff:
            plan[PEOPLE] = 0.0  # the staff deliver it (sim/staff.py, staff_investment)
        spend = plan * budget
        target = cfg.floor + (cfg.ceiling - cfg.floor) * (1 - np.exp(-spend / cfg.scale))
        step = (target - firm.service) / cfg.lag
        if firm.people_by_staff:
            step[PEOPLE] = 0.0
        firm.service[:] += step
        firm.spend("service", float(spend.sum()))
