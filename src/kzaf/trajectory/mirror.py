"""The mirror view: what the partner reports against what the reporter reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.frames import rows as table_rows
from kzaf.text.numbers import fmt_pct
from kzaf.text.numbers import fmt_pct_change as _pct
from kzaf.text.numbers import fmt_plain as _fmt
from kzaf.text.numbers import fmt_usd_short as _usd
from kzaf.trajectory.annual import _flow_order_key
from kzaf.trajectory.figures import FLOWS, MIRROR_FLOW, _empty, point_figures
from kzaf.trajectory.neighbours import _as_seen_from


def mirror_table(
    observations: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    reporter: str,
    partner: str,
    flows: Iterable[str] = FLOWS,
    policy: series.SourcePolicy | str | Mapping[str, Any] = "official_first",
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """What the reporter says against what the partner says, for the same flow and period.

    Flows are in the reporter's view (the reporter's exports face the partner's imports).
    Every period either side reports gets a row; ``matched`` is True where both sides report
    the same period on the same basis, and only then are ``gap`` (reporter - partner) and
    ``gap_pct`` (gap / partner) computed. Columns: ``flow``, ``period_label``, ``basis``,
    ``period_start``, ``period_end``, ``reporter_value``, ``reporter_min``, ``reporter_max``,
    ``reporter_publisher``, ``partner_value``, ``partner_min``, ``partner_max``,
    ``partner_publisher``, ``matched``, ``gap``, ``gap_pct``.
    """
    columns = [
        "flow",
        "period_label",
        "basis",
        "period_start",
        "period_end",
        "reporter_value",
        "reporter_min",
        "reporter_max",
        "reporter_publisher",
        "reporter_precision",
        "partner_value",
        "partner_min",
        "partner_max",
        "partner_publisher",
        "partner_precision",
        "matched",
        "gap",
        "gap_pct",
    ]
    figures = _as_seen_from(
        observations,
        sources,
        country=reporter,
        partner=partner,
        flows=flows,
        start_year=start_year,
        end_year=end_year,
    )
    if figures.empty:
        return _empty(columns)
    table = series.reconcile(point_figures(figures), series.policy_from(policy))
    table["flow"] = table["flow"].where(
        table["reporter"] == reporter, table["flow"].map(MIRROR_FLOW)
    )
    precision = dict(zip(figures["obs_id"], figures["precision"], strict=True))
    table["preferred_precision"] = table["preferred_obs_id"].map(precision)
    keys = ["flow", "basis", "period_start", "period_end"]
    keep = [
        "preferred_value",
        "value_min",
        "value_max",
        "preferred_publisher",
        "preferred_precision",
    ]
    names = ["value", "min", "max", "publisher", "precision"]
    sides = {}
    for side, code in (("reporter", reporter), ("partner", partner)):
        mine = table[table["reporter"] == code][[*keys, *keep]]
        sides[side] = mine.rename(
            columns={k: f"{side}_{n}" for k, n in zip(keep, names, strict=True)}
        )
    merged = sides["reporter"].merge(sides["partner"], on=keys, how="outer")
    merged["matched"] = merged["reporter_value"].notna() & merged["partner_value"].notna()
    merged["gap"] = (merged["reporter_value"] - merged["partner_value"]).where(merged["matched"])
    merged["gap_pct"] = (merged["gap"] / merged["partner_value"]).where(merged["matched"])
    merged["period_label"] = [
        series.period_label(s, e, b)
        for s, e, b in zip(
            merged["period_start"], merged["period_end"], merged["basis"], strict=True
        )
    ]
    merged = merged.sort_values(["period_start", "period_end", "flow"], key=_flow_order_key)
    return merged[columns].reset_index(drop=True)


def mirror_sentence(mirror: pd.DataFrame, flow: str, reporter_name: str, partner_name: str) -> str:
    """One sentence for the answer: the latest period both sides report, and the gap."""
    if mirror.empty:
        return ""
    matched = mirror[mirror["matched"] & (mirror["flow"] == flow)]
    if matched.empty:
        if mirror["partner_value"].notna().any():
            return (
                f"{partner_name}'s own figures cover no period that {reporter_name}'s do on the "
                "same basis, so the two sides cannot be compared directly."
            )
        return ""
    row = matched.iloc[-1]
    share = row["partner_value"] / row["reporter_value"] - 1
    words = {"about": "about ", "at_least": "over ", "at_most": "up to "}
    return (
        f"For {row['period_label']}, {partner_name}'s side reports "
        f"{words.get(row['partner_precision'], '')}{_usd(row['partner_value'])} against "
        f"{reporter_name}'s {words.get(row['reporter_precision'], '')}"
        f"{_usd(row['reporter_value'])} ({fmt_pct(abs(share), 0)} "
        f"{'above' if share > 0 else 'below'} it)."
    )


def describe_mirror(mirror: pd.DataFrame, reporter: str, partner: str, shown: int = 6) -> str:
    """What the two sides report and where they can be compared: the gap for up to ``shown``
    of the latest longer periods both report, and a summary of the single months."""
    if mirror.empty:
        return (
            f"Neither {reporter} nor {partner} reports a figure on their trade in the data, so "
            "there is no mirror view."
        )
    n_rep = int(mirror["reporter_value"].notna().sum())
    n_par = int(mirror["partner_value"].notna().sum())
    matched = mirror[mirror["matched"]]
    text = f"{reporter} reports {n_rep} period(s) and {partner} reports {n_par}. "
    if n_par == 0:
        return text + f"With no figure from {partner}'s side, the two cannot be compared."
    if matched.empty:
        other_bases = sorted(set(mirror.loc[mirror["partner_value"].notna(), "basis"]))
        return text + (
            "No period is reported by both on the same basis "
            f"({partner}'s figures are on: {', '.join(other_bases)}), so no gap can be computed; "
            "the figures are shown side by side."
        )
    months = matched[matched["period_start"] == matched["period_end"]]
    longer = matched[matched["period_start"] != matched["period_end"]].tail(shown)
    parts = [
        f"{row.period_label} {row.flow}: {_usd(row.reporter_value)} vs {_usd(row.partner_value)} "
        f"(gap {_fmt(row.gap)}, {_pct(row.gap_pct)})"
        for row in table_rows(longer)
    ]
    lead = "Where both report the same period"
    if len(matched) - len(months) > len(longer):
        lead += f" (the latest {len(longer)} of {len(matched) - len(months)})"
    text += f"{lead}: " + "; ".join(parts) + "." if parts else ""
    for flow, group in months.groupby("flow", sort=False):
        text += (
            f" Single months, {flow}: {len(group)} reported by both; the gap (reporter minus "
            f"partner, share of the partner's figure) has median {_pct(group['gap_pct'].median())} "
            f"and runs from {_pct(group['gap_pct'].min())} to {_pct(group['gap_pct'].max())}."
        )
    return text
