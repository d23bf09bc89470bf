"""The trajectory notebook as one call: ``build(tables, parameters, checks)`` resolves the
parameters and returns everything the notebook shows, section by section, so the notebook
itself only narrates and displays. The tables come from the loader at the edge
(``kzaf.inputs.load``); the claim checks from the caller (``kzaf.claim_checks.CHECKS``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf import claims, data, series
from kzaf.text.tables import Shown, table_or
from kzaf.trajectory.annual import annual_trade, period_changes, trade_balance, yoy_growth
from kzaf.trajectory.applicability import claims_apply
from kzaf.trajectory.figures import (
    figure_conflicts,
    imported_figures,
    observations_in_use,
    trade_figures,
)
from kzaf.trajectory.forecast import (
    Forecast,
    growth_scenarios,
    monthly_series,
    seasonal_forecast,
    trend_forecast,
)
from kzaf.trajectory.goods import flour_share, goods_figures, goods_table
from kzaf.trajectory.mirror import describe_mirror, mirror_table
from kzaf.trajectory.narrative import (
    answer_paragraph,
    as_reported,
    claims_not_applicable,
    data_note,
    figures_note,
    goods_not_applicable,
    headline_table,
    key_points,
    nothing_to_show,
)
from kzaf.trajectory.neighbours import (
    coverage_note,
    neighbour_latest,
    neighbour_table,
    neighbour_years,
)
from kzaf.trajectory.target import (
    describe_target,
    distance_to_target,
    target_applies,
    target_intro,
    target_not_applicable,
)
from kzaf.trajectory.year_to_date import (
    RUN_RATE_CAVEAT,
    run_rate,
    same_period_comparison,
    seasonal_shares,
    year_to_date_table,
)

# The notebook's parameters (its parameters cell), read from the mapping build() is given.
PARAMETERS = (
    "reporter", "partner", "start_year", "end_year", "flows", "source_policy",
    "target_value_usd_m", "target_year", "peers", "goods", "data_source", "alpha",
    "claim_tolerance",
)  # fmt: skip
# The two changes the story turns on: the doubling and the fall.
STORY_CHANGES = ((2021, 2022), (2022, 2023))
CLAIMS = ("C1", "C2", "C3")  # the article's claims about the pair's trade, checked here
FULL_YEAR_COLUMNS = [
    "period_label", "flow", "value", "precision", "publisher", "kind", "suspect", "obs_id",
]  # fmt: skip


@dataclass(frozen=True)
class Trajectory:
    """Resolved parameters, the tables computed from them, and what each section shows: a
    table, or the sentence in its place (see ``kzaf.text.tables.Shown``)."""

    # The parameters, resolved: ISO3 codes from codes or names, checked values.
    reporter: str
    partner: str
    peers: list[str]
    flows: list[str]
    start_year: int
    end_year: int
    target_value_usd_m: float
    target_year: int
    alpha: float
    policy: series.SourcePolicy
    names: dict[str, str]  # ISO3 -> country name
    pair: str  # "Kazakhstan–Afghanistan"
    flow: str  # the flow the answer and the trend follow
    target_applies: bool  # the $3bn goal is Kazakh–Afghan only
    claims_apply: bool  # the article's claims C1-C3 are about Kazakh–Afghan trade only
    # The tables.
    observations: pd.DataFrame  # published, and any imported figures beside them
    sources: pd.DataFrame
    data_note: str  # what the figures are
    figures: pd.DataFrame
    annual: pd.DataFrame
    growth: pd.DataFrame
    changes: pd.DataFrame
    shares: pd.DataFrame  # seasonal shares of every flow
    run_rates: pd.DataFrame
    forecast: Forecast
    distance: pd.DataFrame
    mirror: pd.DataFrame
    balance: pd.DataFrame
    year_to_date: pd.DataFrame
    goods: pd.DataFrame
    flour: pd.DataFrame
    neighbours: pd.DataFrame
    scenarios: pd.DataFrame | None  # constant-growth paths beside the trend
    seasonal: Forecast
    # What the notebook shows, in its order.
    title: str
    key_points: list[str]
    answer: str
    figures_note: str
    sections: dict[str, list[Shown]]  # section -> what it shows, in order
    headline: Shown
    headline_title: str
    ledger: Shown  # the claims ledger, or why the claims do not apply


def build(
    tables: Any, parameters: Mapping[str, Any], checks: Mapping[str, claims.Check]
) -> Trajectory:
    """Resolve the parameters, then build the tables and the sections, in the notebook's
    order. The values have passed the notebook's rules (kzaf.parameters), which are not
    checked again here."""
    chosen = _resolve(tables, parameters)
    both = {**chosen, **_compute(tables, parameters, chosen)}
    pair, reporter_name = chosen["pair"], chosen["names"][chosen["reporter"]]
    return Trajectory(
        **both,
        title=f"The trajectory of {pair} trade",
        key_points=key_points(
            both["annual"], flow=both["flow"], reporter_name=reporter_name,
            partner_name=chosen["names"][chosen["partner"]], forecast=both["forecast"],
        ),
        answer=_answer(both),
        figures_note=figures_note(
            both["data_note"], len(both["figures"]), pair, chosen["flows"],
            (chosen["start_year"], chosen["end_year"]), chosen["policy"].describe(),
        ),
        sections=_sections(tables, parameters, checks, both),
        headline=table_or(
            headline_table(both["annual"], both["growth"]), nothing_to_show("headline", both)
        ),
        headline_title=(
            f"{pair} trade {as_reported(both['annual'], reporter_name)}, USD million "
            f"(policy {chosen['policy'].name})"
        ),
        ledger=(
            claims.evaluate(tables, CLAIMS, _claim_options(parameters), checks=checks)
            if chosen["claims_apply"]
            else claims_not_applicable(pair)
        ),
    )  # fmt: skip


def _resolve(tables: Any, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters the analysis uses, resolved (an unknown country names its parameter)."""
    countries = tables.countries
    reporter, partner = (
        data.resolve_country(parameters[p], countries, what=f"{p} (parameter '{p}')")
        for p in ("reporter", "partner")
    )
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    flows = list(parameters["flows"])
    return {
        "reporter": reporter, "partner": partner,
        "peers": [data.resolve_country(p, countries, what="peer (parameter 'peers')")
                  for p in parameters["peers"]],
        "flows": flows, "start_year": parameters["start_year"],
        "end_year": parameters["end_year"],
        "target_value_usd_m": parameters["target_value_usd_m"],
        "target_year": parameters["target_year"], "alpha": float(parameters["alpha"]),
        "policy": series.policy_from(parameters["source_policy"]), "names": names,
        "pair": f"{names[reporter]}–{names[partner]}",
        "flow": "turnover" if "turnover" in flows else flows[0],
        "target_applies": target_applies(reporter, partner),
        "claims_apply": claims_apply(reporter, partner),
    }  # fmt: skip


def _compute(
    tables: Any, parameters: Mapping[str, Any], chosen: Mapping[str, Any]
) -> dict[str, Any]:
    """Every table the sections are drawn from."""
    imported = imported_figures(tables, parameters["data_source"])  # read at the edge
    observations, sources = observations_in_use(tables, imported)
    policy, flow, flows = chosen["policy"], chosen["flow"], chosen["flows"]
    years = {"start_year": chosen["start_year"], "end_year": chosen["end_year"]}
    pair = {"reporter": chosen["reporter"], "partner": chosen["partner"]}
    figures = trade_figures(observations, sources, **pair, flows=flows, **years)
    annual = annual_trade(figures, policy, flows=flows, **years)
    forecast = trend_forecast(annual, flow=flow, until=chosen["target_year"], alpha=chosen["alpha"])
    shares = seasonal_shares(figures)  # every flow's; the run-rates of each flow use it
    distance = distance_to_target(
        annual if chosen["target_applies"] else annual.iloc[0:0],
        target_value=chosen["target_value_usd_m"], target_year=chosen["target_year"],
        flow=flow, trend=forecast.fit,
    )  # fmt: skip
    return {
        "observations": observations, "sources": sources, "data_note": data_note(imported),
        "figures": figures, "annual": annual, "growth": yoy_growth(annual, figures),
        "changes": period_changes(annual, figures, list(STORY_CHANGES), flow=flow),
        "shares": shares,
        "run_rates": pd.concat(
            [run_rate(figures, policy, flow=f, shares=shares) for f in flows], ignore_index=True
        ),
        "forecast": forecast, "distance": distance,
        "mirror": mirror_table(observations, sources, **pair, flows=flows, policy=policy, **years),
        "balance": trade_balance(figures, policy),
        "year_to_date": year_to_date_table(figures, policy),
        "goods": goods_table(
            goods_figures(observations, sources, **pair, commodities=parameters["goods"], **years),
            tables.commodities, policy,
        ),
        "flour": flour_share(observations, sources, **pair, policy=policy, **years),
        "neighbours": neighbour_table(
            observations, sources, partner=chosen["partner"],
            countries=[chosen["reporter"], *chosen["peers"]], flows=flows, policy=policy, **years,
        ),
        "scenarios": _scenarios(distance, chosen["target_year"]),
        "seasonal": seasonal_forecast(
            monthly_series(figures, policy, flow=flow), horizon=12, alpha=chosen["alpha"]
        ),
    }  # fmt: skip


def _scenarios(distance: pd.DataFrame, target_year: int) -> pd.DataFrame | None:
    """Constant-growth paths from the latest year: the growth the target needs and the
    average growth observed (None without a base year)."""
    if not len(distance):
        return None
    rates = distance.set_index("path")["growth"].to_dict()
    base = distance.iloc[0]
    return growth_scenarios(
        int(base["base_year"]), float(base["base_value"]), target_year,
        {"growth the target needs": rates.get("required"),
         "average growth observed": rates.get("observed average")},
    )  # fmt: skip


def _answer(both: Mapping[str, Any]) -> str:
    names = both["names"]
    return answer_paragraph(
        reporter_name=names[both["reporter"]], partner_name=names[both["partner"]],
        flow=both["flow"], annual=both["annual"], changes=both["changes"],
        run_rates=both["run_rates"], distance=both["distance"], forecast=both["forecast"],
        start_year=both["start_year"], end_year=both["end_year"], mirror=both["mirror"],
    )  # fmt: skip


def _claim_options(parameters: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "source_policy": parameters["source_policy"],
        "claim_tolerance": parameters["claim_tolerance"],
    }


def _round(decimals: int, drop: tuple[str, ...] = ()):
    """The table as shown: the columns readers need no longer dropped, rounded."""
    return lambda table: table.drop(columns=list(drop)).round(decimals)


def _sections(
    tables: Any,
    parameters: Mapping[str, Any],
    checks: Mapping[str, claims.Check],
    both: Mapping[str, Any],
) -> dict[str, list[Shown]]:
    """What each section of the notebook shows, in order: tables, or sentences in their place."""

    def say(what: str) -> str:
        return nothing_to_show(what, both)

    changes = both["changes"]
    return {
        "figures": _figures_section(both),
        "balance": [table_or(both["balance"], say("balance"), _round(1, ("period_start",)))],
        "changes": [changes.round(3) if changes["change"].notna().any() else say("changes")],
        "year_to_date": _year_to_date_section(both),
        "run_rates": [
            table_or(both["shares"], say("shares"),
                     lambda s: s[s["flow"] == both["flow"]].round(3)),
            table_or(both["run_rates"], say("run_rates"), _round(1)),
            f"*Caveat.* {RUN_RATE_CAVEAT}",
        ],
        "target": (
            [target_intro(both["pair"], both["target_value_usd_m"]),
             table_or(both["distance"], say("distance"), _round(3)),
             describe_target(both["distance"], both["flow"])]
            if both["target_applies"] else [target_not_applicable(both["pair"])]
        ),
        **_goods_sections(both, list(parameters["goods"])),
        "neighbours": [coverage_note(both["neighbours"], [both["reporter"], *both["peers"]],
                                     both["partner"])],
        "neighbours_latest": [neighbour_latest(both["neighbours"], both["flow"]).round(1)],
        "neighbour_years": [neighbour_years(both["neighbours"], both["flow"]).round(1)],
        "mirror": [describe_mirror(both["mirror"], both["reporter"], both["partner"]),
                   table_or(both["mirror"], say("mirror"),
                            _round(1, ("period_start", "period_end")))],
        "trend": _trend_section(both["forecast"]),
        "seasonal": [both["seasonal"].message],
        "claim_c3": [_c3_details(tables, parameters, checks, both)],
    }  # fmt: skip


def _figures_section(both: Mapping[str, Any]) -> list[Shown]:
    """Every full-year figure (nothing when there is none), then the pairs that conflict."""
    figures = both["figures"]
    full = figures[(figures["basis"] == "calendar") & (figures["period_kind"] == "year")]
    conflicts = figure_conflicts(figures, both["policy"])
    return [
        full[FULL_YEAR_COLUMNS].sort_values(["period_label", "flow", "value"])
        .reset_index(drop=True) if len(full) else None,
        table_or(conflicts, nothing_to_show("conflicts", both),
                 lambda c: c[["period_label", "flow", "reason"]]),
    ]  # fmt: skip


def _year_to_date_section(both: Mapping[str, Any]) -> list[Shown]:
    """Year-to-date figures and, where two years publish the same months, the comparison."""
    if not len(both["year_to_date"]):
        return [nothing_to_show("year_to_date", both)]
    comparison = same_period_comparison(both["figures"], both["policy"])
    return [
        both["year_to_date"].drop(columns=["obs_ids"]).round(1),
        table_or(comparison, nothing_to_show("comparison", both), _round(3)),
    ]


def _goods_sections(both: Mapping[str, Any], goods: list[str]) -> dict[str, list[Shown]]:
    """The goods table and the partner's share of flour exports, or one sentence for both."""
    if both["goods"].empty and both["flour"].empty:
        return {"goods": [goods_not_applicable(goods, both["pair"])], "flour": []}
    return {
        "goods": [table_or(both["goods"], nothing_to_show("goods", both),
                           _round(1, ("obs_ids", "mid_year")))],
        "flour": [table_or(both["flour"], nothing_to_show("flour", both),
                           _round(1, ("period_start",)))],
    }  # fmt: skip


def _trend_section(forecast: Forecast) -> list[Shown]:
    if not forecast.fitted:
        return [forecast.message]
    return [
        f"**{forecast.method}.** {forecast.message}\n\n*How far to trust it:* {forecast.trust}",
        forecast.sensitivity.round(3),
    ]


def _c3_details(
    tables: Any,
    parameters: Mapping[str, Any],
    checks: Mapping[str, claims.Check],
    both: Mapping[str, Any],
) -> Shown:
    """C3's derived Decembers (full year minus January–November, every pair of sources)."""
    if not both["claims_apply"]:
        return nothing_to_show("c3_not_tested", both)
    details = checks["C3"](tables, _claim_options(parameters)).details
    if details is None or not len(details):
        return nothing_to_show("c3", both)
    return details[["period_label", "value", "method", "consistent"]].round(1)
