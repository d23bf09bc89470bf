"""Checks of the article's security and corridor claims: C9, C10, C11, C12.

- C9 (a U.S. Geological Survey assessment of about 30% of Afghan territory put mineral wealth
  at about $1 trillion): needs the survey's own figures in ``data/indicators.csv``.
- C10 (CSTO: more than 20 terrorist organisations, about 10,000 people, in Afghanistan): the
  CSTO's figures are set against the UN Monitoring Team's estimates, which are ranges per
  group; the groups' ranges (the year closest to the CSTO statement) are summed only when
  they share one year and one definition (fighters only), else that part is not testable.
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


def _claim_events(events: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    linked = events["claim_ids"].fillna("").map(lambda s: claim_id in str(s).split(";"))
    return events[linked].sort_values("date")


def _bounds(frame: pd.DataFrame) -> tuple[float, float]:
    """Lowest and highest value the figures can mean (their intervals, as published)."""
    found = (figure_bounds(r) for r in records(frame))
    spans = [b for b in found if b is not None]
    return min(b[1] for b in spans), max(b[2] for b in spans)


def _attributed_to(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series:
    return frame["note"].fillna("").map(lambda note: any(n in note for n in names))


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
    wealth = indicators[indicators["indicator"] == "mineral_wealth_estimate"]
    share = indicators[indicators["indicator"] == "territory_surveyed_share"]
    sources = tuple(dict.fromkeys([*wealth["source_id"], *share["source_id"]]))
    if wealth.empty:
        value = Part(
            C9_VALUE,
            Verdict.NOT_TESTABLE,
            "data/indicators.csv holds no estimate of Afghanistan's mineral wealth.",
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
            f"{sum(matching)} of {len(wealth)} published estimates are consistent with about "
            f"$1 trillion ({_fmt(span[0])}–{_fmt(span[1])} bn): {listing}.",
            ROUNDED,
        )
    if share.empty:
        surveyed = Part(
            C9_SHARE,
            Verdict.NOT_TESTABLE,
            "The data hold no figure on the share surveyed.",
            ROUNDED,
        )
    else:
        span = _claimed_interval(CLAIM_SHARE_C9)
        fits = [_overlaps(span, figure_bounds(r)) for r in share.to_dict("records")]
        shown = "; ".join(
            f"about {_fmt(r.value)}% ({r.indicator_id}: {r.note})" for r in frame_rows(share)
        )
        surveyed = Part(
            C9_SHARE,
            Verdict.CONFIRMED if any(fits) else Verdict.CONTRADICTED,
            f"The share surveyed is recorded as {shown}; about {CLAIM_SHARE_C9:.0f}% means "
            f"{_fmt(span[0])}–{_fmt(span[1])}%, "
            + ("which it fits." if any(fits) else "which it is far from.")
            + " The two may describe different kinds of survey; the record does not say so.",
            ROUNDED,
        )
    return from_parts("C9", [value, surveyed], sources)


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


C10_CSTO = "the CSTO puts the number of people at about 10,000"
C10_GROUPS = "more than 20 terrorist organisations operate in Afghanistan"
C10_PEOPLE = "about 10,000 people belong to them, by independent (UN) estimates"


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
    """Three parts: the CSTO said it (its recorded statement); more than 20 organisations (the
    UN Monitoring Team's count); about 10,000 people (the UN's estimates by group, summed
    only when they share a year and a definition, else not testable)."""
    totals = indicators[indicators["indicator"] == "militants_total"]
    counts = indicators[indicators["indicator"] == "armed_groups_count"]
    csto_people = totals[_attributed_to(totals, ("CSTO",))]
    un_counts = counts[~_attributed_to(counts, NOT_UN)]
    span = _claimed_interval(CLAIM_PEOPLE_C10)
    if len(un_counts):
        groups_part = Part(
            C10_GROUPS,
            Verdict.CONFIRMED
            if (un_counts["value"] >= CLAIM_GROUPS_C10).all()
            else Verdict.CONTRADICTED,
            "The UN Monitoring Team counts at least "
            + "; ".join(
                f"{_fmt(r.value)} ({r.period_end.year}, {r.indicator_id})"
                for r in frame_rows(un_counts)
            )
            + ", the same bound as the CSTO's 20+.",
            ROUNDED,
        )
    else:
        groups_part = Part(C10_GROUPS, Verdict.NOT_TESTABLE, "No UN count of groups is recorded.")
    if csto_people.empty:
        none = "data/ hold no CSTO estimate of militants in Afghanistan."
        parts = [
            Part(C10_CSTO, Verdict.NOT_TESTABLE, none, ROUNDED),
            groups_part,
            Part(C10_PEOPLE, Verdict.NOT_TESTABLE, none, ROUNDED),
        ]
        return from_parts("C10", parts, tuple(un_counts["source_id"]))
    claim_like = csto_people[
        [_overlaps(span, figure_bounds(r)) for r in csto_people.to_dict("records")]
    ]
    statement = (claim_like if len(claim_like) else csto_people).sort_values("period_end").iloc[0]
    year = statement["period_end"].year
    other = csto_people[csto_people["indicator_id"] != statement["indicator_id"]]
    others = "; ".join(
        f"{_fmt(r.value)} ({r.period_end.year}, {r.indicator_id}: {r.note})"
        for r in frame_rows(other)
    )
    csto_part = Part(
        C10_CSTO,
        Verdict.CONFIRMED if len(claim_like) else Verdict.CONTRADICTED,
        f"Recorded: about {_fmt(statement['value'])} people in {year} "
        f"({statement['indicator_id']}: {statement['note']})."
        + (f" Other CSTO statements give {others}." if others else ""),
        ROUNDED,
    )
    groups = un_group_estimates(indicators, year)
    sources = [statement["source_id"], *un_counts["source_id"]]
    if groups.empty:
        people = Part(C10_PEOPLE, Verdict.NOT_TESTABLE, "No UN estimate by group is recorded.")
        return from_parts("C10", [csto_part, groups_part, people], sources)
    sources += ";".join(groups["source_ids"]).split(";")
    low, high = groups["low"].sum(), groups["high"].sum()
    listed = ", ".join(
        f"{g.group} {_fmt(g.low)}–{_fmt(g.high)} ({g.year})" for g in frame_rows(groups)
    )
    why_not = like_for_like(groups)
    if why_not:
        people = Part(
            C10_PEOPLE,
            Verdict.NOT_TESTABLE,
            f"The UN gives no total, only ranges for the groups it quantifies, nearest to "
            f"{year}: {listed}. They cannot be added into a total because {why_not}; their "
            f"sum ({_fmt(low)}–{_fmt(high)}) would not be a count of anything.",
            ROUNDED,
        )
    else:
        holds = span[0] <= high and low <= span[1]
        people = Part(
            C10_PEOPLE,
            Verdict.CONFIRMED if holds else Verdict.CONTRADICTED,
            f"The UN's ranges for {year} ({listed}) add up to {_fmt(low)}–{_fmt(high)}; about "
            f"10,000 means {_fmt(span[0])}–{_fmt(span[1])}"
            + (", which overlaps." if holds else ", which does not overlap."),
            ROUNDED,
        )
    return from_parts("C10", [csto_part, groups_part, people], sources)


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
            "data/events.csv records no change to Kazakhstan's list of terrorist organisations "
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
