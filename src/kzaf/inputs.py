"""The one loader at the edge: what a notebook's setup reads before any analysis runs.

Analyses are pure functions of the tables and the parameters; they never read a file. This
module reads the validated tables (:func:`kzaf.data.load`) and, when the notebook's
``data_source`` is ``"comtrade"``, the UN Comtrade figures imported with ``kzaf import
comtrade FILE`` (:func:`kzaf.comtrade.load_imported`), which ride along as
``tables.imported``, beside the published figures and never merged into them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kzaf import data
from kzaf.data import ImportedFigures, Tables
from kzaf.vocabulary import DATA_SOURCES


def load(data_source: str = "published", directory: Path | str | None = None) -> Tables:
    """The validated tables, with the imported UN Comtrade figures when ``data_source`` is
    ``"comtrade"`` (a clear error saying what to run when nothing was imported)."""
    if data_source not in DATA_SOURCES:
        raise ValueError(
            f"parameter 'data_source' must be one of {', '.join(DATA_SOURCES)}, got {data_source!r}"
        )
    tables = data.load(directory)
    if data_source == "published":
        return tables
    # Imported on demand: pyarrow, which reads the imports, is not needed for published data.
    from kzaf import comtrade

    try:
        imported = comtrade.load_imported()
    except FileNotFoundError as exc:
        raise ValueError(f"data_source='comtrade' but {exc}") from exc
    figures = ImportedFigures(imported.observations, imported.sources, imported.synthetic)
    return replace(tables, imported=figures)
