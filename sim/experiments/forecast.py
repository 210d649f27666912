"""``run.py forecast``: calibrate on a window, forecast the holdout, compare with BG/NBD.

The simulator is calibrated on the first periods of observed curves and forecasts the rest;
the BG/NBD baseline is fitted and forecast on the same split.

The observed curves are ``observed.csv`` of ``run.py data import`` (periods from 1); the
baseline needs the customers' transactions, ``transactions.csv`` and ``import.json`` of the
same import (found beside ``observed.csv``). The scenario (a retail market by default,
``scenarios/retail_cdnow.yaml``) gets the data's size: its population is the customers
acquired in the window, its horizon the observed periods, its arrivals spread over the
periods in which the window's customers were acquired, as many in each as the data's new
customers (``params.arrivals.weights``). Its purchase-rate, heterogeneity and
dropout parameters are calibrated (``--param`` changes the ranges); the calibration is
written as a calibration file, so it can be rerun with ``run.py calibrate``.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..scenario import InputError, Problem
from .store import write_text

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "retail_cdnow.yaml"

OBSERVED_TARGETS = {
    "repeat_transactions": ("repeat_transactions", "none"),
    "repeat_transactions_cumulative": ("repeat_transactions", "cumulative_sum"),
    "transactions": ("transactions", "none"),
    "customers_active": ("served", "none"),
    "new_customers": ("new_customers", "none"),
    "customers_acquired": ("new_customers", "cumulative_sum"),
    "revenue": ("revenue", "none"),
    "revenue_cumulative": ("revenue", "cumulative_sum"),
}
"""Observed column -> (simulated metric, transform). Customers active in a period are those
served; their transactions are as many (one purchase each a period), or with purchase
occasions on (``params.occasions``, ODD 7.27) their occasions."""

CUMULATIVE = {"repeat_transactions": "repeat_transactions_cumulative",
              "new_customers": "customers_acquired", "revenue": "revenue_cumulative"}
"""A per-period column and its running sum in observed.csv (fitted beside it)."""

DEFAULT_PARAMETERS = [
    {"path": "market.segments.0.need_prob", "name": "need_prob", "low": 0.005, "high": 0.4,
     "log": True},
    {"path": "market.segments.0.need_shape", "name": "need_shape", "low": 0.05, "high": 5.0,
     "log": True},
    {"path": "params.dropout.a", "name": "dropout_a", "low": 0.1, "high": 5.0, "log": True},
    {"path": "params.dropout.b", "name": "dropout_b", "low": 0.3, "high": 30.0, "log": True},
    {"path": "params.dropout.never", "name": "dropout_never", "low": 0.0, "high": 0.6,
     "log": False},
]
"""What ``forecast`` calibrates by default: the mean purchase chance, its heterogeneity
(gamma shape), the Beta(a, b) of the dropout probability (BG/NBD's r, alpha, a, b) and the
share of customers who never drop out (ODD 7.21)."""


def add_forecast(sub: Any) -> None:
    """Add the ``forecast`` subcommand to ``sub``."""
    from .cli import _engine_options

    f = sub.add_parser("forecast", help="calibrate on the first periods of observed curves, "
                                        "forecast the rest, compare with BG/NBD")
    f.add_argument("--observed", required=True, help="observed.csv of run.py data import")
    f.add_argument("--target", default="repeat_transactions",
                   help=f"observed column to forecast (default repeat_transactions; one of "
                        f"{', '.join(OBSERVED_TARGETS)})")
    f.add_argument("--fit-until", type=int, required=True, metavar="N",
                   help="calibration window: periods 1..N; the rest is the holdout")
    f.add_argument("--out", help="output folder (default: outputs/forecasts/<data folder>)")
    f.add_argument("--scenario", default=str(DEFAULT_SCENARIO),
                   help="scenario to calibrate (default: scenarios/retail_cdnow.yaml)")
    f.add_argument("--param", action="append", default=[], metavar="PATH=LOW:HIGH[:log]",
                   help="a calibrated parameter's range (replaces the default of that path, "
                        "or adds one); repeatable")
    f.add_argument("--budget", type=int, default=80, help="evaluations (default 80)")
    f.add_argument("--replications", type=int, default=2,
                   help="runs per candidate, common random numbers (default 2)")
    f.add_argument("--method", default="tpe",
                   choices=("tpe", "differential-evolution", "nelder-mead", "powell"),
                   help="optimiser (default tpe: optuna)")
    f.add_argument("--batch", type=int, default=4,
                   help="candidates evaluated at a time (tpe; default 4)")
    f.add_argument("--polish", type=int, metavar="N",
                   help="evaluations of the budget kept for a local search (Nelder-Mead) "
                        "from the best point (tpe, differential-evolution; default a quarter "
                        "of the budget)")
    f.add_argument("--agents", type=int, help="simulated agents (default: the population, "
                                              "at least 10,000)")
    f.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    f.add_argument("--progress", action="store_true", default=None,
                   help="show progress even when stderr is not a terminal")
    _engine_options(f)


@dataclass
class Data:
    """The observed curves and what the import says about them.

    Attributes:
        folder: The import's folder.
        observed: observed.csv.
        period: ``day``, ``week`` or ``month``.
        start: First day of period 1.
        transactions: transactions.csv (customer, date, amount, ...).
    """

    folder: Path
    observed: pd.DataFrame
    period: str
    start: str | None
    transactions: pd.DataFrame


def read_data(path: str | Path, target: str, fit_until: int) -> Data:
    """Read observed.csv and, beside it, import.json and transactions.csv; check the split.

    Raises:
        InputError: A missing file or column, or a window outside the data.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("command line", [Problem("--observed", "no such file", None,
                                                  str(path), True)])
    obs = pd.read_csv(path)
    _check_columns(path, obs, target)
    last = int(obs["period"].max())
    if not 1 <= fit_until < last:
        raise InputError("command line", [Problem(
            "--fit-until", f"{path.name} has periods 1..{last}: choose 1..{last - 1}", None,
            fit_until, True)])
    meta, tx = path.parent / "import.json", path.parent / "transactions.csv"
    missing = [f.name for f in (meta, tx) if not f.is_file()]
    if missing:
        raise InputError(str(path), [Problem("", f"{', '.join(missing)} not found beside it: "
                                                 "the BG/NBD baseline needs the folder "
                                                 "written by run.py data import")])
    info = json.loads(meta.read_text())
    trans = pd.read_csv(tx, parse_dates=["date"], dtype={"customer": str})
    return Data(path.parent, obs, info.get("period", "week"), info.get("start"), trans)


def _check_columns(path: Path, obs: pd.DataFrame, target: str) -> None:
    """The observed file has periods and the target column, and the target is known."""
    if target not in OBSERVED_TARGETS:
        raise InputError("command line", [Problem(
            "--target", f"one of {', '.join(OBSERVED_TARGETS)}", None, target, True)])
    missing = [c for c in ("period", target) if c not in obs.columns]
    if missing:
        raise InputError(str(path), [Problem("", f"missing column(s) {missing}; the header has "
                                                 f"{list(obs.columns)}", 1)])


def market_size(obs: pd.DataFrame, fit_until: int) -> tuple[int | None, int | None]:
    """Customers acquired in the window, and the last period of acquisition in it."""
    window = obs[obs["period"] <= fit_until]
    if "new_customers" not in obs.columns:
        return None, None
    acquired = int(window["new_customers"].sum())
    buying = window.loc[window["new_customers"] > 0, "period"]
    return acquired or None, int(buying.max()) if len(buying) else None


def parameters(extra: list[str]) -> list[dict]:
    """The default parameters with ``--param PATH=LOW:HIGH[:log]`` applied."""
    params = {p["path"]: dict(p) for p in DEFAULT_PARAMETERS}
    for text in extra:
        path, _, rng = text.partition("=")
        bits = rng.split(":")
        try:
            low, high = float(bits[0]), float(bits[1])
        except (IndexError, ValueError):
            raise InputError("command line", [Problem("--param", "expected PATH=LOW:HIGH or "
                                                                 "PATH=LOW:HIGH:log", None,
                                                      text, True)]) from None
        name = path.replace(".", "_").replace("market_segments_", "seg")
        params[path] = {"path": path, "name": params.get(path, {}).get("name", name),
                        "low": low, "high": high, "log": bits[2:3] == ["log"]}
    return list(params.values())


def calibration_document(args: argparse.Namespace, data: Data) -> dict:
    """The calibration file that ``forecast`` runs (also written into its folder)."""
    population, arrival_until = market_size(data.observed, args.fit_until)
    overrides: dict[str, Any] = {"horizon": int(data.observed["period"].max())}
    scenario = yaml.safe_load(Path(args.scenario).read_text()) or {}
    if population:
        overrides["market.population"] = population
        overrides["market.customers"] = args.agents or max(population, 10_000)
    arrivals = (scenario.get("params") or {}).get("arrivals") or {}
    if arrival_until and arrivals.get("enabled"):
        overrides["params.arrivals.periods"] = arrival_until
        new = data.observed.set_index("period")["new_customers"]
        overrides["params.arrivals.weights"] = [
            float(new.get(k, 0.0)) for k in range(1, arrival_until + 1)]
    metric, transform = OBSERVED_TARGETS[args.target]
    targets = [{"column": args.target, "metric": metric, "transform": transform}]
    cumulative = CUMULATIVE.get(args.target)
    if cumulative and cumulative in data.observed.columns:
        metric, transform = OBSERVED_TARGETS[cumulative]
        targets.append({"column": cumulative, "metric": metric, "transform": transform})
    return {"name": f"forecast {args.target} of {data.folder.name}",
            "scenario": str(Path(args.scenario).resolve()), "overrides": overrides,
            "observed": {"file": str(Path(args.observed).resolve()), "offset": -1},
            "targets": targets, "window": {"fit_until": args.fit_until},
            "parameters": parameters(args.param), "replications": args.replications,
            "seed": args.seed,
            "optimizer": {"method": args.method, "max_evaluations": args.budget,
                          "batch": args.batch, "initial_points": min(10, args.budget),
                          "polish": _polish(args)}}


def _polish(args: argparse.Namespace) -> int:
    """Evaluations kept for the local search: ``--polish``, or a quarter of the budget."""
    polish = getattr(args, "polish", None)
    if args.method not in ("tpe", "differential-evolution"):
        return 0
    return args.budget // 4 if polish is None else polish


def baseline_curve(data: Data, target: str, fit_until: int) -> tuple[np.ndarray, Any]:
    """BG/NBD's expected curve of ``target`` per observed period (NaN if it has none)."""
    from ..data.baseline import bgnbd_forecast

    n = int(data.observed["period"].max())
    if target not in ("repeat_transactions", "repeat_transactions_cumulative"):
        return np.full(n, np.nan), None
    log = data.transactions[["customer", "date", "amount"]]
    fc = bgnbd_forecast(log, fit_until, n - fit_until, data.period, start=data.start)
    col = "expected" if target == "repeat_transactions" else "expected_cumulative"
    return fc.table[col].to_numpy(dtype=float)[:n], fc


def holdout_errors(table: pd.DataFrame, column: str, cumulative: bool) -> dict[str, float]:
    """RMSE per period in the holdout, relative RMSE, and the error of the total at the end.

    Args:
        table: forecast.csv.
        column: ``simulator`` or ``baseline``.
        cumulative: Whether the target is already a running sum.
    """
    h = table[table["window"] == "holdout"]
    err = h[column] - h["actual"]
    value = float(np.sqrt(np.mean(err**2))) if len(h) else math.nan
    total = table[column].iloc[-1] if cumulative else table[column].sum()
    actual = table["actual"].iloc[-1] if cumulative else table["actual"].sum()
    return {"rmse": value, "rmse_relative": value / max(float(h["actual"].abs().mean()), 1e-12),
            "final": float(total), "actual_final": float(actual),
            "final_error": float(total / actual - 1) if actual else math.nan}


def forecast_table(data: Data, target: str, fit_until: int, simulator: np.ndarray,
                   baseline: np.ndarray) -> pd.DataFrame:
    """forecast.csv: period, window, actual, simulator, baseline."""
    obs = data.observed
    return pd.DataFrame({
        "period": obs["period"].to_numpy(),
        "window": np.where(obs["period"] <= fit_until, "calibration", "holdout"),
        "actual": obs[target].to_numpy(dtype=float),
        "simulator": simulator, "baseline": baseline[:len(obs)]})


def report(table: pd.DataFrame, target: str, fit_until: int, unit: str, extra: str = ""
           ) -> str:
    """The holdout errors of the simulator beside the baseline, as a text table."""
    cumulative = OBSERVED_TARGETS[target][1] == "cumulative_sum"
    last = int(table["period"].max())
    rows = [("calibrated simulator", holdout_errors(table, "simulator", cumulative))]
    if table["baseline"].notna().all():
        rows.append(("BG/NBD baseline", holdout_errors(table, "baseline", cumulative)))
    what = "" if cumulative else " (sum)"
    lines = [f"{target}: calibrated on {unit}s 1-{fit_until}, holdout {unit}s "
             f"{fit_until + 1}-{last}",
             f"{'model':<22}{'RMSE per ' + unit:>16}{'of mean':>9}"
             f"{f'  total at {unit} {last}{what}':>24}{'error':>9}"]
    for name, e in rows:
        lines.append(f"{name:<22}{e['rmse']:>16.2f}{e['rmse_relative']:>9.1%}"
                     f"{e['final']:>24,.0f}{e['final_error']:>+9.1%}")
    lines.append(f"{'actual':<22}{'':>25}{rows[0][1]['actual_final']:>24,.0f}")
    return "\n".join(lines + ([extra] if extra else []))


def run_forecast(args: argparse.Namespace, argv: list[str]) -> int:
    """The whole check: calibrate, forecast, baseline, compare; write and print."""
    from .calibrate import calibrate, load_calibration, write_calibration
    from .plots import plot_forecast

    data = read_data(args.observed, args.target, args.fit_until)
    out = Path(args.out or Path("outputs") / "forecasts" / data.folder.name)
    _check_out(out)
    doc = calibration_document(args, data)
    (out / "calibration").mkdir(parents=True, exist_ok=True)
    cal_file = out / "calibration" / "calibration.yaml"
    write_text(cal_file, yaml.safe_dump(doc, sort_keys=False, width=100))
    plan = load_calibration(cal_file)
    result = calibrate(plan, progress=args.progress, engine=args.engine,
                       workers=args.workers, scheduler=args.scheduler)
    write_calibration(result, out / "calibration")
    simulator = result.curves[plan.targets[0].label].mean(axis=0)
    baseline, fc = baseline_curve(data, args.target, args.fit_until)
    table = forecast_table(data, args.target, args.fit_until, simulator, baseline)
    write_text(out / "forecast.csv", table.drop(columns="window").round(4).to_csv(index=False))
    plot_forecast(table, out / "forecast.png", f"{args.target}: calibrated simulator vs "
                  f"BG/NBD, holdout after {data.period} {args.fit_until}", args.fit_until,
                  data.period)
    text = "\n\n".join([result.summary(), report(table, args.target, args.fit_until,
                                                  data.period, _baseline_note(fc))])
    write_text(out / "summary.txt", text + "\n")
    print(text)
    print(f"forecast written to {out}/ (forecast.csv, forecast.png, summary.txt, "
          f"calibration/)")
    return 0


def _baseline_note(fc: Any) -> str:
    """One line on the baseline's fit (empty without a baseline)."""
    if fc is None:
        return "(no BG/NBD baseline for this target: it forecasts repeat transactions)"
    p = fc.params
    return (f"BG/NBD fit: r={p.r:.3f} alpha={p.alpha:.3f} a={p.a:.3f} b={p.b:.3f} on "
            f"{p.customers:,} customers")


def _check_out(out: Path) -> None:
    """Refuse an output folder that holds other files than a previous forecast's."""
    if out.exists() and (not out.is_dir() or any(
            f.name not in ("forecast.csv", "forecast.png", "summary.txt", "calibration")
            for f in out.iterdir())):
        raise InputError("command line", [Problem(
            "--out", "exists and holds other files: choose a new or empty folder, or a "
                     "previous forecast's", None, str(out), True)])
