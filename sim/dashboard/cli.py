"""The ``dashboard`` and ``classroom`` commands of ``run.py``.

``python run.py dashboard [SCENARIO] [--port P] [--host H] [--allow-remote]`` starts the
Solara server for ``sim.dashboard.app`` in production mode (no calls to solara.dev,
no telemetry), bound to 127.0.0.1 unless a non-loopback host is asked for explicitly with
``--allow-remote``. The command becomes the server (``exec``), so Ctrl+C or SIGTERM to it stops
the server: there is no child left running.

``python run.py classroom CASE --teams N [--port P] [--host H] [--allow-remote]`` serves the
classroom game (``game``, ``hub``): a teacher's page and one page per
team, from a small HTTP server in this very process (no child either; SIGTERM or Ctrl+C stops
it and prints the final leaderboard). It too binds to 127.0.0.1 unless ``--allow-remote``.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from ..scenario import InputError, Problem, load_scenario

EXIT_INPUT = 2
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def add_commands(subparsers: Any) -> dict[str, Any]:
    """Register ``dashboard``; return {name: function}."""
    d = subparsers.add_parser("dashboard", help="start the classroom dashboard in a browser")
    d.add_argument("scenario", nargs="?", help="scenario shown first (default: the first in "
                   "scenarios/)")
    d.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    d.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    d.add_argument("--allow-remote", action="store_true",
                   help="allow binding to a non-loopback address (the whole network can reach "
                        "the dashboard)")
    c = subparsers.add_parser(
        "classroom", help="play the firms: each team runs one firm from its own browser")
    c.add_argument("case", help="scenario file, or the name of one in scenarios/ "
                   "(e.g. nanyuan_vs_eaton)")
    c.add_argument("--teams", type=int, required=True,
                   help="number of teams; team k plays the k-th firm (the others keep the "
                        "scenario's strategies)")
    c.add_argument("--port", type=int, default=8800, help="port (default 8800)")
    c.add_argument("--host", default=None, help="address to bind (default 127.0.0.1; with "
                   "--allow-remote, 0.0.0.0)")
    c.add_argument("--allow-remote", action="store_true",
                   help="let other machines (the students' browsers) reach the game")
    c.add_argument("--periods-per-round", type=int, default=4,
                   help="periods the market runs per round (default 4; the teacher can "
                        "change it)")
    c.add_argument("--seed", type=int, default=None, help="seed (default: the scenario's)")
    return {"dashboard": cmd_dashboard, "classroom": cmd_classroom}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or name (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def server_command(host: str, port: int, app: str = "sim.dashboard.app") -> list[str]:
    """The ``solara run`` command line for ``app``."""
    return [sys.executable, "-m", "solara", "run", app, "--host", host,
            "--port", str(port), "--production", "--no-open", "--no-check-version"]


def server_env(scenario: str | None) -> dict:
    """Environment of the server: offline, no telemetry, the first scenario."""
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="False",
               SOLARA_ASSETS_PROXY="True", MPLBACKEND="Agg")
    if scenario:
        env["LOYALTYSIM_SCENARIO"] = str(Path(scenario).resolve())
    return env


def refuse_remote(host: str, what: str) -> bool:
    """Say why ``host`` is refused without ``--allow-remote``; True if it is."""
    if is_loopback(host):
        return False
    print(f"refusing to bind the {what} to {host!r}: it is not a loopback address, "
          "so anyone on the network could use it. Use --host 127.0.0.1 (the default), or "
          "add --allow-remote if you really mean to share it.", file=sys.stderr)
    return True


def cmd_dashboard(args: Any, argv: list[str]) -> int:
    """Check the scenario and the host, then run the server until interrupted."""
    if not args.allow_remote and refuse_remote(args.host, "dashboard"):
        return EXIT_INPUT
    if not 0 < args.port < 65536:
        raise InputError("--port", [Problem("--port", f"ports are 1..65535, got {args.port}")])
    if args.scenario:
        load_scenario(args.scenario)  # a bad file fails here, with its explanation
    try:
        import solara  # noqa: F401
    except ImportError:
        print("the dashboard needs its extra: pip install -e '.[dashboard]' (or make dashboard)",
              file=sys.stderr)
        return EXIT_INPUT
    print(f"dashboard on http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    return serve("sim.dashboard.app", args.host, args.port, server_env(args.scenario))


def serve(app: str, host: str, port: int, env: dict) -> int:
    """Replace this process by the Solara server of ``app`` (returns only if exec fails)."""
    os.chdir(Path(__file__).resolve().parents[2])
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, server_command(host, port, app), env)
    return 1  # pragma: no cover - execve does not return


class Stopped(Exception):
    """SIGTERM reached the classroom server."""


def case_path(case: str) -> str:
    """``case`` if it is a file, else ``scenarios/CASE.yaml`` of this project if that is one."""
    if Path(case).exists():
        return case
    named = Path(__file__).resolve().parents[2] / "scenarios" / f"{Path(case).stem}.yaml"
    return str(named) if named.exists() else case


def cmd_classroom(args: Any, argv: list[str]) -> int:
    """Check the host, the case and the teams, then serve the game until stopped."""
    from ..model import Market
    from .game import Game, GameError
    from .hub import Hub, make_server, teacher_key

    host = args.host or ("0.0.0.0" if args.allow_remote else "127.0.0.1")
    if not args.allow_remote and refuse_remote(host, "classroom game"):
        return EXIT_INPUT
    if not 0 < args.port < 65536:
        raise InputError("--port", [Problem("--port", f"ports are 1..65535, got {args.port}")])
    scenario = load_scenario(case_path(args.case))
    try:
        game = Game(Market(scenario, seed=args.seed), args.teams, args.periods_per_round)
    except GameError as e:
        print(e, file=sys.stderr)
        return EXIT_INPUT
    key = teacher_key()
    hub = Hub(game, scenario.name, key, loopback_only=is_loopback(host))
    try:
        server = make_server(hub, host, args.port)
    except OSError as e:
        print(f"cannot serve on {host}:{args.port}: {e.strerror or e}", file=sys.stderr)
        return EXIT_INPUT
    shown = host if is_loopback(host) or host not in ("0.0.0.0", "::") else lan_address()
    base = f"http://{shown}:{args.port}"
    print(f"classroom game: {scenario.name}, {args.teams} team(s)\n"
          f"teacher (keep this address to yourself): {base}/teacher?key={key}\n"
          f"teams join at: {base}/\n"
          + "".join(f"  {t.name} ({t.firm_name}): join code {t.code}\n" for t in game.teams)
          + "Ctrl+C stops the game.", flush=True)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Stopped

    old = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except (KeyboardInterrupt, Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, old)
        server.server_close()
    with hub.lock:
        rows = game.leaderboard()
    print(f"stopped after {len(game.rounds)} round(s). Leaderboard:")
    for s in rows:
        share = "-" if s.share != s.share else f"{100 * s.share:.1f}%"
        print(f"  {s.rank}. {s.team} ({s.firm_name}): cumulative profit "
              f"{s.cumulative_profit:,.0f}, market share {share}", flush=True)
    return 0


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), else its name."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
    except OSError:
        return socket.gethostname()
