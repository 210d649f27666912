"""Expand a design into its points: grid, named variants, Latin hypercube, Sobol, Morris.

Each point is a variant of the base scenario: a name, the overrides that make it, and the
factor values (one column each in the results). Sampled designs draw from the experiment's
root seed, so the same file always gives the same points.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .schema import (
    NAME_PATTERN,
    Experiment,
    GridFactor,
    LatinHypercubeDesign,
    MorrisDesign,
    Overrides,
    RangeFactor,
    SobolDesign,
)

SAMPLED = ("latin_hypercube", "sobol", "morris")


@dataclass
class Point:
    """One design point (a variant).

    Attributes:
        name: Variant name (the ``variant`` column of its results).
        overrides: ``(path, value)`` pairs applied to the base scenario, or
            ``("", "path=VALUE")`` for an override given as text.
        values: Factor label -> value, stored as columns of every result row.
        origin: Experiment field path that defines the point (for error messages).
    """

    name: str
    overrides: list[tuple[str, object]]
    values: dict[str, object] = field(default_factory=dict)
    origin: tuple = ("design",)


def expand(exp: Experiment) -> list[Point]:
    """The design points of ``exp``, in a fixed order."""
    design = exp.design
    if design.type == "variants":
        return [Point(v.name, _pairs(v.overrides), {}, ("design", "variants", i))
                for i, v in enumerate(design.variants)]
    if design.type == "grid":
        return _grid(design.factors)
    return _points(design.factors, sample_matrix(design, exp.seed))


def _pairs(overrides: Overrides) -> list[tuple[str, object]]:
    """Normalise both override forms to ``(path, value)`` / ``("", text)`` pairs."""
    if isinstance(overrides, dict):
        return list(overrides.items())
    return [("", text) for text in overrides]


def _grid(factors: list[GridFactor]) -> list[Point]:
    """The cartesian product of the factors' values, first factor slowest."""
    points = []
    for combo in itertools.product(*(range(len(f.values)) for f in factors)):
        values = {f.label: _column_value(f.values[k], f.values) for f, k in zip(factors, combo)}
        parts = [f"{f.label}={_short(f.values[k], k)}" for f, k in zip(factors, combo)]
        points.append(Point(_safe(",".join(parts)),
                            [(f.path, f.values[k]) for f, k in zip(factors, combo)], values))
    return points


def _column_value(value: Any, values: list) -> object:
    """A factor value as stored in a result column, with one type per column.

    Numbers become floats if any of the factor's values is a float; lists and mappings
    become JSON text.
    """
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) == len(values) and any(isinstance(v, float) for v in values):
        return float(value)
    return value


def _short(value: object, k: int) -> str:
    """A value as it appears in a variant name (its index for structured values)."""
    return f"{value:g}" if isinstance(value, float) else (
        str(value) if isinstance(value, (int, str, bool)) else f"option{k}")


def _safe(name: str) -> str:
    """Replace characters a variant folder name may not hold."""
    name = re.sub(r"[^A-Za-z0-9_.,+=-]", "_", name)[:120]
    return name if re.match(NAME_PATTERN, name) else f"v{name}"


def problem(factors: list[RangeFactor]) -> dict:
    """The SALib problem dictionary of range factors."""
    return {"num_vars": len(factors), "names": [f.label for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def sample_matrix(d: LatinHypercubeDesign | SobolDesign | MorrisDesign,
                  root_seed: int) -> np.ndarray:
    """The matrix of a sampled design (rows are points, columns factors), unrounded.

    Args:
        d: A Latin hypercube, Sobol or Morris design block.
        root_seed: The experiment's root seed (the sampler's seed derives from it).
    """
    from SALib.sample import latin, morris, sobol

    seed = design_seed(root_seed)
    prob = problem(d.factors)
    if d.type == "latin_hypercube":
        return latin.sample(prob, d.samples, seed=seed)
    if d.type == "sobol":
        return sobol.sample(prob, d.samples, calc_second_order=d.second_order, scramble=True,
                            seed=seed)
    return morris.sample(prob, d.trajectories, num_levels=d.levels, seed=seed)


def design_seed(root: int) -> int:
    """The seed of the design sampler, derived from (not equal to) the root seed."""
    return int(np.random.SeedSequence(root, spawn_key=(2**31,)).generate_state(1)[0])


def _points(factors: list[RangeFactor], matrix: np.ndarray) -> list[Point]:
    """Points of a sampled design, named p00000, p00001, ..."""
    width = max(5, len(str(len(matrix) - 1)))
    points = []
    for i, row in enumerate(matrix):
        vals = [int(round(x)) if f.integer else float(x) for f, x in zip(factors, row)]
        points.append(Point(f"p{i:0{width}d}", [(f.path, v) for f, v in zip(factors, vals)],
                            {f.label: v for f, v in zip(factors, vals)}))
    return points
