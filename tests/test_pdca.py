import pytest
from conftest import make_scenario

from sim.api import run

SERVICE = {"type": "service_investment", "spend": {"value": 500, "system": 500, "people": 500},
           "scale": 2000, "floor": 0.2, "ceiling": 0.95, "lag": 4}
PDCA = {"type": "pdca", "every": 4, "sample": 200, "cost_per_response": 2, "noise": 0.05,
        "increment": 1500}


def _scenario(pdca=True):
    strategies = [SERVICE, PDCA] if pdca else [SERVICE]
    return make_scenario(**{"firms.0.strategies": strategies,
                            "firms.0.service": {"value": 0.7, "system": 0.3, "people": 0.7}})


def test_pdca_raises_the_weakest_dimension():
    res = run(_scenario(), seed=3)
    g = res.trajectories[res.trajectories.firm == "x"]
    chosen = g.pdca_dimension[g.pdca_dimension >= 0]
    assert chosen.iloc[0] == 1  # "system" is the weakest at the first survey
    assert (g.surveys > 0).sum() == len(chosen)
    base = run(_scenario(pdca=False), seed=3).trajectories
    base = base[base.firm == "x"]
    assert g.service_system.iloc[-1] > base.service_system.iloc[-1] + 0.1
    # the survey and the extra spend cost money
    assert g.cost_investment.sum() > base.cost_investment.sum()


def test_pdca_needs_a_service_investment():
    with pytest.raises(ValueError, match="service_investment"):
        make_scenario(**{"firms.0.strategies": [PDCA]})
