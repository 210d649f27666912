"""Subcommand ``data`` of ``run.py``: ``data import LOG`` and ``data baseline LOG``.

See docs/data.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import analyse
from .log import DUPLICATES, FORMATS, PERIODS, LogSpec, spec_for

EXIT_OK = 0


def add_commands(sub: argparse._SubParsersAction) -> dict:
    """Add the ``data`` subcommand to ``sub``; return ``{name: function}``."""
    d = sub.add_parser("data", help="import a transaction log; BG/NBD baseline (docs/data.md)")
    inner = d.add_subparsers(dest="data_command", required=True, metavar="{import,baseline}")
    i = inner.add_parser("import", help="validate a log and write its observed curves")
    _log_options(i)
    i.add_argument("--out", help="output folder (default: outputs/data/<log name>)")
    i.add_argument("--force", action="store_true", help="replace an existing output folder")
    b = inner.add_parser("baseline", help="fit BG/NBD on the first periods, forecast the rest")
    _log_options(b)
    b.add_argument("--fit-until", type=int, required=True, metavar="N",
                   help="calibration window: periods 1..N")
    b.add_argument("--horizon", type=int, metavar="H",
                   help="forecast periods after N (default: to the end of the log)")
    b.add_argument("--backend", choices=("scipy", "pymc"), default="scipy",
                   help="maximum likelihood with scipy (default) or pymc-marketing's "
                        "BetaGeoModel (MAP, flat priors; pip install 'loyaltysim[data]')")
    b.add_argument("--out", help="write baseline.csv and baseline.png into this folder")
    analyse.add_parser(sub)
    return {"data": cmd_data, "analyse": analyse.cmd_analyse}


def _log_options(p: argparse.ArgumentParser) -> None:
    """Options that say how to read a log."""
    p.add_argument("log", metavar="LOG", help="transaction log: CSV, Parquet or CDNOW text")
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="auto",
                   help="file format (default: by extension; cdnow = the CDNOW text preset)")
    p.add_argument("--id-col", help="customer id column (default customer_id)")
    p.add_argument("--date-col", help="date column (default date)")
    p.add_argument("--amount-col", help="amount column (default amount)")
    p.add_argument("--date-format", help="strptime format, e.g. %%d/%%m/%%Y (default ISO 8601)")
    p.add_argument("--sep", help="CSV field separator (default ,)")
    p.add_argument("--duplicates", choices=DUPLICATES,
                   help="identical rows: error (default; keep for cdnow), keep, or drop")
    p.add_argument("--period", choices=PERIODS, default="week", help="default week")
    p.add_argument("--start", help="first day of period 1 (default: the first purchase)")


def _spec(args: argparse.Namespace) -> LogSpec:
    """The LogSpec of the command line."""
    return spec_for(args.fmt, id_col=args.id_col, date_col=args.date_col,
                    amount_col=args.amount_col, date_format=args.date_format,
                    duplicates=args.duplicates, sep=args.sep)


def cmd_data(args: argparse.Namespace, argv: list[str]) -> int:
    """``data``: dispatch to ``import`` or ``baseline``."""
    return {"import": cmd_import, "baseline": cmd_baseline}[args.data_command](args, argv)


def cmd_import(args: argparse.Namespace, argv: list[str]) -> int:
    """``data import``: validate, compute the curves, write them, print the summary."""
    from .importer import check_out, import_log, summary, write_import

    out = Path(args.out or Path("outputs") / "data" / Path(args.log).stem)
    check_out(out, args.force)
    imp = import_log(args.log, _spec(args), args.period, args.start)
    write_import(imp, out, force=args.force, argv=argv)
    print(summary(imp))
    print(f"observed curves written to {out}/")
    return EXIT_OK


def cmd_baseline(args: argparse.Namespace, argv: list[str]) -> int:
    """``data baseline``: fit BG/NBD, print parameters and holdout error, optionally write."""
    from .baseline import baseline_report, bgnbd_forecast, write_baseline
    from .log import read_log

    log = read_log(args.log, _spec(args))
    fc = bgnbd_forecast(log, args.fit_until, args.horizon, args.period, start=args.start,
                        backend=args.backend)
    print(baseline_report(fc))
    if args.out:
        write_baseline(fc, Path(args.out), Path(args.log).name)
        print(f"baseline written to {args.out}/")
    return EXIT_OK
