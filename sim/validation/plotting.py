"""Shared figure helpers for the validation report (non-interactive matplotlib)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402


def new_figure(rows: int, cols: int, title: str) -> tuple[Figure, np.ndarray]:
    """A figure with a grid of axes and a title."""
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.6 * rows), squeeze=False)
    fig.suptitle(title)
    return fig, axes


def save(fig: Figure, path: Path) -> Path:
    """Save ``fig`` as PNG at ``path`` and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
