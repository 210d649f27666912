"""Read an experiment file and turn it into a plan: validated variants and seeded runs.

Everything is checked before any run starts: the experiment file (line-aware errors, as for
scenarios), its base scenario, every override, and every variant's resolved scenario (errors
say which variant).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..scenario import InputError, Problem, Scenario, read_yaml, validate
from ..scenario.errors import fmt_path
from ..scenario.loader import apply_override, check_memory, load_document
from .calibration_schema import Calibration
from .designs import Point, expand
from .limits import check_limits
from .manifest import LAYOUT
from .schema import Experiment, Overrides
from .seeds import run_seed
from .store import PARTITION
from .worker import RunTask

REPORT_COLUMNS = ("retention_rate", "market_share", "cumulative_profit", "profit")


@dataclass
class Plan:
    """A validated experiment, ready to run.

    Attributes:
        experiment: The validated experiment.
        file: Path of the experiment file.
        raw: The experiment file's data as read.
        base: The base scenario (after the experiment's overrides) as plain data.
        points: The design points (variants), in order.
    """

    experiment: Experiment
    file: str
    raw: dict
    base: dict
    points: list[Point]

    @property
    def outputs(self) -> tuple:
        """Kept trajectory columns (empty: all); the report's columns are always kept."""
        cols = self.experiment.outputs
        return tuple(dict.fromkeys([*REPORT_COLUMNS, *cols])) if cols is not None else ()

    def scenario(self, point: Point) -> dict:
        """The resolved scenario data of a design point."""
        data = copy.deepcopy(self.base)
        for _loc, expr in overrides(point):
            apply_override(data, expr, self.file)
        return data

    def tasks(self) -> list[RunTask]:
        """Every run: variant-major, replications inner; seeds from the root seed."""
        exp = self.experiment
        out: list[RunTask] = []
        for i, point in enumerate(self.points):
            data = self.scenario(point)
            for r in range(exp.replications):
                seed = run_seed(exp.seed, i, r, exp.common_random_numbers)
                out.append(RunTask(len(out), point.name, i, r, seed, data, self.outputs,
                                   point.values, run_file(point.name, i, r)))
        return out

    def fingerprint(self) -> str:
        """A hash of everything that decides the runs' results (for ``--resume``)."""
        doc = {"base": self.base, "points": [(p.name, p.overrides) for p in self.points],
               "outputs": self.outputs, "seed": self.experiment.seed,
               "reps": self.experiment.replications,
               "crn": self.experiment.common_random_numbers, "layout": LAYOUT}
        text = json.dumps(doc, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_file(variant: str, index: int, replication: int) -> str:
    """Output file of a run, relative to the sweep folder.

    Partitioned Hive-style by the design point's number, not its name: names may hold ``=``
    and ``,``, which DuckDB's and polars' Hive readers misparse (the name is a column).
    """
    return f"runs/{PARTITION}={index}/v{index:05d}-r{replication:04d}.parquet"


def overrides(point: Point) -> Iterator[tuple[tuple, str]]:
    """``(experiment location, "path=VALUE")`` for each of a point's overrides."""
    for k, (path, value) in enumerate(point.overrides):
        if path:
            yield point.origin + ("overrides", path), f"{path}={dump(value)}"
        else:
            yield point.origin + ("overrides", k), str(value)  # already "path=VALUE" text


def dump(value: object) -> str:
    """A value as YAML text for an override."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9)
    return text.removesuffix("\n...\n").strip()


def load_plan(path: str | Path) -> Plan:
    """Read and validate an experiment file and everything it refers to."""
    file = str(path)
    exp, raw, lines = load_document(file, Experiment, "an experiment")
    check_limits(exp, file, lines)
    base = _base(exp, file, lines)
    points = expand(exp)
    if exp.design.type in ("grid", "latin_hypercube", "sobol", "morris"):
        for point in points:
            point.origin = ("design",)
    plan = Plan(exp, file, raw, base, points)
    check_points(plan, lines)
    return plan


def _base(exp: Experiment | Calibration, file: str, lines: dict) -> dict:
    """The base scenario's data with the experiment's overrides, validated.

    The scenario is expanded with every default first, so overrides and factors can address
    any field of the schema (e.g. ``params.choice.inertia``) even if the file omits it.
    """
    sc_file = Path(file).parent / exp.scenario
    if not sc_file.is_file():
        raise InputError(file, [Problem("scenario", f"no such scenario file: {sc_file}",
                                        lines.get(("scenario",)), exp.scenario, True)])
    data, sc_lines = read_yaml(sc_file)
    if not isinstance(data, dict):
        raise InputError(str(sc_file), [Problem("", "a scenario must be a mapping", 1)])
    data = validate(Scenario, data, sc_lines, str(sc_file)).model_dump(mode="json")
    top = Point("base", _items(exp.overrides), {}, ())
    for loc, expr in overrides(top):
        _apply(data, expr, file, loc, lines)
    try:
        return validate(Scenario, data, {}, str(sc_file)).model_dump(mode="json")
    except InputError as e:
        raise InputError(file, [Problem(f"overrides: scenario {p.path or '(top level)'}",
                                        p.message, _line(lines, ("overrides",)), p.value,
                                        p.has_value) for p in e.problems]) from None


def _items(ovr: Overrides) -> list[tuple[str, object]]:
    """Both override forms as ``(path, value)`` / ``("", text)`` pairs."""
    return list(ovr.items()) if isinstance(ovr, dict) else [("", t) for t in ovr]


def _apply(data: dict, expr: str, file: str, loc: tuple, lines: dict) -> None:
    """``apply_override`` with its error placed at ``loc`` in the experiment file."""
    try:
        apply_override(data, expr, file)
    except InputError as e:
        raise InputError(file, [Problem(fmt_path(loc), p.message, _line(lines, loc))
                                for p in e.problems]) from None


def check_points(plan: Plan, lines: dict, limit: int = 10) -> None:
    """Validate every design point's scenario; report up to ``limit`` bad variants at once."""
    problems, seen = [], set()
    for point in plan.points:
        for p in point_problems(plan, point, lines):
            key = (p.path.split(" (variant")[0], p.path.rpartition("scenario ")[2], p.message)
            if key not in seen:
                seen.add(key)
                problems.append(p)
        if len(problems) >= limit:
            break
    if problems:
        raise InputError(plan.file, problems)


def point_problems(plan: Plan, point: Point, lines: dict) -> list[Problem]:
    """Problems of one design point's scenario, placed at the override that causes them."""
    data, locs = copy.deepcopy(plan.base), []
    try:
        for loc, expr in overrides(point):
            locs.append(_factor_loc(plan, loc))
            _apply(data, expr, plan.file, locs[-1], lines)
    except InputError as e:
        return e.problems
    try:
        check_memory(validate(Scenario, data, {}, plan.file), {}, plan.file)
        return []
    except InputError as e:
        where = _culprit(plan, point, locs) or point.origin
        return [Problem(f"{fmt_path(where)} (variant {point.name!r}): scenario "
                        f"{p.path or '(top level)'}", p.message, _line(lines, where), p.value,
                        p.has_value) for p in e.problems]


def _culprit(plan: Plan, point: Point, locs: list) -> tuple | None:
    """The location of the first override after which the scenario is invalid."""
    data = copy.deepcopy(plan.base)
    for loc, (_, expr) in zip(locs, overrides(point)):
        apply_override(data, expr, plan.file)
        try:
            Scenario.model_validate(data)
        except ValueError:
            return loc
    return None


def _factor_loc(plan: Plan, loc: tuple) -> tuple:
    """Point a generated design point's override at its factor in the experiment file."""
    if loc[:1] != ("design",) or len(loc) != 3 or not hasattr(plan.experiment.design, "factors"):
        return loc
    paths = [f.path for f in plan.experiment.design.factors]
    return ("design", "factors", paths.index(loc[2]), "path") if loc[2] in paths else loc


def _line(lines: dict, loc: tuple) -> int | None:
    """Line of ``loc`` or of its nearest parent in the experiment file."""
    for k in range(len(loc), -1, -1):
        if lines.get(tuple(loc[:k])):
            return lines[tuple(loc[:k])]
    return None
