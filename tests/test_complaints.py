"""Complaints and service recovery: lodging, the queue, outcomes, costs, retention."""

import numpy as np
import pandas as pd
import pytest
from conftest import make_scenario

from sim.api import run
from sim.constants import (
    ACTIVE,
    CP_FAST,
    CP_PENDING,
    CP_RESOLVED,
    CP_UNRESOLVED,
    INC_RESPONSE,
)
from sim.model import Market
from sim.step import Visit
from sim.validation.complaints import classify, follow_scenario

POOR = {"firms.0.service": {"value": 0.35, "system": 0.4, "people": 0.4},
        "params.experience.failure_max": 0.5, "params.complaints.enabled": True,
        "params.complaints.prob_failure": 0.6, "params.complaints.prob_dissatisfied": 0.2}


def lodge(m, ids, s):
    """Customers ``ids`` were served by firm 0 with transaction satisfaction ``s``."""
    m.world.t = m.t
    visit = Visit(0, ids, ids, np.full(ids.size, 100.0, np.float32), s, np.zeros(ids.size, bool))
    m.mechanism("complaints").served(visit)


def desk(capacity, quality, redress=0.0, cost=10.0, slot=0.0):
    return {"firms.0.strategies": [{"type": "complaint_handling", "capacity": capacity,
                                    "quality": quality, "redress": redress,
                                    "cost_per_complaint": cost, "cost_per_slot": slot}]}


def test_about_one_in_25_dissatisfied_customers_complain():
    m = Market(make_scenario(**{"params.complaints.enabled": True,
                                "market.customers": 50000}), seed=1)
    ids = np.arange(50000)
    s = np.full(ids.size, 0.1, np.float32)
    lodge(m, ids, s)
    n = m.mechanism("complaints").pending(0)
    assert n / ids.size == pytest.approx(1 / 25, abs=0.004)
    assert (m.customers.complaint[0] == CP_PENDING).sum() == n
    lodge(m, ids, s)  # no second complaint pending
    queue = m.mechanism("complaints").ids[0]
    assert queue.size > n and np.unique(queue).size == queue.size
    satisfied = np.full(ids.size, 0.8, np.float32)
    m2 = Market(make_scenario(**{"params.complaints.enabled": True}), seed=1)
    lodge(m2, ids[:3000], satisfied[:3000])
    assert m2.mechanism("complaints").pending(0) == 0


def test_queue_answers_first_come_within_capacity_and_expires_the_rest():
    m = Market(make_scenario(**{"params.complaints.enabled": True,
                                "params.complaints.patience": 2}), seed=1)
    book, c = m.mechanism("complaints"), m.customers
    book.ids[0] = np.arange(10)
    book.lodged[0] = np.zeros(10, np.int64)
    c.complaint[0, :10] = CP_PENDING
    m.t = m.world.t = 1
    answered, resolved = book.answer(0, 4, 1.0)
    assert (answered, resolved) == (4, 4)
    assert np.all(c.complaint[0, :4] == CP_FAST)
    m.t = m.world.t = 3
    book.before_losses()
    assert book.pending(0) == 0
    assert np.all(c.complaint[0, 4:10] == CP_UNRESOLVED)
    assert np.all(c.incident[0, 4:10] == INC_RESPONSE)


def test_outcomes_move_satisfaction_and_trust_in_order():
    m = Market(make_scenario(**{"params.complaints.enabled": True}), seed=1)
    c = m.customers
    ids = np.arange(300)
    c.trust[0, ids] = 0.4
    c.satisfaction[0, ids] = 0.4
    book = m.mechanism("complaints")
    book._resolve(0, ids[:100], fast=True)
    book._resolve(0, ids[100:200], fast=False)
    book._fail(0, ids[200:])
    t = [c.trust[0, ids[k:k + 100]].mean() for k in (0, 100, 200)]
    s = [c.satisfaction[0, ids[k:k + 100]].mean() for k in (0, 100, 200)]
    assert t[0] > t[1] > 0.4 > t[2]
    assert s[0] > s[1] > 0.4 > s[2]
    assert t[0] == pytest.approx(0.4 + 0.4 * 0.6)  # T + b_F (1 - T)
    assert t[2] == pytest.approx(0.4 * (1 - m.params.complaints.unresolved_trust))  # T (1 - b_U)


def _retention_after_complaint(capacity, quality, seeds=range(3)):
    kept = total = 0
    for seed in seeds:
        sc = make_scenario(**POOR, **desk(capacity, quality), horizon=30)
        r = run(sc, seed=seed, progress=False)
        c = r.model.customers
        done = np.isin(c.complaint[0], (CP_FAST, CP_RESOLVED, CP_UNRESOLVED))
        kept += np.count_nonzero(done & (c.status[0] == ACTIVE))
        total += np.count_nonzero(done)
    return kept / total


def test_faster_better_handling_raises_retention_after_a_complaint():
    fast = _retention_after_complaint(500, 0.95)
    stalled = _retention_after_complaint(2, 0.2)
    assert fast > stalled + 0.15


def test_retention_ordered_unresolved_resolved_fast_at_one_desk():
    """A desk that keeps up some of the time: fast, slow and unresolved outcomes at one firm,
    each customer's problem followed to the outcome of that complaint (sim.validation)."""
    sc = make_scenario(**POOR, **desk(38, 0.8), horizon=40)
    df = pd.concat([follow_scenario(sc, seed) for seed in (5, 6)])
    df = df[df["firm"] == 0]
    kept = df.groupby(classify(df))["kept"].agg(["mean", "size"])
    assert kept["size"].min() > 150
    assert kept.loc["unresolved", "mean"] < kept.loc["resolved", "mean"] - 0.03
    assert kept.loc["resolved", "mean"] < kept.loc["resolved_fast", "mean"] - 0.05


def test_committed_customers_voice_more_at_the_same_average_rate():
    """Voice over exit: (A + T) ** nu selects who complains, the mean chance stays pi_D."""
    m = Market(make_scenario(**{"params.complaints.enabled": True,
                                "market.customers": 60000}), seed=2)
    c, ids = m.customers, np.arange(60000)
    committed = ids % 2 == 0
    c.affective[0, ids] = np.where(committed, 0.45, 0.3)
    c.trust[0, ids] = np.where(committed, 0.45, 0.3)
    lodge(m, ids, np.full(ids.size, 0.1, np.float32))
    voiced = c.complaint[0] == CP_PENDING
    assert voiced.mean() == pytest.approx(0.04, abs=0.003)
    nu = m.params.complaints.voice_commitment
    assert voiced[committed].mean() / voiced[~committed].mean() == pytest.approx(1.5 ** nu,
                                                                                 rel=0.15)
    off = Market(make_scenario(**{"params.complaints.enabled": True,
                                  "params.complaints.voice_commitment": 0.0,
                                  "market.customers": 60000}), seed=2)
    off.customers.affective[0, ids] = c.affective[0, ids]
    lodge(off, ids, np.full(ids.size, 0.1, np.float32))
    alike = off.customers.complaint[0] == CP_PENDING
    assert alike[committed].mean() == pytest.approx(alike[~committed].mean(), abs=0.006)


def test_costs_are_booked_and_profit_stays_exact():
    sc = make_scenario(**POOR, **desk(30, 0.7, redress=40.0, cost=10.0, slot=2.0), horizon=15)
    tr = run(sc, seed=2, progress=False).trajectories.query("firm == 'x'")
    assert (tr.cost_redress == 40.0 * tr.complaints_resolved).all()
    assert (tr.cost_complaints >= 30 * 2.0).all()
    assert np.allclose(tr.profit, tr.revenue - tr.cost_total)
    assert tr.complaints.sum() > 0


def test_stalled_complaints_drive_losses_for_response_to_failure():
    sc = make_scenario(**POOR, **desk(1, 0.1), horizon=25,
                       **{"params.wom.enabled": True})
    tr = run(sc, seed=3, progress=False).trajectories.query("firm == 'x'")
    assert tr.complaints_unresolved.sum() > 0.5 * tr.complaints.sum()
    assert tr.lost_response_to_failure.sum() > 0.3 * tr.complaints_unresolved.sum()
    assert tr.wom_negative.sum() > 0


def test_complaints_off_means_none_even_with_a_desk():
    sc = make_scenario(**{**POOR, "params.complaints.enabled": False}, **desk(30, 0.9),
                       horizon=10)
    tr = run(sc, seed=1, progress=False).trajectories
    assert tr.complaints.sum() == 0 and tr.cost_complaints.sum() == 0
