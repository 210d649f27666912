"""The NBD-Dirichlet model of repeat buying (Goodhardt, Ehrenberg & Chatfield 1984).

A household makes ``n`` category purchases in a period of unit length, ``n`` following the
negative binomial distribution (NBD: Poisson purchasing at a gamma(K, M / K) distributed rate)

    P(n) = Gamma(K + n) / (Gamma(K) n!) * (K / (K + M))^K * (M / (K + M))^n,

so that ``M`` is the mean number of category purchases per household and the category
penetration is ``b = 1 - P(0) = 1 - (1 + M / K)^(-K)``. Its brand-choice probabilities
``(p_1, ..., p_g)`` are Dirichlet with parameters ``alpha_j = S * s_j`` (``s_j`` the brand's
market share of purchases), so the number ``r`` of its ``n`` purchases that go to brand ``j`` is
beta-binomial:

    p(r | n) = C(n, r) * B(alpha_j + r, S - alpha_j + n - r) / B(alpha_j, S - alpha_j).

Brand measures follow by summing over ``n`` (the NBD truncated where its tail mass is below
``1e-13``):

    no purchase of j:     p(0 | n) = prod_{i<n} (S - alpha_j + i) / (S + i)
    only purchases of j:  p(n | n) = prod_{i<n} (alpha_j + i) / (S + i)
    penetration           b_j = sum_n P(n) (1 - p(0 | n))
    purchase frequency    w_j = M s_j / b_j                    (purchases per buyer of j)
    category purchases
      of j's buyers       c_j = sum_n n P(n) (1 - p(0 | n)) / b_j
    SCR                   scr_j = w_j / c_j                    (share of category requirements)
    sole buyers           sole_j = sum_{n>=1} P(n) p(n | n) / b_j
    repeat rate           rr_j = (2 b_j(1) - b_j(2)) / b_j(1)

where ``b_j(t)`` is the penetration over a period ``t`` times as long (``M`` becomes ``t M``;
``K`` and ``S`` do not change). The repeat rate is exact for the model: a household's purchases
of ``j`` in two consecutive periods are independent Poisson counts given its rate and
``p_j``, so ``P(buy in both) = 1 - 2 P(none in one) + P(none in two)``.

Fitting, as published and as R's NBDdirichlet package (Chen) does it:

* ``M = b w`` from the category penetration ``b`` and purchases per category buyer ``w``;
* ``K`` from "mean and zeros": the root of ``K ln(1 + M / K) = -ln(1 - b)``. A root exists only
  if ``b < 1 - exp(-M)`` (more zeros than a Poisson count would give); otherwise the category is
  no more heterogeneous than Poisson and ``K`` is set to ``max_k`` (near-Poisson). Optionally
  ``K = M^2 / (V - M)`` by moments from the variance ``V`` of category purchases;
* ``S`` from the brands' observed penetrations (``s_method="nbddirichlet"``, the default, the
  method of R's NBDdirichlet 1.4, read from its source): for every brand the ``S_j`` at which
  the predicted penetration equals the observed one (bounded to ``[S_MIN, max_s]``); brands
  whose ``S_j`` lies outside Tukey's fences (1.5 hinge spreads beyond the hinges) or above the
  upper notch of the box plot (``median + 1.58 * hinge spread / sqrt(g)``, ``g`` brands) are set
  aside (R's ``boxplot.stats`` ``out`` and ``conf[2]``), and ``S`` is the market-share weighted
  mean of the remaining ``S_j``. ``s_method="least_squares"`` instead minimises
  ``sum_j (b_j(S) - b_j^obs)^2``.

R's package bounds ``S`` to ``(0, 30]`` and ``K`` to ``(0, 30]`` and truncates at 50 purchases;
here ``max_s`` and ``max_k`` are wider (simulated markets with little brand heterogeneity have
large ``S``) and the truncation adapts to the NBD's tail, so the figures agree with R's to the
precision R prints but are not bit-for-bit the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.optimize import brentq, minimize_scalar
from scipy.stats import nbinom

TAIL = 1e-13
"""NBD tail mass left out of the sums over the number of category purchases."""
MAX_K = 1e4
"""K used when the category is no more heterogeneous than Poisson (no root for K)."""
MAX_S = 1e4
"""Upper bound of S (R's NBDdirichlet uses 30)."""
S_MIN = 1e-6
"""Lower bound of S."""

SMethod = Literal["nbddirichlet", "least_squares"]

PREDICTION_COLUMNS = ("share", "penetration", "purchase_frequency", "scr", "sole_buyer_share",
                      "repeat_rate", "cat_purchase_frequency_of_buyers")


# ----------------------------------------------------------------------------- the NBD part


def nbd_m(cat_penetration: float, cat_purchase_frequency: float) -> float:
    """M = b w: mean category purchases per household from penetration and buyers' frequency."""
    _check_category(cat_penetration, cat_purchase_frequency)
    return float(cat_penetration * cat_purchase_frequency)


def nbd_k(cat_penetration: float, m: float, max_k: float = MAX_K) -> float:
    """K by mean and zeros: the root of ``K ln(1 + M / K) + ln(1 - b) = 0``.

    ``K ln(1 + M / K)`` rises from 0 (K -> 0) to M (K -> infinity, the Poisson limit), so a root
    exists if and only if ``-ln(1 - b) < M``; otherwise ``max_k`` is returned.

    Args:
        cat_penetration: Category penetration ``b`` in (0, 1] (1 gives ``max_k``).
        m: Mean category purchases per household ``M``.
        max_k: Upper bound of K (returned when there is no root below it).

    Returns:
        The NBD shape parameter K.
    """
    with np.errstate(divide="ignore"):
        target = -np.log1p(-cat_penetration)  # inf when every household bought

    def gap(k: float) -> float:
        return float(k * np.log1p(m / k) - target)

    lo = 1e-10
    if gap(lo) >= 0:
        return lo
    if gap(max_k) <= 0:
        return float(max_k)
    return float(brentq(gap, lo, max_k, xtol=1e-12, rtol=1e-12))


def nbd_k_moments(m: float, variance: float, max_k: float = MAX_K) -> float:
    """K by moments: ``K = M^2 / (V - M)`` (``max_k`` when ``V <= M``, no overdispersion)."""
    if variance <= m:
        return float(max_k)
    return float(min(m * m / (variance - m), max_k))


@lru_cache(maxsize=64)
def nbd_pmf(m: float, k: float, tail: float = TAIL) -> tuple[np.ndarray, np.ndarray]:
    """The NBD probabilities ``P(n)`` for ``n = 0 .. n_max`` (tail mass beyond ``n_max`` < tail).

    Cached (fitting S evaluates it for the same M and K many times); the arrays are read-only.

    Args:
        m: Mean ``M``.
        k: Shape ``K``.
        tail: Largest probability mass left out.

    Returns:
        ``(n, P(n))`` as arrays.
    """
    p = k / (k + m)
    n_max = int(nbinom.isf(tail, k, p)) + 2
    n = np.arange(n_max + 1)
    pn = nbinom.pmf(n, k, p)
    n.flags.writeable = False
    pn.flags.writeable = False
    return n, pn


# ------------------------------------------------------------------ the Dirichlet part


def log_zero_prob(alpha: float, s: float, n_max: int) -> np.ndarray:
    """``ln p(0 | n) = sum_{i<n} ln(1 - alpha / (S + i))`` for ``n = 0 .. n_max``.

    A cumulative sum of ``log1p`` terms, accurate for any ``S`` and for small ``alpha``.
    """
    i = np.arange(n_max)
    with np.errstate(divide="ignore"):
        logs = np.log1p(-alpha / (s + i))
    return np.concatenate(([0.0], np.cumsum(logs)))


def buy_prob(alpha: float, s: float, n_max: int) -> np.ndarray:
    """``1 - p(0 | n)``: chance of buying the brand at least once in ``n`` purchases."""
    return -np.expm1(log_zero_prob(alpha, s, n_max))


def sole_prob(alpha: float, s: float, n_max: int) -> np.ndarray:
    """``p(n | n) = prod_{i<n} (alpha + i) / (S + i)`` for ``n = 0 .. n_max``."""
    i = np.arange(n_max)
    with np.errstate(divide="ignore"):
        logs = np.log1p(-(s - alpha) / (s + i))
    return np.exp(np.concatenate(([0.0], np.cumsum(logs))))


def brand_penetration(m: float, k: float, s: float, share: float) -> float:
    """Predicted penetration ``b_j = sum_n P(n) (1 - p(0 | n))`` of a brand with this share."""
    n, pn = nbd_pmf(m, k)
    return float(pn @ buy_prob(s * share, s, int(n[-1])))


def brand_measures(m: float, k: float, s: float, share: float) -> dict[str, float]:
    """Predicted measures of one brand over a period with mean category purchases ``m``.

    Args:
        m: Mean category purchases per household in the period (``t M`` for ``t`` periods).
        k: NBD shape.
        s: Dirichlet ``S``.
        share: The brand's market share ``s_j`` (``alpha_j = S s_j``).

    Returns:
        penetration, purchase_frequency, scr, sole_buyer_share and
        cat_purchase_frequency_of_buyers (category purchases per buyer of the brand); NaN
        where the brand has no buyers (zero share).
    """
    n, pn = nbd_pmf(m, k)
    alpha = s * share
    bought = buy_prob(alpha, s, int(n[-1]))
    pen = pn @ bought
    if pen <= 0:
        nan = float("nan")
        return {"penetration": 0.0, "purchase_frequency": nan, "scr": nan,
                "sole_buyer_share": nan, "cat_purchase_frequency_of_buyers": nan}
    cat_of_buyers = (n * pn) @ bought
    sole = pn[1:] @ sole_prob(alpha, s, int(n[-1]))[1:]
    return {
        "penetration": float(pen),
        "purchase_frequency": float(m * share / pen),
        "scr": float(m * share / cat_of_buyers),
        "sole_buyer_share": float(sole / pen),
        "cat_purchase_frequency_of_buyers": float(cat_of_buyers / pen),
    }


def repeat_rate(m: float, k: float, s: float, share: float) -> float:
    """Share of a period's buyers of the brand who buy it again in the next period.

    ``rr_j = (2 b_j(M) - b_j(2M)) / b_j(M)``: with ``P0(t) = 1 - b_j(t)`` the chance of no
    purchase of j over ``t`` periods, ``P(buy in both) = 1 - 2 P0(1) + P0(2)``.
    """
    b1 = brand_penetration(m, k, s, share)
    if b1 <= 0:
        return float("nan")
    return float((2.0 * b1 - brand_penetration(2.0 * m, k, s, share)) / b1)


def predict(m: float, k: float, s: float, shares: ArrayLike, period: float = 1.0,
            ) -> pd.DataFrame:
    """Predicted brand performance table, one row per brand.

    Args:
        m: M of the base period.
        k: K.
        s: S.
        shares: Market shares of the brands (may sum to less than 1 when brands are left out).
        period: Length of the period predicted, in base periods (M becomes ``period * M``).

    Returns:
        Columns share, penetration, purchase_frequency, scr, sole_buyer_share, repeat_rate
        (into the next period of the same length) and cat_purchase_frequency_of_buyers.
    """
    mt = m * period
    rows = []
    for share in np.asarray(shares, dtype=float):
        row = {"share": float(share), **brand_measures(mt, k, s, share)}
        row["repeat_rate"] = repeat_rate(mt, k, s, share)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(PREDICTION_COLUMNS))


# ------------------------------------------------------------------------------- fitting


def s_for_brand(m: float, k: float, share: float, penetration: float,
                max_s: float = MAX_S) -> float:
    """The ``S`` at which the brand's predicted penetration equals the observed one.

    ``b_j(S)`` rises with ``S`` (from ``s_j b`` for S -> 0, every household loyal to one brand,
    towards the multinomial limit), so the root is bracketed by ``[S_MIN, max_s]``; an observed
    penetration outside the attainable range gives the nearer bound.
    """
    def gap(s: float) -> float:
        return brand_penetration(m, k, s, share) - penetration

    if gap(S_MIN) >= 0:
        return S_MIN
    if gap(max_s) <= 0:
        return float(max_s)
    return float(brentq(gap, S_MIN, max_s, xtol=1e-10, rtol=1e-10))


def fivenum_hinges(x: ArrayLike) -> tuple[float, float]:
    """Tukey's lower and upper hinges (R's ``fivenum``, as ``boxplot.stats`` uses them)."""
    xs = np.sort(np.asarray(x, dtype=float))
    n = xs.size
    n4 = np.floor((n + 3) / 2) / 2
    d = np.array([n4, n + 1 - n4]) - 1  # 0-based
    lo = 0.5 * (xs[int(np.floor(d[0]))] + xs[int(np.ceil(d[0]))])
    hi = 0.5 * (xs[int(np.floor(d[1]))] + xs[int(np.ceil(d[1]))])
    return float(lo), float(hi)


def s_inliers(x: ArrayLike, coef: float = 1.5) -> np.ndarray:
    """Mask of the per-brand S_j that R's NBDdirichlet keeps.

    Kept: within Tukey's fences ``[h_lo - coef (h_hi - h_lo), h_hi + coef (h_hi - h_lo)]`` and
    not above the box plot's upper notch ``median + 1.58 (h_hi - h_lo) / sqrt(g)``, with
    ``h_lo``, ``h_hi`` the hinges and ``g`` the number of brands.
    """
    xs = np.asarray(x, dtype=float)
    lo, hi = fivenum_hinges(xs)
    spread = hi - lo
    notch = float(np.median(xs)) + 1.58 * spread / np.sqrt(xs.size)
    return (xs >= lo - coef * spread) & (xs <= hi + coef * spread) & (xs <= notch)


def s_least_squares(m: float, k: float, shares: np.ndarray, penetrations: np.ndarray,
                    max_s: float = MAX_S) -> float:
    """S minimising ``sum_j (b_j(S) - b_j^obs)^2`` (searched on log S)."""
    def loss(log_s: float) -> float:
        s = float(np.exp(log_s))
        pred = np.array([brand_penetration(m, k, s, sh) for sh in shares])
        return float(((pred - penetrations) ** 2).sum())

    res = minimize_scalar(loss, bounds=(np.log(S_MIN), np.log(max_s)), method="bounded",
                          options={"xatol": 1e-8})
    return float(np.exp(res.x))


@dataclass(frozen=True)
class DirichletFit:
    """A fitted NBD-Dirichlet.

    Attributes:
        M: Mean category purchases per household in the period.
        K: NBD shape (category purchase heterogeneity).
        S: Dirichlet concentration (brand-choice heterogeneity; small S, loyal households).
        shares: Market shares of the brands the model describes.
        s_by_brand: Per-brand S_j matching each observed penetration (NaN for least squares).
        s_used: Brands whose S_j entered the weighted mean (all brands for least squares).
        k_at_bound: True when K hit ``max_k`` (the category is not overdispersed).
    """

    M: float
    K: float
    S: float
    shares: np.ndarray = field(repr=False)
    s_by_brand: np.ndarray = field(repr=False)
    s_used: np.ndarray = field(repr=False)
    k_at_bound: bool = False

    def predict(self, period: float = 1.0) -> pd.DataFrame:
        """Predicted brand performance over ``period`` base periods (see :func:`predict`)."""
        return predict(self.M, self.K, self.S, self.shares, period)

    def brand_measures(self, share: float, period: float = 1.0) -> dict[str, float]:
        """Predicted measures of a (possibly hypothetical) brand with this share."""
        return brand_measures(self.M * period, self.K, self.S, share)


def fit_dirichlet(cat_penetration: float, cat_purchase_frequency: float, shares: ArrayLike,
                  penetrations: ArrayLike, *, s_method: SMethod = "nbddirichlet",
                  cat_variance: float | None = None, max_k: float = MAX_K,
                  max_s: float = MAX_S) -> DirichletFit:
    """Fit M, K and S as published (see the module docstring for the method).

    Args:
        cat_penetration: Share of households buying the category at least once, ``b``.
        cat_purchase_frequency: Category purchases per category buyer, ``w``.
        shares: Brands' market shares of purchases.
        penetrations: Brands' observed penetrations (share of all households).
        s_method: ``"nbddirichlet"`` (per-brand S_j, outliers dropped, share-weighted mean) or
            ``"least_squares"``.
        cat_variance: Variance of category purchases per household; if given, K by moments.
        max_k: Upper bound of K.
        max_s: Upper bound of S.

    Returns:
        The fit. Brands with zero share, the whole market or zero penetration do not inform S.

    Raises:
        ValueError: On category measures the NBD cannot describe, or when no brand informs S
            (e.g. a single firm).
    """
    shares_arr = np.asarray(shares, dtype=float)
    pens = np.asarray(penetrations, dtype=float)
    if shares_arr.shape != pens.shape or shares_arr.ndim != 1:
        raise ValueError("shares and penetrations must be 1-D arrays of the same length")
    m = nbd_m(cat_penetration, cat_purchase_frequency)
    k = (nbd_k(cat_penetration, m, max_k) if cat_variance is None
         else nbd_k_moments(m, cat_variance, max_k))
    # a brand with the whole market has the category's penetration whatever S is
    informative = (shares_arr > 0) & (shares_arr < 1 - 1e-9) & (pens > 0) & np.isfinite(pens)
    if not informative.any():
        raise ValueError("no brand with a share in (0, 1) and a positive penetration to "
                         "estimate S from")
    s, s_by_brand, used = _fit_s(m, k, shares_arr, pens, informative, s_method, max_s)
    return DirichletFit(M=m, K=k, S=s, shares=shares_arr, s_by_brand=s_by_brand,
                        s_used=used, k_at_bound=k >= max_k)


def _fit_s(m: float, k: float, shares: np.ndarray, pens: np.ndarray, informative: np.ndarray,
           method: SMethod, max_s: float) -> tuple[float, np.ndarray, np.ndarray]:
    """S, the per-brand S_j and the mask of brands used, by the chosen method."""
    s_by_brand = np.full(shares.size, np.nan)
    if method == "least_squares":
        s = s_least_squares(m, k, shares[informative], pens[informative], max_s)
        return s, s_by_brand, informative.copy()
    if method != "nbddirichlet":
        raise ValueError(f"unknown s_method {method!r}")
    idx = np.flatnonzero(informative)
    s_by_brand[idx] = [s_for_brand(m, k, shares[j], pens[j], max_s) for j in idx]
    used = np.zeros(shares.size, dtype=bool)
    used[idx] = s_inliers(s_by_brand[idx])
    s = float(np.average(s_by_brand[used], weights=shares[used]))
    return s, s_by_brand, used


def _check_category(cat_penetration: float, cat_purchase_frequency: float) -> None:
    """Reject category measures the NBD cannot describe."""
    if not 0 < cat_penetration <= 1:
        raise ValueError(f"category penetration must be in (0, 1], got {cat_penetration}")
    if not cat_purchase_frequency >= 1:
        raise ValueError("purchases per category buyer must be at least 1, got "
                         f"{cat_purchase_frequency}")
