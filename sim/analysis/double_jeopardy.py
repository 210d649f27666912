"""The brand performance table Ehrenberg style and the double-jeopardy plot.

Both take one window of the table made by :func:`sim.analysis.brands.brand_performance`
(observed measures beside the ``dirichlet_*`` predictions).

Double jeopardy: along the Dirichlet's curve a smaller brand has fewer buyers (penetration
``b_j``) and they buy it a little less often (``w_j``); for small brands ``w_j (1 - b_j)`` is
nearly constant (Ehrenberg, Goodhardt & Barwise 1990). The curve is traced by the fitted model
(fixed M, K, S) for a hypothetical brand whose share runs over the observed range:
``share -> (b(share), w(share))``.

A departure is an observed measure more than ``tolerance`` (relative) above ``+`` or below
``-`` its prediction; excess loyalty (bonds, lock-in, switching costs, none of which the
Dirichlet has) shows as ``+`` on purchase frequency, SCR, sole buyers and repeat rate.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import numpy as np
import pandas as pd

from .dirichlet import brand_measures
from .figure import figure_for

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

TOLERANCE = 0.15
"""Relative gap between observed and predicted beyond which a measure is marked a departure."""

# (column, header, percentage?) in the printed table
TABLE_MEASURES = (
    ("penetration", "Penetration %", True),
    ("purchase_frequency", "Purchases per buyer", False),
    ("scr", "SCR %", True),
    ("sole_buyer_share", "Sole buyers %", True),
    ("repeat_rate", "Repeat rate %", True),
)


def one_window(table: pd.DataFrame) -> pd.DataFrame:
    """The table's rows if they belong to one window; ValueError otherwise."""
    if "window" in table and table["window"].nunique() > 1:
        raise ValueError("the table holds several windows; select one, e.g. "
                         "table[table['window'] == 'quarter']")
    if "dirichlet_S" not in table:
        raise ValueError("the table has no dirichlet_* columns (see brands.with_dirichlet)")
    return table


def departure(observed: float, predicted: float, tolerance: float = TOLERANCE) -> str:
    """``"+"`` if observed > predicted (1 + tolerance), ``"-"`` if < predicted (1 - tolerance).

    Returns ``""`` within the tolerance or when either value is missing.
    """
    if not (np.isfinite(observed) and np.isfinite(predicted)):
        return ""
    if observed > predicted * (1 + tolerance):
        return "+"
    if observed < predicted * (1 - tolerance):
        return "-"
    return ""


def departures(table: pd.DataFrame, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Departure marks (``"+"``, ``"-"`` or ``""``) per firm and predicted measure."""
    one_window(table)
    marks = {
        col: [departure(o, p, tolerance)
              for o, p in zip(table[col], table[f"dirichlet_{col}"])]
        for col, _, _ in TABLE_MEASURES
    }
    return pd.DataFrame(marks, index=table.index)


def _cell(value: float, percent: bool) -> str:
    """A number as the table prints it (percent without decimals, else two decimals)."""
    if not np.isfinite(value):
        return "-"
    return f"{100 * value:.0f}" if percent else f"{value:.2f}"


def _num(table: pd.DataFrame, i: object, col: str) -> float:
    """One cell of the table as a float."""
    return float(table.at[i, col])  # type: ignore[arg-type]


def _rows(table: pd.DataFrame, tolerance: float) -> list[list[str]]:
    """Text cells per firm (by share, then penetration, largest first) and the average row."""
    marks = departures(table, tolerance)
    order = table.sort_values(["market_share", "penetration"], ascending=False).index
    rows = []
    for i in order:
        row = [str(table.at[i, "firm"]), _cell(_num(table, i, "market_share"), True)]
        for col, _, pct in TABLE_MEASURES:
            row += [_cell(_num(table, i, col), pct) + (str(marks.at[i, col]) or " "),
                    _cell(_num(table, i, f"dirichlet_{col}"), pct)]
        rows.append(row)
    avg = ["Average", _cell(float(table["market_share"].mean()), True)]
    for col, _, pct in TABLE_MEASURES:
        avg += [_cell(float(table[col].mean()), pct) + " ",
                _cell(float(table[f"dirichlet_{col}"].mean()), pct)]
    return rows + [avg]


def format_brand_table(table: pd.DataFrame, tolerance: float = TOLERANCE) -> str:
    """The table Ehrenberg style: for each measure the observed (O) beside the predicted (D).

    Firms are listed by market share (ties by penetration), largest first, with an average
    row. An observed value is followed by ``+`` or ``-`` where it departs from the Dirichlet
    by more than ``tolerance``.

    Args:
        table: One window of ``brand_performance`` output.
        tolerance: Relative departure marked.

    Returns:
        The table as text, with a header giving the window, M, K and S.
    """
    one_window(table)
    columns = ["Firm", "Share %"] + ["O", "D"] * len(TABLE_MEASURES)
    body = _rows(table, tolerance)
    widths = [max(len(r[c]) for r in [columns, *body]) for c in range(len(columns))]
    for m, (_, name, _) in enumerate(TABLE_MEASURES):  # widen a measure to fit its name
        o, d = 2 + 2 * m, 3 + 2 * m
        widths[o] += max(0, len(name) - (widths[o] + 2 + widths[d]))
    lines = [_title(table), "", _group_header(widths)]
    for k, row in enumerate([columns, *body]):
        cells = [row[0].ljust(widths[0])] + [v.rjust(w) for v, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
        if k == 0 or k == len(body) - 1:
            lines.append("-" * len(lines[-1]))
    lines.append(f"O observed, D Dirichlet; + / - observed more than {tolerance:.0%} above / "
                 "below the prediction.")
    return "\n".join(lines)


def _group_header(widths: list[int]) -> str:
    """Measure names, each centred over its O and D columns."""
    cells = [" " * widths[0], " " * widths[1]]
    for m, (_, name, _) in enumerate(TABLE_MEASURES):
        cells.append(name.center(widths[2 + 2 * m] + 2 + widths[3 + 2 * m]))
    return "  ".join(cells).rstrip()


def _title(table: pd.DataFrame) -> str:
    """Window (if named) and the fitted parameters."""
    first = table.iloc[0]
    window = ""
    if "window" in table:
        window = f"Window {first['window']}"
        if "start" in table and "end" in table:
            window += f" (periods {first['start']}-{first['end']})"
        window += ": "
    return (f"{window}category penetration {first['cat_penetration']:.0%}, "
            f"{first['cat_purchase_frequency']:.2f} purchases per category buyer; "
            f"Dirichlet M = {first['dirichlet_M']:.3f}, K = {first['dirichlet_K']:.3g}, "
            f"S = {first['dirichlet_S']:.3g}")


def print_brand_table(table: pd.DataFrame, tolerance: float = TOLERANCE,
                      file: TextIO | None = None) -> None:
    """Print :func:`format_brand_table` (to stdout unless ``file`` is given)."""
    print(format_brand_table(table, tolerance), file=file or sys.stdout)


def dirichlet_curve(m: float, k: float, s: float, shares: np.ndarray) -> pd.DataFrame:
    """Predicted penetration and purchase frequency of a brand at each of these shares."""
    rows = [brand_measures(m, k, s, float(sh)) for sh in shares]
    return pd.DataFrame({"share": shares,
                         "penetration": [r["penetration"] for r in rows],
                         "purchase_frequency": [r["purchase_frequency"] for r in rows]})


def curve_for(table: pd.DataFrame, points: int = 60) -> pd.DataFrame:
    """The Dirichlet curve over shares from a fifth of the smallest to the largest share."""
    first = table.iloc[0]
    shares = table["market_share"].to_numpy(dtype=float)
    shares = shares[np.isfinite(shares) & (shares > 0)]
    grid = np.geomspace(shares.min() / 5, min(1.0, shares.max() * 1.1), points)
    return dirichlet_curve(float(first["dirichlet_M"]), float(first["dirichlet_K"]),
                           float(first["dirichlet_S"]), grid)


def plot_double_jeopardy(table: pd.DataFrame, path: str | Path | None = None,
                         ax: Axes | None = None,
                         title: str = "Double jeopardy: purchase frequency against penetration",
                         ) -> Figure:
    """Observed firms (filled, labelled), their Dirichlet predictions (open) and the curve.

    Args:
        table: One window of ``brand_performance`` output.
        path: Save the figure there (PNG) if given.
        ax: Draw on this matplotlib axis instead of a new figure.
        title: Figure title.

    Returns:
        The matplotlib figure.
    """
    one_window(table)
    fig, ax = figure_for(ax, (6.4, 4.6))
    _draw(ax, table)
    ax.set_xlabel("penetration (share of customers buying the firm in the window)")
    ax.set_ylabel("purchase frequency (purchases per buyer)")
    ax.set_title(title)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    if path is not None:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return fig


def _draw(ax: Axes, table: pd.DataFrame) -> None:
    """Curve, predicted points and observed points with firm labels."""
    from ..palette import MARKER, color  # a floor above analysis (tests/test_architecture.py)

    if np.isfinite(table["dirichlet_S"]).any():
        curve = curve_for(table)
        ax.plot(curve["penetration"], curve["purchase_frequency"], color=MARKER, lw=1,
                label="Dirichlet curve")
        ax.scatter(table["dirichlet_penetration"], table["dirichlet_purchase_frequency"],
                   facecolors="none", edgecolors=MARKER, s=40, label="Dirichlet prediction")
    for k, (_, row) in enumerate(table.iterrows()):
        ax.scatter([row["penetration"]], [row["purchase_frequency"]], color=color(k), s=40,
                   zorder=3, label="observed" if k == 0 else None)
        ax.annotate(str(row["firm"]), (row["penetration"], row["purchase_frequency"]),
                    textcoords="offset points", xytext=(5, 4), fontsize="small")
