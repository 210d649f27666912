"""Each core mechanism's direction and size."""

import numpy as np
import pytest
from conftest import make_scenario

from sim import bonds, trust
from sim.api import run
from sim.customers import Customers
from sim.experience import experience
from sim.model import Market


def customers(scenario, seed=0):
    return Customers(scenario, np.random.default_rng(seed))


def test_trust_falls_faster_than_it_rises(tiny):
    c = customers(tiny)
    ids = np.arange(100)
    c.trust[0, ids] = 0.5
    trust.update_trust(c, 0, ids[:50], np.full(50, 0.5, np.float32), tiny.params.trust)
    trust.update_trust(c, 0, ids[50:], np.full(50, -0.5, np.float32), tiny.params.trust)
    gain = c.trust[0, :50].mean() - 0.5
    loss = 0.5 - c.trust[0, 50:100].mean()
    assert gain > 0 and loss > 0
    assert loss / gain == pytest.approx(0.25 / 0.06, rel=1e-4)


def test_trust_stays_in_unit_interval(tiny):
    c = customers(tiny)
    ids = np.arange(200)
    for x in (1.0, -1.0) * 20:
        trust.update_trust(c, 1, ids, np.full(200, x, np.float32), tiny.params.trust)
        assert c.trust[1, ids].min() >= 0 and c.trust[1, ids].max() <= 1


def test_expectation_rises_with_price_paid(tiny):
    """Same quality, higher price: lower transaction satisfaction."""
    p = tiny.params.experience.model_copy(update={"noise_sd": 0.0, "failure_max": 0.0})
    c = customers(tiny)
    ids = np.arange(1000)
    c.expectation[0, ids] = 0.6
    service = np.array([0.6, 0.6, 0.6])
    rng = np.random.default_rng(1)
    cheap = np.full(500, 50.0, np.float32)
    dear = np.full(500, 150.0, np.float32)
    _, s_cheap, _ = experience(c, 0, service, ids[:500], cheap, p, 100.0, rng, 0)
    _, s_dear, _ = experience(c, 0, service, ids[500:], dear, p, 100.0, rng, 0)
    # E* = 0.6 + 0.3 (p/100 - 1): +0.15 at 150, -0.15 at 50; q = 0.6 at both prices
    level = 0.5 + p.gain_performance * (0.6 - p.performance_mid)
    assert s_cheap.mean() == pytest.approx(level + 1.5 * 0.15, abs=1e-5)
    assert s_dear.mean() == pytest.approx(level - 3.0 * 0.15, abs=1e-5)
    assert s_dear.mean() < s_cheap.mean()


def test_bond_halves_in_its_half_life(tiny):
    c = customers(tiny)
    start = c.bond(0, "social").copy()
    h = int(tiny.params.bonds.half_life.social)
    for _ in range(h):
        bonds.decay(c, tiny.params.bonds)
    mask = start > 0
    assert mask.any()
    np.testing.assert_allclose(c.bond(0, "social")[mask], start[mask] / 2, rtol=1e-4)


def test_structural_bonds_do_not_decay():
    sc = make_scenario(**{"firms.0.bonds": {"legal": 0.8}})
    c = customers(sc)
    for _ in range(50):
        bonds.decay(c, sc.params.bonds)
    assert np.all(c.bond(0, "legal") == np.float32(0.8))


def churn_mean(sc, seeds=(1, 2, 3)):
    return np.mean([run(sc, seed=s).trajectories.churn_rate.mean() for s in seeds])


def test_higher_switching_premium_lowers_churn():
    low = churn_mean(make_scenario(**{"params.choice.inertia": 0.0}))
    high = churn_mean(make_scenario(**{"params.choice.inertia": 2.0}))
    assert high < 0.8 * low


def test_structural_bonds_lower_churn():
    weak = churn_mean(make_scenario())
    strong = churn_mean(make_scenario(**{"firms.0.bonds": {"legal": 1.0, "economic": 1.0},
                                         "firms.1.bonds": {"legal": 1.0, "economic": 1.0}}))
    assert strong < 0.8 * weak


def winback(discount):
    strat = {"type": "price_promotion", "target": "lost", "discount": discount, "reach": 0.5}
    sc = make_scenario(**{"firms.0.strategies": [strat] if discount else []})
    df = [run(sc, seed=s).trajectories for s in (1, 2, 3)]
    return np.mean([d[d.firm == "x"].won_back.sum() for d in df])


def test_deeper_discount_wins_back_more():
    none, shallow, deep = winback(0.0), winback(0.1), winback(0.5)
    assert none < shallow < deep
    assert deep - none > 3 * (shallow - none)


def test_service_spend_raises_level_with_a_lag_and_cut_lets_it_decay():
    strat = {"type": "service_investment", "spend": {"value": 1e6, "system": 1e6, "people": 1e6},
             "scale": 1000, "lag": 10, "end": 20}
    sc = make_scenario(**{"firms.0.strategies": [strat], "horizon": 40,
                          "firms.0.service": {"value": 0.5, "system": 0.5, "people": 0.5}})
    df = run(sc, seed=1).trajectories
    s = df[df.firm == "x"].set_index("period").service_mean
    # one period closes 1/lag of the gap to the ceiling 0.95
    assert s.loc[0] == pytest.approx(0.5 + (0.95 - 0.5) / 10, abs=1e-9)
    assert s.loc[19] > 0.85
    assert s.loc[39] < s.loc[19] - 0.2  # spend stopped at 20: decays toward the floor


def test_budget_rule_cuts_service_when_margin_is_negative():
    rule = {"type": "budget_rule", "min_margin": 0.1, "patience": 2, "cut": 0.5,
            "order": ["service"]}
    spend = {"type": "service_investment", "spend": {"value": 5e3, "system": 5e3, "people": 5e3},
             "scale": 5000}
    promo = {"type": "price_promotion", "target": "all", "discount": 0.6}
    sc = make_scenario(**{"firms.0.strategies": [rule, spend, promo], "horizon": 20})
    df = run(sc, seed=1).trajectories.set_index(["firm", "period"])
    assert df.loc["x"].budget_service.iloc[-1] < 1.0
    assert df.loc["x"].budget_cuts.sum() >= 1
    assert df.loc["y"].budget_cuts.sum() == 0


def test_contacts_accepted_more_with_bonds_left():
    rel = {"type": "relationship_investment", "contacts": 300, "accept_time": 0.0}
    rates = []
    for grown in (0.0, 0.6):
        sc = make_scenario(**{"firms.0.strategies": [rel], "horizon": 3,
                              "initial.grown_bonds_lost": grown})
        df = run(sc, seed=2).trajectories
        x = df[df.firm == "x"]
        rates.append(x.contacts_accepted.sum() / x.contacts.sum())
    assert rates[1] > rates[0] + 0.2


def test_capacity_turns_customers_away():
    sc = make_scenario(**{"firms.0.capacity": 50})
    df = run(sc, seed=1).trajectories
    x = df[df.firm == "x"]
    assert (x.served <= 50).all()
    assert (x.served + x.turned_away == x.demand).all()
    assert x.turned_away.sum() > 0


def test_customer_view_and_follow(tiny):
    m = Market(tiny, follow=[3])
    for _ in range(5):
        m.step()
    v = m.customer(3)
    assert set(v["firms"]) == {"x", "y"}
    assert v["firms"]["x"]["status"] in ("never", "active", "lost")
    assert len(v["firms"]["x"]["bonds"]) == 10
    assert [r["period"] for r in m.customer_log] == [0, 1, 2, 3, 4]
    with pytest.raises(IndexError):
        m.customer(10**9)
