"""Labelled figures of an imported log: customers, repeat transactions, revenue, cohorts, gaps."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def plot_import(observed: pd.DataFrame, cohorts: pd.DataFrame, gaps: pd.DataFrame,
                out: Path, title: str, period: str) -> list[Path]:
    """Write the import's figures into ``out``.

    Args:
        observed: ``observed_curves`` output.
        cohorts: ``cohort_table`` output.
        gaps: ``interpurchase_times`` output.
        out: Folder.
        title: Figure title prefix (the log's name).
        period: ``day``, ``week`` or ``month`` (axis labels).

    Returns:
        The files written.
    """
    figures = {
        "customers.png": _customers(observed, title, period),
        "repeat_transactions.png": _repeat(observed, title, period),
        "revenue.png": _revenue(observed, title, period),
        "cohorts.png": _cohorts(cohorts, title, period),
        "interpurchase.png": _gaps(gaps, title),
    }
    paths = []
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
        paths.append(out / name)
    return paths


def _axes(title: str, ylabel: str, xlabel: str) -> tuple[Figure, Axes]:
    """A figure with one labelled axis."""
    fig, ax = plt.subplots(figsize=(8, 4.5), constrained_layout=True)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    return fig, ax


def _customers(df: pd.DataFrame, title: str, period: str) -> Figure:
    fig, ax = _axes(f"{title}: customers by {period}", "customers",
                    f"{period} (1 = first {period} of the log)")
    ax.plot(df["period"], df["customers_active"], label=f"active (bought in the {period})")
    ax.plot(df["period"], df["new_customers"], "--", label="new (first purchase)")
    ax.legend()
    return fig


def _repeat(df: pd.DataFrame, title: str, period: str) -> Figure:
    fig, ax = _axes(f"{title}: repeat transactions", f"repeat transactions per {period}",
                    f"{period} (1 = first {period} of the log)")
    ax.plot(df["period"], df["repeat_transactions"], label=f"per {period} (left axis)")
    right = ax.twinx()
    right.plot(df["period"], df["repeat_transactions_cumulative"], "--", color="C1",
               label="cumulative (right axis)")
    right.set_ylabel("cumulative repeat transactions")
    lines = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left")
    return fig


def _revenue(df: pd.DataFrame, title: str, period: str) -> Figure:
    fig, ax = _axes(f"{title}: revenue", f"revenue per {period} (currency of the log)",
                    f"{period} (1 = first {period} of the log)")
    ax.bar(df["period"], df["revenue"], width=0.9)
    return fig


def _cohorts(cohorts: pd.DataFrame, title: str, period: str) -> Figure:
    fig, ax = _axes(f"{title}: cohort survival (a purchase in this {period} or later)",
                    "share of the cohort", f"{period}s since acquisition")
    groups = list(cohorts.groupby("cohort"))
    step = max(1, len(groups) // 12)  # at most about 12 lines
    for cohort, g in groups[::step]:
        ax.plot(g["age"], g["surviving_share"], label=f"acquired in {period} {cohort}")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize="small", ncol=2)
    return fig


def _gaps(gaps: pd.DataFrame, title: str) -> Figure:
    fig, ax = _axes(f"{title}: time between a customer's purchases", "repeat transactions",
                    "days since the customer's previous purchase")
    if len(gaps):
        ax.bar(gaps["days"], gaps["count"], width=1.0)
    return fig


def plot_baseline(table: pd.DataFrame, fit_until: int, path: Path, title: str,
                  period: str) -> Path:
    """Actual vs BG/NBD expected repeat transactions, per period and cumulative.

    Args:
        table: ``Forecast.table``.
        fit_until: Last period of the calibration window (a vertical line).
        path: PNG file to write.
        title: Figure title prefix.
        period: ``day``, ``week`` or ``month``.

    Returns:
        ``path``.
    """
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    for ax, col, ylabel in ((axes[0], "", f"repeat transactions per {period}"),
                            (axes[1], "_cumulative", "cumulative repeat transactions")):
        ax.plot(table["period"], table["actual" + col], label="actual")
        ax.plot(table["period"], table["expected" + col], "--", label="BG/NBD expected")
        ax.axvline(fit_until + 0.5, color="grey", lw=0.8)
        ax.set_xlabel(f"{period} (calibration: 1-{fit_until}, then holdout)")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"{title}: BG/NBD baseline")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
