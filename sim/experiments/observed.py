"""Read an observed curve (CSV) for calibration, with errors that say what is wrong where."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..scenario import InputError, Problem


def read_observed(path: Path, spec, cal_file: str, lines: dict) -> pd.DataFrame:
    """``period`` and ``value`` columns of the observed CSV, sorted by period.

    Args:
        path: The CSV file.
        spec: The calibration's ``observed`` block (column names).
        cal_file: The calibration file (errors about the reference are placed there).
        lines: Line map of the calibration file.
    """
    if not path.is_file():
        raise InputError(cal_file, [Problem("observed.file", f"no such file: {path}",
                                            lines.get(("observed", "file")), spec.file, True)])
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise InputError(str(path), [Problem("", f"cannot read CSV: {e}")]) from None
    missing = [c for c in (spec.period, spec.value) if c not in df.columns]
    if missing:
        raise InputError(str(path), [Problem("", f"missing column(s) {missing}; the file has "
                                                 f"{list(df.columns)}", 1)])
    problems = _bad_cells(df, spec)
    if problems:
        raise InputError(str(path), problems[:10])
    out = pd.DataFrame({"period": df[spec.period].astype(int),
                        "value": df[spec.value].astype(float)})
    dup = out["period"][out["period"].duplicated()]
    if len(dup):
        raise InputError(str(path), [Problem(spec.period, f"periods repeat: {sorted(set(dup))}")])
    if out.empty:
        raise InputError(str(path), [Problem("", "no observations")])
    return out.sort_values("period").reset_index(drop=True)


def _bad_cells(df: pd.DataFrame, spec) -> list[Problem]:
    """Non-integer or negative periods and non-finite values, with their CSV line."""
    problems = []
    per = pd.to_numeric(df[spec.period], errors="coerce")
    val = pd.to_numeric(df[spec.value], errors="coerce")
    for i in df.index:
        line = int(i) + 2  # header is line 1
        p, v = per[i], val[i]
        if not (np.isfinite(p) and p == int(p) and p >= 0):
            problems.append(Problem(spec.period, "expected a period number 0, 1, 2, ...", line,
                                    df[spec.period][i], True))
        if not np.isfinite(v):
            problems.append(Problem(spec.value, "expected a finite number", line,
                                    df[spec.value][i], True))
    return problems
