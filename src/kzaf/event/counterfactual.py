"""The counterfactual, in the manner of CausalImpact: a structural time-series model fitted
before the event and forecast over it; actual minus forecast is the estimated effect, with
intervals from simulated paths (model estimates, never observations).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from kzaf import series
from kzaf.event.monthly import monthly_series
from kzaf.event.shipment import Event
from kzaf.series import SourcePolicy

# ---------------------------------------------------------------------------------------------
# Counterfactual


@dataclass(frozen=True)
class Impact:
    """An intervention analysis of one monthly series (model estimates, not observations)."""

    event_month: pd.Period
    alpha: float
    level: str  # the level component chosen: "local level" or "local linear trend"
    log_scale: bool
    pre_months: int
    post_months: int
    pointwise: pd.DataFrame  # one row per month, pre and post (see pulse_effect)
    summary: pd.DataFrame  # rows "average" and "cumulative" over the post-period
    p_value: float  # one-sided tail probability of the cumulative effect under the model
    notes: tuple[str, ...] = ()
    # the candidate models and the criterion that chose one (see choose_model)
    selection: pd.DataFrame = field(default_factory=pd.DataFrame)
    controls: tuple[str, ...] = ()  # control series used as regressors
    # power to tell pulses of 2, 4 and 6 typical one-step errors from zero (simulation
    # estimate given the fitted model; see pulse_power)
    power: pd.DataFrame = field(default_factory=pd.DataFrame)
    harmonics: int = 0  # of the fixed 12-month cycle (0: no cycle)
    parameter_draws: int = 0  # parameter sets drawn for the intervals (0: plug-in intervals)

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


# A slope needs three years before the event to be told apart from the cycle and the noise.
TREND_MIN_PRE_MONTHS = 36
LEVELS = {"local level": "llevel", "local linear trend": "lldtrend"}
TREND_CHOICES = ("auto", *LEVELS)
SELECTION_CRITERION = (
    "the smallest Akaike criterion computed from one-step-ahead prediction errors over the "
    "pre-period months every candidate predicts (m·ln(mean squared error) + 2k, k = estimated "
    "parameters plus diffuse initial states)"
)
POWER_PULSES_SD = (2, 4, 6)


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
    trend: str = "auto",
    controls: pd.DataFrame | None = None,
) -> Impact:
    """Estimate what a monthly series would have been without the event (CausalImpact-style).

    Fitted by maximum likelihood to the months before ``event_month`` only, then forecast over
    the post-period (the event month and ``post_months - 1`` after it; default: to the end of
    the series). The candidates are :func:`choose_model`'s: a local level, or a local linear
    trend (fixed slope) with :data:`TREND_MIN_PRE_MONTHS` months before the event; each with a
    fixed 12-month cycle of ``seasonal_harmonics`` harmonics (None: 2 with 36 pre-period months,
    else none), and each with and without ``controls`` (monthly series the event cannot have
    moved) as regressors. ``trend`` fixes the level component, or "auto" chooses by
    :data:`SELECTION_CRITERION`. Effect = actual - predicted, with (1 - alpha) intervals from
    ``n_draws`` simulated forecast paths that carry ``parameter_draws`` parameter sets
    (:func:`_forecast_paths`; 0: plug-in estimates). ``log_scale`` fits on logs. ``seed``
    fixes the draws. A month with no value is skipped before the event; after it, its effect
    is NaN and the cumulative effect stops there.
    """
    when, pre, post = _split(
        values, event_month, alpha, trend, post_months, log_scale, min_pre_months
    )
    n_pre = int(pre.notna().sum())
    harmonics = (2 if n_pre >= 36 else 0) if seasonal_harmonics is None else seasonal_harmonics
    endog = np.log(pre.to_numpy()) if log_scale else pre.to_numpy()
    window = pd.PeriodIndex(pre.index.append(post.index))
    exog, notes = usable_controls(controls, window, log_scale)
    choice = choose_model(endog, harmonics, trend, n_pre, exog, len(pre))
    exog_future = exog.iloc[len(pre) :].to_numpy() if choice.uses_controls else None
    rng = np.random.default_rng(seed)
    paths, draw_notes = _forecast_paths(
        choice.model, choice.result, len(post), parameter_draws, n_draws, rng, exog_future
    )
    paths = np.exp(paths) if log_scale else paths
    post_frame, summary, p_value, n = _post_period(post, paths, alpha, when)
    notes = [*notes, *choice.notes, *draw_notes]
    if n < len(post):
        notes.append(f"post-period cut to {n} month(s): the series has a gap after that")
    pre_frame = _in_sample(choice.result, pre, alpha, log_scale)
    typical = _typical_error(choice.result, log_scale, pre)
    return Impact(
        when, alpha, choice.name, log_scale, n_pre, n,
        pd.concat([pre_frame, post_frame], ignore_index=True)[POINTWISE_COLUMNS],
        summary, p_value, tuple(notes), selection=choice.table,
        controls=tuple(exog.columns) if choice.uses_controls else (),
        power=pulse_power(paths[:, :n], alpha, typical, rng),
        harmonics=harmonics, parameter_draws=max(parameter_draws, 0),
    )  # fmt: skip


def _split(
    values: pd.Series,
    event_month: str | pd.Period,
    alpha: float,
    trend: str,
    post_months: int | None,
    log_scale: bool,
    min_pre_months: int,
) -> tuple[pd.Period, pd.Series, pd.Series]:
    """The event month, and the series before it and from it (checked)."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha!r} must lie strictly between 0 and 1")
    if trend not in TREND_CHOICES:
        raise ValueError(f"trend={trend!r} must be one of {', '.join(TREND_CHOICES)}")
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
    return when, pre, post


def _post_period(
    post: pd.Series, paths: np.ndarray, alpha: float, when: pd.Period
) -> tuple[pd.DataFrame, pd.DataFrame, float, int]:
    """The post-period's pointwise effects, their summary (average and cumulative over the
    months with a value, up to the first missing one), the tail probability of the cumulative
    effect, and the number of months summarised."""
    actual = post.to_numpy()
    quantiles = (alpha / 2, 1 - alpha / 2)
    lower, upper = np.quantile(paths, quantiles, axis=0)
    cum_draws = np.cumsum(paths, axis=1)
    cum_pred = cum_draws.mean(axis=0)
    cum_lower, cum_upper = np.quantile(cum_draws, quantiles, axis=0)
    cum_actual = np.cumsum(actual)  # NaN from the first missing month on
    frame = pd.DataFrame(
        {
            "month": post.index, "period": "post", "actual": actual,
            "predicted": paths.mean(axis=0), "predicted_lower": lower, "predicted_upper": upper,
            "effect": actual - paths.mean(axis=0), "effect_lower": actual - upper,
            "effect_upper": actual - lower, "cum_effect": cum_actual - cum_pred,
            "cum_effect_lower": cum_actual - cum_upper, "cum_effect_upper": cum_actual - cum_lower,
        }
    )  # fmt: skip
    n = int(np.isfinite(cum_actual).sum()) if np.isfinite(cum_actual[0]) else 0
    if n == 0:
        raise ValueError(f"the series has no value in the event month {when}")
    total, predicted = float(cum_actual[n - 1]), float(cum_pred[n - 1])
    low, high = float(cum_lower[n - 1]), float(cum_upper[n - 1])
    summary = pd.DataFrame(
        [
            _summary_row(total / n, predicted / n, low / n, high / n),
            _summary_row(total, predicted, low, high),
        ],
        index=pd.Index(["average", "cumulative"], name="over the post-period"),
    )
    sums = cum_draws[:, n - 1]
    tail = (sums >= total).mean() if total >= predicted else (sums <= total).mean()
    return frame, summary, float(max(tail, 1 / len(sums))), n


def usable_controls(
    controls: pd.DataFrame | None, window: pd.PeriodIndex, log_scale: bool
) -> tuple[pd.DataFrame, list[str]]:
    """The control series that can serve as regressors over ``window`` (every month of the
    pre- and post-period): complete (no missing month), not constant, and positive when the
    model runs on logs. Returns them (logged if ``log_scale``) and a note on any set aside."""
    empty = pd.DataFrame(index=window)
    if controls is None or controls.shape[1] == 0:
        return empty, []
    if not isinstance(controls.index, pd.PeriodIndex):
        raise ValueError("controls must be indexed by monthly periods (a pandas PeriodIndex)")
    aligned = controls.reindex(window).astype(float)
    keep, dropped = [], []
    for name in aligned.columns:
        column = aligned[name]
        if column.isna().any():
            dropped.append(f"{name} (missing months)")
        elif column.nunique() < 2:
            dropped.append(f"{name} (constant)")
        elif log_scale and (column <= 0).any():
            dropped.append(f"{name} (not positive, the model runs on logs)")
        else:
            keep.append(name)
    notes = [f"control series set aside: {', '.join(dropped)}"] if dropped else []
    chosen = aligned[keep]
    return (chosen.apply(np.log) if log_scale else chosen), notes


@dataclass(frozen=True)
class ModelChoice:
    """The model :func:`choose_model` picked, with every candidate's score."""

    name: str  # "local level" or "local linear trend"
    uses_controls: bool
    model: Any
    result: Any
    table: pd.DataFrame  # candidate, controls, months_compared, rmse_one_step, aic, chosen
    notes: list[str]


def _fit(endog: np.ndarray, spec: dict[str, Any], exog: np.ndarray | None) -> tuple:
    # statsmodels loads on the first fit, not when kzaf.event is imported (the CLI's dry run
    # and every check of an event claim import it without fitting anything).
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = UnobservedComponents(endog, exog=exog, **spec)
        result = model.fit(disp=False, cov_type="none")
    return model, result, [f"model fit: {w.message}" for w in caught]


def choose_model(
    endog: np.ndarray,
    harmonics: int,
    trend: str,
    n_pre: int,
    exog: pd.DataFrame,
    n_pre_rows: int,
) -> ModelChoice:
    """Fit the candidate models to the pre-period and pick one by :data:`SELECTION_CRITERION`.

    Candidates are listed simplest first; a tie keeps the simpler. The criterion compares
    one-step-ahead prediction errors on the same months for every candidate (after the
    longest burn-in, and never before month 13), so models whose likelihoods start at
    different months are still compared like with like.
    """
    levels = (
        [trend]
        if trend != "auto"
        else ["local level"] + (["local linear trend"] if n_pre >= TREND_MIN_PRE_MONTHS else [])
    )
    with_controls = [False] + ([True] if exog.shape[1] else [])
    fitted = []
    for uses in with_controls:
        for level in levels:
            spec: dict[str, Any] = {"level": LEVELS[level]}
            if harmonics:
                spec.update(
                    freq_seasonal=[{"period": 12, "harmonics": harmonics}],
                    stochastic_freq_seasonal=[False],
                )
            regressors = exog.iloc[:n_pre_rows].to_numpy() if uses else None
            model, result, notes = _fit(endog, spec, regressors)
            fitted.append((level, uses, model, result, notes))
    burn = max([12] + [int(r.loglikelihood_burn) for _, _, _, r, _ in fitted])
    errors = np.vstack([np.asarray(r.forecasts_error[0], float) for _, _, _, r, _ in fitted])
    compared = np.isfinite(errors).all(axis=0)
    compared[:burn] = False
    m = int(compared.sum())
    rows = []
    for (level, uses, _, result, _), e in zip(fitted, errors, strict=True):
        mse = float(np.mean(e[compared] ** 2)) if m else math.nan
        k = len(result.params) + int(result.loglikelihood_burn)
        rows.append(
            {
                "candidate": level,
                "controls": uses,
                "months_compared": m,
                "rmse_one_step": math.sqrt(mse) if m else math.nan,
                "aic": m * math.log(mse) + 2 * k if m and mse > 0 else math.nan,
            }
        )
    table = pd.DataFrame(rows)
    best = int(table["aic"].fillna(np.inf).to_numpy().argmin()) if m else 0
    table["chosen"] = [i == best for i in range(len(table))]
    level, uses, model, result, notes = fitted[best]
    return ModelChoice(level, uses, model, result, table, notes)


def _typical_error(result: Any, log_scale: bool, pre: pd.Series) -> float:
    """The standard deviation of the one-step-ahead prediction errors in the pre-period
    (after the first year), in the series' units: the size of a typical monthly surprise."""
    errors = np.asarray(result.forecasts_error[0], float)
    burn = min(max(int(result.loglikelihood_burn), 12), len(errors))
    errors = errors[burn:][np.isfinite(errors[burn:])]
    if len(errors) < 2:
        return math.nan
    sd = float(np.std(errors, ddof=1))
    if log_scale:  # a log-scale error as a share of the pre-period's median level
        return sd * float(np.nanmedian(pre.to_numpy()))
    return sd


def pulse_power(
    paths: np.ndarray,
    alpha: float,
    typical_error: float,
    rng: np.random.Generator,
    pulses_sd: tuple[int, ...] = POWER_PULSES_SD,
) -> pd.DataFrame:
    """How often a one-month pulse in the event month of 2, 4 and 6 typical one-step errors
    would be told apart from zero (interval excluding zero), for the event month and the
    cumulative effect: a simulation estimate given the fitted model. Half the forecast paths
    (shuffled) set the intervals, the other half play the months that might have occurred
    without the event; the pulse is added to each."""
    columns = ["pulse_sd", "pulse", "power_event_month", "power_cumulative"]
    if not math.isfinite(typical_error) or len(paths) < 4:
        return pd.DataFrame(columns=columns)
    shuffled = paths[rng.permutation(len(paths))]
    half = len(shuffled) // 2
    reference, outcomes = shuffled[:half], shuffled[half:]
    month_ref, cum_ref = reference[:, 0], reference.sum(axis=1)
    month_out, cum_out = outcomes[:, 0], outcomes.sum(axis=1)
    rows = []
    for k in pulses_sd:
        pulse = k * typical_error
        rows.append(
            {
                "pulse_sd": k,
                "pulse": pulse,
                "power_event_month": _excludes_zero(month_out + pulse, month_ref, alpha),
                "power_cumulative": _excludes_zero(cum_out + pulse, cum_ref, alpha),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _excludes_zero(actual: np.ndarray, predicted: np.ndarray, alpha: float) -> float:
    low, high = np.quantile(predicted, [alpha / 2, 1 - alpha / 2])
    return float(((actual - high > 0) | (actual - low < 0)).mean())


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


def _forecast_moments(
    result: Any, steps: int, exog_future: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the next ``steps`` observations of a fitted state-space model.

    With state a ~ N(m, P) one step past the sample, transition T, design Z, selection R,
    state noise Q and observation noise H (time-invariant), y_{t+i} = Z a_{t+i} + d_i + e and
    Cov(y_{t+i}, y_{t+j}) = Z T^(j-i) P_i Z' (+ H when i = j), P_{i+1} = T P_i T' + R Q R'.
    The intercept d_i is the regression on the controls (``exog_future`` times the fitted
    coefficients) when the model has them. statsmodels' ``simulate`` draws from the same
    distribution (tests/test_event_counterfactual_model.py checks it); this is faster.
    """
    fr = result.filter_results
    design, transition = fr.design[:, :, 0], fr.transition[:, :, 0]
    selection, state_cov = fr.selection[:, :, 0], fr.state_cov[:, :, 0]
    obs_cov = fr.obs_cov[0, 0, 0]
    if exog_future is not None:
        names = result.model.param_names
        beta = np.asarray(result.params, float)[[n.startswith("beta.") for n in names]]
        intercepts = np.asarray(exog_future, float) @ beta
    else:
        intercepts = np.full(steps, fr.obs_intercept[0, 0])
    state, p = fr.predicted_state[:, -1].copy(), fr.predicted_state_cov[:, :, -1].copy()
    rqr = selection @ state_cov @ selection.T
    states_cov, means = [], []
    for i in range(steps):
        means.append(float((design @ state)[0] + intercepts[i]))
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
    exog_future: np.ndarray | None = None,
) -> tuple[np.ndarray, list[str]]:
    """``n_draws`` x ``steps`` forecast paths, with parameter uncertainty when
    ``parameter_draws`` > 0 (see :func:`pulse_effect`)."""
    from statsmodels.tools.numdiff import approx_hess

    if parameter_draws <= 0:
        mean, cov = _forecast_moments(result, steps, exog_future)
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
        mean, cov = _forecast_moments(result, steps, exog_future)
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
        mean, cov = _forecast_moments(filtered, steps, exog_future)
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


@dataclass(frozen=True)
class Counterfactual:
    """The counterfactual of an event on monthly data, or the counts that say why there is
    none (kzaf.event.narrative puts both in words)."""

    monthly: pd.DataFrame  # month, total_usd_m, shipment_goods_usd_m, rest_usd_m (observed)
    total: Impact | None  # on all goods; None when the monthly data are too short
    rest: Impact | None  # on all goods minus the event's HS code (None without that series)
    controls: pd.DataFrame = field(default_factory=pd.DataFrame)  # candidate control series
    months_before: int = 0  # months with a figure before the event month
    min_pre_months: int = 24  # the months before the event the model needs
    has_event_month: bool = False  # whether the series has a figure for the event month

    def goods_in_event_month(self, event: Event) -> float | None:
        """The event's HS code in the event month as the monthly data record it (or None)."""
        rows = self.monthly[self.monthly["month"] == event.month]
        if rows.empty or pd.isna(rows["shipment_goods_usd_m"].iloc[0]):
            return None
        return float(rows["shipment_goods_usd_m"].iloc[0])


_OTHER_FLOW = {"export": "import", "import": "export"}
MAX_CONTROLS = 5  # more regressors than this on a few years of months would overfit


def control_series(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    event: Event,
    *,
    policy: SourcePolicy | str = "official_first",
    single_countries: set[str] | None = None,
    min_months: int = 24,
) -> pd.DataFrame:
    """Monthly series that the event cannot have moved, to serve as regressors: the
    reporter's trade (same flow, all goods) with other partners, the partner's trade the other
    way with other countries (e.g. Afghanistan's imports from other suppliers) and other
    countries' trade with the partner as they report it. World totals and country groups are
    left out (they contain the event's own trade). ``single_countries`` (ISO3 codes), when
    given, limits the counterparts to them. Columns named "KAZ→UZB export"; only series with
    at least ``min_months`` months before the event, the ``MAX_CONTROLS`` longest."""
    pairs = observations[observations["commodity"] == "TOTAL"][["reporter", "partner"]]
    pairs = pairs.drop_duplicates()
    excluded = {"WLD", event.reporter, event.partner}

    def allowed(code: str) -> bool:
        return code not in excluded and (single_countries is None or code in single_countries)

    wanted = (
        [
            (event.reporter, p, event.flow)
            for p in pairs.loc[pairs["reporter"] == event.reporter, "partner"]
        ]
        + [
            (event.partner, p, _OTHER_FLOW.get(event.flow, event.flow))
            for p in pairs.loc[pairs["reporter"] == event.partner, "partner"]
        ]
        + [
            (r, event.partner, event.flow)
            for r in pairs.loc[pairs["partner"] == event.partner, "reporter"]
        ]
    )
    found = {}
    for reporter, partner, flow in dict.fromkeys(wanted):
        if not allowed(partner if reporter in (event.reporter, event.partner) else reporter):
            continue
        values = monthly_series(
            observations, sources, reporter=reporter, partner=partner, flow=flow, policy=policy
        )
        if int(values[values.index < event.month].notna().sum()) >= min_months:
            found[f"{reporter}→{partner} {flow}"] = values
    if not found:
        return pd.DataFrame(index=pd.PeriodIndex([], freq="M"))
    longest = sorted(found, key=lambda name: -int(found[name].notna().sum()))[:MAX_CONTROLS]
    return pd.DataFrame({name: found[name] for name in longest})


def monthly_counterfactual(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    event: Event,
    *,
    alpha: float = 0.05,
    policy: SourcePolicy | str = "official_first",
    post_months: int | None = 6,
    min_pre_months: int = 24,
    single_countries: set[str] | None = None,
) -> Counterfactual:
    """Run :func:`pulse_effect` on the event flow's monthly total (all goods) and, where the
    event's HS code has a monthly series too, on the total minus that code ("the rest": did
    other trade move?), offering the control series of :func:`control_series` as regressors
    (the model choice decides whether they are used). Without enough monthly data, ``total``
    is None (:func:`kzaf.event.narrative.counterfactual_message` says what is missing and
    how to supply it)."""
    kwargs = {"reporter": event.reporter, "partner": event.partner, "flow": event.flow}
    total = monthly_series(observations, sources, commodity="TOTAL", policy=policy, **kwargs)
    goods = monthly_series(observations, sources, commodity=event.hs_code, policy=policy, **kwargs)
    monthly = pd.DataFrame({"total_usd_m": total}).join(
        pd.DataFrame({"shipment_goods_usd_m": goods}), how="left"
    )
    monthly["rest_usd_m"] = monthly["total_usd_m"] - monthly["shipment_goods_usd_m"].fillna(0)
    monthly = monthly.rename_axis("month").reset_index()
    controls = control_series(
        observations, sources, event, policy=policy, single_countries=single_countries,
        min_months=min_pre_months,
    )  # fmt: skip
    n_pre = int(total[total.index < event.month].notna().sum()) if len(total) else 0
    has_event_month = event.month in total.index
    if n_pre < min_pre_months or not has_event_month:
        return Counterfactual(monthly, None, None, controls, n_pre, min_pre_months, has_event_month)
    offered = controls if controls.shape[1] else None

    def impact_on(values: pd.Series) -> Impact:
        return pulse_effect(
            values, event.month, alpha=alpha, post_months=post_months,
            min_pre_months=min_pre_months, controls=offered,
        )  # fmt: skip

    impact_total = impact_on(total)
    impact_rest = None
    if goods.notna().any():
        impact_rest = impact_on(total - goods.reindex(total.index).fillna(0))
    return Counterfactual(
        monthly, impact_total, impact_rest, controls, n_pre, min_pre_months, has_event_month
    )


def reference_impact(
    *, alpha: float = 0.05, post_months: int = 6, n_pre: int = 48, seed: int = 0
) -> Impact:
    """The counterfactual on a simulated reference series (level 100, white noise of sd 10,
    ``n_pre`` months before the event and ``post_months`` from it; simulated, not data), run
    as the notebook runs it: its model choice and power show what the method can detect when
    a pair has no monthly series of its own."""
    rng = np.random.default_rng(seed)
    n = n_pre + post_months
    values = pd.Series(
        100 + rng.normal(0, 10, n), index=pd.period_range("2019-01", periods=n, freq="M")
    )
    return pulse_effect(values, values.index[n_pre], alpha=alpha, post_months=post_months)
