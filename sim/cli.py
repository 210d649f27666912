"""Command line: ``python run.py run|check|schema ...`` (exit 0 ok, 2 bad input, 1 internal)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO, TypeAlias

from .scenario import InputError
from .scenario.loader import HorizonWarning

if TYPE_CHECKING:
    from .scenario import Scenario

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
MAX_SEED = 2**63 - 1  # as the schema's seed

# A subcommand: function(args, argv) -> exit status; the subparsers it is registered on.
Command: TypeAlias = Callable[[argparse.Namespace, list[str]], int]
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    ap = argparse.ArgumentParser(prog="run.py", description=__doc__.split("(")[0].strip())
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run one scenario and write its outputs",
                       description="Run one scenario, write its output folder and print its "
                                   "summary. Exit status: 0 ok, 2 invalid input (nothing "
                                   "written), 1 internal error.")
    r.add_argument("scenario", help="scenario YAML file")
    r.add_argument("--seed", type=int, metavar="N",
                   help=f"random seed, 0 to {MAX_SEED} (default: the scenario's seed)")
    r.add_argument("--out", metavar="DIR",
                   help="output folder, new or empty (default: outputs/<scenario file name>); "
                        "an existing run folder is refused unless --force")
    r.add_argument("--force", action="store_true",
                   help="replace the run folder already in --out (only a folder that holds a "
                        "previous run's outputs, or an empty one)")
    r.add_argument("--customers", type=int, metavar="N",
                   help="number of simulated agents (market.customers); the market's "
                        "population stays as the scenario says")
    r.add_argument("--periods", type=int, metavar="T",
                   help="run T periods instead of the scenario's horizon; events at or after "
                        "T are dropped with a warning")
    r.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override any field, e.g. firms.eaton.price=350 (repeatable; list "
                        "items by index from 0 or by id/name/type)")
    r.add_argument("--follow", default="", metavar="I,J,...",
                   help="customer indices to record every period (customers.csv)")
    c = sub.add_parser("check", help="validate a scenario without running it",
                       description="Validate a scenario (with its overrides) and the limits "
                                   "of its work; run nothing, write nothing.")
    c.add_argument("scenario", help="scenario YAML file")
    c.add_argument("--customers", type=int, metavar="N",
                   help="check with N simulated agents (as run --customers)")
    c.add_argument("--periods", type=int, metavar="T", help="check with T periods (as run "
                   "--periods)")
    c.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override any field, as with run (repeatable)")
    sc = sub.add_parser("schema", help="print the scenario JSON Schema (--fields: a table)",
                        description="Print the JSON Schema of scenario files (for editors), or "
                                    "with --fields a table of every field: type, allowed "
                                    "range and default.")
    sc.add_argument("--fields", action="store_true",
                    help="print a readable table of fields, types, ranges and defaults")
    for module in EXTENSIONS:
        COMMANDS.update(importlib.import_module(module).add_commands(sub))
    return ap


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # argparse: --help (0) or a malformed command line (2)
        return e.code if isinstance(e.code, int) else EXIT_INPUT
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", HorizonWarning)
            warnings.showwarning = _show_warning
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


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """Warnings on the command line: one line, no source location."""
    print(f"warning: {message}", file=sys.stderr)


def cmd_run(args: argparse.Namespace, argv: list[str]) -> int:
    """``run``: validate, check the output folder, run, write outputs, print the summary."""
    from pathlib import Path

    from .api import run
    from .output import OutputFolder, summary, write_files
    from .scenario import load_scenario

    check_seed(args.seed, args.scenario)
    scenario = load_scenario(args.scenario, args.overrides, args.customers, args.periods)
    follow = parse_follow(args.follow, scenario, args.scenario)
    out = Path(args.out or Path("outputs") / Path(args.scenario).stem)
    with OutputFolder(out, force=args.force) as folder:  # refused or reserved before the run
        result = run(scenario, seed=args.seed, follow=follow)
        write_files(result, folder, argv)
    print(summary(result))
    print(f"outputs written to {out}/")
    return EXIT_OK


def check_seed(seed: int | None, file: str) -> None:
    """Refuse a seed numpy cannot take (``InputError`` naming ``--seed``)."""
    from .scenario import Problem

    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InputError(file, [Problem("--seed", f"a seed is a whole number from 0 to "
                                                  f"{MAX_SEED}", None, seed, True,
                                        origin=f"--seed {seed}")])


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

    sc = load_scenario(args.scenario, args.overrides, args.customers, args.periods)
    print(f"{args.scenario}: valid ({len(sc.firms)} firms, a market of "
          f"{sc.market.population:,} customers simulated by {sc.market.customers:,} agents, "
          f"{sc.horizon} {sc.period}s)")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, argv: list[str]) -> int:
    """``schema``: print the JSON Schema of scenario files, or (``--fields``) a field table."""
    from .scenario.fields import field_table, json_schema

    if args.fields:
        print(field_table())
    else:
        print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


COMMANDS: dict[str, Command] = {"run": cmd_run, "check": cmd_check, "schema": cmd_schema}

# Modules that add subcommands: each has ``add_commands(subparsers) -> {name: function}``,
# where function(args, argv) returns an exit status and raises InputError for bad input.
EXTENSIONS: list[str] = ["sim.dashboard.cli", "sim.experiments.cli", "sim.validation.cli",
                         "sim.data.cli"]
