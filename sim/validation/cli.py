"""``python run.py validate [--seeds N] [--out DIR] [--quick]``: check the published patterns.

Exit status 0 only if every pattern passes on at least 90% of the seeds, 1 otherwise.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ..scenario import InputError
from ..scenario.errors import Problem


def add_commands(subparsers) -> dict:
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
    return {"validate": cmd_validate}


def cmd_validate(args, argv) -> int:
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
        print(f"\rvalidate: {done}/{total} runs", end=end, file=sys.stderr, flush=True)
