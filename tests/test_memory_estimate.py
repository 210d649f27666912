"""Issue 14: the memory estimate matches measured peak RSS within 25% for every shipped scenario.

Each scenario runs for up to ``STEPS`` periods (two years of weeks; the state is allocated at
the start and the network built there, so the peak is reached within them) in a fresh process
(bench/bench_memory.py); the rise of the process's peak RSS per agent is compared with
``sim.scenario.memory.estimate``. The network's
degree is checked too, since the word-of-mouth network is most of the memory when it is on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_memory import run_one  # noqa: E402

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
AGENTS = 60_000
STEPS = 104


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_estimate_within_25_percent(path):
    r = run_one(str(path), AGENTS, STEPS)
    assert abs(r["estimated"] / r["measured"] - 1) < 0.25, r


@pytest.mark.parametrize("degree", [4, 40])
def test_estimate_follows_the_network_degree(degree):
    r = run_one(str(ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"), AGENTS, 40,
                (f"params.network.degree={degree}",))
    assert abs(r["estimated"] / r["measured"] - 1) < 0.25, r


def test_base_is_the_loaded_process():
    r = run_one(str(ROOT / "scenarios" / "car_service_clv.yaml"), 20_000, 5)
    assert abs(r["estimated_base"] / r["base"] - 1) < 0.25, r
