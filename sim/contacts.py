"""Contacts at several levels (ODD 7.25): a business customer's relationship held by people.

A customer is an organisation; firm f knows k_if >= 1 of its people (``levels``; 1 = one
contact person, e.g. the purchasing manager). At the start of each period each known contact
of a customer active at f changes job with probability ``change_rate``: m_if ~ Binomial(k_if,
change_rate). The social and psychological bonds, and the affective commitment, that the
leaving contacts carried leave with them, each contact carrying an equal share 1/k_if:

    B_if <- B_if (1 - m_if / k_if)             for B in (social, psychological)
    A_if <- A_if (1 - affective_loss m_if / k_if)

so a firm that knew one contact loses all of them, one that knew k loses 1/k per change.
The successor takes the seat (k_if is unchanged) but starts without a bond.

Levels start at ``levels`` (or ``segment_levels`` for a segment). A firm's
``multi_level_contacts`` strategy (sim/strategies/contacts.py) builds them: each period a
covered active customer below the target gains up to ``build_per_period`` levels; levels above
the starting one last only while paid for (they fall back when the plan ends, the budget is
cut or the customer is no longer active). Each level above the starting one costs
``cost_per_level`` per active customer and period, booked as relationship spend
(``cost_relationship``) and shown in ``contact_levels_spend``.

Columns: ``contact_changes`` (contacts who changed job), ``lost_after_contact_change``
(customers lost in the ``after_window`` periods starting with a change, the period of the
change included), ``contact_levels`` (mean k_if of the active customers),
``contact_levels_spend``.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from .config import MAX_SPAN, Block, Unit
from .constants import ACTIVE, BOND_INDEX, LOST
from .step import Books, Mechanism, Phase, Tally, World

F32 = np.float32
MAX_LEVELS = 10
NO_CHANGE = -20_000  # changed_t of a customer whose contacts never changed (int16)
SOCIAL, PSY = BOND_INDEX["social"], BOND_INDEX["psychological"]
Level = Annotated[int, Field(ge=1, le=MAX_LEVELS)]


class ContactParams(Block):
    """Contacts at several levels (ODD 7.25), ``params.contacts``."""

    enabled: bool = Field(False, description="business customers are known through contact "
                                             "persons who change job")
    change_rate: Unit = Field(0.05, description="chance a contact person changes job (leaves "
                                                "the customer's relationship) per period")
    after_window: int = Field(4, ge=1, le=MAX_SPAN,
                              description="periods, the period of a change included, in which "
                                          "a loss counts as lost after a contact change")
    levels: Level = Field(1, description="contact persons the firm knows at each customer at "
                                         "the start (1 = one contact person)")
    segment_levels: dict[str, Level] = Field(
        default_factory=dict, description="starting levels by segment name (others: levels)")
    affective_loss: Unit = Field(1.0, description="share of a leaving contact's part of the "
                                                  "affective commitment that leaves with them")
    break_trust_loss: Unit = Field(0.5, description="share of the customer's trust lost when "
                                                    "every contact the firm knew left in the "
                                                    "same period (the relationship breaks)")


class Contacts(Mechanism):
    """The contact persons each firm knows at each customer, and their job changes.

    Attributes:
        levels: (F, N) uint8, contact persons firm f knows at customer i.
        changed_t: (F, N) int16, the period of the customer's latest contact change.
        base: Per segment, the starting levels.
        changes: Per firm, contacts who changed job this period.
        spend: Per firm, this period's cost of levels above the starting ones (money).
    """

    key = "contacts"
    arrays = ("levels", "changed_t")
    phases = (Phase.START, Phase.BEFORE_LOSSES, Phase.RECYCLED, Phase.ROW)
    columns = ("contact_changes", "lost_after_contact_change", "contact_levels",
               "contact_levels_spend")
    counts = ("contact_changes", "lost_after_contact_change")
    defaults = {"contact_changes": 0.0, "lost_after_contact_change": 0.0,
                "contact_levels": float("nan"), "contact_levels_spend": 0.0}

    def __init__(self, world: World):
        super().__init__(world)
        c, p = world.customers, world.params.contacts
        self.base = np.array([p.segment_levels.get(s, p.levels) for s in c.segment_names],
                             np.uint8)
        self.levels = np.repeat(self.base[c.segment][None, :], c.n_firms, axis=0)
        self.changed_t = np.full((c.n_firms, c.n), NO_CHANGE, np.int16)
        self.changes = np.zeros(c.n_firms, np.int64)
        self.spend = np.zeros(c.n_firms)

    def start(self) -> None:
        """Contacts of active customers change job; the bonds they carried leave with them."""
        w = self.world
        c, p = w.customers, w.params.contacts
        self.changes[:] = 0
        self.spend[:] = 0.0
        for f in range(c.n_firms):
            ids = np.flatnonzero(c.status[f] == ACTIVE)
            k = self.levels[f, ids]
            m = w.rng.binomial(k, p.change_rate)
            hit = m > 0
            ids, share = ids[hit], (m[hit] / k[hit]).astype(F32)
            self.changes[f] = int(m.sum())
            if ids.size == 0:
                continue
            b = c.bonds[f]
            b[SOCIAL, ids] *= 1 - share
            b[PSY, ids] *= 1 - share
            c.affective[f, ids] *= 1 - F32(p.affective_loss) * share
            broken = ids[share >= 1]
            c.trust[f, broken] *= F32(1 - p.break_trust_loss)
            self.changed_t[f, ids] = w.t

    def before_losses(self) -> None:
        """Build or drop levels toward each firm's plan; book the levels paid for."""
        w = self.world
        c = w.customers
        base = self.base[c.segment]
        for f, firm in enumerate(w.firms):
            plan = firm.contact_plan
            active = c.status[f] == ACTIVE
            covered = active & (plan.levels > 0)
            if plan.segments is not None:
                covered &= np.isin(c.segment, plan.segments)
            target = np.where(covered, np.maximum(base, plan.levels), base).astype(np.uint8)
            lv = self.levels[f]
            grown = np.minimum(lv.astype(np.int16) + plan.build_per_period, target)
            self.levels[f] = np.where(lv < target, grown, target).astype(np.uint8)
            extra = int((self.levels[f][covered].astype(np.int64) - base[covered]).sum())
            self.spend[f] = extra * w.weight * plan.cost_per_level
            firm.spent["relationship"] += self.spend[f]

    def recycled(self, ids: np.ndarray) -> None:
        """Newcomers in recycled places start at their segment's levels, with no change."""
        self.levels[:, ids] = self.base[self.world.customers.segment[ids]]
        self.changed_t[:, ids] = NO_CHANGE

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """Contact changes, losses that followed them, mean levels and their spend at ``f``."""
        c, t = self.world.customers, self.world.t
        window = self.world.params.contacts.after_window
        lost_now = (c.status[f] == LOST) & (c.lost_since[f] == t)
        after = lost_now & (self.changed_t[f] > t - window)
        active = c.status[f] == ACTIVE
        n = np.count_nonzero(active)
        mean = float(self.levels[f][active].mean(dtype=np.float64)) if n else float("nan")
        return {"contact_changes": float(self.changes[f]),
                "lost_after_contact_change": float(np.count_nonzero(after)),
                "contact_levels": mean, "contact_levels_spend": float(self.spend[f])}
