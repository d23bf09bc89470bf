"""The whole risk assessment in one call, for the notebook: load inputs, process, return results.

:func:`assess` runs, in order: evidence series, the register and its scores, the composite
for the chosen settings and its trajectory, the Monte Carlo with its sensitivity, and the
trade scenarios. Every step is a function of :mod:`kzaf.risk` that can be called on its own;
this only wires them with one set of parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kzaf import series
from kzaf.data import Tables
from kzaf.risk.composite import AGGREGATIONS, NORMALISATIONS, EvidenceMatrix, weight_vector
from kzaf.risk.evidence import distinct_events
from kzaf.risk.index import composite_index, composite_trajectory
from kzaf.risk.register import (
    Risk,
    default_as_of,
    evidence_matrix,
    evidence_table,
    risk_register,
    risk_series,
)
from kzaf.risk.scenarios import (
    Baseline,
    PartYear,
    ScenarioParameters,
    TradePaths,
    by_predictive,
    predictive_range,
    reach_probabilities,
    trade_baseline,
)
from kzaf.risk.uncertainty import (
    DEFAULT_CONCENTRATION,
    IndexDraws,
    composite_distribution,
    rank_probabilities,
    ranking_sensitivity,
    sensitivity,
    simulate_index,
)
from kzaf.trajectory import year_to_date_table

REPORTER, PARTNER = "KAZ", "AFG"


@dataclass(frozen=True)
class Assessment:
    as_of: int
    evidence_series: pd.DataFrame
    evidence: pd.DataFrame
    register: pd.DataFrame
    matrix: EvidenceMatrix
    index_table: pd.DataFrame
    composite: float
    trajectory: pd.DataFrame
    draws: IndexDraws
    probabilities: pd.DataFrame
    distribution: pd.DataFrame
    drivers: pd.DataFrame
    ranking_drivers: pd.DataFrame
    annual_turnover: pd.DataFrame
    baseline: Baseline
    paths: TradePaths  # the headline paths (Student t predictive)
    reach: pd.DataFrame  # their chance of reaching each threshold
    runs: dict[str, TradePaths]  # the same paths under each predictive assumption
    predictive_range: pd.DataFrame  # reach and downside under each assumption
    part_year: PartYear | None  # the published part of a projected year the paths respect
    downside_value: float  # the downside threshold, USD million
    equal_weights: bool


@dataclass(frozen=True)
class TradeSettings:
    """The trade scenarios' settings (the risk notebook's trade parameters)."""

    scenario: ScenarioParameters = field(default_factory=ScenarioParameters)
    n_paths: int = 100_000
    horizon_year: int = 2032
    target_year: int = 2030
    thresholds: Mapping[str, float] = field(default_factory=lambda: {"$3 billion": 3000.0})
    anchor: str = "trend"  # trend (fitted line) or last_observed (last full year)
    rho_max: float = 0.0  # persistence prior: uniform on 0..this (0: independent years)
    part_year_pace: tuple[float, float] | None = (0.5, 2.0)  # None: no part-year condition
    downside_value: float = 100.0  # USD million

    def __post_init__(self) -> None:
        if self.target_year > self.horizon_year:
            raise ValueError(
                f"target_year {self.target_year} is after horizon_year {self.horizon_year}"
            )


def annual_turnover(tables: Tables, policy: str = "official_first") -> pd.DataFrame:
    """Reconciled full-year Kazakhstan–Afghanistan turnover, USD million: year, value, range."""
    figures = series.reported_figures(
        tables.observations, tables.sources, reporter=REPORTER, partner=PARTNER, flow="turnover"
    )
    annual = series.annual_table(figures, policy, flows=["turnover"])
    annual = annual.dropna(subset=["preferred_value"])
    return pd.DataFrame(
        {
            "year": annual["year"].astype(int),
            "value": annual["preferred_value"],
            "value_min": annual["value_min"],
            "value_max": annual["value_max"],
            "n_figures": annual["n_figures"],
            "source_id": annual["preferred_source_id"],
        }
    ).reset_index(drop=True)


def part_year_turnover(
    tables: Tables, after_year: int, pace: tuple[float, float]
) -> PartYear | None:
    """The longest published part (from January) of the first year after ``after_year`` with
    one, as a condition on the paths; None when no later year has a part published."""
    figures = series.reported_figures(
        tables.observations, tables.sources, reporter=REPORTER, partner=PARTNER, flow="turnover"
    )
    parts = year_to_date_table(figures)
    parts = parts[(parts["flow"] == "turnover") & (parts["year"] > after_year)]
    if parts.empty:
        return None
    first = parts[parts["year"] == parts["year"].min()].sort_values("months").iloc[-1]
    return PartYear(
        year=int(first["year"]), months=int(first["months"]),
        value_low=float(first["value_min"]), value_high=float(first["value_max"]),
        pace_low=pace[0], pace_high=pace[1],
    )  # fmt: skip


def closure_frequency(
    events: pd.DataFrame, *, risk_id: str, countries: Sequence[str], start: int, end: int
) -> tuple[int, float]:
    """Closure episodes by ``countries`` linked to ``risk_id`` from ``start`` to ``end``
    (inclusive), and their number per year: the data's basis for a closure probability."""
    linked = events[events["risk_ids"].fillna("").map(lambda s: risk_id in str(s).split(";"))]
    closures = linked[(linked["kind"] == "border_closure") & linked["country"].isin(countries)]
    episodes = distinct_events(closures, reopening_kind="border_reopening", all_events=linked)
    years = episodes["date"].astype(str).str[:4].astype(int)
    count = int(((years >= start) & (years <= end)).sum())
    return count, count / (end - start + 1)


def assess(
    tables: Tables,
    register: Sequence[Risk],
    *,
    weights: Mapping[str, float] | None = None,
    dimension_weights: Mapping[str, float] | None = None,
    normalisation: str = "min_max",
    aggregation: str = "arithmetic",
    partial: bool = False,
    max_age_years: int | None = 5,
    as_of: int | None = None,
    overrides: Mapping[str, Mapping[str, int]] | None = None,
    trajectory_start_year: int = 2016,
    n_draws: int = 10_000,
    seed: int = 0,
    mc_normalisations: Sequence[str] = NORMALISATIONS,
    mc_aggregations: Sequence[str] = AGGREGATIONS,
    weight_concentration: float = DEFAULT_CONCENTRATION,
    trade: TradeSettings | None = None,
) -> Assessment:
    """Run the assessment with one set of parameters (see the module notes); ``trade``
    sets the trade scenarios (default: :class:`TradeSettings`)."""
    trade = trade or TradeSettings()
    # Load inputs
    evidence_series = risk_series(register, tables.indicators, tables.events)
    as_of = default_as_of(register, evidence_series) if as_of is None else as_of
    turnover = annual_turnover(tables)
    # Process: the register and the composite
    common: dict[str, Any] = {
        "weights": weights, "dimension_weights": dimension_weights, "partial": partial,
    }  # fmt: skip
    scored = _scored(
        tables, register, evidence_series, as_of=as_of, max_age_years=max_age_years,
        overrides=overrides, years=range(trajectory_start_year, as_of + 1),
        methods={"normalisation": normalisation, "aggregation": aggregation, **common},
    )  # fmt: skip
    matrix = scored["matrix"]
    # Process: uncertainty and sensitivity; then the trade scenarios
    draws = simulate_index(
        matrix, n_draws=n_draws, seed=seed, normalisations=mc_normalisations,
        aggregations=mc_aggregations, weight_concentration=weight_concentration, **common,
    )  # fmt: skip
    return Assessment(
        as_of=as_of, evidence_series=evidence_series, **scored, draws=draws,
        **_draw_summaries(draws, {r.risk_id: r.name for r in register}),
        annual_turnover=turnover,
        **_trade_scenarios(tables, turnover, trade, seed=seed),
        equal_weights=bool(np.ptp(weight_vector(weights, matrix.risk_ids)) < 1e-12),
    )  # fmt: skip


def _scored(
    tables: Tables,
    register: Sequence[Risk],
    evidence_series: pd.DataFrame,
    *,
    as_of: int,
    max_age_years: int | None,
    overrides: Mapping[str, Mapping[str, int]] | None,
    years: range,
    methods: Mapping[str, Any],
) -> dict[str, Any]:
    """The evidence and its scores, the register, and the composite for the chosen methods
    (``methods``: normalisation, aggregation, weights) with its trajectory over ``years``."""
    ages = {"as_of": as_of, "max_age_years": max_age_years}
    codes = tables.indicator_codes
    evidence = evidence_table(register, evidence_series, **ages, indicator_codes=codes)
    matrix = evidence_matrix(register, evidence_series, **ages, overrides=overrides)
    index_table, composite = composite_index(matrix, **methods)
    names = {r.risk_id: r.name for r in register}
    return {
        "evidence": evidence,
        "register": risk_register(register, evidence, overrides),
        "matrix": matrix,
        "index_table": index_table.assign(name=[names[r] for r in index_table["risk_id"]]),
        "composite": composite,
        "trajectory": composite_trajectory(
            register, evidence_series, matrix, years, window_years=max_age_years or 100,
            **methods,
        ),
    }  # fmt: skip


def _draw_summaries(draws: IndexDraws, names: Mapping[str, str]) -> dict[str, Any]:
    """What the Monte Carlo says: each risk's chance of ranking first or in the top three, the
    composite's distribution, and the inputs that drive the composite and the ranking."""
    return {
        "probabilities": rank_probabilities(draws, names),
        "distribution": composite_distribution(draws),
        "drivers": sensitivity(draws),
        "ranking_drivers": ranking_sensitivity(draws),
    }


def _trade_scenarios(
    tables: Tables, turnover: pd.DataFrame, trade: TradeSettings, *, seed: int
) -> dict[str, Any]:
    """The trade baseline, the simulated paths with shocks under each predictive assumption
    (kept where they fit the published part year), and the chance of each threshold."""
    baseline = trade_baseline(
        turnover["year"].tolist(), turnover["value"].tolist(), trade.horizon_year,
        anchor=trade.anchor, rho_max=trade.rho_max,
    )  # fmt: skip
    part_year = (
        None
        if trade.part_year_pace is None
        else part_year_turnover(tables, int(turnover["year"].max()), trade.part_year_pace)
    )
    runs = by_predictive(
        baseline, trade.scenario, n_draws=trade.n_paths, seed=seed, condition=part_year
    )
    paths = runs["Student t"]
    return {
        "baseline": baseline,
        "paths": paths,
        "reach": reach_probabilities(paths, trade.thresholds, trade.target_year),
        "runs": runs,
        "predictive_range": predictive_range(
            runs, trade.thresholds, trade.downside_value, trade.target_year
        ),
        "part_year": part_year,
        "downside_value": trade.downside_value,
    }
