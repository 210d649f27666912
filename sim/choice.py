"""Choice (ODD 7.1): who needs the service this period and where they go.

Deterministic utility of firm f for customer i:

    V_if = b_Q E_if + b_T T_if + b_A A_if + b_C C_if [active_if] + delta [last_i = f]
           - beta_i (p_if + R_if) / p_norm
    R_if = lambda_loss max(p_if - r_i, 0) - lambda_gain max(r_i - p_if, 0)

and V_i0 = u0_i for the outside option. Calculative commitment (structural lock-in) counts
only toward the firm the customer is active at: it is a cost of leaving, not a reason to
join. Customers choose by multinomial logit with temperature theta:
P(f) = exp(V_if / theta) / sum_g exp(V_ig / theta). A customer unaware of firm f
(a_if = 0, sim/awareness.py) cannot choose it: V_if is set to -1e4 (phase MASK); so is V_if
of a closed firm (sim/events.py). A loyalty programme member's p_if is the member price.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from pydantic import Field

from .config import Block, Coefficient, NonNeg
from .constants import ACTIVE, OFFER_PRICE
from .prices import price_term
from .step import Choices

if TYPE_CHECKING:
    from .customers import Customers


class ChoiceParams(Block):
    """Multinomial logit choice (ODD 7.1)."""

    beta_quality: Coefficient = 4.0
    beta_trust: Coefficient = 1.5
    beta_affective: Coefficient = 1.5
    beta_calculative: Coefficient = 2.0
    inertia: Coefficient = 0.8
    temperature: Annotated[float, Field(gt=0.0, le=100.0)] = 1.0
    ref_loss: NonNeg = 1.5
    ref_gain: NonNeg = 0.5


F32 = np.float32


def offered_prices(c: Customers, firms: list[Any], idx: np.ndarray, t: int) -> np.ndarray:
    """p_if for customers ``idx``: list price less the general discount, or the offer price."""
    out = np.empty((len(firms), idx.size), F32)
    for f, firm in enumerate(firms):
        base = firm.price * (1 - firm.general_discount)
        out[f] = base
        if firm.offer_discount > 0:
            has_offer = (c.offer_kind[f][idx] == OFFER_PRICE) & (c.offer_end[f][idx] > t)
            out[f, has_offer] = min(base, firm.price * (1 - firm.offer_discount))
        if firm.member_prices is not None:  # strategies/loyalty_programme.py
            out[f] *= firm.member_prices(idx)
    return out


def utilities(c: Customers, prices: np.ndarray, idx: np.ndarray, p: ChoiceParams,
              price_norm: float) -> np.ndarray:
    """V_if for customers ``idx`` (shape (F, len(idx))), given their offered prices."""
    beta = c.price_sensitivity[idx] * F32(1 / price_norm)
    ref = c.reference_price[idx]
    last = c.last_firm[idx]
    out = np.empty_like(prices)
    term = np.empty(idx.size, F32)
    for f in range(prices.shape[0]):
        # each term gathered into one reused buffer (``take`` with ``out``: no allocation),
        # scaled there and added: the same float32 operations as b * x[idx] added to v
        v = out[f]
        _gather(c.expectation[f], idx, v)
        v *= F32(p.beta_quality)
        for row, coef in ((c.trust[f], p.beta_trust), (c.affective[f], p.beta_affective)):
            _gather(row, idx, term)
            term *= F32(coef)
            v += term
        _gather(c.calculative[f], idx, term)
        term *= c.status[f][idx] == ACTIVE
        term *= F32(p.beta_calculative)
        v += term
        v += F32(p.inertia) * (last == f)
        v -= price_term(prices[f], ref, beta, p)
    return out


def _gather(row: np.ndarray, idx: np.ndarray, out: np.ndarray) -> None:
    """out[:] = row[idx] without allocating (``idx`` holds valid indices, so clip is a no-op)."""
    np.take(row, idx, out=out, mode="clip")


def logit_choice(v: np.ndarray, outside: np.ndarray, temperature: float,
                 u: np.ndarray) -> np.ndarray:
    """Sample one alternative per column: firm index 0..F-1, or F for the outside option."""
    # row by row: reductions and cumsum along the short axis 0 are several times slower
    # (the same float32 operations in the same order)
    top = outside.copy()
    for row in v:
        np.maximum(top, row, out=top)
    cum = np.subtract(v, top)
    cum /= F32(temperature)
    np.exp(cum, out=cum)
    w_out = np.exp((outside - top) / F32(temperature))
    for f in range(1, cum.shape[0]):
        cum[f] += cum[f - 1]
    draw = cum[-1] + w_out
    draw *= u
    out = np.zeros(draw.size, np.int8)
    for row in cum:
        out += draw >= row
    return out


def choose(c: Customers, firms: list[Any], rng: np.random.Generator, p: ChoiceParams,
           price_norm: float, t: int,
           masks: Sequence[Callable[[np.ndarray, np.ndarray], None]] = ()) -> Choices:
    """Draw needs and choices for the period.

    Args:
        c: The customers.
        firms: The firms.
        rng: The model's generator.
        p: ``params.choice``.
        price_norm: The market's usual price.
        t: The period.
        masks: Mechanisms' ``mask(v, idx)`` hooks (phase MASK: alternatives that cannot be
            chosen, e.g. a firm the customer does not know).
    """
    idx = np.flatnonzero(rng.random(c.n, dtype=F32) < c.need_prob)
    prices = offered_prices(c, firms, idx, t)
    v = utilities(c, prices, idx, p, price_norm)
    for mask in masks:
        mask(v, idx)
    for f, firm in enumerate(firms):
        if not firm.available:  # closed firm (sim/events.py)
            v[f] = F32(-1e4)
    choice = logit_choice(v, c.outside_utility[idx], p.temperature, rng.random(idx.size, dtype=F32))
    return Choices(idx, choice, prices, v)


def ration(idx: np.ndarray, choice: np.ndarray, capacity: int, f: int,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Split those who chose firm ``f`` into served and turned away (positions into ``idx``)."""
    chose = np.flatnonzero(choice == f)
    if chose.size <= capacity:
        return chose, chose[:0]
    order = rng.permutation(chose.size)
    return np.sort(chose[order[:capacity]]), chose[order[capacity:]]
