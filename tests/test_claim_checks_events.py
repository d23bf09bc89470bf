"""Event-based claim checks (C6, C7, C8, C13, C14) on fixture tables made up for the test."""

from pathlib import Path

import pandas as pd
import pytest

from kzaf import claims
from kzaf.claim_checks import events as checks
from kzaf.data import Tables

EVENT_COLUMNS = ["event_id", "date", "country", "kind", "description", "claim_ids", "source_id"]


def fixture_tables(events, segments=()):
    frames = {
        "events": pd.DataFrame(events, columns=EVENT_COLUMNS),
        "route_segments": pd.DataFrame(
            segments, columns=["segment_id", "from_place", "to_place", "length_km", "source_id"]
        ),
    }
    return Tables(frames=frames, descriptor={}, directory=Path("fixture"))


def test_c7_exact_dates_decide_between_confirmed_and_tolerance():
    early = fixture_tables(
        [("X1", "2021-09-10", "KAZ", "diplomatic_contact", "fixture meeting", "C7", "s1")]
    )
    late = fixture_tables(
        [("X1", "2021-09-26", "KAZ", "diplomatic_contact", "fixture meeting", "C7", "s1")]
    )
    none = fixture_tables(
        [("X1", "2021-12-25", "KAZ", "diplomatic_contact", "fixture meeting", "C7", "s1")]
    )
    assert checks.first_contact(early, {}).verdict is claims.Verdict.CONFIRMED
    result = checks.first_contact(late, {})
    assert result.verdict is claims.Verdict.WITHIN_TOLERANCE and "42 days" in result.evidence
    assert checks.first_contact(none, {}).verdict is claims.Verdict.NOT_TESTABLE


@pytest.mark.parametrize(
    ("house", "verdict"),
    [
        ("trading house will be based in Herat", claims.Verdict.CONTRADICTED),
        ("trading house opens in Kabul", claims.Verdict.CONFIRMED),
    ],
)
def test_c6_location_of_the_trading_house_decides(house, verdict):
    tables = fixture_tables(
        [
            ("X1", "2023-04", "KAZ", "business_forum", "forum in Kabul", "C6", "s1"),
            ("X2", "2023-04", "KAZ", "trade_house", house, "C6", "s2"),
        ]
    )
    assert checks.forum_and_trading_house(tables, {}).verdict is verdict


def test_c8_needs_an_october_2023_contract():
    segment = [("RS-1", "Rozanak", "Rabat Paryan", 43.0, "s1")]
    old = fixture_tables(
        [("X1", "2019-12-12", "AFG", "contract", "contract with Kazakh firm", "C8", "s2")], segment
    )
    new = fixture_tables(
        [("X1", "2023-10-05", "AFG", "contract", "contract with Kazakh firm", "C8", "s2")], segment
    )
    result = checks.rozanak_section(old, {})
    assert result.verdict is claims.Verdict.NOT_TESTABLE and "43 km" in result.evidence
    assert checks.rozanak_section(new, {}).verdict is claims.Verdict.CONFIRMED


def test_c13_earlier_deputy_rank_contradicts_the_promotion_date():
    transport = (
        "X1",
        "2023-09-01",
        "KAZ",
        "institutional_change",
        "Transport ministry restored",
        "C13",
        "s1",
    )
    deputy = ("X2", "2023-04-17", "KAZ", "other", "already Deputy Prime Minister", "C13", "s2")
    assert checks.ministers(fixture_tables([transport]), {}).verdict is claims.Verdict.CONFIRMED
    result = checks.ministers(fixture_tables([transport, deputy]), {})
    assert result.verdict is claims.Verdict.CONTRADICTED and result.evidence.startswith(
        "A Ministry"
    )


def test_c14_office_city_sets_the_tolerance():
    closed = ("X1", "2023-02-22", "KAZ", "trade_house", "office in Russia abolished", "C14", "s1")
    herat = (
        "X2",
        "2023-04-16",
        "KAZ",
        "trade_house",
        "office with head office in Herat",
        "C14",
        "s2",
    )
    kabul = ("X2", "2023-04-16", "KAZ", "trade_house", "office opens in Kabul", "C14", "s2")
    assert (
        checks.trade_representations(fixture_tables([closed, herat]), {}).verdict
        is claims.Verdict.WITHIN_TOLERANCE
    )
    assert (
        checks.trade_representations(fixture_tables([closed, kabul]), {}).verdict
        is claims.Verdict.CONFIRMED
    )
    assert (
        checks.trade_representations(fixture_tables([closed]), {}).verdict
        is claims.Verdict.NOT_TESTABLE
    )
