"""Calibration targets: the simulated curve of a target, and the objective over targets.

A target compares an observed column with a simulated metric of one firm: a column of
trajectories.csv or a derived one (``repeat_transactions`` = transactions - new_customers:
purchases beyond the first-ever ones; transactions are the served unless purchase occasions
are on, ODD 7.27),
optionally as its running sum or product. The objective is the weighted sum of each
target's RMSE over the calibration window, each divided by its scale (the mean absolute
observed value in the window, or 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calibration_schema import DERIVED_METRICS, TargetCurve


def columns_needed(targets: list[TargetCurve]) -> tuple[str, ...]:
    """The trajectory columns the targets are computed from."""
    cols: list[str] = []
    for t in targets:
        cols += DERIVED_METRICS.get(t.metric, (t.metric,))
    return tuple(dict.fromkeys(cols))


def simulated_curve(traj: pd.DataFrame, target: TargetCurve, firm: str,
                    periods: np.ndarray) -> np.ndarray:
    """One run's curve of ``target`` at the simulated ``periods`` (NaN where undefined).

    Args:
        traj: The run's trajectories (period, firm and the needed columns).
        target: The target.
        firm: Its firm.
        periods: Simulated periods to return.

    Returns:
        The values, one per period.
    """
    df = traj[traj["firm"] == firm].set_index("period").sort_index()
    if target.metric in DERIVED_METRICS:
        plus, minus = DERIVED_METRICS[target.metric]
        if plus == "transactions" and plus not in df.columns:
            plus = "served"  # trajectories from before the column: one purchase per served
        series = df[plus].astype(float) - df[minus].astype(float)
    else:
        series = df[target.metric].astype(float)
    if target.transform == "cumulative_sum":
        series = series.fillna(0.0).cumsum()
    elif target.transform == "cumulative_product":
        series = series.fillna(1.0).cumprod()
    return series.reindex(periods).to_numpy(dtype=float)


def rmse(sim: np.ndarray, obs: np.ndarray) -> float:
    """Root mean square error (points where the simulation is undefined count as misses)."""
    if not len(obs):
        return float("nan")
    err = np.where(np.isfinite(sim), sim - obs, np.nan)
    if not np.isfinite(err).any():
        return float("inf")
    miss = ~np.isfinite(err)
    scale = np.nanmax(np.abs(obs)) if np.isfinite(obs).any() else 1.0
    err[miss] = scale
    return float(np.sqrt(np.mean(err**2)))


def target_scale(target: TargetCurve, obs: np.ndarray) -> float:
    """What a target's RMSE is divided by in the objective."""
    if target.scale == "none":
        return 1.0
    mean = float(np.mean(np.abs(obs))) if len(obs) else 0.0
    return mean if mean > 0 else 1.0


def objective(curves: dict[str, np.ndarray], observed: dict[str, np.ndarray],
              fit: np.ndarray, targets: list[TargetCurve]) -> tuple[float, dict[str, float]]:
    """The objective of one candidate and each target's RMSE in the calibration window.

    Args:
        curves: Target label -> simulated curves (replications x observed periods).
        observed: Target label -> observed values.
        fit: Mask of the observed periods in the calibration window.
        targets: The targets.

    Returns:
        The weighted sum of scaled RMSEs, and target label -> RMSE of the mean curve.
    """
    total, errors = 0.0, {}
    for t in targets:
        obs = observed[t.label][fit]
        errors[t.label] = rmse(curves[t.label].mean(axis=0)[fit], obs)
        total += t.weight * errors[t.label] / target_scale(t, obs)
    return total, errors
