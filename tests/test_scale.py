"""Population vs agents: the agent count changes the sampling noise only (sim/scale.py)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import make_scenario

from sim.api import run
from sim.scale import to_agents
from sim.scenario import load_scenario
from sim.validation.scale import scale_check, summarise

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"


def test_to_agents_is_unbiased_and_exact_when_whole():
    rng = np.random.default_rng(0)
    draws = [to_agents(37.5, 3.0, rng) for _ in range(20_000)]  # 12.5 agents on average
    assert set(draws) == {12, 13}
    assert np.mean(draws) == pytest.approx(12.5, abs=0.02)
    state = rng.bit_generator.state
    assert to_agents(120, 6.0, rng) == 20
    assert rng.bit_generator.state == state  # no random number drawn for a whole number


def test_weight_and_defaults():
    sc = make_scenario(**{"market.population": 12000})
    assert sc.market.customers == 3000 and sc.market.weight == 4
    sc = make_scenario(**{"market.customers": None, "market.population": 50_000})
    assert sc.market.customers == 20_000  # agents default to the population, at most 20,000
    sc = make_scenario()
    assert sc.market.population == sc.market.customers == 3000


def test_cli_customers_keeps_the_population():
    sc = load_scenario(CASE, customers=2000)
    assert (sc.market.population, sc.market.customers) == (20_000, 2000)
    assert sc.market.weight == 10


def test_capacity_is_real_purchases_at_any_agent_count():
    """A binding capacity serves the same real number of purchases with 1,000 or 4,000 agents."""
    served = {}
    for agents in (1000, 4000):
        sc = make_scenario(**{"market.population": 8000, "market.customers": agents,
                              "firms.0.capacity": 300, "horizon": 10})
        df = run(sc, seed=1).trajectories
        x = df[df.firm == "x"]
        assert (x.turned_away > 0).all()  # the capacity binds
        served[agents] = x.served.mean()
    assert served[1000] == pytest.approx(300, rel=0.05)
    assert served[4000] == pytest.approx(300, rel=0.03)


def test_contacts_and_their_cost_are_real_units():
    strategies = [{"type": "relationship_investment", "target": "active", "contacts": 90,
                   "cost_per_contact": 10}]
    for agents, pop in ((3000, 3000), (1000, 9000)):
        sc = make_scenario(**{"market.population": pop, "market.customers": agents,
                              "firms.0.strategies": strategies, "horizon": 6})
        x = run(sc, seed=2).trajectories.query("firm == 'x'")
        assert x.contacts.mean() == pytest.approx(90, rel=0.12)
        np.testing.assert_allclose(x.cost_relationship, x.contacts * 10)


def test_case_story_same_at_2000_and_20000_agents():
    """Nanyuan vs Eaton: mean profit within 10% and late share within 3 points, 3 seeds."""
    runs = scale_check(str(CASE), [2000, 20_000], [0, 1, 2], workers=2)
    table = summarise(runs)
    print(table.to_string())
    assert table.agrees.all()
    assert (runs.pattern_case.mean()) >= 2 / 3  # the case's pattern holds at both sizes


def test_scale_command_prints_each_size(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "run.py"), "scale", str(CASE), "--agents",
                        "1000", "2000", "--seeds", "1", "--periods", "30", "--out",
                        str(tmp_path)], capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr
    assert "1000" in r.stdout and "2000" in r.stdout and "nanyuan" in r.stdout
    assert (tmp_path / "scale_summary.csv").exists()
    bad = subprocess.run([sys.executable, str(ROOT / "run.py"), "scale", str(CASE), "--agents",
                          "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--agents" in bad.stderr and "Traceback" not in bad.stderr
