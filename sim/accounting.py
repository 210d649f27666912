"""Firm accounting (ODD 7.8): revenue minus costs, every period, exactly, in real money.

With w real customers per agent (sim/scale.py) and n_served the real purchases (w times the
agents served; times their purchase occasions when those are counted, ODD 7.27):

revenue  = w * sum of prices paid by served agents
cost     = n_served (c_var + sum_d c_d s_fd) + fixed + promotion + relationship + investment
           + advertising + complaint handling + redress + loyalty programme + referral rewards
           + crisis compensation (type: crisis_response, ODD 7.24)
           + staff: wages, bonus, training and hiring (firms with staff, ODD 7.26)
           (fixed cost is not charged while the firm is closed: events firm_enter / firm_exit)
profit   = revenue - cost;  cash <- cash + profit
unit_margin = (revenue - n_served (c_var + sum_d c_d s_fd) - staff cost) / n_served
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .step import Books

if TYPE_CHECKING:
    from .firm import Firm

COST_COLUMNS = ("cost_variable", "cost_service", "cost_fixed", "cost_promotion",
                "cost_relationship", "cost_investment", "cost_advertising", "cost_complaints",
                "cost_redress", "cost_programme", "cost_referral", "crisis_cost", "cost_staff")
SPEND = {"cost_promotion": "promotion", "cost_relationship": "relationship",
         "cost_investment": "service", "cost_advertising": "advertising",
         "cost_complaints": "complaints", "cost_redress": "redress",
         "cost_programme": "programme", "cost_referral": "referral",
         "crisis_cost": "crisis", "cost_staff": "staff"}


def settle(firm: Firm, purchases: int, paid_by_agents: float) -> Books:
    """Book the period for ``firm``: its accounts in real money (cash and profit follow).

    Args:
        firm: The firm (its ``weight`` is real customers per agent).
        purchases: Purchases by agents this period: the agents served, or with purchase
            occasions (ODD 7.27) their occasions.
        paid_by_agents: Sum of the prices those agents paid (per purchase).
    """
    served = purchases * firm.weight
    revenue = paid_by_agents * firm.weight
    unit_service = firm.unit_service_cost()
    costs = {
        "cost_variable": served * firm.cfg.costs.variable,
        "cost_service": served * unit_service,
        "cost_fixed": firm.cfg.costs.fixed if firm.available else 0.0,
        **{col: firm.spent[cat] for col, cat in SPEND.items()},
    }
    cost_total = sum(costs.values())
    profit = revenue - cost_total
    firm.cash += profit
    firm.cumulative_profit += profit
    margin = ((revenue - costs["cost_variable"] - costs["cost_service"] - costs["cost_staff"])
              / served if served else 0.0)
    return Books(revenue=revenue, **costs, cost_total=cost_total, profit=profit,
                 cumulative_profit=firm.cumulative_profit, cash=firm.cash,
                 unit_margin=margin, unit_service_cost=unit_service,
                 avg_price_paid=revenue / served if served else 0.0)


def columns(books: Books) -> dict[str, float]:
    """The accounting columns of a trajectory row."""
    return dict(vars(books))  # a flat dataclass: a copy of its fields (asdict is slower)
