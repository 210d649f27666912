"""Price promotion: a general low price, or discount offers sent to lost customers (win-back).

The discount's cost is the revenue it gives up; each offer sent also costs ``cost_per_offer``.
A customer who returns while holding an offer is counted as won back on price.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..constants import LOST, OFFER_NONE, OFFER_PRICE
from .base import Strategy, StrategyConfig, pick
from .levers import Levers


class Config(StrategyConfig):
    """YAML block ``type: price_promotion``."""

    type: Literal["price_promotion"]
    target: Literal["all", "lost"] = Field(
        "lost", description="all: a general low price; lost: offers to lost customers")
    discount: float = Field(0.2, gt=0.0, lt=1.0, description="share taken off the list price")
    reach: float = Field(0.1, ge=0.0, le=1.0,
                         description="lost target: share of eligible lost customers sent an offer "
                                     "per period")
    offer_length: int = Field(8, ge=1, le=10_000, description="periods an offer stays valid")
    max_time_lost: int = Field(52, ge=0, le=10_000,
                               description="only customers lost at most this long")
    cost_per_offer: float = Field(0.0, ge=0.0, le=1e9, description="currency per offer sent")


class PricePromotion(Strategy[Config]):
    """Sets the firm's general discount or sends offers, within the promotion budget."""

    category = "promotion"

    def act(self, firm: Levers) -> None:
        """Apply the promotion for the next period."""
        cfg, t = self.cfg, firm.t
        on = cfg.in_force(t) and self.scale(firm) > 0
        if cfg.target == "all":
            firm.set_general_discount(cfg.discount * self.scale(firm) if on else 0.0)
            return
        firm.set_offer_discount(cfg.discount)
        if not on:
            return
        c, f = firm.customers, firm.index
        eligible = ((c.status[f] == LOST) & (c.offer_kind[f] == OFFER_NONE)
                    & (t - c.lost_since[f] <= cfg.max_time_lost))
        candidates = np.flatnonzero(eligible)
        k = int(firm.rng.binomial(candidates.size, cfg.reach * self.scale(firm)))
        chosen = pick(firm.rng, candidates, k)
        c.offer_kind[f, chosen] = OFFER_PRICE
        c.offer_end[f, chosen] = t + cfg.offer_length
        firm.spend_on("promotion", chosen.size, cfg.cost_per_offer)
        firm.activity.offers_price += chosen.size
