"""Purchase occasions (ODD 7.27): several purchases a period, drawn from the need's Poisson."""

import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import make_scenario

from sim.api import run
from sim.constants import ACTIVE
from sim.experiments.calibration_schema import TargetCurve
from sim.experiments.targets import simulated_curve
from sim.model import Market
from sim.occasions import Occasions, expected_occasions
from sim.step import Phase, World

ROOT = Path(__file__).resolve().parents[1]
ONE = {"market.segments": [{"name": "all", "share": 1.0, "need_prob": 0.3,
                            "outside_utility": -8.0}],
       "market.initial": {}, "market.customers": 20000, "market.population": 20000}
ON = {"params.occasions.enabled": True}


def _occasions(nu: np.ndarray, seed: int = 1, rate: np.ndarray | None = None) -> Occasions:
    """The mechanism on customers with needs ``nu`` (and own needs ``rate``), nothing else."""
    world = World(SimpleNamespace(need_prob=nu.astype(np.float32)), [], None, None,
                  np.random.default_rng(seed), 1.0)
    m = Occasions(world)
    if rate is not None:
        m.rate = rate.astype(np.float32)
    return m


def _within(sample: np.ndarray, mean: float, sd: float, z: float = 4.5) -> bool:
    return abs(sample.mean() - mean) < z * sd / math.sqrt(sample.size)


@pytest.mark.parametrize("nu", [0.05, 0.3, 0.5, 0.9])
def test_count_is_the_zero_truncated_poisson_of_the_need(nu):
    n = 100_000
    m = _occasions(np.full(n, nu))
    k = m.occasions(0, np.arange(n), None)
    lam = -math.log1p(-nu)
    mean = lam / (1 - math.exp(-lam))
    assert mean == pytest.approx(float(expected_occasions(nu)))
    sd = math.sqrt(mean * (1 + lam - mean))  # variance of the zero-truncated Poisson
    assert k.min() >= 1 and _within(k, mean, sd)
    for j in (1, 2, 3):  # P(N = j) = lam^j e^-lam / (j! (1 - e^-lam))
        p = lam**j * math.exp(-lam) / (math.factorial(j) * (1 - math.exp(-lam)))
        assert _within(k == j, p, math.sqrt(p * (1 - p))), (j, (k == j).mean(), p)


def test_heterogeneous_needs_each_follow_their_own_rate():
    from sim.customers import need_probs
    n = 100_000
    nu = need_probs(np.random.default_rng(2), 0.1, 0.5, n)
    k = _occasions(nu).occasions(0, np.arange(n), None)
    expected = expected_occasions(nu)
    assert abs(k.mean() - expected.mean()) < 4.5 * k.std() / math.sqrt(n)
    heavy = nu > np.quantile(nu, 0.9)  # the heavy buyers make the repeat purchases in a week
    h = k[heavy]
    assert abs(h.mean() - expected[heavy].mean()) < 4.5 * h.std() / math.sqrt(h.size)
    assert h.mean() > k[~heavy].mean() + 0.15


def test_an_arrivals_first_purchase_comes_at_a_uniform_time_then_their_own_rate():
    n, nu = 100_000, 0.4
    m = _occasions(np.ones(n), rate=np.full(n, nu))  # need forced to 1 on arrival (7.22)
    k = m.occasions(0, np.arange(n), None)
    lam = -math.log1p(-nu)
    # 1 + Poisson(lam (1 - U)): mean 1 + lam/2, variance lam/2 + lam^2/12
    assert _within(k, 1 + lam / 2, math.sqrt(lam / 2 + lam**2 / 12))
    # a need of 1 that is the customer's own (float32 rounding of a huge rate) is capped
    capped = _occasions(np.ones(1000)).occasions(0, np.arange(1000), None)
    assert 10 < capped.mean() < 20


def test_off_by_default_same_outputs_and_no_draws():
    changes = {**ONE, "params.dropout.enabled": True, "params.dropout.after_first": False,
               "params.arrivals.enabled": True, "params.arrivals.share": 1.0, "horizon": 15}
    sc = make_scenario(**changes)
    m = Market(sc, seed=3)
    assert m.mechanism("occasions") is None
    assert [x.key for x in m.hooks[Phase.OCCASIONS]] == ["dropout"]
    # the dropout's per-purchase hook does nothing, draws nothing, without occasions
    state = m.rng.bit_generator.state
    assert m.mechanism("dropout").occasions(0, np.arange(10), None) is None
    assert m.rng.bit_generator.state == state
    a = run(sc, seed=3).trajectories
    b = run(make_scenario(**changes, **{"params.occasions.enabled": False}), seed=3).trajectories
    assert a.equals(b)
    assert (a.transactions == a.served).all()
    assert (a.avg_price_paid[a.served > 0] == 100).all()


def test_purchases_are_paid_and_costed_each_profit_stays_revenue_minus_costs():
    sc = make_scenario(**ONE, **ON, horizon=10)
    df = run(sc, seed=4).trajectories
    x = df[df.firm == "x"]
    assert (df.transactions >= df.served).all()
    assert x.transactions.sum() > 1.1 * x.served.sum()
    # each occasion is a purchase at the price (no discounts here) and costs the variable cost
    np.testing.assert_allclose(df.revenue, 100 * df.transactions, rtol=1e-12)
    np.testing.assert_allclose(df.cost_variable, 20 * df.transactions, rtol=1e-12)
    assert (df.avg_price_paid[df.served > 0] == 100).all()
    assert (df.profit == df.revenue - df.cost_total).all()
    costs = df[[c for c in df.columns if c.startswith("cost_") and c != "cost_total"]
               + ["crisis_cost"]].sum(axis=1)
    np.testing.assert_allclose(df.profit, df.revenue - costs, rtol=1e-9, atol=1e-6)
    # the customers with a need choose x or y; a chooser of x has E[N] = lam / nu purchases
    ratio = df.transactions.sum() / df.served.sum()
    assert ratio == pytest.approx(float(expected_occasions(0.3)), abs=0.02)


def test_cohort_value_counts_every_purchase():
    sc = make_scenario(**ONE, **ON, horizon=8,
                       **{"params.cohorts.enabled": True, "params.cohorts.basis": "revenue"})
    m = Market(sc, seed=5)
    for _ in range(8):
        m.step()
    df = m.trajectories()
    revenue = df.groupby("firm", sort=False).revenue.sum().to_numpy() / m.weight
    np.testing.assert_allclose(m.cohorts.total, revenue, rtol=1e-5)


def _dropout_model(after_first: bool, seed: int = 6) -> Market:
    sc = make_scenario(**ONE, **ON, **{"params.dropout.enabled": True,
                                       "params.dropout.a": 1e4, "params.dropout.b": 1e4,
                                       "params.dropout.after_first": after_first})
    return Market(sc, seed=seed)


@pytest.mark.parametrize("after_first", [True, False])
def test_dropout_acts_after_each_purchase(after_first):
    """A customer with R purchases that may end in a dropout stays with (1 - p)^R and makes
    min(G, R) of them, G ~ Geometric(p): after a dropout the period's later ones are lost."""
    m = _dropout_model(after_first)
    d, c = m.mechanism("dropout"), m.customers
    n = c.n
    ids = np.arange(n)
    c.status[0, n // 2:] = ACTIVE  # half already customers, half first-time buyers
    first = c.status[0] != ACTIVE
    k = np.full(n, 3)
    made = d.occasions(0, ids, k)
    assert (k == 3).all()  # the counts passed in are not changed in place
    p = 0.5
    tries = np.where(first & (not after_first), 2, 3)
    for group in (first, ~first):
        r = int(tries[group][0])
        gone = d.dropped[group]
        assert _within(gone, 1 - (1 - p) ** r, math.sqrt(0.25)), (r, gone.mean())
        extra = made[group] - (3 - r)  # purchases that could end in a dropout, made
        for j in range(1, r):  # made j < r: left after the j-th (P = (1-p)^(j-1) p)
            q = (1 - p) ** (j - 1) * p
            assert _within(extra == j, q, math.sqrt(q * (1 - q))), (r, j)
        assert ((extra == r) | gone).all() and (extra >= 1).all()
    assert (c.need_prob[d.dropped] == 0).all()
    assert d.now[0] == d.dropped.sum()
    # those already gone are not tried again (nor counted twice)
    before, count = d.dropped.copy(), int(d.now[0])
    again = d.occasions(0, ids, np.full(n, 3))
    assert (again[before] == 3).all()
    assert d.now[0] - count == (d.dropped & ~before).sum()


def test_dropout_with_occasions_in_a_run_counts_and_silences():
    sc = make_scenario(**ONE, **ON, horizon=20, **{"params.dropout.enabled": True,
                                                  "params.dropout.after_first": False})
    m = Market(sc, seed=7)
    for _ in range(20):
        m.step()
    d, df = m.mechanism("dropout"), m.trajectories()
    assert df.dropped_out.sum() == d.dropped.sum() > 0
    assert (m.customers.need_prob[d.dropped] == 0).all()
    assert (df.dropped_out <= df.served).all()


def test_repeat_transactions_count_purchases():
    traj = pd.DataFrame({"period": [0, 1, 2], "firm": "x", "served": [10, 8, 6],
                         "transactions": [10, 9, 8], "new_customers": [10, 1, 0]})
    target = TargetCurve(column="repeat_transactions", metric="repeat_transactions")
    curve = simulated_curve(traj, target, "x", np.arange(3))
    assert curve.tolist() == [0.0, 8.0, 8.0]  # transactions - new customers
    # without occasions transactions = served, so the metric is served - new customers
    sc = make_scenario(**ONE, horizon=6)
    df = run(sc, seed=2).trajectories.query("firm == 'x'")
    curve = simulated_curve(df, target, "x", np.arange(6))
    np.testing.assert_array_equal(curve, (df.served - df.new_customers).to_numpy(float))


def _cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], capture_output=True,
                          text=True)


def _line(text: str, needle: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)


CDNOW = (ROOT / "scenarios" / "retail_cdnow.yaml").read_text()


@pytest.mark.parametrize("block,needle,fragments", [
    ("  occasions: {enabled: maybe}", "enabled: maybe",
     ["params.occasions.enabled", "maybe", "bool"]),
    ("  occasions: {enabled: true, max: 3}", "max: 3",
     ["params.occasions.max", "unknown key"]),
    ("  occasion: {enabled: true}", "occasion:", ["params.occasion", "did you mean 'occasions'"]),
])
def test_bad_values_exit_2_with_file_field_and_line(tmp_path, block, needle, fragments):
    text = CDNOW.replace("  occasions: {enabled: true}", block) if "occasions: {enabled: " \
        "true}" in CDNOW else CDNOW.replace("params:\n", f"params:\n{block}\n", 1)
    assert block in text
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    r = _cli("check", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{path}:{_line(text, needle)}:" in r.stderr, r.stderr
    for frag in fragments:
        assert frag in r.stderr, (frag, r.stderr)


def test_a_need_of_one_has_no_rate_and_is_refused_with_the_line(tmp_path):
    text = CDNOW.replace("      need_prob: 0.", "      need_prob: 1.0  # was 0.", 1)
    if "occasions: {enabled: true}" not in text:
        text = text.replace("params:\n", "params:\n  occasions: {enabled: true}\n", 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    r = _cli("check", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{path}:{_line(text, 'need_prob: 1.0')}:" in r.stderr, r.stderr
    assert "market.segments[0].need_prob" in r.stderr and "below 1" in r.stderr
    # the same need with occasions off is a valid scenario
    off = text.replace("occasions: {enabled: true}", "occasions: {enabled: false}")
    path.write_text(off)
    assert _cli("check", str(path)).returncode == 0
