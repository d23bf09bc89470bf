"""Checks of the article's security and corridor claims: C9, C10, C11, C12.

- C9 (a U.S. Geological Survey assessment of about 30% of Afghan territory put mineral wealth
  at about $1 trillion): needs the survey's own figures in ``data/indicators.csv``.
- C10 (CSTO: more than 20 terrorist organisations, about 10,000 people, in Afghanistan): the
  CSTO's figures are set against the UN Monitoring Team's estimates, which are ranges per
  group; the groups' ranges are summed (low ends, high ends) for the year closest to the
  CSTO statement.
- C11 (Kazakhstan decided in December 2023 to take the Taliban off its list of terrorist
  organisations): dated listing changes in ``data/events.csv``.
- C12 (Uzbekistan manages construction of the Termez – Mazar-i-Sharif – Kabul – Peshawar
  railway): who leads the dated steps of the project in ``data/events.csv`` and what state
  the line's segments are in (``data/route_segments.csv``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzaf import claims
from kzaf.claims import ClaimResult, Verdict
from kzaf.data import Tables

CLAIM_MONTH_C11 = "2023-12"
MAIN_LINE = "trans_afghan"


def _claim_events(events: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    linked = events["claim_ids"].fillna("").map(lambda s: claim_id in str(s).split(";"))
    return events[linked].sort_values("date")


def _dated(row: Any) -> str:
    return f"{row.date} ({row.country}: {row.description.rstrip('.')})"


# ---------------------------------------------------------------------------------------------
# C11


def assess_c11(events: pd.DataFrame) -> ClaimResult:
    """Kazakhstan's terrorist-list change dated against December 2023."""
    changes = events[(events["kind"] == "terrorist_listing_change") & (events["country"] == "KAZ")]
    changes = changes.sort_values("date")
    if changes.empty:
        return ClaimResult(
            "C11",
            Verdict.NOT_TESTABLE,
            "data/events.csv records no change to Kazakhstan's list of terrorist organisations.",
        )
    months = [str(d)[:7] for d in changes["date"]]
    listing = "; ".join(_dated(r) for r in changes.itertuples())
    sources = tuple(dict.fromkeys(changes["source_id"]))
    if CLAIM_MONTH_C11 in months:
        later = [m for m in months if m > CLAIM_MONTH_C11]
        extra = (
            f" The change is recorded again later ({', '.join(later)}), when it was confirmed "
            "or took effect."
            if later
            else ""
        )
        return ClaimResult(
            "C11",
            Verdict.CONFIRMED,
            f"A change dated December 2023 is recorded: {listing}.{extra}",
            sources,
        )
    if all(m < CLAIM_MONTH_C11 for m in months):
        return ClaimResult(
            "C11",
            Verdict.CONTRADICTED,
            f"The recorded changes all predate December 2023: {listing}.",
            sources,
        )
    return ClaimResult(
        "C11",
        Verdict.NOT_TESTABLE,
        f"The data date the change only after December 2023 ({listing}); no record of a "
        "December 2023 decision was found, which neither confirms nor rules it out.",
        sources,
    )


# ---------------------------------------------------------------------------------------------
# C12


def assess_c12(events: pd.DataFrame, route_segments: pd.DataFrame) -> ClaimResult:
    """Who leads the trans-Afghan railway's recorded steps, and whether it is being built."""
    steps = _claim_events(events, "C12")
    line = route_segments[route_segments["route"] == MAIN_LINE]
    if steps.empty and line.empty:
        return ClaimResult(
            "C12",
            Verdict.NOT_TESTABLE,
            "data/ hold no dated step or segment of the trans-Afghan railway.",
        )
    uzbek = steps[steps["country"] == "UZB"]
    building = line[line["status"].isin(["under_construction", "operational"])]
    statuses = ", ".join(f"{n} {s}" for s, n in line["status"].value_counts().items())
    sources = tuple(dict.fromkeys([*uzbek["source_id"], *line["source_id"]]))
    lead = (
        f"Uzbekistan acts in {len(uzbek)} of {len(steps)} recorded steps of the project: "
        + "; ".join(_dated(r) for r in uzbek.itertuples())
        + "."
    )
    if uzbek.empty:
        return ClaimResult(
            "C12",
            Verdict.NOT_TESTABLE,
            f"No recorded step of the project is Uzbekistan's ({len(steps)} steps by others); "
            "the data cannot say who manages it.",
            tuple(dict.fromkeys(steps["source_id"])),
        )
    if building.empty:
        return ClaimResult(
            "C12",
            Verdict.WITHIN_TOLERANCE,
            f"{lead} But no section of the main line is recorded as under construction "
            f"(segments by source: {statuses}): Uzbekistan leads the project, which had not "
            "reached construction.",
            sources,
            tolerance="'manages construction' read as 'leads the project'",
        )
    return ClaimResult(
        "C12",
        Verdict.CONFIRMED,
        f"{lead} Sections recorded as under construction or open: {len(building)}.",
        sources,
    )


@claims.check("C11")
def check_c11(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    return assess_c11(tables.events)


@claims.check("C12")
def check_c12(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    return assess_c12(tables.events, tables.route_segments)
