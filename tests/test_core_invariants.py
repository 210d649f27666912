"""Invariants every step, and reproducibility."""

import numpy as np
import pytest
from conftest import make_scenario

from sim import experience
from sim.accounting import COST_COLUMNS
from sim.api import run
from sim.constants import ACTIVE, LOST, NEVER
from sim.model import Market

STRATEGIES = [
    {"type": "budget_rule", "min_margin": 0.3, "patience": 2},
    {"type": "service_investment", "spend": {"value": 3000, "system": 1000, "people": 3000},
     "scale": 3000},
    {"type": "price_promotion", "target": "lost", "discount": 0.3, "reach": 0.3,
     "cost_per_offer": 2},
    {"type": "relationship_investment", "contacts": 50, "cost_per_contact": 10},
]


@pytest.fixture(scope="module")
def busy():
    # 3,000 agents for a market of 12,000: every count and amount is scaled by 4
    return make_scenario(**{"firms.0.strategies": STRATEGIES, "firms.1.capacity": 1200,
                            "horizon": 40, "market.population": 12000})


def test_customers_conserved_and_states_valid_every_step(busy):
    m = Market(busy, seed=3)
    c = m.customers
    for _ in range(busy.horizon):
        m.step()
        for f in range(2):
            counts = np.bincount(c.status[f], minlength=3)
            assert counts.sum() == c.n and counts.size == 3
            assert set(np.unique(c.status[f])) <= {NEVER, ACTIVE, LOST}
            row = m.firms[f].metrics
            assert row["customers_active"] == counts[ACTIVE] * 4
            assert row["customers_lost"] == counts[LOST] * 4
        for name in ("trust", "satisfaction", "expectation", "affective", "calculative"):
            arr = getattr(c, name)
            assert arr.min() >= 0 and arr.max() <= 1 + 1e-6, name
        assert c.bonds.min() >= 0 and c.bonds.max() <= 1 + 1e-6


def test_accounting_against_independent_sums(busy, monkeypatch):
    """Payments received, counted where customers pay, equal revenue; cash change = profit."""
    paid_by = {}
    real = experience.experience

    def spy(c, f, service, ids, paid, *args):
        key = (m.t, f)
        paid_by[key] = paid_by.get(key, (0.0, 0))
        total, n = paid_by[key]
        paid_by[key] = (total + float(np.sum(paid, dtype=np.float64)), n + ids.size)
        return real(c, f, service, ids, paid, *args)

    monkeypatch.setattr(experience, "experience", spy)
    m = Market(busy, seed=4)
    cash0 = [f.cash for f in m.firms]
    for _ in range(busy.horizon):
        m.step()
    df = m.trajectories()
    w = busy.market.population / busy.market.customers
    for (t, f), (total, n) in paid_by.items():
        row = df[(df.period == t) & (df.firm == m.firm_ids[f])].iloc[0]
        assert row.revenue == pytest.approx(total * w, rel=1e-9)
        assert row.served == n * w
        assert row.cost_variable == pytest.approx(n * w * busy.firms[f].costs.variable)
    assert df.served.sum() == sum(n for _, n in paid_by.values()) * w
    for f, firm in enumerate(m.firms):
        g = df[df.firm == firm.fid]
        costs = g[list(COST_COLUMNS)].sum().sum()
        assert firm.cash - cash0[f] == pytest.approx(g.revenue.sum() - costs, rel=1e-9)
        assert firm.cash - cash0[f] == pytest.approx(g.profit.sum(), rel=1e-9)


def test_trajectory_invariants(busy):
    df = run(busy, seed=4).trajectories
    n = busy.market.population
    assert df.market_share.between(0, 1).all()
    sums = df.groupby("period").market_share.sum()
    np.testing.assert_allclose(sums, 1.0)
    assert (df.customers_active + df.customers_lost <= n).all()
    for _, g in df.groupby("firm"):
        # stocks and flows agree: active(t) = active(t-1) + new + won back - lost
        flow = (g.customers_active.shift() + g.new_customers + g.won_back - g.lost).iloc[1:]
        assert (flow == g.customers_active.iloc[1:]).all()
        assert ((g.retention_rate + g.churn_rate).round(12) == 1).all()
        reasons = g.filter(regex="^lost_(price|core|encounter|inconv|response|compet|ethic|invol)")
        assert (reasons.sum(axis=1) == g.lost).all()


def test_same_seed_identical_other_seed_different(tiny, tmp_path):
    a = run(tiny, seed=11).trajectories
    b = run(tiny, seed=11).trajectories
    c = run(tiny, seed=12).trajectories
    assert a.equals(b)
    assert not a.equals(c)
    a.to_csv(tmp_path / "a.csv")
    b.to_csv(tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_datacollector_holds_the_trajectories(tiny):
    m = Market(tiny, seed=1)
    for _ in range(5):
        m.step()
    raw = m.datacollector.get_agent_vars_dataframe()
    assert len(raw) == 10 and "profit" in raw.columns
    assert list(m.trajectories().period.unique()) == [0, 1, 2, 3, 4]
