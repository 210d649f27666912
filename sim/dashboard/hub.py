"""The classroom game's web pages (``run.py classroom``): plain HTML forms and JSON.

A small standard-library HTTP server (``http.server.ThreadingHTTPServer``) in the command's own
process: no child processes, nothing loaded from the network, every page a plain HTML form
that works without JavaScript (a few lines of script only reload a page when the game moves
on). The game itself is ``game.Game``; this module only maps requests to it, under one lock.

Pages:
    ``/``              join form (a team types its code) -> ``POST /join``
    ``/team``          the team's firm: its levers for the open round -> ``POST /team``
    ``/teacher``       the market, the leaderboard, the join codes and the round control
                       (``POST /teacher/start``, ``/teacher/advance``, ``/teacher/periods``);
                       opened once with ``/teacher?key=KEY`` (the address the command prints)
    ``/api/state``     the game as JSON (a team's own firm and levers, the teacher's codes)
    ``/api/submit``    a team's decisions as JSON -> JSON

Sessions are cookies (HttpOnly, SameSite=Strict): ``team`` holds the session token that
``Game.join`` bound to one firm, ``teacher`` the teacher's key, ``lang`` the page language. When
bound to a loopback address, requests naming any other host are refused (no DNS rebinding).

Every page is in English or Chinese (``i18n``): a link at its top opens it with ``?lang=zh`` or
``?lang=en``, which the browser session then keeps (a session cookie). The JSON answers and the
numbers stay as they are in both.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..palette import MARKER, color
from .cli import is_loopback
from .game import LOBBY, OVER, PLAYING, Game, GameError, Team
from .i18n import LANGS, TEXT, name, period_word, tr
from .svg import Chart, Series, render

MAX_BODY = 16_384  # bytes: the forms are a few fields
JOIN_TRIES = 10  # wrong join codes per client and minute before it must wait
WINBACK_LABELS = {"price": "g_wb_price", "contact": "g_wb_contact", "both": "g_wb_both",
                  "none": "g_wb_none"}  # win-back offers -> their labels' keys in i18n.TEXT


@dataclass
class Request:
    """One HTTP request, as the handler needs it.

    Attributes:
        method: "GET" or "POST".
        path: Path without the query.
        query: Query parameters (first value of each).
        form: Form or JSON body fields (first value of each).
        cookies: Cookie values by name.
        client: Client address (for the join-code limit).
        host: The Host header.
        json: Whether the body was JSON.
    """

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, Any] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    client: str = "127.0.0.1"
    host: str = "127.0.0.1"
    json: bool = False


@dataclass
class Response:
    """One HTTP response."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def redirect(to: str, cookie: tuple[str, str] | None = None) -> Response:
    """303 See Other to ``to`` (after a POST), setting ``cookie`` (name, value) if given."""
    headers = [("Location", to)]
    if cookie:
        headers.append(("Set-Cookie", f"{cookie[0]}={cookie[1]}; Path=/; HttpOnly; "
                                      "SameSite=Strict"))
    return Response(303, b"", headers=headers)


def as_json(data: Any, status: int = 200) -> Response:
    """A JSON response."""
    return Response(status, json.dumps(data, allow_nan=False).encode(),
                    "application/json; charset=utf-8")


class Hub:
    """Requests -> game actions -> pages; one lock around the game.

    Args:
        game: The game.
        title: The case's name (page titles).
        teacher_key: Secret that opens the teacher's page.
        loopback_only: Refuse requests whose Host header is not a loopback name.
        clock: Seconds (join-code limit).
    """

    def __init__(self, game: Game, title: str, teacher_key: str, loopback_only: bool = True,
                 clock: Callable[[], float] = time.monotonic):
        self.game = game
        self.title = title
        self.teacher_key = teacher_key
        self.loopback_only = loopback_only
        self.clock = clock
        self.lock = threading.Lock()
        self.failed: dict[str, list[float]] = {}

    # ---- dispatch ----------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        """Answer ``req`` (never raises for a bad request: it answers 4xx)."""
        if self.loopback_only and not is_loopback(_hostname(req.host)):
            return Response(421, b"this server answers only to 127.0.0.1 / localhost",
                            "text/plain; charset=utf-8")
        routes: dict[tuple[str, str], Callable[[Request], Response]] = {
            ("GET", "/"): self.index, ("POST", "/join"): self.join,
            ("GET", "/team"): self.team_page, ("POST", "/team"): self.submit,
            ("GET", "/teacher"): self.teacher_page,
            ("POST", "/teacher/start"): self.start, ("POST", "/teacher/advance"): self.advance,
            ("POST", "/teacher/periods"): self.periods,
            ("GET", "/api/state"): self.state, ("POST", "/api/submit"): self.api_submit,
        }
        if req.path == "/favicon.ico":
            return Response(204)
        route = routes.get((req.method, req.path))
        if route is None:
            known = any(p == req.path for _, p in routes)
            return Response(405 if known else 404, b"not here", "text/plain; charset=utf-8")
        with self.lock:
            resp = route(req)
        chosen = req.query.get("lang")
        if req.method == "GET" and chosen in LANGS and chosen != req.cookies.get("lang"):
            resp.headers.append(("Set-Cookie", f"lang={chosen}; Path=/; HttpOnly; "
                                               "SameSite=Strict"))
        return resp

    @staticmethod
    def lang(req: Request) -> str:
        """The page language: ``?lang=`` if given, else the session's cookie, else English."""
        for chosen in (req.query.get("lang"), req.cookies.get("lang")):
            if chosen in LANGS:
                return str(chosen)
        return "en"

    def is_teacher(self, req: Request) -> bool:
        """Whether the request carries the teacher's key (cookie)."""
        return secrets.compare_digest(req.cookies.get("teacher", ""), self.teacher_key)

    # ---- teams -------------------------------------------------------------------------

    def index(self, req: Request) -> Response:
        """Join form (a joined browser goes straight to its team page)."""
        if self.game.team_of(req.cookies.get("team")):
            return redirect("/team")
        return self.join_page(self.lang(req))

    def join_page(self, lang: str, error: str = "", status: int = 200) -> Response:
        """The join form."""
        body = (f"<h1>{escape(tr('g_join_title', lang, title=name(self.title, lang)))}</h1>"
                f"{_error(error)}<form method='post' action='/join' class='join'>"
                f"<label>{escape(tr('g_code_label', lang))} <input name='code' "
                "autocomplete='off' autocapitalize='characters' maxlength='12' required "
                f"autofocus></label> <button type='submit'>{escape(tr('g_join', lang))}</button>"
                "</form>")
        return self.page(tr("g_join", lang), body, lang, "/", status)

    def join(self, req: Request) -> Response:
        """Check the code (at most ``JOIN_TRIES`` wrong ones a minute) and bind the session."""
        lang = self.lang(req)
        now = self.clock()
        fails = [t for t in self.failed.get(req.client, []) if now - t < 60]
        self.failed[req.client] = fails
        if len(fails) >= JOIN_TRIES:
            return self.join_page(lang, tr("g_too_many", lang), 429)
        try:
            team, token = self.game.join(str(req.form.get("code", "")))
        except GameError as e:
            fails.append(now)
            return self.join_page(lang, refusal(e, lang), e.status)
        return redirect("/team", ("team", token))

    def team_page(self, req: Request, error: str = "", status: int = 200) -> Response:
        """The team's firm, its levers for the open round, and the leaderboard."""
        game, lang = self.game, self.lang(req)
        team = game.seen(req.cookies.get("team"))
        if team is None:
            return redirect("/")
        me = tr("g_team_n", lang, n=team.number)
        head = (f"<h1 class='team-head'>"
                f"{escape(tr('g_named', lang, a=me, b=name(team.firm_name, lang)))}</h1>"
                f"<p class='status'>{escape(self.status_line(lang))}</p>{_error(error)}")
        if game.state == LOBBY:
            body = f"<p class='wait'>{escape(tr('g_wait_start', lang))}</p>"
        elif game.state == OVER:
            body = f"<p class='wait'>{escape(tr('g_wait_over', lang))}</p>"
        elif team.pending is not None:
            body = (f"<p class='submitted'>{escape(tr('g_submitted', lang, r=game.round))}</p>"
                    + self.lever_form(team, lang))
        else:
            body = self.lever_form(team, lang)
        body += self.last_round(team, lang) + self.board_html(lang)
        script = _reload_on("team", f"{game.state}:{game.round}:{team.pending is not None}")
        return self.page(me, head + body + script, lang, "/team", status)

    def lever_form(self, team: Team, lang: str = "en") -> str:
        """The form with the team's levers at their values in force (or submitted)."""
        game = self.game
        word = period_word(game.market.spec.period, lang)
        values = team.pending if team.pending is not None else team.decisions
        rows = []
        for what, lever in game.bounds[team.firm].items():
            value = values.get(what, lever.value)
            if what == "winback":
                options = "".join(
                    f"<option value='{k}'{' selected' if k == value else ''}>"
                    f"{escape(tr(key, lang))}</option>" for k, key in WINBACK_LABELS.items())
                field_ = f"<select name='winback'>{options}</select>"
                label = tr("g_winback", lang)
            else:
                field_ = (f"<input type='number' name='{what}' value='{float(value):g}' "
                          f"min='{lever.lo:g}' max='{lever.hi:g}' step='any' required>")
                label = (tr("g_price", lang) if what == "price"
                         else tr("g_budget", lang, period=word))
                label += tr("g_range", lang, lo=f"{lever.lo:g}", hi=f"{lever.hi:g}")
            rows.append(f"<label class='lever lever-{what}'>{escape(label)} {field_}</label>")
        head = tr("g_round_head", lang, r=game.round, n=game.periods, period=word)
        return (f"<form method='post' action='/team' class='levers'><h2>{escape(head)}</h2>"
                f"<input type='hidden' name='round' value='{game.round}'>" + "".join(rows)
                + f"<button type='submit'>{escape(tr('g_submit', lang))}</button></form>")

    def last_round(self, team: Team, lang: str = "en") -> str:
        """What the team's decisions were in the last round played."""
        if not self.game.rounds:
            return ""
        r = self.game.rounds[-1]
        kept = "" if team.firm in r.submitted else tr("g_kept", lang)
        d = tr("g_sep", lang).join(f"{tr('g_lever_' + k, lang)} {_decision(k, v, lang)}"
                                   for k, v in r.decisions[team.firm].items())
        text = tr("g_last", lang, r=r.number, first=r.first, last=r.last, decisions=d,
                  period=period_word(self.game.market.spec.period, lang))
        return f"<p class='last'>{escape(text + kept)}</p>"

    def submit(self, req: Request) -> Response:
        """A team's form: decisions for the open round."""
        lang = self.lang(req)
        try:
            self.game.submit(req.cookies.get("team"), req.form)
        except GameError as e:
            if self.game.team_of(req.cookies.get("team")) is None:
                return self.join_page(lang, refusal(e, lang), e.status)
            return self.team_page(req, refusal(e, lang), e.status)
        return redirect("/team")

    def api_submit(self, req: Request) -> Response:
        """A team's decisions as JSON: {"price": 420, ...} -> {"played": bool, ...}."""
        try:
            played = self.game.submit(req.cookies.get("team"), req.form)
        except GameError as e:
            return as_json({"error": str(e)}, e.status)
        return as_json({"played": played, **self.game.public()})

    # ---- teacher -----------------------------------------------------------------------

    def teacher_page(self, req: Request, error: str = "", status: int = 200) -> Response:
        """Round control, join codes, leaderboard and the market's charts."""
        lang = self.lang(req)
        title = tr("g_teacher", lang)
        if "key" in req.query:
            if secrets.compare_digest(req.query["key"], self.teacher_key):
                return redirect("/teacher", ("teacher", self.teacher_key))
            return self.page(title, _error(tr("g_wrong_key", lang)), lang, "/teacher", 403)
        if not self.is_teacher(req):
            return self.page(title, _error(tr("g_open_teacher", lang)), lang, "/teacher", 403)
        game = self.game
        word = period_word(game.market.spec.period, lang)
        control = ""
        if game.state == LOBBY:
            control = _button("/teacher/start", tr("g_start", lang), "start")
        elif game.state == PLAYING:
            control = _button("/teacher/advance", tr("g_play_now", lang, r=game.round),
                              "advance")
        if game.state != OVER:
            per_round = tr("g_per_round", lang, period=word, Period=word.capitalize())
            control += ("<form method='post' action='/teacher/periods' class='periods'>"
                        f"<label>{escape(per_round)} <input type='number' name='periods' "
                        f"value='{game.periods}' min='1' max='52' step='1'></label> "
                        f"<button type='submit'>{escape(tr('g_set', lang))}</button></form>")
        teams = "".join(
            f"<tr data-firm='{t.firm}'><td>{escape(tr('g_team_n', lang, n=t.number))}</td>"
            f"<td>{escape(name(t.firm_name, lang))}</td><td class='code'>{t.code}</td>"
            "<td class='team-status'>"
            f"{escape(tr('g_st_' + game.status(t).replace(' ', '_'), lang))}</td></tr>"
            for t in game.teams)
        heads = "".join(f"<th>{escape(tr(k, lang))}</th>"
                        for k in ("g_col_team", "g_col_firm", "g_col_code", "g_col_status"))
        body = (f"<h1>{escape(tr('g_classroom', lang, title=name(self.title, lang)))}</h1>"
                f"<p class='status'>{escape(self.status_line(lang))}</p>{_error(error)}"
                f"<div class='control'>{control}</div>"
                f"<div class='cols'><div><h2>{escape(tr('g_teams', lang))}</h2>"
                f"<table class='teams'><tr>{heads}</tr>{teams}</table></div>"
                f"<div>{self.board_html(lang)}</div></div>"
                f"<div class='charts'>{self.charts(lang)}</div>"
                + _reload_on("teacher", str(game.version)))
        return self.page(title, body, lang, "/teacher", status)

    def _teacher_action(self, req: Request, action: Callable[[], object]) -> Response:
        lang = self.lang(req)
        if not self.is_teacher(req):
            return self.page(tr("g_teacher", lang), _error(tr("g_only_teacher", lang)), lang,
                             "/teacher", 403)
        try:
            action()
        except GameError as e:
            return self.teacher_page(req, refusal(e, lang), e.status)
        return redirect("/teacher")

    def start(self, req: Request) -> Response:
        """Open round 1."""
        return self._teacher_action(req, self.game.start)

    def advance(self, req: Request) -> Response:
        """Play the open round now."""
        return self._teacher_action(req, self.game.advance)

    def periods(self, req: Request) -> Response:
        """Set the periods per round."""
        return self._teacher_action(req, lambda: self.game.set_periods(req.form.get("periods")))

    # ---- shared ------------------------------------------------------------------------

    def state(self, req: Request) -> Response:
        """The game as JSON, with the caller's own team (and the codes, for the teacher)."""
        data = self.game.public()
        team = self.game.seen(req.cookies.get("team"))
        if team is not None:
            data["you"] = {"team": team.name, "firm": team.firm, "firm_name": team.firm_name,
                           "decisions": team.decisions, "pending": team.pending,
                           "levers": {w: {"lo": lv.lo, "hi": lv.hi} if w != "winback" else
                                      {"choices": list(WINBACK_LABELS)}
                                      for w, lv in self.game.bounds[team.firm].items()}}
        if self.is_teacher(req):
            data["codes"] = {t.name: t.code for t in self.game.teams}
        return as_json(data)

    def status_line(self, lang: str = "en") -> str:
        """"Round 3 open: 1 of 2 teams submitted; week 8 of 260" and the like."""
        game, word = self.game, period_word(self.game.market.spec.period, lang)
        where = tr("g_where", lang, period=word, t=game.market.t, horizon=game.horizon)
        if game.state == LOBBY:
            return tr("g_lobby", lang, where=where)
        if game.state == OVER:
            return tr("g_over", lang, r=len(game.rounds), where=where)
        done = sum(t.pending is not None for t in game.teams)
        return tr("g_open", lang, r=game.round, done=done, n=len(game.teams), where=where)

    def board_html(self, lang: str = "en") -> str:
        """The leaderboard table."""
        game = self.game
        head = (tr("g_board_after", lang, r=len(game.rounds)) if game.rounds
                else tr("g_board_before", lang))
        teams = {t.firm: tr("g_team_n", lang, n=t.number) for t in game.teams}
        rows = "".join(
            f"<tr data-firm='{s.firm}'><td>{s.rank}</td>"
            f"<td>{escape(teams.get(s.firm, tr('g_computer', lang)))}</td>"
            f"<td>{escape(name(s.firm_name, lang))}</td>"
            f"<td class='num'>{s.cumulative_profit:,.0f}</td>"
            f"<td class='num'>{s.round_profit:,.0f}</td>"
            f"<td class='num'>{_pct(s.retention, 2)}</td><td class='num'>{_pct(s.share, 1)}</td>"
            "</tr>" for s in game.leaderboard())
        heads = "".join(f"<th>{escape(tr(k, lang))}</th>" for k in (
            "g_col_team", "g_col_firm", "g_col_profit", "g_col_round", "g_col_retention",
            "g_col_share"))
        return (f"<h2 class='board-head'>{escape(head)}</h2><table class='leaderboard'>"
                f"<tr><th>#</th>{heads}</tr>{rows}</table>")

    def charts(self, lang: str = "en") -> str:
        """Market share, cumulative profit and retention; round starts as dashed lines."""
        game = self.game
        df, xlabel = game.frame(), period_word(game.market.spec.period, lang)
        marks = [(r.first, MARKER, str(r.number)) for r in game.rounds[1:]]
        firms = [(k, fid, df[df["firm"] == fid]) for k, fid in enumerate(game.names)]
        out = []
        for col, title, ylabel, scale in (
                ("market_share", "g_chart_share", "%", 100.0),
                ("cumulative_profit", "g_chart_profit", "", 1.0),
                ("retention_rate", "g_chart_retention", "%", 100.0)):
            series = [Series(g["period"].tolist(), (g[col].astype(float) * scale).tolist(),
                             name(game.names[fid], lang), color(k)) for k, fid, g in firms]
            svg = render(Chart(tr(title, lang), xlabel, ylabel, vlines=marks), series,
                         hint=tr("g_chart_hint", lang))
            out.append(f"<div class='chart chart-{col}'>{svg}</div>")
        return "".join(out)

    def page(self, title: str, body: str, lang: str = "en", here: str = "/",
             status: int = 200) -> Response:
        """A whole HTML page in ``lang``, with a link to the page ``here`` in the other one."""
        other = "en" if lang == "zh" else "zh"
        switch = (f"<nav class='lang-switch'><a href='{here}?lang={other}' "
                  f"hreflang='{_html_lang(other)}' lang='{_html_lang(other)}'>"
                  f"{escape(tr('language', lang))}</a></nav>")
        full = tr("g_named", lang, a=title, b=name(self.title, lang))
        html = (f"<!doctype html><html lang='{_html_lang(lang)}'><head><meta charset='utf-8'>"
                "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                f"<title>{escape(full)}</title><style>{CSS}</style>"
                f"</head><body>{switch}{body}</body></html>")
        return Response(status, html.encode())


def refusal(e: GameError, lang: str) -> str:
    """The game's refusal ``e`` in ``lang`` (its English text if it has no key)."""
    if lang == "en" or e.key not in TEXT:
        return str(e)
    values = dict(e.values)
    if "firm" in values:
        values["firm"] = name(str(values["firm"]), lang)
    if "what" in values:
        values["what"] = tr(f"g_lever_{values['what']}", lang)
    return tr(e.key, lang, **values)


def _decision(what: str, value: object, lang: str) -> str:
    """A decision as the last-round line shows it (win-back offers in words, but in English)."""
    if what == "winback" and lang != "en" and value in WINBACK_LABELS:
        return tr(WINBACK_LABELS[str(value)], lang)
    return _show(value)


def _html_lang(lang: str) -> str:
    return "zh-Hans" if lang == "zh" else "en"


def _hostname(host: str) -> str:
    """``127.0.0.1`` from ``127.0.0.1:8800``, ``::1`` from ``[::1]:8800``."""
    host = host.strip()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _error(text: str) -> str:
    return f"<p class='error' role='alert'>{escape(text)}</p>" if text else ""


def _button(action: str, label: str, cls: str) -> str:
    return (f"<form method='post' action='{action}' class='{cls}'>"
            f"<button type='submit'>{escape(label)}</button></form>")


def _pct(x: float, digits: int) -> str:
    return "-" if x != x else f"{100 * x:.{digits}f}%"


def _show(v: object) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _reload_on(kind: str, key: str) -> str:
    """Script: reload the page when the game's ``kind`` key changes (polls /api/state)."""
    expr = ("d.version" if kind == "teacher" else
            "d.state + ':' + d.round + ':' + (d.you && d.you.pending !== null)")
    return ("<script>(function(){const key=" + json.dumps(key) + ";"
            "setInterval(async function(){try{const r=await fetch('/api/state',"
            "{cache:'no-store'});const d=await r.json();const k=String(" + expr + ");"
            "const a=document.activeElement;"
            "if(a&&(a.tagName==='INPUT'||a.tagName==='SELECT'))return;"
            "if(k!==key)location.reload();}catch(e){}},1000);})();</script>")


CSS = """
body{font-family:'DejaVu Sans','Noto Sans CJK SC',Arial,sans-serif;font-size:18px;margin:16px;
     color:#222}
h1{font-size:26px;margin:0 0 8px} h2{font-size:21px;margin:14px 0 6px}
table{border-collapse:collapse} td,th{border:1px solid #bbb;padding:4px 10px;text-align:left}
td.num{text-align:right} .code{font-family:monospace;font-size:24px;letter-spacing:2px}
.error{color:#a00;font-weight:bold} .submitted{color:#006400;font-weight:bold}
label{display:block;margin:8px 0} input,select,button{font-size:18px;padding:4px 8px}
form{margin:6px 0} .control form{display:inline-block;margin-right:24px}
.control label{display:inline} .cols{display:flex;gap:32px;flex-wrap:wrap}
.lang-switch{float:right;font-size:18px;margin-left:16px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:8px;
        margin-top:8px;max-width:1500px}
"""


class Handler(BaseHTTPRequestHandler):
    """Adapts ``http.server`` to ``Hub.handle``."""

    hub: Hub
    server_version = "loyaltysim-classroom"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        """GET."""
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        """POST."""
        self._answer("POST")

    def _answer(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        form: dict[str, Any] = {}
        is_json = False
        if method == "POST":
            try:
                size = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                size = -1
            if not 0 <= size <= MAX_BODY:
                self._send(Response(413, b"too large", "text/plain"))
                return
            raw = self.rfile.read(size)
            is_json = "json" in (self.headers.get("Content-Type") or "")
            try:
                form = _parse_body(raw, is_json)
            except ValueError:
                self._send(as_json({"error": "the body is not a JSON object"}, 400))
                return
        cookies = {}
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
            cookies = {k: m.value for k, m in jar.items()}
        except Exception:  # noqa: BLE001 - a mangled cookie is no cookie
            cookies = {}
        req = Request(method, url.path, query, form, cookies, self.client_address[0],
                      self.headers.get("Host") or "", is_json)
        try:
            resp = self.hub.handle(req)
        except Exception as e:  # noqa: BLE001 - answer, keep serving the other teams
            resp = Response(500, f"internal error: {type(e).__name__}: {e}".encode(),
                            "text/plain; charset=utf-8")
        self._send(resp)

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Frame-Options", "DENY")
        for k, v in resp.headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(resp.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        """Quiet: no line per request."""


def _parse_body(raw: bytes, is_json: bool) -> dict[str, Any]:
    """Form fields (first value of each) or a JSON object's scalar fields."""
    if is_json:
        data = json.loads(raw or b"{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return {str(k): v for k, v in data.items()}
    text = raw.decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def make_server(hub: Hub, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server for ``hub`` bound to (host, port); call ``serve_forever``."""
    handler = type("BoundHandler", (Handler,), {"hub": hub})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def teacher_key() -> str:
    """A fresh, unguessable teacher key."""
    return secrets.token_urlsafe(12)

