"""The Solara app: ``solara run sim.dashboard.app`` (``python run.py dashboard`` does this).

Environment:
    LOYALTYSIM_SCENARIO: Scenario file shown first (default: the first in the folder).
    LOYALTYSIM_SCENARIOS: Folder of the scenario picker (default: ``scenarios/``).

Every browser session builds its own ``Classroom`` (inside the ``Page`` component), so two
students on one server never share a market. Lever changes apply when Reset is pressed, as
everywhere in Mesa's SolaraViz.
"""

from __future__ import annotations

import os
from pathlib import Path

import solara
from mesa.visualization import SolaraViz

from ..scenario import load_scenario
from .classroom import NO_COMPARISON, Classroom, scenario_files
from .components import PAGES
from .levers import levers_for

ROOT = Path(__file__).resolve().parents[2]


def scenario_folder() -> Path:
    """Folder the scenario picker lists."""
    return Path(os.environ.get("LOYALTYSIM_SCENARIOS", ROOT / "scenarios"))


def first_scenario() -> str:
    """The scenario shown when a session opens."""
    chosen = os.environ.get("LOYALTYSIM_SCENARIO")
    files = scenario_files(scenario_folder())
    return str(Path(chosen).resolve()) if chosen else files[0]


def default_comparison(levers) -> tuple[str, str]:
    """Setting B by default: the first general discount switched off, else no comparison."""
    for lever in levers:
        if lever.label.endswith("general discount"):
            return lever.label, "0"
    return NO_COMPARISON, "0"


def model_params(path: str) -> dict:
    """Mesa ``model_params`` for ``path``: run settings, setting B, then every lever."""
    scenario = load_scenario(path)
    levers = levers_for(scenario)
    lever_label, lever_value = default_comparison(levers)
    n = scenario.market.customers
    params = {
        "case": path,
        "seed": {"type": "InputText", "value": str(scenario.seed),
                 "label": "Seed (whole number)"},
        "customers": {"type": "SliderInt", "value": n, "min": 1000, "max": max(50_000, n),
                      "step": 1000, "label": "Customers in the market"},
        "follow": {"type": "InputText", "value": "auto",
                   "label": "Customer to follow (id, or auto)"},
        "compare_lever": {"type": "Select", "value": lever_label, "label": "Setting B changes",
                          "values": [NO_COMPARISON] + [lv.label for lv in levers]},
        "compare_value": {"type": "InputText", "value": lever_value,
                          "label": "... to this value"},
    }
    params.update({lv.key: lv.control() for lv in levers})
    return params


def build(params: dict) -> Classroom:
    """A Classroom from ``model_params`` defaults (what Reset would build)."""
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}
    return Classroom(**values)


current = solara.reactive(first_scenario())


@solara.component
def ScenarioPicker():
    """Choose the case; the dashboard rebuilds its controls and market for it."""
    files = scenario_files(scenario_folder())
    if current.value not in files:
        files = [current.value] + files
    labels = {f: Path(f).stem for f in files}
    with solara.Card("Scenario"):
        solara.Select("Case", value=labels[current.value], values=list(labels.values()),
                      on_value=lambda stem: current.set(
                          next(f for f, s in labels.items() if s == stem)))


@solara.component
def Page():
    """The dashboard page: scenario picker, Mesa's controls and the panels."""
    path = current.value
    params = solara.use_memo(lambda: model_params(path), [path])
    model = solara.use_memo(lambda: build(params), [path])
    with solara.Sidebar():
        ScenarioPicker()
    SolaraViz(model, components=list(PAGES), model_params=params,
              name=f"Loyalty, churn and win-back: {model.title}").key(path)
