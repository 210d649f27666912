"""A sweep folder on disk: one Parquet file per run, a manifest, atomic writes.

Layout::

    SWEEP/manifest.json                       experiment, version, every run's seed and status
    SWEEP/experiment.yaml, scenario.yaml      the experiment as given, the base scenario
    SWEEP/runs/variant=NAME/vIIIII-rRRRR.parquet   one file per run (Hive partitioning)
    SWEEP/report/                             summaries and plots (``report``)

Every file is written to a temporary name in its final folder and moved into place with
``os.replace``, so a crash never leaves a half-written file under a final name. A run is done
exactly when its Parquet file exists, which is what ``--resume`` relies on.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from ..scenario import InputError, Problem

MANIFEST = "manifest.json"
TMP_PREFIX = ".tmp-"


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then move the temporary file to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
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
    runs = out / "runs"
    if not runs.is_dir():
        return set()
    return {str(p.relative_to(out)) for p in runs.glob("variant=*/*.parquet")
            if not p.name.startswith(TMP_PREFIX)}


def clean_temporaries(out: Path) -> int:
    """Remove temporary files left by a crash; return how many."""
    stale = [p for p in out.rglob(f"{TMP_PREFIX}*") if p.is_file()]
    for p in stale:
        p.unlink(missing_ok=True)
    return len(stale)


def read_manifest(out: Path) -> dict:
    """The sweep's manifest; ``InputError`` if the folder holds no sweep."""
    path = Path(out) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(out), [Problem("", f"not a sweep folder: no {MANIFEST}")]) from None
    except (OSError, ValueError) as e:
        raise InputError(str(path), [Problem("", f"unreadable manifest: {e}")]) from None


def write_manifest(out: Path, manifest: dict) -> None:
    """Write the manifest atomically."""
    write_text(Path(out) / MANIFEST, json.dumps(manifest, indent=1, default=str))


def load_results(out, columns=None) -> pd.DataFrame:
    """All completed runs of a sweep as one table (with a ``variant`` column), in run order.

    Args:
        out: The sweep folder.
        columns: Columns to read (default: all).
    """
    read_manifest(Path(out))
    if not done_files(Path(out)):
        return pd.DataFrame(columns=["variant", *(columns or [])])
    cols = None if columns is None else list(dict.fromkeys(["variant", "run", *columns]))
    df = pd.read_parquet(Path(out) / "runs", columns=cols)
    df["variant"] = df["variant"].astype(str)
    return df.sort_values("run", kind="stable").reset_index(drop=True)
