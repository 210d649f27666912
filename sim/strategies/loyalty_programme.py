"""Loyalty / VIP programme: membership by spend or visits, tiers, money and emotional rewards.

Per customer i of the firm (state of the strategy, (N,) arrays):

    score_i  <- score_i * 0.5 ** (1 / memory) + (p_i if rule = spend else 1)   when served
    tier_i    = highest tier k with score_i >= threshold_k (none: not a member)
    points_i += points_rate_k p_i (served members);   points >= redeem_at are paid out
    L_if      = lock_in points_i / (points_i + points_scale)    (C_if = s + (1 - s) L_if, ODD 7.4)
    psychological bond += perk_k (1 - B)                                     (recognition)

Members pay the list price less the tier's ``discount`` (a member price): an instant money
reward that deal seekers weigh most. Points are a deferred money reward that binds: they are
lost with the relationship (score, points and tier reset when the customer is no longer
active), which is a calculative lock-in. Perks are recognition that grows the psychological
bond. Costs (``cost_programme``): fixed per period, per member per period, per perk given,
and the points paid out. A low threshold with a deep member discount rewards bargain hunting;
spend thresholds with points and perks reward loyalty.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from ..constants import ACTIVE
from ..customers import Customers
from .base import Block, Strategy, StrategyConfig
from .levers import Levers

F32 = np.float32


class Tier(Block):
    """One programme tier and its rewards."""

    name: str = Field(min_length=1)
    threshold: float = Field(0.0, ge=0.0, le=1e12,
                             description="qualifying score (spend or visits) to hold the tier")
    discount: float = Field(0.0, ge=0.0, lt=1.0, description="member price: share off the price")
    points_rate: float = Field(0.0, ge=0.0, le=1.0, description="points (money) per money spent")
    perk: float = Field(0.0, ge=0.0, le=1.0,
                        description="psychological bond growth per visit (recognition)")
    perk_cost: float = Field(0.0, ge=0.0, le=1e9, description="cost per member visit of perks")


class Config(StrategyConfig):
    """YAML block ``type: loyalty_programme``."""

    type: Literal["loyalty_programme"]
    rule: Literal["spend", "visits"] = Field("spend", description="what qualifies for a tier")
    memory: float = Field(26.0, gt=0.0, le=1e6, description="half-life (periods) of the score")
    tiers: list[Tier] = Field(min_length=1, max_length=20)
    lock_in: float = Field(0.3, ge=0.0, le=1.0,
                           description="weight of the points balance on calculative commitment")
    points_scale: float = Field(100.0, gt=0.0, le=1e12,
                                description="points balance giving half the lock-in")
    redeem_at: float = Field(200.0, gt=0.0, le=1e12,
                             description="balance at which points are paid out")
    fixed_cost: float = Field(0.0, ge=0.0, le=1e12, description="per period")
    cost_per_member: float = Field(0.0, ge=0.0, le=1e9, description="per member per period")

    @model_validator(mode="after")
    def _ordered(self) -> Config:
        th = [t.threshold for t in self.tiers]
        if th != sorted(th) or len(set(th)) != len(th):
            raise ValueError(f"tier thresholds must increase strictly, got {th}")
        return self


class LoyaltyProgramme(Strategy[Config]):
    """Runs the programme: tiers, member prices, points, perks and their cost."""

    category = None

    def __init__(self, cfg: Config):
        super().__init__(cfg)
        self.thresholds = np.array([t.threshold for t in cfg.tiers], F32)
        self.discount = np.array([0.0] + [t.discount for t in cfg.tiers], F32)
        self.points_rate = np.array([0.0] + [t.points_rate for t in cfg.tiers], F32)
        self.perk = np.array([0.0] + [t.perk for t in cfg.tiers], F32)
        self.perk_cost = np.array([0.0] + [t.perk_cost for t in cfg.tiers])
        self.score = np.zeros(0, F32)
        self.points = np.zeros(0, F32)
        self.level = np.zeros(0, np.int8)  # 0: not a member, k: tier k - 1
        self.started = False

    def _start(self, n: int) -> None:
        self.score = np.zeros(n, F32)
        self.points = np.zeros(n, F32)
        self.level = np.zeros(n, np.int8)
        self.started = True

    def price_factor(self, idx: np.ndarray) -> np.ndarray:
        """1 - member discount for customers ``idx`` (called by the choice step)."""
        return 1 - self.discount[self.level[idx]]

    def act(self, firm: Levers) -> None:
        """Forfeit lapsed relationships, age scores, pay out points, book the period's cost."""
        cfg, c, f = self.cfg, firm.customers, firm.index
        if not self.started:
            self._start(c.n)
        on = cfg.in_force(firm.t)
        firm.set_member_prices(self.price_factor if on else None)
        gone = np.flatnonzero((c.status[f] != ACTIVE) & (self.level > 0))
        self.score[c.status[f] != ACTIVE] = 0
        self.points[gone] = 0
        self.level[gone] = 0
        self._lock(c, f, gone)
        if not on:
            self.level[:] = 0
            return
        self.score *= F32(0.5 ** (1 / cfg.memory))
        tier = np.searchsorted(self.thresholds, self.score, side="right")
        self.level[:] = np.where(c.status[f] == ACTIVE, tier, 0)
        due = np.flatnonzero(self.points >= F32(cfg.redeem_at))
        paid_out = float(self.points[due].sum(dtype=np.float64))
        self.points[due] = 0
        self._lock(c, f, due)
        members = int((self.level > 0).sum())
        firm.spend("programme", cfg.fixed_cost + firm.weight * (cfg.cost_per_member * members
                                                                 + paid_out))
        firm.activity.members += members

    def on_served(self, firm: Levers, ids: np.ndarray, paid: np.ndarray) -> None:
        """Score purchases, earn points, give perks; count member revenue."""
        if not self.started or not self.cfg.in_force(firm.t):
            return
        c, f = firm.customers, firm.index
        lvl = self.level[ids]
        member = lvl > 0
        firm.activity.member_revenue += float(paid[member].sum(dtype=np.float64))
        self.score[ids] += paid.astype(F32) if self.cfg.rule == "spend" else F32(1)
        self.points[ids] += self.points_rate[lvl] * paid
        m_ids, m_lvl = ids[member], lvl[member]
        psy = c.bond(f, "psychological")
        psy[m_ids] += self.perk[m_lvl] * (1 - psy[m_ids])
        firm.spend_on("programme", 1, float(self.perk_cost[m_lvl].sum()))
        self._lock(c, f, m_ids)
        self.level[ids] = np.searchsorted(self.thresholds, self.score[ids], side="right")

    def _lock(self, c: Customers, f: int, ids: np.ndarray) -> None:
        """L_if = lock_in points / (points + scale) for ``ids``; C_if follows (ODD 7.4)."""
        if ids.size == 0 or c.lock_in is None:
            return
        pts = self.points[ids]
        c.lock_in[f, ids] = F32(self.cfg.lock_in) * pts / (pts + F32(self.cfg.points_scale))
        c.refresh_calculative(f, ids)
