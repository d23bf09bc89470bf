"""The locomotive notebook as one call: ``build(tables, parameters, checks)`` resolves the
parameters and returns everything the notebook shows, section by section, so the notebook
itself only narrates and displays. The tables (and any imported monthly figures) come from
the loader at the edge (``kzaf.inputs.load``); the claim checks from the caller
(``kzaf.claim_checks.CHECKS``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf import claims, data, series
from kzaf.event.applicability import claims_apply, plausibility_applies
from kzaf.event.comparisons import annual_partner_turnover, compare_with_monthly_averages
from kzaf.event.counterfactual import (
    Counterfactual,
    Impact,
    monthly_counterfactual,
    reference_impact,
)
from kzaf.event.decomposition import (
    change_headline,
    change_ranges,
    containing_aggregates,
    decompose,
    decomposition_headline,
    year_on_year_changes,
)
from kzaf.event.monthly import MonthlyData, claim_tables, monthly_data
from kzaf.event.narrative import (
    answer_text,
    claims_not_applicable,
    counterfactual_message,
    counterfactual_methods_text,
    describe_impact,
    key_points,
    page_title,
    plausibility_not_applicable,
    question_text,
    sources_of,
    synthetic_banner,
)
from kzaf.event.plausibility import Plausibility, plausibility, unit_price_range
from kzaf.event.shipment import Event, event_figures, event_from
from kzaf.text.tables import Shown, table_or

# The notebook's parameters (its parameters cell), read from the mapping build() is given.
PARAMETERS = (
    "event_month", "event_value_usd_m", "hs_code", "unit_price_low_usd_m",
    "unit_price_high_usd_m", "comparison_partners", "comparison_tolerance", "alpha",
    "post_months", "data_source", "reporter", "partner", "source_policy",
)  # fmt: skip
CLAIMS = ("C4", "C5")  # the article's claims about the shipment, checked here
SHIPMENT_COLUMNS = ["obs_id", "value", "unit", "publisher", "publication_date", "note"]
ANNUAL_SHOWN = [
    "partner", "reporter", "obs_id", "publisher", "precision", "suspect", "annual_usd_m",
    "monthly_average_usd_m", "derived", "method",
]  # fmt: skip


@dataclass(frozen=True)
class ImpactShown:
    """One counterfactual as the notebook shows it: the paragraph, the summary, the chart's
    inputs."""

    name: str  # "total" (all goods) or "rest" (all goods but the shipment's)
    impact: Impact
    what: str  # the series, in words
    compare: float | None  # the shipment value the effect is set against (total only)
    text: str
    summary: pd.DataFrame


@dataclass(frozen=True)
class Shipment:
    """Resolved parameters, every table of the locomotive notebook, and what each section
    shows (a table, or the sentence in its place: ``kzaf.text.tables.Shown``)."""

    event: Event
    policy: series.SourcePolicy
    names: dict[str, str]  # ISO3 -> country name
    month_label: str
    pair: str  # "Kazakhstan–Afghanistan"
    shipment_figures: pd.DataFrame  # published figures of the shipment itself
    decomposition: pd.DataFrame
    decomposition_sources: list[str]  # publishers of the figures in the decomposition
    change_range: pd.DataFrame
    plausible: Plausibility
    annual: pd.DataFrame  # the comparison partners' annual trade with the reporter
    readings: pd.DataFrame
    monthly: MonthlyData
    ledger: pd.DataFrame  # empty where the article's claims do not apply to the pair
    plausibility_applies: bool  # sourced prices and plants can size this shipment
    claims_apply: bool  # the pair is the article's
    counterfactual: Counterfactual
    impacts: dict[str, ImpactShown]  # "total" and "rest", where the data allow them
    # What the notebook shows, in its order.
    title: str
    question: str
    key_points: list[str]
    answer: str
    shipment_note: str  # said when no published figure reports the shipment, else ""
    decomposition_headline: Shown
    decomposition_title: str
    change_headline: Shown
    sections: dict[str, list[Shown]]
    verdicts: Shown  # the ledger, or why the claims do not apply
    counterfactual_note: str  # why there is no counterfactual, or the synthetic-data warning
    methods_text: str


def build(
    tables: Any, parameters: Mapping[str, Any], checks: Mapping[str, claims.Check]
) -> Shipment:
    """Resolve and check the parameters, then build the tables and sections, in the
    notebook's order."""
    core = _compute(tables, parameters, checks)
    event, names, pair = core["event"], core["names"], core["pair"]
    decomposition, plausible = core["decomposition"], core["plausible"]
    words = (event, decomposition, core["change_range"], plausible)
    month_label = core["month_label"]
    return Shipment(
        **core,
        title=page_title(event, names),  # the article's shipment, or another
        question=question_text(event, names),
        key_points=key_points(*words, names, core["ledger"], core["shipment_figures"]),
        answer=synthetic_banner(core["monthly"])
        + answer_text(
            *words, core["readings"], core["ledger"], reports=core["shipment_figures"],
            names=names,
        ),
        shipment_note=(
            "" if len(core["shipment_figures"])
            else f"No published figure reports {event.label}; the value comes from the "
            "parameters alone."
        ),
        decomposition_headline=table_or(
            decomposition,
            f"No published figure of {pair} trade contains {month_label}: no share.",
            decomposition_headline,
        ),
        decomposition_title=(
            f"The shipment's share of every published aggregate containing {month_label}"
        ),
        change_headline=table_or(
            change_headline(core["change_range"]),
            f"No two figures of {pair} trade a year apart cover {month_label}: no change.",
        ),
        sections=_sections(core),
        verdicts=core["ledger"] if core["claims_apply"] else claims_not_applicable(pair),
        counterfactual_note=(
            counterfactual_message(core["counterfactual"], event)
            if core["counterfactual"].total is None
            else synthetic_banner(core["monthly"])
        ),
        methods_text=counterfactual_methods_text(
            core["counterfactual"], event,
            reference_impact(alpha=parameters["alpha"], post_months=parameters["post_months"])
            if core["counterfactual"].total is None else None,
        ),
    )  # fmt: skip


def _event(tables: Any, parameters: Mapping[str, Any]) -> Event:
    countries = tables.countries
    return event_from(
        parameters["event_month"], parameters["event_value_usd_m"], parameters["hs_code"],
        reporter=data.resolve_country(parameters["reporter"], countries, what="reporter"),
        partner=data.resolve_country(parameters["partner"], countries, what="partner"),
    )  # fmt: skip


def _compute(
    tables: Any, parameters: Mapping[str, Any], checks: Mapping[str, claims.Check]
) -> dict[str, Any]:
    """The resolved parameters and every table the sections are drawn from."""
    countries, obs, src = tables.countries, tables.observations, tables.sources
    event = _event(tables, parameters)
    partners = [
        data.resolve_country(p, countries, what="comparison partner")
        for p in parameters["comparison_partners"]
    ]
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    sizeable = plausibility_applies(event.reporter, event.hs_code)
    pair_claims = claims_apply(event.reporter, event.partner)
    annual = annual_partner_turnover(
        obs, src, reporter=event.reporter, partners=partners, year=event.year
    )
    monthly = monthly_data(tables, parameters["data_source"])  # read by kzaf.inputs.load
    options = {
        "source_policy": parameters["source_policy"],
        "c5_tolerance": parameters["comparison_tolerance"],
    }
    ledger = claims.evaluate(claim_tables(tables, monthly), CLAIMS, options, checks=checks)
    decomposition = decompose(containing_aggregates(obs, src, event), event)
    shipment_figures = event_figures(obs, src, event)
    return {
        "event": event, "policy": series.policy_from(parameters["source_policy"]),
        "names": names, "month_label": series.period_label(event.month, event.month),
        "pair": f"{names[event.reporter]}–{names[event.partner]}",
        "shipment_figures": shipment_figures, "decomposition": decomposition,
        "decomposition_sources": (
            _publishers(src, sources_of(decomposition, shipment_figures))
            if len(decomposition) else []
        ),
        "change_range": change_ranges(year_on_year_changes(obs, src, event)),
        "plausible": _plausibility(tables, parameters, event, sizeable), "annual": annual,
        "readings": compare_with_monthly_averages(
            event.value_usd_m, annual, partners, parameters["comparison_tolerance"],
            include_suspect=True,
        ),
        "monthly": monthly, "ledger": ledger if pair_claims else ledger.iloc[0:0],
        "plausibility_applies": sizeable, "claims_apply": pair_claims,
        **_counterfactual(tables, parameters, event, monthly),
    }  # fmt: skip


def _publishers(sources: pd.DataFrame, source_ids: list[str]) -> list[str]:
    by_id = sources.set_index("source_id")["publisher"]
    return [by_id.loc[s] for s in source_ids]


def _plausibility(
    tables: Any, parameters: Mapping[str, Any], event: Event, sizeable: bool
) -> Plausibility:
    """Units, capacity and buyers; another maker's prices, plants and buyers say nothing
    about this shipment, so none are used when it is not theirs to size."""
    if not sizeable:
        return plausibility(tables.indicators.iloc[0:0], tables.events.iloc[0:0], event, None)
    prices = unit_price_range(
        tables.indicators, parameters["unit_price_low_usd_m"], parameters["unit_price_high_usd_m"]
    )
    return plausibility(tables.indicators, tables.events, event, prices)


def _counterfactual(
    tables: Any, parameters: Mapping[str, Any], event: Event, monthly: MonthlyData
) -> dict[str, Any]:
    """The counterfactual on the monthly series, and each impact as the notebook shows it."""
    countries = tables.countries
    counterfactual = monthly_counterfactual(
        monthly.observations, monthly.sources, event, alpha=parameters["alpha"],
        policy=series.policy_from(parameters["source_policy"]),
        post_months=parameters["post_months"],
        single_countries=set(countries.loc[countries["comtrade_code"].notna(), "iso3"]),
    )  # fmt: skip
    recorded = counterfactual.goods_in_event_month(event)
    shipment, label = (
        (recorded, f"The HS {event.hs_code} figure in the monthly data for that month")
        if recorded is not None
        else (event.value_usd_m, "The shipment as the parameters give it")
    )
    flows = f"{event.reporter} {event.flow}s to {event.partner}"
    impacts = {}
    for name, impact, what in (
        ("total", counterfactual.total, f"{flows} (all goods)"),
        ("rest", counterfactual.rest, f"{flows} other than HS {event.hs_code}"),
    ):
        if impact is not None:
            compare = shipment if name == "total" else None
            text = describe_impact(impact, what, compare, shipment_label=label)
            impacts[name] = ImpactShown(name, impact, what, compare, text, impact.summary.round(1))
    return {"counterfactual": counterfactual, "impacts": impacts}


def _sections(core: Mapping[str, Any]) -> dict[str, list[Shown]]:
    """What each section shows, in order."""
    applies, plausible = core["plausibility_applies"], core["plausible"]
    figures = core["shipment_figures"]
    return {
        "shipment": [figures[SHIPMENT_COLUMNS] if len(figures) else None],
        "plausibility": [
            plausible.table()
            if applies
            else plausibility_not_applicable(core["event"], core["names"])
        ],
        "context": [plausible.context_table() if applies else None],
        "buyer_events": [
            plausible.buyer_events[["event_id", "date", "kind", "description", "source_id"]]
            if applies
            else None
        ],
        "annual": [core["annual"][ANNUAL_SHOWN]],
        "readings": [core["readings"]],
    }
