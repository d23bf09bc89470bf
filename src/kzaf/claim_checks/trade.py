"""Checks of the article's claims on Kazakhstan–Afghanistan trade: C1, C2, C3.

Each check compares the article's figures with the figures other sources publish for the same
thing. The article's own figures (its source_id in ``data/claims.csv``) are kept apart, so a
claim is never confirmed by itself. The pure functions ``assess_c1``, ``assess_c2`` and
``assess_c3`` take a figures frame (``kzaf.series.reported_figures`` for KAZ–AFG turnover) and
return a :class:`kzaf.claims.ClaimResult`; the registered checks only select those figures.

Options (from ``kzaf.claims.evaluate(options=...)``; the notebook passes its parameters):
``source_policy`` (default ``official_first``), ``claim_tolerance`` (relative, default 0.05:
how far a figure may stray from another and still count as the same, the size of revisions
and rounding between releases), ``doubling_tolerance`` (relative, default 0.10, from C2's test
method in ``data/claims.csv``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzaf import claims, series
from kzaf.claims import ClaimResult, Verdict
from kzaf.data import Tables
from kzaf.frames import records as frame_records
from kzaf.frames import rows as table_rows
from kzaf.text.numbers import fmt_plain as _fmt
from kzaf.trajectory import pair_changes, point_figures, set_aside

REPORTER, PARTNER, FLOW = "KAZ", "AFG", "turnover"
DEFAULT_TOLERANCE = 0.05
DEFAULT_DOUBLING_TOLERANCE = 0.10


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
    """Figures grouped by value: '987.9 (Kazinform), 1,000 ×10 (rounded or about: DairyNews,
    Jibek Joly TV, KabulNow and 7 more; 1 flagged suspect)'."""
    items = []
    for _value, group in frame.groupby("value", sort=True):
        precisions = sorted(set(group["precision"]) - {"exact"})
        publishers = list(dict.fromkeys(group["publisher"]))
        names = ", ".join(publishers[:show])
        if len(publishers) > show:
            names += f" and {len(publishers) - show} more"
        notes = [" or ".join(precisions) + ":"] if precisions else []
        count = f" ×{len(group)}" if len(group) > 1 else ""
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


def assess_c1(
    figures: pd.DataFrame,
    article_source_id: str,
    *,
    year: int = 2022,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    tolerance: float = DEFAULT_TOLERANCE,
) -> ClaimResult:
    """Trade peaked in ``year`` (a record) at the article's figure.

    Confirmed: other sources' preferred figure for ``year`` is the highest of every year with a
    full-year figure, even its lowest figure beats every other year's highest, and the
    article's figure agrees with a published one within its precision. Within tolerance: the
    record holds on preferred figures, but ranges overlap or the article's number differs from
    the published ones by at most ``tolerance``. Contradicted: another year is as high or
    higher, or the article's number is further than ``tolerance`` from every published one.
    """
    policy = series.policy_from(policy)
    tol = f"{tolerance:.0%} relative difference between figures"
    aside = _aside(_full_year(figures))
    article, others = _split(point_figures(_full_year(figures)), article_source_id)
    claimed = article[article["year"] == year]
    mine = others[others["year"] == year]
    if mine.empty:
        return ClaimResult(
            "C1",
            Verdict.NOT_TESTABLE,
            f"No source other than the article gives a full-year {year} figure.",
            _sources(claimed),
        )
    table = series.annual_table(others, policy, flows=[FLOW]).dropna(subset=["preferred_value"])
    years = [int(y) for y in table["year"]]
    if len(years) < 2:
        return ClaimResult(
            "C1",
            Verdict.NOT_TESTABLE,
            f"Only {year} has a full-year figure from other sources; there is no year to compare.",
            _sources(mine),
        )
    rows = table.set_index("year")
    peak = float(rows["preferred_value"].loc[year])
    rivals = rows.drop(index=year)
    top_rival_year = int(rivals.index[int(rivals["preferred_value"].to_numpy().argmax())])
    top_rival = float(rivals["preferred_value"].max())
    covered = f"the {len(years)} years with a full-year figure ({', '.join(map(str, years))})"
    gaps = sorted(set(range(min(years), max(years) + 1)) - set(years))
    caveat = (
        f"; years without a figure ({', '.join(map(str, gaps))}) cannot be ruled out"
        if gaps
        else ""
    )
    details = table[["year", "n_figures", "preferred_value", "value_min", "value_max"]]
    used = _sources(claimed, others)
    if top_rival >= peak:
        return ClaimResult(
            "C1",
            Verdict.CONTRADICTED,
            f"{top_rival_year} ({_fmt(top_rival)}) is at least as high as {year} ({_fmt(peak)}) "
            f"among {covered}.",
            used,
            details=details,
        )
    robust = float(mine["value"].min()) > float(others[others["year"] != year]["value"].max())
    evidence = (
        f"Among {covered}, {year} is highest: {_fmt(peak)} against {_fmt(top_rival)} in "
        f"{top_rival_year} (other sources for {year}: {_listing(mine)}){caveat}.{aside}"
    )
    if claimed.empty:
        verdict = Verdict.CONFIRMED if robust else Verdict.WITHIN_TOLERANCE
        return ClaimResult("C1", verdict, evidence, used, tol, details)
    value = float(claimed.iloc[0]["value"])
    precision = str(claimed.iloc[0]["precision"])
    claimed_row = {"value": value, "precision": precision}
    matches = [
        row for row in frame_records(mine) if not series.figures_conflict(claimed_row, row, policy)
    ]
    nearest = min(abs(value / v - 1) for v in mine["value"])
    evidence += f" The article's {_fmt(value)} "
    if matches and robust:
        evidence += f"matches {len(matches)} published figure(s) within their precision."
        return ClaimResult("C1", Verdict.CONFIRMED, evidence, used, "", details)
    if nearest <= tolerance:
        why = [] if robust else ["ranges of figures overlap between years"]
        if not matches:
            why.append(f"the article's figure is {nearest:.1%} from the nearest published one")
        evidence += f"agrees within tolerance ({'; '.join(why)})."
        return ClaimResult("C1", Verdict.WITHIN_TOLERANCE, evidence, used, tol, details)
    evidence += (
        f"is {nearest:.1%} from the nearest published {year} figure, beyond {tolerance:.0%}."
    )
    return ClaimResult("C1", Verdict.CONTRADICTED, evidence, used, tol, details)


# ---------------------------------------------------------------------------------------------
# C2: 2022 twice 2021


def assess_c2(
    figures: pd.DataFrame,
    article_source_id: str,
    *,
    years: tuple[int, int] = (2021, 2022),
    claimed_ratio: float = 2.0,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    tolerance: float = DEFAULT_DOUBLING_TOLERANCE,
) -> ClaimResult:
    """The later year was ``claimed_ratio`` times the earlier, tested on every pair of figures
    from sources other than the article.

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
    if missing:
        return ClaimResult(
            "C2",
            Verdict.NOT_TESTABLE,
            f"No source other than the article gives a full-year figure for "
            f"{' and '.join(missing)}{own_text}.",
            _sources(article, before, after),
        )
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
    tol = f"ratio within {tolerance:.0%} of ×{claimed_ratio:g}"
    used = _sources(article, before, after)
    if low <= claimed_ratio <= high:
        return ClaimResult("C2", Verdict.CONFIRMED, evidence, used, "", pairs)
    if abs(preferred / claimed_ratio - 1) <= tolerance:
        return ClaimResult("C2", Verdict.WITHIN_TOLERANCE, evidence, used, tol, pairs)
    return ClaimResult("C2", Verdict.CONTRADICTED, evidence, used, tol, pairs)


# ---------------------------------------------------------------------------------------------
# C3: fallen by November 2023, no December jump


def assess_c3(
    figures: pd.DataFrame,
    article_source_id: str,
    *,
    year: int = 2023,
    last_month: int = 11,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    tolerance: float = DEFAULT_TOLERANCE,
    jump_factor: float = 2.0,
) -> ClaimResult:
    """Trade fell in ``year`` against the year before, and the month after the year-to-date
    figure (December) did not jump.

    Fall: the preferred full-year figure for ``year`` (other sources) against the year before;
    without a full-year figure, the article's year-to-date figure against the whole previous
    year. December: full year minus January–November from every pair of figures
    (``kzaf.series.derive_residuals``); a jump is a December above ``jump_factor`` times the
    average month of January–November. A negative December means the year-to-date figure
    exceeds the full year: the two cannot both be right, and the evidence says so.

    Confirmed: fell, no jump, and every December is consistent (not negative). Within
    tolerance: fell, but the year-to-date figure exceeds the preferred full-year figure by at
    most ``tolerance``. Contradicted: no fall, a jump, or an excess beyond ``tolerance``.
    """
    policy = series.policy_from(policy)
    calendar = figures[(figures["flow"] == FLOW) & (figures["basis"] == "calendar")]
    ytd = calendar[
        (calendar["year"] == year)
        & (calendar["period_kind"] == "year_to_date")
        & (calendar["period_end"].map(lambda p: p.month) == last_month)
    ]
    years = _full_year(figures)
    years = years[years["year"].isin([year, year - 1])]
    _, others = _split(point_figures(years), article_source_id)
    full, previous = others[others["year"] == year], others[others["year"] == year - 1]
    claimed = ytd[ytd["source_id"] == article_source_id]
    if claimed.empty:
        claimed = ytd
    used = _sources(claimed, full, previous)
    if claimed.empty or (full.empty and previous.empty):
        return ClaimResult(
            "C3",
            Verdict.NOT_TESTABLE,
            f"Testing needs a January–{_month(last_month)} {year} figure and a full-year "
            f"{year} or {year - 1} figure from another source; "
            f"found {len(claimed)} and {len(full) + len(previous)}.",
            used,
        )
    part = float(series.rank_figures(claimed, policy).iloc[0]["value"])
    text = [f"January–{_month(last_month)} {year}: {_listing(claimed)}."]
    prior = float(series.rank_figures(previous, policy).iloc[0]["value"]) if len(previous) else None
    whole = float(series.rank_figures(full, policy).iloc[0]["value"]) if len(full) else None
    compared = whole if whole is not None else part
    if prior is not None:
        what = f"full-year {year}" if whole is not None else f"the {last_month}-month figure"
        text.append(
            f"{what.capitalize()} ({_fmt(compared)}) against {year - 1} ({_fmt(prior)}): "
            f"{compared / prior - 1:+.1%}."
        )
        if compared >= prior:
            return ClaimResult("C3", Verdict.CONTRADICTED, " ".join(text), used, "")
    if full.empty:
        text.append(f"No full-year {year} figure from another source, so December is unknown.")
        return ClaimResult(
            "C3", Verdict.WITHIN_TOLERANCE, " ".join(text), used, "fall shown on an incomplete year"
        )
    residuals = series.derive_residuals(pd.concat([claimed, full], ignore_index=True))
    december = residuals[
        [s.month == last_month + 1 and s.year == year for s in residuals["period_start"]]
    ]
    december = december[[ids[1] in set(claimed["obs_id"]) for ids in december["from_obs_ids"]]]
    values = ", ".join(f"{v:+,.1f}" for v in sorted(set(december["value"].round(1))))
    text.append(f"Full-year {year} from other sources: {_listing(full)}.{_aside(years)}")
    text.append(f"Derived December (full year minus January–{_month(last_month)}): {values}.")
    jump = float(december["value"].max()) > jump_factor * part / last_month
    if jump:
        text.append(f"That is more than {jump_factor:g}× the average month before it: a jump.")
        return ClaimResult("C3", Verdict.CONTRADICTED, " ".join(text), used, "", december)
    if bool(december["consistent"].all()):
        return ClaimResult("C3", Verdict.CONFIRMED, " ".join(text), used, "", december)
    assert whole is not None  # full is not empty (returned above), so whole was read from it
    excess = part / whole - 1
    if bool((~december["consistent"]).all()):
        text.append(
            f"The January–{_month(last_month)} figure exceeds every full-year {year} figure "
            "found, so December comes out negative: the two cannot both be right."
        )
    else:
        text.append(
            f"Some full-year {year} figures lie below the January–{_month(last_month)} figure "
            "(December negative against them)."
        )
    text.append(
        f"Against the preferred full-year figure ({_fmt(whole)}) it is {excess:+.1%}"
        + ("." if excess <= tolerance else f", beyond the {tolerance:.0%} tolerance.")
    )
    tol = f"{tolerance:.0%}: how far a year-to-date figure may exceed the full year it belongs to"
    verdict = Verdict.WITHIN_TOLERANCE if excess <= tolerance else Verdict.CONTRADICTED
    return ClaimResult("C3", verdict, " ".join(text), used, tol, december)


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
    return assess_c3(figures, article_source_id, **_options(options))
