"""Retention against satisfaction (Jones & Sasser 1995), measured per customer.

At period ``t0`` each customer active at a firm is snapshotted with their cumulative
satisfaction toward it; ``horizon`` periods later we note whether they are still in the same
spell (active, never lost in between). Binning customers by satisfaction gives the curve:
steep only at the top in a competitive market, high and flat where customers cannot leave.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..constants import ACTIVE
from .figure import figure_for

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..model import Market


def retention_curve(satisfaction: ArrayLike, retained: ArrayLike, bins: int = 10,
                    min_count: int = 20,
                    horizon: int = 1) -> pd.DataFrame:
    """Share retained per satisfaction bin.

    Args:
        satisfaction: Each customer's satisfaction in [0, 1].
        retained: Whether each customer was retained.
        bins: Number of equal-width bins on [0, 1].
        min_count: Bins with fewer customers get NaN retention.
        horizon: Periods between snapshot and check (to convert to a per-period rate).

    Returns:
        One row per bin: ``bin_low``, ``bin_high``, ``satisfaction_mean``, ``customers``,
        ``retained``, ``retention`` (over ``horizon`` periods) and ``retention_per_period``.
    """
    s = np.clip(np.asarray(satisfaction, dtype=float), 0.0, 1.0)
    kept = np.asarray(retained).astype(bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(s, edges[1:-1]), 0, bins - 1)
    n = np.bincount(which, minlength=bins)
    k = np.bincount(which, weights=kept, minlength=bins)
    ssum = np.bincount(which, weights=s, minlength=bins)
    ok = n >= max(min_count, 1)
    rate = np.where(ok, k / np.maximum(n, 1), np.nan)
    return pd.DataFrame({
        "bin_low": edges[:-1], "bin_high": edges[1:],
        "satisfaction_mean": np.where(n > 0, ssum / np.maximum(n, 1), np.nan),
        "customers": n, "retained": k.astype(int), "retention": rate,
        "retention_per_period": rate ** (1.0 / horizon)})


def snapshot(model: Market, firm: str) -> dict[str, np.ndarray]:
    """Who is active at ``firm`` now, since when, and their cumulative satisfaction."""
    f = model.firm_ids.index(firm)
    c = model.customers
    ids = np.flatnonzero(c.status[f] == ACTIVE)
    return {"ids": ids, "acquired": c.acquired[f, ids].copy(),
            "satisfaction": c.satisfaction[f, ids].astype(float)}


def still_in_spell(model: Market, firm: str, snap: dict[str, np.ndarray]) -> np.ndarray:
    """For each snapshotted customer: still active at ``firm`` and never lost since."""
    f = model.firm_ids.index(firm)
    c, ids = model.customers, snap["ids"]
    return (c.status[f, ids] == ACTIVE) & (c.acquired[f, ids] == snap["acquired"])


def satisfaction_retention(model: Market | Callable[[], Market], firm: str, t0: int,
                           horizon: int, bins: int = 10,
                           min_count: int = 20) -> pd.DataFrame:
    """Run ``model`` to period ``t0``, snapshot, run ``horizon`` more periods, bin.

    Args:
        model: A ``sim.Market`` (or a function returning one) at a period <= ``t0``.
        firm: Firm id.
        t0: Period at which satisfaction is snapshotted (after ``t0`` steps).
        horizon: Periods until retention is checked.
        bins: Number of satisfaction bins.
        min_count: Minimum customers for a bin to report a rate.

    Returns:
        The curve (see ``retention_curve``) with columns ``firm``, ``t0`` and ``horizon``.
    """
    market = model if not callable(model) else model()
    if market.t > t0:
        raise ValueError(f"the model is already at period {market.t}, past t0={t0}")
    while market.t < t0:
        market.step()
    snap = snapshot(market, firm)
    for _ in range(horizon):
        market.step()
    curve = retention_curve(snap["satisfaction"], still_in_spell(market, firm, snap), bins,
                            min_count, horizon)
    return curve.assign(firm=firm, t0=t0, horizon=horizon)


def plot_retention_curve(curves: dict[str, pd.DataFrame], path: str | Path | None = None,
                         ax: Axes | None = None,
                         title: str = "Retention against satisfaction") -> Figure:
    """Plot one or more curves (label -> output of ``retention_curve``).

    Args:
        curves: Curves to draw, keyed by legend label.
        path: Save the figure there (PNG) if given.
        ax: Draw on this matplotlib axis instead of a new figure.
        title: Figure title.

    Returns:
        The matplotlib figure.
    """
    fig, ax = figure_for(ax, (6.4, 4.2))
    for label, df in curves.items():
        x = df["satisfaction_mean"].where(df["retention"].notna())
        ax.plot(x, df["retention"], marker="o", label=label)
    first = next(iter(curves.values()), pd.DataFrame())
    horizon = int(first["horizon"].iloc[0]) if "horizon" in first else None
    ax.set_xlabel("cumulative satisfaction with the firm (bin mean)")
    ax.set_ylabel("share retained" + (f" after {horizon} periods" if horizon else ""))
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, 1)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    if path is not None:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return fig
