"""Year to date: same-period comparisons, seasonal shares, and run-rates for an incomplete
year (estimates, labelled, with their caveat).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.frames import records as frame_records
from kzaf.text.numbers import fmt_pct as _pct0
from kzaf.text.numbers import fmt_span as _range_text
from kzaf.text.words import month_name
from kzaf.trajectory.annual import _flow_order_key, pair_changes
from kzaf.trajectory.figures import _empty, _full_years, _year_to_date

# ---------------------------------------------------------------------------------------------
# Year to date: same-period comparisons, seasonal shares, run-rate


def ytd_name(months: int) -> str:
    """'January–May', 'first half', 'January–November'; 'January' for one month; 'full
    year'."""
    if months == 12:
        return "full year"
    if months == 1:
        return "January"
    if months == 6:
        return "first half"
    return f"January–{month_name(months)}"


def year_to_date_table(
    figures: pd.DataFrame, policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first"
) -> pd.DataFrame:
    """Every calendar year-to-date period with figures (January to some month before December):
    preferred figure and range per flow, year and length.

    Columns: ``flow``, ``months``, ``period_name`` (Jan–May ...), ``year``, ``period_label``,
    ``preferred_value``, ``value_min``, ``value_max``, ``n_figures``, ``n_sources``,
    ``conflict``, ``preferred_publisher``, ``obs_ids``.
    """
    columns = [
        "flow",
        "months",
        "period_name",
        "year",
        "period_label",
        "preferred_value",
        "value_min",
        "value_max",
        "n_figures",
        "n_sources",
        "conflict",
        "preferred_publisher",
        "obs_ids",
    ]
    ytd = _year_to_date(figures)
    if ytd.empty:
        return _empty(columns)
    table = series.reconcile(ytd, series.policy_from(policy))
    table = table.assign(
        year=[p.year for p in table["period_start"]],
        months=[p.month for p in table["period_end"]],
    )
    table["period_name"] = [ytd_name(m) for m in table["months"]]
    table = table.sort_values(["flow", "months", "year"], key=_flow_order_key)
    return table[columns].reset_index(drop=True)


def same_period_comparison(
    figures: pd.DataFrame, policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first"
) -> pd.DataFrame:
    """Year-to-date figures compared with the same months of the previous year that has them.

    For each flow and length (January–May, first half, ...) with figures in two or more years,
    consecutive available years are compared: preferred change and its range from every pair of
    figures. Columns: ``flow``, ``period_name``, ``months``, ``year_from``, ``year_to``,
    ``value_from``, ``value_to``, ``change``, ``change_min``, ``change_max``, ``n_pairs``.
    """
    columns = [
        "flow",
        "period_name",
        "months",
        "year_from",
        "year_to",
        "value_from",
        "value_to",
        "change",
        "change_min",
        "change_max",
        "n_pairs",
    ]
    table = year_to_date_table(figures, policy)
    ytd = _year_to_date(figures)
    rows = []
    for (flow, months), group in table.groupby(["flow", "months"], sort=True):
        for a, b in itertools.pairwise(frame_records(group.sort_values("year"))):
            mine = ytd[(ytd["flow"] == flow) & (ytd["months"] == months)]
            pairs = pair_changes(mine[mine["year"] == a["year"]], mine[mine["year"] == b["year"]])
            rows.append(
                {
                    "flow": flow,
                    "period_name": a["period_name"],
                    "months": months,
                    "year_from": a["year"],
                    "year_to": b["year"],
                    "value_from": a["preferred_value"],
                    "value_to": b["preferred_value"],
                    "change": b["preferred_value"] / a["preferred_value"] - 1,
                    "change_min": float(pairs["change"].min()),
                    "change_max": float(pairs["change"].max()),
                    "n_pairs": len(pairs),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def seasonal_shares(figures: pd.DataFrame) -> pd.DataFrame:
    """The share of the full year that a year-to-date period held, in every year that has both,
    from every pair of figures (year-to-date figure / full-year figure).

    A share above 1 beyond the figures' precision means the two cannot both be right;
    such pairs are kept and marked ``consistent=False``. Columns: ``flow``, ``year``,
    ``months``, ``period_name``, ``obs_id_ytd``, ``obs_id_year``, ``value_ytd``,
    ``value_year``, ``share``, ``consistent``, ``suspect``.
    """
    columns = [
        "flow",
        "year",
        "months",
        "period_name",
        "obs_id_ytd",
        "obs_id_year",
        "value_ytd",
        "value_year",
        "share",
        "consistent",
        "suspect",
    ]
    ytd, full = _year_to_date(figures), _full_years(figures)
    rows = []
    for part in ytd.to_dict("records"):
        wholes = full[(full["flow"] == part["flow"]) & (full["year"] == part["year"])]
        for whole in wholes.to_dict("records"):
            share = part["value"] / whole["value"] if whole["value"] else math.nan
            rows.append(
                {
                    "flow": part["flow"],
                    "year": part["year"],
                    "months": part["months"],
                    "period_name": ytd_name(part["months"]),
                    "obs_id_ytd": part["obs_id"],
                    "obs_id_year": whole["obs_id"],
                    "value_ytd": part["value"],
                    "value_year": whole["value"],
                    "share": share,
                    # Within the figures' precision (0.6 bn rounded may hold 0.62 bn).
                    "consistent": series.part_fits_whole(part, whole),
                    "suspect": bool(part["suspect"]) or bool(whole["suspect"]),
                }
            )
    return pd.DataFrame(rows, columns=columns)


RUN_RATE_CAVEAT = (
    "A run-rate is an estimate, not a figure: the naive one assumes the months not yet published "
    "trade at the average pace of those published, which months rarely do (harvest, marketing "
    "year, holidays, one-off shipments); the seasonal one assumes the year splits between its "
    "parts as it did in the years it is taken from."
)


def run_rate(
    figures: pd.DataFrame,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    *,
    flow: str = "turnover",
    shares: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Estimates of the full year for every calendar year that has a year-to-date figure and no
    full-year figure (an incomplete year), from its longest year-to-date period. ``shares`` is
    :func:`seasonal_shares` of the same figures, when the caller has it (it covers every flow,
    so a caller estimating several flows computes it once).

    Two methods, each a row, labelled ``estimate=True``:

    - ``naive run-rate``: year-to-date x 12 / months; range from every year-to-date figure.
    - ``seasonal share``: year-to-date / share, where the share is what the same months held of
      the full year in other years (:func:`seasonal_shares`, consistent pairs only); the range
      covers every year-to-date figure against every share. When no other year has both the
      same months and a full year, the row says that no seasonal share exists.
    """
    columns = [
        "flow",
        "year",
        "period_label",
        "months",
        "ytd_value",
        "method",
        "estimate_value",
        "low",
        "high",
        "share_low_pct",
        "share_high_pct",
        "share_years",
        "estimate",
        "note",
    ]
    ytd, full = _year_to_date(figures), _full_years(figures)
    if ytd.empty:
        return _empty(columns)
    ytd = ytd[ytd["flow"] == flow]
    full_years = set(full.loc[full["flow"] == flow, "year"]) if not full.empty else set()
    shares = seasonal_shares(figures) if shares is None else shares
    shares = shares[(shares["flow"] == flow) & shares["consistent"]]
    table = year_to_date_table(ytd, policy)
    rows = []
    for year in sorted(set(ytd["year"]) - full_years):
        longest = table[table["year"] == year].sort_values("months").iloc[-1]
        months = int(longest["months"])
        values = ytd[(ytd["year"] == year) & (ytd["months"] == months)]["value"]
        base = {
            "flow": flow,
            "year": year,
            "period_label": longest["period_label"],
            "months": months,
            "ytd_value": float(longest["preferred_value"]),
            "estimate": True,
        }
        rows.append(
            {
                **base,
                "method": "naive run-rate (× 12 / months)",
                "estimate_value": base["ytd_value"] * 12 / months,
                "low": float(values.min()) * 12 / months,
                "high": float(values.max()) * 12 / months,
                "share_low_pct": 100 * months / 12,
                "share_high_pct": 100 * months / 12,
                "share_years": "",
                "note": "assumes every month like the average published month",
            }
        )
        same = shares[(shares["months"] == months) & (shares["year"] != year)]
        if same.empty:
            rows.append(
                {
                    **base,
                    "method": "seasonal share",
                    "estimate_value": math.nan,
                    "low": math.nan,
                    "high": math.nan,
                    "share_low_pct": math.nan,
                    "share_high_pct": math.nan,
                    "share_years": "",
                    "note": (
                        f"no seasonal share exists: no other year has both a {ytd_name(months)} "
                        "and a full-year figure"
                    ),
                }
            )
            continue
        low_share, high_share = float(same["share"].min()), float(same["share"].max())
        mid_share = float(same["share"].median())
        rows.append(
            {
                **base,
                "method": "seasonal share",
                "estimate_value": base["ytd_value"] / mid_share,
                "low": float(values.min()) / high_share,
                "high": float(values.max()) / low_share,
                "share_low_pct": 100 * low_share,
                "share_high_pct": 100 * high_share,
                "share_years": ", ".join(str(y) for y in sorted(set(same["year"]))),
                "note": (
                    f"{ytd_name(months)} held {_range_text(low_share, high_share, _pct0)} of the "
                    f"full year in {', '.join(str(y) for y in sorted(set(same['year'])))} "
                    f"({len(same)} pair(s) of figures); central estimate uses the median share"
                ),
            }
        )
    return pd.DataFrame(rows, columns=columns)
