"""Customer spells recorded from a running model: who was active at which firm, from when.

A spell runs from a customer's (re)acquisition by a firm to their loss. ``SpellTracker``
reads the model's ordinary customer arrays after each step (no special code path in the
model) and returns one row per spell, ready for Kaplan-Meier, Cox or sBG fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..constants import ACTIVE, CHANNELS

if TYPE_CHECKING:
    from ..model import Market


class SpellTracker:
    """Record every spell of every customer at every firm while a model runs.

    Call ``observe()`` after each ``model.step()``; ``spells()`` returns the table.
    Customers active when the tracker is created start with their recorded acquisition
    period and are flagged ``initial`` (their spells are left-truncated).

    Args:
        model: A ``sim.Market``.
    """

    def __init__(self, model: Market) -> None:
        self.model = model
        c = model.customers
        self._active = c.status == ACTIVE
        self._start = np.where(self._active, c.acquired, -1).astype(np.int32)
        self._initial = self._active.copy()
        self._ended: list[pd.DataFrame] = []

    def observe(self) -> None:
        """Record spells that ended and started in the step just taken."""
        c, t = self.model.customers, self.model.t - 1
        now = c.status == ACTIVE
        ended = self._active & (~now | (c.acquired != self._start))
        f, i = np.nonzero(ended)
        if i.size:
            self._ended.append(self._frame(f, i, np.full(i.size, t), np.ones(i.size, bool)))
        fresh = now & (~self._active | ended)
        self._start[fresh] = c.acquired[fresh]
        self._initial[fresh] = False
        self._active = now

    def spells(self) -> pd.DataFrame:
        """All spells so far: ended ones (``event`` 1) and open ones censored now (0).

        Columns: customer, firm, segment, channel, start, end, duration, event, initial.
        """
        f, i = np.nonzero(self._active)
        t = self.model.t - 1
        open_ = self._frame(f, i, np.full(i.size, t), np.zeros(i.size, bool))
        return pd.concat([*self._ended, open_], ignore_index=True)

    def _frame(self, f: np.ndarray, i: np.ndarray, end: np.ndarray,
               event: np.ndarray) -> pd.DataFrame:
        c = self.model.customers
        start = self._start[f, i]
        return pd.DataFrame({
            "customer": i, "firm": np.asarray(self.model.firm_ids)[f],
            "segment": np.asarray(c.segment_names)[c.segment[i]],
            "channel": np.asarray(CHANNELS)[c.channel[f, i]],
            "start": start, "end": end, "duration": end - start,
            "event": event.astype(int), "initial": self._initial[f, i]})


def run_with_spells(model: Market, periods: int | None = None) -> pd.DataFrame:
    """Step ``model`` for ``periods`` (default: to its horizon) and return its spells."""
    tracker = SpellTracker(model)
    n = model.spec.horizon - model.t if periods is None else periods
    for _ in range(n):
        model.step()
        tracker.observe()
    return tracker.spells()


def cohort_alive(spells: pd.DataFrame, start: int, ages: int, firm: str | None = None,
                 channel: str | None = None) -> np.ndarray:
    """Members of the cohort acquired in period ``start`` still in their spell at each age.

    Args:
        spells: Output of ``SpellTracker.spells()``.
        start: Acquisition period of the cohort.
        ages: Number of ages after acquisition to report (0..ages).
        firm: Restrict to one firm.
        channel: Restrict to one acquisition channel (e.g. ``"new"``).

    Returns:
        ``alive[a]`` for a = 0..ages: members not lost by the end of period ``start + a``.
        Ages beyond the end of observation are not valid (a censored spell counts as
        alive up to its censoring age only).
    """
    sel = spells["start"] == start
    if firm is not None:
        sel &= spells["firm"] == firm
    if channel is not None:
        sel &= spells["channel"] == channel
    dur = spells.loc[sel, "duration"].to_numpy()
    ended = spells.loc[sel, "event"].to_numpy().astype(bool)
    age = np.arange(ages + 1)[:, None]
    alive = np.where(ended[None, :], dur[None, :] > age, dur[None, :] >= age)
    return alive.sum(axis=1)
