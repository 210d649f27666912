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
