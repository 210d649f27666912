"""Firm accounting (ODD 7.8): revenue minus costs, every period, exactly, in real money.

With w real customers per agent (sim/scale.py) and n_served the real purchases (w times the
agents served):

revenue  = w * sum of prices paid by served agents
cost     = n_served (c_var + sum_d c_d s_fd) + fixed + promotion + relationship + investment
           + advertising + complaint handling + redress + loyalty programme
           (fixed cost is not charged while the firm is closed: events firm_enter / firm_exit)
profit   = revenue - cost;  cash <- cash + profit
unit_margin = (revenue - n_served (c_var + sum_d c_d s_fd)) / n_served
"""

from __future__ import annotations

COST_COLUMNS = ("cost_variable", "cost_service", "cost_fixed", "cost_promotion",
                "cost_relationship", "cost_investment", "cost_advertising", "cost_complaints",
                "cost_redress", "cost_programme")


def settle(firm, served_agents: int, paid_by_agents: float) -> dict:
    """Book the period for ``firm``; returns its accounting columns (real money).

    Args:
        firm: The firm (its ``weight`` is real customers per agent).
        served_agents: Agents served this period.
        paid_by_agents: Sum of the prices those agents paid.
    """
    served = served_agents * firm.weight
    revenue = paid_by_agents * firm.weight
    unit_service = firm.unit_service_cost()
    costs = {
        "cost_variable": served * firm.cfg.costs.variable,
        "cost_service": served * unit_service,
        "cost_fixed": firm.cfg.costs.fixed if firm.available else 0.0,
        "cost_promotion": firm.spent["promotion"],
        "cost_relationship": firm.spent["relationship"],
        "cost_investment": firm.spent["service"],
        "cost_advertising": firm.spent["advertising"],
        "cost_complaints": firm.spent["complaints"],
        "cost_redress": firm.spent["redress"],
        "cost_programme": firm.spent["programme"],
    }
    cost_total = sum(costs.values())
    profit = revenue - cost_total
    firm.cash += profit
    firm.cumulative_profit += profit
    margin = (revenue - costs["cost_variable"] - costs["cost_service"]) / served if served else 0.0
    return {"revenue": revenue, **costs, "cost_total": cost_total, "profit": profit,
            "cumulative_profit": firm.cumulative_profit, "cash": firm.cash,
            "unit_margin": margin, "unit_service_cost": unit_service,
            "avg_price_paid": revenue / served if served else 0.0}
