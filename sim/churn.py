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

The reason of a loss (sim/transitions.py) is the incident remembered within
``incident_memory`` periods (core failure, encounter failure, inconvenience, response to
failure) if any; otherwise "price" if price accounts for at least half of the utility gap
(switch) or the price is above the customer's reference price (lapse), otherwise
"competition".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field

from .config import MAX_SPAN, Block
from .constants import (
    ACTIVE,
    CH_NEW,
    CH_PRICE,
    CH_RELATIONSHIP,
    CH_RETURNED,
    LOST,
    NEVER,
    OFFER_NONE,
    OFFER_PRICE,
    OFFER_RELATIONSHIP,
)
from .prices import price_term
from .step import Choices, Losses, Tally
from .transitions import lose, reasons

if TYPE_CHECKING:
    from .customers import Customers

F32 = np.float32


class ChurnParams(Block):
    """Loss detection and its reason (ODD 7.5), ``params.churn``."""

    dormancy: int = Field(26, ge=1, le=MAX_SPAN, description="periods without a purchase "
                          "after which an active customer is lost (lapse)")
    incident_memory: int = Field(8, ge=0, le=MAX_SPAN, description="periods an incident is "
                                 "remembered as a reason")


def expire_offers(c: Customers, t: int) -> None:
    """Offers whose last valid period has passed end: the customer is eligible again.

    An offer made in period t0 for L periods has ``offer_end = t0 + L`` and is valid in
    periods t0 .. t0 + L - 1.
    """
    done = (c.offer_kind != OFFER_NONE) & (c.offer_end <= t)
    c.offer_kind[done] = OFFER_NONE


def admit(c: Customers, f: int, ids: np.ndarray, t: int, tally: Tally) -> None:
    """Make customers ``ids`` (served by firm ``f``) active there; count how they came."""
    # (N,) rows of firm f: gathers and scatters on a row are faster than on (f, ids)
    status_f, channel_f, offer_f = c.status[f], c.channel[f], c.offer_kind[f]
    status = status_f[ids]
    new, back = ids[status == NEVER], ids[status == LOST]
    offer = np.where(c.offer_end[f][back] > t, offer_f[back], OFFER_NONE)
    channel = np.full(back.size, CH_RETURNED, np.int8)  # np.select's result, cheaper
    channel[offer == OFFER_PRICE] = CH_PRICE
    channel[offer == OFFER_RELATIONSHIP] = CH_RELATIONSHIP
    channel_f[new] = CH_NEW
    channel_f[back] = channel
    offer_f[back] = OFFER_NONE  # an offer is used up by the return it brought
    fresh = np.concatenate([new, back])
    c.acquired[f][fresh] = t
    status_f[fresh] = ACTIVE
    c.last_visit[f][ids] = t
    c.last_firm[ids] = f
    tally.new_customers += new.size
    tally.won_back += back.size
    tally.won_back_price += int(np.count_nonzero(channel == CH_PRICE))
    tally.won_back_relationship += int(np.count_nonzero(channel == CH_RELATIONSHIP))


def losses(c: Customers, f: int, choices: Choices, elsewhere: np.ndarray, p: Any, t: int,
           list_price: float, price_norm: float) -> Losses:
    """Firm ``f``'s switches (among positions ``elsewhere`` served by another firm), then lapses.

    Args:
        c: The customers.
        f: The firm.
        choices: The period's choices.
        elsewhere: Positions in ``choices.idx`` of customers served by a firm other than f.
        p: The model parameters (``choice`` and ``churn`` blocks).
        t: The period.
        list_price: Firm f's list price.
        price_norm: The market's usual price.
    """
    memory = p.churn.incident_memory
    sw_ids, sw_price = switches(c, f, choices, elsewhere, p.choice, price_norm)
    out = lose(c, f, sw_ids, reasons(c, f, sw_ids, sw_price, t, memory), t)
    la_ids, la_price = lapses(c, f, t, p.churn.dormancy, list_price)
    out.add(lose(c, f, la_ids, reasons(c, f, la_ids, la_price, t, memory), t))
    return out


def switches(c: Customers, f: int, choices: Choices, pos: np.ndarray, choice_p: Any,
             price_norm: float) -> tuple[np.ndarray, np.ndarray]:
    """Customers active at f who bought elsewhere (positions ``pos``) and now prefer it."""
    idx, v, prices = choices.idx, choices.v, choices.prices
    ids = idx[pos]
    g = c.last_firm[ids]
    vg = v[g, pos]
    vf = v[f][pos]
    moved = (c.status[f][ids] == ACTIVE) & (vg > vf)
    ids, pos, g = ids[moved], pos[moved], g[moved]
    beta = c.price_sensitivity[ids] * F32(1 / price_norm)
    ref = c.reference_price[ids]
    gap_price = (price_term(prices[f][pos], ref, beta, choice_p)
                 - price_term(prices[g, pos], ref, beta, choice_p))
    price_led = gap_price >= 0.5 * (vg[moved] - vf[moved])
    return ids, price_led


def lapses(c: Customers, f: int, t: int, dormancy: int,
           list_price: float) -> tuple[np.ndarray, np.ndarray]:
    """Customers active at f who have not bought there for more than ``dormancy`` periods."""
    ids = np.flatnonzero((c.last_visit[f] < t - dormancy) & (c.status[f] == ACTIVE))
    return ids, list_price > c.reference_price[ids]
