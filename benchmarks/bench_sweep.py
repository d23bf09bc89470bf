"""A sweep on the local pool, on a Dask LocalCluster and on a separately started Dask scheduler
and worker pair; prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_sweep.py [--notebook 00] [--workers 2]

The sweep is a real notebook (``00_data_audit`` by default, the quickest) over 30 parameter sets
(10 values of ``start_year`` x 3 source policies), on the shipped data, in a temporary folder.

- the *ideal* is the sum of the single-run times divided by the number of workers; a
  single-run time is the notebook's own run time (``duration_s``) when the runs are executed
  one at a time on one warm local worker (``--jobs 1``), so it leaves out process starts;
- each engine's wall time (the whole ``kzaf sweep --force``: checks, scheduling, rendering,
  publishing; for the LocalCluster also starting and stopping the cluster; the separate pair
  is started before the clock starts) is printed with its ratio to the ideal. 1.0 is perfect;
- and with its ratio to the same run's own single-run times / workers: what scheduling, kernel
  starts and publishing add, measured under the same load (notebooks slow down when they share
  cores, which the first ratio includes and this one does not).

The machine may be shared: the load average is printed so figures taken under load show.
The scheduler and worker this starts listen on 127.0.0.1 only and are stopped by process id.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dask_processes import scheduler_and_worker

ROOT = Path(__file__).resolve().parents[1]
KZAF = [sys.executable, "-m", "kzaf.cli"]
GRID = [
    "--grid", "start_year=" + ",".join(str(y) for y in range(2005, 2015)),
    "--grid", "source_policy=official_first,latest_first,media_first",
]  # fmt: skip


def _sweep(extra: list[str], reports: Path, notebook: str) -> tuple[float, dict]:
    """Wall seconds of one ``kzaf sweep --force``, and its manifest."""
    command = [*KZAF, "sweep", notebook, "--force", "--reports-dir", str(reports), *GRID, *extra]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    newest = sorted(p for p in reports.iterdir() if p.name[:1].isdigit())[-1]
    return wall, json.loads((newest / "manifest.json").read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="00", help="the notebook swept (default: 00)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    n = args.workers
    print(f"load average before: {os.getloadavg()[0]:.2f}; cores: {os.cpu_count()}; workers: {n}")
    with tempfile.TemporaryDirectory(prefix="kzaf-bench-sweep-") as temporary:
        root = Path(temporary)
        sequential, manifest = _sweep(["--jobs", "1"], root / "sequential", args.notebook)
        runs = manifest["notebooks"]
        single = sum(r["duration_s"] for r in runs)
        ideal = single / n
        print(f"notebook runs: {len(runs)} ({args.notebook} x 30 parameter sets)")
        print(f"one at a time, one worker:      {sequential:7.1f} s wall")
        print(
            f"sum of single-run times:        {single:7.1f} s; ideal on {n} workers {ideal:.1f} s"
        )

        def show(name: str, wall: float, engine_manifest: dict) -> None:
            # The same runs' own times, side by side: overhead of scheduling and publishing,
            # robust to a load that changed since the one-at-a-time pass.
            own = sum(r["duration_s"] for r in engine_manifest["notebooks"]) / n
            print(
                f"{name + ':':<31} {wall:7.1f} s wall; / ideal {wall / ideal:5.2f}; "
                f"/ its own runs' time per worker {wall / own:5.2f}",
                flush=True,
            )

        show("local pool", *_sweep(["--jobs", str(n)], root / "local", args.notebook))
        show(
            "Dask LocalCluster",
            *_sweep(["--engine", "dask", "--jobs", str(n)], root / "cluster", args.notebook),
        )
        with scheduler_and_worker(n, root) as (address, _):
            show(
                "scheduler + worker",
                *_sweep(["--scheduler", address], root / "separate", args.notebook),
            )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
