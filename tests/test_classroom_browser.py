"""The classroom game in a real browser (Debian's chromium, offline): a teacher and two teams.

One ``run.py classroom`` server, as a teacher starts it; three browser contexts (separate
cookies, as on three machines): the teacher's and two teams'. They play three rounds: round 1
ends when both teams have submitted, in round 2 team 2 drops out and the teacher moves on,
in round 3 team 2 is back; the teacher's page then shows the leaderboard of both teams, and
team 1 switches its page to Chinese and back.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser import CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")
WAIT = 15_000  # ms: pages reload themselves within about a second when the game moves on


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "run.py", "classroom", "nanyuan_vs_eaton",
                             "--teams", "2", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    printed = []
    try:
        t0 = time.perf_counter()
        while not any("Ctrl+C" in line for line in printed):
            line = proc.stdout.readline()
            assert line, f"the server stopped: {''.join(printed)}"
            printed.append(line)
        print(f"run.py classroom answered after {time.perf_counter() - t0:.1f} s")
        teacher = re.search(r"http://\S+/teacher\?key=\S+", "".join(printed)).group(0)
        yield {"base": f"http://127.0.0.1:{port}", "teacher": teacher, "proc": proc}
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert "stopped after 3 round(s)" in out, out
    with pytest.raises(ProcessLookupError):  # SIGTERM left nothing of it running
        os.killpg(proc.pid, 0)


def status(page):
    return page.locator("p.status")


def submit(page, expect, round_: int, **values) -> None:
    """Fill the team's form for ``round_`` and submit it."""
    form = page.locator("form.levers")
    expect(form).to_contain_text(f"Round {round_}:", timeout=WAIT)
    for what, value in values.items():
        if what == "winback":
            form.locator("select[name=winback]").select_option(value)
        else:
            form.locator(f"input[name={what}]").fill(str(value))
    form.get_by_role("button", name="Submit decisions").click()


def test_teacher_and_two_teams_play_three_rounds(server, browser, tmp_path):
    from playwright.sync_api import expect

    asked = []
    contexts = [browser.new_context(viewport={"width": 1366, "height": 768})
                for _ in range(3)]
    for c in contexts:
        c.on("request", lambda r: asked.append(r.url))
    teacher, a, b = (c.new_page() for c in contexts)

    teacher.goto(server["teacher"])
    expect(teacher).to_have_url(server["base"] + "/teacher")
    expect(status(teacher)).to_contain_text("Not started")
    codes = {fid: teacher.locator(f"table.teams tr[data-firm={fid}] .code").inner_text()
             for fid in ("nanyuan", "eaton")}

    for page, fid, name in ((a, "nanyuan", "Team 1: Nanyuan Hotel"),
                            (b, "eaton", "Team 2: Eaton Hotel")):
        page.goto(server["base"] + "/")
        page.get_by_label("Your team's join code").fill(codes[fid].lower())
        page.get_by_role("button", name="Join").click()
        expect(page.locator("h1")).to_have_text(name)
        expect(page.locator(".wait")).to_contain_text("Waiting for the teacher")
    stranger = browser.new_context()  # a wrong code joins nobody
    stranger.on("request", lambda r: asked.append(r.url))
    wrong = stranger.new_page()
    wrong.goto(server["base"] + "/")
    wrong.get_by_label("Your team's join code").fill("ZZZZZZ")
    wrong.get_by_role("button", name="Join").click()
    expect(wrong.locator(".error")).to_contain_text("unknown join code")
    assert stranger.request.get(server["base"] + "/team", max_redirects=0).status == 303
    stranger.close()

    teacher.get_by_role("button", name="Start round 1").click()
    # Round 1: both teams submit, the round plays as soon as the second one has.
    submit(a, expect, 1, price=380, budget=30000, winback="both")
    expect(a.locator(".submitted")).to_contain_text("Submitted for round 1")
    expect(status(teacher)).to_contain_text("1 of 2 teams submitted", timeout=WAIT)
    submit(b, expect, 1, price=350, winback="contact")
    expect(b.locator("form.levers")).to_contain_text("Round 2:", timeout=WAIT)
    expect(a.locator("form.levers")).to_contain_text("Round 2:", timeout=WAIT)

    # Every input is checked by the server, whatever the page allows.
    a.locator("input[name=price]").evaluate("e => e.removeAttribute('max')")
    submit(a, expect, 2, price=5000)
    expect(a.locator(".error")).to_contain_text("price must be a number within 200..600")
    r = contexts[1].request.post(server["base"] + "/api/submit",
                                 data={"firm": "eaton", "price": 300})
    assert r.status == 403 and "plays Nanyuan Hotel only" in r.json()["error"]
    r = contexts[1].request.post(server["base"] + "/team", form={"budget": "-1"})
    assert r.status == 400

    # Round 2: team 2 drops out; the teacher moves on; Eaton keeps its round-1 decisions.
    b.close()
    submit(a, expect, 2, price=390)
    expect(status(teacher)).to_contain_text("1 of 2 teams submitted", timeout=WAIT)
    teacher.get_by_role("button", name="Play round 2 now").click()
    expect(status(teacher)).to_contain_text("Round 3 open", timeout=WAIT)

    # Round 3: team 2 is back (same browser, its session still bound to Eaton).
    b = contexts[2].new_page()
    b.goto(server["base"] + "/")
    expect(b.locator("h1")).to_have_text("Team 2: Eaton Hotel")
    expect(b.locator(".last")).to_contain_text("not submitted: last decisions kept")
    expect(b.locator("input[name=price]")).to_have_value("350")
    expect(b.locator("select[name=winback]")).to_have_value("contact")
    submit(b, expect, 3, price=360)
    submit(a, expect, 3, price=400, winback="contact")
    expect(a.locator("form.levers")).to_contain_text("Round 4:", timeout=WAIT)

    board = teacher.locator("table.leaderboard")
    expect(teacher.locator(".board-head")).to_have_text("Leaderboard after round 3",
                                                        timeout=WAIT)
    expect(status(teacher)).to_contain_text("week 12 of 260")
    for fid, team in (("nanyuan", "Team 1"), ("eaton", "Team 2")):
        expect(board.locator(f"tr[data-firm={fid}]")).to_contain_text(team)
    state = contexts[0].request.get(server["base"] + "/api/state").json()
    assert state["rounds_played"] == 3 and state["t"] == 12
    shown = {fid: board.locator(f"tr[data-firm={fid}] td").all_inner_texts()
             for fid in ("nanyuan", "eaton")}
    for row in state["leaderboard"]:
        cells = shown[row["firm"]]
        assert cells[3] == f"{row['cumulative_profit']:,.0f}"
        assert cells[6] == f"{100 * row['share']:.1f}%"
    assert teacher.locator(".charts svg").count() == 3
    teacher.screenshot(path=str(tmp_path / "teacher.png"))
    a.screenshot(path=str(tmp_path / "team.png"))
    expect(a.locator("table.leaderboard")).to_contain_text("Team 2")

    # Team 1 switches its page to Chinese: words change, numbers do not; the session keeps it.
    en_board = a.locator("table.leaderboard").inner_text()
    a.get_by_role("link", name="中文").click()
    expect(a.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(a.locator("h1")).to_have_text("第 1 组：南苑酒店")
    expect(a.locator("form.levers")).to_contain_text("第 4 轮：你们的决策")
    expect(a.get_by_role("button", name="提交决策")).to_be_visible()
    expect(a.locator(".board-head")).to_have_text("第 3 轮后的排行榜")
    zh_board = a.locator("table.leaderboard").inner_text()
    assert re.findall(r"-?[\d,.]+%?", zh_board) == re.findall(r"-?[\d,.]+%?", en_board)
    assert "伊顿酒店" in zh_board and "Eaton" not in zh_board
    a.goto(server["base"] + "/team")
    expect(a.locator("h1")).to_have_text("第 1 组：南苑酒店")
    expect(teacher.locator("h1")).to_contain_text("classroom game")  # other browsers: English
    a.get_by_role("link", name="English").click()
    expect(a.locator("h1")).to_have_text("Team 1: Nanyuan Hotel")
    for c in contexts:
        c.close()
    outside = [u for u in asked if not u.startswith(LOCAL)]
    assert outside == [], outside
