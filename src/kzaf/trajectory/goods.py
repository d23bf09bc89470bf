"""Goods: flour, wheat and grain tonnages and values, and the partner's share of the
reporter's flour exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.trajectory.figures import _empty, _years, point_figures

# ---------------------------------------------------------------------------------------------
# Goods


def goods_figures(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    partner: str,
    commodities: Iterable[str] = ("1101", "1001"),
    measures: Iterable[str] = ("quantity", "value"),
    flow: str = "export",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Every figure for the goods (HS codes) between reporter and partner, on any basis."""
    return series.reported_figures(
        observations,
        sources,
        reporter=reporter,
        partner=partner,
        flow=flow,
        commodity=list(commodities),
        measure=list(measures),
        **_years(start_year, end_year),
    )


def goods_table(
    figures: pd.DataFrame,
    commodities: pd.DataFrame,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
) -> pd.DataFrame:
    """Goods figures reconciled per commodity, measure, unit, basis and period, with the
    commodity's name. Calendar years, marketing years and part-years stay apart (``basis`` and
    ``period_label`` say which); conflicts are counted, not resolved away."""
    columns = [
        "commodity",
        "commodity_name",
        "measure",
        "unit",
        "basis",
        "period_label",
        "period_kind",
        "year",
        "mid_year",
        "preferred_value",
        "value_min",
        "value_max",
        "n_figures",
        "n_sources",
        "conflict",
        "preferred_publisher",
        "obs_ids",
    ]
    if figures.empty:
        return _empty(columns)
    table = series.reconcile(point_figures(figures), series.policy_from(policy))
    names = dict(zip(commodities["code"], commodities["name"], strict=True))
    table["commodity_name"] = table["commodity"].map(names).fillna(table["commodity"])
    table = with_period_place(table)
    table["year"] = [p.year for p in table["period_end"]]
    table = table.sort_values(["commodity", "measure", "period_start", "period_end"])
    return table[columns].reset_index(drop=True)


def with_period_place(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``period_kind`` (its calendar shape, or its basis such as a marketing
    year) and ``mid_year`` (where a chart places it), from its period columns."""
    spans = list(zip(table["period_start"], table["period_end"], strict=True))
    return table.assign(
        period_kind=[
            series.period_kind(s, e) if b == "calendar" else b
            for (s, e), b in zip(spans, table["basis"], strict=True)
        ],
        mid_year=[_mid_year(s, e) for s, e in spans],
    )


def _mid_year(start: pd.Period, end: pd.Period) -> float:
    """The middle of a period as a fractional year (calendar 2022 -> 2022.5)."""
    first = start.year + (start.month - 1) / 12
    last = end.year + end.month / 12
    return (first + last) / 2


def flour_share(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str = "KAZ",
    partner: str = "AFG",
    commodity: str = "1101",
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """The partner's share of the reporter's exports of a good (Afghanistan's share of Kazakh
    flour exports by default), in percent.

    Two kinds of row: ``published`` shares (measure ``share``; the note says of what), and
    ``derived`` ones: tonnage to the partner / tonnage to the world (partner WLD) for the same
    period and basis, from every pair of figures (range). Columns: ``kind``, ``period_label``,
    ``basis``, ``share_pct``, ``share_min``, ``share_max``, ``n_figures``, ``method``,
    ``publishers``.
    """
    columns = [
        "kind",
        "period_label",
        "basis",
        "period_start",
        "share_pct",
        "share_min",
        "share_max",
        "n_figures",
        "method",
        "publishers",
    ]
    policy = series.policy_from(policy)
    rows = []
    published = series.reported_figures(
        observations,
        sources,
        reporter=reporter,
        partner=partner,
        flow="export",
        commodity=commodity,
        measure="share",
        **_years(start_year, end_year),
    )
    if not published.empty:
        for _, row in series.reconcile(point_figures(published), policy).iterrows():
            mine = published[published["obs_id"].isin(row["obs_ids"])]
            rows.append(
                {
                    "kind": "published",
                    "period_label": row["period_label"],
                    "basis": row["basis"],
                    "period_start": row["period_start"],
                    "share_pct": row["preferred_value"],
                    "share_min": row["value_min"],
                    "share_max": row["value_max"],
                    "n_figures": row["n_figures"],
                    "method": "; ".join(sorted(set(mine["note"].dropna().astype(str)))),
                    "publishers": sorted(set(mine["publisher"])),
                }
            )
    quantities = series.reported_figures(
        observations,
        sources,
        reporter=reporter,
        partner=[partner, "WLD"],
        flow="export",
        commodity=commodity,
        measure="quantity",
        **_years(start_year, end_year),
    )
    quantities = point_figures(quantities[quantities["unit"] == "thousand tonnes"])
    if not quantities.empty:
        for _, group in quantities.groupby(["period_start", "period_end", "basis"], sort=True):
            first = group.iloc[0]  # the group's period and basis, typed as its columns'
            start, end, basis = first["period_start"], first["period_end"], first["basis"]
            part = group[group["partner"] == partner]
            whole = group[group["partner"] == "WLD"]
            if part.empty or whole.empty:
                continue
            shares = [100 * a / b for a in part["value"] for b in whole["value"] if b]
            best_part = series.rank_figures(part, policy).iloc[0]["value"]
            best_whole = series.rank_figures(whole, policy).iloc[0]["value"]
            rows.append(
                {
                    "kind": "derived",
                    "period_label": series.period_label(start, end, basis),
                    "basis": basis,
                    "period_start": start,
                    "share_pct": 100 * best_part / best_whole,
                    "share_min": min(shares),
                    "share_max": max(shares),
                    "n_figures": len(part) + len(whole),
                    "method": "tonnage to the partner / tonnage to all partners (derived)",
                    "publishers": sorted(set(group["publisher"])),
                }
            )
    if not rows:
        return _empty(columns)
    return pd.DataFrame(rows, columns=columns).sort_values("period_start").reset_index(drop=True)
