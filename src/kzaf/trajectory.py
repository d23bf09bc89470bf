"""The trajectory of a bilateral trade: annual figures across sources, balance, growth, year to
date, run-rates, distance to a target, goods, neighbours, the mirror view, and a trend.

Pure functions on figures (observations joined with their sources, as returned by
``kzaf.series.reported_figures``) and on the tables built from them: DataFrames and plain values
in, DataFrames, values and sentences out. Missing data gives empty frames and sentences that say
so; nothing here raises because a series is short or absent. Every derived number (balance,
growth, run-rate, shares) is arithmetic on published figures, labelled as such, never data.

Trend of a short annual series (statsmodels).

With a handful of annual points, the honest model is a log-linear trend: log(value) = a + b *
year + error, so ``exp(b) - 1`` is the average annual growth. Its intervals are wide, and they
should be: they are what the data support. The risk notebook's trade scenarios start from
this same fit.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from kzaf import series


@dataclass(frozen=True)
class TrendFit:
    """A log-linear trend fitted to annual values."""

    years: tuple[int, ...]
    values: tuple[float, ...]
    growth: float  # average annual growth, exp(slope) - 1
    growth_low: float  # confidence interval of growth at 1 - alpha
    growth_high: float
    log_residual_sd: float  # standard deviation of residuals in log units
    alpha: float
    cov_type: str
    predictions: pd.DataFrame  # year, fitted, lower, upper (prediction interval, levels)

    def describe(self) -> str:
        return (
            f"log-linear trend on {len(self.years)} annual points "
            f"({self.years[0]}–{self.years[-1]}): average growth {self.growth:+.1%} a year "
            f"({1 - self.alpha:.0%} interval {self.growth_low:+.1%} to {self.growth_high:+.1%}; "
            f"{'classical' if self.cov_type == 'nonrobust' else self.cov_type} standard errors)"
        )


# Below this many points a trend's errors are classical: robust (HC) errors need more
# residuals than a handful of annual figures give to be anywhere near unbiased.
ROBUST_MIN_POINTS = 20


def loglinear_trend(
    years: Sequence[int],
    values: Sequence[float],
    *,
    until: int | None = None,
    alpha: float = 0.1,
    cov_type: str = "auto",
) -> TrendFit:
    """Fit log(value) on year by OLS; predict every year up to ``until`` with intervals.

    Needs at least three positive values (two points fit a line exactly and leave nothing to
    estimate the noise from). ``cov_type`` is passed to statsmodels; ``"auto"`` (the default)
    uses classical errors below :data:`ROBUST_MIN_POINTS` points, where heteroskedasticity-
    robust errors are biased small and their intervals under-cover (84-87% at a nominal 90% on
    3-8 points in simulation), and HC1 robust errors from there on. Intervals come from
    statsmodels' prediction API (``get_prediction(...).summary_frame``): the line's uncertainty
    plus the residual noise, t distribution with n - 2 degrees of freedom, returned in levels.
    """
    years_arr = np.asarray(years, dtype=float)
    values_arr = np.asarray(values, dtype=float)
    if years_arr.shape != values_arr.shape:
        raise ValueError("years and values must have the same length")
    if len(years_arr) < 3:
        raise ValueError(
            f"a trend needs at least 3 annual values, got {len(years_arr)}; "
            "with fewer, show the points and say that no trend can be estimated"
        )
    if np.any(values_arr <= 0):
        raise ValueError("a log-linear trend needs positive values")
    order = np.argsort(years_arr)
    years_arr, values_arr = years_arr[order], values_arr[order]
    if cov_type == "auto":
        cov_type = "nonrobust" if len(years_arr) < ROBUST_MIN_POINTS else "HC1"
    origin = years_arr[0]
    design = sm.add_constant(years_arr - origin)
    fit = sm.OLS(np.log(values_arr), design).fit(cov_type=cov_type, use_t=True)
    slope, slope_se = fit.params[1], fit.bse[1]
    dof = len(years_arr) - 2
    t_crit = stats.t.ppf(1 - alpha / 2, dof)
    last = int(until if until is not None else years_arr[-1])
    grid = np.arange(int(years_arr[0]), last + 1)
    grid_design = sm.add_constant(grid - origin, has_constant="add")
    frame = fit.get_prediction(grid_design).summary_frame(alpha=alpha)
    sigma2 = fit.ssr / dof
    predictions = pd.DataFrame(
        {
            "year": grid,
            "fitted": np.exp(frame["mean"].to_numpy()),
            "lower": np.exp(frame["obs_ci_lower"].to_numpy()),
            "upper": np.exp(frame["obs_ci_upper"].to_numpy()),
            "observed": pd.Series(dict(zip(years_arr.astype(int), values_arr, strict=True)))
            .reindex(grid)
            .to_numpy(),
        }
    )
    return TrendFit(
        years=tuple(int(y) for y in years_arr),
        values=tuple(float(v) for v in values_arr),
        growth=float(np.expm1(slope)),
        growth_low=float(np.expm1(slope - t_crit * slope_se)),
        growth_high=float(np.expm1(slope + t_crit * slope_se)),
        log_residual_sd=float(np.sqrt(sigma2)),
        alpha=alpha,
        cov_type=cov_type,
        predictions=predictions,
    )


# =============================================================================================
# Everything below works on figures (observations joined with their sources, as returned by
# kzaf.series.reported_figures) and on the tables built from them. Pure functions: DataFrames
# and plain values in, DataFrames, plain values and sentences out. Missing data gives empty
# frames and sentences that say so; nothing here raises because a series is short or absent.
# =============================================================================================


FLOWS: tuple[str, ...] = ("turnover", "export", "import")
# A flow seen from the other side: what A exports to B, B imports from A.
MIRROR_FLOW: dict[str, str] = {"turnover": "turnover", "export": "import", "import": "export"}
DATA_SOURCES: tuple[str, ...] = ("published", "comtrade")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ANNUAL_COLUMNS: tuple[str, ...] = (
    "flow",
    "year",
    "period_label",
    "n_figures",
    "n_sources",
    "preferred_value",
    "preferred_obs_id",
    "preferred_source_id",
    "preferred_publisher",
    "value_min",
    "value_max",
    "spread",
    "spread_pct",
    "n_conflicts",
    "conflict",
    "conflict_reasons",
    "obs_ids",
    "policy",
)


# ---------------------------------------------------------------------------------------------
# Parameters and inputs


def check_flows(flows: Iterable[str], parameter: str = "flows") -> list[str]:
    """The flows as a list; an unknown flow is an error naming the parameter."""
    if isinstance(flows, str):
        flows = [flows]
    flows = list(flows)
    unknown = [f for f in flows if f not in FLOWS]
    if unknown or not flows:
        raise ValueError(
            f"parameter {parameter!r}: {unknown or 'empty list'} not allowed; "
            f"choose one or more of {', '.join(FLOWS)}"
        )
    return flows


def check_years(start_year: int, end_year: int, target_year: int | None = None) -> None:
    """Start before end; a target year, if given, not before the start."""
    if start_year > end_year:
        raise ValueError(
            f"parameters 'start_year' ({start_year}) and 'end_year' ({end_year}): "
            "start_year must not come after end_year"
        )
    if target_year is not None and target_year < start_year:
        raise ValueError(
            f"parameter 'target_year' ({target_year}) lies before start_year ({start_year})"
        )


def check_alpha(alpha: float) -> float:
    if not 0 < alpha < 1:
        raise ValueError(f"parameter 'alpha' must lie strictly between 0 and 1, got {alpha!r}")
    return float(alpha)


def observations_for(
    data_source: str, observations: pd.DataFrame, sources: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The observations and sources to analyse for the ``data_source`` parameter, and a note
    saying what they are.

    ``"published"`` returns the published figures as given. ``"comtrade"`` adds the imported
    UN Comtrade observations (``kzaf.comtrade.load_imported()``) beside them, so published and
    Comtrade figures for the same period appear side by side in every reconciliation; it
    raises a clear error while that adapter does not exist. The note warns when the imported
    figures come from a synthetic test fixture.
    """
    if data_source == "published":
        return observations, sources, "Published figures only."
    if data_source != "comtrade":
        raise ValueError(
            f"parameter 'data_source' must be one of {', '.join(DATA_SOURCES)}, got {data_source!r}"
        )
    try:
        from kzaf import comtrade  # type: ignore[attr-defined]
    except ImportError:
        comtrade = None
    if comtrade is None or not hasattr(comtrade, "load_imported"):
        raise ValueError(
            "parameter 'data_source' is 'comtrade', but the UN Comtrade adapter "
            "(kzaf.comtrade.load_imported) is not there yet; use data_source='published'"
        )
    imported = comtrade.load_imported()
    extra_obs, extra_sources = imported.observations, imported.sources
    note = (
        f"Published figures and {len(extra_obs):,} imported UN Comtrade figure(s) "
        f"({len(extra_sources)} import(s)), side by side."
    )
    if getattr(imported, "synthetic", False):
        note = (
            "**SYNTHETIC TEST DATA:** the imported Comtrade figures come from a generated test "
            "fixture, not from UN Comtrade; nothing shown from them is a finding. " + note
        )
    return (
        pd.concat([observations, extra_obs], ignore_index=True),
        pd.concat([sources, extra_sources], ignore_index=True).drop_duplicates("source_id"),
        note,
    )


def annual_sums(figures: pd.DataFrame) -> pd.DataFrame:
    """Full calendar years derived from monthly figures, where one source gives all twelve
    months of a year (as UN Comtrade monthly data do): one row per source, flow and year, the
    sum of its months, marked ``derived=True`` with the method in ``note``. Turnover is added
    where the source gives both exports and imports for all twelve months. Derived rows are
    arithmetic on published figures, never stored in ``data/``. Empty when no year is complete.
    """
    if figures.empty:
        return figures.iloc[0:0]
    labels = {"period_kind", "period_label", "year", "months"}
    sums = series.complete_year_totals(
        point_figures(figures).drop(columns=[c for c in labels if c in figures])
    )
    if sums.empty:
        return figures.iloc[0:0]
    what = {24: "exports + imports"}
    sums = sums.assign(
        obs_id="SUM-" + sums["source_id"] + "-" + sums["flow"] + "-" + sums["commodity"] + "-"
        + [str(p.year) for p in sums["period_start"]],
        note=[
            f"derived: sum of {n} monthly figures ({what.get(n, flow)}) from {publisher}"
            for n, flow, publisher in zip(
                sums["months_summed"], sums["flow"], sums["publisher"], strict=True
            )
        ],
        derived=True,
    )  # fmt: skip
    return series.add_period_columns(sums.drop(columns="months_summed"))


def with_annual_sums(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures plus :func:`annual_sums` (a ``derived`` column marks which are which)."""
    sums = annual_sums(figures)
    base = figures.assign(derived=False) if "derived" not in figures else figures
    if sums.empty:
        return base
    return pd.concat([base, sums], ignore_index=True)


def trade_figures(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    partner: str,
    flows: Iterable[str] = FLOWS,
    commodity: str = "TOTAL",
    measure: str = "value",
    unit: str = "USD million",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Every published figure for one reporter, partner, goods and unit, joined with its source.

    Periods must lie within ``start_year``..``end_year`` when those are given.
    """
    figures = series.reported_figures(
        observations,
        sources,
        reporter=reporter,
        partner=partner,
        flow=list(flows),
        commodity=commodity,
        measure=measure,
        **_years(start_year, end_year),
    )
    return with_annual_sums(figures[figures["unit"] == unit].reset_index(drop=True))


def source_names(*frames: pd.DataFrame) -> list[str]:
    """Publishers of the figures in the frames (for chart captions), sorted, once each."""
    names: set[str] = set()
    for frame in frames:
        for column in ("publisher", "preferred_publisher", "publishers"):
            if column in frame.columns:
                for value in frame[column].dropna():
                    names.update(value if isinstance(value, list) else [str(value)])
    return sorted(names)


BOUNDS: tuple[str, ...] = ("at_least", "at_most")


def point_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures that can stand for a value in ranges, pairs and preferred figures.

    A bound ("over $343 million", "up to $1 billion") says where a value lies, not what it is:
    it is set aside wherever the same thing (reporter, partner, flow, goods, measure, unit,
    basis, period) also has a figure that is not a bound. Where only bounds exist, they are
    used. Set-aside figures stay in the data and in the lists of figures shown.
    """
    if figures.empty:
        return figures
    keys = [k for k in series.GROUP_KEYS if k in figures.columns]
    is_bound = figures["precision"].isin(BOUNDS)
    has_point = (~is_bound).groupby([figures[k] for k in keys]).transform("any")
    return figures[~is_bound | ~has_point]


def set_aside(figures: pd.DataFrame) -> pd.DataFrame:
    """The bounds :func:`point_figures` leaves out (to list them beside a result)."""
    if figures.empty:
        return figures
    return figures[~figures.index.isin(point_figures(figures).index)]


def _full_years(figures: pd.DataFrame) -> pd.DataFrame:
    if figures.empty:
        return figures
    keep = (figures["basis"] == "calendar") & (figures["period_kind"] == "year")
    return point_figures(figures[keep])


def _year_to_date(figures: pd.DataFrame) -> pd.DataFrame:
    if figures.empty:
        return figures
    keep = (figures["basis"] == "calendar") & (figures["period_kind"] == "year_to_date")
    return point_figures(figures[keep])


def _years(start_year: int | None, end_year: int | None) -> dict[str, str | None]:
    """``start``/``end`` arguments of ``reported_figures`` for whole calendar years."""
    return {
        "start": f"{start_year}-01" if start_year is not None else None,
        "end": f"{end_year}-12" if end_year is not None else None,
    }


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _fmt(value: float, decimals: int = 1) -> str:
    """987.9 -> '987.9'; 1000.0 -> '1,000'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _usd(value: float) -> str:
    """$987.9M; $12.4bn from 10,000 million up."""
    if value is not None and math.isfinite(value) and abs(value) >= 10_000:
        return f"${_fmt(value / 1000)}bn"
    return f"${_fmt(value)}M"


def _pct(value: float, signed: bool = True) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def _range_text(low: float, high: float, fmt=_usd) -> str:
    if math.isclose(low, high):
        return fmt(low)
    return f"{fmt(low)} to {fmt(high)}"


# ---------------------------------------------------------------------------------------------
# Annual table, balance, growth


def annual_trade(
    figures: pd.DataFrame,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    *,
    flows: Iterable[str] = FLOWS,
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """One row per (flow, calendar year): every figure counted, preferred figure and range.

    ``kzaf.series.annual_table`` does the reconciliation; this adds an empty-data path (no
    full-year figure at all gives the same grid, with ``n_figures`` 0) so callers never crash.
    """
    policy = series.policy_from(policy)
    flows = list(flows)
    full = _full_years(figures)
    if not full.empty:
        table = series.annual_table(
            full, policy, flows=flows, start_year=start_year, end_year=end_year
        )
        return table.sort_values(["flow", "year"], key=_flow_order_key).reset_index(drop=True)
    if start_year is None or end_year is None:
        return _empty(ANNUAL_COLUMNS)
    rows = [
        {
            "flow": f,
            "year": y,
            "period_label": str(y),
            "n_figures": 0,
            "n_sources": 0,
            "n_conflicts": 0,
            "conflict": False,
            "policy": policy.name,
        }
        for f in flows
        for y in range(start_year, end_year + 1)
    ]
    table = pd.DataFrame(rows).reindex(columns=list(ANNUAL_COLUMNS))
    for column in ("preferred_value", "value_min", "value_max", "spread", "spread_pct"):
        table[column] = table[column].astype(float)
    return table


def _flow_order_key(column: pd.Series) -> pd.Series:
    if column.name == "flow":
        return column.map({f: i for i, f in enumerate(FLOWS)}).fillna(len(FLOWS))
    return column


def pair_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Every pair of figures (one for the earlier period, one for the later): ratio and change.

    Columns: ``obs_id_from``, ``obs_id_to``, ``value_from``, ``value_to``, ``source_id_from``,
    ``source_id_to``, ``ratio`` (to / from), ``change`` (ratio - 1), ``suspect`` (either
    figure flagged). Empty when either side is empty.
    """
    columns = [
        "obs_id_from",
        "obs_id_to",
        "value_from",
        "value_to",
        "source_id_from",
        "source_id_to",
        "ratio",
        "change",
        "suspect",
    ]
    rows = []
    for a in before.to_dict("records"):
        for b in after.to_dict("records"):
            if not a["value"]:
                continue
            ratio = b["value"] / a["value"]
            rows.append(
                {
                    "obs_id_from": a["obs_id"],
                    "obs_id_to": b["obs_id"],
                    "value_from": a["value"],
                    "value_to": b["value"],
                    "source_id_from": a["source_id"],
                    "source_id_to": b["source_id"],
                    "ratio": ratio,
                    "change": ratio - 1,
                    "suspect": bool(a.get("suspect")) or bool(b.get("suspect")),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def growth_pairs(figures: pd.DataFrame, *, flows: Iterable[str] = FLOWS) -> pd.DataFrame:
    """Year-on-year changes from every pair of full-year figures (year t-1, year t), per flow."""
    full = _full_years(figures)
    frames = []
    for flow in flows:
        mine = full[full["flow"] == flow] if not full.empty else full
        years = sorted(set(mine["year"])) if not mine.empty else []
        for year in years:
            if year - 1 not in years:
                continue
            pairs = pair_changes(mine[mine["year"] == year - 1], mine[mine["year"] == year])
            frames.append(pairs.assign(flow=flow, year=year))
    if not frames:
        return _empty(["flow", "year", *pair_changes(figures.iloc[0:0], figures.iloc[0:0])])
    out = pd.concat(frames, ignore_index=True)
    return out[["flow", "year", *[c for c in out.columns if c not in ("flow", "year")]]]


def yoy_growth(annual: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year growth per flow and year: from the preferred figures, and its range from
    every pair of figures (every source's figure for t-1 against every one for t).

    Columns: ``flow``, ``year``, ``growth`` (preferred), ``growth_min``, ``growth_max``,
    ``n_pairs``, ``comparable`` (both years have figures). Rows follow ``annual``.
    """
    columns = ["flow", "year", "growth", "growth_min", "growth_max", "n_pairs", "comparable"]
    if annual.empty:
        return _empty(columns)
    pairs = growth_pairs(figures, flows=list(dict.fromkeys(annual["flow"])))
    preferred = annual.set_index(["flow", "year"])["preferred_value"]
    rows = []
    for flow, year in zip(annual["flow"], annual["year"], strict=True):
        now = preferred.get((flow, year), math.nan)
        before = preferred.get((flow, year - 1), math.nan)
        mine = pairs[(pairs["flow"] == flow) & (pairs["year"] == year)]
        comparable = not (math.isnan(now) or math.isnan(before)) and before != 0
        rows.append(
            {
                "flow": flow,
                "year": year,
                "growth": now / before - 1 if comparable else math.nan,
                "growth_min": float(mine["change"].min()) if len(mine) else math.nan,
                "growth_max": float(mine["change"].max()) if len(mine) else math.nan,
                "n_pairs": len(mine),
                "comparable": comparable,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def period_changes(
    annual: pd.DataFrame,
    figures: pd.DataFrame,
    steps: Iterable[tuple[int, int]],
    *,
    flow: str = "turnover",
) -> pd.DataFrame:
    """The change between two calendar years (e.g. 2021→2022), preferred and from every pair.

    Columns: ``flow``, ``year_from``, ``year_to``, ``value_from``, ``value_to`` (preferred),
    ``ratio``, ``change``, ``change_min``, ``change_max``, ``n_pairs``, ``note``.
    """
    full = _full_years(figures)
    full = full[full["flow"] == flow] if not full.empty else full
    preferred = (
        annual[annual["flow"] == flow].set_index("year")["preferred_value"]
        if not annual.empty
        else pd.Series(dtype=float)
    )
    rows = []
    for year_from, year_to in steps:
        a = float(preferred.get(year_from, math.nan))
        b = float(preferred.get(year_to, math.nan))
        pairs = (
            pair_changes(full[full["year"] == year_from], full[full["year"] == year_to])
            if not full.empty
            else pair_changes(full, full)
        )
        missing = [str(y) for y, v in ((year_from, a), (year_to, b)) if math.isnan(v)]
        rows.append(
            {
                "flow": flow,
                "year_from": year_from,
                "year_to": year_to,
                "value_from": a,
                "value_to": b,
                "ratio": b / a if not missing and a else math.nan,
                "change": b / a - 1 if not missing and a else math.nan,
                "change_min": float(pairs["change"].min()) if len(pairs) else math.nan,
                "change_max": float(pairs["change"].max()) if len(pairs) else math.nan,
                "n_pairs": len(pairs),
                "note": f"no full-year {flow} figure for {' or '.join(missing)}" if missing else "",
            }
        )
    return pd.DataFrame(rows)


def trade_balance(
    figures: pd.DataFrame, policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first"
) -> pd.DataFrame:
    """The reporter's trade balance (exports minus imports) for every calendar period that allows
    it, with its range from every pair of figures.

    Where exports and imports are both published: balance = exports - imports. Where only one
    of them is, with turnover: the other is implied (turnover minus the one published) and the
    method says so. Where all three exist, ``components_gap`` = turnover - (exports + imports)
    shows whether the published parts add up. All balances are derived arithmetic, never data.
    """
    columns = [
        "period_label",
        "year",
        "period_kind",
        "months",
        "period_start",
        "export",
        "import",
        "turnover",
        "balance",
        "balance_min",
        "balance_max",
        "n_pairs",
        "method",
        "components_gap",
    ]
    calendar = figures[figures["basis"] == "calendar"] if not figures.empty else figures
    calendar = point_figures(calendar)
    if calendar.empty:
        return _empty(columns)
    preferred = series.reconcile(calendar, series.policy_from(policy))
    rows = []
    for (start, end), group in calendar.groupby(["period_start", "period_end"], sort=True):
        values = {f: list(group.loc[group["flow"] == f, "value"]) for f in FLOWS}
        pref_rows = preferred[
            (preferred["period_start"] == start) & (preferred["period_end"] == end)
        ].set_index("flow")["preferred_value"]
        best = {f: float(pref_rows.get(f, math.nan)) for f in FLOWS}
        x, m, t = values["export"], values["import"], values["turnover"]
        if x and m:
            pairs = [a - b for a in x for b in m]
            balance = best["export"] - best["import"]
            method = "exports − imports"
        elif x and t:
            pairs = [2 * a - b for a in x for b in t]
            balance = 2 * best["export"] - best["turnover"]
            method = "2 × exports − turnover (imports implied as turnover − exports)"
        elif m and t:
            pairs = [b - 2 * a for a in m for b in t]
            balance = best["turnover"] - 2 * best["import"]
            method = "turnover − 2 × imports (exports implied as turnover − imports)"
        else:
            continue
        gap = best["turnover"] - best["export"] - best["import"] if x and m and t else math.nan
        first = group.iloc[0]
        rows.append(
            {
                "period_label": first["period_label"],
                "year": int(first["year"]),
                "period_kind": first["period_kind"],
                "months": int(first["months"]),
                "period_start": start,
                "export": best["export"],
                "import": best["import"],
                "turnover": best["turnover"],
                "balance": balance,
                "balance_min": min(pairs),
                "balance_max": max(pairs),
                "n_pairs": len(pairs),
                "method": method,
                "components_gap": gap,
            }
        )
    if not rows:
        return _empty(columns)
    return pd.DataFrame(rows, columns=columns).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Year to date: same-period comparisons, seasonal shares, run-rate


def ytd_name(months: int) -> str:
    """'Jan–May', 'H1 (Jan–Jun)', 'Jan–Aug', 'Jan–Nov'; 'Jan' for one month; 'full year'."""
    if months == 12:
        return "full year"
    if months == 1:
        return "Jan"
    if months == 6:
        return "H1 (Jan–Jun)"
    return f"Jan–{MONTH_NAMES[months - 1]}"


def year_to_date_table(
    figures: pd.DataFrame, policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first"
) -> pd.DataFrame:
    """Every calendar year-to-date period with figures (January to some month before December):
    preferred figure and range per flow, year and length.

    Columns: ``flow``, ``months``, ``period_name`` (Jan–May ...), ``year``, ``period_label``,
    ``preferred_value``, ``value_min``, ``value_max``, ``n_figures``, ``n_sources``,
    ``conflict``, ``preferred_publisher``, ``obs_ids``.
    """
    columns = [
        "flow",
        "months",
        "period_name",
        "year",
        "period_label",
        "preferred_value",
        "value_min",
        "value_max",
        "n_figures",
        "n_sources",
        "conflict",
        "preferred_publisher",
        "obs_ids",
    ]
    ytd = _year_to_date(figures)
    if ytd.empty:
        return _empty(columns)
    table = series.reconcile(ytd, series.policy_from(policy))
    table = table.assign(
        year=[p.year for p in table["period_start"]],
        months=[p.month for p in table["period_end"]],
    )
    table["period_name"] = [ytd_name(m) for m in table["months"]]
    table = table.sort_values(["flow", "months", "year"], key=_flow_order_key)
    return table[columns].reset_index(drop=True)


def same_period_comparison(
    figures: pd.DataFrame, policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first"
) -> pd.DataFrame:
    """Year-to-date figures compared with the same months of the previous year that has them.

    For each flow and length (January–May, first half, ...) with figures in two or more years,
    consecutive available years are compared: preferred change and its range from every pair of
    figures. Columns: ``flow``, ``period_name``, ``months``, ``year_from``, ``year_to``,
    ``value_from``, ``value_to``, ``change``, ``change_min``, ``change_max``, ``n_pairs``.
    """
    columns = [
        "flow",
        "period_name",
        "months",
        "year_from",
        "year_to",
        "value_from",
        "value_to",
        "change",
        "change_min",
        "change_max",
        "n_pairs",
    ]
    table = year_to_date_table(figures, policy)
    ytd = _year_to_date(figures)
    rows = []
    for (flow, months), group in table.groupby(["flow", "months"], sort=True):
        group = group.sort_values("year").to_dict("records")
        for a, b in itertools.pairwise(group):
            mine = ytd[(ytd["flow"] == flow) & (ytd["months"] == months)]
            pairs = pair_changes(mine[mine["year"] == a["year"]], mine[mine["year"] == b["year"]])
            rows.append(
                {
                    "flow": flow,
                    "period_name": a["period_name"],
                    "months": months,
                    "year_from": a["year"],
                    "year_to": b["year"],
                    "value_from": a["preferred_value"],
                    "value_to": b["preferred_value"],
                    "change": b["preferred_value"] / a["preferred_value"] - 1,
                    "change_min": float(pairs["change"].min()),
                    "change_max": float(pairs["change"].max()),
                    "n_pairs": len(pairs),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def seasonal_shares(figures: pd.DataFrame) -> pd.DataFrame:
    """The share of the full year that a year-to-date period held, in every year that has both,
    from every pair of figures (year-to-date figure / full-year figure).

    A share above 1 means the two figures cannot both be right (the part exceeds the whole);
    such pairs are kept and marked ``consistent=False``. Columns: ``flow``, ``year``,
    ``months``, ``period_name``, ``obs_id_ytd``, ``obs_id_year``, ``value_ytd``,
    ``value_year``, ``share``, ``consistent``, ``suspect``.
    """
    columns = [
        "flow",
        "year",
        "months",
        "period_name",
        "obs_id_ytd",
        "obs_id_year",
        "value_ytd",
        "value_year",
        "share",
        "consistent",
        "suspect",
    ]
    ytd, full = _year_to_date(figures), _full_years(figures)
    rows = []
    for part in ytd.to_dict("records"):
        wholes = full[(full["flow"] == part["flow"]) & (full["year"] == part["year"])]
        for whole in wholes.to_dict("records"):
            share = part["value"] / whole["value"] if whole["value"] else math.nan
            rows.append(
                {
                    "flow": part["flow"],
                    "year": part["year"],
                    "months": part["months"],
                    "period_name": ytd_name(part["months"]),
                    "obs_id_ytd": part["obs_id"],
                    "obs_id_year": whole["obs_id"],
                    "value_ytd": part["value"],
                    "value_year": whole["value"],
                    "share": share,
                    "consistent": share <= 1,
                    "suspect": bool(part["suspect"]) or bool(whole["suspect"]),
                }
            )
    return pd.DataFrame(rows, columns=columns)


RUN_RATE_CAVEAT = (
    "A run-rate is an estimate, not a figure: the naive one assumes the months not yet published "
    "trade at the average pace of those published, which months rarely do (harvest, marketing "
    "year, holidays, one-off shipments); the seasonal one assumes the year splits between its "
    "parts as it did in the years it is taken from."
)


def run_rate(
    figures: pd.DataFrame,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    *,
    flow: str = "turnover",
) -> pd.DataFrame:
    """Estimates of the full year for every calendar year that has a year-to-date figure and no
    full-year figure (an incomplete year), from its longest year-to-date period.

    Two methods, each a row, labelled ``estimate=True``:

    - ``naive run-rate``: year-to-date x 12 / months; range from every year-to-date figure.
    - ``seasonal share``: year-to-date / share, where the share is what the same months held of
      the full year in other years (:func:`seasonal_shares`, consistent pairs only); the range
      covers every year-to-date figure against every share. When no other year has both the
      same months and a full year, the row says that no seasonal share exists.
    """
    columns = [
        "flow",
        "year",
        "period_label",
        "months",
        "ytd_value",
        "method",
        "estimate_value",
        "low",
        "high",
        "share_low_pct",
        "share_high_pct",
        "share_years",
        "estimate",
        "note",
    ]
    ytd, full = _year_to_date(figures), _full_years(figures)
    if ytd.empty:
        return _empty(columns)
    ytd = ytd[ytd["flow"] == flow]
    full_years = set(full.loc[full["flow"] == flow, "year"]) if not full.empty else set()
    shares = seasonal_shares(figures)
    shares = shares[(shares["flow"] == flow) & shares["consistent"]]
    table = year_to_date_table(ytd, policy)
    rows = []
    for year in sorted(set(ytd["year"]) - full_years):
        longest = table[table["year"] == year].sort_values("months").iloc[-1]
        months = int(longest["months"])
        values = ytd[(ytd["year"] == year) & (ytd["months"] == months)]["value"]
        base = {
            "flow": flow,
            "year": year,
            "period_label": longest["period_label"],
            "months": months,
            "ytd_value": float(longest["preferred_value"]),
            "estimate": True,
        }
        rows.append(
            {
                **base,
                "method": "naive run-rate (× 12 / months)",
                "estimate_value": base["ytd_value"] * 12 / months,
                "low": float(values.min()) * 12 / months,
                "high": float(values.max()) * 12 / months,
                "share_low_pct": 100 * months / 12,
                "share_high_pct": 100 * months / 12,
                "share_years": "",
                "note": "assumes every month like the average published month",
            }
        )
        same = shares[(shares["months"] == months) & (shares["year"] != year)]
        if same.empty:
            rows.append(
                {
                    **base,
                    "method": "seasonal share",
                    "estimate_value": math.nan,
                    "low": math.nan,
                    "high": math.nan,
                    "share_low_pct": math.nan,
                    "share_high_pct": math.nan,
                    "share_years": "",
                    "note": (
                        f"no seasonal share exists: no other year has both a {ytd_name(months)} "
                        "and a full-year figure"
                    ),
                }
            )
            continue
        low_share, high_share = float(same["share"].min()), float(same["share"].max())
        mid_share = float(same["share"].median())
        rows.append(
            {
                **base,
                "method": "seasonal share",
                "estimate_value": base["ytd_value"] / mid_share,
                "low": float(values.min()) / high_share,
                "high": float(values.max()) / low_share,
                "share_low_pct": 100 * low_share,
                "share_high_pct": 100 * high_share,
                "share_years": ", ".join(str(y) for y in sorted(set(same["year"]))),
                "note": (
                    f"{ytd_name(months)} held {_range_text(low_share, high_share, _pct0)} of the "
                    f"full year in {', '.join(str(y) for y in sorted(set(same['year'])))} "
                    f"({len(same)} pair(s) of figures); central estimate uses the median share"
                ),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _pct0(value: float) -> str:
    return f"{value:.1%}"


# ---------------------------------------------------------------------------------------------
# Distance to a target


def required_growth(
    base_value: float, base_year: int, target_value: float, target_year: int
) -> float:
    """Constant annual growth that takes ``base_value`` in ``base_year`` to ``target_value`` in
    ``target_year``: (target / base) ** (1 / years) - 1. NaN when the target year is not later
    than the base year or a value is not positive."""
    years = target_year - base_year
    if years <= 0 or not base_value > 0 or not target_value > 0:
        return math.nan
    return (target_value / base_value) ** (1 / years) - 1


def years_to_reach(base_value: float, target_value: float, growth: float) -> float:
    """Years needed at constant ``growth``; 0 if already there, inf if never (growth <= 0)."""
    if base_value >= target_value:
        return 0.0
    if not growth > 0 or not base_value > 0:
        return math.inf
    return math.log(target_value / base_value) / math.log1p(growth)


def distance_to_target(
    annual: pd.DataFrame,
    *,
    target_value: float,
    target_year: int,
    flow: str = "turnover",
    trend: TrendFit | None = None,
) -> pd.DataFrame:
    """How far the latest full year is from a target, and the growth needed to get there.

    One row per growth path: ``required`` (the growth per year needed from the latest year with
    a figure; range from that year's lowest and highest figures), ``observed average`` (compound
    growth between the first and the latest year with figures, preferred values),
    ``best year`` (the highest year-on-year growth between consecutive years), and ``trend``
    (the log-linear trend's growth with its interval, when given). For each, the year the
    target would be reached at that growth. Empty when the flow has no full-year figure.
    """
    columns = [
        "path",
        "growth",
        "growth_low",
        "growth_high",
        "base_year",
        "base_value",
        "target_value",
        "target_year",
        "reached_in",
        "note",
    ]
    mine = annual[(annual["flow"] == flow) & (annual["n_figures"] > 0)] if len(annual) else annual
    if mine.empty:
        return _empty(columns)
    mine = mine.sort_values("year")
    last, first = mine.iloc[-1], mine.iloc[0]
    base_year, base = int(last["year"]), float(last["preferred_value"])
    common = {
        "base_year": base_year,
        "base_value": base,
        "target_value": target_value,
        "target_year": target_year,
    }

    def reached(growth: float) -> float:
        years = years_to_reach(base, target_value, growth)
        return base_year + math.ceil(years) if math.isfinite(years) else math.inf

    rows = []
    need = required_growth(base, base_year, target_value, target_year)
    rows.append(
        {
            "path": "required",
            "growth": need,
            # the lowest base figure needs the highest growth, and the reverse
            "growth_low": required_growth(
                float(last["value_max"]), base_year, target_value, target_year
            ),
            "growth_high": required_growth(
                float(last["value_min"]), base_year, target_value, target_year
            ),
            **common,
            "reached_in": target_year if math.isfinite(need) else math.nan,
            "note": (
                "target already met"
                if base >= target_value
                else "target year not after the latest year with a figure"
                if target_year <= base_year
                else f"from {base_year} ({_usd(base)}) to {_usd(target_value)} in {target_year}"
            ),
        }
    )
    if base_year > int(first["year"]):
        span = base_year - int(first["year"])
        cagr = (base / float(first["preferred_value"])) ** (1 / span) - 1
        low = (float(last["value_min"]) / float(first["value_max"])) ** (1 / span) - 1
        high = (float(last["value_max"]) / float(first["value_min"])) ** (1 / span) - 1
        rows.append(
            {
                "path": "observed average",
                "growth": cagr,
                "growth_low": low,
                "growth_high": high,
                **common,
                "reached_in": reached(cagr),
                "note": f"compound growth {int(first['year'])}–{base_year}",
            }
        )
    consecutive = mine.set_index("year")["preferred_value"]
    steps = [
        (y, consecutive[y] / consecutive[y - 1] - 1)
        for y in consecutive.index
        if y - 1 in consecutive.index and consecutive[y - 1]
    ]
    if steps:
        year, best = max(steps, key=lambda s: s[1])
        rows.append(
            {
                "path": "best year",
                "growth": best,
                "growth_low": math.nan,
                "growth_high": math.nan,
                **common,
                "reached_in": reached(best),
                "note": f"{year - 1}→{year}, repeated every year",
            }
        )
    if trend is not None:
        rows.append(
            {
                "path": "trend",
                "growth": trend.growth,
                "growth_low": trend.growth_low,
                "growth_high": trend.growth_high,
                **common,
                "reached_in": reached(trend.growth),
                "note": f"log-linear trend {trend.years[0]}–{trend.years[-1]}, "
                f"{1 - trend.alpha:.0%} interval",
            }
        )
    return pd.DataFrame(rows, columns=columns)


def describe_target(distance: pd.DataFrame, flow: str = "turnover") -> str:
    """One or two sentences on the distance to the target, from :func:`distance_to_target`."""
    if distance.empty:
        return f"No full-year {flow} figure exists, so the distance to the target cannot be shown."
    rows = distance.set_index("path")
    need = rows.loc["required"]
    text = (
        f"Reaching {_usd(need['target_value'])} by {int(need['target_year'])} from "
        f"{_usd(need['base_value'])} in {int(need['base_year'])} "
    )
    if need["note"] == "target already met":
        return text + "needs no growth: the target is already met."
    if math.isnan(need["growth"]):
        return text + "cannot be assessed: the target year is not after the latest figure."
    text += f"needs {_pct(need['growth'])} a year"
    if not math.isclose(need["growth_low"], need["growth_high"]):
        text += f" ({_pct(need['growth_low'])} to {_pct(need['growth_high'])} across sources)"
    text += "."
    if "observed average" in rows.index:
        obs = rows.loc["observed average"]
        when = obs["reached_in"]
        text += (
            f" The years with figures averaged {_pct(obs['growth'])} a year ({obs['note']}); "
            + (
                f"at that pace the target would be reached in {int(when)}."
                if math.isfinite(when)
                else "at that pace it would never be reached."
            )
        )
    return text


# ---------------------------------------------------------------------------------------------
# Goods


def goods_figures(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    partner: str,
    commodities: Iterable[str] = ("1101", "1001"),
    measures: Iterable[str] = ("quantity", "value"),
    flow: str = "export",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Every figure for the goods (HS codes) between reporter and partner, on any basis."""
    return series.reported_figures(
        observations,
        sources,
        reporter=reporter,
        partner=partner,
        flow=flow,
        commodity=list(commodities),
        measure=list(measures),
        **_years(start_year, end_year),
    )


def goods_table(
    figures: pd.DataFrame,
    commodities: pd.DataFrame,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
) -> pd.DataFrame:
    """Goods figures reconciled per commodity, measure, unit, basis and period, with the
    commodity's name. Calendar years, marketing years and part-years stay apart (``basis`` and
    ``period_label`` say which); conflicts are counted, not resolved away."""
    columns = [
        "commodity",
        "commodity_name",
        "measure",
        "unit",
        "basis",
        "period_label",
        "period_kind",
        "year",
        "mid_year",
        "preferred_value",
        "value_min",
        "value_max",
        "n_figures",
        "n_sources",
        "conflict",
        "preferred_publisher",
        "obs_ids",
    ]
    if figures.empty:
        return _empty(columns)
    table = series.reconcile(point_figures(figures), series.policy_from(policy))
    names = dict(zip(commodities["code"], commodities["name"], strict=True))
    table["commodity_name"] = table["commodity"].map(names).fillna(table["commodity"])
    table["period_kind"] = [
        series.period_kind(s, e) if b == "calendar" else b
        for s, e, b in zip(table["period_start"], table["period_end"], table["basis"], strict=True)
    ]
    table["year"] = [p.year for p in table["period_end"]]
    table["mid_year"] = [
        _mid_year(s, e) for s, e in zip(table["period_start"], table["period_end"], strict=True)
    ]
    table = table.sort_values(["commodity", "measure", "period_start", "period_end"])
    return table[columns].reset_index(drop=True)


def _mid_year(start: pd.Period, end: pd.Period) -> float:
    """The middle of a period as a fractional year (calendar 2022 -> 2022.5)."""
    first = start.year + (start.month - 1) / 12
    last = end.year + end.month / 12
    return (first + last) / 2


def flour_share(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str = "KAZ",
    partner: str = "AFG",
    commodity: str = "1101",
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """The partner's share of the reporter's exports of a good (Afghanistan's share of Kazakh
    flour exports by default), in percent.

    Two kinds of row: ``published`` shares (measure ``share``; the note says of what), and
    ``derived`` ones: tonnage to the partner / tonnage to the world (partner WLD) for the same
    period and basis, from every pair of figures (range). Columns: ``kind``, ``period_label``,
    ``basis``, ``share_pct``, ``share_min``, ``share_max``, ``n_figures``, ``method``,
    ``publishers``.
    """
    columns = [
        "kind",
        "period_label",
        "basis",
        "period_start",
        "share_pct",
        "share_min",
        "share_max",
        "n_figures",
        "method",
        "publishers",
    ]
    policy = series.policy_from(policy)
    rows = []
    published = series.reported_figures(
        observations,
        sources,
        reporter=reporter,
        partner=partner,
        flow="export",
        commodity=commodity,
        measure="share",
        **_years(start_year, end_year),
    )
    if not published.empty:
        for _, row in series.reconcile(point_figures(published), policy).iterrows():
            mine = published[published["obs_id"].isin(row["obs_ids"])]
            rows.append(
                {
                    "kind": "published",
                    "period_label": row["period_label"],
                    "basis": row["basis"],
                    "period_start": row["period_start"],
                    "share_pct": row["preferred_value"],
                    "share_min": row["value_min"],
                    "share_max": row["value_max"],
                    "n_figures": row["n_figures"],
                    "method": "; ".join(sorted(set(mine["note"].dropna().astype(str)))),
                    "publishers": sorted(set(mine["publisher"])),
                }
            )
    quantities = series.reported_figures(
        observations,
        sources,
        reporter=reporter,
        partner=[partner, "WLD"],
        flow="export",
        commodity=commodity,
        measure="quantity",
        **_years(start_year, end_year),
    )
    quantities = point_figures(quantities[quantities["unit"] == "thousand tonnes"])
    if not quantities.empty:
        for (start, end, basis), group in quantities.groupby(
            ["period_start", "period_end", "basis"], sort=True
        ):
            part = group[group["partner"] == partner]
            whole = group[group["partner"] == "WLD"]
            if part.empty or whole.empty:
                continue
            shares = [100 * a / b for a in part["value"] for b in whole["value"] if b]
            best_part = series.rank_figures(part, policy).iloc[0]["value"]
            best_whole = series.rank_figures(whole, policy).iloc[0]["value"]
            rows.append(
                {
                    "kind": "derived",
                    "period_label": series.period_label(start, end, basis),
                    "basis": basis,
                    "period_start": start,
                    "share_pct": 100 * best_part / best_whole,
                    "share_min": min(shares),
                    "share_max": max(shares),
                    "n_figures": len(part) + len(whole),
                    "method": "tonnage to the partner / tonnage to all partners (derived)",
                    "publishers": sorted(set(group["publisher"])),
                }
            )
    if not rows:
        return _empty(columns)
    return pd.DataFrame(rows, columns=columns).sort_values("period_start").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Neighbours and the mirror view


def _as_seen_from(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    country: str,
    partner: str,
    flows: Iterable[str],
    commodity: str = "TOTAL",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Figures on ``country``'s trade with ``partner`` from both sides, flows in ``country``'s
    view once reconciled (rows reported by the partner keep the partner's flow; callers swap
    export and import). Adds ``country`` and ``reported_by``, and full years summed from
    twelve monthly figures (:func:`annual_sums`)."""
    flows = list(flows)
    years = _years(start_year, end_year)
    own = series.reported_figures(
        observations,
        sources,
        reporter=country,
        partner=partner,
        flow=flows,
        commodity=commodity,
        **years,
    )
    other = series.reported_figures(
        observations,
        sources,
        reporter=partner,
        partner=country,
        flow=[MIRROR_FLOW[f] for f in flows],
        commodity=commodity,
        **years,
    )
    own = own.assign(country=country, reported_by=country)
    other = other.assign(country=country, reported_by=partner)
    frames = [f for f in (own, other) if not f.empty]
    if not frames:
        return own
    both = pd.concat(frames, ignore_index=True)
    return with_annual_sums(both[both["unit"] == "USD million"].reset_index(drop=True))


def neighbour_table(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    partner: str,
    countries: Iterable[str],
    flows: Iterable[str] = ("turnover",),
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """The partner's trade with each country, reported by the country and by the partner.

    One row per (country, reported_by, flow in the country's view, period, basis): preferred
    figure and range. ``period_kind`` separates full years from part-years and other bases.
    Countries without any figure get no row (see :func:`coverage_note`).
    """
    columns = [
        "country",
        "reported_by",
        "flow",
        "period_label",
        "period_kind",
        "basis",
        "year",
        "mid_year",
        "preferred_value",
        "value_min",
        "value_max",
        "n_figures",
        "conflict",
        "preferred_publisher",
    ]
    policy = series.policy_from(policy)
    frames = []
    for country in dict.fromkeys(countries):
        if country == partner:
            continue
        figures = _as_seen_from(
            observations,
            sources,
            country=country,
            partner=partner,
            flows=flows,
            start_year=start_year,
            end_year=end_year,
        )
        if figures.empty:
            continue
        table = series.reconcile(point_figures(figures), policy)
        table = table.assign(
            country=country,
            reported_by=table["reporter"],
            flow=table["flow"].where(table["reporter"] == country, table["flow"].map(MIRROR_FLOW)),
        )
        frames.append(table)
    if not frames:
        return _empty(columns)
    table = pd.concat(frames, ignore_index=True)
    table["period_kind"] = [
        series.period_kind(s, e) if b == "calendar" else b
        for s, e, b in zip(table["period_start"], table["period_end"], table["basis"], strict=True)
    ]
    table["year"] = [p.year for p in table["period_start"]]
    table["mid_year"] = [
        _mid_year(s, e) for s, e in zip(table["period_start"], table["period_end"], strict=True)
    ]
    table = table.sort_values(["country", "reported_by", "flow", "period_start", "period_end"])
    return table[columns].reset_index(drop=True)


def neighbour_years(table: pd.DataFrame, flow: str = "turnover") -> pd.DataFrame:
    """Full calendar years only, one column per (country, reported_by): preferred values."""
    if table.empty:
        return pd.DataFrame()
    years = table[(table["period_kind"] == "year") & (table["flow"] == flow)]
    if years.empty:
        return pd.DataFrame()
    wide = years.pivot_table(
        index="year", columns=["country", "reported_by"], values="preferred_value", aggfunc="first"
    )
    wide.columns = [f"{c} (reported by {r})" for c, r in wide.columns]
    return wide.sort_index()


def neighbour_latest(table: pd.DataFrame, flow: str = "turnover") -> pd.DataFrame:
    """Per country and reporting side: the latest full calendar year with a figure (preferred
    value and range) and the latest other period (part-year, fiscal or solar year)."""
    columns = [
        "country",
        "reported_by",
        "latest_year",
        "value_usd_m",
        "low_usd_m",
        "high_usd_m",
        "latest_other_period",
        "other_value_usd_m",
        "n_periods",
    ]
    mine = table[table["flow"] == flow] if len(table) else table
    rows = []
    for (country, side), group in mine.groupby(["country", "reported_by"], sort=True):
        full = group[group["period_kind"] == "year"].sort_values("year")
        other = group[group["period_kind"] != "year"].sort_values("mid_year")
        last = full.iloc[-1] if len(full) else None
        rest = other.iloc[-1] if len(other) else None
        rows.append(
            {
                "country": country,
                "reported_by": side,
                "latest_year": int(last["year"]) if last is not None else None,
                "value_usd_m": last["preferred_value"] if last is not None else math.nan,
                "low_usd_m": last["value_min"] if last is not None else math.nan,
                "high_usd_m": last["value_max"] if last is not None else math.nan,
                "latest_other_period": rest["period_label"] if rest is not None else "",
                "other_value_usd_m": rest["preferred_value"] if rest is not None else math.nan,
                "n_periods": len(group),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out["latest_year"] = out["latest_year"].astype("Int64")
    return out


def coverage_note(table: pd.DataFrame, countries: Iterable[str], partner: str) -> str:
    """Which countries have figures with the partner, from whom, and which have none."""
    countries = [c for c in dict.fromkeys(countries) if c != partner]
    if table.empty:
        return f"No figure on trade with {partner} exists for {', '.join(countries)}."
    parts = []
    for country in countries:
        mine = table[table["country"] == country]
        if mine.empty:
            parts.append(f"{country}: none")
            continue
        sides = ", ".join(
            f"{n} from {r}" for r, n in mine.groupby("reported_by")["n_figures"].sum().items()
        )
        full = mine[mine["period_kind"] == "year"]
        years = sorted(set(full["year"]))
        span = f"full years {', '.join(map(str, years))}" if years else "no full calendar year"
        parts.append(f"{country}: {sides} ({span})")
    return "Figures on trade with " + partner + " — " + "; ".join(parts) + "."


def mirror_table(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    partner: str,
    flows: Iterable[str] = FLOWS,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """What the reporter says against what the partner says, for the same flow and period.

    Flows are in the reporter's view (the reporter's exports face the partner's imports).
    Every period either side reports gets a row; ``matched`` is True where both sides report
    the same period on the same basis, and only then are ``gap`` (reporter - partner) and
    ``gap_pct`` (gap / partner) computed. Columns: ``flow``, ``period_label``, ``basis``,
    ``period_start``, ``period_end``, ``reporter_value``, ``reporter_min``, ``reporter_max``,
    ``reporter_publisher``, ``partner_value``, ``partner_min``, ``partner_max``,
    ``partner_publisher``, ``matched``, ``gap``, ``gap_pct``.
    """
    columns = [
        "flow",
        "period_label",
        "basis",
        "period_start",
        "period_end",
        "reporter_value",
        "reporter_min",
        "reporter_max",
        "reporter_publisher",
        "reporter_precision",
        "partner_value",
        "partner_min",
        "partner_max",
        "partner_publisher",
        "partner_precision",
        "matched",
        "gap",
        "gap_pct",
    ]
    figures = _as_seen_from(
        observations,
        sources,
        country=reporter,
        partner=partner,
        flows=flows,
        start_year=start_year,
        end_year=end_year,
    )
    if figures.empty:
        return _empty(columns)
    table = series.reconcile(point_figures(figures), series.policy_from(policy))
    table["flow"] = table["flow"].where(
        table["reporter"] == reporter, table["flow"].map(MIRROR_FLOW)
    )
    precision = dict(zip(figures["obs_id"], figures["precision"], strict=True))
    table["preferred_precision"] = table["preferred_obs_id"].map(precision)
    keys = ["flow", "basis", "period_start", "period_end"]
    keep = [
        "preferred_value",
        "value_min",
        "value_max",
        "preferred_publisher",
        "preferred_precision",
    ]
    names = ["value", "min", "max", "publisher", "precision"]
    sides = {}
    for side, code in (("reporter", reporter), ("partner", partner)):
        mine = table[table["reporter"] == code][[*keys, *keep]]
        sides[side] = mine.rename(
            columns={k: f"{side}_{n}" for k, n in zip(keep, names, strict=True)}
        )
    merged = sides["reporter"].merge(sides["partner"], on=keys, how="outer")
    merged["matched"] = merged["reporter_value"].notna() & merged["partner_value"].notna()
    merged["gap"] = (merged["reporter_value"] - merged["partner_value"]).where(merged["matched"])
    merged["gap_pct"] = (merged["gap"] / merged["partner_value"]).where(merged["matched"])
    merged["period_label"] = [
        series.period_label(s, e, b)
        for s, e, b in zip(
            merged["period_start"], merged["period_end"], merged["basis"], strict=True
        )
    ]
    merged = merged.sort_values(["period_start", "period_end", "flow"], key=_flow_order_key)
    return merged[columns].reset_index(drop=True)


def mirror_sentence(mirror: pd.DataFrame, flow: str, reporter_name: str, partner_name: str) -> str:
    """One sentence for the answer: the latest period both sides report, and the gap."""
    if mirror.empty:
        return ""
    matched = mirror[mirror["matched"] & (mirror["flow"] == flow)]
    if matched.empty:
        if mirror["partner_value"].notna().any():
            return (
                f"{partner_name}'s own figures cover no period that {reporter_name}'s do on the "
                "same basis, so the two sides cannot be compared directly."
            )
        return ""
    row = matched.iloc[-1]
    share = row["partner_value"] / row["reporter_value"] - 1
    words = {"about": "about ", "at_least": "over ", "at_most": "up to "}
    return (
        f"For {row['period_label']}, {partner_name}'s side reports "
        f"{words.get(row['partner_precision'], '')}{_usd(row['partner_value'])} against "
        f"{reporter_name}'s {words.get(row['reporter_precision'], '')}"
        f"{_usd(row['reporter_value'])} ({abs(share):.0%} {'above' if share > 0 else 'below'} it)."
    )


def describe_mirror(mirror: pd.DataFrame, reporter: str, partner: str, shown: int = 6) -> str:
    """What the two sides report and where they can be compared: the gap for up to ``shown``
    of the latest longer periods both report, and a summary of the single months."""
    if mirror.empty:
        return (
            f"Neither {reporter} nor {partner} reports a figure on their trade in the data, so "
            "there is no mirror view."
        )
    n_rep = int(mirror["reporter_value"].notna().sum())
    n_par = int(mirror["partner_value"].notna().sum())
    matched = mirror[mirror["matched"]]
    text = f"{reporter} reports {n_rep} period(s) and {partner} reports {n_par}. "
    if n_par == 0:
        return text + f"With no figure from {partner}'s side, the two cannot be compared."
    if matched.empty:
        other_bases = sorted(set(mirror.loc[mirror["partner_value"].notna(), "basis"]))
        return text + (
            "No period is reported by both on the same basis "
            f"({partner}'s figures are on: {', '.join(other_bases)}), so no gap can be computed; "
            "the figures are shown side by side."
        )
    months = matched[matched["period_start"] == matched["period_end"]]
    longer = matched[matched["period_start"] != matched["period_end"]].tail(shown)
    parts = [
        f"{row.period_label} {row.flow}: {_usd(row.reporter_value)} vs {_usd(row.partner_value)} "
        f"(gap {_fmt(row.gap)}, {_pct(row.gap_pct)})"
        for row in longer.itertuples()
    ]
    lead = "Where both report the same period"
    if len(matched) - len(months) > len(longer):
        lead += f" (the latest {len(longer)} of {len(matched) - len(months)})"
    text += f"{lead}: " + "; ".join(parts) + "." if parts else ""
    for flow, group in months.groupby("flow", sort=False):
        text += (
            f" Single months, {flow}: {len(group)} reported by both; the gap (reporter minus "
            f"partner, share of the partner's figure) has median {_pct(group['gap_pct'].median())} "
            f"and runs from {_pct(group['gap_pct'].min())} to {_pct(group['gap_pct'].max())}."
        )
    return text


# ---------------------------------------------------------------------------------------------
# Trend and forecast


@dataclass(frozen=True)
class Forecast:
    """A trend or forecast, or a reasoned refusal to make one.

    ``predictions`` has ``period`` (year or month), ``fitted``, ``lower``, ``upper`` (the
    prediction interval at 1 - alpha, in levels) and ``observed``; ``lower_50``/``upper_50``
    give a 50% band for fan charts. ``sensitivity`` shows the estimated growth when every year
    takes its lowest or its highest published figure instead of the preferred one.
    """

    method: str
    fitted: bool
    message: str  # what was done, or why not
    trust: str  # a sentence on how far it can be trusted
    alpha: float
    predictions: pd.DataFrame
    sensitivity: pd.DataFrame
    fit: TrendFit | None = None
    weak: bool = True  # too few points, too noisy or too uncertain to read as a forecast


def trend_forecast(
    annual: pd.DataFrame,
    *,
    flow: str = "turnover",
    until: int | None = None,
    alpha: float = 0.1,
    min_points: int = 3,
) -> Forecast:
    """A log-linear trend through the preferred full-year figures (``loglinear_trend``), with
    prediction intervals to ``until``, a 50% band, and its sensitivity to the source chosen.

    Refuses, without raising, when fewer than ``min_points`` years have a positive figure.
    """
    columns = ["period", "fitted", "lower", "upper", "lower_50", "upper_50", "observed"]
    mine = annual[(annual["flow"] == flow) & (annual["n_figures"] > 0)] if len(annual) else annual
    mine = mine[mine["preferred_value"] > 0] if len(mine) else mine
    n = len(mine)
    if n < min_points:
        have = ", ".join(f"{int(y)}" for y in mine["year"]) if n else "none"
        message = (
            f"No trend: a trend needs at least {min_points} years with a full-year {flow} "
            f"figure, and there are {n} ({have}). The figures are shown as they are."
        )
        return Forecast(
            method="none",
            fitted=False,
            message=message,
            trust=message,
            alpha=alpha,
            predictions=_empty(columns),
            sensitivity=_empty(["variant", "growth", "growth_low", "growth_high"]),
        )
    years = [int(y) for y in mine["year"]]
    horizon = max(until or years[-1], years[-1])
    fit = loglinear_trend(years, list(mine["preferred_value"]), until=horizon, alpha=alpha)
    inner = loglinear_trend(years, list(mine["preferred_value"]), until=horizon, alpha=0.5)
    predictions = fit.predictions.rename(columns={"year": "period"}).assign(
        lower_50=inner.predictions["lower"].to_numpy(),
        upper_50=inner.predictions["upper"].to_numpy(),
    )[columns]
    variants = [("preferred figures", fit)]
    for variant, column in (
        ("lowest figure each year", "value_min"),
        ("highest figure each year", "value_max"),
    ):
        values = list(mine[column])
        if min(values) > 0:
            variants.append((variant, loglinear_trend(years, values, alpha=alpha)))
    sensitivity = pd.DataFrame(
        [
            {
                "variant": name,
                "growth": v.growth,
                "growth_low": v.growth_low,
                "growth_high": v.growth_high,
            }
            for name, v in variants
        ]
    )
    trust = trust_sentence(fit, sensitivity, span_years=(years[0], years[-1]), horizon=horizon)
    weak = is_weak(fit)
    return Forecast(
        method=(
            "log-linear trend (OLS on log values, "
            + ("classical" if fit.cov_type == "nonrobust" else f"robust {fit.cov_type}")
            + " errors, t intervals)"
        ),
        fitted=True,
        message=fit.describe(),
        trust=trust,
        alpha=alpha,
        predictions=predictions,
        sensitivity=sensitivity,
        fit=fit,
        weak=weak,
    )


def trust_sentence(
    fit: TrendFit, sensitivity: pd.DataFrame, *, span_years: tuple[int, int], horizon: int
) -> str:
    """How far a log-linear trend on a few annual points can be trusted, in plain words."""
    n = len(fit.years)
    gaps = sorted(set(range(span_years[0], span_years[1] + 1)) - set(fit.years))
    parts = [f"The trend rests on {n} annual point(s) ({span_years[0]}–{span_years[1]}"]
    parts[0] += f"; no figure for {', '.join(map(str, gaps))})" if gaps else ")"
    level = f"{1 - fit.alpha:.0%}"
    spans_zero = fit.growth_low < 0 < fit.growth_high
    parts.append(
        f"its {level} interval for average growth runs from {_pct(fit.growth_low)} to "
        f"{_pct(fit.growth_high)} a year"
        + (", so the data cannot tell growth from decline" if spans_zero else "")
    )
    typical = math.expm1(fit.log_residual_sd)
    parts.append(f"single years stray from the line by about ±{typical:.0%}")
    row = fit.predictions.set_index("year").loc[horizon]
    if horizon > fit.years[-1]:
        ratio = row["upper"] / row["lower"] if row["lower"] > 0 else math.inf
        parts.append(
            f"by {horizon} the {level} prediction interval spans {_usd(row['lower'])} to "
            f"{_usd(row['upper'])}"
            if ratio <= 20
            else f"by {horizon} the {level} prediction interval is so wide (its top is more than "
            "20 times its bottom) that it rules almost nothing out"
        )
    if len(sensitivity) > 1:
        parts.append(
            "taking every year's lowest or highest published figure moves the growth estimate "
            f"between {_pct(sensitivity['growth'].min())} and {_pct(sensitivity['growth'].max())}"
        )
    verdict = (
        "Treat it as a description of the years observed, not as a forecast."
        if is_weak(fit)
        else "It is a reasonable summary of the past; forecasts beyond a few years remain "
        "assumptions."
    )
    return "; ".join(parts) + ". " + verdict


def is_weak(fit: TrendFit) -> bool:
    """Whether a trend is too thin to read as a forecast: fewer than 6 points, an interval for
    growth that spans zero, or single years straying more than 25% from the line."""
    spans_zero = fit.growth_low < 0 < fit.growth_high
    return len(fit.years) < 6 or spans_zero or math.expm1(fit.log_residual_sd) > 0.25


def growth_scenarios(
    base_year: int, base_value: float, until: int, rates: Mapping[str, float]
) -> pd.DataFrame:
    """Constant-growth paths from a base year (scenarios, not forecasts): year, scenario, value."""
    rows = [
        {"year": year, "scenario": name, "value": base_value * (1 + rate) ** (year - base_year)}
        for name, rate in rates.items()
        if rate is not None and math.isfinite(rate)
        for year in range(base_year, until + 1)
    ]
    return pd.DataFrame(rows, columns=["year", "scenario", "value"])


def monthly_series(
    figures: pd.DataFrame,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    *,
    flow: str = "turnover",
) -> pd.Series:
    """Single-month calendar figures as a monthly series (the preferred figure per month under
    the policy), indexed by monthly period. Empty when there are none.

    Monthly turnover, when no source publishes it, is derived as exports plus imports of the
    same month from the same source (databases such as UN Comtrade give flows separately); the
    series is then named ``turnover (exports + imports)``.
    """
    if figures.empty:
        return pd.Series(dtype=float)
    months = point_figures(
        figures[
            (figures["basis"] == "calendar") & (figures["period_start"] == figures["period_end"])
        ]
    )
    mine = months[months["flow"] == flow]
    name = flow
    if mine.empty and flow == "turnover":
        parts = months[months["flow"].isin(["export", "import"])]
        both = parts.groupby(["source_id", "period_start"])["flow"].transform("nunique") == 2
        parts = parts[both]
        if parts.empty:
            return pd.Series(dtype=float)
        summed = parts.groupby(["source_id", "period_start"], as_index=False).agg(
            value=("value", "sum"), obs_id=("obs_id", "first")
        )
        mine = parts.drop_duplicates(["source_id", "period_start"]).drop(columns="value")
        mine = mine.merge(
            summed[["source_id", "period_start", "value"]], on=["source_id", "period_start"]
        )
        mine = mine.assign(flow="turnover")
        name = "turnover (exports + imports)"
    if mine.empty:
        return pd.Series(dtype=float)
    best = series.reconcile(mine, series.policy_from(policy)).set_index("period_start")[
        "preferred_value"
    ]
    return best.sort_index().rename(name)


def seasonal_forecast(
    monthly: pd.Series,
    *,
    horizon: int = 12,
    alpha: float = 0.1,
    min_months: int = 24,
) -> Forecast:
    """A seasonal model for a monthly series: unobserved components (local level plus a
    12-month stochastic seasonal) on log values, forecast ``horizon`` months with intervals.

    Needs ``min_months`` consecutive monthly values (two full seasonal cycles); refuses
    otherwise, saying why. Zero or negative months are modelled in levels instead of logs.
    """
    columns = ["period", "fitted", "lower", "upper", "lower_50", "upper_50", "observed"]
    refuse = dict(
        alpha=alpha,
        predictions=_empty(columns),
        sensitivity=_empty(["variant", "growth", "growth_low", "growth_high"]),
    )
    if monthly.empty:
        message = "No monthly series exists, so no seasonal model can be fitted."
        return Forecast("none", False, message, message, **refuse)
    monthly = monthly.sort_index()
    full_index = pd.period_range(monthly.index.min(), monthly.index.max(), freq="M")
    if len(monthly) < min_months or len(full_index) != len(monthly):
        message = (
            f"No seasonal model: it needs at least {min_months} consecutive months, and the "
            f"series has {len(monthly)} month(s) over {len(full_index)}."
        )
        return Forecast("none", False, message, message, **refuse)
    logs = bool((monthly > 0).all())
    y = np.log(monthly.to_numpy(float)) if logs else monthly.to_numpy(float)
    model = sm.tsa.UnobservedComponents(y, level="llevel", seasonal=12)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = model.fit(disp=False, maxiter=200)
    converged = not any("converge" in str(w.message).lower() for w in caught)
    back = np.exp if logs else (lambda v: v)
    forecast = result.get_forecast(horizon)
    wide, narrow = forecast.conf_int(alpha=alpha), forecast.conf_int(alpha=0.5)
    future = pd.period_range(monthly.index.max() + 1, periods=horizon, freq="M")
    in_sample = result.get_prediction()
    frames = [
        pd.DataFrame(
            {
                "period": full_index,
                "fitted": back(in_sample.predicted_mean),
                "lower": np.nan,
                "upper": np.nan,
                "lower_50": np.nan,
                "upper_50": np.nan,
                "observed": monthly.to_numpy(float),
            }
        ),
        pd.DataFrame(
            {
                "period": future,
                "fitted": back(forecast.predicted_mean),
                "lower": back(wide[:, 0]),
                "upper": back(wide[:, 1]),
                "lower_50": back(narrow[:, 0]),
                "upper_50": back(narrow[:, 1]),
                "observed": np.nan,
            }
        ),
    ]
    predictions = pd.concat(frames, ignore_index=True)
    total = float(predictions["fitted"].iloc[-horizon:].sum())
    message = (
        f"Seasonal model (local level + 12-month seasonal, {'log' if logs else 'level'} values) "
        f"on {len(monthly)} months ({monthly.index.min()}–{monthly.index.max()}); the next "
        f"{horizon} months sum to about {_usd(total)} (estimate)."
        + ("" if converged else " The optimiser did not fully converge: treat with extra care.")
    )
    trust = (
        f"Fitted on {len(monthly)} months ({len(monthly) // 12} seasonal cycle(s)); the "
        f"{1 - alpha:.0%} interval widens with every month ahead, and one-off shipments "
        "(such as a locomotive order) are not in the model."
    )
    return Forecast(
        method="unobserved components (local level + seasonal)",
        fitted=True,
        message=message,
        trust=trust,
        alpha=alpha,
        predictions=predictions,
        sensitivity=_empty(["variant", "growth", "growth_low", "growth_high"]),
    )


# ---------------------------------------------------------------------------------------------
# Headline and answer


def headline_table(annual: pd.DataFrame, growth: pd.DataFrame) -> pd.DataFrame:
    """The notebook's headline: per flow and year with figures, how many figures, the preferred
    value, the range across sources, and year-on-year growth (preferred and range), in percent.
    """
    columns = [
        "flow",
        "year",
        "figures",
        "preferred_usd_m",
        "low_usd_m",
        "high_usd_m",
        "growth_pct",
        "growth_low_pct",
        "growth_high_pct",
    ]
    if annual.empty:
        return _empty(columns)
    table = annual[annual["n_figures"] > 0].merge(
        growth[["flow", "year", "growth", "growth_min", "growth_max"]]
        if len(growth)
        else _empty(["flow", "year", "growth", "growth_min", "growth_max"]),
        on=["flow", "year"],
        how="left",
    )
    if table.empty:
        return _empty(columns)
    out = pd.DataFrame(
        {
            "flow": table["flow"],
            "year": table["year"].astype(int),
            "figures": table["n_figures"].astype(int),
            "preferred_usd_m": table["preferred_value"].astype(float),
            "low_usd_m": table["value_min"].astype(float),
            "high_usd_m": table["value_max"].astype(float),
            "growth_pct": 100 * table["growth"].astype(float),
            "growth_low_pct": 100 * table["growth_min"].astype(float),
            "growth_high_pct": 100 * table["growth_max"].astype(float),
        }
    )
    return out.sort_values(["flow", "year"], key=_flow_order_key).reset_index(drop=True)


def answer_paragraph(
    *,
    reporter_name: str,
    partner_name: str,
    flow: str,
    annual: pd.DataFrame,
    changes: pd.DataFrame,
    run_rates: pd.DataFrame,
    distance: pd.DataFrame,
    forecast: Forecast,
    start_year: int,
    end_year: int,
    mirror: pd.DataFrame | None = None,
) -> str:
    """The notebook's answer in numbers, generated from the tables (Markdown)."""
    if len(run_rates):
        run_rates = run_rates[run_rates["flow"] == flow]
    who = f"{flow} between {reporter_name} and {partner_name}, as {reporter_name} reports it"
    mine = annual[(annual["flow"] == flow) & (annual["n_figures"] > 0)] if len(annual) else annual
    if mine.empty:
        text = (
            f"**No full-year figure** for the {who} exists in the data for "
            f"{start_year}–{end_year}, so no trajectory, growth or trend can be shown."
        )
        partial = run_rates[run_rates["method"].str.startswith("naive")] if len(run_rates) else []
        if len(partial):
            labels = ", ".join(
                f"{r.period_label} {_usd(r.ytd_value)}" for r in partial.itertuples()
            )
            text += f" Part-year figures exist: {labels}."
        return text
    years = [int(y) for y in mine["year"]]
    sentences = [
        f"**{who[0].upper() + who[1:]}:** full-year figures exist for {len(years)} year(s) "
        f"between {start_year} and {end_year} ({', '.join(map(str, years))})."
    ]
    for row in changes.itertuples():
        if math.isnan(row.change):
            continue
        spread = (
            f"; {_pct(row.change_min)} to {_pct(row.change_max)} across every pair of sources"
            if row.n_pairs > 1 and not math.isclose(row.change_min, row.change_max)
            else ""
        )
        verb = "rose" if row.change > 0 else "fell"
        sentences.append(
            f"It {verb} from {_usd(row.value_from)} in {row.year_from} to {_usd(row.value_to)} in "
            f"{row.year_to} (×{row.ratio:.2f}, {_pct(row.change)}{spread})."
        )
    last = mine.sort_values("year").iloc[-1]
    sentences.append(
        f"The latest full year, {int(last['year'])}, stands at {_usd(last['preferred_value'])}"
        + (
            f" (sources range {_range_text(last['value_min'], last['value_max'])})."
            if last["n_figures"] > 1 and not math.isclose(last["value_min"], last["value_max"])
            else "."
        )
    )
    later = run_rates[run_rates["year"] > last["year"]] if len(run_rates) else run_rates
    for year, group in later.groupby("year") if len(later) else []:
        naive = group[group["method"].str.startswith("naive")].iloc[0]
        seasonal = group[group["method"] == "seasonal share"]
        text = (
            f"For {year} only {naive['period_label'].split(' ', 1)[-1]} is published "
            f"({_usd(naive['ytd_value'])}); a naive run-rate puts the year at about "
            f"{_usd(naive['estimate_value'])}"
        )
        if len(seasonal) and not math.isnan(seasonal.iloc[0]["estimate_value"]):
            s = seasonal.iloc[0]
            text += (
                f", the share those months held of the full year in {s['share_years']} at "
                f"{_range_text(s['low'], s['high'])} (estimates, not figures)."
            )
        else:
            text += " (an estimate, not a figure); no seasonal share exists to refine it."
        sentences.append(text)
    if mirror is not None:
        sentences.append(mirror_sentence(mirror, flow, reporter_name, partner_name))
    if len(distance):
        sentences.append(describe_target(distance, flow))
    if forecast.fitted and forecast.fit is not None:
        fit = forecast.fit
        sentences.append(
            f"A log-linear trend through these years gives {_pct(fit.growth)} a year "
            f"({1 - fit.alpha:.0%} interval {_pct(fit.growth_low)} to {_pct(fit.growth_high)})"
            + (
                ": the data cannot tell growth from decline."
                if fit.growth_low < 0 < fit.growth_high
                else "."
            )
            + (
                f" With {len(fit.years)} points it describes the past; it is not a forecast."
                if forecast.weak
                else ""
            )
        )
    else:
        sentences.append(forecast.message)
    return " ".join(s for s in sentences if s)


def key_points(
    annual: pd.DataFrame, *, flow: str, reporter_name: str, partner_name: str
) -> list[str]:
    """Three to five plain sentences for the top of the reader page: the peak, the biggest
    change, the latest full year and how far sources disagree, each from the annual table
    (preferred figures under the notebook's source policy; ranges across every source)."""
    from kzaf.text.numbers import fmt_usd_m

    mine = annual[(annual["flow"] == flow) & (annual["n_figures"] > 0)].sort_values("year")
    what = f"{flow.capitalize()} between {reporter_name} and {partner_name}"
    if mine.empty:
        return [
            f"{what}: no full-year figure is published in the years shown, so there is no "
            "trajectory to describe.",
        ]
    years = mine["year"].astype(int).tolist()
    values = mine["preferred_value"].astype(float).tolist()
    points = []
    peak = int(np.argmax(values))
    if len(years) == 1:
        points.append(
            f"{what}: the only full year with a published figure, {years[0]}, stands at "
            f"{fmt_usd_m(values[0])}."
        )
    else:
        points.append(
            f"{what} peaked at {fmt_usd_m(values[peak])} in {years[peak]}, the highest of "
            f"{len(years)} full years with a published figure."
        )
    steps = [
        (years[i - 1], years[i], values[i - 1], values[i])
        for i in range(1, len(years))
        if years[i] == years[i - 1] + 1 and values[i - 1] > 0
    ]
    # The two largest moves, in time order: the story of a rise and a fall, not just one.
    largest = sorted(sorted(steps, key=lambda s: -abs(s[3] / s[2] - 1))[:2])
    for y0, y1, v0, v1 in largest:
        change = v1 / v0 - 1
        verb = "rose" if change > 0 else "fell"
        points.append(
            f"From {y0} to {y1} it {verb} {abs(change):.0%}, from {fmt_usd_m(v0)} to "
            f"{fmt_usd_m(v1)}."
        )
    last = mine.iloc[-1]
    if len(years) > 1 and years[-1] != years[peak] and years[-1] not in {s[1] for s in largest}:
        points.append(
            f"The latest full year with a figure, {years[-1]}, stands at "
            f"{fmt_usd_m(values[-1])}."
        )
    disputed = mine[mine["value_max"] > mine["value_min"]]
    if len(disputed):
        widest = disputed.loc[disputed["spread_pct"].idxmax()]
        points.append(
            f"Sources disagree in {len(disputed)} of {len(mine)} years; the widest spread is "
            f"{int(widest['year'])}, from {fmt_usd_m(widest['value_min'])} to "
            f"{fmt_usd_m(widest['value_max'])}, and every figure is kept below."
        )
    elif int(last["n_sources"]) <= 1 and len(mine) == 1:
        points.append("A single source gives this figure; nothing confirms it yet.")
    if len(years) < 3:
        points.append("Fewer than three full years are published: no trend is estimated.")
    return points[:5]


# The $3 billion goal was stated by Kazakh officials for trade with Afghanistan; for any other
# pair the notebook says so instead of measuring that pair against someone else's target.
TARGET_PAIR = frozenset({"KAZ", "AFG"})


def target_applies(reporter: str, partner: str) -> bool:
    return {reporter, partner} == TARGET_PAIR


def target_not_applicable(pair: str) -> str:
    return (
        f"The trade target is a goal Kazakh officials set for Kazakhstan–Afghanistan trade; no "
        f"target is published for {pair}, so no distance to a target is shown."
    )
