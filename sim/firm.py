"""Firm agents: a hotel (or any service firm) with a price, service levels, costs and strategies."""

from __future__ import annotations

from collections import defaultdict

import mesa
import numpy as np

from .constants import DIMENSIONS
from .scale import to_agents
from .strategies import build

BUDGETS = ("service", "relationship", "promotion")


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
        budget_scale: Share of each discretionary budget the firm currently allows.
        cash: Money in hand; profit adds to it every period.
        metrics: Last period's outputs (one row of trajectories.csv).
    """

    def __init__(self, model: mesa.Model, cfg, index: int):
        super().__init__(model)
        self.cfg, self.index, self.fid = cfg, index, cfg.id
        self.name = cfg.name or cfg.id
        self.price = float(cfg.price)
        self.service = np.array([getattr(cfg.service, d) for d in DIMENSIONS], dtype=float)
        self.capacity = cfg.capacity  # purchases per period in the real market
        self.weight = model.weight  # real customers per agent (sim/scale.py)
        self.cash = float(cfg.cash)
        self.general_discount = 0.0
        self.offer_discount = 0.0
        self.available = True  # closed before firm_enter / after firm_exit (sim/events.py)
        self.price_factor = None  # member prices of a loyalty programme: idx -> factor
        self.budget_scale = dict.fromkeys(BUDGETS, 1.0)
        # budget rules act first so their cuts apply to this period's spend
        self.strategies = sorted((build(s) for s in cfg.strategies),
                                 key=lambda s: s.category is not None)
        self.cumulative_profit = 0.0
        self.metrics: dict = {}
        self.spent: dict = defaultdict(float)
        self.counters: dict = defaultdict(int)

    def spend(self, category: str, amount: float) -> None:
        """Record discretionary spend this period (promotion, relationship, service, ...)."""
        self.spent[category] += amount

    def spend_on(self, category: str, agents: int, unit_cost: float) -> None:
        """Record ``unit_cost`` spent on each real customer that ``agents`` agents stand for."""
        self.spent[category] += agents * self.weight * unit_cost

    def agents(self, amount: float) -> int:
        """Agents standing for ``amount`` real customers (unbiased rounding, sim/scale.py)."""
        return to_agents(amount, self.weight, self.model.rng)

    def count(self, name: str, n: int) -> None:
        """Add to a per-period counter (offers sent, contacts made, ...)."""
        self.counters[name] += n

    def unit_service_cost(self) -> float:
        """Service cost per served customer: sum_d c_d s_fd (rises with the service level)."""
        c = self.cfg.costs.service
        return float(sum(getattr(c, d) * s for d, s in zip(DIMENSIONS, self.service)))

    def act(self) -> None:
        """Run this period's strategies (budget rules first)."""
        self.spent.clear()
        self.counters.clear()
        if not self.available:
            return
        for strategy in self.strategies:
            strategy.act(self, self.model)

    def served(self, ids, paid) -> None:
        """Tell strategies that follow purchases (e.g. a loyalty programme) who bought what."""
        for strategy in self.strategies:
            hook = getattr(strategy, "on_served", None)
            if hook is not None:
                hook(self, self.model, ids, paid)
