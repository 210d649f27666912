"""Complaint handling: how fast and how well a firm answers complaints (ODD 7.13).

Each period the firm answers up to ``capacity`` queued complaints (first come, first served);
an answer resolves the problem with probability ``quality``. Costs: ``cost_per_slot`` per unit
of capacity per period plus ``cost_per_complaint`` per answer (``cost_complaints``), and
``redress`` per resolved complaint (``cost_redress``: a refund, a replacement). The budget rule
scales capacity through the "relationship" budget.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Strategy, StrategyConfig
from .levers import Levers


class Config(StrategyConfig):
    """YAML block ``type: complaint_handling``."""

    type: Literal["complaint_handling"]
    capacity: int = Field(50, ge=0, le=1_000_000_000, description="complaints answered per "
                          "period, in the real market")
    quality: float = Field(0.8, ge=0.0, le=1.0,
                           description="chance an answer resolves the problem (the policy)")
    redress: float = Field(0.0, ge=0.0, le=1e9, description="money per resolved complaint")
    cost_per_complaint: float = Field(20.0, ge=0.0, le=1e9, description="handling cost per answer")
    cost_per_slot: float = Field(0.0, ge=0.0, le=1e9,
                                 description="staff cost per unit of capacity per period")


class ComplaintHandling(Strategy[Config]):
    """Answers the firm's complaint queue within its capacity."""

    category = "relationship"

    def act(self, firm: Levers) -> None:
        """Answer this period's complaints and pay for it."""
        cfg, desk = self.cfg, firm.complaint_desk
        if not cfg.in_force(firm.t) or desk is None:
            return
        capacity = cfg.capacity * self.scale(firm)  # complaints per period, real market
        answered, resolved = desk.answer(firm.agents(capacity), cfg.quality)
        firm.spend("complaints", capacity * cfg.cost_per_slot)
        firm.spend_on("complaints", answered, cfg.cost_per_complaint)
        firm.spend_on("redress", resolved, cfg.redress)
