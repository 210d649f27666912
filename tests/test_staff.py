"""Staff and the service-profit chain (ODD 7.26): direction and size, accounting, bad input."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make_scenario

from run import main
from sim.api import run
from sim.constants import ACTIVE, BOND_INDEX
from sim.model import Market
from sim.scenario import Scenario
from sim.staff import Staff

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "nanyuan_vs_eaton_staff.yaml"
SOCIAL = BOND_INDEX["social"]
STAFF = {"headcount": 40, "norm": 30.0, "wage": 500.0, "hire_cost": 2000.0}


def _staffed(*strategies: dict, **changes: object) -> Scenario:
    """The tiny market with staff at firm x (and the given strategies there)."""
    return make_scenario(**{"firms.0.staff": dict(STAFF), "firms.0.strategies": list(strategies),
                            "params.staff.market_wage": 500.0, "horizon": 60, **changes})


def _mean(spec: Scenario, col: str, seeds: range = range(4), firm: str = "x") -> float:
    """Mean of ``col`` at ``firm`` over the run, averaged over ``seeds``."""
    runs = [run(spec, seed=s).trajectories for s in seeds]
    return float(np.mean([t.loc[t.firm == firm, col].mean() for t in runs]))


def test_staff_spend_means_more_satisfied_staff_and_fewer_quits() -> None:
    low = _staffed()
    high = _staffed({"type": "staff_investment", "bonus": 100.0, "training": 80.0})
    assert _mean(high, "staff_satisfaction") > _mean(low, "staff_satisfaction") + 0.1
    assert _mean(high, "staff_quits") < 0.7 * _mean(low, "staff_quits")
    assert _mean(high, "staff_experience") > _mean(low, "staff_experience")
    assert _mean(high, "service_people") > _mean(low, "service_people") + 0.05


def test_overload_lowers_staff_satisfaction() -> None:
    calm = _staffed(**{"firms.0.staff.norm": 1000.0})
    overloaded = _staffed(**{"firms.0.staff.norm": 2.0})
    assert _mean(overloaded, "staff_satisfaction") < _mean(calm, "staff_satisfaction") - 0.1


def test_the_mirror_pulls_staff_toward_their_customers_satisfaction() -> None:
    good = _staffed(**{"firms.0.service": {"value": 0.95, "system": 0.95, "people": 0.7}})
    poor = _staffed(**{"firms.0.service": {"value": 0.2, "system": 0.2, "people": 0.7}})
    assert _mean(good, "satisfaction_mean") > _mean(poor, "satisfaction_mean")
    assert _mean(good, "staff_satisfaction") > _mean(poor, "staff_satisfaction") + 0.05
    off = {"params.staff.mirror": 0.0}
    gap_off = (_mean(_staffed(**off, **{"firms.0.service": {"value": 0.95, "system": 0.95,
                                                           "people": 0.7}}),
                     "staff_satisfaction")
               - _mean(_staffed(**off, **{"firms.0.service": {"value": 0.2, "system": 0.2,
                                                             "people": 0.7}}),
                       "staff_satisfaction"))
    assert abs(gap_off) < 0.03  # without the mirror, customers' satisfaction does not reach staff


def test_a_pay_cut_drops_staff_satisfaction_at_once() -> None:
    spec = _staffed({"type": "staff_investment", "bonus": 200.0, "end": 30})
    traj = run(spec, seed=1).trajectories.query("firm == 'x'").set_index("period")
    assert traj.staff_pay[29] == pytest.approx(700 / 500)
    assert traj.staff_pay[30] == pytest.approx(1.0)
    drop = traj.staff_satisfaction[29] - traj.staff_satisfaction[30]
    p = spec.params.staff
    assert drop > p.pay_cut_effect * 0.4 * 0.9  # the shock, beyond the slow drift


def test_quit_rate_follows_the_equation() -> None:
    spec = _staffed(**{"firms.0.staff.headcount": 100_000, "params.staff.adjust": 0.0,
                       "firms.0.staff.satisfaction": 0.3, "horizon": 5})
    traj = run(spec, seed=3).trajectories.query("firm == 'x'")
    p = spec.params.staff
    expected = p.quit_min + (p.quit_max - p.quit_min) * 0.7 ** 2
    rate = traj.staff_quits / 100_000  # a fixed headcount: every quitter is replaced
    np.testing.assert_allclose(rate, expected, rtol=0.05)  # binomial on 100,000 staff


def test_quitters_take_their_share_of_the_social_bonds() -> None:
    spec = _staffed(**{"params.staff.quit_max": 0.5, "params.staff.quit_min": 0.5})
    m = Market(spec, seed=2)
    for _ in range(5):
        m.step()
    mech = m.mechanism("staff")
    assert isinstance(mech, Staff)
    c = m.customers
    before = c.bonds[0, SOCIAL].copy()
    mech._take_bonds(0, 0.25)  # a quarter of the staff gone
    active = c.status[0] == ACTIVE
    np.testing.assert_allclose(c.bonds[0, SOCIAL, active], before[active] * 0.75, rtol=1e-6)
    np.testing.assert_array_equal(c.bonds[0, SOCIAL, ~active], before[~active])
    kept = _mean(_staffed(**{"params.staff.bond_loss": 0.0, "params.staff.quit_max": 0.3}),
                 "customers_active")
    taken = _mean(_staffed(**{"params.staff.bond_loss": 1.0, "params.staff.quit_max": 0.3}),
                  "customers_active")
    assert taken < kept


def test_staff_cost_is_booked_from_headcount_pay_and_hires() -> None:
    spec = _staffed({"type": "staff_investment", "bonus": 50.0, "training": 30.0},
                    **{"firms.0.staff.per_served": 0.05, "firms.0.staff.headcount": 5})
    traj = run(spec, seed=4).trajectories
    x = traj.query("firm == 'x'")
    expected = x.staff * (500 + 50 + 30) + x.staff_hires * 2000
    np.testing.assert_allclose(x.cost_staff, expected, rtol=1e-9)
    costs = [c for c in traj.columns if c.startswith("cost_") and c != "cost_total"] + \
        ["crisis_cost"]
    np.testing.assert_allclose(traj[list(dict.fromkeys(costs))].sum(axis=1), traj.cost_total,
                               rtol=1e-9)
    np.testing.assert_allclose(traj.revenue - traj.cost_total, traj.profit, rtol=1e-9, atol=1e-6)
    y = traj.query("firm == 'y'")
    assert (y.cost_staff == 0).all() and y.staff.isna().all()
    # understaffed at the start, it hires up to per_served x averaged purchases served
    assert x.staff_hires.iloc[:20].sum() > 8
    late = x.iloc[30:]
    assert late.staff.mean() == pytest.approx(0.05 * late.served.mean(), rel=0.15)


def test_people_service_follows_the_staff_not_the_spend() -> None:
    spec = _staffed({"type": "service_investment", "spend": {"value": 100_000.0}},
                    **{"firms.0.staff.satisfaction": 1.0, "firms.0.staff.experience": 1.0,
                       "params.staff.adjust": 0.0, "params.staff.learn_periods": 1.0,
                       "params.staff.quit_max": 0.0, "params.staff.quit_min": 0.0})
    x = run(spec, seed=1).trajectories.query("firm == 'x'")
    p = spec.params.staff
    assert x.service_people.iloc[-1] == pytest.approx(p.people_ceiling, abs=1e-3)
    assert x.service_value.iloc[-1] > x.service_value.iloc[0]  # the spend still buys value


def test_eatons_cuts_reach_its_staff_and_nanyuan_keeps_its_people() -> None:
    traj = run(CASE, seed=5, customers=3000).trajectories
    half = traj[traj.period >= 130].groupby("firm")
    turnover = half.apply(lambda g: (g.staff_quits / g.staff).mean())
    assert turnover["eaton"] > 2 * turnover["nanyuan"]
    assert half.budget_service.mean()["eaton"] < 1.0 == half.budget_service.mean()["nanyuan"]
    people = half.service_people.mean()
    assert people["nanyuan"] > people["eaton"] + 0.15


def test_staff_off_writes_nan_columns_and_no_cost(tiny: Scenario) -> None:
    traj = run(tiny, seed=1).trajectories
    assert traj[["staff", "staff_satisfaction", "staff_quits"]].isna().all().all()
    assert (traj.cost_staff == 0).all()
    assert Market(tiny, seed=1).mechanism("staff") is None


def test_same_result_at_any_agent_count() -> None:
    def late(n: int) -> pd.Series:
        frames = [run(CASE, seed=s, customers=n, periods=156).trajectories for s in range(2)]
        t = pd.concat(frames)
        return t[t.period >= 104].groupby("firm").staff_satisfaction.mean()

    small, large = late(2000), late(10_000)
    np.testing.assert_allclose(small, large, atol=0.05)


BAD = [
    ("      headcount: 45 ", "      headcount: -5 ", "firms[0].staff.headcount", "1"),
    ("      headcount: 45 ", "      headcount: 0 ", "firms[0].staff.headcount", "1"),
    ("      norm: 15 ", "      norm: 0 ", "firms[0].staff.norm", "0"),
    ("        bonus: 60 ", "        bonus: -1 ", "firms[0].strategies[2].bonus", "0"),
    ("        spend: {value: 8000, system: 6000}",
     "        spend: {value: 8000, system: 6000, people: 100}",
     "firms[0].strategies[1].spend.people", "allowed: 0"),
]


@pytest.mark.parametrize(("needle", "value", "field", "allowed"), BAD)
def test_bad_values_are_refused_with_a_placed_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], needle: str, value: str,
        field: str, allowed: str) -> None:
    text = CASE.read_text()
    assert needle in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(needle, value, 1))
    line = next(i for i, row in enumerate(bad.read_text().splitlines(), 1) if value in row)
    assert main(["run", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"bad.yaml:{line}" in err and field in err, err
    assert allowed in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_staff_investment_needs_staff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CASE.read_text()
    block = text[text.index("    staff:\n      headcount"):text.index("    strategies:")]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(block, "", 1))
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "staff_investment strategy needs a staff block" in err
    assert "firms[0].strategies[2].type" in err and "Traceback" not in err
