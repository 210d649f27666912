"""Core benchmark: customer-steps per second and peak memory for the case at 1e4..1e6 customers.

Each size and mode runs in a fresh process (one core) so peak memory is its own. The case's
market is simulated by n agents (its population stays 20,000 guests), so the firms are
rationed alike at every size. Modes:

* ``core``: the simulator core (issue 2's mechanisms): word of mouth, contagion, complaints,
  loyalty types and cohorts switched off;
* ``wom``: the core plus word of mouth on the small-world network;
* ``case``: the Nanyuan vs Eaton case as shipped (every mechanism it uses on).

Usage: python bench/bench_core.py [--sizes 10000 100000 1000000] [--steps 30] [--modes ...]
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"


SOCIAL_OFF = ["params.contagion.enabled=false", "params.complaints.enabled=false",
              "params.loyalty_types.enabled=false", "params.cohorts.enabled=false"]
MODES = {"core": SOCIAL_OFF + ["params.wom.enabled=false"], "wom": SOCIAL_OFF, "case": []}


def measure(n: int, steps: int, mode: str) -> dict:
    """Run the case with ``n`` customers for ``steps`` periods in this process."""
    sys.path.insert(0, str(ROOT))
    from sim.model import Market
    from sim.scenario import load_scenario

    # the case's market (20,000 guests, 2,500 guest-nights a week per hotel) simulated by n
    # agents: capacity in agents scales with n by itself (docs/ODD.md 2.3)
    sc = load_scenario(CASE, MODES[mode], customers=n)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    model = Market(sc, seed=1)
    build = time.perf_counter() - t0
    model.step()  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.step()
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"customers": n, "steps": steps, "build_s": build, "step_ms": 1000 * secs / steps,
            "csteps_per_s": n * steps / secs, "cpu_csteps_per_s": n * steps / cpu,
            "state_bytes": model.customers.nbytes() / n, "peak_bytes": (peak - base) / n}


def main() -> None:
    """Measure each size in a subprocess and print a table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="core", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.steps, args.mode)))
        return
    print(f"{'mode':>5} {'customers':>10} {'step (ms)':>10} {'M cust-steps/s':>15} "
          f"{'(CPU time)':>11} {'state B/cust':>13} {'peak B/cust':>12} {'build (s)':>10}")
    for mode in args.modes:
        for n in args.sizes:
            out = subprocess.run([sys.executable, __file__, "--one", str(n), "--steps",
                                  str(args.steps), "--mode", mode],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{mode:>5} {n:>10,} {r['step_ms']:>10.1f} {r['csteps_per_s'] / 1e6:>15.1f} "
                  f"{r['cpu_csteps_per_s'] / 1e6:>11.1f} {r['state_bytes']:>13.0f} "
                  f"{r['peak_bytes']:>12.0f} {r['build_s']:>10.2f}", flush=True)


if __name__ == "__main__":
    main()
