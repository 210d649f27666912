"""``python run.py dashboard [SCENARIO] [--port P] [--host H] [--allow-remote]``.

Starts the Solara server for ``sim.dashboard.app`` in production mode (no calls to solara.dev,
no telemetry), bound to 127.0.0.1 unless a non-loopback host is asked for explicitly with
``--allow-remote``. The command becomes the server (``exec``), so Ctrl+C or SIGTERM to it stops
the server: there is no child left running.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

from ..scenario import InputError, Problem, load_scenario

EXIT_INPUT = 2
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def add_commands(subparsers) -> dict:
    """Register ``dashboard``; return {name: function}."""
    d = subparsers.add_parser("dashboard", help="start the classroom dashboard in a browser")
    d.add_argument("scenario", nargs="?", help="scenario shown first (default: the first in "
                   "scenarios/)")
    d.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    d.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    d.add_argument("--allow-remote", action="store_true",
                   help="allow binding to a non-loopback address (the whole network can reach "
                        "the dashboard)")
    return {"dashboard": cmd_dashboard}


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


def cmd_dashboard(args, argv) -> int:
    """Check the scenario and the host, then run the server until interrupted."""
    if not is_loopback(args.host) and not args.allow_remote:
        print(f"refusing to bind the dashboard to {args.host!r}: it is not a loopback address, "
              "so anyone on the network could use it. Use --host 127.0.0.1 (the default), or "
              "add --allow-remote if you really mean to share it.", file=sys.stderr)
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
