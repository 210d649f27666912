"""Cohorts and customer lifetime value (ODD 7.18).

A cohort is the set of customers who started a lifetime at firm f in period a (``acquired``)
through one channel (``constants.CHANNELS``: initial, new, price, relationship, returned);
customers already active at t = 0 form cohort -1. A won-back customer starts a second lifetime
in a new cohort of the channel that won them back. Every ``every`` periods the number still
active of each cohort is counted with one ``bincount`` over the firm's active customers; in
the periods between, only the new cohorts' sizes (age 0) are added, from the period's
admissions. ``cohorts.csv`` has (cohort, channel, firm, age, alive); ``alive`` is in real customers
(agents times the weight, sim/scale.py).

Value of a purchase, by ``basis``: m = p - c_var - unit service cost (margin) or m = p
(revenue). Per customer and firm the value received during the run accumulates (float32).

    clv_realised_f = mean over customers f served during the run of their accumulated value
                     (customers active at t = 0 count once they have bought)
    clv_mean_f     = m_bar sum_{k=0}^{H-1} q^k = m_bar (1 - q^H) / (1 - q),  q = r_bar / (1 + d)

with m_bar the value per active customer per period and r_bar the retention rate, both
averaged over the last ``window`` periods, d the discount rate and H the ``clv_horizon``
(0: unlimited, m_bar / (1 - q), NaN while q >= 1). This is the expected lifetime value of
an active customer (Gupta, Lehmann & Stuart 2004).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from .config import Block
from .constants import ACTIVE, CHANNELS
from .step import Books, Mechanism, Phase, Tally, Visit, World


class CohortParams(Block):
    """Cohort survival and customer lifetime value (ODD 7.18)."""

    enabled: bool = Field(True, description="record cohorts.csv and the CLV columns")
    every: int = Field(4, ge=1, le=100_000, description="periods between cohort snapshots")
    basis: Literal["margin", "revenue"] = Field(
        "margin", description="value of a purchase: price less variable and service cost, or "
                              "the price paid")
    window: int = Field(13, ge=1, le=100_000,
                        description="periods averaged for the value per customer and retention")
    discount_rate: float = Field(0.0, ge=0.0, le=1.0, description="discount rate per period")
    clv_horizon: int = Field(0, ge=0, le=100_000,
                             description="periods of expected lifetime counted (0 = unlimited)")


F32 = np.float32
NCH = len(CHANNELS)
COLUMNS = ("clv_mean", "clv_realised")
TABLE_COLUMNS = ("cohort", "channel", "firm", "age", "alive")


class Cohorts(Mechanism):
    """Cohort survival counts and the value each customer brought (``params.cohorts``).

    Attributes:
        value: (F, N) value each customer brought each firm during the run.
        bought: (F, N) whether the customer has bought from the firm during the run.
    """

    key = "cohorts"
    arrays = ("value", "bought")
    phases = (Phase.SERVED, Phase.RECYCLED, Phase.ROW)
    columns = COLUMNS
    defaults = dict.fromkeys(COLUMNS, float("nan"))

    def __init__(self, world: World):
        super().__init__(world)
        c = world.customers
        self.p = world.params.cohorts
        self.value = np.zeros((c.n_firms, c.n), F32)
        self.bought = np.zeros((c.n_firms, c.n), bool)
        self.total = np.zeros(c.n_firms)  # sum of ``value`` per firm, kept up to date
        self.history: list[deque] = [deque(maxlen=self.p.window) for _ in world.firms]
        self.rows: list[np.ndarray] = []
        self.seen = [np.zeros(0, bool) for _ in world.firms]

    def served(self, visit: Visit) -> None:
        """Add the value of this period's purchases at the visited firm."""
        if visit.ids.size == 0:
            return
        firm = self.world.firms[visit.firm]
        v = visit.paid.astype(F32)
        if self.p.basis == "margin":
            v -= F32(firm.cfg.costs.variable + firm.unit_service_cost())
        if visit.n is not None:  # several purchases this period (ODD 7.27)
            v *= visit.n.astype(F32)
        self.value[visit.firm][visit.ids] += v  # (N,) rows: faster than (f, ids)
        self.bought[visit.firm][visit.ids] = True
        self.total[visit.firm] += v.sum(dtype=np.float64)

    def recycled(self, ids: np.ndarray) -> None:
        """Newcomers in recycled places bring no value yet."""
        self.total -= self.value[:, ids].sum(axis=1, dtype=np.float64)
        self.value[:, ids] = 0
        self.bought[:, ids] = False

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """``clv_mean`` and ``clv_realised`` of firm ``f``; takes a cohort snapshot when due."""
        t = self.world.t
        active = tally.active_end
        value = books.revenue
        if self.p.basis == "margin":
            value -= books.cost_variable + books.cost_service
        retention = 1 - tally.churn_rate
        per_customer = value / (active * self.world.weight) if active else np.nan
        self.history[f].append((per_customer, retention))
        n = np.count_nonzero(self.bought[f])
        realised = float(self.total[f] / n) if n else float("nan")
        if t % self.p.every == 0 or t == self.world.spec.horizon - 1:
            self._snapshot(f, t)
        else:
            self._sizes(f, t, tally)
        return {"clv_mean": self.expected(f), "clv_realised": realised}

    def expected(self, f: int) -> float:
        """m_bar (1 - q^H) / (1 - q) from the last ``window`` periods of firm ``f``."""
        h = np.array(self.history[f], dtype=float)
        ok = ~np.isnan(h).any(axis=1)
        if not ok.any():
            return float("nan")
        m_bar, r_bar = h[ok].mean(axis=0)
        q = r_bar / (1 + self.p.discount_rate)
        horizon = self.p.clv_horizon
        if horizon == 0:
            return float(m_bar / (1 - q)) if q < 1 else float("nan")
        total = horizon if q == 1 else (1 - q ** horizon) / (1 - q)
        return float(m_bar * total)

    def _snapshot(self, f: int, t: int) -> None:
        """Count active customers by (cohort, channel) at firm ``f``; keep seen cohorts."""
        c = self.world.customers
        active = np.flatnonzero(c.status[f] == ACTIVE)
        # key = (max(acquired, -1) + 1) * NCH + channel, built in place in one int64 array
        key = np.maximum(c.acquired[f].take(active), -1).astype(np.int64)
        key += 1
        key *= NCH
        key += c.channel[f].take(active)
        alive = np.bincount(key, minlength=(t + 2) * NCH)
        seen = np.zeros(alive.size, bool)
        seen[:self.seen[f].size] = self.seen[f]
        seen |= alive > 0
        self.seen[f] = seen
        keys = np.flatnonzero(seen)
        cohorts = keys // NCH - 1
        self.rows.append(np.stack([cohorts, keys % NCH, np.full(keys.size, f),
                                   t - np.maximum(cohorts, 0), alive[keys]]))

    def _sizes(self, f: int, t: int, tally: Tally) -> None:
        """Cohort sizes at age 0 from the period's admissions (between snapshots)."""
        price, rel = tally.won_back_price, tally.won_back_relationship
        sizes = {"new": tally.new_customers, "price": price, "relationship": rel,
                 "returned": tally.won_back - price - rel}
        ch = np.array([CHANNELS.index(k) for k in sizes])
        n = np.array(list(sizes.values()))
        keep = n > 0
        ch, n = ch[keep], n[keep]
        seen = np.zeros((t + 2) * NCH, bool)
        seen[:self.seen[f].size] = self.seen[f]
        seen[(t + 1) * NCH + ch] = True
        self.seen[f] = seen
        self.rows.append(np.stack([np.full(ch.size, t), ch, np.full(ch.size, f),
                                   np.zeros(ch.size, np.int64), n]))

    def table(self) -> pd.DataFrame:
        """Cohort survival: one row per snapshot, firm, cohort and channel (``cohorts.csv``)."""
        if not self.rows:
            return pd.DataFrame(columns=list(TABLE_COLUMNS))
        a = np.concatenate(self.rows, axis=1)
        ids = [firm.fid for firm in self.world.firms]
        return pd.DataFrame({"cohort": a[0], "channel": np.array(CHANNELS)[a[1]],
                             "firm": np.array(ids)[a[2]], "age": a[3],
                             "alive": a[4] * self.world.weight})


def lifetimes(table: pd.DataFrame,
              channels: Sequence[str] = ("new", "price", "relationship", "returned"),
              max_age: int | None = None) -> pd.DataFrame:
    """Mean observed lifetime per firm and channel: area under the pooled survival curve.

    Cohorts are pooled by channel (alive at age a divided by the size at age 0, over cohorts
    observed at that age); the area up to ``max_age`` (default: oldest age seen) is the
    restricted mean lifetime in periods. For won-back channels it is the second lifetime.
    """
    rows = []
    t = table[(table.cohort >= 0) & table.channel.isin(channels)]
    for (fid, ch), g in t.groupby(["firm", "channel"]):
        size = g[g.age == g.groupby("cohort").age.transform("min")].set_index("cohort").alive
        g = g[g.cohort.isin(size.index)]
        g = g.assign(share=g.alive / g.cohort.map(size).where(lambda s: s > 0))
        curve = g.groupby("age").share.mean().sort_index()
        if max_age is not None:
            curve = curve.loc[:max_age]
        ages = curve.index.to_numpy()
        area = float(np.trapezoid(curve.to_numpy(), ages)) if ages.size > 1 else float("nan")
        rows.append({"firm": fid, "channel": ch, "cohorts": int(size.size),
                     "mean_lifetime": area})
    return pd.DataFrame(rows, columns=["firm", "channel", "cohorts", "mean_lifetime"])
