"""Monthly series: where they come from (published figures hold none; UN Comtrade imports
do) and the claim tables built on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.event.shipment import UNIT
from kzaf.series import SourcePolicy
from kzaf.vocabulary import DATA_SOURCES

# ---------------------------------------------------------------------------------------------
# Monthly series


@dataclass(frozen=True)
class MonthlyData:
    """Where monthly figures come from for the counterfactual (and, if real, for C4)."""

    observations: pd.DataFrame
    sources: pd.DataFrame
    data_source: str
    synthetic: bool = False  # True: a test fixture; never a finding (narrative says so)


def monthly_data(tables: Any, data_source: str) -> MonthlyData:
    """The figures holding monthly series for ``data_source``.

    ``published``: the project's tables (which hold no monthly series for the pair).
    ``comtrade``: the UN Comtrade figures imported with ``kzaf import comtrade FILE``, which
    the loader at the edge (``kzaf.inputs.load("comtrade")``) read beside the tables.
    """
    if data_source == "published":
        return MonthlyData(tables.observations, tables.sources, data_source)
    if data_source not in DATA_SOURCES:
        raise ValueError(f"data_source={data_source!r} is unknown; choose one of {DATA_SOURCES}")
    imported = getattr(tables, "imported", None)
    if imported is None:
        raise ValueError(
            "data_source='comtrade' but the tables hold no imported UN Comtrade figures: load "
            "them with kzaf.inputs.load('comtrade')"
        )
    return MonthlyData(imported.observations, imported.sources, data_source, imported.synthetic)


def claim_tables(tables: Any, monthly: MonthlyData) -> Any:
    """The tables the claim checks read: with imported monthly figures added when they are
    real; the published tables alone when they are published or synthetic."""
    if monthly.data_source == "published" or monthly.synthetic:
        return tables
    return with_observations(tables, monthly.observations, monthly.sources)


def monthly_series(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    partner: str,
    flow: str,
    commodity: str = "TOTAL",
    policy: SourcePolicy | str = "official_first",
) -> pd.Series:
    """A monthly series (``PeriodIndex``, USD million) from single-month figures.

    One value per month: the preferred figure under ``policy`` when sources overlap. Months
    between the first and last with no figure are NaN (kept visible, never filled). Turnover
    with no published figure for a month is exports plus imports where both exist.
    """
    figures = series.reported_figures(
        observations, sources, reporter=reporter, partner=partner, flow=None,
        commodity=commodity, measure="value", basis="calendar",
    )  # fmt: skip
    figures = figures[(figures["months"] == 1) & (figures["unit"] == UNIT)]
    name = f"{reporter}→{partner} {flow} {commodity} (USD million)"
    if figures.empty:
        return pd.Series(dtype=float, name=name, index=pd.PeriodIndex([], freq="M"))
    table = series.reconcile(figures, policy)
    by_flow = {
        f: pd.Series(
            g["preferred_value"].to_numpy(), index=pd.PeriodIndex(g["period_start"], freq="M")
        )
        for f, g in table.groupby("flow")
    }
    values = by_flow.get(flow, pd.Series(dtype=float, index=pd.PeriodIndex([], freq="M")))
    if flow == "turnover" and {"export", "import"} <= set(by_flow):
        summed = by_flow["export"].add(by_flow["import"])  # NaN where either is missing
        values = values.combine_first(summed.dropna())
    if values.empty:
        return pd.Series(dtype=float, name=name, index=pd.PeriodIndex([], freq="M"))
    full = pd.period_range(values.index.min(), values.index.max(), freq="M")
    return values.sort_index().reindex(full).rename(name).astype(float)


def with_observations(tables: Any, observations: pd.DataFrame, sources: pd.DataFrame) -> Any:
    """The tables with extra observations and sources appended (e.g. imported monthly data),
    for checks that read ``tables.observations``. Ids already present are an error."""
    from kzaf.data import Tables

    if observations is tables.observations:
        return tables
    for name, frame, key in (
        ("observations", observations, "obs_id"),
        ("sources", sources, "source_id"),
    ):
        clash = sorted(set(frame[key]) & set(tables[name][key]))
        if clash:
            raise ValueError(f"{name}: ids {clash[:5]} exist in both the data and the import")
    frames = dict(tables.frames)
    frames["observations"] = pd.concat([tables.observations, observations], ignore_index=True)
    frames["sources"] = pd.concat([tables.sources, sources], ignore_index=True)
    return Tables(frames=frames, descriptor=tables.descriptor, directory=tables.directory)
