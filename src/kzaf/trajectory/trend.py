"""The log-linear trend of a short annual series (statsmodels), with intervals that hold
on a handful of points. The risk notebook's trade scenarios start from this same fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzaf.text.levels import INDEPENDENT_YEARS
from kzaf.text.numbers import fmt_level, fmt_pct


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
            f"({self.years[0]}–{self.years[-1]}): average growth "
            f"{fmt_pct(self.growth, 1, signed=True)} a year "
            f"({fmt_level(self.alpha)} interval {fmt_pct(self.growth_low, 1, signed=True)} to "
            f"{fmt_pct(self.growth_high, 1, signed=True)}; "
            f"{'classical' if self.cov_type == 'nonrobust' else self.cov_type} standard errors; "
            f"{INDEPENDENT_YEARS})"
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
    The growth interval is statsmodels' t interval for the slope (``conf_int``), in levels.
    Simulation (:mod:`kzaf.methods.benchmark`, published by the methods notebook) checks both:
    they hold their level when years are independent, and not when deviations persist from
    year to year, which a handful of points cannot detect (so their sentences say so).
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
    # Imported here: statsmodels costs about a second to import, and notebooks that only
    # read the claims (which import this module) never fit a trend.
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    design = add_constant(years_arr - origin)
    fit = OLS(np.log(values_arr), design).fit(cov_type=cov_type, use_t=True)
    slope = fit.params[1]
    # statsmodels' own interval for the slope: t with n - 2 degrees of freedom (use_t=True)
    slope_low, slope_high = np.asarray(fit.conf_int(alpha=alpha))[1]
    dof = len(years_arr) - 2
    last = int(until if until is not None else years_arr[-1])
    grid = np.arange(int(years_arr[0]), last + 1)
    grid_design = add_constant(grid - origin, has_constant="add")
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
        growth_low=float(np.expm1(slope_low)),
        growth_high=float(np.expm1(slope_high)),
        log_residual_sd=float(np.sqrt(sigma2)),
        alpha=alpha,
        cov_type=cov_type,
        predictions=predictions,
    )
