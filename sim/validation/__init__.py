"""Validation suite: the model reproduces the case and the published patterns, on demand.

``python run.py validate`` runs every pattern of ``registry.MODULES`` over many seeds and
reports the share of seeds on which each holds (docs/validation.md). Each pattern is one
module whose checks use ordinary scenario runs and outputs only. Names are imported on first
use (``run.py`` starts fast).
"""

import importlib
from typing import Any

_EXPORTS = {"Criterion": ".base", "Outcome": ".base", "Pattern": ".base",
            "patterns": ".registry", "Report": ".runner", "validate": ".runner"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the public names lazily (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
