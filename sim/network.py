"""The customers' social network (ODD 7.10), built with numpy into CSR arrays.

Types (``params.network.type``):
  * ``small_world`` (default, Watts & Strogatz 1998): a ring lattice where each customer is
    tied to the k/2 nearest customers on each side; each tie's far end is rewired to a
    uniformly drawn customer with probability ``rewire``. Self-ties and duplicate ties are
    dropped, so the mean degree is k minus a few parts per million.
  * ``random``: the same number of ties, every far end drawn uniformly (Erdos-Renyi-like).

Ties are undirected. The network is held as CSR: the neighbours of customer i are
``indices[indptr[i]:indptr[i + 1]]`` (int32, sorted). Memory is about 4 (k + 1) bytes per
customer; building it at 1e6 customers takes seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from .config import Block, Unit


class NetworkParams(Block):
    """The customers' social network (ODD 7.10); built only when a mechanism needs it."""

    type: Literal["small_world", "random"] = Field(
        "small_world", description="small_world: Watts-Strogatz ring with rewiring; "
                                   "random: every tie drawn uniformly")
    degree: int = Field(12, ge=2, le=1000, description="mean number of ties k (even)")
    rewire: Unit = Field(0.1, description="small_world: chance a tie's far end is rewired")

    @model_validator(mode="after")
    def _even(self) -> NetworkParams:
        if self.degree % 2:
            raise ValueError(f"degree must be even (k/2 ties on each side), got {self.degree}")
        return self



@dataclass
class Network:
    """An undirected graph in CSR form.

    Attributes:
        indptr: (N + 1,) int64 row pointers.
        indices: (nnz,) int32 neighbour indices, each row sorted.
    """

    indptr: np.ndarray
    indices: np.ndarray

    def __post_init__(self) -> None:
        self.deg = np.diff(self.indptr).astype(np.int32)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return self.indptr.size - 1

    def degree(self) -> np.ndarray:
        """(N,) number of neighbours of each node."""
        return self.deg

    def neighbours(self, i: int) -> np.ndarray:
        """The neighbours of node ``i``."""
        return self.indices[self.indptr[i]:self.indptr[i + 1]]

    def neighbours_of(self, ids: np.ndarray) -> np.ndarray:
        """All neighbours of the nodes ``ids``, concatenated (repeats kept)."""
        start, deg = self.indptr[ids], self.deg[ids]
        return self.indices[expand(start, deg)]

    def sample(self, senders: np.ndarray, wanted: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """For each sender, up to ``wanted`` distinct neighbours (a random run of its row).

        Returns:
            (sender position repeated per contact, receiver ids).
        """
        keep, m, slot = self._slots(senders, wanted, rng)
        return np.repeat(np.flatnonzero(keep), m), self.indices[slot]

    def receivers(self, senders: np.ndarray, wanted: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
        """The receiver ids of ``sample`` alone (the same draws, without the positions)."""
        return self.indices[self._slots(senders, wanted, rng)[2]]

    def _slots(self, senders: np.ndarray, wanted: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which senders tell someone, how many each of those tells, the ties' slots.

        Sender k's contacts are the slots indptr_k + (first_k + j) mod deg_k, j < m_k: with
        the output's j-th entry at ``offset_k + j``, (first_k + j) is the entry's number less
        offset_k - first_k (one repeat instead of a repeated zero start and a repeated first).
        """
        deg = self.deg[senders]
        m = np.minimum(wanted, deg)
        keep = m > 0
        senders, deg, m = senders[keep], deg[keep], m[keep]
        first = (rng.random(senders.size) * deg).astype(np.int64)
        ends = np.cumsum(m)
        slot = np.arange(int(ends[-1]) if ends.size else 0, dtype=np.int64)
        slot -= np.repeat(ends - m - first, m)
        slot %= np.repeat(deg, m)
        slot += np.repeat(self.indptr[senders], m)
        return keep, m, slot


def expand(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(start[k], start[k] + count[k])`` over k, vectorised."""
    count = count.astype(np.int64)
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    ends = np.cumsum(count)
    offset = np.arange(total, dtype=np.int64) - np.repeat(ends - count, count)
    return np.repeat(start.astype(np.int64), count) + offset


# ties handled at a time while the CSR is built: the build's temporaries beyond the final
# arrays stay a few megabytes (issue 16: peak memory per customer)
CHUNK = 1 << 18


def build(n: int, p: NetworkParams, rng: np.random.Generator) -> Network:
    """Build the network of ``n`` customers from ``params.network`` ``p``.

    Customer i's ties are (i, far end) for its ``half = k / 2`` lattice neighbours to the
    right, tie number ``i * half + j``; ``random`` draws every far end, ``small_world`` rewires
    each with probability ``rewire``. The draws are those of one ``rng.random(n * half)`` and
    one ``rng.integers`` (taken in chunks: the same numbers), and far ends are held as int32.
    """
    half = min(p.degree // 2, max((n - 1) // 2, 0))
    m = n * half
    if p.type == "random":
        dst = rng.integers(0, n, m).astype(np.int32)
    else:
        rewired = np.empty(m, bool)
        for lo in range(0, m, CHUNK):
            hi = min(m, lo + CHUNK)
            np.less(rng.random(hi - lo), p.rewire, out=rewired[lo:hi])
        dst = np.empty(m, np.int32)
        step = np.arange(1, half + 1, dtype=np.int64)
        for lo in range(0, m, CHUNK):
            hi = min(m, lo + CHUNK)
            ties = np.arange(lo, hi, dtype=np.int64)
            dst[lo:hi] = (ties // half + step[ties % half]) % n
        dst[rewired] = rng.integers(0, n, int(np.count_nonzero(rewired)))
        del rewired
    key, kept = _arc_keys(n, m, _lattice(dst, half))
    del dst  # the far ends are in the keys now
    return _csr(n, key, kept)


def _lattice(dst: np.ndarray, half: int) -> Callable[[int, int], tuple[np.ndarray, np.ndarray]]:
    """Ties lo..hi-1 of ``build``: (i, dst[k]) for tie k = i * half + j."""
    return lambda lo, hi: (np.arange(lo, hi, dtype=np.int64) // half, dst[lo:hi])


def from_edges(n: int, src: np.ndarray, dst: np.ndarray) -> Network:
    """CSR of the undirected graph with ties ``src[k] -- dst[k]`` (no self-ties, no repeats)."""
    key, kept = _arc_keys(n, src.size, lambda lo, hi: (src[lo:hi], dst[lo:hi]))
    return _csr(n, key, kept)


def _arc_keys(n: int, m: int, ties: Callable[[int, int], tuple[np.ndarray, np.ndarray]]
              ) -> tuple[np.ndarray, int]:
    """Both arcs of each tie (a, b), a != b, encoded as a * n + b in one int64 array.

    ``ties(lo, hi)`` gives the ties chunk by chunk; forward arcs a -> b fill the array's first
    ``kept`` places, the reversed ones b -> a the next ``kept``.
    """
    key = np.empty(2 * m, np.int64)
    kept = 0
    for lo in range(0, m, CHUNK):  # forward arcs, self-ties dropped
        a, b = ties(lo, min(m, lo + CHUNK))
        a, b = a.astype(np.int64), b.astype(np.int64)
        keep = a != b
        k = int(np.count_nonzero(keep))
        np.add(a[keep] * n, b[keep], out=key[kept:kept + k])
        kept += k
    for lo in range(0, kept, CHUNK):  # and back
        fwd = key[lo:min(kept, lo + CHUNK)]
        np.add((fwd % n) * n, fwd // n, out=key[kept + lo:kept + lo + fwd.size])
    return key, kept


def _csr(n: int, key: np.ndarray, kept: int) -> Network:
    """The CSR of the ``2 * kept`` arcs in ``key`` (which it sorts and then reuses).

    The arcs are sorted in place and repeated ones dropped: the same result as sorting and
    de-duplicating them at once. The int32 neighbour indices are then written over the sorted
    keys' own memory, front to back, and the array is shrunk to them, so the peak is the key
    array and little more (issue 16: peak memory per customer), not several int64 copies.
    """
    size = 2 * kept
    arcs = key[:size]
    arcs.sort()
    repeat = np.flatnonzero(arcs[1:] == arcs[:-1]) + 1  # positions of repeated arcs
    starts = np.searchsorted(arcs, np.arange(n + 1, dtype=np.int64) * n)
    indptr = starts - np.searchsorted(repeat, starts)
    del starts, arcs
    cols = key.view(np.int32)  # cols[j] lies in bytes 4j..4j+3, before key[j]'s 8j..8j+7
    write = 0
    bounds = np.concatenate([[0], repeat, [size]])
    for seg in range(bounds.size - 1):  # the runs between repeated arcs, front to back
        lo, hi = int(bounds[seg]) + (seg > 0), int(bounds[seg + 1])
        for c in range(lo, hi, CHUNK):
            chunk = key[c:min(hi, c + CHUNK)] % n  # read before the writes reach it
            cols[write:write + chunk.size] = chunk
            write += chunk.size
    del cols
    key.resize((write + 1) // 2, refcheck=False)  # keep the first ``write`` int32 only
    return Network(indptr.astype(np.int64), key.view(np.int32)[:write])


def clustering(net: Network, sample: np.ndarray) -> float:
    """Mean local clustering coefficient over the nodes ``sample`` (a small set)."""
    values = []
    for i in sample:
        nb = net.neighbours(int(i))
        k = nb.size
        if k < 2:
            values.append(0.0)
            continue
        links = sum(np.intersect1d(net.neighbours(int(j)), nb, assume_unique=True).size
                    for j in nb)
        values.append(links / (k * (k - 1)))
    return float(np.mean(values))


def mean_path_length(net: Network, sources: np.ndarray) -> float:
    """Mean shortest-path length from ``sources`` to the nodes they reach (breadth first)."""
    total, count = 0, 0
    for s in sources:
        dist = np.full(net.n, -1, np.int32)
        dist[s], frontier, d = 0, np.array([s]), 0
        while frontier.size:
            d += 1
            nb = np.unique(net.neighbours_of(frontier))
            nb = nb[dist[nb] < 0]
            dist[nb] = d
            frontier = nb
        reached = dist > 0
        total += int(dist[reached].sum())
        count += int(reached.sum())
    return total / count if count else float("nan")
