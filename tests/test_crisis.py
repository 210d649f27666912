"""Crisis response (ODD 7.24): direction and size of the three answers, costs, bad values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.api import run
from sim.cli import main
from sim.constants import ACTIVE
from sim.model import Market
from sim.scenario import Scenario, load_scenario
from sim.strategies.crisis import CrisisResponse

ROOT = Path(__file__).resolve().parents[1]
FILE = ROOT / "scenarios" / "food_scandal.yaml"
S = "firms.golden_dragon.strategies.0"
AGENTS, PERIODS, SCANDAL = 2000, 52, 26


def _spec(*over: str, silence: bool = False) -> Scenario:
    spec = load_scenario(FILE, list(over), customers=AGENTS, periods=PERIODS)
    if silence:
        spec = spec.model_copy(deep=True)
        spec.firms[0].strategies = []
    return spec


def _gd(spec: Scenario, seed: int) -> pd.DataFrame:
    df = run(spec, seed=seed, progress=False).trajectories
    return df[df.firm == "golden_dragon"].set_index("period")


def _market_at(spec: Scenario, t: int, seed: int = 0) -> Market:
    m = Market(spec, seed=seed)
    while m.t < t:
        m.step()
    return m


def test_prompt_rebuild_keeps_more_customers_than_silence() -> None:
    gains, trust = [], []
    for seed in range(3):
        quiet, rebuild = _gd(_spec(silence=True), seed), _gd(_spec(), seed)
        gains.append(rebuild.customers_active[PERIODS - 1] - quiet.customers_active[PERIODS - 1])
        trust.append(rebuild.trust_mean[SCANDAL + 2] - quiet.trust_mean[SCANDAL + 2])
        assert rebuild.crisis_reached[SCANDAL + 1] > 0
        assert (rebuild.crisis_reached.drop(SCANDAL + 1) == 0).all()
    # a few hundred of Golden Dragon's ~11,000 customers (about 4% at full size)
    assert min(gains) > 0 and np.mean(gains) > 150
    assert min(trust) > 0.01


def test_deny_when_at_fault_costs_trust_and_customers() -> None:
    lost_trust, lost_customers = [], []
    for seed in range(3):
        quiet, deny = _gd(_spec(silence=True), seed), _gd(_spec(f"{S}.response=deny"), seed)
        lost_trust.append(quiet.trust_mean[SCANDAL + 2] - deny.trust_mean[SCANDAL + 2])
        lost_customers.append(quiet.customers_active[PERIODS - 1]
                              - deny.customers_active[PERIODS - 1])
        assert deny.crisis_cost.sum() == 0
    assert min(lost_trust) > 0.01 and np.mean(lost_customers) > 100


def _answer_gain(spec: Scenario, lag: int, response: str = "rebuild") -> float:
    """Trust restored at the crisis's customers by one answer ``lag`` periods late."""
    m = _market_at(spec, SCANDAL + 1)
    firm = m.firms[0]
    crisis = firm.crises[0]
    strategy = CrisisResponse(firm.strategies[0].cfg.model_copy(
        update={"reach": 1.0, "response": response}))
    before = m.customers.trust[0, crisis.ids].copy()
    assert firm.levers is not None
    strategy.answer(firm.levers, crisis, lag)
    gap = np.maximum(crisis.trust_before - before, 0)
    return float((m.customers.trust[0, crisis.ids] - before).sum() / gap.sum())


def test_delay_shrinks_the_effect_by_its_half_life() -> None:
    spec = _spec()
    prompt, late = _answer_gain(spec, 0), _answer_gain(spec, 8)
    assert prompt == pytest.approx(0.6, rel=1e-3)  # restore_rebuild of the loss
    assert late == pytest.approx(0.6 * 0.5 ** (8 / 4), rel=1e-3)  # half-life 4 weeks
    assert _answer_gain(spec, 0, "diminish") == pytest.approx(0.25, rel=1e-3)
    assert _answer_gain(spec, 0, "deny") < 0  # at fault: trust falls further


def test_compensation_is_booked_exactly_in_real_money() -> None:
    spec = _spec(f"{S}.reach=1.0", "market.population=50000")
    m = _market_at(spec, SCANDAL + 1)
    crisis = m.firms[0].crises[0]
    paid = np.count_nonzero(m.customers.status[0, crisis.ids] == ACTIVE)
    m.step()
    row = m.firms[0].metrics
    assert row["crisis_cost"] == pytest.approx(50 * paid * m.weight)
    assert row["crisis_reached"] == pytest.approx(crisis.ids.size * m.weight)
    assert m.weight == 25.0
    costs = [k for k in row if k.startswith("cost_") and k != "cost_total"] + ["crisis_cost"]
    assert row["cost_total"] == pytest.approx(sum(row[k] for k in costs))


def test_the_event_records_the_crisis_and_a_small_one_is_not_answered() -> None:
    m = _market_at(_spec(f"{S}.threshold=1.0"), SCANDAL + 3)
    crisis = m.firms[0].crises[0]
    assert crisis.type == "scandal" and crisis.period == SCANDAL and crisis.firm == 0
    assert 0.9 < crisis.share <= 1.0 and crisis.ids.size == crisis.trust_before.size
    assert (crisis.trust_before >= m.customers.trust[0, crisis.ids] - 0.5).all()
    assert m.firms[1].crises == []
    assert m.firms[0].metrics["crisis_reached"] == 0  # threshold not reached: silence


def test_without_the_strategy_nothing_is_spent_or_reached() -> None:
    df = run(_spec(silence=True), seed=1, progress=False).trajectories
    assert (df.crisis_cost == 0).all() and (df.crisis_reached == 0).all()


@pytest.mark.parametrize(("needle", "value", "allowed"), [
    ("        delay: 1 ", "        delay: 104 ", "0..103"),
    ("        response: rebuild", "        response: apologise", "rebuild"),
    ("        reach: 0.8", "        reach: 1.5", "1"),
])
def test_bad_values_are_refused_with_a_placed_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], needle: str, value: str,
        allowed: str) -> None:
    text = FILE.read_text()
    assert needle in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(needle, value))
    line = next(i for i, row in enumerate(bad.read_text().splitlines(), 1) if value in row)
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    field = value.split(":")[0].strip()
    assert f"bad.yaml:{line}" in err and f"firms[0].strategies[0].{field}" in err
    assert allowed in err and "Traceback" not in err
