"""The per-object Mesa reference of bench/ (issue 16) runs, repeats itself, and follows the rules.

``make bench`` compares our core with it; these checks keep it working as the model changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.constants import ACTIVE
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from mesa_reference import Customer, ReferenceMarket  # noqa: E402

CASE = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"


def market(seed: int = 1, customers: int = 600) -> ReferenceMarket:
    return ReferenceMarket(load_scenario(CASE, ["params.wom.enabled=false"], customers), seed)


def state(m: ReferenceMarket) -> list[tuple]:
    return [(a.status, a.trust, a.sat, a.ref) for a in m.customers]


def test_same_seed_same_run_and_one_agent_per_customer() -> None:
    a, b = market(), market()
    assert len(a.agents_by_type[Customer]) == 600
    for _ in range(3):
        a.step()
        b.step()
    assert state(a) == state(b)
    c = market(seed=2)
    for _ in range(3):
        c.step()
    assert state(c) != state(a)


def test_capacity_is_respected_and_the_served_become_active() -> None:
    m = market()
    for _ in range(4):
        m.step()
        for shop in m.shops:
            served = [a for a in m.customers if a.served_by == shop.index]
            assert len(served) == shop.capacity - shop.left <= shop.capacity
            assert all(a.status[shop.index] == ACTIVE and a.last == shop.index for a in served)
            assert all(a.last_visit[shop.index] == m.t - 1 for a in served)


def test_trust_and_satisfaction_stay_in_the_unit_interval() -> None:
    m = market()
    for _ in range(5):
        m.step()
    for a in m.customers:
        assert all(0.0 <= x <= 1.0 for x in (*a.trust, *a.sat, *a.aff))
