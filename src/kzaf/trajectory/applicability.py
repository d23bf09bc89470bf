"""Which parts of the trajectory notebook have something to show for a pair, decided cheaply
from the observations (no reconciliation): `kzaf run --dry-run` lists the parts that will be
empty or do not apply, and the notebook uses the same rules to say so in one sentence."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kzaf.trajectory.target import target_applies

# The pair the source article (The Diplomat, February 2024) and its claims C1-C5 are about.
ARTICLE_PAIR = frozenset({"KAZ", "AFG"})

TOTAL = "TOTAL"  # the observations' commodity code for all goods


def claims_apply(reporter: str, partner: str) -> bool:
    """The article's claims concern Kazakhstan–Afghanistan trade only."""
    return {reporter, partner} == ARTICLE_PAIR


def _between(observations: pd.DataFrame, reporter: str, partner: str) -> pd.DataFrame:
    return observations[
        (observations["reporter"] == reporter) & (observations["partner"] == partner)
    ]


def _in_years(frame: pd.DataFrame, start_year: int | None, end_year: int | None) -> pd.DataFrame:
    if frame.empty or (start_year is None and end_year is None):
        return frame
    starts = frame["period_start"].map(lambda p: p.year)
    ends = frame["period_end"].map(lambda p: p.year)
    keep = pd.Series(True, index=frame.index)
    if end_year is not None:
        keep &= starts <= end_year
    if start_year is not None:
        keep &= ends >= start_year
    return frame[keep]


def applicable_parts(
    observations: pd.DataFrame,
    reporter: str,
    partner: str,
    *,
    goods: Iterable[str] = ("1101", "1001", "grain"),
    start_year: int | None = None,
    end_year: int | None = None,
) -> list[tuple[str, str]]:
    """The notebook's parts that will be empty or do not apply for the pair, each with the
    reason, from the observations alone (ISO3 codes in, analysts' words out). An empty list
    means every part has figures to show."""
    reported = _in_years(_between(observations, reporter, partner), start_year, end_year)
    mirrored = _in_years(_between(observations, partner, reporter), start_year, end_year)
    if reported.empty and mirrored.empty:
        return [
            (
                "every section",
                f"no figure of trade between {reporter} and {partner} in the years shown",
            )
        ]
    parts = []
    if reported[reported["commodity"] == TOTAL].empty:
        parts.append(
            ("the trajectory", f"{reporter} publishes no figure of its trade with {partner}")
        )
    if mirrored[mirrored["commodity"] == TOTAL].empty:
        parts.append(
            ("the mirror view", f"{partner} publishes no figure of its trade with {reporter}")
        )
    if not target_applies(reporter, partner):
        parts.append(("distance to the target", "no trade target is published for this pair"))
    wanted = [str(g) for g in goods]
    if reported[reported["commodity"].isin(wanted)].empty:
        parts.append(("goods", f"no figure for the goods chosen ({', '.join(wanted)})"))
    if not claims_apply(reporter, partner):
        parts.append(("the article's claims C1–C3", "they are about KAZ–AFG trade"))
    return parts
