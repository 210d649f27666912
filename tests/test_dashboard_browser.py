"""The dashboard in a real browser (Debian's chromium, offline) at projector size, 1366 x 768.

One server, started as a teacher would (``make dashboard``, no scenario given), one page.
"""

import io
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from browser import CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
MAIN = ("share", "retention", "profit", "satisfaction")
TABS = ["Market", "Service & margin", "Loyalty", "A vs B", "One customer", "Info", "Export"]
FONT_JS = """els => els.map(e => parseFloat(getComputedStyle(e).fontSize)
                            * e.getScreenCTM().a)"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if k != "LOYALTYSIM_SCENARIO"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(["make", "--no-print-directory", "dashboard", f"PORT={port}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                assert time.perf_counter() - t0 < 60, "no dashboard after 60 s"
                time.sleep(0.2)
        took = time.perf_counter() - t0
        print(f"make dashboard answered after {took:.1f} s")
        assert took < 10
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def board(page):
    return page.locator(".dash-board")


def click(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def test_projector_page(server, browser, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(server)
    expect(board(page)).to_contain_text("week 0 of 260", timeout=60_000)
    expect(page).to_have_title(re.compile("Nanyuan vs Eaton"))
    for n in (1, 2, 3):
        click(page, "Step")
        expect(board(page)).to_contain_text(f"week {n} of 260")
    first = board(page).inner_text()
    click(page, "Reset")  # a plain Reset repeats the run
    expect(board(page)).to_contain_text("week 0 of 260")
    for n in (1, 2, 3):
        click(page, "Step")
        expect(board(page)).to_contain_text(f"week {n} of 260")
    assert board(page).inner_text() == first
    check_projector(page, expect, tmp_path)
    check_live_lever_and_export(page, expect, tmp_path)
    check_language(page, expect, tmp_path)
    check_case_change_and_reset(page, expect)
    page.close()
    outside = [u for u in asked if not u.startswith(LOCAL)]
    katex = [u for u in asked if "katex" in u]
    assert outside == [] and katex == [], (outside, katex)


def check_projector(page, expect, shots):
    """Named tabs, the four main charts in the window, text >= 14 px, values on sliders."""
    for name in TABS:
        expect(page.get_by_role("tab", name=name, exact=True)).to_be_visible()
    for name in MAIN:
        box = page.locator(f".plot-{name} svg").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 768, (name, box)
        assert box["x"] + box["width"] <= 1366, (name, box)
    sizes = page.locator(", ".join(f".plot-{n} svg text" for n in MAIN)).evaluate_all(FONT_JS)
    print(f"chart text at 1366x768: {min(sizes):.1f} to {max(sizes):.1f} px "
          f"({len(sizes)} texts)")
    assert len(sizes) > 40 and min(sizes) >= 14
    expect(page.get_by_text("Eaton Hotel", exact=True).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^service budget / period: 16,500$"))).to_be_visible()
    page.screenshot(path=str(shots / "projector.png"))


def check_live_lever_and_export(page, expect, shots):
    slider = page.locator(".v-input", has_text=re.compile("^list price: 400")).nth(1) \
        .get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")
    expect(page.get_by_text("list price: 410", exact=True)).to_be_visible()
    click(page, "Step")
    expect(board(page)).to_contain_text("week 4 of 260")
    page.get_by_role("tab", name="Export", exact=True).click()
    with page.expect_download() as info:
        page.get_by_text("Charts (PNG), CSV, command and YAML (zip)").click()
    path = shots / "run.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        assert {"market_share.png", "churn_rate.png", "cumulative_profit.png",
                "trust_mean.png", "trajectories.csv", "scenario.yaml", "command.txt"} <= names
        assert z.read("market_share.png")[:4] == b"\x89PNG"
        csv = z.read("trajectories.csv").decode()
        assert "410" in csv.splitlines()[-1]  # Eaton's new price, in force in week 3
        assert "target: firms.eaton.price" in z.read("scenario.yaml").decode()
        assert "run.py run" in z.read("command.txt").decode()
    import pandas as pd
    df = pd.read_csv(io.StringIO(csv))
    assert list(df[df.firm == "eaton"].price) == [400, 400, 400, 410]
    expect(page.get_by_text(re.compile(r"python run.py run .*nanyuan_vs_eaton.yaml --seed 1")))\
        .to_be_visible()


def check_language(page, expect, shots):
    page.get_by_role("tab", name="Info", exact=True).click()
    expect(page.get_by_text("What the model assumes")).to_be_visible()
    click(page, "中文")
    expect(page.get_by_role("tab", name="说明", exact=True)).to_be_visible()
    expect(page.get_by_text("模型假设")).to_be_visible()
    expect(page.get_by_text("南苑酒店", exact=True).first).to_be_visible()
    expect(page).to_have_title(re.compile("南苑 vs 伊顿"))
    page.screenshot(path=str(shots / "chinese.png"))
    click(page, "English")
    expect(page.get_by_role("tab", name="Info", exact=True)).to_be_visible()
    page.get_by_role("tab", name="Market", exact=True).click()


def check_case_change_and_reset(page, expect):
    page.locator(".v-select", has_text="Case").first.click()
    page.get_by_role("option", name="best_buy_complaint").click()
    expect(board(page)).to_contain_text("month 0 of 96")
    click(page, "Step")
    expect(board(page)).to_contain_text("month 1 of 96")
    click(page, "Reset")  # after a case change: the new case again, not a crash
    expect(board(page)).to_contain_text("month 0 of 96")
    click(page, "Step")
    expect(board(page)).to_contain_text("month 1 of 96")
    expect(page.locator(".plot-share svg polyline").first).to_be_attached()
