"""How often the project's intervals hold the truth: a simulation study on series whose truth
is known (:mod:`kzaf.methods.simulate`), for every estimator the reader pages use.

Each row is one estimator, page, error process, series length and measure, with the share of
``sims`` simulated data sets in which the measure held (``actual``), its nominal value, and the
Monte Carlo standard error ``sqrt(p (1 - p) / sims)``. Measures:

- **trend prediction interval** (trajectory page): does the 90% prediction interval for the
  year two years after the data hold the value that then occurs?
- **growth interval** (trajectory page): does the 90% interval for average growth hold the
  true growth, and, where there is none, how often does it exclude zero (a false growth
  signal, nominal 10%)?
- **scenario paths** (risk page, no shocks), under each predictive assumption and the
  persistence prior, and under the Student t with independent years: do the paths' 5–95%
  range three years ahead hold the value that occurs (nominal 90%), and how often is a
  threshold the paths give a 10% chance reached (nominal 10%)?
- **counterfactual effect** (locomotive page, with monthly data only): do the 95% intervals of
  the event month's and the cumulative effect hold the true effect (zero), and how often do
  they exclude it (nominal 5%)?
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kzaf.methods import simulate
from kzaf.risk.predictive import PREDICTIVES, trend_posterior
from kzaf.risk.scenarios import Baseline, ScenarioParameters, simulate_trade, trade_baseline

ALPHA = 0.1  # the trajectory and risk pages' intervals are at 90%
EVENT_ALPHA = 0.05  # the locomotive page's are at 95%
TREND_AHEAD, SCENARIO_AHEAD = 2, 3  # years after the data at which a value is checked
NO_SHOCKS = ScenarioParameters()
TREND_PAGE, RISK_PAGE, EVENT_PAGE = (
    "trajectory", "risk", "locomotive (with monthly data)",
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """What the benchmark simulates (the methods notebook's parameters)."""

    sims: int = 400  # simulated data sets per estimator, process and length
    seed: int = 20261204
    sizes: tuple[int, ...] = (4, 8)  # annual points per series
    processes: tuple[str, ...] = (simulate.INDEPENDENT, simulate.AR1)
    rho: float = 0.5  # persistence of the AR(1) errors
    persistence_max: float = 0.9  # the risk page's prior on persistence
    scenario_draws: int = 1000  # paths per simulated data set
    event_sims: int = 0  # simulated monthly series for the counterfactual (0: not run)


def _row(estimator: str, page: str, process: str, n: int, measure: str, nominal: float, hits):
    p = float(np.mean(hits))
    return {
        "estimator": estimator, "page": page, "process": process, "n": n, "measure": measure,
        "nominal": nominal, "actual": p, "mc_se": float(np.sqrt(p * (1 - p) / len(hits))),
    }  # fmt: skip


def scenario_label(predictive: str, persistence_max: float) -> str:
    """'scenario paths, Student t, persistence prior 0–0.9' or '..., independent years'."""
    years = (
        f"persistence prior 0–{persistence_max:g}" if persistence_max > 0 else "independent years"
    )
    return f"scenario paths, {predictive}, {years}"


def _scenario_hits(
    baselines: dict[float, Baseline], outcome: float, draws: int, seed: int
) -> dict[str, tuple[bool, bool]]:
    """For each scenario variant: (outcome inside the 5–95% range, outcome above the 90%)."""
    hits = {}
    for rho_max, baseline in baselines.items():
        names = PREDICTIVES if rho_max > 0 else ("Student t",)
        for name in names:
            paths = simulate_trade(
                baseline, NO_SHOCKS, n_draws=draws, seed=seed, predictive=name
            ).values[:, -1]
            q05, q90, q95 = np.quantile(paths, [0.05, 0.9, 0.95])
            hits[scenario_label(name, rho_max)] = (q05 <= outcome <= q95, outcome > q90)
    return hits


def _one_annual(settings: Settings, process: str, n: int, rng: np.random.Generator, k: int):
    """Every annual estimator on one simulated series: {label: hits}."""
    logs = simulate.annual_logs(process, n, SCENARIO_AHEAD, settings.rho, rng)
    years = list(range(2000, 2000 + n))
    values = np.exp(logs[:n])
    baseline = trade_baseline(years, values, years[-1] + SCENARIO_AHEAD, rho_max=0.0)
    fit = baseline.fit
    assert fit is not None  # trade_baseline always fits
    ahead = fit.predictions.set_index("year").loc[years[-1] + TREND_AHEAD]
    growth = simulate.true_growth(process)
    posterior = trend_posterior(years, values, rho_max=settings.persistence_max)
    baselines = {0.0: baseline, settings.persistence_max: replace(baseline, posterior=posterior)}
    return {
        "trend": ahead["lower"] <= np.exp(logs[n - 1 + TREND_AHEAD]) <= ahead["upper"],
        "growth": fit.growth_low <= growth <= fit.growth_high,
        "signal": not fit.growth_low <= 0 <= fit.growth_high,
        **_scenario_hits(baselines, float(np.exp(logs[-1])), settings.scenario_draws, seed=k),
    }


class _Hits:
    """Column ``key`` of the per-series results (``part`` of a pair)."""

    def __init__(self, results: pd.DataFrame) -> None:
        self.results = results

    def __call__(self, key: str, part: int | None = None) -> list[bool]:
        column = self.results[key]
        return [bool(v if part is None else v[part]) for v in column]


def annual_rows(settings: Settings) -> Iterator[dict]:
    """The trajectory and risk pages' estimators on simulated annual series."""
    cases = [(p, n) for p in settings.processes for n in settings.sizes]
    for i, (process, n) in enumerate(cases):
        rng = np.random.default_rng([settings.seed, i])
        results = pd.DataFrame(
            [_one_annual(settings, process, n, rng, k) for k in range(settings.sims)]
        )
        hits = _Hits(results)
        yield _row("trend prediction interval", TREND_PAGE, process, n,
                   f"coverage, {TREND_AHEAD} years ahead", 1 - ALPHA, hits("trend"))  # fmt: skip
        yield _row("growth interval", TREND_PAGE, process, n, "coverage", 1 - ALPHA, hits("growth"))
        if simulate.true_growth(process) == 0:
            yield _row("growth interval", TREND_PAGE, process, n, "false growth signal", ALPHA,
                       hits("signal"))  # fmt: skip
        for label in [key for key in results.columns if key.startswith("scenario")]:
            yield _row(label, RISK_PAGE, process, n, f"coverage, {SCENARIO_AHEAD} years ahead",
                       1 - ALPHA, hits(label, 0))  # fmt: skip
            yield _row(label, RISK_PAGE, process, n, "10% threshold reached", ALPHA,
                       hits(label, 1))  # fmt: skip


def event_rows(settings: Settings, n_pre: int = 48, n_post: int = 6) -> Iterator[dict]:
    """The locomotive page's counterfactual (notebook defaults, 95% intervals) on simulated
    monthly series without an event: coverage of the true effect (zero) and false alarms."""
    from kzaf.event import pulse_effect  # statsmodels' state space models: loaded on demand

    for i, process in enumerate(settings.processes):
        rng = np.random.default_rng([settings.seed, 200 + i])
        month_hit, cum_hit = [], []
        for _ in range(settings.event_sims):
            values, controls = simulate.monthly(process, n_pre, n_post, settings.rho, rng)
            impact = pulse_effect(values, values.index[n_pre], alpha=EVENT_ALPHA,
                                  post_months=n_post, seed=0, controls=controls)  # fmt: skip
            _, low, high = impact.event_effect
            cumulative = impact.summary.loc["cumulative"]
            month_hit.append(low <= 0 <= high)
            cum_hit.append(cumulative["abs_effect_lower"] <= 0 <= cumulative["abs_effect_upper"])
        for what, hit in (("event month", month_hit), ("cumulative", cum_hit)):
            name = f"counterfactual effect, {what}"
            yield _row(name, EVENT_PAGE, process, n_pre, "coverage", 1 - EVENT_ALPHA, hit)
            yield _row(name, EVENT_PAGE, process, n_pre, "false effect signal", EVENT_ALPHA,
                       [not h for h in hit])  # fmt: skip


def benchmark(settings: Settings) -> pd.DataFrame:
    """Every row (see the module notes), with the gap between actual and nominal."""
    rows = list(annual_rows(settings))
    if settings.event_sims > 0:
        rows += list(event_rows(settings))
    table = pd.DataFrame(rows)
    return table.assign(gap=table["actual"] - table["nominal"])


def by_process(table: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """One row per estimator and measure, one column per process (the actual share), for
    series of ``n`` points (the counterfactual's monthly rows whatever ``n``)."""
    rows = table if n is None else table[(table["n"] == n) | (table["page"] == EVENT_PAGE)]
    wide = rows.pivot_table(
        index=["estimator", "page", "measure", "nominal"], columns="process", values="actual",
        sort=False,
    )  # fmt: skip
    return wide.reset_index().rename_axis(columns=None)


def worst_coverage(table: pd.DataFrame, estimator: str, processes: Sequence[str]) -> float:
    """The lowest coverage an estimator reached across ``processes`` and lengths."""
    rows = table[
        (table["estimator"] == estimator)
        & table["measure"].str.startswith("coverage")
        & table["process"].isin(processes)
    ]
    if rows.empty:
        raise ValueError(f"the benchmark has no coverage row for {estimator!r}")
    return float(rows["actual"].min())
