"""The classroom game (``run.py classroom``): its state (sim/dashboard/game.py), its pages
(sim/dashboard/hub.py, called in-process) and its command (loopback guard, SIGTERM)."""

import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.dashboard import live
from sim.dashboard.game import ALPHABET, CODE_LENGTH, LOBBY, OVER, PLAYING, Game, GameError
from sim.dashboard.hub import Hub, Request, Response
from sim.dashboard.i18n import TEXT
from sim.model import Market
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"


def new_game(teams=2, periods=2, horizon=None, seed=3) -> Game:
    market = Market(load_scenario(CASE, periods=horizon), seed=seed)
    return Game(market, teams, periods, rng=random.Random(1))


@pytest.fixture
def game() -> Game:
    return new_game()


def joined(game: Game) -> tuple[str, str]:
    """Both teams joined (tokens of team 1 and team 2)."""
    return game.join(game.teams[0].code)[1], game.join(game.teams[1].code)[1]


def firm(game: Game, fid: str):
    return next(f for f in game.market.firms if f.fid == fid)


# ---- join codes and ownership -------------------------------------------------------------

def test_join_codes_bind_a_session_to_one_firm(game):
    codes = [t.code for t in game.teams]
    assert len(set(codes)) == 2
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert [t.firm for t in game.teams] == ["nanyuan", "eaton"]
    team, token = game.join(" " + codes[1].lower()[:3] + " " + codes[1].lower()[3:] + " ")
    assert team.firm == "eaton" and game.team_of(token) is team
    again, other = game.join(codes[1])  # a team may re-join from another browser
    assert again is team and other != token
    for bad in ("", "AAAAAA", codes[0] + codes[1], codes[0][:-1]):
        with pytest.raises(GameError) as e:
            game.join(bad)
        assert e.value.status == 403
    assert game.team_of(None) is None and game.team_of("made-up") is None
    assert game.status(game.teams[0]) == "not joined"


def test_a_team_acts_only_on_its_own_firm(game):
    a, _ = joined(game)
    game.start()
    with pytest.raises(GameError) as e:
        game.submit(a, {"firm": "eaton", "price": 300})
    assert e.value.status == 403
    for token in (None, "", "forged-token"):
        with pytest.raises(GameError) as e:
            game.submit(token, {"price": 300})
        assert e.value.status == 403
    game.submit(a, {"firm": "nanyuan", "price": 300})
    game.advance()
    assert firm(game, "nanyuan").price == 300 and firm(game, "eaton").price == 400


def test_teams_must_fit_the_case():
    for n in (0, 3, -1):
        with pytest.raises(GameError, match="1..2"):
            new_game(teams=n)
    solo = new_game(teams=1)
    assert [s.team for s in sorted(solo.leaderboard(), key=lambda s: s.firm)] == [
        "computer", "Team 1"]


# ---- every input is bounds-checked --------------------------------------------------------

@pytest.mark.parametrize("form", [
    {"price": 99999}, {"price": -1}, {"price": "nan"}, {"price": "inf"}, {"price": "cheap"},
    {"price": None}, {"price": [400]}, {"price": True}, {"budget": 1e12}, {"budget": -5},
    {"winback": "free rooms"}, {"winback": 1}, {"discount": 0.5}, {"price": 400, "x": 1},
])
def test_out_of_bounds_or_unknown_input_is_refused(game, form):
    a, _ = joined(game)
    game.start()
    with pytest.raises(GameError) as e:
        game.submit(a, form)
    assert e.value.status == 400
    assert game.teams[0].pending is None and game.rounds == []


def test_bounds_are_fixed_when_the_game_is_set_up(game):
    """A budget at its maximum does not raise the maximum (live.levers would: 3x spend)."""
    a, b = joined(game)
    game.start()
    hi = game.bounds["nanyuan"]["budget"].hi
    game.submit(a, {"budget": hi})
    game.submit(b, {})
    assert live.budget(firm(game, "nanyuan"), game.market.t) == pytest.approx(hi)
    assert max(lv.hi for lv in live.levers(game.market) if lv.key == "nanyuan__budget") > hi
    with pytest.raises(GameError):
        game.submit(a, {"budget": hi * 1.01})


def test_state_rules(game):
    a, b = joined(game)
    assert game.state == LOBBY and game.round == 0
    with pytest.raises(GameError, match="not started") as e:
        game.submit(a, {"price": 390})
    assert e.value.status == 409
    with pytest.raises(GameError):
        game.advance()
    for bad in (0, 53, 2.5, "two", "", None, float("nan")):
        with pytest.raises(GameError):
            game.set_periods(bad)
    assert game.set_periods("3") == 3
    game.start()
    with pytest.raises(GameError, match="already"):
        game.start()
    assert game.round == 1
    with pytest.raises(GameError, match="round 0 is over") as e:
        game.submit(a, {"round": 0, "price": 390})
    assert e.value.status == 409
    game.submit(a, {"round": "1", "price": 390})
    game.submit(b, {"round": 1})
    assert game.market.t == 3 and game.round == 2


# ---- rounds -------------------------------------------------------------------------------

def test_round_advances_when_all_teams_have_submitted(game):
    a, b = joined(game)
    game.start()
    assert game.submit(a, {"price": 380, "budget": 30000, "winback": "both"}) is False
    assert game.market.t == 0 and game.status(game.teams[0]) == "submitted"
    assert game.submit(a, {"price": 370}) is False  # may change its mind before the round
    assert game.submit(b, {"price": 350, "winback": "contact"}) is True
    r = game.rounds[-1]
    assert (r.number, r.first, r.last, r.by_teacher) == (1, 0, 1, False)
    assert r.submitted == ("nanyuan", "eaton") and game.market.t == 2 and game.round == 2
    assert r.decisions == {"nanyuan": {"price": 370.0, "budget": 30000.0, "winback": "both"},
                           "eaton": {"price": 350.0, "budget": 16500.0, "winback": "contact"}}
    n, e = firm(game, "nanyuan"), firm(game, "eaton")
    assert (n.price, e.price) == (370, 350)
    assert live.winback(n, game.market.t) == "both" and live.winback(e, 1) == "contact"
    assert live.budget(n, game.market.t) == pytest.approx(30000)
    assert all(t.pending is None for t in game.teams)


def test_teacher_moves_on_and_a_dropped_team_keeps_its_last_decisions(game):
    a, b = joined(game)
    game.start()
    game.submit(a, {"price": 420})
    game.submit(b, {"price": 340, "budget": 20000, "winback": "none"})
    eaton = {"price": 340.0, "budget": 20000.0, "winback": "none"}
    for k in (2, 3, 4):  # team 2 drops out: the teacher plays rounds without it
        game.submit(a, {"price": 400 + k})
        r = game.advance()
        assert r.by_teacher and r.submitted == ("nanyuan",)
        assert r.decisions["eaton"] == eaton
        e = firm(game, "eaton")
        assert e.price == 340 and live.winback(e, game.market.t) == "none"
        assert live.budget(e, game.market.t) == pytest.approx(20000)
    r = game.advance()  # nobody submitted: the round is played all the same
    assert r.submitted == () and game.market.t == 10 and firm(game, "nanyuan").price == 404
    assert game.status(game.teams[1]) == "deciding"


def test_a_team_is_shown_away_when_its_browser_is_gone():
    now = [0.0]
    market = Market(load_scenario(CASE), seed=1)
    game = Game(market, 2, clock=lambda: now[0])
    _, token = game.join(game.teams[0].code)
    now[0] = 10.0
    assert game.status(game.teams[0]) == "deciding"
    now[0] = 30.0
    assert game.status(game.teams[0]) == "away"
    game.seen(token)
    assert game.status(game.teams[0]) == "deciding"


def test_periods_per_round_and_game_over():
    game = new_game(periods=4, horizon=6)
    a, b = joined(game)
    game.start()
    game.advance()
    assert game.market.t == 4 and game.state == PLAYING
    game.set_periods(5)
    game.advance()  # only 2 periods are left
    assert game.market.t == 6 and game.state == OVER and game.round == 2
    assert game.rounds[-1].first == 4 and game.rounds[-1].last == 5
    for action in (lambda: game.submit(a, {}), game.advance, lambda: game.set_periods(2)):
        with pytest.raises(GameError, match="over"):
            action()


# ---- the leaderboard is the market's own numbers -------------------------------------------

def test_leaderboard_equals_the_markets_trajectories(game):
    a, b = joined(game)
    assert [(s.cumulative_profit, s.round_profit) for s in game.leaderboard()] == [(0, 0)] * 2
    game.start()
    game.submit(a, {"price": 450, "winback": "none"})
    game.submit(b, {"price": 300})
    game.submit(a, {"budget": 60000})
    game.advance()
    game.set_periods(3)
    game.advance()
    df = game.market.trajectories()
    assert df["period"].max() == 6
    board = game.leaderboard()
    assert [s.rank for s in board] == [1, 2]
    assert board[0].cumulative_profit >= board[1].cumulative_profit
    for s in board:
        g = df[df["firm"] == s.firm]
        assert s.cumulative_profit == pytest.approx(g["cumulative_profit"].iloc[-1])
        assert s.cumulative_profit == pytest.approx(g["profit"].sum())
        assert s.round_profit == pytest.approx(g[g["period"] >= 4]["profit"].sum())
        assert s.retention == pytest.approx(g["retention_rate"].mean())
        assert s.share == pytest.approx(g["market_share"].iloc[-1])
        assert s.team == {"nanyuan": "Team 1", "eaton": "Team 2"}[s.firm]
    assert sum(s.share for s in board) == pytest.approx(1)
    public = game.public()
    assert public["leaderboard"] == [s.as_dict() for s in board]
    assert "code" not in str(public) and game.teams[0].code not in str(public)


def test_the_game_is_the_same_market_as_the_levers_applied_by_hand():
    """What the game does equals applying the same live levers between the same periods."""
    game = new_game(seed=5)
    a, b = joined(game)
    game.start()
    game.submit(a, {"price": 430, "winback": "price"})
    game.submit(b, {"budget": 25000})
    game.advance()
    market = Market(load_scenario(CASE), seed=5)
    levers = {lv.key: lv for lv in live.levers(market)}
    live.apply(market, levers["nanyuan__price"], 430)
    live.apply(market, levers["nanyuan__winback"], "price")
    live.apply(market, levers["eaton__budget"], 25000)
    for _ in range(4):
        market.step()
    mine, theirs = game.market.trajectories(), market.trajectories()
    cols = ["profit", "market_share", "retention_rate", "customers_active"]
    assert mine[cols].equals(theirs[cols])


# ---- pages, in-process ---------------------------------------------------------------------

def hub_for(game: Game, **kw) -> Hub:
    return Hub(game, "Nanyuan vs Eaton", "teacher-secret", **kw)


def text(resp) -> str:
    return resp.body.decode()


def test_pages_guard_the_teacher_and_the_teams(game):
    hub = hub_for(game)
    t = {"teacher": "teacher-secret"}
    assert hub.handle(Request("GET", "/teacher")).status == 403
    assert hub.handle(Request("GET", "/teacher", {"key": "guess"})).status == 403
    r = hub.handle(Request("GET", "/teacher", {"key": "teacher-secret"}))
    assert r.status == 303 and any("teacher=teacher-secret" in v for _, v in r.headers)
    for path in ("/teacher/start", "/teacher/advance", "/teacher/periods"):
        assert hub.handle(Request("POST", path, cookies={"teacher": "x"})).status == 403
    page = text(hub.handle(Request("GET", "/teacher", cookies=t)))
    assert all(team.code in page for team in game.teams)
    r = hub.handle(Request("POST", "/join", form={"code": game.teams[0].code}))
    token = dict(r.headers)["Set-Cookie"].split(";")[0].split("=", 1)[1]
    team = {"team": token}
    page = text(hub.handle(Request("GET", "/team", cookies=team)))
    assert "Nanyuan Hotel" in page and game.teams[0].code not in page
    assert game.teams[1].code not in text(hub.handle(Request("GET", "/api/state", cookies=team)))
    assert hub.handle(Request("GET", "/team")).status == 303  # no session: back to joining
    assert hub.handle(Request("POST", "/teacher/start", cookies=t)).status == 303
    r = hub.handle(Request("POST", "/team", form={"price": "1e9", "round": "1"}, cookies=team))
    assert r.status == 400 and "200..600" in text(r) and "Submit decisions" in text(r)
    r = hub.handle(Request("POST", "/api/submit", form={"firm": "eaton"}, cookies=team))
    assert r.status == 403
    r = hub.handle(Request("POST", "/team", form={"price": "410", "round": "1"}, cookies=team))
    assert r.status == 303 and game.teams[0].pending["price"] == 410
    assert hub.handle(Request("POST", "/teacher/periods", form={"periods": "99"},
                              cookies=t)).status == 400
    assert hub.handle(Request("POST", "/teacher/advance", cookies=t)).status == 303
    page = text(hub.handle(Request("GET", "/teacher", cookies=t)))
    assert "Leaderboard after round 1" in page and page.count("<svg") == 3


def test_pages_refuse_foreign_hosts_and_code_guessing(game):
    hub = hub_for(game)
    assert hub.handle(Request("GET", "/", host="evil.example:8800")).status == 421
    for host in ("127.0.0.1:8800", "localhost:8800", "[::1]:8800", "localhost"):
        assert hub.handle(Request("GET", "/", host=host)).status == 200
    assert hub_for(game, loopback_only=False).handle(
        Request("GET", "/", host="10.0.0.5:8800")).status == 200
    for _ in range(10):
        assert hub.handle(Request("POST", "/join", form={"code": "WRONG1"})).status == 403
    r = hub.handle(Request("POST", "/join", form={"code": game.teams[0].code}))
    assert r.status == 429  # even the right code must wait after ten wrong ones
    other = hub.handle(Request("POST", "/join", form={"code": game.teams[0].code},
                               client="10.0.0.9"))
    assert other.status == 303
    assert hub.handle(Request("GET", "/nowhere")).status == 404
    assert hub.handle(Request("GET", "/join")).status == 405


# ---- English and Chinese pages -----------------------------------------------------------

def visible(page: str) -> str:
    """The page's text as a reader sees it: no script, no style, no tags."""
    page = re.sub(r"<(script|style)>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def english_words(page: str, codes: list[str]) -> set[str]:
    """Latin words of three letters or more in the page's text (join codes and the link back
    to English aside): in a Chinese page, text nobody translated."""
    seen = visible(page)
    for code in codes:
        seen = seen.replace(code, " ")
    return set(re.findall(r"[A-Za-z_]{3,}", seen)) - {"English"}


def set_cookies(resp: Response) -> list[str]:
    return [v for k, v in resp.headers if k == "Set-Cookie"]


def numbers(page: str) -> list[list[str]]:
    """The leaderboard's numbers (rank and numeric cells) per row."""
    board = page[page.index("class='leaderboard'"):]
    return [re.findall(r"<td(?: class='num')?>([-\d.,%]+)</td>", row)
            for row in re.findall(r"<tr data-firm=.*?</tr>", board)]


def test_pages_switch_between_english_and_chinese(game: Game) -> None:
    hub = hub_for(game)
    codes = [t.code for t in game.teams]
    en = hub.handle(Request("GET", "/"))
    assert set_cookies(en) == [] and "<html lang='en'>" in text(en)
    assert "join the game" in text(en) and "href='/?lang=zh'" in text(en) and "中文" in text(en)
    zh = hub.handle(Request("GET", "/", {"lang": "zh"}))
    assert set_cookies(zh) == ["lang=zh; Path=/; HttpOnly; SameSite=Strict"]
    page = text(zh)
    assert "<html lang='zh-Hans'>" in page and "href='/?lang=en'" in page
    assert "南苑 vs 伊顿：加入游戏" in page and "你们组的加入码" in page and ">加入<" in page
    assert english_words(page, codes) == set()
    # Joining keeps the session's language; a refusal is in it too.
    zh_cookie = {"lang": "zh"}
    r = hub.handle(Request("POST", "/join", form={"code": "WRONG1"}, cookies=zh_cookie))
    assert r.status == 403 and "未知的加入码" in text(r)
    r = hub.handle(Request("POST", "/join", form={"code": codes[0]}, cookies=zh_cookie))
    token = set_cookies(r)[0].split(";")[0].split("=", 1)[1]
    team = {"team": token, "lang": "zh"}
    page = text(hub.handle(Request("GET", "/team", cookies=team)))
    assert "第 1 组：南苑酒店" in page and "等待老师开始游戏。" in page
    assert "href='/team?lang=en'" in page and english_words(page, codes) == set()
    teacher = {"teacher": "teacher-secret", "lang": "zh"}
    assert hub.handle(Request("POST", "/teacher/start", cookies=teacher)).status == 303
    page = text(hub.handle(Request("GET", "/team", cookies=team)))
    for words in ("第 1 轮：你们的决策（2 周）", "标价（200 至 600）", "每周服务预算",
                  "赢回方式", "与流失顾客个人联系", "提交决策", "第 1 轮前的排行榜", "伊顿酒店",
                  "第 1 轮进行中：2 组中已有 0 组提交 · 第 0 周（共 260 周）"):
        assert words in page, words
    assert english_words(page, codes) == set()
    r = hub.handle(Request("POST", "/team", form={"price": "1e9", "round": "1"}, cookies=team))
    assert r.status == 400 and "标价必须是 200..600 之间的数" in text(r)
    assert english_words(text(r), codes) == set()
    r = hub.handle(Request("POST", "/api/submit", form={"firm": "eaton"}, cookies=team))
    assert r.status == 403 and r.content_type.startswith("application/json")
    assert "Team 1 plays Nanyuan Hotel only" in text(r)  # the JSON answers stay English
    hub.handle(Request("POST", "/team", form={"price": "410", "winback": "both", "round": "1"},
                       cookies=team))
    assert "已提交" in text(hub.handle(Request("GET", "/team", cookies=team)))
    assert hub.handle(Request("POST", "/teacher/advance", cookies=teacher)).status == 303
    # The teacher's page: every word in Chinese, the numbers as in English.
    zh_page = text(hub.handle(Request("GET", "/teacher", cookies=teacher)))
    for words in ("南苑 vs 伊顿：课堂游戏", "第 1 轮后的排行榜", "立即进行第 2 轮", "每轮周数",
                  "加入码", "决策中", "未加入", "累计利润", "市场份额", "每期保留率", "南苑酒店",
                  "伊顿酒店", "第 2 组", *codes):
        assert words in zh_page, words
    assert english_words(zh_page, codes) == set() and zh_page.count("<svg") == 3
    r = hub.handle(Request("GET", "/teacher", {"lang": "en"}, cookies=teacher))
    assert set_cookies(r) == ["lang=en; Path=/; HttpOnly; SameSite=Strict"]
    en_page = text(r)
    assert "Nanyuan vs Eaton: classroom game" in en_page and "Leaderboard after round 1" in en_page
    assert "href='/teacher?lang=zh'" in en_page and "南苑" not in en_page
    assert numbers(zh_page) == numbers(en_page) and len(numbers(en_page)) == 2
    assert all(len(row) == 5 for row in numbers(en_page))  # rank and four numbers
    page = text(hub.handle(Request("GET", "/team", cookies=team)))
    assert "第 1 轮（第 0-1 周）：标价 410，服务预算" in page and "赢回方式 两者" in page
    # An unknown language is English, and is not remembered.
    r = hub.handle(Request("GET", "/team", {"lang": "fr"}, cookies={"team": token}))
    assert set_cookies(r) == [] and "Team 1: Nanyuan Hotel" in text(r)
    r = hub.handle(Request("GET", "/teacher", {"lang": "zh"}))  # refused, in Chinese
    assert r.status == 403 and "教师地址" in text(r)


def test_chinese_texts_of_the_classroom_are_complete() -> None:
    """Every classroom text has a Chinese form with no English left and the same values."""
    keys = [k for k in TEXT if k.startswith(("g_", "e_"))]
    assert len(keys) > 60
    for key in keys:
        en, zh = TEXT[key]
        fields_en = set(re.findall(r"{(\w+)", en))
        fields_zh = set(re.findall(r"{(\w+)", zh))
        assert fields_zh <= fields_en | {"period"}, key
        left = re.sub(r"{\w+}", "", zh).replace("run.py classroom", "")  # a command stays
        assert not re.findall(r"[A-Za-z]{3,}", left), key
        assert zh != en or not re.search(r"[A-Za-z]", en), key


# ---- the command ---------------------------------------------------------------------------

def test_non_loopback_host_is_refused_without_allow_remote(capsys, monkeypatch):
    from sim import cli
    from sim.dashboard import hub

    bound = []

    def fake_server(hub_, host, port):
        bound.append(host)
        raise OSError(98, "not in a test")

    monkeypatch.setattr(hub, "make_server", fake_server)
    for host in ("0.0.0.0", "192.0.2.7", "example.org", "::"):
        assert cli.main(["classroom", str(CASE), "--teams", "2", "--host", host]) == 2
        err = capsys.readouterr().err
        assert "refusing to bind the classroom game" in err and "--allow-remote" in err
    assert bound == []
    cli.main(["classroom", str(CASE), "--teams", "2", "--allow-remote"])
    cli.main(["classroom", str(CASE), "--teams", "2", "--allow-remote", "--host", "192.0.2.7"])
    cli.main(["classroom", str(CASE), "--teams", "2"])
    assert bound == ["0.0.0.0", "192.0.2.7", "127.0.0.1"]
    capsys.readouterr()
    assert cli.main(["classroom", "nanyuan_vs_eaton", "--teams", "3"]) == 2
    assert "--teams must be 1..2" in capsys.readouterr().err


def test_sigterm_stops_the_server_with_no_child_left():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "run.py", "classroom", "nanyuan_vs_eaton",
                             "--teams", "2", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        t0 = time.perf_counter()
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    assert r.status == 200 and "join code" in r.read().decode()
                    break
            except OSError:
                assert proc.poll() is None and time.perf_counter() - t0 < 30
                time.sleep(0.1)
        os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert "stopped after 0 round(s)" in out and "join code" in out
    with pytest.raises(ProcessLookupError):  # nothing left in its process group
        os.killpg(proc.pid, 0)
