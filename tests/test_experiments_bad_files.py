"""Bad files given to calibrate and report: exit 2, the file, the line, the value, the fix."""

import json
import shutil

import pytest
from test_experiments_support import CASE, write_experiment

from sim.cli import main
from sim.experiments import load_plan, run_sweep

pytest.importorskip("pyarrow")

CAL = ("scenario: CASE\nobserved: {file: obs.csv}\ntarget: {firm: eaton}\n"
       "parameters:\n  - {path: firms.eaton.price, low: 300, high: 500}\n")


def _calibrate(tmp_path, capsys, csv: str, cal: str = CAL) -> str:
    (tmp_path / "obs.csv").write_text(csv)
    path = tmp_path / "cal.yaml"
    path.write_text(cal.replace("CASE", str(CASE)))
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err and not out.exists()
    return err


@pytest.mark.parametrize("csv, line, value, fields", [
    ("period,value\n0,0.5\n1,0.4,9\n2,0.3\n", 3, "1,0.4,9", "3 fields"),
    ("period,value\n0,0.5,1\n", 2, "0,0.5,1", "3 fields"),  # pandas took column 1 as index
    ("period,value\n0,0.5\n1\n", 3, "1", "1 field,"),
])
def test_ragged_calibration_csv(tmp_path, capsys, csv, line, value, fields):
    err = _calibrate(tmp_path, capsys, csv)
    assert f"obs.csv:{line}: row = '{value}': {fields}" in err
    assert "the header has 2 (period,value); every line needs one value per column" in err


@pytest.mark.parametrize("period", ["5000", "100000000000000000000", "260"])
def test_calibration_period_beyond_the_horizon(tmp_path, capsys, period):
    err = _calibrate(tmp_path, capsys, f"period,value\n0,0.5\n{period},0.3\n")
    assert f"obs.csv:3: period = '{period}': beyond the scenario's horizon: periods are " \
           "0..259" in err


def test_text_column_as_metric(tmp_path, capsys):
    err = _calibrate(tmp_path, capsys, "period,value\n0,0.5\n",
                     CAL.replace("{firm: eaton}", "{firm: eaton, metric: firm}"))
    assert "cal.yaml:3: target.metric = 'firm': 'firm' is a text column, not a metric; " \
           "choose a numeric column" in err


@pytest.fixture
def sweep(tmp_path):
    exp = write_experiment(tmp_path, customers=200, horizon=6, replications=1)
    out = tmp_path / "sweep"
    run_sweep(load_plan(exp), out, workers=1)
    return out


def _report(capsys, out) -> str:
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    return err


@pytest.mark.parametrize("content", [b"garbage", b"PAR1" + b"\0" * 50 + b"PAR1"])
def test_report_of_a_corrupt_parquet_file(sweep, capsys, content):
    bad = sweep / "runs" / "variant_index=1" / "v00001-r0000.parquet"
    bad.write_bytes(content)
    err = _report(capsys, sweep)
    assert "runs = 1: 1 run file(s) are not readable Parquet (damaged or truncated), e.g. " \
           "['runs/variant_index=1/v00001-r0000.parquet']; delete them and run" in err
    assert "--resume" in err


def test_report_of_a_truncated_parquet_file(sweep, capsys):
    bad = sweep / "runs" / "variant_index=0" / "v00000-r0000.parquet"
    bad.write_bytes(bad.read_bytes()[:300])
    assert "not readable Parquet" in _report(capsys, sweep)


@pytest.mark.parametrize("text, expected", [
    ('{"experiment": ', "manifest.json: (top level): unreadable manifest"),
    ("[]", "manifest.json: (top level): Input should be a valid dictionary"),
    ('{"layout": 2, "experiment": 3}', "manifest.json: experiment = 3: Input should be a "
                                       "valid dictionary"),
])
def test_report_of_a_corrupt_manifest(sweep, capsys, text, expected):
    (sweep / "manifest.json").write_text(text)
    err = _report(capsys, sweep)
    assert expected in err


def test_report_of_a_manifest_with_a_bad_run_entry(sweep, capsys):
    manifest = json.loads((sweep / "manifest.json").read_text())
    manifest["runs"][1]["status"] = "done"
    manifest["runs"][0]["file"] = "../../etc/passwd"
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    err = _report(capsys, sweep)
    assert "runs[1].status = 'done': Input should be 'ok', 'failed' or 'pending'" in err
    assert "runs[0].file = '../../etc/passwd'" in err
    assert "the manifest is damaged" in err


def test_report_of_a_sweep_whose_runs_are_gone(sweep, capsys):
    shutil.rmtree(sweep / "runs")
    err = _report(capsys, sweep)
    assert "runs = 2: 2 of the 2 runs recorded as done have no file (the runs/ folder is " \
           "gone)" in err and "--resume" in err


def test_report_of_an_old_layout_folder(sweep, capsys):
    manifest = json.loads((sweep / "manifest.json").read_text())
    del manifest["layout"]
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    assert "written by an older loyaltysim" in _report(capsys, sweep)
