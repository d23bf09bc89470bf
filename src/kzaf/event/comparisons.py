"""Comparisons: the shipment against average monthly trade with other partners (derived
from annual figures, labelled) and the partner's event-month rank where monthly partner
figures exist.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.event.shipment import UNIT
from kzaf.frames import records as frame_records
from kzaf.series import SourcePolicy

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
            for f in frame_records(turnover):
                rows.append(_annual_row(partner, f, f["value"], False, "published turnover"))
            for source_id, group in figures.groupby("source_id"):
                if source_id in set(turnover["source_id"]):
                    continue
                exports, imports = (
                    group[group["flow"] == "export"],
                    group[group["flow"] == "import"],
                )
                if len(exports) == 1 and len(imports) == 1:
                    e, i = frame_records(exports)[0], frame_records(imports)[0]
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
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance={tolerance!r} must be a fraction in [0, 1)")
    used = annual if include_suspect else annual[~annual["suspect"].astype(bool)]
    ranges = {}
    for partner in partners:
        mine = used[used["partner"] == partner]["monthly_average_usd_m"]
        ranges[partner] = (len(mine), mine.min(), mine.max()) if len(mine) else (0, None, None)
    readings: list[tuple[str, tuple[str, ...]]] = [(f"{p} alone", (p,)) for p in partners]
    if len(partners) > 1:
        readings.append((" + ".join(partners) + " together", tuple(partners)))
    rows = [
        _reading(name, members, [ranges[p] for p in members], value_usd_m, tolerance)
        for name, members in readings
    ]
    return pd.DataFrame(rows, columns=READING_COLUMNS)


def _reading(
    name: str,
    members: tuple[str, ...],
    known: list[tuple[int, float | None, float | None]],
    value_usd_m: float,
    tolerance: float,
) -> dict[str, Any]:
    """One reading's row: the range of its average months (summed across its partners) and
    the verdict on ``value_usd_m`` against it."""
    from kzaf.claims import Verdict

    row = {"reading": name, "partners": list(members), "shipment_usd_m": value_usd_m}
    if any(n == 0 for n, _, _ in known):
        return {
            **row, "n_figures": 0, "monthly_low_usd_m": math.nan,
            "monthly_high_usd_m": math.nan, "ratio_low": math.nan, "ratio_high": math.nan,
            "verdict": str(Verdict.NOT_TESTABLE),
        }  # fmt: skip
    low = float(sum(lo for _, lo, _ in known if lo is not None))  # every n > 0 here
    high = float(sum(hi for _, _, hi in known if hi is not None))
    if low <= value_usd_m <= high:
        verdict = Verdict.CONFIRMED
    else:
        nearest = low if value_usd_m < low else high
        off = abs(value_usd_m / nearest - 1)
        verdict = Verdict.WITHIN_TOLERANCE if off <= tolerance else Verdict.CONTRADICTED
    return {
        **row, "n_figures": int(sum(n for n, _, _ in known)), "monthly_low_usd_m": low,
        "monthly_high_usd_m": high, "ratio_low": value_usd_m / high,
        "ratio_high": value_usd_m / low, "verdict": str(verdict),
    }  # fmt: skip


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
