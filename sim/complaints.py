"""Complaints and service recovery (ODD 7.13).

Lodging: a customer served by firm f complains with probability pi_F if the visit had a
service failure, else pi_D if the transaction satisfaction s_i <= ``dissatisfied`` (TARP: about
1 in 25), unless a complaint of theirs to f is already pending. Who voices is selected by
commitment (voice rather than exit, Hirschman 1970): each chance is multiplied by

    v_i = (A_if + T_if) ** nu / mean_j (A_jf + T_jf) ** nu     (nu = ``voice_commitment``)

the mean taken over this period's customers of f with a problem, and capped at 1. The average
chance stays pi_F or pi_D (TARP's rates are population averages); the committed and trusting
complain more, the uncommitted leave silently. Complaints queue per firm in arrival order.

Handling (``type: complaint_handling``, when the firm acts, through the firm's complaint desk
``Desk`` that this mechanism gives it): the firm answers the first ``capacity`` complaints in
the queue; each answer resolves the problem with probability
``quality`` (the policy), otherwise it is refused or stalled. A complaint waiting longer than
``patience`` periods is given up. Delay d = t_answer - t_complaint >= 1. Outcomes:

  * resolved fast (d <= ``fast_within``): S += a_F (1 - S), T += b_F (1 - T),
    psychological bond += c_F (1 - B); the incident is forgiven; the complainant recommends
    the firm with probability pi_r (sim/talk.py; only with word of mouth on);
  * resolved (slower): the same with a_R, b_R, c_R;
  * unresolved (refused, stalled or given up): S -= a_U S, T -= b_U T, B -= c_U B; the
    incident becomes "response to failure"; the complainant warns ~Poisson(m_u) neighbours
    (with word of mouth on) and leaves the firm at once with probability ``exit_unresolved``.

Costs: ``cost_per_complaint`` per answer and ``cost_per_slot`` per unit of capacity per
period (``cost_complaints``), ``redress`` per resolved complaint (``cost_redress``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from .config import Block, Unit
from .constants import (
    ACTIVE,
    BOND_INDEX,
    CP_FAST,
    CP_PENDING,
    CP_RESOLVED,
    CP_UNRESOLVED,
    INC_NONE,
    INC_RESPONSE,
)
from .step import Books, Losses, Mechanism, Phase, Tally, Visit, World
from .transitions import lose_for

if TYPE_CHECKING:
    from .customers import Customers


class ComplaintParams(Block):
    """Complaints and service recovery (ODD 7.13)."""

    enabled: bool = False
    dissatisfied: Unit = Field(0.35, description="transaction satisfaction at or below: "
                                                 "dissatisfied")
    prob_dissatisfied: Unit = Field(0.04, description="chance a dissatisfied customer complains "
                                                      "(TARP: 1 in 25)")
    prob_failure: Unit = Field(0.1, description="chance a customer hit by a failure complains")
    voice_commitment: float = Field(
        4.0, ge=0.0, le=10.0,
        description="nu: complaint chance x (A_if + T_if) ** nu / its mean among those with a "
                    "problem: the committed voice, the uncommitted exit (Hirschman 1970); "
                    "calibrated to TARP's ordering, 0 = no selection")
    patience: int = Field(4, ge=0, le=10_000, description="periods a complainant waits for an "
                                                         "answer before giving up (unresolved)")
    fast_within: int = Field(1, ge=1, le=10_000, description="answered within this many "
                                                            "periods: resolved fast")
    fast_satisfaction: Unit = Field(0.5, description="resolved fast: S += this (1 - S)")
    fast_trust: Unit = Field(0.4, description="resolved fast: T += this (1 - T)")
    fast_psychological: Unit = Field(0.2, description="resolved fast: psychological bond "
                                                      "+= this (1 - B)")
    slow_satisfaction: Unit = Field(0.25, description="resolved late: S += this (1 - S); half "
                                                      "the fast effect (timeliness, Smith et al. "
                                                      "1999)")
    slow_trust: Unit = Field(0.2, description="resolved late: T += this (1 - T); half the fast "
                                              "effect")
    slow_psychological: Unit = Field(0.1, description="resolved late: psychological bond += "
                                                      "this (1 - B); half the fast effect")
    unresolved_satisfaction: Unit = Field(0.15, description="unresolved: S -= this S (a second "
                                                            "disappointment on top of the "
                                                            "failure)")
    unresolved_trust: Unit = Field(0.15, description="unresolved: T -= this T")
    unresolved_psychological: Unit = Field(0.5, description="unresolved: psychological bond "
                                                            "-= this B (being let down by the "
                                                            "firm, the relationship suffers)")
    exit_unresolved: Unit = Field(0.02, description="chance an unresolved complainant leaves "
                                                    "at once (response to failure); the rest "
                                                    "decide through the lowered attitudes")


F32 = np.float32
PSY = BOND_INDEX["psychological"]
COUNTS = ("complaints", "complaints_resolved", "complaints_resolved_fast",
          "complaints_unresolved")


class Complaints(Mechanism):
    """Complaint queues per firm, their outcomes, and the complainants who walk out.

    Attributes:
        ids: Per firm, the queued complainants in arrival order.
        lodged: Per firm, the period each queued complaint was lodged.
        leavers: Per firm, this period's unresolved complainants who leave.
        tally: Per firm, this period's counts (``COUNTS``).
    """

    key = "complaints"
    phases = (Phase.START, Phase.SERVED, Phase.BEFORE_LOSSES, Phase.LOSSES, Phase.REMOVED,
              Phase.ROW)
    columns = (*COUNTS, "complaints_pending")
    counts = columns
    defaults = dict.fromkeys(columns, 0.0)

    def __init__(self, world: World):
        super().__init__(world)
        n = len(world.firms)
        self.ids = [np.zeros(0, np.int64) for _ in range(n)]
        self.lodged = [np.zeros(0, np.int64) for _ in range(n)]
        self.leavers = [np.zeros(0, np.int64) for _ in range(n)]
        self.tally = [dict.fromkeys(COUNTS, 0) for _ in range(n)]
        for firm in world.firms:
            firm.complaint_desk = Desk(self, firm.index)

    def nbytes(self) -> int:
        """Bytes held by the queues."""
        return sum(a.nbytes for a in (*self.ids, *self.lodged, *self.leavers))

    def pending(self, f: int) -> int:
        """Complaints waiting at firm ``f``."""
        return int(self.ids[f].size)

    def start(self) -> None:
        """A new period's counts."""
        for counts in self.tally:
            counts.update(dict.fromkeys(COUNTS, 0))

    def served(self, visit: Visit) -> None:
        """Served customers of the firm complain (or not) about this visit."""
        w, f, ids = self.world, visit.firm, visit.ids
        c, p = w.customers, w.params.complaints
        prob = np.where(visit.failed, F32(p.prob_failure),
                        np.where(visit.s <= p.dissatisfied, F32(p.prob_dissatisfied), F32(0)))
        if p.voice_commitment:
            prob = np.minimum(prob * voice(c, f, ids, prob > 0, p.voice_commitment), F32(1))
        complaint = c.complaint[f]  # (N,) rows: faster to gather from and scatter to than (f, ids)
        who = ids[(w.rng.random(ids.size, dtype=F32) < prob) & (complaint[ids] != CP_PENDING)]
        if who.size == 0:
            return
        complaint[who] = CP_PENDING
        self.ids[f] = np.concatenate([self.ids[f], who])
        self.lodged[f] = np.concatenate([self.lodged[f], np.full(who.size, w.t)])
        self.tally[f]["complaints"] += who.size

    def answer(self, f: int, capacity: int, quality: float) -> tuple[int, int]:
        """Answer up to ``capacity`` of firm ``f``'s queue; returns (answered, resolved)."""
        w = self.world
        k = min(capacity, self.pending(f))
        if k == 0:
            return 0, 0
        ids, lodged = self.ids[f][:k], self.lodged[f][:k]
        self.ids[f], self.lodged[f] = self.ids[f][k:], self.lodged[f][k:]
        ok = w.rng.random(k) < quality
        fast = ok & (w.t - lodged <= w.params.complaints.fast_within)
        self._resolve(f, ids[fast], fast=True)
        self._resolve(f, ids[ok & ~fast], fast=False)
        self._fail(f, ids[~ok])
        return k, int(ok.sum())

    def before_losses(self) -> None:
        """Complaints waiting longer than ``patience`` are given up: unresolved."""
        w = self.world
        for f in range(len(w.firms)):
            late = w.t - self.lodged[f] > w.params.complaints.patience
            if late.any():
                self._fail(f, self.ids[f][late])
                self.ids[f], self.lodged[f] = self.ids[f][~late], self.lodged[f][~late]

    def losses(self, f: int) -> Losses:
        """Lose this period's unresolved complainants who walk out (response to failure)."""
        w = self.world
        c = w.customers
        go = np.unique(self.leavers[f])
        self.leavers[f] = go[:0]
        go = go[c.status[f, go] == ACTIVE]
        c.last_firm[go[c.last_firm[go] == f]] = -1
        return lose_for(c, f, go, w.t, w.params.churn.incident_memory)

    def removed(self, ids: np.ndarray) -> None:
        """Forget the queued complaints of customers who left the market."""
        gone = np.zeros(self.world.customers.n, bool)
        gone[ids] = True
        for f, queued in enumerate(self.ids):
            keep = ~gone[queued]
            self.ids[f], self.lodged[f] = queued[keep], self.lodged[f][keep]
            self.leavers[f] = self.leavers[f][~gone[self.leavers[f]]]

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """This period's complaint counts and the queue left at firm ``f``."""
        return {**{k: float(v) for k, v in self.tally[f].items()},
                "complaints_pending": float(self.pending(f))}

    def _resolve(self, f: int, ids: np.ndarray, fast: bool) -> None:
        """A resolved complaint: satisfaction, trust and the psychological bond recover."""
        w = self.world
        c, p = w.customers, w.params.complaints
        a, b, g = ((p.fast_satisfaction, p.fast_trust, p.fast_psychological) if fast else
                   (p.slow_satisfaction, p.slow_trust, p.slow_psychological))
        c.raise_to_one(c.satisfaction[f], ids, a)
        c.raise_to_one(c.trust[f], ids, b)
        c.raise_to_one(c.bonds[f, PSY], ids, g)
        c.incident[f][ids] = INC_NONE
        c.complaint[f][ids] = CP_FAST if fast else CP_RESOLVED
        self.tally[f]["complaints_resolved"] += ids.size
        if fast:
            self.tally[f]["complaints_resolved_fast"] += ids.size
            wom = w.params.wom
            if not wom.enabled or w.talk is None:
                return
            talk = ids[w.rng.random(ids.size, dtype=F32) < wom.prob_recovered]
            w.talk.tell(c, f, talk, wom.told_recovered, +1, wom, w.rng)

    def _fail(self, f: int, ids: np.ndarray) -> None:
        """An unresolved complaint: attitudes fall, the complainant warns others, may leave."""
        w = self.world
        c, p = w.customers, w.params.complaints
        c.satisfaction[f][ids] *= F32(1 - p.unresolved_satisfaction)
        c.trust[f][ids] *= F32(1 - p.unresolved_trust)
        c.bonds[f][PSY][ids] *= F32(1 - p.unresolved_psychological)
        c.incident[f][ids] = INC_RESPONSE
        c.incident_t[f][ids] = w.t
        c.complaint[f][ids] = CP_UNRESOLVED
        self.tally[f]["complaints_unresolved"] += ids.size
        if w.params.wom.enabled and w.talk is not None:
            w.talk.tell(c, f, ids, w.params.wom.told_unresolved, -1, w.params.wom, w.rng)
        go = ids[w.rng.random(ids.size, dtype=F32) < p.exit_unresolved]
        self.leavers[f] = np.concatenate([self.leavers[f], go])


class Desk:
    """A firm's complaint desk: the lever a complaint-handling strategy uses.

    Args:
        book: The complaints mechanism.
        f: The firm's index.
    """

    def __init__(self, book: Complaints, f: int):
        self._book, self._f = book, f

    def answer(self, capacity: int, quality: float) -> tuple[int, int]:
        """Answer up to ``capacity`` queued complaints (in agents); returns (answered, resolved)."""
        return self._book.answer(self._f, capacity, quality)


def voice(c: Customers, f: int, ids: np.ndarray, at_risk: np.ndarray, nu: float) -> np.ndarray:
    """Relative propensity to voice, (A + T) ** nu over its mean among those ``at_risk``.

    Computed for those at risk only (the power is costly): the others get 0, as their chance
    of complaining is 0 anyway.
    """
    risk = np.flatnonzero(at_risk)
    out = np.zeros(ids.size, F32)
    if risk.size == 0:
        return out
    who = ids[risk]
    v = (c.affective[f][who] + c.trust[f][who]) ** F32(nu)
    mean = v.mean()
    out[risk] = v / mean if mean > 0 else F32(1)
    return out
