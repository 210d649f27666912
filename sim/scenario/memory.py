"""How much memory a run needs, and how much this process may use.

The estimate is the process's peak resident memory (RSS) over a whole run:

    peak = BASE + agents x (TEMPORARY x state + max(STEP_PER_AGENT,
                                                    BUILD_PER_AGENT + NETWORK_PER_TIE x degree))

* ``state``: bytes per agent of every array the run keeps: the customer arrays
  (``sim.customers.estimate_bytes``) and those of the enabled mechanisms (Dick & Basu types,
  cohorts, turnover, a loyalty programme's points and lock-in);
* ``TEMPORARY``: the step's temporaries (choice utilities, masks, sorted visits) grow with
  the state;
* ``NETWORK_PER_TIE``: building the small-world network (word of mouth or contagion) sorts
  its ties as 64-bit pairs, several copies at once, about 52 bytes per tie and customer at
  the peak (the network kept afterwards is 4 bytes per tie);
* ``STEP_PER_AGENT``: Python and Mesa bookkeeping and per-step scratch arrays beyond the
  state; a network's build is a higher peak that comes first (``BUILD_PER_AGENT`` with it);
* ``BASE``: the interpreter with numpy, pandas, Mesa, pydantic and matplotlib loaded.

The coefficients were fitted to peak RSS measured in fresh processes for every shipped
scenario at 100,000 and 200,000 agents and for network degrees 4 to 48
(``bench/bench_memory.py`` prints the comparison; ``tests/test_memory_estimate.py`` checks
that it stays within 25%).

The memory this process may use is the least of: the machine's available memory
(MemAvailable), the cgroup's ``memory.max`` minus its current use (containers), and the
address-space limit ``RLIMIT_AS`` minus the address space already mapped.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..customers import estimate_bytes

BASE = 200 * 2**20  # bytes: the interpreter and libraries a run loads
TEMPORARY = 1.2  # peak of a step relative to the arrays it works on
STEP_PER_AGENT = 140  # bytes per agent: bookkeeping and step scratch beyond the state
BUILD_PER_AGENT = 190  # bytes per agent beside the network at its build's peak
NETWORK_PER_TIE = 9  # bytes per agent and tie of the network at its build's peak
SAFETY = 0.9  # refuse a run whose estimate exceeds this share of the memory it may use


@dataclass(frozen=True)
class Estimate:
    """A run's expected peak memory."""

    agents: int
    state_per_agent: float
    network_per_agent: float
    base: int = BASE

    @property
    def per_agent(self) -> float:
        """Bytes per agent at the peak."""
        extra: float = STEP_PER_AGENT
        if self.network_per_agent:
            extra = max(extra, BUILD_PER_AGENT + self.network_per_agent)
        return TEMPORARY * self.state_per_agent + extra

    @property
    def peak(self) -> float:
        """Peak resident memory of the process, in bytes."""
        return self.base + self.agents * self.per_agent


def state_bytes(scenario: Any) -> float:
    """Bytes per agent of the arrays a run keeps for the scenario's enabled mechanisms."""
    n_firms = len(scenario.firms)
    p = scenario.params
    out = estimate_bytes(1, n_firms)
    programmes = sum(1 for f in scenario.firms for s in f.strategies
                     if s.type == "loyalty_programme")
    if programmes:
        out += 4 * n_firms + 9 * programmes  # lock-in per firm; score, points, level per firm
    if _on(p, "loyalty_types"):
        out += 4 * n_firms  # visit share (float16), kind, was_active
    if _on(p, "cohorts"):
        out += 5 * n_firms  # value (float32), bought
    if getattr(getattr(p, "turnover", None), "exit_rate", 0) > 0:
        out += 1
    return out


def network_degree(scenario: Any) -> int:
    """Mean number of ties per customer of the network the run builds (0 if none)."""
    p = scenario.params
    if not (_on(p, "wom") or _on(p, "contagion")):
        return 0
    n = scenario.market.customers or 0
    return min(int(p.network.degree), max(n - 1, 0))


def estimate(scenario: Any) -> Estimate:
    """The run's expected peak memory."""
    return Estimate(scenario.market.customers or 0, state_bytes(scenario),
                    NETWORK_PER_TIE * network_degree(scenario))


def _on(params: Any, block: str) -> bool:
    return bool(getattr(getattr(params, block, None), "enabled", False))


def allowed_memory() -> tuple[float, str]:
    """(bytes this process may still use, what sets that bound)."""
    bounds = [(float(available_memory()), "available memory (MemAvailable)")]
    cg = cgroup_headroom()
    if cg is not None:
        bounds.append(cg)
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        bounds.append((float(soft - _status("VmSize") + _status("VmRSS")),
                       f"the address-space limit RLIMIT_AS ({soft / 2**30:.2f} GiB, ulimit -v)"))
    return min(bounds)


def available_memory() -> int:
    """Bytes of memory available (MemAvailable, else physical memory)."""
    try:
        with open("/proc/meminfo") as fh:
            for row in fh:
                if row.startswith("MemAvailable:"):
                    return int(row.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def cgroup_headroom() -> tuple[float, str] | None:
    """(headroom, description) of the tightest cgroup memory limit; None without one.

    The headroom is memory.max - memory.current + this process's RSS (cgroup v2; v1's
    memory.limit_in_bytes and memory.usage_in_bytes alike).
    """
    try:
        rows = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    best: tuple[float, str] | None = None
    for row in rows:
        _, controllers, rel = row.split(":", 2)
        if controllers == "":  # cgroup v2
            root, names = Path("/sys/fs/cgroup"), ("memory.max", "memory.current")
        elif "memory" in controllers.split(","):
            root, names = Path("/sys/fs/cgroup/memory"), ("memory.limit_in_bytes",
                                                         "memory.usage_in_bytes")
        else:
            continue
        here = root / rel.lstrip("/")
        while True:
            found = _cgroup_limit(here, names)
            if found is not None and (best is None or found < best[0]):
                best = (found, f"the container's memory limit ({here / names[0]})")
            if here == root or here.parent == here:
                break
            here = here.parent
    return best


def _cgroup_limit(folder: Path, names: tuple[str, str]) -> float | None:
    try:
        limit = (folder / names[0]).read_text().strip()
        used = (folder / names[1]).read_text().strip()
    except OSError:
        return None
    if limit == "max" or int(limit) >= 2**60:
        return None
    return float(int(limit) - int(used) + _status("VmRSS"))


def _status(key: str) -> int:
    """A byte count from /proc/self/status (VmRSS, VmSize); 0 if unknown."""
    try:
        with open("/proc/self/status") as fh:
            for row in fh:
                if row.startswith(key + ":"):
                    return int(row.split()[1]) * 1024
    except OSError:
        pass
    return 0


def check_resources(scenario: Any) -> str | None:
    """None if the run fits in the memory this process may use, else the reason it does not.

    The bounds count what the process already holds (its RSS), so they compare with the
    estimated peak of the whole process.
    """
    est = estimate(scenario)
    limit, what = allowed_memory()
    if est.peak <= SAFETY * limit:
        return None
    per = f"{est.per_agent:,.0f} bytes per agent"
    if est.network_per_agent:
        per += f", most of it the network of degree {network_degree(scenario)}"
    fit = max(int((SAFETY * limit - est.base) / est.per_agent), 0)
    return (f"{est.agents:,} agents need about {est.peak / 2**30:.1f} GiB at the peak ({per}); "
            f"this process may use {limit / 2**30:.1f} GiB ({what}); at most about {fit:,} "
            "agents fit (--customers N or market.customers simulate the same market with more "
            "noise)")
