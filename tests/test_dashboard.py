"""The classroom dashboard: levers, the two-setting model, the CLI guard, and a real browser."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"


# ---- levers and the model behind the dashboard -------------------------------------------

def test_levers_map_to_overrides_that_load():
    from sim.dashboard.levers import levers_for, overrides_for
    from sim.scenario import load_scenario

    levers = levers_for(load_scenario(CASE))
    by_label = {lv.label: lv for lv in levers}
    disc = by_label["Eaton Hotel: general discount"]
    assert overrides_for(levers, {disc.key: disc.value}) == []
    assert overrides_for(levers, {disc.key: 0.3}) == ["firms.eaton.strategies.3.discount=0.3"]
    off = overrides_for(levers, {disc.key: 0.0})
    sc = load_scenario(CASE, off)
    assert sc.firms[1].strategies[3].start > sc.horizon  # the promotion never runs
    service = by_label["Nanyuan Hotel: service spend / period"]
    sc = load_scenario(CASE, service.overrides(2 * service.value))
    assert sc.firms[0].strategies[1].spend.people == pytest.approx(28000)


def test_classroom_runs_two_settings_and_b_differs_only_by_its_lever():
    from sim.dashboard.classroom import Classroom

    m = Classroom(case=str(CASE), seed="3", customers=3000,
                  compare_lever="Eaton Hotel: general discount", compare_value="0")
    for _ in range(6):
        m.step()
    a, b = m.a.frame(), m.b.frame()
    assert len(a) == len(b) == 12
    eaton_a, eaton_b = a[a.firm == "eaton"], b[b.firm == "eaton"]
    assert (eaton_a.general_discount > 0).all() and (eaton_b.general_discount == 0).all()
    assert m.b.overrides == m.a.overrides + ["firms.eaton.strategies.3.start=20000"]
    again = Classroom(case=str(CASE), seed="3", customers=3000,
                      compare_lever="Eaton Hotel: general discount", compare_value="0")
    for _ in range(6):
        again.step()
    assert again.a.frame().equals(a)  # same scenario + seed => identical output


def test_classroom_notes_bad_seed_and_follows_a_chosen_customer():
    from sim.dashboard import story
    from sim.dashboard.classroom import Classroom

    m = Classroom(case=str(CASE), seed="abc", customers=2000, follow="17",
                  compare_lever="none")
    assert m.seed_value == 1 and "not a whole number" in m.notes[0]
    for _ in range(5):
        m.step()
    records = story.history(m.a.market, 17)
    assert [r["period"] for r in records] == [0, 1, 2, 3, 4]
    assert m.b is None


def test_step_at_10000_customers_renders_within_a_fraction_of_a_second():
    from sim.dashboard import figures, markers, story
    from sim.dashboard.classroom import Classroom

    m = Classroom(case=str(CASE), customers=10_000,
                  compare_lever="Eaton Hotel: general discount", compare_value="0")
    names = {f.fid: f.name for f in m.a.market.firms}
    for _ in range(20):
        m.step()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        m.step()
        df = m.a.frame()
        marks = markers.find(df)
        figures.lines(df, "churn_rate", "t", "y", "week", 8, names, 100, marks)
        figures.lines(df, "market_share", "t", "y", "week", 4, names, 100, marks)
        figures.lines(df, "cumulative_profit", "t", "y", "week", 1, names, 1, marks)
        figures.trust_satisfaction(df, "week", names, marks)
        figures.trap(df, "week", names, marks)
        figures.lost_by_reason(df, names)
        story.recent_switchers(m.a.market, names)
        times.append(time.perf_counter() - t0)
    print(f"step + charts at 10,000 customers (two settings): median {sorted(times)[2]:.3f} s")
    assert sorted(times)[2] < 0.5


# ---- command line ------------------------------------------------------------------------

def run_cli(*args, timeout=60):
    return subprocess.run([sys.executable, "run.py", "dashboard", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_cli_refuses_a_non_loopback_host():
    r = run_cli("--host", "0.0.0.0", "--port", "8799")
    assert r.returncode == 2
    assert "refusing" in r.stderr and "--allow-remote" in r.stderr


def test_loopback_names():
    from sim.dashboard.cli import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_override_creates_a_block_the_file_leaves_to_defaults():
    from sim.scenario.loader import apply_override

    raw = {"params": {"churn": {"dormancy": 8}}, "firms": [{"id": "a", "price": 5}]}
    apply_override(raw, "params.choice.inertia=2.5", "x.yaml")
    apply_override(raw, "params.churn.dormancy=9", "x.yaml")
    apply_override(raw, "firms.a.bonds.legal=0.5", "x.yaml")
    assert raw["params"] == {"churn": {"dormancy": 9}, "choice": {"inertia": 2.5}}
    assert raw["firms"] == [{"id": "a", "price": 5, "bonds": {"legal": 0.5}}]


# ---- issue 15: defects ------------------------------------------------------------------------

def test_every_lever_default_sits_on_its_slider_grid():
    """A browser slider snaps to lo + k * step: a default off the grid moved on its own."""
    from sim.dashboard.levers import levers_for
    from sim.scenario import load_scenario

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        for lv in levers_for(load_scenario(path)):
            if lv.kind != "bool":
                k = (lv.value - lv.lo) / lv.step
                assert abs(k - round(k)) < 1e-9 and lv.lo <= lv.value <= lv.hi, (path, lv)


def test_live_price_and_winback_changes_replay_from_the_exported_yaml(tmp_path):
    import numpy as np

    from sim import run
    from sim.dashboard import export
    from sim.dashboard.classroom import Classroom
    from sim.scenario import load_scenario

    m = Classroom(case=str(CASE), seed="5", customers=2000)
    for _ in range(5):
        m.step()
    m.a.set_live("eaton__price", 450)
    m.a.set_live("eaton__winback", "contact")
    m.a.set_live("nanyuan__winback", "both")
    with pytest.raises(ValueError):
        m.a.set_live("eaton__price", 10_000)  # bounds-checked
    with pytest.raises(ValueError):
        m.a.set_live("eaton__winback", "bribe")
    for _ in range(6):
        m.step()
    a = m.a.frame()
    eaton = a[a.firm == "eaton"].set_index("period")
    assert eaton.price[4] == 400 and eaton.price[5] == 450  # visible in the next period
    assert eaton.contacts[4] == 0 and eaton.contacts[5] > 0 and eaton.offers_price[5] == 0
    f = tmp_path / "s.yaml"
    f.write_text(export.scenario_yaml(m.a))
    r = run(load_scenario(f, periods=11), progress=False).trajectories
    cols = ["customers_active", "profit", "price", "service_mean", "won_back", "contacts"]
    assert np.allclose(a[cols].to_numpy(float), r[cols].to_numpy(float))
    assert "--seed 5 --customers 2000" in export.command(m.path, m.a)


def test_live_service_budget_acts_next_period_and_the_yaml_says_it_is_inexact():
    from sim.dashboard import export
    from sim.dashboard.classroom import Classroom

    m = Classroom(case=str(CASE), seed="5", customers=2000)
    for _ in range(3):
        m.step()
    m.a.set_live("eaton__budget", 45_000)
    m.step()
    eaton = m.a.frame().query("firm == 'eaton'").set_index("period")
    assert eaton.cost_service[3] > eaton.cost_service[2]
    assert "Live service-budget changes" in export.scenario_yaml(m.a)


def test_make_dashboard_installs_nothing():
    r = subprocess.run(["make", "-n", "-o", ".venv/.installed", "dashboard"], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "run.py dashboard" in r.stdout
    assert "pip" not in r.stdout


def test_first_scenario_is_nanyuan_vs_eaton(monkeypatch):
    from sim.dashboard.app import first_scenario

    monkeypatch.delenv("LOYALTYSIM_SCENARIO", raising=False)
    assert first_scenario().endswith("nanyuan_vs_eaton.yaml")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def test_sigterm_to_run_py_dashboard_stops_the_server():
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen([sys.executable, "run.py", "dashboard", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.time() + 60
        while not answers(url):
            assert time.time() < deadline, "the dashboard did not start"
            time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)  # to the command only, as a service manager does
        proc.wait(timeout=20)
        deadline = time.time() + 10
        while answers(url) and time.time() < deadline:
            time.sleep(0.3)
        assert not answers(url), "the server outlived run.py dashboard"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_lesson_1_names_the_week_of_the_first_budget_cut_the_run_shows():
    import re as _re

    from sim import run
    from sim.dashboard import markers

    df = run(str(CASE), seed=1, customers=4000, progress=False).trajectories
    cut = next(m for m in markers.find(df) if m.kind == "cut")
    lesson = (ROOT / "docs" / "teaching.md").read_text().split("## Lesson 1")[1]
    weeks = [int(w) for w in _re.findall(r"budget cut\)[^|]*?week (\d+)", lesson)]
    assert weeks == [cut.period], (weeks, cut.period)


def test_notebooks_cite_only_commands_that_exist():
    import re as _re

    from sim.cli import build_parser

    known = set(build_parser()._subparsers._group_actions[0].choices)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cmd in _re.findall(r"run\.py (\w+)", path.read_text()):
            assert cmd in known, f"{path.name} cites run.py {cmd}"
