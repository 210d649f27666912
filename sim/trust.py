"""Trust (ODD 7.3): grows slowly with good experiences and falls fast after bad ones.

With x_i = 2 s_i - 1 in [-1, 1] (transaction satisfaction rescaled):

    T_if <- T_if + rho_up (1 - T_if) max(x_i, 0) - rho_down T_if max(-x_i, 0)

with rho_down > rho_up. A customer turned away for lack of capacity has x_i = -rationed_penalty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .config import Block, Unit

if TYPE_CHECKING:
    from .customers import Customers


class TrustParams(Block):
    """Asymmetric trust updating (ODD 7.3)."""

    rate_up: Unit = 0.06
    rate_down: Unit = 0.25
    rationed_penalty: Unit = 0.3


F32 = np.float32


def update_trust(c: Customers, f: int, ids: np.ndarray, x: np.ndarray, p: TrustParams) -> None:
    """Apply the asymmetric trust update to customers ``ids`` at firm ``f``."""
    row = c.trust[f]  # a (N,) row: faster to gather from and scatter to than (f, ids)
    t = row[ids]
    up = F32(p.rate_up) * (1 - t) * np.maximum(x, 0)
    down = F32(p.rate_down) * t * np.maximum(-x, 0)
    row[ids] = t + up - down
