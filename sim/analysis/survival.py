"""Kaplan-Meier survival and the restricted mean lifetime, in numpy.

Durations are whole periods; ``event`` is 1 when the spell ended (the customer was lost) and
0 when it was censored (still active when observation stopped). With tied times, losses are
taken to happen before censoring, the usual convention.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


def kaplan_meier(durations: ArrayLike, events: ArrayLike) -> pd.DataFrame:
    """The Kaplan-Meier estimate of the survival function.

    Args:
        durations: Length of each spell (non-negative).
        events: 1 (or True) if the spell ended in a loss, 0 if censored.

    Returns:
        One row per distinct duration: ``time``, ``at_risk`` (spells lasting at least that
        long), ``events``, ``censored``, ``survival`` (S just after ``time``) and
        ``std_err`` (Greenwood).
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events).astype(bool)
    if d.shape != e.shape or d.ndim != 1:
        raise ValueError("durations and events must be 1-d arrays of the same length")
    if d.size and (np.isnan(d).any() or d.min() < 0):
        raise ValueError("durations must be non-negative numbers")
    times, inverse = np.unique(d, return_inverse=True)
    n_events = np.bincount(inverse, weights=e, minlength=times.size)
    n_total = np.bincount(inverse, minlength=times.size)
    at_risk = d.size - np.concatenate([[0], np.cumsum(n_total)[:-1]])
    hazard = np.divide(n_events, at_risk, out=np.zeros(times.size), where=at_risk > 0)
    surv = np.cumprod(1 - hazard)
    denom = at_risk * (at_risk - n_events)
    green = np.cumsum(np.divide(n_events, denom, out=np.zeros(times.size), where=denom > 0))
    return pd.DataFrame({"time": times, "at_risk": at_risk, "events": n_events.astype(int),
                         "censored": (n_total - n_events).astype(int), "survival": surv,
                         "std_err": surv * np.sqrt(green)})


def survival_at(km: pd.DataFrame, t: ArrayLike) -> np.ndarray:
    """S(t) read off a Kaplan-Meier table (a step function, 1 before the first time)."""
    times = np.atleast_1d(np.asarray(t, dtype=float))
    pos = np.searchsorted(km["time"].to_numpy(), times, side="right") - 1
    s = km["survival"].to_numpy()
    return np.where(pos >= 0, s[np.clip(pos, 0, None)], 1.0)


def restricted_mean(km: pd.DataFrame, horizon: float) -> float:
    """Mean lifetime restricted to ``horizon``: the area under S(t) from 0 to ``horizon``."""
    times = km["time"].to_numpy()
    s = km["survival"].to_numpy()
    keep = times < horizon
    edges = np.concatenate([[0.0], times[keep], [horizon]])
    levels = np.concatenate([[1.0], s[keep]])
    return float((np.diff(edges) * levels).sum())


def median_lifetime(km: pd.DataFrame) -> float:
    """Smallest time at which survival falls to 0.5 or below (NaN if it never does)."""
    below = km.loc[km["survival"] <= 0.5, "time"]
    return float(below.iloc[0]) if len(below) else float("nan")
