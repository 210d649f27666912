"""Time a calibration with 1 and 2 workers on the same budget (issue 13: >= 1.7x).

The calibration fits the retail scenario (CDNOW's size: 23,570 agents, 78 weeks) to the
CDNOW sample's weekly repeat transactions, weeks 1-39, with optuna's TPE: ``--budget``
evaluations of ``--replications`` runs of the forecast's default parameters, asked
``--batch`` at a time. One worker evaluates in this process; two use the kept local pool
(its start-up is included). The sequence of candidates does not depend on the workers, so
both give the same history (checked). Each pair is repeated (``--repeat``) back to back and
the speed-up is the median ratio: this machine's speed drifts from one minute to the next
(docs/experiments.md, Benchmark).

Beside the times: the load average before each calibration; ``busy``, the share of the
workers' time spent in runs (the runs' wall times over workers x the calibration's wall
time; the rest is the search, validation and the pool's start-up); and ``wall/cpu``, the
runs' wall time over their CPU time (1.00: no run waited for a core; above 1, other
processes on the machine took the cores).

    python bench/bench_calibrate.py [--budget 32] [--batch 4] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.data.importer import import_log, write_import  # noqa: E402
from sim.data.log import spec_for  # noqa: E402
from sim.experiments.calibrate import calibrate, load_calibration  # noqa: E402
from sim.experiments.forecast import DEFAULT_PARAMETERS  # noqa: E402


def calibration_file(folder: Path, budget: int, batch: int, reps: int) -> Path:
    """Import the CDNOW sample and write the calibration file."""
    imp = import_log(ROOT / "data" / "cdnow" / "CDNOW_sample.txt", spec_for("cdnow"), "week")
    write_import(imp, folder / "data")
    cal = {"name": "bench", "scenario": str(ROOT / "scenarios" / "retail_cdnow.yaml"),
           "overrides": {"market.population": 2357, "market.customers": 23570},
           "observed": {"file": "data/observed.csv", "offset": -1},
           "targets": [{"column": "repeat_transactions", "metric": "repeat_transactions"}],
           "window": {"fit_until": 39},
           "parameters": [dict(p) for p in DEFAULT_PARAMETERS],
           "replications": reps, "seed": 0,
           "optimizer": {"method": "tpe", "max_evaluations": budget, "batch": batch,
                         "initial_points": 8}}
    path = folder / "cal.yaml"
    path.write_text(yaml.safe_dump(cal))
    return path


def main() -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=32)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    rows: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    histories = {}
    with tempfile.TemporaryDirectory() as tmp:
        plan = load_calibration(calibration_file(Path(tmp), args.budget, args.batch,
                                                 args.replications))
        for _ in range(args.repeat):
            for w in (1, 2):
                load = os.getloadavg()[0]
                t0 = time.perf_counter()
                result = calibrate(plan, workers=w, progress=False)
                wall = time.perf_counter() - t0
                rows[w].append({"seconds": wall, "load": load,
                                "busy": result.run_seconds / (w * wall),
                                "wall_cpu": result.run_seconds / result.run_cpu_seconds,
                                "cpu": result.run_cpu_seconds})
                histories[w] = result.history
    same = histories[1].equals(histories[2])
    ratios = [a["seconds"] / b["seconds"] for a, b in zip(rows[1], rows[2])]
    print(f"calibration: {args.budget} evaluations x {args.replications} runs (23,570 agents, "
          f"78 weeks), batch {args.batch}, x {args.repeat} repeats; cores: "
          f"{os.cpu_count()}; same history: {'yes' if same else 'NO'}")
    print(f"{'workers':>7} {'seconds':>8} {'speed-up':>9} {'(range)':>13} {'load':>5} "
          f"{'busy':>5} {'wall/cpu':>9}")
    for k in range(args.repeat):
        for w in (1, 2):
            r = rows[w][k]
            up = f"{ratios[k]:>8.2f}x" if w == 2 else f"{1:>8.2f}x"
            print(f"{w:>7} {r['seconds']:>8.1f} {up} {'':>13} {r['load']:>5.1f} "
                  f"{r['busy']:>5.2f} {r['wall_cpu']:>9.2f}")
    # had the runs had a core each (wall/cpu 1), a calibration would take its runs' CPU
    # time over the workers' busy share: an estimate of the speed-up on a quiet machine
    free = [(a["cpu"] / a["busy"]) / (b["cpu"] / (2 * b["busy"]))
            for a, b in zip(rows[1], rows[2])]
    med = {w: statistics.median(r["seconds"] for r in rows[w]) for w in (1, 2)}
    print(f"median: 1 worker {med[1]:.1f} s, 2 workers {med[2]:.1f} s; speed-up (median of "
          f"the pairs) {statistics.median(ratios):.2f}x, range {min(ratios):.2f}-"
          f"{max(ratios):.2f}x; load average now {os.getloadavg()[0]:.1f}")
    print(f"estimate with a free core per worker (runs' CPU time / busy share): "
          f"{statistics.median(free):.2f}x, range {min(free):.2f}-{max(free):.2f}x")


if __name__ == "__main__":
    main()
