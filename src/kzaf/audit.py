"""What the dataset holds: coverage, sources by kind, precision, conflicts, gaps (pure functions).

Used by the data-audit notebook and by data/README.md's coverage table. Takes the validated
tables and returns DataFrames; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from kzaf import series
from kzaf.data import Tables

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
    columns = ["table", "figure_id", "topic", "label", "period_start", "period_end",
               "source_id", "precision"]
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
    conflicts = series.find_conflicts(figures, policy)
    publishers = tables.sources.set_index("source_id")["publisher"]
    return conflicts.assign(
        publisher_a=conflicts["source_id_a"].map(publishers),
        publisher_b=conflicts["source_id_b"].map(publishers),
    )


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
                    "figures": "; ".join(
                        f"{_span(r)} ({r.source_id})" for r in group.itertuples()
                    ),
                }
            )
    return pd.DataFrame(rows, columns=[*keys, "n_figures", "low", "high", "figures"])


def _span(row) -> str:
    if pd.notna(row.value):
        return f"{row.value:g}"
    return f"{row.value_low:g}–{row.value_high:g}"


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
