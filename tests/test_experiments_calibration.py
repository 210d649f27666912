"""Calibration to real data (issue 13): targets, windows, parallel batches, forecast vs BG/NBD."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.experiments.calibrate import CalibrationResult, calibrate, load_calibration
from sim.experiments.calibration_schema import TargetCurve
from sim.experiments.targets import objective, simulated_curve

pytest.importorskip("optuna")
pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[1]
RETAIL = ROOT / "scenarios" / "retail_cdnow.yaml"
SAMPLE = ROOT / "data" / "cdnow" / "CDNOW_sample.txt"


def test_derived_and_cumulative_target_curves():
    traj = pd.DataFrame({"period": [0, 1, 2], "firm": "r", "served": [5.0, 7.0, 4.0],
                         "new_customers": [5.0, 2.0, 0.0]})
    weekly = TargetCurve(column="x", metric="repeat_transactions")
    cum = TargetCurve(column="y", metric="repeat_transactions", transform="cumulative_sum")
    periods = np.array([0, 1, 2])
    assert simulated_curve(traj, weekly, "r", periods).tolist() == [0, 5, 4]
    assert simulated_curve(traj, cum, "r", periods).tolist() == [0, 5, 9]


def test_objective_weights_scaled_rmse_in_the_window_only():
    a = TargetCurve(column="a", weight=2.0)
    b = TargetCurve(column="b", scale="none")
    curves = {"a": np.array([[1.0, 2.0, 100.0]]), "b": np.array([[0.0, 0.0, 0.0]])}
    obs = {"a": np.array([1.0, 3.0, 0.0]), "b": np.array([3.0, 4.0, 0.0])}
    total, errs = objective(curves, obs, np.array([True, True, False]), [a, b])
    assert errs["a"] == pytest.approx(np.sqrt(0.5))
    assert errs["b"] == pytest.approx(np.sqrt(12.5))
    assert total == pytest.approx(2 * np.sqrt(0.5) / 2.0 + np.sqrt(12.5))


def _made_up(tmp_path: Path, method: str, budget: int) -> Path:
    """A calibration of two retail parameters to a curve the simulator made."""
    cal = {"name": "retail", "scenario": str(RETAIL),
           "overrides": {"market.population": 2000, "market.customers": 2000, "horizon": 30},
           "observed": {"file": "obs.csv", "offset": -1},
           "targets": [{"column": "repeat", "metric": "repeat_transactions"},
                       {"column": "repeat_cum", "metric": "repeat_transactions",
                        "transform": "cumulative_sum", "weight": 0.5}],
           "window": {"fit_until": 20},
           "parameters": [{"path": "market.segments.0.need_prob", "name": "rate",
                           "low": 0.02, "high": 0.3, "log": True},
                          {"path": "params.dropout.b", "name": "b", "low": 1.0, "high": 10.0}],
           "replications": 2, "seed": 1,
           "optimizer": {"method": method, "max_evaluations": budget, "batch": 4,
                         "initial_points": 6, "population": 6}}
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump(cal))
    zeros = "".join(f"{t},0,0\n" for t in range(1, 31))
    (tmp_path / "obs.csv").write_text("period,repeat,repeat_cum\n" + zeros)
    plan = load_calibration(path)
    from sim.experiments.calibrate import simulate_curve

    made = simulate_curve(plan, {"rate": 0.1, "b": 4.0}).mean(axis=0)
    pd.DataFrame({"period": range(1, 31), "repeat": made, "repeat_cum": made.cumsum()}
                 ).to_csv(tmp_path / "obs.csv", index=False)
    return path


@pytest.mark.parametrize("method", ["tpe", "differential-evolution"])
def test_multi_target_calibration_recovers_the_rate_and_reports_the_holdout(tmp_path, method):
    path = _made_up(tmp_path, method, 24)
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out), "--workers", "2"]) == 0
    saved = json.loads((out / "params.json").read_text())
    assert saved["evaluations"] <= 24 and saved["workers"] == 2
    assert abs(np.log(saved["params"]["rate"] / 0.1)) < np.log(1.35)
    assert set(saved["rmse"]) == {"repeat", "repeat_cum"}
    assert set(saved["holdout_rmse"]) == {"repeat", "repeat_cum"}
    fit = pd.read_csv(out / "fit.csv")
    assert list(fit.columns) == ["target", "period", "window", "observed", "simulated",
                                 "error", "rmse_point"]
    assert set(fit["window"]) == {"calibration", "holdout"}
    assert (fit[fit["window"] == "holdout"]["period"] > 20).all()
    assert (out / "fit.png").stat().st_size > 1000
    # the calibrated scenario reproduces the fit with the listed seeds
    sc = yaml.safe_load((out / "scenario.yaml").read_text())
    assert sc["market"]["segments"][0]["need_prob"] == pytest.approx(saved["params"]["rate"])
    assert sc["seed"] == saved["seeds"][0]


def test_results_do_not_depend_on_the_number_of_workers(tmp_path):
    plan = load_calibration(_made_up(tmp_path, "tpe", 8))
    one = calibrate(plan, workers=1)
    two = calibrate(plan, workers=2)
    pd.testing.assert_frame_equal(one.history, two.history)
    assert one.params == two.params
    # the runs' own wall and CPU times are summed (the benchmark's busy and wall/cpu)
    for r in (one, two):
        assert 0 < r.run_cpu_seconds and 0 < r.run_seconds <= r.workers * r.seconds


def test_complement_parameter_keeps_shares_summing_to_one(tmp_path):
    sc = yaml.safe_load(RETAIL.read_text())
    seg = sc["market"]["segments"][0]
    sc["market"]["segments"] = [{**seg, "name": "heavy", "share": 0.3},
                                {**seg, "name": "light", "share": 0.7}]
    (tmp_path / "two.yaml").write_text(yaml.safe_dump(sc))
    cal = {"scenario": "two.yaml", "observed": {"file": "obs.csv"},
           "targets": [{"column": "v", "metric": "served"}],
           "parameters": [{"path": "market.segments.heavy.share", "low": 0.1, "high": 0.9,
                           "complement": "market.segments.light.share"}]}
    (tmp_path / "cal.yaml").write_text(yaml.safe_dump(cal))
    (tmp_path / "obs.csv").write_text("period,v\n0,1\n1,2\n")
    plan = load_calibration(tmp_path / "cal.yaml")
    shares = [s.share for s in plan.scenario({"share": 0.25}).market.segments]
    assert shares == pytest.approx([0.25, 0.75])


def test_forecast_on_the_cdnow_sample_beside_bgnbd(tmp_path, capsys):
    """A small version of the issue's check: CDNOW sample, weeks 1-39, forecast 40-78."""
    data = tmp_path / "data"
    assert main(["data", "import", str(SAMPLE), "--format", "cdnow", "--out", str(data)]) == 0
    out = tmp_path / "fc"
    assert main(["forecast", "--observed", str(data / "observed.csv"), "--fit-until", "39",
                 "--out", str(out), "--budget", "24", "--agents", "2357",
                 "--workers", "2"]) == 0
    text = capsys.readouterr().out
    assert "calibrated simulator" in text and "BG/NBD baseline" in text
    table = pd.read_csv(out / "forecast.csv")
    assert list(table.columns) == ["period", "actual", "simulator", "baseline"]
    assert len(table) == 78 and table["actual"].sum() == 4339
    hold = table[table["period"] > 39]
    sim_rmse = np.sqrt(((hold["simulator"] - hold["actual"]) ** 2).mean())
    base_rmse = np.sqrt(((hold["baseline"] - hold["actual"]) ** 2).mean())
    assert base_rmse == pytest.approx(13.1, abs=0.1)  # the published BG/NBD fit
    # a small budget (18 TPE candidates, 6 local steps, one agent per customer) already
    # forecasts beside the baseline: measured RMSE 14.6 against 13.1, week 78 -2.5%
    # against BG/NBD's -4.1% (with purchase occasions, ODD 7.27; one purchase a week
    # before: 12.2 and +1.4%); the bounds leave room for other random streams
    assert sim_rmse < 1.2 * base_rmse
    assert abs(table["simulator"].sum() / 4339 - 1) < 0.06
    assert (out / "forecast.png").stat().st_size > 1000
    calibrated = yaml.safe_load((out / "calibration" / "scenario.yaml").read_text())
    # the forecast counts purchase occasions (the panel's transactions are purchase days)
    assert calibrated["params"]["occasions"]["enabled"] is True
    # the calibrated fit's repeat transactions match the window's (weeks 1-39) in total
    fit = table[table["period"] <= 39]
    assert fit["simulator"].sum() == pytest.approx(fit["actual"].sum(), rel=0.05)


def test_forecast_refuses_a_window_outside_the_data(tmp_path, capsys):
    (tmp_path / "observed.csv").write_text("period,repeat_transactions\n1,0\n2,3\n")
    assert main(["forecast", "--observed", str(tmp_path / "observed.csv"), "--fit-until",
                 "2", "--out", str(tmp_path / "o")]) == 2
    assert "--fit-until" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_polish_continues_the_search_locally_from_its_best_point(tmp_path):
    """TPE then Nelder-Mead: the same TPE candidates, then local steps that never lose."""
    path = _made_up(tmp_path, "tpe", 16)
    plan = load_calibration(path)

    def with_optimizer(**changes: int) -> CalibrationResult:
        opt = plan.cal.optimizer.model_copy(update=changes)
        return calibrate(replace(plan, cal=plan.cal.model_copy(update={"optimizer": opt})))

    tpe = with_optimizer(max_evaluations=10)
    polished = with_optimizer(polish=6)
    assert len(polished.history) <= 16
    pd.testing.assert_frame_equal(polished.history.iloc[:10], tpe.history)
    assert polished.objective <= tpe.objective
    # the local search starts at the best TPE point and stays near it
    start = tpe.history.loc[tpe.history.objective.idxmin(), "rate"]
    later = polished.history.iloc[10:]["rate"]
    assert len(later) > 0 and (abs(np.log(later / start)) < 0.5).all()
