"""Staff benchmark (issue 18): the Nanyuan vs Eaton case with staff against the case without.

Times, in CPU seconds (``time.process_time``: other load on a shared machine does not count),
``--steps`` periods of ``scenarios/nanyuan_vs_eaton.yaml`` and of
``scenarios/nanyuan_vs_eaton_staff.yaml`` at ``--agents`` agents, alternating the two,
``--repeat`` times each, and prints the best CPU milliseconds per step of each, their ratio,
and the time spent in the staff mechanism's own hook (the part of the difference that is the
mechanism, not a different story: the staffed case serves other numbers of guests).

Usage: python bench/bench_staff.py [--agents 1000000] [--steps 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.model import Market  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

CASES = {"without staff": ROOT / "scenarios" / "nanyuan_vs_eaton.yaml",
         "with staff": ROOT / "scenarios" / "nanyuan_vs_eaton_staff.yaml"}
LIMIT = 1.10  # issue 18: at most 10% slower


def measure(path: Path, agents: int, steps: int) -> tuple[float, float]:
    """CPU ms per step of ``steps`` periods, and of the staff hook alone (0 without staff)."""
    model = Market(load_scenario(path, customers=agents), seed=1)
    staff = model.mechanism("staff")
    hook_time = [0.0]
    if staff is not None:
        inner = staff.after_losses

        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            t0 = time.process_time()
            out = inner(*args, **kwargs)
            hook_time[0] += time.process_time() - t0
            return out

        staff.after_losses = timed  # type: ignore[method-assign]  # the model calls m.after_losses
    t0 = time.process_time()
    for _ in range(steps):
        model.step()
    total = time.process_time() - t0
    return 1e3 * total / steps, 1e3 * hook_time[0] / steps


def main() -> None:
    """Print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=1_000_000)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    best = {k: (float("inf"), 0.0) for k in CASES}
    for r in range(a.repeat):
        for name, path in CASES.items():
            ms, hook = measure(path, a.agents, a.steps)
            print(f"  run {r + 1} {name:14s} {ms:8.1f} CPU ms/step (staff hook {hook:.2f})",
                  flush=True)
            if ms < best[name][0]:
                best[name] = (ms, hook)
    base, staffed = best["without staff"][0], best["with staff"]
    ratio = staffed[0] / base
    print(f"\n{a.agents:,} agents, {a.steps} periods, best of {a.repeat} (CPU ms per step):")
    print(f"  case without staff   {base:8.1f}")
    print(f"  case with staff      {staffed[0]:8.1f}   ratio {ratio:.3f} "
          f"({'pass' if ratio <= LIMIT else 'FAIL'}: at most {LIMIT:.2f})")
    print(f"  of which staff hook  {staffed[1]:8.2f}   ({100 * staffed[1] / base:.1f}% of the "
          "case without staff)")


if __name__ == "__main__":
    main()
