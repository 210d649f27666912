"""Subcommands ``sweep``, ``report``, ``calibrate`` and ``forecast`` of ``run.py``.

See docs/experiments.md.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from ..scenario import InputError, Problem

if TYPE_CHECKING:
    from ..cli import Command, Subparsers

EXIT_OK, EXIT_FAILED_RUNS = 0, 1


def add_commands(sub: Subparsers) -> dict[str, Command]:
    """Add the experiment subcommands to ``sub``; return ``{name: function}``."""
    s = sub.add_parser("sweep", help="run an experiment (replications, grids, sensitivity)")
    s.add_argument("experiment", help="experiment YAML (see docs/experiments.md)")
    s.add_argument("--out", help="sweep folder (default: outputs/sweeps/<experiment name>)")
    s.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    s.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local processes (default) or a Dask distributed cluster")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster)")
    s.add_argument("--resume", action="store_true", help="run only what the folder is missing")
    s.add_argument("--force", action="store_true",
                   help="replace the sweep already in --out (without it, a folder holding "
                        "a sweep is refused unless --resume)")
    s.add_argument("--retries", type=int, default=2,
                   help="retries of a run whose worker process dies (default 2)")
    s.add_argument("--no-report", action="store_true", help="skip the report at the end")
    s.add_argument("--progress", action="store_true", default=None,
                   help="show the progress bar even when stderr is not a terminal")
    r = sub.add_parser("report", help="summaries and plots of a sweep folder")
    r.add_argument("sweep_dir")
    r.add_argument("--no-plots", action="store_true", help="tables only")
    c = sub.add_parser("calibrate", help="fit scenario parameters to an observed curve")
    c.add_argument("calibration", help="calibration YAML (see docs/experiments.md)")
    c.add_argument("--out", help="output folder (default: outputs/calibrations/<file name>)")
    c.add_argument("--progress", action="store_true", default=None,
                   help="show progress even when stderr is not a terminal")
    _engine_options(c)
    from .forecast import add_forecast

    add_forecast(sub)
    return {"sweep": cmd_sweep, "report": cmd_report, "calibrate": cmd_calibrate,
            "forecast": cmd_forecast}


def _engine_options(p: argparse.ArgumentParser) -> None:
    """``--workers``, ``--engine`` and ``--scheduler`` of calibrate and forecast."""
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes evaluating candidates (default 1: in this process)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local processes (default) or a Dask distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster)")
    p.set_defaults(retries=0)


def cmd_sweep(args: argparse.Namespace, argv: list[str]) -> int:
    """``sweep``: validate everything, run what is missing, write the report."""
    from .plan import load_plan
    from .report import make_report
    from .sweep import run_sweep

    check_options(args)
    plan = load_plan(args.experiment)
    out = Path(args.out or Path("outputs") / "sweeps" / Path(args.experiment).stem)
    s = run_sweep(plan, out, engine=args.engine, workers=args.workers, scheduler=args.scheduler,
                  resume=args.resume, force=args.force, progress=args.progress,
                  max_attempts=args.retries + 1)
    print(f"{plan.experiment.name}: {s.total} runs, {s.ok} ok, {s.failed} failed"
          + (f", {s.skipped} already done" if s.skipped else "")
          + f" in {s.seconds:.1f} s -> {out}/")
    if not args.no_report:
        make_report(out)
        print(f"report written to {out}/report/ (report.md, comparison.csv, bands_*.png)")
    if s.failed:
        print(f"{s.failed} runs failed: errors are in {out}/manifest.json; "
              f"'--resume' retries them")
        return EXIT_FAILED_RUNS
    return EXIT_OK


def check_options(args: argparse.Namespace) -> None:
    """Refuse inconsistent command-line options (exit 2)."""
    problems = []
    if args.workers is not None and args.workers < 1:
        problems.append(Problem("--workers", "must be at least 1", None, args.workers, True))
    if args.retries < 0:
        problems.append(Problem("--retries", "must be 0 or more", None, args.retries, True))
    if args.scheduler and args.engine != "dask":
        problems.append(Problem("--scheduler", "needs --engine dask"))
    if args.engine == "dask" and importlib.util.find_spec("distributed") is None:
        problems.append(Problem("--engine", "the dask engine needs Dask distributed: "
                                            "pip install 'loyaltysim[sweep]'", None, "dask", True))
    if problems:
        raise InputError("command line", problems)


def cmd_report(args: argparse.Namespace, argv: list[str]) -> int:
    """``report``: (re)write the report of a sweep folder and print it."""
    from .report import make_report

    if not Path(args.sweep_dir).is_dir():
        raise InputError(args.sweep_dir, [Problem("SWEEP_DIR", "no such folder")])
    print(make_report(args.sweep_dir, plots=not args.no_plots))
    print(f"report written to {Path(args.sweep_dir) / 'report'}/")
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace, argv: list[str]) -> int:
    """``calibrate``: fit, then write the fit, the parameters and the plot."""
    from .calibrate import calibrate, load_calibration, write_calibration

    check_options(args)
    cal = load_calibration(args.calibration)
    out = Path(args.out or Path("outputs") / "calibrations" / Path(args.calibration).stem)
    result = calibrate(cal, progress=args.progress, engine=args.engine, workers=args.workers,
                       scheduler=args.scheduler)
    write_calibration(result, out)
    print(result.summary())
    print(f"calibration written to {out}/")
    return EXIT_OK


def cmd_forecast(args: argparse.Namespace, argv: list[str]) -> int:
    """``forecast``: calibrate on the window, forecast the holdout, compare with BG/NBD."""
    from .forecast import run_forecast

    check_options(args)
    return run_forecast(args, argv)
