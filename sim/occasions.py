"""Purchase occasions (ODD 7.27): how many purchases a served customer makes in a period.

A customer's need nu_i (ODD 2.1) is the chance of at least one occasion of a Poisson process
of rate lambda_i = -ln(1 - nu_i) per period. Without this mechanism a served customer makes
one purchase a period; with it, the number of occasions N_i given at least one is drawn
exactly from that process: the first occasion's time T1 in the period (0..1) from its
truncated exponential law, the later ones a Poisson count over the rest of the period,

    T1 = -ln(1 - U (1 - e^(-lambda_i))) / lambda_i,   U ~ U(0, 1)
    N_i = 1 + Poisson(lambda_i (1 - T1))               E[N_i] = lambda_i / (1 - e^(-lambda_i))

A customer whose need is forced to 1 in their arrival period (ODD 7.22: acquisition by a first
purchase) makes the first purchase at a uniform time T1 = U of the period and then follows
their own rate: N_i = 1 + Poisson(lambda_i (1 - U)), lambda_i from the need they have once
arrived (kept here: ``rate``). Rates are capped at -ln(2^-24) = 16.6 (the largest one whose nu
float32 tells from 1).

Each occasion is a purchase at the period's price: revenue, variable and service costs count
occasions (``Visit.n``, ``Tally.transactions``, column ``transactions``). Choice, capacity
rationing, the experience and every attitude update stay once per customer and period; a
dropout (ODD 7.21) may end a customer's occasions early (it acts after each purchase).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .config import Block
from .step import Mechanism, Phase, World

NU_MAX = 1.0 - 2.0**-24  # the largest float32 below 1
LAMBDA_MAX = -np.log1p(-NU_MAX)  # 16.6 occasions per period


class OccasionParams(Block):
    """Purchase occasions (ODD 7.27), ``params.occasions``."""

    enabled: bool = Field(False, description="a served customer makes as many purchases as "
                                             "the period's Poisson occasions (1 + Poisson "
                                             "beyond the first); off: one purchase a period")


class Occasions(Mechanism):
    """Draws each served customer's number of purchase occasions in the period.

    Attributes:
        rate: (N,) the need each customer has outside a forced arrival period (nu_i), from
            which the rate of an arrival's later occasions is taken.
    """

    key = "occasions"
    arrays = ("rate",)
    phases = (Phase.OCCASIONS, Phase.RECYCLED)

    def __init__(self, world: World):
        super().__init__(world)
        # built before the arrivals (registry order), so the needs are those the late
        # customers will have once arrived
        self.rate = world.customers.need_prob.copy()

    def occasions(self, f: int, ids: np.ndarray, n: np.ndarray | None) -> np.ndarray:
        """The number of purchase occasions of each of the served ``ids`` (1 or more)."""
        rng = self.world.rng
        nu = self.world.customers.need_prob[ids].astype(np.float64)
        own = self.rate[ids].astype(np.float64)
        forced = (nu >= 1.0) & (own < 1.0)
        nu = np.minimum(np.where(forced, own, nu), NU_MAX)
        lam = -np.log1p(-nu)
        u = rng.random(ids.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            t1 = np.where(forced, u, -np.log1p(-u * nu) / lam)
        t1 = np.where(lam > 0, t1, 1.0)
        return 1 + rng.poisson(lam * (1.0 - t1))

    def recycled(self, ids: np.ndarray) -> None:
        """Newcomers in recycled places bring their own need."""
        self.rate[ids] = self.world.customers.need_prob[ids]


def expected_occasions(nu: np.ndarray | float) -> np.ndarray:
    """E[N | N >= 1] = lambda / (1 - e^(-lambda)) for a need nu = 1 - e^(-lambda)."""
    nu = np.minimum(np.asarray(nu, np.float64), NU_MAX)
    lam = -np.log1p(-nu)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(nu > 0, lam / nu, 1.0)
