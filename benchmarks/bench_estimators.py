"""A simulation study of the project's estimators: coverage and false-positive rates against
their nominal levels, on simulated data whose truth is known (prints a table; not a test).

    .venv/bin/python benchmarks/bench_estimators.py [--sims 500] [--only trend,scenario,event]

Estimators and what is measured (every figure is a share of ``--sims`` simulated data sets;
``mc_se`` is its Monte Carlo standard error, sqrt(p(1 - p) / sims)):

- **trend interval**: the 90% prediction interval of the log-linear trend
  (:func:`kzaf.trajectory.loglinear_trend`) two years after the last point: does it hold the
  value that then occurs?
- **growth interval**: the trend's 90% interval for average annual growth: does it hold the
  true growth? With no true growth, how often does it exclude zero (false positive, nominal
  10%)?
- **scenario P(reach)**: the risk notebook's trade paths (:func:`kzaf.risk.trade_baseline` and
  :func:`kzaf.risk.simulate_trade`, no shocks) three years ahead: how often does the value
  that occurs lie above the paths' 90% quantile (a threshold the model gives a 10% chance
  of reaching: nominal 10%), and inside their 5-95% range (nominal 90%)?
- **event**: the locomotive notebook's counterfactual (:func:`kzaf.event.pulse_effect`,
  notebook defaults, 95% intervals) on 48 months before the event and 6 after: coverage of
  the event month's and the cumulative effect; how often a series without a pulse is
  declared to have one (interval excluding zero); and the power to tell a one-month pulse of
  2, 4 and 6 noise standard deviations from zero. The model is fitted to the pre-period only,
  so a pulse changes the effect and its interval's ends by exactly the pulse: each series is
  fitted once and every pulse size read from that one fit.

Processes (annual series on 3, 5, 8 and 10 points; monthly series for the event):
white noise around a constant level; AR(1) errors (rho 0.5) around a constant level; and a
trend (10% a year; for monthly series 0.3 noise SDs a month) with white noise. The event
part adds a fourth: a series that follows a control series (a random walk) plus white noise,
with the control offered to the model where it takes control series.
"""

from __future__ import annotations

import argparse
import inspect
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from kzaf.event import pulse_effect
from kzaf.risk import ScenarioParameters, simulate_trade, trade_baseline
from kzaf.trajectory import loglinear_trend

ALPHA = 0.1  # the trajectory notebook's intervals are at 90%
EVENT_ALPHA = 0.05  # the locomotive notebook's are at 95%
SIZES = (3, 5, 8, 10)
PROCESSES = ("white noise", "AR(1) errors", "trend")
LOG_SD = 0.2  # annual noise in logs (about ±20%)
RHO = 0.5
PULSES_SD = (2, 4, 6)
NO_SHOCKS = ScenarioParameters()


def noise(process: str, n: int, sd: float, rng: np.random.Generator) -> np.ndarray:
    """Errors with marginal standard deviation ``sd``: white, or AR(1) started stationary."""
    if process != "AR(1) errors":
        return rng.normal(0, sd, n)
    innovations = rng.normal(0, sd * np.sqrt(1 - RHO**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0, sd)
    for t in range(1, n):
        out[t] = RHO * out[t - 1] + innovations[t]
    return out


def annual_logs(process: str, n: int, rng: np.random.Generator, ahead: int) -> np.ndarray:
    """log values of n observed years followed by ``ahead`` future years (level 100)."""
    slope = np.log(1.10) if process == "trend" else 0.0
    t = np.arange(n + ahead)
    return np.log(100) + slope * t + noise(process, n + ahead, LOG_SD, rng)


def _row(estimator, process, n, measure, nominal, hits):
    p = float(np.mean(hits))
    return {
        "estimator": estimator,
        "process": process,
        "n": n,
        "measure": measure,
        "nominal": nominal,
        "actual": p,
        "mc_se": float(np.sqrt(p * (1 - p) / len(hits))),
    }


def trend_rows(sims: int, seed: int) -> Iterator[dict]:
    ahead = 2
    for i, (process, n) in enumerate((p, n) for p in PROCESSES for n in SIZES):
        rng = np.random.default_rng([seed, i])
        slope = np.log(1.10) if process == "trend" else 0.0
        pi_hit, growth_hit, excludes_zero = [], [], []
        for _ in range(sims):
            logs = annual_logs(process, n, rng, ahead)
            years = list(range(2000, 2000 + n))
            fit = loglinear_trend(years, np.exp(logs[:n]), until=2000 + n - 1 + ahead, alpha=ALPHA)
            last = fit.predictions.iloc[-1]
            pi_hit.append(last["lower"] <= np.exp(logs[-1]) <= last["upper"])
            growth_hit.append(fit.growth_low <= np.expm1(slope) <= fit.growth_high)
            excludes_zero.append(not fit.growth_low <= 0 <= fit.growth_high)
        yield _row("trend interval", process, n, "coverage (2 years ahead)", 1 - ALPHA, pi_hit)
        yield _row("growth interval", process, n, "coverage", 1 - ALPHA, growth_hit)
        if process != "trend":
            yield _row("growth interval", process, n, "false positive", ALPHA, excludes_zero)


def scenario_rows(sims: int, seed: int, n_draws: int = 2000) -> Iterator[dict]:
    ahead = 3
    for i, (process, n) in enumerate((p, n) for p in PROCESSES for n in SIZES):
        rng = np.random.default_rng([seed, 100 + i])
        above, inside = [], []
        for k in range(sims):
            logs = annual_logs(process, n, rng, ahead)
            years = list(range(2000, 2000 + n))
            baseline = trade_baseline(years, np.exp(logs[:n]), 2000 + n - 1 + ahead, alpha=ALPHA)
            paths = simulate_trade(baseline, NO_SHOCKS, n_draws=n_draws, seed=k).values[:, -1]
            q05, q90, q95 = np.quantile(paths, [0.05, 0.9, 0.95])
            outcome = np.exp(logs[-1])
            above.append(outcome > q90)
            inside.append(q05 <= outcome <= q95)
        yield _row("scenario P(reach)", process, n, "reached a 10% threshold", 0.1, above)
        yield _row("scenario P(reach)", process, n, "coverage 5-95% (3 years ahead)", 0.9, inside)


EVENT_PROCESSES = (*PROCESSES, "control series")


def monthly(
    process: str, rng: np.random.Generator, n_pre: int, n_post: int
) -> tuple[pd.Series, pd.DataFrame | None]:
    """A monthly series and, for "control series", a control it moves with: a random walk
    (sd 1.5 noise SDs a month) that the series follows at 0.8 plus white noise."""
    n = n_pre + n_post
    sd = 10.0
    index = pd.period_range("2019-01", periods=n, freq="M")
    if process == "control series":
        control = 200 + np.cumsum(rng.normal(0, 1.5 * sd, n))
        values = 0.8 * control + rng.normal(0, sd, n)
        return pd.Series(values, index=index), pd.DataFrame({"control": control}, index=index)
    drift = 0.3 * sd if process == "trend" else 0.0
    values = 100 + drift * np.arange(n) + noise(process, n, sd, rng)
    return pd.Series(values, index=index), None


def _takes_controls() -> bool:
    return "controls" in inspect.signature(pulse_effect).parameters


def event_rows(
    sims: int,
    seed: int,
    fit: Callable[..., Any] | None = None,
    processes: tuple[str, ...] = EVENT_PROCESSES,
) -> Iterator[dict]:
    """``fit(values, event_month, controls)`` returns an Impact; default: the notebook's
    pulse_effect (given the control series where it takes them; earlier versions did not)."""
    n_pre, n_post, sd = 48, 6, 10.0

    def default(values: pd.Series, month: pd.Period, controls: pd.DataFrame | None) -> Any:
        extra = {"controls": controls} if controls is not None and _takes_controls() else {}
        return pulse_effect(values, month, alpha=EVENT_ALPHA, post_months=n_post, seed=0, **extra)

    fit = fit or default
    for process in processes:
        rng = np.random.default_rng([seed, 200 + EVENT_PROCESSES.index(process)])
        month_hit, cum_hit, month_lows, cum_lows = [], [], [], []
        for _ in range(sims):
            values, controls = monthly(process, rng, n_pre, n_post)
            impact = fit(values, values.index[n_pre], controls)
            _, low, high = impact.event_effect
            cumulative = impact.summary.loc["cumulative"]
            month_hit.append(low <= 0 <= high)
            cum_hit.append(cumulative["abs_effect_lower"] <= 0 <= cumulative["abs_effect_upper"])
            month_lows.append((low, high))
            cum_lows.append((cumulative["abs_effect_lower"], cumulative["abs_effect_upper"]))
        month_arr, cum_arr = np.asarray(month_lows), np.asarray(cum_lows)
        nominal = 1 - EVENT_ALPHA
        yield _row("event month effect", process, n_pre, "coverage", nominal, month_hit)
        yield _row("event cumulative effect", process, n_pre, "coverage", nominal, cum_hit)
        yield _row(
            "event month effect", process, n_pre, "false positive", EVENT_ALPHA,
            [not h for h in month_hit],
        )  # fmt: skip
        yield _row(
            "event cumulative effect", process, n_pre, "false positive", EVENT_ALPHA,
            [not h for h in cum_hit],
        )  # fmt: skip
        for k in PULSES_SD:
            pulse = k * sd
            yield _row(
                "event month effect", process, n_pre, f"power, pulse {k} SD", np.nan,
                (month_arr[:, 0] + pulse > 0) | (month_arr[:, 1] + pulse < 0),
            )  # fmt: skip
            yield _row(
                "event cumulative effect", process, n_pre, f"power, pulse {k} SD", np.nan,
                (cum_arr[:, 0] + pulse > 0) | (cum_arr[:, 1] + pulse < 0),
            )  # fmt: skip


PARTS = {"trend": trend_rows, "scenario": scenario_rows, "event": event_rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sims", type=int, default=500, help="simulated data sets per cell")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument(
        "--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS)
    )
    parser.add_argument(
        "--event-processes",
        default=",".join(EVENT_PROCESSES),
        help="comma-separated: " + ", ".join(EVENT_PROCESSES),
    )
    args = parser.parse_args()
    event_processes = tuple(args.event_processes.split(","))
    started = time.perf_counter()
    rows = []
    for part in args.only.split(","):
        part_started = time.perf_counter()
        if part == "event":
            rows += list(event_rows(args.sims, args.seed, processes=event_processes))
        else:
            rows += list(PARTS[part](args.sims, args.seed))
        print(f"[{part}: {time.perf_counter() - part_started:.0f} s]", flush=True)
    table = pd.DataFrame(rows)
    table["gap"] = table["actual"] - table["nominal"]
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(table.round(3).to_string(index=False))
    print(f"{args.sims} simulations per row, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
