"""Codes shared by the model's arrays, outputs and documentation (see docs/ODD.md)."""

NEVER, ACTIVE, LOST = 0, 1, 2
STATUS_NAMES = ("never", "active", "lost")

DIMENSIONS = ("value", "system", "people")

BONDS = (
    "legal", "economic", "technical", "geographic", "time",
    "knowledge", "social", "cultural", "values", "psychological",
)
BOND_INDEX = {name: k for k, name in enumerate(BONDS)}
STRUCTURAL_BONDS = ("legal", "economic", "technical", "geographic", "time")
GROWN_BONDS = ("knowledge", "social", "psychological")
FIT_BONDS = ("cultural", "values")
AFFECTIVE_BONDS = ("knowledge", "social", "psychological", "cultural", "values")

# How a customer was (re)acquired by a firm.
CHANNELS = ("initial", "new", "price", "relationship", "returned")
CH_INITIAL, CH_NEW, CH_PRICE, CH_RELATIONSHIP, CH_RETURNED = range(5)

# Offers in force for a customer at a firm.
OFFER_NONE, OFFER_PRICE, OFFER_RELATIONSHIP = 0, 1, 2

# Incidents remembered per customer and firm (they give churn its reason).
INCIDENTS = ("none", "core_failure", "encounter_failure", "inconvenience", "response_to_failure",
             "ethical")
INC_NONE, INC_CORE, INC_ENCOUNTER, INC_INCONVENIENCE, INC_RESPONSE, INC_ETHICAL = range(6)

# Keaveney's switching reasons; each loss is counted under exactly one.
REASONS = (
    "price", "core_failure", "encounter_failure", "inconvenience",
    "response_to_failure", "competition", "ethical", "involuntary",
)

# A customer's latest complaint to a firm (sim/complaints.py).
COMPLAINT_STATES = ("none", "pending", "resolved_fast", "resolved", "unresolved")
CP_NONE, CP_PENDING, CP_FAST, CP_RESOLVED, CP_UNRESOLVED = range(5)
