"""Speed and memory of the risk Monte Carlo: prints figures (not a test).

    .venv/bin/python benchmarks/bench_risk.py [--repeat 3]

Times, on the project's data and the notebook's default settings: 10,000 draws of the
composite index (weights, normalisation, aggregation and ranged figures all varied) with the
first-order sensitivity of the composite; 100,000 trade paths with every shock switched on;
and checks that the same seed gives identical numbers. Peak memory is the largest increase of
the process's resident set seen by ``tracemalloc`` (numpy allocations included).
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc

import numpy as np

from kzaf import data, series
from kzaf.risk import (
    ScenarioParameters,
    evidence_matrix,
    rank_probabilities,
    ranking_sensitivity,
    risk_series,
    sensitivity,
    simulate_index,
    simulate_trade,
    trade_baseline,
)
from kzaf.risk.risks import RISK_REGISTER

SCENARIO = ScenarioParameters(
    closure_probability=0.3,
    closure_days=(5.0, 45.0),
    closure_trade_share=0.6,
    security_probability=0.1,
    security_drop=0.2,
    sanctions_probability=0.05,
    sanctions_drop=0.3,
    railway_probability=0.2,
    railway_first_year=2028,
    railway_uplift=0.25,
)


def timed(function, repeat: int):
    """(best seconds, peak MiB, result) over ``repeat`` runs."""
    best, peak, result = float("inf"), 0.0, None
    for _ in range(repeat):
        tracemalloc.start()
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return best, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; best is shown")
    args = parser.parse_args()

    tables = data.load()
    evidence = risk_series(RISK_REGISTER, tables.indicators, tables.events)
    matrix = evidence_matrix(RISK_REGISTER, evidence, max_age_years=5)
    figures = series.reported_figures(
        tables.observations, tables.sources, reporter="KAZ", partner="AFG", flow="turnover"
    )
    annual = series.annual_table(figures, flows=["turnover"]).dropna(subset=["preferred_value"])
    baseline = trade_baseline(annual["year"], annual["preferred_value"], 2035)

    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"register: {len(matrix.risk_ids)} risks, {matrix.n_entries} evidence entries")

    seconds, mib, draws = timed(lambda: simulate_index(matrix, n_draws=10_000, seed=1), args.repeat)
    print(
        f"composite Monte Carlo, 10,000 draws ({draws.factors.shape[1]} input factors): "
        f"{seconds:.3f} s, peak {mib:.0f} MiB"
    )
    seconds, mib, _ = timed(
        lambda: (sensitivity(draws), ranking_sensitivity(draws), rank_probabilities(draws)),
        args.repeat,
    )
    print(
        f"  + sensitivity of the composite and of every rank: {seconds:.3f} s, peak {mib:.0f} MiB"
    )
    seconds, mib, paths = timed(
        lambda: simulate_trade(baseline, SCENARIO, n_draws=100_000, seed=1), args.repeat
    )
    print(
        f"trade scenarios, 100,000 paths x {len(paths.years)} years: {seconds:.3f} s, "
        f"peak {mib:.0f} MiB"
    )
    again = simulate_index(matrix, n_draws=10_000, seed=1)
    same_paths = simulate_trade(baseline, SCENARIO, n_draws=100_000, seed=1)
    identical = np.array_equal(again.composite, draws.composite) and np.array_equal(
        same_paths.values, paths.values
    )
    print(f"same seed, identical numbers: {identical}")


if __name__ == "__main__":
    main()
