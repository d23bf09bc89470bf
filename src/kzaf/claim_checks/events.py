"""Claims that dated events test: C6, C7, C8, C13, C14 (shown in the data-audit notebook).

Each check reads ``data/events.csv`` (and ``route_segments.csv`` for C8), keeps the events
tagged with the claim, and judges each part of the claim (``kzaf.claims.Part``): dates and
places against what the article says. Places are read from our own event descriptions, which
name the city where it matters. A part saying something was held, opened, signed or done is
confirmed only by a record of it happening (``stage`` happened): an announcement of a plan
never confirms it. The claim's verdict comes from its parts by the one rule
(``kzaf.claims.claim_verdict``); nothing here picks a claim's verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from kzaf.claims import ClaimResult, Part, Verdict, check, from_parts
from kzaf.data import Tables

TAKEOVER = pd.Timestamp("2021-08-15")  # the Taliban entered Kabul
LESS_THAN_A_MONTH_DAYS = 31  # "less than a month": at most the longest month

CONFIRMED, CONTRADICTED, NOT_TESTABLE = (
    Verdict.CONFIRMED,
    Verdict.CONTRADICTED,
    Verdict.NOT_TESTABLE,
)


def _tagged(tables: Tables, claim_id: str) -> pd.DataFrame:
    events = tables.events
    tags = events["claim_ids"].fillna("").str.split(";")
    return events[tags.apply(lambda ids: claim_id in ids)].sort_values("date")


def _happened(frame: pd.DataFrame) -> pd.DataFrame:
    """Records of things that took place, not of plans announced."""
    return frame[frame["stage"] == "happened"]


def _mentions(frame: pd.DataFrame, word: str) -> pd.DataFrame:
    return frame[frame["description"].str.contains(word, case=False, regex=False)]


def _lengths(values: list[float]) -> str:
    return ", ".join(f"{x:g}" for x in values) or "unknown"


def _ids(frame: pd.DataFrame) -> str:
    """'2023-04-16 (EV-F022), 2023-04 (TAE-004)'."""
    return ", ".join(f"{d} ({i})" for d, i in zip(frame["date"], frame["event_id"], strict=True))


def _recorded(
    name: str, records: pd.DataFrame, found: str, missing: str, measure: str = ""
) -> Part:
    """A part any record confirms (listed after ``found``); not testable without one."""
    if len(records):
        return Part(name, CONFIRMED, f"{found}: {_ids(records)}.", measure)
    return Part(name, NOT_TESTABLE, missing, measure)


def _cite(*frames: pd.DataFrame) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for f in frames for s in f["source_id"]))


def trading_house_in_kabul(houses: pd.DataFrame, year: str = "2023") -> Part:
    """The place part of C6 and C14, judged the same way for both: the 2023 records of the
    Kazakh trading house in Afghanistan against 'in Kabul'."""
    name = "the trading house is in Kabul, the Afghan capital"
    houses = houses[houses["date"].str.startswith(year)]
    in_herat, in_kabul = _mentions(houses, "Herat"), _mentions(houses, "Kabul")
    if houses.empty:
        return Part(name, NOT_TESTABLE, f"No {year} record of the trading house.", "place")
    if not in_kabul.empty and in_herat.empty:
        return Part(name, CONFIRMED, f"Placed in Kabul: {_ids(in_kabul)}.", "place")
    if in_kabul.empty:
        unnamed = len(houses) - len(in_herat)
        return Part(
            name,
            CONTRADICTED,
            f"Every {year} record of it that names a city places it in Herat: {_ids(in_herat)}"
            + (f" ({unnamed} other record(s) name no city)." if unnamed else "."),
            "place",
        )
    return Part(
        name,
        NOT_TESTABLE,
        f"{year} records disagree: Herat in {_ids(in_herat)}, Kabul in {_ids(in_kabul)}.",
        "place",
    )


@check("C6")
def forum_and_trading_house(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    events = _tagged(tables, "C6")
    forums = events[(events["kind"] == "business_forum") & events["date"].str.startswith("2023-04")]
    forum = _happened(_mentions(forums, "Kabul"))
    houses = events[events["kind"] == "trade_house"]
    planned = _mentions(forum, "trading house")
    april = houses[houses["date"].str.startswith("2023-04") & (houses["stage"] == "announced")]
    announced = pd.concat([planned, april])
    later = _mentions(events[events["date"] > "2023-12"], "trading house in Kabul")
    forum_part = _recorded(
        "a Kazakh–Afghan business forum was held in Kabul in April 2023",
        forum,
        "Recorded",
        "No April 2023 forum in Kabul recorded.",
        "date",
    )
    house_part = _recorded(
        "a Kazakh trading house in Afghanistan was announced then",
        announced,
        "Announced in April 2023",
        "No April 2023 announcement of a trading house recorded.",
        "date",
    )
    place = trading_house_place(tables)
    return from_parts("C6", [forum_part, house_part, place], _cite(forum, houses, later))


def trading_house_place(tables: Tables) -> Part:
    """C6's place part, which C14 repeats: the 2023 records of the trading house against
    'in Kabul', with any later proposal of one in Kabul."""
    events = _tagged(tables, "C6")
    place = trading_house_in_kabul(events[events["kind"] == "trade_house"])
    later = _mentions(events[events["date"] > "2023-12"], "trading house in Kabul")
    if place.verdict is not CONTRADICTED or later.empty:
        return place
    return replace(
        place,
        evidence=f"{place.evidence} A trading house in Kabul appears only as a later proposal: "
        f"{_ids(later)}.",
    )


@check("C7")
def first_contact(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    contacts = _happened(tables.events)
    contacts = contacts[
        (contacts["kind"] == "diplomatic_contact")
        & (contacts["country"] == "KAZ")
        & (contacts["date"] >= "2021-08-15")
    ].sort_values("date")
    month_name = "the first high-level Kazakh contact with the Taliban came in September 2021"
    soon_name = "less than a month after the takeover of 15 August 2021"
    if contacts.empty:
        none = "No Kazakh contact after August 2021 is recorded."
        return from_parts(
            "C7",
            [Part(month_name, NOT_TESTABLE, none, "date"), Part(soon_name, NOT_TESTABLE, none)],
        )
    first = contacts.iloc[0]
    month = first["date"][:7]
    seen = f"The earliest recorded contact is dated {first['date']} ({first['event_id']})."
    if month < "2021-09":
        month_part = Part(month_name, CONTRADICTED, seen + " That is earlier.", "date")
    elif month > "2021-09":
        month_part = Part(
            month_name,
            NOT_TESTABLE,
            seen + " No September 2021 contact is recorded, which does not prove there was none.",
            "date",
        )
    else:
        month_part = Part(month_name, CONFIRMED, seen, "date")
    if len(first["date"]) < 10:
        soon = Part(soon_name, NOT_TESTABLE, "The record gives the month, not the day.", "date")
    else:
        days = (pd.Timestamp(first["date"]) - TAKEOVER).days
        holds = days <= LESS_THAN_A_MONTH_DAYS
        soon = Part(
            soon_name,
            CONFIRMED if holds else CONTRADICTED,
            f"{first['date']} is {days} days after the takeover"
            + ("." if holds else f", more than a month ({LESS_THAN_A_MONTH_DAYS} days)."),
            "date",
        )
    return from_parts("C7", [month_part, soon], (first["source_id"],))


@check("C8")
def rozanak_section(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    segments = tables.route_segments
    section = segments[
        segments["from_place"].str.contains("Rozanak", case=False)
        & segments["to_place"].str.contains("Rabat|section 4", case=False)
    ]
    contracts = _happened(_tagged(tables, "C8"))
    contracts = contracts[contracts["kind"] == "contract"]
    lengths = sorted(set(section["length_km"].dropna()))
    october_2023 = contracts[contracts["date"].str.startswith("2023-10")]
    kazakh = _mentions(contracts, "Kazakh")
    ids = ", ".join(section["segment_id"])
    length = Part(
        "the Rozanak–Rabattaryan section is 43 km long",
        NOT_TESTABLE if not lengths else CONFIRMED if 43 in lengths else CONTRADICTED,
        f"Recorded length: {_lengths(lengths)} km ({ids})."
        if lengths
        else "No recorded length of the section.",
    )
    company = _recorded(
        "a Kazakh company builds it",
        kazakh,
        "Contracts with a Kazakh company",
        "No contract with a Kazakh company recorded.",
    )
    resumed = _recorded(
        "a contract signed in October 2023 resumed construction",
        october_2023,
        "Recorded",
        "No October 2023 contract is recorded (contracts on record: "
        f"{_ids(contracts) or 'none'}), so the resumption date cannot be checked.",
        "date",
    )
    return from_parts("C8", [length, company, resumed], _cite(section, contracts))


@check("C13")
def ministers(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    events = _tagged(tables, "C13")
    transport = _mentions(events[events["date"].str.startswith("2023-09")], "Transport")
    held = _happened(events)  # a rank is held, not announced
    deputy_before = _mentions(held[held["date"] < "2023-09"], "Deputy Prime Minister")
    deputy_then = _mentions(held[held["date"].str.startswith("2023-09")], "Deputy Prime")
    if len(deputy_before):
        promoted = Part(
            "the trade minister became deputy prime minister in September 2023",
            CONTRADICTED,
            f"He already held that rank on {_ids(deputy_before)}, months before.",
            "date",
        )
    else:
        promoted = _recorded(
            "the trade minister became deputy prime minister in September 2023",
            deputy_then,
            "Recorded",
            "No dated record.",
            "date",
        )
    ministry = _recorded(
        "a Ministry of Transport was announced in September 2023",
        transport,
        "Announced",
        "No dated record.",
        "date",
    )
    return from_parts("C13", [promoted, ministry], _cite(transport, deputy_before, deputy_then))


@check("C14")
def trade_representations(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    events = _tagged(tables, "C14")
    in_2023 = events[events["date"].str.startswith("2023")]
    closed = _happened(_mentions(in_2023, "Russia"))
    houses = tables.events[tables.events["kind"] == "trade_house"]
    working = _mentions(_tagged(tables, "C6"), "trade house officially working")
    closing = _recorded(
        "Kazakhstan closed its trade representation in Russia in 2023",
        closed,
        "Closed",
        "No 2023 record of the closure.",
        "date",
    )
    place = trading_house_place(tables)  # C6's part, repeated: the same judgement
    in_russia = houses.index.isin(_mentions(houses, "Russia").index)
    opening = _opened_in(houses[~in_russia], "2023", working)
    return from_parts("C14", [closing, opening, place], _cite(closed, houses, working))


def _opened_in(houses: pd.DataFrame, year: str, working: pd.DataFrame) -> Part:
    """'It opened one in Afghanistan in <year>': a record that it opened that year; a record
    that it was announced does not count."""
    name = f"it opened one in Afghanistan in {year}"
    dated = houses[houses["date"].str.startswith(year)]
    opened, announced = _happened(dated), dated[dated["stage"] == "announced"]
    later = f" Recorded as officially working: {_ids(working)}." if len(working) else ""
    plans = (
        f" Announcements ({_ids(announced)}) do not count as an opening." if len(announced) else ""
    )
    if opened.empty:
        return Part(name, NOT_TESTABLE, f"No {year} record of it opening.{plans}{later}", "date")
    return Part(name, CONFIRMED, f"Recorded as opened: {_ids(opened)}.{plans}{later}", "date")
