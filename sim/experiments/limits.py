"""Bounds on an experiment's work, checked from the file alone before any design is expanded.

The number of design points is computed, not enumerated, so a grid of 10^9 points or a
Latin hypercube of 10^6 samples is refused at once instead of being built.
"""

from __future__ import annotations

import math

from ..scenario import InputError, Problem
from ..scenario.errors import fmt_path
from .schema import Experiment


def design_points(exp: Experiment) -> int:
    """How many design points the experiment's design has."""
    d = exp.design
    if d.type == "grid":
        return math.prod(len(f.values) for f in d.factors)
    if d.type == "variants":
        return len(d.variants)
    if d.type == "latin_hypercube":
        return d.samples
    if d.type == "sobol":
        k = len(d.factors)
        return d.samples * (2 * k + 2 if d.second_order else k + 2)
    return d.trajectories * (len(d.factors) + 1)


def check_limits(exp: Experiment, file: str, lines: dict) -> None:
    """Refuse an experiment whose points, replications or runs exceed ``exp.limits``."""
    lim, points, reps = exp.limits, design_points(exp), exp.replications
    where = ("design", "factors") if exp.design.type == "grid" else ("design",)
    checks = [(points, lim.points, "points", where, f"{points:,} design points"),
              (reps, lim.replications, "replications", ("replications",),
               f"{reps:,} replications"),
              (points * reps, lim.runs, "runs", ("replications",),
               f"{points:,} design points x {reps:,} replications = {points * reps:,} runs")]
    problems = [_problem(lines, loc, value, limit, key, what)
                for value, limit, key, loc, what in checks if value > limit]
    if len(problems) > 1 and points * reps > lim.runs:  # the runs follow from the others
        problems.pop()
    if problems:
        raise InputError(file, problems)


def _problem(lines: dict, loc: tuple, value: int, limit: int, key: str, what: str) -> Problem:
    """One limit exceeded: the count, the limit, and how to raise it."""
    msg = (f"{what} exceed the limit of {limit:,} (limits.{key}); to run that many "
           f"deliberately, add `limits: {{{key}: {value}}}` to the experiment file")
    line = next((lines[loc[:k]] for k in range(len(loc), 0, -1) if lines.get(loc[:k])), None)
    return Problem(fmt_path(loc), msg, line, value, True)
