"""The Nanyuan vs Eaton case (DOMAIN.md 4.1) across 10 seeds: the pattern emerges."""

import numpy as np
import pytest

from sim.api import run

SEEDS = range(1, 11)


@pytest.fixture(scope="module")
def runs():
    out = {}
    for seed in SEEDS:
        df = run("scenarios/nanyuan_vs_eaton.yaml", seed=seed).trajectories
        out[seed] = {fid: g.set_index("period") for fid, g in df.groupby("firm")}
    return out


def each(runs, test):
    return [test(r["nanyuan"], r["eaton"]) for r in runs.values()]


def test_eaton_rebounds_faster_at_first(runs):
    assert all(each(runs, lambda n, e: e.won_back.loc[:11].sum() > 1.3 * n.won_back.loc[:11].sum()))
    assert all(each(runs, lambda n, e: e.market_share.loc[:25].mean() > 0.55))


def test_nanyuan_ends_with_lower_churn(runs):
    late = slice(208, None)
    assert all(each(runs, lambda n, e: n.churn_rate.loc[late].mean()
                    < 0.6 * e.churn_rate.loc[late].mean()))


def test_nanyuan_ends_with_higher_cumulative_profit_after_a_crossing(runs):
    def crossed(n, e):
        diff = n.cumulative_profit - e.cumulative_profit
        behind = np.flatnonzero(diff.to_numpy() < 0)
        return diff.iloc[-1] > 0 and behind.size > 0 and behind[-1] < len(diff) - 1
    assert all(each(runs, crossed))


def test_eaton_cuts_service_once_promotion_stops_paying(runs):
    def trap(n, e):
        cut = e.budget_cuts.to_numpy().nonzero()[0]
        if cut.size == 0:
            return False
        first = cut[0]
        # the cut follows margins below the floor (15% of the list price) ...
        underwater = (e.unit_margin.iloc[:first] < 0.15 * e.price.iloc[0]).any()
        # ... and service falls well below where it started, while Nanyuan's does not
        return underwater and e.service_mean.iloc[-1] < e.service_mean.iloc[0] - 0.2 \
            and n.service_mean.iloc[-1] >= n.service_mean.iloc[0]
    assert all(each(runs, trap))


def test_price_won_customers_leave_again_sooner(runs):
    def second_life(d, channel):
        return d[f"tenure_lost_won_{channel}"].sum() / max(d[f"lost_won_{channel}"].sum(), 1)
    assert all(each(runs, lambda n, e: second_life(e, "price")
                    < 0.8 * second_life(n, "relationship")))
