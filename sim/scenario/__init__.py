"""Scenarios: schema, safe loading with line-aware errors, overrides."""

from .errors import InputError, Problem
from .loader import load_scenario, read_yaml, validate
from .schema import Scenario

__all__ = ["InputError", "Problem", "Scenario", "load_scenario", "read_yaml", "validate"]
