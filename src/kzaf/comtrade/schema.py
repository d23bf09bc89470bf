"""The stored import: its columns, its Arrow schema, where imports live, what marks them.

An import is ``<name>.parquet`` (the observations, every column but ``obs_id``) and
``<name>.json`` (what was read and counted) in :func:`imported_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa

from kzaf.paths import data_dir

IMPORT_KIND = "kzaf UN Comtrade import"

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "obs_id", "topic", "reporter", "partner", "flow", "commodity", "measure", "period_start",
    "period_end", "value", "unit", "source_id", "precision", "basis", "suspect", "note",
)  # fmt: skip
# The observations table's columns (data/datapackage.json), as load_imported() returns them.
MODEL_COLUMNS: tuple[str, ...] = (
    *OBSERVATION_COLUMNS[:12], "attributed_to", *OBSERVATION_COLUMNS[12:15], "restates",
    "distinct_from", "note",
)  # fmt: skip
SOURCE_COLUMNS: tuple[str, ...] = (
    "source_id", "title", "publisher", "url", "publication_date", "access_date", "kind",
    "date_note",
)  # fmt: skip
# The Parquet file holds every column but obs_id, which load_imported() derives from the
# figure's identity (CT-<reporter>-<partner>-<M|X>-<commodity>-<YYYY or YYYYMM>-<V|Q>).
STORED_COLUMNS: tuple[str, ...] = OBSERVATION_COLUMNS[1:]
_TEXT = pa.dictionary(pa.int32(), pa.string())
STORED_SCHEMA = pa.schema(
    [(name, {"value": pa.float64(), "suspect": pa.bool_(), "commodity": pa.string()}.get(
        name, _TEXT)) for name in STORED_COLUMNS]
)  # fmt: skip


def imported_dir() -> Path:
    """The folder of imports: ``$KZAF_COMTRADE_DIR`` if set, else ``<data>/imported/comtrade``."""
    override = os.environ.get("KZAF_COMTRADE_DIR")
    return Path(override) if override else data_dir() / "imported" / "comtrade"


def as_numpy(array, dtype) -> np.ndarray:
    """An Arrow array (or chunked array) as a numpy array of ``dtype``."""
    return array.to_numpy(zero_copy_only=False).astype(dtype, copy=False)
