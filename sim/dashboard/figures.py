"""The dashboard's plots, built from trajectory frames (``Setting.frame()``) as SVG text.

Each function returns one labelled chart (see ``svg``); firms keep their ``sim.palette``
colour everywhere, and story markers (``markers``) are drawn as numbered dashed lines.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..constants import REASONS
from ..palette import MARKER, color
from .i18n import tr
from .markers import Marker
from .svg import Chart, Series, bars, render, stacked

# firm id -> display name (None: the ids)
Names = dict[str, str] | None

LOYALTY = (("loyal_true", "true loyalty", "#009E73"), ("loyal_spurious", "spurious", "#E69F00"),
           ("loyal_latent", "latent", "#56B4E9"), ("loyal_none", "no loyalty", "#BBBBBB"))
TRAP = (("service_mean", "service", "#444444", False),
        ("margin_share", "margin", None, False), ("budget_service", "budget", None, True))


def _firms(df: pd.DataFrame, names: Names) -> list[tuple[int, str, str, pd.DataFrame]]:
    """[(k, firm id, display name, rows)] in the model's order."""
    if df.empty:
        return []
    out = []
    for k, (key, g) in enumerate(df.groupby("firm", sort=False)):
        fid = str(key)  # firm ids are text
        out.append((k, fid, (names or {}).get(fid, fid), g))
    return out


def _y(g: pd.DataFrame, col: str, scale: float = 1.0, smooth: int = 1) -> list:
    """Column ``col`` of ``g`` scaled and (optionally) smoothed by a trailing mean."""
    y = g[col].astype(float) * scale
    return (y.rolling(smooth, min_periods=1).mean() if smooth > 1 else y).tolist()


def vlines(marks: Iterable[Marker]) -> list[tuple]:
    """Chart vlines for story markers: [(period, colour, "1"), ...]."""
    return [(m.period, MARKER, str(k + 1)) for k, m in enumerate(marks)]


def lines(df: pd.DataFrame, col: str, title: str, ylabel: str, xlabel: str, smooth: int = 1,
          names: Names = None, scale: float = 1.0, marks: Iterable[Marker] = (),
          xlim: tuple | None = None, lang: str = "en") -> str:
    """One line per firm of column ``col`` (scaled, smoothed), with the story markers."""
    out = [Series(g["period"].tolist(), _y(g, col, scale, smooth), name, color(k))
           for k, _, name, g in _firms(df, names)]
    return render(Chart(title, xlabel, ylabel, vlines=vlines(marks), xlim=xlim), out,
                  hint=tr("hint", lang))


def trust_satisfaction(df: pd.DataFrame, xlabel: str, names: Names = None,
                       marks: Iterable[Marker] = (), xlim: tuple | None = None,
                       lang: str = "en") -> str:
    """Trust (solid) and satisfaction (dashed) of each firm's active customers."""
    out = []
    for k, _, name, g in _firms(df, names):
        x = g["period"].tolist()
        out.append(Series(x, _y(g, "trust_mean"), name, color(k)))
        out.append(Series(x, _y(g, "satisfaction_mean"), "", color(k), dash=True))
    chart = Chart(tr("trust", lang), xlabel, tr("mean01", lang), vlines=vlines(marks),
                  xlim=xlim, ylim=(0, 1))
    return render(chart, out, hint=tr("hint", lang))


def trap(df: pd.DataFrame, xlabel: str, names: Names = None, marks: Iterable[Marker] = (),
         xlim: tuple | None = None, lang: str = "en") -> list[str]:
    """Per firm: service level, unit margin as a share of price, and service budget allowed."""
    charts = []
    for k, _, name, g in _firms(df, names):
        g = g.assign(margin_share=g["unit_margin"] / g["price"].where(g["price"] > 0))
        x = g["period"].tolist()
        out = [Series(x, _y(g, col, 1, 4 if col == "margin_share" else 1), tr(label, lang),
                      colour or color(k), dash)
               for col, label, colour, dash in TRAP]
        chart = Chart(tr("trap_title", lang, firm=name), xlabel, tr("mean01", lang),
                      vlines=vlines(marks), xlim=xlim)
        charts.append(render(chart, out, hint=tr("hint", lang)))
    return charts


def loyalty(df: pd.DataFrame, xlabel: str, names: Names = None, lang: str = "en") -> list[str]:
    """Dick & Basu loyalty composition of each firm's customers, one stacked chart per firm."""
    present = [t for t in LOYALTY if t[0] in df.columns]
    return [stacked(Chart(tr("loyalty_title", lang, firm=name), xlabel, tr("active", lang)),
                    g["period"].tolist(), [(lab, col, _y(g, c)) for c, lab, col in present],
                    tr("hint", lang))
            for _, _, name, g in _firms(df, names)]


def lost_by_reason(df: pd.DataFrame, names: Names = None, lang: str = "en") -> str:
    """Customers lost so far by reason (Keaveney), one bar per firm and reason."""
    reasons = [r for r in REASONS if f"lost_{r}" in df.columns]
    groups = [(name, color(k), [float(g[f"lost_{r}"].sum()) for r in reasons])
              for k, _, name, g in _firms(df, names)]
    labels = [r.replace("_failure", " fail.").replace("_", " ") for r in reasons]
    chart = Chart(tr("lost_reason", lang), tr("customers_lost", lang), "", height=340)
    return bars(chart, labels, groups)


COMPARE = (("market_share", "share", 100, 4), ("cumulative_profit", "cumprofit", 1, 1),
           ("churn_rate", "churn", 100, 8), ("trust_mean", "trust_only", 1, 1))


def compare(frames: dict[str, pd.DataFrame], xlabel: str, names: Names = None, k: int = 0,
            lang: str = "en") -> str:
    """Measure ``k`` of ``COMPARE``: setting A (solid) against setting B (dashed)."""
    col, key, scale, smooth = COMPARE[k]
    title = tr(key, lang) if key != "trust_only" else tr("trust", lang).split(" (")[0]
    out = [Series(g["period"].tolist(), _y(g, col, scale, smooth),
                  f"{name} {tag}" if tag == "A" else "", color(j), dash=tag == "B")
           for tag, df in frames.items() for j, _, name, g in _firms(df, names)]
    return render(Chart(f"{title}: A — B - -", xlabel, ""), out, hint=tr("hint", lang))
