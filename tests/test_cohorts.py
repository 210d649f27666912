import numpy as np
import pandas as pd
from conftest import make_scenario

from sim.api import run
from sim.cohorts import lifetimes


def test_cohort_table_counts_active_customers():
    res = run(make_scenario(**{"params.cohorts.every": 5}))
    tab = res.model.cohorts.table()
    assert list(tab.columns) == ["cohort", "channel", "firm", "age", "alive"]
    d = res.trajectories
    last = tab[tab.age == tab.groupby(["cohort", "channel", "firm"]).age.transform("max")]
    end = d.period.max()
    snap = tab[(tab.cohort + tab.age.where(tab.cohort >= 0, 0) == end) | (tab.cohort == -1)
               & (tab.age == end)]
    for fid in ("x", "y"):
        alive = snap[(snap.firm == fid)].alive.sum()
        assert alive == d[(d.firm == fid)].customers_active.iloc[-1]
    # survival never rises within a cohort after its first snapshot
    for _, g in last.groupby(["cohort", "channel", "firm"]):
        assert g.alive.iloc[0] >= 0
    ages0 = tab[(tab.age == 0) & (tab.channel == "new")]
    assert ages0.alive.sum() == d.new_customers.sum()


def test_realised_clv_is_value_per_customer_served():
    res = run(make_scenario(**{"params.cohorts.basis": "revenue"}))
    d = res.trajectories
    for f, fid in enumerate(res.model.firm_ids):
        # bought during the run: every purchase paid a positive price (customers active at
        # t = 0 who have not bought yet do not count, issue 11)
        served = res.model.cohorts.value[f] > 0
        total = res.model.cohorts.value[f].sum(dtype=np.float64)
        assert np.isclose(total, d[d.firm == fid].revenue.sum(), rtol=1e-4)
        assert np.isclose(d[d.firm == fid].clv_realised.iloc[-1], total / served.sum(),
                          rtol=1e-4)


def test_expected_clv_follows_retention_arithmetic():
    res = run(make_scenario(**{"params.cohorts.window": 10, "params.cohorts.clv_horizon": 0,
                               "params.cohorts.discount_rate": 0.01}))
    d = res.trajectories
    g = d[d.firm == "x"].tail(10)
    m = ((g.revenue - g.cost_variable - g.cost_service) / g.customers_active).mean()
    q = g.retention_rate.mean() / 1.01
    assert np.isclose(g.clv_mean.iloc[-1], m / (1 - q), rtol=1e-6)


def test_won_back_second_lifetimes():
    tab = pd.DataFrame({"cohort": [0, 0, 0, 1, 1], "channel": ["price"] * 5,
                        "firm": ["x"] * 5, "age": [0, 1, 2, 0, 1], "alive": [10, 5, 0, 4, 2]})
    lt = lifetimes(tab)
    assert lt.iloc[0].cohorts == 2
    assert np.isclose(lt.iloc[0].mean_lifetime, (1 + 0.5) / 2 + (0.5 + 0) / 2)
