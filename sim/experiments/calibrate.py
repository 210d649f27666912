"""Calibration: find scenario parameters whose simulated curve matches an observed one.

The objective is the RMSE between the observed curve and the mean simulated curve over
``replications`` runs. Each evaluation uses the same seeds (common random numbers), so the
objective is a deterministic function of the parameters. The search is a space-filling
Latin hypercube scan followed by a bounded local search (SciPy Nelder-Mead or Powell) from
the best point, within ``max_evaluations`` evaluations.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from ..scenario import InputError, Problem, Scenario, validate
from ..scenario.loader import load_document
from .calibration_schema import Calibration, Optimizer
from .observed import read_observed
from .plan import _apply, _base, _line, dump
from .rounding import round_frame
from .schema import RangeFactor
from .seeds import run_seed
from .store import write_text

SCIPY_METHODS = {"nelder-mead": "Nelder-Mead", "powell": "Powell"}


@dataclass
class CalibrationPlan:
    """A validated calibration: settings, base scenario data and the observed curve."""

    cal: Calibration
    file: str
    base: dict
    observed: pd.DataFrame
    lines: dict = field(default_factory=dict, repr=False)

    def data(self, params: dict) -> dict:
        """The base scenario's data with ``params`` (label -> value) applied."""
        data = copy.deepcopy(self.base)
        for k, p in enumerate(self.cal.parameters):
            _apply(data, f"{p.path}={dump(params[p.label])}", self.file,
                   ("parameters", k, "path"), self.lines)
        return data

    def scenario(self, params: dict) -> Scenario:
        """The validated scenario with ``params`` applied."""
        return Scenario.model_validate(self.data(params))


@dataclass
class CalibrationResult:
    """The outcome of a calibration.

    Attributes:
        plan: What was calibrated.
        params: Best parameters (label -> value).
        rmse: RMSE of the mean simulated curve against the observed one.
        fit: Per observed period: observed, simulated (mean), error, and the RMSE of the
            replications at that point (``rmse_point``).
        history: Every evaluation: the parameters and the RMSE.
    """

    plan: CalibrationPlan
    params: dict
    rmse: float
    fit: pd.DataFrame
    history: pd.DataFrame

    def summary(self) -> str:
        """A short text: the parameters found and the fit."""
        cal = self.plan.cal
        lines = [f"{cal.name}: {len(self.history)} evaluations x {cal.replications} "
                 f"replications; target {cal.target.firm}.{cal.target.metric}",
                 f"RMSE {self.rmse:.5g} over {len(self.fit)} observed points", "parameters:"]
        for p in cal.parameters:
            lines.append(f"  {p.label:<24} {self.params[p.label]:.6g}   "
                         f"(range {p.low:g} .. {p.high:g})")
        return "\n".join(lines)


def load_calibration(path: str | Path) -> CalibrationPlan:
    """Read and validate a calibration file, its scenario and its observed CSV."""
    file = str(path)
    cal, raw, lines = load_document(file, Calibration, "a calibration")
    base = _base(cal, file, lines)
    observed = read_observed(Path(file).parent / cal.observed.file, cal.observed, file, lines,
                             base["horizon"])
    plan = CalibrationPlan(cal, file, base, observed, lines)
    _check(plan)
    return plan


def _check(plan: CalibrationPlan) -> None:
    """Both ends of every range must give a valid scenario; periods must fit the horizon."""
    cal = plan.cal
    for corner in ("low", "high"):
        params = {p.label: _value(p, getattr(p, corner)) for p in cal.parameters}
        try:
            sc = validate(Scenario, plan.data(params), {}, plan.file)
        except InputError as e:
            raise InputError(plan.file, [
                Problem(f"parameters (all at {corner}): scenario {p.path or '(top level)'}",
                        p.message, _line(plan.lines, ("parameters",)), p.value, p.has_value)
                for p in e.problems]) from None
    late = plan.observed[plan.observed["period"] >= sc.horizon]
    if len(late):  # a parameter changes the horizon
        msg = (f"beyond the horizon with parameters at {corner}: periods are "
               f"0..{sc.horizon - 1}")
        raise InputError(str(Path(plan.file).parent / cal.observed.file), [
            Problem(cal.observed.period, msg, int(row.line), int(row.period), True)
            for row in late.head(10).itertuples()])
    firms = [f.id for f in sc.firms]
    if cal.target.firm not in firms:
        raise InputError(plan.file, [Problem("target.firm", f"no such firm; firms are {firms}",
                                             _line(plan.lines, ("target", "firm")),
                                             cal.target.firm, True)])


def _value(p: RangeFactor, x: float) -> int | float:
    """A parameter value (rounded for integer parameters)."""
    return int(round(x)) if p.integer else float(x)


def simulate_curve(plan: CalibrationPlan, params: dict) -> np.ndarray:
    """The target curve at the observed periods, one row per replication."""
    from ..api import run

    cal, scenario = plan.cal, plan.scenario(params)
    periods = plan.observed["period"].to_numpy()
    rows = []
    for r in range(cal.replications):
        df = run(scenario, seed=run_seed(cal.seed, 0, r), progress=False).trajectories
        series = df[df["firm"] == cal.target.firm].set_index("period")[cal.target.metric]
        if cal.target.cumulative_product:
            series = series.fillna(1.0).cumprod()
        rows.append(series.reindex(periods).to_numpy(dtype=float))
    return np.vstack(rows)


def calibrate(plan: CalibrationPlan, progress: bool | None = None) -> CalibrationResult:
    """Search the parameter ranges for the best fit."""
    from scipy.optimize import minimize
    from scipy.stats import qmc

    cal, opt = plan.cal, plan.cal.optimizer
    obs = plan.observed["value"].to_numpy(dtype=float)
    lo = np.array([p.low for p in cal.parameters])
    hi = np.array([p.high for p in cal.parameters])
    history: list[dict] = []
    bar = tqdm(total=opt.max_evaluations, desc="calibrate", unit="eval",
               disable=None if progress is None else not progress)

    def objective(u: np.ndarray) -> float:
        params = _params(cal, lo + np.clip(u, 0, 1) * (hi - lo))
        key = tuple(params.values())
        for h in history:
            if h["key"] == key:
                return h["rmse"]
        if len(history) >= opt.max_evaluations:
            return min(h["rmse"] for h in history)
        curves = simulate_curve(plan, params)
        rmse = _rmse(curves.mean(axis=0), obs)
        history.append({"key": key, **params, "rmse": rmse})
        bar.update(1)
        bar.set_postfix(best=min(h["rmse"] for h in history), refresh=False)
        return rmse

    scan = qmc.LatinHypercube(d=len(lo), seed=run_seed(cal.seed, 1, 0)).random(opt.initial_points)
    for u in np.vstack([np.full(len(lo), 0.5), scan]):
        objective(u)
    best = min(history, key=lambda h: h["rmse"])
    x0 = (np.array(best["key"], dtype=float) - lo) / (hi - lo)
    if len(history) < opt.max_evaluations:
        minimize(objective, x0, method=SCIPY_METHODS[opt.method], bounds=[(0.0, 1.0)] * len(lo),
                 options=_local_options(opt, opt.max_evaluations - len(history)))
    bar.close()
    return _result(plan, history, obs)


def _local_options(opt: Optimizer, budget: int) -> dict:
    """SciPy options of the local search (tolerances on the unit-scaled parameters)."""
    if opt.method == "nelder-mead":
        return {"maxfev": budget, "xatol": opt.xtol, "fatol": 1e-12}
    return {"maxfev": budget, "xtol": opt.xtol, "ftol": 1e-12}


def _params(cal: Calibration, x: np.ndarray) -> dict:
    """Parameter label -> value (rounded for integer parameters)."""
    return {p.label: _value(p, v) for p, v in zip(cal.parameters, x)}


def _rmse(sim: np.ndarray, obs: np.ndarray) -> float:
    """Root mean square error (points where the simulation is undefined count as misses)."""
    err = np.where(np.isfinite(sim), sim - obs, np.nan)
    if not np.isfinite(err).any():
        return float("inf")
    miss = ~np.isfinite(err)
    scale = np.nanmax(np.abs(obs)) if np.isfinite(obs).any() else 1.0
    err[miss] = scale
    return float(np.sqrt(np.mean(err**2)))


def _result(plan: CalibrationPlan, history: list[dict], obs: np.ndarray) -> CalibrationResult:
    """Assemble the result from the evaluation history."""
    best = min(history, key=lambda h: h["rmse"])
    params = {p.label: best[p.label] for p in plan.cal.parameters}
    curves = simulate_curve(plan, params)
    sim = curves.mean(axis=0)
    fit = pd.DataFrame({"period": plan.observed["period"], "observed": obs, "simulated": sim,
                        "error": sim - obs,
                        "rmse_point": np.sqrt(np.mean((curves - obs) ** 2, axis=0))})
    hist = pd.DataFrame([{k: v for k, v in h.items() if k != "key"} for h in history])
    hist.insert(0, "evaluation", range(len(hist)))
    return CalibrationResult(plan, params, best["rmse"], fit, hist)


def write_calibration(result: CalibrationResult, out: str | Path) -> Path:
    """Write params.json, fit.csv, history.csv, fit.png and summary.txt into ``out``."""
    from .plots import plot_fit

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cal = result.plan.cal
    write_text(out / "params.json", json.dumps(
        {"params": result.params, "rmse": result.rmse, "evaluations": len(result.history),
         "replications": cal.replications, "seed": cal.seed,
         "calibration": result.plan.file}, indent=2))
    write_text(out / "fit.csv", round_frame(result.fit).to_csv(index=False))
    write_text(out / "history.csv", round_frame(result.history).to_csv(index=False))
    write_text(out / "summary.txt", result.summary() + "\n")
    plot_fit(result.fit["period"], result.fit["observed"], result.fit["simulated"],
             out / "fit.png", f"{cal.name}: {cal.target.firm} {cal.target.metric} "
                              f"(RMSE {result.rmse:.3g})")
    return out
