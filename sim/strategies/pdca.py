"""Satisfaction measurement and improvement (PDCA): survey, find the weakest dimension, invest.

Every ``every`` periods (check) the firm surveys ``sample`` of its active customers, each at
``cost_per_response``. Respondent i rates each service dimension d with noise,
r_id = clip(s_fd + noise eps_id, 0, 1), and the firm ranks the dimensions by the
importance-weighted shortfall (importance-performance analysis)

    gap_d = mean_i w_id (1 - r_id)

(plan) and raises the firm's service spend plan per period on the dimension with the largest
gap by ``increment``, adding at most ``max_spend`` to that dimension (do): the firm's
``service_investment`` strategy spends its own plan plus what PDCA added; the next survey
checks the effect (act). The survey cost is booked as service spend (``cost_investment``).
Columns: ``surveys`` (responses this period), ``pdca_dimension`` (index of the dimension
raised this period in value/system/people, -1 if none).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..constants import ACTIVE
from .base import Strategy, StrategyConfig, pick
from .levers import Levers


class Config(StrategyConfig):
    """YAML block ``type: pdca``."""

    type: Literal["pdca"]
    every: int = Field(13, ge=1, le=100_000, description="periods between surveys")
    sample: int = Field(200, ge=1, le=100_000_000, description="responses per survey")
    cost_per_response: float = Field(20.0, ge=0.0, le=1e9)
    noise: float = Field(0.15, ge=0.0, le=5.0, description="sd of a respondent's rating")
    increment: float = Field(2000.0, ge=0.0, le=1e12,
                             description="spend per period added to the weakest dimension")
    max_spend: float = Field(1e9, ge=0.0, le=1e15,
                             description="cap on the spend PDCA adds to one dimension")


class Pdca(Strategy[Config]):
    """Surveys, finds the weakest dimension and raises the service spend there."""

    category = "service"

    def act(self, firm: Levers) -> None:
        """Run a PDCA cycle when one is due."""
        cfg, t = self.cfg, firm.t
        if not cfg.in_force(t) or (t - cfg.start) % cfg.every != 0 or self.scale(firm) <= 0:
            return
        c, f = firm.customers, firm.index
        ids = pick(firm.rng, np.flatnonzero(c.status[f] == ACTIVE), firm.agents(cfg.sample))
        firm.spend_on("service", ids.size, cfg.cost_per_response)
        firm.activity.surveys += ids.size
        if ids.size == 0:
            return
        d = self.weakest(firm, c.weights[:, ids], firm.rng)
        firm.activity.pdca_dimension = d
        firm.raise_service_spend(d, cfg.increment * self.scale(firm), cfg.max_spend)

    def weakest(self, firm: Levers, w: np.ndarray, rng: np.random.Generator) -> int:
        """Index of the dimension with the largest importance-weighted rated shortfall."""
        ratings = firm.service[:, None] + self.cfg.noise * rng.standard_normal(w.shape)
        gap = (w * (1 - np.clip(ratings, 0, 1))).mean(axis=1)
        return int(np.argmax(gap))
