"""kzaf.series: periods, reconciliation and derived residuals, on hand-made figures.

The figures here are fixtures, made up to pin behaviour; they never feed a finding.
"""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzaf import series
from kzaf.text.conflicts import with_reasons


def fixture_figures(rows):
    """Build a figures frame (observations joined with sources) from short tuples:
    (obs_id, start, end, value, precision, kind, publication_date[, suspect])."""
    records = []
    for row in rows:
        obs_id, start, end, value, precision, kind, published, *rest = row
        records.append(
            {
                "obs_id": obs_id,
                "reporter": "KAZ",
                "partner": "AFG",
                "flow": "turnover",
                "commodity": "TOTAL",
                "measure": "value",
                "unit": "USD million",
                "basis": "calendar",
                "period_start": pd.Period(start, "M"),
                "period_end": pd.Period(end, "M"),
                "value": float(value),
                "precision": precision,
                "suspect": bool(rest[0]) if rest else False,
                "source_id": f"fixture-{obs_id.lower()}",
                "publisher": f"Fixture publisher {obs_id}",
                "kind": kind,
                "publication_date": published,
                "title": "fixture",
                "url": "https://example.org/fixture",
            }
        )
    return series.add_period_columns(pd.DataFrame(records))


# --- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "basis", "label", "kind"),
    [
        ("2022-01", "2022-12", "calendar", "2022", "year"),
        ("2023-01", "2023-05", "calendar", "January–May 2023", "year_to_date"),
        ("2023-01", "2023-06", "calendar", "first half of 2023", "year_to_date"),
        ("2023-01", "2023-01", "calendar", "January 2023", "month"),
        ("2023-07", "2023-12", "calendar", "second half of 2023", "half"),
        ("2023-04", "2023-06", "calendar", "April–June 2023", "quarter"),
        (
            "2023-03",
            "2024-03",
            "afghan_solar_year",
            "Afghan solar year 2023/24 (March 2023–March 2024)",
            None,
        ),
        ("2022-07", "2023-06", "marketing_year", "marketing year July 2022–June 2023", None),
    ],
)
def test_period_labels_and_kinds(start, end, basis, label, kind):
    s, e = pd.Period(start, "M"), pd.Period(end, "M")
    assert series.period_label(s, e, basis) == label
    if kind:
        assert series.period_kind(s, e) == kind


months = st.builds(
    lambda y, m: pd.Period(year=y, month=m, freq="M"), st.integers(2000, 2030), st.integers(1, 12)
)


@given(months, st.integers(0, 40))
def test_months_in_counts_both_ends(start, extra):
    end = start + extra
    assert series.months_in(start, end) == extra + 1
    assert series.contains_month(start, end, start) and series.contains_month(start, end, end)
    assert not series.contains_month(start, end, end + 1)


@given(
    st.integers(2000, 2030),
    st.integers(1, 11),
    st.integers(2, 12),
    st.floats(0, 1e4, allow_nan=False),
    st.floats(0, 1e4, allow_nan=False),
)
def test_residual_plus_shorter_period_gives_longer(year, short_end, long_end, a, b):
    if long_end <= short_end:
        return
    figures = fixture_figures(
        [
            ("AA-001", f"{year}-01", f"{year}-{short_end:02d}", a, "exact", "media_report", "2024"),
            ("AA-002", f"{year}-01", f"{year}-{long_end:02d}", b, "exact", "media_report", "2024"),
        ]
    )
    derived = series.derive_residuals(figures)
    assert len(derived) == 1
    row = derived.iloc[0]
    assert row["period_start"] == pd.Period(year=year, month=short_end + 1, freq="M")
    assert row["period_end"] == pd.Period(year=year, month=long_end, freq="M")
    assert math.isclose(row["value"] + a, b, abs_tol=1e-9)
    assert bool(row["derived"]) and row["from_obs_ids"] == ["AA-002", "AA-001"]
    low_a = series.figure_interval(a, "exact")[0]
    assert bool(row["consistent"]) == (low_a <= series.figure_interval(b, "exact")[1])


def test_residuals_never_mix_bases_or_years():
    figures = fixture_figures(
        [
            ("AA-001", "2023-01", "2023-05", 300, "exact", "media_report", "2024"),
            ("AA-002", "2024-01", "2024-06", 350, "exact", "media_report", "2024"),
        ]
    )
    solar = fixture_figures(
        [("AA-003", "2023-01", "2023-12", 900, "exact", "media_report", "2024")]
    )
    solar["basis"] = "afghan_solar_year"
    assert series.derive_residuals(pd.concat([figures, solar])).empty


def test_december_residual_exposes_an_eleven_month_figure_above_the_year():
    figures = fixture_figures(
        [
            ("AA-001", "2023-01", "2023-11", 583, "exact", "media_report", "2024-02"),
            ("AA-002", "2023-01", "2023-12", 567.5, "exact", "government_statement", "2024-10"),
        ]
    )
    december = series.derive_residuals(figures).iloc[0]
    assert december["period_label"] == "December 2023"
    assert december["value"] == pytest.approx(-15.5)
    assert not december["consistent"]


@pytest.mark.parametrize(
    ("part", "whole", "consistent"),
    [
        # 0.55 bn for January–November against "0.5 bn" for the year (rounded: 0.45..0.55):
        # the residual is negative, but within the year figure's rounding.
        ((550, "exact"), (500, "rounded"), True),
        ((560, "exact"), (500, "rounded"), False),
        # 0.5 bn rounded for eleven months (450..550) against 0.46 bn exact for the year.
        ((500, "rounded"), (460, "exact"), True),
        ((583, "exact"), (567.5, "exact"), False),
        ((583, "exact"), (600, "about"), True),
    ],
)
def test_derived_period_consistency_allows_for_the_figures_precision(part, whole, consistent):
    figures = fixture_figures(
        [
            ("AA-001", "2023-01", "2023-11", *part, "media_report", "2024-02"),
            ("AA-002", "2023-01", "2023-12", *whole, "government_statement", "2024-10"),
        ]
    )
    assert bool(series.derive_residuals(figures).iloc[0]["consistent"]) is consistent


# --- intervals and conflicts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "low", "high"),
    [
        (987.9, "exact", 987.85, 987.95),
        (343, "exact", 342.5, 343.5),
        # One significant digit: ±10% or the half-unit, whichever is narrower.
        (1000, "rounded", 900, 1100),
        (500, "rounded", 450, 550),
        (3000, "rounded", 2700, 3300),
        (9000, "rounded", 8500, 9500),
        (1300, "rounded", 1250, 1350),
        (990, "rounded", 985, 995),
        (1000, "about", 900, 1100),
        (987.9, "about", 987.9 * 0.95, 987.9 * 1.05),
        (343, "at_least", 343, math.inf),
        (20, "at_most", -math.inf, 20),
    ],
)
def test_figure_interval(value, precision, low, high):
    got = series.figure_interval(value, precision)
    assert got[0] == pytest.approx(low) and got[1] == pytest.approx(high)


def test_a_one_digit_rounded_figure_now_conflicts_with_a_clearly_different_one():
    """ "$1 billion" (rounded) against 1,250 exact: read to ±50% the two never conflicted;
    read to ±10% they do, while 987.9 and 1,080 still agree with it."""
    billion = {"value": 1000, "precision": "rounded"}
    assert series.figures_conflict(billion, {"value": 1250, "precision": "exact"})
    assert series.figures_conflict(billion, {"value": 700, "precision": "exact"})
    assert not series.figures_conflict(billion, {"value": 987.9, "precision": "exact"})
    assert not series.figures_conflict(billion, {"value": 1080, "precision": "exact"})


def test_known_2023_disagreement_is_a_conflict_and_rounding_is_not():
    figures = fixture_figures(
        [
            ("AA-001", "2023-01", "2023-12", 567.5, "exact", "government_statement", "2024-10-22"),
            ("AA-002", "2023-01", "2023-12", 545.2, "exact", "media_report", "2025-10", True),
            ("AA-003", "2023-01", "2023-12", 570, "about", "media_report", "2024-01"),
        ]
    )
    table = series.reconcile(figures)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["conflict"] and row["n_conflicts"] == 1
    assert row["conflict_pairs"] == [("AA-001", "AA-002")]
    [reason] = with_reasons(series.find_conflicts(figures))["reason"]
    assert reason == (
        "567.5 (exact, Fixture publisher AA-001, 2024-10-22) vs 545.2 (exact, Fixture "
        "publisher AA-002, 2025-10): differ by 22.3 (4.1%), beyond what their precision allows; "
        "flagged suspect: AA-002"
    )
    assert row["preferred_value"] == 567.5
    assert (row["value_min"], row["value_max"]) == (545.2, 570)
    assert row["obs_ids"] == ["AA-001", "AA-002", "AA-003"]


def test_policy_is_a_parameter_and_changes_the_choice():
    figures = fixture_figures(
        [
            ("AA-001", "2022-01", "2022-12", 987.9, "exact", "government_statement", "2023-08-02"),
            ("AA-002", "2022-01", "2022-12", 990, "rounded", "media_report", "2023-10-01"),
        ]
    )
    assert series.reconcile(figures, "official_first").iloc[0]["preferred_value"] == 987.9
    assert series.reconcile(figures, "latest_first").iloc[0]["preferred_value"] == 990
    custom = series.policy_from({"kind_order": ["media_report"], "name": "mine"})
    row = series.reconcile(figures, custom).iloc[0]
    assert row["preferred_value"] == 990 and row["policy"] == "mine"
    with pytest.raises(ValueError, match="unknown source policy 'best'"):
        series.policy_from("best")
    with pytest.raises(ValueError, match="unknown source policy field"):
        series.policy_from({"kinds": []})


@pytest.mark.parametrize("policy", sorted(series.POLICIES))
def test_a_bound_is_never_preferred_over_a_figure_whatever_its_source(policy):
    figures = fixture_figures(
        [
            ("AA-001", "2022-01", "2022-12", 900, "at_least", "national_statistics", "2024-01-01"),
            ("AA-002", "2022-01", "2022-12", 987.9, "exact", "media_report", "2023-01-01"),
        ]
    )
    assert series.reconcile(figures, policy).iloc[0]["preferred_value"] == 987.9
    only_bound = figures[figures["obs_id"] == "AA-001"]
    assert series.reconcile(only_bound, policy).iloc[0]["preferred_value"] == 900


@pytest.mark.parametrize("policy", sorted(series.POLICIES))
def test_a_bound_is_not_preferred_over_an_exact_figure_flagged_suspect(policy):
    """Suspect or not, an exact figure says what the value is; a bound only where it lies."""
    figures = fixture_figures(
        [
            ("AA-001", "2023-01", "2023-12", 1000, "at_most", "national_statistics", "2024-02"),
            ("AA-002", "2023-01", "2023-12", 545.2, "exact", "media_report", "2025-10", True),
        ]
    )
    assert series.reconcile(figures, policy).iloc[0]["preferred_value"] == 545.2
    assert series.rank_figures(figures, policy).iloc[0]["obs_id"] == "AA-002"


def test_suspect_figure_is_preferred_only_when_nothing_else_exists():
    only = fixture_figures(
        [
            ("AA-001", "2024-01", "2024-12", 545.2, "exact", "government_statement", "2025", True),
        ]
    )
    assert series.reconcile(only).iloc[0]["preferred_value"] == 545.2


def test_annual_table_keeps_empty_years_visible():
    figures = fixture_figures(
        [
            ("AA-001", "2021-01", "2021-12", 474.3, "exact", "government_statement", "2023"),
            ("AA-002", "2023-01", "2023-05", 316.6, "exact", "government_statement", "2023"),
        ]
    )
    table = series.annual_table(figures, flows=["turnover"], start_year=2020, end_year=2022)
    assert list(table["year"]) == [2020, 2021, 2022]
    assert list(table["n_figures"]) == [0, 1, 0]
    assert table["preferred_value"].isna().tolist() == [True, False, True]


# --- reconciliation invariants (property-based) ----------------------------------------------

PRECISIONS = ["exact", "rounded", "about", "at_least", "at_most"]
KINDS = ["national_statistics", "government_statement", "media_report", "afghan_official"]

figure_rows = st.lists(
    st.tuples(
        st.sampled_from(["2021", "2022", "2023"]),
        st.floats(0.1, 5000, allow_nan=False).map(lambda v: round(v, 1)),
        st.sampled_from(PRECISIONS),
        st.sampled_from(KINDS),
        st.dates().map(lambda d: d.isoformat()),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
)


def _figures_from(rows):
    return fixture_figures(
        [
            (f"AA-{i:03d}", f"{y}-01", f"{y}-12", v, p, k, d, s)
            for i, (y, v, p, k, d, s) in enumerate(rows)
        ]
    )


@settings(max_examples=150, deadline=None)
@given(figure_rows, st.sampled_from(sorted(series.POLICIES)))
def test_reconciliation_invariants(rows, policy):
    figures = _figures_from(rows)
    table = series.reconcile(figures, policy)
    # every input figure appears exactly once in the output
    listed = [obs for ids in table["obs_ids"] for obs in ids]
    assert sorted(listed) == sorted(figures["obs_id"])
    assert table["n_figures"].sum() == len(figures)
    # the preferred figure is one of the inputs and lies within the range
    for row in table.itertuples():
        assert row.value_min <= row.preferred_value <= row.value_max
        assert row.preferred_obs_id in row.obs_ids
        assert row.conflict == (row.n_conflicts > 0)


@settings(max_examples=150, deadline=None)
@given(figure_rows)
def test_conflicts_are_symmetric(rows):
    records = _figures_from(rows).to_dict("records")
    for a in records:
        for b in records:
            assert series.figures_conflict(a, b) == series.figures_conflict(b, a)
        assert not series.figures_conflict(a, a)


def test_annual_table_of_no_figures_is_an_empty_grid_not_an_error():
    empty = fixture_figures([("AA-001", "2021-01", "2021-12", 1, "exact", "media_report", "2023")])
    empty = empty.iloc[0:0]
    table = series.annual_table(empty, flows=["turnover"], start_year=2020, end_year=2021)
    assert list(table["year"]) == [2020, 2021]
    assert list(table["n_figures"]) == [0, 0]
    assert series.annual_table(empty).empty


def test_policy_description_says_when_nothing_is_ranked():
    text = series.POLICIES["latest_first"].describe()
    assert "source kinds unranked" in text and "precisions unranked" in text
    assert (
        "national statistics, then government statement"
        in series.POLICIES["official_first"].describe()
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1e3, allow_nan=False), min_size=12, max_size=12),
    st.lists(st.floats(0, 1e3, allow_nan=False), min_size=12, max_size=12),
    st.integers(0, 12),
)
def test_complete_year_totals_sum_twelve_months_and_never_fill_gaps(exports, imports, drop):
    rows = []
    for month in range(1, 13):
        rows.append(
            (
                f"AX-{month:03d}",
                f"2022-{month:02d}",
                f"2022-{month:02d}",
                exports[month - 1],
                "exact",
                "international_database",
                "2024",
            )
        )
        if month != drop:  # drop == 0 keeps every import month
            rows.append(
                (
                    f"AM-{month:03d}",
                    f"2022-{month:02d}",
                    f"2022-{month:02d}",
                    imports[month - 1],
                    "exact",
                    "international_database",
                    "2024",
                )
            )
    figures = fixture_figures(rows)
    figures["flow"] = ["export" if i.startswith("AX") else "import" for i in figures["obs_id"]]
    figures["source_id"] = "fixture-db"  # one source gives every month
    totals = series.complete_year_totals(figures).set_index("flow")
    assert totals.loc["export", "value"] == pytest.approx(sum(exports))
    if drop:
        assert set(totals.index) == {"export"}  # imports and turnover have a gap
    else:
        assert totals.loc["import", "value"] == pytest.approx(sum(imports))
        assert totals.loc["turnover", "value"] == pytest.approx(sum(exports) + sum(imports))
        assert totals.loc["turnover", "months_summed"] == 24
