"""Dropout (ODD 7.21): customers who stop buying in the category for good, silently.

As in the BG/NBD model (Fader, Hardie & Lee 2005), after each purchase a customer leaves the
category with a probability of their own, p_i ~ Beta(a, b), drawn once; a share ``never`` of
the customers (pi) never drop out (p_i = 0: a spike at zero beside the beta, the "hard-core"
customers of a long panel). Here it also falls with the customer's attitude toward the firm
just visited (satisfied, trusting customers stay in the category more; ``satisfaction_effect``
k >= 0):

    P(drop out after a purchase at f) = min(1, p_i exp(-k (S_if + T_if - 1)))

With ``after_first: false`` only repeat purchases can be followed by a dropout, as in BG/NBD.
A customer who drops out has no more needs (nu_i = 0): they never buy again, and the firms see
them only as a lapse after ``dormancy`` periods (churn without a goodbye). Column
``dropped_out``: the firm's customers who dropped out after buying there this period.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .config import Block, Unit
from .constants import NEVER
from .step import Books, Mechanism, Phase, Tally, Visit, World

F32 = np.float32


class DropoutParams(Block):
    """Dropout (ODD 7.21), ``params.dropout``."""

    enabled: bool = Field(False, description="customers may leave the category after a purchase")
    a: float = Field(1.0, gt=0.0, le=1e4, description="Beta(a, b) of the dropout probability")
    b: float = Field(3.0, gt=0.0, le=1e4, description="Beta(a, b) of the dropout probability")
    satisfaction_effect: float = Field(
        0.0, ge=0.0, le=50.0, description="k: dropout x exp(-k (S + T - 1)) after a visit")
    never: Unit = Field(0.0, description="share of customers who never drop out (p_i = 0)")
    after_first: bool = Field(True, description="a customer may drop out after their first "
                              "purchase at a firm too (false: only after repeat purchases, "
                              "as in BG/NBD)")


class Dropout(Mechanism):
    """Each customer's dropout probability and who has dropped out.

    Attributes:
        p: (N,) each customer's dropout probability after a purchase.
        dropped: (N,) whether the customer has left the category.
        now: Per firm, dropouts after a purchase there this period.
    """

    key = "dropout"
    arrays = ("p", "dropped")
    phases = (Phase.START, Phase.SERVED, Phase.RECYCLED, Phase.ROW)
    columns = ("dropped_out",)
    counts = columns
    defaults = {"dropped_out": 0.0}

    def __init__(self, world: World):
        super().__init__(world)
        n = world.customers.n
        self.p = self._draw(n)
        self.dropped = np.zeros(n, bool)
        self.now = np.zeros(len(world.firms), np.int64)

    def start(self) -> None:
        """A new period's counts."""
        self.now[:] = 0

    def served(self, visit: Visit) -> None:
        """After their purchase, some of the served leave the category for good."""
        w, f = self.world, visit.firm
        c, k = w.customers, F32(w.params.dropout.satisfaction_effect)
        ids = visit.ids[~self.dropped[visit.ids]]
        if not w.params.dropout.after_first:  # the visit's status is still the one before it
            ids = ids[c.status[f, ids] != NEVER]
        prob = self.p[ids]
        if k:
            prob = np.minimum(prob * np.exp(-k * (c.satisfaction[f, ids] + c.trust[f, ids] - 1)),
                              F32(1))
        gone = ids[w.rng.random(ids.size, dtype=F32) < prob]
        self.dropped[gone] = True
        c.need_prob[gone] = 0
        self.now[f] += gone.size

    def recycled(self, ids: np.ndarray) -> None:
        """Newcomers in recycled places bring their own dropout probability."""
        self.p[ids] = self._draw(ids.size)
        self.dropped[ids] = False

    def _draw(self, size: int) -> np.ndarray:
        """Dropout probabilities of ``size`` customers: Beta(a, b), 0 for a share ``never``.

        With ``never`` = 0 no further numbers are drawn (the generator's stream as before).
        """
        p, rng = self.world.params.dropout, self.world.rng
        out = rng.beta(p.a, p.b, size).astype(F32)
        if p.never:
            out[rng.random(size) < p.never] = 0
        return out

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """This period's dropouts after a purchase at firm ``f``."""
        return {"dropped_out": float(self.now[f])}
