"""Awareness (ODD 7.11): a customer who does not know a firm cannot choose it.

With ``params.awareness.enabled`` a never-customer knows firm f at t = 0 with probability
``firms[f].awareness``; past and current customers know it. An unaware customer cannot
choose the firm (its utility is set to ``UNAWARE``). Being served, messages (sim/talk.py)
and advertising (``type: advertising``) make customers aware. Column ``aware_share``: share
of all customers who know the firm (1 when the mechanism is off).
"""

from __future__ import annotations

import numpy as np

from .config import Block
from .constants import NEVER
from .step import Books, Mechanism, Phase, Tally, Visit, World

F32 = np.float32
UNAWARE = F32(-1e4)


class AwarenessParams(Block):
    """Awareness (ODD 7.11): an unaware customer cannot choose the firm."""

    enabled: bool = False


class Awareness(Mechanism):
    """Who knows which firm (the ``aware`` array of the customers)."""

    key = "awareness"
    phases = (Phase.MASK, Phase.SERVED, Phase.ROW)
    columns = ("aware_share",)
    defaults = {"aware_share": 1.0}

    def __init__(self, world: World):
        super().__init__(world)
        c = world.customers
        for f, firm in enumerate(world.firms):
            known = world.rng.random(c.n, dtype=F32) < F32(firm.cfg.awareness)
            c.aware[f] = (known | (c.status[f] != NEVER)).astype(np.int8)

    def mask(self, v: np.ndarray, idx: np.ndarray) -> None:
        """Set V_if to ``UNAWARE`` where customer idx[k] does not know firm f (in place)."""
        unaware = self.world.customers.aware[:, idx] == 0
        if unaware.any():
            v[unaware] = UNAWARE

    def served(self, visit: Visit) -> None:
        """A customer served by a firm knows it."""
        self.world.customers.aware[visit.firm][visit.ids] = 1  # a row: faster than (f, ids)

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """Share of all customers who know firm ``f``."""
        c = self.world.customers
        return {"aware_share": np.count_nonzero(c.aware[f]) / c.n}
