"""Run every pattern over seeds, in parallel processes, and summarise the shares passing."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import BaseContext

import pandas as pd

from .base import Outcome, Pattern, Progress
from .registry import KNOWN_GAPS, by_key

PASS_SHARE = 0.9
QUICK_SEEDS, FULL_SEEDS = 3, 20
FIGURE_SEEDS = 20  # outcomes keep their figure data for at most this many seeds


@dataclass
class Report:
    """Everything a validation run produced.

    Attributes:
        patterns: The patterns checked.
        outcomes: Pattern key -> outcomes, one per seed (in seed order).
        seeds: The seeds used.
        quick: Whether this was the quick version.
    """

    patterns: list[Pattern]
    outcomes: dict[str, list[Outcome]]
    seeds: list[int]
    quick: bool

    def table(self) -> pd.DataFrame:
        """One row per criterion plus one per pattern (all criteria on the same seed)."""
        rows = []
        for p in self.patterns:
            outs = self.outcomes[p.key]
            for c in p.criteria:
                share = sum(o.passed[c.key] for o in outs) / len(outs)
                rows.append({"pattern": f"{p.number}. {p.title}", "criterion": c.key,
                             "measured": c.measured, "threshold": c.threshold,
                             "share_passing": share})
            gate = ("known gap, not gating" if p.key in KNOWN_GAPS
                    else f">= {PASS_SHARE:.0%} of seeds")
            rows.append({"pattern": f"{p.number}. {p.title}", "criterion": "ALL",
                         "measured": "every criterion above on the same seed",
                         "threshold": gate,
                         "share_passing": self.pattern_share(p.key)})
        return pd.DataFrame(rows)

    def pattern_share(self, key: str) -> float:
        """Share of seeds on which every criterion of pattern ``key`` held."""
        outs = self.outcomes[key]
        return sum(o.all_passed for o in outs) / len(outs)

    def passed(self) -> bool:
        """True if every pattern (known gaps aside) passes on >= ``PASS_SHARE`` of seeds."""
        return all(self.pattern_share(p.key) >= PASS_SHARE for p in self.patterns
                   if p.key not in KNOWN_GAPS)

    def values(self) -> pd.DataFrame:
        """Every measured value, one row per pattern and seed."""
        rows = [{"pattern": key, "seed": o.seed, "all_passed": o.all_passed,
                 **{f"pass_{k}": v for k, v in o.passed.items()}, **o.values}
                for key, outs in self.outcomes.items() for o in outs]
        return pd.DataFrame(rows)


def _task(key: str, seed: int, quick: bool, keep_data: bool) -> Outcome:
    """Check one pattern on one seed (runs in a worker process)."""
    out = by_key(key).check(seed, quick)
    if not keep_data:
        out.data = None
    return out


def _context() -> BaseContext:
    """The sweeps' start method: forkserver (model preloaded) where available, else spawn.

    Plain fork copies a process that may already run threads (a Dask client, a notebook
    kernel); Python 3.12 warns that this can deadlock the child.
    """
    from ..experiments.engines import process_context

    return process_context()


def validate(patterns: list[Pattern], seeds: list[int], quick: bool = False,
             workers: int = 2, progress: Progress | None = None) -> Report:
    """Check ``patterns`` on every seed.

    Args:
        patterns: Patterns to check.
        seeds: Seeds to run each pattern with.
        quick: Smaller, faster runs where a pattern allows it.
        workers: Worker processes (1: run in this process).
        progress: Optional callable(done, total) called as tasks finish.

    Returns:
        The report.
    """
    tasks = [(p.key, s, quick, i < FIGURE_SEEDS) for p in patterns for i, s in enumerate(seeds)]
    results: list[Outcome] = []
    if workers <= 1:
        for k, task in enumerate(tasks, 1):
            results.append(_task(*task))
            if progress:
                progress(k, len(tasks))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
            futures = [pool.submit(_task, *task) for task in tasks]
            for k, fut in enumerate(futures, 1):
                results.append(fut.result())
                if progress:
                    progress(k, len(tasks))
    outcomes = {p.key: [o for o in results if o.pattern == p.key] for p in patterns}
    return Report(patterns, outcomes, list(seeds), quick)
