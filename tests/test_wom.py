"""Network, word of mouth, awareness, advertising and contagious defection."""

import numpy as np
import pytest
from conftest import make_scenario

from sim import contagion, network
from sim.api import run
from sim.choice import utilities
from sim.constants import ACTIVE
from sim.model import Market
from sim.network import NetworkParams
from sim.talk import deliver

ON = {"params.wom.enabled": True, "params.contagion.enabled": True}


def test_small_world_has_degree_clustering_and_short_paths():
    rng = np.random.default_rng(0)
    n, k = 4000, 12
    sw = network.build(n, NetworkParams(degree=k, rewire=0.1), rng)
    ring = network.build(n, NetworkParams(degree=k, rewire=0.0), rng)
    rand = network.build(n, NetworkParams(type="random", degree=k), rng)
    assert sw.degree().mean() == pytest.approx(k, abs=0.05)
    assert rand.degree().mean() == pytest.approx(k, abs=0.1)
    sample = rng.choice(n, 200, replace=False)
    c_ring, c_sw, c_rand = (network.clustering(g, sample) for g in (ring, sw, rand))
    # ring lattice: 3(k-2)/(4(k-1)); Watts-Strogatz keeps about (1-p)^3 of it
    assert c_ring == pytest.approx(3 * (k - 2) / (4 * (k - 1)), abs=1e-9)
    assert c_sw == pytest.approx(c_ring * 0.9 ** 3, abs=0.05)
    assert c_rand < 0.02
    src = sample[:5]
    l_ring, l_sw, l_rand = (network.mean_path_length(g, src) for g in (ring, sw, rand))
    assert l_ring > 80  # about n / (2k)
    assert l_sw < 2 * l_rand < 16  # small world: paths almost as short as in a random graph
    # undirected, no self-ties, sorted rows
    i = 17
    assert i not in sw.neighbours(i)
    assert all(i in sw.neighbours(j) for j in sw.neighbours(i))


def test_network_rejects_odd_degree():
    with pytest.raises(ValueError, match="even"):
        NetworkParams(degree=7)


def test_sample_gives_distinct_neighbours_and_caps_at_degree():
    net = network.build(500, NetworkParams(degree=6), np.random.default_rng(1))
    senders = np.arange(50)
    pos, recv = net.sample(senders, np.full(50, 100), np.random.default_rng(2))
    assert recv.size == net.degree()[senders].sum()
    for s in range(50):
        got = recv[pos == s]
        assert np.array_equal(np.sort(got), net.neighbours(s))


def test_warnings_lower_neighbours_choice_of_the_firm(tiny):
    """Three warnings about x cut trust by (1 - 0.1)^3 and the logit share of x with it."""
    m = Market(make_scenario(**ON), seed=1)
    c, p = m.customers, m.params
    ids = np.arange(0, 2000)
    told, quiet = ids[:1000], ids[1000:]
    c.trust[0, ids] = 0.6
    before = c.trust[0, told].copy()
    deliver(c, 0, np.repeat(told, 3), -1, p.wom)
    assert np.allclose(c.trust[0, told], before * 0.9 ** 3)
    prices = np.full((2, ids.size), 100, np.float32)
    v = utilities(c, prices, ids, p.choice, 100.0)
    share_x = 1 / (1 + np.exp(v[1] - v[0]))
    assert share_x[:1000].mean() < share_x[1000:].mean() - 0.05
    assert np.all(c.trust[0, quiet] == 0.6)


def test_recommendations_raise_trust_and_awareness():
    m = Market(make_scenario(**ON, **{"params.awareness.enabled": True,
                                     "firms.0.awareness": 0.0}), seed=1)
    c = m.customers
    never = np.flatnonzero(c.aware[0] == 0)[:100]
    t0 = c.trust[0, never].copy()
    deliver(c, 0, never, +1, m.params.wom)
    assert np.all(c.aware[0, never] == 1)
    assert np.allclose(c.trust[0, never], 1 - (1 - t0) * 0.95)


def test_negative_wom_costs_a_poor_firm_customers():
    """A failing firm wins fewer customers when dissatisfied customers warn their friends."""
    base = {"firms.0.service": {"value": 0.3, "system": 0.3, "people": 0.3},
            "params.experience.failure_max": 0.6, "params.wom.prob_positive": 0.0,
            "horizon": 25}
    served = {}
    for enabled in (False, True):
        total = 0
        for seed in range(3):
            sc = make_scenario(**base, **{"params.wom.enabled": enabled})
            total += run(sc, seed=seed, progress=False).trajectories.query(
                "firm == 'x'").served.sum()
        served[enabled] = total
    assert served[True] < 0.98 * served[False]


def _unknown_x(**more):
    return make_scenario(**{"params.awareness.enabled": True, "firms.0.awareness": 0.0,
                            "market.initial.x": {"active": 0.0, "lost": 0.0}, "horizon": 6},
                         **more)


def _run(sc, seed=3):
    m = Market(sc, seed=seed)
    for _ in range(sc.horizon):
        m.step()
    return m


def test_unaware_customers_never_choose_the_firm_and_advertising_reaches_them():
    m = Market(_unknown_x(), seed=3)
    assert m.customers.aware[0].sum() == 0
    assert _run(_unknown_x()).trajectories().query("firm == 'x'").served.sum() == 0
    ads = {"firms.0.strategies": [{"type": "advertising", "spend": 5000, "scale": 10000}]}
    tr = _run(_unknown_x(**ads)).trajectories().query("firm == 'x'")
    assert tr.aware_share.iloc[-1] > 0.9
    assert tr.served.sum() > 0
    assert tr.cost_advertising.sum() == pytest.approx(6 * 5000)
    assert np.allclose(tr.profit, tr.revenue - tr.cost_total)


def test_contagion_hazard_is_the_configured_equation():
    sc = make_scenario(**{"params.contagion.enabled": True, "params.contagion.base_hazard": 0.1,
                          "params.contagion.loyal_shield": 0.5, "market.customers": 20000})
    m = Market(sc, seed=2)
    c = m.customers
    active = np.flatnonzero(c.status[0] == ACTIVE)
    c.affective[0, active] = 0.0
    exposed, loyal, quiet = np.array_split(active, 3)
    c.affective[0, loyal] = 1.0
    c.exposure[0, exposed] = 1.0
    c.exposure[0, loyal] = 1.0
    out = m.mechanism("contagion").losses(0)
    lost = c.status[0] != ACTIVE
    # h = h0 ((1 + gamma (1 - s A))^K - 1): 0.1 * 0.8 unshielded, 0.1 * 0.4 for A = 1
    assert lost[exposed].mean() == pytest.approx(0.08, abs=0.015)
    assert lost[loyal].mean() == pytest.approx(0.04, abs=0.012)
    assert lost[quiet].sum() == 0
    assert m.mechanism("contagion").lost_now[0] == lost[active].sum() == out.total
    h = contagion.hazard(c, 0, exposed[:1], 0.1, sc.params.contagion)
    assert h[0] == pytest.approx(0.1 * 0.8, rel=1e-5)


def test_defections_reach_neighbours_and_decay():
    m = Market(make_scenario(**ON), seed=4)
    c = m.customers
    m.step()
    lost_now = np.flatnonzero((c.lost_since[0] == 0) & (c.status[0] == 2))
    assert lost_now.size > 0
    nb = m.network.neighbours(int(lost_now[0]))
    assert np.all(c.exposure[0, nb] >= 1.0)
    before = c.exposure.copy()
    m.world.t = m.t
    m.mechanism("contagion")._decay_and_push()  # no new defections at t = 0 after the step moved on
    assert np.all(c.exposure <= before + 1e-6)


def test_contagion_raises_churn():
    rates = {}
    for enabled in (False, True):
        lost = 0
        for seed in range(3):
            sc = make_scenario(**{"params.contagion.enabled": enabled, "horizon": 25})
            lost += run(sc, seed=seed, progress=False).trajectories.lost.sum()
        rates[enabled] = lost
    assert rates[True] > 1.1 * rates[False]


def test_off_means_off(tiny):
    m = Market(tiny, seed=1)
    for _ in range(5):
        m.step()
    assert m.network is None
    tr = m.trajectories()
    for col in ("wom_positive", "wom_negative", "lost_contagion", "complaints"):
        assert tr[col].sum() == 0
    assert np.all(m.customers.exposure == 0)
    assert (tr.aware_share == 1).all()
