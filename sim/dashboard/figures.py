"""The dashboard's plots, built from trajectory frames (``Setting.frame()``) as SVG text.

Each function returns one labelled chart (see ``svg``); firms keep the same colour everywhere.
"""

from __future__ import annotations

from ..constants import REASONS
from .svg import Chart, Series, bars, render, stacked

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
LOYALTY = (("loyal_true", "true loyalty", "#2ca02c"), ("loyal_spurious", "spurious", "#ff7f0e"),
           ("loyal_latent", "latent", "#1f77b4"), ("loyal_none", "no loyalty", "#bbbbbb"))
HINT = "press Step or \u25b6 to run the market"


def color(k: int) -> str:
    """The colour of the ``k``-th firm (the same in every figure)."""
    return COLORS[k % len(COLORS)]


def _firms(df, names):
    """[(k, firm id, display name, rows)] in the model's order."""
    if df.empty:
        return []
    return [(k, fid, (names or {}).get(fid, fid), g)
            for k, (fid, g) in enumerate(df.groupby("firm", sort=False))]


def _y(g, col: str, scale: float = 1.0, smooth: int = 1) -> list:
    """Column ``col`` of ``g`` scaled and (optionally) smoothed by a trailing mean."""
    y = g[col].astype(float) * scale
    return (y.rolling(smooth, min_periods=1).mean() if smooth > 1 else y).tolist()


def lines(df, series, title: str, ylabel: str, period: str, smooth: int = 1, names=None) -> str:
    """One line per firm and series; ``series`` is [(column, label, dashed, scale)]."""
    out = [Series(g["period"].tolist(), _y(g, col, scale, smooth if not dash else 1),
                  f"{name}: {label}", color(k), dash)
           for k, _, name, g in _firms(df, names) for col, label, dash, scale in series]
    return render(Chart(title, f"period ({period})", ylabel), out, hint=HINT)


def profit(df, period: str, names=None) -> str:
    """Profit per period (4-period mean, left) and cumulative profit (dashed, right)."""
    out = []
    for k, _, name, g in _firms(df, names):
        x = g["period"].tolist()
        out.append(Series(x, _y(g, "profit", 1, 4), f"{name}: profit / period", color(k)))
        out.append(Series(x, _y(g, "cumulative_profit"), f"{name}: cumulative", color(k),
                          dash=True, right=True))
    chart = Chart("Profit and cumulative profit", f"period ({period})",
                  "profit per period (4-period mean)", "cumulative profit (dashed)")
    return render(chart, out, hint=HINT)


def loyalty(df, period: str, names=None) -> list[str]:
    """Dick & Basu loyalty composition of each firm's customers, one stacked chart per firm."""
    present = [t for t in LOYALTY if t[0] in df.columns]
    return [stacked(Chart(f"Loyalty composition (Dick & Basu): {name}", f"period ({period})",
                          "customers"),
                    g["period"].tolist(), [(lab, col, _y(g, c)) for c, lab, col in present],
                    HINT)
            for _, _, name, g in _firms(df, names)]


def lost_by_reason(df, names=None) -> str:
    """Customers lost so far by reason (Keaveney), one bar per firm and reason."""
    reasons = [r for r in REASONS if f"lost_{r}" in df.columns]
    groups = [(name, color(k), [float(g[f"lost_{r}"].sum()) for r in reasons])
              for k, _, name, g in _firms(df, names)]
    labels = [r.replace("_failure", " fail.").replace("_", " ") for r in reasons]
    return bars(Chart("Lost customers by reason (so far)", "", "customers lost"), labels, groups)


COMPARE = (("market_share", "Market share (%)", 100, 4),
           ("cumulative_profit", "Cumulative profit", 1, 1),
           ("churn_rate", "Churn rate (%, 8-period mean)", 100, 8),
           ("trust_mean", "Trust of active customers", 1, 1))


def compare(frames: dict, period: str, names=None, k: int = 0) -> str:
    """Measure ``k`` of ``COMPARE``: setting A (solid) against setting B (dashed)."""
    col, title, scale, smooth = COMPARE[k]
    out = [Series(g["period"].tolist(), _y(g, col, scale, smooth), f"{name} ({tag})", color(j),
                  dash=tag == "B")
           for tag, df in frames.items() for j, _, name, g in _firms(df, names)]
    return render(Chart(f"{title}: A solid, B dashed", f"period ({period})",
                        title.split(" (")[0].lower()), out, hint=HINT)
