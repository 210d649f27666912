"""Market turnover (ODD 7.17): involuntary exits and newcomers.

Every period each customer in the market leaves it with probability ``exit_rate`` (moved
away or died: Keaveney's involuntary switching). A leaver who was active at a firm is lost to
it with reason ``involuntary``; a leaver is then out of the market: no need, no status
(``never`` at every firm) and no purchases; their queued complaints are dropped. Each empty
place is taken with probability ``entry`` per period by a newcomer drawn afresh from the
segments, with the state of a customer who has never bought anywhere, in the leaver's place
in the social network (same neighbours). Re-using places keeps every array at its size N, so

    never (in market) + active + lost + out_of_market = N      for every firm and period.

A firm that closes (event ``firm_exit``) loses its active customers with the same reason.
"""

from __future__ import annotations

import numpy as np

from . import churn
from .bonds import refresh_calculative
from .constants import ACTIVE, AFFECTIVE_BONDS, BONDS, NEVER, REASONS

F32 = np.float32
INVOLUNTARY = REASONS.index("involuntary")
COLUMNS = ("exited", "entered", "out_of_market")


class Turnover:
    """Who is in the market, and the period's exits and entries.

    Args:
        model: The ``Market``; reads ``model.params.turnover`` every period.
    """

    def __init__(self, model):
        self.model = model
        self.out = np.zeros(0, bool)
        self.counts = dict.fromkeys(COLUMNS, 0)

    def step(self) -> list[dict]:
        """Draw exits and entries; return per firm the losses to add to its row."""
        m, c = self.model, self.model.customers
        p, rng = m.params.turnover, m.rng
        rows = [{} for _ in m.firms]
        exited = entered = 0
        if p.exit_rate > 0:
            if self.out.size == 0:
                self.out = np.zeros(c.n, bool)
            leave = np.flatnonzero((rng.random(c.n, dtype=F32) < F32(p.exit_rate)) & ~self.out)
            for f in range(len(m.firms)):
                rows[f] = self.lose_involuntary(f, leave[c.status[f, leave] == ACTIVE])
            self.remove(leave)
            exited = leave.size
        if self.out.size and p.entry > 0:
            vacant = np.flatnonzero(self.out)
            come = vacant[rng.random(vacant.size) < p.entry]
            self.recycle(come)
            entered = come.size
        self.counts = {"exited": exited, "entered": entered,
                       "out_of_market": int(self.out.sum()) if self.out.size else 0}
        return rows

    def lose_involuntary(self, f: int, ids: np.ndarray) -> dict:
        """Customers ``ids`` active at firm ``f`` are lost to it for an involuntary reason."""
        why = np.full(ids.size, INVOLUNTARY, np.int64)
        return churn.lose(self.model.customers, f, ids, why, self.model.t)

    def remove(self, ids: np.ndarray) -> None:
        """Take customers ``ids`` out of the market."""
        c = self.model.customers
        c.status[:, ids] = NEVER
        c.need_prob[ids] = 0
        c.last_firm[ids] = -1
        self.out[ids] = True
        social = getattr(self.model, "social", None)
        if social is not None and ids.size:
            social.book.drop(self.out)

    def recycle(self, ids: np.ndarray) -> None:
        """Newcomers drawn from the segments take the places ``ids``."""
        m = self.model
        c, sc, rng = m.customers, m.spec, m.rng
        self.out[ids] = False
        c.draw_tastes(sc.market.segments, ids, rng)
        c.reference_price[ids] = sc.market.price_norm
        c.last_firm[ids] = -1
        c.clear(ids)
        fresh_pair_state(m, ids)
        for part in (getattr(m, "loyalty", None), getattr(m, "cohorts", None)):
            if part is not None:
                part.reset(ids)

    def row(self) -> dict:
        """The period's market-wide turnover columns."""
        return dict(self.counts)


def fresh_pair_state(m, ids: np.ndarray) -> None:
    """State of a customer who has never bought from any firm (ODD 5, status never)."""
    c, ini, rng = m.customers, m.spec.initial, m.rng
    omega = F32(m.params.bonds.affective_satisfaction_weight)
    aff_rows = [BONDS.index(b) for b in AFFECTIVE_BONDS]
    awareness = getattr(m.params, "awareness", None)
    for f, firm in enumerate(m.firms):
        c.trust[f, ids] = ini.trust_never
        c.satisfaction[f, ids] = ini.satisfaction_never
        c.expectation[f, ids] = ini.expectation_never
        c.last_visit[f, ids] = -10_000
        c.bonds[f][:, ids] = m.events.bond_levels[f][:, None]
        refresh_calculative(c, f, ids)
        c.affective[f, ids] = (omega * ini.satisfaction_never
                               + (1 - omega) * c.bonds[f][np.ix_(aff_rows, ids)].mean(axis=0))
        if awareness is not None and awareness.enabled:
            c.aware[f, ids] = rng.random(ids.size) < firm.cfg.awareness
        elif hasattr(c, "aware"):
            c.aware[f, ids] = 1


def add_counts(row: dict, extra: dict) -> None:
    """Add the counts in ``extra`` to ``row`` (keys missing from ``row`` start at 0)."""
    for k, v in extra.items():
        row[k] = row.get(k, 0) + v
