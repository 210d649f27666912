"""Experience and satisfaction (ODD 7.2): realised quality, failures, disconfirmation.

For a customer i served by firm f at price p:

    q_i   = sum_d w_id s_fd + sigma eps_i - phi_i * severity,     clipped to [0, 1]
            phi_i ~ Bernoulli(failure_max * (1 - sum_d w_id s_fd))   (a service failure)
    E*_i  = E_if + kappa (p / p_norm - 1)                          (expectation rises with price)
    D_i   = q_i - E*_i                                             (disconfirmation)
    s_i   = clip(0.5 + g_perf (q_i - q_mid)                       (level of performance)
                     + g_plus max(D_i, 0) - g_minus max(-D_i, 0), 0, 1)
    S_if <- S_if + alpha_S (s_i - S_if)                            (anchoring and adjustment)
    E_if <- E_if + alpha_E (q_i - E_if)
    r_i  <- r_i + alpha_r (p - r_i)                                (reference price)

Satisfaction responds to the level of performance as well as to disconfirmation (Churchill &
Surprenant 1982; Oliver 1997; Tse & Wilton 1988): with expectations adapted to a firm, good
service still satisfies more than poor service. g_perf = 0 (the default) gives pure
disconfirmation; validation pattern 2 (Jones & Sasser) uses g_perf = 2.

A failure falls on dimension d with probability proportional to w_id (1 - s_fd): on "value"
it is a core service failure, otherwise a service encounter failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from .config import Block, NonNeg, Unit
from .constants import INC_CORE, INC_ENCOUNTER, INC_NONE

if TYPE_CHECKING:
    from .customers import Customers


class ExperienceParams(Block):
    """Realised quality, failures, disconfirmation and satisfaction (ODD 7.2)."""

    noise_sd: NonNeg = 0.08
    failure_max: Unit = 0.25
    failure_severity: NonNeg = 0.35
    price_expectation: NonNeg = 0.3
    gain_positive: NonNeg = 1.5
    gain_negative: NonNeg = 3.0
    gain_performance: NonNeg = Field(0.0, description="satisfaction response to the level of "
                                     "quality, g_perf (Churchill & Surprenant 1982)")
    performance_mid: Unit = Field(0.5, description="quality that is neither good nor bad, "
                                  "q_mid")
    satisfaction_adjust: Unit = 0.3
    expectation_adapt: Unit = 0.15
    reference_adapt: Unit = 0.2


F32 = np.float32


def experience(c: Customers, f: int, service: np.ndarray, ids: np.ndarray, paid: np.ndarray,
               p: ExperienceParams, price_norm: float, rng: np.random.Generator,
               t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Serve customers ``ids`` at firm ``f``; update S, E and r. Returns (q, s, failed)."""
    # one row at a time: gathers and scatters on a (N,) row are several times faster than
    # on the (F, N) array with a (firm, ids) index
    w = [c.weights[d][ids] for d in range(len(service))]
    base = w[0] * F32(service[0]) + w[1] * F32(service[1]) + w[2] * F32(service[2])
    failed = rng.random(ids.size, dtype=F32) < F32(p.failure_max) * (1 - base)
    q = base + F32(p.noise_sd) * rng.standard_normal(ids.size, dtype=F32)
    q[failed] -= F32(p.failure_severity)
    np.clip(q, 0, 1, out=q)
    if failed.any():
        record_failures(c, f, service, ids[failed], [x[failed] for x in w], rng, t)
    e_row, sat_row = c.expectation[f], c.satisfaction[f]
    e = e_row[ids]
    d = q - (e + F32(p.price_expectation) * (paid * F32(1 / price_norm) - 1))
    s = np.where(d > 0, F32(p.gain_positive), F32(p.gain_negative)) * d
    s += F32(0.5)
    if p.gain_performance:
        s += F32(p.gain_performance) * (q - F32(p.performance_mid))
    np.clip(s, 0, 1, out=s)
    sat = sat_row[ids]
    sat_row[ids] = sat + F32(p.satisfaction_adjust) * (s - sat)
    e_row[ids] = e + F32(p.expectation_adapt) * (q - e)
    ref = c.reference_price[ids]
    c.reference_price[ids] = ref + F32(p.reference_adapt) * (paid - ref)
    return q, s, failed


def record_failures(c: Customers, f: int, service: np.ndarray, ids: np.ndarray,
                    w: list[np.ndarray], rng: np.random.Generator, t: int) -> None:
    """Remember which dimension failed for each customer in ``ids`` (the churn reason).

    ``w`` holds the customers' weights, one array per dimension.
    """
    shortfall = 1 - service.astype(F32)
    gap = [wd * shortfall[d] for d, wd in enumerate(w)]
    total = gap[0] + gap[1]  # summed in the order of gap.sum(axis=0) on the stacked rows
    for g in gap[2:]:
        total += g
    on_value = rng.random(ids.size, dtype=F32) * total < gap[0]
    c.incident[f][ids] = np.where(on_value, INC_CORE, INC_ENCOUNTER)
    c.incident_t[f][ids] = t


def forget_incidents(c: Customers, f: int, ids: np.ndarray, s: np.ndarray, t: int,
                     memory: int) -> None:
    """A satisfying visit long enough after an incident clears it."""
    incident = c.incident[f]
    old = (incident[ids] != INC_NONE) & (t - c.incident_t[f][ids] > memory) & (s >= 0.5)
    incident[ids[old]] = INC_NONE
