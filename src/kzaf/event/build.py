"""The locomotive notebook's setup as one call: resolve the parameters, then build every
table the notebook shows. The notebook reads as named steps; the steps live here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf import claims, data, series
from kzaf.event.applicability import claims_apply, plausibility_applies
from kzaf.event.comparisons import annual_partner_turnover, compare_with_monthly_averages
from kzaf.event.decomposition import (
    change_ranges,
    containing_aggregates,
    decompose,
    year_on_year_changes,
)
from kzaf.event.monthly import MonthlyData, claim_tables, monthly_data
from kzaf.event.plausibility import Plausibility, plausibility, unit_price_range
from kzaf.event.shipment import Event, event_from

CLAIMS = ("C4", "C5")  # the article's claims about the shipment, checked here


@dataclass(frozen=True)
class Shipment:
    """Resolved parameters and every table of the locomotive notebook."""

    event: Event
    policy: series.SourcePolicy
    names: dict[str, str]  # ISO3 -> country name
    month_label: str
    decomposition: pd.DataFrame
    change_range: pd.DataFrame
    plausible: Plausibility
    annual: pd.DataFrame  # the comparison partners' annual trade with the reporter
    readings: pd.DataFrame
    monthly: MonthlyData
    ledger: pd.DataFrame  # empty where the article's claims do not apply to the pair
    plausibility_applies: bool  # sourced prices and plants can size this shipment
    claims_apply: bool  # the pair is the article's


def build(
    tables: Any,
    *,
    event_month: str,
    event_value_usd_m: float,
    hs_code: str,
    reporter: str,
    partner: str,
    comparison_partners: Sequence[str],
    comparison_tolerance: float,
    unit_price_low_usd_m: float | None,
    unit_price_high_usd_m: float | None,
    source_policy: str,
    data_source: str,
    checks: Mapping[str, claims.Check],
) -> Shipment:
    """Resolve and check the parameters, then build the tables, in the notebook's order."""
    countries = tables.countries
    event = event_from(
        event_month,
        event_value_usd_m,
        hs_code,
        reporter=data.resolve_country(reporter, countries, what="reporter"),
        partner=data.resolve_country(partner, countries, what="partner"),
    )
    partners = [
        data.resolve_country(p, countries, what="comparison partner") for p in comparison_partners
    ]
    obs, src = tables.observations, tables.sources
    sizeable = plausibility_applies(event.reporter, event.hs_code)
    pair_claims = claims_apply(event.reporter, event.partner)
    # Another maker's prices, plants and buyers say nothing about this shipment: none are used.
    indicators, events = (
        (tables.indicators, tables.events)
        if sizeable
        else (tables.indicators.iloc[0:0], tables.events.iloc[0:0])
    )
    prices = (
        unit_price_range(indicators, unit_price_low_usd_m, unit_price_high_usd_m)
        if sizeable
        else None
    )
    annual = annual_partner_turnover(
        obs, src, reporter=event.reporter, partners=partners, year=event.year
    )
    monthly = monthly_data(tables, data_source)  # "comtrade": read by kzaf.inputs.load
    options = {"source_policy": source_policy, "c5_tolerance": comparison_tolerance}
    ledger = claims.evaluate(claim_tables(tables, monthly), list(CLAIMS), options, checks=checks)
    return Shipment(
        event=event,
        policy=series.policy_from(source_policy),
        names=dict(zip(countries["iso3"], countries["name"], strict=True)),
        month_label=series.period_label(event.month, event.month),
        decomposition=decompose(containing_aggregates(obs, src, event), event),
        change_range=change_ranges(year_on_year_changes(obs, src, event)),
        plausible=plausibility(indicators, events, event, prices),
        annual=annual,
        readings=compare_with_monthly_averages(
            event.value_usd_m, annual, partners, comparison_tolerance, include_suspect=True
        ),
        monthly=monthly,
        ledger=ledger if pair_claims else ledger.iloc[0:0],
        plausibility_applies=sizeable,
        claims_apply=pair_claims,
    )
