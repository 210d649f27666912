"""Dropout (ODD 7.21): customers who stop buying in the category for good, silently.

As in the BG/NBD model (Fader, Hardie & Lee 2005), after each purchase a customer leaves the
category with a probability of their own, p_i ~ Beta(a, b), drawn once; a share ``never`` of
the customers (pi) never drop out (p_i = 0: a spike at zero beside the beta, the "hard-core"
customers of a long panel). Here it also falls with the customer's attitude toward the firm
just visited (satisfied, trusting customers stay in the category more; ``satisfaction_effect``
k >= 0):

    P(drop out after a purchase at f) = min(1, p_i exp(-k (S_if + T_if - 1)))

With ``after_first: false`` only repeat purchases can be followed by a dropout, as in BG/NBD.
With purchase occasions (ODD 7.27) the chance applies after each purchase of the period: a
customer with R purchases that may be followed by a dropout leaves after the G-th of them,
G ~ Geometric(P) (so stays with probability (1 - P)^R), and makes none of the later ones.
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
    phases = (Phase.START, Phase.OCCASIONS, Phase.SERVED, Phase.RECYCLED, Phase.ROW)
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

    def occasions(self, f: int, ids: np.ndarray, n: np.ndarray | None) -> np.ndarray | None:
        """With purchase occasions: a dropout after any purchase ends the period's later ones.

        Each customer's R purchases that may be followed by a dropout (all of them, or with
        ``after_first: false`` all but a first-ever purchase) are tried in turn: the customer
        leaves after the G-th, G = 1 + floor(ln U / ln(1 - P)) ~ Geometric(P), if G <= R, and
        then makes R - G purchases fewer. Without occasions (``n`` None) nothing happens here.
        """
        if n is None:
            return None
        w, c = self.world, self.world.customers
        tries = n.copy()
        if not w.params.dropout.after_first:  # the status is still the one before the visit
            tries -= c.status[f, ids] == NEVER
        sel = np.flatnonzero(~self.dropped[ids] & (tries > 0))
        prob = self._prob(f, ids[sel]).astype(np.float64)
        u = w.rng.random(sel.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = 1 + np.floor(np.log(u) / np.log1p(-prob))  # +inf where prob is 0
        out = g <= tries[sel]
        left, after = sel[out], (tries[sel] - g)[out].astype(n.dtype)
        n = n.copy()
        n[left] -= after
        self._leave(f, ids[left])
        return n

    def served(self, visit: Visit) -> None:
        """After their purchase, some of the served leave the category for good."""
        if visit.n is not None:  # decided per purchase in phase OCCASIONS
            return
        w, f = self.world, visit.firm
        c = w.customers
        ids = visit.ids[~self.dropped[visit.ids]]
        if not w.params.dropout.after_first:  # the visit's status is still the one before it
            ids = ids[c.status[f, ids] != NEVER]
        prob = self._prob(f, ids)
        self._leave(f, ids[w.rng.random(ids.size, dtype=F32) < prob])

    def _prob(self, f: int, ids: np.ndarray) -> np.ndarray:
        """P(drop out after a purchase at ``f``) of ``ids``: p_i exp(-k (S + T - 1)), at most 1."""
        c, k = self.world.customers, F32(self.world.params.dropout.satisfaction_effect)
        prob = self.p[ids]
        if k:
            prob = np.minimum(prob * np.exp(-k * (c.satisfaction[f, ids] + c.trust[f, ids] - 1)),
                              F32(1))
        return prob

    def _leave(self, f: int, gone: np.ndarray) -> None:
        """Customers ``gone`` leave the category after a purchase at ``f``."""
        self.dropped[gone] = True
        self.world.customers.need_prob[gone] = 0
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
