"""Contagious defection (ODD 7.12): a neighbour's recent defection raises one's churn hazard.

Exposure of customer i to defections from firm f, over neighbours j lost to f at t_j < t:

    K_if(t) = sum_j 0.5 ** ((t - 1 - t_j) / h)          (h = ``half_life``)

A customer active at f, after the choice-based switches and lapses of the period, is also
lost to f with probability (an explicit extra hazard)

    h_if = min(1, h0_f ((1 + gamma_if) ** K_if - 1)),   gamma_if = gamma (1 - s A_if)

so that the total hazard is about h0_f (1 + gamma_if) ** K_if when h0_f is the hazard without
contagion: each fresh defecting neighbour multiplies it by 1 + gamma (Nitzan & Libai 2011:
about 1.8), less for the emotionally committed (s = ``loyal_shield``, A_if affective
commitment). h0_f is ``base_hazard`` or, if null, the firm's loss rate excluding contagion
losses, exponentially smoothed (weight 0.1 per period; starting at 1/52). A contagion
defector's trust in f falls by ``trust_loss`` and f is no longer their habitual firm; the loss
reason is the remembered incident if any, otherwise "competition". Exposures below 0.02
(a defection more than about 5.6 half-lives ago) are treated as zero.
"""

from __future__ import annotations

import numpy as np

from . import churn
from .constants import ACTIVE, LOST

F32 = np.float32
SMOOTH, START_HAZARD, MIN_EXPOSURE = 0.1, 1 / 52, 0.02


def decay_and_push(model) -> None:
    """End of period: exposures decay; this period's defections reach their neighbours."""
    c, p, t = model.customers, model.params.contagion, model.t
    c.exposure *= F32(0.5 ** (1.0 / p.half_life))
    for f in range(c.n_firms):
        new = np.flatnonzero((c.lost_since[f] == t) & (c.status[f] == LOST))
        if new.size:
            who, n = np.unique(model.network.neighbours_of(new), return_counts=True)
            c.exposure[f, who] += n.astype(F32)


def hazard(c, f: int, ids: np.ndarray, h0: float, p) -> np.ndarray:
    """h_if for customers ``ids`` at firm ``f``."""
    gamma = F32(p.effect) * (1 - F32(p.loyal_shield) * c.affective[f, ids])
    return np.minimum(F32(h0) * ((1 + gamma) ** c.exposure[f, ids] - 1), 1)


def losses(model, firm) -> dict:
    """Draw this period's contagion defections at ``firm``; lose them with their reasons."""
    c, p, f, t = model.customers, model.params.contagion, firm.index, model.t
    exposed = np.flatnonzero(c.exposure[f] > MIN_EXPOSURE)
    exposed = exposed[c.status[f, exposed] == ACTIVE]
    h0 = p.base_hazard if p.base_hazard is not None else model.social.base_hazard[f]
    gone = exposed[model.rng.random(exposed.size, dtype=F32) < hazard(c, f, exposed, h0, p)]
    c.trust[f, gone] *= F32(1 - p.trust_loss)
    c.last_firm[gone[c.last_firm[gone] == f]] = -1
    why = churn.reasons(c, f, gone, np.zeros(gone.size, bool), t,
                        model.params.churn.incident_memory)
    out = churn.lose(c, f, gone, why, t)
    out["lost_contagion"] = int(gone.size)
    return out


def update_base(model, f: int, row: dict) -> None:
    """Smooth firm f's loss rate without contagion into h0_f (used when base_hazard is null)."""
    active0 = row.get("active_start", 0)
    if active0:
        rate = (row["lost"] - row.get("lost_contagion", 0)) / active0
        base = model.social.base_hazard
        base[f] += SMOOTH * (rate - base[f])
