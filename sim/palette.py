"""One colour per firm, the same in the dashboard, the notebooks and the static plots.

Colours follow the firms' order in the scenario (the first firm, Nanyuan in the hotel case, is
blue; the second, Eaton, vermilion). They are the Okabe-Ito colours, told apart by colour-blind
readers and on a washed-out projector.

Example:
    >>> from sim.palette import firm_colors
    >>> firm_colors(["nanyuan", "eaton"])
    {'nanyuan': '#0072B2', 'eaton': '#D55E00'}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenario import Scenario

FIRMS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B")
"""Firm colours in scenario order."""

MARKER = "#444444"
"""Story markers and other annotations."""


def color(k: int) -> str:
    """The colour of the ``k``-th firm of a scenario (0-based)."""
    return FIRMS[k % len(FIRMS)]


def firm_colors(keys: Iterable[str]) -> dict[str, str]:
    """``{key: colour}`` for firm ids or names given in scenario order.

    Pandas accepts the result as ``color=`` for a DataFrame whose columns are those keys,
    whatever the column order (a pivot sorts them alphabetically).
    """
    return {key: color(k) for k, key in enumerate(keys)}


def scenario_colors(scenario: Scenario, by: str = "name") -> dict[str, str]:
    """``{firm name: colour}`` (``by="id"``: keyed by firm id) for a loaded scenario."""
    keys = [(f.name or f.id) if by == "name" else f.id for f in scenario.firms]
    return firm_colors(keys)
