"""Observed brand performance measures (Ehrenberg) and their NBD-Dirichlet benchmark.

Input: purchase counts ``c[j, i]`` of customer ``i`` at firm ``j`` over one window, an
``(F, N)`` integer array, and optional weights ``v_i`` (customers weighted to the real
population; all 1 by default). A category purchase is a purchase at any firm,
``n_i = sum_j c[j, i]``; the population is every customer in the array, buyers or not. With
``[.]`` the indicator and sums over customers,

    market_share_j        = sum v c_j / sum v n
    penetration_j         = sum v [c_j > 0] / sum v
    purchase_frequency_j  = sum v c_j / sum v [c_j > 0]                    (per buyer of j)
    scr_j                 = sum v c_j / sum v [c_j > 0] n                  (share of category
                                                                            requirements)
    sole_buyer_share_j    = sum v [c_j > 0, c_j = n] / sum v [c_j > 0]
    repeat_rate_j         = sum v [c_j > 0, c'_j > 0] / sum v [c_j > 0]    (c' the counts of
                                                                            the next window)
    cat_penetration       = sum v [n > 0] / sum v
    cat_purchase_frequency = sum v n / sum v [n > 0]

A ratio with an empty denominator is NaN. :func:`with_dirichlet` fits the NBD-Dirichlet
(:mod:`sim.analysis.dirichlet`) to the table's category penetration and purchase frequency and
the firms' shares and penetrations, and adds its parameters and predictions as the
``dirichlet_*`` columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .dirichlet import MAX_K, MAX_S, SMethod, fit_dirichlet

OBSERVED_COLUMNS = ("firm", "market_share", "penetration", "purchase_frequency", "scr",
                    "sole_buyer_share", "repeat_rate", "cat_penetration",
                    "cat_purchase_frequency")
DIRICHLET_COLUMNS = ("dirichlet_M", "dirichlet_K", "dirichlet_S", "dirichlet_penetration",
                     "dirichlet_purchase_frequency", "dirichlet_scr",
                     "dirichlet_sole_buyer_share", "dirichlet_repeat_rate")
PREDICTED = ("penetration", "purchase_frequency", "scr", "sole_buyer_share", "repeat_rate")
"""Measures the Dirichlet predicts; ``dirichlet_<name>`` beside the observed ``<name>``."""


def as_counts(counts: ArrayLike) -> np.ndarray:
    """Check and return purchase counts as an ``(F, N)`` array of non-negative numbers."""
    arr = np.asarray(counts)
    if arr.ndim != 2:
        raise ValueError(f"counts must be a (firms, customers) array, got shape {arr.shape}")
    if arr.size and (not np.isfinite(arr).all() or (arr < 0).any()):
        raise ValueError("counts must be finite and non-negative")
    return arr


def as_weights(weights: ArrayLike | None, n_customers: int) -> np.ndarray:
    """Customer weights as a float array of length N (ones if None)."""
    if weights is None:
        return np.ones(n_customers)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n_customers,):
        raise ValueError(f"weights must have shape ({n_customers},), got {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and non-negative")
    return w


def _dot(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``x @ v`` for counts or indicators ``x``, summed along the customers without a matmul.

    Numpy's matmul of a bool or small-integer array with a float one takes a slow mixed-type
    loop (about 11 ms for 23,570 customers), and a float matmul goes to a BLAS whose threads
    may wait for busy cores (9 ms per sum measured on a loaded machine); a product and a sum
    take about 0.1 ms. Sums of whole numbers (no weights) are exact in any order.
    """
    return np.multiply(x, v, dtype=np.float64).sum(axis=-1)


def _ratio(num: ArrayLike, den: ArrayLike) -> np.ndarray:
    """``num / den``, NaN where ``den`` is 0."""
    num_a = np.asarray(num, dtype=float)
    den_a = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den_a > 0, num_a / np.where(den_a > 0, den_a, 1.0), np.nan)


def category_measures(counts: ArrayLike, weights: ArrayLike | None = None,
                      ) -> tuple[float, float]:
    """Category penetration ``b`` and purchases per category buyer ``w``.

    Returns:
        ``(sum v [n > 0] / sum v, sum v n / sum v [n > 0])``, NaN where undefined.
    """
    c = as_counts(counts)
    v = as_weights(weights, c.shape[1])
    n = c.sum(axis=0)
    buyers = _dot(n > 0, v)
    return float(_ratio(buyers, v.sum())), float(_ratio(_dot(n, v), buyers))


def repeat_rates(counts: ArrayLike, next_counts: ArrayLike,
                 weights: ArrayLike | None = None) -> np.ndarray:
    """Share of each firm's buyers in one window who buy it again in the next window.

    Args:
        counts: ``(F, N)`` counts of the window.
        next_counts: ``(F, N)`` counts of the next window, same firms and customers in the
            same order.
        weights: Customer weights (of the first window).

    Returns:
        ``sum v [c_j > 0, c'_j > 0] / sum v [c_j > 0]`` per firm.
    """
    c = as_counts(counts)
    c_next = as_counts(next_counts)
    if c_next.shape != c.shape:
        raise ValueError(f"next_counts has shape {c_next.shape}, counts {c.shape}")
    v = as_weights(weights, c.shape[1])
    bought = c > 0
    return _ratio(_dot(bought & (c_next > 0), v), _dot(bought, v))


def brand_table(counts: ArrayLike, weights: ArrayLike | None = None,
                next_counts: ArrayLike | None = None,
                firms: Sequence[object] | None = None) -> pd.DataFrame:
    """The observed brand performance table, one row per firm.

    Args:
        counts: ``(F, N)`` purchases of each customer at each firm over the window.
        weights: Customer weights (population weights), length N.
        next_counts: Counts over the next window of the same length, for the repeat rate
            (NaN without them).
        firms: Firm labels (0 .. F - 1 by default).

    Returns:
        Columns ``OBSERVED_COLUMNS`` (see the module docstring for the definitions).
    """
    c = as_counts(counts)
    v = as_weights(weights, c.shape[1])
    n = c.sum(axis=0)
    bought = c > 0
    buyers = _dot(bought, v)
    purchases = _dot(c, v)
    b, w = category_measures(c, v)
    repeat = (np.full(c.shape[0], np.nan) if next_counts is None
              else repeat_rates(c, next_counts, v))
    return pd.DataFrame({
        "firm": list(range(c.shape[0])) if firms is None else list(firms),
        "market_share": _ratio(purchases, _dot(n, v)),
        "penetration": _ratio(buyers, v.sum()),
        "purchase_frequency": _ratio(purchases, buyers),
        "scr": _ratio(purchases, _dot(bought, v * n)),
        "sole_buyer_share": _ratio(_dot(bought & (c == n), v), buyers),
        "repeat_rate": repeat,
        "cat_penetration": b,
        "cat_purchase_frequency": w,
    }, columns=list(OBSERVED_COLUMNS))


def with_dirichlet(table: pd.DataFrame, *, s_method: SMethod = "nbddirichlet",
                   max_k: float = MAX_K, max_s: float = MAX_S) -> pd.DataFrame:
    """The table with the NBD-Dirichlet's fit and predictions beside the observed measures.

    M and K come from ``cat_penetration`` and ``cat_purchase_frequency`` (the same on every
    row), S from the firms' ``market_share`` and ``penetration``; predictions are for a window
    of the table's length (the repeat rate into the next window of that length).

    Args:
        table: Output of :func:`brand_table` (one window).
        s_method: How S is estimated (see :func:`sim.analysis.dirichlet.fit_dirichlet`).
        max_k: Upper bound of K.
        max_s: Upper bound of S.

    Returns:
        A copy of the table with ``DIRICHLET_COLUMNS`` added; all NaN when the category has no
        buyers or one firm makes every purchase (S is then not identified).
    """
    out = table.copy()
    for col in DIRICHLET_COLUMNS:
        out[col] = np.nan
    if out.empty:
        return out
    b = float(out["cat_penetration"].iloc[0])
    w = float(out["cat_purchase_frequency"].iloc[0])
    shares = out["market_share"].fillna(0.0).to_numpy(dtype=float)
    if not (b > 0 and w >= 1 and ((shares > 0) & (shares < 1 - 1e-9)).any()):
        return out  # no buyers, or one firm with every purchase: S is not identified
    fit = fit_dirichlet(b, w, shares, out["penetration"].to_numpy(dtype=float),
                        s_method=s_method, max_k=max_k, max_s=max_s)
    pred = fit.predict()
    out["dirichlet_M"], out["dirichlet_K"], out["dirichlet_S"] = fit.M, fit.K, fit.S
    for name in PREDICTED:
        out[f"dirichlet_{name}"] = pred[name].to_numpy()
    return out


def brand_performance(counts: ArrayLike, weights: ArrayLike | None = None,
                      next_counts: ArrayLike | None = None,
                      firms: Sequence[object] | None = None, *,
                      s_method: SMethod = "nbddirichlet") -> pd.DataFrame:
    """Observed table and Dirichlet benchmark: :func:`brand_table` then :func:`with_dirichlet`.

    Returns:
        Columns ``OBSERVED_COLUMNS + DIRICHLET_COLUMNS``, one row per firm.
    """
    return with_dirichlet(brand_table(counts, weights, next_counts, firms), s_method=s_method)
