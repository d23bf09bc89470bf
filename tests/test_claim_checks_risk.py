"""Claim checks C9–C12 on fixture tables with known verdicts, and on the project's data."""

import pandas as pd
import pytest
from _risk_fixtures import events, indicators

from kzaf import claim_checks, data
from kzaf.claim_checks.risk import assess_c9, assess_c10, assess_c11, assess_c12
from kzaf.claims import Verdict

UN = "UN Monitoring Team fixture report"


def _c10_table(
    total: float, iskp=(4000, 6000), ttp=(6000, 6500), ttp_year=2023, iskp_note=UN
) -> pd.DataFrame:
    return indicators(
        [
            {
                "indicator": "militants_total",
                "year": 2023,
                "value": total,
                "precision": "about",
                "note": "CSTO fixture statement",
            },
            {
                "indicator": "armed_groups_count",
                "year": 2023,
                "value": 20,
                "precision": "at_least",
                "note": "CSTO fixture statement",
            },
            {
                "indicator": "armed_groups_count",
                "year": 2025,
                "value": 20,
                "precision": "at_least",
                "note": UN,
            },
            {
                "indicator": "iskp_fighters",
                "year": 2023,
                "value_low": iskp[0],
                "value_high": iskp[1],
                "note": iskp_note,
            },
            {
                "indicator": "iskp_fighters",
                "year": 2023,
                "value": 6500,
                "precision": "about",
                "note": "CSTO Joint Staff fixture",
            },  # not the UN's: left out
            {
                "indicator": "ttp_fighters",
                "year": ttp_year,
                "value_low": ttp[0],
                "value_high": ttp[1],
                "note": UN,
            },
        ]
    )


def _parts(result):
    return [p.verdict for p in result.parts]


def test_c10_tests_what_the_csto_said_not_what_the_un_counts():
    """The article attributes both figures to the CSTO: the review found one part tested
    against the UN instead. UN ranges far from 10,000 do not touch the verdict."""
    result = assess_c10(_c10_table(10_000, iskp=(30_000, 40_000), ttp=(20_000, 25_000)))
    assert _parts(result) == [Verdict.CONFIRMED, Verdict.CONFIRMED]
    assert result.verdict == Verdict.CONFIRMED
    assert "For context, not counted" in result.parts[1].evidence
    assert "50,000–65,000" in result.parts[1].evidence  # the UN's sum, shown, not judged


def test_c10_a_csto_statement_far_from_the_claim_contradicts_it():
    result = assess_c10(_c10_table(23_000))
    assert _parts(result) == [Verdict.CONFIRMED, Verdict.CONTRADICTED]
    assert result.verdict == Verdict.PARTLY


def test_c10_a_un_count_never_stands_in_for_the_cstos():
    table = _c10_table(10_000)
    no_csto_count = table[~((table["indicator"] == "armed_groups_count") & (table["note"] != UN))]
    result = assess_c10(no_csto_count)
    assert result.parts[0].verdict == Verdict.NOT_TESTABLE
    assert result.verdict == Verdict.WHERE_TESTABLE


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        (_c10_table(10_000, ttp_year=2021), "different years (2021: TTP; 2023: IS-Khorasan)"),
        (
            _c10_table(10_000, iskp_note=UN + "; fighters plus family members"),
            "IS-Khorasan (2023) counts family members",
        ),
    ],
)
def test_c10_unlike_un_estimates_are_never_added_even_as_context(table, reason):
    """The review found the total added UN ranges from 2020–2024 and an upper bound that
    counts families: the context says why no total exists."""
    result = assess_c10(table)
    assert reason in result.parts[1].evidence and "cannot be added" in result.parts[1].evidence
    assert result.verdict == Verdict.CONFIRMED


def test_c11_dates_the_change():
    base = {"kind": "terrorist_listing_change", "country": "KAZ", "claim_ids": "C11"}
    december = events([{**base, "date": "2023-12-29"}, {**base, "date": "2024-06-03"}])
    assert assess_c11(december).verdict == Verdict.CONFIRMED
    later_only = events([{**base, "date": "2024-06-03"}, {**base, "date": "2005-03"}])
    result = assess_c11(later_only)
    assert result.verdict == Verdict.NOT_TESTABLE and "2024-06" in result.parts[0].evidence
    assert assess_c11(events([{**base, "date": "2022-05"}])).verdict == Verdict.CONTRADICTED


def test_c12_separates_leading_the_project_from_building_it():
    steps = events(
        [
            {"date": "2021-02", "kind": "agreement", "country": "UZB", "claim_ids": "C12"},
            {"date": "2021-02-02", "kind": "agreement", "country": "UZB", "claim_ids": "C12"},
            {"date": "2023-07", "kind": "agreement", "country": "PAK", "claim_ids": "C12"},
        ]
    )
    segments = pd.DataFrame(
        {"route": ["trans_afghan"], "status": ["planned"], "source_id": ["fixture-source"]}
    )
    result = assess_c12(steps, segments)
    assert _parts(result) == [Verdict.CONFIRMED, Verdict.CONTRADICTED]
    assert result.verdict == Verdict.PARTLY
    assert "1 of 2 recorded steps" in result.evidence  # two reports of one step count once
    building = segments.assign(status=["under_construction"])
    assert assess_c12(steps, building).verdict == Verdict.CONFIRMED


def test_c9_surveyed_share_70_against_30_is_contradicted_not_within_tolerance():
    table = indicators(
        [
            {
                "indicator": "mineral_wealth_estimate",
                "year": 2010,
                "value": 1000,
                "precision": "at_least",
                "note": "USGS fixture estimate",
            },
            {
                "indicator": "mineral_wealth_estimate",
                "year": 2011,
                "value": 3000,
                "note": "USGS fixture update",
            },
            {
                "indicator": "territory_surveyed_share",
                "year": 2012,
                "value": 70,
                "precision": "about",
                "note": "USGS fixture survey",
            },
        ]
    )
    result = assess_c9(table)
    assert _parts(result) == [Verdict.CONFIRMED, Verdict.CONTRADICTED]
    assert result.verdict == Verdict.PARTLY
    assert "1 of 2 estimates attributed" in result.evidence and "27–33%" in result.evidence
    no_share = table[table["indicator"] == "mineral_wealth_estimate"]
    assert assess_c9(no_share).verdict == Verdict.WHERE_TESTABLE
    assert assess_c9(no_share.iloc[1:]).verdict == Verdict.CONTRADICTED
    about_30 = table.assign(value=table["value"].where(table["value"] != 70, 31))
    assert assess_c9(about_30).verdict == Verdict.CONFIRMED


def test_c9_only_the_surveys_own_figures_test_what_the_survey_said():
    """'A U.S. Geological Survey assessment put it at about $1 trillion' is an attribution: an
    estimate by someone else, however close, does not confirm it."""
    table = indicators(
        [
            {"indicator": "mineral_wealth_estimate", "year": 2010, "value": 3000,
             "note": "USGS fixture estimate"},
            {"indicator": "mineral_wealth_estimate", "year": 2010, "value": 1000,
             "note": "fixture officials' estimate"},
        ]
    )  # fmt: skip
    result = assess_c9(table)
    assert result.parts[0].verdict == Verdict.CONTRADICTED
    assert "Not counted" in result.parts[0].evidence


@pytest.mark.parametrize(
    ("claim_id", "verdict"),
    [
        ("C9", "partly confirmed"),
        ("C10", "confirmed"),
        ("C11", "confirmed"),
        ("C12", "partly confirmed"),
    ],
)
def test_verdicts_on_the_projects_data(claim_id, verdict):
    ledger = claim_checks.evaluate(data.load(), [claim_id])
    assert ledger.loc[0, "verdict"] == verdict
    assert ledger.loc[0, "sources"]
