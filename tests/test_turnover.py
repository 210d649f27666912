import numpy as np
from conftest import make_scenario

from sim.api import run
from sim.constants import NEVER


def _conserved(res):
    d, n = res.trajectories, res.scenario.market.customers
    c = res.model.customers
    for f, fid in enumerate(res.model.firm_ids):
        last = d[d.firm == fid].iloc[-1]
        never_in = int((c.status[f] == NEVER).sum()) - int(last.out_of_market)
        assert never_in + last.customers_active + last.customers_lost + last.out_of_market == n


def test_exits_are_involuntary_losses_and_places_are_refilled():
    res = run(make_scenario(**{"params.turnover.exit_rate": 0.02}))
    d = res.trajectories
    assert d.lost_involuntary.sum() > 0
    assert (d.exited > 0).all()
    assert (d.entered == d.exited).all()  # entry = 1: every empty place is taken at once
    assert (d.out_of_market == 0).all()
    reasons = [c for c in d.columns if c.startswith("lost_") and c[5:] in (
        "price", "core_failure", "encounter_failure", "inconvenience", "response_to_failure",
        "competition", "ethical", "involuntary")]
    assert (d[reasons].sum(axis=1) == d.lost).all()
    _conserved(res)


def test_slow_entry_leaves_customers_out_of_market():
    res = run(make_scenario(**{"params.turnover.exit_rate": 0.05, "params.turnover.entry": 0.1}))
    d = res.trajectories
    assert d.out_of_market.iloc[-1] > 0
    _conserved(res)


def test_exit_rate_size():
    res = run(make_scenario(**{"params.turnover.exit_rate": 0.01, "horizon": 40}))
    d = res.trajectories[res.trajectories.firm == "x"]
    rate = d.exited.mean() / res.scenario.market.customers
    assert 0.008 < rate < 0.012
    inv = d.lost_involuntary.sum() / d.active_start.sum()
    assert 0.006 < inv < 0.014


def test_newcomers_have_no_history():
    res = run(make_scenario(**{"params.turnover.exit_rate": 0.2, "horizon": 1}))
    c = res.model.customers
    fresh = np.flatnonzero((c.last_visit == -10_000).all(axis=0))
    assert fresh.size > 0
    assert (res.model.cohorts.value[:, fresh] == 0).all()


def test_leavers_take_their_queued_complaints_with_them():
    """A queued complaint belongs to the customer who lodged it, never to a newcomer."""
    from sim.constants import CP_PENDING
    from sim.model import Market

    sc = make_scenario(**{"params.turnover.exit_rate": 0.1, "params.complaints.enabled": True,
                          "params.complaints.prob_dissatisfied": 1.0, "horizon": 12,
                          "firms.0.strategies": [{"type": "complaint_handling",
                                                  "capacity": 1, "quality": 1.0}]})
    m = Market(sc, seed=3)
    book, c, queued = m.mechanism("complaints"), m.customers, 0
    for _ in range(sc.horizon):
        m.step()
        for f in range(len(m.firms)):
            ids = book.ids[f]
            queued += ids.size
            assert (c.complaint[f, ids] == CP_PENDING).all()
            assert not m.mechanism("turnover").out[ids].any()
    assert queued > 100  # the check saw long queues under heavy turnover
