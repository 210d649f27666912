"""Issue 16: the faster paths give the same results as the ones they replaced.

Message receivers are counted with ``np.bincount`` where that is faster; it must equal
``np.unique(..., return_counts=True)``. Offers must end exactly when their last valid period
has passed.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.churn import expire_offers
from sim.constants import OFFER_NONE, OFFER_PRICE, OFFER_RELATIONSHIP
from sim.talk import count_each


@pytest.mark.parametrize("n, size", [(10, 0), (50, 7), (10_000, 50), (10_000, 30_000),
                                     (200_000, 100), (200_000, 50_000)])
def test_count_each_is_unique_with_counts(n: int, size: int) -> None:
    ids = np.random.default_rng(n + size).integers(0, n, size).astype(np.int32)
    who, k = count_each(ids, n)
    ref_who, ref_k = np.unique(ids, return_counts=True)
    assert np.array_equal(who, ref_who) and np.array_equal(k, ref_k)
    assert k.dtype == ref_k.dtype


class _Offers:
    """The two customer arrays ``expire_offers`` reads and writes."""

    def __init__(self, kind: np.ndarray, end: np.ndarray):
        self.offer_kind, self.offer_end = kind, end


def test_offers_expire_exactly_when_their_last_period_has_passed() -> None:
    rng = np.random.default_rng(3)
    kind = rng.choice([OFFER_NONE, OFFER_PRICE, OFFER_RELATIONSHIP], (2, 1_000)).astype(np.int8)
    end = rng.integers(0, 20, (2, 1_000)).astype(np.int16)
    c = _Offers(kind.copy(), end.copy())
    expire_offers(c, 10)  # type: ignore[arg-type]
    done = (kind != OFFER_NONE) & (end <= 10)
    assert np.array_equal(c.offer_kind, np.where(done, OFFER_NONE, kind))
    assert np.array_equal(c.offer_end, end)
    assert (c.offer_kind[end > 10] == kind[end > 10]).all()
