"""loglinear_trend recovers a known growth rate on simulated series; intervals cover it."""

import numpy as np
import pytest

from kzaf.trajectory import loglinear_trend


def test_exact_exponential_series_gives_its_growth():
    years = list(range(2015, 2021))
    values = [100 * 1.2 ** (y - 2015) for y in years]
    fit = loglinear_trend(years, values, until=2023)
    assert fit.growth == pytest.approx(0.2, abs=1e-9)
    row = fit.predictions.set_index("year").loc[2023]
    assert row["fitted"] == pytest.approx(100 * 1.2**8, rel=1e-9)


@pytest.mark.simulation  # a coverage study: not in make test-quick
def test_interval_covers_true_growth_near_nominal_rate():
    rng = np.random.default_rng(7)
    years = np.arange(2010, 2022)
    covered = 0
    trials = 400
    for _ in range(trials):
        noise = rng.normal(0, 0.1, len(years))
        values = 50 * np.exp(0.08 * (years - 2010) + noise)
        fit = loglinear_trend(years, values, alpha=0.1, cov_type="nonrobust")
        covered += fit.growth_low <= np.expm1(0.08) <= fit.growth_high
    rate = covered / trials
    print(f"coverage of 90% growth interval over {trials} simulated series: {rate:.3f}")
    assert 0.85 <= rate <= 0.95


def test_too_few_points_is_a_clear_error():
    with pytest.raises(ValueError, match="at least 3 annual values, got 2"):
        loglinear_trend([2021, 2022], [474.3, 987.9])
    with pytest.raises(ValueError, match="positive"):
        loglinear_trend([2020, 2021, 2022], [1, 0, 2])


def test_intervals_are_statsmodels_prediction_intervals():
    import statsmodels.api as sm

    years = np.arange(2016, 2024)
    values = np.array([400.0, 380, 450, 470, 474, 988, 567, 545])
    fit = loglinear_trend(years, values, until=2030, alpha=0.1)
    design = sm.add_constant(np.arange(2016, 2031) - 2016.0)
    reference = (
        sm.OLS(np.log(values), sm.add_constant(years - 2016.0))
        .fit()
        .get_prediction(design)
        .summary_frame(alpha=0.1)
    )
    assert np.allclose(fit.predictions["lower"], np.exp(reference["obs_ci_lower"]))
    assert np.allclose(fit.predictions["upper"], np.exp(reference["obs_ci_upper"]))


@pytest.mark.simulation  # a coverage study: not in make test-quick
@pytest.mark.parametrize("n", [3, 5, 8, 10])
def test_default_errors_cover_near_nominal_on_few_points(n):
    """On 3-8 annual points the default (classical, t) interval keeps its 90% promise;
    robust HC1 errors fell to 84-87% here."""
    rng = np.random.default_rng(n)
    years = np.arange(2016, 2016 + n)
    trials, covered = 600, 0
    for _ in range(trials):
        values = 300 * np.exp(0.05 * (years - 2016) + rng.normal(0, 0.2, n))
        fit = loglinear_trend(years, values, alpha=0.1)
        covered += fit.growth_low <= np.expm1(0.05) <= fit.growth_high
        assert fit.cov_type == "nonrobust"
    assert 0.87 <= covered / trials <= 0.93


def test_growth_interval_is_statsmodels_slope_interval():
    import statsmodels.api as sm

    years = np.arange(2018, 2024)
    values = np.array([120.0, 150, 140, 210, 190, 260])
    fit = loglinear_trend(years, values, alpha=0.1)
    reference = sm.OLS(np.log(values), sm.add_constant(years - 2018.0)).fit().conf_int(0.1)
    assert fit.growth_low == pytest.approx(np.expm1(reference[1, 0]), rel=1e-12)
    assert fit.growth_high == pytest.approx(np.expm1(reference[1, 1]), rel=1e-12)


@pytest.mark.simulation  # a coverage study: not in make test-quick
@pytest.mark.parametrize("n", [3, 6, 10])
def test_prediction_interval_covers_the_next_values_near_nominal(n):
    """The trend's 90% prediction interval two years past the data holds the value that then
    occurs about 90% of the time on 3-10 points (simulated series, truth known)."""
    rng = np.random.default_rng(100 + n)
    years = np.arange(2016, 2016 + n)
    trials, covered = 300, 0
    for _ in range(trials):
        logs = np.log(300) + 0.05 * np.arange(n + 2) + rng.normal(0, 0.2, n + 2)
        fit = loglinear_trend(years, np.exp(logs[:n]), until=2016 + n + 1, alpha=0.1)
        last = fit.predictions.iloc[-1]
        covered += last["lower"] <= np.exp(logs[-1]) <= last["upper"]
    assert 0.85 <= covered / trials <= 0.95
