"""Word of mouth and awareness (ODD 7.11).

After being served by firm f, customer i with transaction satisfaction s_i
  * recommends f with probability pi_+ if s_i >= s_+ (satisfied), or
  * warns against f with probability pi_- if s_i <= s_- (dissatisfied),
to n_i ~ Poisson(m) of their neighbours (at most all of them; m = m_+ or m_-). After a
complaint, an unresolved complainant warns n ~ Poisson(m_u) neighbours (TARP: 9-10) and a
complainant resolved fast recommends with probability pi_r to n ~ Poisson(m_r).

A receiver j who gets n_+ recommendations and n_- warnings about f this period:

    a_jf = 1                                                         (now aware of f)
    T_jf <- 1 - (1 - T_jf) (1 - g_+) ** n_+ ,  then  T_jf <- T_jf (1 - g_-) ** n_-
    E_jf <- clip(E_jf + e (n_+ - n_-), 0, 1)   if j is not an active customer of f

Awareness: with ``params.awareness.enabled`` a never-customer knows firm f at t = 0 with
probability ``firms[f].awareness``; past and current customers know it. An unaware customer
cannot choose the firm (its utility is set to ``UNAWARE``). Messages and advertising
(``type: advertising``) make customers aware.
"""

from __future__ import annotations

import numpy as np

from .constants import ACTIVE, NEVER

F32 = np.float32
UNAWARE = F32(-1e4)


def init_awareness(c, firms, rng: np.random.Generator) -> None:
    """Draw who knows each firm at t = 0 (past and current customers always do)."""
    for f, firm in enumerate(firms):
        known = rng.random(c.n, dtype=F32) < F32(firm.cfg.awareness)
        c.aware[f] = (known | (c.status[f] != NEVER)).astype(np.int8)


def gate(v: np.ndarray, c, idx: np.ndarray) -> None:
    """Set V_if to ``UNAWARE`` where customer idx[k] does not know firm f (in place)."""
    if not getattr(c, "gate_awareness", False):
        return
    aware = c.aware
    unaware = aware[:, idx] == 0
    if unaware.any():
        v[unaware] = UNAWARE


def speak(model, f: int, ids: np.ndarray, s: np.ndarray) -> None:
    """Served customers ``ids`` of firm ``f`` with transaction satisfaction ``s`` talk."""
    p = model.params.wom
    u = model.rng.random(ids.size, dtype=F32)
    happy = ids[(s >= p.satisfied) & (u < p.prob_positive)]
    unhappy = ids[(s <= p.dissatisfied) & (u < p.prob_negative)]
    tell(model, f, happy, p.told_positive, +1)
    tell(model, f, unhappy, p.told_negative, -1)


def tell(model, f: int, senders: np.ndarray, mean_audience: float, sign: int) -> None:
    """Each sender tells Poisson(mean_audience) of their neighbours about firm ``f``."""
    if senders.size == 0 or model.network is None:
        return
    wanted = model.rng.poisson(mean_audience, senders.size)
    _, receivers = model.network.sample(senders, wanted, model.rng)
    deliver(model.customers, f, receivers, sign, model.params.wom)
    model.firms[f].count("wom_positive" if sign > 0 else "wom_negative", receivers.size)


def deliver(c, f: int, receivers: np.ndarray, sign: int, p) -> None:
    """Apply messages about firm ``f`` (one per entry of ``receivers``) to the receivers."""
    if receivers.size == 0:
        return
    who, n = np.unique(receivers, return_counts=True)
    c.aware[f, who] = 1
    t = c.trust[f, who]
    if sign > 0:
        c.trust[f, who] = 1 - (1 - t) * F32(1 - p.trust_gain) ** n
    else:
        c.trust[f, who] = t * F32(1 - p.trust_loss) ** n
    out = c.status[f, who] != ACTIVE
    if p.expectation_shift > 0 and out.any():
        outsider = who[out]
        e = c.expectation[f, outsider] + F32(sign * p.expectation_shift) * n[out]
        c.expectation[f, outsider] = np.clip(e, 0, 1)


def make_aware(c, f: int, ids: np.ndarray) -> int:
    """Make customers ``ids`` aware of firm ``f``; returns how many did not know it."""
    fresh = ids[c.aware[f, ids] == 0]
    c.aware[f, fresh] = 1
    return int(fresh.size)
