"""Run a plan into a sweep folder: resume, record, show progress.

The calling process is the only writer: workers return their tables already encoded as
Parquet bytes (so no shared filesystem is needed), this process writes each to its own file
(atomically) and keeps the manifest up to date, so no two processes ever write
the same file and a crash loses at most the runs in flight.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml
from tqdm import tqdm

from .. import __version__
from ..scenario import InputError, Problem
from .engines import make_engine
from .guard import check_main_guard
from .interrupts import interrupts_as_keyboard_interrupt
from .manifest import LAYOUT
from .plan import Plan
from .store import (
    MANIFEST,
    clean_temporaries,
    done_files,
    read_manifest,
    write_manifest,
    write_run,
    write_text,
)
from .worker import RunOutcome, RunTask

FLUSH_SECONDS = 2.0


@dataclass
class SweepSummary:
    """How a sweep went.

    Attributes:
        out: The sweep folder.
        total: Runs in the plan.
        ok: Runs with results (including those found on disk when resuming).
        failed: Runs that failed (their errors are in the manifest).
        skipped: Runs already done before this call (``--resume``).
        seconds: Wall time of this call.
    """

    out: Path
    total: int
    ok: int
    failed: int
    skipped: int
    seconds: float


def run_sweep(plan: Plan, out: str | Path, *, engine: str = "local", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, force: bool = False,
              progress: bool | None = None, max_attempts: int = 3,
              client: Any = None) -> SweepSummary:
    """Run every run of ``plan`` not yet in ``out``; see ``docs/experiments.md``.

    Nothing is written until the folder is known to be usable and the engine is connected.
    A call that fails before any run finished removes what it created; an interrupted sweep
    (Ctrl-C, SIGTERM) stops its workers and keeps its finished runs for ``resume``.

    Args:
        plan: A validated plan (``load_plan``).
        out: Sweep folder: new or empty, or (``resume``) a sweep of the same experiment,
            or (``force``) a sweep folder to replace.
        engine: "local" (worker processes) or "dask".
        workers: Worker processes (local engine and Dask LocalCluster; default one per core).
        scheduler: Dask scheduler address (default: a LocalCluster on 127.0.0.1).
        resume: Complete the sweep already in ``out``: run only what is missing.
        force: Replace the sweep already in ``out`` (ignored with ``resume``).
        progress: Show a progress bar (default: when stderr is a terminal).
        max_attempts: Tries of a run whose worker process dies.
        client: An existing ``distributed.Client`` (Dask engine).

    Raises:
        InputError: ``out`` cannot be used, or no Dask scheduler answers at ``scheduler``.
        MissingMainGuard: Called at import time of a script without the ``__main__`` guard.
    """
    start, out = time.perf_counter(), Path(out)
    if client is None and (engine == "local" or not scheduler):
        check_main_guard()
    tasks = plan.tasks()
    check_out(out, plan, resume, force)
    resume = resume and (out / MANIFEST).is_file()
    with make_engine(engine, workers, scheduler, max_attempts, client) as eng:
        with Cleanup(out, replace=force and not resume):
            old = prepare(out, plan, resume, force)
            done = done_files(out)
            rec = Recorder(out, new_manifest(plan, tasks, engine, old, done), progress)
            todo = [t for t in tasks if t.file not in done]
            with interrupts_as_keyboard_interrupt():
                try:
                    eng.run(todo, rec)
                finally:
                    rec.close()
    counts = rec.counts()
    return SweepSummary(out, len(tasks), counts["ok"], counts["failed"], len(tasks) - len(todo),
                        time.perf_counter() - start)


def check_out(out: Path, plan: Plan, resume: bool, force: bool) -> None:
    """Refuse an unusable sweep folder before anything is written (``InputError``)."""
    where = nearest_existing(out)
    if where != out and not where.is_dir():
        _refuse(out, f"is under {where}, which is a file, not a folder")
    if out.exists() and not out.is_dir():
        _refuse(out, "is a file, not a folder")
    if not os.access(where, os.W_OK | os.X_OK):
        _refuse(out, f"cannot be written: no write permission in {where}")
    has_manifest = (out / MANIFEST).is_file()
    if has_manifest and resume:
        old = read_manifest(out)
        if old["experiment"]["fingerprint"] != plan.fingerprint():
            msg = ("the experiment (or its scenario) changed since this sweep started, so its "
                   "runs would not match; run it into a new folder (or --force to replace it)")
            raise InputError(plan.file, [Problem("--resume", msg)])
    elif has_manifest and not force:
        _refuse(out, "already holds a sweep: add --resume to complete it, --force to replace "
                     "it, or choose another --out")
    elif not has_manifest and out.is_dir() and any(out.iterdir()):
        _refuse(out, "folder exists, is not empty and holds no sweep (--force only replaces "
                     "sweep folders); choose another --out")


def _refuse(out: Path, message: str) -> None:
    """Raise the ``--out`` error."""
    raise InputError(str(out), [Problem("--out", message, None, str(out), True)])


def nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


class Cleanup:
    """Remove what a sweep call created if it fails before any run finished.

    A new folder is removed; a folder that existed keeps only what it held before, except
    a replaced one (``--force``), whose old sweep is gone: it is left empty.
    """

    def __init__(self, out: Path, replace: bool = False):
        self.out, self.replace = out, replace
        self.existed = out.is_dir()
        self.before = {p.name for p in out.iterdir()} if self.existed else set()
        self.top = out.absolute()  # the outermost folder this call will create
        while not self.top.parent.exists():
            self.top = self.top.parent

    def __enter__(self) -> Cleanup:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None or done_files(self.out):  # finished runs are kept for --resume
            return
        if not self.existed:
            shutil.rmtree(self.top, ignore_errors=True)
            return
        for p in self.out.iterdir():
            if self.replace or p.name not in self.before:
                remove(p)


def remove(path: Path) -> None:
    """Delete a file or a folder tree."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def prepare(out: Path, plan: Plan, resume: bool, force: bool = False) -> dict | None:
    """Make the sweep folder (fresh unless resuming); return the previous manifest if any."""
    old = read_manifest(out) if resume else None
    if not resume and force and (out / MANIFEST).is_file():
        for p in out.iterdir():
            remove(p)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        _refuse(out, f"cannot be created: {e.strerror or e}")
    clean_temporaries(out)
    write_text(out / "experiment.yaml", yaml.safe_dump(plan.raw, sort_keys=False))
    write_text(out / "scenario.yaml", yaml.safe_dump(plan.base, sort_keys=False))
    return old


def new_manifest(plan: Plan, tasks: Iterable[RunTask], engine: str, old: dict | None,
                 done: set) -> dict:
    """The manifest at the start of a (resumed) sweep; runs on disk are ``ok``."""
    previous = {r["file"]: r for r in (old or {}).get("runs", [])}
    exp = plan.experiment
    runs = []
    for t in tasks:
        entry = {"run": t.run, "variant": t.variant, "variant_index": t.variant_index,
                 "replication": t.replication, "seed": t.seed, "file": t.file,
                 "status": "pending", "error": "", "seconds": None, "cpu_seconds": None,
                 "worker": ""}
        if t.file in done:
            entry.update({k: v for k, v in previous.get(t.file, {}).items()
                          if k in ("seconds", "cpu_seconds", "worker")}, status="ok")
        runs.append(entry)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "experiment": {"name": exp.name, "file": plan.file, "fingerprint": plan.fingerprint(),
                       "data": plan.raw},
        "layout": LAYOUT, "version": __version__,
        "created": (old or {}).get("created", now), "updated": now,
        "engine": engine, "seed": exp.seed, "replications": exp.replications,
        "common_random_numbers": exp.common_random_numbers,
        "design": exp.design.model_dump(mode="json"),
        "variants": [{"index": i, "name": p.name, "values": p.values, "overrides": p.overrides}
                     for i, p in enumerate(plan.points)],
        "runs": runs,
    }


class Recorder:
    """Receives outcomes: writes results, updates the manifest and the progress bar."""

    def __init__(self, out: Path, manifest: dict, progress: bool | None):
        self.out, self.manifest = out, manifest
        self.runs = {r["run"]: r for r in manifest["runs"]}
        c = self.counts()
        self.bar = tqdm(total=len(self.runs), initial=c["ok"], unit="run", desc="sweep",
                        disable=None if progress is None else not progress, dynamic_ncols=True)
        self.bar.set_postfix(done=c["ok"], failed=0)
        self.last = 0.0
        self.flush()

    def __call__(self, task: RunTask, outcome: RunOutcome) -> None:
        """Record one finished run."""
        entry = self.runs[task.run]
        if outcome.ok:
            assert outcome.data is not None  # a finished run carries its trajectories
            write_run(self.out, task.file, outcome.data)
        entry.update(status="ok" if outcome.ok else "failed", error=outcome.error,
                     seconds=round(outcome.seconds, 3),
                     cpu_seconds=round(outcome.cpu_seconds, 3), worker=outcome.worker)
        c = self.counts()
        self.bar.set_postfix(done=c["ok"], failed=c["failed"], refresh=False)
        self.bar.update(1)
        if time.monotonic() - self.last > FLUSH_SECONDS:
            self.flush()

    def counts(self) -> dict:
        """Runs by status."""
        out = {"ok": 0, "failed": 0, "pending": 0}
        for r in self.runs.values():
            out[r["status"]] += 1
        return out

    def flush(self) -> None:
        """Write the manifest now."""
        self.manifest["counts"] = self.counts()
        self.manifest["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
        write_manifest(self.out, self.manifest)
        self.last = time.monotonic()

    def close(self) -> None:
        """Final manifest write; close the bar."""
        self.flush()
        self.bar.close()


def remove_sweep(out: Path) -> None:
    """Delete a sweep folder (used for temporary sweeps of the Python API)."""
    shutil.rmtree(out, ignore_errors=True)
