"""The methods notebook as one call: ``build(tables, parameters)`` runs the benchmark with the
notebook's parameters and returns everything the page shows. The tables give one number: how
many full years the trade trend rests on, so that row of the benchmark comes first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf.data import Tables
from kzaf.methods import benchmark, narrative
from kzaf.methods.benchmark import Settings
from kzaf.risk.assessment import annual_turnover

# The notebook's parameters (its parameters cell), read from the mapping build() is given.
PARAMETERS = (
    "seed", "n_simulations", "series_lengths", "persistence", "persistence_max",
    "scenario_draws", "event_simulations",
)  # fmt: skip


@dataclass(frozen=True)
class Methods:
    """The benchmark with the notebook's parameters, and everything the page shows."""

    settings: Settings
    trend_points: int  # full years the trade trend rests on (Kazakhstan–Afghanistan turnover)
    table: pd.DataFrame  # every row of the benchmark
    table_shown: pd.DataFrame  # the same for readers (words for columns, rounded)
    key_points: list[str]
    settings_shown: pd.DataFrame
    headline: pd.DataFrame  # the trend's length, annual estimators, one column per process
    headline_title: str
    other_lengths: pd.DataFrame  # the other lengths simulated
    event: pd.DataFrame  # the counterfactual (monthly), empty when not simulated


def settings_from(parameters: Mapping[str, Any], trend_points: int) -> Settings:
    """The benchmark's settings; the trade trend's own length is always simulated."""
    return Settings(
        sims=parameters["n_simulations"], seed=parameters["seed"],
        sizes=tuple(sorted({*parameters["series_lengths"], trend_points})),
        rho=parameters["persistence"], persistence_max=parameters["persistence_max"],
        scenario_draws=parameters["scenario_draws"], event_sims=parameters["event_simulations"],
    )  # fmt: skip


def build(tables: Tables, parameters: Mapping[str, Any]) -> Methods:
    """Run the benchmark, then arrange what the page shows, in its order."""
    trend_points = len(annual_turnover(tables))
    settings = settings_from(parameters, trend_points)
    table = benchmark.benchmark(settings)
    annual = table[table["page"] != benchmark.EVENT_PAGE]
    others = annual[annual["n"] != trend_points]
    return Methods(
        settings=settings,
        trend_points=trend_points,
        table=table,
        table_shown=narrative.full_table(table),
        key_points=narrative.key_points(table, settings, trend_points),
        settings_shown=narrative.settings_table(settings, trend_points),
        headline=narrative.shown(benchmark.by_process(annual, trend_points)),
        headline_title=narrative.headline_title(settings, trend_points),
        other_lengths=narrative.shown(benchmark.by_process(others)) if len(others) else others,
        event=narrative.shown(benchmark.by_process(table[table["page"] == benchmark.EVENT_PAGE])),
    )
