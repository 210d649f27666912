"""Import a transaction log: validate it, compute the observed curves, write them atomically.

Files are written into a temporary folder beside ``out`` and moved in at the end, so an
import that fails leaves nothing half-written.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from ..scenario.errors import InputError, Problem
from .curves import cohort_table, customer_days, interpurchase_times, observed_curves
from .log import LogSpec, read_log


@dataclass
class Imported:
    """An imported log and its curves.

    Attributes:
        file: The log file.
        spec: How it was read.
        period: ``day``, ``week`` or ``month``.
        start: First day of period 1.
        log: ``read_log`` output.
        days: ``customer_days`` output (one row per transaction).
        observed: ``observed_curves`` output.
        cohorts: ``cohort_table`` output.
        gaps: ``interpurchase_times`` output.
    """

    file: str
    spec: LogSpec
    period: str
    start: pd.Timestamp
    log: pd.DataFrame
    days: pd.DataFrame
    observed: pd.DataFrame
    cohorts: pd.DataFrame
    gaps: pd.DataFrame


def import_log(path: str | Path, spec: LogSpec | None = None, period: str = "week",
               start: str | None = None) -> Imported:
    """Read and validate a log, and compute its curves.

    Args:
        path: The log file.
        spec: How to read it.
        period: ``day``, ``week`` or ``month``.
        start: First day of period 1 (ISO date; default the first date of the log).

    Returns:
        The imported log.

    Raises:
        InputError: Bad file, column, row or option.
    """
    spec = spec or LogSpec()
    log = read_log(path, spec)
    first = log["date"].min()
    begin = _start(start, first, str(path))
    days = customer_days(log, period, begin)
    n = int(days["period"].max())
    return Imported(str(path), spec, period, begin, log, days,
                    observed_curves(days, period, begin, n), cohort_table(days, n),
                    interpurchase_times(days))


def _start(start: str | None, first: pd.Timestamp, file: str) -> pd.Timestamp:
    """The start option, checked: a date on or before the first purchase."""
    if start is None:
        return first
    try:
        begin = pd.Timestamp(start).normalize()
    except ValueError:
        raise InputError("command line", [Problem("--start", "expected a date like 1997-01-01",
                                                  None, start, True)]) from None
    if begin > first:
        msg = f"the first purchase in {file} is on {first:%Y-%m-%d}: start on or before it"
        raise InputError("command line", [Problem("--start", msg, None, start, True)])
    return begin


def write_import(imp: Imported, out: str | Path, force: bool = False,
                 argv: list[str] | None = None) -> Path:
    """Write the curves, tables, summary and figures of an import into ``out``.

    Files: observed.csv, cohorts.csv, interpurchase.csv, transactions.csv, summary.txt,
    import.json and the PNG figures.

    Args:
        imp: ``import_log`` output.
        out: Output folder.
        force: Replace the files of an existing, non-empty folder.
        argv: The command line, recorded in import.json.

    Returns:
        The folder.

    Raises:
        InputError: ``out`` exists and is not empty, and ``force`` is not set.
    """
    from .plots import plot_import

    out = Path(out)
    check_out(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        imp.observed.to_csv(tmp / "observed.csv", index=False)
        imp.cohorts.to_csv(tmp / "cohorts.csv", index=False)
        imp.gaps.to_csv(tmp / "interpurchase.csv", index=False)
        _transactions(imp).to_csv(tmp / "transactions.csv", index=False)
        (tmp / "summary.txt").write_text(summary(imp) + "\n")
        (tmp / "import.json").write_text(json.dumps(_record(imp, argv), indent=2) + "\n")
        plot_import(imp.observed, imp.cohorts, imp.gaps, tmp, Path(imp.file).name, imp.period)
        out.mkdir(exist_ok=True)
        for f in tmp.iterdir():
            f.replace(out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def check_out(out: Path, force: bool) -> None:
    """Refuse an output folder that exists and is not empty, unless ``force``.

    Raises:
        InputError: It does.
    """
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not force)):
        raise InputError("command line", [Problem("--out", "exists and is not empty: choose "
                                                           "another folder or add --force",
                                                  None, str(out), True)])


def _transactions(imp: Imported) -> pd.DataFrame:
    """The clean transactions (customer-days), the input of later steps."""
    df = imp.days[["customer", "date", "period", "amount", "rows", "number"]].copy()
    df["date"] = df["date"].dt.strftime("%Y-%m-%d")
    df["amount"] = df["amount"].round(2)
    return df


def _record(imp: Imported, argv: list[str] | None) -> dict:
    """What was imported, how, and the command."""
    return {"file": imp.file, "spec": asdict(imp.spec), "period": imp.period,
            "start": f"{imp.start:%Y-%m-%d}", "periods": len(imp.observed),
            "rows": len(imp.log), "customers": int(imp.days["customer"].nunique()),
            "transactions": len(imp.days), "command": argv}


def summary(imp: Imported) -> str:
    """A short description of the log and a table of its curves (at most about 20 rows)."""
    obs, days, p = imp.observed, imp.days, imp.period
    last = days["date"].max()
    repeat = int(obs["repeat_transactions"].sum())
    gaps = days.groupby("customer")["date"].diff().dt.days.dropna()
    head = [
        f"{Path(imp.file).name}: {len(imp.log):,} rows, {days['customer'].nunique():,} "
        f"customers, {imp.start:%Y-%m-%d} to {last:%Y-%m-%d} ({len(obs)} {p}"
        f"{'s' if len(obs) != 1 else ''})",
        f"transactions (customer-days): {len(days):,}, of which repeat: {repeat:,}",
        f"revenue: {obs['revenue'].sum():,.2f}; per customer: "
        f"{obs['revenue'].sum() / days['customer'].nunique():,.2f}",
        f"customers who bought again: {(days['number'] == 1).sum():,}; median days between "
        f"purchases: {gaps.median():.0f}" if len(gaps) else "nobody bought twice",
        "",
    ]
    cols = ["period", "start", "customers_active", "new_customers", "repeat_transactions",
            "repeat_transactions_cumulative", "revenue"]
    step = max(1, -(-len(obs) // 20))
    shown = obs.iloc[list(range(0, len(obs), step)) + ([len(obs) - 1] if
                                                        (len(obs) - 1) % step else [])]
    table = shown[cols].rename(columns={"customers_active": "active", "new_customers": "new",
                                        "repeat_transactions": "repeat",
                                        "repeat_transactions_cumulative": "repeat cum."})
    return "\n".join(head) + table.to_string(index=False)
