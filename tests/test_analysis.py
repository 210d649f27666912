"""Tests of sim.analysis: sBG, Kaplan-Meier, Cox, retention curves, arithmetic, loyalty."""

import numpy as np
import pandas as pd
import pytest

from sim import Market, load_scenario
from sim.analysis import (
    clv,
    cohort_alive,
    cox_ph,
    derl,
    dick_basu_composition,
    expected_lifetime,
    fit_sbg,
    has_loyalty_types,
    kaplan_meier,
    plot_dick_basu,
    plot_retention_curve,
    restricted_mean,
    retention_curve,
    retention_for_lifetime,
    run_with_spells,
    satisfaction_retention,
    survival_at,
)
from sim.analysis.sbg import log_likelihood, survival

# Fader & Hardie (2007), "How to project customer retention", Table 1 and section 4.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
CASE = "scenarios/nanyuan_vs_eaton.yaml"


@pytest.mark.parametrize("alive, alpha, beta, ll", [
    (REGULAR, 0.704, 1.182, -1680.3), (HIGH_END, 0.668, 3.806, -1611.2)])
def test_sbg_recovers_published_parameters(alive, alpha, beta, ll):
    fit = fit_sbg(alive)
    assert fit.alpha == pytest.approx(alpha, abs=0.001)
    assert fit.beta == pytest.approx(beta, abs=0.001)
    assert fit.loglik == pytest.approx(ll, abs=0.1)


def test_sbg_projection_and_retention_rise_with_tenure():
    fit = fit_sbg(REGULAR)
    proj = fit.project(12)
    assert proj["alive"].iloc[:8].to_numpy() == pytest.approx(REGULAR, rel=0.06)
    r = proj["retention"].dropna().to_numpy()
    assert np.all(np.diff(r) > 0)
    assert r[0] == pytest.approx(fit.beta / (fit.alpha + fit.beta))


def test_sbg_recovers_simulated_heterogeneity():
    rng = np.random.default_rng(1)
    theta = rng.beta(1.5, 4.0, 50_000)
    life = rng.geometric(theta)
    alive = [(life > t).sum() for t in range(9)]
    fit = fit_sbg(alive)
    assert fit.alpha == pytest.approx(1.5, rel=0.1)
    assert fit.beta == pytest.approx(4.0, rel=0.1)
    assert log_likelihood(fit.alpha, fit.beta, alive) >= log_likelihood(1.5, 4.0, alive)


def test_derl_equals_discounted_sum_of_survival():
    a, b, d = 0.668, 3.806, 0.1
    for renewals in (0, 4):
        n = renewals + 1
        t = np.arange(n, 5000)
        direct = (survival(a, b, t) / survival(a, b, n - 1) / (1 + d) ** (t - n)).sum()
        assert derl(a, b, d, renewals) == pytest.approx(direct, rel=1e-9)
    assert derl(a, b, d, 5) > derl(a, b, d, 0)  # survivors are the better customers


def test_sbg_refuses_bad_input():
    with pytest.raises(ValueError):
        fit_sbg([100, 120, 90])
    with pytest.raises(ValueError):
        fit_sbg([100, 90])


def test_kaplan_meier_hand_example():
    km = kaplan_meier([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1])
    expected = [5 / 6, 5 / 6 * 4 / 5, 5 / 6 * 4 / 5 * 2 / 3, 4 / 9, 0.0]
    assert km["survival"].to_numpy() == pytest.approx(expected)
    assert km["at_risk"].tolist() == [6, 5, 3, 2, 1]
    assert survival_at(km, [0.5, 2, 3.5]) == pytest.approx([1, 2 / 3, 4 / 9])
    # area: 1*1 + (5/6)*1 + (2/3)*1 + (4/9)*2 = 3.3889
    assert restricted_mean(km, 5) == pytest.approx(1 + 5 / 6 + 2 / 3 + 8 / 9)


def test_kaplan_meier_matches_geometric_lifetimes():
    rng = np.random.default_rng(2)
    life = rng.geometric(0.1, 20_000)
    km = kaplan_meier(life, np.ones(life.size))
    assert survival_at(km, 10)[0] == pytest.approx(0.9 ** 10, abs=0.01)
    assert restricted_mean(km, 500) == pytest.approx(expected_lifetime(0.9), rel=0.03)


def _synthetic_hazards(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n)
    z = rng.normal(size=n)
    t = rng.exponential(1 / (0.05 * np.exp(np.log(1.8) * x - 0.4 * z)))
    c = rng.exponential(30, n)
    return pd.DataFrame({"d": np.minimum(t, c), "e": (t <= c).astype(int), "x": x, "z": z})


def test_cox_recovers_known_hazard_ratio():
    res = cox_ph(_synthetic_hazards(5000, 3), "d", "e", ["x", "z"])
    assert res.hazard_ratio["x"] == pytest.approx(1.8, rel=0.08)
    assert res.coef["z"] == pytest.approx(-0.4, abs=0.06)
    s = res.summary()
    assert s.loc["x", "hr_low"] < 1.8 < s.loc["x", "hr_high"]
    assert res.events == int(_synthetic_hazards(5000, 3)["e"].sum())


def test_cox_handles_ties_and_matches_lifelines_if_installed():
    df = _synthetic_hazards(2000, 4).assign(d=lambda d: np.ceil(d["d"]))
    res = cox_ph(df, "d", "e", ["x"])
    assert 1.4 < res.hazard_ratio["x"] < 2.2
    pytest.importorskip("lifelines")
    ref = cox_ph(df, "d", "e", ["x"], backend="lifelines")
    assert res.coef["x"] == pytest.approx(ref.coef["x"], abs=1e-3)


def test_cox_counting_process_rows_give_the_same_fit():
    df = _synthetic_hazards(3000, 6)
    whole = cox_ph(df, "d", "e", ["x"])
    long = df[df["d"] > 5]
    split = pd.concat([long.assign(entry=0.0, d=5.0, e=0), long.assign(entry=5.0),
                       df[df["d"] <= 5].assign(entry=0.0)])
    res = cox_ph(split, "d", "e", ["x"], entry="entry")
    assert res.coef["x"] == pytest.approx(whole.coef["x"], abs=1e-9)
    with pytest.raises(ValueError, match="entry"):
        cox_ph(split.assign(entry=split["d"]), "d", "e", ["x"], entry="entry")


def test_cox_refuses_no_events():
    df = pd.DataFrame({"d": [1, 2], "e": [0, 0], "x": [0, 1]})
    with pytest.raises(ValueError, match="no events"):
        cox_ph(df, "d", "e", ["x"])


def test_retention_curve_rises_on_synthetic_case(tmp_path):
    rng = np.random.default_rng(5)
    s = rng.random(20_000)
    kept = rng.random(s.size) < 0.3 + 0.65 * s ** 3
    curve = retention_curve(s, kept, bins=10, horizon=4)
    r = curve["retention"].to_numpy()
    assert np.all(np.diff(r) > -0.03) and r[-1] - r[0] > 0.5
    assert curve["customers"].sum() == s.size
    assert np.all(curve["retention_per_period"] >= curve["retention"])
    fig = plot_retention_curve({"synthetic": curve.assign(horizon=4)}, tmp_path / "c.png")
    assert (tmp_path / "c.png").stat().st_size > 0
    assert "satisfaction" in fig.axes[0].get_xlabel()


def test_retention_curve_small_bins_are_nan():
    curve = retention_curve([0.05, 0.95, 0.96], [1, 0, 1], bins=2, min_count=2)
    assert np.isnan(curve["retention"].iloc[0]) and curve["retention"].iloc[1] == 0.5


def test_satisfaction_retention_from_a_model():
    sc = load_scenario(CASE, customers=4000, periods=30)
    curve = satisfaction_retention(lambda: Market(sc, seed=2), "nanyuan", t0=10, horizon=8)
    assert curve["customers"].sum() > 0
    assert curve["retention"].dropna().between(0, 1).all()
    with pytest.raises(ValueError, match="past t0"):
        m = Market(sc, seed=2)
        m.step()
        satisfaction_retention(m, "nanyuan", t0=0, horizon=1)


def test_spells_are_consistent_with_model_state():
    sc = load_scenario(CASE, customers=3000, periods=20)
    model = Market(sc, seed=4)
    spells = run_with_spells(model)
    open_ = spells[spells["event"] == 0]
    active = sum(int((model.customers.status[f] == 1).sum()) for f in range(2))
    assert len(open_) == active
    assert (spells["duration"] >= 0).all()
    assert (spells.loc[spells["event"] == 1, "duration"] >= 1).all()
    alive = cohort_alive(spells, start=0, ages=10, firm="eaton")
    assert alive[0] >= alive[-1] and np.all(np.diff(alive) <= 0)


def test_retention_arithmetic():
    assert expected_lifetime(0.9) == pytest.approx(10)
    assert expected_lifetime(0.95) == pytest.approx(20)
    assert retention_for_lifetime(4) == pytest.approx(0.75)
    assert clv(100, 0.8, 0.1) == pytest.approx(100 * 1.1 / 0.3)
    assert clv(100, 0.8, 0.1, timing="end") == pytest.approx(100 * 0.8 / 0.3)
    assert clv(100, 0.8, 0.0, periods=3) == pytest.approx(100 + 80 + 64)
    assert clv(100, 1.0, 0.0, periods=5) == pytest.approx(500)
    with pytest.raises(ValueError):
        expected_lifetime(1.2)


def test_dick_basu_composition_and_plot(tmp_path):
    traj = pd.DataFrame({"period": [0, 0, 1, 1], "firm": ["a", "b", "a", "b"],
                         "loyal_true": [2, 0, 3, 1], "loyal_spurious": [2, 1, 1, 1],
                         "loyal_latent": [0, 1, 0, 1], "loyal_none": [0, 2, 0, 1]})
    assert has_loyalty_types(traj)
    comp = dick_basu_composition(traj)
    assert comp[["true", "spurious", "latent", "none"]].sum(axis=1).tolist() == [1, 1, 1, 1]
    assert comp.loc[0, "true"] == 0.5
    plot_dick_basu(traj, tmp_path / "db.png")
    assert (tmp_path / "db.png").exists()
    with pytest.raises(KeyError, match="Dick & Basu"):
        dick_basu_composition(traj.drop(columns="loyal_true"))
