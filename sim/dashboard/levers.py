"""Strategy and market levers: dashboard controls that map to scenario overrides.

A lever is one control (a slider or a switch). Its value becomes one or more
``path.to.key=VALUE`` overrides (``sim.scenario.loader.apply_override`` syntax) applied to the
scenario file before a ``Market`` is built, so the dashboard never changes the model's code
path: whatever a lever does, ``python run.py run --set ...`` can do too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from ..constants import STRUCTURAL_BONDS

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..scenario.schema import Firm
    from ..strategies import complaint_handling, price_promotion, relationship, service
    from ..strategies.base import StrategyConfig

OFF = 20_000  # the latest start a scenario allows (horizon <= 20,000): the lever's "off"

Value: TypeAlias = float | int | bool


@dataclass(frozen=True)
class Lever:
    """One control.

    Attributes:
        key: Keyword under which the dashboard passes the value (a Python identifier).
        label: Text shown next to the control; unique within a scenario.
        kind: "float", "int" or "bool".
        value: The scenario's own value (the control's default).
        lo: Smallest value (sliders).
        hi: Largest value (sliders).
        step: Slider step.
        to_overrides: Maps a value to the override strings that set it.
    """

    key: str
    label: str
    kind: str
    value: Value
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    to_overrides: Callable[[Value], list[str]] = lambda v: []

    def overrides(self, value: object) -> list[str]:
        """Override strings for ``value``; none when it equals the scenario's own value."""
        typed = self.coerce(value)
        return [] if typed == self.value else self.to_overrides(typed)

    def coerce(self, value: Any) -> Value:
        """``value`` as this lever's type (bools from checkboxes, numbers from sliders)."""
        if self.kind == "bool":
            return bool(value)
        if self.kind == "int":
            return int(round(float(value)))
        return round(float(value), 6)

    def control(self) -> dict[str, Any]:
        """The Mesa ``model_params`` entry for this lever."""
        if self.kind == "bool":
            return {"type": "Checkbox", "value": self.value, "label": self.label}
        kind = "SliderInt" if self.kind == "int" else "SliderFloat"
        return {"type": kind, "value": self.value, "label": self.label,
                "min": self.lo, "max": self.hi, "step": self.step}


def levers_for(scenario: Scenario) -> list[Lever]:
    """Every lever that applies to ``scenario``: per firm first, then the market's."""
    out: list[Lever] = []
    for firm in scenario.firms:
        out += firm_levers(firm)
    return out + market_levers(scenario)


def firm_levers(firm: Firm) -> list[Lever]:
    """Price and one lever per strategy the firm runs (where a lever applies)."""
    name, base = firm.name or firm.id, f"firms.{firm.id}"
    p = float(firm.price)
    step = grid_step(p, 1.5 * p)
    out = [Lever(f"{firm.id}__price", f"{name}: list price", "float", p,
                 step * round(0.5 * p / step), step * round(1.5 * p / step), step,
                 lambda v: [f"{base}.price={v}"])]
    for k, cfg in enumerate(firm.strategies):
        builder = STRATEGY_LEVERS.get(cfg.type)
        lever = builder(cfg, f"{base}.strategies.{k}", f"{firm.id}__s{k}", name) \
            if builder else None
        if lever is not None:
            out.append(lever)
    return out


def _price_promotion(cfg: price_promotion.Config, path: str, key: str, name: str) -> Lever:
    """Discount depth; 0 switches the promotion off (the schema needs a discount above 0)."""
    what = "general discount" if cfg.target == "all" else "win-back offer discount"

    def to_overrides(v: Value) -> list[str]:
        return [f"{path}.start={OFF}"] if v <= 0 else [f"{path}.discount={v}"]

    return Lever(key, f"{name}: {what}", "float", float(cfg.discount), 0.0, 0.8, 0.05,
                 to_overrides)


def _relationship(cfg: relationship.Config, path: str, key: str, name: str) -> Lever:
    """Contacts per period with lost (or current) customers."""
    who = "lost" if cfg.target == "lost" else "current"
    hi = max(4 * cfg.contacts, 100)
    return Lever(key, f"{name}: contacts with {who} customers / period", "int",
                 int(cfg.contacts), 0, int(hi), int(grid_step(cfg.contacts, hi, 1)),
                 lambda v: [f"{path}.contacts={v}"])


def _service(cfg: service.Config, path: str, key: str, name: str) -> Lever:
    """Total service spend per period, split over the dimensions as the scenario splits it."""
    spend = {d: float(getattr(cfg.spend, d)) for d in ("value", "system", "people")}
    total = sum(spend.values())
    shares = {d: (s / total if total else 1 / 3) for d, s in spend.items()}
    hi = nice(3 * total) if total else 30_000.0

    def to_overrides(v: Value) -> list[str]:
        return [f"{path}.spend.{d}={round(v * s, 2)}" for d, s in shares.items()]

    return Lever(key, f"{name}: service spend / period", "float", total, 0.0, hi,
                 grid_step(total, hi), to_overrides)


def _complaints(cfg: complaint_handling.Config, path: str, key: str, name: str) -> Lever:
    """Complaint handling speed: complaints answered per period (a longer queue waits longer)."""
    hi = max(4 * cfg.capacity, 50)
    return Lever(key, f"{name}: complaints answered / period (speed)", "int", int(cfg.capacity),
                 0, int(hi), int(grid_step(cfg.capacity, hi, 1)),
                 lambda v: [f"{path}.capacity={v}"])


# builder(strategy config, its override path, lever key, firm name) -> the lever
Builder: TypeAlias = Callable[[Any, str, str, str], Lever]


def _switch(label: str) -> Builder:
    """A builder for an on/off switch of any strategy type (off = never in force)."""
    def build(cfg: StrategyConfig, path: str, key: str, name: str) -> Lever:
        on = cfg.start < OFF
        start = cfg.start

        def to_overrides(v: Value) -> list[str]:
            return [f"{path}.start={start if v else OFF}"]

        return Lever(key, f"{name}: {label}", "bool", on, to_overrides=to_overrides)
    return build


STRATEGY_LEVERS: dict[str, Builder] = {
    "price_promotion": _price_promotion,
    "relationship_investment": _relationship,
    "service_investment": _service,
    "complaint_handling": _complaints,
    "loyalty_programme": _switch("loyalty programme on"),
}


def market_levers(scenario: Scenario) -> list[Lever]:
    """Switching cost (structural bonds, stay premium), price sensitivity, word of mouth."""
    segs = [(k, float(s.price_sensitivity.mean)) for k, s in enumerate(scenario.market.segments)]
    bonds = [(f.id, b, float(getattr(f.bonds, b))) for f in scenario.firms
             for b in STRUCTURAL_BONDS]

    def sensitivity(v: Value) -> list[str]:
        return [f"market.segments.{k}.price_sensitivity.mean={round(m * v, 4)}"
                for k, m in segs]

    def structural(v: Value) -> list[str]:
        return [f"firms.{fid}.bonds.{b}={round(min(1.0, x * v), 4)}" for fid, b, x in bonds
                if x > 0]

    inertia = float(scenario.params.choice.inertia)
    wom = getattr(scenario.params, "wom", None)
    talk = [Lever("market__wom", "Market: word of mouth on", "bool", bool(wom.enabled),
                  to_overrides=lambda v: [f"params.wom.enabled={str(v).lower()}"])] \
        if wom is not None else []
    return talk + [
        Lever("market__sensitivity", "Market: price sensitivity (x scenario)", "float", 1.0,
              0.25, 3.0, 0.05, sensitivity),
        Lever("market__structural", "Market: structural bonds (x scenario)", "float", 1.0,
              0.0, 3.0, 0.05, structural),
        Lever("market__inertia", "Market: switching cost (stay premium)", "float", inertia,
              0.0, nice(max(3.0, 2 * inertia)), grid_step(inertia, 3.0, 0.01),
              lambda v: [f"params.choice.inertia={v}"]),
    ]


def nice(x: float) -> float:
    """Round ``x`` to two significant digits (readable slider bounds)."""
    if x <= 0:
        return 0.0
    digits = len(str(int(x))) - 2
    return float(round(x, -digits)) if digits > 0 else round(x, 2)


def grid_step(value: float, hi: float, least: float = 0.0) -> float:
    """A round slider step of about ``hi / 60`` that ``value`` is a whole multiple of.

    A browser slider snaps its value to ``lo + k * step``: a default off that grid would move
    on its own (16,500 became 16,600) and change the run at the next Reset.
    """
    raw = max(hi / 60, least, 1e-9)
    mag = 10 ** math.floor(math.log10(raw))
    candidates = sorted({m * mag * e for m in (1, 2, 2.5, 5) for e in (0.01, 0.1, 1, 10)})
    for step in sorted((c for c in candidates if c >= least), key=lambda c: abs(c - raw)):
        k = value / step
        if abs(k - round(k)) < 1e-9 and (least < 1 or step == int(step)):
            return float(step)
    return float(least or value or 1.0)


def overrides_for(levers: list[Lever], values: dict[str, Any]) -> list[str]:
    """Override strings for the lever ``values`` (keyed by ``Lever.key``; others ignored).

    A key the scenario file leaves to its default is fine: ``apply_override`` creates the
    missing blocks.
    """
    out: list[str] = []
    for lever in levers:
        if lever.key in values:
            out += lever.overrides(values[lever.key])
    return out

