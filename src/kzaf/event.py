"""What one shipment does to the numbers: decomposition, plausibility, comparisons, counterfactual.

Pure functions on DataFrames (nothing here reads files, except :func:`monthly_source`, which
hands the reading to ``kzaf.comtrade``). The event is one recorded shipment: a month, a value
in USD million, an HS code, and the reporter, partner and flow it belongs to (by default
Kazakh exports to Afghanistan).

Decomposition
    Every published aggregate that contains the event month (a full year, January–May, first
    half, ...) from every source, for the flows that include the shipment (exports and turnover
    for an export), from the reporter's side and from the partner's mirror side. For each: the
    shipment's share and the rest. The change from the year before, with and without the
    shipment, for every pair of same-period figures, shown as a range across sources.
Plausibility
    The number of units a unit-price range implies, set against published plant capacity and
    the published list of buyer countries (``data/indicators.csv``, ``data/events.csv``).
Comparisons
    The shipment against average monthly trade with other partners, derived from published
    annual figures (derived values are labelled ``derived``), and the event-month rank of the
    partner among the reporter's partners where monthly partner figures exist.
Counterfactual
    An intervention analysis in the manner of Google's CausalImpact, on a monthly series: a
    structural time-series model (statsmodels ``UnobservedComponents``: local level, optional
    deterministic seasonal terms) is fitted to the months before the event and forecast over
    the event month and after; actual minus forecast is the estimated effect, pointwise and
    cumulative, with intervals from simulated forecast paths that carry the noise and the
    uncertainty of the estimated parameters. The forecasts are model estimates, never
    observations. ``tests/test_event_simulations.py`` and ``benchmarks/event_simulations.py``
    measure how well a known pulse is recovered and how often the intervals cover it.
    Published figures hold no monthly series; the counterfactual needs one (UN Comtrade
    monthly data through ``kzaf import comtrade FILE`` and ``data_source="comtrade"``).
"""

from __future__ import annotations

import importlib
import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from kzaf import series
from kzaf.series import SourcePolicy

UNIT = "USD million"
# Indicator codes in data/indicators.csv the plausibility check looks for (matched as prefixes,
# so e.g. locomotive_buyer_country and locomotive_buyer_count are both found).
UNIT_PRICE_CODE = "locomotive_unit_price"
CAPACITY_CODE = "locomotive_plant_capacity"
BUYER_CODE = "locomotive_buyer"
CONTEXT_PREFIX = "locomotive_"  # every other locomotive figure is shown beside them
DATA_SOURCES = ("published", "comtrade")
_FLOW_WORD = {"export": "exports", "import": "imports", "turnover": "turnover"}
_MIRROR_FLOW = {"export": "import", "import": "export", "turnover": "turnover"}


# ---------------------------------------------------------------------------------------------
# The event


@dataclass(frozen=True)
class Event:
    """One recorded shipment."""

    month: pd.Period
    value_usd_m: float
    hs_code: str
    reporter: str = "KAZ"
    partner: str = "AFG"
    flow: str = "export"

    @property
    def label(self) -> str:
        return (
            f"{fmt_number(self.value_usd_m)} USD million of HS {self.hs_code} "
            f"({self.flow}, {self.reporter}→{self.partner}) in "
            f"{series.period_label(self.month, self.month)}"
        )

    @property
    def year(self) -> int:
        return self.month.year


def event_from(
    month: str | pd.Period,
    value_usd_m: float,
    hs_code: str,
    *,
    reporter: str = "KAZ",
    partner: str = "AFG",
    flow: str = "export",
) -> Event:
    """An :class:`Event` from notebook parameters; bad values raise naming the parameter."""
    try:
        when = series.month(month)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"event_month={month!r} is not a month (expected 'YYYY-MM')") from exc
    if isinstance(month, str) and not re.fullmatch(r"\d{4}-\d{2}", month):
        raise ValueError(f"event_month={month!r} is not a month (expected 'YYYY-MM')")
    if isinstance(value_usd_m, bool) or not isinstance(value_usd_m, int | float):
        raise ValueError(f"event_value_usd_m={value_usd_m!r} must be a number (USD million)")
    if not math.isfinite(value_usd_m) or value_usd_m <= 0:
        raise ValueError(f"event_value_usd_m={value_usd_m!r} must be a positive USD million value")
    if not isinstance(hs_code, str) or not re.fullmatch(r"\d{2}(\d{2}){0,2}", hs_code):
        raise ValueError(
            f"hs_code={hs_code!r} must be an HS code as a string of 2, 4 or 6 digits "
            "(e.g. '8602'; keep leading zeros)"
        )
    if flow not in ("export", "import"):
        raise ValueError(f"flow={flow!r} must be 'export' or 'import'")
    if reporter == partner:
        raise ValueError(f"reporter and partner are both {reporter!r}")
    return Event(when, float(value_usd_m), hs_code, reporter, partner, flow)


def event_figures(observations: pd.DataFrame, sources: pd.DataFrame, event: Event) -> pd.DataFrame:
    """Published figures for the shipment itself: the HS code, the event month, its flow."""
    figures = series.reported_figures(
        observations,
        sources,
        reporter=event.reporter,
        partner=event.partner,
        flow=event.flow,
        commodity=event.hs_code,
        measure="value",
    )
    figures = figures[
        (figures["period_start"] == event.month)
        & (figures["period_end"] == event.month)
        & (figures["unit"] == UNIT)
    ]
    return figures.reset_index(drop=True)


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
    a, b = f"{100 * low:+.1f}", f"{100 * high:+.1f}"
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


# ---------------------------------------------------------------------------------------------
# Plausibility


def indicators_by_code(indicators: pd.DataFrame, code: str) -> pd.DataFrame:
    """Indicator rows whose code is ``code`` or starts with ``code_``."""
    codes = indicators["indicator"].astype(str)
    return indicators[(codes == code) | codes.str.startswith(code + "_")].reset_index(drop=True)


@dataclass(frozen=True)
class PriceRange:
    """A range of unit prices (USD million per unit) and where it comes from."""

    low_usd_m: float
    high_usd_m: float
    provenance: str
    indicator_ids: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()


def unit_price_range(
    indicators: pd.DataFrame, low: float | None = None, high: float | None = None
) -> PriceRange | None:
    """The unit-price range: from parameters when both are given, else from every sourced
    ``locomotive_unit_price*`` figure in USD million per unit (lowest to highest), else None."""
    if (low is None) != (high is None):
        missing = "unit_price_high_usd_m" if high is None else "unit_price_low_usd_m"
        raise ValueError(f"{missing} is missing: give both ends of the unit-price range or neither")
    if low is not None and high is not None:
        if not 0 < low <= high:
            raise ValueError(
                f"unit_price_low_usd_m={low} and unit_price_high_usd_m={high} must satisfy "
                "0 < low <= high (USD million per unit)"
            )
        return PriceRange(float(low), float(high), "set by the notebook's parameters")
    rows = indicators_by_code(indicators, UNIT_PRICE_CODE)
    rows = rows[rows["unit"].astype(str).str.startswith(UNIT)]
    if "suspect" in rows:
        rows = rows[~rows["suspect"].astype(bool)]
    lows = rows["value"].fillna(rows["value_low"])
    highs = rows["value"].fillna(rows["value_high"])
    usable = rows[lows.notna() & highs.notna()]
    if usable.empty:
        return None
    lows, highs = lows[usable.index], highs[usable.index]
    hedge = {"at_least": "over ", "at_most": "under ", "about": "about "}
    pieces: dict[tuple, list[str]] = {}
    for v, h, s, i, p in zip(
        lows, highs, usable["source_id"], usable["indicator_id"], usable["precision"], strict=True
    ):
        text = f"{hedge.get(p, '')}{v:.1f}" + (f"–{h:.1f}" if h != v else "") + f" ({s}"
        pieces.setdefault((text,), []).append(i)
    listed = [f"{text}: {', '.join(ids)})" for (text,), ids in pieces.items()]
    return PriceRange(
        float(lows.min()),
        float(highs.max()),
        "sourced unit prices in data/indicators.csv (suspect ones left out): " + "; ".join(listed),
        tuple(usable["indicator_id"]),
        tuple(dict.fromkeys(usable["source_id"])),
    )


def implied_units(value_usd_m: float, prices: PriceRange) -> tuple[float, float]:
    """Units a shipment of ``value_usd_m`` implies: (at the high price, at the low price)."""
    return value_usd_m / prices.high_usd_m, value_usd_m / prices.low_usd_m


@dataclass(frozen=True)
class Plausibility:
    """The shipment set against unit prices, plant capacity and buyer countries."""

    prices: PriceRange | None
    units_low: float | None
    units_high: float | None
    capacity: pd.DataFrame  # published capacity figures (units a year) with derived shares
    buyers: pd.DataFrame  # published buyer countries (kind "listed") and counts ("count")
    buyer_events: pd.DataFrame  # dated events that mention locomotives
    partner_listed: bool | None  # partner among the listed buyers (None: no list)
    missing: tuple[str, ...] = ()  # what the data lack, in words
    source_ids: tuple[str, ...] = field(default=())
    # other published locomotive figures (production, orders, deliveries), with the implied
    # units as a multiple of each count (derived)
    context: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def capacity_share(self) -> tuple[float, float] | None:
        """Implied units as a share of one plant's yearly capacity: (lowest, highest) across
        the published capacity figures (derived)."""
        if self.units_low is None or self.capacity.empty:
            return None
        return float(self.capacity["share_low"].min()), float(self.capacity["share_high"].max())

    def table(self) -> pd.DataFrame:
        """The main comparison in a few quantity / value / basis rows (details in
        ``capacity``, ``buyers``, ``context`` and ``buyer_events``)."""
        rows = []
        if self.prices is not None and self.units_low is not None:
            rows.append(
                (
                    "unit price (USD million per unit)",
                    f"{self.prices.low_usd_m:.1f}–{self.prices.high_usd_m:.1f}",
                    self.prices.provenance,
                )
            )
            rows.append(
                (
                    "implied number of units (derived)",
                    f"{self.units_low:.0f}–{self.units_high:.0f}",
                    "shipment value divided by the high and by the low unit price",
                )
            )
        if not self.capacity.empty:
            units = self.capacity["capacity_units"]
            rows.append(
                (
                    "published yearly capacity of one plant (units a year)",
                    fmt_range(units.min(), units.max()),
                    f"{len(units)} figures: "
                    + ", ".join(dict.fromkeys(self.capacity["indicator_id"])),
                )
            )
            share = self.capacity_share
            if share is not None:
                rows.append(
                    (
                        "implied units as a share of one plant's yearly capacity (derived)",
                        f"{share[0]:.0%}–{share[1]:.0%}",
                        "implied units / published yearly capacity, across the figures",
                    )
                )
        for c in self.buyers.to_dict("records"):
            if c["kind"] == "count":
                rows.append(
                    (
                        f"published number of buyer countries ({c['period']})",
                        fmt_number(c["value"]),
                        f"{c['note']} ({c['indicator_id']}, {c['source_id']})",
                    )
                )
        listed = self.buyers[self.buyers["kind"] == "listed"]
        if not listed.empty:
            rows.append(
                (
                    "published buyer countries",
                    ", ".join(listed["subject"]),
                    "; ".join(sorted(set(listed["source_id"]))),
                )
            )
        if self.partner_listed is not None:
            rows.append(
                (
                    "partner among the listed buyers",
                    "yes" if self.partner_listed else "no",
                    "published buyer list",
                )
            )
        for text in self.missing:
            rows.append(("not in the data", "—", text))
        return pd.DataFrame(rows, columns=["quantity", "value", "basis"])

    def context_table(self) -> pd.DataFrame:
        """Other published locomotive figures (production, orders, deliveries) beside the
        implied number of units: ``implied_multiple`` = implied units / the figure (derived,
        for figures counted in units)."""
        columns = ["indicator", "subject", "period", "value", "unit", "implied_multiple", "note",
                   "indicator_id", "source_id"]  # fmt: skip
        if self.context.empty:
            return pd.DataFrame(columns=columns)
        frame = self.context.copy()
        if "implied_units_ratio_low" in frame:
            frame["implied_multiple"] = [
                "" if pd.isna(lo) else f"{lo:.2g}–{hi:.2g}"
                for lo, hi in zip(
                    frame["implied_units_ratio_low"], frame["implied_units_ratio_high"], strict=True
                )
            ]
        else:
            frame["implied_multiple"] = ""
        frame["indicator"] = frame["indicator"].str.replace("_", " ")
        return frame[columns]


def _indicator_frame(rows: pd.DataFrame, value: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": rows["indicator_id"],
            "subject": rows["subject"],
            "value": value,
            "unit": rows["unit"],
            "precision": rows["precision"],
            "source_id": rows["source_id"],
            "note": rows["note"],
            "suspect": rows["suspect"].astype(bool) if "suspect" in rows else False,
            "indicator": rows["indicator"],
            "period": [
                series.period_label(s, e)
                for s, e in zip(rows["period_start"], rows["period_end"], strict=True)
            ],
        }
    )


def plausibility(
    indicators: pd.DataFrame,
    events: pd.DataFrame,
    event: Event,
    prices: PriceRange | None,
) -> Plausibility:
    """Implied units against published capacity and buyer countries; says what is absent.

    Capacity: ``locomotive_plant_capacity*`` figures (units a year). Buyers:
    ``locomotive_buyer*`` rows, either one row per listed country (precision ``presence``,
    subject the ISO3 code) or a count (the note may name the countries). Events whose
    description mentions locomotives are listed beside them.
    """
    missing = []
    units_low = units_high = None
    if prices is None:
        missing.append(
            f"no unit price: no '{UNIT_PRICE_CODE}' figure in USD million per unit in "
            "data/indicators.csv and no unit_price_low_usd_m / unit_price_high_usd_m given"
        )
    else:
        units_low, units_high = implied_units(event.value_usd_m, prices)
    capacity_rows = indicators_by_code(indicators, CAPACITY_CODE)
    capacity = _indicator_frame(
        capacity_rows, capacity_rows["value"].fillna(capacity_rows["value_high"])
    ).rename(columns={"value": "capacity_units"})
    if capacity.empty:
        missing.append(f"no plant capacity: no '{CAPACITY_CODE}' figure in data/indicators.csv")
    if units_low is not None and not capacity.empty:
        capacity = capacity.assign(
            share_low=units_low / capacity["capacity_units"],
            share_high=units_high / capacity["capacity_units"],
        )
    buyer_rows = indicators_by_code(indicators, BUYER_CODE)
    buyers = _indicator_frame(buyer_rows, buyer_rows["value"])
    buyers.insert(
        2, "kind", ["listed" if p == "presence" else "count" for p in buyers["precision"]]
    )
    listed = buyers[buyers["kind"] == "listed"]
    partner_listed = (event.partner in set(listed["subject"])) if not listed.empty else None
    if buyers.empty:
        missing.append(f"no buyer countries: no '{BUYER_CODE}' row in data/indicators.csv")
    elif listed.empty:
        missing.append(
            "no row-by-row list of buyer countries (precision 'presence'); the count's note is "
            "all the data say about which countries buy"
        )
    mentions = events["description"].astype(str).str.contains("locomotive", case=False)
    buyer_events = events[mentions].reset_index(drop=True)
    main_codes = (UNIT_PRICE_CODE, CAPACITY_CODE, BUYER_CODE)
    codes = indicators["indicator"].astype(str)
    other = indicators[
        codes.str.startswith(CONTEXT_PREFIX)
        & ~codes.apply(lambda c: any(c == m or c.startswith(m + "_") for m in main_codes))
    ]
    context = _indicator_frame(other, other["value"].fillna(other["value_high"]))
    context = context.sort_values(["indicator", "period", "indicator_id"]).reset_index(drop=True)
    if units_low is not None:
        counts = context["unit"].astype(str).str.startswith("units")
        context["implied_units_ratio_low"] = (units_low / context["value"]).where(counts)
        context["implied_units_ratio_high"] = (units_high / context["value"]).where(counts)
    source_ids = tuple(
        dict.fromkeys(
            [
                *(prices.source_ids if prices else ()),
                *capacity["source_id"],
                *buyers["source_id"],
                *buyer_events["source_id"],
                *context["source_id"],
            ]
        )
    )
    return Plausibility(
        prices,
        units_low,
        units_high,
        capacity,
        buyers,
        buyer_events,
        partner_listed,
        tuple(missing),
        source_ids,
        context,
    )


# ---------------------------------------------------------------------------------------------
# Comparisons with other partners


ANNUAL_COLUMNS = [
    "partner",
    "reporter",
    "counterpart",
    "obs_id",
    "source_id",
    "publisher",
    "kind",
    "precision",
    "suspect",
    "annual_usd_m",
    "monthly_average_usd_m",
    "derived",
    "method",
]


def annual_partner_turnover(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    partners: Sequence[str],
    year: int,
) -> pd.DataFrame:
    """Every published full-year ``year`` turnover between ``reporter`` and each partner.

    Figures from either side count (``reporter`` names who publishes it: the partner's own
    statistics are a mirror of the same trade). Where a source gives exports and imports but
    no turnover for the same reporter and year, their sum is added as a derived turnover. The
    average month (``monthly_average_usd_m`` = annual / 12) is always derived.
    """
    rows = []
    for partner in partners:
        for who, counterpart in ((reporter, partner), (partner, reporter)):
            figures = series.reported_figures(
                observations,
                sources,
                reporter=who,
                partner=counterpart,
                flow=None,
                commodity="TOTAL",
                measure="value",
                basis="calendar",
            )
            figures = figures[
                (figures["unit"] == UNIT)
                & (figures["period_kind"] == "year")
                & (figures["year"] == year)
            ]
            turnover = figures[figures["flow"] == "turnover"]
            for f in turnover.to_dict("records"):
                rows.append(_annual_row(partner, f, f["value"], False, "published turnover"))
            for source_id, group in figures.groupby("source_id"):
                if source_id in set(turnover["source_id"]):
                    continue
                exports, imports = (
                    group[group["flow"] == "export"],
                    group[group["flow"] == "import"],
                )
                if len(exports) == 1 and len(imports) == 1:
                    e, i = exports.iloc[0].to_dict(), imports.iloc[0].to_dict()
                    method = f"exports {e['obs_id']} + imports {i['obs_id']}"
                    row = _annual_row(partner, e, e["value"] + i["value"], True, method)
                    row["obs_id"] = f"{e['obs_id']}+{i['obs_id']}"
                    row["suspect"] = bool(e["suspect"] or i["suspect"])
                    rows.append(row)
    return pd.DataFrame(rows, columns=ANNUAL_COLUMNS)


def _annual_row(partner: str, f: dict[str, Any], value: float, derived: bool, method: str) -> dict:
    return {
        "partner": partner,
        "reporter": f["reporter"],
        "counterpart": f["partner"],
        "obs_id": f["obs_id"],
        "source_id": f["source_id"],
        "publisher": f["publisher"],
        "kind": f["kind"],
        "precision": f["precision"],
        "suspect": bool(f["suspect"]),
        "annual_usd_m": float(value),
        "monthly_average_usd_m": float(value) / 12,
        "derived": derived,
        "method": method,
    }


READING_COLUMNS = [
    "reading",
    "partners",
    "n_figures",
    "monthly_low_usd_m",
    "monthly_high_usd_m",
    "shipment_usd_m",
    "ratio_low",
    "ratio_high",
    "verdict",
]


def compare_with_monthly_averages(
    value_usd_m: float,
    annual: pd.DataFrame,
    partners: Sequence[str],
    tolerance: float,
    include_suspect: bool = False,
) -> pd.DataFrame:
    """Does ``value_usd_m`` equal the average month of trade with each partner, and with all
    of them together?

    One row per reading: each partner alone, and the partners together (their ranges summed:
    lowest with lowest, highest with highest). The range of an average month runs across every
    published figure (a conflict between sources widens it). ``ratio_*`` = value / average
    month. Verdict: ``confirmed`` if the value lies within the range, ``confirmed within
    tolerance`` if within ``tolerance`` (relative) of its nearer end, ``contradicted``
    otherwise, ``not testable`` without a figure. Strings are :class:`kzaf.claims.Verdict`
    values.
    """
    from kzaf.claims import Verdict

    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance={tolerance!r} must be a fraction in [0, 1)")
    used = annual if include_suspect else annual[~annual["suspect"].astype(bool)]
    ranges = {}
    for partner in partners:
        mine = used[used["partner"] == partner]["monthly_average_usd_m"]
        ranges[partner] = (len(mine), mine.min(), mine.max()) if len(mine) else (0, None, None)
    readings = [(f"{p} alone", (p,)) for p in partners]
    if len(partners) > 1:
        readings.append((" + ".join(partners) + " together", tuple(partners)))
    rows = []
    for name, members in readings:
        known = [ranges[p] for p in members]
        if any(n == 0 for n, _, _ in known):
            rows.append(
                {"reading": name, "partners": list(members), "n_figures": 0,
                 "monthly_low_usd_m": math.nan, "monthly_high_usd_m": math.nan,
                 "shipment_usd_m": value_usd_m, "ratio_low": math.nan, "ratio_high": math.nan,
                 "verdict": str(Verdict.NOT_TESTABLE)}
            )  # fmt: skip
            continue
        low = float(sum(lo for _, lo, _ in known))
        high = float(sum(hi for _, _, hi in known))
        if low <= value_usd_m <= high:
            verdict = Verdict.CONFIRMED
        else:
            nearest = low if value_usd_m < low else high
            off = abs(value_usd_m / nearest - 1)
            verdict = Verdict.WITHIN_TOLERANCE if off <= tolerance else Verdict.CONTRADICTED
        rows.append(
            {
                "reading": name,
                "partners": list(members),
                "n_figures": int(sum(n for n, _, _ in known)),
                "monthly_low_usd_m": low,
                "monthly_high_usd_m": high,
                "shipment_usd_m": value_usd_m,
                "ratio_low": value_usd_m / high,
                "ratio_high": value_usd_m / low,
                "verdict": str(verdict),
            }
        )
    return pd.DataFrame(rows, columns=READING_COLUMNS)


def monthly_partner_figures(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    month: str | pd.Period,
    flow: str = "turnover",
    policy: SourcePolicy | str = "official_first",
) -> pd.DataFrame:
    """The reporter's ``flow`` with each partner (and the world) in one month: preferred value
    per partner under ``policy``. Turnover missing for a partner but with both exports and
    imports is their sum (``derived`` True)."""
    when = series.month(month)
    figures = series.reported_figures(
        observations, sources, reporter=reporter, flow=None, commodity="TOTAL", measure="value"
    )
    figures = figures[
        (figures["period_start"] == when)
        & (figures["period_end"] == when)
        & (figures["unit"] == UNIT)
    ]
    columns = ["partner", "value_usd_m", "derived", "obs_ids"]
    if figures.empty:
        return pd.DataFrame(columns=columns)
    table = series.reconcile(figures, policy)
    rows = []
    for partner, group in table.groupby("partner"):
        wanted = group[group["flow"] == flow]
        if not wanted.empty:
            rows.append(
                (
                    partner,
                    float(wanted["preferred_value"].iloc[0]),
                    False,
                    wanted["obs_ids"].iloc[0],
                )
            )
        elif flow == "turnover" and {"export", "import"} <= set(group["flow"]):
            e = group[group["flow"] == "export"].iloc[0]
            i = group[group["flow"] == "import"].iloc[0]
            rows.append(
                (partner, float(e["preferred_value"] + i["preferred_value"]), True,
                 [*e["obs_ids"], *i["obs_ids"]])
            )  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Rank:
    """The partner's rank in one month, as a best case and a worst case."""

    value_usd_m: float  # the partner's figure (or its lower bound, see value_is_lower_bound)
    value_is_lower_bound: bool
    n_partners_with_figures: int  # other partners with a figure that month
    best: int  # rank if no unseen partner exceeds it
    worst: (
        int | None
    )  # rank if unseen trade is spread to beat it as often as possible; None: unbounded
    world_usd_m: float | None


def rank_in_month(
    partner_figures: pd.DataFrame,
    partner: str,
    value_usd_m: float,
    value_is_lower_bound: bool = False,
) -> Rank:
    """Rank of ``partner`` (with ``value_usd_m`` of trade) among the partners in
    ``partner_figures`` (from :func:`monthly_partner_figures`).

    Partners without a figure may still outrank it. With an all-partner total (partner
    ``WLD``) the trade nobody has a figure for is known, and at most floor(unseen / value)
    unseen partners can exceed the partner: that gives the worst case. Without the total the
    worst case is unbounded. If the partner's value is only a lower bound, the best case is 1.
    """
    others = partner_figures[~partner_figures["partner"].isin([partner, "WLD"])]
    above = int((others["value_usd_m"] > value_usd_m).sum())
    world = partner_figures.loc[partner_figures["partner"] == "WLD", "value_usd_m"]
    world_value = float(world.iloc[0]) if len(world) else None
    best = 1 if value_is_lower_bound else above + 1
    worst: int | None
    if world_value is None or value_usd_m <= 0:
        worst = None
    else:
        unseen = max(world_value - float(others["value_usd_m"].sum()) - value_usd_m, 0.0)
        worst = above + 1 + int(unseen // value_usd_m)
    return Rank(value_usd_m, value_is_lower_bound, len(others), best, worst, world_value)


# ---------------------------------------------------------------------------------------------
# Monthly series


@dataclass(frozen=True)
class MonthlyData:
    """Where monthly figures come from for the counterfactual (and, if real, for C4)."""

    observations: pd.DataFrame
    sources: pd.DataFrame
    data_source: str
    synthetic: bool = False  # True: a test fixture; never a finding

    @property
    def banner(self) -> str:
        """A warning to show first when the figures are a synthetic test fixture."""
        if not self.synthetic:
            return ""
        return (
            "**SYNTHETIC TEST FIXTURE, NOT DATA.** The imported UN Comtrade figures are the "
            "made-up test fixture; every monthly number and counterfactual below describes no "
            "real trade. The claim verdicts use the published figures only. "
        )


def monthly_source(data_source: str, tables: Any) -> MonthlyData:
    """The figures holding monthly series for ``data_source``.

    ``published``: the project's tables (which hold no monthly series for the pair).
    ``comtrade``: UN Comtrade data imported with ``kzaf import comtrade FILE``, read by
    ``kzaf.comtrade.load_imported()`` (the only I/O here, delegated to that adapter).
    """
    if data_source == "published":
        return MonthlyData(tables.observations, tables.sources, data_source)
    if data_source != "comtrade":
        raise ValueError(f"data_source={data_source!r} is unknown; choose one of {DATA_SOURCES}")
    try:
        comtrade = importlib.import_module("kzaf.comtrade")
    except ModuleNotFoundError as exc:
        if exc.name != "kzaf.comtrade":
            raise
        raise ValueError(
            "data_source='comtrade' needs the UN Comtrade importer (kzaf.comtrade), which this "
            "version of kzaf does not have yet; use data_source='published'"
        ) from exc
    try:
        imported = comtrade.load_imported()
    except FileNotFoundError as exc:
        raise ValueError(f"data_source='comtrade' but {exc}") from exc
    observations, sources = imported
    return MonthlyData(
        observations, sources, data_source, bool(getattr(imported, "synthetic", False))
    )


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


# ---------------------------------------------------------------------------------------------
# Counterfactual


@dataclass(frozen=True)
class Impact:
    """An intervention analysis of one monthly series (model estimates, not observations)."""

    event_month: pd.Period
    alpha: float
    model: str  # the model, in words
    log_scale: bool
    pre_months: int
    post_months: int
    pointwise: pd.DataFrame  # one row per month, pre and post (see pulse_effect)
    summary: pd.DataFrame  # rows "average" and "cumulative" over the post-period
    p_value: float  # one-sided tail probability of the cumulative effect under the model
    notes: tuple[str, ...] = ()

    @property
    def event_effect(self) -> tuple[float, float, float]:
        """(effect, lower, upper) in the event month."""
        row = self.pointwise[self.pointwise["month"] == self.event_month].iloc[0]
        return float(row["effect"]), float(row["effect_lower"]), float(row["effect_upper"])


POINTWISE_COLUMNS = [
    "month",
    "period",
    "actual",
    "predicted",
    "predicted_lower",
    "predicted_upper",
    "effect",
    "effect_lower",
    "effect_upper",
    "cum_effect",
    "cum_effect_lower",
    "cum_effect_upper",
]


def pulse_effect(
    values: pd.Series,
    event_month: str | pd.Period,
    *,
    alpha: float = 0.05,
    post_months: int | None = None,
    seasonal_harmonics: int | None = None,
    log_scale: bool = False,
    min_pre_months: int = 24,
    parameter_draws: int = 20,
    n_draws: int = 4000,
    seed: int = 0,
) -> Impact:
    """Estimate what a monthly series would have been without the event (CausalImpact-style).

    The model (statsmodels ``UnobservedComponents``: local level plus, when
    ``seasonal_harmonics`` > 0, a deterministic 12-month cycle with that many harmonics) is
    fitted by maximum likelihood to the months before ``event_month`` only, then forecast over
    the post-period (the event month and ``post_months - 1`` after it; default: to the end of
    the series). Effect = actual - predicted, with (1 - alpha) intervals from ``n_draws``
    simulated forecast paths: ``parameter_draws`` parameter sets are drawn from the
    maximum-likelihood estimate's asymptotic normal distribution (in the model's unconstrained
    parameters, covariance from the numerical Hessian), and for each, paths from the model's
    joint Gaussian forecast distribution; so the intervals carry parameter uncertainty as well
    as the noise (``parameter_draws=0``: plug-in estimates only). Pointwise intervals are
    quantiles of each month's draws, cumulative ones of the summed paths; the predicted value
    is the draws' mean. ``seasonal_harmonics=None`` uses 2 harmonics with at least 36
    pre-period months and none otherwise. With ``log_scale`` the model runs on log values
    (multiplicative noise) and the draws are exponentiated. ``seed`` fixes the draws.

    Months with no value (NaN) in the pre-period are skipped by the Kalman filter; in the
    post-period their effect is NaN and the cumulative effect stops there.
    """
    import statsmodels.api as sm

    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha!r} must lie strictly between 0 and 1")
    when = series.month(event_month)
    if not isinstance(values.index, pd.PeriodIndex):
        raise ValueError("values must be indexed by monthly periods (a pandas PeriodIndex)")
    values = values.sort_index().astype(float)
    pre = values[values.index < when]
    post = values[values.index >= when]
    if when not in values.index:
        raise ValueError(
            f"event_month={str(when)!r} is outside the series ({values.index.min()}–"
            f"{values.index.max()})"
        )
    if post_months is not None:
        if post_months < 1:
            raise ValueError(f"post_months={post_months!r} must be at least 1")
        post = post.iloc[:post_months]
    n_pre = int(pre.notna().sum())
    if n_pre < min_pre_months:
        raise ValueError(
            f"only {n_pre} months with a value before {when}; the counterfactual needs at least "
            f"{min_pre_months} (min_pre_months)"
        )
    if log_scale and (values.dropna() <= 0).any():
        raise ValueError("log_scale=True needs positive values")
    harmonics = (2 if n_pre >= 36 else 0) if seasonal_harmonics is None else seasonal_harmonics
    endog = np.log(pre.to_numpy()) if log_scale else pre.to_numpy()
    spec: dict[str, Any] = {"level": "local level"}
    if harmonics:
        spec.update(
            freq_seasonal=[{"period": 12, "harmonics": harmonics}],
            stochastic_freq_seasonal=[False],
        )
    notes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.tsa.UnobservedComponents(endog, **spec)
        result = model.fit(disp=False, cov_type="none")
    notes += [f"model fit: {w.message}" for w in caught]
    rng = np.random.default_rng(seed)
    paths, draw_notes = _forecast_paths(model, result, len(post), parameter_draws, n_draws, rng)
    notes += draw_notes
    if log_scale:
        paths = np.exp(paths)
    actual = post.to_numpy()
    predicted = paths.mean(axis=0)
    lower = np.quantile(paths, alpha / 2, axis=0)
    upper = np.quantile(paths, 1 - alpha / 2, axis=0)
    cum_draws = np.cumsum(paths, axis=1)
    cum_pred = cum_draws.mean(axis=0)
    cum_lower = np.quantile(cum_draws, alpha / 2, axis=0)
    cum_upper = np.quantile(cum_draws, 1 - alpha / 2, axis=0)
    cum_actual = np.cumsum(actual)  # NaN from the first missing month on
    post_frame = pd.DataFrame(
        {
            "month": post.index,
            "period": "post",
            "actual": actual,
            "predicted": predicted,
            "predicted_lower": lower,
            "predicted_upper": upper,
            "effect": actual - predicted,
            "effect_lower": actual - upper,
            "effect_upper": actual - lower,
            "cum_effect": cum_actual - cum_pred,
            "cum_effect_lower": cum_actual - cum_upper,
            "cum_effect_upper": cum_actual - cum_lower,
        }
    )
    pre_frame = _in_sample(result, pre, alpha, log_scale)
    pointwise = pd.concat([pre_frame, post_frame], ignore_index=True)[POINTWISE_COLUMNS]
    # Summary over the post-period (months with a value, up to the first missing one).
    usable = int(np.isfinite(cum_actual).sum()) if np.isfinite(cum_actual[0]) else 0
    if usable == 0:
        raise ValueError(f"the series has no value in the event month {when}")
    n = usable
    if n < len(post):
        notes.append(f"post-period cut to {n} month(s): the series has a gap after that")
    sum_actual = float(cum_actual[n - 1])
    sum_pred, sum_low, sum_high = (
        float(cum_pred[n - 1]),
        float(cum_lower[n - 1]),
        float(cum_upper[n - 1]),
    )
    summary = pd.DataFrame(
        [
            _summary_row(sum_actual / n, sum_pred / n, sum_low / n, sum_high / n),
            _summary_row(sum_actual, sum_pred, sum_low, sum_high),
        ],
        index=pd.Index(["average", "cumulative"], name="over the post-period"),
    )
    sums = cum_draws[:, n - 1]
    tail = (sums >= sum_actual).mean() if sum_actual >= sum_pred else (sums <= sum_actual).mean()
    p_value = float(max(tail, 1 / len(sums)))
    described = "local level" + (
        f" with a fixed 12-month cycle ({harmonics} harmonic{'s' if harmonics > 1 else ''})"
        if harmonics
        else ""
    )
    described += " on log values" if log_scale else ""
    described += (
        f", fitted by maximum likelihood to {n_pre} months before {series.period_label(when, when)}"
    )
    described += (
        "; intervals include parameter uncertainty"
        if parameter_draws > 0
        else "; plug-in intervals"
    )
    return Impact(
        when, alpha, described, log_scale, n_pre, n, pointwise, summary, p_value, tuple(notes)
    )


def _summary_row(actual: float, predicted: float, low: float, high: float) -> dict[str, float]:
    return {
        "actual": actual,
        "predicted": predicted,
        "predicted_lower": low,
        "predicted_upper": high,
        "abs_effect": actual - predicted,
        "abs_effect_lower": actual - high,
        "abs_effect_upper": actual - low,
        "rel_effect": actual / predicted - 1 if predicted > 0 else math.nan,
        # actual / p - 1 falls as p rises, so the interval's ends swap
        "rel_effect_lower": actual / high - 1 if high > 0 else math.nan,
        "rel_effect_upper": actual / low - 1 if low > 0 else math.nan,
    }


def _forecast_moments(result: Any, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the next ``steps`` observations of a fitted state-space model.

    With state a ~ N(m, P) one step past the sample, transition T, design Z, selection R,
    state noise Q and observation noise H (time-invariant), y_{t+i} = Z a_{t+i} + e and
    Cov(y_{t+i}, y_{t+j}) = Z T^(j-i) P_i Z' (+ H when i = j), P_{i+1} = T P_i T' + R Q R'.
    """
    fr = result.filter_results
    design, transition = fr.design[:, :, 0], fr.transition[:, :, 0]
    selection, state_cov = fr.selection[:, :, 0], fr.state_cov[:, :, 0]
    obs_cov, obs_intercept = fr.obs_cov[0, 0, 0], fr.obs_intercept[0, 0]
    state, p = fr.predicted_state[:, -1].copy(), fr.predicted_state_cov[:, :, -1].copy()
    rqr = selection @ state_cov @ selection.T
    states_cov, means = [], []
    for _ in range(steps):
        means.append(float((design @ state)[0] + obs_intercept))
        states_cov.append(p)
        state = transition @ state
        p = transition @ p @ transition.T + rqr
    cov = np.zeros((steps, steps))
    for i in range(steps):
        power = np.eye(len(state))
        for j in range(i, steps):
            cov[i, j] = cov[j, i] = float((design @ power @ states_cov[i] @ design.T)[0, 0])
            power = transition @ power
        cov[i, i] += obs_cov
    return np.array(means), cov


def _forecast_paths(
    model: Any,
    result: Any,
    steps: int,
    parameter_draws: int,
    n_draws: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[str]]:
    """``n_draws`` x ``steps`` forecast paths, with parameter uncertainty when
    ``parameter_draws`` > 0 (see :func:`pulse_effect`)."""
    from statsmodels.tools.numdiff import approx_hess

    if parameter_draws <= 0:
        mean, cov = _forecast_moments(result, steps)
        return _mvn_draws(mean, cov, n_draws, rng), []
    notes = []
    unconstrained = np.asarray(model.untransform_params(result.params), dtype=float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hessian = approx_hess(unconstrained, lambda p: model.loglike(p, transformed=False))
    notes += [f"parameter uncertainty: {w.message}" for w in caught]
    eigenvalues, vectors = np.linalg.eigh(-(hessian + hessian.T) / 2)
    if not np.all(np.isfinite(eigenvalues)) or eigenvalues.max() <= 0:
        notes.append("parameter uncertainty left out: the likelihood's curvature is unusable")
        mean, cov = _forecast_moments(result, steps)
        return _mvn_draws(mean, cov, n_draws, rng), notes
    # Directions without curvature carry no information; give them none rather than infinite
    # variance (they are rare and noted).
    flat = eigenvalues <= 1e-8 * eigenvalues.max()
    if flat.any():
        notes.append(f"{int(flat.sum())} parameter direction(s) without curvature held fixed")
    scale = np.where(flat, 0.0, 1 / np.sqrt(np.where(flat, 1.0, eigenvalues)))
    per_set = max(n_draws // parameter_draws, 1)
    paths = []
    for _ in range(parameter_draws):
        drawn = unconstrained + vectors @ (scale * rng.standard_normal(len(unconstrained)))
        filtered = model.filter(model.transform_params(drawn), cov_type="none")
        mean, cov = _forecast_moments(filtered, steps)
        paths.append(_mvn_draws(mean, cov, per_set, rng))
    return np.vstack(paths), notes


def _mvn_draws(mean: np.ndarray, cov: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws from N(mean, cov) through a symmetric square root (robust to tiny negative
    eigenvalues from rounding)."""
    eigenvalues, vectors = np.linalg.eigh((cov + cov.T) / 2)
    root = vectors * np.sqrt(np.clip(eigenvalues, 0, None))
    return mean + rng.standard_normal((n, len(mean))) @ root.T


def _in_sample(result: Any, pre: pd.Series, alpha: float, log_scale: bool) -> pd.DataFrame:
    """One-step-ahead predictions over the pre-period: NaN for the first year, while the
    filter is still learning the level and the cycle (its intervals are uninformative)."""
    prediction = result.get_prediction()
    mean = np.asarray(prediction.predicted_mean, dtype=float)
    sd = np.sqrt(np.asarray(prediction.var_pred_mean, dtype=float))
    burn = min(max(int(getattr(result, "loglikelihood_burn", 0)), 12), len(mean))
    mean[:burn], sd[:burn] = np.nan, np.nan
    z = stats.norm.ppf(1 - alpha / 2)
    lower, upper = mean - z * sd, mean + z * sd
    if log_scale:
        mean, lower, upper = np.exp(mean), np.exp(lower), np.exp(upper)
    actual = pre.to_numpy()
    return pd.DataFrame(
        {
            "month": pre.index,
            "period": "pre",
            "actual": actual,
            "predicted": mean,
            "predicted_lower": lower,
            "predicted_upper": upper,
            "effect": actual - mean,
            "effect_lower": actual - upper,
            "effect_upper": actual - lower,
            "cum_effect": np.nan,
            "cum_effect_lower": np.nan,
            "cum_effect_upper": np.nan,
        }
    )


def describe_impact(
    impact: Impact,
    what: str,
    shipment_usd_m: float | None = None,
    unit: str = UNIT,
    shipment_label: str = "The recorded shipment",
) -> str:
    """A plain-language paragraph on an :class:`Impact`, in the manner of CausalImpact's report."""
    level = f"{1 - impact.alpha:.0%}"
    effect, low, high = impact.event_effect
    row = impact.pointwise[impact.pointwise["month"] == impact.event_month].iloc[0]
    month_label = series.period_label(impact.event_month, impact.event_month)
    cumulative = impact.summary.loc["cumulative"]
    significant = impact.p_value < impact.alpha / 2 or not (
        cumulative["abs_effect_lower"] <= 0 <= cumulative["abs_effect_upper"]
    )
    text = [
        f"In {month_label}, {what} came to {fmt_number(row['actual'])} {unit}. A model "
        f"({impact.model}) predicts {fmt_number(row['predicted'])} ({level} interval "
        f"{fmt_number(row['predicted_lower'])} to {fmt_number(row['predicted_upper'])}) for that "
        "month had nothing unusual happened; this prediction is a model estimate, not an "
        "observation.",
        f"The difference, the estimated effect of the event month, is {_signed(effect)} "
        f"{unit} ({level} interval {_signed(low)} to {_signed(high)}).",
    ]
    if impact.post_months > 1:
        text.append(
            f"Over the {impact.post_months} months from {month_label} the cumulative effect is "
            f"{_signed(cumulative['abs_effect'])} {unit} "
            f"({_signed(cumulative['abs_effect_lower'])} to "
            f"{_signed(cumulative['abs_effect_upper'])}), or {cumulative['rel_effect']:+.0%} "
            f"of the predicted total ({cumulative['rel_effect_lower']:+.0%} to "
            f"{cumulative['rel_effect_upper']:+.0%})."
        )
    text.append(
        f"Under the model, the chance of a cumulative departure this large without an event is "
        f"{_p(impact.p_value)}: the effect is "
        + ("distinguishable from zero" if significant else "not distinguishable from zero")
        + f" at the {level} level."
    )
    if shipment_usd_m is not None:
        if low <= shipment_usd_m <= high:
            verdict = (
                "lies inside the event month's effect interval: the jump is what the shipment "
                "accounts for."
            )
        elif shipment_usd_m > high:
            verdict = (
                "is larger than the event month's effect interval: the rest of that month's "
                "trade was lower than the model expected."
            )
        else:
            verdict = (
                "is smaller than the event month's effect interval: the rest of that month's "
                "trade was higher than the model expected."
            )
        text.append(f"{shipment_label}, {fmt_number(shipment_usd_m)} {unit}, {verdict}")
    text.extend(f"Note: {n}." for n in impact.notes)
    return " ".join(text)


def needs_monthly_data_text(event: Event) -> str:
    """What the published-figures run says in place of a counterfactual."""
    return (
        f"No counterfactual on published figures: no source publishes a monthly series of "
        f"{event.reporter}→{event.partner} trade, and a counterfactual needs one. Published "
        "figures are cumulative (January–May, first half, full year). A monthly path "
        "disaggregated from them would only restate the assumption that put the shipment in "
        f"{series.period_label(event.month, event.month)}, so it would show the shipment's "
        "value as the effect by construction. To run it on real monthly data, export Kazakhstan's "
        "monthly trade with Afghanistan (all goods and HS 8602) from UN Comtrade, import it with "
        '`kzaf import comtrade FILE` and run this notebook with `data_source="comtrade"`.'
    )


@dataclass(frozen=True)
class Counterfactual:
    """The counterfactual of an event on monthly data, or why there is none."""

    monthly: pd.DataFrame  # month, total_usd_m, shipment_goods_usd_m, rest_usd_m (observed)
    total: Impact | None  # on all goods
    rest: Impact | None  # on all goods minus the event's HS code (None without that series)
    message: str  # why there is no counterfactual, or ""

    def goods_in_event_month(self, event: Event) -> float | None:
        """The event's HS code in the event month as the monthly data record it (or None)."""
        rows = self.monthly[self.monthly["month"] == event.month]
        if rows.empty or pd.isna(rows["shipment_goods_usd_m"].iloc[0]):
            return None
        return float(rows["shipment_goods_usd_m"].iloc[0])


def monthly_counterfactual(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    event: Event,
    *,
    alpha: float = 0.05,
    policy: SourcePolicy | str = "official_first",
    post_months: int | None = 6,
    min_pre_months: int = 24,
) -> Counterfactual:
    """Run :func:`pulse_effect` on the event flow's monthly total (all goods) and, where the
    event's HS code has a monthly series too, on the total minus that code ("the rest": did
    other trade move?). Without enough monthly data, ``total`` is None and ``message`` says
    what is missing and how to supply it."""
    kwargs = {"reporter": event.reporter, "partner": event.partner, "flow": event.flow}
    total = monthly_series(observations, sources, commodity="TOTAL", policy=policy, **kwargs)
    goods = monthly_series(observations, sources, commodity=event.hs_code, policy=policy, **kwargs)
    monthly = pd.DataFrame({"total_usd_m": total}).join(
        pd.DataFrame({"shipment_goods_usd_m": goods}), how="left"
    )
    monthly["rest_usd_m"] = monthly["total_usd_m"] - monthly["shipment_goods_usd_m"].fillna(0)
    monthly = monthly.rename_axis("month").reset_index()
    n_pre = int(total[total.index < event.month].notna().sum()) if len(total) else 0
    if n_pre < min_pre_months or event.month not in total.index:
        have = (
            f"the data hold {n_pre} month(s) of {event.flow} figures before "
            f"{series.period_label(event.month, event.month)}"
            + ("" if event.month in total.index else " and none for that month")
        )
        return Counterfactual(monthly, None, None, needs_monthly_data_text(event) + f" ({have}.)")
    settings = {"alpha": alpha, "post_months": post_months, "min_pre_months": min_pre_months}
    impact_total = pulse_effect(total, event.month, **settings)
    impact_rest = None
    if goods.notna().any():
        rest = total - goods.reindex(total.index).fillna(0)
        impact_rest = pulse_effect(rest, event.month, **settings)
    return Counterfactual(monthly, impact_total, impact_rest, "")


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


# ---------------------------------------------------------------------------------------------
# Words


def answer_text(
    event: Event,
    decomposition: pd.DataFrame,
    ranges: pd.DataFrame,
    plaus: Plausibility,
    readings: pd.DataFrame,
    ledger: pd.DataFrame | None = None,
) -> str:
    """The notebook's answer paragraph, from the data."""
    parts = []
    month_label = series.period_label(event.month, event.month)
    own = decomposition[
        (decomposition["side"] == "reporter") & ~decomposition["suspect"].astype(bool)
    ]
    if own.empty:
        parts.append(
            f"No published aggregate of {event.reporter}→{event.partner} trade contains "
            f"{month_label}, so the {fmt_number(event.value_usd_m)} USD million shipment cannot be "
            "set against any total."
        )
    else:
        share_low, share_high = own["shipment_share"].min(), own["shipment_share"].max()
        groups = own.groupby(["period_label", "flow"], sort=False).agg(
            share_low=("shipment_share", "min"),
            share_high=("shipment_share", "max"),
            value_low=("aggregate_usd_m", "min"),
            value_high=("aggregate_usd_m", "max"),
            n=("obs_id", "count"),
        )
        groups = groups.sort_values("share_high", ascending=False)

        def describe(key: tuple[str, str], g: pd.Series) -> str:
            return (
                f"{_pct_range(g['share_low'], g['share_high'])} of {key[0]} "
                f"{_FLOW_WORD.get(key[1], key[1])} "
                f"({fmt_range(g['value_low'], g['value_high'])}; {int(g['n'])} "
                f"figure{'s' if g['n'] > 1 else ''})"
            )

        ends = [describe(groups.index[0], groups.iloc[0])]
        if len(groups) > 1:
            ends.append(describe(groups.index[-1], groups.iloc[-1]))
        parts.append(
            f"The {fmt_number(event.value_usd_m)} USD million shipment of HS {event.hs_code} in "
            f"{month_label} is {_pct_range(share_low, share_high)} of each of the {len(own)} "
            f"published {event.reporter}→{event.partner} aggregates that contain it (suspect "
            f"figures aside): " + " and ".join(ends) + "."
        )
    full = ranges[
        (ranges["side"] == "reporter")
        & (ranges["comparison"] == "full year")
        & (ranges["n_pairs"] > 0)
    ]
    for r in full.to_dict("records"):
        parts.append(
            f"{r['flow'].capitalize()} changed from {r['before_label']} to {r['period_label']} by "
            f"{_pct_range(r['change_with_low'], r['change_with_high'], signed=True)} as published "
            f"({r['n_pairs']} pairs of figures), and by "
            f"{_pct_range(r['change_without_low'], r['change_without_high'], signed=True)} "
            "without the shipment."
        )
    if plaus.units_low is not None and plaus.prices is not None:
        text = (
            f"At {plaus.prices.low_usd_m:.1f}–{plaus.prices.high_usd_m:.1f} USD million a "
            f"unit it is about {plaus.units_low:.0f}–{plaus.units_high:.0f} units"
        )
        share = plaus.capacity_share
        if share is not None:
            units = plaus.capacity["capacity_units"]
            text += (
                f", {share[0]:.0%}–{share[1]:.0%} of one plant's published yearly capacity "
                f"({fmt_range(units.min(), units.max())} units)"
            )
        parts.append(text + ".")
    counts = _comparable_counts(plaus)
    if counts:
        parts.append(
            "Against other published counts of Kazakh locomotives the implied number is "
            + _join(counts)
            + "."
        )
    if plaus.partner_listed is False:
        parts.append(f"{event.partner} is not on the published list of buyer countries.")
    counts = plaus.buyers[plaus.buyers["kind"] == "count"]
    if not counts.empty:
        c = counts.iloc[0]
        parts.append(
            f"Published buyers of Kazakh locomotives ({c['period']}, {c['indicator_id']}): "
            f"{c['note'].rstrip('.')}."
        )
    tested = readings[readings["verdict"] != "not testable with current data"]
    if not tested.empty:
        n_partners = max(len(p) for p in readings["partners"])
        together = "both together" if n_partners == 2 else "all together"
        averages = [
            f"{fmt_range(r['monthly_low_usd_m'], r['monthly_high_usd_m'])}"
            + (" USD million" if i == 0 else "")
            + f" with {r['partners'][0] if len(r['partners']) == 1 else together}"
            for i, r in enumerate(tested.to_dict("records"))
        ]
        ratios = [
            fmt_range(r["ratio_low"], r["ratio_high"], digits=2) for r in tested.to_dict("records")
        ]
        parts.append(
            f"An average month of {event.year} trade (annual / 12, derived) came to "
            + _join(averages)
            + "; the shipment is "
            + _join(ratios)
            + " times these."
        )
    if ledger is not None and not ledger.empty:
        parts.append(
            "Claims: "
            + "; ".join(f"{r['claim_id']} {r['verdict']}" for r in ledger.to_dict("records"))
            + "."
        )
    return " ".join(parts)


COUNT_CODES = ("locomotive_production", "locomotive_units_delivered")


def _comparable_counts(plaus: Plausibility, threshold: float = 0.5) -> list[str]:
    """Published production and delivery counts (in units) that the implied number of units
    reaches at least ``threshold`` times: the ones that make the shipment look large."""
    context = plaus.context
    if plaus.units_low is None or context.empty or "implied_units_ratio_high" not in context:
        return []
    rows = context[
        context["indicator"].isin(COUNT_CODES)
        & (context["unit"] == "units")
        & (context["implied_units_ratio_high"] >= threshold)
        & ~context["suspect"].astype(bool)
    ]
    rows = rows.sort_values("implied_units_ratio_high")
    return [
        f"{fmt_range(r['implied_units_ratio_low'], r['implied_units_ratio_high'], digits=1)} "
        f"times the {fmt_number(r['value'])} of {r['indicator_id']} "
        f"({r['indicator'].removeprefix('locomotive_').replace('_', ' ')}, "
        f"{r['subject'].replace('_', ' ')}, {r['period']})"
        for r in rows.to_dict("records")
    ]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def fmt_number(value: float) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + fmt_number(abs(value))


def fmt_range(low: float, high: float, digits: int | None = None) -> str:
    """``low–high``, or one number when both print the same."""
    if digits is not None:
        a, b = f"{low:.{digits}f}", f"{high:.{digits}f}"
    else:
        a, b = fmt_number(low), fmt_number(high)
    return a if a == b else f"{a}–{b}"


def _pct_range(low: float, high: float, signed: bool = False) -> str:
    fmt = "{:+.0%}" if signed else "{:.0%}"
    a, b = fmt.format(low), fmt.format(high)
    return a if a == b else f"{a} to {b}"


def _p(value: float) -> str:
    return "below 0.001" if value < 0.001 else f"{value:.3f}"


def sources_of(*frames: pd.DataFrame | Iterable[str]) -> list[str]:
    """Every distinct source_id in the frames (or iterables of ids), in first-seen order."""
    seen: list[str] = []
    for frame in frames:
        ids = frame["source_id"] if isinstance(frame, pd.DataFrame) else frame
        for i in ids:
            if i and i not in seen:
                seen.append(str(i))
    return seen


ARTICLE_SHIPMENT = ("KAZ", "AFG", "2023-01", "8602")  # what the source article reports


def page_title(event: Event, names: dict[str, str]) -> str:
    """The reader page's title: the article's locomotive shipment, or, for other parameters,
    the shipment they describe (so a page for another pair never names Afghanistan)."""
    reporter = names.get(event.reporter, event.reporter)
    partner = names.get(event.partner, event.partner)
    month_label = event.month.strftime("%B %Y")
    if (event.reporter, event.partner, str(event.month), event.hs_code) == ARTICLE_SHIPMENT:
        return f"What the {month_label} locomotive shipment did to the numbers"
    return (
        f"What a {month_label} shipment from {reporter} to {partner} (HS {event.hs_code}) "
        "would do to the numbers"
    )


def key_points(
    event: Event,
    decomposition: pd.DataFrame,
    ranges: pd.DataFrame,
    plaus: Plausibility,
    names: dict[str, str],
    ledger: pd.DataFrame | None = None,
) -> list[str]:
    """Three to five plain sentences for the top of the reader page, from the same tables as
    :func:`answer_text`, with countries by name and no record ids."""
    from kzaf.text.numbers import fmt_usd_m

    reporter = names.get(event.reporter, event.reporter)
    partner = names.get(event.partner, event.partner)
    month = event.month.strftime("%B %Y")
    what = f"The {fmt_usd_m(event.value_usd_m)} shipment (HS {event.hs_code}, {month})"
    own = decomposition[
        (decomposition["side"] == "reporter") & ~decomposition["suspect"].astype(bool)
    ]
    points = []
    if own.empty:
        points.append(
            f"No published figure of {reporter}'s trade with {partner} covers {month}, so {what} "
            "cannot be set against any total."
        )
    else:
        low, high = own["shipment_share"].min(), own["shipment_share"].max()
        points.append(
            f"{what} would be {low:.0%} to {high:.0%} of each published figure of {reporter}'s "
            f"trade with {partner} that includes that month ({len(own)} figures)."
        )
    full = ranges[
        (ranges["side"] == "reporter")
        & (ranges["comparison"] == "full year")
        & (ranges["n_pairs"] > 0)
    ]
    for r in full.head(1).to_dict("records"):

        def span(low: float, high: float) -> str:
            same = f"{low:+.0%}" == f"{high:+.0%}"
            return f"{low:+.0%}" if same else f"{low:+.0%} to {high:+.0%}"

        points.append(
            f"{r['flow'].capitalize()} changed by "
            f"{span(r['change_with_low'], r['change_with_high'])} from {r['before_label']} to "
            f"{r['period_label']} as published; without the shipment the change would be "
            f"{span(r['change_without_low'], r['change_without_high'])}."
        )
    if plaus.units_low is not None and plaus.prices is not None:
        text = (
            f"At published unit prices that is about {plaus.units_low:.0f}–"
            f"{plaus.units_high:.0f} locomotives"
        )
        if plaus.capacity_share is not None:
            low, high = plaus.capacity_share
            text += f", {low:.0%}–{high:.0%} of one plant's published yearly capacity"
        points.append(text + ".")
    if plaus.partner_listed is False:
        points.append(f"{partner} is not on the published list of buyers of these locomotives.")
    if ledger is not None and len(ledger):
        verdicts = ledger["verdict"].astype(str).value_counts()
        summary = ", ".join(f"{n} {v}" for v, n in verdicts.items())
        points.append(f"The article's claims about the shipment, checked: {summary}.")
    return points[:5]
