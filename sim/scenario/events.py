"""Schema of the event timeline (``events:`` in a scenario; runtime in ``sim/events.py``).

An event happens at the start of period ``at``, before firms act. Targets of ``set`` and
``scale`` are dotted paths:

* ``firms.<id>.price``, ``firms.<id>.capacity``, ``firms.<id>.costs.fixed|variable``
* ``firms.<id>.service.value|system|people`` (service level in [0, 1])
* ``firms.<id>.bonds.<bond>`` (every customer's bond toward the firm; ``segment`` limits it)
* ``params.<block>.<field>`` (any numeric model parameter, checked against its range)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field

from ..config import Block
from ..constants import BONDS, DIMENSIONS, STRUCTURAL_BONDS
from ..events import new_params_block
from .errors import LocatedError

FIRM_FIELDS = ("price", "capacity", "costs.fixed", "costs.variable",
               *(f"service.{d}" for d in DIMENSIONS), *(f"bonds.{b}" for b in BONDS))
BondName = Literal[BONDS]  # type: ignore[valid-type]


class EventBase(Block):
    """Fields every event has."""

    at: int = Field(ge=0, le=20_000, description="period at whose start the event happens")
    note: str = Field("", description="free text copied to events.csv")


class SetEvent(EventBase):
    """Set a parameter, price, service level or bond to ``value``."""

    type: Literal["set"]
    target: str = Field(min_length=3)
    value: float = Field(ge=-1e12, le=1e12)
    segment: str | None = Field(None, description="bonds only: customers of this segment")


class ScaleEvent(EventBase):
    """Multiply a parameter, price, service level or bond by ``factor``."""

    type: Literal["scale"]
    target: str = Field(min_length=3)
    factor: float = Field(ge=0.0, le=1e6)
    segment: str | None = Field(None, description="bonds only: customers of this segment")


class FirmEnter(EventBase):
    """A firm opens: unavailable to customers before ``at``, available from then on."""

    type: Literal["firm_enter"]
    firm: str


class FirmExit(EventBase):
    """A firm closes: its active customers are lost to it (reason: involuntary)."""

    type: Literal["firm_exit"]
    firm: str


class Deregulate(EventBase):
    """A monopoly is opened: barriers toward the incumbents fall and an entrant may open."""

    type: Literal["deregulate"]
    entrant: str | None = Field(None, description="firm that opens at ``at`` (optional)")
    incumbents: list[str] | None = Field(None, description="firms whose barriers fall "
                                                           "(default: all but the entrant)")
    bonds: list[BondName] = Field(default_factory=lambda: list(STRUCTURAL_BONDS), min_length=1)
    factor: float = Field(0.2, ge=0.0, le=1.0, description="barrier bonds are multiplied by it")


class ServiceFailure(EventBase):
    """A service failure hits a share of a firm's active customers."""

    type: Literal["service_failure"]
    firm: str
    share: float = Field(ge=0.0, le=1.0, description="share of the firm's active customers hit")
    dimension: Literal[DIMENSIONS] = "value"  # type: ignore[valid-type]
    severity: float = Field(0.5, ge=0.0, le=1.0,
                            description="satisfaction lost and trust shock (x = -severity)")


class Scandal(EventBase):
    """An ethical scandal: customers who know the firm lose trust and value fit."""

    type: Literal["scandal"]
    firm: str
    share: float = Field(1.0, ge=0.0, le=1.0,
                         description="share of customers who know the firm who hear of it")
    severity: float = Field(0.5, ge=0.0, le=1.0,
                            description="trust shock and share of values/psychological bond lost")


Event = Annotated[
    Union[SetEvent, ScaleEvent, FirmEnter, FirmExit, Deregulate,  # noqa: UP007
          ServiceFailure, Scandal],
    Field(discriminator="type"),
]


def check_events(scenario: Any) -> None:
    """Check that every event is within the horizon and names existing firms and targets.

    Raises:
        ValueError: Naming the event, what is wrong and what is allowed (a ``LocatedError``
            with the event's field for an event at or after the horizon).
    """
    ids = [f.id for f in scenario.firms]
    segments = [s.name for s in scenario.market.segments]
    for k, ev in enumerate(scenario.events):
        where = f"events[{k}] ({ev.type} at {ev.at})"
        if ev.at >= scenario.horizon:
            raise LocatedError(("events", k, "at"),
                               f"{where}: the run ends before it (horizon {scenario.horizon} "
                               f"{scenario.period}s): events happen at periods "
                               f"0..{scenario.horizon - 1}")
        for fid in _firms_named(ev):
            if fid not in ids:
                raise ValueError(f"{where}: unknown firm {fid!r}; firms are {ids}")
        if ev.type in ("set", "scale"):
            _check_target(ev, where, ids, scenario.params)
            if ev.segment is not None and ev.segment not in segments:
                raise ValueError(f"{where}: unknown segment {ev.segment!r}; segments are "
                                 f"{segments}")
    _check_parameter_path(scenario)


def _check_parameter_path(scenario: Any) -> None:
    """Apply the events on ``params.*`` in time order: every value they lead to must be valid.

    A ``scale`` event's result depends on the value before it (the file's, or an earlier
    event's), so it is checked here rather than in the event alone.
    """
    blocks: dict[str, Any] = {}
    order = sorted(enumerate(scenario.events), key=lambda kv: kv[1].at)
    for k, ev in order:
        if ev.type not in ("set", "scale") or not ev.target.startswith("params."):
            continue
        _, name, field = ev.target.split(".")
        block = blocks.get(name, getattr(scenario.params, name))
        old = getattr(block, field)
        new = ev.value if ev.type == "set" else old * ev.factor
        try:
            blocks[name] = new_params_block(block, field, new)
        except ValueError as e:
            raise LocatedError(("events", k, "factor" if ev.type == "scale" else "value"),
                               f"events[{k}] ({ev.type} at {ev.at}): {ev.target} would become "
                               f"{new:g}: {e}") from None


def _firms_named(ev: Any) -> list[str]:
    """Firm ids an event refers to."""
    out = [getattr(ev, "firm", None), getattr(ev, "entrant", None)]
    out += getattr(ev, "incumbents", None) or []
    return [f for f in out if f is not None]


def _check_target(ev: Any, where: str, ids: list[str], params: Any) -> None:
    """Check a set/scale target path and, for a set, its value."""
    parts = ev.target.split(".")
    if parts[0] == "firms":
        if len(parts) < 3 or parts[1] not in ids:
            raise ValueError(f"{where}: target {ev.target!r} must be firms.<id>.<field> with "
                             f"<id> in {ids}")
        field = ".".join(parts[2:])
        if field not in FIRM_FIELDS:
            raise ValueError(f"{where}: cannot change {field!r} of a firm; allowed: "
                             f"{', '.join(FIRM_FIELDS)}")
        if ev.segment is not None and not field.startswith("bonds."):
            raise ValueError(f"{where}: segment applies only to bonds.* targets")
        if ev.type == "set":
            _check_firm_value(field, ev.value, where)
    elif parts[0] == "params" and len(parts) == 3:
        block = getattr(params, parts[1], None)
        if block is None or parts[2] not in type(block).model_fields:
            raise ValueError(f"{where}: no parameter {ev.target!r}; blocks are "
                             f"{sorted(type(params).model_fields)}")
        value = getattr(block, parts[2])
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where}: {ev.target!r} is not a number")
        if ev.segment is not None:
            raise ValueError(f"{where}: segment applies only to bonds.* targets")
        if ev.type == "set":
            new_params_block(block, parts[2], ev.value)
    else:
        raise ValueError(f"{where}: target {ev.target!r} must start with firms.<id>. or be "
                         "params.<block>.<field>")


def _check_firm_value(field: str, value: float, where: str) -> None:
    """Ranges of the firm fields an event may set."""
    if field.startswith(("service.", "bonds.")) and not 0.0 <= value <= 1.0:
        raise ValueError(f"{where}: {field} must be in [0, 1], got {value}")
    if field == "price" and value <= 0:
        raise ValueError(f"{where}: price must be positive, got {value}")
    if field in ("capacity", "costs.fixed", "costs.variable") and value < 0:
        raise ValueError(f"{where}: {field} must be at least 0, got {value}")
