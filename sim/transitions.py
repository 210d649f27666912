"""Losing a customer (ODD 7.5): the one status change every churn mechanism shares.

Switches and lapses (sim/churn.py), unresolved complainants who walk out (sim/complaints.py),
contagion defectors (sim/contagion.py), involuntary exits and a firm's closing
(sim/turnover.py, sim/events.py) all lose customers through ``lose``, with a reason from
``reasons``: the incident remembered within ``incident_memory`` periods if any (core failure,
encounter failure, inconvenience, response to failure, ethical), otherwise "price" where the
loss was price-led, otherwise "competition".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .constants import CH_PRICE, CH_RELATIONSHIP, INC_NONE, LOST, OFFER_NONE, REASONS
from .step import Losses

if TYPE_CHECKING:
    from .customers import Customers

# incident code -> reason index (INC_NONE maps to -1: decided by price / competition)
INCIDENT_REASON = np.array([-1, REASONS.index("core_failure"), REASONS.index("encounter_failure"),
                            REASONS.index("inconvenience"), REASONS.index("response_to_failure"),
                            REASONS.index("ethical")])
PRICE, COMPETITION = REASONS.index("price"), REASONS.index("competition")


def reasons(c: Customers, f: int, ids: np.ndarray, price_led: np.ndarray, t: int,
            memory: int) -> np.ndarray:
    """Keaveney reason index for each lost customer."""
    if ids.size == 0:  # most calls at small sizes: skip the gathers
        return np.zeros(0, np.int64)
    inc = c.incident[f][ids]  # (N,) rows: faster to gather from than (f, ids)
    recent = (inc != INC_NONE) & (t - c.incident_t[f][ids] <= memory)
    fallback = np.where(price_led, PRICE, COMPETITION)
    return np.where(recent, INCIDENT_REASON[inc], fallback)


def lose(c: Customers, f: int, ids: np.ndarray, why: np.ndarray, t: int) -> Losses:
    """Mark customers ``ids`` lost to firm ``f``; count by reason and by acquisition channel.

    ``ids`` are active at ``f`` (every caller loses active customers only), so a customer is
    lost at most once a period: ``Losses.ids`` holds no repeats.
    """
    if ids.size == 0:
        return Losses()
    ch = c.channel[f][ids]  # (N,) rows: faster to gather from and scatter to than (f, ids)
    c.status[f][ids] = LOST
    c.lost_since[f][ids] = t
    c.offer_kind[f][ids] = OFFER_NONE
    acquired = c.acquired[f]
    out = Losses(by_reason=np.bincount(why, minlength=len(REASONS)).astype(np.int64), ids=ids)
    price = ch == CH_PRICE
    out.won_price = int(np.count_nonzero(price))
    if out.won_price:
        out.tenure_won_price = int((t - acquired[ids[price]]).sum())
    rel = ch == CH_RELATIONSHIP
    out.won_relationship = int(np.count_nonzero(rel))
    if out.won_relationship:
        out.tenure_won_relationship = int((t - acquired[ids[rel]]).sum())
    return out


def lose_for(c: Customers, f: int, ids: np.ndarray, t: int, memory: int) -> Losses:
    """Lose customers ``ids`` to firm ``f`` with their remembered incident, else competition."""
    why = reasons(c, f, ids, np.zeros(ids.size, bool), t, memory)
    return lose(c, f, ids, why, t)
