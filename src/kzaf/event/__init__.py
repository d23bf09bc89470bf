"""What one shipment does to the numbers: decomposition, plausibility, comparisons, counterfactual.

Pure functions on DataFrames: nothing here reads files (the notebook's setup loads the
tables, and any imported UN Comtrade figures, with ``kzaf.inputs.load``). The event is one
recorded shipment: a month, a value in USD million, an HS code, and the reporter, partner and
flow it belongs to (by default Kazakh exports to Afghanistan).

Decomposition
    Every published aggregate that contains the event month (a full year, January–May, first
    half, ...) from every source, for the flows that include the shipment (exports and turnover
    for an export), from the reporter's side and from the partner's mirror side. For each: the
    shipment's share and the rest. The change from the year before, with and without the
    shipment, for every pair of same-period figures, shown as a range across sources.
Plausibility
    The number of units a unit-price range implies, set against published plant capacity and
    the published list of buyer countries (``data/indicators.csv``, ``data/events.csv``).
Comparisons
    The shipment against average monthly trade with other partners, derived from published
    annual figures (derived values are labelled ``derived``), and the event-month rank of the
    partner among the reporter's partners where monthly partner figures exist.
Counterfactual
    An intervention analysis in the manner of Google's CausalImpact, on a monthly series: a
    structural time-series model (statsmodels ``UnobservedComponents``: local level, optional
    deterministic seasonal terms) is fitted to the months before the event and forecast over
    the event month and after; actual minus forecast is the estimated effect, pointwise and
    cumulative, with intervals from simulated forecast paths that carry the noise and the
    uncertainty of the estimated parameters. The forecasts are model estimates, never
    observations. ``tests/test_event_simulations.py`` and ``benchmarks/event_simulations.py``
    measure how well a known pulse is recovered and how often the intervals cover it.
    Published figures hold no monthly series; the counterfactual needs one (UN Comtrade
    monthly data through ``kzaf import comtrade FILE`` and ``data_source="comtrade"``).

One idea per module (like :mod:`kzaf.risk`): ``shipment``, ``applicability``, ``decomposition``,
``plausibility``, ``comparisons``, ``monthly``, ``counterfactual`` and ``narrative``; every
name is re-exported here, so ``from kzaf import event as ev`` serves notebooks and tests.
"""

from kzaf.event.applicability import (
    LOCOMOTIVE_HS,
    LOCOMOTIVE_MAKER,
    applicable_parts,
    claims_apply,
    plausibility_applies,
)
from kzaf.event.build import CLAIMS, PARAMETERS, ImpactShown, Shipment, build
from kzaf.event.comparisons import (
    ANNUAL_COLUMNS,
    READING_COLUMNS,
    Rank,
    _annual_row,
    annual_partner_turnover,
    compare_with_monthly_averages,
    monthly_partner_figures,
    rank_in_month,
)
from kzaf.event.counterfactual import (
    POINTWISE_COLUMNS,
    Counterfactual,
    Impact,
    _forecast_moments,
    _forecast_paths,
    _in_sample,
    _mvn_draws,
    _summary_row,
    choose_model,
    control_series,
    monthly_counterfactual,
    pulse_effect,
    pulse_power,
    reference_impact,
)
from kzaf.event.decomposition import (
    CHANGE_COLUMNS,
    DECOMPOSITION_COLUMNS,
    _pct_pair,
    change_headline,
    change_ranges,
    commodity_contains,
    containing_aggregates,
    decompose,
    decomposition_headline,
    event_month_bounds,
    flows_containing,
    share_range,
    year_on_year_changes,
)
from kzaf.event.monthly import (
    MonthlyData,
    claim_tables,
    monthly_data,
    monthly_series,
    with_observations,
)
from kzaf.event.narrative import (
    ARTICLE_SHIPMENT,
    _join,
    answer_text,
    claims_not_applicable,
    controls_text,
    counterfactual_message,
    counterfactual_methods_text,
    describe_impact,
    effect_reading,
    key_points,
    model_text,
    needs_monthly_data_text,
    no_controls_text,
    page_title,
    plausibility_not_applicable,
    power_sentence,
    question_text,
    sources_of,
    synthetic_banner,
)
from kzaf.event.plausibility import (
    Plausibility,
    PriceRange,
    _indicator_frame,
    implied_units,
    indicators_by_code,
    plausibility,
    unit_price_range,
)
from kzaf.event.shipment import (
    _FLOW_WORD,
    _MIRROR_FLOW,
    BUYER_CODE,
    CAPACITY_CODE,
    CONTEXT_PREFIX,
    UNIT,
    UNIT_PRICE_CODE,
    Event,
    event_figures,
    event_from,
)
from kzaf.text.numbers import (
    fmt_number,
    fmt_p_value,
    fmt_pct_range,
    fmt_range,
    fmt_signed,
)

__all__ = [
    "ANNUAL_COLUMNS",
    "ARTICLE_SHIPMENT",
    "BUYER_CODE",
    "CAPACITY_CODE",
    "CHANGE_COLUMNS",
    "CLAIMS",
    "CONTEXT_PREFIX",
    "DECOMPOSITION_COLUMNS",
    "LOCOMOTIVE_HS",
    "LOCOMOTIVE_MAKER",
    "PARAMETERS",
    "POINTWISE_COLUMNS",
    "READING_COLUMNS",
    "UNIT",
    "UNIT_PRICE_CODE",
    "_FLOW_WORD",
    "_MIRROR_FLOW",
    "Counterfactual",
    "Event",
    "Impact",
    "ImpactShown",
    "MonthlyData",
    "Plausibility",
    "PriceRange",
    "Rank",
    "Shipment",
    "_annual_row",
    "_forecast_moments",
    "_forecast_paths",
    "_in_sample",
    "_indicator_frame",
    "_join",
    "_mvn_draws",
    "_pct_pair",
    "_summary_row",
    "annual_partner_turnover",
    "answer_text",
    "applicable_parts",
    "build",
    "change_headline",
    "change_ranges",
    "choose_model",
    "claim_tables",
    "claims_apply",
    "claims_not_applicable",
    "commodity_contains",
    "compare_with_monthly_averages",
    "containing_aggregates",
    "control_series",
    "controls_text",
    "counterfactual_message",
    "counterfactual_methods_text",
    "decompose",
    "decomposition_headline",
    "describe_impact",
    "effect_reading",
    "event_figures",
    "event_from",
    "event_month_bounds",
    "flows_containing",
    "fmt_number",
    "fmt_p_value",
    "fmt_pct_range",
    "fmt_range",
    "fmt_signed",
    "implied_units",
    "indicators_by_code",
    "key_points",
    "model_text",
    "monthly_counterfactual",
    "monthly_data",
    "monthly_partner_figures",
    "monthly_series",
    "needs_monthly_data_text",
    "no_controls_text",
    "page_title",
    "plausibility",
    "plausibility_applies",
    "plausibility_not_applicable",
    "power_sentence",
    "pulse_effect",
    "pulse_power",
    "question_text",
    "rank_in_month",
    "reference_impact",
    "share_range",
    "sources_of",
    "synthetic_banner",
    "unit_price_range",
    "with_observations",
    "year_on_year_changes",
]
