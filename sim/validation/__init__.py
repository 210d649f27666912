"""Validation suite: the model reproduces the case and the published patterns, on demand.

``python run.py validate`` runs every pattern of ``registry.MODULES`` over many seeds and
reports the share of seeds on which each holds (docs/validation.md). Each pattern is one
module whose checks use ordinary scenario runs and outputs only.
"""

from .base import Criterion, Outcome, Pattern
from .registry import patterns
from .runner import Report, validate

__all__ = ["Criterion", "Outcome", "Pattern", "Report", "patterns", "validate"]
