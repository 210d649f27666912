"""Contacts at several levels (ODD 7.25): bonds leave with contacts, 1/k each; levels cost."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import make_scenario

from sim.api import run
from sim.constants import ACTIVE, BOND_INDEX, LOST
from sim.model import Market
from sim.scenario import Scenario
from sim.validation.levels import measure

ROOT = Path(__file__).resolve().parents[1]
SOCIAL, PSY = BOND_INDEX["social"], BOND_INDEX["psychological"]
ON = {"params.contacts.enabled": True, "horizon": 12}
PLAN = {"type": "multi_level_contacts", "levels": 3, "cost_per_level": 40.0,
        "build_per_period": 10, "segments": ["a"]}


def _start(levels: int, rate: float, seed: int = 1) -> tuple[Market, np.ndarray, np.ndarray]:
    """A market after two periods; the bonds before and after one more START."""
    sc = make_scenario(**ON, **{"params.contacts.levels": levels,
                                "params.contacts.change_rate": rate,
                                "params.contacts.break_trust_loss": 0.0})
    m = Market(sc, seed=seed)
    m.step()
    m.step()
    before = m.customers.bonds[0, [SOCIAL, PSY]].copy()
    m.world.t = m.t
    m.mechanism("contacts").start()
    return m, before, m.customers.bonds[0, [SOCIAL, PSY]]


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_each_leaving_contact_takes_one_kth_of_the_bonds(k):
    m, before, after = _start(k, 0.3)
    mech, c = m.mechanism("contacts"), m.customers
    active = c.status[0] == ACTIVE
    ok = before[0] > 1e-3
    ratio = after[0, ok] / before[0, ok]
    # a customer with m of its k contacts gone keeps 1 - m/k of its social bond
    left = np.rint((1 - ratio) * k)
    np.testing.assert_allclose(ratio, 1 - left / k, atol=1e-5)
    assert left[~active[ok]].sum() == 0  # only active customers' contacts change
    changed = (mech.changed_t[0] == m.t) & (before[1] > 1e-3) & (before[0] > 1e-3)
    np.testing.assert_allclose(after[1, changed] / np.maximum(before[1, changed], 1e-9),
                               after[0, changed] / np.maximum(before[0, changed], 1e-9),
                               atol=1e-4, rtol=1e-4)
    assert mech.changes[0] >= np.count_nonzero(changed)
    assert 0.2 < mech.changes[0] / (k * np.count_nonzero(active)) < 0.4


def test_one_contact_takes_everything_and_breaks_trust():
    sc = make_scenario(**ON, **{"params.contacts.change_rate": 1.0})
    m = Market(sc, seed=2)
    m.step()
    c = m.customers
    active = c.status[0] == ACTIVE
    trust = c.trust[0].copy()
    m.world.t = m.t
    m.mechanism("contacts").start()
    assert (c.bonds[0, SOCIAL, active] == 0).all() and (c.bonds[0, PSY, active] == 0).all()
    assert (c.affective[0, active] == 0).all()
    np.testing.assert_allclose(c.trust[0, active], trust[active] * 0.5, rtol=1e-6)
    np.testing.assert_array_equal(c.trust[0, ~active], trust[~active])


def test_levels_are_built_and_paid_for_exactly():
    sc = make_scenario(**ON, **{"firms.0.strategies": [PLAN], "market.population": 9000})
    m = Market(sc, seed=3)
    mech, c = m.mechanism("contacts"), m.customers
    m.step()  # from t = 1 on, lost_since == t means lost in this run's period t
    for _ in range(6):
        m.step()
        t = m.t - 1
        paid_for = (c.status[0] == ACTIVE) | ((c.status[0] == LOST) & (c.lost_since[0] == t))
        covered = paid_for & (c.segment == 0)
        assert (mech.levels[0, covered] == 3).all()
        assert (mech.levels[0, ~covered] == 1).all() and (mech.levels[1] == 1).all()
        row = m.firms[0].metrics
        assert row["contact_levels_spend"] == pytest.approx(
            40.0 * 2 * np.count_nonzero(covered) * 3.0)
        assert row["cost_relationship"] == pytest.approx(row["contact_levels_spend"])
        assert m.firms[1].metrics["contact_levels_spend"] == 0
    df = run(sc, seed=3).trajectories
    np.testing.assert_allclose(df.profit, df.revenue - df.cost_total)
    assert (df.query("firm == 'x'").contact_levels > 1).all()


def test_a_budget_cut_lowers_the_levels_and_the_plan_ends():
    plan = {**PLAN, "end": 3}
    sc = make_scenario(**ON, **{"firms.0.strategies": [plan]})
    df = run(sc, seed=4).trajectories.query("firm == 'x'")
    assert (df.contact_levels_spend.iloc[:3] > 0).all()
    assert (df.contact_levels_spend.iloc[3:] == 0).all() and (df.contact_levels.iloc[3:] == 1).all()


def test_more_levels_cut_losses_after_contact_changes():
    one, three = measure(1, 0, 2000), measure(3, 0, 2000)
    assert one["rate_after"] > 1.3 * one["rate_other"]  # bursts after a change
    assert three["rate_after"] < 0.85 * one["rate_after"]
    assert three["losses"] < one["losses"]


def test_lost_after_contact_change_counts_losses_within_the_window():
    sc = make_scenario(**ON, **{"params.contacts.change_rate": 0.2,
                                "params.contacts.after_window": 2})
    m = Market(sc, seed=5)
    mech, c = m.mechanism("contacts"), m.customers
    m.step()
    for _ in range(8):
        m.step()
        t = m.t - 1
        lost = (c.status[0] == LOST) & (c.lost_since[0] == t)
        expect = np.count_nonzero(lost & (mech.changed_t[0] >= t - 1))
        assert m.firms[0].metrics["lost_after_contact_change"] == expect * m.weight


def test_off_by_default_and_the_strategy_needs_the_mechanism():
    sc = make_scenario(horizon=5)
    assert Market(sc, seed=1).mechanism("contacts") is None
    df = run(sc, seed=1).trajectories
    assert (df.contact_changes == 0).all() and df.contact_levels.isna().all()
    data = sc.model_dump()
    data["firms"][0]["strategies"] = [PLAN]
    with pytest.raises(ValueError, match="params.contacts.enabled"):
        Scenario.model_validate(data)
    data = make_scenario(**ON).model_dump()
    data["params"]["contacts"]["segment_levels"] = {"nobody": 2}
    with pytest.raises(ValueError, match="segment_levels"):
        Scenario.model_validate(data)


def test_segment_levels_set_the_starting_levels():
    sc = make_scenario(**ON, **{"params.contacts.segment_levels": {"b": 4}})
    m = Market(sc, seed=6)
    lv, seg = m.mechanism("contacts").levels, m.customers.segment
    assert (lv[:, seg == 0] == 1).all() and (lv[:, seg == 1] == 4).all()


@pytest.mark.parametrize("setting, shown", [
    ("params.contacts.levels=0", "params.contacts.levels = 0"),
    ("params.contacts.change_rate=-0.1", "params.contacts.change_rate = -0.1"),
    ("params.contacts.after_window=0", "params.contacts.after_window = 0"),
    ("firms.0.strategies.2.levels=0", "firms[0].strategies[2].levels = 0"),
    ("firms.0.strategies.2.cost_per_level=-5", "firms[0].strategies[2].cost_per_level = -5"),
])
def test_bad_values_are_refused_by_check(setting, shown):
    r = subprocess.run([sys.executable, str(ROOT / "run.py"), "check",
                        "scenarios/certification_body_levels.yaml", "--set", setting],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert shown in r.stderr and "greater than or equal to" in r.stderr


def test_a_bad_level_in_the_file_names_its_line(tmp_path):
    text = (ROOT / "scenarios/certification_body_levels.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("    levels: 1 ", "    levels: 0 "))
    line = next(k for k, s in enumerate(bad.read_text().splitlines(), 1)
                if s.startswith("    levels: 0"))
    r = subprocess.run([sys.executable, str(ROOT / "run.py"), "check", str(bad)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert f"bad.yaml:{line}: params.contacts.levels = 0" in r.stderr
