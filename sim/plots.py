"""The standard figures of a run: one PNG per question, every firm on each, labelled."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FIGURES = {
    "retention_churn.png": ("Retention and churn", [("retention_rate", "retention rate", "-"),
                                                     ("churn_rate", "churn rate", "--")],
                            "share of active customers per period", 8),
    "market_share.png": ("Market share", [("market_share", "share of stays", "-")],
                         "share of purchases at the firms", 4),
    "profit.png": ("Profit", [("profit", "profit per {period} (8-{period} moving mean)", "-"),
                              ("cumulative_profit", "cumulative profit ({currency})", "--")],
                   "{currency} per {period}", 8),
    "satisfaction_trust.png": ("Satisfaction and trust of active customers",
                               [("satisfaction_mean", "satisfaction", "-"),
                                ("trust_mean", "trust", "--")], "mean, 0 to 1", 1),
    "service_price.png": ("Service level and price paid",
                          [("service_mean", "service level (mean of 3 dimensions)", "-"),
                           ("avg_price_paid", "average price paid ({currency})", "--")], "", 1),
}


def plot_all(df, out: Path, title: str, period: str = "week",
             currency: str = "money") -> list[Path]:
    """Write every standard figure for trajectories ``df`` into ``out``; return the paths."""
    paths = []
    for fname, (heading, series, ylabel, smooth) in FIGURES.items():
        names = {"period": period, "currency": currency}
        series = [(col, label.format(**names), style) for col, label, style in series]
        fig = _figure(df, heading, series, ylabel.format(**names), smooth, title, period, fname)
        path = out / fname
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def _figure(df, heading, series, ylabel, smooth, title, period, fname):
    """One figure; the profit and service/price figures get a second axis."""
    twin = fname in ("profit.png", "service_price.png")
    fig, ax = plt.subplots(figsize=(9, 5))
    axes = [ax, ax.twinx()] if twin else [ax, ax]
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (fid, g) in enumerate(df.groupby("firm", sort=False)):
        for j, (col, label, style) in enumerate(series):
            y = g[col].rolling(smooth, min_periods=1).mean() if smooth > 1 and j == 0 else g[col]
            axes[j if twin else 0].plot(g["period"], y, style, color=colors[k % len(colors)],
                                        label=f"{fid}: {label}")
    ax.set_xlabel(f"period ({period})")
    ax.set_ylabel(ylabel or series[0][1])
    if twin:
        axes[1].set_ylabel(series[1][1])
    ax.set_title(f"{heading}\n{title}")
    ax.grid(alpha=0.3)
    used = axes if twin else [ax]
    handles = sum((a.get_legend_handles_labels()[0] for a in used), [])
    labels = sum((a.get_legend_handles_labels()[1] for a in used), [])
    ax.legend(handles, labels, fontsize=8, loc="best")
    fig.tight_layout()
    return fig
