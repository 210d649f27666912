"""Random draws shared by mechanisms and strategies (always from the model's generator)."""

from __future__ import annotations

import numpy as np


def pick(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    """Choose ``k`` indices at random without replacement from ``candidates`` (all if fewer)."""
    if k >= candidates.size:
        return candidates
    if k <= 0:
        return candidates[:0]
    return rng.choice(candidates, size=k, replace=False, shuffle=False)
