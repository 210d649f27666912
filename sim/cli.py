"""Command line: ``python run.py run|check|schema ...`` (exit 0 ok, 2 bad input, 1 internal)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from .scenario import InputError

if TYPE_CHECKING:
    from .scenario import Scenario

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2

# A subcommand: function(args, argv) -> exit status; the subparsers it is registered on.
Command: TypeAlias = Callable[[argparse.Namespace, list[str]], int]
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    ap = argparse.ArgumentParser(prog="run.py", description=__doc__.split("(")[0].strip())
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run one scenario and write its outputs")
    r.add_argument("scenario")
    r.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    r.add_argument("--out", help="output folder (default: outputs/<scenario file name>)")
    r.add_argument("--customers", type=int, help="number of simulated agents (market.customers); "
                   "the market's population stays as the scenario says")
    r.add_argument("--periods", type=int, help="override the horizon")
    r.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override any field, e.g. firms.eaton.price=350 (repeatable)")
    r.add_argument("--follow", default="", metavar="I,J,...",
                   help="customer indices to record every period (customers.csv)")
    c = sub.add_parser("check", help="validate a scenario without running it")
    c.add_argument("scenario")
    c.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    sub.add_parser("schema", help="print the scenario JSON Schema")
    for module in EXTENSIONS:
        COMMANDS.update(importlib.import_module(module).add_commands(sub))
    return ap


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, argv)
    except InputError as e:
        print(e, file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - let interpreter exit quietly
        return EXIT_OK
    except Exception as e:  # noqa: BLE001 - last resort: say what broke, without a traceback
        print(f"internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_INTERNAL


def cmd_run(args: argparse.Namespace, argv: list[str]) -> int:
    """``run``: validate, run, write outputs, print the summary."""
    from pathlib import Path

    from .api import run
    from .output import summary, write_outputs
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides, args.customers, args.periods)
    follow = parse_follow(args.follow, scenario, args.scenario)
    result = run(scenario, seed=args.seed, follow=follow)
    out = Path(args.out or Path("outputs") / Path(args.scenario).stem)
    write_outputs(result, out, argv)
    print(summary(result))
    print(f"outputs written to {out}/")
    return EXIT_OK


def parse_follow(text: str, scenario: Scenario, file: str) -> list[int]:
    """``"3,17"`` -> [3, 17], checked against the market size."""
    from .scenario import Problem

    try:
        ids = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        msg = f"expected integers like 3,17, got {text!r}"
        raise InputError(file, [Problem("--follow", msg)]) from None
    n = scenario.market.customers
    assert n is not None  # filled in by the schema's validator
    bad = [i for i in ids if not 0 <= i < n]
    if bad:
        raise InputError(file, [Problem("--follow", f"customers are 0..{n - 1}, got {bad}")])
    return ids


def cmd_check(args: argparse.Namespace, argv: list[str]) -> int:
    """``check``: validate only."""
    from .scenario import load_scenario

    sc = load_scenario(args.scenario, args.overrides)
    print(f"{args.scenario}: valid ({len(sc.firms)} firms, a market of "
          f"{sc.market.population:,} customers simulated by {sc.market.customers:,} agents, "
          f"{sc.horizon} {sc.period}s)")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, argv: list[str]) -> int:
    """``schema``: print the JSON Schema of scenario files."""
    from .scenario import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return EXIT_OK


COMMANDS: dict[str, Command] = {"run": cmd_run, "check": cmd_check, "schema": cmd_schema}

# Modules that add subcommands: each has ``add_commands(subparsers) -> {name: function}``,
# where function(args, argv) returns an exit status and raises InputError for bad input.
EXTENSIONS: list[str] = ["sim.dashboard.cli", "sim.experiments.cli", "sim.validation.cli",
                         "sim.data.cli"]
