"""A sweep killed midway is completed by --resume without losing or duplicating runs."""

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from test_experiments_support import ROOT, canonical, run_files, temp_files, write_experiment

from sim.cli import main
from sim.experiments import load_plan, load_results, run_sweep

pytest.importorskip("pyarrow")


def _sweep_process(exp, out):
    cmd = [sys.executable, str(ROOT / "run.py"), "sweep", str(exp), "--out", str(out),
           "--workers", "1", "--no-report"]
    return subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _wait_for_files(out, n, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while len(run_files(out)) < n:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.02)


def test_resume_after_sigkill_completes_without_loss_or_duplication(tmp_path):
    exp = write_experiment(tmp_path, customers=1000, horizon=25, replications=4)
    out = tmp_path / "sweep"
    proc = _sweep_process(exp, out)
    _wait_for_files(out, 2, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole sweep: driver, forkserver, workers
    proc.wait()
    before = run_files(out)
    assert 2 <= len(before) < 8
    stamps = {f: (out / f).stat().st_mtime_ns for f in before}

    assert main(["sweep", str(exp), "--out", str(out)]) == 2  # refuses to overwrite
    assert main(["sweep", str(exp), "--out", str(out), "--resume", "--workers", "2",
                 "--no-report"]) == 0

    after = run_files(out)
    assert len(after) == 8 and set(before) <= set(after)
    assert temp_files(out) == []  # a half-written file of the killed sweep is cleaned up
    assert {f: (out / f).stat().st_mtime_ns for f in before} == stamps  # not rewritten
    assert not [p for p in out.rglob(".tmp-*")]
    manifest = json.loads((out / "manifest.json").read_text())
    assert [r["status"] for r in manifest["runs"]] == ["ok"] * 8
    df = load_results(out)
    assert df.groupby("run").size().eq(25 * 2).all() and df["run"].nunique() == 8
    fresh = tmp_path / "fresh"
    run_sweep(load_plan(exp), fresh, workers=2)
    pd.testing.assert_frame_equal(canonical(df), canonical(load_results(fresh)))


def test_resume_of_a_complete_sweep_runs_nothing(tmp_path):
    exp = write_experiment(tmp_path, replications=1)
    out = tmp_path / "sweep"
    first = run_sweep(load_plan(exp), out, workers=1)
    again = run_sweep(load_plan(exp), out, workers=1, resume=True)
    assert (first.ok, again.ok, again.skipped) == (2, 2, 2)


def test_resume_refuses_a_changed_experiment(tmp_path, capsys):
    exp = write_experiment(tmp_path, replications=1)
    out = tmp_path / "sweep"
    run_sweep(load_plan(exp), out, workers=1)
    write_experiment(tmp_path, replications=1, values=(0.1, 0.2))
    assert main(["sweep", str(exp), "--out", str(out), "--resume"]) == 2
    assert "changed since this sweep started" in capsys.readouterr().err
