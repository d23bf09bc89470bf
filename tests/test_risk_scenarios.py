"""Trade scenarios: cases with known answers, calibration of the noise, determinism."""

import numpy as np
import pytest
from scipy import stats

from kzaf.risk import (
    ScenarioParameters,
    fan_table,
    reach_probabilities,
    shock_frequencies,
    simulate_trade,
    trade_baseline,
)
from kzaf.risk.predictive import PREDICTIVES, trend_posterior
from kzaf.risk.scenarios import PartYear, below_probability, by_predictive, predictive_range

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
    normal = simulate_trade(
        baseline, ScenarioParameters(), n_draws=40_000, seed=3,
        predictive="normal with parameter uncertainty",
    )  # fmt: skip
    assert np.all(np.quantile(np.log(normal.values), 0.95, axis=0) < high - 0.001)
    width = np.diff(np.quantile(np.log(normal.values), [0.05, 0.95], axis=0), axis=0)[0]
    assert np.all(np.diff(width) > 0)  # the line grows less certain with distance


def test_each_predictive_assumption_matches_its_closed_form(baseline):
    """Plug-in normal: the fitted line ± z·s; normal with parameter uncertainty: ± z·s·sqrt(1 +
    leverage), the normal version of the fit's prediction interval (known truth)."""
    fit = baseline.fit
    t_crit = stats.t.ppf(0.95, len(YEARS) - 2)
    future = fit.predictions.set_index("year").loc[baseline.years]
    total = np.log(future["upper"] / future["fitted"]).to_numpy() / t_crit  # s·sqrt(1 + h)
    s = fit.log_residual_sd
    for name, sd in (("plug-in normal", np.full(len(total), s)),
                     ("normal with parameter uncertainty", total)):  # fmt: skip
        paths = simulate_trade(baseline, ScenarioParameters(), n_draws=60_000, seed=4,
                               predictive=name)  # fmt: skip
        high = np.quantile(np.log(paths.values), 0.95, axis=0)
        assert high - np.log(baseline.level) == pytest.approx(1.645 * sd, rel=0.03)
    with pytest.raises(ValueError, match="predictive must be one of"):
        simulate_trade(baseline, ScenarioParameters(), n_draws=10, predictive="Cauchy")


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
    assert "mean" not in fan.columns  # heavy-tailed draws: quantiles only


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


# ---------------------------------------------------------------------------------------------
# A published part year, the downside, and years that are not independent


def test_a_part_year_keeps_only_paths_its_months_can_belong_to():
    """January–August at 300 (simulated figure) with the rest at 0.5–2 times its pace: the
    year lies in 375–600, so a $1,000 year is ruled out and every kept path respects it."""
    part = PartYear(year=2025, months=8, value_low=300.0, value_high=300.0)
    assert part.bounds() == pytest.approx((375.0, 600.0))
    assert part.label == "January–August 2025"
    noisy = trade_baseline(YEARS[-4:], [300.0, 700.0, 420.0, 450.0], 2030)
    free = simulate_trade(noisy, ScenarioParameters(), n_draws=20_000, seed=5)
    kept = simulate_trade(noisy, ScenarioParameters(), n_draws=20_000, seed=5, condition=part)
    assert (free.values[:, 0] >= 1000).mean() > 0.05
    assert 0 < kept.n_draws < kept.n_simulated == 20_000
    assert kept.values[:, 0].min() >= 375 and kept.values[:, 0].max() <= 600
    table = reach_probabilities(kept, {"$1,000": 1000.0}, 2030).iloc[0]
    assert table["p_by_target_year"] >= table["p_in_target_year"]
    # Conditioning on 2025 updates the line: later years' spread narrows too.
    spread = [np.subtract(*np.quantile(p.values[:, -1], [0.95, 0.05])) for p in (free, kept)]
    assert spread[1] < 0.8 * spread[0]


def test_a_part_year_nothing_can_fit_is_a_clear_error():
    part = PartYear(year=2025, months=8, value_low=1e6, value_high=1e6)
    with pytest.raises(ValueError, match="no simulated path has a 2025 total consistent"):
        simulate_trade(trade_baseline(YEARS, VALUES, 2027), QUIET, n_draws=100, condition=part)
    with pytest.raises(ValueError, match="a part year has 1 to 11 months"):
        PartYear(year=2025, months=12, value_low=1.0, value_high=1.0)


def test_the_range_across_predictive_assumptions_and_the_downside():
    baseline = trade_baseline(YEARS[-4:], [300.0, 700.0, 420.0, 450.0], 2030)
    runs = by_predictive(baseline, ScenarioParameters(), n_draws=20_000, seed=6)
    assert set(runs) == set(PREDICTIVES)
    table = predictive_range(runs, {"$1,000": 1000.0}, 100.0, 2030).set_index("predictive")
    # The plug-in normal ignores the fit's uncertainty: the thinnest tails on both sides.
    assert table.loc["plug-in normal", "below"] < table.loc["Student t", "below"]
    assert table.loc["plug-in normal", "in:$1,000"] < table.loc["Student t", "in:$1,000"]
    assert below_probability(runs["Student t"], float("inf"), 2030) == 1.0


def test_the_persistence_prior_is_updated_by_a_long_series():
    """A long AR(1) series (rho 0.7, simulated) moves the posterior of rho towards 0.7; a
    prior of 0 is ordinary least squares."""
    rng = np.random.default_rng(8)
    n, rho = 200, 0.7
    errors = np.zeros(n)
    for t in range(1, n):
        errors[t] = rho * errors[t - 1] + rng.normal(0, 0.1)
    years = list(range(1800, 1800 + n))
    values = np.exp(np.log(100) + 0.01 * np.arange(n) + errors)
    posterior = trend_posterior(years, values, rho_max=0.95)
    assert posterior.rho_mean == pytest.approx(rho, abs=0.1)
    ols = trend_posterior(YEARS, VALUES)
    fit = trade_baseline(YEARS, VALUES, 2026).fit
    assert np.expm1(ols.beta[0, 1]) == pytest.approx(fit.growth)
    assert np.sqrt(ols.scale2[0]) == pytest.approx(fit.log_residual_sd)


@pytest.mark.slow
def test_the_persistence_prior_restores_coverage_when_years_persist():
    """Simulated series of 6 points with AR(1) errors (rho 0.5; truth known): the 5–95% range
    three years ahead holds the outcome about 90% of the time with the persistence prior, and
    clearly less often when the paths assume independent years."""
    rng = np.random.default_rng(21)
    years, trials = list(range(2015, 2021)), 300
    inside = {0.0: 0, 0.9: 0}
    for k in range(trials):
        logs = np.log(200) + _ar1(rng, 9, 0.5, 0.25)
        for rho_max in inside:
            baseline = trade_baseline(years, np.exp(logs[:6]), 2023, rho_max=rho_max)
            last = simulate_trade(baseline, ScenarioParameters(), n_draws=2000, seed=k)
            low, high = np.quantile(last.values[:, -1], [0.05, 0.95])
            inside[rho_max] += low <= np.exp(logs[-1]) <= high
    assert inside[0.9] / trials >= 0.86
    assert inside[0.0] / trials <= inside[0.9] / trials - 0.04


def _ar1(rng, n, rho, sd):
    out = np.empty(n)
    out[0] = rng.normal(0, sd)
    for t in range(1, n):
        out[t] = rho * out[t - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2))
    return out
