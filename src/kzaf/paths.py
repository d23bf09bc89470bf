"""Where the project's folders are.

kzaf works from a source checkout (an editable install) and from a wheel. Each folder is found
in this order, the first that exists winning:

- data: ``$KZAF_DATA_DIR``; ``./data`` (the current folder's), then ``../data`` (a kernel
  started in a ``notebooks/`` folder beside ``data/``), each only if it holds
  ``datapackage.json``; the source checkout's ``data/``; otherwise :class:`DataDirNotFound`,
  naming every place tried;
- notebooks: ``$KZAF_NOTEBOOKS_DIR``; ``./notebooks``; the checkout's ``notebooks/``;
- reports: ``$KZAF_REPORTS_DIR``; the checkout's ``reports/`` when the current folder is inside
  the checkout; otherwise ``./reports``.

``KZAF_DATA_DIR`` also points the loaders at another data folder (tests use it to feed bad
tables without touching ``data/``); ``kzaf run`` sets it for its kernels, so a notebook reads
the very folder the run checked and fingerprinted.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "KZAF_DATA_DIR"
NOTEBOOKS_DIR_ENV = "KZAF_NOTEBOOKS_DIR"
REPORTS_DIR_ENV = "KZAF_REPORTS_DIR"
DESCRIPTOR = "datapackage.json"

# The source checkout this module sits in (src/kzaf/paths.py): meaningful for an editable
# install only; from a wheel it is the site-packages' parent and holds none of these folders.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
DATA_DIR = PROJECT_ROOT / "data"


class DataDirNotFound(FileNotFoundError):
    """No data folder: the message names every place looked at and how to point at one."""


def _is_checkout(root: Path) -> bool:
    return (root / "pyproject.toml").is_file() and (root / "src" / "kzaf").is_dir()


def data_dir_candidates() -> list[Path]:
    """The folders :func:`data_dir` looks at, in order (``$KZAF_DATA_DIR`` aside)."""
    here = Path.cwd()
    return [here / "data", here.parent / "data", DATA_DIR]


def data_dir() -> Path:
    """The data folder in force (order in the module's docstring)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    candidates = data_dir_candidates()
    for candidate in candidates:
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    tried = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise DataDirNotFound(
        f"no data folder: ${DATA_DIR_ENV} is not set and none of {tried} holds {DESCRIPTOR}; "
        f"run from a folder holding data/, or set {DATA_DIR_ENV}"
    )


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
    """The notebooks in force: ``$KZAF_NOTEBOOKS_DIR``, ``./notebooks``, the checkout's."""
    override = os.environ.get(NOTEBOOKS_DIR_ENV)
    if override:
        return Path(override)
    here = Path.cwd() / "notebooks"
    return here if here.is_dir() or not NOTEBOOKS_DIR.is_dir() else NOTEBOOKS_DIR


def reports_dir() -> Path:
    """Where ``kzaf run`` writes: ``$KZAF_REPORTS_DIR``, the checkout's ``reports/`` from
    inside the checkout, else ``./reports``."""
    override = os.environ.get(REPORTS_DIR_ENV)
    if override:
        return Path(override)
    here = Path.cwd().resolve()
    inside = _is_checkout(PROJECT_ROOT) and here.is_relative_to(PROJECT_ROOT)
    return REPORTS_DIR if inside else here / "reports"
