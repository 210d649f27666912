"""Staggered acquisition (ODD 7.22): customers who enter the market over time.

A share ``share`` of the population is not in the market at t = 0: each such customer (drawn
among those with no history at any firm) arrives in a period drawn uniformly from 0 ..
``periods`` - 1, or, with ``weights`` (one per period, e.g. the new customers per period of a
transaction log), in period k for a share w_k / sum(w) of them exactly (largest remainders),
the customers shuffled at random over those places. Before arriving a customer has no needs
(nu_i = 0); on arrival their need comes back, and with ``first_purchase`` they need the service
in their arrival period (nu_i = 1 for that period), as in a cohort acquired by its first
purchase (CDNOW: every customer's first purchase is in the first 12 weeks). Column ``arrived``:
customers who entered the market this period (market-wide).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from .config import MAX_SPAN, Block, NonNeg, Unit
from .constants import NEVER
from .step import Books, Mechanism, Phase, Tally, World

NOT_WAITING = -1


class ArrivalParams(Block):
    """Staggered acquisition (ODD 7.22), ``params.arrivals``."""

    enabled: bool = Field(False, description="part of the population enters over time")
    share: Unit = Field(0.0, description="share of the population not in the market at t = 0")
    periods: int = Field(12, ge=1, le=MAX_SPAN,
                         description="arrivals spread uniformly over periods 0 .. periods - 1")
    first_purchase: bool = Field(True, description="an arriving customer needs the service in "
                                                   "their arrival period")
    weights: list[NonNeg] | None = Field(
        None, min_length=1, max_length=MAX_SPAN,
        description="relative arrivals per period 0 .. periods - 1 (e.g. a log's new customers "
                    "per period); null = uniform")

    @model_validator(mode="after")
    def _weights_fit(self) -> ArrivalParams:
        """One weight per period, not all zero."""
        if self.weights is not None:
            if len(self.weights) != self.periods:
                raise ValueError(f"weights: {len(self.weights)} given, one per period needed "
                                 f"(periods = {self.periods})")
            if not sum(self.weights) > 0:
                raise ValueError("weights: at least one must be above 0")
        return self


class Arrivals(Mechanism):
    """Who arrives when, and their need until then.

    Attributes:
        arrival: (N,) period of arrival (-1: in the market from the start).
        need: (N,) the need the customer will have once arrived.
        forced: Customers whose need is 1 for their arrival period only.
        count: Arrivals this period.
    """

    key = "arrivals"
    arrays = ("arrival", "need")
    phases = (Phase.START, Phase.REMOVED, Phase.RECYCLED, Phase.ROW)
    columns = ("arrived",)
    counts = columns
    defaults = {"arrived": 0.0}

    def __init__(self, world: World):
        super().__init__(world)
        c, p, rng = world.customers, world.params.arrivals, world.rng
        self.arrival = np.full(c.n, NOT_WAITING, np.int32)
        self.need = c.need_prob.copy()
        fresh = np.flatnonzero((c.status == NEVER).all(axis=0))
        k = min(fresh.size, int(round(p.share * c.n)))
        late = rng.choice(fresh, size=k, replace=False) if k else fresh[:0]
        self.arrival[late] = (rng.integers(0, p.periods, late.size) if p.weights is None
                              else rng.permutation(quotas(p.weights, late.size)))
        c.need_prob[late] = 0
        self.forced = np.zeros(0, np.int64)
        self.count = 0

    def start(self) -> None:
        """Customers due now enter the market; last period's arrivals get their usual need."""
        c, p = self.world.customers, self.world.params.arrivals
        # last period's arrivals get their usual need back, unless a mechanism changed it
        # since (a dropout after the first purchase set it to 0)
        back = self.forced[c.need_prob[self.forced] == 1.0]
        c.need_prob[back] = self.need[back]
        now = np.flatnonzero(self.arrival == self.world.t)
        c.need_prob[now] = 1.0 if p.first_purchase else self.need[now]
        self.forced = now if p.first_purchase else now[:0]
        self.count = int(now.size)

    def removed(self, ids: np.ndarray) -> None:
        """Customers who left the market (turnover) before their arrival no longer wait."""
        self._forget(ids)

    def recycled(self, ids: np.ndarray) -> None:
        """Newcomers in recycled places are in the market now, with their own need."""
        self._forget(ids)
        self.need[ids] = self.world.customers.need_prob[ids]

    def _forget(self, ids: np.ndarray) -> None:
        """No pending arrival (past arrivals stay recorded) and no forced need for ``ids``."""
        waiting = ids[self.arrival[ids] > self.world.t]
        self.arrival[waiting] = NOT_WAITING
        self.forced = self.forced[~np.isin(self.forced, ids)]

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """Arrivals this period (market-wide)."""
        return {"arrived": float(self.count)}


def quotas(weights: list[float], size: int) -> np.ndarray:
    """``size`` arrival periods, period k for a share w_k / sum(w) (largest remainders), sorted."""
    w = np.asarray(weights, float)
    exact = size * w / w.sum()
    counts = np.floor(exact).astype(np.int64)
    short = size - int(counts.sum())
    if short:
        counts[np.argsort(counts - exact, kind="stable")[:short]] += 1
    return np.repeat(np.arange(w.size, dtype=np.int32), counts)
