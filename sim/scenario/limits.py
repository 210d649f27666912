"""Bounds on the work a scenario may ask for, checked before any work starts.

Each limit has a default and an environment variable that raises (or lowers) it deliberately:

==========================  ===============================  ====================================
limit                       environment variable             default
==========================  ===============================  ====================================
size of a YAML file         ``LOYALTYSIM_MAX_YAML_BYTES``    1,000,000 bytes
YAML nodes after aliases    ``LOYALTYSIM_MAX_YAML_NODES``    100,000 (values, keys and blocks)
YAML nesting depth          ``LOYALTYSIM_MAX_YAML_DEPTH``    40 levels (after aliases)
agents x periods            ``LOYALTYSIM_MAX_AGENT_PERIODS`` 1,000,000,000
==========================  ===============================  ====================================

A shipped scenario is about 10 kB, 1,000 nodes and 6 levels deep; the case at its 20,000 agents
and 260 weeks is 5.2 million agent-periods (the limit is a run of a few minutes at 1e6 agents).
The memory a run needs is checked against what this machine and this process may use
(``sim/scenario/memory.py``); that check has no variable: it is what the machine has.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import InputError, Problem


@dataclass(frozen=True)
class Limit:
    """One bound: its name in messages, its variable, its default."""

    key: str
    env: str
    default: int
    what: str

    def value(self) -> int:
        """The limit in force: the environment variable if set, else the default.

        Raises:
            InputError: The variable is set but is not a positive whole number.
        """
        raw = os.environ.get(self.env)
        if raw is None or raw.strip() == "":
            return self.default
        try:
            number = int(raw.replace("_", "").replace(",", ""))
        except ValueError:
            number = 0
        if number <= 0:
            raise InputError(self.env, [Problem(self.env, f"must be a positive whole number "
                                                          f"({self.what}); unset it for the "
                                                          f"default {self.default:,}", None,
                                                raw, True, origin=f"environment {self.env}")])
        return number

    def how_to_raise(self, needed: int | None = None) -> str:
        """The sentence that says how to go over the limit deliberately."""
        target = f"{needed}" if needed is not None else "N"
        return f"to allow it deliberately, set the environment variable {self.env}={target}"


YAML_BYTES = Limit("yaml_bytes", "LOYALTYSIM_MAX_YAML_BYTES", 1_000_000, "bytes of a YAML file")
YAML_NODES = Limit("yaml_nodes", "LOYALTYSIM_MAX_YAML_NODES", 100_000,
                   "YAML nodes once aliases are expanded")
YAML_DEPTH = Limit("yaml_depth", "LOYALTYSIM_MAX_YAML_DEPTH", 40,
                   "levels of YAML nesting once aliases are expanded")
AGENT_PERIODS = Limit("agent_periods", "LOYALTYSIM_MAX_AGENT_PERIODS", 1_000_000_000,
                      "simulated agents x periods")
ALL = (YAML_BYTES, YAML_NODES, YAML_DEPTH, AGENT_PERIODS)


def describe() -> str:
    """One line per limit, for ``run.py schema`` and the docs."""
    return "; ".join(f"{lim.what} at most {lim.default:,} ({lim.env})" for lim in ALL)
