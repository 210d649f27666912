"""Events (ODD 7.19): a timeline of shocks applied at the start of a period.

Event types (schema in ``sim/scenario/events.py``):

* ``set`` / ``scale``: x <- value, or x <- factor * x, for a firm's price, capacity, costs,
  service level or bond (every customer's bond toward the firm, or one segment's), or any
  numeric model parameter. Structural bonds changed this way change calculative commitment
  C_if = mean(structural bonds) at once.
* ``firm_enter``: the firm is closed (cannot be chosen, acts and spends nothing, pays no fixed
  cost) until ``at``, open from then on. ``firm_exit``: closed from ``at``; its active
  customers are lost to it (reason ``involuntary``).
* ``deregulate``: the listed barrier bonds toward the incumbents are multiplied by ``factor``
  and the entrant (if any) opens.
* ``service_failure``: a share of the firm's active customers suffer a failure on one
  dimension: S <- S (1 - severity), the trust update with x = -severity, psychological bond
  B <- B (1 - severity / 2), and the incident is remembered (core or encounter failure).
* ``scandal``: a share of the customers who know the firm hear of an ethical scandal: trust
  update with x = -severity, values and psychological bonds B <- B (1 - severity); its active
  customers remember an ``ethical`` incident, so their losses count under "ethical".

Both note the crisis on the firm (``firm.crises``: type, period, the customers touched, their
trust and psychological bond before it), which a ``crisis_response`` strategy reads (ODD 7.24).

Every applied event is logged (``events.csv``: period, type, firm, target, value, customers,
note; ``customers`` is the number of real customers it touched) and counted in the
trajectory column ``events`` of the firms it concerns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from . import trust
from .constants import (
    ACTIVE,
    BONDS,
    DIMENSIONS,
    INC_CORE,
    INC_ENCOUNTER,
    INC_ETHICAL,
    NEVER,
    REASONS,
    STRUCTURAL_BONDS,
)
from .sampling import pick
from .step import Books, Choices, Crisis, Losses, Mechanism, Phase, Tally, Visit, World
from .transitions import lose

if TYPE_CHECKING:
    from .firm import Firm

F32 = np.float32
# what an event handler reports: firms concerned, target, value, customers touched (agents)
Outcome = tuple[list[str], str, float, int]
STRUCT_ROWS = [BONDS.index(b) for b in STRUCTURAL_BONDS]
LOG_COLUMNS = ("period", "type", "firm", "target", "value", "customers", "note")


class Timeline(Mechanism):
    """The scenario's events and their log (``events:`` in the scenario).

    Attributes:
        log: One record per applied event (``events.csv``).
        count: Per firm, events applied this period.
        pending: Per firm, losses this period's events caused (a firm's exit).
    """

    key = "events"
    phases = (Phase.START, Phase.AFTER_LOSSES, Phase.ROW)
    columns = ("events",)
    defaults = {"events": 0.0}

    def __init__(self, world: World):
        super().__init__(world)
        self.events = sorted(world.spec.events, key=lambda e: e.at)
        self.index = {f.fid: f.index for f in world.firms}
        self.log: list[dict] = []
        self.count = [0] * len(world.firms)
        self.pending = [Losses() for _ in world.firms]
        if any(e.type in ("set", "scale") and e.target.startswith("params.")
               for e in self.events):
            world.params = world.params.model_copy(deep=True)
        for ev in self.events:
            opener = ev.firm if ev.type == "firm_enter" else getattr(ev, "entrant", None)
            if opener is not None and ev.at > 0:
                world.firms[self.index[opener]].available = False

    def start(self) -> None:
        """Apply the events due at the start of the current period."""
        w = self.world
        self.count = [0] * len(w.firms)
        self.pending = [Losses() for _ in w.firms]
        for ev in self.events:
            if ev.at == w.t:
                firms, target, value, n = HANDLERS[ev.type](self, ev)
                for fid in firms:
                    self.count[self.index[fid]] += 1
                self.log.append({"period": w.t, "type": ev.type, "firm": ",".join(firms),
                                 "target": target, "value": value,
                                 "customers": n * w.weight, "note": ev.note})

    def after_losses(self, choices: Choices, visits: list[Visit]) -> list[Losses]:
        """Losses caused by this period's events, per firm."""
        return self.pending

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """The ``events`` column of firm ``f``."""
        return {"events": float(self.count[f])}

    def table(self) -> pd.DataFrame:
        """The log as a DataFrame (``events.csv``)."""
        return pd.DataFrame(self.log, columns=list(LOG_COLUMNS))

    def firm(self, fid: str) -> Firm:
        """The firm agent with id ``fid``."""
        return self.world.firms[self.index[fid]]


def _set_or_scale(tl: Timeline, ev: Any) -> Outcome:
    """Handler of ``set`` and ``scale``."""
    parts = ev.target.split(".")
    op = (lambda x: ev.value) if ev.type == "set" else (lambda x: x * ev.factor)
    shown = ev.value if ev.type == "set" else ev.factor
    if parts[0] == "params":
        params = tl.world.params
        block = getattr(params, parts[1])
        setattr(params, parts[1], new_params_block(block, parts[2], op(getattr(block, parts[2]))))
        return [], ev.target, shown, 0
    firm = tl.firm(parts[1])
    field = ".".join(parts[2:])
    n = 0
    if field == "price":
        firm.price = float(op(firm.price))
    elif field == "capacity":
        firm.capacity = int(op(firm.capacity))
    elif field.startswith("costs."):
        firm.cfg = firm.cfg.model_copy(deep=True)
        setattr(firm.cfg.costs, parts[3], float(op(getattr(firm.cfg.costs, parts[3]))))
    elif field.startswith("service."):
        k = DIMENSIONS.index(parts[3])
        firm.service[k] = float(np.clip(op(firm.service[k]), 0.0, 1.0))
    else:
        n = _bond(tl, firm.index, BONDS.index(parts[3]), op, ev.segment)
    return [firm.fid], ev.target, shown, n


def _bond(tl: Timeline, f: int, k: int, op: Callable[[Any], Any], segment: str | None) -> int:
    """Set or scale bond row ``k`` toward firm ``f`` (one segment's customers, or all)."""
    c = tl.world.customers
    ids: slice | np.ndarray
    if segment is None:
        ids = slice(None)
        levels = tl.world.firms[f].bond_levels
        levels[k] = np.clip(op(levels[k]), 0.0, 1.0)
        n = c.n
    else:
        ids = np.flatnonzero(c.segment == c.segment_names.index(segment))
        n = ids.size
    c.bonds[f, k, ids] = np.clip(op(c.bonds[f, k, ids]), 0.0, 1.0)
    if k in STRUCT_ROWS:
        c.refresh_calculative(f, None if segment is None else ids)
    return int(n)


def _enter(tl: Timeline, ev: Any) -> Outcome:
    """Handler of ``firm_enter``."""
    tl.firm(ev.firm).available = True
    return [ev.firm], "available", 1.0, 0


def _exit(tl: Timeline, ev: Any) -> Outcome:
    """Handler of ``firm_exit``: close the firm; its active customers are lost to it."""
    firm = tl.firm(ev.firm)
    firm.available = False
    c = tl.world.customers
    ids = np.flatnonzero(c.status[firm.index] == ACTIVE)
    why = np.full(ids.size, REASONS.index("involuntary"), np.int64)
    tl.pending[firm.index].add(lose(c, firm.index, ids, why, tl.world.t))
    return [ev.firm], "available", 0.0, int(ids.size)


def _deregulate(tl: Timeline, ev: Any) -> Outcome:
    """Handler of ``deregulate``: barriers toward incumbents fall; the entrant opens."""
    firms = []
    if ev.entrant is not None:
        tl.firm(ev.entrant).available = True
        firms.append(ev.entrant)
    incumbents = ev.incumbents or [fid for fid in tl.index if fid != ev.entrant]
    for fid in incumbents:
        for b in ev.bonds:
            _bond(tl, tl.index[fid], BONDS.index(b), lambda x: x * ev.factor, None)
    return firms + incumbents, "bonds." + "+".join(ev.bonds), ev.factor, tl.world.customers.n


def _service_failure(tl: Timeline, ev: Any) -> Outcome:
    """Handler of ``service_failure``."""
    m, firm = tl.world, tl.firm(ev.firm)
    c, f = m.customers, firm.index
    active = np.flatnonzero(c.status[f] == ACTIVE)
    ids = pick(m.rng, active, int(m.rng.binomial(active.size, ev.share)))
    _record(tl, ev.type, f, ids, active.size, ids.size)
    c.satisfaction[f, ids] *= F32(1 - ev.severity)
    trust.update_trust(c, f, ids, np.full(ids.size, -ev.severity, F32), m.params.trust)
    c.bond(f, "psychological")[ids] *= F32(1 - ev.severity / 2)
    c.incident[f, ids] = INC_CORE if ev.dimension == "value" else INC_ENCOUNTER
    c.incident_t[f, ids] = m.t
    return [ev.firm], f"service.{ev.dimension}", ev.severity, int(ids.size)


def _scandal(tl: Timeline, ev: Any) -> Outcome:
    """Handler of ``scandal``."""
    m, firm = tl.world, tl.firm(ev.firm)
    c, f = m.customers, firm.index
    know = (c.status[f] != NEVER) | (c.aware[f] == 1)
    cand = np.flatnonzero(know)
    ids = pick(m.rng, cand, int(m.rng.binomial(cand.size, ev.share)))
    active = int(np.count_nonzero(c.status[f] == ACTIVE))
    _record(tl, ev.type, f, ids, active, int(np.count_nonzero(c.status[f, ids] == ACTIVE)))
    trust.update_trust(c, f, ids, np.full(ids.size, -ev.severity, F32), m.params.trust)
    for b in ("values", "psychological"):
        c.bond(f, b)[ids] *= F32(1 - ev.severity)
    hit = ids[c.status[f, ids] == ACTIVE]
    c.incident[f, hit] = INC_ETHICAL
    c.incident_t[f, hit] = m.t
    return [ev.firm], "trust,values,psychological", ev.severity, int(ids.size)


def _record(tl: Timeline, kind: str, f: int, ids: np.ndarray, active: int, touched: int) -> None:
    """Note the crisis on the firm (``firm.crises``) for a crisis response to read (ODD 7.24)."""
    c = tl.world.customers
    tl.world.firms[f].crises.append(Crisis(
        kind, tl.world.t, f, ids.copy(), c.trust[f, ids].copy(),
        c.bond(f, "psychological")[ids].copy(), int(active), int(touched)))


HANDLERS = {"set": _set_or_scale, "scale": _set_or_scale, "firm_enter": _enter,
            "firm_exit": _exit, "deregulate": _deregulate,
            "service_failure": _service_failure, "scandal": _scandal}


def new_params_block(block: BaseModel, name: str, value: float) -> BaseModel:
    """A copy of a parameter block with ``name`` set to ``value``, validated against its range."""
    data = block.model_dump() | {name: value}
    try:
        return type(block).model_validate(data)
    except ValidationError as e:
        raise ValueError(f"{name}={value} is out of range: {e.errors()[0]['msg']}") from None
