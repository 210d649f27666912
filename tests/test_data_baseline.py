"""BG/NBD baseline: the published CDNOW estimates and forecast, the formulas, the command."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.data import BGNBD, CDNOW, bgnbd_forecast, expected_repeat, fit_bgnbd, read_log
from sim.data.baseline import log_likelihood
from sim.scenario import InputError

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "cdnow" / "CDNOW_sample.txt"
# Fader, Hardie & Lee (2005), Marketing Science 24(2), table 1: BG/NBD on the 2,357-customer
# CDNOW sample, weeks 1-39.
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LL = -9582.4


@pytest.fixture(scope="module")
def cdnow():
    return read_log(SAMPLE, CDNOW)


@pytest.fixture(scope="module")
def forecast(cdnow):
    return bgnbd_forecast(cdnow, fit_until=39, period="week")


def test_parameters_are_the_published_ones(forecast):
    p = forecast.params
    for name, value in PUBLISHED.items():
        assert getattr(p, name) == pytest.approx(value, abs=0.002), name
    assert p.loglik == pytest.approx(PUBLISHED_LL, abs=0.1)
    assert p.customers == 2357
    assert p.seconds < 10


def test_forecast_tracks_cumulative_repeat_transactions_to_week_78(forecast):
    t = forecast.table
    assert len(t) == 78 and t["period"].tolist() == list(range(1, 79))
    assert (t["window"] == "holdout").sum() == 39
    assert t["actual_cumulative"].iloc[38] == 2457  # calibration repeat transactions
    assert t["actual_cumulative"].iloc[-1] == 4339  # + 1,882 in weeks 40-78
    # the model's cumulative curve: close in the calibration window, then slightly under
    # (as in the published tracking plot, figure 2 of Fader, Hardie & Lee 2005)
    assert t["expected_cumulative"].iloc[38] == pytest.approx(2457, rel=0.02)
    assert t["expected_cumulative"].iloc[-1] == pytest.approx(4161, rel=0.005)
    e = forecast.holdout_errors()
    assert -0.05 < e["cumulative_error"] < -0.03
    assert e["rmse"] == pytest.approx(13.1, abs=0.3)
    assert np.allclose(t["expected"].cumsum(), t["expected_cumulative"])


def test_expected_repeat_against_numerical_integration():
    """E[X(t)] in closed form equals the mixture of the BG/NBD's E[X(t) | lambda, p]."""
    p = BGNBD(0.243, 4.414, 0.793, 2.426, 0, 0, 0, "scipy")
    rng = np.random.default_rng(0)
    lam = rng.gamma(p.r, 1 / p.alpha, 400_000)
    drop = rng.beta(p.a, p.b, 400_000)
    t = 20.0
    conditional = (1 - np.exp(-lam * drop * t)) / drop  # FHL 2005, equation 7
    assert expected_repeat(p, np.array([t]))[0] == pytest.approx(conditional.mean(), rel=0.02)
    assert expected_repeat(p, np.array([0.0, -3.0])).tolist() == [0.0, 0.0]


def test_fit_recovers_simulated_parameters():
    rng = np.random.default_rng(1)
    true = (0.5, 6.0, 1.2, 3.0)
    n, T = 3000, 52.0
    lam = rng.gamma(true[0], 1 / true[1], n)
    p = rng.beta(true[2], true[3], n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            x[i] += 1
            t_x[i] = t
            if rng.random() < p[i]:
                break
    fit = fit_bgnbd(x, t_x, np.full(n, T))
    assert fit.r == pytest.approx(true[0], rel=0.25)
    assert fit.alpha == pytest.approx(true[1], rel=0.3)
    assert fit.a / (fit.a + fit.b) == pytest.approx(true[2] / (true[2] + true[3]), rel=0.3)
    assert np.isfinite(log_likelihood(np.array(true), x, t_x, np.full(n, T))).all()


def test_monthly_periods_and_horizon(cdnow):
    fc = bgnbd_forecast(cdnow, fit_until=9, horizon=3, period="month")
    assert fc.table["period"].tolist() == list(range(1, 13))
    assert fc.table["start"].iloc[9] == "1997-10-01"
    assert fc.params.r == pytest.approx(PUBLISHED["r"], rel=0.05)  # same model, other unit


def test_windows_outside_the_log_are_refused(cdnow):
    with pytest.raises(InputError, match="the log has periods 1..78"):
        bgnbd_forecast(cdnow, fit_until=78)
    with pytest.raises(InputError, match="must be 1 or more"):
        bgnbd_forecast(cdnow, fit_until=39, horizon=0)
    one = pd.DataFrame({"customer": ["a", "b"], "date": pd.to_datetime(["2024-01-01",
                                                                          "2024-03-01"]),
                        "amount": [1.0, 1.0]})
    with pytest.raises(InputError, match="needs customers with repeat purchases"):
        bgnbd_forecast(one, fit_until=2)


def test_baseline_command(tmp_path, capsys):
    out = tmp_path / "b"
    assert main(["data", "baseline", str(SAMPLE), "--format", "cdnow", "--fit-until", "39",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "r=0.243 alpha=4.414 a=0.793 b=2.426" in text
    assert "cumulative repeat transactions at week 78: expected 4,161, actual 4,339" in text
    table = pd.read_csv(out / "baseline.csv")
    assert list(table.columns) == ["period", "start", "window", "actual", "expected",
                                   "actual_cumulative", "expected_cumulative"]
    assert (out / "baseline.png").is_file()
    assert main(["data", "baseline", str(SAMPLE), "--format", "cdnow", "--fit-until",
                 "90"]) == 2
    assert "--fit-until = 90" in capsys.readouterr().err


@pytest.mark.skipif(importlib.util.find_spec("pymc_marketing") is None,
                    reason="pymc-marketing (the data extra) is not installed")
def test_pymc_marketing_backend_agrees(cdnow, forecast):
    fc = bgnbd_forecast(cdnow, fit_until=39, backend="pymc")
    for name, value in PUBLISHED.items():
        assert getattr(fc.params, name) == pytest.approx(value, rel=0.01), name
    assert fc.table["expected_cumulative"].iloc[-1] == pytest.approx(
        forecast.table["expected_cumulative"].iloc[-1], rel=0.01)
