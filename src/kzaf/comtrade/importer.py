"""Import UN Comtrade files into the observations model, and load what was imported.

Load inputs / process / save outputs:

* **Load**: a Comtrade CSV export (comma- or tab-separated, optionally gzipped) is read with
  pyarrow's streaming CSV reader, a few megabytes at a time, only the columns the model needs,
  all as text. Memory stays bounded by the block size whatever the file's length; the only
  per-row state kept is 16 bytes (a key and a row number) for the duplicate check. Responses
  saved by ``kzaf fetch comtrade`` (the API's JSON) go through the same steps.
* **Process**: each block is checked and normalised with vectorised pyarrow compute: codes
  mapped to ISO3 through ``data/countries.csv``, flows M/X to import/export, HS codes kept as
  text with their leading zeros, ``primaryValue`` to USD million and ``netWgt`` to thousand
  tonnes, periods to monthly ``period_start``/``period_end``. Problems are collected with their
  line numbers (the first ``max_problems`` are listed, every kind is counted) and the import
  fails with the whole summary, never at the first one and never with a partial output.
* **Save**: ``<out_dir>/<name>.parquet`` (the observations) and ``<name>.json`` (what was read,
  its sha256, counts, the source record, whether it is synthetic). Written under a temporary
  name and renamed only when everything succeeded.

The steps live in their own modules: :mod:`~kzaf.comtrade.reading` (load),
:mod:`~kzaf.comtrade.checks` and :mod:`~kzaf.comtrade.normalise` (process),
:mod:`~kzaf.comtrade.writing` (save) and :mod:`~kzaf.comtrade.imported` (loading what was
imported), with :mod:`~kzaf.comtrade.errors` and :mod:`~kzaf.comtrade.schema` beside them.
This module runs them in order.

Imports are derived data: they live in ``data/imported/comtrade/`` (git-ignored; UN Comtrade
data may not be re-disseminated without permission) and are rebuilt from the raw file by
running the import again. :func:`load_imported` returns them as ``(observations, sources)``
in exactly the columns and dtypes of :func:`kzaf.data.load`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kzaf.comtrade import codes
from kzaf.comtrade.checks import Tally
from kzaf.comtrade.errors import ComtradeError as ComtradeError  # where it was imported from
from kzaf.comtrade.errors import ComtradeFormatError, ReadAsText
from kzaf.comtrade.reading import (
    HashingReader,
    check_columns,
    csv_batches,
    display_path,
    import_name,
    open_csv,
    read_header,
    response_metadata,
    response_tables,
    sha256_of,
)
from kzaf.comtrade.writing import ImportSummary, finish_import, normalise_and_write
from kzaf.logs import progress_bar

_LOGGER = logging.getLogger(__name__)

# Reading four megabytes of CSV at a time keeps pyarrow's buffers near 150 MB on a file of
# any length (measured by benchmarks/bench_comtrade_import.py), with few enough blocks that
# Python's per-block overhead stays small.
BLOCK_BYTES = 4 << 20
MAX_PROBLEMS = 50


def import_file(
    path: Path | str,
    out_dir: Path | str | None = None,
    *,
    countries: pd.DataFrame | None = None,
    synthetic: bool | None = None,
    accessed: dt.date | None = None,
    replace: bool = False,
    max_problems: int = MAX_PROBLEMS,
    block_bytes: int = BLOCK_BYTES,
) -> ImportSummary:
    """Import a Comtrade CSV export, one saved API response (.json) or a fetch folder.

    ``synthetic`` defaults to whether the file name contains SYNTHETIC (the fixture's does);
    ``accessed`` (the day the extract was downloaded) defaults to the file's modification date
    for a CSV and to the fetch time for API responses.
    """
    path = Path(path)
    if path.is_dir():
        responses = sorted(p for p in path.glob("*.json") if not p.name.endswith(".meta.json"))
        if not responses:
            raise ComtradeFormatError(f"{path}: no saved API responses (*.json) in this folder")
        return import_responses(
            responses, out_dir, name=f"fetch-{path.name}", countries=countries,
            synthetic=synthetic, replace=replace, max_problems=max_problems,
        )  # fmt: skip
    if not path.exists():
        raise ComtradeFormatError(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        return import_responses(
            [path], out_dir, name=path.stem, countries=countries, synthetic=synthetic,
            replace=replace, max_problems=max_problems,
        )  # fmt: skip
    return import_csv(
        path, out_dir, countries=countries, synthetic=synthetic, accessed=accessed,
        replace=replace, max_problems=max_problems, block_bytes=block_bytes,
    )  # fmt: skip


def import_csv(
    path: Path | str,
    out_dir: Path | str | None = None,
    *,
    countries: pd.DataFrame | None = None,
    synthetic: bool | None = None,
    accessed: dt.date | None = None,
    replace: bool = False,
    max_problems: int = MAX_PROBLEMS,
    block_bytes: int = BLOCK_BYTES,
) -> ImportSummary:
    """Import a Comtrade CSV export (see :func:`import_file`)."""
    started = time.perf_counter()
    path = Path(path)
    name = import_name(path)
    header, delimiter = read_header(path)
    present = check_columns(header, str(path))
    synthetic = "synthetic" in path.name.lower() if synthetic is None else synthetic
    accessed = accessed or dt.date.fromtimestamp(path.stat().st_mtime)
    source = codes.source_record(path.name, name, accessed=accessed, synthetic=synthetic)
    # First pass: numbers and periods parsed by pyarrow as it reads (fast). Any number or
    # period it cannot parse, or that breaks a rule, sends us to a second pass that reads
    # every cell as text, so each problem is reported with the text as written.
    with progress_bar(path.stat().st_size, f"import {path.name}", unit="B") as bar:
        for typed in (True, False):
            tally = Tally(max_problems=max_problems, label=str(path))
            bar.reset()
            try:
                with path.open("rb") as raw:
                    hashing = HashingReader(raw, on_read=bar.update)
                    stream = (
                        gzip.GzipFile(fileobj=hashing) if path.name.endswith(".gz") else hashing
                    )
                    reader = open_csv(stream, present, delimiter, block_bytes, tally, typed=typed)
                    batches = csv_batches(reader, str(path), tally, typed=typed)
                    outcome = normalise_and_write(
                        batches, present, source, countries, out_dir, name, replace, tally
                    )
                    while hashing.read(1 << 20):  # hash to the end even if the reader stopped
                        pass
                break
            except ReadAsText:
                if not typed:  # pragma: no cover - the text pass never asks for itself
                    raise
                _LOGGER.info("%s: a value needs reading as text; second pass", path.name)
    input_record = {
        "kind": "csv",
        "path": display_path(path),
        "name": path.name,
        "sha256": hashing.sha256.hexdigest(),
        "bytes": hashing.bytes,
    }
    return finish_import(outcome, [input_record], source, synthetic, tally, started)


def import_responses(
    paths: Sequence[Path | str],
    out_dir: Path | str | None = None,
    *,
    name: str,
    countries: pd.DataFrame | None = None,
    synthetic: bool | None = None,
    replace: bool = False,
    max_problems: int = MAX_PROBLEMS,
) -> ImportSummary:
    """Import API responses saved by ``kzaf fetch comtrade`` (JSON with a ``data`` list).

    Responses whose metadata marks them truncated (superseded by the smaller requests saved
    beside them) or as error answers are skipped. An empty response adds no figures, which
    is not the same as zero trade.
    """
    started = time.perf_counter()
    files = [Path(p) for p in paths]
    usable, inputs, accessed_days = [], [], []
    for path in files:
        meta = response_metadata(path)
        if meta.get("truncated") or meta.get("error"):
            continue  # cut off (superseded by smaller requests) or an error answer
        usable.append(path)
        inputs.append({
            "kind": "api-response",
            "path": display_path(path),
            "name": path.name,
            "sha256": sha256_of(path),
            "bytes": path.stat().st_size,
            "request_url": meta.get("request_url"),
            "accessed": meta.get("accessed"),
        })  # fmt: skip
        if meta.get("accessed"):
            accessed_days.append(dt.date.fromisoformat(meta["accessed"][:10]))
    if not usable:
        raise ComtradeFormatError(
            f"{', '.join(map(str, files))}: no usable responses (all were truncated or "
            "error answers)"
        )
    synthetic = (
        any("synthetic" in p.name.lower() for p in usable) if synthetic is None else synthetic
    )
    accessed = max(accessed_days) if accessed_days else dt.date.today()
    source = codes.source_record(
        name, name, accessed=accessed, synthetic=synthetic, how="the API, by kzaf fetch comtrade"
    )
    tally = Tally(max_problems=max_problems, label=name)
    tables, present = response_tables(usable, tally)
    batches = ((t.to_batches()[0], start) for t, start in tables if t.num_rows)
    outcome = normalise_and_write(
        batches, present, source, countries, out_dir, name, replace, tally
    )
    return finish_import(outcome, inputs, source, synthetic, tally, started)
