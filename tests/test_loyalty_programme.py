import numpy as np
import pytest
from conftest import make_scenario

from sim.api import run

TIERED = {"type": "loyalty_programme", "rule": "spend", "memory": 26,
          "tiers": [{"name": "silver", "threshold": 300, "points_rate": 0.03, "perk": 0.03},
                    {"name": "gold", "threshold": 700, "points_rate": 0.05, "perk": 0.06}],
          "lock_in": 0.4, "points_scale": 20, "redeem_at": 50, "cost_per_member": 1}
BARGAIN = {"type": "loyalty_programme", "rule": "visits", "lock_in": 0.0,
           "tiers": [{"name": "club", "threshold": 0, "discount": 0.15}]}


def _late(res, firm="x"):
    d = res.trajectories
    return d[(d.firm == firm) & (d.period >= 20)]


def test_members_bring_revenue_and_cost_money():
    res = run(make_scenario(**{"firms.0.strategies": [TIERED]}))
    g = _late(res)
    share_members = g.members.mean() / g.customers_active.mean()
    assert g.members.mean() > 0
    assert g.cost_programme.sum() > 0
    assert 0 < share_members < 1
    assert 0.1 < g.member_revenue_share.mean() < 1


def test_programme_raises_member_revenue_share_and_retention():
    seeds = range(3)
    with_p = [run(make_scenario(**{"firms.0.strategies": [TIERED]}), seed=s) for s in seeds]
    without = [run(make_scenario(), seed=s) for s in seeds]
    share = np.mean([_late(r).member_revenue_share.mean() for r in with_p])
    assert share > 0.2
    assert all(_late(r).member_revenue_share.max() == 0 for r in without)
    churn_with = np.mean([_late(r).churn_rate.mean() for r in with_p])
    churn_without = np.mean([_late(r).churn_rate.mean() for r in without])
    assert churn_with < churn_without


def test_bargain_programme_attracts_deal_seekers():
    res_b = run(make_scenario(**{"firms.0.strategies": [BARGAIN]}), seed=1)
    res_t = run(make_scenario(**{"firms.0.strategies": [TIERED]}), seed=1)

    def deal_share(res):
        c, lvl = res.model.customers, res.model.firms[0].strategies[0].level
        members = lvl > 0
        return (c.segment[members] == 1).mean()

    assert deal_share(res_b) > deal_share(res_t)
    # the member price is paid: average price below list price
    assert _late(res_b).avg_price_paid.mean() < 100 * 0.9


def test_tier_thresholds_must_increase():
    bad = dict(TIERED, tiers=[{"name": "a", "threshold": 5}, {"name": "b", "threshold": 1}])
    with pytest.raises(ValueError, match="thresholds must increase"):
        make_scenario(**{"firms.0.strategies": [bad]})
