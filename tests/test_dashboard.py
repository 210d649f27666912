"""The classroom dashboard: levers, the two-setting model, the CLI guard, and a real browser."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


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
    assert m.b.overrides == m.a.overrides + ["firms.eaton.strategies.3.start=1000000000"]
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
    from sim.dashboard import figures, story
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
        figures.lines(df, [("churn_rate", "churn", False, 100)], "t", "y", "week", 8, names)
        figures.lines(df, [("market_share", "share", False, 100)], "t", "y", "week", 4, names)
        figures.profit(df, "week", names)
        figures.lines(df, [("trust_mean", "trust", False, 1)], "t", "y", "week", 1, names)
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


# ---- the page in a real browser ------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "run.py", "dashboard", str(CASE), "--port",
                             str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard server did not answer within 90 s")
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)


def svg_of(page, name):
    return page.locator(f".plot-{name} svg").first.inner_html()


def test_dashboard_in_a_browser(server, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import expect, sync_playwright

    outside = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
        try:
            drive(page, expect, tmp_path, server)
        finally:
            page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
            print(f"screenshots in {tmp_path}")
            browser.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"


def counter(n: int) -> re.Pattern:
    """Mesa's step counter at ``n``: "Step: n" (Mesa 3.3), "Time: n.0" (Mesa 3.5)."""
    return re.compile(rf"^(Step: {n}|Time: {n}\.0)$")


def drive(page, expect, shots: Path, url: str):
    page.goto(url)
    step = page.get_by_role("button", name="Step", exact=True)
    steps = page.get_by_text(re.compile(r"^(Step: \d+|Time: \d+\.\d+)$"))
    expect(step).to_be_visible(timeout=60_000)
    for name in ("retention", "share", "profit", "satisfaction"):
        expect(page.locator(f".plot-{name} svg").first).to_be_visible(timeout=30_000)
    expect(steps).to_have_text(counter(0))
    board = page.locator(".scoreboard")
    expect(board).to_contain_text("week 0 of 260")
    before = svg_of(page, "share")
    assert "press Step" in before  # step 0: empty axes with a hint
    page.screenshot(path=str(shots / "start.png"), full_page=True)

    waits = []
    for n in (1, 2, 3, 4, 5):
        t0 = time.perf_counter()
        step.click()
        expect(steps).to_have_text(counter(n))
        expect(board).to_contain_text(f"week {n} of 260")
        waits.append(time.perf_counter() - t0)
    print("Step click to updated page (20,000 customers, two settings): "
          + ", ".join(f"{w:.2f}" for w in waits) + " s")
    after = svg_of(page, "share")
    assert after != before and after.count("<polyline") >= 2
    page.screenshot(path=str(shots / "stepped.png"), full_page=True)

    slider = page.locator(".v-input", has_text="Eaton Hotel: general discount") \
        .get_by_role("slider")
    assert float(slider.get_attribute("aria-valuenow")) == pytest.approx(0.2)
    slider.focus()
    slider.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuenow", "0.25")
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(steps).to_have_text(counter(0))
    levers = page.locator("table", has_text="Eaton Hotel: general discount")
    expect(levers.locator("tr", has_text="Eaton Hotel: general discount")).to_contain_text("0.25")
    step.click()
    expect(steps).to_have_text(counter(1))
    expect(page.locator(".plot-share svg polyline").first).to_be_attached()

    page.get_by_role("tab", name="Page 2").click()
    expect(page.locator(".plot-compare0 svg").first).to_be_visible(timeout=15_000)
    time.sleep(0.5)  # let the tab's slide-in finish before the screenshot
    expect(page.get_by_text(re.compile("changes Eaton Hotel: general discount = 0.0"))) \
        .to_be_visible()
    page.screenshot(path=str(shots / "compare.png"), full_page=True)


def test_override_creates_a_block_the_file_leaves_to_defaults():
    from sim.scenario.loader import apply_override

    raw = {"params": {"churn": {"dormancy": 8}}, "firms": [{"id": "a", "price": 5}]}
    apply_override(raw, "params.choice.inertia=2.5", "x.yaml")
    apply_override(raw, "params.churn.dormancy=9", "x.yaml")
    apply_override(raw, "firms.a.bonds.legal=0.5", "x.yaml")
    assert raw["params"] == {"churn": {"dormancy": 9}, "choice": {"inertia": 2.5}}
    assert raw["firms"] == [{"id": "a", "price": 5, "bonds": {"legal": 0.5}}]
