"""The record of notebook runs that can be reused.

A notebook run is reused when nothing it depends on changed: its cells, its parameter values
and the fingerprints of :mod:`kzaf.runner.publish.fingerprints` (the job's key, computed by the
plan wing). ``<reports>/.cache/<key>.json`` points at the folder of the last successful run
with that key; the folder must still exist.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kzaf.runner.publish.files import write_json_atomic


def cache_dir(reports: Path) -> Path:
    return reports / ".cache"


def lookup(reports: Path, key: str) -> dict[str, Any] | None:
    """The last successful run of this key, if its folder and result are still there."""
    try:
        entry = json.loads((cache_dir(reports) / f"{key}.json").read_text(encoding="utf-8"))
        folder = reports / entry["run"] / entry["job_dir"]
        result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if result.get("status") != "ok" or result.get("cache_key") != key:
        return None
    return {**entry, "folder": folder, "result": result}


def record(reports: Path, key: str, run_id: str, job_dir: str) -> None:
    write_json_atomic(cache_dir(reports) / f"{key}.json", {"run": run_id, "job_dir": job_dir})


def durations(reports: Path) -> dict[str, float]:
    """Last execution time of each notebook (by stem), used to start the longest first."""
    try:
        loaded = json.loads((cache_dir(reports) / "durations.json").read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in loaded.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def record_durations(reports: Path, new: Mapping[str, float]) -> None:
    merged = durations(reports)
    merged.update(new)
    write_json_atomic(cache_dir(reports) / "durations.json", merged)
