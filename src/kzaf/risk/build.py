"""The risk notebook as one call: ``build(tables, parameters, checks)`` runs the assessment
with the notebook's parameters (:func:`kzaf.risk.assessment.assess`) and returns everything
the notebook shows, so the notebook itself only narrates and displays. The tables come from
the loader at the edge; the claim checks from the caller (``kzaf.claim_checks.CHECKS``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf import claims
from kzaf.risk import narrative
from kzaf.risk.assessment import Assessment, TradeSettings, assess
from kzaf.risk.risks import RISK_NAMES, RISK_REGISTER
from kzaf.risk.scenarios import ScenarioParameters, fan_table, shock_frequencies
from kzaf.text.numbers import fmt_fixed, fmt_general, fmt_whole
from kzaf.text.words import words

# The notebook's parameters (its parameters cell), read from the mapping build() is given.
PARAMETERS = (
    "weights", "dimension_weights", "normalisation", "aggregation", "score_partial_risks",
    "max_age_years", "as_of_year", "score_overrides", "trajectory_start_year", "n_draws",
    "weight_concentration", "mc_normalisations", "mc_aggregations", "seed", "n_paths",
    "horizon_year", "target_year", "target_value_usd_m", "baseline_anchor", "trend_noise_scale",
    "closure_probability", "closure_days_min", "closure_days_max", "closure_trade_share",
    "security_probability", "security_drop", "sanctions_probability", "sanctions_drop",
    "railway_probability", "railway_first_year", "railway_uplift", "persistence_max",
    "part_year_pace_low", "part_year_pace_high", "downside_value_usd_m",
)  # fmt: skip
CLAIMS = ("C9", "C10", "C11", "C12")  # the article's claims about the risks, checked here
# Chart captions: where the figures come from.
SOURCES = "kzaf dataset: indicators and dated events (each figure's source: register table)"
TRADE_SOURCES = "kzaf dataset: published trade figures (reconciled annual turnover)"
EVIDENCE_SHOWN = [
    "risk_id", "dimension", "name", "latest_year", "latest_value", "score", "status",
    "subject", "latest_low", "latest_high", "previous_year", "previous_value", "trend",
    "placement", "sources",
]  # fmt: skip
INDEX_SHOWN = [
    "risk_id", "name", "rank", "weighted_score", "likelihood_index", "impact_index", "weight",
    "score", "overridden",
]  # fmt: skip


@dataclass(frozen=True)
class RiskAssessment:
    """The assessment with the notebook's parameters, and everything the notebook shows."""

    result: Assessment
    scenario: ScenarioParameters
    thresholds: dict[str, float]  # trade thresholds tested, by label
    fan: pd.DataFrame  # quantiles of the simulated trade paths by year
    fan_shown: pd.DataFrame  # the same, rounded to whole USD million
    fan_assumptions: str  # what the paths assume, for the fan chart's note
    # What the notebook shows, in its order.
    key_points: list[str]
    answer: str
    rules: pd.DataFrame
    evidence: pd.DataFrame
    register_headline: pd.DataFrame
    register_title: str
    composite_line: str  # the composite for the chosen settings, one printed line
    index: pd.DataFrame
    trajectory: pd.DataFrame
    distribution: pd.DataFrame
    ranking_headline: pd.DataFrame
    ranking_title: str
    drivers: pd.DataFrame
    ranking_drivers: pd.DataFrame
    baseline_line: str  # the trade baseline, one printed line
    assumptions: pd.DataFrame
    reach_headline: pd.DataFrame
    reach_title: str
    shocks: pd.DataFrame
    ledger: pd.DataFrame


def scenario_from(parameters: Mapping[str, Any]) -> ScenarioParameters:
    """The trade shocks and upside the parameters set."""
    return ScenarioParameters(
        closure_probability=parameters["closure_probability"],
        closure_days=(parameters["closure_days_min"], parameters["closure_days_max"]),
        **{name: parameters[name] for name in (
            "closure_trade_share", "security_probability", "security_drop",
            "sanctions_probability", "sanctions_drop", "railway_probability",
            "railway_first_year", "railway_uplift",
        )},
        noise_scale=parameters["trend_noise_scale"],
    )  # fmt: skip


def thresholds_from(parameters: Mapping[str, Any]) -> dict[str, float]:
    """The trade thresholds tested, by label: $1 billion and the governments' target."""
    target = parameters["target_value_usd_m"]
    return {"$1 billion": 1000.0, f"${fmt_general(target / 1000)} billion": target}


def assessment(tables: Any, parameters: Mapping[str, Any]) -> Assessment:
    """:func:`~kzaf.risk.assessment.assess` on the project's register with the parameters."""
    return assess(
        tables, RISK_REGISTER, weights=parameters["weights"],
        dimension_weights=parameters["dimension_weights"],
        normalisation=parameters["normalisation"], aggregation=parameters["aggregation"],
        partial=parameters["score_partial_risks"], max_age_years=parameters["max_age_years"],
        as_of=parameters["as_of_year"], overrides=parameters["score_overrides"],
        trajectory_start_year=parameters["trajectory_start_year"],
        n_draws=parameters["n_draws"], seed=parameters["seed"],
        mc_normalisations=parameters["mc_normalisations"],
        mc_aggregations=parameters["mc_aggregations"],
        weight_concentration=parameters["weight_concentration"],
        trade=trade_settings(parameters),
    )  # fmt: skip


def trade_settings(parameters: Mapping[str, Any]) -> TradeSettings:
    """The trade scenarios' settings from the notebook's parameters."""
    return TradeSettings(
        scenario=scenario_from(parameters), n_paths=parameters["n_paths"],
        horizon_year=parameters["horizon_year"], target_year=parameters["target_year"],
        thresholds=thresholds_from(parameters), anchor=parameters["baseline_anchor"],
        rho_max=parameters["persistence_max"],
        part_year_pace=(parameters["part_year_pace_low"], parameters["part_year_pace_high"]),
        downside_value=parameters["downside_value_usd_m"],
    )  # fmt: skip


def build(
    tables: Any, parameters: Mapping[str, Any], checks: Mapping[str, claims.Check]
) -> RiskAssessment:
    """Run the assessment, then arrange what the notebook shows, in its order."""
    result = assessment(tables, parameters)
    scenario, target_year = scenario_from(parameters), parameters["target_year"]
    fan = fan_table(result.paths)
    thresholds = thresholds_from(parameters)
    outlook = narrative.outlook_of(result, target_year)
    return RiskAssessment(
        result=result, scenario=scenario,
        thresholds=thresholds, fan=fan, fan_shown=fan.round(0),
        fan_assumptions=narrative.fan_assumptions(outlook),
        key_points=narrative.key_points_for(result, names=RISK_NAMES, target_year=target_year),
        answer=narrative.answer_for(
            result, names=RISK_NAMES, normalisation=parameters["normalisation"],
            aggregation=parameters["aggregation"], target_year=target_year,
        ),
        rules=narrative.rules_table(RISK_REGISTER),
        evidence=result.evidence[EVIDENCE_SHOWN].round(3),
        register_headline=narrative.register_headline(result.register),
        register_title=(
            f"Risk register, {result.as_of}: scores 1–5 derived from sourced indicators"
        ),
        composite_line=(
            f"On the chosen settings ({words(parameters['normalisation'])} normalisation, "
            f"{parameters['aggregation']} aggregation) the composite risk index is "
            f"{fmt_fixed(result.composite, 3)} on a 0–1 scale (a model estimate)."
        ),
        index=result.index_table[INDEX_SHOWN].round(3),
        trajectory=result.trajectory.dropna(subset=["composite"]).round(3),
        distribution=result.distribution.round(3),
        ranking_headline=narrative.ranking_headline(result.probabilities),
        ranking_title=(
            f"Chance of ranking first or top three ({fmt_whole(result.draws.n_draws)} draws; "
            "model estimate)"
        ),
        drivers=result.drivers.round(3),
        ranking_drivers=result.ranking_drivers.head(12).round(2),
        baseline_line=result.baseline.describe(),
        assumptions=pd.concat(
            [
                narrative.scenario_assumptions(
                    scenario, narrative.scenario_basis(result, tables.events)
                ),
                narrative.model_assumptions(outlook),
            ],
            ignore_index=True,
        ),
        reach_headline=narrative.reach_headline(outlook),
        reach_title=narrative.reach_title(outlook, parameters["n_paths"]),
        shocks=shock_frequencies(result.paths).round(3),
        ledger=claims.evaluate(tables, CLAIMS, checks=checks),
    )  # fmt: skip
