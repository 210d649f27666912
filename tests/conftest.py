"""Shared helpers: a small two-firm scenario built in code, and quick runs."""

import copy
from collections.abc import Iterator

import browser as browser_setup
import pytest

from sim.scenario import Scenario

BASE = {
    "name": "tiny",
    "horizon": 30,
    "seed": 7,
    "market": {
        "customers": 3000,
        "price_norm": 100,
        "segments": [
            {"name": "a", "share": 0.6, "price_sensitivity": {"mean": 1.5, "sd": 0.5},
             "need_prob": 0.3, "outside_utility": 1.5},
            {"name": "b", "share": 0.4, "price_sensitivity": {"mean": 4.0, "sd": 1.0},
             "need_prob": 0.2, "outside_utility": 0.0},
        ],
        "initial": {"x": {"active": 0.3, "lost": 0.2}, "y": {"active": 0.3, "lost": 0.2}},
    },
    "firms": [
        {"id": "x", "price": 100, "cash": 1e5,
         "costs": {"fixed": 1000, "variable": 20, "service": {"value": 20, "system": 10,
                                                               "people": 20}}},
        {"id": "y", "price": 100, "cash": 1e5,
         "costs": {"fixed": 1000, "variable": 20, "service": {"value": 20, "system": 10,
                                                               "people": 20}}},
    ],
}


def make_scenario(**changes) -> Scenario:
    """BASE with dotted-path changes, e.g. make_scenario(**{"params.choice.inertia": 2})."""
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        node, parts = data, path.split(".")
        for p in parts[:-1]:
            node = node[int(p)] if isinstance(node, list) else node.setdefault(p, {})
        if isinstance(node, list):
            node[int(parts[-1])] = value
        else:
            node[parts[-1]] = value
    return Scenario.model_validate(data)


@pytest.fixture
def tiny():
    """The small two-firm scenario."""
    return make_scenario()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless chromium for a test module (tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=browser_setup.CHROMIUM,
                             args=browser_setup.ARGS)
        yield b
        b.close()
