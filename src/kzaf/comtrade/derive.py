"""Calendar-year figures derived from monthly UN Comtrade figures (pure functions).

Published figures are mostly whole years of turnover; Comtrade gives months of exports and
imports. To set them side by side (``kzaf.series.reconcile``, ``annual_table``) the months are
added up here, openly: a year is summed only when all twelve of its months are present (a
missing month is a gap, not zero), turnover is exports plus imports only when both are
complete, and every derived row says so in its note.
"""

from __future__ import annotations

import pandas as pd

_KEYS = ["reporter", "partner", "commodity", "measure", "unit", "source_id", "basis"]


def yearly_totals(observations: pd.DataFrame, *, turnover: bool = True) -> pd.DataFrame:
    """Complete calendar years of monthly figures, as observations (derived, labelled).

    Takes observations as :func:`kzaf.comtrade.load_imported` gives them (any figure that is
    not a single calendar month is ignored) and returns rows in the same columns: one per
    reporter, partner, flow, commodity, measure and source with all 12 months of a year, and
    with ``turnover=True`` one turnover row (export + import) where both flows are complete.
    ``obs_id`` ends in ``-Y<year>``; ``suspect`` is true when any month was.
    """
    monthly = observations[
        (observations["period_start"] == observations["period_end"])
        & (observations["basis"] == "calendar")
        & observations["flow"].isin(["export", "import"])
    ]
    columns = list(observations.columns)
    if monthly.empty:
        return observations.iloc[0:0].copy()
    monthly = monthly.assign(year=[p.year for p in monthly["period_start"]])
    grouped = monthly.groupby([*_KEYS, "flow", "year"], sort=True, dropna=False)
    years = grouped.agg(
        value=("value", "sum"),
        months=("period_start", "nunique"),
        suspect=("suspect", "any"),
        topic=("topic", "first"),
        precision=("precision", "first"),
    ).reset_index()
    years = years[years["months"] == 12].drop(columns="months")
    years["note"] = "derived by kzaf: sum of the 12 monthly UN Comtrade figures of the year"
    if turnover and not years.empty:
        both = years.groupby([*_KEYS, "year"]).filter(
            lambda group: set(group["flow"]) == {"export", "import"}
        )
        total = both.groupby([*_KEYS, "year"], sort=True).agg(
            value=("value", "sum"), suspect=("suspect", "any"), topic=("topic", "first"),
            precision=("precision", "first"),
        ).reset_index()  # fmt: skip
        total["flow"] = "turnover"
        total["note"] = (
            "derived by kzaf: exports plus imports, each the sum of the 12 monthly UN Comtrade "
            "figures of the year"
        )
        years = pd.concat([years, total], ignore_index=True)
    years["period_start"] = pd.PeriodIndex([f"{y}-01" for y in years["year"]], freq="M")
    years["period_end"] = pd.PeriodIndex([f"{y}-12" for y in years["year"]], freq="M")
    flow_code = years["flow"].map({"export": "X", "import": "M", "turnover": "T"})
    measure_code = years["measure"].map({"value": "V", "quantity": "Q"}).fillna("O")
    years["obs_id"] = (
        "CT-" + years["reporter"] + "-" + years["partner"] + "-" + flow_code + "-"
        + years["commodity"] + "-" + measure_code + "-Y" + years["year"].astype(str)
    )  # fmt: skip
    out = years[columns].reset_index(drop=True)
    for name in columns:
        if observations[name].dtype == object:
            out[name] = out[name].astype(object)
    out["value"] = out["value"].astype(float)
    out["suspect"] = out["suspect"].astype(bool)
    return out
