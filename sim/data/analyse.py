"""``run.py analyse brands RUN_DIR``: the brand performance table Ehrenberg style.

Reads ``brand_performance.csv`` of a run folder (ODD 7.23) and, for the last complete window
of each length (or ``--window``), prints the observed measures beside the NBD-Dirichlet's
predictions with departures marked, and draws the double-jeopardy plot
(``double_jeopardy_<window>.png`` in the run folder); sim/analysis/double_jeopardy.py does
both.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from ..analysis.double_jeopardy import format_brand_table, plot_double_jeopardy
from ..scenario import InputError, Problem


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``analyse brands``."""
    a = sub.add_parser("analyse", help="analyses of a run folder (brands: the NBD-Dirichlet "
                                       "benchmark and double jeopardy)")
    inner = a.add_subparsers(dest="what", required=True)
    b = inner.add_parser("brands", help="brand performance table and double-jeopardy plot")
    b.add_argument("run_dir", help="a folder written by run.py run")
    b.add_argument("--window", help="only this window, e.g. '52 weeks' (default: each length)")


def cmd_analyse(args: argparse.Namespace, argv: list[str]) -> int:
    """Print the tables and write the plots into the run folder."""
    run_dir = Path(args.run_dir)
    table = read_table(run_dir)
    labels = [args.window] if args.window else list(dict.fromkeys(table.window))
    for label in labels:
        rows = table[table.window == label]
        if rows.empty:
            raise InputError(str(run_dir), [Problem("--window", f"no window {label!r}; the "
                                                    f"run has {sorted(set(table.window))}")])
        last = rows[rows.start == rows.start.max()]
        print(format_brand_table(last))
        out = run_dir / f"double_jeopardy_{label.replace(' ', '_')}.png"
        plot_double_jeopardy(last, out)
        print(f"double-jeopardy plot written to {out}\n")
    return 0


def read_table(run_dir: Path) -> pd.DataFrame:
    """``brand_performance.csv`` of a run folder, with clear errors."""
    path = run_dir / "brand_performance.csv"
    if not path.is_file():
        raise InputError(str(run_dir), [Problem("RUN_DIR", "no brand_performance.csv here: "
                                                "give a folder written by run.py run")])
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as e:
        raise InputError(str(path), [Problem("", f"cannot read it: {e}")]) from None
    if table.empty:
        raise InputError(str(path), [Problem("", "no complete analysis window in this run "
                                                 "(the horizon is shorter than the windows)")])
    return table
