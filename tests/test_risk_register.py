"""Risk register: evidence series, scoring rules, trends and overrides, on fixture tables."""

import numpy as np
import pandas as pd
import pytest
from _risk_fixtures import EVENT_RULE, GRADED_ROWS, events, graded_register, indicators

from kzaf.risk import (
    IndicatorEvidence,
    Risk,
    band_score,
    event_counts,
    evidence_matrix,
    evidence_table,
    indicator_series,
    risk_register,
    risk_series,
)

NO_EVENTS = events([])


def test_ranges_and_disagreeing_sources_become_one_row_with_a_range():
    table = indicators(
        [
            {"indicator": "fixture_fighters", "year": 2024, "value_low": 4000, "value_high": 6000},
            {"indicator": "fixture_fighters", "year": 2024, "value_low": 2000, "value_high": 3500},
            {"indicator": "fixture_fighters", "year": 2025, "value": 2000, "precision": "about"},
            {"indicator": "fixture_fighters", "year": 2023, "value": 20, "precision": "at_least"},
            {"indicator": "fixture_fighters", "year": 2022, "value": 1, "precision": "presence"},
        ]
    )
    series = indicator_series(table).set_index("year")
    assert series.loc[2024, "value"] == pytest.approx((5000 + 2750) / 2)
    assert (series.loc[2024, "low"], series.loc[2024, "high"]) == (2000, 6000)
    assert series.loc[2024, "n_figures"] == 2
    assert series.loc[2024, "figure_ids"] == "FX-001;FX-002"
    assert (series.loc[2025, "low"], series.loc[2025, "high"]) == pytest.approx(
        (1800, 2200)
    )  # "about" one-digit figure: ±10% (kzaf.series.ONE_DIGIT_TOLERANCE), not ±500
    assert (series.loc[2023, "low"], series.loc[2023, "high"]) == (20, 20)
    assert 2022 not in series.index  # a presence row carries no number


def test_event_counts_use_a_trailing_window_from_the_first_such_event():
    table = events(
        [
            {"date": "2021-05", "kind": "other"},
            {"date": "2023-02-01", "kind": "border_closure", "risk_ids": "R3"},
            {"date": "2025-10-12", "kind": "border_closure", "risk_ids": "R3;R4"},
            {"date": "2025-02", "kind": "border_closure", "risk_ids": "R4", "country": "UZB"},
        ]
    )
    counts = event_counts(table, kind="border_closure", risk_id="R3", window_years=3)
    # 2021-2022 get no count: the first closure on record is in 2023.
    assert dict(zip(counts["year"], counts["value"], strict=True)) == {
        2023: 1,
        2024: 1,
        2025: 2,
    }
    assert counts["derived"].all()
    by_uzb = event_counts(table, kind="border_closure", risk_id="R4", countries=("UZB",))
    assert by_uzb.set_index("year").loc[2025, "value"] == 1


def test_reports_of_one_happening_count_once():
    table = events(
        [
            {"date": "2024-10-09", "kind": "recognition_step", "risk_ids": "R2", "country": "UZB"},
            {"date": "2024-10-10", "kind": "recognition_step", "risk_ids": "R2", "country": "UZB"},
            {"date": "2024-08-21", "kind": "recognition_step", "risk_ids": "R2", "country": "KAZ"},
        ]
    )
    counts = event_counts(table, kind="recognition_step", risk_id="R2", window_years=1)
    assert counts.set_index("year").loc[2024, "value"] == 2


def test_closure_reports_count_as_episodes():
    closure = {"kind": "border_closure", "risk_ids": "R3", "country": "PAK"}
    table = events(
        [
            {**closure, "date": "2025-02-21", "end_date": "2025-03-19"},
            {**closure, "date": "2025-02-22"},  # another report of the same closure
            {**closure, "date": "2025-10-11"},  # new: the February closure had ended
            {**closure, "date": "2025-11-17"},  # still closed: same episode
            {**closure, "date": "2026-03-11"},  # still closed: same episode
            {**closure, "date": "2023-09-06"},
            {"kind": "border_reopening", "risk_ids": "R3", "country": "PAK", "date": "2023-09-15"},
        ]
    )
    counts = event_counts(
        table, kind="border_closure", risk_id="R3", window_years=3, episodes=True
    ).set_index("year")["value"]
    assert counts.loc[2026] == 2 and counts.loc[2025] == 3
    plain = event_counts(table, kind="border_closure", risk_id="R3", window_years=3)
    assert plain.set_index("year").loc[2026, "value"] == 4  # reports by month, not episodes


def test_band_score_is_the_fifth_of_the_range():
    assert [band_score(x) for x in (0, 0.19, 0.2, 0.5, 0.79, 0.8, 1.0)] == [1, 1, 2, 3, 4, 5, 5]
    assert band_score(3 / 5) == 4  # no floating-point slip at a band edge
    assert band_score(np.nan) is None


def test_scores_follow_the_rule_on_fixture_indicators():
    register = graded_register()
    series = risk_series(register, indicators(GRADED_ROWS), NO_EVENTS)
    table = risk_register(register, evidence_table(register, series))
    scores = table.set_index("risk_id")
    # R1: 9 on 0-10 -> 0.9 -> 5; 8 -> 0.8 -> 5. R2: 0.5 -> 3. R3: 0.1 -> 1.
    assert list(scores.loc[["R1", "R2", "R3"], "likelihood"]) == [5, 3, 1]
    assert list(scores.loc[["R1", "R2", "R3"], "impact"]) == [5, 3, 1]
    assert scores.loc["R1", "rating"] == 25
    assert scores.loc["R4", "status"] == "insufficient data"
    assert pd.isna(scores.loc["R4", "likelihood"]) and pd.isna(scores.loc["R4", "rating"])
    assert not scores["overridden"].any()


def test_direction_from_the_data_is_respected():
    rule = IndicatorEvidence("fixture_integrity", "AFG", "likelihood", (0, 100), "fixture")
    register = (Risk("R1", "fixture", "fixture", (rule,)),)
    rows = [
        {"indicator": "fixture_integrity", "year": 2024, "value": 17, "direction": "higher_safer"}
    ]
    series = risk_series(register, indicators(rows), NO_EVENTS)
    row = evidence_table(register, series).iloc[0]
    assert row["placement"] == pytest.approx(0.83) and row["score"] == 5


def test_a_rule_contradicting_the_data_or_a_neutral_indicator_without_direction_fails():
    rows = [{"indicator": "fixture_x", "year": 2024, "value": 1, "direction": "higher_safer"}]
    wrong = IndicatorEvidence("fixture_x", "AFG", "likelihood", (0, 10), "f", "higher_riskier")
    register = (Risk("R1", "fixture", "fixture", (wrong,)),)
    series = risk_series(register, indicators(rows), NO_EVENTS)
    with pytest.raises(ValueError, match=r"R1, evidence fixture_x .* says higher_safer"):
        evidence_table(register, series)
    rows[0]["direction"] = "neutral"
    bare = IndicatorEvidence("fixture_x", "AFG", "likelihood", (0, 10), "f")
    register = (Risk("R1", "fixture", "fixture", (bare,)),)
    series = risk_series(register, indicators(rows), NO_EVENTS)
    with pytest.raises(ValueError, match="neutral; the rule must say which way"):
        evidence_table(register, series)


def test_latest_value_and_trend():
    rule = IndicatorEvidence("fixture_threat", "AFG", "likelihood", (0, 10), "fixture")
    register = (Risk("R1", "fixture", "fixture", (rule,)),)
    rows = [
        {"indicator": "fixture_threat", "year": 2019, "value": 9.6},
        {"indicator": "fixture_threat", "year": 2022, "value": 8.8},
        {"indicator": "fixture_threat", "year": 2022, "value": 8.8, "subject": "PAK"},
    ]
    series = risk_series(register, indicators(rows), NO_EVENTS)
    row = evidence_table(register, series).iloc[0]
    assert (row["latest_year"], row["latest_value"]) == (2022, 8.8)
    assert (row["previous_year"], row["previous_value"]) == (2019, 9.6)
    assert row["trend"] == "risk falling"
    assert row["n_years"] == 2
    stale = evidence_table(register, series, as_of=2030, max_age_years=3).iloc[0]
    assert stale["status"] == "no figure within 3 years of 2030" and pd.isna(stale["score"])


def test_event_evidence_is_scored_from_counts():
    register = (Risk("R3", "fixture", "fixture", (EVENT_RULE,)),)
    table = events(
        [{"date": f"{y}-03", "kind": "border_closure", "risk_ids": "R3"} for y in (2023, 2024)]
    )
    series = risk_series(register, indicators([]), table)
    row = evidence_table(register, series, as_of=2024).iloc[0]
    assert row["latest_value"] == 2 and row["placement"] == pytest.approx(0.5)
    assert row["derived"] and row["figure_ids"] == "EV-001;EV-002"


def test_override_replaces_the_score_and_is_flagged():
    register = graded_register()
    series = risk_series(register, indicators(GRADED_ROWS), NO_EVENTS)
    table = risk_register(
        register,
        evidence_table(register, series),
        overrides={"R3": {"likelihood": 4}, "R4": {"impact": 2}},
    ).set_index("risk_id")
    assert table.loc["R3", "likelihood"] == 4 and table.loc["R3", "likelihood_derived"] == 1
    assert table.loc["R3", "overridden"]
    assert table.loc["R3", "override_note"] == "likelihood 1 → 4 (analyst)"
    assert table.loc["R4", "override_note"] == "impact insufficient data → 2 (analyst)"
    assert table.loc["R4", "status"] == "impact only"
    assert not table.loc["R1", "overridden"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"R9": {"likelihood": 3}}, "unknown risk 'R9'"),
        ({"R1": {"severity": 3}}, "unknown dimension 'severity'"),
        ({"R1": {"impact": 6}}, r"must be an integer 1–5, got 6"),
        ({"R1": 3}, "must map likelihood/impact"),
    ],
)
def test_bad_overrides_are_named(overrides, message):
    register = graded_register()
    series = risk_series(register, indicators(GRADED_ROWS), NO_EVENTS)
    with pytest.raises(ValueError, match=message):
        risk_register(register, evidence_table(register, series), overrides=overrides)


def test_evidence_matrix_lines_up_entries_risks_and_overrides():
    register = graded_register()
    series = risk_series(register, indicators(GRADED_ROWS), NO_EVENTS)
    matrix = evidence_matrix(register, series, overrides={"R2": {"impact": 5}})
    assert matrix.values.shape == (8,) and matrix.membership.shape == (8, 4, 2)
    assert matrix.membership.sum() == 8
    assert np.isnan(matrix.values[6:]).all()  # R4 has no figure
    assert matrix.overrides[1, 1] == pytest.approx(0.9) and np.isnan(matrix.overrides[0]).all()


def test_suspect_indicator_figures_are_set_aside():
    from kzaf import data
    from kzaf.risk import evidence

    indicators = data.load().indicators
    flagged = set(indicators.loc[indicators["suspect"], "indicator_id"])
    assert {"IE-003", "IE-021"} <= flagged
    used = evidence.indicator_series(indicators)["figure_ids"].str.split(";").explode()
    assert flagged.isdisjoint(set(used))
