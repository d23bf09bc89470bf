"""Event-based claim checks (C6, C7, C8, C13, C14) on fixture tables made up for the test."""

from pathlib import Path

import pandas as pd
import pytest

from kzaf import claims
from kzaf.claim_checks import events as checks
from kzaf.data import Tables

EVENT_COLUMNS = [
    "event_id",
    "date",
    "country",
    "kind",
    "description",
    "claim_ids",
    "source_id",
    "stage",
]


def fixture_tables(events, segments=()):
    """Fixture events; a row without a stage is a record of something that happened."""
    rows = [tuple(e) + ("happened",) * (len(EVENT_COLUMNS) - len(e)) for e in events]
    frames = {
        "events": pd.DataFrame(rows, columns=EVENT_COLUMNS),
        "route_segments": pd.DataFrame(
            segments, columns=["segment_id", "from_place", "to_place", "length_km", "source_id"]
        ),
    }
    return Tables(frames=frames, descriptor={}, directory=Path("fixture"))


V = claims.Verdict


def part_verdicts(result):
    return [p.verdict for p in result.parts]


def test_c7_less_than_a_month_is_its_own_part():
    """42 days after the takeover: the month holds, "less than a month" does not, so the
    claim is partly confirmed (it was "confirmed within tolerance" before the rule)."""
    early = fixture_tables(
        [("X1", "2021-09-10", "KAZ", "diplomatic_contact", "fixture meeting", "C7", "s1")]
    )
    late = fixture_tables(
        [("X1", "2021-09-26", "KAZ", "diplomatic_contact", "fixture meeting", "C7", "s1")]
    )
    none = fixture_tables(
        [("X1", "2021-12-25", "KAZ", "diplomatic_contact", "fixture meeting", "C7", "s1")]
    )
    assert checks.first_contact(early, {}).verdict is V.CONFIRMED
    result = checks.first_contact(late, {})
    assert part_verdicts(result) == [V.CONFIRMED, V.CONTRADICTED]
    assert result.verdict is V.PARTLY and "42 days" in result.parts[1].evidence
    assert part_verdicts(checks.first_contact(none, {}))[0] is V.NOT_TESTABLE


@pytest.mark.parametrize(
    ("house", "place", "verdict"),
    [
        ("trading house will be based in Herat", V.CONTRADICTED, V.PARTLY),
        ("trading house opens in Kabul", V.CONFIRMED, V.CONFIRMED),
    ],
)
def test_c6_location_of_the_trading_house_is_one_part(house, place, verdict):
    tables = fixture_tables(
        [
            ("X1", "2023-04", "KAZ", "business_forum", "forum in Kabul", "C6", "s1"),
            ("X2", "2023-04", "KAZ", "trade_house", house, "C6", "s2", "announced"),
        ]
    )
    result = checks.forum_and_trading_house(tables, {})
    assert part_verdicts(result) == [V.CONFIRMED, V.CONFIRMED, place]
    assert result.verdict is verdict


def test_herat_contradicts_the_location_part_of_c6_and_c14_alike():
    """The review found Herat-not-Kabul made C6 "contradicted" and C14 "within tolerance".
    C14's place part is C6's, judged once (the ledger counts it under C6: see
    test_claims_ledger's repeat tests)."""
    house = (
        "X2",
        "2023-04-16",
        "KAZ",
        "trade_house",
        "office with head office in Herat",
        "C6;C14",
        "s2",
    )
    tables = fixture_tables(
        [
            ("X1", "2023-04", "KAZ", "business_forum", "forum in Kabul", "C6", "s1"),
            house,
            ("X3", "2023-02-22", "KAZ", "trade_house", "office in Russia abolished", "C14", "s1"),
        ]
    )
    c6 = checks.forum_and_trading_house(tables, {})
    c14 = checks.trade_representations(tables, {})
    place6, place14 = c6.parts[-1], c14.parts[-1]
    assert place6 == place14 and place6.verdict is V.CONTRADICTED
    assert c6.verdict is V.PARTLY


def test_c8_needs_an_october_2023_contract():
    segment = [("RS-1", "Rozanak", "Rabat Paryan", 43.0, "s1")]
    old = fixture_tables(
        [("X1", "2019-12-12", "AFG", "contract", "contract with Kazakh firm", "C8", "s2")], segment
    )
    new = fixture_tables(
        [("X1", "2023-10-05", "AFG", "contract", "contract with Kazakh firm", "C8", "s2")], segment
    )
    result = checks.rozanak_section(old, {})
    assert part_verdicts(result) == [V.CONFIRMED, V.CONFIRMED, V.NOT_TESTABLE]
    assert result.verdict is V.WHERE_TESTABLE and "43 km" in result.parts[0].evidence
    assert checks.rozanak_section(new, {}).verdict is V.CONFIRMED


def test_c13_second_half_holds_first_half_wrong_is_partly_confirmed():
    """The promotion date is wrong, the ministry's month right: the same rule as C7, not
    "contradicted" as before."""
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
    only_transport = checks.ministers(fixture_tables([transport]), {})
    assert part_verdicts(only_transport) == [V.NOT_TESTABLE, V.CONFIRMED]
    assert only_transport.verdict is V.WHERE_TESTABLE
    result = checks.ministers(fixture_tables([transport, deputy]), {})
    assert part_verdicts(result) == [V.CONTRADICTED, V.CONFIRMED]
    assert result.verdict is V.PARTLY and "2023-04-17" in result.parts[0].evidence


def test_c14_office_city_is_a_part():
    closed = ("X1", "2023-02-22", "KAZ", "trade_house", "office in Russia abolished", "C14", "s1")
    herat = ("X2", "2023-04-16", "KAZ", "trade_house", "office opened in Herat", "C6;C14", "s2")
    kabul = ("X2", "2023-04-16", "KAZ", "trade_house", "office opens in Kabul", "C6;C14", "s2")
    herat_result = checks.trade_representations(fixture_tables([closed, herat]), {})
    assert part_verdicts(herat_result) == [V.CONFIRMED, V.CONFIRMED, V.CONTRADICTED]
    assert checks.trade_representations(fixture_tables([closed, kabul]), {}).verdict is V.CONFIRMED
    assert checks.trade_representations(fixture_tables([closed]), {}).verdict is V.WHERE_TESTABLE


def test_an_announcement_never_confirms_an_opening():
    """The review found the April 2023 announcement of the trade office confirming that it
    "opened" in 2023: only a record of the opening does."""
    closed = ("X1", "2023-02-22", "KAZ", "trade_house", "office in Russia abolished", "C14", "s1")
    plan = "plan for an office in Herat"
    announced = ("X2", "2023-04-16", "KAZ", "trade_house", plan, "C6;C14", "s2", "announced")
    opened = ("X3", "2023-08", "KAZ", "trade_house", "office opened in Herat", "C6;C14", "s3")
    only_announced = checks.trade_representations(fixture_tables([closed, announced]), {})
    assert only_announced.parts[1].verdict is V.NOT_TESTABLE
    assert "do not count as an opening" in only_announced.parts[1].evidence
    both = checks.trade_representations(fixture_tables([closed, announced, opened]), {})
    assert both.parts[1].verdict is V.CONFIRMED and "X3" in both.parts[1].evidence


def test_a_forum_that_was_only_announced_was_not_held():
    planned = ("X1", "2023-04", "KAZ", "business_forum", "forum in Kabul", "C6", "s1", "announced")
    result = checks.forum_and_trading_house(fixture_tables([planned]), {})
    assert result.parts[0].verdict is V.NOT_TESTABLE
