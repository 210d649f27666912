"""Dick & Basu loyalty types (ODD 7.16): relative attitude x repeat patronage.

For customer i and firm f, at the end of every period:

    a_if   = (E_if + S_if + T_if + A_if) / 4                 attitude (expected quality,
                                                             satisfaction, trust, affective
                                                             commitment; no price, no lock-in)
    ra_if  = a_if - max(a_0, max_{g != f, g open} a_ig)      relative attitude vs the best
                                                             alternative (a_0: outside option)
    v_if  <- v_if + m ([served by f] - v_if)                 repeat patronage: visit share,
                                                             smoothed over purchase occasions

High attitude: ra_if >= attitude_threshold; high patronage: v_if >= patronage_threshold.
true = high/high, spurious = low attitude/high patronage, latent = high attitude/low
patronage, none = low/low. The firm's active customers are counted by type
(``loyal_*``), and so are its losses of the period by the type the customer held at the start
of the period (``lost_loyal_*``). State: v (float16) and the type (int8) per customer and firm.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .config import Block
from .constants import ACTIVE, LOST
from .step import Books, Choices, Mechanism, Phase, Tally, Visit, World


class LoyaltyTypeParams(Block):
    """Dick & Basu loyalty types (ODD 7.16): relative attitude x repeat patronage."""

    enabled: bool = Field(True, description="classify customers every period")
    attitude_threshold: float = Field(
        0.0, ge=-1.0, le=1.0,
        description="relative attitude (own minus best alternative) at or above which it is high")
    patronage_threshold: float = Field(
        0.5, ge=0.0, le=1.0, description="smoothed visit share at or above which it is high")
    patronage_memory: float = Field(
        0.2, gt=0.0, le=1.0,
        description="weight of the latest purchase occasion in the smoothed visit share")
    reference_attitude: float = Field(
        0.45, ge=0.0, le=1.0,
        description="attitude toward the outside option (not buying / another venue)")


F32 = np.float32
TYPES = ("true", "spurious", "latent", "none")
TRUE, SPURIOUS, LATENT, NONE = range(4)
COLUMNS = (*(f"loyal_{k}" for k in TYPES), *(f"lost_loyal_{k}" for k in TYPES))


class LoyaltyTypes(Mechanism):
    """Visit shares and loyalty types of every customer-firm pair (``params.loyalty_types``).

    Attributes:
        visit_share: (F, N) smoothed share of purchase occasions spent at each firm.
        kind: (F, N) loyalty type (true, spurious, latent, none).
        was_active: (F, N) who was active at the start of the period.
    """

    key = "loyalty_types"
    arrays = ("visit_share", "kind", "was_active")
    phases = (Phase.START, Phase.AFTER_LOSSES, Phase.RECYCLED, Phase.ROW)
    columns = COLUMNS
    counts = COLUMNS
    defaults = dict.fromkeys(COLUMNS, float("nan"))

    def __init__(self, world: World):
        super().__init__(world)
        c = world.customers
        shape = (c.n_firms, c.n)
        self.visit_share = np.zeros(shape, np.float16)
        self.kind = np.full(shape, NONE, np.int8)
        self.was_active = np.zeros(shape, bool)
        self._att: np.ndarray | None = None  # this period's attitudes (in ``_buffer``)
        self._attitude_t = -1
        self._buffer = np.empty(shape, F32)  # reused every period: no fresh (F, N) array
        self._best = np.empty(c.n, F32)
        for f in range(c.n_firms):
            self.visit_share[f] = c.status[f] == ACTIVE
        self._classify_all()
        self._att, self._attitude_t = None, -1

    def start(self) -> None:
        """Remember who is active at the start of the period (to type its losses)."""
        np.equal(self.world.customers.status, ACTIVE, out=self.was_active)

    def after_losses(self, choices: Choices, visits: list[Visit]) -> None:
        """Move visit shares of customers with a need toward where they were served."""
        self._att, self._attitude_t = None, -1
        idx = choices.idx
        if idx.size == 0:
            return None
        m = F32(self.world.params.loyalty_types.patronage_memory)
        hit = np.empty(idx.size, F32)
        for visit in visits:
            bits = self.visit_share[visit.firm].view(np.uint16)  # (N,) row: faster than (f, idx)
            share = WIDE[bits[idx]]
            hit.fill(0)
            hit[visit.pos] = 1
            hit -= share
            hit *= m
            share += hit
            bits[idx] = narrow(share)
        return None

    def recycled(self, ids: np.ndarray) -> None:
        """Newcomers in recycled places start with no history."""
        self.visit_share[:, ids] = 0
        self.kind[:, ids] = NONE

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """This period's ``loyal_*`` and ``lost_loyal_*`` counts for firm ``f``."""
        c = self.world.customers
        lost = self._lost_types(f, tally.losses.ids)
        low_att, low_rep = self._classify(f)
        have = _count_types(low_att, low_rep, c.status[f] == ACTIVE)
        out = {f"loyal_{k}": float(n) for k, n in zip(TYPES, have)}
        out.update({f"lost_loyal_{k}": float(n) for k, n in zip(TYPES, lost)})
        return out

    def _lost_types(self, f: int, lost: np.ndarray) -> np.ndarray:
        """Types (as at the start of the period) of firm ``f``'s customers lost in it.

        Those lost this period (``lost``, as the period's ``Losses`` recorded them) who are
        still lost, lost now and were active at its start: their types counted, instead of
        masks over every customer for each type.
        """
        c, t = self.world.customers, self.world.t
        ids = lost[(c.status[f][lost] == LOST) & (c.lost_since[f][lost] == t)
                   & self.was_active[f][lost]]
        return np.bincount(self.kind[f][ids], minlength=len(TYPES))

    def _classify_all(self) -> None:
        for f in range(self.world.customers.n_firms):
            self._classify(f)

    def _classify(self, f: int) -> tuple[np.ndarray, np.ndarray]:
        """Recompute firm ``f``'s column of types from attitudes and visit shares.

        Returns:
            (low relative attitude, low repeat patronage), per customer.
        """
        p = self.world.params.loyalty_types
        att = self._attitudes()
        best = self._best
        others = [att[g] for g, firm in enumerate(self.world.firms)
                  if g != f and getattr(firm, "available", True)]
        if others:  # max(a_0, a_g, ...): the max is exact, so in any order
            np.maximum(others[0], F32(p.reference_attitude), out=best)
            for other in others[1:]:
                np.maximum(best, other, out=best)
        else:
            best.fill(F32(p.reference_attitude))
        np.subtract(att[f], best, out=best)
        low_att = best < F32(p.attitude_threshold)
        # visit shares are >= 0, so float16 order is the order of their bit patterns
        low_rep = self.visit_share[f].view(np.uint16) < _bits(p.patronage_threshold)
        kind = self.kind[f]
        # true 0, spurious 1 (low attitude), latent 2, none 3: low_rep + low_rep + low_att, on
        # the booleans' int8 views (a bool-to-int8 add casts, an int8 shift is not vectorised:
        # both several times slower)
        rep = low_rep.view(np.int8)
        np.add(rep, rep, out=kind)
        kind += low_att.view(np.int8)
        return low_att, low_rep

    def _attitudes(self) -> np.ndarray:
        """a_if for every firm and customer, computed once per period."""
        t = self.world.t
        if self._attitude_t != t or self._att is None:
            c = self.world.customers
            att = np.add(c.satisfaction, c.trust, out=self._buffer)
            att += c.affective
            att += c.expectation
            att *= F32(1 / 4)
            self._att, self._attitude_t = att, t
        return self._att


# float16 <-> float32 casts are slow in numpy (some 2 and 3 ns a value, not vectorised): visit
# shares are widened through a table of the 65,536 float16 values and narrowed by ``narrow``,
# the same values as ``astype`` gives
WIDE = np.arange(1 << 16).astype(np.uint16).view(np.float16).astype(F32)
U32 = np.uint32


def narrow(x: np.ndarray) -> np.ndarray:
    """Bits of ``x.astype(np.float16)`` (round to nearest even) for finite ``x`` >= 0.

    Float16 normals: the float32 bits rounded at bit 13 and re-biased; below 2 ** -14 (float16
    subnormals and 0) x 2 ** 24 rounded to the nearest even integer (exact in float32). Checked
    equal to ``astype`` for every float32 in [0, 2] (tests/test_loyalty_types.py samples it).
    """
    bits = x.view(U32)
    out = bits + U32(0x0FFF)
    out += (bits >> U32(13)) & U32(1)
    out >>= U32(13)
    out -= U32(112 << 10)  # wraps below 2 ** -14, where the next line replaces it
    small = np.flatnonzero(bits < U32(113 << 23))
    if small.size:
        out[small] = np.rint(x[small] * F32(2.0 ** 24)).astype(U32)
    return out.astype(np.uint16)


def _bits(x: float) -> np.ndarray:
    """Bit pattern of ``x`` as float16 (for fast comparisons of non-negative float16)."""
    return np.array(x, np.float16).view(np.uint16)


def _count_types(low_att: np.ndarray, low_rep: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Number of customers of each type among ``mask``, from the two halves of the type.

    With a = |mask|, b = |mask & low att|, r = |mask & low rep|, d = |mask & both|: true
    a - b - r + d, spurious b - d, latent r - d, none d (three ands instead of a compare and
    an and per type).
    """
    a = np.count_nonzero(mask)
    both = mask & low_att
    b = np.count_nonzero(both)
    both &= low_rep
    d = np.count_nonzero(both)
    np.logical_and(mask, low_rep, out=both)
    r = np.count_nonzero(both)
    return np.array([a - b - r + d, b - d, r - d, d])
