"""The counterfactual's model: the fast forecast algebra against statsmodels' own simulation,
the model choice, control series, the power estimate, and words that never say more than the
interval. Every series here is simulated (fixtures, truth known), never data."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from event_fixtures import obs, sources_for

from kzaf import data
from kzaf import event as ev
from kzaf.event.counterfactual import _forecast_moments, usable_controls

MONTHS = pd.period_range("2019-01", periods=60, freq="M")


def _fitted(spec, endog, exog=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.tsa.UnobservedComponents(endog, exog=exog, **spec)
        return model.fit(disp=False, cov_type="none")


@pytest.mark.parametrize("with_controls", [False, True], ids=["no controls", "controls"])
def test_fast_forecast_algebra_matches_statsmodels_simulate(with_controls):
    """Same model, same parameters: the mean and covariance of the next 6 months from
    _forecast_moments equal those of statsmodels' simulate(anchor="end") within Monte Carlo
    error (20,000 repetitions)."""
    rng = np.random.default_rng(5)
    n, steps = 54, 6
    control = 100 + np.cumsum(rng.normal(0, 3, n + steps))
    y = 20 + np.cumsum(rng.normal(0, 1, n)) + rng.normal(0, 2, n)
    y = y + (0.5 * control[:n] if with_controls else 0)
    spec = {
        "level": "lldtrend",
        "freq_seasonal": [{"period": 12, "harmonics": 2}],
        "stochastic_freq_seasonal": [False],
    }
    exog = control[:n, None] if with_controls else None
    future = control[n:, None] if with_controls else None
    result = _fitted(spec, y, exog)
    mean, cov = _forecast_moments(result, steps, future)
    draws = result.simulate(
        steps, anchor="end", repetitions=20_000, exog=future, rng=np.random.default_rng(1)
    )[:, 0, :].T
    sd = np.sqrt(np.diag(cov))
    assert np.all(np.abs(draws.mean(axis=0) - mean) < 4 * sd / np.sqrt(len(draws)))
    assert np.sqrt(np.diag(np.cov(draws.T))) == pytest.approx(sd, rel=0.03)
    corr, sample_corr = cov / np.outer(sd, sd), np.corrcoef(draws.T)
    assert np.abs(sample_corr - corr).max() < 0.03
    assert mean == pytest.approx(result.get_forecast(steps, exog=future).predicted_mean, rel=1e-9)


def test_model_choice_follows_the_pre_period():
    """A trending series gets the local linear trend, a flat one the local level; each choice
    comes with the candidates' scores."""
    rng = np.random.default_rng(2)
    flat = pd.Series(100 + rng.normal(0, 5, 54), index=MONTHS[:54])
    trending = pd.Series(100 + 3 * np.arange(54) + rng.normal(0, 5, 54), index=MONTHS[:54])
    settings = {"post_months": 6, "seasonal_harmonics": 0, "parameter_draws": 0}
    on_flat = ev.pulse_effect(flat, MONTHS[48], **settings)
    on_trend = ev.pulse_effect(trending, MONTHS[48], **settings)
    assert ev.model_text(on_flat).startswith("local level")
    assert ev.model_text(on_trend).startswith("local linear trend")
    assert "chosen among 2 candidates by the Akaike criterion" in ev.model_text(on_trend)
    table = on_trend.selection.set_index("candidate")
    assert table.loc["local linear trend", "aic"] < table.loc["local level", "aic"]
    assert table["chosen"].sum() == 1 and table["months_compared"].iloc[0] == 48 - 12
    # a trend seen through the level model leaves the cumulative effect biased upward
    level_only = ev.pulse_effect(trending, MONTHS[48], trend="local level", **settings)
    assert (
        level_only.summary.loc["cumulative", "abs_effect"]
        > on_trend.summary.loc["cumulative", "abs_effect"]
    )
    short = ev.pulse_effect(trending.iloc[6:], MONTHS[30], **settings)  # 24 months before
    assert len(short.selection) == 1 and ev.model_text(short).startswith("local level")
    with pytest.raises(ValueError, match="trend='drift' must be one of"):
        ev.pulse_effect(flat, MONTHS[48], trend="drift")


def test_control_series_sharpen_the_counterfactual():
    """A series that follows a wandering control: with the control as a regressor the model
    is chosen with it, finds the pulse, and its interval is much narrower than without."""
    rng = np.random.default_rng(3)
    control = 200 + np.cumsum(rng.normal(0, 15, 60))
    values = 0.8 * control + rng.normal(0, 5, 60)
    values[48] += 40
    series_ = pd.Series(values, index=MONTHS)
    controls = pd.DataFrame({"KAZ→UZB export": control}, index=MONTHS)
    settings = {"post_months": 6, "seasonal_harmonics": 0}
    with_controls = ev.pulse_effect(series_, MONTHS[48], controls=controls, **settings)
    without = ev.pulse_effect(series_, MONTHS[48], **settings)
    assert with_controls.controls == ("KAZ→UZB export",)
    assert "1 control series as regressors" in ev.model_text(with_controls)
    _, low, high = with_controls.event_effect
    _, low_0, high_0 = without.event_effect
    assert low < 40 < high and low > 0
    assert high - low < 0.6 * (high_0 - low_0)


def test_incomplete_or_constant_controls_are_set_aside_with_a_note():
    controls = pd.DataFrame(
        {"gappy": [1.0, np.nan, 3.0, 4.0], "constant": 5.0, "fine": [1.0, 2.0, 4.0, 3.0]},
        index=MONTHS[:4],
    )
    kept, notes = usable_controls(controls, MONTHS[:4], log_scale=False)
    assert list(kept.columns) == ["fine"]
    assert "gappy (missing months)" in notes[0] and "constant (constant)" in notes[0]
    none, no_notes = usable_controls(None, MONTHS[:4], log_scale=False)
    assert none.shape[1] == 0 and no_notes == []


def test_no_control_series_in_the_data_is_said_plainly():
    tables = data.load()
    event = ev.event_from("2023-01", 133.8, "8602")
    result = ev.monthly_counterfactual(tables.observations, tables.sources, event)
    assert result.controls.shape[1] == 0
    assert ev.controls_text(result, event).startswith("No control series available for this pair")
    note = ev.counterfactual_methods_text(result, event)
    assert "No control series available for this pair" in note
    assert "Akaike criterion" in note and "No model was chosen here" in note


def test_control_series_come_from_other_partners_never_the_world_total():
    def monthly(values, reporter="KAZ", partner="AFG", flow="export", tag="A"):
        return obs(
            *[
                {"obs_id": f"F{tag}{i:03d}", "start": str(m), "flow": flow, "value": v,
                 "reporter": reporter, "partner": partner, "source_id": "fixture-m"}
                for i, (m, v) in enumerate(zip(MONTHS, values, strict=True))
            ]
        )  # fmt: skip

    rng = np.random.default_rng(4)
    observations = pd.concat(
        [
            monthly(50 + rng.normal(0, 2, 60)),
            monthly(80 + rng.normal(0, 2, 60), partner="UZB", tag="B"),
            monthly(500 + rng.normal(0, 9, 60), partner="WLD", tag="C"),
            monthly(
                30 + rng.normal(0, 2, 60), reporter="AFG", partner="PAK", flow="import", tag="D"
            ),
        ],
        ignore_index=True,
    )
    event = ev.event_from("2023-01", 20.0, "8602")
    controls = ev.control_series(observations, sources_for(observations), event)
    assert sorted(controls.columns) == ["AFG→PAK import", "KAZ→UZB export"]
    only_uzb = ev.control_series(
        observations, sources_for(observations), event, single_countries={"UZB"}
    )
    assert list(only_uzb.columns) == ["KAZ→UZB export"]
    result = ev.monthly_counterfactual(observations, sources_for(observations), event)
    assert "Control series offered as regressors: " in ev.controls_text(result, event)
    assert len(result.total.selection) == 4  # level / trend, with and without controls


@pytest.mark.parametrize(
    ("low", "high", "word"),
    [(5.0, 20.0, "raised"), (-20.0, -5.0, "lowered"), (-5.0, 20.0, "cannot tell")],
)
def test_effect_words_never_exceed_the_interval(low, high, word):
    text = ev.effect_reading(low, high, "95%", "that month's figure")
    assert word in text
    if low <= 0 <= high:
        assert "raised" not in text and "lowered" not in text


@pytest.mark.simulation  # a coverage study: not in make test-quick
def test_no_pulse_never_reads_as_raised():
    """Simulated series without any event: wherever an interval includes zero, the paragraph
    neither says "raised" nor "lowered" nor calls the effect distinguishable from zero."""
    rng = np.random.default_rng(8)
    checked = 0
    for _ in range(6):
        values = pd.Series(100 + rng.normal(0, 5, 54), index=MONTHS[:54])
        impact = ev.pulse_effect(values, MONTHS[48], post_months=6, parameter_draws=0)
        text = ev.describe_impact(impact, "fixture exports", shipment_usd_m=3.0)
        _, low, high = impact.event_effect
        cumulative = impact.summary.loc["cumulative"]
        if (
            low <= 0 <= high
            and cumulative["abs_effect_lower"] <= 0 <= cumulative["abs_effect_upper"]
        ):
            checked += 1
            assert "raised" not in text and "lowered" not in text
            assert "not distinguishable from zero" in text
            assert "though the interval also includes zero" in text
    assert checked >= 4


def test_power_estimate_matches_the_normal_answer():
    """Independent standard normal months, 95% intervals: a 2-SD pulse in one month is found
    with probability Phi(2 - 1.96) + Phi(-2 - 1.96), about 0.52."""
    rng = np.random.default_rng(0)
    paths = rng.standard_normal((40_000, 3))
    power = ev.pulse_power(paths, 0.05, 1.0, rng).set_index("pulse_sd")
    assert power.loc[2, "power_event_month"] == pytest.approx(0.516, abs=0.02)
    # the cumulative sum over 3 months has sd sqrt(3): a 2-unit pulse is 1.15 SD of it
    assert power.loc[2, "power_cumulative"] == pytest.approx(0.21, abs=0.02)
    assert power.loc[6, "power_event_month"] > 0.99
