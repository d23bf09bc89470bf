"""Fingerprints of a notebook run's inputs, and the record of runs that can be reused.

A notebook run is reused when nothing it depends on changed: its cells, its parameter values,
the data files, ``requirements.lock``, the kzaf library's source and the Python version. The
fingerprint (``Job.key``) is a sha256 over all of these. ``<reports>/.cache/<key>.json`` points
at the folder of the last successful run with that key; the folder must still exist.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import kzaf
from kzaf.checksums import REHASH_HINT, file_sha256
from kzaf.paths import PROJECT_ROOT
from kzaf.runner.plan import Job, PlanError

CACHE_FORMAT = 1
DESCRIPTOR = "datapackage.json"


def data_files(directory: Path) -> dict[str, dict[str, Any]]:
    """sha256 of every file in the data folder; tables also carry their recorded checksum.

    Raises :class:`PlanError` (nothing runs) if the descriptor or a table it lists is missing,
    or a table's checksum differs from the recorded one — every notebook would fail on it.
    """
    descriptor_path = directory / DESCRIPTOR
    label = directory.name
    if not descriptor_path.is_file():
        raise PlanError(f"{label}/{DESCRIPTOR}: the data descriptor is missing ({directory})")
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        resources = list(descriptor["resources"])
    except (json.JSONDecodeError, KeyError, TypeError, RecursionError) as exc:
        raise PlanError(f"{label}/{DESCRIPTOR}: not a valid data descriptor ({exc})") from exc
    files: dict[str, dict[str, Any]] = {}
    problems = []
    for resource in resources:
        name = resource.get("path", "")
        path = directory / name
        if not path.is_file():
            problems.append(f"{label}/{name}: file not found (listed in {label}/{DESCRIPTOR})")
            continue
        actual = file_sha256(path)
        recorded = resource.get("hash")
        if recorded and recorded != actual:
            problems.append(
                f"{label}/{name}: sha256 differs from the one recorded in {DESCRIPTOR}; "
                + REHASH_HINT
            )
        files[name] = {"sha256": actual, "recorded": recorded}
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise PlanError(f"data problems; nothing was run:\n{listing}")
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        hidden = any(part.startswith(".") for part in path.relative_to(directory).parts)
        if path.is_file() and not hidden and relative not in files:
            files[relative] = {"sha256": file_sha256(path)}
    return files


def library_sha256() -> str:
    """One digest over the kzaf package's source files."""
    root = Path(kzaf.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def lock_sha256(root: Path = PROJECT_ROOT) -> str | None:
    path = root / "requirements.lock"
    return file_sha256(path) if path.is_file() else None


def environment_fingerprint(data: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The inputs shared by every notebook of a run."""
    return {
        "format": CACHE_FORMAT,
        "data": {name: entry["sha256"] for name, entry in sorted(data.items())},
        "requirements_lock": lock_sha256(),
        "kzaf_source": library_sha256(),
        "python": sys.version,
    }


def job_key(job: Job, shared: Mapping[str, Any], timeout: float | None) -> str:
    material = {
        "shared": shared,
        "notebook": job.notebook.source_sha256,
        "parameters": job.effective,
        "timeout": timeout,
    }
    text = json.dumps(material, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# The record of reusable runs


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


def write_json_atomic(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(temporary, path)


def link_tree(source: Path, target: Path, skip: set[str]) -> None:
    """Copy a finished notebook's folder by hard links (a real copy across file systems)."""
    import shutil

    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if relative.parts[0] in skip:
            continue
        destination = target / relative
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, destination)
        except OSError:
            shutil.copy2(path, destination)
