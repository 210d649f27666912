"""Complaints and service recovery (ODD 7.13).

Lodging: a customer served by firm f complains with probability pi_F if the visit had a
service failure, else pi_D if the transaction satisfaction s_i <= ``dissatisfied`` (TARP: about
1 in 25), unless a complaint of theirs to f is already pending. Who voices is selected by
commitment (voice rather than exit, Hirschman 1970): each chance is multiplied by

    v_i = (A_if + T_if) ** nu / mean_j (A_jf + T_jf) ** nu     (nu = ``voice_commitment``)

the mean taken over this period's customers of f with a problem, and capped at 1. The average
chance stays pi_F or pi_D (TARP's rates are population averages); the committed and trusting
complain more, the uncommitted leave silently. Complaints queue per firm in arrival order.

Handling (``type: complaint_handling``, at the start of each period): the firm answers the
first ``capacity`` complaints in the queue; each answer resolves the problem with probability
``quality`` (the policy), otherwise it is refused or stalled. A complaint waiting longer than
``patience`` periods is given up. Delay d = t_answer - t_complaint >= 1. Outcomes:

  * resolved fast (d <= ``fast_within``): S += a_F (1 - S), T += b_F (1 - T),
    psychological bond += c_F (1 - B); the incident is forgiven; the complainant recommends
    the firm with probability pi_r (sim/wom.py);
  * resolved (slower): the same with a_R, b_R, c_R;
  * unresolved (refused, stalled or given up): S -= a_U S, T -= b_U T, B -= c_U B; the
    incident becomes "response to failure"; the complainant warns ~Poisson(m_u) neighbours and
    leaves the firm at once with probability ``exit_unresolved``.

Costs: ``cost_per_complaint`` per answer and ``cost_per_slot`` per unit of capacity per
period (``cost_complaints``), ``redress`` per resolved complaint (``cost_redress``).
"""

from __future__ import annotations

import numpy as np

from . import churn, wom
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

F32 = np.float32
PSY = BOND_INDEX["psychological"]


class Book:
    """Per-firm complaint queues (customer id and period lodged) and this period's leavers."""

    def __init__(self, n_firms: int):
        self.ids = [np.zeros(0, np.int64) for _ in range(n_firms)]
        self.t = [np.zeros(0, np.int64) for _ in range(n_firms)]
        self.leavers = [np.zeros(0, np.int64) for _ in range(n_firms)]

    def pending(self, f: int) -> int:
        """Complaints waiting at firm ``f``."""
        return int(self.ids[f].size)

    def drop(self, gone: np.ndarray) -> None:
        """Forget the queued complaints of customers who left the market (mask ``gone``)."""
        for f, ids in enumerate(self.ids):
            keep = ~gone[ids]
            self.ids[f], self.t[f] = ids[keep], self.t[f][keep]
            self.leavers[f] = self.leavers[f][~gone[self.leavers[f]]]


def lodge(model, f: int, ids: np.ndarray, s: np.ndarray, failed: np.ndarray) -> None:
    """Served customers ``ids`` of firm ``f`` complain (or not) about this visit."""
    c, p, rng = model.customers, model.params.complaints, model.rng
    prob = np.where(failed, F32(p.prob_failure),
                    np.where(s <= p.dissatisfied, F32(p.prob_dissatisfied), F32(0)))
    if p.voice_commitment:
        prob = np.minimum(prob * voice(c, f, ids, prob > 0, p.voice_commitment), F32(1))
    who = ids[(rng.random(ids.size, dtype=F32) < prob) & (c.complaint[f, ids] != CP_PENDING)]
    if who.size == 0:
        return
    c.complaint[f, who] = CP_PENDING
    book = model.social.book
    book.ids[f] = np.concatenate([book.ids[f], who])
    book.t[f] = np.concatenate([book.t[f], np.full(who.size, model.t)])
    model.firms[f].count("complaints", who.size)


def voice(c, f: int, ids: np.ndarray, at_risk: np.ndarray, nu: float) -> np.ndarray:
    """Relative propensity to voice, (A + T) ** nu over its mean among those ``at_risk``."""
    v = (c.affective[f, ids] + c.trust[f, ids]) ** F32(nu)
    mean = v[at_risk].mean() if at_risk.any() else F32(1)
    return v / mean if mean > 0 else np.ones_like(v)


def handle(model, firm, capacity: int, quality: float) -> tuple[int, int]:
    """Answer up to ``capacity`` queued complaints; returns (answered, resolved)."""
    book, f, t = model.social.book, firm.index, model.t
    k = min(capacity, book.pending(f))
    if k == 0:
        return 0, 0
    ids, lodged = book.ids[f][:k], book.t[f][:k]
    book.ids[f], book.t[f] = book.ids[f][k:], book.t[f][k:]
    ok = model.rng.random(k) < quality
    fast = ok & (t - lodged <= model.params.complaints.fast_within)
    resolve(model, firm, ids[fast], fast=True)
    resolve(model, firm, ids[ok & ~fast], fast=False)
    fail(model, firm, ids[~ok])
    return k, int(ok.sum())


def expire(model) -> None:
    """Complaints waiting longer than ``patience`` are given up: unresolved."""
    book, patience = model.social.book, model.params.complaints.patience
    for firm in model.firms:
        f = firm.index
        late = model.t - book.t[f] > patience
        if late.any():
            fail(model, firm, book.ids[f][late])
            book.ids[f], book.t[f] = book.ids[f][~late], book.t[f][~late]


def resolve(model, firm, ids: np.ndarray, fast: bool) -> None:
    """A resolved complaint: satisfaction, trust and the psychological bond recover."""
    c, p, f = model.customers, model.params.complaints, firm.index
    a, b, g = ((p.fast_satisfaction, p.fast_trust, p.fast_psychological) if fast else
               (p.slow_satisfaction, p.slow_trust, p.slow_psychological))
    c.raise_to_one(c.satisfaction[f], ids, a)
    c.raise_to_one(c.trust[f], ids, b)
    c.raise_to_one(c.bonds[f, PSY], ids, g)
    c.incident[f, ids] = INC_NONE
    c.complaint[f, ids] = CP_FAST if fast else CP_RESOLVED
    firm.count("complaints_resolved", ids.size)
    if fast:
        firm.count("complaints_resolved_fast", ids.size)
        w = model.params.wom
        if not w.enabled:
            return
        talk = ids[model.rng.random(ids.size, dtype=F32) < w.prob_recovered]
        wom.tell(model, f, talk, w.told_recovered, +1)


def fail(model, firm, ids: np.ndarray) -> None:
    """An unresolved complaint: attitudes fall, the complainant warns others, may leave."""
    c, p, f = model.customers, model.params.complaints, firm.index
    c.satisfaction[f, ids] *= F32(1 - p.unresolved_satisfaction)
    c.trust[f, ids] *= F32(1 - p.unresolved_trust)
    c.bonds[f, PSY, ids] *= F32(1 - p.unresolved_psychological)
    c.incident[f, ids] = INC_RESPONSE
    c.incident_t[f, ids] = model.t
    c.complaint[f, ids] = CP_UNRESOLVED
    firm.count("complaints_unresolved", ids.size)
    if model.params.wom.enabled:
        wom.tell(model, f, ids, model.params.wom.told_unresolved, -1)
    go = ids[model.rng.random(ids.size, dtype=F32) < p.exit_unresolved]
    book = model.social.book
    book.leavers[f] = np.concatenate([book.leavers[f], go])


def exits(model, firm) -> dict:
    """Lose this period's unresolved complainants who walk out (reason: response to failure)."""
    c, f, book = model.customers, firm.index, model.social.book
    go = np.unique(book.leavers[f])
    book.leavers[f] = go[:0]
    go = go[c.status[f, go] == ACTIVE]
    c.last_firm[go[c.last_firm[go] == f]] = -1
    why = churn.reasons(c, f, go, np.zeros(go.size, bool), model.t,
                        model.params.churn.incident_memory)
    return churn.lose(c, f, go, why, model.t)
