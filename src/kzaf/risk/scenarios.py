"""Monte Carlo scenarios for Kazakhstan–Afghanistan trade to a horizon year (model estimates).

Every path is ``baseline × trend noise × shocks``, year by year:

baseline
    The log-linear trend of the reconciled annual turnover (:func:`kzaf.trajectory.
    loglinear_trend`), continued to the horizon: either the fitted line itself (``anchor=
    "trend"``) or the last observed value grown at the fitted rate (``anchor="last_observed"``).
trend noise
    Reproduces the fit's own uncertainty: a persistent shift drawn once per path (the
    uncertainty of the fitted line, growing with the distance from the data) plus a yearly
    deviation with the residual standard deviation, in logs. Both are scaled, per path, by a
    draw of the residual variance from its distribution given the fit (s² (n - 2) / χ²(n - 2)):
    a *t predictive* distribution, so each year's spread is Student t with n - 2 degrees of
    freedom, as in the fit's prediction intervals, and the uncertainty of the estimated noise
    is carried (a normal with the estimated sd put too little weight in the tails on a few
    points). ``noise_scale`` multiplies both (0 = none).
shocks
    - *border closure*: in each year, with ``closure_probability``, a closure lasting a number
      of days drawn uniformly between ``closure_days``; the year loses
      ``closure_trade_share × days / 365`` of its trade;
    - *security shock*: in each year, with ``security_probability``, that year loses
      ``security_drop``;
    - *sanctions*: in each year, with ``sanctions_probability``, sanctions start and cut
      ``sanctions_drop`` from that year on (one regime: later draws add nothing);
    - *railway segment opening* (upside): from ``railway_first_year``, with
      ``railway_probability`` each year, a segment opens and adds ``railway_uplift`` from that
      year on.

All random numbers are drawn whatever the probabilities, so with the same seed two settings
differ only by their shocks (common random numbers). Probabilities and sizes are analyst
parameters, not data: the notebook states where each default comes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd
from scipy import stats

from kzaf.text.numbers import fmt_fixed, fmt_pct, fmt_whole
from kzaf.trajectory import TrendFit, loglinear_trend

PREDICTIVE_METHOD = (
    "t predictive (each path draws the trend's residual variance from its distribution given "
    "the fit, so the spread carries the uncertainty of the estimated parameters)"
)


@dataclass(frozen=True)
class ScenarioParameters:
    closure_probability: float = 0.0  # yearly probability of a border closure on the route
    closure_days: tuple[float, float] = (10.0, 60.0)  # shortest and longest closure, days
    closure_trade_share: float = 1.0  # share of the route's trade stopped while closed
    security_probability: float = 0.0  # yearly probability of a security shock
    security_drop: float = 0.0  # share of that year's trade lost to it
    sanctions_probability: float = 0.0  # yearly probability that sanctions start
    sanctions_drop: float = 0.0  # share of trade lost from then on
    railway_probability: float = 0.0  # yearly probability a railway segment opens
    railway_first_year: int = 2027  # first year it can open
    railway_uplift: float = 0.0  # share of trade added from then on
    noise_scale: float = 1.0  # 1 = the trend fit's uncertainty, 0 = none

    def __post_init__(self) -> None:
        for name in (
            "closure_probability",
            "security_probability",
            "sanctions_probability",
            "railway_probability",
            "closure_trade_share",
            "security_drop",
            "sanctions_drop",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"scenario parameter {name} must lie in 0–1, got {value}")
        for name in ("railway_uplift", "noise_scale"):
            if getattr(self, name) < 0:
                raise ValueError(f"scenario parameter {name} must not be negative")
        low, high = self.closure_days
        if not 0 <= low <= high <= 365:
            raise ValueError(
                f"scenario parameter closure_days must be (shortest, longest) within 0–365 "
                f"days, got {self.closure_days}"
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> ScenarioParameters:
        """Parameters from a notebook's dict; unknown names are errors."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown scenario parameter(s) {unknown}; known: {sorted(known)}")
        clean = dict(values)
        if "closure_days" in clean:
            days: Iterable[float] = clean["closure_days"]  # type: ignore[assignment]  # checked by float()
            clean["closure_days"] = tuple(float(d) for d in days)
        return cls(**clean)  # type: ignore[arg-type]

    def as_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"parameter": list(asdict(self)), "value": [str(v) for v in asdict(self).values()]}
        )


@dataclass(frozen=True)
class Baseline:
    """The expected path without shocks, with the spread the trend fit supports."""

    years: np.ndarray  # projected years, after the last observed one
    level: np.ndarray  # baseline value per year
    line_sd: np.ndarray  # sd of the trend line in logs, per year
    noise_sd: float  # yearly residual sd in logs
    dof: int  # degrees of freedom of the residual variance (n - 2)
    last_year: int
    last_value: float
    growth: float
    anchor: str
    fit: TrendFit | None = None

    def describe(self) -> str:
        start = (
            "the fitted trend line"
            if self.anchor == "trend"
            else (f"the last observed value ({fmt_whole(self.last_value)} in {self.last_year})")
        )
        return (
            f"baseline: {start}, growing {fmt_pct(self.growth, 1, signed=True)} a year "
            f"(log-linear trend); residual sd {fmt_fixed(self.noise_sd, 2)} in logs; "
            f"{PREDICTIVE_METHOD}"
        )


def trade_baseline(
    years: Sequence[int],
    values: Sequence[float],
    horizon_year: int,
    *,
    anchor: str = "trend",
    alpha: float = 0.1,
) -> Baseline:
    """Fit :func:`kzaf.trajectory.loglinear_trend` to annual values and continue it to
    ``horizon_year``. The spread is calibrated on the fit's prediction intervals."""
    if anchor not in ("trend", "last_observed"):
        raise ValueError(f"anchor must be 'trend' or 'last_observed', got {anchor!r}")
    fit = loglinear_trend(years, values, until=horizon_year, alpha=alpha)
    last_year = max(fit.years)
    if horizon_year <= last_year:
        raise ValueError(
            f"horizon_year {horizon_year} must be after the last data year {last_year}"
        )
    t_crit = stats.t.ppf(1 - alpha / 2, len(fit.years) - 2)
    future = fit.predictions[fit.predictions["year"] > last_year]
    total_sd = np.log((future["upper"] / future["fitted"]).to_numpy()) / t_crit
    noise_sd = fit.log_residual_sd
    last_value = fit.values[fit.years.index(last_year)]
    projected = future["year"].to_numpy()
    if anchor == "trend":
        level = future["fitted"].to_numpy()
        line_sd = np.sqrt(np.clip(total_sd**2 - noise_sd**2, 0, None))
    else:
        slope = np.log1p(fit.growth)
        slope_sd = (np.log1p(fit.growth_high) - np.log1p(fit.growth_low)) / (2 * t_crit)
        level = last_value * np.exp(slope * (projected - last_year))
        line_sd = slope_sd * (projected - last_year)
    return Baseline(
        years=projected,
        level=level,
        line_sd=line_sd,
        noise_sd=noise_sd,
        dof=len(fit.years) - 2,
        last_year=last_year,
        last_value=last_value,
        growth=fit.growth,
        anchor=anchor,
        fit=fit,
    )


@dataclass(frozen=True)
class TradePaths:
    years: np.ndarray  # (H,)
    values: np.ndarray  # (N, H), same unit as the baseline
    baseline: Baseline
    parameters: ScenarioParameters
    shocks: Mapping[str, np.ndarray]  # (N, H) boolean per shock kind
    seed: int

    @property
    def n_draws(self) -> int:
        return self.values.shape[0]


def simulate_trade(
    baseline: Baseline,
    parameters: ScenarioParameters,
    *,
    n_draws: int = 100_000,
    seed: int = 0,
) -> TradePaths:
    """``n_draws`` paths of annual trade over the baseline's years (see the module notes)."""
    if n_draws < 1:
        raise ValueError(f"n_draws must be at least 1, got {n_draws}")
    p = parameters
    rng = np.random.default_rng(seed)
    n, h = n_draws, len(baseline.years)
    shift = rng.standard_normal((n, 1))
    yearly = rng.standard_normal((n, h))
    closure_u, days_u = rng.random((n, h)), rng.random((n, h))
    security_u, sanctions_u, railway_u = rng.random((n, h)), rng.random((n, h)), rng.random((n, h))
    # drawn last, so the shocks' random numbers are those of earlier versions
    variance_ratio = baseline.dof / rng.chisquare(baseline.dof, (n, 1))

    log_noise = (
        p.noise_scale
        * np.sqrt(variance_ratio)
        * (baseline.line_sd[None, :] * shift + baseline.noise_sd * yearly)
    )
    closure = closure_u < p.closure_probability
    days = p.closure_days[0] + days_u * (p.closure_days[1] - p.closure_days[0])
    security = security_u < p.security_probability
    sanctions = np.maximum.accumulate(sanctions_u < p.sanctions_probability, axis=1)
    railway = np.maximum.accumulate(
        (railway_u < p.railway_probability) & (baseline.years >= p.railway_first_year)[None, :],
        axis=1,
    )
    # With 3 points (1 degree of freedom) the t predictive is a Cauchy: a few draws are
    # astronomically large. Capping the log keeps them finite (and still above any threshold).
    values = (
        baseline.level[None, :]
        * np.exp(np.minimum(log_noise, 230.0))
        * (1 - closure * p.closure_trade_share * days / 365)
        * (1 - security * p.security_drop)
        * (1 - sanctions * p.sanctions_drop)
        * (1 + railway * p.railway_uplift)
    )
    return TradePaths(
        years=baseline.years,
        values=values,
        baseline=baseline,
        parameters=parameters,
        shocks={
            "closure": closure,
            "security": security,
            "sanctions": sanctions,
            "railway": railway,
        },
        seed=seed,
    )


def fan_table(
    paths: TradePaths, quantiles: Sequence[float] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
) -> pd.DataFrame:
    """Per projected year: baseline, mean and quantiles of the simulated trade."""
    frame = pd.DataFrame(
        {"year": paths.years, "baseline": paths.baseline.level, "mean": paths.values.mean(axis=0)}
    )
    # One pass for every quantile (same values as one call per quantile, a quarter the time).
    values = np.quantile(paths.values, list(quantiles), axis=0)
    for q, value in zip(quantiles, values, strict=True):
        frame[f"q{round(q * 100):02d}"] = value
    return frame


def reach_probabilities(
    paths: TradePaths, thresholds: Mapping[str, float], target_year: int
) -> pd.DataFrame:
    """For each threshold: probability that trade in ``target_year`` is at or above it, and
    that it is reached in any projected year up to ``target_year``."""
    if target_year not in set(paths.years.tolist()):
        raise ValueError(
            f"target_year {target_year} is not a projected year "
            f"({paths.years[0]}–{paths.years[-1]}); raise horizon_year or lower target_year"
        )
    column = int(np.flatnonzero(paths.years == target_year)[0])
    rows = []
    for label, threshold in thresholds.items():
        rows.append(
            {
                "threshold": label,
                "value": float(threshold),
                "p_in_target_year": float((paths.values[:, column] >= threshold).mean()),
                "p_by_target_year": float(
                    (paths.values[:, : column + 1] >= threshold).any(axis=1).mean()
                ),
            }
        )
    return pd.DataFrame(rows)


def shock_frequencies(paths: TradePaths) -> pd.DataFrame:
    """Share of paths with each shock at least once, and mean number of shock years."""
    return pd.DataFrame(
        [
            {
                "shock": name,
                "share_of_paths": float(hit.any(axis=1).mean()),
                "mean_years_affected": float(hit.sum(axis=1).mean()),
            }
            for name, hit in paths.shocks.items()
        ]
    )
