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
from pydantic import Field

from .config import Block
from .constants import ACTIVE, AFFECTIVE_BONDS, BONDS, NEVER, REASONS
from .step import Books, Choices, Losses, Mechanism, Phase, Tally, Visit, World
from .transitions import lose


class TurnoverParams(Block):
    """Market turnover (ODD 7.17): involuntary exits and newcomers who take the empty places."""

    exit_rate: float = Field(0.0, ge=0.0, le=1.0,
                             description="chance per customer and period of leaving the market "
                                         "(moved away or died)")
    entry: float = Field(1.0, ge=0.0, le=1.0,
                         description="chance per period that an empty place is taken by a "
                                     "newcomer drawn from the segments")


F32 = np.float32
INVOLUNTARY = REASONS.index("involuntary")
COLUMNS = ("exited", "entered", "out_of_market")


class Turnover(Mechanism):
    """Who is in the market, and the period's exits and entries (``params.turnover``).

    Attributes:
        out: (N,) whether the place is empty (its customer left the market).
        moved: This period's exits, entries and empty places.
    """

    key = "turnover"
    arrays = ("out",)
    phases = (Phase.AFTER_LOSSES, Phase.ROW)
    columns = COLUMNS
    counts = COLUMNS
    defaults = dict.fromkeys(COLUMNS, 0.0)

    def __init__(self, world: World):
        super().__init__(world)
        self.out = np.zeros(0, bool)
        self.moved = dict.fromkeys(COLUMNS, 0)

    def after_losses(self, choices: Choices, visits: list[Visit]) -> list[Losses]:
        """Draw exits and entries; return per firm the involuntary losses."""
        w = self.world
        c, p, rng = w.customers, w.params.turnover, w.rng
        losses = [Losses() for _ in w.firms]
        exited = entered = 0
        if p.exit_rate > 0:
            if self.out.size == 0:
                self.out = np.zeros(c.n, bool)
            leave = np.flatnonzero((rng.random(c.n, dtype=F32) < F32(p.exit_rate)) & ~self.out)
            for f in range(len(w.firms)):
                losses[f] = lose_involuntary(w, f, leave[c.status[f, leave] == ACTIVE])
            self._remove(leave)
            exited = leave.size
        if self.out.size and p.entry > 0:
            vacant = np.flatnonzero(self.out)
            come = vacant[rng.random(vacant.size) < p.entry]
            self._recycle(come)
            entered = come.size
        self.moved = {"exited": exited, "entered": entered,
                       "out_of_market": int(self.out.sum()) if self.out.size else 0}
        return losses

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """The period's market-wide turnover columns."""
        return {k: float(v) for k, v in self.moved.items()}

    def _remove(self, ids: np.ndarray) -> None:
        """Take customers ``ids`` out of the market."""
        c = self.world.customers
        c.status[:, ids] = NEVER
        c.need_prob[ids] = 0
        c.last_firm[ids] = -1
        self.out[ids] = True
        self.world.moves.removed = np.concatenate([self.world.moves.removed, ids])

    def _recycle(self, ids: np.ndarray) -> None:
        """Newcomers drawn from the segments take the places ``ids``."""
        w = self.world
        c, sc = w.customers, w.spec
        self.out[ids] = False
        c.draw_tastes(sc.market.segments, ids, w.rng)
        c.reference_price[ids] = sc.market.price_norm
        c.last_firm[ids] = -1
        c.clear(ids)
        fresh_pair_state(w, ids)
        w.moves.recycled = np.concatenate([w.moves.recycled, ids])


def lose_involuntary(w: World, f: int, ids: np.ndarray) -> Losses:
    """Customers ``ids`` active at firm ``f`` are lost to it for an involuntary reason."""
    why = np.full(ids.size, INVOLUNTARY, np.int64)
    return lose(w.customers, f, ids, why, w.t)


def fresh_pair_state(w: World, ids: np.ndarray) -> None:
    """State of a customer who has never bought from any firm (ODD 5, status never)."""
    c, ini, rng = w.customers, w.spec.initial, w.rng
    omega = F32(w.params.bonds.affective_satisfaction_weight)
    aff_rows = np.array([BONDS.index(b) for b in AFFECTIVE_BONDS])
    aware = w.params.awareness.enabled
    for f, firm in enumerate(w.firms):
        c.trust[f, ids] = ini.trust_never
        c.satisfaction[f, ids] = ini.satisfaction_never
        c.expectation[f, ids] = ini.expectation_never
        c.last_visit[f, ids] = -10_000
        c.bonds[f][:, ids] = firm.bond_levels[:, None]
        c.refresh_calculative(f, ids)
        c.affective[f, ids] = (omega * ini.satisfaction_never
                               + (1 - omega) * c.bonds[f][np.ix_(aff_rows, ids)].mean(axis=0))
        c.aware[f, ids] = rng.random(ids.size) < firm.cfg.awareness if aware else 1
