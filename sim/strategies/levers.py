"""What a strategy sees of its firm: the levers a manager has and read-only state.

A strategy acts through ``Levers`` only: it never reaches the model, another firm or another
strategy. Levers: prices (general discount, offer discount, member prices), the service levels
its spend moves, the service spend plan that PDCA raises, the budgets a budget rule cuts,
spending and activity counts, the complaint desk, and the customers it targets (contacts,
offers and programme state are its effects on them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from ..scale import to_agents

if TYPE_CHECKING:
    from ..customers import Customers
    from ..firm import Firm
    from ..step import Crisis, World

BUDGETS = ("service", "relationship", "promotion")


@dataclass
class Activity:
    """A firm's activity this period, counted in agents (outputs scale them)."""

    offers_price: int = 0
    contacts: int = 0
    contacts_accepted: int = 0
    budget_cuts: int = 0
    ads_reached: int = 0
    members: int = 0
    member_revenue: float = 0.0
    surveys: int = 0
    pdca_dimension: int = -1
    crisis_reached: int = 0

    def clear(self) -> None:
        """Start a new period."""
        vars(self).update(_ACTIVITY_START)


_ACTIVITY_START = {f.name: f.default for f in fields(Activity)}


@dataclass(frozen=True)
class Referral:
    """A firm's referral reward (sim/referrals.py).

    Attributes:
        reward: Money per converted referral.
        boost: The referral chance is multiplied by 1 + boost.
    """

    reward: float = 0.0
    boost: float = 0.0


@dataclass(frozen=True)
class ContactPlan:
    """A firm's plan of contact levels at its business customers (sim/contacts.py).

    Attributes:
        levels: Contact persons to know at each covered active customer (0: no plan).
        segments: Segment codes covered (None: all).
        cost_per_level: Money per level above the starting one, per customer and period.
        build_per_period: New contacts a customer can gain per period.
    """

    levels: int = 0
    segments: tuple[int, ...] | None = None
    cost_per_level: float = 0.0
    build_per_period: int = 1


@dataclass(frozen=True)
class StaffPlan:
    """What a firm pays its staff this period beyond the base wage (sim/staff.py).

    Attributes:
        bonus: Money per staff member and period on top of the base wage.
        training: Money per staff member and period spent on training.
    """

    bonus: float = 0.0
    training: float = 0.0


@dataclass(frozen=True)
class LastPeriod:
    """What the firm's books said last period (the budget rule reads it)."""

    served: float = 0.0
    unit_margin: float = 0.0


class Levers:
    """The narrow interface between a strategy and its firm.

    Args:
        firm: The firm.
        world: The shared state (for the period, the generator and the customers).
    """

    def __init__(self, firm: Firm, world: World):
        self._firm, self._world = firm, world

    # read-only state
    @property
    def t(self) -> int:
        """The current period."""
        return self._world.t

    @property
    def rng(self) -> np.random.Generator:
        """The model's generator (the only source of randomness)."""
        return self._world.rng

    @property
    def customers(self) -> Customers:
        """The customers (a strategy targets them; its effects are its contacts and offers)."""
        return self._world.customers

    @property
    def index(self) -> int:
        """The firm's position in the customers' (F, N) arrays."""
        return self._firm.index

    @property
    def fid(self) -> str:
        """The firm's id."""
        return self._firm.fid

    @property
    def price(self) -> float:
        """The list price."""
        return self._firm.price

    @property
    def cash(self) -> float:
        """Money in hand."""
        return self._firm.cash

    @property
    def weight(self) -> float:
        """Real customers per agent."""
        return self._firm.weight

    @property
    def last(self) -> LastPeriod:
        """Last period's served customers and unit margin."""
        return self._firm.last

    @property
    def service(self) -> np.ndarray:
        """Service levels on value / system / people (service investment moves them)."""
        return self._firm.service

    @property
    def people_by_staff(self) -> bool:
        """Whether the people service follows the firm's staff (sim/staff.py), not spend."""
        return self._firm.people_by_staff

    @property
    def crises(self) -> tuple[Crisis, ...]:
        """The crises events caused at the firm so far (scandals, service failures)."""
        return tuple(self._firm.crises)

    @property
    def complaint_desk(self) -> Any:
        """The complaint desk (None when the complaints mechanism is off)."""
        return self._firm.complaint_desk

    # prices
    def set_general_discount(self, share: float) -> None:
        """Share off the list price for everyone this period."""
        self._firm.general_discount = share

    def set_offer_discount(self, share: float) -> None:
        """Share off the list price for holders of a price offer."""
        self._firm.offer_discount = share

    def set_member_prices(self, factor: Callable[[np.ndarray], np.ndarray] | None) -> None:
        """Member prices: ``factor(ids)`` multiplies the price offered to customers ``ids``."""
        self._firm.member_prices = factor

    # service spend plan
    def service_extra(self) -> np.ndarray:
        """Spend per period added to the service plan per dimension (PDCA raises it)."""
        return self._firm.service_extra

    def raise_service_spend(self, d: int, amount: float, cap: float) -> None:
        """Add ``amount`` per period to dimension ``d`` of the service plan, up to ``cap``."""
        extra = self._firm.service_extra
        extra[d] = min(cap, extra[d] + amount)

    def set_referral_reward(self, reward: float, boost: float) -> None:
        """Pay ``reward`` per converted referral; referring is 1 + ``boost`` times as likely."""
        self._firm.referral = Referral(reward, boost)

    def set_contact_plan(self, plan: ContactPlan) -> None:
        """Contact levels to build and keep at business customers (sim/contacts.py)."""
        self._firm.contact_plan = plan

    def set_staff_plan(self, plan: StaffPlan) -> None:
        """Bonus and training per staff member this period (sim/staff.py books them)."""
        self._firm.staff_plan = plan

    def set_wom_dampening(self, factor: float) -> None:
        """Multiply this period's chance that a dissatisfied customer warns about the firm.

        ``factor`` (1: no change; below 1 dampens, above 1 amplifies) is read by sim/wom.py.
        """
        self._firm.wom_dampening = factor

    # budgets
    def budget(self, category: str | None) -> float:
        """Share of a discretionary budget the firm currently allows (1 for None)."""
        return self._firm.budget_scale.get(category, 1.0) if category else 1.0

    def set_budget(self, category: str, share: float) -> None:
        """Set a discretionary budget's share (the budget rule's lever)."""
        self._firm.budget_scale[category] = share

    # money and counts
    def spend(self, category: str, amount: float) -> None:
        """Record discretionary spend this period (money, real units)."""
        self._firm.spent[category] += amount

    def spend_on(self, category: str, agents: int, unit_cost: float) -> None:
        """Record ``unit_cost`` spent on each real customer that ``agents`` agents stand for."""
        self._firm.spent[category] += agents * self._firm.weight * unit_cost

    def agents(self, amount: float) -> int:
        """Agents standing for ``amount`` real customers (unbiased rounding, sim/scale.py)."""
        return to_agents(amount, self._firm.weight, self._world.rng)

    @property
    def activity(self) -> Activity:
        """This period's activity counts."""
        return self._firm.activity
