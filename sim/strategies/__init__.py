"""Firm strategies: one module per type, each a schema block and a small runtime class.

To add a type: write a module with a ``Config`` (``type: Literal["name"]``) and a
``Strategy`` subclass, and add the pair to ``REGISTRY`` below.
"""

from typing import Annotated, Any, TypeAlias

from pydantic import Field

from . import (
    advertising,
    budget,
    complaint_handling,
    contacts,
    crisis,
    loyalty_programme,
    pdca,
    price_promotion,
    referral,
    relationship,
    service,
    staff,
)
from .base import Strategy

REGISTRY = {
    "price_promotion": (price_promotion.Config, price_promotion.PricePromotion),
    "relationship_investment": (relationship.Config, relationship.RelationshipInvestment),
    "service_investment": (service.Config, service.ServiceInvestment),
    "budget_rule": (budget.Config, budget.BudgetRule),
    "complaint_handling": (complaint_handling.Config, complaint_handling.ComplaintHandling),
    "advertising": (advertising.Config, advertising.Advertising),
    "loyalty_programme": (loyalty_programme.Config, loyalty_programme.LoyaltyProgramme),
    "pdca": (pdca.Config, pdca.Pdca),
    "referral_reward": (referral.Config, referral.ReferralReward),
    "crisis_response": (crisis.Config, crisis.CrisisResponse),
    "multi_level_contacts": (contacts.Config, contacts.MultiLevelContacts),
    "staff_investment": (staff.Config, staff.StaffInvestment),
}

# one entry per type of REGISTRY (a test checks they agree)
StrategyConfig: TypeAlias = Annotated[
    price_promotion.Config | relationship.Config | service.Config | budget.Config
    | complaint_handling.Config | advertising.Config | loyalty_programme.Config | pdca.Config
    | referral.Config | crisis.Config | contacts.Config | staff.Config,
    Field(discriminator="type"),
]


def build(cfg: Any) -> Strategy[Any]:
    """Make the runtime strategy for a validated config block."""
    return REGISTRY[cfg.type][1](cfg)


__all__ = ["REGISTRY", "StrategyConfig", "Strategy", "build"]
