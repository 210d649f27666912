"""The classroom game (``run.py classroom``): teams play the firms of one market, round by round.

Like NetLogo's HubNet: each team joins from its own browser with a join code and runs one
firm's live levers (price, service budget, win-back offer; ``live``); the teacher starts the
game, sets the number of periods per round and can play a round at any time. This module is
the game's state only, with no web code (``hub`` serves it):

* ``Game.join(code)`` binds a new session token to the code's firm; every team action names
  only its token, so a team can act only on its own firm;
* every decision goes through the firm's ``live.LiveLever.check`` with the bounds the levers
  had when the game was set up (they do not drift with the team's own choices);
* a round is played when every team has submitted, or when the teacher moves on
  (``Game.advance``): the submitted decisions are applied, the market steps ``periods`` periods,
  and a team that did not submit (dropped, away, undecided) keeps its last decisions;
* ``Game.leaderboard()`` reads the market's own trajectories (``Market.trajectories()``).

Firms beyond the number of teams keep the scenario's strategies (played by the computer).
"""

from __future__ import annotations

import math
import random
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import live
from .i18n import tr

LOBBY, PLAYING, OVER = "lobby", "playing", "over"
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1: read aloud, typed by hand
CODE_LENGTH = 6
MAX_PERIODS = 52  # periods per round, at most
AWAY_AFTER = 15.0  # seconds without a request: the team is shown as away
LEVERS = ("price", "budget", "winback")

Decision = float | str


class GameError(ValueError):
    """A request the game refuses (bad code, not your firm, out of bounds, wrong state).

    Attributes:
        status: The HTTP status the web layer answers with (400, 403 or 409).
        key: The message's key in ``i18n.TEXT`` ("" if it has none), so pages can show it in
            another language.
        values: The values the message is formatted with.
    """

    def __init__(self, message: str, status: int = 400, key: str = "",
                 values: dict[str, object] | None = None):
        super().__init__(message)
        self.status = status
        self.key = key
        self.values = values or {}

    @classmethod
    def of(cls, key: str, status: int = 400, **values: object) -> GameError:
        """The refusal ``key`` of ``i18n.TEXT``, in English, formatted with ``values``."""
        return cls(tr(key, "en", **values), status, key, values)


@dataclass
class Team:
    """One team and the firm it plays.

    Attributes:
        number: 1, 2, ... (the firm's place in the scenario).
        firm: Firm id.
        firm_name: The firm's name.
        code: Join code.
        decisions: Lever values in force (``LEVERS`` keys the firm has).
        pending: Decisions submitted for the open round (None: not submitted yet).
        sessions: Session tokens bound to this team.
        last_seen: Clock time of the team's last request (None: never joined).
    """

    number: int
    firm: str
    firm_name: str
    code: str
    decisions: dict[str, Decision]
    pending: dict[str, Decision] | None = None
    sessions: set[str] = field(default_factory=set)
    last_seen: float | None = None

    @property
    def name(self) -> str:
        """``Team 1`` etc."""
        return f"Team {self.number}"


@dataclass(frozen=True)
class RoundResult:
    """One played round.

    Attributes:
        number: Round number (1, 2, ...).
        first: First period played.
        last: Last period played.
        submitted: Firm ids of the teams that submitted (the others kept their decisions).
        by_teacher: Whether the teacher moved on (False: every team had submitted).
        decisions: {firm id: decisions in force during the round}.
    """

    number: int
    first: int
    last: int
    submitted: tuple[str, ...]
    by_teacher: bool
    decisions: dict[str, dict[str, Decision]]


@dataclass(frozen=True)
class Standing:
    """One leaderboard row.

    Attributes:
        rank: 1 = highest cumulative profit.
        firm: Firm id.
        firm_name: Firm name.
        team: Team name, or "computer" for a firm no team plays.
        cumulative_profit: The firm's cumulative profit at the last period played.
        round_profit: Profit over the last round played.
        retention: Mean per-period retention rate over the periods played.
        share: Market share in the last period played.
    """

    rank: int
    firm: str
    firm_name: str
    team: str
    cumulative_profit: float
    round_profit: float
    retention: float
    share: float

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready values (NaN as None)."""
        return {k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in self.__dict__.items()}


class Game:
    """The state of one classroom game over one ``sim.model.Market``.

    Args:
        market: A fresh market (period 0); the game steps it.
        teams: Number of teams: team k plays the k-th firm of the scenario.
        periods: Periods per round (1..``MAX_PERIODS``).
        rng: Source of join codes (default: the operating system's, unguessable).
        clock: Seconds (default ``time.monotonic``), for "away" teams.
    """

    def __init__(self, market: Any, teams: int, periods: int = 4,
                 rng: random.Random | None = None,
                 clock: Callable[[], float] = time.monotonic):
        firms = list(market.firms)
        if not 1 <= teams <= len(firms):
            raise GameError(f"this case has {len(firms)} firms: --teams must be 1.."
                            f"{len(firms)}, got {teams}")
        self.market = market
        self.clock = clock
        self.periods = self._check_periods(periods)
        self.bounds: dict[str, dict[str, live.LiveLever]] = {}
        for lever in live.levers(market):
            self.bounds.setdefault(lever.firm, {})[lever.what] = lever
        rng = rng or secrets.SystemRandom()
        codes: set[str] = set()
        while len(codes) < teams:
            codes.add("".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH)))
        self.teams = [Team(k + 1, f.fid, f.cfg.name or f.fid, code,
                           {w: lv.value for w, lv in self.bounds[f.fid].items()})
                      for k, (f, code) in enumerate(zip(firms, sorted(codes)))]
        self.names = {f.fid: f.cfg.name or f.fid for f in firms}
        self.state = LOBBY
        self.rounds: list[RoundResult] = []
        self.version = 0  # changes whenever anything a page shows changes
        self._frame: tuple[int, pd.DataFrame] | None = None

    # ---- teams -------------------------------------------------------------------------

    def join(self, code: str) -> tuple[Team, str]:
        """Bind a new session to the team of ``code``; return (team, session token)."""
        typed = "".join(str(code).split()).upper()
        team = next((t for t in self.teams if secrets.compare_digest(t.code, typed)), None)
        if team is None:
            raise GameError.of("e_code", 403)
        token = secrets.token_urlsafe(18)
        team.sessions.add(token)
        team.last_seen = self.clock()
        self.version += 1
        return team, token

    def team_of(self, token: str | None) -> Team | None:
        """The team bound to session ``token`` (None if it is bound to none)."""
        if not token:
            return None
        return next((t for t in self.teams if token in t.sessions), None)

    def seen(self, token: str | None) -> Team | None:
        """Note that the session's team is still there; return the team (or None)."""
        team = self.team_of(token)
        if team is not None:
            if self.away(team):
                self.version += 1
            team.last_seen = self.clock()
        return team

    def away(self, team: Team) -> bool:
        """Whether ``team`` joined but has sent nothing for ``AWAY_AFTER`` seconds."""
        return team.last_seen is not None and self.clock() - team.last_seen > AWAY_AFTER

    def status(self, team: Team) -> str:
        """"not joined", "away", "submitted" or "deciding"."""
        if team.last_seen is None:
            return "not joined"
        if team.pending is not None:
            return "submitted"
        return "away" if self.away(team) else "deciding"

    # ---- decisions ---------------------------------------------------------------------

    def check(self, firm: str, form: Mapping[str, Any]) -> dict[str, Decision]:
        """The decisions in ``form`` checked against ``firm``'s levers (GameError if not)."""
        levers = self.bounds[firm]
        unknown = sorted(set(form) - set(levers) - {"firm", "round"})
        if unknown:
            raise GameError.of("e_lever", names=", ".join(map(str, unknown)))
        out: dict[str, Decision] = {}
        for what, lever in levers.items():
            if what not in form:
                continue
            raw = form[what]
            try:
                value = lever.check(raw if what == "winback" else float(str(raw).strip()))
            except (TypeError, ValueError):
                if what == "winback":
                    raise GameError.of("e_winback", choices=str(live.WINBACK),
                                       got=repr(raw)) from None
                raise GameError.of("e_number", what=what, lo=f"{lever.lo:g}",
                                   hi=f"{lever.hi:g}", got=repr(raw)) from None
            out[what] = value
        return out

    def submit(self, token: str | None, form: Mapping[str, Any]) -> bool:
        """Team ``token`` submits its decisions for the open round; True if the round played.

        ``form`` holds lever values by name (``price``, ``budget``, ``winback``; a missing one
        keeps its value), and optionally ``firm`` (must be the team's own) and ``round``
        (must be the open round: a page left open from an earlier round is refused). A team may
        submit again until the round is played: the new values replace those it submitted.
        """
        team = self.team_of(token)
        if team is None:
            raise GameError.of("e_join_first", 403)
        team.last_seen = self.clock()
        if "firm" in form and str(form["firm"]) != team.firm:
            raise GameError.of("e_plays", 403, n=team.number, firm=team.firm_name)
        if self.state != PLAYING:
            raise GameError.of("e_not_started" if self.state == LOBBY else "e_over", 409)
        if "round" in form and str(form["round"]).strip() != str(self.round):
            raise GameError.of("e_round_over", 409, got=form["round"], r=self.round)
        team.pending = {**(team.pending or team.decisions), **self.check(team.firm, form)}
        self.version += 1
        if all(t.pending is not None for t in self.teams):
            self._play(by_teacher=False)
            return True
        return False

    # ---- teacher -----------------------------------------------------------------------

    @property
    def round(self) -> int:
        """The open round (1, 2, ...; 0 before the start); after the end, the last one."""
        return len(self.rounds) + (1 if self.state == PLAYING else 0)

    @property
    def horizon(self) -> int:
        """Periods the market runs in all."""
        return int(self.market.spec.horizon)

    def start(self) -> None:
        """Open round 1 (teams may join before and after)."""
        if self.state != LOBBY:
            raise GameError.of("e_started", 409)
        self.state = PLAYING
        self.version += 1

    def set_periods(self, periods: Any) -> int:
        """Change the number of periods per round (from the next round played)."""
        if self.state == OVER:
            raise GameError.of("e_over", 409)
        self.periods = self._check_periods(periods)
        self.version += 1
        return self.periods

    def advance(self) -> RoundResult:
        """The teacher moves on: play the open round with the decisions submitted so far."""
        if self.state != PLAYING:
            raise GameError.of("e_start_first" if self.state == LOBBY else "e_over", 409)
        return self._play(by_teacher=True)

    @staticmethod
    def _check_periods(periods: Any) -> int:
        try:
            n = float(str(periods).strip())
        except ValueError:
            n = float("nan")
        if not math.isfinite(n) or n != int(n) or not 1 <= n <= MAX_PERIODS:
            raise GameError.of("e_periods", max=MAX_PERIODS, got=repr(periods))
        return int(n)

    def _play(self, by_teacher: bool) -> RoundResult:
        """Apply the submitted decisions, step the market, open the next round (or end)."""
        market = self.market
        now = {lv.key: lv.value for lv in live.levers(market)}
        submitted = []
        for team in self.teams:
            if team.pending is None:
                continue  # dropped or undecided: the firm keeps its last decisions
            submitted.append(team.firm)
            for what, value in team.pending.items():
                lever = self.bounds[team.firm][what]
                if now.get(lever.key) != value:
                    live.apply(market, lever, value)
            team.decisions, team.pending = team.pending, None
        first = market.t
        for _ in range(min(self.periods, self.horizon - market.t)):
            market.step()
        result = RoundResult(len(self.rounds) + 1, first, market.t - 1, tuple(submitted),
                             by_teacher, {t.firm: dict(t.decisions) for t in self.teams})
        self.rounds.append(result)
        if market.t >= self.horizon or not market.running:
            self.state = OVER
        self.version += 1
        return result

    # ---- results -----------------------------------------------------------------------

    def frame(self) -> pd.DataFrame:
        """The market's trajectories so far (cached per period)."""
        if self._frame is None or self._frame[0] != self.market.t:
            self._frame = (self.market.t, self.market.trajectories())
        return self._frame[1]

    def leaderboard(self) -> list[Standing]:
        """Every firm by cumulative profit: profit, last round's profit, retention, share."""
        df = self.frame()
        teams = {t.firm: t.name for t in self.teams}
        last = self.rounds[-1] if self.rounds else None
        rows = []
        for fid, name in self.names.items():
            g = df[df["firm"] == fid]
            if g.empty:
                rows.append((fid, name, 0.0, 0.0, float("nan"), float("nan")))
                continue
            cum = float(g["cumulative_profit"].iloc[-1])
            in_round = g[g["period"] >= last.first] if last else g.iloc[:0]
            retention = g["retention_rate"].astype(float)
            rows.append((fid, name, cum, float(in_round["profit"].sum()),
                         float(retention.mean()) if retention.notna().any() else float("nan"),
                         float(g["market_share"].iloc[-1])))
        rows.sort(key=lambda r: -r[2])
        return [Standing(k + 1, fid, name, teams.get(fid, "computer"), cum, rnd, ret, share)
                for k, (fid, name, cum, rnd, ret, share) in enumerate(rows)]

    def public(self) -> dict[str, Any]:
        """What everybody may see, JSON-ready (no join codes, no sessions)."""
        return {
            "state": self.state, "round": self.round, "rounds_played": len(self.rounds),
            "periods": self.periods, "t": self.market.t, "horizon": self.horizon,
            "period_word": self.market.spec.period, "version": self.version,
            "teams": [{"team": t.name, "number": t.number, "firm": t.firm,
                       "firm_name": t.firm_name, "status": self.status(t)}
                      for t in self.teams],
            "leaderboard": [s.as_dict() for s in self.leaderboard()],
        }
