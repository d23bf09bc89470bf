"""Calendar-year figures derived from monthly UN Comtrade figures (pure functions).

Published figures are mostly whole years of turnover; Comtrade gives months of exports and
imports. To set them side by side (``kzaf.series.reconcile``, ``annual_table``) the months are
added up here, openly: a year is summed only when all twelve of its months are present (a
missing month is a gap, not zero), turnover is exports plus imports only when both are
complete, and every derived row says so in its note.
"""

from __future__ import annotations

import pandas as pd

from kzaf import series


def yearly_totals(observations: pd.DataFrame, *, turnover: bool = True) -> pd.DataFrame:
    """Complete calendar years of monthly figures, as observations (derived, labelled).

    Takes observations as :func:`kzaf.comtrade.load_imported` gives them (any figure that is
    not a single calendar month is ignored) and returns rows in the same columns: one per
    reporter, partner, flow, commodity, measure and source with all 12 months of a year, and
    with ``turnover=True`` one turnover row (export + import) where both flows are complete.
    ``obs_id`` ends in ``-Y<year>``; ``suspect`` is true when any month was.
    """
    monthly = observations[observations["flow"].isin(["export", "import"])]
    sums = series.complete_year_totals(monthly)
    if not turnover:
        sums = sums[sums["flow"] != "turnover"]
    if sums.empty:
        return observations.iloc[0:0].copy()
    year = [str(p.year) for p in sums["period_start"]]
    flow_code = sums["flow"].map({"export": "X", "import": "M", "turnover": "T"})
    measure_code = sums["measure"].map({"value": "V", "quantity": "Q"}).fillna("O")
    sums["obs_id"] = (
        "CT-" + sums["reporter"] + "-" + sums["partner"] + "-" + flow_code + "-"
        + sums["commodity"] + "-" + measure_code + "-Y" + pd.Series(year, index=sums.index)
    )  # fmt: skip
    sums["note"] = [
        "derived by kzaf: exports plus imports, each the sum of the 12 monthly UN Comtrade "
        "figures of the year"
        if flow == "turnover"
        else "derived by kzaf: sum of the 12 monthly UN Comtrade figures of the year"
        for flow in sums["flow"]
    ]
    out = sums[list(observations.columns)].reset_index(drop=True)
    for name in out.columns:
        if observations[name].dtype == object:
            out[name] = out[name].astype(object)
    out["value"] = out["value"].astype(float)
    out["suspect"] = out["suspect"].astype(bool)
    return out
