"""What the dataset holds: coverage, sources by kind, precision, conflicts, gaps (pure functions).

Used by the data-audit notebook and by data/README.md's coverage table. Takes the validated
tables and returns DataFrames; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf import claims, series
from kzaf.data import Tables
from kzaf.frames import rows as table_rows
from kzaf.text.escape import escape_markdown
from kzaf.text.numbers import fmt_general

TOPIC_NAMES = {
    "A": "A. Kazakhstan–Afghanistan trade",
    "B": "B. Goods",
    "C": "C. Locomotive-claim context",
    "D": "D. Neighbours' trade with Afghanistan",
    "E": "E. Routes and railways",
    "F": "F. Risk indicators",
}


def all_figures(tables: Tables) -> pd.DataFrame:
    """Observations and indicators in one long frame: topic, year, source, kind, precision.

    One row per stored figure (a range counts once). ``table`` says where it is stored.
    """
    sources = tables.sources[["source_id", "kind", "publisher"]]
    observations = tables.observations.assign(
        table="observations",
        figure_id=tables.observations["obs_id"],
        label=lambda f: f["reporter"] + "→" + f["partner"] + " " + f["flow"] + " " + f["commodity"],
    )
    indicators = tables.indicators.assign(
        table="indicators",
        figure_id=tables.indicators["indicator_id"],
        label=lambda f: f["indicator"] + " (" + f["subject"] + ")",
    )
    columns = [
        "table",
        "figure_id",
        "topic",
        "label",
        "period_start",
        "period_end",
        "source_id",
        "precision",
    ]
    frame = pd.concat([observations[columns], indicators[columns]], ignore_index=True)
    frame = frame.merge(sources, on="source_id", how="left", validate="m:1")
    frame["year"] = [p.year for p in frame["period_start"]]
    frame["end_year"] = [p.year for p in frame["period_end"]]
    return frame


def select(
    figures: pd.DataFrame, topics: Iterable[str] | None = None, years: Sequence[int] | None = None
) -> pd.DataFrame:
    """Figures of the given topics whose period overlaps ``years`` (first, last)."""
    out = figures
    if topics is not None:
        out = out[out["topic"].isin(list(topics))]
    if years is not None:
        first, last = years
        out = out[(out["end_year"] >= first) & (out["year"] <= last)]
    return out


def coverage(figures: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Topic by year: number of figures whose period starts in that year, and of sources.

    Returns a long frame (topic, year, n_figures, n_sources) with every topic–year pair of the
    range present, zeros included, so empty years show.
    """
    first, last = years
    topics = sorted(figures["topic"].unique()) if len(figures) else []
    grid = pd.MultiIndex.from_product([topics, range(first, last + 1)], names=["topic", "year"])
    counted = figures.groupby(["topic", "year"]).agg(
        n_figures=("figure_id", "size"), n_sources=("source_id", "nunique")
    )
    table = counted.reindex(grid, fill_value=0).reset_index()
    table["topic_name"] = table["topic"].map(TOPIC_NAMES)
    return table


def coverage_matrix(coverage_table: pd.DataFrame, value: str = "n_figures") -> pd.DataFrame:
    """Topic rows, year columns (for a heat map or the README's coverage table)."""
    return coverage_table.pivot(index="topic_name", columns="year", values=value)


def by_column(figures: pd.DataFrame, column: str) -> pd.DataFrame:
    """Count of figures and sources per value of ``column`` (kind, precision, table ...)."""
    return (
        figures.groupby(column)
        .agg(n_figures=("figure_id", "size"), n_sources=("source_id", "nunique"))
        .sort_values("n_figures", ascending=False)
        .reset_index()
    )


def trade_conflicts(tables: Tables, policy: str = "official_first") -> pd.DataFrame:
    """Every conflict among trade observations, side by side, with both sources' publishers."""
    figures = series.reported_figures(
        tables.observations, tables.sources, commodity=None, measure=None
    )
    return series.find_conflicts(figures, policy)  # publisher_a, publisher_b among its columns


def indicator_disagreements(tables: Tables, tolerance: float = 0.05) -> pd.DataFrame:
    """Indicators with several figures for the same subject and period that differ by more
    than ``tolerance`` (relative) or whose ranges do not overlap: one row per group."""
    frame = tables.indicators.copy()
    frame["low"] = frame["value_low"].fillna(frame["value"])
    frame["high"] = frame["value_high"].fillna(frame["value"])
    keys = ["indicator", "subject", "period_start", "period_end", "unit"]
    rows = []
    for key, group in frame.groupby(keys, sort=True):
        if group["source_id"].nunique() < 2 or group["low"].isna().all():
            continue
        low, high = group["low"].min(), group["high"].max()
        lows_max, highs_min = group["low"].max(), group["high"].min()
        disjoint = lows_max > highs_min
        spread = (high - low) / abs(low) if low else float("inf")
        if disjoint and spread > tolerance:
            rows.append(
                {
                    **dict(zip(keys, key, strict=True)),
                    "n_figures": len(group),
                    "low": low,
                    "high": high,
                    "figures": "; ".join(f"{_span(r)} ({r.source_id})" for r in table_rows(group)),
                }
            )
    return pd.DataFrame(rows, columns=[*keys, "n_figures", "low", "high", "figures"])


def _span(row) -> str:
    if pd.notna(row.value):
        return fmt_general(row.value)
    return f"{fmt_general(row.value_low)}–{fmt_general(row.value_high)}"


def empty_years(
    tables: Tables,
    years: Sequence[int],
    *,
    reporter: str = "KAZ",
    partner: str = "AFG",
    flow: str = "turnover",
) -> list[int]:
    """Calendar years with no full-year figure for the pair and flow."""
    figures = series.reported_figures(
        tables.observations, tables.sources, reporter=reporter, partner=partner, flow=flow
    )
    have = {
        p.year
        for p, k in zip(figures["period_start"], figures["period_kind"], strict=True)
        if k == "year"
    }
    first, last = years
    return [y for y in range(first, last + 1) if y not in have]


def conflict_groups(tables: Tables, policy: str = "official_first") -> pd.DataFrame:
    """One row per trade quantity whose sources conflict: every figure with its source.

    Columns: what (reporter→partner flow commodity measure unit), period_label, basis,
    figures (text listing value, precision, publisher, date; suspect marked), value_min,
    value_max, preferred_value.
    """
    figures = series.reported_figures(
        tables.observations, tables.sources, commodity=None, measure=None
    )
    table = series.reconcile(figures, policy)
    table = table[table["conflict"]]
    by_id = figures.set_index("obs_id")
    rows = []
    for row in table_rows(table, index=False):
        listed = []
        for obs_id in row.obs_ids:
            f = by_id.loc[obs_id]
            mark = " (suspect)" if f["suspect"] else ""
            listed.append(
                f"{fmt_general(f['value'])} {f['precision']} — {f['publisher']}, "
                f"{f['publication_date']}{mark} [{obs_id}]"
            )
        rows.append(
            {
                "what": f"{row.reporter}→{row.partner} {row.flow} {row.commodity} "
                f"{row.measure} ({row.unit})",
                "period_label": row.period_label,
                "basis": row.basis,
                "figures": "; ".join(listed),
                "value_min": row.value_min,
                "value_max": row.value_max,
                "preferred_value": row.preferred_value,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "what",
            "period_label",
            "basis",
            "figures",
            "value_min",
            "value_max",
            "preferred_value",
        ],
    )


REPORT_BEGIN = "<!-- data report: generated by `kzaf data report`; do not edit by hand -->"
REPORT_END = "<!-- end of data report -->"


def readme_report(tables: Tables, years: Sequence[int] = (2005, 2025)) -> str:
    """The coverage, conflicts and gaps sections of data/README.md, as Markdown."""
    figures = all_figures(tables)
    cover = coverage(figures, years)
    cells = cover.assign(
        cell=[
            f"{f}/{s}" if f else "·"
            for f, s in zip(cover["n_figures"], cover["n_sources"], strict=True)
        ]
    )
    matrix = cells.pivot(index="topic_name", columns="year", values="cell")
    lines = [
        REPORT_BEGIN,
        "",
        "### Coverage",
        "",
        f"Figures / distinct sources by topic and by the year a figure's period starts "
        f"({years[0]}–{years[1]}; · = none). Totals: {len(tables.observations)} trade "
        f"observations, {len(tables.indicators)} other figures, {len(tables.events)} "
        f"events, {len(tables.sources)} sources.",
        "",
    ]
    header = "| topic | " + " | ".join(str(y) for y in matrix.columns) + " |"
    lines += [header, "|---|" + "---|" * len(matrix.columns)]
    for topic, row in matrix.iterrows():
        lines.append(f"| {topic} | " + " | ".join(row.astype(str)) + " |")
    lines += ["", "By source kind:", "", "| kind | figures | sources |", "|---|---|---|"]
    for row in table_rows(by_column(figures, "kind"), index=False):
        lines.append(f"| {row.kind} | {row.n_figures} | {row.n_sources} |")
    lines += [
        "",
        "### Known conflicts",
        "",
        "Trade figures for the same reporter, partner, flow, goods, unit and period whose "
        "intervals (given their precision) do not overlap. Every figure is kept.",
        "",
    ]
    groups = conflict_groups(tables)
    if groups.empty:
        lines.append("None.")
    for row in table_rows(groups, index=False):
        lines.append(
            f"- **{row.what}, {row.period_label}**"
            f"{'' if row.basis == 'calendar' else f' ({row.basis})'}: {row.figures}"
        )
    disagreements = indicator_disagreements(tables)
    if not disagreements.empty:
        lines += ["", "Other figures whose sources disagree (ranges that do not overlap):", ""]
        for row in table_rows(disagreements, index=False):
            period = series.period_label(row.period_start, row.period_end)
            lines.append(f"- **{row.indicator}, {row.subject}, {period}**: {row.figures}")
    lines += ["", "### Years with no figure", ""]
    for flow in ("turnover", "export", "import"):
        missing = empty_years(tables, years, flow=flow)
        lines.append(
            f"- Kazakhstan→Afghanistan {flow}, full calendar year: "
            + (_year_ranges(missing) if missing else "none missing")
        )
    lines += ["", REPORT_END]
    return "\n".join(lines)


def gaps_table(tables: Tables, years: Sequence[int]) -> pd.DataFrame:
    """Per flow, the calendar years with no full-year Kazakhstan→Afghanistan figure."""
    rows = [
        {"flow": flow, "years with no full-year figure": _year_ranges(missing) or "none"}
        for flow in ("turnover", "export", "import")
        for missing in [empty_years(tables, years, flow=flow)]
    ]
    return pd.DataFrame(rows)


def _year_ranges(years: Sequence[int]) -> str:
    """[2005, 2006, 2007, 2010] -> '2005–2007, 2010'."""
    parts, start = [], None
    for i, year in enumerate(years):
        if start is None:
            start = year
        if i + 1 == len(years) or years[i + 1] != year + 1:
            parts.append(str(start) if start == year else f"{start}–{year}")
            start = None
    return ", ".join(parts)


def headline_counts(figures: pd.DataFrame) -> pd.DataFrame:
    """Per topic: figures, distinct sources, first and last year covered."""
    table = (
        figures.groupby("topic")
        .agg(
            figures=("figure_id", "size"),
            sources=("source_id", "nunique"),
            first_year=("year", "min"),
            last_year=("end_year", "max"),
        )
        .reset_index()
    )
    table.insert(1, "topic_name", table["topic"].map(TOPIC_NAMES))
    return table


def suspect_figures(tables: Tables) -> pd.DataFrame:
    """Observations flagged as probably mislabelled, with the reason from their note."""
    flagged = tables.observations[tables.observations["suspect"]]
    flagged = flagged.merge(
        tables.sources[["source_id", "publisher", "publication_date"]], on="source_id", how="left"
    )
    flagged = series.add_period_columns(flagged)
    return flagged[
        [
            "obs_id",
            "reporter",
            "partner",
            "flow",
            "commodity",
            "period_label",
            "value",
            "unit",
            "publisher",
            "publication_date",
            "note",
        ]
    ]


def key_points(tables: Tables, figures: pd.DataFrame, years: Sequence[int]) -> list[str]:
    """The audit's answer as a few plain sentences, in numbers generated from the data."""
    names = dict(zip(tables.countries["iso3"], tables.countries["name"], strict=True))
    trade = figures[figures["topic"] == "A"]
    groups = conflict_groups(tables)
    missing = empty_years(tables, years)
    parts = [
        f"The dataset holds {len(figures)} published figures from "
        f"{figures['source_id'].nunique()} sources in the topics shown, "
        f"{len(trade)} of them on Kazakhstan–Afghanistan trade itself.",
    ]
    parts.append(_sources_caveat(trade))
    if len(groups):
        pairs = trade_conflicts(tables)
        headline = pairs[
            (pairs["reporter"] == "KAZ")
            & (pairs["partner"] == "AFG")
            & (pairs["flow"] == "turnover")
            & (pairs["commodity"] == "TOTAL")
        ]
        pair = (headline if len(headline) else pairs).iloc[0]
        parts.append(
            f"Sources disagree beyond rounding (their figures cannot all be right, given how "
            f"precisely each is printed) on {len(groups)} trade quantities; for example "
            f"{names.get(pair['reporter'], pair['reporter'])}'s {pair['flow']} with "
            f"{names.get(pair['partner'], pair['partner'])} in {pair['period_label']} is "
            f"{fmt_general(pair['value_a'])} according to {pair['publisher_a']} and "
            f"{fmt_general(pair['value_b'])} "
            f"according to {pair['publisher_b']}."
        )
    else:
        parts.append("No two sources disagree beyond rounding.")
    if missing:
        parts.append(
            f"No full-year Kazakhstan–Afghanistan turnover figure was found for "
            f"{_year_ranges(missing)}."
        )
    return parts


STATISTICAL_KINDS = ("national_statistics", "international_database")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sources_caveat(trade: pd.DataFrame) -> str:
    """The page's largest caveat: how many of the pair's own trade figures come from a
    statistical table, and what most of them are instead."""
    if trade.empty:
        return "Caveat: no figure on Kazakhstan–Afghanistan trade itself is in the topics shown."
    kinds = by_column(trade, "kind")
    described = [
        f"{row.n_figures} {'are ' if i == 0 else ''}{str(row.kind).replace('_', ' ')}s"
        for i, row in enumerate(table_rows(kinds.head(2)))
    ]
    tables_ = int(trade["kind"].isin(STATISTICAL_KINDS).sum())
    return (
        f"Caveat: {'none' if tables_ == 0 else tables_} of the {len(trade)} figures on "
        f"Kazakhstan–Afghanistan trade come{'s' if tables_ in (0, 1) else ''} from a "
        f"statistical table; {_join(described)}, so every later page is only as good as "
        "those statements."
    )


def answer_text(tables: Tables, figures: pd.DataFrame, years: Sequence[int]) -> str:
    """The audit's answer paragraph: :func:`key_points` as one Markdown paragraph, each
    sentence escaped (publishers come from the data)."""
    return " ".join(escape_markdown(point) for point in key_points(tables, figures, years))


# ---------------------------------------------------------------------------------------------
# The audit notebook as one call

# The notebook's parameters (its parameters cell), read from the mapping build() is given.
PARAMETERS = ("topics", "start_year", "end_year", "source_policy")
CLAIMS = ("C6", "C7", "C8", "C13", "C14")  # the article's claims that dated events test
DATASET = "the kzaf dataset's published figures (trade observations and indicators)"
COUNTED = {
    "kind": "Figures by the kind of source that published them",
    "precision": "Figures by how precisely they were printed",
}


@dataclass(frozen=True)
class Audit:
    """Everything the audit notebook shows, from the tables and its parameters."""

    years: tuple[int, int]
    figures: pd.DataFrame  # every figure of the topics and years chosen
    key_points: list[str]
    coverage: pd.DataFrame  # topic rows, year columns: figures per topic and year
    counts: dict[str, pd.DataFrame]  # figures and sources by kind, and by precision
    conflicts: pd.DataFrame
    disagreements: pd.DataFrame
    suspects: pd.DataFrame
    gaps: pd.DataFrame
    headline: pd.DataFrame
    ledger: pd.DataFrame


def build(
    tables: Tables, parameters: Mapping[str, Any], checks: Mapping[str, claims.Check]
) -> Audit:
    """The audit for the topics and years chosen, in the notebook's order; the ledger's
    checks come from the caller (``kzaf.claim_checks.CHECKS``)."""
    years = (parameters["start_year"], parameters["end_year"])
    figures = select(all_figures(tables), parameters["topics"], years)
    conflicts = conflict_groups(tables, parameters["source_policy"])
    return Audit(
        years=years,
        figures=figures,
        key_points=key_points(tables, figures, years),
        coverage=coverage_matrix(coverage(figures, years)),
        counts={column: by_column(figures, column) for column in COUNTED},
        conflicts=conflicts[["what", "period_label", "figures"]],
        disagreements=indicator_disagreements(tables),
        suspects=suspect_figures(tables),
        gaps=gaps_table(tables, years),
        headline=headline_counts(figures),
        ledger=claims.evaluate(tables, CLAIMS, checks=checks),
    )
