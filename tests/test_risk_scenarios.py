"""Trade scenarios: cases with known answers, calibration of the noise, determinism."""

import numpy as np
import pytest

from kzaf.risk import (
    ScenarioParameters,
    fan_table,
    reach_probabilities,
    shock_frequencies,
    simulate_trade,
    trade_baseline,
)

# Simulated series (not data): 100 growing 10% a year with small wiggles.
YEARS = list(range(2015, 2025))
WIGGLE = [0.02, -0.01, 0.03, -0.02, 0.0, 0.01, -0.03, 0.02, -0.01, 0.0]
VALUES = [100 * 1.1 ** (y - 2015) * np.exp(w) for y, w in zip(YEARS, WIGGLE, strict=True)]
QUIET = ScenarioParameters(noise_scale=0.0)


@pytest.fixture(scope="module")
def baseline():
    return trade_baseline(YEARS, VALUES, 2030)


def test_baseline_continues_the_fitted_trend(baseline):
    assert list(baseline.years) == list(range(2025, 2031))
    assert baseline.growth == pytest.approx(0.1, abs=0.01)
    fitted = baseline.fit.predictions.set_index("year")["fitted"]
    assert baseline.level == pytest.approx(fitted.loc[2025:2030].to_numpy())
    anchored = trade_baseline(YEARS, VALUES, 2030, anchor="last_observed")
    assert anchored.level[0] == pytest.approx(VALUES[-1] * (1 + anchored.growth))


def test_no_shocks_and_no_noise_reproduce_the_baseline(baseline):
    paths = simulate_trade(baseline, QUIET, n_draws=100, seed=1)
    assert np.array_equal(paths.values, np.broadcast_to(baseline.level, (100, 6)))


def test_a_certain_closure_of_known_length_cuts_the_year_by_its_share():
    baseline = trade_baseline(YEARS, VALUES, 2027)
    params = ScenarioParameters(
        closure_probability=1.0, closure_days=(73.0, 73.0), closure_trade_share=1.0, noise_scale=0.0
    )
    paths = simulate_trade(baseline, params, n_draws=10, seed=0)
    assert paths.values == pytest.approx(np.broadcast_to(0.8 * baseline.level, (10, 3)))
    half = ScenarioParameters(
        closure_probability=1.0, closure_days=(73.0, 73.0), closure_trade_share=0.5, noise_scale=0.0
    )
    paths = simulate_trade(baseline, half, n_draws=10, seed=0)
    assert paths.values == pytest.approx(np.broadcast_to(0.9 * baseline.level, (10, 3)))


def test_sanctions_persist_and_the_railway_lifts_trade_from_its_first_year(baseline):
    sanctions = ScenarioParameters(sanctions_probability=1.0, sanctions_drop=0.3, noise_scale=0.0)
    paths = simulate_trade(baseline, sanctions, n_draws=5)
    assert paths.values == pytest.approx(np.broadcast_to(0.7 * baseline.level, (5, 6)))
    railway = ScenarioParameters(
        railway_probability=1.0, railway_first_year=2028, railway_uplift=0.25, noise_scale=0.0
    )
    paths = simulate_trade(baseline, railway, n_draws=5)
    factor = np.where(baseline.years >= 2028, 1.25, 1.0)
    assert paths.values[0] == pytest.approx(baseline.level * factor)


def test_shock_frequencies_match_their_probabilities(baseline):
    params = ScenarioParameters(
        closure_probability=0.3, security_probability=0.1, security_drop=0.2, noise_scale=0.0
    )
    paths = simulate_trade(baseline, params, n_draws=20_000, seed=2)
    table = shock_frequencies(paths).set_index("shock")
    assert table.loc["closure", "mean_years_affected"] == pytest.approx(0.3 * 6, rel=0.03)
    assert table.loc["security", "share_of_paths"] == pytest.approx(1 - 0.9**6, rel=0.03)
    assert table.loc["sanctions", "share_of_paths"] == 0


def test_noise_reproduces_the_trend_fits_t_prediction_intervals(baseline):
    """The paths' 5% and 95% quantiles are the fit's 90% prediction interval (Student t with
    n - 2 degrees of freedom), not the narrower normal one."""
    paths = simulate_trade(baseline, ScenarioParameters(), n_draws=40_000, seed=3)
    logs = np.log(paths.values)
    assert np.median(logs, axis=0) == pytest.approx(np.log(baseline.level), abs=0.01)
    future = baseline.fit.predictions.set_index("year").loc[baseline.years]
    low, high = np.quantile(logs, [0.05, 0.95], axis=0)
    assert low == pytest.approx(np.log(future["lower"].to_numpy()), abs=0.01)
    assert high == pytest.approx(np.log(future["upper"].to_numpy()), abs=0.01)
    normal_sd = np.sqrt(baseline.line_sd**2 + baseline.noise_sd**2)
    assert np.all(high - np.log(baseline.level) > 1.02 * 1.645 * normal_sd)
    assert np.all(np.diff(baseline.line_sd) > 0)  # the line grows less certain with distance


@pytest.mark.simulation  # a coverage study: not in make test-quick
@pytest.mark.parametrize("n", [4, 8])
def test_reach_probability_is_calibrated_on_short_series(n):
    """Simulated short series (truth known): a threshold the paths give a 10% chance three
    years ahead is reached about 10% of the time."""
    rng = np.random.default_rng(40 + n)
    years = list(range(2015, 2015 + n))
    trials, reached = 300, 0
    for k in range(trials):
        logs = np.log(200) + 0.08 * np.arange(n + 3) + rng.normal(0, 0.2, n + 3)
        baseline = trade_baseline(years, np.exp(logs[:n]), 2015 + n + 2)
        paths = simulate_trade(baseline, ScenarioParameters(), n_draws=1000, seed=k)
        reached += np.exp(logs[-1]) > np.quantile(paths.values[:, -1], 0.9)
    assert 0.06 <= reached / trials <= 0.14


def test_reach_probabilities_and_fan(baseline):
    paths = simulate_trade(baseline, QUIET, n_draws=10)
    level_2030 = baseline.level[-1]
    table = reach_probabilities(
        paths, {"below": level_2030 * 0.99, "above": level_2030 * 1.01}, 2030
    ).set_index("threshold")
    assert table.loc["below", "p_in_target_year"] == 1.0
    assert table.loc["above", "p_by_target_year"] == 0.0
    with pytest.raises(ValueError, match="target_year 2035 is not a projected year"):
        reach_probabilities(paths, {"x": 1}, 2035)
    fan = fan_table(paths)
    assert fan["q50"].to_numpy() == pytest.approx(baseline.level)


def test_same_seed_same_paths():
    baseline = trade_baseline(YEARS, VALUES, 2030)
    params = ScenarioParameters(
        closure_probability=0.2, sanctions_probability=0.1, sanctions_drop=0.3
    )
    a = simulate_trade(baseline, params, n_draws=1_000, seed=9)
    b = simulate_trade(baseline, params, n_draws=1_000, seed=9)
    c = simulate_trade(baseline, params, n_draws=1_000, seed=10)
    assert np.array_equal(a.values, b.values) and not np.array_equal(a.values, c.values)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"closure_probability": 1.5}, "closure_probability must lie in 0–1"),
        ({"closure_days": [30, 10]}, "closure_days must be"),
        ({"railway_uplift": -0.1}, "railway_uplift must not be negative"),
        ({"closure_odds": 0.1}, r"unknown scenario parameter\(s\) \['closure_odds'\]"),
    ],
)
def test_bad_scenario_parameters_are_named(values, message):
    with pytest.raises(ValueError, match=message):
        ScenarioParameters.from_mapping(values)


def test_horizon_must_lie_after_the_data():
    with pytest.raises(ValueError, match="horizon_year 2024 must be after the last data year"):
        trade_baseline(YEARS, VALUES, 2024)
