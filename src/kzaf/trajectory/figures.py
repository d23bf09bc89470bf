"""Trade figures for a pair: parameter checks, the observations in use (published, or with
the imported UN Comtrade figures that the loader at the edge read beside them), point figures
and the set-aside ones, and the small helpers every other module of the package shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from kzaf import series
from kzaf.data import ImportedFigures
from kzaf.text.conflicts import with_reasons
from kzaf.vocabulary import DATA_SOURCES, FLOWS

# =============================================================================================
# Everything below works on figures (observations joined with their sources, as returned by
# kzaf.series.reported_figures) and on the tables built from them. Pure functions: DataFrames
# and plain values in, DataFrames, plain values and sentences out. Missing data gives empty
# frames and sentences that say so; nothing here raises because a series is short or absent.
# =============================================================================================


# A flow seen from the other side: what A exports to B, B imports from A.
MIRROR_FLOW: dict[str, str] = {"turnover": "turnover", "export": "import", "import": "export"}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ANNUAL_COLUMNS: tuple[str, ...] = (
    "flow",
    "year",
    "period_label",
    "n_figures",
    "n_sources",
    "preferred_value",
    "preferred_obs_id",
    "preferred_source_id",
    "preferred_publisher",
    "value_min",
    "value_max",
    "spread",
    "spread_pct",
    "n_conflicts",
    "conflict",
    "conflict_pairs",
    "obs_ids",
    "policy",
)


# ---------------------------------------------------------------------------------------------
# Parameters and inputs


def imported_figures(tables: Any, data_source: str) -> ImportedFigures | None:
    """The figures imported beside the published ones for ``data_source`` (None for
    ``"published"``); an error saying how to load them when the tables came without."""
    if data_source not in DATA_SOURCES:
        raise ValueError(
            f"parameter 'data_source' must be one of {', '.join(DATA_SOURCES)}, got {data_source!r}"
        )
    if data_source == "published":
        return None
    if getattr(tables, "imported", None) is None:
        raise ValueError(
            "parameter 'data_source' is 'comtrade', but the tables hold no imported UN Comtrade "
            "figures: load them with kzaf.inputs.load('comtrade')"
        )
    return tables.imported


def observations_in_use(
    tables: Any, imported: ImportedFigures | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The observations and sources to analyse: the published ones, and the imported
    UN Comtrade figures beside them when there are any, so published and Comtrade figures for
    the same period appear side by side in every reconciliation."""
    if imported is None:
        return tables.observations, tables.sources
    return (
        pd.concat([tables.observations, imported.observations], ignore_index=True),
        pd.concat([tables.sources, imported.sources], ignore_index=True).drop_duplicates(
            "source_id"
        ),
    )


def annual_sums(figures: pd.DataFrame) -> pd.DataFrame:
    """Full calendar years derived from monthly figures, where one source gives all twelve
    months of a year (as UN Comtrade monthly data do): one row per source, flow and year, the
    sum of its months, marked ``derived=True`` with the method in ``note``. Turnover is added
    where the source gives both exports and imports for all twelve months. Derived rows are
    arithmetic on published figures, never stored in ``data/``. Empty when no year is complete.
    """
    if figures.empty:
        return figures.iloc[0:0]
    labels = {"period_kind", "period_label", "year", "months"}
    sums = series.complete_year_totals(
        point_figures(figures).drop(columns=[c for c in labels if c in figures])
    )
    if sums.empty:
        return figures.iloc[0:0]
    what = {24: "exports + imports"}
    sums = sums.assign(
        obs_id="SUM-" + sums["source_id"] + "-" + sums["flow"] + "-" + sums["commodity"] + "-"
        + [str(p.year) for p in sums["period_start"]],
        note=[
            f"derived: sum of {n} monthly figures ({what.get(n, flow)}) from {publisher}"
            for n, flow, publisher in zip(
                sums["months_summed"], sums["flow"], sums["publisher"], strict=True
            )
        ],
        derived=True,
    )  # fmt: skip
    return series.add_period_columns(sums.drop(columns="months_summed"))


def with_annual_sums(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures plus :func:`annual_sums` (a ``derived`` column marks which are which)."""
    sums = annual_sums(figures)
    base = figures.assign(derived=False) if "derived" not in figures else figures
    if sums.empty:
        return base
    return pd.concat([base, sums], ignore_index=True)


def trade_figures(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    partner: str,
    flows: Iterable[str] = FLOWS,
    commodity: str = "TOTAL",
    measure: str = "value",
    unit: str = "USD million",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Every published figure for one reporter, partner, goods and unit, joined with its source.

    Periods must lie within ``start_year``..``end_year`` when those are given.
    """
    figures = series.reported_figures(
        observations,
        sources,
        reporter=reporter,
        partner=partner,
        flow=list(flows),
        commodity=commodity,
        measure=measure,
        **_years(start_year, end_year),
    )
    return with_annual_sums(figures[figures["unit"] == unit].reset_index(drop=True))


def figure_conflicts(
    figures: pd.DataFrame, policy: series.SourcePolicy | str = "official_first"
) -> pd.DataFrame:
    """Every pair of figures for the same period that cannot both be right, with the reason in
    words (``reason``)."""
    return with_reasons(series.find_conflicts(figures, policy))


def source_names(*frames: pd.DataFrame) -> list[str]:
    """Publishers of the figures in the frames (for chart captions), sorted, once each."""
    names: set[str] = set()
    for frame in frames:
        for column in ("publisher", "preferred_publisher", "publishers"):
            if column in frame.columns:
                for value in frame[column].dropna():
                    names.update(value if isinstance(value, list) else [str(value)])
    return sorted(names)


BOUNDS: tuple[str, ...] = ("at_least", "at_most")


def point_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures that can stand for a value in ranges, pairs and preferred figures.

    A bound ("over $343 million", "up to $1 billion") says where a value lies, not what it is:
    it is set aside wherever the same thing (reporter, partner, flow, goods, measure, unit,
    basis, period) also has a figure that is not a bound. Where only bounds exist, they are
    used. Set-aside figures stay in the data and in the lists of figures shown.
    """
    if figures.empty:
        return figures
    keys = [k for k in series.GROUP_KEYS if k in figures.columns]
    is_bound = figures["precision"].isin(BOUNDS)
    if not is_bound.any():
        return figures[~is_bound]  # nothing to set aside (most selections): no grouping
    if figures[keys].isna().any(axis=None):
        has_point = (~is_bound).groupby([figures[k] for k in keys]).transform("any")
        return figures[~is_bound | ~has_point]
    # The things measured that have a figure besides bounds, found in one pass over the rows
    # (a groupby on nine columns costs more than the rest of most callers).
    things = list(zip(*(figures[k] for k in keys), strict=True))
    measured = {thing for thing, bound in zip(things, is_bound, strict=True) if not bound}
    keep = [not b or t not in measured for t, b in zip(things, is_bound, strict=True)]
    return figures[np.array(keep, dtype=bool)]


def set_aside(figures: pd.DataFrame) -> pd.DataFrame:
    """The bounds :func:`point_figures` leaves out (to list them beside a result)."""
    if figures.empty:
        return figures
    return figures[~figures.index.isin(point_figures(figures).index)]


def _full_years(figures: pd.DataFrame) -> pd.DataFrame:
    if figures.empty:
        return figures
    keep = (figures["basis"] == "calendar") & (figures["period_kind"] == "year")
    return point_figures(figures[keep])


def _year_to_date(figures: pd.DataFrame) -> pd.DataFrame:
    if figures.empty:
        return figures
    keep = (figures["basis"] == "calendar") & (figures["period_kind"] == "year_to_date")
    return point_figures(figures[keep])


def _years(start_year: int | None, end_year: int | None) -> dict[str, str | None]:
    """``start``/``end`` arguments of ``reported_figures`` for whole calendar years."""
    return {
        "start": f"{start_year}-01" if start_year is not None else None,
        "end": f"{end_year}-12" if end_year is not None else None,
    }


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
