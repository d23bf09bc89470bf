"""A simulation study of the project's estimators: coverage and false-positive rates against
their nominal levels, on simulated data whose truth is known (prints a table; not a test).

    .venv/bin/python benchmarks/bench_estimators.py [--sims 500] [--sizes 3,5,8,10]
        [--processes "independent errors,AR(1) errors,trend"] [--event-sims 200]

The estimators, processes and measures are :mod:`kzaf.methods.benchmark`'s; the methods
notebook (notebooks/04_methods.ipynb) runs the same code with its own parameters and publishes
the table. This script runs more simulations, more lengths and the trend process, and prints
every row with its Monte Carlo standard error and the gap between actual and nominal.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from kzaf.methods import simulate
from kzaf.methods.benchmark import Settings, benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sims", type=int, default=500, help="simulated data sets per row")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--sizes", default="3,5,8,10", help="annual points per series")
    parser.add_argument(
        "--processes", default=",".join(simulate.PROCESSES), help="comma-separated processes"
    )
    parser.add_argument("--rho", type=float, default=0.5, help="persistence of AR(1) errors")
    parser.add_argument("--persistence-max", type=float, default=0.9, help="the risk prior")
    parser.add_argument("--event-sims", type=int, default=200, help="0 skips the event part")
    args = parser.parse_args()
    settings = Settings(
        sims=args.sims,
        seed=args.seed,
        sizes=tuple(int(n) for n in args.sizes.split(",")),
        processes=tuple(args.processes.split(",")),
        rho=args.rho,
        persistence_max=args.persistence_max,
        event_sims=args.event_sims,
    )
    started = time.perf_counter()
    table = benchmark(settings)
    with pd.option_context("display.width", 250, "display.max_rows", 500):
        print(table.round(3).to_string(index=False))
    print(f"{args.sims} simulations per row, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
