"""Round the numbers of CSV outputs to a meaningful precision.

Means, bands and indices carry sampling error far above the 7th significant digit, and
values that went through single precision print as e.g. ``0.30000001``. CSV files therefore
hold numbers rounded to ``CSV_DIGITS`` significant digits (``0.3``, ``1234.57``,
``123457000.0``); exact values stay in the Parquet run files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

CSV_DIGITS = 6


def round_significant(values: ArrayLike, digits: int = CSV_DIGITS) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits (zeros, NaN and inf unchanged).

    Args:
        values: Numbers (array-like).
        digits: Significant digits to keep.

    Returns:
        A float array whose elements print with at most ``digits`` significant digits.
    """
    x = np.asarray(values, dtype=float)
    out = x.copy()
    ok = np.isfinite(x) & (x != 0)
    if not ok.any():
        return out
    exp = digits - 1 - np.floor(np.log10(np.abs(x[ok]))).astype(int)
    up, down = exp >= 0, exp < 0
    vals = x[ok]
    res = np.empty_like(vals)
    # multiply and divide by exact powers of ten so the result is the float nearest to the
    # rounded decimal (and prints as it)
    with np.errstate(all="ignore"):
        scale = 10.0 ** np.where(up, exp, 0)
        res[up] = np.round(vals[up] * scale[up]) / scale[up]
        scale = 10.0 ** np.where(down, -exp, 0)
        res[down] = np.round(vals[down] / scale[down]) * scale[down]
    extreme = np.abs(exp) > 22  # powers of ten beyond 1e22 are not exact floats
    res[extreme] = [float(f"{v:.{digits}g}") for v in vals[extreme]]
    out[ok] = res
    return out


def round_frame(df: pd.DataFrame, digits: int = CSV_DIGITS) -> pd.DataFrame:
    """A copy of ``df`` with its float columns rounded to ``digits`` significant digits."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = round_significant(out[col].to_numpy(), digits)
    return out
