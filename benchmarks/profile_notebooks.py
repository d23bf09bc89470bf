"""Where each notebook spends its time: the slowest cells, then the slowest kzaf functions.

    .venv/bin/python benchmarks/profile_notebooks.py [STEM ...] [--top 6] [--repeat 3]
        [--cells-only]

For each notebook (default: all four), two views, both on the shipped data and the notebook's
default parameters:

- cells: the notebook is executed by papermill in a fresh kernel (a copy in a temporary
  folder, so nothing in notebooks/ changes), ``--repeat`` times, and the cells are ranked by
  the median of papermill's own per-cell durations (wall time), with the kernel's CPU time
  per cell beside it (steadier when other work shares the cores); the totals "beyond setup"
  leave out the cells up to and including the first that calls ``inputs.load()`` (imports,
  loading and, since each setup cell calls its analysis's build, the computation: what is
  left is display);
- functions: the same code cells run in this process under cProfile, and the ``kzaf``
  functions are ranked by cumulative time (imports are paid before profiling starts, so the
  table shows the notebook's own work).

Prints figures and asserts nothing; run it before and after a change to see what moved.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _code_cells(notebook: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in notebook.cells if c.cell_type == "code"]


def setup_cell(path: Path) -> int:
    """The number of the first code cell that loads the data (the imports and setup cell)."""
    cells = _code_cells(nbformat.read(path, as_version=4))
    return next((n + 1 for n, source in enumerate(cells) if "inputs.load(" in source), 0)


# Run first in the kernel: records the kernel's CPU seconds per cell (less disturbed than
# wall time when other work shares the cores), printed as JSON by a last added cell.
_CPU_HOOKS = """\
import json as _kzaf_json, time as _kzaf_time
_kzaf_cpu, _kzaf_start = [], [None]
def _kzaf_pre(info): _kzaf_start[0] = _kzaf_time.process_time()
def _kzaf_post(result):
    if _kzaf_start[0] is not None: _kzaf_cpu.append(_kzaf_time.process_time() - _kzaf_start[0])
get_ipython().events.register("pre_run_cell", _kzaf_pre)
get_ipython().events.register("post_run_cell", _kzaf_post)
"""


def cell_times(path: Path, folder: Path) -> list[tuple[float, float, int, str]]:
    """(wall seconds, kernel CPU seconds, code cell number, first line) per cell, from one
    papermill execution."""
    import papermill

    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(_CPU_HOOKS))
    notebook.cells.append(nbformat.v4.new_code_cell("print(_kzaf_json.dumps(_kzaf_cpu))"))
    source, output = folder / f"profiled_{path.name}", folder / path.name
    nbformat.write(notebook, source)
    papermill.execute_notebook(
        str(source), str(output), cwd=str(folder), progress_bar=False, kernel_name="python3"
    )
    executed = [c for c in nbformat.read(output, as_version=4).cells if c.cell_type == "code"]
    cpu = json.loads(executed[-1].outputs[0]["text"])
    times = []
    for number, cell in enumerate(executed[1:-1]):
        duration = cell.metadata.get("papermill", {}).get("duration") or 0.0
        first = next((s for s in cell.source.splitlines() if s.strip()), "")
        times.append((duration, cpu[number], number + 1, first[:70]))
    return times


def function_times(path: Path, folder: Path, top: int) -> str:
    """The kzaf functions under cProfile, by cumulative time, for the notebook's code cells."""
    cells = _code_cells(nbformat.read(path, as_version=4))
    namespace: dict = {"__name__": "__main__"}
    # IPython display calls become no-ops outside a kernel; figures go to the temporary folder.
    os.environ["KZAF_FIGURES_DIR"] = str(folder / "figures")
    profiler = cProfile.Profile()
    with contextlib.chdir(folder), contextlib.redirect_stdout(io.StringIO()):
        import matplotlib

        matplotlib.use("Agg")
        for source in cells:
            code = "\n".join(
                line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
            )
            profiler.enable()
            exec(compile(code, str(path), "exec"), namespace)
            profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer).sort_stats("cumulative")
    stats.print_stats(r"kzaf[/\\]", top)
    lines = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(line for line in lines[start:] if line.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", help="notebook name prefixes (default: all)")
    parser.add_argument("--top", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=1, help="papermill runs (median shown)")
    parser.add_argument("--cells-only", action="store_true", help="skip the cProfile view")
    args = parser.parse_args()
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.stems:
        paths = [p for p in paths if any(p.stem.startswith(s) for s in args.stems)]
    print(f"load average: {os.getloadavg()[0]:.2f}; cores: {os.cpu_count()}")
    for path in paths:
        with tempfile.TemporaryDirectory(prefix="kzaf-profile-") as temporary:
            folder = Path(temporary)
            shutil.copytree(NOTEBOOKS / "params", folder / "params", dirs_exist_ok=True)
            runs = [cell_times(path, folder) for _ in range(max(1, args.repeat))]
            times = [
                (
                    statistics.median(run[i][0] for run in runs),
                    statistics.median(run[i][1] for run in runs),
                    number,
                    first,
                )
                for i, (_, _, number, first) in enumerate(runs[0])
            ]
            setup = setup_cell(path)
            wall = sorted(sum(t[0] for t in run if t[2] > setup) for run in runs)
            cpu = sorted(sum(t[1] for t in run if t[2] > setup) for run in runs)
            print(
                f"\n== {path.stem}: {sum(t[0] for t in times):.2f} s in {len(times)} code cells "
                f"(median of {len(runs)}); beyond setup cell {setup}: wall median "
                f"{statistics.median(wall):.2f} s (runs: {', '.join(f'{w:.2f}' for w in wall)}), "
                f"kernel CPU median {statistics.median(cpu):.2f} s; "
                f"load average {os.getloadavg()[0]:.2f}"
            )
            for seconds, cpu_seconds, number, first in sorted(times, reverse=True)[: args.top]:
                print(f"  {seconds:6.2f} s  ({cpu_seconds:5.2f} CPU)  cell {number:>2}  {first}")
            if args.cells_only:
                continue
            print("-- kzaf functions by cumulative time (in-process, imports excluded)")
            print(function_times(path, folder, args.top * 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
