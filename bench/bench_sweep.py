"""Sweep throughput: runs per minute of a 64-run sweep of the case at 1e4 customers.

Engines: the local engine with 1 and 2 worker processes, and Dask on a LocalCluster of
2 workers on 127.0.0.1. Wall time includes starting the workers (process pool or cluster);
the one-time start of the forkserver, which every engine then reuses, is done first by an
untimed warm-up run. Every engine must produce the same results (checked). Usage::

    python bench/bench_sweep.py [--runs 64] [--customers 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
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


def timed(plan, out: Path, engine: str, workers: int) -> tuple[float, pd.DataFrame]:
    start = time.perf_counter()
    summary = run_sweep(plan, out, engine=engine, workers=workers, progress=False)
    seconds = time.perf_counter() - start
    assert summary.failed == 0, f"{summary.failed} runs failed"
    df = load_results(out).sort_values(["run", "period", "firm"]).reset_index(drop=True)
    return seconds, df


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=64)
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        warm = load_plan(experiment(Path(tmp), 1, 100))
        run_sweep(warm, Path(tmp) / "warm-up", workers=1, progress=False)
        plan = load_plan(experiment(Path(tmp), args.runs, args.customers))
        cases = [("local", 1), ("local", args.workers), ("dask", args.workers)]
        rows, ref = [], None
        for engine, workers in cases:
            secs, df = timed(plan, Path(tmp) / f"{engine}{workers}", engine, workers)
            same = ref is None or df.equals(ref)
            ref = df if ref is None else ref
            rows.append((engine, workers, secs, args.runs / secs * 60, same))
    base = rows[0][3]
    print(f"{args.runs} runs of the case ({args.customers:,} customers, "
          f"{len(ref) // args.runs // 2} periods, 2 firms); cores: "
          f"{len(os.sched_getaffinity(0))}; load average before/after: {load:.1f}/"
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'engine':<8}{'workers':>8}{'seconds':>10}{'runs/min':>10}{'speed-up':>10}"
          f"{'same results':>14}")
    for engine, workers, secs, rpm, same in rows:
        print(f"{engine:<8}{workers:>8}{secs:>10.1f}{rpm:>10.1f}{rpm / base:>9.2f}x"
              f"{'yes' if same else 'NO':>14}")


if __name__ == "__main__":
    main()
