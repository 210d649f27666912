"""The command line end to end."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from sim.metrics import COLUMNS

ROOT = Path(__file__).resolve().parents[1]


def cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], capture_output=True,
                          text=True, cwd=ROOT)


def test_run_writes_every_output(tmp_path):
    out = tmp_path / "case"
    r = cli("run", "scenarios/nanyuan_vs_eaton.yaml", "--customers", "2000", "--periods", "30",
            "--seed", "5", "--out", str(out), "--follow", "1,2", "--set", "firms.eaton.price=380")
    assert r.returncode == 0, r.stderr
    names = {p.name for p in out.iterdir()}
    assert {"trajectories.csv", "customers.csv", "summary.txt", "scenario.yaml", "run.json",
            "churn.png", "market_share.png", "profit.png", "satisfaction_trust.png",
            "service_price.png"} <= names
    df = pd.read_csv(out / "trajectories.csv")
    assert list(df.columns) == list(COLUMNS)
    assert len(df) == 60 and set(df.firm) == {"nanyuan", "eaton"}
    assert (df[df.firm == "eaton"].price == 380).all()
    assert "nanyuan" in r.stdout and "cum. profit" in r.stdout
    assert (out / "summary.txt").read_text() in r.stdout
    people = pd.read_csv(out / "customers.csv")
    assert set(people.id) == {1, 2} and len(people) == 30 * 2 * 2
    assert json.loads((out / "run.json").read_text())["seed"] == 5


def test_resolved_scenario_repeats_the_run(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("run", "scenarios/nanyuan_vs_eaton.yaml", "--customers", "1500", "--periods",
               "12", "--seed", "9", "--out", str(a)).returncode == 0
    assert cli("run", str(a / "scenario.yaml"), "--out", str(b)).returncode == 0
    assert (a / "trajectories.csv").read_bytes() == (b / "trajectories.csv").read_bytes()


def test_check_and_schema():
    r = cli("check", "scenarios/nanyuan_vs_eaton.yaml")
    assert r.returncode == 0 and "valid" in r.stdout
    r = cli("schema")
    schema = json.loads(r.stdout)
    assert r.returncode == 0 and "firms" in schema["properties"]
    assert "price_promotion" in json.dumps(schema)


def test_bad_arguments_exit_2():
    assert cli("run").returncode == 2
    assert cli("frobnicate").returncode == 2
    r = cli("run", "scenarios/nanyuan_vs_eaton.yaml", "--follow", "x")
    assert r.returncode == 2 and "--follow" in r.stderr
