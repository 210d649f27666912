"""Budget (solvency) rule: what a firm cuts when its unit margin or its cash falls too low.

Unit margin is last period's average price paid minus variable and service cost per served
customer (ODD 7.8). After ``patience`` periods in breach the firm cuts the first budget
category in ``order`` still above zero by ``cut``; after ``patience`` healthy periods it
restores the most recently cut one by ``restore``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Strategy, StrategyConfig
from .levers import Levers

Category = Literal["service", "relationship", "promotion"]
DEFAULT_ORDER: tuple[Category, ...] = ("service", "relationship", "promotion")


class Config(StrategyConfig):
    """YAML block ``type: budget_rule``."""

    type: Literal["budget_rule"]
    min_margin: float = Field(0.1, ge=-10, le=10, description="unit margin floor, share of price")
    min_cash: float = Field(0.0, ge=-1e15, le=1e15)
    patience: int = Field(4, ge=1, le=10_000)
    cut: float = Field(0.25, gt=0.0, le=1.0)
    restore: float = Field(0.0, ge=0.0, le=1.0)
    order: list[Category] = Field(default_factory=lambda: list(DEFAULT_ORDER),
                                  min_length=1)


class BudgetRule(Strategy[Config]):
    """Scales the firm's discretionary budgets down in breach and (optionally) back up."""

    def __init__(self, cfg: Config):
        super().__init__(cfg)
        self.breach = 0
        self.healthy = 0
        self.cuts: list[Category] = []

    def in_breach(self, firm: Levers) -> bool:
        """Whether last period's unit margin or current cash is below the floor."""
        if firm.cash < self.cfg.min_cash:
            return True
        return firm.last.served > 0 and firm.last.unit_margin < self.cfg.min_margin * firm.price

    def act(self, firm: Levers) -> None:
        """Cut or restore budgets."""
        cfg = self.cfg
        if not cfg.in_force(firm.t):
            return
        if self.in_breach(firm):
            self.breach, self.healthy = self.breach + 1, 0
        else:
            self.breach, self.healthy = 0, self.healthy + 1
        if self.breach >= cfg.patience:
            self.breach = 0
            for cat in cfg.order:
                if firm.budget(cat) > 0:
                    firm.set_budget(cat, max(0.0, firm.budget(cat) - cfg.cut))
                    self.cuts.append(cat)
                    firm.activity.budget_cuts += 1
                    break
        elif self.healthy >= cfg.patience and self.cuts and cfg.restore > 0:
            self.healthy = 0
            cat = self.cuts[-1]
            firm.set_budget(cat, min(1.0, firm.budget(cat) + cfg.restore))
            if firm.budget(cat) >= 1.0:
                self.cuts.pop()
