"""Which parts of a notebook will be empty or do not apply for its parameters, per notebook,
from each analysis's `applicable_parts` (cheap: the observations only, no kernel). `kzaf run
--dry-run` shows them beside each job; a notebook without such a function has none to show."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kzaf import data
from kzaf import event as ev
from kzaf import trajectory as tr

Parts = list[tuple[str, str]]


def _trajectory(
    observations: pd.DataFrame, values: Mapping[str, Any], pair: tuple[str, str]
) -> Parts:
    return tr.applicable_parts(
        observations,
        *pair,
        goods=values.get("goods", ()),
        start_year=values.get("start_year"),
        end_year=values.get("end_year"),
    )


def _shipment(
    observations: pd.DataFrame, values: Mapping[str, Any], pair: tuple[str, str]
) -> Parts:
    return ev.applicable_parts(
        observations, *pair, event_month=values["event_month"], hs_code=values["hs_code"]
    )


BY_NOTEBOOK: dict[str, Callable[[pd.DataFrame, Mapping[str, Any], tuple[str, str]], Parts]] = {
    "01_trade_trajectory": _trajectory,
    "02_locomotive_effect": _shipment,
}


def notebook_parts(stem: str, values: Mapping[str, Any], tables: Any) -> Parts:
    """The parts of notebook ``stem`` that will be empty or do not apply for ``values`` (its
    effective parameters, reporter and partner as codes or names)."""
    parts_of = BY_NOTEBOOK.get(stem)
    if parts_of is None or not {"reporter", "partner"} <= set(values):
        return []
    pair = (
        data.resolve_country(values["reporter"], tables.countries, what="reporter"),
        data.resolve_country(values["partner"], tables.countries, what="partner"),
    )
    return parts_of(tables.observations, values, pair)


def parts_by_job(jobs: Iterable[tuple[str, Mapping[str, Any]]], data_dir: Path) -> list[Parts]:
    """:func:`notebook_parts` for each (notebook stem, effective parameters), loading the data
    only when some notebook has parts to check; data that do not load give no parts (the run
    itself reports them)."""
    jobs = list(jobs)
    if not any(stem in BY_NOTEBOOK for stem, _ in jobs):
        return [[] for _ in jobs]
    try:
        tables = data.load(data_dir)
    except data.DataValidationError:
        return [[] for _ in jobs]
    return [notebook_parts(stem, values, tables) for stem, values in jobs]
