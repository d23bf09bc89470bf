"""The dataset itself: every figure sourced, no figure stored twice, known conflicts visible."""

import pytest

from kzaf import data, series


@pytest.fixture(scope="module")
def tables():
    return data.load()


@pytest.mark.parametrize("table", ["observations", "indicators", "events", "route_segments"])
def test_every_figure_has_a_source_with_url_publisher_and_date(tables, table):
    merged = tables[table].merge(tables.sources, on="source_id", how="left", validate="m:1")
    for column in ("url", "publisher", "publication_date", "access_date"):
        missing = merged[merged[column].isna() | (merged[column].astype(str).str.strip() == "")]
        assert missing.empty, f"{table}: rows without a source {column}: {list(missing.index)}"
    assert merged["url"].str.match(r"https?://").all()


def test_no_figure_is_stored_twice(tables):
    key = [
        "source_id",
        "reporter",
        "partner",
        "flow",
        "commodity",
        "measure",
        "period_start",
        "period_end",
        "unit",
    ]
    duplicated = tables.observations[tables.observations.duplicated(key, keep=False)]
    assert duplicated.empty, duplicated[["obs_id", *key, "value"]].to_string()


def test_sources_are_not_stored_twice(tables):
    assert tables.sources["url"].is_unique
    assert tables.sources["source_id"].is_unique


def test_known_2023_turnover_conflict_is_reported(tables):
    figures = series.reported_figures(
        tables.observations,
        tables.sources,
        reporter="KAZ",
        partner="AFG",
        flow="turnover",
        start="2023-01",
        end="2023-12",
    )
    year = series.reconcile(figures)
    row = year[year["period_label"] == "2023"].iloc[0]
    assert row["conflict"]
    assert {545.2, 567.5} <= set(figures.loc[figures["period_label"] == "2023", "value"])
    assert row["preferred_value"] == 567.5  # 545.2 is flagged as probably 2024's


def test_notes_are_short_own_words(tables):
    notes = tables.observations["note"].fillna("")
    assert (notes.str.len() <= 240).all()
    assert not notes.str.contains('"').any(), "notes paraphrase; they never quote"


def test_dataset_keeps_its_verified_coverage(tables):
    """Issue 3's floor: a later edit that drops figures must be deliberate."""
    observations = tables.observations
    trade = observations[observations["topic"] == "A"]
    # 60 until 2026-12-05, when one statement entered twice lost its second record (TF-014;
    # data/README.md's change log says why).
    assert len(trade) >= 59
    assert len(observations) + len(tables.indicators) + len(tables.route_segments) >= 200
    for topic in "ABCD":
        assert (observations["topic"] == topic).any(), topic
    for topic in "EF":
        assert (tables.indicators["topic"] == topic).any(), topic
