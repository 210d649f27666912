"""Purchase counts per customer and firm over analysis windows (ODD 7.23).

Share of wallet and the brand performance measures of Ehrenberg's NBD-Dirichlet.

For each analysis window of L periods (``params.brands.windows``, e.g. a quarter and a year of
weeks) the model counts each customer's purchases at each firm over the current window and
keeps the counts of the previous one (never a per-period history; uint8 while L <= 255, so
about 4 bytes per customer and firm for two windows). At the end of each window the observed
measures of the window before (market share, penetration, purchase frequency, SCR, sole
buyers, and the repeat rate into the window just ended) become rows of
``brand_performance.csv``, with the NBD-Dirichlet's fit and predictions beside them
(sim/analysis/dirichlet.py, fitted when the table is written); the last complete window is
added at the end of the run, its repeat rate NaN.

``share_of_wallet`` (a trajectory column): the firm's share of category requirements among
its buyers over the last complete window of the shortest length, sum_i c_fi /
sum_{i: c_fi > 0} n_i with n_i the customer's purchases at any firm; it is updated when a
window ends (NaN before the first one ends), so counting costs one increment per purchase.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from .analysis.brands import DIRICHLET_COLUMNS, brand_table, with_dirichlet
from .config import Block
from .step import Books, Mechanism, Phase, Tally, Visit, World

DEFAULT_WINDOWS = {"day": ("91 days", "365 days"), "week": ("13 weeks", "52 weeks"),
                   "month": ("3 months", "12 months"), "quarter": ("1 quarter", "4 quarters"),
                   "year": ("1 year", "2 years")}
WINDOW = re.compile(r"^\s*(\d+)\s*([a-z]+?)s?\s*$")
TABLE_COLUMNS = ("window", "start", "end")


class BrandParams(Block):
    """Purchase counts and brand performance (ODD 7.23), ``params.brands``."""

    enabled: bool = Field(True, description="count purchases per window; brand_performance.csv "
                                            "and share_of_wallet")
    windows: list[str] | None = Field(
        None, min_length=1, max_length=4,
        description="analysis windows in the scenario's period unit, e.g. ['13 weeks', "
                    "'52 weeks']; default a quarter and a year in that unit")


def parse_window(text: str, period: str, horizon: int) -> int:
    """Periods in a window such as "13 weeks" (the unit must be the scenario's period).

    Raises:
        ValueError: Saying what is wrong and what is allowed.
    """
    m = WINDOW.match(text.lower())
    if m is None:
        raise ValueError(f"window {text!r}: write a number and the scenario's period unit, "
                         f"e.g. '13 {period}s'")
    n, unit = int(m.group(1)), m.group(2)
    if unit != period:
        raise ValueError(f"window {text!r}: the scenario's periods are {period}s; state the "
                         f"window in {period}s")
    if not 1 <= n <= horizon:
        raise ValueError(f"window {text!r}: must be 1 to {horizon} {period}s (the horizon)")
    return n


def windows(spec: Any) -> list[tuple[str, int]]:
    """(label, length) of the scenario's analysis windows.

    Stated windows must be valid (the schema checks them); a default window longer than a
    short run is left out.
    """
    p = spec.params.brands
    out = []
    for text in p.windows or DEFAULT_WINDOWS[spec.period]:
        try:
            out.append((text, parse_window(text, spec.period, spec.horizon)))
        except ValueError:
            if p.windows:
                raise
    return out


class Purchases(Mechanism):
    """Counts of purchases per customer and firm over the current and the previous window.

    Attributes:
        current: Per window, (F, N) counts over the window so far.
        previous: Per window, (F, N) counts over the last complete window (None before).
        rows: Completed rows of the brand performance table.
    """

    key = "brands"
    phases = (Phase.SERVED, Phase.ROW, Phase.END)
    columns = ("share_of_wallet",)
    defaults = {"share_of_wallet": float("nan")}

    def __init__(self, world: World):
        super().__init__(world)
        c = world.customers
        self.windows = windows(world.spec)
        self.current = [np.zeros((c.n_firms, c.n), np.uint8 if n <= 255 else np.uint16)
                        for _, n in self.windows]
        self.previous: list[np.ndarray | None] = [None for _ in self.windows]
        self.previous_start = [0 for _ in self.windows]
        self.rows: list[pd.DataFrame] = []
        self._scr = np.full(c.n_firms, np.nan)

    def nbytes(self) -> int:
        """Bytes held by the counts."""
        return sum(a.nbytes for a in self.current) + sum(
            a.nbytes for a in self.previous if a is not None)

    def served(self, visit: Visit) -> None:
        """Count this period's purchases at the visited firm in every window."""
        for counts in self.current:
            counts[visit.firm][visit.ids] += 1

    def row(self, f: int, tally: Tally, books: Books) -> dict[str, float]:
        """Share of wallet of firm ``f`` over the last complete shortest window."""
        return {"share_of_wallet": float(self._scr[f])}

    def end(self, tallies: list[Tally]) -> None:
        """Close the windows that end with this period."""
        t = self.world.t
        for k, (label, n) in enumerate(self.windows):
            if (t + 1) % n:
                continue
            done = self.previous[k]
            if done is not None:
                self.rows.append(self._rows(label, t + 1 - 2 * n, n, done, self.current[k]))
                self.previous[k], self.current[k] = self.current[k], done
                self.current[k][:] = 0
            else:
                self.previous[k] = self.current[k]
                self.current[k] = np.zeros_like(self.current[k])
            self.previous_start[k] = t + 1 - n
            done_now = self.previous[k]
            if done_now is not None and n == min(length for _, length in self.windows):
                self._scr = share_of_wallet(done_now)

    def table(self) -> pd.DataFrame:
        """The brand performance table (the last complete windows with repeat rate NaN)."""
        tail = []
        for k, (label, n) in enumerate(self.windows):
            done = self.previous[k]
            if done is not None:
                tail.append(self._rows(label, self.previous_start[k], n, done, None))
        frames = [_with_dirichlet(rows) for rows in (*self.rows, *tail)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _rows(self, label: str, start: int, n: int, counts: np.ndarray,
              following: np.ndarray | None) -> pd.DataFrame:
        """Observed measures and the Dirichlet's for the window [start, start + n)."""
        firms = [firm.fid for firm in self.world.firms]
        table = brand_table(counts, None, following, firms)
        table.insert(0, "end", start + n - 1)
        table.insert(0, "start", start)
        table.insert(0, "window", label)
        return table



def share_of_wallet(counts: np.ndarray) -> np.ndarray:
    """SCR per firm among its buyers: sum_i c_fi / sum_{i: c_fi > 0} n_i (NaN without buyers)."""
    n = counts.sum(axis=0, dtype=np.int64)
    out = np.full(counts.shape[0], np.nan)
    for f in range(counts.shape[0]):
        bought = counts[f] > 0
        total = n[bought].sum()
        if total:
            out[f] = counts[f].sum(dtype=np.int64) / total
    return out


def _with_dirichlet(observed: pd.DataFrame) -> pd.DataFrame:
    """The window's rows with the NBD-Dirichlet's fit beside them (NaN where it has none)."""
    try:
        return with_dirichlet(observed)
    except (ValueError, FloatingPointError):  # no Dirichlet for this window (e.g. one firm)
        return observed.assign(**dict.fromkeys(DIRICHLET_COLUMNS, np.nan))
