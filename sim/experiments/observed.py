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
                  horizon: int | None = None) -> pd.DataFrame:
    """``period`` and ``value`` columns of the observed CSV, sorted by period.

    Args:
        path: The CSV file.
        spec: The calibration's ``observed`` block (column names).
        cal_file: The calibration file (errors about the reference are placed there).
        lines: Line map of the calibration file.
        horizon: The scenario's number of periods (later periods are refused).

    Returns:
        Columns ``period``, ``value`` and ``line`` (the CSV line of each observation).
    """
    if not path.is_file():
        raise InputError(cal_file, [Problem("observed.file", f"no such file: {path}",
                                            lines.get(("observed", "file")), spec.file, True)])
    header, rows = _read_rows(path)
    cols = _columns(path, header, spec)
    problems: list[Problem] = []
    records: list[tuple[int | None, float, int]] = []
    for line, row in rows:
        found = _row_problems(row, line, header, cols, spec, horizon)
        problems += found
        if not found:
            records.append((_period(row[cols[0]].strip()), float(row[cols[1]]), line))
    if problems:
        raise InputError(str(path), problems[:MAX_PROBLEMS])
    return _frame(path, records, spec)


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


def _columns(path: Path, header: list[str], spec: Observed) -> tuple[int, int]:
    """Positions of the period and value columns in the header."""
    missing = [c for c in (spec.period, spec.value) if c not in header]
    if missing:
        raise InputError(str(path), [Problem("", f"missing column(s) {missing}; the header "
                                                 f"has {header}", 1)])
    return header.index(spec.period), header.index(spec.value)


def _row_problems(row: list[str], line: int, header: list[str], cols: tuple[int, int],
                  spec: Observed, horizon: int | None) -> list[Problem]:
    """What is wrong with one data row (empty if nothing)."""
    if len(row) != len(header):
        msg = (f"{len(row)} field{'s' * (len(row) != 1)}, but the header has {len(header)} "
               f"({','.join(header)}); every line needs one value per column")
        return [Problem("row", msg, line, ",".join(row), True)]
    problems = []
    period, value = row[cols[0]].strip(), row[cols[1]].strip()
    number = _period(period)
    if number is None:
        problems.append(Problem(spec.period, "expected a period number 0, 1, 2, ...", line,
                                period, True))
    elif horizon is not None and number >= horizon:
        problems.append(Problem(spec.period, f"beyond the scenario's horizon: periods are "
                                             f"0..{horizon - 1}", line, period, True))
    if not _finite(value):
        problems.append(Problem(spec.value, "expected a finite number", line, value, True))
    return problems


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


def _frame(path: Path, records: list[tuple[int | None, float, int]],
           spec: Observed) -> pd.DataFrame:
    """The observations as a frame; refuses an empty curve and repeated periods."""
    out = pd.DataFrame(records, columns=["period", "value", "line"])
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
