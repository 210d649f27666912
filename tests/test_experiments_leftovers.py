"""Nothing left behind: unreachable schedulers, unusable --out, stale folders, killed sweeps,
file permissions, and scripts without the ``__main__`` guard."""

import os
import signal
import socket
import stat
import subprocess
import sys
import time

import psutil
import pytest
from test_experiments_support import ROOT, run_files, write_experiment

from sim.cli import main
from sim.experiments import load_plan, run_sweep

pytest.importorskip("pyarrow")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def exp(tmp_path):
    return write_experiment(tmp_path, customers=200, horizon=6, replications=1)


@pytest.mark.parametrize("existing", [False, True])
def test_unreachable_scheduler_fails_fast_and_writes_nothing(exp, tmp_path, capsys, existing):
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    if existing:
        out.mkdir()
    else:
        out = out / "deeper"
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    assert main(["sweep", str(exp), "--out", str(out), "--engine", "dask",
                 "--scheduler", address]) == 2
    assert time.monotonic() - start < 20
    err = capsys.readouterr().err
    assert f"--scheduler = '{address}': no Dask scheduler answers at this address" in err
    assert "leave out --scheduler" in err and "Traceback" not in err
    assert out.exists() == existing and (not existing or list(out.iterdir()) == [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.yaml"] + ["out"] * existing


def test_a_sweep_failing_before_any_run_removes_what_it_created(exp, tmp_path, monkeypatch):
    from sim.experiments import engines

    def boom(self, tasks, on_outcome):
        raise RuntimeError("engine broke")

    monkeypatch.setattr(engines.LocalEngine, "run", boom)
    out = tmp_path / "a" / "b"
    with pytest.raises(RuntimeError, match="engine broke"):
        run_sweep(load_plan(exp), out, workers=1)
    assert not (tmp_path / "a").exists()


def test_out_that_is_a_file_or_under_a_file_is_refused(exp, tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    assert main(["sweep", str(exp), "--out", str(afile)]) == 2
    assert f"--out = '{afile}': is a file, not a folder" in capsys.readouterr().err
    assert main(["sweep", str(exp), "--out", str(afile / "sub")]) == 2
    err = capsys.readouterr().err
    assert f"is under {afile}, which is a file, not a folder" in err
    assert "Traceback" not in err and afile.read_text() == "keep me"


def test_out_folders_are_fresh_or_refused_and_force_replaces(exp, tmp_path, capsys):
    out = tmp_path / "out"
    run_sweep(load_plan(exp), out, workers=1)
    stale = out / "runs" / "variant_index=7"
    stale.mkdir()
    (stale / "v00007-r0000.parquet").write_bytes(b"old")
    (out / "notes.txt").write_text("old")
    assert main(["sweep", str(exp), "--out", str(out), "--no-report"]) == 2
    assert "already holds a sweep: add --resume to complete it, --force to replace it" in \
        capsys.readouterr().err
    assert main(["sweep", str(exp), "--out", str(out), "--no-report", "--force"]) == 0
    assert not stale.exists() and not (out / "notes.txt").exists()
    assert not (out / "report").exists()  # the old report went with the old sweep
    assert run_files(out) == ["runs/variant_index=0/v00000-r0000.parquet",
                              "runs/variant_index=1/v00001-r0000.parquet"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "data.csv").write_text("x")
    assert main(["sweep", str(exp), "--out", str(other), "--force"]) == 2
    assert "holds no sweep (--force only replaces sweep folders)" in capsys.readouterr().err
    assert [p.name for p in other.iterdir()] == ["data.csv"]


def test_the_report_folder_is_rewritten_whole(exp, tmp_path):
    out = tmp_path / "out"
    run_sweep(load_plan(exp), out, workers=1)
    (out / "report").mkdir()
    (out / "report" / "sensitivity.png").write_bytes(b"stale")
    assert main(["report", str(out), "--no-plots"]) == 0
    assert sorted(p.name for p in (out / "report").iterdir()) == [
        "bands.csv", "comparison.csv", "report.md", "runs_summary.csv"]
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]


def test_sweep_files_follow_the_umask(exp, tmp_path):
    out = tmp_path / "out"
    old = os.umask(0o027)
    try:
        run_sweep(load_plan(exp), out, workers=1)
        assert main(["report", str(out), "--no-plots"]) == 0
    finally:
        os.umask(old)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 8
    modes = {str(p.relative_to(out)): stat.S_IMODE(p.stat().st_mode) for p in files}
    assert set(modes.values()) == {0o640}, modes


def _session(pid: int) -> list[psutil.Process]:
    """Live processes of the session led by ``pid`` (the sweep, its forkserver, workers)."""
    out = []
    for p in psutil.process_iter(["pid", "status"]):
        try:
            if os.getsid(p.pid) == pid and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except (ProcessLookupError, psutil.NoSuchProcess, PermissionError):
            pass
    return out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_killed_sweep_leaves_no_process_behind(tmp_path, sig):
    exp = write_experiment(tmp_path, customers=3000, horizon=60, replications=4)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "sweep", str(exp), "--out",
                             str(out), "--workers", "2", "--no-report"], cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(_session(proc.pid)) < 4:  # the sweep, the forkserver, two workers
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        os.kill(proc.pid, sig)  # the sweep process only, as `kill PID` would
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _session(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _session(proc.pid) == []
        err = proc.stderr.read()
        assert "Traceback" not in err and "interrupted" in err
        assert not [p for p in out.rglob(".tmp-*")]
    finally:
        for p in _session(proc.pid):
            p.kill()


def _script(tmp_path, exp, guarded: bool):
    call = f"df = run_experiment({str(exp)!r}, workers=1)\nprint('rows', len(df))\n"
    if guarded:
        call = 'if __name__ == "__main__":\n' + "".join(f"    {x}\n" for x in call.splitlines())
    path = tmp_path / ("guarded.py" if guarded else "script.py")
    path.write_text("from sim.experiments import run_experiment\n\n" + call)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)


def test_a_script_without_the_main_guard_gets_a_clear_error(exp, tmp_path):
    done = _script(tmp_path, exp, guarded=False)
    assert done.returncode != 0 and "rows" not in done.stdout
    assert "MissingMainGuard" in done.stderr
    assert "script.py, line 3: the sweep starts when the script is imported" in done.stderr
    assert 'if __name__ == "__main__":' in done.stderr and "WorkerDied" not in done.stderr
    ok = _script(tmp_path, exp, guarded=True)
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert ok.stdout.split() == ["rows", str(2 * 6 * 2)]
