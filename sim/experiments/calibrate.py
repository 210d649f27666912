"""Calibration: find scenario parameters whose simulated curves match observed ones.

Targets are observed columns, one (``target``) or several with weights (``targets``); the
objective is the weighted sum of each target's RMSE in the calibration window (divided by
its mean observed value for ``scale: mean``) between the observed curve and the mean
simulated curve over ``replications`` runs. Every candidate's replication r has the same
seed (common random numbers), so the objective is a deterministic function of the
parameters. Candidates are evaluated in batches, in parallel on the sweep engines; the
search is a scan then a local search (SciPy), optuna's TPE or SciPy's differential
evolution (``sim.experiments.search``). Periods after the window are the holdout: reported,
never fitted.
"""

from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from ..scenario import InputError, Problem, Scenario, validate
from ..scenario.loader import load_document
from .calibration_schema import Calibration, Parameter, TargetCurve
from .evaluate import CalibrationFailed, open_engine, run_batch
from .observed import read_observed
from .plan import _apply, _base, _line, dump
from .rounding import round_frame
from .search import search
from .seeds import run_seed
from .store import write_text
from .targets import columns_needed, objective, rmse, simulated_curve


@dataclass
class CalibrationPlan:
    """A validated calibration: settings, base scenario data and the observed curves.

    Attributes:
        cal: The validated calibration.
        file: Its file.
        base: The base scenario (with the calibration's overrides) as plain data.
        observed: ``period`` (as observed), one column per target's observed column, ``line``.
        lines: Line map of the calibration file.
    """

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
            if p.complement:
                _apply(data, f"{p.complement}={dump(1.0 - float(params[p.label]))}", self.file,
                       ("parameters", k, "complement"), self.lines)
        return data

    def scenario(self, params: dict) -> Scenario:
        """The validated scenario with ``params`` applied."""
        return Scenario.model_validate(self.data(params))

    @property
    def targets(self) -> list[TargetCurve]:
        """The targets, each with its firm (the only firm when not given)."""
        firms = [f["id"] for f in self.base["firms"]]
        return [t if t.firm else t.model_copy(update={"firm": firms[0]})
                for t in self.cal.curves()]

    @property
    def periods(self) -> np.ndarray:
        """The simulated periods of the observations."""
        return self.observed["period"].to_numpy() + self.cal.observed.offset

    def windows(self) -> np.ndarray:
        """Per observation: ``calibration``, ``holdout`` or ``outside`` (not compared)."""
        per, w = self.observed["period"].to_numpy(), self.cal.window
        if w is None:
            return np.full(len(per), "calibration", dtype=object)
        lo = per.min() if w.fit_from is None else w.fit_from
        hi = per.max() if w.holdout_until is None else w.holdout_until
        return np.where((per >= lo) & (per <= w.fit_until), "calibration",
                        np.where((per > w.fit_until) & (per <= hi), "holdout", "outside"))

    def observed_values(self) -> dict[str, np.ndarray]:
        """Target label -> observed values."""
        return {t.label: self.observed[t.column].to_numpy(dtype=float) for t in self.targets}

    def curves(self, traj: pd.DataFrame) -> dict[str, np.ndarray]:
        """One run's curves of every target at the observed periods."""
        return {t.label: simulated_curve(traj, t, str(t.firm), self.periods)
                for t in self.targets}


@dataclass
class CalibrationResult:
    """The outcome of a calibration.

    Attributes:
        plan: What was calibrated.
        params: Best parameters (label -> value).
        objective: The best objective (with one target and ``target:``, its RMSE).
        errors: Target label -> {``fit``: RMSE in the calibration window, ``holdout``: in
            the holdout window (NaN without one)}.
        fit: Per target and observed period: window, observed, simulated (mean), error, and
            the RMSE of the replications at that point (``rmse_point``).
        history: Every evaluation: the parameters, the objective and each target's RMSE.
        curves: Target label -> the best candidate's curves (replications x periods).
        seconds: Wall time of the search.
        workers: Worker processes used.
        run_seconds: Sum of the runs' wall times (on the workers).
        run_cpu_seconds: Sum of the runs' CPU times: below ``run_seconds`` when the runs
            waited for a core (more processes than cores on the machine).
    """

    plan: CalibrationPlan
    params: dict
    objective: float
    errors: dict[str, dict[str, float]]
    fit: pd.DataFrame
    history: pd.DataFrame
    curves: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    seconds: float = 0.0
    workers: int = 1
    run_seconds: float = 0.0
    run_cpu_seconds: float = 0.0

    @property
    def rmse(self) -> float:
        """The best objective (the RMSE of a single unscaled target)."""
        return self.objective

    def summary(self) -> str:
        """A short text: the parameters found and the fit."""
        cal = self.plan.cal
        what = ", ".join(f"{t.firm}.{t.metric}" + (f" ({t.transform})" if t.transform != "none"
                                                   else "") for t in self.plan.targets)
        lines = [f"{cal.name}: {len(self.history)} evaluations x {cal.replications} "
                 f"replications ({cal.optimizer.method}, {self.workers} worker"
                 f"{'s' * (self.workers != 1)}, {self.seconds:.1f} s); target {what}",
                 f"objective {self.objective:.5g}", "target                     fit RMSE  "
                 "holdout RMSE"]
        for t in self.plan.targets:
            e = self.errors[t.label]
            lines.append(f"  {t.label:<24} {e['fit']:>9.5g} {e['holdout']:>13.5g}")
        lines.append("parameters:")
        for p in cal.parameters:
            lines.append(f"  {p.label:<24} {self.params[p.label]:.6g}   "
                         f"(range {p.low:g} .. {p.high:g}{', log' if p.log else ''})")
        return "\n".join(lines)


def load_calibration(path: str | Path) -> CalibrationPlan:
    """Read and validate a calibration file, its scenario and its observed CSV."""
    file = str(path)
    cal, raw, lines = load_document(file, Calibration, "a calibration")
    base = _base(cal, file, lines)
    columns = [t.column for t in cal.curves()]
    observed = read_observed(Path(file).parent / cal.observed.file, cal.observed, file, lines,
                             base["horizon"], columns)
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
    late = plan.observed[plan.periods >= sc.horizon]
    if len(late):  # a parameter changes the horizon
        msg = (f"beyond the horizon with parameters at {corner}: periods are "
               f"0..{sc.horizon - 1}")
        raise InputError(str(Path(plan.file).parent / cal.observed.file), [
            Problem(cal.observed.period, msg, int(row.line), int(row.period), True)
            for row in late.head(10).itertuples()])
    _check_targets(plan, [f.id for f in sc.firms])


def _check_targets(plan: CalibrationPlan, firms: list[str]) -> None:
    """Every target's firm exists (and is given when there are several firms)."""
    key = "target" if plan.cal.target is not None else "targets"
    for k, t in enumerate(plan.cal.curves()):
        loc = ("target", "firm") if key == "target" else ("targets", k, "firm")
        where = "target.firm" if key == "target" else f"targets.{k}.firm"
        if t.firm is None and len(firms) > 1:
            raise InputError(plan.file, [Problem(where, f"several firms: name one of {firms}",
                                                 _line(plan.lines, loc[:-1]))])
        if t.firm is not None and t.firm not in firms:
            raise InputError(plan.file, [Problem(where, f"no such firm; firms are {firms}",
                                                 _line(plan.lines, loc), t.firm, True)])
    if not (plan.windows() == "calibration").any():
        raise InputError(plan.file, [Problem("window", "no observed period in the "
                                                       "calibration window",
                                             _line(plan.lines, ("window",)))])


def _value(p: Parameter, x: float) -> int | float:
    """A parameter value (rounded for integer parameters)."""
    return int(round(x)) if p.integer else float(x)


def to_value(p: Parameter, u: float) -> int | float:
    """The value of parameter ``p`` at position ``u`` in [0, 1] of its range."""
    u = min(max(float(u), 0.0), 1.0)
    if p.log:
        return _value(p, math.exp(math.log(p.low) + u * (math.log(p.high) - math.log(p.low))))
    return _value(p, p.low + u * (p.high - p.low))


def simulate_curve(plan: CalibrationPlan, params: dict, target: int = 0) -> np.ndarray:
    """One target's curve at the observed periods, one row per replication (in process)."""
    with open_engine(workers=1) as runner:
        (got,) = run_batch(runner, [plan.data(params)], plan.cal.replications, plan.cal.seed,
                           _outputs(plan), plan.curves)
    if isinstance(got, str):
        raise CalibrationFailed(got)
    return got[plan.targets[target].label]


def _outputs(plan: CalibrationPlan) -> tuple[str, ...]:
    """Trajectory columns the workers return."""
    return columns_needed(plan.targets)


@dataclass
class _Search:
    """The evaluations of a search: a cache by parameter values, the budget, the history."""

    plan: CalibrationPlan
    runner: Any
    bar: Any
    history: list[dict] = field(default_factory=list)
    curves: dict[tuple, dict[str, np.ndarray]] = field(default_factory=dict)
    timing: list[tuple[float, float]] = field(default_factory=list)

    def remaining(self) -> int:
        """Evaluations left in the budget."""
        return self.plan.cal.optimizer.max_evaluations - len(self.history)

    def evaluate(self, points: list[np.ndarray]) -> list[float]:
        """Objective of each candidate; new ones (within the budget) run as one batch."""
        params = [_params(self.plan.cal, u) for u in points]
        keys = [tuple(p.values()) for p in params]
        new = list(dict.fromkeys(k for k in keys if k not in self.curves))[:self.remaining()]
        chosen = [params[keys.index(k)] for k in new]
        data = [_valid_data(self.plan, p) for p in chosen]
        results = run_batch(self.runner, data, self.plan.cal.replications, self.plan.cal.seed,
                            _outputs(self.plan), self.plan.curves, self.timing)
        for key, p, got in zip(new, chosen, results):
            self._record(key, p, got)
        known = {h["key"]: h["objective"] for h in self.history}
        return [known.get(k, math.inf) for k in keys]

    def _record(self, key: tuple, params: dict, got: dict[str, np.ndarray] | str) -> None:
        """Add one evaluation to the history."""
        entry: dict[str, Any] = {"key": key, **params}
        if isinstance(got, str):
            entry.update(objective=math.inf, error=got.splitlines()[0][:300])
            self.curves[key] = {}
        else:
            fit = self.plan.windows() == "calibration"
            total, errs = objective(got, self.plan.observed_values(), fit, self.plan.targets)
            entry.update(objective=total, **{_rmse_column(self.plan, k): v
                                             for k, v in errs.items()})
            self.curves[key] = got
        self.history.append(entry)
        self.bar.update(1)
        best = min(h["objective"] for h in self.history)
        self.bar.set_postfix(best=best, refresh=False)


def _rmse_column(plan: CalibrationPlan, label: str) -> str:
    """History column of a target's RMSE (``rmse`` with a single target)."""
    return "rmse" if len(plan.targets) == 1 else f"rmse_{label}"


def _valid_data(plan: CalibrationPlan, params: dict) -> dict | None:
    """The candidate's scenario data, or None if it is not a valid scenario."""
    try:
        data = plan.data(params)
        Scenario.model_validate(data)
    except (InputError, ValueError):
        return None
    return data


def calibrate(plan: CalibrationPlan, progress: bool | None = None, engine: str = "local",
              workers: int | None = 1, scheduler: str | None = None, client: Any = None
              ) -> CalibrationResult:
    """Search the parameter ranges for the best fit.

    Args:
        plan: The calibration.
        progress: Show a progress bar (None: when stderr is a terminal).
        engine: ``local`` or ``dask``.
        workers: Worker processes (1: in this process; None: one per core).
        scheduler: Dask scheduler address (default: a LocalCluster).
        client: An existing ``distributed.Client``.

    Returns:
        The best parameters, the fit and the history.

    Raises:
        CalibrationFailed: No candidate could be evaluated.
    """
    cal = plan.cal
    bar = tqdm(total=cal.optimizer.max_evaluations, desc="calibrate", unit="eval",
               disable=None if progress is None else not progress)
    start = time.perf_counter()
    with open_engine(engine, workers, scheduler, client) as runner:
        state = _Search(plan, runner, bar)
        search(state.evaluate, len(cal.parameters), cal.optimizer, cal.seed, state.remaining)
    bar.close()
    seconds = time.perf_counter() - start
    used = getattr(runner, "workers", 1)
    return _result(plan, state, seconds, used)


def _params(cal: Calibration, u: np.ndarray) -> dict:
    """Parameter label -> value at the point ``u`` of the unit cube."""
    return {p.label: to_value(p, x) for p, x in zip(cal.parameters, u)}


def _result(plan: CalibrationPlan, state: _Search, seconds: float, workers: int
            ) -> CalibrationResult:
    """Assemble the result from the evaluation history."""
    ok = [h for h in state.history if math.isfinite(h["objective"])]
    if not ok:
        errors = [h.get("error", "") for h in state.history]
        raise CalibrationFailed(f"no candidate could be evaluated: {errors[:1]}")
    best = min(ok, key=lambda h: h["objective"])
    params = {p.label: best[p.label] for p in plan.cal.parameters}
    curves = state.curves[best["key"]]
    fit = fit_table(plan, curves)
    hist = pd.DataFrame([{k: v for k, v in h.items() if k != "key"} for h in state.history])
    hist.insert(0, "evaluation", range(len(hist)))
    return CalibrationResult(plan, params, best["objective"], _errors(fit), fit, hist,
                             curves, seconds, workers, sum(t[0] for t in state.timing),
                             sum(t[1] for t in state.timing))


def fit_table(plan: CalibrationPlan, curves: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per target and observed period: window, observed, simulated mean, error, rmse_point."""
    obs, windows = plan.observed_values(), plan.windows()
    frames = []
    for t in plan.targets:
        c, o = curves[t.label], obs[t.label]
        sim = c.mean(axis=0)
        frames.append(pd.DataFrame({
            "target": t.label, "period": plan.observed["period"].to_numpy(),
            "window": windows, "observed": o, "simulated": sim, "error": sim - o,
            "rmse_point": np.sqrt(np.mean((c - o) ** 2, axis=0))}))
    return pd.concat(frames, ignore_index=True)


def _errors(fit: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Target -> RMSE of the mean curve in the calibration and holdout windows."""
    out = {}
    for label, g in fit.groupby("target", sort=False):
        out[str(label)] = {w: rmse(g.loc[g["window"] == k, "simulated"].to_numpy(),
                                   g.loc[g["window"] == k, "observed"].to_numpy())
                           for w, k in (("fit", "calibration"), ("holdout", "holdout"))}
    return out


def write_calibration(result: CalibrationResult, out: str | Path) -> Path:
    """Write the fit into ``out``.

    Files: params.json (best parameters, objective, errors), fit.csv, history.csv, fit.png
    (observed vs simulated, the holdout shaded), summary.txt and scenario.yaml (the
    calibrated scenario; its runs with the seeds listed in it reproduce the fit).
    """
    from .plots import plot_targets

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "params.json", json.dumps(_record(result), indent=2))
    write_text(out / "fit.csv", round_frame(_fit_columns(result)).to_csv(index=False))
    write_text(out / "history.csv", round_frame(result.history).to_csv(index=False))
    write_text(out / "summary.txt", result.summary() + "\n")
    write_text(out / "scenario.yaml", calibrated_scenario(result))
    plot_targets(result.fit, out / "fit.png", _title(result), _fit_until(result.plan))
    return out


def _record(result: CalibrationResult) -> dict:
    """What params.json holds."""
    cal, single = result.plan.cal, len(result.plan.targets) == 1
    errors = result.errors
    return {"params": result.params, "objective": result.objective,
            "rmse": next(iter(errors.values()))["fit"] if single else
            {k: v["fit"] for k, v in errors.items()},
            "holdout_rmse": next(iter(errors.values()))["holdout"] if single else
            {k: v["holdout"] for k, v in errors.items()},
            "evaluations": len(result.history), "replications": cal.replications,
            "seeds": replication_seeds(cal), "seed": cal.seed,
            "method": cal.optimizer.method, "workers": result.workers,
            "seconds": round(result.seconds, 3), "calibration": result.plan.file}


def _fit_columns(result: CalibrationResult) -> pd.DataFrame:
    """fit.csv: without the target column for one target, without window when there is none."""
    fit = result.fit
    if len(result.plan.targets) == 1:
        fit = fit.drop(columns="target")
    if result.plan.cal.window is None:
        fit = fit.drop(columns="window")
    return fit


def _title(result: CalibrationResult) -> str:
    """The figure's title."""
    return f"{result.plan.cal.name}: objective {result.objective:.3g}"


def _fit_until(plan: CalibrationPlan) -> int | None:
    """Last observed period of the calibration window (None without a holdout)."""
    return plan.cal.window.fit_until if plan.cal.window is not None else None


def replication_seeds(cal: Calibration) -> list[int]:
    """The seed of each replication (the same for every candidate)."""
    return [run_seed(cal.seed, 0, r) for r in range(cal.replications)]


def calibrated_scenario(result: CalibrationResult) -> str:
    """The calibrated scenario as YAML, with the command that reproduces each replication."""
    cal = result.plan.cal
    seeds = replication_seeds(cal)
    data = result.plan.data(result.params)
    data["seed"] = seeds[0]
    data["description"] = (f"{data.get('description', '')} Calibrated by "
                           f"{Path(result.plan.file).name}.").strip()
    head = [f"# Calibrated scenario: {cal.name} ({result.plan.file})",
            f"# objective {result.objective:.6g}; parameters: "
            + ", ".join(f"{k}={v:.6g}" for k, v in result.params.items()),
            f"# The fit is the mean of {cal.replications} runs with seeds {seeds}:",
            "#   python run.py run scenario.yaml --seed SEED   (for each seed)"]
    return "\n".join(head) + "\n" + yaml.safe_dump(data, sort_keys=False, width=100)

