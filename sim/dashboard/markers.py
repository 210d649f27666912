"""The moments that matter, found in a run's trajectories (never hard-coded weeks).

``find(df)`` returns up to four markers, in time order, each only once the run has shown it:

1. the first budget cut (a firm's budget rule cuts because its margin fell under its floor);
2. the rebound: the peak of that firm's market share, once the share has fallen back;
3. the overtake: another firm's share rises above that firm's and stays above;
4. the trap closing: that firm's cumulative profit peaks and keeps falling.

Without a budget cut the "trapped" firm is the one leading in share at the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd

from .i18n import tr

SMOOTH = 4      # periods of the trailing mean applied to market shares
SETTLE = 8      # periods a crossing or a peak must hold before it is marked
DROP = 0.02     # a peak must be followed by a fall of this much (share points / share of peak)


@dataclass(frozen=True)
class Marker:
    """One moment of the story.

    Attributes:
        kind: "cut", "rebound", "overtake" or "trap".
        period: When.
        firm: Firm id it is about.
        other: The other firm's id (overtake), else "".
        value: A number for the caption (the peak share), else 0.
        category: The budget category cut ("service", ...), for "cut".
    """

    kind: str
    period: int
    firm: str
    other: str = ""
    value: float = 0.0
    category: str = "service"

    def caption(self, names: dict, lang: str = "en") -> str:
        """One line for the caption list."""
        firm, other = names.get(self.firm, self.firm), names.get(self.other, self.other)
        what = tr(f"{self.category}_word", lang)
        return tr(f"m_{self.kind}", lang, firm=firm, other=other, v=self.value, what=what)


def find(df: pd.DataFrame) -> list[Marker]:
    """The markers the run ``df`` (trajectories so far) already shows."""
    if df.empty or df["firm"].nunique() < 2:
        return []
    wide = df.pivot(index="period", columns="firm", values="market_share")
    share = wide.rolling(SMOOTH, min_periods=1).mean()
    out = []
    cut = _first_cut(df)
    if cut is not None:
        out.append(cut)
    focus = cut.firm if cut else cast(str, share.iloc[0].idxmax())  # columns: firm ids
    out += [m for m in (_rebound(share, focus), _overtake(share, focus),
                        _trap(df, focus)) if m is not None]
    return sorted(out, key=lambda m: m.period)


def _first_cut(df: pd.DataFrame) -> Marker | None:
    cuts = df[df["budget_cuts"] > 0]
    if cuts.empty:
        return None
    row = cuts.iloc[0]
    cat = next((c for c in ("service", "relationship", "promotion")
                if row.get(f"budget_{c}", 1.0) < 1.0), "service")
    return Marker("cut", int(row["period"]), row["firm"], category=cat)


def _rebound(share: pd.DataFrame, focus: str) -> Marker | None:
    s = share[focus]
    peak_t = cast(int, s.idxmax())  # index: periods
    after = s.loc[peak_t:]
    if peak_t == s.index[0] or s.iloc[-1] > s.loc[peak_t] - DROP or len(after) < SETTLE:
        return None
    return Marker("rebound", int(peak_t), focus, value=float(s.loc[peak_t]))


def _overtake(share: pd.DataFrame, focus: str) -> Marker | None:
    others = [c for c in share.columns if c != focus]
    best = share[others].max(axis=1)
    ahead = best > share[focus]
    if not ahead.iloc[-1] or ahead.all():
        return None
    start = ahead[~ahead].index.max() + 1
    if share.index[-1] - start + 1 < SETTLE:
        return None
    return Marker("overtake", int(start), share[others].loc[start].idxmax(), other=focus)


def _trap(df: pd.DataFrame, focus: str) -> Marker | None:
    cum = df[df["firm"] == focus].set_index("period")["cumulative_profit"]
    peak_t = cast(int, cum.idxmax())  # index: periods
    peak = cum.loc[peak_t]
    if peak <= 0 or cum.index[-1] - peak_t < SETTLE or cum.iloc[-1] > peak * (1 - DROP):
        return None
    return Marker("trap", int(peak_t), focus)
