"""Engines give identical results; failing runs are recorded; killed workers lose no runs."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from test_experiments_support import canonical, run_files, write_experiment

from sim.experiments import load_plan, load_results, run_experiment, run_seed, run_sweep
from sim.experiments.designs import Point
from sim.experiments.engines import QUIET_WORKERS, DaskEngine
from sim.experiments.plan import Plan

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("exp"), replications=2,
                            values=(0.1, 0.3, 0.5))


@pytest.fixture(scope="module")
def reference(experiment, tmp_path_factory):
    """The experiment run by the local engine with one worker."""
    out = tmp_path_factory.mktemp("ref") / "sweep"
    summary = run_sweep(load_plan(experiment), out, workers=1)
    assert summary.ok == summary.total == 6
    return canonical(load_results(out))


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as lc, Client(lc) as client:
        yield client


def test_results_identical_with_two_local_workers(experiment, reference):
    df = run_experiment(experiment, workers=2)
    pd.testing.assert_frame_equal(canonical(df), reference)
    assert df.attrs["sweep"] == {"total": 6, "ok": 6, "failed": 0}


def test_results_identical_on_dask_local_cluster(experiment, reference, tmp_path):
    out = tmp_path / "dask"
    summary = run_sweep(load_plan(experiment), out, engine="dask", workers=2)
    assert summary.failed == 0
    pd.testing.assert_frame_equal(canonical(load_results(out)), reference)


def test_manifest_records_wall_and_cpu_time_of_each_run(experiment, tmp_path):
    out = tmp_path / "sweep"
    run_sweep(load_plan(experiment), out, workers=2)
    runs = json.loads((out / "manifest.json").read_text())["runs"]
    for r in runs:
        assert r["status"] == "ok"
        assert 0 < r["cpu_seconds"] <= r["seconds"] * 1.05 + 0.01, r


def test_local_cluster_workers_get_the_quiet_settings():
    import dask

    engine = DaskEngine(workers=1)
    with dask.config.set(engine.settings()), engine._connect() as client:
        got = client.run(lambda: {k: dask.config.get(k) for k in QUIET_WORKERS})
    assert list(got.values()) == [QUIET_WORKERS]


def test_two_dask_sweeps_in_one_fresh_process(experiment, tmp_path):
    """The first sweep must leave Dask's configuration whole for the second."""
    code = f"""
from sim.experiments import load_plan, run_sweep
if __name__ == "__main__":
    plan = load_plan({str(experiment)!r})
    for k in (1, 2):
        s = run_sweep(plan, {str(tmp_path)!r} + f"/s{{k}}", engine="dask", workers=1,
                      progress=False)
        print(s.ok, s.failed)
"""
    script = tmp_path / "two.py"
    script.write_text(code)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["6", "0", "6", "0"]


def test_results_have_seeds_factors_and_variants(reference):
    assert sorted(reference["variant"].unique()) == ["depth=0.1", "depth=0.3", "depth=0.5"]
    assert reference.groupby("variant")["depth"].nunique().eq(1).all()
    seeds = reference.groupby("replication")["seed"].unique()
    # common random numbers: replication r has one seed in every variant
    assert [list(s) for s in seeds] == [[run_seed(42, 0, r)] for r in range(2)]
    assert reference["seed"].nunique() == 2
    # every run is complete: periods x firms rows
    assert reference.groupby("run").size().eq(12 * 2).all()
    # the different discounts change the outcome
    last = reference[reference["period"] == 11].groupby("variant")["customers_active"].sum()
    assert last.nunique() > 1


def test_failing_run_is_recorded_and_the_sweep_goes_on(experiment, tmp_path):
    plan = load_plan(experiment)
    bad = Point("broken", [("market.customers", -5)], {"depth": -1.0})
    plan = Plan(plan.experiment, plan.file, plan.raw, plan.base, [*plan.points, bad])
    out = tmp_path / "sweep"
    summary = run_sweep(plan, out, workers=2)
    assert (summary.ok, summary.failed) == (6, 2)
    manifest = pd.read_json(out / "manifest.json", orient="index", typ="series")
    runs = pd.DataFrame(manifest["runs"])
    failed = runs[runs["status"] == "failed"]
    assert list(failed["variant"]) == ["broken", "broken"]
    assert failed["error"].str.contains("customers").all()
    assert len(run_files(out)) == 6


def _kill_when(out, condition, kill) -> threading.Thread:
    """Call ``kill()`` once ``condition(number of run files)`` holds (in a thread)."""
    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if condition(len(run_files(out))):
                kill()
                return
            time.sleep(0.02)
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t


def _pool_worker(proc) -> bool:
    """Whether ``proc`` is a worker of a local engine's pool (forkserver or spawn child)."""
    try:
        if "spawn_main" in " ".join(proc.cmdline()):
            return True
        parent = proc.parent()
        return parent is not None and "forkserver" in " ".join(parent.cmdline())
    except psutil.NoSuchProcess:
        return False


def test_killed_local_worker_loses_no_run(tmp_path):
    exp = write_experiment(tmp_path, customers=1500, horizon=25, replications=3)
    out = tmp_path / "sweep"
    killed = []

    def kill():
        kids = [p for p in psutil.Process().children(recursive=True) if _pool_worker(p)]
        if kids:
            os.kill(kids[0].pid, signal.SIGKILL)
            killed.append(kids[0].pid)

    watcher = _kill_when(out, lambda n: 1 <= n < 5, kill)
    summary = run_sweep(load_plan(exp), out, workers=2)
    watcher.join()
    assert killed, "no worker was killed: the test did not exercise the fault"
    assert (summary.ok, summary.failed) == (6, 0)
    df = load_results(out)
    assert df.groupby("run").size().eq(25 * 2).all() and df["run"].nunique() == 6
    ref = run_experiment(exp, workers=1)
    pd.testing.assert_frame_equal(canonical(df), canonical(ref))


def test_killed_dask_worker_loses_no_run(tmp_path, cluster):
    exp = write_experiment(tmp_path, customers=1500, horizon=25, replications=4)
    out = tmp_path / "sweep"
    pids = list(cluster.run(os.getpid).values())
    killed = []

    def kill():
        os.kill(pids[0], signal.SIGKILL)
        killed.append(pids[0])

    watcher = _kill_when(out, lambda n: 1 <= n < 6, kill)
    summary = run_sweep(load_plan(exp), out, engine="dask", client=cluster)
    watcher.join()
    assert killed
    assert (summary.ok, summary.failed) == (8, 0)
    df = load_results(out)
    assert sorted(df["run"].unique()) == list(range(8))
    assert df.groupby("run").size().eq(25 * 2).all()
    assert set(cluster.run(os.getpid).values()).isdisjoint(killed)  # the nanny restarted it


def test_dask_engine_connects_to_a_scheduler_address(experiment, reference, cluster):
    engine = DaskEngine(scheduler=cluster.scheduler_info()["address"])
    frames = {}
    engine.run(load_plan(experiment).tasks()[:2],
               lambda task, outcome: frames.update({task.run: outcome.frame}))
    got = pd.concat([frames[0], frames[1]]).assign(variant_index=0)
    pd.testing.assert_frame_equal(canonical(got), reference[reference["run"] < 2]
                                  .reset_index(drop=True))
