"""Memory estimate against measurement: peak RSS per agent of every shipped scenario.

Each scenario runs to its horizon in a fresh process with ``--agents`` agents; the rise of the
process's peak resident memory (VmHWM) from just before the model is built to the end of the
run, divided by the agents, is compared with ``sim.scenario.memory.estimate`` (bytes per agent
at the peak). tests/test_memory_estimate.py requires agreement within 25%.

Usage: python bench/bench_memory.py [--agents 100000] [--steps 0 (whole horizon)]
       [--set params.network.degree=24 ...] [SCENARIO ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _status(key: str) -> int:
    with open("/proc/self/status") as fh:
        for row in fh:
            if row.startswith(key + ":"):
                return int(row.split()[1]) * 1024
    return 0


def measure(path: str, agents: int, steps: int, overrides: list[str]) -> dict[str, float]:
    """Run ``path`` in this process; return measured and estimated bytes per agent."""
    sys.path.insert(0, str(ROOT))
    import gc

    from sim.model import Market
    from sim.scenario import load_scenario
    from sim.scenario.memory import estimate

    sc = load_scenario(path, overrides, customers=agents)
    if steps:
        sc = sc.model_copy(update={"horizon": min(sc.horizon, steps)})
    gc.collect()
    start = _status("VmRSS")
    model = Market(sc, seed=1)
    for _ in range(sc.horizon):
        model.step()
    peak = _status("VmHWM")
    est = estimate(sc)
    return {"agents": agents, "measured": (peak - start) / agents, "estimated": est.per_agent,
            "base": start, "estimated_base": est.base}


def run_one(path: str, agents: int, steps: int = 0, overrides: tuple[str, ...] = ()) -> dict:
    """``measure`` in a fresh process (peak memory is per process)."""
    cmd = [sys.executable, __file__, "--one", "--agents", str(agents), "--steps", str(steps),
           path, *(a for o in overrides for a in ("--set", o))]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print measured against estimated bytes per agent for each scenario."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--agents", type=int, default=100_000)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.scenarios[0], args.agents, args.steps, args.overrides)))
        return
    paths = args.scenarios or sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    print(f"{'scenario':<28} {'agents':>9} {'measured B/agent':>17} {'estimated':>10} "
          f"{'error':>7}")
    for path in paths:
        r = run_one(path, args.agents, args.steps, tuple(args.overrides))
        err = r["estimated"] / r["measured"] - 1
        print(f"{Path(path).name:<28} {args.agents:>9,} {r['measured']:>17.0f} "
              f"{r['estimated']:>10.0f} {err:>+7.0%}", flush=True)


if __name__ == "__main__":
    main()
