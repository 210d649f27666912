"""Speed of the core step with word of mouth and the network on vs off.

Prints customer-steps per second (customers x periods / seconds, model built beforehand) for
the Nanyuan vs Eaton market at 1e5 and 1e6 customers, with the social mechanisms (word of
mouth, awareness, contagion, complaints) off and on, and the network build time at 1e6.

    .venv/bin/python bench/bench_wom.py [--sizes 100000 1000000] [--periods 20]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import yaml

from sim import network
from sim.model import Market
from sim.network import NetworkParams
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
SOCIAL = ("wom", "awareness", "contagion", "complaints")
SETS = {"off": (), "wom": ("wom", "awareness"), "all": SOCIAL}


def scenario(n: int, periods: int, social: tuple) -> Scenario:
    """The case market at ``n`` customers, capacities scaled, social mechanisms on or off."""
    data = yaml.safe_load((ROOT / "scenarios" / "nanyuan_vs_eaton.yaml").read_text())
    scale = n / data["market"]["customers"]
    data["market"]["customers"], data["horizon"] = n, periods
    data.setdefault("params", {})
    for key in SOCIAL:
        data["params"].setdefault(key, {})["enabled"] = key in social
    for firm in data["firms"]:
        firm["capacity"] = int(firm["capacity"] * scale)
        for s in firm["strategies"]:
            for key in ("contacts", "capacity"):
                if key in s:
                    s[key] = int(s[key] * scale)
    return Scenario.model_validate(data)


def speed(n: int, periods: int, social: tuple) -> float:
    """Customer-steps per second over ``periods`` steps."""
    model = Market(scenario(n, periods, social), seed=1)
    model.step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(periods):
        model.step()
    return n * periods / (time.perf_counter() - t0)


def build_time(n: int) -> float:
    """Seconds to build the default small-world network of ``n`` customers."""
    t0 = time.perf_counter()
    network.build(n, NetworkParams(), np.random.default_rng(0))
    return time.perf_counter() - t0


def main() -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--periods", type=int, default=20)
    args = ap.parse_args()
    print("customer-steps/s; wom = word of mouth + network + awareness; all = + contagion and "
          "complaints")
    print(f"{'customers':>10} {'off':>12} {'wom':>12} {'all':>12} {'wom/off':>8} {'all/off':>8}")
    for n in args.sizes:
        off, w, a = (speed(n, args.periods, SETS[k]) for k in ("off", "wom", "all"))
        print(f"{n:>10,} {off:>12,.0f} {w:>12,.0f} {a:>12,.0f} {w / off:>8.2f} {a / off:>8.2f}",
              flush=True)
    n = max(args.sizes)
    print(f"network build at {n:,} customers (k=12, small world): {build_time(n):.2f} s")


if __name__ == "__main__":
    main()
