"""Population scale (ODD 2.1): each simulated agent stands for ``weight`` real customers.

A scenario describes the real market (``market.population``); ``market.customers`` agents
sample it, each standing for ``weight = population / customers`` real customers. Amounts
stated in the real market's units that count customers (a firm's capacity, contacts made,
complaints answered, survey responses) become agent counts by unbiased stochastic rounding,
so their expected value is exact at any agent count; money and counts in the outputs are
agent sums times ``weight``.
"""

from __future__ import annotations

import math

import numpy as np


def to_agents(amount: float, weight: float, rng: np.random.Generator) -> int:
    """Agents standing for ``amount`` real customers: floor(x) or floor(x) + 1, x = amount / w.

    The fractional part is rounded up with a probability equal to it, so the expected number
    is exactly ``amount / weight``. No random number is drawn when ``x`` is whole.

    Args:
        amount: A number of real customers (>= 0; may be fractional after a budget cut).
        weight: Real customers per agent.
        rng: The model's generator.
    """
    x = amount / weight
    if x >= 2**62:
        return 2**62
    whole = math.floor(x)
    frac = x - whole
    if frac > 0 and rng.random() < frac:
        whole += 1
    return int(whole)
