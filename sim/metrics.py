"""The columns of trajectories.csv, one row per period and firm (defined in docs/ODD.md 2.4)."""

from .accounting import COST_COLUMNS
from .constants import REASONS
from .lifecycle import COLUMNS as LIFECYCLE_COLUMNS
from .loyalty_types import COLUMNS as LOYALTY_COUNTS
from .turnover import COLUMNS as TURNOVER_COUNTS

COLUMNS = (
    "period", "firm", "customers_active", "customers_lost", "active_start", "lost_pool_start",
    "new_customers", "lost", "won_back", "won_back_price", "won_back_relationship",
    "retention_rate", "churn_rate", "winback_rate", "market_share",
    "demand", "served", "turned_away", "failures", "quality_mean",
    "revenue", *COST_COLUMNS, "cost_total", "profit", "cumulative_profit", "cash",
    "unit_margin", "unit_service_cost", "avg_price_paid",
    "satisfaction_mean", "trust_mean",
    "price", "general_discount", "service_value", "service_system", "service_people",
    "service_mean", "budget_service", "budget_relationship", "budget_promotion",
    "offers_price", "contacts", "contacts_accepted", "budget_cuts",
    "active_won_price", "active_won_relationship", "lost_won_price", "lost_won_relationship",
    "tenure_lost_won_price", "tenure_lost_won_relationship",
    *(f"lost_{r}" for r in REASONS),
    # social mechanisms (sim/social.py, ODD 7.10-7.13)
    "complaints", "complaints_resolved", "complaints_resolved_fast", "complaints_unresolved",
    "complaints_pending", "wom_positive", "wom_negative", "lost_contagion", "ads_reached",
    "aware_share", "nps",
    # customer lifecycle (sim/lifecycle.py): programme, PDCA, loyalty types, CLV, turnover, events
    *LIFECYCLE_COLUMNS,
)

# Columns that count customers, purchases or messages. The model counts agents; the outputs
# give the real market's numbers: the agent count times the weight (population / agents).
COUNT_COLUMNS = (
    "customers_active", "customers_lost", "active_start", "lost_pool_start",
    "new_customers", "lost", "won_back", "won_back_price", "won_back_relationship",
    "demand", "served", "turned_away", "failures",
    "offers_price", "contacts", "contacts_accepted",
    "active_won_price", "active_won_relationship", "lost_won_price", "lost_won_relationship",
    "tenure_lost_won_price", "tenure_lost_won_relationship",
    *(f"lost_{r}" for r in REASONS),
    "complaints", "complaints_resolved", "complaints_resolved_fast", "complaints_unresolved",
    "complaints_pending", "wom_positive", "wom_negative", "lost_contagion", "ads_reached",
    "members", "surveys", *LOYALTY_COUNTS, *TURNOVER_COUNTS,
)
