"""Hand-made tables in the observations model for the event tests (obviously fixtures: every
source is called "fixture-..."; none of these numbers describes real trade)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzaf.data import Tables

OBS_COLUMNS = [
    "obs_id", "topic", "reporter", "partner", "flow", "commodity", "measure", "period_start",
    "period_end", "value", "unit", "source_id", "precision", "basis", "suspect", "note",
]  # fmt: skip


def obs(*rows: dict) -> pd.DataFrame:
    """Observations from short dicts: defaults for everything not given."""
    records = []
    for i, row in enumerate(rows, start=1):
        start = row.get("start", "2023-01")
        record = {
            "obs_id": row.get("obs_id", f"FX-{i:03d}"),
            "topic": "A",
            "reporter": row.get("reporter", "KAZ"),
            "partner": row.get("partner", "AFG"),
            "flow": row.get("flow", "turnover"),
            "commodity": row.get("commodity", "TOTAL"),
            "measure": row.get("measure", "value"),
            "period_start": pd.Period(start, freq="M"),
            "period_end": pd.Period(row.get("end", start), freq="M"),
            "value": float(row["value"]),
            "unit": row.get("unit", "USD million"),
            "source_id": row.get("source_id", "fixture-a"),
            "precision": row.get("precision", "exact"),
            "basis": row.get("basis", "calendar"),
            "suspect": bool(row.get("suspect", False)),
            "note": "fixture",
        }
        records.append(record)
    return pd.DataFrame(records, columns=OBS_COLUMNS)


def sources(*ids: str, kind: str = "national_statistics") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": list(ids),
            "title": [f"Fixture {i}" for i in ids],
            "publisher": [f"Publisher {i}" for i in ids],
            "url": [f"https://example.org/{i}" for i in ids],
            "publication_date": "2024-01",
            "access_date": "2026-11-28",
            "kind": kind,
            "date_note": "",
        }
    )


def sources_for(observations: pd.DataFrame) -> pd.DataFrame:
    return sources(*sorted(set(observations["source_id"])))


IND_COLUMNS = [
    "indicator_id", "topic", "indicator", "subject", "period_start", "period_end", "value",
    "value_low", "value_high", "unit", "direction", "risk_ids", "source_id", "precision",
    "suspect", "note",
]  # fmt: skip


def indicators(*rows: dict) -> pd.DataFrame:
    records = []
    for i, row in enumerate(rows, start=1):
        start = row.get("start", "2024-03")
        records.append(
            {
                "indicator_id": row.get("indicator_id", f"FI-{i:03d}"),
                "topic": "B",
                "indicator": row["indicator"],
                "subject": row.get("subject", "fixture_plant"),
                "period_start": pd.Period(start, freq="M"),
                "period_end": pd.Period(row.get("end", start), freq="M"),
                "value": row.get("value", float("nan")),
                "value_low": row.get("value_low", float("nan")),
                "value_high": row.get("value_high", float("nan")),
                "unit": row.get("unit", "USD million per unit"),
                "direction": "neutral",
                "risk_ids": "",
                "source_id": row.get("source_id", "fixture-i"),
                "precision": row.get("precision", "exact"),
                "suspect": bool(row.get("suspect", False)),
                "note": row.get("note", "fixture"),
            }
        )
    return pd.DataFrame(records, columns=IND_COLUMNS)


EVENT_COLUMNS = [
    "event_id", "date", "end_date", "country", "kind", "description", "risk_ids", "claim_ids",
    "source_id", "note",
]  # fmt: skip


def events(*descriptions: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"event_id": f"FE-{i}", "date": "2024-03", "end_date": "", "country": "KAZ",
             "kind": "other", "description": d, "risk_ids": "", "claim_ids": "",
             "source_id": "fixture-e", "note": ""}
            for i, d in enumerate(descriptions, start=1)
        ],
        columns=EVENT_COLUMNS,
    )  # fmt: skip


def tables_with(base: Tables, observations: pd.DataFrame) -> Tables:
    """The project's tables (countries, claims, ...) with fixture observations and sources;
    the claims' own source is kept so the article's figure can be named."""
    article = base.sources[base.sources["source_id"].isin(base.claims["source_id"])]
    frames = dict(base.frames)
    frames["observations"] = observations
    extra = sources_for(observations[~observations["source_id"].isin(article["source_id"])])
    frames["sources"] = pd.concat([article, extra], ignore_index=True)
    return Tables(frames=frames, descriptor=base.descriptor, directory=Path(base.directory))
