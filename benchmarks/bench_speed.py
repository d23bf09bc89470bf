"""How fast the collection runs, as ratios measured side by side; prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_speed.py [--rounds 3] [--with-tests]

Every figure is the median of ``--rounds`` alternating rounds, on copies of the notebooks in a
temporary folder, with the real data:

- ``kzaf run --force`` (the whole collection, parallel; ``--engine dask`` measures it on a Dask
  LocalCluster started for each run) / the slowest notebook run alone through
  ``kzaf run NN --force --jobs 1``; target on 2 cores: at most 1.15;
- the slowest notebook alone / a *floor* notebook that only does that notebook's imports and
  ``inputs.load()``; target: at most 1.5;
- the same whole run with every kernel started afresh (``$KZAF_KERNEL_SERVER_OFF``), to show
  what the kernel server (kzaf.runner.execute.kernel_server) saves;
- a no-op ``kzaf run`` (nothing changed, everything reused); target: at most 0.3 s;
- peak memory of the largest process of a run (a kernel, in practice), from the operating
  system's accounting of finished child processes;
- with ``--with-tests``, the wall time of ``make test`` (long: minutes); target: 60 s.

The machine may be shared: the load average is printed so figures taken under load show.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KZAF = [sys.executable, "-m", "kzaf.cli"]
FLOOR = """\
import pandas as pd

from kzaf import inputs, report
from kzaf import trajectory as tr
from kzaf.claim_checks import CHECKS
from kzaf.plots import trajectory as charts
from kzaf.plots import use_style

use_style()
tables = inputs.load()
"""


def _timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and the peak resident memory (MB) of the largest child process."""
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, check=True, capture_output=True, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kb / 1024


def _floor_notebook(folder: Path) -> None:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Floor: imports and inputs.load() only"),
        nbformat.v4.new_code_cell("n: int = 1  # unused", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(FLOOR),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "99_floor.ipynb")


def _slowest(reports: Path) -> str:
    manifest = json.loads((reports / "latest" / "manifest.json").read_text(encoding="utf-8"))
    ranked = sorted(manifest["notebooks"], key=lambda n: -(n.get("duration_s") or 0))
    return ranked[0]["notebook"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--with-tests", action="store_true")
    parser.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="where the whole run executes (dask: a LocalCluster started per run)",
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}; cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="kzaf-bench-") as temporary:
        root = Path(temporary)
        notebooks = root / "notebooks"
        shutil.copytree(ROOT / "notebooks", notebooks)
        floor_dir = root / "floor"
        floor_dir.mkdir()
        _floor_notebook(floor_dir)
        reports = root / "reports"
        common = ["--notebooks-dir", str(notebooks), "--reports-dir", str(reports)]
        _timed([*KZAF, "run", *common], ROOT)  # warm-up; also records durations
        slowest = _slowest(reports)
        whole, fresh, alone, floor, noop, peaks = [], [], [], [], [], []
        for _ in range(args.rounds):
            forced = [*KZAF, "run", "--force", "--engine", args.engine, *common]
            wall, peak = _timed(forced, ROOT)
            whole.append(wall)
            peaks.append(peak)
            fresh.append(_timed(forced, ROOT, {"KZAF_KERNEL_SERVER_OFF": "1"})[0])
            single = [*KZAF, "run", slowest, "--force", "--jobs", "1", *common]
            alone.append(_timed(single, ROOT)[0])
            floor.append(
                _timed(
                    [*KZAF, "run", "--force", "--notebooks-dir", str(floor_dir),
                     "--reports-dir", str(root / "floor-reports")],
                    ROOT,
                )[0]
            )  # fmt: skip
            noop.append(_timed([*KZAF, "run", *common], ROOT)[0])
    med = statistics.median
    print(f"rounds: {args.rounds} (medians)")
    print(f"kzaf run --force (4 notebooks):     {med(whole):6.1f} s   (engine: {args.engine})")
    print(f"  the same, every kernel afresh:    {med(fresh):6.1f} s   (no kernel server)")
    print(f"slowest notebook alone ({slowest}): {med(alone):6.1f} s")
    print(f"floor notebook (imports + load):    {med(floor):6.1f} s")
    print(f"no-op run:                          {med(noop):6.2f} s   (target <= 0.3 s)")
    print(f"run / slowest alone:                {med(whole) / med(alone):6.2f}   (target <= 1.15)")
    print(f"slowest alone / floor:              {med(alone) / med(floor):6.2f}   (target <= 1.5)")
    print(f"peak memory, largest process:       {max(peaks):6.0f} MB")
    if args.with_tests:
        start = time.perf_counter()
        subprocess.run(["make", "test"], cwd=ROOT, check=False, capture_output=True)
        took = time.perf_counter() - start
        print(f"make test:                          {took:6.0f} s   (target <= 60 s)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
