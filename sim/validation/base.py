"""What a validation pattern is: criteria checked on one seed's ordinary runs, and a figure.

A pattern module defines ``PATTERN = Pattern(...)`` whose ``check(seed, quick)`` runs the
scenarios it needs with that seed and returns an ``Outcome``: one boolean per criterion, the
measured values, and (small) data for the figure. ``plot(outcomes, out_dir)`` draws the
pattern's figure from the outcomes of all seeds and returns the files written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

# progress(done, total), called as tasks finish
Progress = Callable[[int, int], None]

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
VALIDATION_SCENARIOS = SCENARIOS / "validation"


@dataclass(frozen=True)
class Criterion:
    """One measured condition of a pattern.

    Attributes:
        key: Short identifier (unique within the pattern).
        measured: What is measured, in words.
        threshold: The condition a seed must meet, in words.
    """

    key: str
    measured: str
    threshold: str


@dataclass
class Outcome:
    """What one seed showed for one pattern.

    Attributes:
        pattern: Pattern key.
        seed: The seed.
        passed: Criterion key -> whether it held.
        values: Measured values (numbers) by name.
        data: Anything small the figure needs (kept for the first seeds only).
    """

    pattern: str
    seed: int
    passed: dict[str, bool]
    values: dict[str, float]
    data: Any = None

    @property
    def all_passed(self) -> bool:
        """Whether every criterion held for this seed."""
        return all(self.passed.values())


@dataclass(frozen=True)
class Pattern:
    """A published pattern the model should reproduce.

    Attributes:
        key: Identifier used on the command line and in file names.
        number: Its number in issue 4 / docs/validation.md.
        title: Short title.
        source: Where the pattern comes from.
        criteria: The conditions checked on each seed.
        check: ``check(seed, quick) -> Outcome``.
        plot: ``plot(outcomes, out_dir) -> list of files written``.
        scenario: The shipped scenario whose ordinary runs the pattern is measured on, if it
            is measured on one run's trajectories (then ``run.py scale`` checks it too).
        measure: ``measure(trajectories, scenario) -> (passed, values)`` for such patterns.
    """

    key: str
    number: int
    title: str
    source: str
    criteria: tuple[Criterion, ...]
    check: Callable[[int, bool], Outcome]
    plot: Callable[[list[Outcome], Path], list[Path]] = field(repr=False)
    scenario: Path | None = None
    measure: Callable[[pd.DataFrame, Any], tuple[dict[str, bool], dict[str, float]]] | None = field(
        default=None, repr=False)
