"""The scenario schema: every field a scenario YAML may hold, with defaults and ranges.

The schema is written once here (pydantic) and exported as JSON Schema by ``run.py schema``.
Model parameters that a researcher may vary live under ``params``; their meaning and
equations are documented in docs/ODD.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..arrivals import ArrivalParams
from ..awareness import AwarenessParams
from ..bonds import BondParams
from ..choice import ChoiceParams
from ..churn import ChurnParams
from ..cohorts import CohortParams
from ..complaints import ComplaintParams
from ..config import MAX_PERIODS, MAX_SPAN, Block, Positive, Unit
from ..contacts import ContactParams
from ..contagion import ContagionParams
from ..dropout import DropoutParams
from ..experience import ExperienceParams
from ..loyalty_types import LoyaltyTypeParams
from ..network import NetworkParams
from ..occasions import OccasionParams
from ..purchases import BrandParams, parse_window
from ..referrals import ReferralParams
from ..staff import FirmStaff, StaffParams
from ..strategies import StrategyConfig
from ..trust import TrustParams
from ..turnover import TurnoverParams
from ..wom import WomParams
from .errors import LocatedError
from .events import Event, check_events

DEFAULT_AGENTS = 20_000
Span = Annotated[int, Field(ge=0, le=MAX_SPAN)]
Strict = Block


class Dimensions(Strict):
    """A value per service dimension: value (core product), system (process), people (staff)."""

    value: float = Field(0.0, ge=0.0, le=1e9)
    system: float = Field(0.0, ge=0.0, le=1e9)
    people: float = Field(0.0, ge=0.0, le=1e9)


class Levels(Strict):
    """Service levels on the three dimensions, each in [0, 1]."""

    value: Unit = 0.7
    system: Unit = 0.7
    people: Unit = 0.7


class Weights(Strict):
    """How much a customer weighs each service dimension (normalised to sum 1)."""

    value: Annotated[float, Field(ge=0.0, le=1e3)] = 1 / 3
    system: Annotated[float, Field(ge=0.0, le=1e3)] = 1 / 3
    people: Annotated[float, Field(ge=0.0, le=1e3)] = 1 / 3

    @model_validator(mode="after")
    def _not_all_zero(self) -> Weights:
        if self.value + self.system + self.people <= 0:
            raise ValueError("at least one weight must be positive")
        return self


class Bonds(Strict):
    """Initial strength in [0, 1] of each of the ten relationship bonds."""

    legal: Unit = 0.0
    economic: Unit = 0.0
    technical: Unit = 0.0
    geographic: Unit = 0.0
    time: Unit = 0.0
    knowledge: Unit = 0.0
    social: Unit = 0.0
    cultural: Unit = 0.0
    values: Unit = 0.0
    psychological: Unit = 0.0


class Spread(Strict):
    """A positive quantity drawn per customer from a log-normal with this mean and sd."""

    mean: Annotated[float, Field(gt=0.0, le=1e3)] = 1.0
    sd: Annotated[float, Field(ge=0.0, le=1e3)] = 0.0


class Segment(Strict):
    """A customer segment: its share of the market and its tastes."""

    name: str = Field(min_length=1)
    share: Annotated[float, Field(gt=0.0, le=1.0)]
    price_sensitivity: Spread = Spread()
    weights: Weights = Weights()
    need_prob: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.25, description="mean chance per period of needing the service")
    need_shape: float | None = Field(
        None, gt=0.0, le=1e4, description="gamma shape of the purchase rate within the segment "
        "(smaller = more unequal; ODD 2.1); null = every customer of the segment alike")
    outside_utility: float = Field(0.0, ge=-50, le=50)


class InitialStatus(Strict):
    """Share of the market that is, at t = 0, active at a firm and lost to it."""

    active: Unit = 0.0
    lost: Unit = 0.0


class Market(Strict):
    """The market: its real size, the agents that simulate it, its reference price.

    ``population`` is the real market (every customer who could buy); ``customers`` is the
    number of simulated agents. Each agent stands for ``population / customers`` real
    customers (the weight): capacities, contacts and every count and amount in the outputs
    are in the real market's units, so the agent count sets only the sampling noise. More
    agents than customers (a weight below 1) is allowed: it samples the same market more
    finely.
    """

    population: int | None = Field(
        None, ge=1, le=10_000_000_000,
        description="real customers in the market (people or organisations who could buy); "
                    "default: the number of agents (each agent is one customer)")
    customers: int | None = Field(
        None, ge=1, le=2_000_000_000,
        description="simulated agents (sets only the sampling noise); default: the population "
                    "up to 20,000, or 10,000 if neither is given")
    currency: str = Field("money", min_length=1, max_length=20,
                          description="unit of every price, cost and profit (e.g. yuan)")
    price_norm: Positive = Field(100.0, le=1e9,
                                 description="the market's usual price per purchase (currency)")
    segments: list[Segment] = Field(min_length=1)
    initial: dict[str, InitialStatus] = Field(default_factory=dict)

    @field_validator("segments")
    @classmethod
    def _shares_sum_to_one(cls, segments: list[Segment]) -> list[Segment]:
        total = sum(s.share for s in segments)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"segment shares must sum to 1, they sum to {total:g}")
        names = [s.name for s in segments]
        if len(set(names)) != len(names):
            raise ValueError(f"segment names must be unique, got {names}")
        return segments

    @model_validator(mode="after")
    def _sizes(self) -> Market:
        if self.customers is None:
            self.customers = min(self.population, DEFAULT_AGENTS) if self.population else 10_000
        if self.population is None:
            self.population = self.customers
        return self

    @property
    def weight(self) -> float:
        """Real customers each agent stands for: population / customers."""
        assert self.population is not None and self.customers is not None  # set by _sizes
        return self.population / self.customers


class Costs(Strict):
    """A firm's cost structure, in the market's currency.

    ``fixed`` is per period (rent, overheads; charged whether or not anyone buys);
    ``variable`` and ``service`` are per purchase served (``service`` at service level 1 on
    each dimension: the cost per purchase is sum_d service_d * level_d).
    """

    fixed: float = Field(0.0, ge=0.0, le=1e12, description="currency per period")
    variable: float = Field(0.0, ge=0.0, le=1e9, description="currency per purchase served")
    service: Dimensions = Field(Dimensions(), description="currency per purchase served at "
                                "service level 1, per dimension")


class Firm(Strict):
    """A competing firm: its offer, its costs and its strategies."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = ""
    price: float = Field(gt=0.0, le=1e9, description="list price per purchase (currency)")
    service: Levels = Levels()
    capacity: int = Field(1_000_000_000, ge=0, le=10_000_000_000,
                          description="purchases the firm can serve per period, in the real "
                                      "market (e.g. room-nights per week)")
    cash: float = Field(0.0, ge=-1e15, le=1e15, description="money in hand at t = 0 (currency)")
    costs: Costs = Costs()
    bonds: Bonds = Bonds()
    awareness: Unit = Field(1.0, description="share of never-customers who know the firm at "
                                             "t = 0 (used when params.awareness is enabled)")
    staff: FirmStaff | None = Field(None, description="the firm's staff (ODD 7.26); null = "
                                    "the people service is bought through service_investment")
    strategies: list[StrategyConfig] = Field(default_factory=list)


class Params(Strict):
    """Model parameters a researcher may vary; every default is documented in docs/ODD.md."""

    choice: ChoiceParams = ChoiceParams()
    experience: ExperienceParams = ExperienceParams()
    trust: TrustParams = TrustParams()
    bonds: BondParams = BondParams()
    churn: ChurnParams = ChurnParams()
    network: NetworkParams = NetworkParams()
    wom: WomParams = WomParams()
    awareness: AwarenessParams = AwarenessParams()
    contagion: ContagionParams = ContagionParams()
    referrals: ReferralParams = ReferralParams()
    dropout: DropoutParams = DropoutParams()
    occasions: OccasionParams = OccasionParams()
    arrivals: ArrivalParams = ArrivalParams()
    brands: BrandParams = BrandParams()
    complaints: ComplaintParams = ComplaintParams()
    loyalty_types: LoyaltyTypeParams = LoyaltyTypeParams()
    turnover: TurnoverParams = TurnoverParams()
    cohorts: CohortParams = CohortParams()
    contacts: ContactParams = ContactParams()
    staff: StaffParams = StaffParams()


class Initial(Strict):
    """Customers' state at t = 0 by status (never / active / lost at a firm)."""

    trust_active: Unit = 0.6
    trust_lost: Unit = 0.3
    trust_never: Unit = 0.4
    satisfaction_active: Unit = 0.6
    satisfaction_lost: Unit = 0.35
    satisfaction_never: Unit = 0.5
    expectation_never: Unit = 0.6
    grown_bonds_active: Unit = 0.3
    grown_bonds_lost: Unit = 0.1
    max_time_lost: Span = Field(26, description="lost customers at t = 0 were lost up to this "
                                "many periods ago")
    mean_tenure: float = Field(52.0, ge=0.0, le=2_000.0,
                               description="mean tenure (periods) of the active at t = 0")


class Scenario(Strict):
    """A complete scenario: the market, its firms, the horizon and the model parameters."""

    name: str = "scenario"
    description: str = ""
    horizon: int = Field(104, ge=1, le=MAX_PERIODS, description="periods simulated")
    period: Literal["day", "week", "month", "quarter", "year"] = Field(
        "week", description="what one period is; every per-period amount is per this unit")
    seed: int = Field(0, ge=0, le=2**63 - 1)
    market: Market
    firms: list[Firm] = Field(min_length=1, max_length=64)
    initial: Initial = Initial()
    params: Params = Params()
    events: list[Event] = Field(default_factory=list,
                                description="timeline of events (docs/ODD.md 7.19)")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ids = [f.id for f in self.firms]
        if len(set(ids)) != len(ids):
            raise ValueError(f"firm ids must be unique, got {ids}")
        unknown = sorted(set(self.market.initial) - set(ids))
        if unknown:
            raise ValueError(f"market.initial names unknown firms {unknown}; firms are {ids}")
        active = sum(s.active for s in self.market.initial.values())
        if active > 1.0 + 1e-9:
            raise ValueError(f"initial active shares sum to {active:g}, more than 1")
        for fid, s in self.market.initial.items():
            if s.active + s.lost > 1.0 + 1e-9:
                raise ValueError(f"market.initial.{fid}: active + lost must be at most 1")
        check_events(self)
        check_strategies(self)
        check_occasions(self)
        for k, text in enumerate(self.params.brands.windows or ()):
            try:
                parse_window(text, self.period, self.horizon)
            except ValueError as e:
                raise ValueError(f"params.brands.windows[{k}]: {e}") from None
        return self


def check_occasions(scenario: Any) -> None:
    """Purchase occasions (ODD 7.27) need a finite purchase rate: every need_prob below 1.

    Raises:
        LocatedError: At the first segment whose need_prob is 1.
    """
    if not scenario.params.occasions.enabled:
        return
    for k, seg in enumerate(scenario.market.segments):
        if seg.need_prob >= 1.0:
            raise LocatedError(("market", "segments", k, "need_prob"),
                               f"segment {seg.name!r}: need_prob 1 has no finite purchase "
                               "rate, and params.occasions counts the occasions of a Poisson "
                               "process with need_prob = 1 - exp(-rate); allowed: below 1 "
                               "(e.g. 0.99, a rate of 4.6 a period)")


def check_staff(firm: Any, i: int) -> None:
    """A staff_investment needs staff; a staffed firm's people service is not bought.

    Raises:
        LocatedError: At the offending strategy's field.
    """
    for j, s in enumerate(firm.strategies):
        if s.type == "staff_investment" and firm.staff is None:
            raise LocatedError(("firms", i, "strategies", j, "type"),
                               f"firm {firm.id!r}: a staff_investment strategy needs a staff "
                               "block on the firm (firms[].staff: headcount, norm, wage, ...)")
        if (s.type == "service_investment" and firm.staff is not None
                and s.spend.people > 0):
            raise LocatedError(("firms", i, "strategies", j, "spend", "people"),
                               f"firm {firm.id!r}: spend.people is {s.spend.people:g}, but the "
                               "people service of a firm with staff follows its staff (ODD "
                               "7.26); allowed: 0 (pay staff through type: staff_investment)")


def check_strategies(scenario: Any) -> None:
    """Cross-checks of strategy blocks against the rest of the scenario.

    Raises:
        ValueError: A pdca strategy without a service_investment strategy on the same firm,
            or a strategy naming an unknown segment; a ``LocatedError`` for a crisis
            response whose delay reaches beyond the horizon.
    """
    segments = [s.name for s in scenario.market.segments]
    unknown = [x for x in scenario.params.contacts.segment_levels if x not in segments]
    if unknown:
        raise ValueError(f"params.contacts.segment_levels: unknown segments {unknown}; "
                         f"segments are {segments}")
    for i, firm in enumerate(scenario.firms):
        for j, s in enumerate(firm.strategies):
            if s.type == "crisis_response" and s.delay >= scenario.horizon:
                raise LocatedError(("firms", i, "strategies", j, "delay"),
                                   f"firm {firm.id!r}, crisis_response: a delay of {s.delay} "
                                   f"{scenario.period}s answers after the run ends (horizon "
                                   f"{scenario.horizon}); allowed: 0..{scenario.horizon - 1}")
        types = [s.type for s in firm.strategies]
        if "referral_reward" in types and not scenario.params.referrals.enabled:
            raise ValueError(f"firm {firm.id!r}: a referral_reward strategy needs "
                             "params.referrals.enabled: true (the referral mechanism)")
        if "multi_level_contacts" in types and not scenario.params.contacts.enabled:
            raise ValueError(f"firm {firm.id!r}: a multi_level_contacts strategy needs "
                             "params.contacts.enabled: true (the contacts mechanism)")
        check_staff(firm, i)
        if "pdca" in types and "service_investment" not in types:
            raise ValueError(f"firm {firm.id!r}: a pdca strategy invests through a "
                             "service_investment strategy; add one to the same firm")
        for s in firm.strategies:
            unknown = [x for x in getattr(s, "segments", None) or [] if x not in segments]
            if unknown:
                raise ValueError(f"firm {firm.id!r}, {s.type}: unknown segments {unknown}; "
                                 f"segments are {segments}")
