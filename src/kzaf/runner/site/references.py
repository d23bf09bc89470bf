"""Sources as numbered references: record and source ids in a page's text become links to a
reference list (publisher, title, date, URL), read from the data tables by kzaf.table_text
(a worker stays free of pandas here). Also the latest date a source was accessed, for the
stamp every page carries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kzaf.text.words import date_words

# Record ids of the data tables: IC-017, TAI-084, and events' EV-E003 (a letter after the dash).
RECORD_ID = re.compile(r"\b[A-Z]{2,4}-[A-Z]?\d{3}\b")
CLAIM_ID = re.compile(r"C\d{1,2}")  # the claims table's ids (C1 ... C14)
# Notes point at the research leads they came from, e.g. "(KZAF-078)": an analyst's trail,
# not a source (the note's figure is cited through its own record), so readers do not see it.
LEAD_REFERENCE = re.compile(r"\s*\((?:KZAF-\d{3}[,;]?\s*)+\)")
_TAG_OR_TEXT = re.compile(r"(<[^>]+>)")


def source_catalogue(data_dir: Any) -> dict[str, Any]:
    """Record id -> source id, and source id -> its citation (publisher, title, date, URL),
    read from the data tables by kzaf.table_text (the worker stays free of pandas here)."""
    from kzaf import table_text

    folder = Path(data_dir)
    records: dict[str, str] = {}
    sources: dict[str, dict[str, str]] = {}
    for table in sorted(folder.glob("*.csv")):
        rows = table_text.records(table)  # as kzaf.data read it when the run checked it
        fields = list(rows[0]) if rows else []
        if table.name == "sources.csv":
            sources = {row["source_id"]: row for row in rows}
            continue
        id_column = next((f for f in fields if f.endswith("_id") and f != "source_id"), None)
        if id_column and "source_id" in fields:
            for row in rows:
                if row.get(id_column) and row.get("source_id"):
                    records[row[id_column]] = row["source_id"]
    return {"records": records, "sources": sources}


def cite_sources(body: str, catalogue: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """Record ids and source ids in the page's text become numbered links to a reference list
    (publisher, title, date, URL); readers never see internal ids. Tags and attributes are
    left alone: only text between tags is rewritten."""
    records, sources = catalogue.get("records", {}), catalogue.get("sources", {})
    numbers: dict[str, int] = {}

    def number(source_id: str) -> str:
        if source_id not in numbers:
            numbers[source_id] = len(numbers) + 1
        n = numbers[source_id]
        return f'<a class="ref" href="#ref-{n}">[{n}]</a>'

    def in_text(match: re.Match[str]) -> str:
        token = match[0]
        source_id = records.get(token) or (token if token in sources else None)
        return number(source_id) if source_id else token

    longest_first = sorted(sources, key=len, reverse=True)  # no slug cut inside a longer one
    alternatives = "|".join(map(re.escape, longest_first))
    source_pattern = re.compile(rf"\b({alternatives})\b") if sources else None
    parts = _TAG_OR_TEXT.split(body)
    for i, part in enumerate(parts):
        if not part or part.startswith("<"):
            continue
        text = RECORD_ID.sub(in_text, LEAD_REFERENCE.sub("", part))
        if source_pattern is not None:
            text = source_pattern.sub(in_text, text)
        parts[i] = text
    references = []
    for source_id, n in sorted(numbers.items(), key=lambda item: item[1]):
        row = sources.get(source_id, {})
        references.append(
            {
                "n": str(n),
                "publisher": row.get("publisher", ""),
                "title": row.get("title", source_id),
                "date": date_words(row.get("publication_date", "")),
                "url": row.get("url", ""),
            }
        )
    return "".join(parts), references


def data_accessed(data_dir: Path) -> str:
    """The latest date on which a source in ``sources.csv`` was accessed (for page stamps)."""
    from kzaf import table_text

    try:  # read as kzaf.data read it when the run checked the data (BOM, line ends)
        dates = [
            row.get("access_date") or "" for row in table_text.records(data_dir / "sources.csv")
        ]
    except (OSError, table_text.TableTextError):
        return "unknown"
    return max((d for d in dates if d), default="unknown")
