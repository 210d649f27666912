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

import numpy as np
import pandas as pd

from .constants import ACTIVE, CHANNELS

F32 = np.float32
NCH = len(CHANNELS)
COLUMNS = ("clv_mean", "clv_realised")
TABLE_COLUMNS = ("cohort", "channel", "firm", "age", "alive")


class Cohorts:
    """Cohort survival counts and the value each customer brought.

    Args:
        model: The ``Market``; reads ``model.params.cohorts``.
    """

    def __init__(self, model):
        self.model = model
        c = model.customers
        self.p = model.params.cohorts
        self.enabled = self.p.enabled
        self.value = np.zeros((c.n_firms, c.n if self.enabled else 0), F32)
        # who has bought from each firm during the run (the customers CLV is realised over)
        self.bought = np.zeros((c.n_firms, c.n if self.enabled else 0), bool)
        self.weight = model.weight  # real customers per agent
        self.total = np.zeros(c.n_firms)  # sum of ``value`` per firm, kept up to date
        self.history = [deque(maxlen=self.p.window) for _ in model.firms]
        self.rows: list[np.ndarray] = []
        self.seen = [np.zeros(0, bool) for _ in model.firms]

    def nbytes(self) -> int:
        """Bytes of state held."""
        return self.value.nbytes + self.bought.nbytes

    def record(self, firm, ids: np.ndarray, paid: np.ndarray) -> None:
        """Add the value of this period's purchases by ``ids`` at ``firm``."""
        if not self.enabled or ids.size == 0:
            return
        v = paid.astype(F32)
        if self.p.basis == "margin":
            v -= F32(firm.cfg.costs.variable + firm.unit_service_cost())
        self.value[firm.index, ids] += v
        self.bought[firm.index, ids] = True
        self.total[firm.index] += v.sum(dtype=np.float64)

    def reset(self, ids: np.ndarray) -> None:
        """Newcomers in recycled places bring no value yet."""
        if self.enabled:
            self.total -= self.value[:, ids].sum(axis=1, dtype=np.float64)
            self.value[:, ids] = 0
            self.bought[:, ids] = False

    def row(self, firm, row: dict) -> dict:
        """``clv_mean`` and ``clv_realised`` of ``firm``; takes a cohort snapshot when due."""
        if not self.enabled:
            return dict.fromkeys(COLUMNS, float("nan"))
        f, t = firm.index, self.model.t
        active = row["customers_active"]
        value = row["revenue"]
        if self.p.basis == "margin":
            value -= row["cost_variable"] + row["cost_service"]
        retention = row["retention_rate"]
        per_customer = value / (active * self.weight) if active else np.nan
        self.history[f].append((per_customer, retention))
        n = np.count_nonzero(self.bought[f])
        realised = float(self.total[f] / n) if n else float("nan")
        if t % self.p.every == 0 or t == self.model.spec.horizon - 1:
            self._snapshot(f, t)
        else:
            self._sizes(f, t, row)
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
        c = self.model.customers
        active = c.status[f] == ACTIVE
        cohort = np.maximum(c.acquired[f][active], -1).astype(np.int64) + 1
        key = cohort * NCH + c.channel[f][active]
        alive = np.bincount(key, minlength=(t + 2) * NCH)
        seen = np.zeros(alive.size, bool)
        seen[:self.seen[f].size] = self.seen[f]
        seen |= alive > 0
        self.seen[f] = seen
        keys = np.flatnonzero(seen)
        cohorts = keys // NCH - 1
        self.rows.append(np.stack([cohorts, keys % NCH, np.full(keys.size, f),
                                   t - np.maximum(cohorts, 0), alive[keys]]))

    def _sizes(self, f: int, t: int, row: dict) -> None:
        """Cohort sizes at age 0 from the period's admissions (between snapshots)."""
        price, rel = row.get("won_back_price", 0), row.get("won_back_relationship", 0)
        sizes = {"new": row.get("new_customers", 0), "price": price, "relationship": rel,
                 "returned": row.get("won_back", 0) - price - rel}
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
        ids = self.model.firm_ids
        return pd.DataFrame({"cohort": a[0], "channel": np.array(CHANNELS)[a[1]],
                             "firm": np.array(ids)[a[2]], "age": a[3],
                             "alive": a[4] * self.weight})


def lifetimes(table: pd.DataFrame, channels=("new", "price", "relationship", "returned"),
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
