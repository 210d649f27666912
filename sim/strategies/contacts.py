"""Multi-level contacts: the firm gets to know more people at its business customers (ODD 7.25).

While in force, the firm builds its relationship with each active customer of the chosen
``segments`` (all if null) up to ``levels`` contact persons (general manager, technical and
user departments beside the purchasing manager), ``build_per_period`` new contacts per
customer and period, and pays ``cost_per_level`` per level above the customer's starting one,
per active customer and period (booked as relationship spend). A budget rule's cut of the
"relationship" budget lowers the target: 1 + round((levels - 1) x budget share). Needs
``params.contacts.enabled: true`` (the mechanism that carries the levels, sim/contacts.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Strategy, StrategyConfig
from .levers import ContactPlan, Levers


class Config(StrategyConfig):
    """YAML block ``type: multi_level_contacts``."""

    type: Literal["multi_level_contacts"]
    levels: int = Field(3, ge=1, le=10, description="contact persons to know at each customer "
                                                    "(1 = one contact person)")
    cost_per_level: float = Field(500.0, ge=0.0, le=1e9,
                                  description="currency per level above the starting one, per "
                                              "active customer and period")
    build_per_period: int = Field(1, ge=1, le=10,
                                  description="new contacts a customer can gain per period")
    segments: list[str] | None = Field(None, description="only customers of these segments; "
                                                         "null = all")


class MultiLevelContacts(Strategy[Config]):
    """Sets the firm's contact plan for the period."""

    category = "relationship"

    def act(self, firm: Levers) -> None:
        """Plan the levels (scaled by the relationship budget) while in force."""
        cfg = self.cfg
        if not cfg.in_force(firm.t):
            firm.set_contact_plan(ContactPlan())
            return
        levels = 1 + round((cfg.levels - 1) * self.scale(firm))
        names = firm.customers.segment_names
        codes = (None if cfg.segments is None
                 else tuple(names.index(s) for s in cfg.segments if s in names))
        firm.set_contact_plan(ContactPlan(levels, codes, cfg.cost_per_level,
                                          cfg.build_per_period))
