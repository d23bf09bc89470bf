"""Where trade is heading: the trend forecast with its sensitivity and a sentence on how
far to trust it, growth scenarios, and a seasonal model for monthly data.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kzaf import series
from kzaf.frames import row as first_row
from kzaf.text.levels import INDEPENDENT_YEARS
from kzaf.text.numbers import fmt_level, fmt_pct
from kzaf.text.numbers import fmt_pct_change as _pct
from kzaf.text.numbers import fmt_usd_short as _usd
from kzaf.trajectory.figures import _empty, point_figures
from kzaf.trajectory.trend import TrendFit, loglinear_trend

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


FORECAST_COLUMNS = ["period", "fitted", "lower", "upper", "lower_50", "upper_50", "observed"]
SENSITIVITY_COLUMNS = ["variant", "growth", "growth_low", "growth_high"]


def _no_forecast(message: str, alpha: float) -> Forecast:
    """A reasoned refusal: nothing fitted, the reason as message and trust."""
    return Forecast(
        method="none",
        fitted=False,
        message=message,
        trust=message,
        alpha=alpha,
        predictions=_empty(FORECAST_COLUMNS),
        sensitivity=_empty(SENSITIVITY_COLUMNS),
    )


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
    mine = annual[(annual["flow"] == flow) & (annual["n_figures"] > 0)] if len(annual) else annual
    mine = mine[mine["preferred_value"] > 0] if len(mine) else mine
    n = len(mine)
    if n < min_points:
        have = ", ".join(f"{int(y)}" for y in mine["year"]) if n else "none"
        return _no_forecast(
            f"No trend: a trend needs at least {min_points} years with a full-year {flow} "
            f"figure, and there are {n} ({have}). The figures are shown as they are.",
            alpha,
        )
    years = [int(y) for y in mine["year"]]
    horizon = max(until or years[-1], years[-1])
    fit = loglinear_trend(years, list(mine["preferred_value"]), until=horizon, alpha=alpha)
    inner = loglinear_trend(years, list(mine["preferred_value"]), until=horizon, alpha=0.5)
    predictions = fit.predictions.rename(columns={"year": "period"}).assign(
        lower_50=inner.predictions["lower"].to_numpy(),
        upper_50=inner.predictions["upper"].to_numpy(),
    )[FORECAST_COLUMNS]
    sensitivity = _source_sensitivity(mine, years, fit, alpha)
    return Forecast(
        method=(
            "log-linear trend (OLS on log values, "
            + ("classical" if fit.cov_type == "nonrobust" else f"robust {fit.cov_type}")
            + " errors, t intervals)"
        ),
        fitted=True,
        message=fit.describe(),
        trust=trust_sentence(fit, sensitivity, span_years=(years[0], years[-1]), horizon=horizon),
        alpha=alpha,
        predictions=predictions,
        sensitivity=sensitivity,
        fit=fit,
        weak=is_weak(fit),
    )


def _source_sensitivity(
    mine: pd.DataFrame, years: list[int], fit: TrendFit, alpha: float
) -> pd.DataFrame:
    """The growth estimate when every year takes its lowest or its highest published figure
    instead of the preferred one."""
    variants = [("preferred figures", fit)]
    for variant, column in (
        ("lowest figure each year", "value_min"),
        ("highest figure each year", "value_max"),
    ):
        values = list(mine[column])
        if min(values) > 0:
            variants.append((variant, loglinear_trend(years, values, alpha=alpha)))
    rows = [
        {"variant": name, "growth": v.growth, "growth_low": v.growth_low,
         "growth_high": v.growth_high}
        for name, v in variants
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def trust_sentence(
    fit: TrendFit, sensitivity: pd.DataFrame, *, span_years: tuple[int, int], horizon: int
) -> str:
    """How far a log-linear trend on a few annual points can be trusted, in short plain
    sentences; each interval says what it assumes."""
    n = len(fit.years)
    gaps = sorted(set(range(span_years[0], span_years[1] + 1)) - set(fit.years))
    sentences = [
        f"The trend rests on {n} annual point(s) ({span_years[0]}–{span_years[1]}"
        + (f"; no figure for {', '.join(map(str, gaps))})." if gaps else ").")
    ]
    level = fmt_level(fit.alpha)
    spans_zero = fit.growth_low < 0 < fit.growth_high
    sentences.append(
        f"Its {level} interval for average growth, which {INDEPENDENT_YEARS}, runs from "
        f"{_pct(fit.growth_low)} to {_pct(fit.growth_high)} a year"
        + (": the data cannot tell growth from decline." if spans_zero else ".")
    )
    sentences.append(
        f"Single years stray from the line by about ±{fmt_pct(math.expm1(fit.log_residual_sd), 0)}."
    )
    row = first_row(fit.predictions[fit.predictions["year"] == horizon])
    if horizon > fit.years[-1]:
        ratio = row["upper"] / row["lower"] if row["lower"] > 0 else math.inf
        sentences.append(
            f"By {horizon} the {level} prediction interval, which {INDEPENDENT_YEARS}, "
            + (
                f"spans {_usd(row['lower'])} to {_usd(row['upper'])}."
                if ratio <= 20
                else "is so wide (its top is more than 20 times its bottom) that it rules "
                "almost nothing out."
            )
        )
    if len(sensitivity) > 1:
        sentences.append(
            "Taking every year's lowest or highest published figure moves the growth estimate "
            f"between {_pct(sensitivity['growth'].min())} and {_pct(sensitivity['growth'].max())}."
        )
    sentences.append(
        "Treat it as a description of the years observed, not as a forecast."
        if is_weak(fit)
        else "It is a reasonable summary of the past; forecasts beyond a few years remain "
        "assumptions."
    )
    return " ".join(sentences)


def is_weak(fit: TrendFit) -> bool:
    """Whether a trend is too thin to read as a forecast: fewer than 6 points, an interval for
    growth that spans zero, or single years straying more than 25% from the line."""
    spans_zero = fit.growth_low < 0 < fit.growth_high
    return len(fit.years) < 6 or spans_zero or math.expm1(fit.log_residual_sd) > 0.25


def growth_scenarios(
    base_year: int, base_value: float, until: int, rates: Mapping[str, float | None]
) -> pd.DataFrame:
    """Constant-growth paths from a base year (scenarios, not forecasts): year, scenario, value.
    A rate that is None or not finite gives no path."""
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
    if monthly.empty:
        return _no_forecast("No monthly series exists, so no seasonal model can be fitted.", alpha)
    monthly = monthly.sort_index()
    full_index = pd.period_range(monthly.index.min(), monthly.index.max(), freq="M")
    if len(monthly) < min_months or len(full_index) != len(monthly):
        return _no_forecast(
            f"No seasonal model: it needs at least {min_months} consecutive months, and the "
            f"series has {len(monthly)} month(s) over {len(full_index)}.",
            alpha,
        )
    logs = bool((monthly > 0).all())
    result, converged = _fit_seasonal(monthly, logs)
    predictions = _seasonal_predictions(monthly, result, logs, horizon, alpha)
    total = float(predictions["fitted"].iloc[-horizon:].sum())
    message = (
        f"Seasonal model (local level + 12-month seasonal, {'log' if logs else 'level'} values) "
        f"on {len(monthly)} months ({monthly.index.min()}–{monthly.index.max()}); the next "
        f"{horizon} months sum to about {_usd(total)} (estimate)."
        + ("" if converged else " The optimiser did not fully converge: treat with extra care.")
    )
    trust = (
        f"Fitted on {len(monthly)} months ({len(monthly) // 12} seasonal cycle(s)); the "
        f"{fmt_level(alpha)} interval, which assumes independent monthly noise, widens with every "
        "month ahead, and one-off shipments (such as a locomotive order) are not in the model."
    )
    return Forecast(
        method="unobserved components (local level + seasonal)",
        fitted=True,
        message=message,
        trust=trust,
        alpha=alpha,
        predictions=predictions,
        sensitivity=_empty(SENSITIVITY_COLUMNS),
    )


def _fit_seasonal(monthly: pd.Series, logs: bool) -> tuple[Any, bool]:
    """The fitted unobserved-components model, and whether its optimiser converged."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    y = np.log(monthly.to_numpy(float)) if logs else monthly.to_numpy(float)
    model = UnobservedComponents(y, level="llevel", seasonal=12)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = model.fit(disp=False, maxiter=200)
    return result, not any("converge" in str(w.message).lower() for w in caught)


def _seasonal_predictions(
    monthly: pd.Series, result: Any, logs: bool, horizon: int, alpha: float
) -> pd.DataFrame:
    """In-sample fit, then ``horizon`` months of forecast with the 1 - alpha and 50% bands."""
    back = np.exp if logs else (lambda v: v)
    forecast = result.get_forecast(horizon)
    wide, narrow = forecast.conf_int(alpha=alpha), forecast.conf_int(alpha=0.5)
    past = pd.DataFrame(
        {
            "period": pd.period_range(monthly.index.min(), monthly.index.max(), freq="M"),
            "fitted": back(result.get_prediction().predicted_mean),
            "observed": monthly.to_numpy(float),
        }
    )
    future = pd.DataFrame(
        {
            "period": pd.period_range(monthly.index.max() + 1, periods=horizon, freq="M"),
            "fitted": back(forecast.predicted_mean),
            "lower": back(wide[:, 0]),
            "upper": back(wide[:, 1]),
            "lower_50": back(narrow[:, 0]),
            "upper_50": back(narrow[:, 1]),
        }
    )
    return pd.concat([past, future], ignore_index=True)[FORECAST_COLUMNS]
