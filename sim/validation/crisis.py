"""Pattern 11: a prompt rebuild keeps more customers than silence (Coombs 2007; ODD 7.24).

Ordinary runs of ``scenarios/food_scandal.yaml``: a food-safety scandal in week 26 at Golden
Dragon, one of two restaurants. Two variants per seed: silence (the firm's crisis response
removed) and the file's prompt rebuild (apology and a voucher one week later). The measure is
Golden Dragon's active customers kept a year after the scandal: their mean over the last
quarter (13 weeks) of that year, which smooths the week-to-week noise of the count.

``what_if`` gives the case's table over seeds (docs/cases.md): silence, a late rebuild
(12 weeks), a prompt denial and the prompt rebuild, each with customers kept after a year and
cumulative profit by then.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..api import run
from ..scenario import load_scenario
from .base import SCENARIOS, Criterion, Outcome, Pattern
from .plotting import new_figure, save

SCENARIO = SCENARIOS / "food_scandal.yaml"
FIRM, SCANDAL, YEAR, QUARTER = "golden_dragon", 26, 52, 13
STRATEGY = f"firms.{FIRM}.strategies.0"
# variant -> overrides of the file's crisis response (None: the response removed)
VARIANTS: dict[str, list[str] | None] = {
    "silence": None,
    "late rebuild (12 weeks)": [f"{STRATEGY}.delay=12"],
    "prompt deny": [f"{STRATEGY}.response=deny"],
    "prompt rebuild": [],
}

CRITERIA = (
    Criterion("rebuild_keeps_more", "Golden Dragon's active customers in the last quarter of "
              "the year after the scandal (mean): prompt rebuild against silence",
              "prompt rebuild > silence"),
)


def trajectory(variant: str, seed: int, agents: int | None) -> pd.DataFrame:
    """Golden Dragon's trajectory (indexed by period) under ``variant`` with ``seed``."""
    over = VARIANTS[variant]
    spec: Any = load_scenario(SCENARIO, over or [], customers=agents,
                              periods=SCANDAL + YEAR + 1)
    if over is None:
        spec = spec.model_copy(deep=True)
        next(f for f in spec.firms if f.id == FIRM).strategies = []
    df = run(spec, seed=seed, progress=False).model.trajectories()
    return df[df.firm == FIRM].set_index("period")


def measures(g: pd.DataFrame) -> dict[str, float]:
    """Customers before the scandal and a year after, cumulative profit, crisis cost."""
    end = SCANDAL + YEAR
    return {"before": float(g.customers_active[SCANDAL - 1]),
            "kept": float(g.customers_active.loc[end - QUARTER + 1:end].mean()),
            "kept_at_end": float(g.customers_active[end]),
            "profit": float(g.cumulative_profit[end]),
            "crisis_cost": float(g.crisis_cost.loc[:end].sum()),
            "trust_after": float(g.trust_mean[SCANDAL + 2]),
            "wom_negative": float(g.wom_negative.loc[SCANDAL:end].sum())}


def check(seed: int, quick: bool, agents: int | None = None) -> Outcome:
    """Silence and prompt rebuild with ``seed`` (2,000 agents when quick, else the file's)."""
    n = agents or (2000 if quick else None)
    runs = {v: trajectory(v, seed, n) for v in ("silence", "prompt rebuild")}
    m = {v: measures(g) for v, g in runs.items()}
    values = {"kept_silence": m["silence"]["kept"], "kept_rebuild": m["prompt rebuild"]["kept"],
              "before": m["silence"]["before"],
              "crisis_cost": m["prompt rebuild"]["crisis_cost"]}
    passed = {"rebuild_keeps_more": values["kept_rebuild"] > values["kept_silence"]}
    data = {v: g.customers_active for v, g in runs.items()}
    return Outcome("crisis", seed, passed, values, data)


def plot(outcomes: list[Outcome], out_dir: Path) -> list[Path]:
    """Golden Dragon's active customers over time, silence against prompt rebuild."""
    first = outcomes[0]
    fig, axes = new_figure(1, 1, f"Pattern 11: crisis response (seed {first.seed})")
    ax = axes[0][0]
    for variant, series in first.data.items():
        ax.plot(series.index, series.values, label=variant)
    ax.axvline(SCANDAL, color="grey", ls=":", label="scandal")
    ax.set_xlabel("week")
    ax.set_ylabel("Golden Dragon's active customers")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return [save(fig, out_dir / "pattern11_crisis.png")]


def what_if(seeds: Sequence[int] = range(10), agents: int | None = None) -> pd.DataFrame:
    """The case's what-if table: per variant, means (and sd) over ``seeds``."""
    rows = []
    for variant in VARIANTS:
        m = pd.DataFrame([measures(trajectory(variant, s, agents)) for s in seeds])
        rows.append({"variant": variant, "customers_before": m.before.mean(),
                     "customers_kept": m.kept.mean(), "kept_sd": m.kept.std(),
                     "kept_share": (m.kept / m.before).mean(),
                     "cumulative_profit": m.profit.mean(), "profit_sd": m.profit.std(),
                     "crisis_cost": m.crisis_cost.mean(), "trust_after": m.trust_after.mean(),
                     "wom_negative": m.wom_negative.mean()})
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame) -> str:
    """The what-if table as Markdown (docs/cases.md)."""
    lines = ["| response | customers kept after a year | share of those before | "
             "cumulative profit (yuan) | crisis cost (yuan) | trust 2 weeks after | "
             "negative word of mouth in the year |", "|---|---|---|---|---|---|---|"]
    for r in table.to_dict("records"):
        lines.append(f"| {r['variant']} | {r['customers_kept']:,.0f} (sd {r['kept_sd']:,.0f}) | "
                     f"{r['kept_share']:.1%} | {r['cumulative_profit'] / 1e6:,.2f} M "
                     f"(sd {r['profit_sd'] / 1e6:,.2f} M) | {r['crisis_cost']:,.0f} | "
                     f"{r['trust_after']:.3f} | {r['wom_negative']:,.0f} |")
    return "\n".join(lines)


PATTERN = Pattern(
    key="crisis", number=11, title="A prompt rebuild keeps more customers than silence",
    source="Coombs (2007); Coombs & Holladay (2002); docs/ODD.md 7.24",
    criteria=CRITERIA, check=check, plot=plot)


if __name__ == "__main__":  # python -m sim.validation.crisis [agents]
    import sys

    print(markdown(what_if(agents=int(sys.argv[1]) if len(sys.argv) > 1 else None)))
