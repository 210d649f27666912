"""Referral rewards (ODD 7.20): willingness to recommend made a lever.

A served customer of firm f whose transaction satisfaction s_i >= ``satisfied`` refers one
neighbour who has never bought from f, with probability

    p_ref = min(1, prob_refer (1 + boost_f))

where boost_f is the extra willingness that firm f's referral reward buys (``type:
referral_reward``; 0 without one). The referred neighbour hears of f from a friend: a_jf = 1,
T_jf += trust_gain (1 - T_jf), and is marked as referred by i for ``window`` periods. When a
referred customer first buys from f within the window, the referral has converted: f pays the
referrer its ``reward`` (``cost_referral``). Columns: ``referrals`` (referrals made),
``referrals_converted``, and the cost in the accounts.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .config import MAX_SPAN, Block, Unit
from .constants import NEVER
from .step import Books, Mechanism, Phase, Tally, Visit, World

F32 = np.float32
NOBODY = -1


class ReferralParams(Block):
    """Referrals (ODD 7.20), ``params.referrals``."""

    enabled: bool = Field(False, description="satisfied customers refer never-customers")
    satisfied: Unit = Field(0.7, description="transaction satisfaction at or above which a "
                                             "served customer may refer")
    prob_refer: Unit = Field(0.05, description="chance a satisfied served customer refers one "
                                               "neighbour, without a reward")
    trust_gain: Unit = Field(0.1, description="a referred customer's trust: T += gain (1 - T)")
    window: int = Field(13, ge=1, le=MAX_SPAN,
                        description="periods a referral can convert into a first purchase")


class Referrals(Mechanism):
    """Who referred whom to which firm, and the referrals that converted.

    Attributes:
        referrer: (F, N) the customer who referred customer j to firm f (-1: nobody).
        referred_t: (F, N) the period of that referral.
        made: Per firm, referrals made this period.
        converted: Per firm, referrals converted this period.
    """

    key = "referrals"
    arrays = ("referrer", "referred_t")
    phases = (Phase.START, Phase.SERVED, Phase.RECYCLED, Phase.ROW)
    columns = ("referrals", "referrals_converted")
    counts = columns
    defaults = dict.fromkeys(columns, 0.0)
    needs_network = True

    def __init__(self, world: World):
        super().__init__(world)
        c = world.customers
        self.referrer = np.full((c.n_firms, c.n), NOBODY, np.int32)
        self.referred_t = np.zeros((c.n_firms, c.n), np.int16)
        self.made = np.zeros(c.n_firms, np.int64)
        self.converted = np.zeros(c.n_firms, np.int64)

    def start(self) -> None:
        """A new period's counts."""
        self.made[:] = 0
        self.converted[:] = 0

    def served(self, visit: Visit) -> None:
        """Convert referrals of first-time buyers; satisfied customers refer neighbours."""
        self._convert(visit)
        self._refer(visit)

    def recycled(self, ids: np.ndarray) -> None:
        """Newcomers in recycled places were referred by nobody."""
        self.referrer[:, ids] = NOBODY

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """This period's referrals made and converted at firm ``f``."""
        return {"referrals": float(self.made[f]), "referrals_converted": float(self.converted[f])}

    def _convert(self, visit: Visit) -> None:
        """First purchases of referred customers within the window: the firm pays the reward."""
        w, f = self.world, visit.firm
        first = visit.ids[w.customers.status[f, visit.ids] == NEVER]  # first purchases
        fresh = first[(self.referrer[f, first] != NOBODY)
                      & (w.t - self.referred_t[f, first] < w.params.referrals.window)]
        self.referrer[f, first] = NOBODY
        self.converted[f] += fresh.size
        firm = w.firms[f]
        firm.spent["referral"] += fresh.size * w.weight * firm.referral.reward

    def _refer(self, visit: Visit) -> None:
        """Satisfied served customers each refer one never-customer neighbour."""
        w, f = self.world, visit.firm
        c, p, net = w.customers, w.params.referrals, w.network
        assert net is not None
        chance = min(1.0, p.prob_refer * (1 + w.firms[f].referral.boost))
        senders = visit.ids[(visit.s >= p.satisfied)
                            & (w.rng.random(visit.ids.size, dtype=F32) < chance)]
        if senders.size == 0:
            return
        pos, dst = net.sample(senders, np.ones(senders.size, np.int64), w.rng)
        src = senders[pos]
        ok = ((c.status[f, dst] == NEVER) & (self.referrer[f, dst] == NOBODY)
              & ~np.isin(dst, visit.ids))  # not someone buying here right now
        src, dst = src[ok], dst[ok]
        dst, first = np.unique(dst, return_index=True)
        src = src[first]
        self.referrer[f, dst] = src
        self.referred_t[f, dst] = w.t
        c.aware[f, dst] = 1
        c.raise_to_one(c.trust[f], dst, p.trust_gain)
        self.made[f] += dst.size
