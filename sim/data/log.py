"""Read and validate a transaction log: customer id, date, amount (CSV, Parquet or CDNOW text).

Every bad row is reported with its file, column, line, value and what is allowed, as an
``InputError`` (the CLI prints it and exits with 2). Line numbers are physical lines of the
text file (the header is line 1); for Parquet they are row numbers counted from 1.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..scenario.errors import InputError, Problem

if TYPE_CHECKING:
    from pandas._libs.tslibs.nattype import NaTType

PERIODS = ("day", "week", "month")
FORMATS = ("auto", "csv", "parquet", "cdnow")
DUPLICATES = ("error", "keep", "drop")
MAX_PROBLEMS = 10
CDNOW_COLUMNS = {4: ["customer_id", "date", "number_of_cds", "dollar_value"],
                 5: ["customer_id", "sample_id", "date", "number_of_cds", "dollar_value"]}


@dataclass(frozen=True)
class LogSpec:
    """How to read a log: its format, column names, date format and duplicate policy.

    Attributes:
        fmt: ``auto`` (by file extension), ``csv``, ``parquet`` or ``cdnow``.
        id_col: Column of customer ids.
        date_col: Column of purchase dates.
        amount_col: Column of amounts (0 or more).
        date_format: ``strptime`` format such as ``%d/%m/%Y``; None reads ISO 8601 dates.
        duplicates: What to do with rows identical in every column to an earlier row:
            ``error`` (default), ``keep`` (count both) or ``drop`` (keep the first).
        sep: Field separator of CSV files.
    """

    fmt: str = "auto"
    id_col: str = "customer_id"
    date_col: str = "date"
    amount_col: str = "amount"
    date_format: str | None = None
    duplicates: str = "error"
    sep: str = ","


# CDNOW (Fader & Hardie): whitespace-separated customer id, [sample id,] YYYYMMDD, CDs, dollars.
# The shop recorded separate orders of the same CD on the same day as identical lines: kept.
CDNOW = LogSpec(fmt="cdnow", id_col="customer_id", date_col="date", amount_col="dollar_value",
                date_format="%Y%m%d", duplicates="keep")


def spec_for(fmt: str = "auto", **options: str | None) -> LogSpec:
    """The ``LogSpec`` of a format, with the options that are not None laid over it.

    Args:
        fmt: One of ``FORMATS``; ``cdnow`` starts from the CDNOW preset.
        **options: ``LogSpec`` fields (``id_col``, ``date_format``, ...); None keeps the default.

    Returns:
        The spec.
    """
    base = CDNOW if fmt == "cdnow" else LogSpec(fmt=fmt)
    return replace(base, **{k: v for k, v in options.items() if v is not None})


def read_log(path: str | Path, spec: LogSpec | None = None) -> pd.DataFrame:
    """Read and validate a transaction log.

    Args:
        path: The log file.
        spec: How to read it (default: CSV or Parquet by extension, columns customer_id,
            date, amount, ISO dates).

    Returns:
        One row per log row: ``customer`` (str), ``date`` (datetime64, day), ``amount``
        (float) and ``line`` (line of the file), in file order.

    Raises:
        InputError: The file is missing, empty or unreadable, a column is missing, or rows
            are bad (every kind of problem with its line, at most ``MAX_PROBLEMS`` shown).
    """
    spec = spec or LogSpec()
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError(file, [Problem("LOG", "no such file")])
    raw = _read_raw(path, spec)
    if raw.empty:
        raise InputError(file, [Problem("", "the log is empty: no transactions; expected a "
                                            "header naming the columns, then one line per "
                                            "purchase (customer id, date, amount)")])
    _check_columns(raw, spec, file)
    raw, problems = _handle_duplicates(raw, spec)
    log, bad_rows = _validate_rows(raw, spec)
    problems += bad_rows
    if problems:
        problems.sort(key=lambda p: p.line or 0)  # every problem here has a line
        raise InputError(file, _capped(problems))
    return log


def _read_raw(path: Path, spec: LogSpec) -> pd.DataFrame:
    """The file's rows as a DataFrame with a ``__line__`` column."""
    fmt = spec.fmt
    if fmt == "auto":
        fmt = "parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv"
    try:
        if fmt == "parquet":
            return _read_parquet(path)
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(str(path), [Problem("", f"not a UTF-8 text file ({e.reason} at byte "
                                                 f"{e.start}); a Parquet file needs the "
                                                 f".parquet extension")]) from None
    except OSError as e:
        raise InputError(str(path), [Problem("", f"cannot read: {e}")]) from None
    return _read_cdnow(text, str(path)) if fmt == "cdnow" else _read_csv(text, spec.sep)


def _read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file's rows; line = row number counted from 1."""
    try:
        df = pd.read_parquet(path)
    except ImportError:
        raise InputError(str(path), [Problem("", "reading Parquet needs pyarrow: pip install "
                                                 "'loyaltysim[data]'")]) from None
    except (OSError, ValueError) as e:
        raise InputError(str(path), [Problem("", f"cannot read Parquet: {e}")]) from None
    df = df.reset_index(drop=True)
    df["__line__"] = np.arange(1, len(df) + 1)
    return df


def _read_csv(text: str, sep: str) -> pd.DataFrame:
    """CSV rows as strings, with their physical line; blank lines are skipped."""
    reader = csv.reader(text.splitlines(keepends=True), delimiter=sep)
    header, rows, lines = None, [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [c.strip() for c in row]
            continue
        rows.append(row[:len(header)] + [""] * (len(header) - len(row)))
        lines.append(reader.line_num)
    if header is None:
        return pd.DataFrame()
    df = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame()
    if not df.empty:
        df["__line__"] = lines
    return df


def _read_cdnow(text: str, file: str) -> pd.DataFrame:
    """CDNOW lines: id, [sample id,] date, CDs, amount, whitespace-separated; optional header."""
    rows: list[list[str]] = []
    lines: list[int] = []
    width: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens or (not rows and not tokens[0].isdigit()):
            continue  # blank line, or the header line
        width = width or len(tokens)
        if width not in CDNOW_COLUMNS or len(tokens) != width:
            msg = (f"expected {width if width in CDNOW_COLUMNS else '4 or 5'} whitespace-"
                   f"separated fields (customer id, [sample id,] YYYYMMDD, CDs, amount), "
                   f"got {len(tokens)}")
            raise InputError(file, [Problem("(line)", msg, number, line.strip(), True)])
        rows.append(tokens)
        lines.append(number)
    if not rows or width is None:
        return pd.DataFrame()
    df = pd.DataFrame(rows, columns=CDNOW_COLUMNS[width], dtype=object)
    df["__line__"] = lines
    return df


def _check_columns(raw: pd.DataFrame, spec: LogSpec, file: str) -> None:
    """Every named column is there."""
    have = [c for c in raw.columns if c != "__line__"]
    problems = []
    for col, option in ((spec.id_col, "--id-col"), (spec.date_col, "--date-col"),
                        (spec.amount_col, "--amount-col")):
        if col not in raw.columns:
            problems.append(Problem(col, f"missing column; the file has {have}: name the "
                                         f"column with {option}", 1))
    if problems:
        raise InputError(file, problems)


def _handle_duplicates(raw: pd.DataFrame, spec: LogSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Apply the duplicate policy to rows identical in every column to an earlier row."""
    if spec.duplicates == "keep":
        return raw, []
    data = raw.drop(columns="__line__").astype(str)
    dup = data.duplicated(keep="first")
    if not dup.any() or spec.duplicates == "drop":
        return raw[~dup], []
    line = raw["__line__"]
    first_line = line.groupby([data[c] for c in data.columns]).transform("first")
    problems = [Problem("(row)", f"duplicate of line {first_line[i]}; rows must differ (use "
                                 f"--duplicates keep to count both, or drop to keep the first)",
                        int(line[i]), " ".join(data.loc[i]), True)
                for i in raw.index[dup]]
    return raw, problems


def _validate_rows(raw: pd.DataFrame, spec: LogSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse ids, dates and amounts; collect every bad cell."""
    lines = raw["__line__"].astype(int)
    customer = raw[spec.id_col].astype(str).str.strip()
    date, date_bad = _parse_dates(raw[spec.date_col], spec.date_format)
    amount = pd.to_numeric(raw[spec.amount_col], errors="coerce").astype(float)
    fmt = spec.date_format or "ISO 8601, e.g. 1997-01-31"
    checks: list[tuple[str, pd.Series | np.ndarray, str]] = [
        (spec.id_col, customer.eq("") | raw[spec.id_col].isna(), "empty customer id"),
        (spec.date_col, date_bad, f"cannot read the date; expected the format {fmt} "
                                  f"(set it with --date-format)"),
        (spec.amount_col, ~np.isfinite(amount), "not a number; amounts are numbers 0 or more"),
        (spec.amount_col, amount < 0, "negative amount; amounts are 0 or more (net refunds "
                                      "into their purchases or remove them)"),
    ]
    problems = [Problem(col, msg, int(lines[i]), _shown(raw.at[i, col]), True)
                for col, bad, msg in checks for i in raw.index[np.asarray(bad)]]
    log = pd.DataFrame({"customer": customer.to_numpy(), "date": date.to_numpy(),
                        "amount": amount.to_numpy(), "line": lines.to_numpy()})
    return log, problems


def _parse_dates(col: pd.Series, fmt: str | None) -> tuple[pd.Series, pd.Series]:
    """Dates (day precision, no time zone) and a mask of the unparsable ones."""
    if pd.api.types.is_datetime64_any_dtype(col):
        parsed = col
    else:
        text = col.astype(str).str.strip()
        try:
            parsed = pd.to_datetime(text, format=fmt or "ISO8601", errors="coerce")
        except ValueError:  # mixed UTC offsets: keep each date's local calendar day
            parsed = pd.to_datetime(text.map(lambda v: _local(v, fmt)))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.normalize(), parsed.isna()


def _local(value: str, fmt: str | None) -> pd.Timestamp | NaTType:
    """One date as local wall time without its time zone; NaT if unreadable."""
    try:
        stamp = pd.to_datetime(value, format=fmt or "ISO8601")
    except ValueError:
        return pd.NaT
    return stamp.tz_localize(None) if stamp.tzinfo else stamp


def _shown(value: object) -> object:
    """A cell as the user wrote it."""
    return value.item() if isinstance(value, np.generic) else value


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most ``MAX_PROBLEMS``, then one line saying how many more."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [Problem("", f"... and {rest} more bad rows")]
