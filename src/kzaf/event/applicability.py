"""Which parts of the shipment notebook have something to show for a pair and a shipment,
decided cheaply from the observations: `kzaf run --dry-run` lists the parts that will be empty
or do not apply, and the notebook uses the same rules to say so in one sentence."""

from __future__ import annotations

import pandas as pd

# The source article's shipment and its claims (C4 and C5 here) concern its own pair only.
from kzaf.trajectory.applicability import ARTICLE_PAIR, claims_apply

# The unit prices, plant capacities and buyer lists in data/indicators.csv describe the
# diesel locomotives made in Kazakhstan (its plants are the indicators' subjects; the table has
# no country column), so they can size only a Kazakh shipment of HS 8602.
LOCOMOTIVE_MAKER = "KAZ"
LOCOMOTIVE_HS = "8602"

__all__ = [
    "ARTICLE_PAIR",
    "LOCOMOTIVE_HS",
    "LOCOMOTIVE_MAKER",
    "applicable_parts",
    "claims_apply",
    "plausibility_applies",
]


def plausibility_applies(reporter: str, hs_code: str) -> bool:
    """Unit prices, capacity and buyers exist only for Kazakh-made locomotives."""
    return reporter == LOCOMOTIVE_MAKER and hs_code == LOCOMOTIVE_HS


def _covering(observations: pd.DataFrame, month: pd.Period) -> pd.Series:
    return (observations["period_start"] <= month) & (observations["period_end"] >= month)


def applicable_parts(
    observations: pd.DataFrame,
    reporter: str,
    partner: str,
    *,
    event_month: str,
    hs_code: str,
) -> list[tuple[str, str]]:
    """The notebook's parts that will be empty or do not apply, each with the reason, from the
    observations alone (ISO3 codes in, analysts' words out); empty when every part applies."""
    month = pd.Period(event_month, freq="M")
    pair = observations[
        ((observations["reporter"] == reporter) & (observations["partner"] == partner))
        | ((observations["reporter"] == partner) & (observations["partner"] == reporter))
    ]
    covering = pair[_covering(pair, month)]
    parts = []
    own = covering[
        (covering["commodity"] == hs_code)
        & (covering["reporter"] == reporter)
        & (covering["period_start"] == month)
        & (covering["period_end"] == month)
    ]
    if own.empty:
        parts.append(
            (
                "the shipment in the published record",
                f"no figure reports HS {hs_code} from {reporter} to {partner} in {event_month}; "
                "the value comes from the parameters alone",
            )
        )
    if covering[covering["commodity"] == "TOTAL"].empty:
        parts.append(
            (
                "shares of the aggregates and the change on the year before",
                f"no published figure of {reporter}–{partner} trade covers {event_month}",
            )
        )
    if not plausibility_applies(reporter, hs_code):
        parts.append(
            (
                "is the figure plausible?",
                f"unit prices, plant capacity and buyers are published only for HS "
                f"{LOCOMOTIVE_HS} made in {LOCOMOTIVE_MAKER}",
            )
        )
    if not claims_apply(reporter, partner):
        parts.append(("the article's claims C4 and C5", "they are about KAZ–AFG trade"))
    return parts
