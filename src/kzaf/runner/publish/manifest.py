"""The run manifest: what ran, on which code, data and packages, and how it went.

It records no environment variables: secrets live there, and nothing in a run depends on them
except through code that reads them itself.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from kzaf.paths import PROJECT_ROOT

MANIFEST_FORMAT = 1
KEY_PACKAGES = (
    "kzaf",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jupyter_client",
    "PyYAML",
)


def git_state(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """Commit, branch and whether tracked or untracked files differ from it."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None, "branch": None}
    status = git("status", "--porcelain")
    return {
        "commit": commit,
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(status) if status is not None else None,
        "changed_files": len(status.splitlines()) if status else 0,
    }


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def software() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": package_versions(),
    }


def job_entry(
    job: Any, result: Mapping[str, Any], files: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """One notebook run in the manifest; ``files``: the sha256 of every file in its folder
    (what a later run checks before it reuses the folder)."""
    return {
        "set": job.set_name,
        "notebook": job.notebook.stem,
        "title": job.notebook.title,
        "source": str(job.notebook.path),
        "source_sha256": job.notebook.source_sha256,
        "parameters": job.effective,
        "overrides": job.overrides,
        "override_sources": job.sources,
        "status": result.get("status"),
        "started": result.get("started"),
        "ended": result.get("ended"),
        "duration_s": result.get("duration_s"),
        "reused_from": result.get("reused_from"),
        "cache_key": job.key,
        "error": {k: v for k, v in (result.get("error") or {}).items() if k != "traceback"} or None,
        "outputs": {k: f"{job.rel_dir}/{v}" for k, v in (result.get("files") or {}).items()},
        "files": dict(files or {}),
    }
