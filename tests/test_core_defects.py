"""Known defects of the core, each with the test that failed before its fix (issue 11)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import make_scenario

from sim.constants import LOST, OFFER_NONE, OFFER_PRICE
from sim.customers import STRUCT
from sim.model import Market
from sim.scenario import InputError, Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
PROMO = [{"type": "price_promotion", "target": "lost", "discount": 0.3, "reach": 1.0,
          "offer_length": 3, "max_time_lost": 1000}]


def test_win_back_offers_end_on_time_and_the_customer_is_eligible_again():
    sc = make_scenario(**{"firms.0.strategies": PROMO, "horizon": 10})
    m = Market(sc, seed=5)
    c = m.customers
    m.step()  # t = 0: every eligible lost customer gets an offer valid in periods 0, 1, 2
    offered = np.flatnonzero(c.offer_kind[0] == OFFER_PRICE)
    assert offered.size > 100 and (c.offer_end[0, offered] == 3).all()
    m.step()
    m.step()  # t = 2: still valid
    held = offered[(c.status[0, offered] == LOST) & (c.offer_kind[0, offered] == OFFER_PRICE)]
    assert held.size > 0 and (c.offer_end[0, held] == 3).all()
    m.step()  # t = 3: the offer has expired; reach 1 makes a fresh one, valid 3, 4, 5
    still = held[c.status[0, held] == LOST]
    assert still.size > 0
    assert (c.offer_kind[0, still] == OFFER_PRICE).all()
    assert (c.offer_end[0, still] == 6).all()


def test_an_expired_offer_no_longer_lowers_the_price():
    sc = make_scenario(**{"firms.0.strategies": [{**PROMO[0], "end": 1}], "horizon": 10})
    m = Market(sc, seed=5)
    for _ in range(4):
        m.step()
    assert (m.customers.offer_kind[0] == OFFER_NONE).all()
    x = m.trajectories().query("firm == 'x'").set_index("period")
    assert x.avg_price_paid.loc[3] == pytest.approx(100)  # nobody pays an offer price at t = 3


def test_realised_clv_counts_only_customers_who_bought():
    sc = make_scenario(**{"params.cohorts.basis": "revenue", "horizon": 1})
    m = Market(sc, seed=2)
    m.step()
    row = m.firms[0].metrics
    # after one period every buyer has bought once at the list price
    assert row["clv_realised"] == pytest.approx(row["avg_price_paid"], rel=1e-5)


def test_fast_resolved_complaints_do_not_talk_when_word_of_mouth_is_off():
    handling = [{"type": "complaint_handling", "capacity": 10_000, "quality": 1.0}]
    sc = make_scenario(**{"params.complaints.enabled": True, "params.contagion.enabled": True,
                          "params.wom.enabled": False, "params.complaints.prob_dissatisfied": 0.5,
                          "params.complaints.prob_failure": 1.0, "firms.0.strategies": handling,
                          "horizon": 12})
    m = Market(sc, seed=3)
    assert m.network is not None  # contagion builds the network
    for _ in range(sc.horizon):
        m.step()
    df = m.trajectories()
    assert df.complaints_resolved_fast.sum() > 0
    assert df.wom_positive.sum() == 0 and df.wom_negative.sum() == 0


def test_horizon_beyond_the_time_counters_is_refused_at_load():
    with pytest.raises(InputError) as e:
        load_scenario(ROOT / "scenarios" / "nanyuan_vs_eaton.yaml", periods=20_001)
    assert "horizon" in str(e.value) and "20000" in str(e.value).replace(",", "")


def test_time_counters_hold_at_the_last_supported_period():
    sc = make_scenario(**{"horizon": 20_000, "firms.0.strategies": PROMO,
                          "market.customers": 300, "market.population": 300})
    m = Market(sc, seed=1)
    m.step()
    m.t = 19_990
    while m.running:
        m.step()
    df = m.trajectories()
    assert df.period.iloc[-1] == 19_999
    c = m.customers
    assert (m.t - c.lost_since[c.status == LOST] > 0).all()
    assert (c.offer_end[c.offer_kind != OFFER_NONE] > 19_990).all()


def _unbounded(node, defs, path, seen, out):
    if "$ref" in node:
        name = node["$ref"].split("/")[-1]
        if name not in seen:
            _unbounded(defs[name], defs, path, seen | {name}, out)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            _unbounded(sub, defs, path, seen, out)
    if node.get("type") in ("number", "integer"):
        lo = "minimum" in node or "exclusiveMinimum" in node
        hi = "maximum" in node or "exclusiveMaximum" in node
        if not (lo and hi):
            out.append(path)
    for k, v in node.get("properties", {}).items():
        _unbounded(v, defs, f"{path}.{k}", seen, out)
    if isinstance(node.get("items"), dict):
        _unbounded(node["items"], defs, path + "[]", seen, out)
    if isinstance(node.get("additionalProperties"), dict):
        _unbounded(node["additionalProperties"], defs, path + "{}", seen, out)


def test_every_numeric_field_has_a_finite_range():
    schema = Scenario.model_json_schema()
    out: list[str] = []
    _unbounded(schema, schema.get("$defs", {}), "", set(), out)
    assert out == []


@pytest.mark.parametrize("expr", [
    "market.segments.0.price_sensitivity.sd=1.0e+308",
    "initial.max_time_lost=1.0e+30",
    "firms.eaton.strategies.2.offer_length=1000000000000",
    "params.choice.beta_quality=1.0e+300",
])
def test_huge_values_are_refused_by_check_not_crashing_run(expr, tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "run.py"), "run",
                        str(ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"), "--set", expr,
                        "--periods", "3", "--out", str(tmp_path / "o")],
                       capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "less than or equal" in r.stderr or "exceeded maximum size" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()


def test_a_bond_event_keeps_the_programme_lock_in():
    event = json.dumps([{"type": "scale", "at": 30, "target": "firms.metro.bonds.geographic",
                         "factor": 0.5}])
    sc = load_scenario(ROOT / "scenarios" / "vip_programme.yaml", [f"events={event}"],
                       customers=4000, periods=31)
    m = Market(sc, seed=1)
    while m.running:
        m.step()
    c = m.customers
    locked = np.flatnonzero(c.lock_in[0] > 0.01)
    assert locked.size > 0
    s = c.bonds[0, STRUCT][:, locked].mean(axis=0)
    expected = s + (1 - s) * c.lock_in[0, locked]
    np.testing.assert_allclose(c.calculative[0, locked], expected, rtol=1e-5)
    assert (c.calculative[0, locked] > s + 1e-3).all()
