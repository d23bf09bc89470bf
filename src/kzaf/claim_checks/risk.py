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
from kzaf.frames import records, rows
from kzaf.risk.evidence import distinct_events, figure_bounds
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


def assess_c9(indicators: pd.DataFrame) -> ClaimResult:
    """Published estimates of Afghanistan's mineral wealth and of the share surveyed."""
    wealth = indicators[indicators["indicator"] == "mineral_wealth_estimate"]
    share = indicators[indicators["indicator"] == "territory_surveyed_share"]
    if wealth.empty:
        return ClaimResult(
            "C9",
            Verdict.NOT_TESTABLE,
            "data/indicators.csv holds no estimate of Afghanistan's mineral wealth.",
        )
    listing = "; ".join(
        f"{r.precision.replace('_', ' ')} {_fmt(r.value)} bn ({r.period_end.year}, {r.note})"
        for r in rows(wealth.sort_values("period_end"))
    )
    matching = wealth[
        [
            b is not None and b[1] <= CLAIM_VALUE_C9 <= b[2]
            for b in (figure_bounds(r) for r in wealth.to_dict("records"))
        ]
    ]
    sources = tuple(dict.fromkeys([*wealth["source_id"], *share["source_id"]]))
    if matching.empty:
        return ClaimResult(
            "C9",
            Verdict.CONTRADICTED,
            f"No published estimate is consistent with about $1 trillion: {listing}.",
            sources,
        )
    share_text = "The data hold no figure on the share of the territory surveyed."
    share_ok = True
    if not share.empty:
        low, high = _bounds(share)
        share_ok = low <= CLAIM_SHARE_C9 <= high
        shown = "; ".join(f"about {_fmt(r.value)}% ({r.note})" for r in rows(share))
        share_text = (
            f"The share surveyed is recorded as {shown}, "
            + ("consistent with" if share_ok else "not")
            + f" the article's {CLAIM_SHARE_C9:.0f}%; the two may describe different kinds of "
            "survey."
        )
    verdict = Verdict.CONFIRMED if share_ok else Verdict.WITHIN_TOLERANCE
    return ClaimResult(
        "C9",
        verdict,
        f"{len(matching)} of {len(wealth)} published estimates are consistent with $1 trillion "
        f"({listing}). {share_text}",
        sources,
        tolerance="" if share_ok else "the value is confirmed; the surveyed share is not",
    )


# ---------------------------------------------------------------------------------------------
# C10


def un_group_estimates(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per group, the UN's fighter estimates for the year nearest ``year`` (earlier on a tie):
    group, year, low, high, n_figures, source_ids."""
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
            }
        )
    return pd.DataFrame(rows, columns=["group", "year", "low", "high", "n_figures", "source_ids"])


def assess_c10(indicators: pd.DataFrame) -> ClaimResult:
    """The CSTO's 20+ groups and about 10,000 people against the UN Monitoring Team."""
    totals = indicators[indicators["indicator"] == "militants_total"]
    counts = indicators[indicators["indicator"] == "armed_groups_count"]
    csto_people = totals[_attributed_to(totals, ("CSTO",))]
    if csto_people.empty:
        return ClaimResult(
            "C10", Verdict.NOT_TESTABLE, "data/ hold no CSTO estimate of militants in Afghanistan."
        )
    claim_like = csto_people[
        [
            b is not None and b[1] <= CLAIM_PEOPLE_C10 <= b[2]
            for b in (figure_bounds(r) for r in csto_people.to_dict("records"))
        ]
    ]
    statement = (claim_like if len(claim_like) else csto_people).sort_values("period_end").iloc[0]
    year = statement["period_end"].year
    bounds = figure_bounds(statement)
    if bounds is None:  # pragma: no cover - claim_like and csto_people hold bounded figures
        raise ValueError(f"indicator {statement['indicator_id']}: a figure without bounds")
    csto_low, csto_high = bounds[1:]
    groups = un_group_estimates(indicators, year)
    un_counts = counts[~_attributed_to(counts, NOT_UN)]
    if groups.empty:
        return ClaimResult(
            "C10",
            Verdict.NOT_TESTABLE,
            f"The CSTO's figure ({_fmt(statement['value'])}, {year}) is recorded, but no UN "
            "estimate by group is.",
            (statement["source_id"],),
        )
    low, high = groups["low"].sum(), groups["high"].sum()
    parts = ", ".join(f"{g.group} {_fmt(g.low)}–{_fmt(g.high)} ({g.year})" for g in rows(groups))
    other = csto_people[csto_people["indicator_id"] != statement["indicator_id"]]
    others = "; ".join(
        f"{_fmt(r.value)} ({r.period_end.year}, {r.note})" for r in other.itertuples()
    )
    group_text = (
        f"The UN Monitoring Team also counts at least {_fmt(un_counts['value'].min())} groups "
        f"({', '.join(str(p.year) for p in un_counts['period_end'])}), like the CSTO's 20+."
        if len(un_counts)
        else "No UN count of groups is recorded."
    )
    evidence = (
        f"The CSTO figure is recorded: about {_fmt(statement['value'])} people in {year} "
        f"({statement['note']}). The UN gives no total, only ranges for the groups it "
        f"quantifies, which add up to {_fmt(low)}–{_fmt(high)} ({parts}). {group_text}"
        + (f" Other CSTO statements give {others}." if others else "")
    )
    sources = tuple(
        dict.fromkeys(
            [
                statement["source_id"],
                *";".join(groups["source_ids"]).split(";"),
                *un_counts["source_id"],
            ]
        )
    )
    if low <= CLAIM_PEOPLE_C10 <= high:
        return ClaimResult("C10", Verdict.CONFIRMED, evidence, sources)
    if csto_low <= high and low <= csto_high:
        below = low > CLAIM_PEOPLE_C10
        gap = (low - CLAIM_PEOPLE_C10) / low if below else (CLAIM_PEOPLE_C10 - high) / high
        side = "below" if below else "above"
        reading = "understates" if below else "overstates"
        return ClaimResult(
            "C10",
            Verdict.WITHIN_TOLERANCE,
            f"{evidence} About 10,000 lies {gap:.0%} {side} that sum: the CSTO's round "
            f"figure, if anything, {reading} the UN's estimates for those groups.",
            sources,
            tolerance=f"'about 10,000' read as {_fmt(csto_low)}–{_fmt(csto_high)} "
            "(the project's reading of a round figure)",
        )
    return ClaimResult("C10", Verdict.CONTRADICTED, evidence, sources)


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


def assess_c11(events: pd.DataFrame) -> ClaimResult:
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


def assess_c12(events: pd.DataFrame, route_segments: pd.DataFrame) -> ClaimResult:
    """Who leads the trans-Afghan railway's recorded steps, and whether it is being built."""
    steps = distinct_events(_claim_events(events, "C12"))
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
        f"Uzbekistan acts in {len(uzbek)} of {len(steps)} recorded steps of the project "
        "(several reports of one step counted once): " + _by_month(uzbek) + "."
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
