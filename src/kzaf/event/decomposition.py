"""Decomposition: every published aggregate that contains the event month, the shipment's
share and the rest, and the change from the year before with and without it.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.event.shipment import _MIRROR_FLOW, UNIT, Event
from kzaf.text.numbers import fmt_fixed

# ---------------------------------------------------------------------------------------------
# Decomposition


def flows_containing(flow: str) -> tuple[str, ...]:
    """The flows whose totals include a shipment of ``flow`` (an export is in turnover too)."""
    return (flow, "turnover")


def commodity_contains(code: str, hs_code: str) -> bool:
    """Whether goods ``code`` include ``hs_code``: TOTAL, or an HS heading that prefixes it."""
    return code == "TOTAL" or (code.isdigit() and hs_code.startswith(code))


def containing_aggregates(
    observations: pd.DataFrame, sources: pd.DataFrame, event: Event
) -> pd.DataFrame:
    """Every published aggregate that holds the shipment, from every source.

    Kept: value figures in USD million on a calendar basis whose period contains the event
    month, for the flows that include the shipment, whose goods include its HS code (TOTAL or
    a shorter heading), from the reporter's side (``side`` = ``reporter``) and the partner's
    mirror side (``side`` = ``mirror``: the partner's imports for an export). The shipment's
    own figure (same code, the month alone) is not an aggregate and is left out.
    """
    frames = []
    sides = (
        ("reporter", event.reporter, event.partner, flows_containing(event.flow)),
        (
            "mirror",
            event.partner,
            event.reporter,
            tuple(_MIRROR_FLOW[f] for f in flows_containing(event.flow)),
        ),
    )
    for side, reporter, partner, flows in sides:
        figures = series.reported_figures(
            observations,
            sources,
            reporter=reporter,
            partner=partner,
            flow=list(flows),
            commodity=None,
            measure="value",
            basis="calendar",
        )
        keep = [
            unit == UNIT
            and commodity_contains(code, event.hs_code)
            and series.contains_month(start, end, event.month)
            and not (code == event.hs_code and start == end)
            for unit, code, start, end in zip(
                figures["unit"],
                figures["commodity"],
                figures["period_start"],
                figures["period_end"],
                strict=True,
            )
        ]
        frames.append(figures[keep].assign(side=side))
    out = pd.concat(frames, ignore_index=True)
    if out.empty:
        return out
    return out.sort_values(
        ["side", "flow", "months", "period_end", "obs_id"],
        ascending=[False, True, True, True, True],
    ).reset_index(drop=True)


DECOMPOSITION_COLUMNS = [
    "obs_id",
    "source_id",
    "publisher",
    "kind",
    "side",
    "reporter",
    "partner",
    "flow",
    "commodity",
    "period_label",
    "months",
    "precision",
    "suspect",
    "aggregate_usd_m",
    "shipment_usd_m",
    "rest_usd_m",
    "shipment_share",
    "share_bound",
    "consistent",
]


def decompose(aggregates: pd.DataFrame, event: Event) -> pd.DataFrame:
    """The shipment's share of each aggregate and the rest (one row per published figure).

    ``shipment_share`` is shipment / aggregate (a derived number). ``share_bound`` says when
    the share is only a bound: an aggregate published as "over X" makes the share at most
    shipment / X. ``consistent`` is False when the aggregate, even at the top of what its
    precision allows, is smaller than the shipment: the two figures cannot both be right.
    """
    rows = []
    for figure in aggregates.to_dict("records"):
        value = float(figure["value"])
        _, high = series.figure_interval(value, figure["precision"])
        bound = {"at_least": "at most", "at_most": "at least"}.get(figure["precision"], "")
        rows.append(
            {
                **{k: figure[k] for k in DECOMPOSITION_COLUMNS[:13]},
                "aggregate_usd_m": value,
                "shipment_usd_m": event.value_usd_m,
                "rest_usd_m": value - event.value_usd_m,
                "shipment_share": event.value_usd_m / value if value else math.nan,
                "share_bound": bound,
                "consistent": high >= event.value_usd_m,
            }
        )
    return pd.DataFrame(rows, columns=DECOMPOSITION_COLUMNS)


def decomposition_headline(decomposition: pd.DataFrame) -> pd.DataFrame:
    """A small rounded table for readers: one row per aggregate, shares in percent."""
    table = pd.DataFrame(
        {
            "period": decomposition["period_label"],
            "flow": [
                f if side == "reporter" else f"{f} (mirror: {r})"
                for f, side, r in zip(
                    decomposition["flow"],
                    decomposition["side"],
                    decomposition["reporter"],
                    strict=True,
                )
            ],
            "goods": decomposition["commodity"],
            "source": decomposition["publisher"],
            "aggregate_usd_m": decomposition["aggregate_usd_m"],
            "shipment_share_pct": 100 * decomposition["shipment_share"],
            "rest_usd_m": decomposition["rest_usd_m"],
            "flag": [
                "; ".join(
                    x
                    for x in (
                        "suspect" if s else "",
                        "cannot hold the shipment" if not c else "",
                        f"share {b} this" if b else "",
                    )
                    if x
                )
                for s, c, b in zip(
                    decomposition["suspect"],
                    decomposition["consistent"],
                    decomposition["share_bound"],
                    strict=True,
                )
            ],
        }
    )
    return table.reset_index(drop=True)


def share_range(decomposition: pd.DataFrame, include_suspect: bool = False) -> pd.DataFrame:
    """Per aggregate (side, flow, goods, period): the range of the shipment's share across
    sources and the number of figures behind it."""
    frame = (
        decomposition if include_suspect else decomposition[~decomposition["suspect"].astype(bool)]
    )
    if frame.empty:
        return pd.DataFrame(
            columns=[
                "side", "flow", "commodity", "period_label", "months", "n_figures",
                "share_low", "share_high", "aggregate_low_usd_m", "aggregate_high_usd_m",
            ]
        )  # fmt: skip
    grouped = frame.groupby(["side", "flow", "commodity", "period_label", "months"], sort=False)
    out = grouped.agg(
        n_figures=("obs_id", "count"),
        share_low=("shipment_share", "min"),
        share_high=("shipment_share", "max"),
        aggregate_low_usd_m=("aggregate_usd_m", "min"),
        aggregate_high_usd_m=("aggregate_usd_m", "max"),
    )
    return out.reset_index()


CHANGE_COLUMNS = [
    "side",
    "flow",
    "commodity",
    "comparison",
    "period_label",
    "before_label",
    "obs_id",
    "before_obs_id",
    "publisher",
    "before_publisher",
    "value_usd_m",
    "before_usd_m",
    "without_usd_m",
    "change_with",
    "change_without",
    "change_with_usd_m",
    "change_without_usd_m",
    "suspect",
]


def year_on_year_changes(
    observations: pd.DataFrame, sources: pd.DataFrame, event: Event
) -> pd.DataFrame:
    """The change from the year before the event to the event year, with and without it.

    Every aggregate of the event year that contains the shipment (and lies within that year)
    is paired with every figure for the same reporter, partner, flow, goods and months a year
    earlier, from any source, so the spread across sources stays visible. ``change_with`` is
    the relative change as published; ``change_without`` takes the shipment out of the event
    year. ``comparison`` is ``full year`` or ``same months`` (a year-to-date pair).
    """
    after = containing_aggregates(observations, sources, event)
    if after.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    after = after[
        [
            s.year == e.year == event.year
            for s, e in zip(after["period_start"], after["period_end"], strict=True)
        ]
    ]
    before_all = series.reported_figures(
        observations, sources, commodity=None, measure="value", basis="calendar"
    )
    before_all = before_all[before_all["unit"] == UNIT]
    rows = []
    for a in after.to_dict("records"):
        start, end = a["period_start"] - 12, a["period_end"] - 12
        match = before_all[
            (before_all["reporter"] == a["reporter"])
            & (before_all["partner"] == a["partner"])
            & (before_all["flow"] == a["flow"])
            & (before_all["commodity"] == a["commodity"])
            & (before_all["period_start"] == start)
            & (before_all["period_end"] == end)
        ]
        for b in match.sort_values("obs_id").to_dict("records"):
            without = a["value"] - event.value_usd_m
            rows.append(
                {
                    "side": a["side"],
                    "flow": a["flow"],
                    "commodity": a["commodity"],
                    "comparison": "full year" if a["period_kind"] == "year" else "same months",
                    "period_label": a["period_label"],
                    "before_label": b["period_label"],
                    "obs_id": a["obs_id"],
                    "before_obs_id": b["obs_id"],
                    "publisher": a["publisher"],
                    "before_publisher": b["publisher"],
                    "value_usd_m": a["value"],
                    "before_usd_m": b["value"],
                    "without_usd_m": without,
                    "change_with": a["value"] / b["value"] - 1,
                    "change_without": without / b["value"] - 1,
                    "change_with_usd_m": a["value"] - b["value"],
                    "change_without_usd_m": without - b["value"],
                    "suspect": bool(a["suspect"] or b["suspect"]),
                }
            )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def change_ranges(changes: pd.DataFrame, include_suspect: bool = False) -> pd.DataFrame:
    """The year-on-year change with and without the shipment, as a range across every pair of
    sources (one row per side, flow, goods and period). Pairs with a suspect figure are left
    out unless ``include_suspect``; ``n_suspect_left_out`` counts them."""
    columns = [
        "side", "flow", "commodity", "comparison", "period_label", "before_label", "n_pairs",
        "n_suspect_left_out", "change_with_low", "change_with_high", "change_without_low",
        "change_without_high",
    ]  # fmt: skip
    if changes.empty:
        return pd.DataFrame(columns=columns)
    keys = ["side", "flow", "commodity", "comparison", "period_label", "before_label"]
    rows = []
    for key, group in changes.groupby(keys, sort=False):
        used = group if include_suspect else group[~group["suspect"].astype(bool)]
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "n_pairs": len(used),
                "n_suspect_left_out": len(group) - len(used),
                "change_with_low": used["change_with"].min(),
                "change_with_high": used["change_with"].max(),
                "change_without_low": used["change_without"].min(),
                "change_without_high": used["change_without"].max(),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def change_headline(ranges: pd.DataFrame) -> pd.DataFrame:
    """A small rounded table of :func:`change_ranges`: percent changes with and without."""
    used = ranges[ranges["n_pairs"] > 0]
    return pd.DataFrame(
        {
            "from": used["before_label"],
            "to": used["period_label"],
            "flow": [
                f if side == "reporter" else f"{f} (mirror)"
                for f, side in zip(used["flow"], used["side"], strict=True)
            ],
            "pairs_of_figures": used["n_pairs"],
            "change_with_pct": [
                _pct_pair(lo, hi)
                for lo, hi in zip(used["change_with_low"], used["change_with_high"], strict=True)
            ],
            "change_without_pct": [
                _pct_pair(lo, hi)
                for lo, hi in zip(
                    used["change_without_low"], used["change_without_high"], strict=True
                )
            ],
        }
    ).reset_index(drop=True)


def _pct_pair(low: float, high: float) -> str:
    a, b = fmt_fixed(100 * low, signed=True), fmt_fixed(100 * high, signed=True)
    return a if a == b else f"{a} to {b}"


def event_month_bounds(
    observations: pd.DataFrame, sources: pd.DataFrame, event: Event, flow: str = "turnover"
) -> dict[str, Any]:
    """What the published figures say about the partner's total ``flow`` in the event month.

    Lower bound: the shipment itself (it is part of exports and of turnover) or a published
    monthly total, whichever is larger. Upper bound: the smallest published aggregate of that
    flow that contains the month (read at the top of its precision interval, suspect figures
    left out). Returns ``low``, ``high`` (the interval ends used), ``high_value`` (the ceiling
    as published), and what each comes from.
    """
    if flow not in flows_containing(event.flow):
        raise ValueError(f"flow={flow!r} does not include a {event.flow} shipment")
    aggregates = containing_aggregates(observations, sources, event)
    mine = aggregates[
        (aggregates["side"] == "reporter")
        & (aggregates["flow"] == flow)
        & (aggregates["commodity"] == "TOTAL")
        & ~aggregates["suspect"].astype(bool)
    ]
    low, low_from = event.value_usd_m, "the shipment"
    monthly = mine[mine["months"] == 1]
    for figure in monthly.to_dict("records"):
        figure_low, _ = series.figure_interval(figure["value"], figure["precision"])
        if figure_low > low:
            low, low_from = figure_low, figure["obs_id"]
    high, high_value, high_from = math.inf, math.inf, ""
    for figure in mine.to_dict("records"):
        _, figure_high = series.figure_interval(figure["value"], figure["precision"])
        if figure_high < high:
            high, high_value = figure_high, float(figure["value"])
            high_from = f"{figure['period_label']} {flow}, {figure['obs_id']}"
    return {
        "flow": flow,
        "low": low,
        "low_from": low_from,
        "high": high,
        "high_value": high_value,
        "high_from": high_from,
    }
