"""Read an observed curve (CSV) for calibration, with errors that say what is wrong where.

Every problem names the CSV file, its line, the column, the bad value and what is allowed:
a row with more or fewer fields than the header, a period that is not a whole number or lies
beyond the scenario's horizon, a value that is not a finite number.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from ..scenario import InputError, Problem
from .calibration_schema import Observed

MAX_PROBLEMS = 10


def read_observed(path: Path, spec: Observed, cal_file: str, lines: dict,
                  horizon: int | None = None, values: list[str] | None = None
                  ) -> pd.DataFrame:
    """The period column and the value columns of the observed CSV, sorted by period.

    Args:
        path: The CSV file.
        spec: The calibration's ``observed`` block (column names, period offset).
        cal_file: The calibration file (errors about the reference are placed there).
        lines: Line map of the calibration file.
        horizon: The scenario's number of periods (later simulated periods are refused).
        values: The value columns (default: ``spec.value``).

    Returns:
        Columns ``period`` (as observed), one per value column (named as in the CSV) and
        ``line`` (the CSV line of each observation).
    """
    values = list(dict.fromkeys(values or [spec.value]))
    if not path.is_file():
        raise InputError(cal_file, [Problem("observed.file", f"no such file: {path}",
                                            lines.get(("observed", "file")), spec.file, True)])
    header, rows = _read_rows(path)
    cols = _columns(path, header, spec, values)
    problems: list[Problem] = []
    records: list[tuple] = []
    for line, row in rows:
        found = _row_problems(row, line, header, cols, spec, horizon)
        problems += found
        if not found:
            records.append((_period(row[cols[0]].strip()),
                            *(float(row[c]) for c in cols[1:]), line))
    if problems:
        raise InputError(str(path), problems[:MAX_PROBLEMS])
    return _frame(path, records, spec, values)


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows with their line numbers."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            rows = [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(str(path), [Problem("", f"cannot read CSV: {e}; expected a UTF-8 "
                                                 "CSV file with a header line")]) from None
    if not rows:
        raise InputError(str(path), [Problem("", "empty file; expected a header line (e.g. "
                                                 "period,value) and one line per period")])
    return [c.strip() for c in rows[0][1]], rows[1:]


def _columns(path: Path, header: list[str], spec: Observed, values: list[str]
             ) -> tuple[int, ...]:
    """Positions of the period and value columns in the header."""
    missing = [c for c in (spec.period, *values) if c not in header]
    if missing:
        raise InputError(str(path), [Problem("", f"missing column(s) {missing}; the header "
                                                 f"has {header}", 1)])
    return tuple(header.index(c) for c in (spec.period, *values))


def _row_problems(row: list[str], line: int, header: list[str], cols: tuple[int, ...],
                  spec: Observed, horizon: int | None) -> list[Problem]:
    """What is wrong with one data row (empty if nothing)."""
    if len(row) != len(header):
        msg = (f"{len(row)} field{'s' * (len(row) != 1)}, but the header has {len(header)} "
               f"({','.join(header)}); every line needs one value per column")
        return [Problem("row", msg, line, ",".join(row), True)]
    problems = []
    period = row[cols[0]].strip()
    number = _period(period)
    if number is None:
        problems.append(Problem(spec.period, "expected a period number 0, 1, 2, ...", line,
                                period, True))
    elif horizon is not None and not 0 <= number + spec.offset < horizon:
        problems.append(Problem(spec.period, _beyond(spec.offset, horizon), line, period,
                                True))
    for c in cols[1:]:
        if not _finite(row[c].strip()):
            problems.append(Problem(header[c], "expected a finite number", line,
                                    row[c].strip(), True))
    return problems


def _beyond(offset: int, horizon: int) -> str:
    """The message of a period outside the simulated periods."""
    if not offset:
        return f"beyond the scenario's horizon: periods are 0..{horizon - 1}"
    return (f"outside the scenario's horizon: with observed.offset {offset}, periods are "
            f"{-offset}..{horizon - 1 - offset}")


def _period(text: str) -> int | None:
    """``text`` as a period number (``3`` or ``3.0``), or None if it is not one."""
    try:
        x = float(text)
    except ValueError:
        return None
    return int(x) if math.isfinite(x) and x >= 0 and x == int(x) else None


def _finite(text: str) -> bool:
    """Whether ``text`` is a finite number."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _frame(path: Path, records: list[tuple], spec: Observed, values: list[str]
           ) -> pd.DataFrame:
    """The observations as a frame; refuses an empty curve and repeated periods."""
    out = pd.DataFrame(records, columns=["period", *values, "line"])
    if out.empty:
        raise InputError(str(path), [Problem("", "no observations; expected one line per "
                                                 f"period after the header ({spec.period},"
                                                 f"{spec.value})")])
    dup = out[out["period"].duplicated(keep="first")]
    if len(dup):
        first = dup.iloc[0]
        raise InputError(str(path), [Problem(spec.period, f"periods repeat: "
                                                          f"{sorted(set(dup['period']))[:10]}; "
                                                          "give each period once",
                                             int(first["line"]), int(first["period"]), True)])
    return out.sort_values("period").reset_index(drop=True)
