"""Churn and win-back (ODD 7.5): status changes between never, active and lost, with reasons.

Rule (Griffin: a lost customer has moved both purchase behaviour and intent). A customer
active at firm f is lost to f in period t when either
  * switch: they buy from another firm g this period (behaviour) and V_ig > V_if (intent); or
  * lapse: they have not bought from f for more than ``dormancy`` periods.
A customer served by f becomes active at f: "new" if never a customer, "won back" if lost,
by "price" or "relationship" if they held a valid offer of that kind, else "returned".
An offer made in period t0 for L periods is valid in t0 .. t0 + L - 1; it ends when it
expires (``expire_offers``, at the start of each period), when it brings the customer back,
or when the customer is lost again; the customer is then eligible for a new offer.

The reason of a loss is the incident remembered within ``incident_memory`` periods (core
failure, encounter failure, inconvenience, response to failure) if any; otherwise "price" if
price accounts for at least half of the utility gap (switch) or the price is above the
customer's reference price (lapse), otherwise "competition".
"""

from __future__ import annotations

import numpy as np

from .choice import price_term
from .constants import (
    ACTIVE,
    CH_NEW,
    CH_PRICE,
    CH_RELATIONSHIP,
    CH_RETURNED,
    INC_NONE,
    LOST,
    NEVER,
    OFFER_NONE,
    OFFER_PRICE,
    OFFER_RELATIONSHIP,
    REASONS,
)

F32 = np.float32
# incident code -> reason index (INC_NONE maps to -1: decided by price / competition)
INCIDENT_REASON = np.array([-1, REASONS.index("core_failure"), REASONS.index("encounter_failure"),
                            REASONS.index("inconvenience"), REASONS.index("response_to_failure"),
                            REASONS.index("ethical")])
PRICE, COMPETITION = REASONS.index("price"), REASONS.index("competition")


def admit(c, f: int, ids, t: int) -> dict:
    """Make customers ``ids`` (served by firm ``f``) active there; count how they came."""
    status = c.status[f, ids]
    new, back = ids[status == NEVER], ids[status == LOST]
    offer = np.where(c.offer_end[f, back] > t, c.offer_kind[f, back], OFFER_NONE)
    channel = np.select([offer == OFFER_PRICE, offer == OFFER_RELATIONSHIP],
                        [CH_PRICE, CH_RELATIONSHIP], CH_RETURNED).astype(np.int8)
    c.channel[f, new] = CH_NEW
    c.channel[f, back] = channel
    c.offer_kind[f, back] = OFFER_NONE  # an offer is used up by the return it brought
    fresh = np.concatenate([new, back])
    c.acquired[f, fresh] = t
    c.status[f, fresh] = ACTIVE
    c.last_visit[f, ids] = t
    c.last_firm[ids] = f
    return {"new_customers": new.size, "won_back": back.size,
            "won_back_price": int((channel == CH_PRICE).sum()),
            "won_back_relationship": int((channel == CH_RELATIONSHIP).sum())}


def expire_offers(c, t: int) -> None:
    """Offers whose last valid period has passed end: the customer is eligible again.

    An offer made in period t0 for L periods has ``offer_end = t0 + L`` and is valid in
    periods t0 .. t0 + L - 1.
    """
    done = (c.offer_kind != OFFER_NONE) & (c.offer_end <= t)
    c.offer_kind[done] = OFFER_NONE


def switches(c, f: int, idx, pos, v, prices, choice_p, price_norm):
    """Customers active at f who bought elsewhere (positions ``pos``) and now prefer it."""
    ids = idx[pos]
    g = c.last_firm[ids]
    vg = v[g, pos]
    moved = (c.status[f, ids] == ACTIVE) & (vg > v[f, pos])
    ids, pos, g = ids[moved], pos[moved], g[moved]
    beta = c.price_sensitivity[ids] * F32(1 / price_norm)
    ref = c.reference_price[ids]
    gap_price = (price_term(prices[f, pos], ref, beta, choice_p)
                 - price_term(prices[g, pos], ref, beta, choice_p))
    price_led = gap_price >= 0.5 * (vg[moved] - v[f, pos])
    return ids, price_led


def lapses(c, f: int, t: int, dormancy: int, list_price: float):
    """Customers active at f who have not bought there for more than ``dormancy`` periods."""
    ids = np.flatnonzero((c.last_visit[f] < t - dormancy) & (c.status[f] == ACTIVE))
    return ids, list_price > c.reference_price[ids]


def reasons(c, f: int, ids, price_led, t: int, memory: int) -> np.ndarray:
    """Keaveney reason index for each lost customer."""
    inc = c.incident[f, ids]
    recent = (inc != INC_NONE) & (t - c.incident_t[f, ids] <= memory)
    fallback = np.where(price_led, PRICE, COMPETITION)
    return np.where(recent, INCIDENT_REASON[inc], fallback)


def lose(c, f: int, ids, why, t: int) -> dict:
    """Mark customers ``ids`` lost to firm ``f``; count by reason and by acquisition channel."""
    ch = c.channel[f, ids]
    c.status[f, ids] = LOST
    c.lost_since[f, ids] = t
    c.offer_kind[f, ids] = OFFER_NONE
    counts = np.bincount(why, minlength=len(REASONS))
    out = {f"lost_{r}": int(n) for r, n in zip(REASONS, counts)}
    out["lost"] = ids.size
    out["lost_won_price"] = int((ch == CH_PRICE).sum())
    out["lost_won_relationship"] = int((ch == CH_RELATIONSHIP).sum())
    out["tenure_lost_won_price"] = int((t - c.acquired[f, ids[ch == CH_PRICE]]).sum())
    out["tenure_lost_won_relationship"] = int((t - c.acquired[f, ids[ch == CH_RELATIONSHIP]]).sum())
    return out
