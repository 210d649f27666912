"""The columns of trajectories.csv, one row per period and firm (defined in docs/ODD.md 2.4).

The order is fixed here; each optional mechanism declares the columns it writes (and which of
them count customers) in its ``Mechanism`` class, and a test checks they are all listed.
"""

from .accounting import COST_COLUMNS
from .constants import REASONS

LOYALTY_TYPES = ("true", "spurious", "latent", "none")

COLUMNS = (
    "period", "firm", "customers_active", "customers_lost", "active_start", "lost_pool_start",
    "new_customers", "lost", "won_back", "won_back_price", "won_back_relationship",
    "retention_rate", "churn_rate", "winback_rate", "market_share",
    "demand", "served", "transactions", "turned_away", "failures", "quality_mean",
    "revenue", *COST_COLUMNS, "cost_total", "profit", "cumulative_profit", "cash",
    "unit_margin", "unit_service_cost", "avg_price_paid",
    "satisfaction_mean", "trust_mean",
    "price", "general_discount", "service_value", "service_system", "service_people",
    "service_mean", "budget_service", "budget_relationship", "budget_promotion",
    "offers_price", "contacts", "contacts_accepted", "budget_cuts",
    "active_won_price", "active_won_relationship", "lost_won_price", "lost_won_relationship",
    "tenure_lost_won_price", "tenure_lost_won_relationship",
    *(f"lost_{r}" for r in REASONS),
    # social mechanisms (ODD 7.10-7.13)
    "complaints", "complaints_resolved", "complaints_resolved_fast", "complaints_unresolved",
    "complaints_pending", "wom_positive", "wom_negative", "lost_contagion", "ads_reached",
    "aware_share", "nps", "referrals", "referrals_converted",
    # crisis response (ODD 7.24)
    "crisis_reached",
    # programme and PDCA activity, loyalty types, CLV, turnover, events (ODD 7.14-7.19)
    "members", "member_revenue_share", "surveys", "pdca_dimension",
    *(f"loyal_{k}" for k in LOYALTY_TYPES), *(f"lost_loyal_{k}" for k in LOYALTY_TYPES),
    "clv_mean", "clv_realised", "exited", "entered", "out_of_market", "events",
    # staggered acquisition and dropout (ODD 7.21-7.22)
    "arrived", "dropped_out",
    # share of wallet (ODD 7.23)
    "share_of_wallet",
    # contacts at several levels (ODD 7.25)
    "contact_changes", "lost_after_contact_change", "contact_levels", "contact_levels_spend",
    # staff and the service-profit chain (ODD 7.26)
    "staff", "staff_satisfaction", "staff_experience", "staff_quits", "staff_hires",
    "staff_pay",
)

# The core's columns that count customers, purchases or contacts. The model counts agents; the
# outputs give the real market's numbers: the agent count times the weight (ODD 2.3). Each
# mechanism lists its own count columns (``Mechanism.counts``).
CORE_COUNTS = (
    "customers_active", "customers_lost", "active_start", "lost_pool_start",
    "new_customers", "lost", "won_back", "won_back_price", "won_back_relationship",
    "demand", "served", "transactions", "turned_away", "failures",
    "offers_price", "contacts", "contacts_accepted", "ads_reached", "members", "surveys",
    "crisis_reached",
    "active_won_price", "active_won_relationship", "lost_won_price", "lost_won_relationship",
    "tenure_lost_won_price", "tenure_lost_won_relationship",
    *(f"lost_{r}" for r in REASONS),
)
