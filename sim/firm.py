"""Firm agents: a hotel (or any service firm) with a price, service levels, costs and strategies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from .constants import BONDS, DIMENSIONS
from .scale import to_agents
from .strategies import build
from .strategies.levers import (
    BUDGETS,
    Activity,
    ContactPlan,
    LastPeriod,
    Levers,
    Referral,
    StaffPlan,
)

if TYPE_CHECKING:
    from .step import Crisis, World


class Firm(mesa.Agent):
    """A competing firm.

    Attributes:
        fid: The id from the scenario (e.g. "nanyuan").
        index: Position of the firm in the customers' (F, N) arrays.
        price: List price per purchase.
        service: Service levels on value / system / people, each in [0, 1].
        capacity: Purchases the firm can serve per period, in the real market.
        weight: Real customers each agent stands for (population / agents).
        general_discount: Share off the list price for everyone this period.
        offer_discount: Share off the list price for holders of a price offer.
        member_prices: A loyalty programme's member prices: ids -> price factor (or None).
        service_extra: Spend per period added to the service plan per dimension (PDCA).
        budget_scale: Share of each discretionary budget the firm currently allows.
        bond_levels: The structural and fit bonds it offers newcomers (events change them).
        complaint_desk: Its complaint desk, when the complaints mechanism is on.
        referral: Its referral reward (none by default).
        contact_plan: Its plan of contact levels at business customers (none by default).
        people_by_staff: Whether its people service follows its staff (a ``staff`` block).
        staff_plan: This period's bonus and training per staff member (staff_investment).
        crises: Crises events caused at it (sim/events.py writes them; read-only to strategies).
        wom_dampening: Factor on the chance its dissatisfied customers warn (crisis response).
        available: False while closed (events firm_enter / firm_exit).
        cash: Money in hand; profit adds to it every period.
        last: Last period's served customers and unit margin.
        activity: This period's strategy activity counts.
        metrics: Last period's outputs (one row of trajectories.csv).
    """

    def __init__(self, model: mesa.Model, cfg: Any, index: int):
        super().__init__(model)
        self.cfg, self.index, self.fid = cfg, index, cfg.id
        self.name = cfg.name or cfg.id
        self.price = float(cfg.price)
        self.service = np.array([getattr(cfg.service, d) for d in DIMENSIONS], dtype=float)
        self.capacity = cfg.capacity
        self.weight: float = model.weight
        self.cash = float(cfg.cash)
        self.general_discount = 0.0
        self.offer_discount = 0.0
        self.member_prices: Callable[[np.ndarray], np.ndarray] | None = None
        self.service_extra = np.zeros(len(DIMENSIONS))
        self.available = True
        self.budget_scale = dict.fromkeys(BUDGETS, 1.0)
        self.bond_levels = np.array([getattr(cfg.bonds, b) for b in BONDS], np.float32)
        self.complaint_desk: Any = None
        self.referral = Referral()
        self.contact_plan = ContactPlan()
        self.people_by_staff = cfg.staff is not None
        self.staff_plan = StaffPlan()
        self.crises: list[Crisis] = []
        self.wom_dampening = 1.0
        # budget rules act first so their cuts apply to this period's spend
        self.strategies = sorted((build(s) for s in cfg.strategies),
                                 key=lambda s: s.category is not None)
        self.cumulative_profit = 0.0
        self.last = LastPeriod()
        self.activity = Activity()
        self.metrics: dict[str, float] = {}
        self.spent: defaultdict[str, float] = defaultdict(float)
        self.levers: Levers | None = None

    def agents(self, amount: float) -> int:
        """Agents standing for ``amount`` real customers (unbiased rounding, sim/scale.py)."""
        return to_agents(amount, self.weight, self.model.rng)

    def unit_service_cost(self) -> float:
        """Service cost per served customer: sum_d c_d s_fd (rises with the service level)."""
        c = self.cfg.costs.service
        return float(sum(getattr(c, d) * s for d, s in zip(DIMENSIONS, self.service)))

    def act(self, world: World) -> None:
        """Run this period's strategies (budget rules first) through the firm's levers."""
        self.spent.clear()
        self.activity.clear()
        self.wom_dampening = 1.0  # a crisis response sets it again while in force
        if not self.available:
            return
        if self.levers is None:
            self.levers = Levers(self, world)
        for strategy in self.strategies:
            strategy.act(self.levers)

    def served(self, ids: np.ndarray, paid: np.ndarray) -> None:
        """Tell strategies that follow purchases (e.g. a loyalty programme) who bought what."""
        if self.levers is None:
            return
        for strategy in self.strategies:
            strategy.on_served(self.levers, ids, paid)
