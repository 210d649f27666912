"""Staff investment: bonus and training for the firm's staff (ODD 7.26).

While in force, the firm pays each staff member ``bonus`` on top of the base wage and spends
``training`` on each, per period, both scaled by the "service" budget a budget rule may cut: a
cut lowers the pay index (staff satisfaction drops at once, sim/staff.py) and the training
that speeds learning. Out of force, neither is paid. The staff mechanism books the cost
(``cost_staff``). Needs a ``staff`` block on the same firm.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Strategy, StrategyConfig
from .levers import Levers, StaffPlan


class Config(StrategyConfig):
    """YAML block ``type: staff_investment``."""

    type: Literal["staff_investment"]
    bonus: float = Field(0.0, ge=0.0, le=1e9, description="currency per staff member and "
                                                          "period on top of the base wage")
    training: float = Field(0.0, ge=0.0, le=1e9, description="currency per staff member and "
                                                             "period spent on training")


class StaffInvestment(Strategy[Config]):
    """Sets the period's bonus and training per staff member."""

    category = "service"

    def act(self, firm: Levers) -> None:
        """Plan this period's bonus and training (scaled by the service budget)."""
        cfg = self.cfg
        share = self.scale(firm) if cfg.in_force(firm.t) else 0.0
        firm.set_staff_plan(StaffPlan(cfg.bonus * share, cfg.training * share))
