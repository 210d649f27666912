"""Every run's seed, derived from one root seed through NumPy's ``SeedSequence``.

A run's seed depends only on the root seed, its design point and its replication, never on
the engine, the worker count or the order runs finish in.
"""

from __future__ import annotations

import numpy as np


def run_seed(root: int, variant_index: int, replication: int, common: bool = True) -> int:
    """The seed of replication ``replication`` of design point ``variant_index``.

    Args:
        root: The experiment's root seed.
        variant_index: Position of the design point.
        replication: Replication number (0-based).
        common: Common random numbers: replication r has the same seed in every variant,
            which makes comparisons between variants sharper.

    Returns:
        A non-negative 63-bit integer.
    """
    key = (replication,) if common else (variant_index, replication)
    hi, lo = np.random.SeedSequence(root, spawn_key=key).generate_state(2, np.uint32)
    return (int(hi) << 32 | int(lo)) >> 1
