"""Issue 16: the faster paths give the same results as the ones they replaced.

Message receivers are counted with ``np.bincount`` where that is faster; it must equal
``np.unique(..., return_counts=True)``. Offers must end exactly when their last valid period
has passed. The network, built in chunks with its keys sorted in place, must be the network the
old all-at-once build gave, tie for tie.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.churn import expire_offers
from sim.constants import OFFER_NONE, OFFER_PRICE, OFFER_RELATIONSHIP
from sim.network import Network, NetworkParams, build
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


def _reference_network(n: int, p: NetworkParams, rng: np.random.Generator) -> Network:
    """The network build before issue 16: all ties at once, sorted int64 copies."""
    half = min(p.degree // 2, max((n - 1) // 2, 0))
    src = np.repeat(np.arange(n, dtype=np.int64), half)
    if p.type == "random":
        dst = rng.integers(0, n, src.size)
    else:
        dst = (src + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
        rewired = rng.random(src.size) < p.rewire
        dst[rewired] = rng.integers(0, n, int(rewired.sum()))
    keep = src != dst
    a = np.concatenate([src[keep], dst[keep]])
    b = np.concatenate([dst[keep], src[keep]])
    key = np.sort(a * n + b)
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(key // n, minlength=n), out=indptr[1:])
    return Network(indptr, (key % n).astype(np.int32))


@pytest.mark.parametrize("kind", ["small_world", "random"])
@pytest.mark.parametrize(("n", "degree", "rewire"), [
    (3, 2, 0.1), (50, 12, 0.5), (1000, 8, 0.1), (700_000, 4, 0.3), (20, 40, 1.0)])
def test_chunked_network_build_is_the_old_build(kind: str, n: int, degree: int,
                                                rewire: float) -> None:
    p = NetworkParams(type=kind, degree=degree, rewire=rewire)
    new = build(n, p, np.random.default_rng(5))
    old = _reference_network(n, p, np.random.default_rng(5))
    np.testing.assert_array_equal(new.indptr, old.indptr)
    np.testing.assert_array_equal(new.indices, old.indices)
    assert new.indices.dtype == np.int32


@pytest.mark.parametrize("n", [1, 2])
def test_a_network_without_ties_is_built(n: int) -> None:
    """One or two customers: no tie at all (the old build failed on an empty tie list)."""
    net = build(n, NetworkParams(), np.random.default_rng(0))
    np.testing.assert_array_equal(net.indptr, np.zeros(n + 1, np.int64))
    assert net.indices.size == 0
