"""loyaltysim: an agent-based market simulator of customer loyalty, churn and win-back.

``from sim import run, Market, load_scenario`` works as usual; the heavy modules (Mesa,
pandas, matplotlib) are imported on first use, so that ``run.py check`` and ``run.py --help``
start fast.
"""

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "run": "sim.api", "RunResult": "sim.api", "Market": "sim.model",
    "InputError": "sim.scenario", "Scenario": "sim.scenario", "load_scenario": "sim.scenario",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> object:
    """Import the public names lazily (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
