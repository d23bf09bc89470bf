"""The record of notebook runs that can be reused.

A notebook run is reused when nothing it depends on changed: its cells, its parameter values
and the fingerprints of :mod:`kzaf.runner.publish.fingerprints` (the job's key, computed by the
plan wing). ``<reports>/.cache/<key>.json`` points at the folder of the last successful run
with that key. Before a folder is reused it is checked against its run's manifest, which
records the sha256 of every file the notebook run left: a file missing, added or changed
since (a damaged disk, a kill mid-write, a hand edit) and the notebook executes again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kzaf.checksums import file_sha256
from kzaf.runner.publish.files import write_json_atomic
from kzaf.text.words import count


def cache_dir(reports: Path) -> Path:
    return reports / ".cache"


def lookup(reports: Path, key: str) -> dict[str, Any] | None:
    """The last successful run of this key, if its folder is still as its manifest says."""
    found, _ = find(reports, key)
    return found


def find(reports: Path, key: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the last successful run of this key, or None; why a recorded run is not reusable)."""
    try:
        entry = json.loads((cache_dir(reports) / f"{key}.json").read_text(encoding="utf-8"))
        run, job_dir = str(entry["run"]), str(entry["job_dir"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, None  # never recorded
    folder = reports / run / job_dir
    problem = _damage(reports / run, job_dir, key)
    if problem:
        return None, f"{run}/{job_dir}: {problem}"
    result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    if result.get("status") != "ok" or result.get("cache_key") != key:
        return None, f"{run}/{job_dir}: its result is not a successful run of this key"
    return {**entry, "folder": folder, "result": result}, None


def _damage(run_folder: Path, job_dir: str, key: str) -> str | None:
    """What differs between a notebook run's folder and its run's manifest (None: nothing)."""
    try:
        manifest = json.loads((run_folder / "manifest.json").read_text(encoding="utf-8"))
        (entry,) = [
            e for e in manifest["notebooks"] if f"{e.get('set')}/{e.get('notebook')}" == job_dir
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return "its manifest is missing or unreadable"
    recorded = entry.get("files")
    if entry.get("status") != "ok" or entry.get("cache_key") != key:
        return "its manifest records no successful run of this key"
    if not isinstance(recorded, dict) or not recorded:
        return "its manifest records no file checksums (a run of an earlier kzaf)"
    now = folder_files(run_folder / job_dir)
    changed = sorted(
        set(recorded) ^ set(now) | {name for name in recorded if now.get(name) != recorded[name]}
    )
    if changed:
        verb = "differs" if len(changed) == 1 else "differ"
        listed = ", ".join(changed[:3])
        return f"{count(len(changed), 'file')} {verb} from its manifest ({listed})"
    return None


def folder_files(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (relative POSIX path -> ``sha256:<hex>``)."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): file_sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


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
