"""Issue 13's model parts: heterogeneous visit rates, dropout, staggered acquisition."""

import copy

import numpy as np
import pytest
from conftest import make_scenario

from sim.api import run
from sim.constants import ACTIVE
from sim.customers import need_probs
from sim.model import Market

ONE = {"market.segments": [{"name": "all", "share": 1.0, "need_prob": 0.2,
                            "outside_utility": 0.0}],
       "market.initial": {}, "market.customers": 20000, "market.population": 20000}


def test_need_probs_are_gamma_heterogeneous_with_the_segment_mean_rate():
    rng = np.random.default_rng(1)
    p = need_probs(rng, 0.2, 0.5, 200_000)
    rate = -np.log1p(-p.astype(float))
    assert rate.mean() == pytest.approx(-np.log(0.8), rel=0.02)  # mean rate kept
    # gamma shape r: coefficient of variation of the rate is 1 / sqrt(r)
    assert rate.std() / rate.mean() == pytest.approx(1 / np.sqrt(0.5), rel=0.05)
    assert (need_probs(rng, 0.2, None, 10) == np.float32(0.2)).all()


def test_heterogeneous_rates_concentrate_purchases():
    """With unequal rates, the top fifth of customers make far more of the purchases."""
    counts = {}
    for shape in (None, 0.3):
        sc = make_scenario(**ONE, **{"market.segments.0.need_shape": shape, "horizon": 26})
        m = Market(sc, seed=2)
        n = np.zeros(m.customers.n)
        for _ in range(sc.horizon):
            m.step()
            n[m.customers.last_visit[0] == m.t - 1] += 1
        top = np.sort(n)[::-1][: n.size // 5].sum() / n.sum()
        counts[shape] = top
    assert counts[0.3] > counts[None] + 0.15


def test_dropout_silences_customers_and_satisfaction_slows_it():
    base = {**ONE, "params.dropout.enabled": True, "params.dropout.a": 1.0,
            "params.dropout.b": 4.0, "horizon": 30}
    m = Market(make_scenario(**base), seed=3)
    for _ in range(30):
        m.step()
    d = m.mechanism("dropout")
    assert d.dropped.mean() > 0.3
    assert (m.customers.need_prob[d.dropped] == 0).all()
    df = m.trajectories()
    assert df.dropped_out.sum() == d.dropped.sum()
    # later purchases fall as customers drop out; with no dropout they do not
    plain = run(make_scenario(**ONE, horizon=30), seed=3).trajectories
    assert df.served.iloc[-5:].mean() < 0.7 * plain.served.iloc[-5:].mean()
    # with the attitude effect on, a firm that serves well loses fewer customers to dropout
    k3 = {**base, "params.dropout.satisfaction_effect": 3.0}
    good = run(make_scenario(**k3, **{"firms.0.service": {"value": 0.95, "system": 0.95,
                                                         "people": 0.95}}), seed=3)
    poor = run(make_scenario(**k3, **{"firms.0.service": {"value": 0.3, "system": 0.3,
                                                         "people": 0.3}}), seed=3)
    rate = [r.trajectories.query("firm == 'x'").dropped_out.sum()
            / r.trajectories.query("firm == 'x'").served.sum() for r in (good, poor)]
    assert rate[0] < 0.8 * rate[1]


def test_arrivals_enter_over_time_and_buy_on_arrival():
    changes = {"params.arrivals.enabled": True, "params.arrivals.share": 1.0,
               "params.arrivals.periods": 10, "horizon": 14,
               "market.segments.0.need_prob": 0.05, "market.segments.0.outside_utility": -5.0}
    # a copy: make_scenario puts ONE's segment list itself in place, then edits its first item
    sc = make_scenario(**copy.deepcopy(ONE), **changes)
    m = Market(sc, seed=4)
    assert (m.customers.need_prob == 0).all()
    for _ in range(sc.horizon):
        m.step()
    df = m.trajectories().query("firm == 'x'")
    arrived = df.arrived.to_numpy()  # market-wide, on each firm's row
    assert arrived[:10].sum() == 20000 and (arrived[10:] == 0).all()
    assert np.allclose(arrived[:10], 2000, rtol=0.1)
    # with first_purchase nearly every arrival buys in its arrival period
    both = m.trajectories().groupby("period").new_customers.sum()
    assert both.iloc[:10].sum() > 0.9 * 20000
    assert ((m.customers.status == ACTIVE).any(axis=0)).mean() > 0.9


def test_off_by_default_and_outputs_unchanged():
    sc = make_scenario(horizon=5)
    m = Market(sc, seed=1)
    assert m.mechanism("dropout") is None and m.mechanism("arrivals") is None
    df = run(sc, seed=1).trajectories
    assert (df.arrived == 0).all() and (df.dropped_out == 0).all()


def test_never_dropping_share_keeps_late_purchases_and_draws_nothing_when_zero():
    """pi of the customers never drop out: later purchases fall towards pi of the first ones."""
    base = {**ONE, "params.dropout.enabled": True, "params.dropout.a": 2.0,
            "params.dropout.b": 2.0, "params.dropout.after_first": False, "horizon": 40}
    late = {}
    for never in (0.0, 0.3):
        m = Market(make_scenario(**base, **{"params.dropout.never": never}), seed=5)
        for _ in range(40):
            m.step()
        d = m.mechanism("dropout")
        assert (d.p == 0).mean() == pytest.approx(never, abs=0.01)
        assert not d.dropped[d.p == 0].any()  # nobody with p = 0 ever drops out
        late[never] = m.trajectories().groupby("period").served.sum().iloc[-5:].mean()
    full = run(make_scenario(**ONE, horizon=40), seed=5).trajectories
    level = full.groupby("period").served.sum().iloc[-5:].mean()  # nobody drops out
    # with p_i ~ Beta(2, 2) most others have dropped out by then: the never-dropping 30%
    # buy as much as everyone does without dropout
    assert late[0.3] > 2.5 * late[0.0]
    assert 0.3 * level < late[0.3] < 0.5 * level
    # never = 0 draws no extra number: the same run as a scenario without the key
    plain = run(make_scenario(**base), seed=5).trajectories
    zero = run(make_scenario(**base, **{"params.dropout.never": 0.0}), seed=5).trajectories
    assert plain.equals(zero)


def test_never_share_is_a_validated_unit_share():
    from sim.scenario import InputError
    for bad in (-0.1, 1.5):
        with pytest.raises((InputError, ValueError)):
            make_scenario(**ONE, **{"params.dropout.enabled": True,
                                    "params.dropout.never": bad})


def test_arrivals_follow_the_weights_of_the_data():
    """With weights (a log's new customers per period) each period gets its exact share."""
    weights = [1.0, 0.0, 3.0, 4.0]
    changes = {"params.arrivals.enabled": True, "params.arrivals.share": 1.0,
               "params.arrivals.periods": 4, "params.arrivals.weights": weights, "horizon": 6}
    m = Market(make_scenario(**copy.deepcopy(ONE), **changes), seed=4)
    counts = np.bincount(m.mechanism("arrivals").arrival, minlength=4)
    assert counts.tolist() == [2500, 0, 7500, 10000]
    for _ in range(6):
        m.step()
    arrived = m.trajectories().query("firm == 'x'").arrived.to_numpy()
    assert arrived.tolist() == [2500, 0, 7500, 10000, 0, 0]
    # uneven shares round to whole customers that still add up
    from sim.arrivals import quotas
    assert np.bincount(quotas([1.0, 1.0, 1.0], 10)).tolist() == [4, 3, 3]


def test_arrival_weights_must_match_the_periods():
    for bad in ([1.0, 2.0], [0.0, 0.0, 0.0], [1.0, -1.0, 1.0]):
        with pytest.raises(ValueError):
            make_scenario(**copy.deepcopy(ONE), **{"params.arrivals.enabled": True,
                                                   "params.arrivals.periods": 3,
                                                   "params.arrivals.weights": bad})
