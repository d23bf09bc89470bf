"""Plausibility: the units a unit-price range implies, against published plant capacity and
the published list of buyer countries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from kzaf import series
from kzaf.event.shipment import (
    BUYER_CODE,
    CAPACITY_CODE,
    CONTEXT_PREFIX,
    UNIT,
    UNIT_PRICE_CODE,
    Event,
)
from kzaf.text.numbers import (
    MISSING,
    fmt_fixed,
    fmt_number,
    fmt_pct,
    fmt_range,
    fmt_significant,
)

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
        ends = fmt_fixed(v) + (f"–{fmt_fixed(h)}" if h != v else "")
        text = f"{hedge.get(p, '')}{ends} ({s}"
        pieces.setdefault((text,), []).append(i)
    listed = [f"{text}: {', '.join(ids)})" for (text,), ids in pieces.items()]
    return PriceRange(
        float(lows.min()),
        float(highs.max()),
        "sourced unit prices (suspect ones left out): " + "; ".join(listed),
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
        rows = [*self._unit_rows(), *self._capacity_rows(), *self._buyer_rows()]
        rows += [("not in the data", MISSING, text) for text in self.missing]
        return pd.DataFrame(rows, columns=["quantity", "value", "basis"])

    def _unit_rows(self) -> list[tuple[str, str, str]]:
        if self.prices is None or self.units_low is None:
            return []
        return [
            (
                "unit price (USD million per unit)",
                f"{fmt_fixed(self.prices.low_usd_m)}–{fmt_fixed(self.prices.high_usd_m)}",
                self.prices.provenance,
            ),
            (
                "implied number of units (derived)",
                f"{fmt_fixed(self.units_low, 0)}–{fmt_fixed(self.units_high, 0)}",
                "shipment value divided by the high and by the low unit price",
            ),
        ]

    def _capacity_rows(self) -> list[tuple[str, str, str]]:
        if self.capacity.empty:
            return []
        units = self.capacity["capacity_units"]
        rows = [
            (
                "published yearly capacity of one plant (units a year)",
                fmt_range(units.min(), units.max()),
                f"{len(units)} figures: " + ", ".join(dict.fromkeys(self.capacity["indicator_id"])),
            )
        ]
        share = self.capacity_share
        if share is not None:
            rows.append(
                (
                    "implied units as a share of one plant's yearly capacity (derived)",
                    f"{fmt_pct(share[0], 0)}–{fmt_pct(share[1], 0)}",
                    "implied units / published yearly capacity, across the figures",
                )
            )
        return rows

    def _buyer_rows(self) -> list[tuple[str, str, str]]:
        rows = [
            (
                f"published number of buyer countries ({c['period']})",
                fmt_number(c["value"]),
                f"{c['note']} ({c['indicator_id']}, {c['source_id']})",
            )
            for c in self.buyers.to_dict("records")
            if c["kind"] == "count"
        ]
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
        return rows

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
                "" if pd.isna(lo) else f"{fmt_significant(lo)}–{fmt_significant(hi)}"
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


def _source_ids(first: Iterable[str], *frames: pd.DataFrame) -> tuple[str, ...]:
    """Every source_id, once each, in first-seen order."""
    return tuple(dict.fromkeys([*first, *(i for f in frames for i in f["source_id"])]))


def _capacity(
    indicators: pd.DataFrame, units_low: float | None, units_high: float | None
) -> pd.DataFrame:
    """Published plant capacities (units a year), with the implied units' share of each."""
    rows = indicators_by_code(indicators, CAPACITY_CODE)
    capacity = _indicator_frame(rows, rows["value"].fillna(rows["value_high"])).rename(
        columns={"value": "capacity_units"}
    )
    if units_low is None or units_high is None or capacity.empty:
        return capacity
    return capacity.assign(
        share_low=units_low / capacity["capacity_units"],
        share_high=units_high / capacity["capacity_units"],
    )


def _buyers(indicators: pd.DataFrame) -> pd.DataFrame:
    """Published buyers: one row per listed country (``kind`` listed) or a count."""
    rows = indicators_by_code(indicators, BUYER_CODE)
    buyers = _indicator_frame(rows, rows["value"])
    buyers.insert(
        2, "kind", ["listed" if p == "presence" else "count" for p in buyers["precision"]]
    )
    return buyers


def _context(
    indicators: pd.DataFrame, units_low: float | None, units_high: float | None
) -> pd.DataFrame:
    """Every other locomotive figure (production, orders, deliveries), with the implied number
    of units as a multiple of each figure counted in units."""
    main_codes = (UNIT_PRICE_CODE, CAPACITY_CODE, BUYER_CODE)
    codes = indicators["indicator"].astype(str)
    other = indicators[
        codes.str.startswith(CONTEXT_PREFIX)
        & ~codes.apply(lambda c: any(c == m or c.startswith(m + "_") for m in main_codes))
    ]
    context = _indicator_frame(other, other["value"].fillna(other["value_high"]))
    context = context.sort_values(["indicator", "period", "indicator_id"]).reset_index(drop=True)
    if units_low is not None and units_high is not None:
        counts = context["unit"].astype(str).str.startswith("units")
        context["implied_units_ratio_low"] = (units_low / context["value"]).where(counts)
        context["implied_units_ratio_high"] = (units_high / context["value"]).where(counts)
    return context


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
    capacity = _capacity(indicators, units_low, units_high)
    if capacity.empty:
        missing.append(f"no plant capacity: no '{CAPACITY_CODE}' figure in data/indicators.csv")
    buyers = _buyers(indicators)
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
    context = _context(indicators, units_low, units_high)
    frames = (capacity, buyers, buyer_events, context)
    source_ids = _source_ids(prices.source_ids if prices else (), *frames)
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
