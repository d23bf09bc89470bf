"""The trajectory of a bilateral trade, one idea per module (like :mod:`kzaf.risk`):

- :mod:`~kzaf.trajectory.figures`      parameter checks, the figures in use, shared helpers
- :mod:`~kzaf.trajectory.annual`       annual table across sources, growth, changes, balance
- :mod:`~kzaf.trajectory.year_to_date` same-period comparisons, seasonal shares, run-rates
- :mod:`~kzaf.trajectory.target`       distance to a target, and which pair it belongs to
- :mod:`~kzaf.trajectory.goods`        flour, wheat and grain; the flour share
- :mod:`~kzaf.trajectory.neighbours`   the reporter beside its peers
- :mod:`~kzaf.trajectory.mirror`       what each side reports
- :mod:`~kzaf.trajectory.trend`        the log-linear trend of a short annual series
- :mod:`~kzaf.trajectory.forecast`     trend forecast, trust, scenarios, seasonal model
- :mod:`~kzaf.trajectory.narrative`    headline table, answer paragraph, key points
- :mod:`~kzaf.trajectory.applicability` which parts have something to show for a pair
- :mod:`~kzaf.trajectory.build`        the notebook's setup: parameters resolved, every table

Computation modules return tables and numbers; the narrative module turns them into
sentences. Every name is re-exported here, so ``from kzaf import trajectory as tr`` serves
notebooks and tests as before.
"""

from kzaf.text.numbers import fmt_pct as _pct0
from kzaf.text.numbers import fmt_pct_change as _pct
from kzaf.text.numbers import fmt_plain as _fmt
from kzaf.text.numbers import fmt_span as _range_text
from kzaf.text.numbers import fmt_usd_short as _usd
from kzaf.trajectory.annual import (
    _flow_order_key,
    annual_trade,
    growth_pairs,
    pair_changes,
    period_changes,
    trade_balance,
    yoy_growth,
)
from kzaf.trajectory.applicability import ARTICLE_PAIR, applicable_parts, claims_apply
from kzaf.trajectory.build import PARAMETERS, STORY_CHANGES, Trajectory, build
from kzaf.trajectory.figures import (
    ANNUAL_COLUMNS,
    BOUNDS,
    FLOWS,
    MIRROR_FLOW,
    MONTH_NAMES,
    _empty,
    _full_years,
    _year_to_date,
    _years,
    annual_sums,
    figure_conflicts,
    imported_figures,
    observations_in_use,
    point_figures,
    set_aside,
    source_names,
    trade_figures,
    with_annual_sums,
)
from kzaf.trajectory.forecast import (
    Forecast,
    growth_scenarios,
    is_weak,
    monthly_series,
    seasonal_forecast,
    trend_forecast,
    trust_sentence,
)
from kzaf.trajectory.goods import (
    _mid_year,
    flour_share,
    goods_figures,
    goods_table,
)
from kzaf.trajectory.mirror import (
    describe_mirror,
    mirror_sentence,
    mirror_table,
)
from kzaf.trajectory.narrative import (
    NOTHING_TO_SHOW,
    answer_paragraph,
    as_reported,
    claims_not_applicable,
    data_note,
    figures_note,
    goods_not_applicable,
    headline_table,
    key_points,
    nothing_to_show,
    unattributed_years,
)
from kzaf.trajectory.neighbours import (
    _as_seen_from,
    coverage_note,
    neighbour_latest,
    neighbour_table,
    neighbour_years,
)
from kzaf.trajectory.target import (
    TARGET_PAIR,
    describe_target,
    distance_to_target,
    required_growth,
    target_applies,
    target_intro,
    target_not_applicable,
    years_to_reach,
)
from kzaf.trajectory.trend import (
    ROBUST_MIN_POINTS,
    TrendFit,
    loglinear_trend,
)
from kzaf.trajectory.year_to_date import (
    RUN_RATE_CAVEAT,
    run_rate,
    same_period_comparison,
    seasonal_shares,
    year_to_date_table,
    ytd_name,
)

__all__ = [
    "ANNUAL_COLUMNS",
    "ARTICLE_PAIR",
    "BOUNDS",
    "FLOWS",
    "MIRROR_FLOW",
    "MONTH_NAMES",
    "NOTHING_TO_SHOW",
    "PARAMETERS",
    "ROBUST_MIN_POINTS",
    "RUN_RATE_CAVEAT",
    "STORY_CHANGES",
    "TARGET_PAIR",
    "Forecast",
    "Trajectory",
    "TrendFit",
    "_as_seen_from",
    "_empty",
    "_flow_order_key",
    "_fmt",
    "_full_years",
    "_mid_year",
    "_pct",
    "_pct0",
    "_range_text",
    "_usd",
    "_year_to_date",
    "_years",
    "annual_sums",
    "annual_trade",
    "answer_paragraph",
    "applicable_parts",
    "as_reported",
    "build",
    "claims_apply",
    "claims_not_applicable",
    "coverage_note",
    "data_note",
    "describe_mirror",
    "describe_target",
    "distance_to_target",
    "figure_conflicts",
    "figures_note",
    "flour_share",
    "goods_figures",
    "goods_not_applicable",
    "goods_table",
    "growth_pairs",
    "growth_scenarios",
    "headline_table",
    "imported_figures",
    "is_weak",
    "key_points",
    "loglinear_trend",
    "mirror_sentence",
    "mirror_table",
    "monthly_series",
    "neighbour_latest",
    "neighbour_table",
    "neighbour_years",
    "nothing_to_show",
    "observations_in_use",
    "pair_changes",
    "period_changes",
    "point_figures",
    "required_growth",
    "run_rate",
    "same_period_comparison",
    "seasonal_forecast",
    "seasonal_shares",
    "set_aside",
    "source_names",
    "target_applies",
    "target_intro",
    "target_not_applicable",
    "trade_balance",
    "trade_figures",
    "trend_forecast",
    "trust_sentence",
    "unattributed_years",
    "with_annual_sums",
    "year_to_date_table",
    "years_to_reach",
    "yoy_growth",
    "ytd_name",
]
