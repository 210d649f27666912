"""The Solara app: ``solara run sim.dashboard.app`` (``python run.py dashboard`` does this).

Environment:
    LOYALTYSIM_SCENARIO: Scenario file shown first (default: Nanyuan vs Eaton).
    LOYALTYSIM_SCENARIOS: Folder of the scenario picker (default: ``scenarios/``).

Every browser session has its own state (Solara's reactive variables are per session), so two
students on one server never share a market. Live levers act on the running market from the
next period; set-up levers apply when Reset is pressed, and Reset rebuilds exactly the run the
set-up shows (same seed, same values).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import solara

from ..scenario import load_scenario
from .classroom import NO_COMPARISON, Classroom, scenario_files
from .components import PANELS, TABS, board, captions
from .i18n import name, tr
from .levers import Lever, grid_step, levers_for
from .live import WINBACK
from .ui import CSS, slider

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CASE = "nanyuan_vs_eaton.yaml"
TICK = 0.05  # seconds between played periods


def scenario_folder() -> Path:
    """Folder the scenario picker lists."""
    return Path(os.environ.get("LOYALTYSIM_SCENARIOS", ROOT / "scenarios"))


def first_scenario() -> str:
    """The scenario shown when a session opens: $LOYALTYSIM_SCENARIO, else Nanyuan vs Eaton."""
    chosen = os.environ.get("LOYALTYSIM_SCENARIO")
    if chosen:
        return str(Path(chosen).resolve())
    files = scenario_files(scenario_folder())
    return next((f for f in files if f.endswith(DEFAULT_CASE)), files[0])


def default_comparison(levers: Iterable[Lever]) -> tuple[str, str]:
    """Setting B by default: the first general discount switched off, else no comparison."""
    for lever in levers:
        if lever.label.endswith("general discount"):
            return lever.label, "0"
    return NO_COMPARISON, "0"


def defaults(path: str) -> dict[str, Any]:
    """The set-up of a fresh session on ``path``: Classroom keyword arguments."""
    scenario = load_scenario(path)
    levers = levers_for(scenario)
    lever_label, lever_value = default_comparison(levers)
    return {"case": path, "seed": str(scenario.seed), "customers": scenario.market.customers,
            "compare_lever": lever_label, "compare_value": lever_value,
            **{lv.key: lv.value for lv in levers}}


case = solara.reactive(first_scenario())
lang = solara.reactive("en")
setup = solara.reactive(defaults(first_scenario()))
model: solara.Reactive[Classroom | None] = solara.reactive(None)  # each session its own market
tick = solara.reactive(0)
playing = solara.reactive(False)
tab = solara.reactive(0)
lock = threading.Lock()


def current() -> Classroom:
    """This session's market, built from the set-up on first use."""
    if model.value is None:
        model.value = Classroom(**setup.value)
    return model.value


def reset() -> None:
    """Rebuild the market from the set-up (nothing else: a plain Reset repeats the run)."""
    playing.set(False)
    with lock:
        model.set(Classroom(**setup.value))
    tick.set(tick.value + 1)


def choose_case(path: str) -> None:
    """Open another case with its own set-up."""
    case.set(path)
    setup.set(defaults(path))
    reset()


def step(n: int = 1) -> None:
    """Advance the market ``n`` periods (stops at the horizon)."""
    with lock:
        for _ in range(n):
            if current().running:
                current().step()
    if not current().running:
        playing.set(False)
    tick.set(tick.value + 1)


def play_loop() -> None:
    """While playing: step, let the page redraw, repeat."""
    while playing.value and current().running:
        step()
        time.sleep(TICK)


@solara.component
def Layout(children: Iterable[solara.Element] = ()) -> solara.Element:
    """No app bar or Solara sidebar: the page uses the whole projector."""
    return solara.Column(children=list(children), style={"padding": "0", "gap": "0"})


@solara.component
def Controls() -> None:
    """Case, language, Reset / Play / Step and the period counter."""
    tick.value  # noqa: B018 - a component redraws only for the state it reads
    files = scenario_files(scenario_folder())
    if case.value not in files:
        files = [case.value] + files
    labels = {f: Path(f).stem for f in files}
    solara.Select(tr("case", lang.value), value=labels[case.value], values=list(labels.values()),
                  on_value=lambda stem: choose_case(next(f for f, s in labels.items()
                                                         if s == stem)))
    with solara.Row(gap="6px"):
        solara.Button(tr("reset", lang.value), color="primary", on_click=reset)
        solara.Button(tr("pause" if playing.value else "play", lang.value), color="primary",
                      on_click=lambda: playing.set(not playing.value),
                      disabled=not current().running)
        solara.Button(tr("step", lang.value), color="primary", on_click=step,
                      disabled=playing.value or not current().running)
        solara.Button(tr("language", lang.value), text=True, classes=["lang-switch"],
                      on_click=lambda: lang.set("zh" if lang.value == "en" else "en"))


@solara.component
def LiveLevers() -> None:
    """Price, service budget and win-back offer of each firm, acting from the next period."""
    tick.value  # noqa: B018 - redraw with the running market's values
    a = current().a
    nm = {f.fid: name(f.name, lang.value) for f in a.market.firms}

    def setter(key: str, words: dict[str, str] | None = None) -> Callable[[Any], None]:
        def on_value(v: Any) -> None:
            if words:
                v = next(k for k, w in words.items() if w == v)
            with lock:
                a.set_live(key, v)
            tick.set(tick.value + 1)
        return on_value

    solara.HTML(tag="h3", unsafe_innerHTML=tr("live", lang.value))
    for lv in a.live_levers():
        if lv.what == "price":
            solara.HTML(tag="div", unsafe_innerHTML=f"<b>{nm[lv.firm]}</b>")
        label = tr({"price": "price", "budget": "budget_lever", "winback": "winback"}[lv.what],
                   lang.value, firm="").lstrip(": ：")
        if lv.what == "winback":
            words = {w: tr(f"wb_{w}", lang.value) for w in WINBACK}
            solara.Select(label, value=words[str(lv.value)], values=list(words.values()),
                          on_value=setter(lv.key, words))
        else:
            slider(label, float(lv.value), lv.lo, lv.hi, lv.step, setter(lv.key))


@solara.component
def SetupLevers() -> None:
    """Seed, agents, setting B and the set-up levers (apply on Reset)."""
    values = setup.value
    levers = solara.use_memo(lambda: levers_for(load_scenario(case.value)), [case.value])

    def put(key: str) -> Callable[[Any], None]:
        return lambda v: setup.set({**setup.value, key: v})

    with solara.Details(tr("setup", lang.value)):
        solara.InputText(tr("seed", lang.value), value=str(values["seed"]), on_value=put("seed"))
        n = int(values["customers"])
        slider(tr("agents", lang.value), n, 1000, max(50_000, n), grid_step(n, 50_000, 1000),
               put("customers"), integer=True)
        solara.Select(tr("compare", lang.value), value=values["compare_lever"],
                      values=[NO_COMPARISON] + [lv.label for lv in levers],
                      on_value=put("compare_lever"))
        solara.InputText(tr("compare_value", lang.value), value=str(values["compare_value"]),
                         on_value=put("compare_value"))
        for lv in levers:
            if lv.kind == "bool":
                solara.Checkbox(label=lv.label, value=bool(values[lv.key]), on_value=put(lv.key))
            else:
                slider(lv.label, values[lv.key], lv.lo, lv.hi, lv.step, put(lv.key),
                       integer=lv.kind == "int")


@solara.component
def Page() -> None:
    """The dashboard: controls and levers on the left, named tabs of charts on the right."""
    tick.value  # noqa: B018 - redraw after every step
    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)
    m, lg = current(), lang.value
    solara.Title(f"{tr('title', lg)}: {name(m.title, lg)}")
    solara.Style(CSS)
    with solara.Div(classes=["dash"]):
        with solara.Div(classes=["dash-side"]):
            solara.HTML(tag="h3", unsafe_innerHTML=f"{name(m.title, lg)}")
            Controls()
            captions(m, lg)
            LiveLevers()
            SetupLevers()
            for note in m.notes:
                solara.Warning(note)
        with solara.Div(classes=["dash-main"]):
            board(m, lg)
            with solara.v.Tabs(v_model=tab.value, on_v_model=tab.set, show_arrows=True):
                for key in TABS:
                    solara.v.Tab(children=[tr(key, lg)])
            Panel(k=tab.value, model=m, lang=lg, steps=m.steps, version=tick.value) \
                .key(f"tab{tab.value}")


@solara.component
def Panel(k: int, model: Classroom, lang: str, steps: int, version: int) -> None:
    """Tab ``k`` (its own component: tabs use different hooks; redrawn on every change)."""
    PANELS[k](model, lang)
