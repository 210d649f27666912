"""What passes between the phases of a period (docs/ODD.md 3), as typed dataclasses.

The model's step is a short list of phases (``Phase``); mechanisms (``Mechanism``) take part in
some of them. Data flow between phases through these dataclasses only: ``Choices`` (who needed
the service and what they chose), ``Visit`` (one firm's served customers), ``Losses`` (customers
lost, by reason and channel) and ``Tally`` (one firm's flows this period). A mechanism reaches
the shared state through a ``World`` (customers, firms, parameters, generator, network, talk),
never through the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .constants import REASONS

if TYPE_CHECKING:
    from .customers import Customers
    from .network import Network
    from .talk import Talk


class Phase(Enum):
    """The phases of a period, in schedule order (docs/ODD.md 3)."""

    START = "start"  # events due now, offers expire, loyalty types note who is active
    MASK = "mask"  # alternatives a customer cannot choose (unaware, closed)
    OCCASIONS = "occasions"  # purchases per served customer (occasions; dropout ends them)
    SERVED = "served"  # after a firm served its customers: talk, complain, record value
    BEFORE_LOSSES = "before_losses"  # complaints waiting too long are given up
    LOSSES = "losses"  # per firm, losses beyond switches and lapses
    AFTER_LOSSES = "after_losses"  # visit shares, exits and entries, event losses
    REMOVED = "removed"  # customers who left the market
    RECYCLED = "recycled"  # newcomers in recycled places
    ROW = "row"  # each firm's output columns
    END = "end"  # after accounting: exposures move on


@dataclass
class Moves:
    """Customers who left the market this period and newcomers who took empty places."""

    removed: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    recycled: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


@dataclass
class World:
    """The shared state a mechanism works on (not the model).

    Attributes:
        customers: Every customer's state.
        firms: The firms (Mesa agents), in scenario order.
        params: The model parameters (``scenario.params``; events may replace blocks).
        spec: The scenario.
        rng: The model's seeded generator (the only source of randomness).
        weight: Real customers per agent (sim/scale.py).
        network: The social network, if a mechanism needs one.
        talk: Messages about firms over the network (sim/talk.py), if there is a network.
        t: The current period.
        moves: This period's departures and arrivals (sim/turnover.py).
    """

    customers: Customers
    firms: list[Any]
    params: Any
    spec: Any
    rng: np.random.Generator
    weight: float
    network: Network | None = None
    talk: Talk | None = None
    t: int = 0
    moves: Moves = field(default_factory=Moves)


@dataclass(frozen=True)
class Choices:
    """This period's needs and choices.

    Attributes:
        idx: Customers with a need, ascending.
        choice: Their choice: a firm index, or the number of firms for the outside option.
        prices: (F, len(idx)) prices offered to them.
        v: (F, len(idx)) deterministic utilities.
    """

    idx: np.ndarray
    choice: np.ndarray
    prices: np.ndarray
    v: np.ndarray


@dataclass(frozen=True)
class Visit:
    """One firm's served customers this period.

    Attributes:
        firm: Firm index.
        pos: Positions of the served in ``Choices.idx``.
        ids: The served customers.
        paid: The prices they paid.
        s: Their transaction satisfaction.
        failed: Whether their visit had a service failure.
        n: Their purchases this period (ODD 7.27), or None: one each.
    """

    firm: int
    pos: np.ndarray
    ids: np.ndarray
    paid: np.ndarray
    s: np.ndarray
    failed: np.ndarray
    n: np.ndarray | None = None

    @property
    def spend(self) -> np.ndarray:
        """What each served customer paid this period: the price times their purchases."""
        return self.paid if self.n is None else self.paid * self.n


def _reasons() -> np.ndarray:
    return np.zeros(len(REASONS), np.int64)


def _no_ids() -> np.ndarray:
    return np.zeros(0, np.int64)


@dataclass
class Losses:
    """Customers lost to one firm: by Keaveney reason and by the channel that won them back.

    Attributes:
        by_reason: Count per reason, in the order of ``constants.REASONS``.
        won_price: Losses of customers won back on price.
        won_relationship: Losses of customers won back by relationship.
        tenure_won_price: Sum of the second-lifetime lengths of the former.
        tenure_won_relationship: Sum of the second-lifetime lengths of the latter.
        ids: The customers lost (``transitions.lose`` records them), in no particular order;
            each at most once a period (only active customers are lost). Mechanisms that look
            at the period's losses (loyalty types, contagion) start from these few instead of
            a pass over every customer.
    """

    by_reason: np.ndarray = field(default_factory=_reasons)
    won_price: int = 0
    won_relationship: int = 0
    tenure_won_price: int = 0
    tenure_won_relationship: int = 0
    ids: np.ndarray = field(default_factory=_no_ids)

    @property
    def total(self) -> int:
        """All losses."""
        return int(self.by_reason.sum())

    def add(self, other: Losses) -> None:
        """Add ``other``'s counts to these."""
        self.by_reason += other.by_reason
        self.won_price += other.won_price
        self.won_relationship += other.won_relationship
        self.tenure_won_price += other.tenure_won_price
        self.tenure_won_relationship += other.tenure_won_relationship
        if other.ids.size:
            self.ids = np.concatenate([self.ids, other.ids]) if self.ids.size else other.ids


@dataclass
class Tally:
    """One firm's flows this period, in agents (the output scales them to real customers).

    Attributes:
        active_start: Active customers at the start of the period.
        lost_start: Lost pool at the start of the period.
        active_end: Active customers at the end of the period.
        lost_end: Lost pool at the end of the period.
        demand: Agents who chose the firm.
        served: Agents served.
        transactions: Their purchases (served, unless purchase occasions are on: ODD 7.27).
        turned_away: Agents turned away for lack of capacity.
        failures: Service failures.
        quality_mean: Mean realised quality of the served (NaN if none).
        paid: Sum of the prices the served paid (times their purchases).
        new_customers: Never-customers served for the first time.
        won_back: Lost customers served again.
        won_back_price: Of those, holding a price offer.
        won_back_relationship: Of those, holding a relationship offer.
        losses: Customers lost this period.
    """

    active_start: int
    lost_start: int
    active_end: int = 0
    lost_end: int = 0
    demand: int = 0
    served: int = 0
    turned_away: int = 0
    failures: int = 0
    quality_mean: float = float("nan")
    paid: float = 0.0
    transactions: int = 0
    new_customers: int = 0
    won_back: int = 0
    won_back_price: int = 0
    won_back_relationship: int = 0
    losses: Losses = field(default_factory=Losses)

    @property
    def at_risk(self) -> int:
        """Customers who could be lost this period: active at its start, or acquired in it."""
        return self.active_start + self.new_customers + self.won_back

    @property
    def churn_rate(self) -> float:
        """Losses over the customers at risk (NaN if none were)."""
        return self.losses.total / self.at_risk if self.at_risk else float("nan")


@dataclass
class Books:
    """One firm's accounts for the period, in real money (sim/accounting.py, ODD 7.8)."""

    revenue: float
    cost_variable: float
    cost_service: float
    cost_fixed: float
    cost_promotion: float
    cost_relationship: float
    cost_investment: float
    cost_advertising: float
    cost_complaints: float
    cost_redress: float
    cost_programme: float
    cost_referral: float
    crisis_cost: float
    cost_staff: float
    cost_total: float
    profit: float
    cumulative_profit: float
    cash: float
    unit_margin: float
    unit_service_cost: float
    avg_price_paid: float


@dataclass(frozen=True)
class Crisis:
    """A crisis an event caused at a firm (sim/events.py writes it; strategies read it).

    Attributes:
        type: The event type ("scandal" or "service_failure").
        period: The period it happened.
        firm: Index of the firm concerned.
        ids: The customers it touched (heard of the scandal, or suffered the failure).
        trust_before: Their trust in the firm just before it.
        psychological_before: Their psychological bond to the firm just before it.
        active: The firm's active customers when it happened.
        touched_active: How many of those it touched.
    """

    type: str
    period: int
    firm: int
    ids: np.ndarray
    trust_before: np.ndarray
    psychological_before: np.ndarray
    active: int
    touched_active: int

    @property
    def share(self) -> float:
        """Share of the firm's active customers it touched (0 if it had none)."""
        return self.touched_active / self.active if self.active else 0.0


class Mechanism:
    """A mechanism of the model: one module, one class, declared to the schedule.

    A mechanism declares its configuration block (``key`` under ``params`` and its schema
    ``Config``), the per-customer arrays it owns, the phases it takes part in (it implements
    the hook of each) and the output columns it writes (``columns``, those counting customers
    in ``counts``; ``defaults`` are their values when it is off). It works on the ``World``
    only; it never writes another mechanism's arrays, and another mechanism never writes its.
    """

    key: ClassVar[str]
    arrays: ClassVar[tuple[str, ...]] = ()
    phases: ClassVar[tuple[Phase, ...]] = ()
    columns: ClassVar[tuple[str, ...]] = ()
    counts: ClassVar[tuple[str, ...]] = ()
    defaults: ClassVar[dict[str, float]] = {}
    needs_network: ClassVar[bool] = False

    def __init__(self, world: World):
        self.world = world

    def nbytes(self) -> int:
        """Bytes held by the arrays this mechanism owns."""
        return sum(getattr(self, a).nbytes for a in self.arrays)

    def start(self) -> None:
        """Phase START."""

    def mask(self, v: np.ndarray, idx: np.ndarray) -> None:
        """Phase MASK: set V_if to a prohibitive utility where firm f cannot be chosen."""

    def occasions(self, f: int, ids: np.ndarray, n: np.ndarray | None) -> np.ndarray | None:
        """Phase OCCASIONS: the purchases of firm ``f``'s served ``ids``, returned.

        ``n`` is what the mechanisms before this one said (None: one purchase each).
        """
        return n

    def served(self, visit: Visit) -> None:
        """Phase SERVED, once per firm."""

    def before_losses(self) -> None:
        """Phase BEFORE_LOSSES."""

    def losses(self, f: int) -> Losses | None:
        """Phase LOSSES: this mechanism's losses at firm ``f``."""
        return None

    def after_losses(self, choices: Choices, visits: list[Visit]) -> list[Losses] | None:
        """Phase AFTER_LOSSES: per firm, losses to add (or None)."""
        return None

    def removed(self, ids: np.ndarray) -> None:
        """Phase REMOVED: customers ``ids`` left the market."""

    def recycled(self, ids: np.ndarray) -> None:
        """Phase RECYCLED: newcomers took the places ``ids``."""

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """Phase ROW: this mechanism's columns for firm ``f``."""
        return {}

    def end(self, tallies: list[Tally]) -> None:
        """Phase END."""
