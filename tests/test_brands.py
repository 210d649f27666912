"""Observed brand performance measures (sim.analysis.brands) on hand-made purchase counts."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.brands import (
    DIRICHLET_COLUMNS,
    OBSERVED_COLUMNS,
    brand_performance,
    brand_table,
    category_measures,
    repeat_rates,
    with_dirichlet,
)
from sim.analysis.dirichlet import fit_dirichlet

# 3 firms x 6 customers; customers 4 and 5 buy nothing in the window
COUNTS = np.array([
    [2, 0, 1, 3, 0, 0],
    [0, 1, 1, 0, 0, 0],
    [0, 0, 2, 1, 0, 0],
])
NEXT = np.array([
    [1, 0, 0, 0, 2, 0],
    [0, 1, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 1],
])
# by hand: category purchases per customer n = [2, 1, 4, 4, 0, 0], 11 in all, 4 buyers
HAND = pd.DataFrame({
    "market_share": [6 / 11, 2 / 11, 3 / 11],
    "penetration": [3 / 6, 2 / 6, 2 / 6],
    "purchase_frequency": [6 / 3, 2 / 2, 3 / 2],
    "scr": [6 / (2 + 4 + 4), 2 / (1 + 4), 3 / (4 + 4)],
    "sole_buyer_share": [1 / 3, 1 / 2, 0 / 2],
    "repeat_rate": [1 / 3, 2 / 2, 0 / 2],
    "cat_penetration": [4 / 6] * 3,
    "cat_purchase_frequency": [11 / 4] * 3,
})


def reference_table(counts, weights, next_counts):
    """Customer-by-customer loops, written independently of the vectorised code."""
    n_firms, n_cust = len(counts), len(counts[0])
    total_w = sum(weights)
    cat = [sum(counts[j][i] for j in range(n_firms)) for i in range(n_cust)]
    all_purchases = sum(weights[i] * cat[i] for i in range(n_cust))
    cat_buyers = sum(weights[i] for i in range(n_cust) if cat[i] > 0)
    rows = []
    for j in range(n_firms):
        buyers = [i for i in range(n_cust) if counts[j][i] > 0]
        wb = sum(weights[i] for i in buyers)
        bought = sum(weights[i] * counts[j][i] for i in buyers)
        rows.append({
            "market_share": bought / all_purchases,
            "penetration": wb / total_w,
            "purchase_frequency": bought / wb,
            "scr": bought / sum(weights[i] * cat[i] for i in buyers),
            "sole_buyer_share": sum(weights[i] for i in buyers if counts[j][i] == cat[i]) / wb,
            "repeat_rate": sum(weights[i] for i in buyers if next_counts[j][i] > 0) / wb,
            "cat_penetration": cat_buyers / total_w,
            "cat_purchase_frequency": all_purchases / cat_buyers,
        })
    return pd.DataFrame(rows)


def test_hand_made_counts():
    table = brand_table(COUNTS, next_counts=NEXT, firms=["a", "b", "c"])
    assert list(table.columns) == list(OBSERVED_COLUMNS)
    assert table["firm"].tolist() == ["a", "b", "c"]
    pd.testing.assert_frame_equal(table[HAND.columns], HAND, check_exact=False, rtol=1e-12)
    assert table["market_share"].sum() == pytest.approx(1.0)


def test_against_loops_with_weights():
    rng = np.random.default_rng(7)
    counts = rng.poisson(0.8, size=(4, 300)) * (rng.random((4, 300)) < 0.6)
    next_counts = rng.poisson(0.8, size=(4, 300))
    weights = rng.uniform(0.5, 3.0, size=300)
    table = brand_table(counts, weights, next_counts)
    ref = reference_table(counts.tolist(), weights.tolist(), next_counts.tolist())
    pd.testing.assert_frame_equal(table[ref.columns], ref, check_exact=False, rtol=1e-12)


def test_integer_weights_equal_duplicated_customers():
    weights = np.array([1, 2, 3, 1, 4, 2])
    weighted = brand_table(COUNTS, weights, NEXT)
    duplicated = brand_table(np.repeat(COUNTS, weights, axis=1), None,
                             np.repeat(NEXT, weights, axis=1))
    pd.testing.assert_frame_equal(weighted, duplicated, check_exact=False, rtol=1e-12)


def test_undefined_ratios_are_nan():
    counts = np.array([[1, 0, 2], [0, 0, 0]])
    table = brand_table(counts)
    assert table["repeat_rate"].isna().all()  # no next window
    silent = table.iloc[1]
    assert silent["market_share"] == 0 and silent["penetration"] == 0
    for col in ["purchase_frequency", "scr", "sole_buyer_share"]:
        assert np.isnan(silent[col])
    assert np.isnan(repeat_rates(counts, counts)[1])
    empty = brand_table(np.zeros((2, 4), dtype=int))
    assert empty["market_share"].isna().all() and (empty["penetration"] == 0).all()
    assert np.isnan(category_measures(np.zeros((2, 4)))[1])


def test_bad_input():
    with pytest.raises(ValueError, match="array"):
        brand_table(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="non-negative"):
        brand_table(np.array([[1, -1]]))
    with pytest.raises(ValueError, match="weights"):
        brand_table(COUNTS, weights=np.ones(5))
    with pytest.raises(ValueError, match="next_counts"):
        brand_table(COUNTS, next_counts=NEXT[:, :5])


def dirichlet_households(n, seed, shares=(0.5, 0.3, 0.2), m=2.0, k=1.0, s=2.0):
    rng = np.random.default_rng(seed)
    rate = rng.gamma(k, m / k, size=n)
    probs = rng.dirichlet(s * np.asarray(shares), size=n)
    return [rng.multinomial(rng.poisson(rate), probs).T for _ in range(2)]


def test_with_dirichlet_columns_and_fit():
    first, second = dirichlet_households(20_000, seed=3)
    table = brand_performance(first, next_counts=second)
    assert list(table.columns) == list(OBSERVED_COLUMNS) + list(DIRICHLET_COLUMNS)
    for col in ["dirichlet_M", "dirichlet_K", "dirichlet_S"]:
        assert table[col].nunique() == 1
    m = table["cat_penetration"].iloc[0] * table["cat_purchase_frequency"].iloc[0]
    assert table["dirichlet_M"].iloc[0] == pytest.approx(m)
    fit = fit_dirichlet(table["cat_penetration"].iloc[0], table["cat_purchase_frequency"].iloc[0],
                        table["market_share"], table["penetration"])
    assert table["dirichlet_S"].iloc[0] == pytest.approx(fit.S)
    pred = fit.predict()
    for name in ["penetration", "purchase_frequency", "scr", "sole_buyer_share",
                 "repeat_rate"]:
        np.testing.assert_allclose(table[f"dirichlet_{name}"], pred[name])
        # the model's own households: observed within 5% of the fit at this size
        np.testing.assert_allclose(table[name], table[f"dirichlet_{name}"], rtol=0.05)


def test_with_dirichlet_degenerate_tables():
    nothing = brand_performance(np.zeros((3, 10), dtype=int))
    assert nothing[list(DIRICHLET_COLUMNS)].isna().all().all()
    first, _ = dirichlet_households(5_000, seed=4)
    with_silent = np.vstack([first, np.zeros((1, first.shape[1]), dtype=int)])
    table = brand_performance(with_silent)
    assert np.isfinite(table["dirichlet_S"]).all()
    assert table["dirichlet_penetration"].iloc[-1] == 0
    assert np.isnan(table["dirichlet_purchase_frequency"].iloc[-1])
    assert with_dirichlet(brand_table(np.zeros((0, 3)))).empty
    monopoly = brand_performance(np.array([[1, 0, 3, 2]]))
    assert monopoly["penetration"].iloc[0] == 0.75
    assert monopoly[list(DIRICHLET_COLUMNS)].isna().all().all()


def test_small_unsigned_counts():
    """uint8 counts (as the model keeps them) give the same table as int64."""
    wide = np.array([[200, 0, 255], [255, 3, 0]])
    pd.testing.assert_frame_equal(brand_table(wide.astype(np.uint8), next_counts=wide),
                                  brand_table(wide, next_counts=wide))
    assert brand_table(wide.astype(np.uint8))["scr"].iloc[0] == pytest.approx(455 / 710)
