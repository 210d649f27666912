"""Relationship investment: staff contact lost (or active) customers to rebuild the tie.

Each period the firm makes up to ``contacts`` contacts. A contacted customer accepts the
conversation with probability ``logistic(a0 + a_bonds * grown_bonds - a_time * time_lost)``
(ODD 7.6): bonds left make it likelier, time since the loss less likely. An accepted contact
raises trust and the social, psychological and knowledge bonds, and marks an offer so that
a return is counted as won back by relationship. Every contact, accepted or not, costs
``cost_per_contact``. ``segments`` limits the contacts to some segments (differentiated,
"A+" service for the strongest-bonded clients).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..constants import ACTIVE, LOST, OFFER_NONE, OFFER_RELATIONSHIP
from .base import Strategy, StrategyConfig, pick
from .levers import Levers


class Config(StrategyConfig):
    """YAML block ``type: relationship_investment``."""

    type: Literal["relationship_investment"]
    target: Literal["lost", "active"] = "lost"
    segments: list[str] | None = Field(None, description="only customers of these segments "
                                                         "(differentiated service); null = all")
    contacts: int = Field(100, ge=0, le=1_000_000_000,
                          description="customers contacted per period, in the real market")
    cost_per_contact: float = Field(50.0, ge=0.0, le=1e9, description="currency per contact")
    trust_gain: float = Field(0.15, ge=0.0, le=1.0)
    social_gain: float = Field(0.2, ge=0.0, le=1.0)
    psychological_gain: float = Field(0.1, ge=0.0, le=1.0)
    knowledge_gain: float = Field(0.0, ge=0.0, le=1.0,
                                  description="knowledge bond gain (the firm learns the needs)")
    accept_base: float = Field(0.0, ge=-20, le=20)
    accept_bonds: float = Field(3.0, ge=0, le=50)
    accept_time: float = Field(0.05, ge=0, le=10)
    offer_length: int = Field(8, ge=1, le=10_000, description="periods a contact counts as "
                              "a relationship offer")
    max_time_lost: int = Field(52, ge=0, le=10_000,
                               description="only customers lost at most this long")


class RelationshipInvestment(Strategy[Config]):
    """Contacts customers within the relationship budget."""

    category = "relationship"

    def act(self, firm: Levers) -> None:
        """Make this period's contacts."""
        cfg, t = self.cfg, firm.t
        if not cfg.in_force(t):
            return
        c, f = firm.customers, firm.index
        if cfg.target == "lost":
            eligible = ((c.status[f] == LOST) & (c.offer_kind[f] == OFFER_NONE)
                        & (t - c.lost_since[f] <= cfg.max_time_lost))
        else:
            eligible = c.status[f] == ACTIVE
        if cfg.segments is not None:
            codes = [c.segment_names.index(s) for s in cfg.segments if s in c.segment_names]
            eligible = eligible & np.isin(c.segment, codes)
        k = firm.agents(cfg.contacts * self.scale(firm))
        chosen = pick(firm.rng, np.flatnonzero(eligible), k)
        firm.spend_on("relationship", chosen.size, cfg.cost_per_contact)
        firm.activity.contacts += chosen.size
        if chosen.size == 0:
            return
        lost_for = (t - c.lost_since[f, chosen]) * (cfg.target == "lost")
        logit = cfg.accept_base + cfg.accept_bonds * c.grown_bond_mean(f, chosen) \
            - cfg.accept_time * lost_for
        accepted = chosen[firm.rng.random(chosen.size) < 1 / (1 + np.exp(-logit))]
        c.raise_to_one(c.trust[f], accepted, cfg.trust_gain)
        c.raise_to_one(c.bond(f, "social"), accepted, cfg.social_gain)
        c.raise_to_one(c.bond(f, "psychological"), accepted, cfg.psychological_gain)
        c.raise_to_one(c.bond(f, "knowledge"), accepted, cfg.knowledge_gain)
        if cfg.target == "lost":
            c.offer_kind[f, accepted] = OFFER_RELATIONSHIP
            c.offer_end[f, accepted] = t + cfg.offer_length
        firm.activity.contacts_accepted += accepted.size
