"""Files in a run folder, never written in place (:mod:`kzaf.atomic`): a file is written
anew and renamed into place, so a reader never sees half of one, and a folder that shares
files with an earlier run by hard links never changes that run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from kzaf import atomic


def write_json_atomic(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, json.dumps(content, indent=2, ensure_ascii=False) + "\n")


def link_tree(source: Path, target: Path, skip: set[str]) -> None:
    """Copy a finished notebook's folder by hard links (a real copy across file systems).
    Safe because nothing in a run folder is ever written in place: a change to a linked
    file gives this run a new file and leaves the earlier run's as it was."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if relative.parts[0] in skip or path.is_symlink():  # a run holds files only
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
