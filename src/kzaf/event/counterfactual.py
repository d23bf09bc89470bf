"""The counterfactual, in the manner of CausalImpact: a structural time-series model fitted
before the event and forecast over it; actual minus forecast is the estimated effect, with
intervals from simulated paths (model estimates, never observations).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from kzaf import series
from kzaf.event.monthly import monthly_series
from kzaf.event.shipment import UNIT, Event
from kzaf.frames import row as first_row
from kzaf.series import SourcePolicy
from kzaf.text.numbers import fmt_number, fmt_p_value, fmt_signed

# ---------------------------------------------------------------------------------------------
# Counterfactual


@dataclass(frozen=True)
class Impact:
    """An intervention analysis of one monthly series (model estimates, not observations)."""

    event_month: pd.Period
    alpha: float
    model: str  # the model, in words
    log_scale: bool
    pre_months: int
    post_months: int
    pointwise: pd.DataFrame  # one row per month, pre and post (see pulse_effect)
    summary: pd.DataFrame  # rows "average" and "cumulative" over the post-period
    p_value: float  # one-sided tail probability of the cumulative effect under the model
    notes: tuple[str, ...] = ()

    @property
    def event_effect(self) -> tuple[float, float, float]:
        """(effect, lower, upper) in the event month."""
        row = self.pointwise[self.pointwise["month"] == self.event_month].iloc[0]
        return float(row["effect"]), float(row["effect_lower"]), float(row["effect_upper"])


POINTWISE_COLUMNS = [
    "month",
    "period",
    "actual",
    "predicted",
    "predicted_lower",
    "predicted_upper",
    "effect",
    "effect_lower",
    "effect_upper",
    "cum_effect",
    "cum_effect_lower",
    "cum_effect_upper",
]


def pulse_effect(
    values: pd.Series,
    event_month: str | pd.Period,
    *,
    alpha: float = 0.05,
    post_months: int | None = None,
    seasonal_harmonics: int | None = None,
    log_scale: bool = False,
    min_pre_months: int = 24,
    parameter_draws: int = 20,
    n_draws: int = 4000,
    seed: int = 0,
) -> Impact:
    """Estimate what a monthly series would have been without the event (CausalImpact-style).

    The model (statsmodels ``UnobservedComponents``: local level plus, when
    ``seasonal_harmonics`` > 0, a deterministic 12-month cycle with that many harmonics) is
    fitted by maximum likelihood to the months before ``event_month`` only, then forecast over
    the post-period (the event month and ``post_months - 1`` after it; default: to the end of
    the series). Effect = actual - predicted, with (1 - alpha) intervals from ``n_draws``
    simulated forecast paths: ``parameter_draws`` parameter sets are drawn from the
    maximum-likelihood estimate's asymptotic normal distribution (in the model's unconstrained
    parameters, covariance from the numerical Hessian), and for each, paths from the model's
    joint Gaussian forecast distribution; so the intervals carry parameter uncertainty as well
    as the noise (``parameter_draws=0``: plug-in estimates only). Pointwise intervals are
    quantiles of each month's draws, cumulative ones of the summed paths; the predicted value
    is the draws' mean. ``seasonal_harmonics=None`` uses 2 harmonics with at least 36
    pre-period months and none otherwise. With ``log_scale`` the model runs on log values
    (multiplicative noise) and the draws are exponentiated. ``seed`` fixes the draws.

    Months with no value (NaN) in the pre-period are skipped by the Kalman filter; in the
    post-period their effect is NaN and the cumulative effect stops there.
    """
    import statsmodels.api as sm

    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha!r} must lie strictly between 0 and 1")
    when = series.month(event_month)
    if not isinstance(values.index, pd.PeriodIndex):
        raise ValueError("values must be indexed by monthly periods (a pandas PeriodIndex)")
    values = values.sort_index().astype(float)
    pre = values[values.index < when]
    post = values[values.index >= when]
    if when not in values.index:
        raise ValueError(
            f"event_month={str(when)!r} is outside the series ({values.index.min()}–"
            f"{values.index.max()})"
        )
    if post_months is not None:
        if post_months < 1:
            raise ValueError(f"post_months={post_months!r} must be at least 1")
        post = post.iloc[:post_months]
    n_pre = int(pre.notna().sum())
    if n_pre < min_pre_months:
        raise ValueError(
            f"only {n_pre} months with a value before {when}; the counterfactual needs at least "
            f"{min_pre_months} (min_pre_months)"
        )
    if log_scale and (values.dropna() <= 0).any():
        raise ValueError("log_scale=True needs positive values")
    harmonics = (2 if n_pre >= 36 else 0) if seasonal_harmonics is None else seasonal_harmonics
    endog = np.log(pre.to_numpy()) if log_scale else pre.to_numpy()
    spec: dict[str, Any] = {"level": "local level"}
    if harmonics:
        spec.update(
            freq_seasonal=[{"period": 12, "harmonics": harmonics}],
            stochastic_freq_seasonal=[False],
        )
    notes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.tsa.UnobservedComponents(endog, **spec)
        result = model.fit(disp=False, cov_type="none")
    notes += [f"model fit: {w.message}" for w in caught]
    rng = np.random.default_rng(seed)
    paths, draw_notes = _forecast_paths(model, result, len(post), parameter_draws, n_draws, rng)
    notes += draw_notes
    if log_scale:
        paths = np.exp(paths)
    actual = post.to_numpy()
    predicted = paths.mean(axis=0)
    lower = np.quantile(paths, alpha / 2, axis=0)
    upper = np.quantile(paths, 1 - alpha / 2, axis=0)
    cum_draws = np.cumsum(paths, axis=1)
    cum_pred = cum_draws.mean(axis=0)
    cum_lower = np.quantile(cum_draws, alpha / 2, axis=0)
    cum_upper = np.quantile(cum_draws, 1 - alpha / 2, axis=0)
    cum_actual = np.cumsum(actual)  # NaN from the first missing month on
    post_frame = pd.DataFrame(
        {
            "month": post.index,
            "period": "post",
            "actual": actual,
            "predicted": predicted,
            "predicted_lower": lower,
            "predicted_upper": upper,
            "effect": actual - predicted,
            "effect_lower": actual - upper,
            "effect_upper": actual - lower,
            "cum_effect": cum_actual - cum_pred,
            "cum_effect_lower": cum_actual - cum_upper,
            "cum_effect_upper": cum_actual - cum_lower,
        }
    )
    pre_frame = _in_sample(result, pre, alpha, log_scale)
    pointwise = pd.concat([pre_frame, post_frame], ignore_index=True)[POINTWISE_COLUMNS]
    # Summary over the post-period (months with a value, up to the first missing one).
    usable = int(np.isfinite(cum_actual).sum()) if np.isfinite(cum_actual[0]) else 0
    if usable == 0:
        raise ValueError(f"the series has no value in the event month {when}")
    n = usable
    if n < len(post):
        notes.append(f"post-period cut to {n} month(s): the series has a gap after that")
    sum_actual = float(cum_actual[n - 1])
    sum_pred, sum_low, sum_high = (
        float(cum_pred[n - 1]),
        float(cum_lower[n - 1]),
        float(cum_upper[n - 1]),
    )
    summary = pd.DataFrame(
        [
            _summary_row(sum_actual / n, sum_pred / n, sum_low / n, sum_high / n),
            _summary_row(sum_actual, sum_pred, sum_low, sum_high),
        ],
        index=pd.Index(["average", "cumulative"], name="over the post-period"),
    )
    sums = cum_draws[:, n - 1]
    tail = (sums >= sum_actual).mean() if sum_actual >= sum_pred else (sums <= sum_actual).mean()
    p_value = float(max(tail, 1 / len(sums)))
    described = "local level" + (
        f" with a fixed 12-month cycle ({harmonics} harmonic{'s' if harmonics > 1 else ''})"
        if harmonics
        else ""
    )
    described += " on log values" if log_scale else ""
    described += (
        f", fitted by maximum likelihood to {n_pre} months before {series.period_label(when, when)}"
    )
    described += (
        "; intervals include parameter uncertainty"
        if parameter_draws > 0
        else "; plug-in intervals"
    )
    return Impact(
        when, alpha, described, log_scale, n_pre, n, pointwise, summary, p_value, tuple(notes)
    )


def _summary_row(actual: float, predicted: float, low: float, high: float) -> dict[str, float]:
    return {
        "actual": actual,
        "predicted": predicted,
        "predicted_lower": low,
        "predicted_upper": high,
        "abs_effect": actual - predicted,
        "abs_effect_lower": actual - high,
        "abs_effect_upper": actual - low,
        "rel_effect": actual / predicted - 1 if predicted > 0 else math.nan,
        # actual / p - 1 falls as p rises, so the interval's ends swap
        "rel_effect_lower": actual / high - 1 if high > 0 else math.nan,
        "rel_effect_upper": actual / low - 1 if low > 0 else math.nan,
    }


def _forecast_moments(result: Any, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the next ``steps`` observations of a fitted state-space model.

    With state a ~ N(m, P) one step past the sample, transition T, design Z, selection R,
    state noise Q and observation noise H (time-invariant), y_{t+i} = Z a_{t+i} + e and
    Cov(y_{t+i}, y_{t+j}) = Z T^(j-i) P_i Z' (+ H when i = j), P_{i+1} = T P_i T' + R Q R'.
    """
    fr = result.filter_results
    design, transition = fr.design[:, :, 0], fr.transition[:, :, 0]
    selection, state_cov = fr.selection[:, :, 0], fr.state_cov[:, :, 0]
    obs_cov, obs_intercept = fr.obs_cov[0, 0, 0], fr.obs_intercept[0, 0]
    state, p = fr.predicted_state[:, -1].copy(), fr.predicted_state_cov[:, :, -1].copy()
    rqr = selection @ state_cov @ selection.T
    states_cov, means = [], []
    for _ in range(steps):
        means.append(float((design @ state)[0] + obs_intercept))
        states_cov.append(p)
        state = transition @ state
        p = transition @ p @ transition.T + rqr
    cov = np.zeros((steps, steps))
    for i in range(steps):
        power = np.eye(len(state))
        for j in range(i, steps):
            cov[i, j] = cov[j, i] = float((design @ power @ states_cov[i] @ design.T)[0, 0])
            power = transition @ power
        cov[i, i] += obs_cov
    return np.array(means), cov


def _forecast_paths(
    model: Any,
    result: Any,
    steps: int,
    parameter_draws: int,
    n_draws: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[str]]:
    """``n_draws`` x ``steps`` forecast paths, with parameter uncertainty when
    ``parameter_draws`` > 0 (see :func:`pulse_effect`)."""
    from statsmodels.tools.numdiff import approx_hess

    if parameter_draws <= 0:
        mean, cov = _forecast_moments(result, steps)
        return _mvn_draws(mean, cov, n_draws, rng), []
    notes = []
    unconstrained = np.asarray(model.untransform_params(result.params), dtype=float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hessian = approx_hess(unconstrained, lambda p: model.loglike(p, transformed=False))
    notes += [f"parameter uncertainty: {w.message}" for w in caught]
    eigenvalues, vectors = np.linalg.eigh(-(hessian + hessian.T) / 2)
    if not np.all(np.isfinite(eigenvalues)) or eigenvalues.max() <= 0:
        notes.append("parameter uncertainty left out: the likelihood's curvature is unusable")
        mean, cov = _forecast_moments(result, steps)
        return _mvn_draws(mean, cov, n_draws, rng), notes
    # Directions without curvature carry no information; give them none rather than infinite
    # variance (they are rare and noted).
    flat = eigenvalues <= 1e-8 * eigenvalues.max()
    if flat.any():
        notes.append(f"{int(flat.sum())} parameter direction(s) without curvature held fixed")
    scale = np.where(flat, 0.0, 1 / np.sqrt(np.where(flat, 1.0, eigenvalues)))
    per_set = max(n_draws // parameter_draws, 1)
    paths = []
    for _ in range(parameter_draws):
        drawn = unconstrained + vectors @ (scale * rng.standard_normal(len(unconstrained)))
        filtered = model.filter(model.transform_params(drawn), cov_type="none")
        mean, cov = _forecast_moments(filtered, steps)
        paths.append(_mvn_draws(mean, cov, per_set, rng))
    return np.vstack(paths), notes


def _mvn_draws(mean: np.ndarray, cov: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws from N(mean, cov) through a symmetric square root (robust to tiny negative
    eigenvalues from rounding)."""
    eigenvalues, vectors = np.linalg.eigh((cov + cov.T) / 2)
    root = vectors * np.sqrt(np.clip(eigenvalues, 0, None))
    return mean + rng.standard_normal((n, len(mean))) @ root.T


def _in_sample(result: Any, pre: pd.Series, alpha: float, log_scale: bool) -> pd.DataFrame:
    """One-step-ahead predictions over the pre-period: NaN for the first year, while the
    filter is still learning the level and the cycle (its intervals are uninformative)."""
    prediction = result.get_prediction()
    mean = np.asarray(prediction.predicted_mean, dtype=float)
    sd = np.sqrt(np.asarray(prediction.var_pred_mean, dtype=float))
    burn = min(max(int(getattr(result, "loglikelihood_burn", 0)), 12), len(mean))
    mean[:burn], sd[:burn] = np.nan, np.nan
    z = stats.norm.ppf(1 - alpha / 2)
    lower, upper = mean - z * sd, mean + z * sd
    if log_scale:
        mean, lower, upper = np.exp(mean), np.exp(lower), np.exp(upper)
    actual = pre.to_numpy()
    return pd.DataFrame(
        {
            "month": pre.index,
            "period": "pre",
            "actual": actual,
            "predicted": mean,
            "predicted_lower": lower,
            "predicted_upper": upper,
            "effect": actual - mean,
            "effect_lower": actual - upper,
            "effect_upper": actual - lower,
            "cum_effect": np.nan,
            "cum_effect_lower": np.nan,
            "cum_effect_upper": np.nan,
        }
    )


def describe_impact(
    impact: Impact,
    what: str,
    shipment_usd_m: float | None = None,
    unit: str = UNIT,
    shipment_label: str = "The recorded shipment",
) -> str:
    """A plain-language paragraph on an :class:`Impact`, in the manner of CausalImpact's report."""
    level = f"{1 - impact.alpha:.0%}"
    effect, low, high = impact.event_effect
    row = impact.pointwise[impact.pointwise["month"] == impact.event_month].iloc[0]
    month_label = series.period_label(impact.event_month, impact.event_month)
    cumulative = first_row(impact.summary.loc[["cumulative"]])
    significant = impact.p_value < impact.alpha / 2 or not (
        cumulative["abs_effect_lower"] <= 0 <= cumulative["abs_effect_upper"]
    )
    text = [
        f"In {month_label}, {what} came to {fmt_number(row['actual'])} {unit}. A model "
        f"({impact.model}) predicts {fmt_number(row['predicted'])} ({level} interval "
        f"{fmt_number(row['predicted_lower'])} to {fmt_number(row['predicted_upper'])}) for that "
        "month had nothing unusual happened; this prediction is a model estimate, not an "
        "observation.",
        f"The difference, the estimated effect of the event month, is {fmt_signed(effect)} "
        f"{unit} ({level} interval {fmt_signed(low)} to {fmt_signed(high)}).",
    ]
    if impact.post_months > 1:
        text.append(
            f"Over the {impact.post_months} months from {month_label} the cumulative effect is "
            f"{fmt_signed(cumulative['abs_effect'])} {unit} "
            f"({fmt_signed(cumulative['abs_effect_lower'])} to "
            f"{fmt_signed(cumulative['abs_effect_upper'])}), or {cumulative['rel_effect']:+.0%} "
            f"of the predicted total ({cumulative['rel_effect_lower']:+.0%} to "
            f"{cumulative['rel_effect_upper']:+.0%})."
        )
    text.append(
        f"Under the model, the chance of a cumulative departure this large without an event is "
        f"{fmt_p_value(impact.p_value)}: the effect is "
        + ("distinguishable from zero" if significant else "not distinguishable from zero")
        + f" at the {level} level."
    )
    if shipment_usd_m is not None:
        if low <= shipment_usd_m <= high:
            verdict = (
                "lies inside the event month's effect interval: the jump is what the shipment "
                "accounts for."
            )
        elif shipment_usd_m > high:
            verdict = (
                "is larger than the event month's effect interval: the rest of that month's "
                "trade was lower than the model expected."
            )
        else:
            verdict = (
                "is smaller than the event month's effect interval: the rest of that month's "
                "trade was higher than the model expected."
            )
        text.append(f"{shipment_label}, {fmt_number(shipment_usd_m)} {unit}, {verdict}")
    text.extend(f"Note: {n}." for n in impact.notes)
    return " ".join(text)


def needs_monthly_data_text(event: Event) -> str:
    """What the published-figures run says in place of a counterfactual."""
    return (
        f"No counterfactual on published figures: no source publishes a monthly series of "
        f"{event.reporter}→{event.partner} trade, and a counterfactual needs one. Published "
        "figures are cumulative (January–May, first half, full year). A monthly path "
        "disaggregated from them would only restate the assumption that put the shipment in "
        f"{series.period_label(event.month, event.month)}, so it would show the shipment's "
        f"value as the effect by construction. To run it on real monthly data, export "
        f"{event.reporter}'s monthly trade with {event.partner} (all goods and HS "
        f"{event.hs_code}) from UN Comtrade, import it with `kzaf import comtrade FILE` and run "
        'this notebook with `data_source="comtrade"`.'
    )


@dataclass(frozen=True)
class Counterfactual:
    """The counterfactual of an event on monthly data, or why there is none."""

    monthly: pd.DataFrame  # month, total_usd_m, shipment_goods_usd_m, rest_usd_m (observed)
    total: Impact | None  # on all goods
    rest: Impact | None  # on all goods minus the event's HS code (None without that series)
    message: str  # why there is no counterfactual, or ""

    def goods_in_event_month(self, event: Event) -> float | None:
        """The event's HS code in the event month as the monthly data record it (or None)."""
        rows = self.monthly[self.monthly["month"] == event.month]
        if rows.empty or pd.isna(rows["shipment_goods_usd_m"].iloc[0]):
            return None
        return float(rows["shipment_goods_usd_m"].iloc[0])


def monthly_counterfactual(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    event: Event,
    *,
    alpha: float = 0.05,
    policy: SourcePolicy | str = "official_first",
    post_months: int | None = 6,
    min_pre_months: int = 24,
) -> Counterfactual:
    """Run :func:`pulse_effect` on the event flow's monthly total (all goods) and, where the
    event's HS code has a monthly series too, on the total minus that code ("the rest": did
    other trade move?). Without enough monthly data, ``total`` is None and ``message`` says
    what is missing and how to supply it."""
    kwargs = {"reporter": event.reporter, "partner": event.partner, "flow": event.flow}
    total = monthly_series(observations, sources, commodity="TOTAL", policy=policy, **kwargs)
    goods = monthly_series(observations, sources, commodity=event.hs_code, policy=policy, **kwargs)
    monthly = pd.DataFrame({"total_usd_m": total}).join(
        pd.DataFrame({"shipment_goods_usd_m": goods}), how="left"
    )
    monthly["rest_usd_m"] = monthly["total_usd_m"] - monthly["shipment_goods_usd_m"].fillna(0)
    monthly = monthly.rename_axis("month").reset_index()
    n_pre = int(total[total.index < event.month].notna().sum()) if len(total) else 0
    if n_pre < min_pre_months or event.month not in total.index:
        have = (
            f"the data hold {n_pre} month(s) of {event.flow} figures before "
            f"{series.period_label(event.month, event.month)}"
            + ("" if event.month in total.index else " and none for that month")
        )
        return Counterfactual(monthly, None, None, needs_monthly_data_text(event) + f" ({have}.)")

    def effect_of(values: pd.Series) -> Impact:
        return pulse_effect(
            values, event.month, alpha=alpha, post_months=post_months, min_pre_months=min_pre_months
        )

    impact_total = effect_of(total)
    impact_rest = None
    if goods.notna().any():
        rest = total - goods.reindex(total.index).fillna(0)
        impact_rest = effect_of(rest)
    return Counterfactual(monthly, impact_total, impact_rest, "")
