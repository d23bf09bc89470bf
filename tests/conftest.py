"""Shared fixtures. Bad-input tests work on a copy of data/, never on data/ itself."""

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from kzaf.paths import PROJECT_ROOT

# Property tests are deterministic and untimed: the same examples on every run (a failure is
# reproducible, never a one-off), and no per-example deadline, which a loaded 2-core machine
# broke for reasons that had nothing to do with the code. HYPOTHESIS_PROFILE=explore draws new
# examples each run (for looking for bugs, not for CI).
settings.register_profile("kzaf", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kzaf"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's data folder (named data/ so messages read the same)."""
    target = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", target, ignore=shutil.ignore_patterns("raw"))
    return target
