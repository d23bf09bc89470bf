"""Checks of the article's claims on Kazakhstan–Afghanistan trade: C1, C2, C3.

Each check compares the article's figures with the figures other sources publish for the same
thing. The article's own figures (its source_id in ``data/claims.csv``) are kept apart, so a
claim is never confirmed by itself. The pure functions ``assess_c1``, ``assess_c2`` and
``assess_c3`` take a figures frame (``kzaf.series.reported_figures`` for KAZ–AFG turnover) and
return a :class:`kzaf.claims.ClaimResult` built from the claim's parts (its verdict comes from
them by ``kzaf.claims.claim_verdict``); the registered checks only select those figures.

Options (from ``kzaf.claims.evaluate(options=...)``; the notebook passes its parameters):
``source_policy`` (default ``official_first``), ``claim_tolerance`` (relative, default 0.05:
how far a figure may stray from another and still count as the same, the size of revisions
and rounding between releases), ``doubling_tolerance`` (relative, default 0.10, from C2's test
method in ``data/claims.csv``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from kzaf import claims, series
from kzaf.claims import ClaimResult, Part, Verdict
from kzaf.data import Tables
from kzaf.frames import records as frame_records
from kzaf.frames import rows as table_rows
from kzaf.provenance import statement_ids
from kzaf.text.numbers import fmt_plain as _fmt
from kzaf.trajectory import pair_changes, point_figures, set_aside

REPORTER, PARTNER, FLOW = "KAZ", "AFG", "turnover"
DEFAULT_TOLERANCE = 0.05
DEFAULT_DOUBLING_TOLERANCE = 0.10
CONFIRMED, WITHIN_TOLERANCE = Verdict.CONFIRMED, Verdict.WITHIN_TOLERANCE
CONTRADICTED, NOT_TESTABLE = Verdict.CONTRADICTED, Verdict.NOT_TESTABLE


def _sources(*frames: pd.DataFrame) -> tuple[str, ...]:
    found: list[str] = []
    for frame in frames:
        for source in frame.get("source_id", pd.Series(dtype=object)):
            if source not in found:
                found.append(source)
    return tuple(found)


def _split(figures: pd.DataFrame, article_source_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the article's figures, everyone else's)."""
    mine = figures["source_id"] == article_source_id
    return figures[mine], figures[~mine]


def _full_year(figures: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    keep = (
        (figures["flow"] == FLOW)
        & (figures["basis"] == "calendar")
        & (figures["period_kind"] == "year")
    )
    if year is not None:
        keep &= figures["year"] == year
    return figures[keep]


def _listing(frame: pd.DataFrame, show: int = 3) -> str:
    """Figures grouped by value: '987.9 (Kazinform), 1,000 ×10 from 9 statements (rounded or
    about: DairyNews, Jibek Joly TV, KabulNow and 7 more; 1 flagged suspect)'. Reprints of one
    statement count once among the statements (kzaf.provenance)."""
    items = []
    for _value, group in frame.groupby("value", sort=True):
        precisions = sorted(set(group["precision"]) - {"exact"})
        publishers = list(dict.fromkeys(group["publisher"]))
        names = ", ".join(publishers[:show])
        if len(publishers) > show:
            names += f" and {len(publishers) - show} more"
        notes = [" or ".join(precisions) + ":"] if precisions else []
        statements = len(statement_ids(frame_records(group)))
        count = f" ×{len(group)}" if len(group) > 1 else ""
        if statements < len(group):
            count += f" from {statements} statement{'s' if statements > 1 else ''}"
        flagged = int(group["suspect"].sum())
        suffix = f"; {flagged} flagged suspect" if flagged else ""
        items.append(f"{_fmt(group['value'].iloc[0])}{count} ({' '.join([*notes, names])}{suffix})")
    return ", ".join(items)


def _aside(figures: pd.DataFrame) -> str:
    """' Bounds set aside (a figure of the same period exists): up to 1,000 for 2023 (...).'"""
    bounds = set_aside(figures)
    if bounds.empty:
        return ""
    words = {"at_most": "up to", "at_least": "over"}
    items = [
        f"{words[row.precision]} {_fmt(row.value)} for {row.period_label} ({row.publisher}"
        + (", flagged suspect)" if row.suspect else ")")
        for row in table_rows(bounds)
    ]
    return f" Bounds set aside (a figure for the same period exists): {'; '.join(items)}."


def article_figures(tables: Tables, claim_id: str) -> tuple[str, pd.DataFrame]:
    """The article's source_id (from data/claims.csv) and every KAZ–AFG turnover figure."""
    claim = tables.claims[tables.claims["claim_id"] == claim_id]
    article_source_id = str(claim.iloc[0]["source_id"])
    figures = series.reported_figures(
        tables.observations, tables.sources, reporter=REPORTER, partner=PARTNER, flow=FLOW
    )
    return article_source_id, figures[figures["unit"] == "USD million"]


# ---------------------------------------------------------------------------------------------
# C1: a record in 2022


C1_RECORD = "2022 was the highest year on record"
C1_FIGURE = "the article's 2022 figure matches a published one"
C2_RATIO = "2022 turnover was twice 2021's"
C3_FALL = "trade fell in 2023 against 2022"
C3_YTD = "the article's January–November 2023 figure fits the full-year 2023 figures"
C3_DECEMBER = "December 2023 did not jump"
MONEY = "trade value"


def assess_c1(
    figures: pd.DataFrame,
    article_source_id: str,
    *,
    year: int = 2022,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    tolerance: float = DEFAULT_TOLERANCE,
) -> ClaimResult:
    """Trade peaked in ``year`` (a record) at the article's figure: two parts.

    The record: confirmed when other sources' preferred figure for ``year`` is the highest
    of every year with a full-year figure and even its lowest figure beats every other year's
    highest; within tolerance when it holds on preferred figures only (ranges overlap);
    contradicted when another year is as high or higher. The figure: confirmed when the
    article's number agrees with a published one within their precision; within tolerance
    when it is at most ``tolerance`` from the nearest; contradicted beyond that.
    """
    policy = series.policy_from(policy)
    article, others = _split(point_figures(_full_year(figures)), article_source_id)
    claimed = article[article["year"] == year]
    mine = others[others["year"] == year]
    if mine.empty:
        none = f"No source other than the article gives a full-year {year} figure."
        parts = [Part(C1_RECORD, NOT_TESTABLE, none, MONEY), Part(C1_FIGURE, NOT_TESTABLE, none)]
        return claims.from_parts("C1", _money(parts, tolerance), _sources(claimed))
    table = series.annual_table(others, policy, flows=[FLOW]).dropna(subset=["preferred_value"])
    figure = _c1_figure(claimed, mine, policy, tolerance)
    if len(table) < 2:
        none = (
            f"Only {year} has a full-year figure from other sources; there is no year to compare."
        )
        parts = [Part(C1_RECORD, NOT_TESTABLE, none, MONEY), figure]
        return claims.from_parts("C1", _money(parts, tolerance), _sources(mine))
    record = _c1_record(table, others, year, _aside(_full_year(figures)))
    details = table[["year", "n_figures", "preferred_value", "value_min", "value_max"]]
    used = _sources(claimed, others)
    return claims.from_parts("C1", _money([record, figure], tolerance), used, details)


def _c1_record(table: pd.DataFrame, others: pd.DataFrame, year: int, aside: str) -> Part:
    """Whether ``year`` is the highest of the years in ``table`` (preferred figures), and
    robustly so (its lowest figure above every other year's highest)."""
    years = [int(y) for y in table["year"]]
    rows = table.set_index("year")
    peak = float(rows["preferred_value"].loc[year])
    rivals = rows.drop(index=year)
    top_rival_year = int(rivals.index[int(rivals["preferred_value"].to_numpy().argmax())])
    top_rival = float(rivals["preferred_value"].max())
    covered = f"the {len(years)} years with a full-year figure ({', '.join(map(str, years))})"
    if top_rival >= peak:
        return Part(
            C1_RECORD,
            CONTRADICTED,
            f"{top_rival_year} ({_fmt(top_rival)}) is at least as high as {year} ({_fmt(peak)}) "
            f"among {covered}.",
            MONEY,
        )
    gaps = sorted(set(range(min(years), max(years) + 1)) - set(years))
    caveat = (
        f"; years without a figure ({', '.join(map(str, gaps))}) cannot be ruled out"
        if gaps
        else ""
    )
    mine = others[others["year"] == year]
    robust = float(mine["value"].min()) > float(others[others["year"] != year]["value"].max())
    return Part(
        C1_RECORD,
        CONFIRMED if robust else WITHIN_TOLERANCE,
        f"Among {covered}, {year} is highest: {_fmt(peak)} against {_fmt(top_rival)} in "
        f"{top_rival_year} (other sources for {year}: {_listing(mine)}){caveat}"
        + ("." if robust else "; but ranges of figures overlap between years.")
        + aside,
        MONEY,
    )


def _c1_figure(
    claimed: pd.DataFrame, mine: pd.DataFrame, policy: series.SourcePolicy, tolerance: float
) -> Part:
    if claimed.empty or mine.empty:
        return Part(C1_FIGURE, NOT_TESTABLE, "No figure to compare with.", MONEY)
    value = float(claimed.iloc[0]["value"])
    claimed_row = {"value": value, "precision": str(claimed.iloc[0]["precision"])}
    matches = [
        row for row in frame_records(mine) if not series.figures_conflict(claimed_row, row, policy)
    ]
    nearest = min(abs(value / v - 1) for v in mine["value"])
    text = f"The article's {_fmt(value)} "
    if matches:
        statements = len(statement_ids(matches))
        text += (
            f"matches {len(matches)} published figure(s) within their precision, from "
            f"{statements} statement(s) (reprints of one statement count once)."
        )
        return Part(C1_FIGURE, CONFIRMED, text, MONEY)
    text += f"is {nearest:.1%} from the nearest published figure"
    if nearest <= tolerance:
        return Part(C1_FIGURE, WITHIN_TOLERANCE, text + f", within {tolerance:.0%}.", MONEY)
    return Part(C1_FIGURE, CONTRADICTED, text + f", beyond {tolerance:.0%}.", MONEY)


def assess_c2(
    figures: pd.DataFrame,
    article_source_id: str,
    *,
    years: tuple[int, int] = (2021, 2022),
    claimed_ratio: float = 2.0,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    tolerance: float = DEFAULT_DOUBLING_TOLERANCE,
) -> ClaimResult:
    """The later year was ``claimed_ratio`` times the earlier (one part), tested on every pair
    of figures from sources other than the article.

    Confirmed: the range of ratios includes the claimed ratio. Within tolerance: the ratio of
    the preferred figures lies within ``tolerance`` of it. Contradicted: otherwise. Not
    testable: either year has no figure from another source.
    """
    policy = series.policy_from(policy)
    first, second = years
    full = _full_year(figures)
    full = full[full["year"].isin(years)]
    article, others = _split(point_figures(full), article_source_id)
    before, after = others[others["year"] == first], others[others["year"] == second]
    own = pair_changes(article[article["year"] == first], article[article["year"] == second])
    own_text = f" (the article's own figures give ×{own['ratio'].iloc[0]:.2f})" if len(own) else ""
    missing = [str(y) for y, f in ((first, before), (second, after)) if f.empty]
    used = _sources(article, before, after)
    if missing:
        text = (
            f"No source other than the article gives a full-year figure for "
            f"{' and '.join(missing)}{own_text}."
        )
        return claims.from_parts("C2", [Part(C2_RATIO, NOT_TESTABLE, text, "ratio")], used)
    pairs = pair_changes(before, after)
    low, high = float(pairs["ratio"].min()), float(pairs["ratio"].max())
    best_before = float(series.rank_figures(before, policy).iloc[0]["value"])
    best_after = float(series.rank_figures(after, policy).iloc[0]["value"])
    preferred = best_after / best_before
    ratios = f"×{low:.2f}" if math.isclose(low, high) else f"×{low:.2f} to ×{high:.2f}"
    evidence = (
        f"{second} against {first} from every pair of published figures ({len(pairs)} pair(s)): "
        f"{ratios}; preferred figures {_fmt(best_after)} / {_fmt(best_before)} = "
        f"×{preferred:.2f}{own_text}. {first}: {_listing(before)}; {second}: {_listing(after)}."
        f"{_aside(full)}"
    )
    if low <= claimed_ratio <= high:
        verdict = CONFIRMED
    elif abs(preferred / claimed_ratio - 1) <= tolerance:
        verdict = WITHIN_TOLERANCE
        evidence += f" ×{preferred:.2f} is within {tolerance:.0%} of ×{claimed_ratio:g}."
    else:
        verdict = CONTRADICTED
        evidence += f" ×{preferred:.2f} is more than {tolerance:.0%} from ×{claimed_ratio:g}."
    ratio = Part(C2_RATIO, verdict, evidence, "ratio", f"{tolerance:.0%} of the claimed ratio")
    return claims.from_parts("C2", [ratio], used, pairs)


def assess_c3(
    figures: pd.DataFrame,
    article_source_id: str,
    *,
    year: int = 2023,
    last_month: int = 11,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    jump_factor: float = 2.0,
) -> ClaimResult:
    """Three parts: trade fell in ``year`` against the year before; the article's
    year-to-date figure fits the full-year figures; December did not jump.

    Fall: the preferred full-year figure for ``year`` (other sources) against the year
    before; without a full-year figure, the year-to-date figure against the whole previous
    year (within tolerance at best: the year is incomplete). Fit: the year-to-date figure
    must not exceed a full-year figure beyond both figures' precision
    (``kzaf.series.part_fits_whole``): confirmed when it fits the preferred full-year figure;
    not testable when it fits only some others (the full-year figures disagree); contradicted
    when it exceeds every one, however little (part of a year above the whole year cannot
    hold alongside them: no tolerance for revisions applies). December: full year minus
    January–November from every pair that fits (``derive_residuals``); a jump is a December
    above ``jump_factor`` times the average month before it. When no pair fits, December
    cannot be derived and the part is not testable.
    """
    policy = series.policy_from(policy)
    claimed, full, previous, aside = _c3_figures(figures, article_source_id, year, last_month)
    used = _sources(claimed, full, previous)
    months = f"January–{_month(last_month)} {year}"
    if claimed.empty or (full.empty and previous.empty):
        none = (
            f"Testing needs a {months} figure and a full-year {year} or {year - 1} figure "
            f"from another source; found {len(claimed)} and {len(full) + len(previous)}."
        )
        parts = [Part(name, NOT_TESTABLE, none) for name in (C3_FALL, C3_YTD, C3_DECEMBER)]
        return claims.from_parts("C3", parts, used)
    part = float(series.rank_figures(claimed, policy).iloc[0]["value"])
    prior = float(series.rank_figures(previous, policy).iloc[0]["value"]) if len(previous) else None
    if full.empty:
        whole = None
        none = f"No full-year {year} figure from another source."
        rest = [Part(C3_YTD, NOT_TESTABLE, none), Part(C3_DECEMBER, NOT_TESTABLE, none)]
        parts = [_c3_fall(part, whole, prior, year, last_month), *rest]
        return claims.from_parts("C3", parts, used)
    best = series.rank_figures(full, policy).iloc[0]
    whole = float(best["value"])
    december = _december(claimed, full, year, last_month)
    listing = (
        f"{months}: {_listing(claimed)}. Full-year {year} from other sources: "
        f"{_listing(full)}.{aside}"
    )
    parts = [
        _c3_fall(part, whole, prior, year, last_month),
        _c3_fit(december, str(best["obs_id"]), listing, months, part / whole - 1),
        _c3_december(december, part, months, last_month, jump_factor),
    ]
    return claims.from_parts("C3", parts, used, december)


def _c3_figures(
    figures: pd.DataFrame, article_source_id: str, year: int, last_month: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, str]:
    """(the article's year-to-date figures, or anyone's if it has none; other sources'
    full-year figures for ``year``; and for the year before; the bounds set aside)."""
    calendar = figures[(figures["flow"] == FLOW) & (figures["basis"] == "calendar")]
    ytd = calendar[
        (calendar["year"] == year)
        & (calendar["period_kind"] == "year_to_date")
        & (calendar["period_end"].map(lambda p: p.month) == last_month)
    ]
    years = _full_year(figures)
    years = years[years["year"].isin([year, year - 1])]
    _, others = _split(point_figures(years), article_source_id)
    claimed = ytd[ytd["source_id"] == article_source_id]
    if claimed.empty:
        claimed = ytd
    full, previous = others[others["year"] == year], others[others["year"] == year - 1]
    return claimed, full, previous, _aside(years)


def _december(
    claimed: pd.DataFrame, full: pd.DataFrame, year: int, last_month: int
) -> pd.DataFrame:
    """The month after ``last_month`` derived as full year minus the claimed year to date,
    from every pair of figures (``kzaf.series.derive_residuals``)."""
    residuals = series.derive_residuals(pd.concat([claimed, full], ignore_index=True))
    december = residuals[
        [s.month == last_month + 1 and s.year == year for s in residuals["period_start"]]
    ]
    return december[[ids[1] in set(claimed["obs_id"]) for ids in december["from_obs_ids"]]]


def _c3_fit(
    december: pd.DataFrame, preferred_id: str, listing: str, months: str, excess: float
) -> Part:
    """The year-to-date figure against the full-year figures, pair by pair (December = full
    year minus year to date, consistent where the two figures' precision allows it)."""
    fits = december[december["consistent"].astype(bool)]
    values = ", ".join(f"{v:+,.1f}" for v in sorted(set(december["value"].round(1))))
    against = f"against the preferred full-year figure it is {excess:+.1%}"
    if len(fits) == len(december):
        return Part(C3_YTD, CONFIRMED, f"{listing} Every pair fits.")
    if preferred_id in {ids[0] for ids in fits["from_obs_ids"]}:
        return Part(
            C3_YTD,
            CONFIRMED,
            f"{listing} It fits the preferred full-year figure; some others lie below it "
            f"(December {values} against them).",
        )
    if len(fits):
        return Part(
            C3_YTD,
            NOT_TESTABLE,
            f"{listing} The full-year figures disagree: it fits some and exceeds others, "
            f"including the preferred one (December {values}; {against}).",
        )
    return Part(
        C3_YTD,
        CONTRADICTED,
        f"Cannot hold as printed: {listing} The {months} figure exceeds every full-year figure "
        f"beyond their precision (December would be {values}; {against}): eleven months "
        "cannot add up to more than the whole year, so no allowance for revisions applies.",
    )


def _c3_december(
    december: pd.DataFrame, part: float, months: str, last_month: int, jump_factor: float
) -> Part:
    fits = december[december["consistent"].astype(bool)]
    if fits.empty:
        values = ", ".join(f"{v:+,.1f}" for v in sorted(set(december["value"].round(1))))
        return Part(
            C3_DECEMBER,
            NOT_TESTABLE,
            f"December cannot be derived: full year minus {months} is negative ({values}) "
            "for every pair of figures.",
        )
    shown = ", ".join(f"{v:+,.1f}" for v in sorted(set(fits["value"].round(1))))
    jumped = float(fits["value"].max()) > jump_factor * part / last_month
    return Part(
        C3_DECEMBER,
        CONTRADICTED if jumped else CONFIRMED,
        f"Derived December (full year minus {months}): {shown}; "
        + (
            f"more than {jump_factor:g}× the average month before it: a jump."
            if jumped
            else f"no more than {jump_factor:g}× the average month before it."
        ),
    )


def _c3_fall(
    part: float, whole: float | None, prior: float | None, year: int, last_month: int
) -> Part:
    if prior is None:
        return Part(C3_FALL, NOT_TESTABLE, f"No full-year {year - 1} figure.")
    compared = whole if whole is not None else part
    what = f"full-year {year}" if whole is not None else f"the {last_month}-month figure"
    text = (
        f"{what.capitalize()} ({_fmt(compared)}) against {year - 1} ({_fmt(prior)}): "
        f"{compared / prior - 1:+.1%}."
    )
    if compared >= prior:
        return Part(C3_FALL, CONTRADICTED, text)
    if whole is None:
        return Part(C3_FALL, WITHIN_TOLERANCE, text + " Shown on an incomplete year.")
    return Part(C3_FALL, CONFIRMED, text)


def _money(parts: list[Part], tolerance: float) -> list[Part]:
    """The parts, with the trade-value tolerance in force stated on those that use it."""
    text = f"{tolerance:.0%} relative, beyond each figure's own precision"
    return [replace(p, tolerance=text) if p.measure == MONEY else p for p in parts]


def _month(number: int) -> str:
    return pd.Period(f"2000-{number:02d}", "M").strftime("%B")


# ---------------------------------------------------------------------------------------------
# Registered checks


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "policy": options.get("source_policy", "official_first"),
        "tolerance": float(options.get("claim_tolerance", DEFAULT_TOLERANCE)),
    }


@claims.check("C1")
def check_c1(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    article_source_id, figures = article_figures(tables, "C1")
    return assess_c1(figures, article_source_id, **_options(options))


@claims.check("C2")
def check_c2(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    article_source_id, figures = article_figures(tables, "C2")
    tolerance = float(options.get("doubling_tolerance", DEFAULT_DOUBLING_TOLERANCE))
    return assess_c2(
        figures, article_source_id, policy=_options(options)["policy"], tolerance=tolerance
    )


@claims.check("C3")
def check_c3(tables: Tables, options: Mapping[str, Any]) -> ClaimResult:
    article_source_id, figures = article_figures(tables, "C3")
    return assess_c3(figures, article_source_id, policy=_options(options)["policy"])
