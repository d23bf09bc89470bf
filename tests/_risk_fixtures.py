"""Made-up indicator and event tables for the risk tests. Obviously fixtures: every code
starts with ``fixture_``, every source is ``fixture-source``; none of it is data."""

from __future__ import annotations

import pandas as pd

from kzaf.risk import EventEvidence, IndicatorEvidence, Risk

INDICATOR_COLUMNS = [
    "indicator_id",
    "topic",
    "indicator",
    "subject",
    "period_start",
    "period_end",
    "value",
    "value_low",
    "value_high",
    "unit",
    "direction",
    "risk_ids",
    "source_id",
    "precision",
    "note",
]
EVENT_COLUMNS = [
    "event_id",
    "date",
    "end_date",
    "country",
    "kind",
    "description",
    "risk_ids",
    "claim_ids",
    "source_id",
    "note",
]


def indicators(rows: list[dict]) -> pd.DataFrame:
    """Rows with at least indicator, subject, year and value (or value_low/value_high)."""
    records = []
    for n, row in enumerate(rows, start=1):
        year = row["year"]
        records.append(
            {
                "indicator_id": f"FX-{n:03d}",
                "topic": "F",
                "indicator": row["indicator"],
                "subject": row.get("subject", "AFG"),
                "period_start": pd.Period(f"{year}-01", "M"),
                "period_end": pd.Period(f"{year}-12", "M"),
                "value": float(row.get("value", float("nan"))),
                "value_low": float(row.get("value_low", float("nan"))),
                "value_high": float(row.get("value_high", float("nan"))),
                "unit": row.get("unit", "points"),
                "direction": row.get("direction", "higher_riskier"),
                "risk_ids": row.get("risk_ids", ""),
                "source_id": row.get("source_id", "fixture-source"),
                "precision": row.get("precision", "range" if "value_low" in row else "exact"),
                "note": row.get("note", "fixture"),
            }
        )
    return pd.DataFrame(records, columns=INDICATOR_COLUMNS)


def events(rows: list[dict]) -> pd.DataFrame:
    records = []
    for n, row in enumerate(rows, start=1):
        records.append(
            {
                "event_id": f"EV-{n:03d}",
                "date": row["date"],
                "end_date": row.get("end_date", ""),
                "country": row.get("country", "AFG"),
                "kind": row["kind"],
                "description": "fixture event",
                "risk_ids": row.get("risk_ids", ""),
                "claim_ids": row.get("claim_ids", ""),
                "source_id": "fixture-source",
                "note": "",
            }
        )
    return pd.DataFrame(records, columns=EVENT_COLUMNS)


def identical_register(n: int = 5) -> tuple[Risk, ...]:
    """``n`` risks, each informed by the same fixture indicator in both dimensions."""
    return tuple(
        Risk(
            f"R{k}",
            f"fixture risk {k}",
            "fixture",
            (
                IndicatorEvidence("fixture_threat", "AFG", "likelihood", (0, 10), "fixture"),
                IndicatorEvidence("fixture_loss", "AFG", "impact", (0, 100), "fixture"),
            ),
        )
        for k in range(1, n + 1)
    )


def graded_register() -> tuple[Risk, ...]:
    """Three risks with one indicator each per dimension; R1 clearly the riskiest, R3 the
    safest; R4 has no figure at all."""

    def risk(k: int) -> Risk:
        return Risk(
            f"R{k}",
            f"fixture risk {k}",
            "fixture",
            (
                IndicatorEvidence(f"fixture_l{k}", "AFG", "likelihood", (0, 10), "fixture"),
                IndicatorEvidence(f"fixture_i{k}", "AFG", "impact", (0, 10), "fixture"),
            ),
        )

    return (risk(1), risk(2), risk(3), risk(4))


GRADED_ROWS = [
    {"indicator": "fixture_l1", "year": 2024, "value": 9.0},
    {"indicator": "fixture_i1", "year": 2024, "value": 8.0},
    {"indicator": "fixture_l2", "year": 2024, "value": 5.0},
    {"indicator": "fixture_i2", "year": 2024, "value": 5.0},
    {"indicator": "fixture_l3", "year": 2024, "value": 1.0},
    {"indicator": "fixture_i3", "year": 2024, "value": 1.0},
]

EVENT_RULE = EventEvidence("border_closure", "likelihood", (0, 4), "fixture", window_years=3)
