"""Normalisation, aggregation and ranking of the composite risk index, on known values."""

import numpy as np
import pytest
from scipy.stats import norm

from kzaf.risk.composite import aggregate, normalise, rank_risks, weight_vector

# --- normalisation ----------------------------------------------------------------------------


def test_min_max_uses_observed_range_and_respects_direction():
    values = [2.0, 4.0, 6.0]
    assert normalise(values, "min_max") == pytest.approx([0.0, 0.5, 1.0])
    assert normalise(values, "min_max", direction="higher_safer") == pytest.approx([1, 0.5, 0])


def test_min_max_goalposts_fix_the_scale_and_clip():
    out = normalise([0.0, 2.5, 10.0, 12.0], "min_max", goalposts=(0, 10))
    assert out == pytest.approx([0.0, 0.25, 1.0, 1.0])
    # A corruption score of 17 on 0-100 where higher is cleaner: 0.83 of the way to riskiest.
    assert normalise([17.0], "min_max", direction="higher_safer", goalposts=(0, 100)) == (
        pytest.approx([0.83])
    )


def test_z_score_is_the_normal_cdf_of_the_standardised_value():
    values = np.array([1.0, 2.0, 3.0, 10.0])
    out = normalise(values, "z_score")
    z = norm.ppf(out)
    assert z.mean() == pytest.approx(0.0, abs=1e-12)
    assert z.std(ddof=1) == pytest.approx(1.0)
    assert np.all(np.diff(out) > 0)
    safer = normalise(values, "z_score", direction="higher_safer")
    assert safer == pytest.approx(1 - out)


def test_rank_gives_mid_rank_percentiles_with_ties():
    out = normalise([10.0, 30.0, 20.0, 20.0], "rank")
    assert out == pytest.approx([0.125, 0.875, 0.5, 0.5])
    assert normalise([10.0, 30.0], "rank", direction="higher_safer") == pytest.approx([0.75, 0.25])


def test_values_are_placed_against_a_reference_pool():
    pool = [0.0, 5.0, 10.0]
    assert normalise([5.0], "min_max", reference=pool) == pytest.approx([0.5])
    assert normalise([5.0], "z_score", reference=pool) == pytest.approx([0.5])
    assert normalise([10.0], "rank", reference=pool) == pytest.approx([5 / 6])


@pytest.mark.parametrize("method", ["min_max", "z_score", "rank"])
def test_a_constant_indicator_sits_in_the_middle(method):
    assert normalise([3.0, 3.0, 3.0], method) == pytest.approx([0.5, 0.5, 0.5])
    assert normalise([7.0], method) == pytest.approx([0.5])


@pytest.mark.parametrize("method", ["min_max", "z_score", "rank"])
def test_missing_values_stay_missing(method):
    out = normalise([1.0, np.nan, 3.0], method)
    assert np.isnan(out[1]) and not np.isnan(out[[0, 2]]).any()


def test_bad_normalisation_input_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown normalisation 'minmax'"):
        normalise([1.0], "minmax")
    with pytest.raises(ValueError, match="neutral indicator needs a rule"):
        normalise([1.0], direction="neutral")
    with pytest.raises(ValueError, match="goalposts must be"):
        normalise([1.0], goalposts=(10, 0))


# --- aggregation ------------------------------------------------------------------------------


def test_arithmetic_and_geometric_means_on_known_values():
    assert aggregate([0.2, 0.8]) == pytest.approx(0.5)
    assert aggregate([1.0, 0.0], [3, 1]) == pytest.approx(0.75)
    assert aggregate([0.25, 1.0], method="geometric") == pytest.approx(0.5)
    assert aggregate([0.5, 0.125], [2, 1], method="geometric") == pytest.approx(
        0.5 ** (2 / 3) * 0.125 ** (1 / 3)
    )


def test_geometric_mean_floors_zeros_instead_of_collapsing():
    out = aggregate([0.0, 1.0], method="geometric", floor=0.01)
    assert out == pytest.approx(0.1)  # sqrt(0.01 * 1)
    assert np.isfinite(aggregate([0.0, 0.0], method="geometric"))
    with pytest.raises(ValueError, match="not negative"):
        aggregate([-0.1, 0.5], method="geometric")


def test_aggregation_skips_missing_values_and_rescales_weights():
    assert aggregate([0.2, np.nan, 0.6], [1, 5, 1]) == pytest.approx(0.4)
    assert np.isnan(aggregate([np.nan, np.nan]))
    rows = aggregate(np.array([[0.2, 0.4], [np.nan, 0.9]]), [1, 1], axis=1)
    assert rows == pytest.approx([0.3, 0.9])


def test_geometric_never_exceeds_arithmetic():
    rng = np.random.default_rng(1)
    values = rng.random((200, 5))
    weights = rng.random(5)
    assert np.all(
        aggregate(values, weights, "geometric") <= aggregate(values, weights, "arithmetic") + 1e-12
    )


def test_weights_from_parameters():
    assert weight_vector({}, ["a", "b"]) == pytest.approx([0.5, 0.5])
    assert weight_vector({"a": 3}, ["a", "b"]) == pytest.approx([0.75, 0.25])
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['c'\]"):
        weight_vector({"c": 1}, ["a", "b"])
    with pytest.raises(ValueError, match="not negative"):
        weight_vector({"a": -1}, ["a", "b"])


# --- ranking ----------------------------------------------------------------------------------


def test_ties_share_rank_and_top_three_places():
    rank, top = rank_risks(np.array([[0.5, 0.5, 0.5, 0.5, 0.1]]))
    assert rank[0] == pytest.approx([1, 1, 1, 1, 5])
    assert top[0] == pytest.approx([0.75, 0.75, 0.75, 0.75, 0.0])
    rank, top = rank_risks(np.array([[0.9, 0.2, np.nan, 0.5]]))
    assert rank[0, [0, 1, 3]] == pytest.approx([1, 3, 2]) and np.isnan(rank[0, 2])
    assert top[0] == pytest.approx([1, 1, 0, 1])
