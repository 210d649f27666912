"""Contagious defection (ODD 7.12): a neighbour's recent defection raises one's churn hazard.

Exposure of customer i to defections from firm f, over neighbours j lost to f at t_j < t:

    K_if(t) = sum_j 0.5 ** ((t - 1 - t_j) / h)          (h = ``half_life``)

A customer active at f, after the choice-based switches and lapses of the period, is also
lost to f with probability (an explicit extra hazard)

    h_if = min(1, h0_f ((1 + gamma_if) ** K_if - 1)),   gamma_if = gamma (1 - s A_if)

so that the total hazard is about h0_f (1 + gamma_if) ** K_if when h0_f is the hazard without
contagion: each fresh defecting neighbour multiplies it by 1 + gamma (Nitzan & Libai 2011:
about 1.8), less for the emotionally committed (s = ``loyal_shield``, A_if affective
commitment). h0_f is ``base_hazard`` or, if null, the firm's loss rate excluding contagion
losses, exponentially smoothed (weight 0.1 per period; starting at 1/52). A contagion
defector's trust in f falls by ``trust_loss`` and f is no longer their habitual firm; the loss
reason is the remembered incident if any, otherwise "competition". Exposures below 0.02
(a defection more than about 5.6 half-lives ago) are treated as zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from .config import Block, Unit
from .constants import ACTIVE, LOST
from .step import Books, Losses, Mechanism, Phase, Tally, World
from .talk import count_each
from .transitions import lose_for

if TYPE_CHECKING:
    from .customers import Customers


class ContagionParams(Block):
    """Contagious defection (ODD 7.12): neighbours' recent defections raise the churn hazard."""

    enabled: bool = False
    effect: float = Field(0.8, ge=0.0, le=100.0,
                          description="hazard ratio - 1 per fresh defecting neighbour "
                                      "(Nitzan & Libai 2011: about 0.8)")
    half_life: float = Field(4.0, gt=0.0, le=10_000, description="periods for a neighbour's "
                                                                 "defection to lose half its pull")
    base_hazard: float | None = Field(None, ge=0.0, le=1.0,
                                      description="h0; null: the firm's smoothed loss rate")
    loyal_shield: Unit = Field(0.5, description="effect x (1 - shield A_if): weaker for the "
                                                "emotionally committed")
    trust_loss: Unit = Field(0.3, description="a contagion defector's trust falls by this share")


F32 = np.float32
SMOOTH, START_HAZARD, MIN_EXPOSURE = 0.1, 1 / 52, 0.02


class Contagion(Mechanism):
    """Exposure to neighbours' defections and the extra hazard it brings (``params.contagion``).

    Attributes:
        base_hazard: h0_f per firm (smoothed loss rate without contagion).
        lost_now: Per firm, this period's contagion losses.
    """

    key = "contagion"
    arrays = ()  # ``exposure`` is a customer array (sim/customers.py) only this mechanism writes
    phases = (Phase.LOSSES, Phase.ROW, Phase.END)
    columns = ("lost_contagion",)
    counts = columns
    defaults = {"lost_contagion": 0.0}
    needs_network = True

    def __init__(self, world: World):
        super().__init__(world)
        self.base_hazard = np.full(len(world.firms), START_HAZARD)
        self.lost_now = np.zeros(len(world.firms), np.int64)

    def losses(self, f: int) -> Losses:
        """Draw this period's contagion defections at firm ``f``; lose them with their reasons."""
        w = self.world
        c, p = w.customers, w.params.contagion
        exposed = np.flatnonzero((c.exposure[f] > MIN_EXPOSURE) & (c.status[f] == ACTIVE))
        h0 = p.base_hazard if p.base_hazard is not None else self.base_hazard[f]
        gone = exposed[w.rng.random(exposed.size, dtype=F32) < hazard(c, f, exposed, h0, p)]
        trust = c.trust[f]  # (N,) rows: faster to gather from and scatter to than (f, ids)
        trust[gone] *= F32(1 - p.trust_loss)
        c.last_firm[gone[c.last_firm[gone] == f]] = -1
        self.lost_now[f] = gone.size
        return lose_for(c, f, gone, w.t, w.params.churn.incident_memory)

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """This period's contagion losses at firm ``f``."""
        return {"lost_contagion": float(self.lost_now[f])}

    def end(self, tallies: list[Tally]) -> None:
        """The base hazards learn the period; exposures decay; defections reach neighbours."""
        for f, tally in enumerate(tallies):
            if tally.active_start:
                rate = (tally.losses.total - self.lost_now[f]) / tally.active_start
                self.base_hazard[f] += SMOOTH * (rate - self.base_hazard[f])
        self._decay_and_push([tally.losses.ids for tally in tallies])

    def _decay_and_push(self, lost: list[np.ndarray] | None = None) -> None:
        """Exposures decay; this period's defections (among ``lost`` per firm) reach neighbours.

        A defection of the period is a customer lost now (``lost_since == t``) and still lost.
        Each was lost through ``transitions.lose``, so is among the period's ``Losses.ids``
        (``lost``), except at t = 0: the initially lost customers have ``lost_since`` 0 (a
        pass over every customer then, and when ``lost`` is not given).
        """
        w = self.world
        c, t = w.customers, w.t
        assert w.network is not None
        c.exposure *= F32(0.5 ** (1.0 / w.params.contagion.half_life))
        for f in range(c.n_firms):
            if lost is None or t == 0:
                new = np.flatnonzero((c.lost_since[f] == t) & (c.status[f] == LOST))
            else:
                new = lost[f]  # each once: only active customers are lost (in any order)
                new = new[(c.lost_since[f][new] == t) & (c.status[f][new] == LOST)]
            if new.size:
                who, n = count_each(w.network.neighbours_of(new), c.n)
                exposure = c.exposure[f]
                exposure[who] += n.astype(F32)


def hazard(c: Customers, f: int, ids: np.ndarray, h0: float, p: ContagionParams) -> np.ndarray:
    """h_if for customers ``ids`` at firm ``f``."""
    if h0 <= 0:
        return np.zeros(ids.size, F32)
    gamma = F32(p.effect) * (1 - F32(p.loyal_shield) * c.affective[f][ids])
    with np.errstate(over="ignore"):  # a huge exposure gives inf, and then a hazard of 1
        return np.minimum(F32(h0) * ((1 + gamma) ** c.exposure[f][ids] - 1), 1)
