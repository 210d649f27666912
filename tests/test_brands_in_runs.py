"""Purchase counts per window, brand_performance, share of wallet (issue 19, ODD 7.23)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import make_scenario

from sim.api import run
from sim.model import Market
from sim.purchases import parse_window
from sim.scenario import InputError, load_scenario
from sim.validation.double_jeopardy import check

ROOT = Path(__file__).resolve().parents[1]


def test_counts_match_purchases_and_windows_roll():
    sc = make_scenario(**{"params.brands.windows": ["5 weeks"], "horizon": 12})
    m = Market(sc, seed=2)
    served = np.zeros((2, m.customers.n), np.int64)
    for _ in range(10):
        m.step()
        for f in range(2):
            served[f, m.customers.last_visit[f] == m.t - 1] += 1
    counts = m.mechanism("brands").previous[0]  # periods 5-9, just completed
    table = m.brand_table()
    assert list(table.window.unique()) == ["5 weeks"]
    assert set(zip(table.start, table.end)) == {(0, 4), (5, 9)}
    df = m.trajectories()
    assert counts.sum() == df[df.period >= 5].served.sum()  # weight 1: counts are purchases
    assert counts.dtype == np.uint8


def test_observed_measures_and_share_of_wallet():
    res = run(make_scenario(**{"params.brands.windows": ["10 weeks"], "horizon": 20}), seed=1)
    t = res.model.brand_table()
    first = t[t.start == 0]
    assert first.market_share.sum() == pytest.approx(1.0)
    assert (first.scr <= 1).all() and (first.sole_buyer_share <= 1).all()
    assert first.repeat_rate.between(0, 1).all()
    assert np.isfinite(first.dirichlet_M).all()
    sow = res.trajectories.set_index("period").share_of_wallet
    assert sow.loc[:9].isna().all()  # no complete window yet (it closes after period 9)
    assert sow.loc[10:].between(0, 1).all()  # the last complete 10-week window


def test_bad_windows_are_refused_with_the_field():
    case = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"
    for bad, words in (("['0 weeks']", "1 to 260"), ("['300 weeks']", "1 to 260"),
                       ("['3 months']", "weeks")):
        with pytest.raises(InputError) as e:
            load_scenario(case, [f"params.brands.windows={bad}"])
        assert "params.brands.windows" in str(e.value) and words in str(e.value)
    assert parse_window("13 weeks", "week", 52) == 13


def test_double_jeopardy_pattern_small():
    out = check(3, quick=True)
    assert out.passed["double_jeopardy"] and out.passed["zero_order_fit"]
    assert out.values["zero_order_gap"] < out.values["excess_loyalty_gap"]


def test_analyse_brands_prints_observed_beside_predicted(tmp_path):
    run_dir = tmp_path / "run"
    r = subprocess.run([sys.executable, str(ROOT / "run.py"), "run",
                        str(ROOT / "scenarios" / "validation" / "dirichlet_market.yaml"),
                        "--customers", "1500", "--periods", "60", "--out", str(run_dir)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    a = subprocess.run([sys.executable, str(ROOT / "run.py"), "analyse", "brands",
                        str(run_dir)], capture_output=True, text=True)
    assert a.returncode == 0, a.stderr
    assert "Penetration" in a.stdout and "a" in a.stdout
    assert (run_dir / "double_jeopardy_52_weeks.png").stat().st_size > 5000
    bad = subprocess.run([sys.executable, str(ROOT / "run.py"), "analyse", "brands",
                          str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 2 and "brand_performance.csv" in bad.stderr
