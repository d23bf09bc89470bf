"""Checks of the article's security and corridor claims: C9, C10, C11, C12.

- C9 (a U.S. Geological Survey assessment of about 30% of Afghan territory put mineral wealth
  at about $1 trillion): an attribution to the survey, so only figures our notes attribute to
  the USGS count; other estimates are listed beside them.
- C10 (according to the CSTO, more than 20 terrorist organisations with about 10,000 people
  operate in Afghanistan): an attribution, so both parts are tested against the CSTO's own
  recorded statements. The UN Monitoring Team's counts and estimates (ranges per group,
  summed only when they share one year and one definition) are shown beside them as context,
  never as a test of what the CSTO said.
- C11 (Kazakhstan decided in December 2023 to take the Taliban off its list of terrorist
  organisations): dated listing changes in ``data/events.csv``.
- C12 (Uzbekistan manages construction of the Termez – Mazar-i-Sharif – Kabul – Peshawar
  railway): who leads the dated steps of the project in ``data/events.csv`` and what state
  the line's segments are in (``data/route_segments.csv``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from kzaf import claims
from kzaf.claims import ClaimResult, Part, Verdict, from_parts

# Each check judges the claim's parts; the claim's verdict follows from them by the one rule
# (kzaf.claims.claim_verdict).
from kzaf.data import Tables
from kzaf.frames import records
from kzaf.frames import rows as frame_rows
from kzaf.risk.evidence import distinct_events, figure_bounds
from kzaf.series import figure_interval
from kzaf.text.numbers import fmt_whole as _fmt

CLAIM_MONTH_C11 = "2023-12"
MAIN_LINE = "trans_afghan"
CLAIM_VALUE_C9 = 1000.0  # USD billion
CLAIM_SHARE_C9 = 30.0  # percent of territory surveyed
CLAIM_GROUPS_C10 = 20
CLAIM_PEOPLE_C10 = 10_000
# Fighter estimates by group; a figure whose note attributes it to the CSTO or to Russia's
# Security Council is theirs, every other one in data/ comes from UN reports (the 1988
# Monitoring Team and the Secretary-General's reports on ISIL).
GROUP_CODES = {
    "iskp_fighters": "IS-Khorasan",
    "ttp_fighters": "TTP",
    "alqaeda_fighters": "al-Qaeda",
    "aqis_fighters": "AQIS",
    "etim_fighters": "ETIM",
}
NOT_UN = ("CSTO", "Russian Security Council")
USGS = ("USGS", "Geological Survey")


def _claim_events(events: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    linked = events["claim_ids"].fillna("").map(lambda s: claim_id in str(s).split(";"))
    return events[linked].sort_values("date")


def _bounds(frame: pd.DataFrame) -> tuple[float, float]:
    """Lowest and highest value the figures can mean (their intervals, as published)."""
    found = (figure_bounds(r) for r in records(frame))
    spans = [b for b in found if b is not None]
    return min(b[1] for b in spans), max(b[2] for b in spans)


def _attributed_to(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series:
    found = frame["note"].fillna("").map(lambda note: any(n in note for n in names))
    return found.astype(bool)  # a mask even when empty (an empty object Series picks columns)


def _dated(row: Any) -> str:
    return f"{row.date} ({row.country}: {row.description.rstrip('.')})"


# ---------------------------------------------------------------------------------------------
# C9


C9_VALUE = (
    "a U.S. Geological Survey assessment put Afghanistan's mineral wealth at about $1 trillion"
)
C9_SHARE = "that assessment covered about 30% of Afghan territory"
ROUNDED = "count or share"


def _claimed_interval(value: float, precision: str = "about") -> tuple[float, float]:
    """A round figure the article prints, read as the data read one (kzaf.series)."""
    return figure_interval(value, precision)


def _overlaps(span: tuple[float, float], bounds: tuple[float, float, float] | None) -> bool:
    return bounds is not None and bounds[1] <= span[1] and span[0] <= bounds[2]


def assess_c9(indicators: pd.DataFrame) -> ClaimResult:
    """Two parts: the value (published estimates against about $1 trillion) and the share of
    the territory surveyed (against about 30%), each read as kzaf.series reads a round
    figure (about 30% is 27–33%)."""
    estimates = indicators[indicators["indicator"] == "mineral_wealth_estimate"]
    wealth = estimates[_attributed_to(estimates, USGS)]
    others = estimates[~_attributed_to(estimates, USGS)]
    share = indicators[indicators["indicator"] == "territory_surveyed_share"]
    share = share[_attributed_to(share, USGS)]
    sources = tuple(dict.fromkeys([*wealth["source_id"], *share["source_id"]]))
    beside = (
        " Not counted, since the article names the survey: "
        + "; ".join(
            f"{_fmt(r.value)} bn ({r.period_end.year}, {r.indicator_id}: {r.note})"
            for r in frame_rows(others.sort_values("period_end"))
        )
        + "."
        if len(others)
        else ""
    )
    if wealth.empty:
        value = Part(
            C9_VALUE,
            Verdict.NOT_TESTABLE,
            "The data hold no estimate of Afghanistan's mineral wealth attributed "
            "to the U.S. Geological Survey." + beside,
            ROUNDED,
        )
    else:
        listing = "; ".join(
            f"{r.precision.replace('_', ' ')} {_fmt(r.value)} bn ({r.period_end.year}, "
            f"{r.indicator_id}: {r.note})"
            for r in frame_rows(wealth.sort_values("period_end"))
        )
        span = _claimed_interval(CLAIM_VALUE_C9)
        matching = [_overlaps(span, figure_bounds(r)) for r in wealth.to_dict("records")]
        value = Part(
            C9_VALUE,
            Verdict.CONFIRMED if any(matching) else Verdict.CONTRADICTED,
            f"{sum(matching)} of {len(wealth)} estimates attributed to the survey are "
            f"consistent with about $1 trillion ({_fmt(span[0])}–{_fmt(span[1])} bn): "
            f"{listing}.{beside}",
            ROUNDED,
        )
    return from_parts("C9", [value, _c9_share(share)], sources)


def _c9_share(share: pd.DataFrame) -> Part:
    """The share of the territory the survey covered against about 30%."""
    if share.empty:
        none = "The data hold no figure on the share the survey covered."
        return Part(C9_SHARE, Verdict.NOT_TESTABLE, none, ROUNDED)
    span = _claimed_interval(CLAIM_SHARE_C9)
    fits = [_overlaps(span, figure_bounds(r)) for r in share.to_dict("records")]
    shown = "; ".join(
        f"about {_fmt(r.value)}% ({r.indicator_id}: {r.note})" for r in frame_rows(share)
    )
    return Part(
        C9_SHARE,
        Verdict.CONFIRMED if any(fits) else Verdict.CONTRADICTED,
        f"The share surveyed is recorded as {shown}; about {CLAIM_SHARE_C9:.0f}% means "
        f"{_fmt(span[0])}–{_fmt(span[1])}%, "
        + ("which it fits." if any(fits) else "which it is far from.")
        + " The two may describe different kinds of survey; the record does not say so.",
        ROUNDED,
    )


# ---------------------------------------------------------------------------------------------
# C10


def un_group_estimates(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per group, the UN's fighter estimates for the year nearest ``year`` (earlier on a tie):
    group, year, low, high, n_figures, source_ids, includes_family."""
    rows = []
    for code, group in GROUP_CODES.items():
        figures = indicators[indicators["indicator"] == code]
        figures = figures[~_attributed_to(figures, NOT_UN)]
        if figures.empty:
            continue
        years = figures["period_end"].map(lambda p: p.year)
        nearest = min(sorted(set(years)), key=lambda y: (abs(y - year), y))
        chosen = figures[years == nearest]
        low, high = _bounds(chosen)
        rows.append(
            {
                "group": group,
                "year": nearest,
                "low": low,
                "high": high,
                "n_figures": len(chosen),
                "source_ids": ";".join(dict.fromkeys(chosen["source_id"])),
                # Our notes say so where a page counts fighters and their families together.
                "includes_family": bool(chosen["note"].fillna("").str.contains("famil").any()),
            }
        )
    columns = ["group", "year", "low", "high", "n_figures", "source_ids", "includes_family"]
    return pd.DataFrame(rows, columns=columns)


C10_GROUPS = "the CSTO counts more than 20 terrorist organisations in Afghanistan"
C10_PEOPLE = "the CSTO puts the number of people in them at about 10,000"


def like_for_like(groups: pd.DataFrame) -> str:
    """Why the groups' estimates cannot be summed, or "" when they can: they must share one
    year and one definition (fighters only)."""
    reasons = []
    years = sorted(set(groups["year"]))
    if len(years) > 1:
        by_year = "; ".join(
            f"{y}: {', '.join(groups.loc[groups['year'] == y, 'group'])}" for y in years
        )
        reasons.append(f"they come from different years ({by_year})")
    family = groups[groups["includes_family"]]
    if len(family):
        reasons.append(
            "the upper bound for "
            + ", ".join(f"{g.group} ({g.year})" for g in frame_rows(family))
            + " counts family members as well as fighters"
        )
    return " and ".join(reasons)


def assess_c10(indicators: pd.DataFrame) -> ClaimResult:
    """Two parts, both what the CSTO said (the article attributes them to it): more than 20
    organisations, and about 10,000 people, each against the CSTO's recorded statements. The
    UN's count and estimates are added to the evidence as context, never as the test."""
    counts = indicators[indicators["indicator"] == "armed_groups_count"]
    totals = indicators[indicators["indicator"] == "militants_total"]
    csto_counts = counts[_attributed_to(counts, ("CSTO",))]
    csto_people = totals[_attributed_to(totals, ("CSTO",))]
    groups_part = _csto_groups(csto_counts)
    people_part, year = _csto_people(csto_people)
    un_counts = counts[~_attributed_to(counts, NOT_UN)]
    parts = [
        replace(groups_part, evidence=groups_part.evidence + _un_counts(un_counts)),
        replace(people_part, evidence=people_part.evidence + _un_people(indicators, year)),
    ]
    sources = [*csto_counts["source_id"], *csto_people["source_id"], *un_counts["source_id"]]
    return from_parts("C10", parts, sources)


def _csto_groups(csto_counts: pd.DataFrame) -> Part:
    if csto_counts.empty:
        return Part(C10_GROUPS, Verdict.NOT_TESTABLE, "No CSTO count of groups is recorded.")
    holds = bool((csto_counts["value"] >= CLAIM_GROUPS_C10).any())
    listed = "; ".join(
        f"{r.precision.replace('_', ' ')} {_fmt(r.value)} ({r.period_end.year}, "
        f"{r.indicator_id}: {r.note})"
        for r in frame_rows(csto_counts.sort_values("period_end"))
    )
    return Part(
        C10_GROUPS,
        Verdict.CONFIRMED if holds else Verdict.CONTRADICTED,
        f"The CSTO's recorded count: {listed}.",
        ROUNDED,
    )


def _csto_people(csto_people: pd.DataFrame) -> tuple[Part, int | None]:
    """The CSTO's statement nearest the claim (about 10,000, read as a round figure) and the
    year it was made (for the UN context), or not testable without one."""
    if csto_people.empty:
        none = "data/ hold no CSTO estimate of militants in Afghanistan."
        return Part(C10_PEOPLE, Verdict.NOT_TESTABLE, none, ROUNDED), None
    span = _claimed_interval(CLAIM_PEOPLE_C10)
    claim_like = csto_people[
        [_overlaps(span, figure_bounds(r)) for r in csto_people.to_dict("records")]
    ]
    statement = (claim_like if len(claim_like) else csto_people).sort_values("period_end").iloc[0]
    other = csto_people[csto_people["indicator_id"] != statement["indicator_id"]]
    others = "; ".join(
        f"{_fmt(r.value)} ({r.period_end.year}, {r.indicator_id}: {r.note})"
        for r in frame_rows(other)
    )
    part = Part(
        C10_PEOPLE,
        Verdict.CONFIRMED if len(claim_like) else Verdict.CONTRADICTED,
        f"Recorded: about {_fmt(statement['value'])} people in {statement['period_end'].year} "
        f"({statement['indicator_id']}: {statement['note']})."
        + (f" Other CSTO statements give {others}." if others else ""),
        ROUNDED,
    )
    return part, int(statement["period_end"].year)


def _un_counts(un_counts: pd.DataFrame) -> str:
    """The UN Monitoring Team's counts of groups, as context."""
    if un_counts.empty:
        return ""
    listed = "; ".join(
        f"{_fmt(r.value)} ({r.period_end.year}, {r.indicator_id})"
        for r in frame_rows(un_counts.sort_values("period_end"))
    )
    return f" For context, not counted: the UN Monitoring Team counts at least {listed}."


def _un_people(indicators: pd.DataFrame, year: int | None) -> str:
    """The UN's estimates by group nearest the CSTO's statement, as context (added up only
    when they share a year and a definition)."""
    groups = un_group_estimates(indicators, year) if year is not None else pd.DataFrame()
    if groups.empty:
        return ""
    listed = ", ".join(
        f"{g.group} {_fmt(g.low)}–{_fmt(g.high)} ({g.year})" for g in frame_rows(groups)
    )
    why_not = like_for_like(groups)
    total = (
        f"they cannot be added into a total because {why_not}"
        if why_not
        else f"together {_fmt(groups['low'].sum())}–{_fmt(groups['high'].sum())}"
    )
    return (
        f" For context, not counted: the UN gives no total, only ranges for the groups it "
        f"quantifies, nearest to {year}: {listed}; {total}."
    )


# ---------------------------------------------------------------------------------------------
# C11


def _by_month(frame: pd.DataFrame) -> str:
    """'2023-12 (2 records: first description); 2024-06 (...)'."""
    parts = []
    for month, group in frame.groupby(frame["date"].astype(str).str[:7], sort=True):
        first = group.iloc[0]["description"].rstrip(".")
        count = f"{len(group)} records; " if len(group) > 1 else ""
        parts.append(f"{month} ({count}{first})")
    return "; ".join(parts)


C11_MONTH = (
    "Kazakhstan removed the Taliban from its list of terrorist organisations in December 2023"
)


def assess_c11(events: pd.DataFrame) -> ClaimResult:
    """One part: Kazakhstan's terrorist-list change dated against December 2023."""
    dated = _date_c11(events)
    part = Part(C11_MONTH, dated.verdict, dated.evidence, "date")
    return from_parts("C11", [part], dated.sources)


def _date_c11(events: pd.DataFrame) -> ClaimResult:
    """Kazakhstan's terrorist-list change dated against December 2023 (changes before the
    Taliban took Kabul, such as the original listing, are context, not the claim)."""
    changes = events[(events["kind"] == "terrorist_listing_change") & (events["country"] == "KAZ")]
    changes = changes[changes["date"].astype(str) >= "2021-08"].sort_values("date")
    if changes.empty:
        return ClaimResult(
            "C11",
            Verdict.NOT_TESTABLE,
            "The dated events record no change to Kazakhstan's list of terrorist organisations "
            "since August 2021.",
        )
    months = sorted({str(d)[:7] for d in changes["date"]})
    sources = tuple(dict.fromkeys(changes["source_id"]))
    listing = _by_month(changes)
    if CLAIM_MONTH_C11 in months:
        later = [m for m in months if m > CLAIM_MONTH_C11]
        return ClaimResult(
            "C11",
            Verdict.CONFIRMED,
            f"The removal is dated December 2023 in the record: {listing}."
            + (
                f" Later records ({', '.join(later)}) date or confirm the same change; the first "
                "one is the claimed month."
                if later
                else ""
            ),
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


C12_LEAD = "Uzbekistan leads the trans-Afghan railway project"
C12_BUILDING = "the railway is under construction"


def assess_c12(events: pd.DataFrame, route_segments: pd.DataFrame) -> ClaimResult:
    """Two parts: who leads the project's recorded steps, and whether any section of the
    main line is recorded as under construction (or open)."""
    steps = distinct_events(_claim_events(events, "C12"))
    line = route_segments[route_segments["route"] == MAIN_LINE]
    uzbek = steps[steps["country"] == "UZB"]
    building = line[line["status"].isin(["under_construction", "operational"])]
    statuses = ", ".join(f"{n} {s}" for s, n in line["status"].value_counts().items())
    sources = tuple(dict.fromkeys([*steps["source_id"], *line["source_id"]]))
    if steps.empty:
        lead = Part(C12_LEAD, Verdict.NOT_TESTABLE, "No dated step of the project is recorded.")
    elif uzbek.empty:
        lead = Part(
            C12_LEAD,
            Verdict.NOT_TESTABLE,
            f"No recorded step of the project is Uzbekistan's ({len(steps)} steps by others); "
            "the data cannot say who leads it.",
        )
    else:
        lead = Part(
            C12_LEAD,
            Verdict.CONFIRMED,
            f"Uzbekistan acts in {len(uzbek)} of {len(steps)} recorded steps of the project "
            "(several reports of one step counted once): " + _by_month(uzbek) + ".",
        )
    if line.empty:
        works = Part(C12_BUILDING, Verdict.NOT_TESTABLE, "No segment of the main line recorded.")
    elif building.empty:
        works = Part(
            C12_BUILDING,
            Verdict.CONTRADICTED,
            f"No section of the main line is recorded as under construction or open "
            f"(segments by source: {statuses}); statements that work has begun are not "
            "records of construction.",
        )
    else:
        works = Part(
            C12_BUILDING,
            Verdict.CONFIRMED,
            f"Sections recorded as under construction or open: {len(building)}.",
        )
    return from_parts("C12", [lead, works], sources)


@claims.check("C9")
def check_c9(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    return assess_c9(tables.indicators)


@claims.check("C10")
def check_c10(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    return assess_c10(tables.indicators)


@claims.check("C11")
def check_c11(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    return assess_c11(tables.events)


@claims.check("C12")
def check_c12(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    return assess_c12(tables.events, tables.route_segments)
