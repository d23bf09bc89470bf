"""Shared fixtures. Bad-input tests work on a copy of data/, never on data/ itself."""

import shutil
from pathlib import Path

import pytest

from kzaf.paths import PROJECT_ROOT


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's data folder (named data/ so messages read the same)."""
    target = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", target, ignore=shutil.ignore_patterns("raw"))
    return target
