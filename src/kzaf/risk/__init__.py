"""Risk assessment of Kazakhstan's southern trade route (pure functions; numpy and pandas).

- :mod:`kzaf.risk.evidence`: indicator figures and event counts as annual series.
- :mod:`kzaf.risk.register`: risks, their evidence, the scoring rule, analyst overrides.
- :mod:`kzaf.risk.risks`: the project's register of ten risks, R1–R10.
- :mod:`kzaf.risk.composite`: normalisation, weighting and aggregation (OECD/JRC handbook).
- :mod:`kzaf.risk.index`: the composite for one set of choices, and its trajectory.
- :mod:`kzaf.risk.uncertainty`: Monte Carlo uncertainty and first-order sensitivity.
- :mod:`kzaf.risk.scenarios`: Monte Carlo paths of trade with shocks (model estimates).
- :mod:`kzaf.risk.assessment`: the whole assessment with one set of parameters.
- :mod:`kzaf.risk.narrative`: the notebook's answer and headline tables, from the results.
- :mod:`kzaf.risk.build`: everything the risk notebook shows, from the tables and parameters.
"""

from kzaf.risk.build import PARAMETERS, RiskAssessment, build
from kzaf.risk.composite import (
    AGGREGATIONS,
    DIMENSIONS,
    NORMALISATIONS,
    EvidenceMatrix,
    aggregate,
    normalise,
    rank_risks,
    score_draws,
    weight_vector,
)
from kzaf.risk.evidence import event_counts, indicator_series
from kzaf.risk.index import composite_index, composite_trajectory
from kzaf.risk.register import (
    EventEvidence,
    IndicatorEvidence,
    Risk,
    band_score,
    check_overrides,
    default_as_of,
    evidence_matrix,
    evidence_table,
    risk_register,
    risk_series,
    unknown_codes,
)
from kzaf.risk.scenarios import (
    Baseline,
    ScenarioParameters,
    TradePaths,
    fan_table,
    reach_probabilities,
    shock_frequencies,
    simulate_trade,
    trade_baseline,
)
from kzaf.risk.uncertainty import (
    IndexDraws,
    composite_distribution,
    first_order_indices,
    rank_probabilities,
    ranking_sensitivity,
    sensitivity,
    simulate_index,
)

__all__ = [
    "AGGREGATIONS",
    "DIMENSIONS",
    "NORMALISATIONS",
    "PARAMETERS",
    "Baseline",
    "EventEvidence",
    "EvidenceMatrix",
    "IndexDraws",
    "IndicatorEvidence",
    "Risk",
    "RiskAssessment",
    "ScenarioParameters",
    "TradePaths",
    "aggregate",
    "band_score",
    "build",
    "check_overrides",
    "composite_distribution",
    "composite_index",
    "composite_trajectory",
    "default_as_of",
    "event_counts",
    "evidence_matrix",
    "evidence_table",
    "fan_table",
    "first_order_indices",
    "indicator_series",
    "normalise",
    "rank_probabilities",
    "rank_risks",
    "ranking_sensitivity",
    "reach_probabilities",
    "risk_register",
    "risk_series",
    "score_draws",
    "sensitivity",
    "shock_frequencies",
    "simulate_index",
    "simulate_trade",
    "trade_baseline",
    "unknown_codes",
    "weight_vector",
]
