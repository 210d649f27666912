import numpy as np
import pytest
from conftest import make_scenario

from sim.api import run
from sim.constants import BONDS


def _run(events, **kw):
    return run(make_scenario(events=events, **kw))


def _firm(res, fid):
    d = res.trajectories
    return d[d.firm == fid].set_index("period")


def test_set_price_and_log():
    res = _run([{"at": 10, "type": "set", "target": "firms.x.price", "value": 60}])
    x = _firm(res, "x")
    assert x.price.loc[9] == 100 and x.price.loc[10] == 60
    assert x.market_share.loc[12:].mean() > x.market_share.loc[:9].mean()
    log = res.model.events.table()
    assert list(log.type) == ["set"] and log.period.iloc[0] == 10
    assert x.events.loc[10] == 1 and x.events.sum() == 1


def test_scale_structural_bond_changes_lock_in():
    ev = [{"at": 0, "type": "set", "target": "firms.x.bonds.legal", "value": 1.0},
          {"at": 15, "type": "scale", "target": "firms.x.bonds.legal", "factor": 0.0}]
    res = _run(ev, **{"params.choice.beta_calculative": 8.0})
    x = _firm(res, "x")
    assert x.churn_rate.loc[16:22].mean() > 1.5 * x.churn_rate.loc[5:14].mean()
    c = res.model.customers
    assert (c.bonds[0, BONDS.index("legal")] == 0).all()


def test_segment_bond_and_params():
    ev = [{"at": 0, "type": "set", "target": "firms.x.bonds.social", "value": 0.9,
           "segment": "a"},
          {"at": 5, "type": "set", "target": "params.choice.temperature", "value": 2.0}]
    res = _run(ev, horizon=6)
    assert res.model.params.choice.temperature == 2.0
    assert res.scenario.params.choice.temperature == 1.0  # the scenario is not changed


def test_firm_enter_and_exit():
    ev = [{"at": 10, "type": "firm_enter", "firm": "y"},
          {"at": 20, "type": "firm_exit", "firm": "y"}]
    res = _run(ev)
    y = _firm(res, "y")
    assert (y.served.loc[:9] == 0).all() and (y.cost_fixed.loc[:9] == 0).all()
    assert y.served.loc[10:19].sum() > 0
    assert y.lost_involuntary.loc[20] == y.active_start.loc[20] > 0
    assert (y.served.loc[20:] == 0).all() and y.customers_active.loc[20] == 0


def test_deregulate_opens_market():
    ev = [{"at": 10, "type": "deregulate", "entrant": "y", "bonds": ["legal"], "factor": 0.0}]
    res = _run([{"at": 0, "type": "set", "target": "firms.x.bonds.legal", "value": 1.0}] + ev,
               **{"market.initial": {"x": {"active": 0.8, "lost": 0.0}}})
    x, y = _firm(res, "x"), _firm(res, "y")
    assert (y.served.loc[:9] == 0).all() and y.served.loc[10:].sum() > 0
    assert x.lost.loc[10:19].sum() > 3 * x.lost.loc[0:9].sum()


def test_service_failure_hits_share():
    res = _run([{"at": 8, "type": "service_failure", "firm": "x", "share": 0.5,
                 "dimension": "people", "severity": 0.8}])
    x = _firm(res, "x")
    n = res.model.events.table().customers.iloc[0]
    assert 0.4 * x.customers_active.loc[7] < n < 0.6 * x.customers_active.loc[7]
    assert x.satisfaction_mean.loc[8] < x.satisfaction_mean.loc[7] - 0.1
    assert x.lost_encounter_failure.loc[8:16].sum() > x.lost_encounter_failure.loc[0:7].sum()


def test_scandal_gives_ethical_losses():
    res = _run([{"at": 5, "type": "scandal", "firm": "x", "share": 1.0, "severity": 0.8}])
    x = _firm(res, "x")
    assert x.lost_ethical.loc[:4].sum() == 0
    assert x.lost_ethical.loc[5:].sum() > 0
    assert x.trust_mean.loc[5] < 0.9 * x.trust_mean.loc[4]


@pytest.mark.parametrize("event, match", [
    ({"at": 1, "type": "set", "target": "firms.z.price", "value": 1}, "firms.<id>"),
    ({"at": 1, "type": "set", "target": "firms.x.colour", "value": 1}, "cannot change"),
    ({"at": 1, "type": "set", "target": "params.choice.temperature", "value": -1},
     "out of range"),
    ({"at": 1, "type": "firm_exit", "firm": "nobody"}, "unknown firm"),
    ({"at": 1, "type": "set", "target": "firms.x.bonds.social", "value": 1, "segment": "q"},
     "unknown segment"),
])
def test_bad_events_are_explained(event, match):
    with pytest.raises(ValueError, match=match):
        make_scenario(events=[event])


def test_same_seed_same_output():
    ev = [{"at": 3, "type": "service_failure", "firm": "y", "share": 0.3}]
    a = _run(ev, horizon=8).trajectories
    b = _run(ev, horizon=8).trajectories
    assert np.array_equal(a.fillna(-1).to_numpy(), b.fillna(-1).to_numpy())
