"""Retention arithmetic: expected lifetime and customer lifetime value from a retention rate.

With a constant retention rate r per period, a customer's lifetime in periods is geometric
with mean 1 / (1 - r): a few points of retention change lifetime value a lot (Reichheld &
Sasser 1990; Gupta, Lehmann & Stuart 2004).
"""

from __future__ import annotations


def expected_lifetime(retention: float) -> float:
    """Mean number of periods a customer stays, 1 / (1 - r), counting the current one."""
    _check_rate(retention, "retention")
    return float("inf") if retention == 1 else 1.0 / (1.0 - retention)


def clv(margin: float, retention: float, discount: float, periods: int | None = None,
        timing: str = "start") -> float:
    """Customer lifetime value of a margin kept while the customer stays.

    Args:
        margin: Margin per period (revenue less the cost of serving the customer).
        retention: Retention rate per period, r in [0, 1).
        discount: Discount rate per period, d >= 0.
        periods: Horizon in periods (None: infinite).
        timing: ``"start"`` if each margin is received at the start of its period (the first
            one now, undiscounted): CLV = m (1 + d) / (1 + d - r) for an infinite horizon;
            ``"end"`` if at the end of its period and only if the customer is retained:
            CLV = m r / (1 + d - r) (Gupta & Lehmann).

    Returns:
        The present value of the expected margins.
    """
    _check_rate(retention, "retention")
    if discount < 0:
        raise ValueError(f"discount must be >= 0, got {discount}")
    if timing not in ("start", "end"):
        raise ValueError(f"timing must be 'start' or 'end', got {timing!r}")
    q = retention / (1.0 + discount)
    if periods is None:
        if q >= 1:
            return float("inf")
        total = 1.0 / (1.0 - q)
    else:
        total = float(periods) if q == 1 else (1.0 - q ** periods) / (1.0 - q)
    return float(margin * (total if timing == "start" else q * total))


def retention_for_lifetime(lifetime: float) -> float:
    """The retention rate whose expected lifetime is ``lifetime`` periods (>= 1)."""
    if lifetime < 1:
        raise ValueError(f"a lifetime counts the current period, so it is >= 1, got {lifetime}")
    return 1.0 - 1.0 / lifetime


def _check_rate(value: float, name: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
