"""The annual table across sources, growth between years and pairs of figures, the
changes the story turns on, and the trade balance (derived, labelled).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.frames import records as frame_records
from kzaf.trajectory.figures import ANNUAL_COLUMNS, FLOWS, _empty, _full_years, point_figures

# ---------------------------------------------------------------------------------------------
# Annual table, balance, growth


def annual_trade(
    figures: pd.DataFrame,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    *,
    flows: Iterable[str] = FLOWS,
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """One row per (flow, calendar year): every figure counted, preferred figure and range.

    ``kzaf.series.annual_table`` does the reconciliation; this adds an empty-data path (no
    full-year figure at all gives the same grid, with ``n_figures`` 0) so callers never crash.
    """
    policy = series.policy_from(policy)
    flows = list(flows)
    full = _full_years(figures)
    if not full.empty:
        table = series.annual_table(
            full, policy, flows=flows, start_year=start_year, end_year=end_year
        )
        return table.sort_values(["flow", "year"], key=_flow_order_key).reset_index(drop=True)
    if start_year is None or end_year is None:
        return _empty(ANNUAL_COLUMNS)
    rows = [
        {
            "flow": f,
            "year": y,
            "period_label": str(y),
            "n_figures": 0,
            "n_sources": 0,
            "n_conflicts": 0,
            "conflict": False,
            "policy": policy.name,
        }
        for f in flows
        for y in range(start_year, end_year + 1)
    ]
    table = pd.DataFrame(rows).reindex(columns=list(ANNUAL_COLUMNS))
    for column in ("preferred_value", "value_min", "value_max", "spread", "spread_pct"):
        table[column] = table[column].astype(float)
    return table


def _flow_order_key(column: pd.Series) -> pd.Series:
    if column.name == "flow":
        return column.map({f: i for i, f in enumerate(FLOWS)}).fillna(len(FLOWS))
    return column


def pair_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Every pair of figures (one for the earlier period, one for the later): ratio and change.

    Columns: ``obs_id_from``, ``obs_id_to``, ``value_from``, ``value_to``, ``source_id_from``,
    ``source_id_to``, ``ratio`` (to / from), ``change`` (ratio - 1), ``suspect`` (either
    figure flagged). Empty when either side is empty.
    """
    columns = [
        "obs_id_from",
        "obs_id_to",
        "value_from",
        "value_to",
        "source_id_from",
        "source_id_to",
        "ratio",
        "change",
        "suspect",
    ]
    rows = []
    for a in before.to_dict("records"):
        for b in after.to_dict("records"):
            if not a["value"]:
                continue
            ratio = b["value"] / a["value"]
            rows.append(
                {
                    "obs_id_from": a["obs_id"],
                    "obs_id_to": b["obs_id"],
                    "value_from": a["value"],
                    "value_to": b["value"],
                    "source_id_from": a["source_id"],
                    "source_id_to": b["source_id"],
                    "ratio": ratio,
                    "change": ratio - 1,
                    "suspect": bool(a.get("suspect")) or bool(b.get("suspect")),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def growth_pairs(figures: pd.DataFrame, *, flows: Iterable[str] = FLOWS) -> pd.DataFrame:
    """Year-on-year changes from every pair of full-year figures (year t-1, year t), per flow."""
    full = _full_years(figures)
    frames = []
    for flow in flows:
        mine = full[full["flow"] == flow] if not full.empty else full
        years = sorted(set(mine["year"])) if not mine.empty else []
        for year in years:
            if year - 1 not in years:
                continue
            pairs = pair_changes(mine[mine["year"] == year - 1], mine[mine["year"] == year])
            frames.append(pairs.assign(flow=flow, year=year))
    if not frames:
        return _empty(["flow", "year", *pair_changes(figures.iloc[0:0], figures.iloc[0:0])])
    out = pd.concat(frames, ignore_index=True)
    return out[["flow", "year", *[c for c in out.columns if c not in ("flow", "year")]]]


def yoy_growth(annual: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year growth per flow and year: from the preferred figures, and its range from
    every pair of figures (every source's figure for t-1 against every one for t).

    Columns: ``flow``, ``year``, ``growth`` (preferred), ``growth_min``, ``growth_max``,
    ``n_pairs``, ``comparable`` (both years have figures). Rows follow ``annual``.
    """
    columns = ["flow", "year", "growth", "growth_min", "growth_max", "n_pairs", "comparable"]
    if annual.empty:
        return _empty(columns)
    pairs = growth_pairs(figures, flows=list(dict.fromkeys(annual["flow"])))
    preferred = annual.set_index(["flow", "year"])["preferred_value"]
    rows = []
    for flow, year in zip(annual["flow"], annual["year"], strict=True):
        now = preferred.get((flow, year), math.nan)
        before = preferred.get((flow, year - 1), math.nan)
        mine = pairs[(pairs["flow"] == flow) & (pairs["year"] == year)]
        comparable = not (math.isnan(now) or math.isnan(before)) and before != 0
        rows.append(
            {
                "flow": flow,
                "year": year,
                "growth": now / before - 1 if comparable else math.nan,
                "growth_min": float(mine["change"].min()) if len(mine) else math.nan,
                "growth_max": float(mine["change"].max()) if len(mine) else math.nan,
                "n_pairs": len(mine),
                "comparable": comparable,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def period_changes(
    annual: pd.DataFrame,
    figures: pd.DataFrame,
    steps: Iterable[tuple[int, int]],
    *,
    flow: str = "turnover",
) -> pd.DataFrame:
    """The change between two calendar years (e.g. 2021→2022), preferred and from every pair.

    Columns: ``flow``, ``year_from``, ``year_to``, ``value_from``, ``value_to`` (preferred),
    ``ratio``, ``change``, ``change_min``, ``change_max``, ``n_pairs``, ``note``.
    """
    full = _full_years(figures)
    full = full[full["flow"] == flow] if not full.empty else full
    preferred = (
        annual[annual["flow"] == flow].set_index("year")["preferred_value"]
        if not annual.empty
        else pd.Series(dtype=float)
    )
    rows = []
    for year_from, year_to in steps:
        a = float(preferred.get(year_from, math.nan))
        b = float(preferred.get(year_to, math.nan))
        pairs = (
            pair_changes(full[full["year"] == year_from], full[full["year"] == year_to])
            if not full.empty
            else pair_changes(full, full)
        )
        missing = [str(y) for y, v in ((year_from, a), (year_to, b)) if math.isnan(v)]
        rows.append(
            {
                "flow": flow,
                "year_from": year_from,
                "year_to": year_to,
                "value_from": a,
                "value_to": b,
                "ratio": b / a if not missing and a else math.nan,
                "change": b / a - 1 if not missing and a else math.nan,
                "change_min": float(pairs["change"].min()) if len(pairs) else math.nan,
                "change_max": float(pairs["change"].max()) if len(pairs) else math.nan,
                "n_pairs": len(pairs),
                "note": f"no full-year {flow} figure for {' or '.join(missing)}" if missing else "",
            }
        )
    return pd.DataFrame(rows)


def trade_balance(
    figures: pd.DataFrame, policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first"
) -> pd.DataFrame:
    """The reporter's trade balance (exports minus imports) for every calendar period that allows
    it, with its range from every pair of figures.

    Where exports and imports are both published: balance = exports - imports. Where only one
    of them is, with turnover: the other is implied (turnover minus the one published) and the
    method says so. Where all three exist, ``components_gap`` = turnover - (exports + imports)
    shows whether the published parts add up. All balances are derived arithmetic, never data.
    """
    columns = [
        "period_label",
        "year",
        "period_kind",
        "months",
        "period_start",
        "export",
        "import",
        "turnover",
        "balance",
        "balance_min",
        "balance_max",
        "n_pairs",
        "method",
        "components_gap",
    ]
    calendar = figures[figures["basis"] == "calendar"] if not figures.empty else figures
    calendar = point_figures(calendar)
    if calendar.empty:
        return _empty(columns)
    preferred = series.reconcile(calendar, series.policy_from(policy))
    # Each period's figures, first row and preferred values gathered in one pass over the
    # rows, not by filtering both tables again for every period.
    by_period: dict[tuple[Any, Any], dict[str, list[float]]] = {}
    first_rows: dict[tuple[Any, Any], dict[str, Any]] = {}
    for row in frame_records(calendar):
        period = (row["period_start"], row["period_end"])
        by_period.setdefault(period, {f: [] for f in FLOWS}).setdefault(row["flow"], [])
        by_period[period][row["flow"]].append(row["value"])
        first_rows.setdefault(period, row)
    best_values = {
        (start, end, flow): value
        for start, end, flow, value in zip(
            preferred["period_start"],
            preferred["period_end"],
            preferred["flow"],
            preferred["preferred_value"],
            strict=True,
        )
    }
    rows = []
    for start, end in sorted(by_period):
        values = by_period[(start, end)]
        best = {f: float(best_values.get((start, end, f), math.nan)) for f in FLOWS}
        x, m, t = values["export"], values["import"], values["turnover"]
        if x and m:
            pairs = [a - b for a in x for b in m]
            balance = best["export"] - best["import"]
            method = "exports − imports"
        elif x and t:
            pairs = [2 * a - b for a in x for b in t]
            balance = 2 * best["export"] - best["turnover"]
            method = "2 × exports − turnover (imports implied as turnover − exports)"
        elif m and t:
            pairs = [b - 2 * a for a in m for b in t]
            balance = best["turnover"] - 2 * best["import"]
            method = "turnover − 2 × imports (exports implied as turnover − imports)"
        else:
            continue
        gap = best["turnover"] - best["export"] - best["import"] if x and m and t else math.nan
        first = first_rows[(start, end)]
        rows.append(
            {
                "period_label": first["period_label"],
                "year": int(first["year"]),
                "period_kind": first["period_kind"],
                "months": int(first["months"]),
                "period_start": start,
                "export": best["export"],
                "import": best["import"],
                "turnover": best["turnover"],
                "balance": balance,
                "balance_min": min(pairs),
                "balance_max": max(pairs),
                "n_pairs": len(pairs),
                "method": method,
                "components_gap": gap,
            }
        )
    if not rows:
        return _empty(columns)
    return pd.DataFrame(rows, columns=columns).reset_index(drop=True)
