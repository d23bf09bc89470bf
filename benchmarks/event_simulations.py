"""Recovery and interval coverage of kzaf.event.pulse_effect on simulated monthly series.

Prints, for each scenario (pulse size, noise, seasonal swing, scale), how well the estimator
recovers a known pulse and how often its intervals contain the truth. The test suite runs a
small version of this (tests/test_event_simulations.py); this script runs more series.

    .venv/bin/python benchmarks/event_simulations.py [n_series]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzaf.event import pulse_effect


@dataclass(frozen=True)
class Scenario:
    name: str
    pulse: float
    noise_sd: float
    seasonal_amp: float
    level_sd: float = 1.0
    multiplicative: bool = False


SCENARIOS = (
    Scenario("no pulse, quiet", 0.0, 4.0, 0.0),
    Scenario("small pulse, quiet", 30.0, 4.0, 0.0),
    Scenario("locomotive-sized pulse, seasonal", 133.8, 10.0, 20.0),
    Scenario("pulse within the noise, seasonal", 15.0, 15.0, 25.0),
    Scenario("large pulse, noisy, seasonal", 300.0, 25.0, 30.0),
    Scenario("multiplicative noise, log model", 100.0, 0.08, 0.15, 0.01, True),
)


def simulate(
    scenario: Scenario, rng: np.random.Generator, n_pre: int = 48, n_post: int = 3
) -> tuple[pd.Series, pd.Period]:
    """Level 100 with a random walk, a 12-month cycle, noise and a pulse at month n_pre."""
    n = n_pre + n_post
    t = np.arange(n)
    cycle = np.sin(2 * np.pi * t / 12) + 0.5 * np.cos(4 * np.pi * t / 12)
    if scenario.multiplicative:
        log_level = np.log(100) + np.cumsum(rng.normal(0, scenario.level_sd, n))
        values = np.exp(
            log_level + scenario.seasonal_amp * cycle + rng.normal(0, scenario.noise_sd, n)
        )
    else:
        level = 100 + np.cumsum(rng.normal(0, scenario.level_sd, n))
        values = level + scenario.seasonal_amp * cycle + rng.normal(0, scenario.noise_sd, n)
    values[n_pre] += scenario.pulse
    index = pd.period_range("2018-01", periods=n, freq="M")
    return pd.Series(values, index=index), index[n_pre]


def run(scenario: Scenario, n_series: int, alpha: float = 0.1, seed: int = 0) -> dict:
    """Bias, RMSE, pointwise and cumulative coverage, and detection rate over n_series."""
    rng = np.random.default_rng(seed)
    errors, covered, cum_covered, detected = [], 0, 0, 0
    for _ in range(n_series):
        values, month = simulate(scenario, rng)
        impact = pulse_effect(
            values, month, alpha=alpha, seasonal_harmonics=2 if scenario.seasonal_amp else 0,
            log_scale=scenario.multiplicative,
        )  # fmt: skip
        effect, low, high = impact.event_effect
        errors.append(effect - scenario.pulse)
        covered += low <= scenario.pulse <= high
        cumulative = impact.summary.loc["cumulative"]
        cum_covered += (
            cumulative["abs_effect_lower"] <= scenario.pulse <= cumulative["abs_effect_upper"]
        )
        detected += not (low <= 0 <= high)
    errors = np.asarray(errors)
    return {
        "scenario": scenario.name,
        "pulse": scenario.pulse,
        "n": n_series,
        "bias": float(errors.mean()),
        "rmse": float(np.sqrt((errors**2).mean())),
        "coverage_pointwise": covered / n_series,
        "coverage_cumulative": cum_covered / n_series,
        "share_excluding_zero": detected / n_series,
        "nominal": 1 - alpha,
    }


def main(n_series: int = 200) -> None:
    started = time.perf_counter()
    rows = [run(s, n_series, seed=i) for i, s in enumerate(SCENARIOS)]
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.round(3).to_string(index=False))
    print(f"{n_series} series per scenario, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
