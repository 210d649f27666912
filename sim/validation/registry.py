"""The patterns the validation suite checks, in the order of issue 4.

A pattern is one module with a ``PATTERN``; adding one is adding its module name here.
"""

from __future__ import annotations

import importlib

from .base import Pattern

MODULES = ("case", "jones_sasser", "portability", "heterogeneity", "complaints", "contagion",
           "arithmetic", "double_jeopardy", "mirror", "levels", "crisis")

# Patterns the model does not reproduce yet: still run and reported, but they do not decide
# the exit status. Each entry maps a pattern key to why (see docs/validation.md); an entry is
# removed once the pattern passes. There is none.
KNOWN_GAPS: dict[str, str] = {}


def patterns() -> list[Pattern]:
    """Every pattern, sorted by number."""
    found = [importlib.import_module(f"{__package__}.{m}").PATTERN for m in MODULES]
    return sorted(found, key=lambda p: p.number)


def by_key(key: str) -> Pattern:
    """The pattern called ``key``."""
    for p in patterns():
        if p.key == key:
            return p
    raise KeyError(f"no pattern {key!r}; patterns are {[p.key for p in patterns()]}")
