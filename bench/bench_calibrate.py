"""Time a calibration with 1 and 2 workers on the same budget (issue 13: >= 1.7x).

The calibration fits the retail scenario (CDNOW's size: 23,570 customers, 78 weeks) to the
CDNOW sample's weekly repeat transactions, weeks 1-39, with optuna's TPE: ``--budget``
evaluations of ``--replications`` runs, asked ``--batch`` at a time. One worker evaluates in
this process; two use the kept local pool (its start-up is included). The sequence of
candidates does not depend on the workers, so both give the same history (checked). Each
pair is repeated (``--repeat``) back to back and the speed-up is the median ratio: this
machine's speed drifts from one minute to the next (docs/experiments.md, Benchmark).

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


def calibration_file(folder: Path, budget: int, batch: int, reps: int) -> Path:
    """Import the CDNOW sample and write the calibration file."""
    imp = import_log(ROOT / "data" / "cdnow" / "CDNOW_sample.txt", spec_for("cdnow"), "week")
    write_import(imp, folder / "data")
    cal = {"name": "bench", "scenario": str(ROOT / "scenarios" / "retail_cdnow.yaml"),
           "overrides": {"market.population": 2357, "market.customers": 23570},
           "observed": {"file": "data/observed.csv", "offset": -1},
           "targets": [{"column": "repeat_transactions", "metric": "repeat_transactions"}],
           "window": {"fit_until": 39},
           "parameters": [
               {"path": "market.segments.0.need_prob", "low": 0.005, "high": 0.4, "log": True},
               {"path": "market.segments.0.need_shape", "low": 0.05, "high": 5, "log": True},
               {"path": "params.dropout.a", "low": 0.1, "high": 5, "log": True},
               {"path": "params.dropout.b", "low": 0.3, "high": 30, "log": True}],
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
    with tempfile.TemporaryDirectory() as tmp:
        plan = load_calibration(calibration_file(Path(tmp), args.budget, args.batch,
                                                 args.replications))
        times: dict[int, list[float]] = {1: [], 2: []}
        histories = {}
        load = os.getloadavg()[0]
        for _ in range(args.repeat):
            for w in (1, 2):
                t0 = time.perf_counter()
                result = calibrate(plan, workers=w, progress=False)
                times[w].append(time.perf_counter() - t0)
                histories[w] = result.history
    same = histories[1].equals(histories[2])
    ratios = [a / b for a, b in zip(times[1], times[2])]
    print(f"calibration: {args.budget} evaluations x {args.replications} runs (23,570 agents, "
          f"78 weeks), batch {args.batch}, x {args.repeat} repeats; cores: "
          f"{os.cpu_count()}; load before/after: {load:.1f}/{os.getloadavg()[0]:.1f}; "
          f"same history: {'yes' if same else 'NO'}")
    print(f"{'workers':>7} {'seconds (median)':>17} {'speed-up':>9} {'(range)':>13}")
    print(f"{1:>7} {statistics.median(times[1]):>17.1f} {1:>8.2f}x")
    print(f"{2:>7} {statistics.median(times[2]):>17.1f} {statistics.median(ratios):>8.2f}x "
          f"{min(ratios):>5.2f}-{max(ratios):.2f}x")


if __name__ == "__main__":
    main()
