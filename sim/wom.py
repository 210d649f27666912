"""Word of mouth (ODD 7.11): served customers recommend or warn their neighbours.

After being served by firm f, customer i with transaction satisfaction s_i
  * recommends f with probability pi_+ if s_i >= s_+ (satisfied), or
  * warns against f with probability pi_- if s_i <= s_- (dissatisfied),
to n_i ~ Poisson(m) of their neighbours (at most all of them; m = m_+ or m_-). What a message
does to its receiver is the message channel's rule (sim/talk.py). After a complaint, an
unresolved complainant warns n ~ Poisson(m_u) neighbours (TARP: 9-10) and a complainant
resolved fast recommends with probability pi_r to n ~ Poisson(m_r) (sim/complaints.py, with
word of mouth on). A firm's crisis response (ODD 7.24) multiplies pi_- for that firm by its
``wom_dampening`` factor (1 unless a response is in force). Columns: ``wom_positive``,
``wom_negative`` (messages received about the firm this period, from every mechanism that
talks).
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from .config import Block, Unit
from .step import Books, Mechanism, Phase, Tally, Visit

Audience = Annotated[float, Field(ge=0.0, le=1000.0)]


class WomParams(Block):
    """Word of mouth (ODD 7.11): who tells how many neighbours, and what a message does."""

    enabled: bool = False
    satisfied: Unit = Field(0.7, description="transaction satisfaction at or above: satisfied")
    dissatisfied: Unit = Field(0.35, description="transaction satisfaction at or below: "
                                                 "dissatisfied")
    prob_positive: Unit = Field(0.2, description="chance a satisfied customer recommends")
    prob_negative: Unit = Field(0.5, description="chance a dissatisfied customer warns")
    told_positive: Audience = Field(4.0, description="mean audience of a recommendation")
    told_negative: Audience = Field(7.0, description="mean audience of a warning")
    told_unresolved: Audience = Field(9.5, description="mean audience after a badly handled "
                                                       "complaint (TARP: 9-10)")
    told_recovered: Audience = Field(4.0, description="mean audience of a complainant whose "
                                                      "problem was solved fast")
    prob_recovered: Unit = Field(0.5, description="chance a fast-recovered complainant "
                                                  "recommends")
    trust_gain: Unit = Field(0.05, description="recommendation: T += gain (1 - T)")
    trust_loss: Unit = Field(0.1, description="warning: T -= loss T")
    expectation_shift: Unit = Field(0.03, description="each message moves E of a non-customer "
                                                      "up or down by this much")

    @model_validator(mode="after")
    def _order(self) -> WomParams:
        if self.dissatisfied >= self.satisfied:
            raise ValueError("dissatisfied must be below satisfied")
        return self


F32 = np.float32


class WordOfMouth(Mechanism):
    """Served customers talk about the firm (``params.wom``)."""

    key = "wom"
    phases = (Phase.START, Phase.SERVED, Phase.ROW)
    columns = ("wom_positive", "wom_negative")
    counts = columns
    defaults = dict.fromkeys(columns, 0.0)
    needs_network = True

    def start(self) -> None:
        """A new period's message counts."""
        assert self.world.talk is not None
        self.world.talk.new_period()

    def served(self, visit: Visit) -> None:
        """The served talk: satisfied ones may recommend, dissatisfied ones may warn."""
        w = self.world
        p, talk = w.params.wom, w.talk
        assert talk is not None
        ids, s = visit.ids, visit.s
        u = w.rng.random(ids.size, dtype=F32)
        happy = ids[(s >= p.satisfied) & (u < p.prob_positive)]
        damp = w.firms[visit.firm].wom_dampening  # crisis response (ODD 7.24); 1 = none
        p_neg = p.prob_negative if damp == 1.0 else min(1.0, p.prob_negative * damp)
        unhappy = ids[(s <= p.dissatisfied) & (u < p_neg)]
        talk.tell(w.customers, visit.firm, happy, p.told_positive, +1, p, w.rng)
        talk.tell(w.customers, visit.firm, unhappy, p.told_negative, -1, p, w.rng)

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """Messages received about firm ``f`` this period."""
        talk = self.world.talk
        assert talk is not None
        return {"wom_positive": float(talk.positive[f]), "wom_negative": float(talk.negative[f])}
