"""Sweep throughput: runs per minute of a 64-run sweep of the case at 1e4 customers.

Engines: the local engine with 1 and 2 worker processes, and Dask on a LocalCluster of
2 workers on 127.0.0.1. Wall time includes starting the workers (process pool or cluster);
the one-time start of the forkserver, which every engine then reuses, is done first by an
untimed warm-up run. Every engine must produce the same results (checked).

A virtual machine's speed drifts by 20-30% from minute to minute (other guests on the host),
so the three sweeps are repeated in turn (``--repeat``) and each speed-up is the median of
the ratios measured back to back. Two figures do not depend on the host's drift: ``busy``,
the share of the workers' time spent in runs (sum of run wall times over workers x sweep
wall time: what the engine itself costs), and ``wall/cpu``, the runs' wall time over their
CPU time (from the manifest): 1.00 means the runs never waited for a core. Usage::

    python bench/bench_sweep.py [--runs 64] [--customers 10000] [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments import load_plan, load_results, run_sweep  # noqa: E402


def experiment(folder: Path, runs: int, customers: int) -> Path:
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump({
        "name": "bench", "scenario": str(ROOT / "scenarios" / "nanyuan_vs_eaton.yaml"),
        "overrides": [f"market.customers={customers}"], "replications": runs, "seed": 1,
    }))
    return path


def timed(plan, out: Path, engine: str, workers: int) -> tuple[float, tuple, pd.DataFrame]:
    """Wall seconds of the sweep, (busy share, runs' wall/CPU ratio), and the results."""
    start = time.perf_counter()
    summary = run_sweep(plan, out, engine=engine, workers=workers, progress=False)
    seconds = time.perf_counter() - start
    assert summary.failed == 0, f"{summary.failed} runs failed"
    runs = json.loads((out / "manifest.json").read_text())["runs"]
    busy = sum(r["seconds"] for r in runs)
    ratios = (busy / (workers * seconds), busy / sum(r["cpu_seconds"] for r in runs))
    df = load_results(out).sort_values(["run", "period", "firm"]).reset_index(drop=True)
    return seconds, ratios, df


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=64)
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    load = os.getloadavg()[0]
    cases = [("local", 1), ("local", args.workers), ("dask", args.workers)]
    secs = {c: [] for c in cases}
    waits = {c: [] for c in cases}
    same, ref = True, None
    with tempfile.TemporaryDirectory() as tmp:
        warm = load_plan(experiment(Path(tmp), 1, 100))
        run_sweep(warm, Path(tmp) / "warm-up", workers=1, progress=False)
        plan = load_plan(experiment(Path(tmp), args.runs, args.customers))
        for rep in range(args.repeat):
            for engine, workers in cases:
                out = Path(tmp) / f"{engine}{workers}-{rep}"
                s, w, df = timed(plan, out, engine, workers)
                secs[engine, workers].append(s)
                waits[engine, workers].append(w)
                same = same and (ref is None or df.equals(ref))
                ref = df if ref is None else ref
                print(f"  repeat {rep + 1}: {engine} x{workers} {s:.1f} s", file=sys.stderr)
    report(args, load, cases, secs, waits, same, len(ref) // args.runs // 2)


def report(args, load, cases, secs, waits, same, periods) -> None:
    """Print the table: median seconds and runs/min; median of paired speed-ups."""
    base = secs[cases[0]]
    print(f"{args.runs} runs of the case ({args.customers:,} customers, {periods} periods, "
          f"2 firms) x {args.repeat} repeats; cores: {len(os.sched_getaffinity(0))}; load "
          f"average before/after: {load:.1f}/{os.getloadavg()[0]:.1f}; same results: "
          f"{'yes' if same else 'NO'}")
    print(f"{'engine':<8}{'workers':>8}{'seconds':>10}{'runs/min':>10}{'speed-up':>10}"
          f"{'(range)':>14}{'busy':>7}{'wall/cpu':>10}")
    for case in cases:
        ratios = [b / s for b, s in zip(base, secs[case])]
        med = statistics.median(secs[case])
        print(f"{case[0]:<8}{case[1]:>8}{med:>10.1f}{args.runs / med * 60:>10.1f}"
              f"{statistics.median(ratios):>9.2f}x{min(ratios):>7.2f}-{max(ratios):.2f}x"
              f"{statistics.median(w[0] for w in waits[case]):>7.2f}"
              f"{statistics.median(w[1] for w in waits[case]):>10.2f}")


if __name__ == "__main__":
    main()
