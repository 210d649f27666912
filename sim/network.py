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
        deg = self.deg[senders]
        m = np.minimum(wanted, deg)
        keep = m > 0
        senders, deg, m = senders[keep], deg[keep], m[keep]
        pos = np.flatnonzero(keep)
        first = (rng.random(senders.size) * deg).astype(np.int64)
        step = expand(np.zeros(m.size, np.int64), m)
        rep_first, rep_deg = np.repeat(first, m), np.repeat(deg, m)
        slot = np.repeat(self.indptr[senders], m) + (rep_first + step) % rep_deg
        return np.repeat(pos, m), self.indices[slot]


def expand(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(start[k], start[k] + count[k])`` over k, vectorised."""
    count = count.astype(np.int64)
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    ends = np.cumsum(count)
    offset = np.arange(total, dtype=np.int64) - np.repeat(ends - count, count)
    return np.repeat(start.astype(np.int64), count) + offset


def build(n: int, p: NetworkParams, rng: np.random.Generator) -> Network:
    """Build the network of ``n`` customers from ``params.network`` ``p``."""
    half = min(p.degree // 2, max((n - 1) // 2, 0))
    src = np.repeat(np.arange(n, dtype=np.int64), half)
    if p.type == "random":
        dst = rng.integers(0, n, src.size)
    else:
        dst = (src + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
        rewired = rng.random(src.size) < p.rewire
        dst[rewired] = rng.integers(0, n, int(rewired.sum()))
    return from_edges(n, src, dst)


def from_edges(n: int, src: np.ndarray, dst: np.ndarray) -> Network:
    """CSR of the undirected graph with ties ``src[k] -- dst[k]`` (no self-ties, no repeats)."""
    keep = src != dst
    a = np.concatenate([src[keep], dst[keep]])
    b = np.concatenate([dst[keep], src[keep]])
    key = np.sort(a * n + b)
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    rows, cols = key // n, key % n
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return Network(indptr, cols.astype(np.int32))


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
