"""Dick & Basu (1994) loyalty composition over time, read from a run's trajectories.

The model classifies each customer-firm pair every period as truly loyal, spuriously loyal,
latently loyal or not loyal (relative attitude x repeat patronage) and reports the counts in
the trajectory columns ``loyal_true, loyal_spurious, loyal_latent, loyal_none``. These
helpers turn them into shares and a figure; they say so plainly when a run has no such
columns (a model version without the classification).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LOYALTY_COLUMNS = ("loyal_true", "loyal_spurious", "loyal_latent", "loyal_none")
LABELS = {"loyal_true": "true", "loyal_spurious": "spurious", "loyal_latent": "latent",
          "loyal_none": "none"}


def has_loyalty_types(trajectories: pd.DataFrame) -> bool:
    """Whether the trajectories carry the Dick & Basu counts."""
    return all(col in trajectories.columns for col in LOYALTY_COLUMNS)


def dick_basu_composition(trajectories: pd.DataFrame, shares: bool = True) -> pd.DataFrame:
    """Loyalty-type counts (or shares) per period and firm.

    Args:
        trajectories: A run's trajectories (one row per period and firm).
        shares: Divide each row by its total (the pairs classified at that firm).

    Returns:
        Columns ``period, firm`` and one column per type (true, spurious, latent, none).

    Raises:
        KeyError: The trajectories have no loyalty-type columns.
    """
    missing = [c for c in LOYALTY_COLUMNS if c not in trajectories.columns]
    if missing:
        raise KeyError(f"trajectories lack the Dick & Basu columns {missing}; they come "
                       "from the loyalty-type classification of the model")
    out = trajectories[["period", "firm", *LOYALTY_COLUMNS]].rename(columns=LABELS)
    if shares:
        types = list(LABELS.values())
        total = out[types].sum(axis=1).where(lambda s: s > 0)
        out[types] = out[types].div(total, axis=0)
    return out.reset_index(drop=True)


def plot_dick_basu(trajectories: pd.DataFrame, path: str | Path | None = None,
                   shares: bool = True) -> Figure:
    """Stacked areas of the loyalty types over time, one panel per firm.

    Args:
        trajectories: A run's trajectories.
        path: Save the figure there (PNG) if given.
        shares: Plot shares (True) or counts.

    Returns:
        The matplotlib figure.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    comp = dick_basu_composition(trajectories, shares)
    firms = list(dict.fromkeys(comp["firm"]))
    fig, axes = plt.subplots(1, len(firms), figsize=(5.2 * len(firms), 3.8), squeeze=False,
                             sharey=True)
    types = list(LABELS.values())
    for ax, firm in zip(axes[0], firms):
        df = comp[comp["firm"] == firm]
        ax.stackplot(df["period"], *(df[t].fillna(0) for t in types), labels=types, alpha=0.85)
        ax.set_title(f"{firm}: Dick & Basu loyalty types")
        ax.set_xlabel("period")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of customer-firm pairs" if shares else "customer-firm pairs")
    axes[0][-1].legend(loc="upper right", fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return fig
