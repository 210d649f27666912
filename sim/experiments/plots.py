"""Plots of a sweep's report and of a calibration (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from numpy.typing import ArrayLike  # noqa: E402

LABELS = {"retention_rate": "retention rate", "market_share": "market share",
          "cumulative_profit": "cumulative profit"}


def _save(fig: Figure, path: Path) -> None:
    """Save and close a figure (written to a temporary name, then moved in place)."""
    tmp = path.with_name(f".tmp-{path.name}")
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    tmp.replace(path)


def plot_bands(bands: pd.DataFrame, metric: str, path: Path) -> None:
    """One panel per firm: each variant's mean and 95% band over time."""
    sub = bands[bands["metric"] == metric]
    firms = list(dict.fromkeys(sub["firm"]))
    fig, axes = plt.subplots(1, len(firms), figsize=(5.5 * len(firms), 4), squeeze=False,
                             sharey=True)
    for ax, firm in zip(axes[0], firms):
        for variant, g in sub[sub["firm"] == firm].groupby("variant", observed=True, sort=True):
            line, = ax.plot(g["period"], g["mean"], lw=1.4, label=str(variant))
            ax.fill_between(g["period"], g["lo"], g["hi"], color=line.get_color(), alpha=0.18,
                            lw=0)
        ax.set_title(firm)
        ax.set_xlabel("period")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(f"{LABELS.get(metric, metric)} (mean, 95% band)")
    axes[0][-1].legend(fontsize=7, loc="best")
    _save(fig, path)


def plot_sensitivity(sens: pd.DataFrame, path: Path) -> None:
    """Bar plot of the sensitivity indices with their 95% intervals, one panel per output."""
    if sens.empty:
        return
    sobol = "ST" in sens.columns
    bars = [("S1", "S1_conf"), ("ST", "ST_conf")] if sobol else [("mu_star", "mu_star_conf")]
    groups = list(sens.groupby(["output", "firm"], sort=False))
    ncol = min(3, len(groups))
    nrow = -(-len(groups) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.8 * ncol, 3.2 * nrow), squeeze=False)
    for ax, ((out, firm), g) in zip(axes.flat, groups):
        width = 0.8 / len(bars)
        for k, (col, conf) in enumerate(bars):
            x = [i + (k - (len(bars) - 1) / 2) * width for i in range(len(g))]
            ax.bar(x, g[col], width, yerr=g[conf], capsize=3, label=col)
        ax.set_xticks(range(len(g)), g["factor"], rotation=30, ha="right", fontsize=8)
        ax.set_title(f"{firm}: {out}", fontsize=9)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    _save(fig, path)


def plot_fit(periods: ArrayLike, observed: ArrayLike, simulated: ArrayLike, path: Path,
             title: str) -> None:
    """Observed vs simulated curve of a calibration."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(periods, observed, "o", ms=3.5, label="observed")
    ax.plot(periods, simulated, "-", lw=1.6, label="simulated (best fit, mean)")
    ax.set_xlabel("period")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend()
    _save(fig, path)


def plot_targets(fit: pd.DataFrame, path: Path, title: str, fit_until: int | None) -> None:
    """One panel per calibration target: observed and simulated, the holdout shaded.

    Args:
        fit: The fit table (target, period, window, observed, simulated, rmse_point).
        path: The PNG file.
        title: Figure title.
        fit_until: Last period of the calibration window (None: no holdout).
    """
    targets = list(dict.fromkeys(fit["target"]))
    fig, axes = plt.subplots(1, len(targets), figsize=(6 * len(targets), 4), squeeze=False)
    for ax, label in zip(axes[0], targets):
        g = fit[fit["target"] == label]
        ax.plot(g["period"], g["observed"], "o", ms=3, label="observed")
        ax.plot(g["period"], g["simulated"], "-", lw=1.6, label="simulated (mean)")
        ax.fill_between(g["period"], g["simulated"] - g["rmse_point"],
                        g["simulated"] + g["rmse_point"], alpha=0.15, lw=0,
                        label="± RMSE of the runs")
        _shade_holdout(ax, fit_until, g["period"].max())
        ax.set_title(str(label), fontsize=10)
        ax.set_xlabel("period (observed)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    _save(fig, path)


def _shade_holdout(ax: plt.Axes, fit_until: int | None, last: float) -> None:
    """Shade the holdout window (after ``fit_until``) and mark its start."""
    if fit_until is None or last <= fit_until:
        return
    ax.axvspan(fit_until + 0.5, last + 0.5, color="0.85", alpha=0.5, lw=0)
    ax.axvline(fit_until + 0.5, color="0.4", lw=0.8, ls="--")
    ax.text(fit_until + 1, ax.get_ylim()[1], " holdout", va="top", fontsize=8, color="0.3")


def plot_forecast(table: pd.DataFrame, path: Path, title: str, fit_until: int,
                  unit: str = "period") -> None:
    """Actual, calibrated simulator and baseline: per period and cumulative.

    Args:
        table: forecast.csv (period, actual, simulator, baseline).
        path: The PNG file.
        title: Figure title.
        fit_until: Last period of the calibration window.
        unit: What a period is (axis label).
    """
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    for ax, cum in zip(axes, (False, True)):
        for col, style in (("actual", "k-"), ("simulator", "C0-"), ("baseline", "C1--")):
            y = table[col].cumsum() if cum else table[col]
            if y.notna().any():
                ax.plot(table["period"], y, style, lw=1.4 if col != "actual" else 1.0,
                        label={"simulator": "calibrated simulator",
                               "baseline": "BG/NBD"}.get(col, col))
        _shade_holdout(ax, fit_until, table["period"].max())
        ax.set_xlabel(unit)
        ax.set_title("cumulative" if cum else f"per {unit}", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    _save(fig, path)
