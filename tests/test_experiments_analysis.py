"""Seeds, sensitivity indices (SALib wrapper), reports and calibration."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from test_experiments_support import CASE, write_experiment

from sim.cli import main
from sim.experiments import load_plan, run_seed, run_sweep
from sim.experiments.calibrate import load_calibration, simulate_curve
from sim.experiments.designs import problem, sample_matrix
from sim.experiments.schema import MorrisDesign, SobolDesign

pytest.importorskip("SALib")

ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def _factors(n, low=-math.pi, high=math.pi):
    return [{"path": f"x{i}", "name": f"x{i}", "low": low, "high": high} for i in range(n)]


def test_seeds_do_not_depend_on_order_and_differ_between_runs():
    seeds = {(i, r): run_seed(9, i, r, common=False) for i in range(5) for r in range(5)}
    assert len(set(seeds.values())) == 25
    assert all(0 <= s < 2**63 for s in seeds.values())
    assert run_seed(9, 3, 2, common=False) == seeds[(3, 2)]
    assert run_seed(9, 0, 2) == run_seed(9, 4, 2) != run_seed(10, 0, 2)


def test_sobol_indices_of_ishigami_are_recovered():
    from sim.experiments.sensitivity import sobol_indices

    design = SobolDesign(type="sobol", samples=2048, factors=_factors(3))
    x = sample_matrix(design, root_seed=1)
    assert x.shape == (2048 * 5, 3)
    res = sobol_indices(problem(design.factors), ishigami(x), seed=1)
    assert list(res["factor"]) == ["x0", "x1", "x2"]
    np.testing.assert_allclose(res["S1"], ISHIGAMI_S1, atol=0.05)
    np.testing.assert_allclose(res["ST"], ISHIGAMI_ST, atol=0.05)
    assert (res["S1_conf"] > 0).all() and (res["ST_conf"] < 0.1).all()


def test_morris_ranks_factors_of_a_linear_function():
    from sim.experiments.sensitivity import morris_indices

    design = MorrisDesign(type="morris", trajectories=20, factors=_factors(3, 0, 1))
    x = sample_matrix(design, root_seed=3)
    y = 5 * x[:, 0] + 1 * x[:, 1]
    res = morris_indices(problem(design.factors), x, y, levels=design.levels)
    np.testing.assert_allclose(res["mu_star"], [5, 1, 0], atol=1e-9)
    np.testing.assert_allclose(res["sigma"], [0, 0, 0], atol=1e-9)


def test_sampled_designs_are_reproducible_from_the_root_seed():
    design = SobolDesign(type="sobol", samples=8, factors=_factors(2))
    assert np.array_equal(sample_matrix(design, 5), sample_matrix(design, 5))
    assert not np.array_equal(sample_matrix(design, 5), sample_matrix(design, 6))


def test_sobol_sweep_report_has_indices_bands_and_comparison(tmp_path):
    exp = write_experiment(tmp_path, customers=300, horizon=10, replications=1,
                           design={"type": "sobol", "samples": 4, "factors": [
                               {"path": "firms.eaton.strategies.3.discount", "name": "depth",
                                "low": 0.05, "high": 0.5},
                               {"path": "firms.nanyuan.strategies.2.contacts",
                                "name": "winback_contacts", "low": 10, "high": 300,
                                "integer": True}]})
    out = tmp_path / "sweep"
    assert main(["sweep", str(exp), "--out", str(out), "--workers", "2"]) == 0
    rep = out / "report"
    sens = pd.read_csv(rep / "sensitivity.csv")
    assert set(sens["output"]) == {"retention", "share", "profit"}
    assert set(sens["firm"]) == {"nanyuan", "eaton"}
    assert set(sens["factor"]) == {"depth", "winback_contacts"}
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(sens.columns)
    assert (rep / "sensitivity.png").stat().st_size > 1000
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["variants"]) == 4 * 4
    assert all(isinstance(v["values"]["winback_contacts"], int) for v in manifest["variants"])
    assert manifest["version"] and manifest["experiment"]["name"] == "tiny grid"


def test_variant_comparison_has_intervals_and_paired_differences(tmp_path):
    exp = write_experiment(tmp_path, customers=300, horizon=10, replications=3,
                           values=(0.05, 0.5))
    out = tmp_path / "sweep"
    run_sweep(load_plan(exp), out, workers=2)
    assert main(["report", str(out)]) == 0
    comp = pd.read_csv(out / "report" / "comparison.csv")
    assert len(comp) == 2 * 2 * 3  # variants x firms x outputs
    first = comp[comp["variant"] == "depth=0.05"]
    assert (first["diff_vs_first"] == 0).all()
    assert (comp["ci_lo"] <= comp["mean"]).all() and (comp["mean"] <= comp["ci_hi"]).all()
    assert (comp["n"] == 3).all()
    bands = pd.read_csv(out / "report" / "bands.csv")
    assert set(bands["metric"]) == {"retention_rate", "market_share", "cumulative_profit"}
    assert (bands["lo"] <= bands["mean"] + 1e-9).all() and (bands["n"] == 3).all()
    for metric in ("retention_rate", "market_share", "cumulative_profit"):
        assert (out / "report" / f"bands_{metric}.png").is_file()


def test_calibration_recovers_a_price_from_a_simulated_curve(tmp_path):
    true_price = 380.0
    cal = {"name": "recover", "scenario": str(CASE),
           "overrides": ["market.customers=2000", "horizon=24"],
           "observed": {"file": "obs.csv"},
           "target": {"firm": "eaton", "metric": "market_share"},
           "parameters": [{"path": "firms.eaton.price", "low": 300, "high": 500}],
           "replications": 4, "seed": 3,
           "optimizer": {"initial_points": 7, "max_evaluations": 24}}
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump(cal))
    (tmp_path / "obs.csv").write_text("period,value\n" + "".join(f"{t},0\n" for t in range(24)))
    made = simulate_curve(load_calibration(path), {"price": true_price}).mean(axis=0)
    pd.DataFrame({"period": range(24), "value": made}).to_csv(tmp_path / "obs.csv", index=False)

    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out)]) == 0
    saved = json.loads((out / "params.json").read_text())
    assert abs(saved["params"]["price"] - true_price) <= 10
    assert saved["rmse"] < 0.1 * made.mean()
    assert saved["evaluations"] <= 24
    fit = pd.read_csv(out / "fit.csv")
    assert list(fit.columns) == ["period", "observed", "simulated", "error", "rmse_point"]
    np.testing.assert_allclose(fit["observed"], made, rtol=1e-5)  # CSV: 6 significant digits
    assert (out / "fit.png").stat().st_size > 1000
    history = pd.read_csv(out / "history.csv")
    assert history["rmse"].min() == pytest.approx(saved["rmse"], rel=1e-5)
