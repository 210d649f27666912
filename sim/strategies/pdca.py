"""Satisfaction measurement and improvement (PDCA): survey, find the weakest dimension, invest.

Every ``every`` periods (check) the firm surveys ``sample`` of its active customers, each at
``cost_per_response``. Respondent i rates each service dimension d with noise,
r_id = clip(s_fd + noise eps_id, 0, 1), and the firm ranks the dimensions by the
importance-weighted shortfall (importance-performance analysis)

    gap_d = mean_i w_id (1 - r_id)

(plan) and raises the spend per period of its ``service_investment`` strategy on the
dimension with the largest gap by ``increment`` up to ``max_spend`` (do); the next survey
checks the effect (act). The survey cost is booked as service spend (``cost_investment``).
Columns: ``surveys`` (responses this period), ``pdca_dimension`` (index of the dimension
raised this period in value/system/people, -1 if none).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..constants import ACTIVE, DIMENSIONS
from .base import Strategy, StrategyConfig, pick


class Config(StrategyConfig):
    """YAML block ``type: pdca``."""

    type: Literal["pdca"]
    every: int = Field(13, ge=1, le=100_000, description="periods between surveys")
    sample: int = Field(200, ge=1, le=100_000_000, description="responses per survey")
    cost_per_response: float = Field(20.0, ge=0.0, le=1e9)
    noise: float = Field(0.15, ge=0.0, le=5.0, description="sd of a respondent's rating")
    increment: float = Field(2000.0, ge=0.0, le=1e12,
                             description="spend per period added to the weakest dimension")
    max_spend: float = Field(1e9, ge=0.0, le=1e15, description="cap on one dimension's spend")


class Pdca(Strategy):
    """Surveys, finds the weakest dimension and raises the service spend there."""

    category = "service"

    def act(self, firm, model) -> None:
        """Run a PDCA cycle when one is due."""
        cfg, t = self.cfg, model.t
        if not cfg.in_force(t) or (t - cfg.start) % cfg.every != 0 or self.scale(firm) <= 0:
            return
        c, f = model.customers, firm.index
        ids = pick(model.rng, np.flatnonzero(c.status[f] == ACTIVE), firm.agents(cfg.sample))
        firm.spend_on("service", ids.size, cfg.cost_per_response)
        firm.count("surveys", ids.size)
        if ids.size == 0:
            return
        d = self.weakest(firm, c.weights[:, ids], model.rng)
        firm.counters["pdca_dimension"] = d + 1
        svc = self.service_strategy(firm)
        svc.cfg = svc.cfg.model_copy(deep=True)
        name = DIMENSIONS[d]
        setattr(svc.cfg.spend, name,
                min(cfg.max_spend, getattr(svc.cfg.spend, name) + cfg.increment * self.scale(firm)))

    def weakest(self, firm, w: np.ndarray, rng) -> int:
        """Index of the dimension with the largest importance-weighted rated shortfall."""
        ratings = firm.service[:, None] + self.cfg.noise * rng.standard_normal(w.shape)
        gap = (w * (1 - np.clip(ratings, 0, 1))).mean(axis=1)
        return int(np.argmax(gap))

    @staticmethod
    def service_strategy(firm):
        """The firm's ``service_investment`` strategy (PDCA needs one to invest through)."""
        for s in firm.strategies:
            if getattr(s.cfg, "type", None) == "service_investment":
                return s
        raise ValueError(f"firm {firm.fid!r}: a pdca strategy needs a service_investment "
                         "strategy on the same firm to invest through")
