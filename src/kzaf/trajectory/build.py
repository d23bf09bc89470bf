"""The trajectory notebook's setup as one call: resolve the parameters, then build every
table the notebook shows. The notebook reads as named steps; the steps live here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf import data, series
from kzaf.trajectory.annual import annual_trade, period_changes, yoy_growth
from kzaf.trajectory.applicability import claims_apply
from kzaf.trajectory.figures import observations_for, trade_figures
from kzaf.trajectory.forecast import Forecast, trend_forecast
from kzaf.trajectory.mirror import mirror_table
from kzaf.trajectory.target import distance_to_target, target_applies
from kzaf.trajectory.year_to_date import run_rate, seasonal_shares

# The two changes the story turns on: the doubling and the fall.
STORY_CHANGES = ((2021, 2022), (2022, 2023))


@dataclass(frozen=True)
class Trajectory:
    """Resolved parameters and every table of the trajectory notebook."""

    reporter: str  # ISO3 codes, resolved from codes or names
    partner: str
    peers: list[str]
    flows: list[str]
    alpha: float
    policy: series.SourcePolicy
    names: dict[str, str]  # ISO3 -> country name
    pair: str  # "Kazakhstan–Afghanistan"
    flow: str  # the flow the answer and the trend follow
    observations: pd.DataFrame
    sources: pd.DataFrame
    data_note: str
    figures: pd.DataFrame
    annual: pd.DataFrame
    growth: pd.DataFrame
    changes: pd.DataFrame
    run_rates: pd.DataFrame
    forecast: Forecast
    target_applies: bool  # the $3bn goal is Kazakh–Afghan only
    claims_apply: bool  # the article's claims C1-C3 are about Kazakh–Afghan trade only
    distance: pd.DataFrame
    mirror: pd.DataFrame


def build(
    tables: Any,
    *,
    reporter: str,
    partner: str,
    peers: Sequence[str],
    flows: Sequence[str],
    start_year: int,
    end_year: int,
    source_policy: str | Mapping[str, Any],
    data_source: str,
    target_value_usd_m: float,
    target_year: int,
    alpha: float,
) -> Trajectory:
    """Resolve the parameters, then build the tables, in the notebook's order. The values
    have passed the notebook's rules (kzaf.parameters), which are not checked again here."""
    countries = tables.countries
    reporter = data.resolve_country(reporter, countries, what="reporter (parameter 'reporter')")
    partner = data.resolve_country(partner, countries, what="partner (parameter 'partner')")
    peers = [data.resolve_country(p, countries, what="peer (parameter 'peers')") for p in peers]
    flows = list(flows)
    policy = series.policy_from(source_policy)
    observations, sources, data_note = observations_for(
        data_source, tables.observations, tables.sources
    )
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    flow = "turnover" if "turnover" in flows else flows[0]
    years: dict[str, Any] = {"start_year": start_year, "end_year": end_year}
    pair_of: dict[str, Any] = {"reporter": reporter, "partner": partner, "flows": flows}
    figures = trade_figures(observations, sources, **pair_of, **years)
    annual = annual_trade(figures, policy, flows=flows, **years)
    forecast = trend_forecast(annual, flow=flow, until=target_year, alpha=alpha)
    shares = seasonal_shares(figures)  # every flow's; the run-rates of each flow use it
    applies = target_applies(reporter, partner)
    return Trajectory(
        reporter=reporter,
        partner=partner,
        peers=peers,
        flows=flows,
        alpha=alpha,
        policy=policy,
        names=names,
        pair=f"{names[reporter]}–{names[partner]}",
        flow=flow,
        observations=observations,
        sources=sources,
        data_note=data_note,
        figures=figures,
        annual=annual,
        growth=yoy_growth(annual, figures),
        changes=period_changes(annual, figures, list(STORY_CHANGES), flow=flow),
        run_rates=pd.concat(
            [run_rate(figures, policy, flow=f, shares=shares) for f in flows], ignore_index=True
        ),
        forecast=forecast,
        target_applies=applies,
        claims_apply=claims_apply(reporter, partner),
        distance=distance_to_target(
            annual if applies else annual.iloc[0:0],
            target_value=target_value_usd_m,
            target_year=target_year,
            flow=flow,
            trend=forecast.fit,
        ),
        mirror=mirror_table(observations, sources, **pair_of, policy=policy, **years),
    )
