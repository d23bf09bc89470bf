"""Claims that dated events test: C6, C7, C8, C13, C14 (shown in the data-audit notebook).

Each check reads ``data/events.csv`` (and ``route_segments.csv`` for C8), keeps the events
tagged with the claim, and compares dates and places with what the article says. Places are
read from our own event descriptions, which name the city where it matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzaf.claims import ClaimResult, Verdict, check
from kzaf.data import Tables

TAKEOVER = pd.Timestamp("2021-08-15")  # the Taliban entered Kabul


def _tagged(tables: Tables, claim_id: str) -> pd.DataFrame:
    events = tables.events
    tags = events["claim_ids"].fillna("").str.split(";")
    return events[tags.apply(lambda ids: claim_id in ids)].sort_values("date")


def _mentions(frame: pd.DataFrame, word: str) -> pd.DataFrame:
    return frame[frame["description"].str.contains(word, case=False, regex=False)]


def _lengths(values: list[float]) -> str:
    return ", ".join(f"{x:g}" for x in values) or "unknown"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _cite(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(dict.fromkeys(frame["source_id"]))


@check("C6")
def forum_and_trading_house(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    events = _tagged(tables, "C6")
    forum = _mentions(
        events[(events["kind"] == "business_forum") & events["date"].str.startswith("2023-04")],
        "Kabul",
    )
    houses = events[(events["kind"] == "trade_house") & events["date"].str.startswith("2023")]
    in_herat, in_kabul = _mentions(houses, "Herat"), _mentions(houses, "Kabul")
    if forum.empty or houses.empty:
        return ClaimResult(
            "C6",
            Verdict.NOT_TESTABLE,
            "No dated record of an April 2023 Kabul forum or of the 2023 trading-house decision.",
        )
    used = pd.concat([forum, houses])
    if not in_kabul.empty and in_herat.empty:
        return ClaimResult(
            "C6",
            Verdict.CONFIRMED,
            "A Kabul forum in April 2023 is recorded, and the trading house is placed in Kabul.",
            _cite(used),
        )
    return ClaimResult(
        "C6",
        Verdict.CONTRADICTED,
        f"The April 2023 forum in Kabul is confirmed ({len(forum)} record(s)), but every 2023 "
        f"record of the trading house ({len(in_herat)}) places it in Herat, not in the capital; "
        "a Kabul trading house appears only as a later proposal.",
        _cite(used),
        tolerance="location of the trading house",
    )


@check("C7")
def first_contact(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    contacts = tables.events[
        (tables.events["kind"] == "diplomatic_contact")
        & (tables.events["country"] == "KAZ")
        & (tables.events["date"] >= "2021-08-15")
    ].sort_values("date")
    if contacts.empty:
        return ClaimResult(
            "C7", Verdict.NOT_TESTABLE, "No Kazakh contact after August 2021 is recorded."
        )
    first = contacts.iloc[0]
    month = first["date"][:7]
    text = (
        f"The earliest recorded Kazakh contact with the Taliban authorities is dated "
        f"{first['date']}: {first['description']}"
    )
    cited = (first["source_id"],)
    if month < "2021-09":
        return ClaimResult("C7", Verdict.CONTRADICTED, text + " (earlier than claimed).", cited)
    if month > "2021-09":
        return ClaimResult(
            "C7",
            Verdict.NOT_TESTABLE,
            text + ". No September 2021 contact is recorded, which does not prove there was none.",
            cited,
        )
    if len(first["date"]) < 10:
        return ClaimResult("C7", Verdict.CONFIRMED, text + ".", cited)
    days = (pd.Timestamp(first["date"]) - TAKEOVER).days
    if days <= 31:
        return ClaimResult(
            "C7", Verdict.CONFIRMED, text + f" ({days} days after the takeover).", cited
        )
    return ClaimResult(
        "C7",
        Verdict.WITHIN_TOLERANCE,
        text + f". The month matches, but it came {days} days after the takeover of 15 August "
        "2021, not less than a month.",
        cited,
        tolerance="month of the contact; the elapsed time is over a month",
    )


@check("C8")
def rozanak_section(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    segments = tables.route_segments
    section = segments[
        segments["from_place"].str.contains("Rozanak", case=False)
        & segments["to_place"].str.contains("Rabat|section 4", case=False)
    ]
    contracts = _tagged(tables, "C8")
    contracts = contracts[contracts["kind"] == "contract"]
    lengths = sorted(set(section["length_km"].dropna()))
    october_2023 = contracts[contracts["date"].str.startswith("2023-10")]
    kazakh = _mentions(contracts, "Kazakh")
    used = pd.concat([section[["source_id"]], contracts[["source_id"]]])
    if not october_2023.empty and 43 in lengths:
        return ClaimResult(
            "C8",
            Verdict.CONFIRMED,
            "An October 2023 contract for the 43 km section is recorded.",
            _cite(used),
        )
    if section.empty and contracts.empty:
        return ClaimResult(
            "C8", Verdict.NOT_TESTABLE, "No record of the Rozanak section exists in the data."
        )
    dates = (
        ", ".join(f"{d} ({k})" for d, k in zip(kazakh["date"], kazakh["event_id"], strict=True))
        or "none"
    )
    return ClaimResult(
        "C8",
        Verdict.NOT_TESTABLE,
        f"The section's length is recorded as {_lengths(lengths)} km "
        f"and a contract with a Kazakh company is dated {dates}; no October 2023 contract is "
        "recorded, so the claimed resumption date cannot be checked.",
        _cite(used),
    )


@check("C13")
def ministers(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    events = _tagged(tables, "C13")
    transport = _mentions(events[events["date"].str.startswith("2023-09")], "Transport")
    deputy_before = _mentions(events[events["date"] < "2023-09"], "Deputy Prime Minister")
    if transport.empty and deputy_before.empty:
        return ClaimResult("C13", Verdict.NOT_TESTABLE, "No dated record of either appointment.")
    parts = []
    if not transport.empty:
        parts.append(
            f"a Ministry of Transport was announced on {transport.iloc[0]['date']}, as claimed"
        )
    if not deputy_before.empty:
        parts.append(
            f"but the trade minister already held the rank of deputy prime minister on "
            f"{deputy_before.iloc[0]['date']}, months before the claimed promotion"
        )
    verdict = Verdict.CONTRADICTED if not deputy_before.empty else Verdict.CONFIRMED
    return ClaimResult(
        "C13",
        verdict,
        _sentence("; ".join(parts)),
        _cite(pd.concat([transport, deputy_before])),
    )


@check("C14")
def trade_representations(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    events = _tagged(tables, "C14")
    closed = _mentions(events[events["date"].str.startswith("2023")], "Russia")
    opened = events[events["date"].str.startswith("2023") & ~events.index.isin(closed.index)]
    if closed.empty or opened.empty:
        return ClaimResult(
            "C14", Verdict.NOT_TESTABLE, "Either step is missing from the dated records."
        )
    where = "Herat" if not _mentions(opened, "Herat").empty else "Kabul"
    text = (
        f"The trade representation in Russia was abolished on {closed.iloc[0]['date']} and one in "
        f"Afghanistan was announced in {opened.iloc[0]['date']}"
    )
    used = _cite(pd.concat([closed, opened]))
    if where == "Kabul":
        return ClaimResult("C14", Verdict.CONFIRMED, text + ", in Kabul.", used)
    return ClaimResult(
        "C14",
        Verdict.WITHIN_TOLERANCE,
        text + ", with its head office in Herat rather than Kabul.",
        used,
        tolerance="city of the Afghan office (Herat, not Kabul)",
    )
