"""Experiment and calibration files: errors name the file, field path, line, value, and fix."""

import pytest
from test_experiments_support import CASE

from sim.cli import main
from sim.experiments import load_plan
from sim.experiments.calibrate import load_calibration
from sim.scenario import InputError


def _problems(tmp_path, text, loader=load_plan, name="exp.yaml", file=None):
    path = tmp_path / name
    path.write_text(text.replace("CASE", str(CASE)))
    with pytest.raises(InputError) as e:
        loader(path)
    assert e.value.file == str(file or path)
    return [p.render(e.value.file) for p in e.value.problems]


def test_unknown_key_has_line_and_did_you_mean(tmp_path):
    (msg,) = _problems(tmp_path, "scenario: CASE\nreplicatons: 3\n")
    assert msg.endswith("exp.yaml:2: replicatons: unknown key; did you mean 'replications'? "
                        "Allowed keys: common_random_numbers, description, design, limits, "
                        "name, outputs, overrides, replications, scenario, seed")


def test_design_errors_have_path_line_and_value(tmp_path):
    text = ("scenario: CASE\ndesign:\n  type: sobol\n  samples: 100\n  factors:\n"
            "    - {path: market.price_norm, low: 500, high: 300}\n"
            "    - {path: params.choice.inertia, low: 0, high: 1}\n"
            "outputs: [retention]\n")
    msgs = _problems(tmp_path, text)
    assert any(":4: design.samples = 100: must be a power of 2 (e.g. 64 or 128)" in m
               for m in msgs)
    assert any(":6: design.factors[0]: low (500) must be below high (300)" in m for m in msgs)
    assert any(":8: outputs" in m and "did you mean 'retention_rate'?" in m for m in msgs)


def test_unknown_design_type_lists_the_allowed(tmp_path):
    (msg,) = _problems(tmp_path, "scenario: CASE\ndesign: {type: hypercube}\n")
    assert ":2: design" in msg and "'latin_hypercube', 'sobol', 'morris'" in msg


def test_missing_scenario_file(tmp_path):
    (msg,) = _problems(tmp_path, "scenario: nowhere.yaml\n")
    assert ":1: scenario = 'nowhere.yaml': no such scenario file" in msg


def test_invalid_variant_names_the_variant_and_override_line(tmp_path):
    text = ("scenario: CASE\ndesign:\n  type: variants\n  variants:\n    - name: ok\n"
            "    - name: broken\n      overrides:\n        firms.eaton.price: -3\n"
            "    - name: typo\n      overrides: ['firms.eatn.price=3']\n")
    broken, typo = _problems(tmp_path, text)
    assert ":8: design.variants[1].overrides.firms.eaton.price (variant 'broken'): " \
           "scenario firms[1].price = -3: Input should be greater than 0" in broken
    assert ":10: design.variants[2].overrides[0]: --set firms.eatn.price=3: no item 'eatn'; " \
           "items are ['nanyuan', 'eaton']" in typo


def test_factor_typo_points_at_the_factor_with_did_you_mean(tmp_path):
    text = ("scenario: CASE\ndesign:\n  type: grid\n  factors:\n"
            "    - path: firms.eaton.strategies.3.discont\n      values: [0.1, 0.2]\n")
    (msg,) = _problems(tmp_path, text)  # reported once, not once per grid value
    assert ":5: design.factors[0].path (variant 'discont=0.1'): scenario " \
           "firms[1].strategies[3].discont: unknown key; did you mean 'discount'?" in msg


def test_duplicate_names_are_refused(tmp_path):
    text = ("scenario: CASE\ndesign:\n  type: grid\n  factors:\n"
            "    - {path: firms.eaton.price, values: [1]}\n"
            "    - {path: firms.nanyuan.price, values: [2]}\n")
    (msg,) = _problems(tmp_path, text)
    assert ":4: design.factors" in msg and "['price'] repeat" in msg


def test_cli_exit_2_without_traceback_or_output(tmp_path, capsys):
    path = tmp_path / "exp.yaml"
    path.write_text(f"scenario: {CASE}\nreplications: 0\n")
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "exp.yaml:2: replications = 0: Input should be greater than or equal to 1" in err
    assert "Traceback" not in err and not out.exists()


def test_cli_refuses_bad_options(tmp_path, capsys):
    path = tmp_path / "exp.yaml"
    path.write_text(f"scenario: {CASE}\n")
    assert main(["sweep", str(path), "--workers", "0", "--scheduler", "tcp://x:1"]) == 2
    err = capsys.readouterr().err
    assert "--workers = 0: must be at least 1" in err and "--scheduler: needs --engine dask" in err


def test_report_of_a_folder_without_sweep(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a sweep folder: no manifest.json" in capsys.readouterr().err


def test_calibration_errors(tmp_path):
    (tmp_path / "obs.csv").write_text("period,value\n0,0.5\nx,0.4\n2,nan\n")
    text = ("scenario: CASE\nobserved: {file: obs.csv}\ntarget: {firm: eaton}\n"
            "parameters:\n  - {path: firms.eaton.price, low: 300, high: 500}\n")
    msgs = _problems(tmp_path, text, load_calibration, "cal.yaml", tmp_path / "obs.csv")
    assert any("obs.csv:3: period = 'x': expected a period number" in m for m in msgs)
    assert any("obs.csv:4: value" in m and "expected a finite number" in m for m in msgs)
    bad_metric = text.replace("{firm: eaton}", "{firm: eaton, metric: retention}")
    (msg,) = _problems(tmp_path, bad_metric, load_calibration, "cal.yaml")
    assert ":3: target.metric = 'retention'" in msg and "did you mean 'retention_rate'?" in msg
    (tmp_path / "obs.csv").write_text("period,value\n0,0.5\n")
    bad_firm = text.replace("{firm: eaton}", "{firm: eton}")
    (msg,) = _problems(tmp_path, bad_firm, load_calibration, "cal.yaml")
    assert ":3: target.firm = 'eton': no such firm; firms are ['nanyuan', 'eaton']" in msg


def test_grid_columns_have_one_type_per_factor(tmp_path):
    path = tmp_path / "exp.yaml"
    path.write_text(f"scenario: {CASE}\ndesign:\n  type: grid\n  factors:\n"
                    "    - {path: firms.eaton.price, name: d, values: [350.5, 400]}\n"
                    "    - {path: firms.eaton.strategies.2, name: s, values: [{type: "
                    "price_promotion}, {type: price_promotion, discount: 0.3}]}\n")
    points = load_plan(path).points
    assert [p.values["d"] for p in points] == [350.5, 350.5, 400.0, 400.0]
    assert all(isinstance(p.values["d"], float) for p in points)
    assert points[1].values["s"] == '{"discount": 0.3, "type": "price_promotion"}'
    assert [p.name for p in points][:2] == ["d=350.5,s=option0", "d=350.5,s=option1"]
