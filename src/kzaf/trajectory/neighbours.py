"""Neighbours: the reporter beside its peers in trade with the same partner."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.provenance import attributions
from kzaf.trajectory.figures import MIRROR_FLOW, _empty, _years, point_figures, with_annual_sums
from kzaf.trajectory.goods import with_period_place

# ---------------------------------------------------------------------------------------------
# Neighbours and the mirror view


def _as_seen_from(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    country: str | Iterable[str],
    partner: str,
    flows: Iterable[str],
    commodity: str = "TOTAL",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Figures on each ``country``'s trade with ``partner`` from both sides, flows in the
    country's view once reconciled (rows reported by the partner keep the partner's flow;
    callers swap export and import). Adds ``country`` and ``reported_by``, and full years
    summed from twelve monthly figures (:func:`annual_sums`). Several countries are selected
    in one pass; their figures never share a group (reporter and partner differ)."""
    flows = list(flows)
    countries = [country] if isinstance(country, str) else list(dict.fromkeys(country))
    years = _years(start_year, end_year)
    own = series.reported_figures(
        observations,
        sources,
        reporter=countries,
        partner=partner,
        flow=flows,
        commodity=commodity,
        **years,
    )
    other = series.reported_figures(
        observations,
        sources,
        reporter=partner,
        partner=countries,
        flow=[MIRROR_FLOW[f] for f in flows],
        commodity=commodity,
        **years,
    )
    # Each side's column holds only what that side reports: a figure attributed to
    # nobody, or to someone else, is not the reporter's (kzaf.provenance).
    own = own[attributions(own) == own["reporter"]]
    other = other[attributions(other) == partner]
    own = own.assign(country=own["reporter"], reported_by=own["reporter"])
    other = other.assign(country=other["partner"], reported_by=partner)
    frames = [f for f in (own, other) if not f.empty]
    if not frames:
        return own
    both = pd.concat(frames, ignore_index=True)
    return with_annual_sums(both[both["unit"] == "USD million"].reset_index(drop=True))


def neighbour_table(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    partner: str,
    countries: Iterable[str],
    flows: Iterable[str] = ("turnover",),
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """The partner's trade with each country, reported by the country and by the partner.

    One row per (country, reported_by, flow in the country's view, period, basis): preferred
    figure and range. ``period_kind`` separates full years from part-years and other bases.
    Countries without any figure get no row (see :func:`coverage_note`).
    """
    columns = [
        "country",
        "reported_by",
        "flow",
        "period_label",
        "period_kind",
        "basis",
        "year",
        "mid_year",
        "preferred_value",
        "value_min",
        "value_max",
        "n_figures",
        "conflict",
        "preferred_publisher",
    ]
    policy = series.policy_from(policy)
    # Every country at once: one selection and one reconciliation instead of one per country
    # (groups never mix countries, so the rows are the same).
    figures = _as_seen_from(
        observations,
        sources,
        country=[c for c in dict.fromkeys(countries) if c != partner],
        partner=partner,
        flows=flows,
        start_year=start_year,
        end_year=end_year,
    )
    if figures.empty:
        return _empty(columns)
    table = series.reconcile(point_figures(figures), policy)
    mirrored = table["reporter"] == partner
    table = table.assign(
        country=table["partner"].where(mirrored, table["reporter"]),
        reported_by=table["reporter"],
        flow=table["flow"].where(~mirrored, table["flow"].map(MIRROR_FLOW)),
    )
    table = with_period_place(table)
    table["year"] = [p.year for p in table["period_start"]]
    table = table.sort_values(["country", "reported_by", "flow", "period_start", "period_end"])
    return table[columns].reset_index(drop=True)


def neighbour_years(table: pd.DataFrame, flow: str = "turnover") -> pd.DataFrame:
    """Full calendar years only, one column per (country, reported_by): preferred values."""
    if table.empty:
        return pd.DataFrame()
    years = table[(table["period_kind"] == "year") & (table["flow"] == flow)]
    if years.empty:
        return pd.DataFrame()
    wide = years.pivot_table(
        index="year", columns=["country", "reported_by"], values="preferred_value", aggfunc="first"
    )
    countries, reporters = wide.columns.get_level_values(0), wide.columns.get_level_values(1)
    wide.columns = [f"{c} (reported by {r})" for c, r in zip(countries, reporters, strict=True)]
    return wide.sort_index()


def neighbour_latest(table: pd.DataFrame, flow: str = "turnover") -> pd.DataFrame:
    """Per country and reporting side: the latest full calendar year with a figure (preferred
    value and range) and the latest other period (part-year, fiscal or solar year)."""
    columns = [
        "country",
        "reported_by",
        "latest_year",
        "value_usd_m",
        "low_usd_m",
        "high_usd_m",
        "latest_other_period",
        "other_value_usd_m",
        "n_periods",
    ]
    mine = table[table["flow"] == flow] if len(table) else table
    rows = []
    for (country, side), group in mine.groupby(["country", "reported_by"], sort=True):
        full = group[group["period_kind"] == "year"].sort_values("year")
        other = group[group["period_kind"] != "year"].sort_values("mid_year")
        last = full.iloc[-1] if len(full) else None
        rest = other.iloc[-1] if len(other) else None
        rows.append(
            {
                "country": country,
                "reported_by": side,
                "latest_year": int(last["year"]) if last is not None else None,
                "value_usd_m": last["preferred_value"] if last is not None else math.nan,
                "low_usd_m": last["value_min"] if last is not None else math.nan,
                "high_usd_m": last["value_max"] if last is not None else math.nan,
                "latest_other_period": rest["period_label"] if rest is not None else "",
                "other_value_usd_m": rest["preferred_value"] if rest is not None else math.nan,
                "n_periods": len(group),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out["latest_year"] = out["latest_year"].astype("Int64")
    return out


def coverage_note(table: pd.DataFrame, countries: Iterable[str], partner: str) -> str:
    """Which countries have figures with the partner, from whom, and which have none."""
    countries = [c for c in dict.fromkeys(countries) if c != partner]
    if table.empty:
        return f"No figure on trade with {partner} exists for {', '.join(countries)}."
    parts = []
    for country in countries:
        mine = table[table["country"] == country]
        if mine.empty:
            parts.append(f"{country}: none")
            continue
        sides = ", ".join(
            f"{n} from {r}" for r, n in mine.groupby("reported_by")["n_figures"].sum().items()
        )
        full = mine[mine["period_kind"] == "year"]
        years = sorted(set(full["year"]))
        span = f"full years {', '.join(map(str, years))}" if years else "no full calendar year"
        parts.append(f"{country}: {sides} ({span})")
    return "Figures on trade with " + partner + " — " + "; ".join(parts) + "."
