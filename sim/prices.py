"""The disutility of a price (ODD 7.1), shared by choice and the reasons of switches.

beta_i (p_if + R_if) / p_norm,   R_if = lambda_loss max(p_if - r_i, 0)
- lambda_gain max(r_i - p_if, 0)
"""

from __future__ import annotations

from typing import Any

import numpy as np


def price_term(price: np.ndarray, ref: np.ndarray, beta: np.ndarray, p: Any) -> np.ndarray:
    """beta_i (p_if + R_if) / p_norm, the disutility of a price (``beta`` already / p_norm)."""
    gap = price - ref
    gap *= np.where(gap > 0, np.float32(p.ref_loss), np.float32(p.ref_gain))
    gap += price
    gap *= beta
    return gap
