"""Composite index, its Monte Carlo and sensitivity: known cases and determinism."""

import numpy as np
import pandas as pd
import pytest
from _risk_fixtures import GRADED_ROWS, events, graded_register, identical_register, indicators

from kzaf.risk import (
    composite_distribution,
    composite_index,
    composite_trajectory,
    evidence_matrix,
    first_order_indices,
    rank_probabilities,
    risk_series,
    sensitivity,
    simulate_index,
)

NO_EVENTS = events([])
IDENTICAL_ROWS = [
    {"indicator": "fixture_threat", "year": 2023, "value": 4.0},
    {"indicator": "fixture_threat", "year": 2024, "value_low": 5.0, "value_high": 8.0},
    {"indicator": "fixture_loss", "year": 2024, "value": 40.0},
]


def _identical_matrix(n=5, **kwargs):
    register = identical_register(n)
    series = risk_series(register, indicators(IDENTICAL_ROWS), NO_EVENTS)
    return evidence_matrix(register, series, **kwargs)


def _graded_matrix(**kwargs):
    register = graded_register()
    series = risk_series(register, indicators(GRADED_ROWS), NO_EVENTS)
    return evidence_matrix(register, series, **kwargs)


@pytest.mark.parametrize("normalisation", ["min_max", "z_score", "rank"])
@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_equal_weights_and_identical_indicators_give_ties(normalisation, aggregation):
    table, _ = composite_index(
        _identical_matrix(), normalisation=normalisation, aggregation=aggregation
    )
    assert table["score"].nunique() == 1
    assert list(table["rank"]) == [1] * 5


def test_identical_risks_share_the_top_three_in_the_monte_carlo():
    matrix = _identical_matrix()
    fixed = simulate_index(matrix, n_draws=2_000, seed=3, weight_concentration=float("inf"))
    assert rank_probabilities(fixed)["p_top_three"].to_numpy() == pytest.approx([0.6] * 5)
    random = simulate_index(matrix, n_draws=4_000, seed=3)
    probabilities = rank_probabilities(random)["p_top_three"].to_numpy()
    assert probabilities.sum() == pytest.approx(3.0)
    assert probabilities == pytest.approx([0.6] * 5, abs=0.04)  # symmetric up to MC noise


def test_a_dominant_weight_makes_its_risk_rank_first():
    matrix = _identical_matrix()
    weights = {"R4": 10.0}
    table, _ = composite_index(matrix, weights=weights)
    assert table.set_index("risk_id").loc["R4", "rank"] == 1
    assert (table.set_index("risk_id").drop("R4")["rank"] == 2).all()
    draws = simulate_index(matrix, n_draws=2_000, seed=1, weights=weights)
    first = rank_probabilities(draws).iloc[0]
    assert first["risk_id"] == "R4" and first["p_first"] == pytest.approx(1.0)


def test_composite_on_known_values():
    table, composite = composite_index(_graded_matrix())
    scores = table.set_index("risk_id")["score"]
    assert scores[["R1", "R2", "R3"]].to_numpy() == pytest.approx([0.85, 0.5, 0.1])
    assert np.isnan(scores["R4"]) and pd.isna(table.set_index("risk_id").loc["R4", "rank"])
    assert composite == pytest.approx((0.85 + 0.5 + 0.1) / 3)  # R4 has no data: left out
    _, geometric = composite_index(_graded_matrix(), aggregation="geometric")
    expected = np.exp(np.mean(np.log([np.sqrt(0.9 * 0.8), 0.5, 0.1])))
    assert geometric == pytest.approx(expected)


def test_override_enters_the_composite_as_the_middle_of_its_band():
    table, _ = composite_index(_graded_matrix(overrides={"R3": {"likelihood": 5}}))
    row = table.set_index("risk_id").loc["R3"]
    assert row["likelihood_index"] == pytest.approx(0.9) and row["overridden"]
    assert row["score"] == pytest.approx((0.9 + 0.1) / 2)


def test_same_seed_gives_identical_draws_and_another_seed_does_not():
    matrix = _graded_matrix()
    a = simulate_index(matrix, n_draws=500, seed=42)
    b = simulate_index(matrix, n_draws=500, seed=42)
    c = simulate_index(matrix, n_draws=500, seed=43)
    assert np.array_equal(a.composite, b.composite)
    pd.testing.assert_frame_equal(a.factors, b.factors)
    pd.testing.assert_frame_equal(rank_probabilities(a), rank_probabilities(b))
    assert not np.array_equal(a.composite, c.composite)


def test_fixed_choices_reproduce_the_point_estimate():
    matrix = _graded_matrix()
    draws = simulate_index(
        matrix,
        n_draws=50,
        normalisations=["min_max"],
        aggregations=["arithmetic"],
        weight_concentration=float("inf"),
        indicator_ranges=False,
    )
    _, composite = composite_index(matrix)
    assert draws.composite == pytest.approx([composite] * 50)
    assert list(draws.factors.columns) == []


def test_indicator_ranges_are_drawn_within_their_bounds():
    matrix = _identical_matrix(n=2)
    draws = simulate_index(
        matrix,
        n_draws=1_000,
        seed=0,
        normalisations=["min_max"],
        aggregations=["arithmetic"],
        weight_concentration=float("inf"),
    )
    assert list(draws.factors.columns) == ["range: fixture_threat (AFG)"]
    # Likelihood 5..8 on 0-10 -> 0.5..0.8; impact fixed at 0.4 -> score 0.45..0.6.
    assert draws.composite.min() >= 0.45 - 1e-12 and draws.composite.max() <= 0.6 + 1e-12
    summary = composite_distribution(draws).iloc[0]
    assert summary["q50"] == pytest.approx(0.525, abs=0.01)


def test_first_order_indices_recover_known_shares():
    rng = np.random.default_rng(0)
    n = 20_000
    x1, x2 = rng.random(n), rng.random(n)
    choice = pd.Categorical(rng.choice(["a", "b"], n))
    y = x1 + 2 * x2 + 0 * (choice == "a")
    factors = pd.DataFrame({"x1": x1, "x2": x2, "choice": choice})
    table = first_order_indices(factors, y).set_index("factor")
    assert table.loc["x1", "first_order"] == pytest.approx(0.2, abs=0.02)
    assert table.loc["x2", "first_order"] == pytest.approx(0.8, abs=0.02)
    assert table.loc["choice", "first_order"] < 0.01
    assert table.loc["x2", "low"] < table.loc["x2", "high"]
    step = np.where(np.asarray(choice) == "a", 0.0, 1.0)
    table = first_order_indices(factors, step + 0.1 * x1).set_index("factor")
    assert table.loc["choice", "first_order"] > 0.95
    assert (table.loc["choice", "low_label"], table.loc["choice", "high_label"]) == ("a", "b")


def test_sensitivity_finds_the_choice_that_drives_the_composite():
    draws = simulate_index(_graded_matrix(), n_draws=4_000, seed=5)
    table = sensitivity(draws)
    assert set(table["factor"]) >= {"normalisation", "aggregation", "weight R1"}
    assert table["first_order"].between(0, 1).all()
    with pytest.raises(ValueError, match="unknown sensitivity output 'rank:R9'"):
        sensitivity(draws, "rank:R9")
    assert len(sensitivity(draws, "rank:R2")) == len(table)


def test_trajectory_uses_figures_within_the_window():
    register = identical_register(2)
    series = risk_series(register, indicators(IDENTICAL_ROWS), NO_EVENTS)
    matrix = evidence_matrix(register, series)
    years = [2022, 2023, 2024]
    frame = composite_trajectory(register, series, matrix, years, window_years=1)
    assert np.isnan(frame.loc[0, "composite"]) and frame.loc[0, "n_risks"] == 0
    # 2023: only the likelihood figure (4 -> 0.4): not scored unless partial scores are allowed.
    assert np.isnan(frame.loc[1, "composite"]) and frame.loc[1, "evidence_share"] == 0.5
    partial = composite_trajectory(register, series, matrix, years, window_years=1, partial=True)
    assert partial.loc[1, "composite"] == pytest.approx(0.4)
    # 2024: threat 5..8 scored at 6.5 -> 0.65, loss 40 -> 0.4.
    assert frame.loc[2, "composite"] == pytest.approx((0.65 + 0.4) / 2)


def test_a_risk_needs_both_dimensions_unless_an_analyst_fills_one_in():
    register = identical_register(2)
    rows = [r for r in IDENTICAL_ROWS if r["indicator"] == "fixture_threat"]
    matrix = evidence_matrix(register, risk_series(register, indicators(rows), NO_EVENTS))
    table, composite = composite_index(matrix)
    assert table["score"].isna().all() and np.isnan(composite)
    table, _ = composite_index(matrix, partial=True)
    assert table["score"].to_numpy() == pytest.approx([0.65, 0.65])
    filled = evidence_matrix(
        register,
        risk_series(register, indicators(rows), NO_EVENTS),
        overrides={"R2": {"impact": 1}},
    )
    table, _ = composite_index(filled)
    assert np.isnan(table.loc[0, "score"]) and table.loc[1, "score"] == pytest.approx(
        (0.65 + 0.1) / 2
    )


def test_bad_monte_carlo_settings_are_named():
    matrix = _graded_matrix()
    with pytest.raises(ValueError, match="unknown normalisation 'minmax'"):
        simulate_index(matrix, n_draws=10, normalisations=["minmax"])
    with pytest.raises(ValueError, match="n_draws must be at least 1"):
        simulate_index(matrix, n_draws=0)
    with pytest.raises(ValueError, match=r"weights: unknown key\(s\) \['R11'\]"):
        simulate_index(matrix, n_draws=10, weights={"R11": 1})


def test_a_drawn_value_keeps_its_rank_when_its_range_does_not_cross_other_figures():
    matrix = _identical_matrix(n=2)  # threat: 4 (2023) and 5..8 (2024)
    draws = simulate_index(
        matrix,
        n_draws=500,
        normalisations=["rank"],
        aggregations=["arithmetic"],
        weight_concentration=float("inf"),
    )
    # 5..8 always ranks above 4: the mid-rank of the latest of two figures, 0.75, every draw;
    # the loss figure stands alone and keeps the middle, 0.5.
    assert draws.composite == pytest.approx([(0.75 + 0.5) / 2] * 500)
