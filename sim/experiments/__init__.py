"""Experiments at scale: replications, sweeps, sensitivity analysis and calibration.

See docs/experiments.md. The optional dependencies (Dask, PyArrow, SALib, SciPy) come with
``pip install loyaltysim[sweep]``.
"""

from .api import run_experiment
from .plan import Plan, load_plan
from .report import make_report
from .seeds import run_seed
from .store import load_results
from .sweep import SweepSummary, run_sweep

__all__ = ["Plan", "SweepSummary", "load_plan", "load_results", "make_report", "run_experiment",
           "run_seed", "run_sweep"]
