"""Hand-made figures for the trajectory and claim-check tests.

Every number here is a FIXTURE, made up so the right answer is known; none is a published
figure and none feeds a finding. Source ids start with ``fixture-`` to make that plain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from kzaf import series
from kzaf.data import Tables

SOURCE_COLUMNS = ["source_id", "title", "publisher", "url", "publication_date", "kind"]


def fig(
    obs_id: str,
    flow: str,
    start: str,
    end: str,
    value: float,
    *,
    kind: str = "national_statistics",
    precision: str = "exact",
    published: str = "2024-06",
    suspect: bool = False,
    reporter: str = "KAZ",
    partner: str = "AFG",
    commodity: str = "TOTAL",
    measure: str = "value",
    unit: str = "USD million",
    basis: str = "calendar",
    source: str | None = None,
    note: str = "fixture",
) -> dict[str, Any]:
    """One fixture figure (an observation with its source's columns)."""
    source = source or f"fixture-{obs_id.lower()}"
    return {
        "obs_id": obs_id,
        "topic": "A",
        "reporter": reporter,
        "partner": partner,
        "flow": flow,
        "commodity": commodity,
        "measure": measure,
        "period_start": pd.Period(start, "M"),
        "period_end": pd.Period(end, "M"),
        "value": float(value),
        "unit": unit,
        "source_id": source,
        "precision": precision,
        "basis": basis,
        "suspect": suspect,
        "note": note,
        "title": "fixture",
        "publisher": f"Fixture {source}",
        "url": "https://example.org/fixture",
        "publication_date": published,
        "kind": kind,
    }


def figures(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A figures frame, as kzaf.series.reported_figures returns it."""
    if not rows:
        rows = [fig("X", "turnover", "2000-01", "2000-12", 1)]
        return series.add_period_columns(pd.DataFrame(rows)).iloc[0:0]
    return series.add_period_columns(pd.DataFrame(rows))


def observations_and_sources(rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same rows split into an observations table and a sources table."""
    frame = pd.DataFrame(rows)
    sources = frame[SOURCE_COLUMNS].drop_duplicates("source_id").reset_index(drop=True)
    observations = frame.drop(columns=[c for c in SOURCE_COLUMNS if c != "source_id"])
    return observations, sources


ARTICLE = "fixture-article"


def claim_tables(rows: list[dict[str, Any]]) -> Tables:
    """Fixture Tables with claims C1–C3 pointing at the fixture article."""
    observations, sources = observations_and_sources(rows)
    claims = pd.DataFrame(
        {
            "claim_id": ["C1", "C2", "C3"],
            "statement": ["fixture claim"] * 3,
            "article_figures": ["fixture"] * 3,
            "test_method": ["fixture"] * 3,
            "notebook": ["01_trade_trajectory"] * 3,
            "source_id": [ARTICLE] * 3,
        }
    )
    return Tables(
        frames={"observations": observations, "sources": sources, "claims": claims},
        descriptor={},
        directory=Path("fixture"),
    )
