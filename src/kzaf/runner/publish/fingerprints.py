"""Fingerprints of what a run depends on: the data files (checked against the checksums the
data package records), the kzaf library's source, ``requirements.lock`` and Python.

The plan wing keys each notebook run on them (reuse), the execute wing compares them with a
Dask worker's, and the manifest records them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import kzaf
from kzaf.checksums import REHASH_HINT, file_sha256
from kzaf.paths import PROJECT_ROOT
from kzaf.runner.errors import PlanError

FINGERPRINT_FORMAT = 1
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


def data_digest(files: Mapping[str, Mapping[str, Any]]) -> str:
    """One digest over a data folder's files (:func:`data_files`): what a worker must see."""
    listing = json.dumps({name: entry["sha256"] for name, entry in sorted(files.items())})
    return "sha256:" + hashlib.sha256(listing.encode()).hexdigest()


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
        "format": FINGERPRINT_FORMAT,
        "data": {name: entry["sha256"] for name, entry in sorted(data.items())},
        "requirements_lock": lock_sha256(),
        "kzaf_source": library_sha256(),
        "python": sys.version,
    }
