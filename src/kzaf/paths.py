"""Where the project's folders are.

The package is installed in editable mode from a checkout, so the checkout's folders sit two
levels above this file. ``KZAF_DATA_DIR`` points the loaders at another data folder (tests use
it to feed bad tables without touching ``data/``).
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"


def data_dir() -> Path:
    """The data folder in force: ``$KZAF_DATA_DIR`` if set, else ``<project>/data``."""
    override = os.environ.get("KZAF_DATA_DIR")
    return Path(override) if override else PROJECT_ROOT / "data"


DATA_DIR = PROJECT_ROOT / "data"


# Where charts and full tables write their files (SVG and CSV). ``kzaf run`` sets it to each
# notebook's run folder; a tool that does not set it (plain papermill, nbconvert, JupyterLab)
# gets the charts and tables embedded in the executed notebook itself, and no file anywhere:
# the kernel cannot know where its output notebook goes, and its working folder is often
# notebooks/, where two runs with different parameters would overwrite each other's images.
FIGURES_DIR_ENV = "KZAF_FIGURES_DIR"


def side_files_dir() -> Path | None:
    """The folder for side files in force: ``$KZAF_FIGURES_DIR``, or None (embed them)."""
    override = os.environ.get(FIGURES_DIR_ENV)
    return Path(override) if override else None


def notebooks_dir() -> Path:
    """The notebooks in force: ``$KZAF_NOTEBOOKS_DIR`` if set, else ``<project>/notebooks``."""
    override = os.environ.get("KZAF_NOTEBOOKS_DIR")
    return Path(override) if override else NOTEBOOKS_DIR


def reports_dir() -> Path:
    """Where ``kzaf run`` writes: ``$KZAF_REPORTS_DIR`` if set, else ``<project>/reports``."""
    override = os.environ.get("KZAF_REPORTS_DIR")
    return Path(override) if override else REPORTS_DIR
