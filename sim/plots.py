"""The standard figures of a run: one PNG per question, one panel per idea, every firm on each.

Every figure says what its lines are: a caption under the panels names any smoothing (a
trailing moving mean over a stated number of periods) and every money axis gives its unit
(the scenario's currency, per period where it is a flow). Firms keep the colours of
``sim/palette.py``; the legend sits outside the panels so it never hides a line, and no two
texts overlap (tests/test_figures.py checks the rendered figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .palette import color  # noqa: E402


@dataclass(frozen=True)
class Panel:
    """One panel: one column of the trajectories, every firm a line."""

    column: str
    title: str
    ylabel: str
    smooth: int = 1  # trailing moving mean over this many periods (1: none)
    money: bool = False


FIGURES: dict[str, tuple[str, list[Panel]]] = {
    "churn.png": ("Churn", [
        Panel("churn_rate", "Churn rate", "share of active customers lost per {period}", 8)]),
    "market_share.png": ("Market share", [
        Panel("market_share", "Market share", "share of purchases at the firms", 4)]),
    "profit.png": ("Profit", [
        Panel("profit", "Profit per {period}", "{currency} per {period}", 8, True),
        Panel("cumulative_profit", "Cumulative profit", "{currency} (since the start)", 1,
              True)]),
    "satisfaction_trust.png": ("Satisfaction and trust of active customers", [
        Panel("satisfaction_mean", "Satisfaction", "mean, 0 to 1"),
        Panel("trust_mean", "Trust", "mean, 0 to 1")]),
    "service_price.png": ("Service level and price paid", [
        Panel("service_mean", "Service level (mean of value, system, people)", "level, 0 to 1"),
        Panel("avg_price_paid", "Average price paid", "{currency} per purchase", 1, True)]),
}

# Drawn only when a firm has staff (ODD 7.26): the staff cycle of the service-profit chain.
STAFF_FIGURE = ("staff.png", "The staff cycle: staff satisfaction, quits, experience, service", [
    Panel("staff_satisfaction", "Staff satisfaction", "mean, 0 to 1"),
    Panel("satisfaction_mean", "Customer satisfaction (the mirror)", "mean, 0 to 1"),
    Panel("staff_turnover", "Staff quits per staff member", "share of the staff per {period}",
          8),
    Panel("staff_experience", "Staff experience", "mean, 0 (new hire) to 1"),
    Panel("service_people", "People service level (follows the staff)", "level, 0 to 1")])


def build_figures(df: pd.DataFrame, title: str, period: str = "week",
                  currency: str = "money") -> dict[str, Figure]:
    """Every standard figure for trajectories ``df``: ``{file name: figure}``."""
    # a "$" in a currency or title would start matplotlib's mathtext: show it as written
    names = {"period": period, "currency": currency.replace("$", r"\$")}
    title = title.replace("$", r"\$")
    figures = dict(FIGURES)
    if "staff" in df and df["staff"].notna().any():
        fname, heading, panels = STAFF_FIGURE
        figures[fname] = (heading, panels)
        df = df.assign(staff_turnover=df["staff_quits"] / df["staff"])
    return {fname: _figure(df, heading, panels, title, names)
            for fname, (heading, panels) in figures.items()}


def plot_all(df: pd.DataFrame, out: Path, title: str, period: str = "week",
             currency: str = "money") -> list[Path]:
    """Write every standard figure for trajectories ``df`` into ``out``; return the paths."""
    paths = []
    for fname, fig in build_figures(df, title, period, currency).items():
        path = Path(out) / fname
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def _money(value: float, _pos: object = None) -> str:
    """Tick label with thousands separators (1,250,000; 0.5)."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def _figure(df: pd.DataFrame, heading: str, panels: list[Panel], title: str,
            names: dict[str, str]) -> Figure:
    """One figure: ``panels`` stacked, a shared legend on the right, a caption below."""
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 2.6 + 2.4 * len(panels)),
                             sharex=True, squeeze=False, layout="constrained")
    handles = []
    for ax, panel in zip(axes[:, 0], panels):
        for k, (fid, g) in enumerate(df.groupby("firm", sort=False)):
            y = g[panel.column]
            if panel.smooth > 1:
                y = y.rolling(panel.smooth, min_periods=1).mean()
            (line,) = ax.plot(g["period"], y, color=color(k), label=str(fid), lw=1.6)
            if ax is axes[0, 0]:
                handles.append(line)
        ax.set_title(panel.title.format(**names), loc="left", fontsize=11)
        ax.set_ylabel(panel.ylabel.format(**names))
        if panel.money:
            ax.yaxis.set_major_formatter(FuncFormatter(_money))
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(f"period ({names['period']}s)")
    fig.suptitle(f"{heading}\n{title}", fontsize=12)
    fig.legend(handles=handles, title="firm", loc="outside right upper", fontsize=9)
    fig.text(0.01, 0.005, _caption(panels, names), fontsize=8, ha="left", va="bottom",
             wrap=True)
    engine = fig.get_layout_engine()
    assert isinstance(engine, ConstrainedLayoutEngine)  # layout="constrained" above
    engine.set(h_pad=0.1, rect=(0, 0.04, 1, 0.96))
    return fig


def _caption(panels: list[Panel], names: dict[str, str]) -> str:
    """What the lines are: smoothing (if any) and units."""
    period = names["period"]
    smoothed = [p for p in panels if p.smooth > 1]
    if not smoothed:
        return f"Lines: values per {period}, not smoothed."
    parts = [f"{p.title.format(**names).lower()}: mean of the last {p.smooth} {period}s"
             for p in smoothed]
    plain = [p.title.format(**names).lower() for p in panels if p.smooth <= 1]
    tail = f"; {', '.join(plain)}: not smoothed" if plain else ""
    return f"Smoothed (trailing moving mean) - {'; '.join(parts)}{tail}."
