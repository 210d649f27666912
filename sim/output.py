"""Write a run's outputs: trajectories, followed customers, plots, summary, resolved scenario.

The output folder is fresh or refused: ``OutputFolder`` checks ``--out`` before the run starts
(an existing file, a path under a file, a place that cannot be written, a folder that already
holds files are refused; ``--force`` replaces a previous run's folder), reserves a temporary
folder beside it, and moves it into place only when every file is written. A run that fails
leaves nothing behind, and a rerun never keeps stale files of an earlier run.

CSV numbers are rounded to ``CSV_DIGITS`` significant digits (whole units at and above a
million): counts in real customers and amounts of money carry sampling noise far above that,
and single-precision state would otherwise print as e.g. 0.30000001.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from . import __version__
from .constants import REASONS
from .plots import plot_all
from .scenario import InputError, Problem

if TYPE_CHECKING:
    from .api import RunResult
    from .scenario import Scenario

# the "late" window of the summary: about a year in the scenario's period unit
LATE_WINDOW = {"day": 365, "week": 52, "month": 12, "quarter": 4, "year": 3}
CSV_DIGITS = 6
RUN_MARKER = "run.json"  # a folder holding it is a run's output folder (--force may replace it)


class OutputFolder:
    """A run's output folder: checked at once, written in a temporary folder, moved in at the end.

    Use as a context manager; the value is the temporary folder to write into::

        with OutputFolder(out, force=False) as tmp:
            ...  # write files into tmp
        # out now holds exactly those files (the previous ones are gone)

    Raises:
        InputError: (on creation) ``out`` is a file, is under a file, cannot be created or
            written, or already holds files (without ``force``, or files that are not a run's).
    """

    def __init__(self, out: str | Path, force: bool = False):
        self.out = Path(out)
        self.force = force
        self._check()
        self.created: Path | None = None  # the outermost folder this object created
        self.tmp = self._reserve()

    def _check(self) -> None:
        out = self.out
        where = _nearest_existing(out)
        if where != out.absolute() and not where.is_dir():
            _refuse(out, f"is under {where}, which is a file, not a folder")
        if out.exists() and not out.is_dir():
            _refuse(out, "is a file, not a folder; choose a folder name")
        if out.is_dir() and any(out.iterdir()):
            if not (out / RUN_MARKER).is_file():
                _refuse(out, "folder exists and holds files that are not a run's outputs "
                             "(--force replaces only a run folder); choose another --out")
            if not self.force:
                _refuse(out, "already holds a run's outputs: add --force to replace them, or "
                             "choose another --out")

    def _reserve(self) -> Path:
        out = self.out
        top = out.absolute()
        while not top.parent.exists():
            top = top.parent
        try:
            if not top.exists():
                self.created = top
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
            tmp.chmod(0o777 & ~_umask())  # mkdtemp makes 0700; outputs follow the umask
            return tmp
        except OSError as e:
            self._remove_created()
            _refuse(out, f"cannot be created or written: {e.strerror or e}")
            raise  # unreachable: _refuse raises

    def __enter__(self) -> Path:
        return self.tmp

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self._remove_created()
            return
        self.commit()

    def commit(self) -> None:
        """Put the written folder in place of ``out`` (replacing an earlier run's folder)."""
        out, old = self.out, None
        try:
            if out.is_dir():
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
                out.replace(old / out.name)
            self.tmp.replace(out)
        except BaseException:
            if old is not None and not out.exists() and (old / out.name).exists():
                (old / out.name).replace(out)  # put the earlier run back
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)

    def _remove_created(self) -> None:
        if self.created is not None:
            shutil.rmtree(self.created, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (absolute)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _refuse(out: Path, message: str) -> None:
    """Raise the ``--out`` error."""
    raise InputError(str(out), [Problem("--out", message, None, str(out), True,
                                        origin=f"--out {out}")])


def round_csv(df: pd.DataFrame, digits: int = CSV_DIGITS) -> pd.DataFrame:
    """A copy of ``df`` with its float columns rounded (``round_significant``)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = round_significant(out[col].to_numpy(dtype=float), digits)
    return out


def round_significant(x: np.ndarray, digits: int = CSV_DIGITS) -> np.ndarray:
    """``x`` rounded to ``digits`` significant digits, or to whole units if that is coarser."""
    out = x.astype(float, copy=True)
    ok = np.isfinite(out) & (out != 0)
    if not ok.any():
        return out
    exponent = np.floor(np.log10(np.abs(out[ok]))).astype(int)
    decimals = np.maximum(digits - 1 - exponent, 0)
    vals = out[ok]
    for d in np.unique(decimals):
        sel = decimals == d
        vals[sel] = np.round(vals[sel], int(d))
    out[ok] = vals
    return out


def write_outputs(result: Any, out: str | Path, argv: list[str] | None = None, *,
                  force: bool = False) -> Path:
    """Write everything for ``result`` (a ``RunResult``) into folder ``out``; return it.

    ``out`` must be new or empty (``force``: or a previous run's folder, which is replaced).
    """
    out = Path(out)
    with OutputFolder(out, force=force) as tmp:
        write_files(result, tmp, argv)
    return out


def write_files(result: Any, folder: Path, argv: list[str] | None = None) -> None:
    """Write a run's files into ``folder`` (an ``OutputFolder``'s temporary folder)."""
    sc = result.scenario
    round_csv(result.trajectories).to_csv(folder / "trajectories.csv", index=False)
    round_csv(result.model.cohort_table()).to_csv(folder / "cohorts.csv", index=False)
    round_csv(result.model.event_table()).to_csv(folder / "events.csv", index=False)
    round_csv(result.model.brand_table()).to_csv(folder / "brand_performance.csv", index=False)
    if len(result.customers):
        round_csv(result.customers).to_csv(folder / "customers.csv", index=False)
    plot_all(result.trajectories, folder, f"{sc.name} (seed {result.seed})", sc.period,
             sc.market.currency)
    resolved = sc.model_dump(mode="json") | {"seed": result.seed}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(resolved, sort_keys=False))
    (folder / "summary.txt").write_text(summary(result))
    (folder / RUN_MARKER).write_text(json.dumps(
        {"seed": result.seed, "version": __version__, "command": argv, **units(sc)}, indent=2))


def units(sc: Scenario) -> dict[str, Any]:
    """What the numbers of a run's outputs are measured in (``run.json``)."""
    m = sc.market
    return {"population": m.population, "agents": m.customers, "weight": m.weight,
            "currency": m.currency, "period": sc.period,
            "units": {"counts": "real customers (agent counts x weight)",
                      "money": f"{m.currency} (amounts per {sc.period} unless cumulative)",
                      "rates": f"per {sc.period}"}}


def summary(result: RunResult) -> str:
    """A short table per firm, and what drove each firm's churn."""
    df, sc = result.trajectories, result.scenario
    h, m, unit = sc.horizon, sc.market, sc.period
    window = LATE_WINDOW.get(unit, 12)
    late = max(0, h - window)
    plural = "" if m.weight == 1 else "s"
    head = (f"{sc.name}: seed {result.seed}, {h} {unit}s, a market of {m.population:,} "
            f"customers simulated by {m.customers:,} agents (1 agent = {m.weight:.3g} "
            f"customer{plural}); money in {m.currency}, counts in real customers")
    lines = [*textwrap.wrap(head, 100),
             "",
             f"{'firm':<12}{'active':>8}{'share':>8}{'churn/period':>14}{'won back':>12}"
             f"{'cum. profit':>14}{'service':>14}{'satisf.':>9}{'trust':>7}",
             f"{'':<12}{'(end)':>8}{'(late)':>8}{'(late)':>14}{'(first 12)':>12}"
             f"{'(end)':>14}{'(start->end)':>14}{'(end)':>9}{'(end)':>7}"]
    for fid, g in df.groupby("firm", sort=False):
        g = g.set_index("period")
        lines.append(
            f"{fid:<12}{int(g.customers_active.iloc[-1]):>8}"
            f"{g.market_share.loc[late:].mean():>8.2f}{g.churn_rate.loc[late:].mean():>14.2%}"
            f"{int(g.won_back.loc[:11].sum()):>12}{g.cumulative_profit.iloc[-1]:>14,.0f}"
            f"{g.service_mean.iloc[0]:>8.2f}->{g.service_mean.iloc[-1]:.2f}"
            f"{g.satisfaction_mean.iloc[-1]:>9.2f}{g.trust_mean.iloc[-1]:>7.2f}")
    lines += ["", "Why customers were lost (share of all losses over the run):"]
    for fid, g in df.groupby("firm", sort=False):
        counts = np.array([g[f"lost_{r}"].sum() for r in REASONS], dtype=float)
        total = counts.sum()
        top = sorted(zip(counts, REASONS), reverse=True)[:3]
        parts = ", ".join(f"{r.replace('_', ' ')} {c / total:.0%}" for c, r in top if c > 0)
        lines.append(f"  {fid:<10} {parts or 'no losses'}")
    notes = (f"active (end): customers active at the firm in the last {unit}; share and churn "
             f"(late): means over the last {min(window, h)} {unit}s; won back (first 12): lost "
             f"customers who returned in {unit}s 0-11; cum. profit: {m.currency} over the whole "
             "run; service: mean of the three service levels (0 to 1).")
    lines += ["", *textwrap.wrap(notes, 100)]
    return "\n".join(lines) + "\n"
