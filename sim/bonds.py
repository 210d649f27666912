"""Bonds and commitment (ODD 7.4).

Grown bonds (knowledge, social, psychological) decay every period with half-life h_k,
B <- B * 0.5 ** (1 / h_k), and grow with their drivers when the customer is served:

    knowledge     += g_K (1 - B)                                 (use)
    social        += g_S s_f,people (1 - B)                      (staff contact)
    psychological += g_P max(x, 0) (1 - B) - e_P max(-x, 0) B    (belief the firm is excellent)

Structural bonds (legal, economic, technical, geographic, time) and fit bonds (cultural,
values) are set by the scenario and changed only by events. Commitment stocks:

    A_if <- A_if + alpha_A (omega S_if + (1 - omega) mean(knowledge, social, cultural, values,
                                                          psychological) - A_if)
    C_if  = s_if + (1 - s_if) L_if,   s_if = mean(legal, economic, technical, geographic, time)

where L_if in [0, 1] is the lock-in of a loyalty programme's points balance (0 without one;
sim/strategies/loyalty_programme.py). ``Customers.refresh_calculative`` is the one place C
is computed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .config import Block, Positive, Unit
from .constants import AFFECTIVE_BONDS, BOND_INDEX, GROWN_BONDS

if TYPE_CHECKING:
    from .customers import Customers


class HalfLives(Block):
    """Half-life in periods of each grown bond while its driver is absent."""

    knowledge: Positive = 52.0
    social: Positive = 26.0
    psychological: Positive = 39.0

class BondParams(Block):
    """Bond growth and decay, and the two commitment stocks (ODD 7.4)."""

    half_life: HalfLives = HalfLives()
    growth_knowledge: Unit = 0.04
    growth_social: Unit = 0.05
    growth_psychological: Unit = 0.05
    erosion_psychological: Unit = 0.1
    affective_adjust: Unit = 0.1
    affective_satisfaction_weight: Unit = 0.5


F32 = np.float32
KNOW, SOCIAL, PSY = (BOND_INDEX[b] for b in GROWN_BONDS)
AFFECTIVE_ROWS = sorted(BOND_INDEX[b] for b in AFFECTIVE_BONDS)
# the affective bonds are contiguous rows of ``bonds``: one reduction sums them
assert AFFECTIVE_ROWS == list(range(AFFECTIVE_ROWS[0], AFFECTIVE_ROWS[-1] + 1))


def decay(c: Customers, p: BondParams) -> None:
    """All grown bonds toward every firm lose 1 - 0.5 ** (1 / h) of their strength."""
    for name in GROWN_BONDS:
        factor = F32(0.5 ** (1.0 / getattr(p.half_life, name)))
        c.bonds[:, BOND_INDEX[name]] *= factor


def grow(c: Customers, f: int, ids: np.ndarray, x: np.ndarray, people_level: float,
         p: BondParams) -> None:
    """Grow the bonds of customers ``ids`` served by firm ``f`` (x = 2 s - 1)."""
    b = c.bonds[f]
    for row, gain in ((KNOW, p.growth_knowledge), (SOCIAL, p.growth_social * people_level)):
        bond = b[row]  # a (N,) row: faster to gather from and scatter to than (row, ids)
        cur = bond[ids]
        bond[ids] = cur + F32(gain) * (1 - cur)
    bond = b[PSY]
    cur = bond[ids]
    bond[ids] = (cur + F32(p.growth_psychological) * np.maximum(x, 0) * (1 - cur)
                 - F32(p.erosion_psychological) * np.maximum(-x, 0) * cur)


def update_affective(c: Customers, p: BondParams) -> None:
    """Move affective commitment toward its target for every customer and firm."""
    first, last = AFFECTIVE_ROWS[0], AFFECTIVE_ROWS[-1] + 1
    omega, alpha = F32(p.affective_satisfaction_weight), F32(p.affective_adjust)
    target = np.empty(c.n, F32)
    for f in range(c.n_firms):
        rows = c.bonds[f]
        np.add(rows[first], rows[first + 1], out=target)
        for r in range(first + 2, last):
            target += rows[r]
        target *= (1 - omega) / (last - first)
        target += omega * c.satisfaction[f]
        target -= c.affective[f]
        target *= alpha
        c.affective[f] += target

