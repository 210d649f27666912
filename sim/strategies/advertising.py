"""Advertising: spend per period that makes customers aware of the firm (ODD 7.11).

Each period a customer who does not know the firm learns of it with probability
``1 - exp(-spend * budget / scale)`` (acquisition: an unaware customer cannot choose the firm).
The spend is booked as ``cost_advertising`` and scaled by the "promotion" budget.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..talk import make_aware
from .base import Strategy, StrategyConfig
from .levers import Levers


class Config(StrategyConfig):
    """YAML block ``type: advertising``."""

    type: Literal["advertising"]
    spend: float = Field(1000.0, ge=0.0, le=1e12, description="money per period")
    scale: float = Field(10_000.0, gt=0.0, le=1e12,
                         description="spend that reaches 63% of the unaware in a period")


class Advertising(Strategy[Config]):
    """Buys awareness among customers who do not know the firm."""

    category = "promotion"

    def act(self, firm: Levers) -> None:
        """Spend and reach."""
        cfg = self.cfg
        if not cfg.in_force(firm.t):
            return
        spend = cfg.spend * self.scale(firm)
        firm.spend("advertising", spend)
        c, f = firm.customers, firm.index
        unaware = np.flatnonzero(c.aware[f] == 0)
        reach = 1 - np.exp(-spend / cfg.scale)
        hit = unaware[firm.rng.random(unaware.size) < reach]
        firm.activity.ads_reached += make_aware(c, f, hit)
