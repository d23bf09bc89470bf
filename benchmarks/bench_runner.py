"""Benchmark `kzaf run` against plain papermill; prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_runner.py [--synthetic] [--rounds 2] [--repeat 3]

Runs on copies of the collection's notebooks (notebooks/NN_*.ipynb) in a temporary folder;
with ``--synthetic``, or when the collection has no notebook yet, adds synthetic notebooks
that import the usual libraries, compute and sleep (uneven lengths, like real ones). Prints:

- the wall time of ``kzaf run`` on all of them (parallel, ``--jobs`` = cores): a first run,
  then ``--force`` once earlier durations let it start the longest notebooks first;
- its ratio to running the same notebooks one after another with plain papermill, both as
  separate ``papermill`` commands (how a shell loop does it) and in one Python process that
  imports papermill once (the stricter baseline); goal: at most 0.6 on 2 cores;
- its ratio to the slowest single notebook run alone with the ``papermill`` command; goal:
  at most 1.3;
- the time of a ``kzaf run`` where nothing changed (median of ``--repeat``); goal: about 1 s.

The machine may be shared; the load average is printed before and after so figures taken
under load can be recognised.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

SYNTHETIC = {
    "91_synthetic_compute": (
        "rows: int = 400000  # rows of random data",
        [
            "import numpy as np\nimport pandas as pd\nfrom kzaf import report",
            "rng = np.random.default_rng(1)\n"
            "frame = pd.DataFrame({'g': rng.integers(0, 50, rows), 'v': rng.normal(size=rows)})\n"
            "for _ in range(15):\n"
            "    summary = frame.groupby('g')['v'].agg(['mean', 'std', 'median'])",
            "report.headline({'groups': len(summary)}, 'Synthetic compute')",
        ],
    ),
    "92_synthetic_plot": (
        "points: int = 2000  # points per line",
        [
            "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "import numpy as np",
            "fig, ax = plt.subplots()\nfor k in range(20):\n"
            "    ax.plot(np.sin(np.linspace(0, k, points)))\nfig.savefig('synthetic.png')",
        ],
    ),
    "93_synthetic_model": (
        "n: int = 3000  # observations",
        [
            "import numpy as np\nimport statsmodels.api as sm",
            "rng = np.random.default_rng(2)\nx = rng.normal(size=(n, 5))\n"
            "y = x @ np.arange(5) + rng.normal(size=n)\n"
            "for _ in range(30):\n    fit = sm.OLS(y, sm.add_constant(x)).fit(cov_type='HC3')",
        ],
    ),
    "94_synthetic_wait": (
        "seconds: float = 2.0  # time spent waiting (like a slow download)",
        ["import time\ntime.sleep(seconds)"],
    ),
}


def make_synthetic(folder: Path) -> None:
    for stem, (parameters, cells) in SYNTHETIC.items():
        parameters_cell = nbformat.v4.new_code_cell(parameters)
        parameters_cell.metadata["tags"] = ["parameters"]
        notebook = nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_markdown_cell(f"# {stem}\n\nSynthetic benchmark notebook."),
                parameters_cell,
                *[nbformat.v4.new_code_cell(c) for c in cells],
            ]
        )
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(notebook, str(folder / f"{stem}.ipynb"))


def timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started


SEQUENTIAL_API = """
import sys, papermill
for path, out, cwd in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):
    papermill.execute_notebook(path, out, cwd=cwd, progress_bar=False)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", action="store_true", help="add synthetic notebooks")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of the unchanged run")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (best kept)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kzaf-bench-"))
    notebooks = work / "notebooks"
    notebooks.mkdir()
    real = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in real:
        shutil.copy(path, notebooks / path.name)
    if args.synthetic or not real:
        make_synthetic(notebooks)
    paths = sorted(notebooks.glob("*.ipynb"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZAF_")}
    print(f"notebooks: {', '.join(p.stem for p in paths)}")
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")

    # Warm the file cache and the kernel once, so no measurement pays for the first start.
    timed([str(BIN / "papermill"), str(paths[-1]), str(work / "warm.ipynb"), "--cwd", str(work)])

    out = work / "papermill"
    out.mkdir()
    reports = work / "reports"
    kzaf = [str(BIN / "kzaf"), "run", "--notebooks-dir", str(notebooks)]
    kzaf += ["--reports-dir", str(reports)]
    first = timed(kzaf, env=env)  # no earlier durations: notebooks start in name order

    # Rounds alternate the contenders; on a shared machine load only ever adds time, so the
    # best of the rounds is the fairest figure for each.
    single: dict[str, list[float]] = {p.stem: [] for p in paths}
    sequential_cli, sequential_api, parallel = [], [], []
    api_args = [a for p in paths for a in (str(p), str(out / f"api-{p.name}"), str(out))]
    for _ in range(args.rounds):
        for path in paths:
            command = [str(BIN / "papermill"), str(path), str(out / path.name), "--cwd", str(out)]
            single[path.stem].append(timed(command, env=env))
        sequential_cli.append(sum(times[-1] for times in single.values()))
        sequential_api.append(timed([sys.executable, "-c", SEQUENTIAL_API, *api_args], env=env))
        parallel.append(timed([*kzaf, "--force"], env=env))  # longest notebooks first
    unchanged = statistics.median(timed(kzaf, env=env) for _ in range(args.repeat))
    best = {stem: min(times) for stem, times in single.items()}
    slowest = max(best, key=best.get)
    kzaf_best, cli_best, api_best = min(parallel), min(sequential_cli), min(sequential_api)

    print(f"load average after: {os.getloadavg()[0]:.2f}; best of {args.rounds} round(s):")
    print()
    for stem, seconds in best.items():
        print(f"  papermill {stem:<28} {seconds:6.1f} s")
    print(f"kzaf run, all {len(paths)} notebooks, first run (no history):  {first:6.1f} s")
    print(f"kzaf run, all {len(paths)} notebooks (--force, --jobs {os.cpu_count()}):   "
          f"{kzaf_best:6.1f} s  <- the figure compared below")  # fmt: skip
    print(f"plain papermill one after another, separate commands:   {cli_best:6.1f} s"
          f"  -> ratio {kzaf_best / cli_best:.2f} (goal <= 0.6)")  # fmt: skip
    print(f"plain papermill one after another, one Python process:  {api_best:6.1f} s"
          f"  -> ratio {kzaf_best / api_best:.2f} (goal <= 0.6)")  # fmt: skip
    print(f"slowest single notebook alone ({slowest}):  {best[slowest]:6.1f} s"
          f"  -> ratio {kzaf_best / best[slowest]:.2f} (goal <= 1.3)")  # fmt: skip
    print(f"kzaf run with nothing changed (median of {args.repeat}): {unchanged:6.2f} s"
          " (goal about 1 s)")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
