"""Monte Carlo scenarios for Kazakhstan–Afghanistan trade to a horizon year (model estimates).

Every path is ``trend draw × shocks``, year by year:

trend draw
    A predictive draw of the log-linear trend of the reconciled annual turnover
    (:mod:`kzaf.risk.predictive`): the fitted line continued to the horizon, with the fit's
    own uncertainty carried under one of three predictive assumptions (plug-in normal, normal
    with parameter uncertainty, Student t), and deviations from the line that may persist from
    one year to the next (AR(1) with persistence ``rho`` uniform on 0..``rho_max``, a stated
    prior; 0 assumes independent years). ``anchor="last_observed"`` starts every path from
    the last observed value instead of continuing its deviation from the line.
    ``noise_scale`` multiplies the draw's departure from the fitted line (0 = none).
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
part-year condition
    Where a part of a projected year is already published (January–August 2025), paths whose
    total for that year the published months cannot belong to are dropped: the months not yet
    published must trade at between ``pace_low`` and ``pace_high`` times the published months'
    average pace. This is conditioning on the figure, so it also narrows later years (a path
    far from the published pace in 2025 is unlikely to have the right line). The number of
    paths kept is reported.

All random numbers are drawn whatever the probabilities and the predictive assumption, so with
the same seed two settings differ only by what changed (common random numbers). Probabilities
and sizes are analyst parameters, not data: the notebook states where each default comes from.
Simulated values are heavy-tailed (a Student t on two degrees of freedom has no variance, and
its exponential no mean): summaries are quantiles and probabilities, never means.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from kzaf.risk.predictive import (
    PREDICTIVES,
    StandardDraws,
    TrendPosterior,
    draw_logs,
    trend_posterior,
)
from kzaf.text.numbers import fmt_fixed, fmt_pct, fmt_whole
from kzaf.trajectory import TrendFit, loglinear_trend


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
    """The trend line continued to the horizon, and the fit the paths are drawn from."""

    years: np.ndarray  # projected years, after the last observed one
    level: np.ndarray  # the fitted line continued (or grown from the last value): no shocks
    posterior: TrendPosterior  # the trend for each persistence, weighted (kzaf.risk.predictive)
    last_year: int
    last_value: float
    growth: float
    anchor: str
    fit: TrendFit | None = None

    @property
    def dof(self) -> int:
        return self.posterior.dof

    @property
    def rho_max(self) -> float:
        return float(self.posterior.rho.max())

    def describe(self) -> str:
        start = (
            "the fitted trend line"
            if self.anchor == "trend"
            else (f"the last observed value ({fmt_whole(self.last_value)} in {self.last_year})")
        )
        return (
            f"baseline: {start}, growing {fmt_pct(self.growth, 1, signed=True)} a year "
            f"(log-linear trend through {len(self.posterior.years)} full years); "
            + persistence_text(self.rho_max)
        )


def persistence_text(rho_max: float) -> str:
    """What the paths assume about the years' independence, in words."""
    if rho_max == 0:
        return "deviations from the line independent from year to year (assumes independent years)"
    return (
        "deviations from the line may persist from one year to the next (AR(1), persistence "
        f"uniform on 0–{fmt_fixed(rho_max, 1)}, a stated prior)"
    )


def trade_baseline(
    years: Sequence[int],
    values: Sequence[float],
    horizon_year: int,
    *,
    anchor: str = "trend",
    alpha: float = 0.1,
    rho_max: float = 0.0,
) -> Baseline:
    """Fit the log-linear trend (:func:`kzaf.trajectory.loglinear_trend` for the line,
    :func:`kzaf.risk.predictive.trend_posterior` for the draws) and continue it to
    ``horizon_year``."""
    if anchor not in ("trend", "last_observed"):
        raise ValueError(f"anchor must be 'trend' or 'last_observed', got {anchor!r}")
    fit = loglinear_trend(years, values, until=horizon_year, alpha=alpha)
    last_year = max(fit.years)
    if horizon_year <= last_year:
        raise ValueError(
            f"horizon_year {horizon_year} must be after the last data year {last_year}"
        )
    future = fit.predictions[fit.predictions["year"] > last_year]
    projected = future["year"].to_numpy()
    last_value = fit.values[fit.years.index(last_year)]
    if anchor == "trend":
        level = future["fitted"].to_numpy()
    else:
        level = last_value * (1 + fit.growth) ** (projected - last_year)
    return Baseline(
        years=projected,
        level=level,
        posterior=trend_posterior(years, values, rho_max=rho_max),
        last_year=last_year,
        last_value=last_value,
        growth=fit.growth,
        anchor=anchor,
        fit=fit,
    )


@dataclass(frozen=True)
class PartYear:
    """A published part of a projected year (January–August 2025): the year's total must be
    one that those months can belong to."""

    year: int
    months: int  # months published, from January
    value_low: float  # their published total (the lowest, where sources differ)
    value_high: float  # the highest
    pace_low: float = 0.5  # the unpublished months trade at least at this × the published pace
    pace_high: float = 2.0  # ... and at most at this ×

    def __post_init__(self) -> None:
        if not 1 <= self.months <= 11:
            raise ValueError(f"a part year has 1 to 11 months, got {self.months}")
        if not 0 <= self.value_low <= self.value_high:
            raise ValueError(f"part-year values must be 0 <= low <= high, got {self.value_low}")
        if not 0 <= self.pace_low <= self.pace_high:
            raise ValueError(
                f"part-year pace must satisfy 0 <= low <= high, got {self.pace_low}, "
                f"{self.pace_high}"
            )

    @property
    def label(self) -> str:
        """'January–August 2025'."""
        last = pd.Period(f"{self.year}-{self.months:02d}", freq="M").strftime("%B")
        return f"January–{last} {self.year}" if self.months > 1 else f"January {self.year}"

    def bounds(self) -> tuple[float, float]:
        """The lowest and highest full-year total consistent with the published months."""
        rest = (12 - self.months) / self.months
        return (
            self.value_low * (1 + rest * self.pace_low),
            self.value_high * (1 + rest * self.pace_high),
        )


@dataclass(frozen=True)
class TradePaths:
    years: np.ndarray  # (H,)
    values: np.ndarray  # (N, H), same unit as the baseline; N paths kept
    baseline: Baseline
    parameters: ScenarioParameters
    shocks: Mapping[str, np.ndarray]  # (N, H) boolean per shock kind
    seed: int
    predictive: str = "Student t"
    n_simulated: int = 0  # paths drawn before the part-year condition dropped some
    condition: PartYear | None = None

    @property
    def n_draws(self) -> int:
        return self.values.shape[0]


def _shock_factors(
    p: ScenarioParameters, rng: np.random.Generator, n: int, years: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The shocks of every path and year, and the factor they multiply trade by."""
    h = len(years)
    closure_u, days_u = rng.random((n, h)), rng.random((n, h))
    security_u, sanctions_u, railway_u = rng.random((n, h)), rng.random((n, h)), rng.random((n, h))
    closure = closure_u < p.closure_probability
    days = p.closure_days[0] + days_u * (p.closure_days[1] - p.closure_days[0])
    security = security_u < p.security_probability
    sanctions = np.maximum.accumulate(sanctions_u < p.sanctions_probability, axis=1)
    railway = np.maximum.accumulate(
        (railway_u < p.railway_probability) & (years >= p.railway_first_year)[None, :], axis=1
    )
    factor = (
        (1 - closure * p.closure_trade_share * days / 365)
        * (1 - security * p.security_drop)
        * (1 - sanctions * p.sanctions_drop)
        * (1 + railway * p.railway_uplift)
    )
    shocks = {"closure": closure, "security": security, "sanctions": sanctions, "railway": railway}
    return factor, shocks


def simulate_trade(
    baseline: Baseline,
    parameters: ScenarioParameters,
    *,
    n_draws: int = 100_000,
    seed: int = 0,
    predictive: str = "Student t",
    condition: PartYear | None = None,
) -> TradePaths:
    """``n_draws`` paths of annual trade over the baseline's years (see the module notes),
    less those the part-year ``condition`` rules out."""
    if n_draws < 1:
        raise ValueError(f"n_draws must be at least 1, got {n_draws}")
    rng = np.random.default_rng(seed)
    numbers = StandardDraws.draw(rng, n_draws, len(baseline.years), baseline.dof)
    factor, shocks = _shock_factors(parameters, rng, n_draws, baseline.years)
    logs = draw_logs(
        baseline.posterior, baseline.years.tolist(), predictive, numbers,
        from_last_observed=baseline.anchor == "last_observed",
    )  # fmt: skip
    departure = parameters.noise_scale * (logs - np.log(baseline.level)[None, :])
    # With 3 points (1 degree of freedom) the t predictive is a Cauchy: a few draws are
    # astronomically large. Capping the log keeps them finite (and still above any threshold).
    values = baseline.level[None, :] * np.exp(np.minimum(departure, 230.0)) * factor
    keep = _consistent(values, baseline.years, condition)
    return TradePaths(
        years=baseline.years,
        values=values[keep],
        baseline=baseline,
        parameters=parameters,
        shocks={name: hit[keep] for name, hit in shocks.items()},
        seed=seed,
        predictive=predictive,
        n_simulated=n_draws,
        condition=condition,
    )


def _consistent(values: np.ndarray, years: np.ndarray, condition: PartYear | None) -> np.ndarray:
    """Which paths the part-year condition keeps (all, without one or outside the years)."""
    if condition is None or condition.year not in set(years.tolist()):
        return np.ones(len(values), dtype=bool)
    low, high = condition.bounds()
    column = values[:, int(np.flatnonzero(years == condition.year)[0])]
    keep = (column >= low) & (column <= high)
    if not keep.any():
        raise ValueError(
            f"no simulated path has a {condition.year} total consistent with the published "
            f"part year ({fmt_whole(low)}–{fmt_whole(high)}); widen the pace parameters or "
            "draw more paths"
        )
    return keep


def fan_table(
    paths: TradePaths, quantiles: Sequence[float] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
) -> pd.DataFrame:
    """Per projected year: the baseline and quantiles of the simulated trade. No mean: the
    draws are heavy-tailed (a mean of them says nothing a reader can use)."""
    frame = pd.DataFrame({"year": paths.years, "baseline": paths.baseline.level})
    # One pass for every quantile (same values as one call per quantile, a quarter the time).
    values = np.quantile(paths.values, list(quantiles), axis=0)
    for q, value in zip(quantiles, values, strict=True):
        frame[f"q{round(q * 100):02d}"] = value
    return frame


def _column(paths: TradePaths, target_year: int) -> int:
    if target_year not in set(paths.years.tolist()):
        raise ValueError(
            f"target_year {target_year} is not a projected year "
            f"({paths.years[0]}–{paths.years[-1]}); raise horizon_year or lower target_year"
        )
    return int(np.flatnonzero(paths.years == target_year)[0])


def reach_probabilities(
    paths: TradePaths, thresholds: Mapping[str, float], target_year: int
) -> pd.DataFrame:
    """For each threshold: the share of paths at or above it in ``target_year``, and the
    share at or above it in at least one projected year up to ``target_year``."""
    column = _column(paths, target_year)
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


def below_probability(paths: TradePaths, value: float, target_year: int) -> float:
    """The share of paths below ``value`` in ``target_year`` (the downside)."""
    return float((paths.values[:, _column(paths, target_year)] < value).mean())


def by_predictive(
    baseline: Baseline,
    parameters: ScenarioParameters,
    *,
    n_draws: int,
    seed: int,
    condition: PartYear | None = None,
) -> dict[str, TradePaths]:
    """The same paths (same seed) under each predictive assumption."""
    return {
        name: simulate_trade(
            baseline, parameters, n_draws=n_draws, seed=seed, predictive=name, condition=condition
        )
        for name in PREDICTIVES
    }


def predictive_range(
    runs: Mapping[str, TradePaths],
    thresholds: Mapping[str, float],
    downside: float,
    target_year: int,
) -> pd.DataFrame:
    """One row per predictive assumption: paths kept, for each threshold the chance of
    reaching it in ``target_year`` and in some year up to it, and the chance of ending
    ``target_year`` below ``downside``."""
    rows = []
    for name, paths in runs.items():
        reach = reach_probabilities(paths, thresholds, target_year)
        row: dict[str, object] = {"predictive": name, "paths_kept": paths.n_draws}
        for r in reach.to_dict("records"):
            row[f"in:{r['threshold']}"] = r["p_in_target_year"]
            row[f"by:{r['threshold']}"] = r["p_by_target_year"]
        row["below"] = below_probability(paths, downside, target_year)
        rows.append(row)
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
