"""Experiments at scale: replications, sweeps, sensitivity analysis and calibration.

See docs/experiments.md. The optional dependencies (Dask, PyArrow, SALib, SciPy) come with
``pip install loyaltysim[sweep]``. Names are imported on first use (``run.py`` starts fast).
"""

import importlib
from typing import Any

_EXPORTS = {
    "run_experiment": ".api", "Plan": ".plan", "load_plan": ".plan", "make_report": ".report",
    "run_seed": ".seeds", "load_results": ".store", "SweepSummary": ".sweep",
    "run_sweep": ".sweep",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the public names lazily (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
