"""The event: one recorded shipment (month, value, HS code, reporter, partner, flow)
and the published figures that report it; the constants every module shares.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from kzaf import series
from kzaf.text.numbers import fmt_number

UNIT = "USD million"
# Indicator codes in data/indicators.csv the plausibility check looks for (matched as prefixes,
# so e.g. locomotive_buyer_country and locomotive_buyer_count are both found).
UNIT_PRICE_CODE = "locomotive_unit_price"
CAPACITY_CODE = "locomotive_plant_capacity"
BUYER_CODE = "locomotive_buyer"
CONTEXT_PREFIX = "locomotive_"  # every other locomotive figure is shown beside them
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
