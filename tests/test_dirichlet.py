"""The NBD-Dirichlet (sim.analysis.dirichlet): the published toothpaste example and a
simulation of the model's own households."""

import numpy as np
import pytest

from sim.analysis.brands import brand_table
from sim.analysis.dirichlet import (
    MAX_K,
    brand_penetration,
    fit_dirichlet,
    fivenum_hinges,
    nbd_k,
    nbd_k_moments,
    nbd_pmf,
    predict,
    s_inliers,
)

# UK toothpaste, AGB panel, 1st quarter 1973 (Goodhardt, Ehrenberg & Chatfield 1984, section 3;
# the example of R's NBDdirichlet): category penetration 0.56, 2.6 purchases per category buyer.
CAT_PEN, CAT_W = 0.56, 2.6
BRANDS = ["Colgate DC", "Macleans", "Close Up", "Signal", "Ultrabrite", "Gibbs SR",
          "Boots private label", "Sainsbury private label"]
SHARES = [0.25, 0.19, 0.10, 0.10, 0.09, 0.08, 0.03, 0.02]
PENETRATIONS = [0.20, 0.17, 0.09, 0.08, 0.08, 0.07, 0.03, 0.02]
# R NBDdirichlet 1.4, summary(dirichlet(...)) "buy" table, printed to 2 decimals
R_PENETRATION = [0.20, 0.16, 0.09, 0.09, 0.08, 0.07, 0.03, 0.02]
R_PURCHASE_FREQUENCY = [1.82, 1.76, 1.68, 1.68, 1.67, 1.66, 1.62, 1.61]
R_CAT_PER_BUYER = [3.16, 3.22, 3.30, 3.30, 3.31, 3.32, 3.37, 3.38]


@pytest.fixture(scope="module")
def toothpaste():
    return fit_dirichlet(CAT_PEN, CAT_W, SHARES, PENETRATIONS)


def test_toothpaste_m_and_k_as_published(toothpaste):
    assert toothpaste.M == pytest.approx(1.456, abs=1e-12)
    assert round(toothpaste.K, 2) == 0.78
    # K solves 1 - (1 + M/K)^(-K) = b
    assert 1 - (1 + toothpaste.M / toothpaste.K) ** -toothpaste.K == pytest.approx(CAT_PEN)
    assert not toothpaste.k_at_bound


def test_toothpaste_s_as_r_nbddirichlet(toothpaste):
    assert round(toothpaste.S, 1) == 1.3
    # R drops Macleans and the two private labels (above the box plot's upper notch)
    assert toothpaste.s_used.tolist() == [True, False, True, True, True, True, False, False]
    # each S_j reproduces its brand's observed penetration
    for share, pen, s_j in zip(SHARES, PENETRATIONS, toothpaste.s_by_brand):
        assert brand_penetration(toothpaste.M, toothpaste.K, s_j, share) == pytest.approx(pen)


def test_toothpaste_predictions_as_r_nbddirichlet(toothpaste):
    pred = toothpaste.predict()
    half_unit = 0.005 + 1e-9
    np.testing.assert_allclose(pred["penetration"], R_PENETRATION, atol=half_unit)
    np.testing.assert_allclose(pred["purchase_frequency"], R_PURCHASE_FREQUENCY, atol=half_unit)
    np.testing.assert_allclose(pred["cat_purchase_frequency_of_buyers"], R_CAT_PER_BUYER,
                               atol=half_unit)
    # the Dirichlet fits the observed penetrations to about a point (the published finding)
    assert np.abs(pred["penetration"] - PENETRATIONS).max() < 0.015


def test_toothpaste_double_jeopardy(toothpaste):
    pred = toothpaste.predict()
    for col in ["penetration", "purchase_frequency", "scr", "sole_buyer_share", "repeat_rate"]:
        assert (np.diff(pred[col].to_numpy()) <= 1e-12).all(), col  # shares are sorted down


def test_least_squares_s_is_close(toothpaste):
    fit = fit_dirichlet(CAT_PEN, CAT_W, SHARES, PENETRATIONS, s_method="least_squares")
    assert fit.M == toothpaste.M and fit.K == toothpaste.K
    assert 1.0 < fit.S < 2.0
    with pytest.raises(ValueError, match="s_method"):
        fit_dirichlet(CAT_PEN, CAT_W, SHARES, PENETRATIONS, s_method="nope")  # type: ignore


def test_nbd_pmf_and_k_estimators():
    n, p = nbd_pmf(1.456, 0.78)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert n @ p == pytest.approx(1.456, rel=1e-10)
    assert p[0] == pytest.approx((1 + 1.456 / 0.78) ** -0.78)
    # moments: V = M + M^2 / K
    assert nbd_k_moments(2.0, 2.0 + 4.0 / 0.5) == pytest.approx(0.5)
    assert nbd_k_moments(2.0, 1.5) == MAX_K  # under-dispersed: near-Poisson
    # more buyers than a Poisson count gives: no root, K at its bound
    assert nbd_k(1 - np.exp(-1.0) + 0.01, 1.0) == MAX_K
    assert nbd_k(1.0, 1.0) == MAX_K


def test_hinges_and_inliers_as_r_boxplot():
    # R: fivenum(c(1, 2, 3, 4, 5, 6, 7, 8)) -> 1.0 2.5 4.5 6.5 8.0
    assert fivenum_hinges([8, 1, 2, 3, 4, 5, 6, 7]) == (2.5, 6.5)
    # fivenum(1:5) -> 1 2 3 4 5
    assert fivenum_hinges([1, 2, 3, 4, 5]) == (2.0, 4.0)
    # fivenum(c(1, 2, 3, 4, 6, 30)) -> 1 2 3.5 6 30: 30 beyond the fence 6 + 1.5 * 4
    assert s_inliers([1, 2, 3, 4, 6, 30]).tolist() == [True, True, True, True, True, False]
    # 1:8: no fence outlier, but 7 and 8 lie above the upper notch 4.5 + 1.58 * 4 / sqrt(8)
    assert s_inliers(np.arange(1, 9)).tolist() == [True] * 6 + [False] * 2


def test_edge_cases():
    pred = predict(1.0, 1.0, 2.0, [0.0, 1.0])
    assert pred.loc[0, "penetration"] == 0 and np.isnan(pred.loc[0, "purchase_frequency"])
    mono = pred.loc[1]
    assert mono["penetration"] == pytest.approx(1 - 2.0 ** -1.0)  # the category's penetration
    assert mono["scr"] == pytest.approx(1.0) and mono["sole_buyer_share"] == pytest.approx(1.0)
    for bad in [(0.0, 2.0), (1.2, 2.0), (0.5, 0.5)]:
        with pytest.raises(ValueError):
            fit_dirichlet(*bad, [0.5, 0.5], [0.3, 0.3])
    with pytest.raises(ValueError, match="no brand"):
        fit_dirichlet(0.5, 2.0, [0.0, 0.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="no brand"):  # one firm: S is not identified
        fit_dirichlet(0.5, 2.0, [1.0], [0.5])


# --------------------------------------------------------------- the model's own households

SIM_M, SIM_K, SIM_S = 2.5, 1.2, 1.5
SIM_SHARES = np.array([0.35, 0.25, 0.20, 0.12, 0.08])
LARGER = SIM_SHARES >= 0.2
MEASURES = ["penetration", "purchase_frequency", "scr", "sole_buyer_share", "repeat_rate"]


def simulate_households(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two consecutive periods of purchases of ``n`` Dirichlet households, (F, n) each.

    Each household buys the category at a gamma(K, M / K) rate (Poisson counts, the same rate
    in both periods) and each purchase goes to brand j with its own probability p_j, p drawn
    from Dirichlet(S * shares).
    """
    rng = np.random.default_rng(seed)
    rate = rng.gamma(SIM_K, SIM_M / SIM_K, size=n)
    probs = rng.dirichlet(SIM_S * SIM_SHARES, size=n)
    periods = []
    for _ in range(2):
        cat = rng.poisson(rate)
        periods.append(rng.multinomial(cat, probs).T)
    return periods[0], periods[1]


@pytest.fixture(scope="module")
def simulated():
    first, second = simulate_households(200_000, seed=20240519)
    return brand_table(first, next_counts=second)


def test_simulation_matches_predictions(simulated):
    pred = predict(SIM_M, SIM_K, SIM_S, SIM_SHARES)
    rel = (simulated[MEASURES] - pred[MEASURES]).abs() / pred[MEASURES]
    worst = rel[LARGER].to_numpy().max()
    assert worst < 0.02, rel.round(4).to_string()
    np.testing.assert_allclose(simulated["market_share"], SIM_SHARES, rtol=0.02)
    cat_pen = 1 - (1 + SIM_M / SIM_K) ** -SIM_K
    assert simulated["cat_penetration"].iloc[0] == pytest.approx(cat_pen, rel=0.01)
    assert simulated["cat_purchase_frequency"].iloc[0] == pytest.approx(SIM_M / cat_pen,
                                                                        rel=0.01)


def test_simulation_fit_recovers_parameters(simulated):
    fit = fit_dirichlet(simulated["cat_penetration"].iloc[0],
                        simulated["cat_purchase_frequency"].iloc[0],
                        simulated["market_share"], simulated["penetration"])
    assert fit.M == pytest.approx(SIM_M, rel=0.02)
    assert fit.K == pytest.approx(SIM_K, rel=0.05)
    assert fit.S == pytest.approx(SIM_S, rel=0.1)
    pred = fit.predict()
    rel = (simulated[MEASURES] - pred[MEASURES]).abs() / pred[MEASURES]
    assert rel[LARGER].to_numpy().max() < 0.02, rel.round(4).to_string()
