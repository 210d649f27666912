"""Referral reward: a firm pays customers whose recommendation brings a new customer (ODD 7.20).

While in force, the firm pays ``reward`` per converted referral (booked as
``cost_referral``) and the reward makes a satisfied customer ``1 + boost`` times as likely to
refer a friend. The budget rule scales both through the "promotion" budget. Needs
``params.referrals.enabled: true`` (the mechanism that carries referrals, sim/referrals.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Strategy, StrategyConfig
from .levers import Levers


class Config(StrategyConfig):
    """YAML block ``type: referral_reward``."""

    type: Literal["referral_reward"]
    reward: float = Field(50.0, ge=0.0, le=1e9,
                          description="currency paid to the referrer per referred new customer")
    boost: float = Field(1.0, ge=0.0, le=100.0,
                         description="the reward makes referring 1 + boost times as likely")


class ReferralReward(Strategy[Config]):
    """Sets the firm's referral reward for the period."""

    category = "promotion"

    def act(self, firm: Levers) -> None:
        """Offer the reward (scaled by the promotion budget) while in force."""
        on = self.cfg.in_force(firm.t)
        scale = self.scale(firm) if on else 0.0
        firm.set_referral_reward(self.cfg.reward * scale, self.cfg.boost * scale)
