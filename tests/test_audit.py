"""kzaf.audit: coverage keeps empty years, conflicts are grouped, gaps are named."""

import pandas as pd
import pytest

from kzaf import audit, data


@pytest.fixture(scope="module")
def tables():
    return data.load()


def test_year_ranges_compress_runs():
    assert audit._year_ranges([2005, 2006, 2007, 2010, 2012, 2013]) == "2005–2007, 2010, 2012–2013"
    assert audit._year_ranges([]) == ""


def test_coverage_has_every_topic_year_pair_and_counts_correctly():
    figures = pd.DataFrame(
        {
            "topic": ["A", "A", "B"],
            "year": [2021, 2021, 2023],
            "figure_id": ["x1", "x2", "x3"],
            "source_id": ["s1", "s1", "s2"],
        }
    )
    table = audit.coverage(figures, (2020, 2023)).set_index(["topic", "year"])
    assert len(table) == 8  # 2 topics x 4 years, zeros included
    assert table.loc[("A", 2021), "n_figures"] == 2
    assert table.loc[("A", 2021), "n_sources"] == 1
    assert table.loc[("A", 2020), "n_figures"] == 0


def test_known_2023_conflict_is_listed_with_both_figures(tables):
    groups = audit.conflict_groups(tables)
    row = groups[
        groups["what"].str.startswith("KAZ→AFG turnover TOTAL value")
        & (groups["period_label"] == "2023")
    ]
    assert len(row) == 1
    assert "567.5" in row.iloc[0]["figures"] and "545.2" in row.iloc[0]["figures"]
    assert "(suspect)" in row.iloc[0]["figures"]


def test_empty_years_names_years_without_a_full_year_figure(tables):
    missing = audit.empty_years(tables, (2015, 2023))
    assert 2022 not in missing and 2021 not in missing
    assert 2017 in missing


def test_every_figure_is_counted_once(tables):
    figures = audit.all_figures(tables)
    assert len(figures) == len(tables.observations) + len(tables.indicators)
    assert figures["figure_id"].is_unique
    assert figures["kind"].notna().all()  # every figure's source exists


def test_answer_names_the_2023_turnover_conflict_with_both_sources(tables):
    text = audit.answer_text(tables, audit.all_figures(tables), (2005, 2025))
    assert "Kazakhstan's turnover with Afghanistan in 2023 is 567.5 according to" in text
    assert "545.2 according to" in text
    assert "No full-year Kazakhstan–Afghanistan turnover figure was found for 2005–2020" in text
