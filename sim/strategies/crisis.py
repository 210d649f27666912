"""Crisis response: the firm answers a scandal or a widely felt failure (ODD 7.24).

Situational crisis communication theory (Coombs 2007; Coombs & Holladay 2002): how a firm
answers a crisis decides how much of the reputation and trust it keeps. When a ``scandal`` or
``service_failure`` event (sim/events.py, ODD 7.19) touches at least ``threshold`` of the
firm's active customers, the firm answers ``delay`` periods later (lag L) with one of three
postures, reaching a share ``reach`` of the customers who know of the crisis (those it
touched). With d = 0.5 ** (L / half_life) (every effect shrinks with delay):

* ``rebuild`` (an apology to everyone reached, and ``compensation`` to each reached customer
  who is an active customer of the firm when it answers, booked as ``crisis_cost``):
  trust and the psychological bond recover ``restore_rebuild`` x d of what they lost since just
  before the crisis, and for ``word_periods`` periods the firm's dissatisfied customers warn
  with probability pi_- x (1 - ``dampening`` x d) (sim/wom.py).
* ``diminish`` (excuse, justification): trust and the psychological bond recover
  ``restore_diminish`` x d of the loss; no compensation, no dampening.
* ``deny``: nothing is restored; where the firm was at fault (``at_fault``; by default a
  scandal is, a service failure is not) the reached lose more trust,
  T <- T (1 - ``deny_trust_loss`` x d), and for ``word_periods`` periods negative word of
  mouth spreads faster: pi_- x (1 + ``deny_amplify`` x d).

A crisis below the threshold is not answered. The response draws random numbers (who is
reached) only when it answers; a firm without the strategy draws nothing.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..constants import ACTIVE
from ..step import Crisis
from .base import Strategy, StrategyConfig, pick
from .levers import Levers

F32 = np.float32


class Config(StrategyConfig):
    """YAML block ``type: crisis_response`` (ODD 7.24)."""

    type: Literal["crisis_response"]
    response: Literal["deny", "diminish", "rebuild"] = Field(
        "rebuild", description="the posture of the answer (Coombs 2007): deny, diminish "
                               "(excuse, justify) or rebuild (apologise and compensate)")
    threshold: float = Field(0.05, ge=0.0, le=1.0,
                             description="answer crises that touch at least this share of the "
                                         "firm's active customers")
    delay: int = Field(1, ge=0, le=20_000,
                       description="periods between the crisis and the answer (must be within "
                                   "the horizon)")
    reach: float = Field(0.8, ge=0.0, le=1.0,
                         description="share of the customers who know of the crisis whom the "
                                     "answer reaches")
    compensation: float = Field(0.0, ge=0.0, le=1e9,
                                description="rebuild: currency paid to each reached "
                                            "active customer (booked as crisis_cost)")
    at_fault: bool | None = Field(None, description="whether the firm was at fault (a denial "
                                  "then costs trust); null = scandals yes, service failures no")
    half_life: float = Field(4.0, gt=0.0, le=10_000.0,
                             description="periods of delay that halve every effect")
    restore_rebuild: float = Field(0.6, ge=0.0, le=1.0,
                                   description="rebuild: share of the trust and psychological "
                                               "bond lost that is restored (at no delay)")
    restore_diminish: float = Field(0.25, ge=0.0, le=1.0,
                                    description="diminish: share of the loss restored "
                                                "(at no delay)")
    dampening: float = Field(0.5, ge=0.0, le=1.0,
                             description="rebuild: cut in the chance a dissatisfied customer "
                                         "warns about the firm (at no delay)")
    deny_trust_loss: float = Field(0.15, ge=0.0, le=1.0,
                                   description="deny when at fault: share of trust the reached "
                                               "lose (at no delay)")
    deny_amplify: float = Field(0.5, ge=0.0, le=10.0,
                                description="deny when at fault: rise in the chance a "
                                            "dissatisfied customer warns (at no delay)")
    word_periods: int = Field(13, ge=0, le=20_000,
                              description="periods the change in negative word of mouth lasts")


class CrisisResponse(Strategy[Config]):
    """Answers each crisis once, ``delay`` periods after it.

    Attributes:
        done: Indices (in ``levers.crises``) of the crises answered or below the threshold.
        word: Windows of changed negative word of mouth: (last period, factor).
    """

    def __init__(self, cfg: Config):
        super().__init__(cfg)
        self.done: set[int] = set()
        self.word: list[tuple[int, float]] = []

    def act(self, firm: Levers) -> None:
        """Answer the crises due now; set this period's factor on negative word of mouth."""
        cfg, t = self.cfg, firm.t
        for k, crisis in enumerate(firm.crises):
            if k in self.done:
                continue
            if crisis.share < cfg.threshold:
                self.done.add(k)
            elif t >= crisis.period + cfg.delay and cfg.in_force(t):
                self.done.add(k)
                self.answer(firm, crisis, t - crisis.period)
        self.word = [(last, x) for last, x in self.word if last >= t]
        if self.word:
            firm.set_wom_dampening(float(np.prod([x for _, x in self.word])))

    def at_fault(self, crisis: Crisis) -> bool:
        """Whether the firm is held at fault for ``crisis``."""
        return crisis.type == "scandal" if self.cfg.at_fault is None else self.cfg.at_fault

    def answer(self, firm: Levers, crisis: Crisis, lag: int) -> None:
        """Answer ``crisis`` ``lag`` periods after it happened."""
        cfg, c, f, rng = self.cfg, firm.customers, firm.index, firm.rng
        d = 0.5 ** (lag / cfg.half_life)
        n = crisis.ids.size
        pos = pick(rng, np.arange(n), int(rng.binomial(n, cfg.reach)) if n else 0)
        ids = crisis.ids[pos]
        firm.activity.crisis_reached += ids.size
        last = firm.t + cfg.word_periods - 1
        if cfg.response != "deny":
            share = F32(d * (cfg.restore_rebuild if cfg.response == "rebuild"
                             else cfg.restore_diminish))
            for arr, before in ((c.trust[f], crisis.trust_before),
                                (c.bond(f, "psychological"), crisis.psychological_before)):
                arr[ids] += share * np.maximum(before[pos] - arr[ids], F32(0))
        if cfg.response == "rebuild":
            paid = np.count_nonzero(c.status[f, ids] == ACTIVE)
            firm.spend_on("crisis", int(paid), cfg.compensation)
            if cfg.word_periods:
                self.word.append((last, 1.0 - cfg.dampening * d))
        elif cfg.response == "deny" and self.at_fault(crisis):
            c.trust[f, ids] *= F32(1 - cfg.deny_trust_loss * d)
            if cfg.word_periods:
                self.word.append((last, 1.0 + cfg.deny_amplify * d))
