"""``python run.py validate [--seeds N] [--out DIR] [--quick]``: check the published patterns.

Exit status 0 only if every pattern passes on at least 90% of the seeds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..scenario import InputError
from ..scenario.errors import Problem

if TYPE_CHECKING:
    from ..cli import Command, Subparsers


def add_commands(subparsers: Subparsers) -> dict[str, Command]:
    """Register ``validate`` on the ``run.py`` subparsers."""
    v = subparsers.add_parser("validate", help="check that the model reproduces the published "
                              "patterns over many seeds (docs/validation.md)")
    v.add_argument("--seeds", type=int, help="seeds per pattern (default 20; 3 with --quick)")
    v.add_argument("--out", default=None, help="output folder (default outputs/validation)")
    v.add_argument("--quick", action="store_true",
                   help="smaller, faster runs and fewer seeds (used by the test suite)")
    v.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    v.add_argument("--pattern", action="append", default=[], metavar="KEY",
                   help="check only this pattern (repeatable): case, heterogeneity, ...")
    s = subparsers.add_parser("scale", help="run a scenario at several agent counts and seeds: "
                              "the story must not depend on the number of agents")
    s.add_argument("scenario")
    s.add_argument("--agents", type=int, nargs="+", default=[2000, 5000, 20000],
                   help="agent counts to compare (default 2000 5000 20000; the largest is the "
                        "reference)")
    s.add_argument("--seeds", type=int, default=5, help="seeds per agent count (default 5)")
    s.add_argument("--periods", type=int, help="override the horizon")
    s.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    s.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    s.add_argument("--out", help="folder for scale_runs.csv and scale_summary.csv "
                                 "(default outputs/scale/<scenario name>)")
    return {"validate": cmd_validate, "scale": cmd_scale}


def cmd_scale(args: argparse.Namespace, argv: list[str]) -> int:
    """Compare agent counts; 0 if every size agrees with the largest, 1 otherwise."""
    from ..scenario import load_scenario
    from .scale import PROFIT_TOL, SHARE_TOL, scale_check, summarise, text

    sc = load_scenario(args.scenario, args.overrides, None, args.periods)
    bad = [n for n in args.agents if not 1 <= n <= 2_000_000_000]
    if bad or args.seeds < 1 or args.workers < 1:
        msg = (f"agent counts must be 1..2,000,000,000, seeds and workers at least 1; got "
               f"agents {args.agents}, seeds {args.seeds}, workers {args.workers}")
        raise InputError(args.scenario, [Problem("--agents/--seeds/--workers", msg)])
    start = time.time()
    runs = scale_check(args.scenario, sorted(set(args.agents)), list(range(args.seeds)),
                       args.overrides, args.periods, args.workers, _progress)
    table = summarise(runs)
    out = Path(args.out or Path("outputs") / "scale" / Path(args.scenario).stem)
    out.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out / "scale_runs.csv", index=False)
    table.to_csv(out / "scale_summary.csv", index=False)
    print(f"{sc.name}: a market of {sc.market.population:,} customers; {args.seeds} seeds per "
          f"agent count; reference = {max(args.agents):,} agents")
    print(text(table, sc.market.currency))
    ok = bool(table.agrees.all())
    print(f"{'agree' if ok else 'DIFFER'}: every size within {PROFIT_TOL:.0%} of the reference's "
          f"mean cumulative profit and {100 * SHARE_TOL:.0f} points of its late share"
          if ok else f"DIFFER: some size is more than {PROFIT_TOL:.0%} (profit) or "
          f"{100 * SHARE_TOL:.0f} points (share) from the reference")
    print(f"written to {out}/ in {time.time() - start:.0f} s")
    return 0 if ok else 1


def cmd_validate(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the validation suite, print and write its table; 0 if every pattern passes."""
    from .registry import by_key, patterns
    from .report import text_table, verdict, write
    from .runner import FULL_SEEDS, QUICK_SEEDS, validate

    n = args.seeds if args.seeds is not None else (QUICK_SEEDS if args.quick else FULL_SEEDS)
    if n < 1 or args.workers < 1:
        raise InputError("validate", [Problem("--seeds/--workers", "must be at least 1")])
    try:
        chosen = [by_key(k) for k in args.pattern] if args.pattern else patterns()
    except KeyError as e:
        raise InputError("validate", [Problem("--pattern", str(e.args[0]))]) from None
    start = time.time()
    report = validate(chosen, list(range(n)), args.quick, args.workers, _progress)
    out = Path(args.out or "outputs/validation")
    write(report, out)
    print(text_table(report))
    print(verdict(report))
    print(f"written to {out}/ in {time.time() - start:.0f} s")
    return 0 if report.passed() else 1


def _progress(done: int, total: int) -> None:
    """A one-line progress counter on a terminal."""
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\r{done}/{total} runs", end=end, file=sys.stderr, flush=True)
