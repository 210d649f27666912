"""Pattern 8: double jeopardy, and the NBD-Dirichlet as the benchmark (Ehrenberg et al. 1990).

Ordinary runs of ``scenarios/validation/dirichlet_market.yaml``: five shops that differ only
in price, customers whose category purchase rates differ as a gamma. The measures are those of
the last complete 52-week window (``brand_performance.csv``, ODD 7.23).

* As the market stands (inertia, trust, bonds, learning on), penetration and purchase
  frequency both rise with market share across the five shops (double jeopardy); the
  departures from the Dirichlet (excess loyalty from state dependence) are measured and
  reported, not gated.
* Its zero-order variant (no inertia, trust, commitment, learning or reference price: a choice
  depends on no past purchase) fits the Dirichlet: penetration and purchase frequency of every
  shop with at least 5% of purchases within 15% of the prediction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..api import run
from ..scenario import load_scenario
from .base import VALIDATION_SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = VALIDATION_SCENARIOS / "dirichlet_market.yaml"
WINDOW, MIN_SHARE, TOLERANCE = "52 weeks", 0.05, 0.15
ZERO_ORDER = ["params.choice.inertia=0", "params.choice.beta_trust=0",
              "params.choice.beta_affective=0", "params.choice.beta_calculative=0",
              "params.experience.expectation_adapt=0", "params.experience.reference_adapt=0",
              "params.choice.ref_loss=0", "params.choice.ref_gain=0"]

CRITERIA = (
    Criterion("double_jeopardy", "penetration and purchase frequency against market share "
              f"across the five shops ({WINDOW})", "both rise with share"),
    Criterion("zero_order_fit", "zero-order variant: largest relative gap to the Dirichlet's "
              f"penetration and purchase frequency, shops with >= {MIN_SHARE:.0%} share",
              f"<= {TOLERANCE:.0%}"),
)


def last_window(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of the last complete ``WINDOW``, sorted by market share."""
    w = table[table.window == WINDOW]
    return w[w.start == w.start.max()].sort_values("market_share")


def gap(w: pd.DataFrame) -> float:
    """Largest relative gap between observed and predicted penetration and frequency."""
    big = w[w.market_share >= MIN_SHARE]
    gaps = [(big[m] / big[f"dirichlet_{m}"] - 1).abs().max()
            for m in ("penetration", "purchase_frequency")]
    return float(max(gaps))


def check(seed: int, quick: bool, agents: int | None = None) -> Outcome:
    """Both variants with ``seed`` (2,000 agents when quick, else the file's 20,000)."""
    n = agents or (2000 if quick else None)
    tables = {name: last_window(run(load_scenario(SCENARIO, over, customers=n), seed=seed,
                                    progress=False).model.brand_table())
              for name, over in (("market", []), ("zero_order", ZERO_ORDER))}
    w = tables["market"]
    rises = bool(np.all(np.diff(w.penetration) > 0) and np.all(np.diff(w.purchase_frequency) > 0))
    values = {"excess_loyalty_gap": gap(w), "zero_order_gap": gap(tables["zero_order"]),
              "smallest_share": float(w.market_share.min()),
              "largest_share": float(w.market_share.max())}
    passed = {"double_jeopardy": rises, "zero_order_fit": values["zero_order_gap"] <= TOLERANCE}
    return Outcome("double_jeopardy", seed, passed, values, tables)


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Purchase frequency against penetration, observed and predicted, for the first seed."""
    first = outcomes[0]
    fig, axes = new_figure(1, 2, f"Pattern 8: double jeopardy (seed {first.seed}, {WINDOW})")
    data: dict[str, Any] = first.data
    for ax, (name, title) in zip(axes[0], (("market", "as the market stands"),
                                           ("zero_order", "zero-order variant"))):
        w = data[name]
        ax.plot(w.penetration, w.purchase_frequency, "o", label="observed shops")
        ax.plot(w.dirichlet_penetration, w.dirichlet_purchase_frequency, "x--",
                label="NBD-Dirichlet")
        ax.set_title(title)
        ax.set_xlabel("penetration (share of households buying the shop)")
        ax.set_ylabel("purchases per buyer in 52 weeks")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return [save(fig, out_dir / "pattern8_double_jeopardy.png")]


PATTERN = Pattern(
    key="double_jeopardy", number=8, title="Double jeopardy and the Dirichlet",
    source="Goodhardt, Ehrenberg & Chatfield (1984); Ehrenberg, Goodhardt & Barwise (1990); "
           "DOMAIN.md 4.7",
    criteria=CRITERIA, check=check, plot=plot)
