"""Referral rewards (ODD 7.20): a mechanism added as one module, touching no other."""

import numpy as np
import pytest
from conftest import make_scenario

from sim.api import run
from sim.constants import ACTIVE
from sim.model import Market
from sim.scenario import InputError, Scenario, load_scenario

REWARD = [{"type": "referral_reward", "reward": 80, "boost": 3.0}]
# a market where many do not know the firms yet: a referral tells them (and raises trust)
ON = {"params.referrals.enabled": True, "params.referrals.prob_refer": 0.1,
      "params.awareness.enabled": True, "firms.0.awareness": 0.2, "firms.1.awareness": 0.2,
      "market.initial": {"x": {"active": 0.1, "lost": 0.0}, "y": {"active": 0.1, "lost": 0.0}},
      "horizon": 20}


def _x(sc, seed):
    return run(sc, seed=seed).trajectories.query("firm == 'x'")


def test_a_reward_brings_more_referrals_and_new_customers():
    plain = make_scenario(**ON)
    paid = make_scenario(**ON, **{"firms.0.strategies": REWARD})
    gain_ref, gain_new = [], []
    for seed in range(4):
        a, b = _x(plain, seed), _x(paid, seed)
        gain_ref.append(b.referrals.sum() / max(a.referrals.sum(), 1))
        gain_new.append(b.new_customers.sum() - a.new_customers.sum())
    # boost 3: about four times as many referrals; more first-time customers on every seed
    assert 3.0 < np.mean(gain_ref) < 5.0
    assert min(gain_new) > 0


def test_rewards_are_paid_per_converted_referral_in_real_money():
    sc = make_scenario(**ON, **{"firms.0.strategies": REWARD, "market.population": 12000})
    x = _x(sc, 1)
    assert x.referrals_converted.sum() > 0
    np.testing.assert_allclose(x.cost_referral, x.referrals_converted * 80)
    assert (x.referrals_converted <= x.new_customers).all()
    np.testing.assert_allclose(x.profit, x.revenue - x.cost_total)


def test_only_never_customers_are_referred_and_convert_once():
    sc = make_scenario(**ON, **{"firms.0.strategies": REWARD})
    m = Market(sc, seed=3)
    ref = m.mechanism("referrals")
    for _ in range(6):
        m.step()
        pending = ref.referrer[0] >= 0
        assert not (pending & (m.customers.status[0] == ACTIVE)).any()


def test_off_by_default_and_a_reward_needs_the_mechanism():
    sc = make_scenario(horizon=5)
    assert Market(sc, seed=1).mechanism("referrals") is None
    df = run(sc, seed=1).trajectories
    assert (df.referrals == 0).all() and (df.cost_referral == 0).all()
    data = sc.model_dump()
    data["firms"][0]["strategies"] = REWARD
    with pytest.raises(ValueError, match="params.referrals.enabled"):
        Scenario.model_validate(data)


def test_bad_values_are_refused_with_the_field(tmp_path):
    with pytest.raises(InputError) as e:
        load_scenario("scenarios/nanyuan_vs_eaton.yaml",
                      ["params.referrals.prob_refer=1.5"])
    assert "params.referrals.prob_refer" in str(e.value) and "1.5" in str(e.value)
