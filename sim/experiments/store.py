"""A sweep folder on disk: one Parquet file per run, a manifest, atomic writes.

Layout::

    SWEEP/manifest.json                       experiment, version, every run's seed and status
    SWEEP/experiment.yaml, scenario.yaml      the experiment as given, the base scenario
    SWEEP/runs/variant_index=K/vKKKKK-rRRRR.parquet   one file per run (Hive partitioning)
    SWEEP/report/                             summaries and plots (``report``)

The partition key is the design point's number, so folder names hold no characters a Hive
reader would misparse (variant names may contain ``=`` or ``,``); every file holds the
variant's name, the run, its replication and its seed as columns.

Every file is written to a temporary name in its final folder and moved into place with
``os.replace``, so a crash never leaves a half-written file under a final name. A run is done
exactly when its Parquet file exists, which is what ``--resume`` relies on. Files get the
permissions of the user's umask (like any file the user creates), not ``mkstemp``'s 0600.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..scenario import InputError, Problem
from .interrupts import critical
from .manifest import check_manifest

MANIFEST = "manifest.json"
TMP_PREFIX = ".tmp-"
PARTITION = "variant_index"
RUN_GLOB = f"runs/{PARTITION}=*/*.parquet"
SHOWN = 5


def current_umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp_path)`` then move the temporary file to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=path.suffix, dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
    finally:
        os.close(fd)
    try:
        with critical():
            write(Path(tmp))
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically."""
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_run(out: Path, rel: str, data: bytes) -> None:
    """Write one run's table (Parquet bytes, encoded by the worker) atomically to ``out / rel``."""
    atomic_write(out / rel, lambda p: p.write_bytes(data))


def done_files(out: Path) -> set[str]:
    """Relative paths of the run files present (complete by construction)."""
    if not (out / "runs").is_dir():
        return set()
    return {str(p.relative_to(out)) for p in out.glob(RUN_GLOB)
            if not p.name.startswith(TMP_PREFIX)}


def clean_temporaries(out: Path) -> int:
    """Remove temporary files and folders left by a crash; return how many."""
    stale = [p for p in out.rglob(f"{TMP_PREFIX}*")]
    for p in stale:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    return len(stale)


def read_manifest(out: Path) -> dict:
    """The sweep's manifest, checked; ``InputError`` if the folder holds no (valid) sweep."""
    path = Path(out) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(out), [Problem("", f"not a sweep folder: no {MANIFEST}")]) from None
    except (OSError, ValueError) as e:
        raise InputError(str(path), [Problem("", f"unreadable manifest: {e}; it is written by "
                                                 "`sweep`: run the sweep again")]) from None
    check_manifest(data, str(path))
    return data


def write_manifest(out: Path, manifest: dict) -> None:
    """Write the manifest atomically."""
    write_text(Path(out) / MANIFEST, json.dumps(manifest, indent=1, default=str))


def check_run_files(out: Path, manifest: dict) -> list[str]:
    """The files of the runs recorded as ok; ``InputError`` if some are missing."""
    ok = [r["file"] for r in manifest["runs"] if r["status"] == "ok"]
    missing = [f for f in ok if not (out / f).is_file()]
    if missing:
        gone = "the runs/ folder is gone" if not (out / "runs").is_dir() else "files are gone"
        msg = (f"{len(missing)} of the {len(ok)} runs recorded as done have no file ({gone}), "
               f"e.g. {missing[:SHOWN]}; restore them, or run them again with `run.py sweep "
               f"{out}/experiment.yaml --out {out} --resume`")
        raise InputError(str(out), [Problem("runs", msg, None, len(missing), True)])
    return ok


def load_results(out: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """All completed runs of a sweep as one table (with a ``variant`` column), in run order.

    Args:
        out: The sweep folder.
        columns: Columns to read (default: all).

    Raises:
        InputError: The folder holds no valid sweep, a run recorded as done has no file,
            or a run file is not readable Parquet.
    """
    out = Path(out)
    files = check_run_files(out, read_manifest(out))
    if not files:
        return pd.DataFrame(columns=["variant", *(columns or [])])
    cols = None if columns is None else list(dict.fromkeys(["variant", "run", *columns]))
    try:
        df = pd.read_parquet(out / "runs", columns=cols)
    except (OSError, ValueError) as e:  # pyarrow's ArrowInvalid is a ValueError
        raise corrupt_files(out, sorted(done_files(out)), e) from None
    if PARTITION in df.columns:  # the Hive partition comes back as a category
        df[PARTITION] = df[PARTITION].astype("int64")
    return df.sort_values("run", kind="stable").reset_index(drop=True)


def corrupt_files(out: Path, files: list[str], error: Exception) -> InputError:
    """The error naming the run files that cannot be read as Parquet."""
    import pyarrow.parquet as pq

    bad = []
    for f in files:
        try:
            pq.read_table(out / f)
        except (OSError, ValueError):
            bad.append(f)
    if not bad:
        return InputError(str(out / "runs"), [Problem("", f"cannot read the run files: {error}")])
    msg = (f"{len(bad)} run file(s) are not readable Parquet (damaged or truncated), e.g. "
           f"{bad[:SHOWN]}; delete them and run `run.py sweep {out}/experiment.yaml --out "
           f"{out} --resume` to compute them again")
    return InputError(str(out / bad[0]), [Problem("runs", msg, None, len(bad), True)])
