"""Customer agents, held column-wise: one numpy array per attribute, customers on the long axis.

Per-customer arrays have shape (N,); per customer-and-firm arrays have shape (F, N); bonds
have shape (F, 10, N) in the order of ``constants.BONDS``. ``view(i)`` gives one customer's
whole state as a plain dict. Names follow docs/ODD.md section 2.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .constants import (
    ACTIVE,
    AFFECTIVE_BONDS,
    BOND_INDEX,
    BONDS,
    CH_INITIAL,
    CHANNELS,
    COMPLAINT_STATES,
    DIMENSIONS,
    GROWN_BONDS,
    INCIDENTS,
    LOST,
    NEVER,
    OFFER_NONE,
    STATUS_NAMES,
    STRUCTURAL_BONDS,
)

F32 = np.float32
STRUCT_ROWS = sorted(BOND_INDEX[b] for b in STRUCTURAL_BONDS)
# the structural bonds are contiguous rows of ``bonds``: a slice selects them
assert STRUCT_ROWS == list(range(STRUCT_ROWS[0], STRUCT_ROWS[-1] + 1))
STRUCT = slice(STRUCT_ROWS[0], STRUCT_ROWS[-1] + 1)
GROWN_ROWS = [BOND_INDEX[b] for b in GROWN_BONDS]
PAIR_FLOATS = ("trust", "satisfaction", "expectation", "affective", "calculative", "exposure")
PAIR_INTS = (("status", np.int8), ("acquired", np.int16), ("lost_since", np.int16),
             ("last_visit", np.int16), ("channel", np.int8), ("offer_kind", np.int8),
             ("offer_end", np.int16), ("incident", np.int8), ("incident_t", np.int16),
             ("aware", np.int8), ("complaint", np.int8))
BYTES_PER_CUSTOMER = 4 * 6 + 1 + 1
BYTES_PER_PAIR = (4 * (len(PAIR_FLOATS) + len(BONDS))
                  + sum(np.dtype(d).itemsize for _, d in PAIR_INTS))


def estimate_bytes(n_customers: int, n_firms: int) -> int:
    """Memory the customer arrays take, in bytes (state only, not step temporaries)."""
    return n_customers * (BYTES_PER_CUSTOMER + n_firms * BYTES_PER_PAIR)


class Customers:
    """All customers' state.

    Attributes:
        n: Number of customers.
        segment: Segment index per customer.
        price_sensitivity: beta_i, weight on price relative to the market norm.
        weights: (3, N) weights on value / system / people, summing to 1.
        need_prob: Chance per period of needing the service.
        outside_utility: Utility of the outside option (another venue / not buying).
        reference_price: r_i, exponentially smoothed price paid.
        last_firm: Firm index of the last purchase, -1 if none.

    The per customer-and-firm arrays (shape (F, N)) are named in ``PAIR_FLOATS`` and
    ``PAIR_INTS``; docs/ODD.md 2.1 defines each.
    """

    trust: np.ndarray
    satisfaction: np.ndarray
    expectation: np.ndarray
    affective: np.ndarray
    calculative: np.ndarray
    exposure: np.ndarray
    status: np.ndarray
    acquired: np.ndarray
    lost_since: np.ndarray
    last_visit: np.ndarray
    channel: np.ndarray
    offer_kind: np.ndarray
    offer_end: np.ndarray
    incident: np.ndarray
    incident_t: np.ndarray
    aware: np.ndarray
    complaint: np.ndarray

    def __init__(self, scenario: Any, rng: np.random.Generator):
        m, n, n_firms = scenario.market, scenario.market.customers, len(scenario.firms)
        self.n, self.n_firms = n, n_firms
        self.segment_names = [s.name for s in m.segments]
        self.segment = np.empty(n, np.int8)
        self.price_sensitivity = np.empty(n, F32)
        self.weights = np.empty((3, n), F32)
        self.need_prob = np.empty(n, F32)
        self.outside_utility = np.empty(n, F32)
        self.draw_tastes(m.segments, np.arange(n), rng)
        self.reference_price = np.full(n, m.price_norm, F32)
        self.last_firm = np.full(n, -1, np.int8)
        for name in PAIR_FLOATS:
            setattr(self, name, np.zeros((n_firms, n), F32))
        for name, dtype in PAIR_INTS:
            setattr(self, name, np.zeros((n_firms, n), dtype))
        self.aware.fill(1)  # sim/wom.py draws awareness when params.awareness is enabled
        self.bonds = np.zeros((n_firms, len(BONDS), n), F32)
        # L_if, the lock-in of a loyalty programme's points (sim/strategies/loyalty_programme.py
        # owns it); None when no firm runs a programme
        has_programme = any(s.type == "loyalty_programme" for f in scenario.firms
                            for s in f.strategies)
        self.lock_in = np.zeros((n_firms, n), F32) if has_programme else None
        self._init_history(scenario, rng)

    def draw_tastes(self, segments: list[Any], ids: np.ndarray, rng: np.random.Generator) -> None:
        """Draw the segment and tastes of customers ``ids`` (at t = 0 and for newcomers)."""
        shares = np.array([s.share for s in segments])
        seg = rng.choice(len(shares), size=ids.size, p=shares / shares.sum())
        self.segment[ids] = seg
        for k, s in enumerate(segments):
            sub = ids[seg == k]
            self.price_sensitivity[sub] = lognormal(rng, s.price_sensitivity, sub.size)
            w = np.array([getattr(s.weights, d) for d in DIMENSIONS])
            self.weights[:, sub] = (w / w.sum())[:, None]
            self.need_prob[sub] = need_probs(rng, s.need_prob, s.need_shape, sub.size)
            self.outside_utility[sub] = s.outside_utility

    def clear(self, ids: np.ndarray) -> None:
        """Zero every customer-and-firm state of customers ``ids`` (a place recycled)."""
        for name in PAIR_FLOATS:
            getattr(self, name)[:, ids] = 0
        for name, _ in PAIR_INTS:
            getattr(self, name)[:, ids] = 0
        if self.lock_in is not None:
            self.lock_in[:, ids] = 0

    def _init_history(self, scenario: Any, rng: np.random.Generator) -> None:
        """Draw who is active at / lost to each firm at t = 0 and their starting state."""
        ini, n = scenario.initial, self.n
        firm_ids = [f.id for f in scenario.firms]
        shares = [scenario.market.initial.get(fid) for fid in firm_ids]
        active = np.array([s.active if s else 0.0 for s in shares])
        none = max(0.0, 1 - active.sum())
        current = rng.choice(len(active) + 1, size=n, p=np.append(active, none))
        for f, firm in enumerate(scenario.firms):
            s = shares[f]
            is_active = current == f
            lost_p = 0.0 if s is None or s.active >= 1 else s.lost / (1 - s.active)
            is_lost = ~is_active & (rng.random(n) < lost_p)
            self.status[f] = np.where(is_active, ACTIVE, np.where(is_lost, LOST, NEVER))
            quality = sum(w * getattr(firm.service, d)
                          for w, d in zip(self.weights, DIMENSIONS))
            by_status = {NEVER: (ini.trust_never, ini.satisfaction_never, 0.0),
                         ACTIVE: (ini.trust_active, ini.satisfaction_active,
                                  ini.grown_bonds_active),
                         LOST: (ini.trust_lost, ini.satisfaction_lost, ini.grown_bonds_lost)}
            for code, (trust, sat, grown) in by_status.items():
                sel = self.status[f] == code
                self.trust[f, sel] = trust
                self.satisfaction[f, sel] = sat
                for b in GROWN_BONDS:
                    self.bonds[f, BOND_INDEX[b], sel] = grown
            self.expectation[f] = np.where(self.status[f] == NEVER, ini.expectation_never, quality)
            for b in STRUCTURAL_BONDS + ("cultural", "values"):
                self.bonds[f, BOND_INDEX[b]] = getattr(firm.bonds, b)
            omega = scenario.params.bonds.affective_satisfaction_weight
            self.affective[f] = (omega * self.satisfaction[f]
                                 + (1 - omega) * self.bonds[f, self.affective_bond_rows()].mean(0))
            self.channel[f] = CH_INITIAL
            tenure = rng.geometric(1 / max(ini.mean_tenure, 1.0), n).clip(0, 2_000)
            self.acquired[f] = np.where(is_active, -tenure, 0)
            self.last_visit[f] = np.where(is_active, -rng.integers(0, 4, n), -10_000)
            self.lost_since[f] = np.where(is_lost, -rng.integers(0, ini.max_time_lost + 1, n), 0)
        self.last_firm[:] = np.where(current < len(active), current, -1)
        for f in range(self.n_firms):
            self.refresh_calculative(f)

    def refresh_calculative(self, f: int, ids: np.ndarray | slice | None = None) -> None:
        """C_if = s + (1 - s) L_if for customers ``ids`` (all if None) at firm ``f`` (ODD 7.4).

        s is the mean of the structural bonds, L_if the lock-in of a loyalty programme's points
        (0 without one). This is the one place calculative commitment is computed.
        """
        where = slice(None) if ids is None else ids
        s = self.bonds[f, STRUCT][:, where].mean(axis=0)
        if self.lock_in is not None:
            s += (1 - s) * self.lock_in[f, where]
        self.calculative[f, where] = s

    def bond(self, f: int, name: str) -> np.ndarray:
        """The (N,) array of bond ``name`` toward firm ``f`` (a view: writes go through)."""
        return self.bonds[f, BOND_INDEX[name]]

    def grown_bond_mean(self, f: int, idx: np.ndarray) -> np.ndarray:
        """Mean of the grown bonds (knowledge, social, psychological) for customers ``idx``."""
        b = self.bonds[f]
        total = b[GROWN_ROWS[0], idx]
        for row in GROWN_ROWS[1:]:
            total += b[row, idx]
        return total / len(GROWN_ROWS)

    def affective_bond_rows(self) -> list[int]:
        """Rows of ``bonds`` that feed affective commitment."""
        return [BOND_INDEX[b] for b in AFFECTIVE_BONDS]

    @staticmethod
    def raise_to_one(arr: np.ndarray, idx: np.ndarray, gain: float) -> None:
        """X <- x + gain * (1 - x) for the customers ``idx`` (a bounded boost)."""
        arr[idx] += F32(gain) * (1 - arr[idx])

    def counts(self, f: int) -> dict[str, int]:
        """Number of customers never / active / lost at firm ``f``."""
        c = np.bincount(self.status[f], minlength=3)
        return dict(zip(STATUS_NAMES, map(int, c)))

    def nbytes(self) -> int:
        """Bytes held by all customer arrays."""
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))

    def view(self, i: int, firm_ids: list[str], t: int) -> dict[str, Any]:
        """One customer's whole current state, per firm, as plain Python values."""
        i = int(i)
        if not 0 <= i < self.n:
            raise IndexError(f"customer {i} does not exist; customers are 0..{self.n - 1}")
        out = {
            "id": i, "segment": self.segment_names[self.segment[i]],
            "price_sensitivity": float(self.price_sensitivity[i]),
            "weights": {d: float(self.weights[k, i]) for k, d in enumerate(DIMENSIONS)},
            "need_prob": float(self.need_prob[i]),
            "reference_price": float(self.reference_price[i]),
            "last_firm": firm_ids[self.last_firm[i]] if self.last_firm[i] >= 0 else None,
            "firms": {},
        }
        for f, fid in enumerate(firm_ids):
            status = int(self.status[f, i])
            out["firms"][fid] = {
                "status": STATUS_NAMES[status],
                **{k: float(getattr(self, k)[f, i]) for k in PAIR_FLOATS},
                "bonds": {b: float(self.bonds[f, k, i]) for k, b in enumerate(BONDS)},
                "tenure": int(t - self.acquired[f, i]) if status == ACTIVE else None,
                "time_since_loss": int(t - self.lost_since[f, i]) if status == LOST else None,
                "channel": CHANNELS[self.channel[f, i]],
                "offer": ("none", "price", "relationship")[self.offer_kind[f, i]]
                if self.offer_kind[f, i] != OFFER_NONE else None,
                "last_incident": INCIDENTS[self.incident[f, i]],
                "aware": bool(self.aware[f, i]),
                "complaint": COMPLAINT_STATES[self.complaint[f, i]],
            }
        return out


def need_probs(rng: np.random.Generator, mean: float, shape: float | None,
               size: int) -> np.ndarray:
    """Each customer's chance per period of needing the service (ODD 2.1).

    Without ``shape`` everyone has ``mean``. With it, purchases follow a Poisson process whose
    rate varies as a gamma with that shape (the NBD's heterogeneity, Ehrenberg 1959):
    lambda_i = lambda_bar G_i, G_i ~ Gamma(shape, 1 / shape), lambda_bar = -ln(1 - mean), and
    nu_i = 1 - exp(-lambda_i), the chance of at least one purchase occasion in a period.
    """
    if shape is None:
        return np.full(size, mean, F32)
    rate = -np.log1p(-min(mean, 0.999))
    g = rng.gamma(shape, 1 / shape, size)
    return (-np.expm1(-rate * g)).astype(F32)


def lognormal(rng: np.random.Generator, spread: Any, size: int) -> np.ndarray:
    """Draw ``size`` positive values with the given mean and sd (log-normal)."""
    if spread.sd == 0:
        return np.full(size, spread.mean, F32)
    sigma2 = np.log1p((spread.sd / spread.mean) ** 2)
    mu = np.log(spread.mean) - sigma2 / 2
    return rng.lognormal(mu, np.sqrt(sigma2), size).astype(F32)
