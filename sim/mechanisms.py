"""The optional mechanisms, in schedule order, and which of them a scenario switches on.

The core of a period (choice, experience, trust, bonds, churn, accounting) always runs; these
mechanisms plug into its phases (sim/step.py). Only the enabled ones are imported and built;
a disabled mechanism costs nothing and its columns hold its ``defaults``. Adding a mechanism
is one module with a ``Mechanism`` subclass and one entry here (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .step import Mechanism, Phase, World


@dataclass(frozen=True)
class Entry:
    """A registered mechanism.

    Attributes:
        key: Its block under ``params`` (and its name).
        target: ``module:Class`` of its ``Mechanism`` subclass.
        enabled: Whether a scenario switches it on.
    """

    key: str
    target: str
    enabled: Callable[[Any], bool]

    def load(self) -> type[Mechanism]:
        """Import the mechanism's class."""
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)


def _turnover_on(sc: Any) -> bool:
    return sc.params.turnover.exit_rate > 0 or any(
        getattr(ev, "target", "").startswith("params.turnover") for ev in sc.events)


# schedule order: within a phase, mechanisms run in this order
REGISTRY: tuple[Entry, ...] = (
    Entry("events", "sim.events:Timeline", lambda sc: True),
    # before the arrivals: built while every customer still has the need they arrive with
    Entry("occasions", "sim.occasions:Occasions", lambda sc: sc.params.occasions.enabled),
    Entry("arrivals", "sim.arrivals:Arrivals", lambda sc: sc.params.arrivals.enabled),
    Entry("awareness", "sim.awareness:Awareness", lambda sc: sc.params.awareness.enabled),
    Entry("wom", "sim.wom:WordOfMouth", lambda sc: sc.params.wom.enabled),
    Entry("referrals", "sim.referrals:Referrals", lambda sc: sc.params.referrals.enabled),
    Entry("complaints", "sim.complaints:Complaints", lambda sc: sc.params.complaints.enabled),
    Entry("contagion", "sim.contagion:Contagion", lambda sc: sc.params.contagion.enabled),
    Entry("loyalty_types", "sim.loyalty_types:LoyaltyTypes",
          lambda sc: sc.params.loyalty_types.enabled),
    Entry("turnover", "sim.turnover:Turnover", _turnover_on),
    Entry("cohorts", "sim.cohorts:Cohorts", lambda sc: sc.params.cohorts.enabled),
    Entry("dropout", "sim.dropout:Dropout", lambda sc: sc.params.dropout.enabled),
    Entry("brands", "sim.purchases:Purchases", lambda sc: sc.params.brands.enabled),
    Entry("contacts", "sim.contacts:Contacts", lambda sc: sc.params.contacts.enabled),
    Entry("staff", "sim.staff:Staff", lambda sc: any(f.staff is not None for f in sc.firms)),
)


def enabled(spec: Any) -> list[type[Mechanism]]:
    """The classes of the mechanisms ``spec`` switches on, in schedule order."""
    return [e.load() for e in REGISTRY if e.enabled(spec)]


def defaults(spec: Any) -> dict[str, float]:
    """Column values of the mechanisms ``spec`` leaves off."""
    out: dict[str, float] = {}
    for e in REGISTRY:
        if not e.enabled(spec):
            out.update(e.load().defaults)
    return out


def counts() -> tuple[str, ...]:
    """Every mechanism column that counts customers (scaled by the weight in the outputs)."""
    return tuple(c for e in REGISTRY for c in e.load().counts)


def build(world: World, classes: list[type[Mechanism]]) -> list[Mechanism]:
    """Build ``classes`` on ``world`` (the network and the message channel first, if needed)."""
    return [cls(world) for cls in classes]


def hooks(mechanisms: list[Mechanism]) -> dict[Phase, list[Mechanism]]:
    """The mechanisms taking part in each phase, in schedule order."""
    return {phase: [m for m in mechanisms if phase in m.phases] for phase in Phase}
