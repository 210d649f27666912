"""Hooks of the customer-lifecycle mechanisms into the step (sim/model.py).

Events (sim/events.py), Dick & Basu loyalty types (sim/loyalty_types.py), market turnover
(sim/turnover.py), cohorts and CLV (sim/cohorts.py) and the loyalty programme and PDCA
counters (sim/strategies/) each keep their own state; this module calls them at the right
point of the period:

    start of period     -> events due now
    firm f serves       -> visit record, value per customer, programme (points, perks)
    after churn         -> visit shares; involuntary exits and newcomers; event losses
    trajectory row      -> their columns
"""

from __future__ import annotations

from .cohorts import COLUMNS as COHORT_COLUMNS
from .cohorts import Cohorts
from .events import Timeline
from .loyalty_types import COLUMNS as LOYALTY_COLUMNS
from .loyalty_types import LoyaltyTypes
from .turnover import COLUMNS as TURNOVER_COLUMNS
from .turnover import Turnover, add_counts

PROGRAMME_COLUMNS = ("members", "member_revenue_share", "surveys", "pdca_dimension")
COLUMNS = (*PROGRAMME_COLUMNS, *LOYALTY_COLUMNS, *COHORT_COLUMNS, *TURNOVER_COLUMNS, "events")


def init(model) -> None:
    """Build the mechanisms' state (after firms and customers exist)."""
    model.events = Timeline(model)
    model.turnover = Turnover(model)
    model.loyalty = LoyaltyTypes(model)
    model.cohorts = Cohorts(model)
    model._served_pos = {}


def start_step(model) -> None:
    """Apply the events due at the start of this period."""
    model._served_pos = {}
    model.events.apply()
    model.loyalty.start()


def after_serve(model, firm, pos, ids, paid) -> None:
    """Firm ``firm`` served ``ids`` (positions ``pos`` among those with a need) at ``paid``."""
    model._served_pos[firm.index] = pos
    model.cohorts.record(firm, ids, paid)
    firm.served(ids, paid)


def after_losses(model, idx, rows) -> None:
    """Update visit shares; add involuntary exits and event losses to the firms' rows."""
    model.loyalty.record(idx, [model._served_pos.get(f, idx[:0]) for f in range(len(rows))])
    for row, extra in zip(rows, model.turnover.step()):
        add_counts(row, extra)
    for row, extra in zip(rows, model.events.losses()):
        add_counts(row, extra)


def columns(model, firm, row) -> dict:
    """This period's lifecycle columns for ``firm`` (needs the accounting columns in ``row``)."""
    f = firm.index
    k = firm.counters
    revenue = row.get("revenue", 0.0)
    out = {"members": k.get("members", 0),
           "member_revenue_share": (k.get("member_revenue", 0.0) * firm.weight / revenue
                                    if revenue else 0.0),
           "surveys": k.get("surveys", 0), "pdca_dimension": k.get("pdca_dimension", 0) - 1}
    out.update(model.loyalty.row(f))
    out.update(model.cohorts.row(firm, row))
    out.update(model.turnover.row())
    out.update(model.events.row(f))
    return out
