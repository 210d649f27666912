"""Hooks that plug the social mechanisms into ``Market.step`` (ODD 3 and 7.10-7.13).

Word of mouth (sim/wom.py), awareness, contagious defection (sim/contagion.py) and complaints
(sim/complaints.py) each run only when enabled in ``params``; the network (sim/network.py) is
built only when word of mouth or contagion needs it. ``columns`` gives their trajectory
columns, including the Net Promoter Score:

    R_if = clip(round(10 S_if + 2), 0, 10)   (likelihood to recommend, from cumulative S)
    NPS_f = 100 (share of active customers with R >= 9 - share with R <= 6)

i.e. promoters have S >= 0.65 and detractors S < 0.45: a customer whose expectations are just
met (S = 0.5) answers 7, a passive, as "met expectations" does in satisfaction surveys.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import complaints, contagion, network, wom
from .constants import ACTIVE

COUNTERS = ("complaints", "complaints_resolved", "complaints_resolved_fast",
            "complaints_unresolved", "wom_positive", "wom_negative", "ads_reached")
COLUMNS = (*COUNTERS, "lost_contagion", "complaints_pending", "aware_share", "nps")
PROMOTER, DETRACTOR = 0.65, 0.45


@dataclass
class SocialState:
    """What the social mechanisms keep between periods."""

    book: complaints.Book
    base_hazard: np.ndarray
    network_seconds: float = 0.0
    on: dict = field(default_factory=dict)


def init(model) -> None:
    """Build the network and draw awareness if the scenario asks for them."""
    p = model.params
    model.network = None
    on = {"wom": p.wom.enabled, "contagion": p.contagion.enabled,
          "complaints": p.complaints.enabled, "awareness": p.awareness.enabled}
    model.social = SocialState(complaints.Book(len(model.firms)),
                               np.full(len(model.firms), contagion.START_HAZARD), on=on)
    if on["wom"] or on["contagion"]:
        t0 = time.perf_counter()
        model.network = network.build(model.customers.n, p.network, model.rng)
        model.social.network_seconds = time.perf_counter() - t0
    if on["awareness"]:
        wom.init_awareness(model.customers, model.firms, model.rng)
        model.customers.gate_awareness = True


def after_serve(model, f: int, ids: np.ndarray, s: np.ndarray, failed: np.ndarray) -> None:
    """Served customers of firm ``f`` talk and complain."""
    on = model.social.on
    if on["awareness"]:
        model.customers.aware[f, ids] = 1
    if on["wom"]:
        wom.speak(model, f, ids, s)
    if on["complaints"]:
        complaints.lodge(model, f, ids, s, failed)


def before_losses(model) -> None:
    """Complaints that waited too long are given up (before this period's losses)."""
    if model.social.on["complaints"]:
        complaints.expire(model)


def extra_losses(model, firm) -> dict:
    """Losses beyond switches and lapses: unresolved complainants, contagion defectors."""
    out: dict = {}
    on = model.social.on
    if on["complaints"]:
        _add(out, complaints.exits(model, firm))
    if on["contagion"]:
        _add(out, contagion.losses(model, firm))
    return out


def end_step(model, rows) -> None:
    """Contagion exposure moves on; the base hazard learns this period's loss rate."""
    if model.social.on["contagion"]:
        for firm, row in zip(model.firms, rows):
            contagion.update_base(model, firm.index, row)
        contagion.decay_and_push(model)


def columns(model, firm) -> dict:
    """This period's social columns for ``firm``."""
    c, f = model.customers, firm.index
    active = c.status[f] == ACTIVE
    n = np.count_nonzero(active)
    sat = c.satisfaction[f]
    net = (np.count_nonzero(active & (sat >= PROMOTER))
           - np.count_nonzero(active & (sat < DETRACTOR)))
    aware = np.count_nonzero(c.aware[f]) / c.n if c.gate_awareness else 1.0
    out = {k: firm.counters.get(k, 0) for k in COUNTERS}
    out.update(complaints_pending=model.social.book.pending(f),
               nps=100 * net / n if n else np.nan, aware_share=aware)
    return out


def _add(out: dict, more: dict) -> None:
    for k, v in more.items():
        out[k] = out.get(k, 0) + v
