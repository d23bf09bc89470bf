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

Imports are derived data: they live in ``data/imported/comtrade/`` (git-ignored; UN Comtrade
data may not be re-disseminated without permission) and are rebuilt from the raw file by
running the import again. :func:`load_imported` returns them as ``(observations, sources)``
in exactly the columns and dtypes of :func:`kzaf.data.load`.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kzaf.comtrade import codes
from kzaf.logs import progress_bar
from kzaf.paths import data_dir

_LOGGER = logging.getLogger(__name__)

# Reading four megabytes of CSV at a time keeps pyarrow's buffers near 150 MB on a file of
# any length (measured by benchmarks/bench_comtrade_import.py), with few enough blocks that
# Python's per-block overhead stays small.
BLOCK_BYTES = 4 << 20
MAX_PROBLEMS = 50
# A file with this many rows of the wrong shape is not a Comtrade export; stop reading it.
MAX_MALFORMED_ROWS = 1000
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
_STORED_SCHEMA = pa.schema(
    [(name, {"value": pa.float64(), "suspect": pa.bool_(), "commodity": pa.string()}.get(
        name, _TEXT)) for name in STORED_COLUMNS]
)  # fmt: skip
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_PERIOD = r"^\d{4}(0[1-9]|1[0-2])?$"
_YEAR = r"^\d{4}$"
_REF_MONTH = r"^(0?[1-9]|1[0-2]|52)$"  # the API gives refMonth 52 for annual records
_TRUE = ("true", "True", "TRUE", "1")
_FIRST_YEAR, _LAST_YEAR = 1900, 2099
_TOPICS = pa.array(["D", "A", "B"])
_FLOW_NAMES = pa.array(["import", "export"])
_VALUE_NOTES = pa.array([codes.VALUE_NOTE])
_QUANTITY_NOTES = pa.array([
    codes.QUANTITY_NOTE,
    codes.QUANTITY_ESTIMATED_NOTE,
    codes.QUANTITY_NOTE + "; net weight 0 kg beside a positive value: probably not reported, "
    "so flagged suspect",
])  # fmt: skip


def _period_texts() -> tuple[pa.Array, pa.Array]:
    """First and last month of period code (year - 1900) * 13 + month (month 0: whole year)."""
    years = range(_FIRST_YEAR, _LAST_YEAR + 1)
    starts = [f"{y}-{m or 1:02d}" for y in years for m in range(13)]
    ends = [f"{y}-{m or 12:02d}" for y in years for m in range(13)]
    return pa.array(starts), pa.array(ends)


_PERIOD_START, _PERIOD_END = _period_texts()


# ---------------------------------------------------------------------------------------------
# Errors


class ComtradeError(Exception):
    """Base of every error this adapter raises; its message says what to do."""


class ComtradeFormatError(ComtradeError):
    """The file as a whole cannot be imported (missing column, not UTF-8, nothing to import)."""


@dataclass(frozen=True)
class RowProblem:
    """One broken rule at one row of one file."""

    order: int  # sorts problems in file order
    where: str  # "line 17" or "2026-11-28/M-....json record 3"
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ComtradeImportError(ComtradeError):
    """Bad rows: every kind counted, the first ``max_problems`` listed by line."""

    def __init__(self, label: str, problems: list[RowProblem], counts: Counter[str], notes=()):
        self.problems = problems
        self.counts = counts
        total = sum(counts.values())
        lines = [f"{label}: {total} problem(s); nothing was imported."]
        lines += [f"  {rule}: {n}" for rule, n in sorted(counts.items())]
        lines += [f"  {note}" for note in notes]
        lines.append(f"first {len(problems)}:" if total > len(problems) else "all:")
        lines += [f"  - {p}" for p in problems]
        if total > len(problems):
            lines.append(f"  ... and {total - len(problems)} more")
        super().__init__("\n".join(lines))


# ---------------------------------------------------------------------------------------------
# Where imports live


def imported_dir() -> Path:
    """The folder of imports: ``$KZAF_COMTRADE_DIR`` if set, else ``<data>/imported/comtrade``."""
    override = os.environ.get("KZAF_COMTRADE_DIR")
    return Path(override) if override else data_dir() / "imported" / "comtrade"


# ---------------------------------------------------------------------------------------------
# Import


@dataclass
class ImportSummary:
    """What an import read, wrote and left out (also saved as the import's JSON)."""

    name: str
    parquet: Path
    metadata: Path
    rows_read: int
    rows_imported: int
    observations: int
    sub_flows: dict[str, int]
    breakdown_rows: int
    first_period: str | None
    last_period: str | None
    reporters: list[str]
    partners: list[str]
    commodities: list[str]
    synthetic: bool
    seconds: float

    def lines(self) -> list[str]:
        out = [
            f"imported {self.rows_imported} of {self.rows_read} rows as {self.observations} "
            f"observations ({self.first_period} to {self.last_period})",
            f"reporters {', '.join(self.reporters)}; partners {', '.join(self.partners)}; "
            f"{len(self.commodities)} commodity code(s)",
        ]
        if self.sub_flows:
            left = ", ".join(f"{k} {v}" for k, v in sorted(self.sub_flows.items()))
            out.append(
                f"left out sub-flow rows ({left}): re-exports and re-imports are already part of "
                "exports and imports, so they are not added again"
            )
        if self.breakdown_rows:
            out.append(
                f"left out {self.breakdown_rows} breakdown rows (by second partner, mode of "
                "transport or customs procedure): their totals are imported instead"
            )
        if self.synthetic:
            out.append("SYNTHETIC: this file is a made-up test fixture, not UN Comtrade data")
        out.append(f"wrote {self.parquet} and {self.metadata.name} in {self.seconds:.1f} s")
        return out


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
    name = _stem(path)
    header, delimiter = _read_header(path)
    present = _check_columns(header, str(path))
    synthetic = "synthetic" in path.name.lower() if synthetic is None else synthetic
    accessed = accessed or dt.date.fromtimestamp(path.stat().st_mtime)
    source = codes.source_record(path.name, name, accessed=accessed, synthetic=synthetic)
    # First pass: numbers and periods parsed by pyarrow as it reads (fast). Any number or
    # period it cannot parse, or that breaks a rule, sends us to a second pass that reads
    # every cell as text, so each problem is reported with the text as written.
    with progress_bar(path.stat().st_size, f"import {path.name}", unit="B") as bar:
        for typed in (True, False):
            tally = _Tally(max_problems=max_problems, label=str(path))
            bar.reset()
            try:
                with path.open("rb") as raw:
                    hashing = _HashingReader(raw, on_read=bar.update)
                    stream = (
                        gzip.GzipFile(fileobj=hashing) if path.name.endswith(".gz") else hashing
                    )
                    reader = _open_csv(stream, present, delimiter, block_bytes, tally, typed=typed)
                    batches = _csv_batches(reader, str(path), tally, typed=typed)
                    outcome = _normalise_and_write(
                        batches, present, source, countries, out_dir, name, replace, tally
                    )
                    while hashing.read(1 << 20):  # hash to the end even if the reader stopped
                        pass
                break
            except _ReadAsText:
                if not typed:  # pragma: no cover - the text pass never asks for itself
                    raise
                _LOGGER.info("%s: a value needs reading as text; second pass", path.name)
    input_record = {
        "kind": "csv",
        "path": _display_path(path),
        "name": path.name,
        "sha256": hashing.sha256.hexdigest(),
        "bytes": hashing.bytes,
    }
    return _finish(outcome, [input_record], source, synthetic, tally, started)


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
        meta = _response_metadata(path)
        if meta.get("truncated") or meta.get("error"):
            continue  # cut off (superseded by smaller requests) or an error answer
        usable.append(path)
        inputs.append({
            "kind": "api-response",
            "path": _display_path(path),
            "name": path.name,
            "sha256": _sha256(path),
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
    tally = _Tally(max_problems=max_problems, label=name)
    tables, present = _response_tables(usable, tally)
    batches = ((t.to_batches()[0], start) for t, start in tables if t.num_rows)
    outcome = _normalise_and_write(
        batches, present, source, countries, out_dir, name, replace, tally
    )
    return _finish(outcome, inputs, source, synthetic, tally, started)


# ---------------------------------------------------------------------------------------------
# Reading


class _HashingReader(io.RawIOBase):
    """A read-only file that computes the sha256 of the bytes read through it."""

    def __init__(
        self, handle: io.BufferedReader, on_read: Callable[[int], object] | None = None
    ) -> None:
        self._handle = handle
        self.sha256 = hashlib.sha256()
        self.bytes = 0
        self._on_read = on_read  # a progress bar's update

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.sha256.update(data)
        self.bytes += len(data)
        if self._on_read is not None and data:
            self._on_read(len(data))
        return data

    def readinto(self, buffer) -> int:  # used by gzip
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".csv", ".tsv", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _display_path(path: Path) -> str:
    from kzaf.paths import PROJECT_ROOT

    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _read_header(path: Path) -> tuple[list[str], str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except UnicodeDecodeError as exc:
        raise ComtradeFormatError(f"{path}: not UTF-8 text ({exc})") from exc
    except (OSError, EOFError) as exc:
        raise ComtradeFormatError(f"{path}: cannot be read ({exc})") from exc
    if not first.strip():
        raise ComtradeFormatError(f"{path}: empty file (no header line)")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    cells = next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter))
    return [c.strip() for c in cells], delimiter


def _check_columns(header: Iterable[str], label: str) -> list[str]:
    """The needed columns the file has, in the order used; a missing one is an error."""
    header = list(header)
    have = set(header)
    missing = [c for c in codes.REQUIRED_COLUMNS if c not in have]
    if "period" not in have and not all(c in have for c in codes.REF_PERIOD_COLUMNS):
        absent = [c for c in codes.REF_PERIOD_COLUMNS if c not in have]
        missing.append(f"period (or {' and '.join(absent)})")
    if missing:
        shown = ", ".join(header[:60]) + (" ..." if len(header) > 60 else "")
        raise ComtradeFormatError(
            f"{label}: required column(s) missing: {', '.join(missing)} (the header has: {shown})"
        )
    wanted = [*codes.REQUIRED_COLUMNS, *codes.PERIOD_COLUMNS, *codes.REF_PERIOD_COLUMNS]
    wanted += list(codes.OPTIONAL_COLUMNS)
    if "period" in have:
        wanted = [c for c in wanted if c not in codes.REF_PERIOD_COLUMNS]
    return [c for c in wanted if c in have]


class _ReadAsText(Exception):
    """A typed first pass met a number or period it cannot judge; read everything as text."""


_TYPED = {"primaryValue": pa.float64(), "netWgt": pa.float64(), "period": pa.int32(),
          "refYear": pa.int32(), "refMonth": pa.int32()}  # fmt: skip


def _open_csv(stream, present, delimiter, block_bytes, tally: _Tally, *, typed: bool):
    def on_invalid_row(row) -> str:
        if typed:  # read in parallel, the row's line is unknown: read again, as text
            tally.malformed = True
            return "skip"
        # Single-threaded reading gives each row its physical line number (header = line 1).
        tally.skipped_lines.append(row.number)
        tally.add(
            row.number, f"line {row.number}", "row-shape",
            f"{row.actual_columns} cells where the header has {row.expected_columns}",
        )  # fmt: skip
        if tally.counts["row-shape"] > MAX_MALFORMED_ROWS:
            return "error"
        return "skip"

    options = dict(
        # The typed pass reads with threads (measured about a quarter faster on two cores);
        # the text pass reads with one, so that pyarrow can tell which line a malformed row
        # sits on.
        read_options=pacsv.ReadOptions(use_threads=typed, block_size=block_bytes),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, ignore_empty_lines=False, invalid_row_handler=on_invalid_row
        ),
        convert_options=pacsv.ConvertOptions(
            include_columns=present,
            column_types={
                c: (_TYPED.get(c, pa.string()) if typed else pa.string()) for c in present
            },
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    try:
        return pacsv.open_csv(stream, **options)  # reads the first block already
    except pa.ArrowInvalid as exc:
        if typed and "conversion error" in str(exc):
            raise _ReadAsText from exc
        raise ComtradeFormatError(f"{tally.label}: not readable as a CSV file ({exc})") from exc


def _csv_batches(reader, label: str, tally: _Tally, *, typed: bool):
    """Blocks of rows with the reading position of their first row."""
    start = 0
    try:
        for batch in reader:
            if tally.malformed:
                raise _ReadAsText
            tally.rows_read += batch.num_rows
            yield batch, start
            start += batch.num_rows
        if tally.malformed:
            raise _ReadAsText
    except pa.ArrowInvalid as exc:
        if typed and "conversion error" in str(exc):
            raise _ReadAsText from exc
        if tally.counts["row-shape"] > MAX_MALFORMED_ROWS:
            tally.stopped = f"stopped reading after {MAX_MALFORMED_ROWS} malformed rows"
            return
        raise ComtradeFormatError(
            f"{label}: not readable as a Comtrade CSV export ({exc})"
        ) from exc


def _response_metadata(path: Path) -> dict[str, Any]:
    meta_path = path.with_name(path.name[: -len(".json")] + ".meta.json")
    if not meta_path.exists():
        return {}
    return json.loads(meta_path.read_text(encoding="utf-8"))


def _response_tables(paths: list[Path], tally: _Tally) -> tuple[list[tuple[pa.Table, int]], list]:
    """Each response's records as a table of text columns, with its first global row."""
    loaded = []
    for path in paths:
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ComtradeFormatError(f"{path}: not a JSON API response ({exc})") from exc
        records = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ComtradeFormatError(f"{path}: no 'data' list of records (not an API response)")
        loaded.append((path, records))
    names = {k for _, records in loaded for r in records for k in r}
    if not names:
        return [], []
    present = _check_columns(sorted(names), ", ".join(p.name for p, _ in loaded))
    tables, start = [], 0
    for path, records in loaded:
        columns = {c: pa.array([_as_text(r.get(c)) for r in records], pa.string()) for c in present}
        tables.append((pa.table(columns), start))
        tally.locations.append((start, path.name))
        tally.rows_read += len(records)
        start += len(records)
    return tables, present


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return repr(value) if isinstance(value, float) else str(value)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Checking and normalising


@dataclass
class _Tally:
    """Running counts and the first problems of each kind, in file order."""

    max_problems: int
    label: str
    problems: dict[str, list[RowProblem]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    skipped_lines: list[int] = field(default_factory=list)  # blank or malformed, physical lines
    locations: list[tuple[int, str]] = field(default_factory=list)  # JSON: (first row, file)
    rows_read: int = 0
    rows_imported: int = 0
    observations: int = 0
    sub_flows: Counter[str] = field(default_factory=Counter)
    breakdown_rows: int = 0
    unknown_codes: dict[str, Counter[str]] = field(default_factory=dict)
    keys: list[np.ndarray] = field(default_factory=list)
    key_rows: list[np.ndarray] = field(default_factory=list)
    periods: set[str] = field(default_factory=set)
    reporters: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)
    commodities: set[str] = field(default_factory=set)
    stopped: str | None = None
    malformed: bool = False  # a malformed row met while reading in parallel

    def add(self, order: int, where: str, rule: str, message: str) -> None:
        self.counts[rule] += 1
        kept = self.problems.setdefault(rule, [])
        if len(kept) < self.max_problems:
            kept.append(RowProblem(order, where, rule, message))

    def room(self, rule: str) -> int:
        return self.max_problems - len(self.problems.get(rule, []))

    def where(self, row: int) -> tuple[int, str]:
        """Sort key and label of a data row (0-based, in reading order)."""
        if self.locations:  # API responses: name the file and the record
            first, name = self.locations[bisect.bisect_right(self.locations, (row, "\uffff")) - 1]
            return row, f"{name} record {row - first + 1}"
        line = row + 2  # the header is line 1
        for skipped in self.skipped_lines:  # appended in file order, so already sorted
            if skipped <= line:
                line += 1
            else:
                break
        return line, f"line {line}"

    def first_problems(self) -> list[RowProblem]:
        every = sorted((p for kept in self.problems.values() for p in kept), key=lambda p: p.order)
        return every[: self.max_problems]


@dataclass(frozen=True)
class _Lookup:
    codes: pa.Array  # Comtrade codes as text
    iso3: pa.Array  # ISO3 at the same positions

    @classmethod
    def from_countries(cls, countries: pd.DataFrame | None) -> _Lookup:
        if countries is None:
            from kzaf import data

            countries = data.load().countries
        mapping = codes.comtrade_codes(countries)
        return cls(pa.array(list(mapping)), pa.array(list(mapping.values())))

    def position(self, iso3: str) -> int:
        """Where a country sits in the lookup (-1 when the table does not have it)."""
        names = self.iso3.to_pylist()
        return names.index(iso3) if iso3 in names else -1


def _normalise_and_write(batches, present, source, countries, out_dir, name, replace, tally):
    lookup = _Lookup.from_countries(countries)
    out_dir = Path(out_dir) if out_dir else imported_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    parquet, metadata = out_dir / f"{name}.parquet", out_dir / f"{name}.json"
    _guard_replace(metadata, replace, name)
    partial = out_dir / f".{name}.parquet.partial"
    # Statistics and dictionary pages help every column but the values themselves, which are
    # nearly all distinct (measured: about a fifth of the writing time).
    others = [c for c in STORED_COLUMNS if c != "value"]
    writer = pq.ParquetWriter(partial, _STORED_SCHEMA, compression="snappy",
                              use_dictionary=others, write_statistics=others)  # fmt: skip
    try:
        for batch, start in batches:
            table = _normalise(batch, start, present, lookup, source.source_id, tally)
            if table is not None and table.num_rows and not tally.counts:
                writer.write_table(table)
                tally.observations += table.num_rows
        writer.close()
        _check_duplicates(tally)
    except BaseException:
        writer.close()
        partial.unlink(missing_ok=True)
        raise
    if tally.counts or tally.stopped:
        partial.unlink(missing_ok=True)
        notes = [tally.stopped] if tally.stopped else []
        for column, seen in sorted(tally.unknown_codes.items()):
            shown = ", ".join(f"{c!r} ({n} rows)" for c, n in seen.most_common(20))
            notes.append(f"unknown codes in {column}: {shown}")
        raise ComtradeImportError(tally.label, tally.first_problems(), tally.counts, notes)
    if tally.rows_imported == 0:
        partial.unlink(missing_ok=True)
        left = ", ".join(f"{k} {v}" for k, v in sorted(tally.sub_flows.items())) or "none"
        raise ComtradeFormatError(
            f"{tally.label}: nothing to import: {tally.rows_read} rows read, none a headline "
            f"import (M) or export (X) total (sub-flow rows: {left}; breakdown rows: "
            f"{tally.breakdown_rows}). No rows means no figures, not zero trade."
        )
    return partial, parquet, metadata


def _main_flow_rows(batch, start, present, tally: _Tally):
    """The block's rows of main flows (imports, exports) that are not breakdowns, with their
    row numbers; unknown flows reported, sub-flows and breakdown rows counted. None if none."""
    flow = batch.column("flowCode")
    main = pc.is_in(flow, value_set=pa.array(list(codes.FLOWS)))
    sub = pc.is_in(flow, value_set=pa.array(list(codes.SUB_FLOWS)))
    unknown_flow = pc.invert(pc.or_(main, sub))
    if pc.any(pc.equal(flow, "")).as_py():
        # A blank line reads as a row of empty cells: not a figure and not a problem.
        blank = pc.equal(flow, "")
        for column in present:
            cells = batch.column(column)
            empty = pc.equal(cells, "") if pa.types.is_string(cells.type) else pc.is_null(cells)
            blank = pc.and_(blank, empty)
        unknown_flow = pc.and_(unknown_flow, pc.invert(blank))
    rows = pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64))
    _report(tally, unknown_flow, rows, "flow-code", [flow], lambda f: (
        f"column flowCode: unknown flow {f!r} (expected M or X, or a sub-flow such as RX, RM)"
    ))  # fmt: skip
    for item in pc.value_counts(pc.filter(flow, sub)).to_pylist():
        tally.sub_flows[item["values"]] += item["counts"]
    breakdown = None
    for column, totals in codes.BREAKDOWN_TOTALS.items():
        if column in present:
            part = pc.invert(pc.is_in(batch.column(column), value_set=pa.array(totals)))
            breakdown = part if breakdown is None else pc.or_(breakdown, part)
    keep = main if breakdown is None else pc.and_(main, pc.invert(breakdown))
    if breakdown is not None:
        tally.breakdown_rows += pc.sum(pc.and_(main, breakdown)).as_py() or 0
    kept_at = pc.indices_nonzero(keep)
    if len(kept_at) == 0:
        return None
    if len(kept_at) < batch.num_rows:
        batch, rows = batch.take(kept_at), pc.take(rows, kept_at)
    return batch, rows


def _normalise(batch, start, present, lookup: _Lookup, source_id: str, tally: _Tally):
    """Check one block of rows and return its observations (value rows, then quantity rows)."""
    selected = _main_flow_rows(batch, start, present, tally)
    if selected is None:
        return None
    kept, rows = selected
    col = kept.column
    bad = []

    # Countries: Comtrade code -> ISO3 through the countries table.
    positions = {}
    for column in ("reporterCode", "partnerCode"):
        where = pc.index_in(col(column), value_set=lookup.codes)
        unknown = pc.is_null(where)
        if pc.any(unknown).as_py():
            seen = tally.unknown_codes.setdefault(column, Counter())
            for item in pc.value_counts(pc.filter(col(column), unknown)).to_pylist():
                seen[item["values"]] += item["counts"]
        _report(tally, unknown, rows, f"unknown-{column}", [col(column)], lambda v, c=column: (
            codes.unknown_code_message(c, v)
        ))  # fmt: skip
        positions[column] = pc.fill_null(where, 0)
        bad.append(unknown)

    # Commodity: TOTAL or an HS code kept as text.
    cmd = col("cmdCode")
    cmd_ok = pc.match_substring_regex(cmd, codes.HS_CODE.pattern)
    _report(tally, pc.invert(cmd_ok), rows, "hs-code", [cmd], codes.hs_code_message)
    bad.append(pc.invert(cmd_ok))

    year, month, period_bad = _periods(kept, present, rows, tally)
    bad.append(period_bad)

    value, value_bad = _number(col("primaryValue"), "primaryValue", rows, tally, required=True)
    bad.append(value_bad)
    if "netWgt" in present:
        weight, weight_bad = _number(col("netWgt"), "netWgt", rows, tally, required=False)
        bad.append(weight_bad)
    else:
        weight = pa.nulls(kept.num_rows, pa.float64())

    bad = [mask for mask in bad if mask is not None]
    any_bad = bad[0]
    for mask in bad[1:]:
        any_bad = pc.or_(any_bad, mask)
    good_at = pc.indices_nonzero(pc.invert(any_bad))
    tally.rows_imported += len(good_at)
    if len(good_at) == 0:
        return None
    n = len(good_at)

    def take(array):
        return array if n == kept.num_rows else pc.take(array, good_at)

    reporter_at, partner_at = take(positions["reporterCode"]), take(positions["partnerCode"])
    flow, cmd, year, month = take(col("flowCode")), take(cmd), take(year), take(month)
    value, weight = take(value), take(weight)
    is_export = pc.equal(flow, "X")
    is_total = pc.equal(cmd, "TOTAL")
    _remember_keys(tally, reporter_at, partner_at, is_export, cmd, is_total, year, month,
                   take(rows), len(lookup.codes))  # fmt: skip
    if tally.counts:
        return None  # the import will fail: skip building rows nobody will read

    # Text columns are built as dictionary arrays (small integer codes into a fixed list of
    # texts): no string is copied per row, and Parquet stores them compactly.
    reporter = _numpy(reporter_at, np.int32)
    partner = _numpy(partner_at, np.int32)
    afghan = (reporter == lookup.position("AFG")) | (partner == lookup.position("AFG"))
    kazakh = (reporter == lookup.position("KAZ")) | (partner == lookup.position("KAZ"))
    total = _numpy(is_total, bool)
    period = (_numpy(year, np.int32) - _FIRST_YEAR) * 13 + _numpy(month, np.int32)
    common = {
        "topic": _text(np.where(afghan & ~kazakh, 0, np.where(total, 1, 2)), _TOPICS),
        "reporter": _text(reporter, lookup.iso3),
        "partner": _text(partner, lookup.iso3),
        "flow": _text(_numpy(is_export, np.int32), _FLOW_NAMES),
        "commodity": cmd,
        "period_start": _text(period, _PERIOD_START),
        "period_end": _text(period, _PERIOD_END),
    }
    tally.reporters.update(lookup.iso3.take(pa.array(np.unique(reporter))).to_pylist())
    tally.partners.update(lookup.iso3.take(pa.array(np.unique(partner))).to_pylist())
    tally.commodities.update(pc.unique(cmd).to_pylist())
    seen = pa.array(np.unique(period))
    tally.periods.update(_PERIOD_START.take(seen).to_pylist() + _PERIOD_END.take(seen).to_pylist())

    no = np.zeros(n, dtype=bool)
    value_rows = _stored(common, n, "value", pc.divide(value, 1e6), codes.VALUE_UNIT, source_id,
                         no, no.astype(np.int32))  # fmt: skip
    has_weight = _numpy(pc.is_valid(weight), bool)
    if not has_weight.any():
        return value_rows
    estimated = (
        _numpy(pc.is_in(take(col("isNetWgtEstimated")), value_set=pa.array(_TRUE)), bool)
        if "isNetWgtEstimated" in present
        else np.zeros(n, dtype=bool)
    )
    # A zero net weight beside a positive value is most likely weight not reported.
    zero_weight = _numpy(pc.fill_null(pc.and_(pc.equal(weight, 0.0), pc.greater(value, 0.0)),
                                      False), bool)  # fmt: skip
    note = np.where(zero_weight, 2, np.where(estimated, 1, 0))
    at = pa.array(np.flatnonzero(has_weight))
    quantity_rows = _stored(
        {k: pc.take(v, at) for k, v in common.items()}, len(at), "quantity",
        pc.divide(pc.take(weight, at), 1e6), codes.QUANTITY_UNIT, source_id,
        zero_weight[has_weight], note[has_weight],
    )  # fmt: skip
    return pa.concat_tables([value_rows, quantity_rows])


def _numpy(array, dtype) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False).astype(dtype, copy=False)


def _text(indices: np.ndarray, texts: pa.Array) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32, copy=False)), texts)


def _stored(common, n, measure, value, unit, source_id, suspect, note) -> pa.Table:
    zeros = np.zeros(n, dtype=np.int32)
    columns = {
        **common,
        "measure": _text(zeros, pa.array([measure])),
        "value": value,
        "unit": _text(zeros, pa.array([unit])),
        "source_id": _text(zeros, pa.array([source_id])),
        "precision": _text(zeros, pa.array(["exact"])),
        "basis": _text(zeros, pa.array(["calendar"])),
        "suspect": pa.array(suspect),
        "note": _text(note, _VALUE_NOTES if measure == "value" else _QUANTITY_NOTES),
    }
    return pa.table([columns[c] for c in STORED_COLUMNS], schema=_STORED_SCHEMA)


def _report(tally: _Tally, mask, rows, rule: str, arrays, message: Callable[..., str]) -> None:
    """Count the rows where ``mask`` holds and keep the first few with their values."""
    count = pc.sum(mask).as_py() or 0
    if not count:
        return
    at = pc.indices_nonzero(mask)
    shown = at[: max(tally.room(rule), 0)]
    tally.counts[rule] += count - len(shown)
    values = [pc.take(a, shown).to_pylist() for a in arrays]
    for row, *cells in zip(pc.take(rows, shown).to_pylist(), *values, strict=True):
        order, where = tally.where(row)
        tally.add(order, where, rule, message(*cells))


def _number(text, column: str, rows, tally: _Tally, *, required: bool):
    """Parse a numeric text column; return (float array with nulls for empty, bad mask)."""
    if pa.types.is_floating(text.type):  # parsed while reading: check it, or read as text
        wrong = pc.or_(pc.invert(pc.is_finite(text)), pc.less(text, 0.0))
        wrong = pc.fill_null(wrong, required)
        if pc.any(wrong).as_py():
            raise _ReadAsText
        return text, None
    empty = pc.equal(text, "")
    ok = pc.match_substring_regex(text, _NUMBER)
    number = pc.cast(pc.if_else(ok, text, "0"), pa.float64())
    not_number = pc.and_(pc.invert(ok), pc.invert(empty))
    negative = pc.and_(ok, pc.less(number, 0.0))
    _report(tally, not_number, rows, f"{column}-not-a-number", [text], lambda v: (
        f"column {column}: {v!r} is not a number"
    ))  # fmt: skip
    _report(tally, negative, rows, f"{column}-negative", [text], lambda v: (
        f"column {column}: negative value {v}"
    ))  # fmt: skip
    bad = pc.or_(not_number, negative)
    if required:
        _report(tally, empty, rows, f"{column}-empty", [text], lambda _v: (
            f"column {column} is empty: a missing value is not zero trade"
        ))  # fmt: skip
        bad = pc.or_(bad, empty)
    return pc.if_else(empty, pa.scalar(None, pa.float64()), number), bad


def _periods(kept, present, rows, tally: _Tally):
    """(year int32, month int32 with 0 for a whole year, bad mask) from period or refYear/Month."""
    freq = kept.column("freqCode") if "freqCode" in present else None
    if pa.types.is_integer(kept.column("period" if "period" in present else "refYear").type):
        return _typed_periods(kept, present, freq)
    if "period" in present:
        period = kept.column("period")
        ok = pc.match_substring_regex(period, _PERIOD)
        _report(tally, pc.invert(ok), rows, "period", [period], lambda p: (
            f"column period: {p!r} is not a year (YYYY) or a month (YYYYMM)"
        ))  # fmt: skip
        safe = pc.if_else(ok, period, "2000")
        year = pc.cast(pc.utf8_slice_codeunits(safe, 0, 4), pa.int32())
        monthly = pc.equal(pc.utf8_length(safe), 6)
        month = pc.if_else(
            monthly, pc.cast(pc.utf8_slice_codeunits(pc.if_else(monthly, safe, "000001"), 4, 6),
                             pa.int32()), 0,
        )  # fmt: skip
        shown = [period]
    else:
        ref_year, ref_month = kept.column("refYear"), kept.column("refMonth")
        ok = pc.and_(
            pc.match_substring_regex(ref_year, _YEAR),
            pc.match_substring_regex(ref_month, _REF_MONTH),
        )
        _report(tally, pc.invert(ok), rows, "period", [ref_year, ref_month], lambda y, m: (
            f"columns refYear/refMonth: {y!r}/{m!r} is not a year and a month (1-12, or 52 "
            "for a whole year)"
        ))  # fmt: skip
        year = pc.cast(pc.if_else(ok, ref_year, "2000"), pa.int32())
        month = pc.cast(pc.if_else(ok, ref_month, "52"), pa.int32())
        monthly = pc.not_equal(month, 52)
        month = pc.if_else(monthly, month, 0)
        shown = [pc.binary_join_element_wise(ref_year, ref_month, "/")]
    outside = pc.and_(ok, pc.or_(pc.less(year, _FIRST_YEAR), pc.greater(year, _LAST_YEAR)))
    _report(tally, outside, rows, "period", shown, lambda p: (
        f"period {p!r}: year outside {_FIRST_YEAR}-{_LAST_YEAR}"
    ))  # fmt: skip
    bad = pc.or_(pc.invert(ok), outside)
    if freq is not None:
        agrees = pc.or_(
            pc.and_(pc.equal(freq, "A"), pc.invert(monthly)),
            pc.and_(pc.equal(freq, "M"), monthly),
        )
        mismatch = pc.and_(ok, pc.invert(agrees))
        _report(tally, mismatch, rows, "frequency", [freq, *shown], lambda f, p: (
            f"column freqCode: {f!r} does not fit the period {p!r} (A for a year, M for a month)"
        ))  # fmt: skip
        bad = pc.or_(bad, mismatch)
    return year, month, bad


def _typed_periods(kept, present, freq):
    """Periods parsed as integers while reading; anything odd is read again as text."""
    if "period" in present:
        period = kept.column("period")
        annual = pc.less(period, 10_000)
        year = pc.if_else(annual, period, pc.divide(period, 100))
        month = pc.if_else(annual, 0, pc.subtract(period, pc.multiply(pc.divide(period, 100), 100)))
        month_ok = pc.or_(annual, pc.and_(pc.greater_equal(month, 1), pc.less_equal(month, 12)))
    else:
        year, month = kept.column("refYear"), kept.column("refMonth")
        annual = pc.equal(month, 52)
        month_ok = pc.or_(annual, pc.and_(pc.greater_equal(month, 1), pc.less_equal(month, 12)))
        month = pc.if_else(annual, 0, month)
    fine = pc.and_(month_ok, pc.and_(pc.greater_equal(year, _FIRST_YEAR),
                                     pc.less_equal(year, _LAST_YEAR)))  # fmt: skip
    if freq is not None:
        agrees = pc.or_(pc.and_(pc.equal(freq, "A"), annual),
                        pc.and_(pc.equal(freq, "M"), pc.invert(annual)))  # fmt: skip
        fine = pc.and_(fine, agrees)
    if not pc.all(pc.fill_null(fine, False)).as_py():
        raise _ReadAsText
    return pc.cast(year, pa.int32()), pc.cast(month, pa.int32()), None


def _remember_keys(tally, reporter_at, partner_at, is_export, cmd, is_total, year, month, rows,
                   n_codes):  # fmt: skip
    """Pack each row's identity (who, flow, goods, period) into an int64 for the duplicate check."""
    digits = pc.utf8_length(cmd).to_numpy(zero_copy_only=False).astype(np.int64)
    total = is_total.to_numpy(zero_copy_only=False)
    level = np.where(total, 0, digits // 2)  # 0 TOTAL, 1 chapter, 2 heading, 3 subheading
    number = pc.cast(pc.if_else(is_total, "0", cmd), pa.int64()).to_numpy(zero_copy_only=False)
    key = reporter_at.to_numpy(zero_copy_only=False).astype(np.int64) * n_codes
    key = (key + partner_at.to_numpy(zero_copy_only=False)) * 2
    key = (key + is_export.to_numpy(zero_copy_only=False)) * 4 + level
    key = key * 1_000_000 + number
    key = (
        key * 40_000
        + year.to_numpy(zero_copy_only=False) * 13
        + month.to_numpy(zero_copy_only=False)
    )
    tally.keys.append(key)
    tally.key_rows.append(rows.to_numpy(zero_copy_only=False))


def _check_duplicates(tally: _Tally) -> None:
    if not tally.keys:
        return
    keys, rows = np.concatenate(tally.keys), np.concatenate(tally.key_rows)
    tally.keys, tally.key_rows = [], []
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeat = np.nonzero(ordered[1:] == ordered[:-1])[0]
    if len(repeat) == 0:
        return
    # Each repeat is reported at its later row, naming the earliest row with the same key
    # (the first of its run in the stable sort).
    later = rows[order[repeat + 1]]
    group_start = np.searchsorted(ordered, ordered[repeat + 1], side="left")
    earlier = rows[order[group_start]]
    shown = np.argsort(later, kind="stable")[: tally.max_problems]
    tally.counts["duplicate"] += len(repeat) - len(shown)
    for i in shown:
        order_key, where = tally.where(int(later[i]))
        _, first = tally.where(int(earlier[i]))
        tally.add(order_key, where, "duplicate", (
            f"same reporter, partner, flow, commodity and period as {first}: a figure "
            "would be counted twice"
        ))  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Saving


def _guard_replace(metadata: Path, replace: bool, name: str) -> None:
    if metadata.exists() and not replace:
        raise ComtradeFormatError(
            f"an import named {name!r} already exists ({metadata}); pass replace=True "
            "(kzaf import comtrade --replace) to rebuild it, or rename the file"
        )


def _finish(outcome, inputs, source, synthetic, tally: _Tally, started: float) -> ImportSummary:
    partial, parquet, metadata = outcome
    periods = sorted(tally.periods)
    summary = ImportSummary(
        name=parquet.stem,
        parquet=parquet,
        metadata=metadata,
        rows_read=tally.rows_read,
        rows_imported=tally.rows_imported,
        observations=tally.observations,
        sub_flows=dict(tally.sub_flows),
        breakdown_rows=tally.breakdown_rows,
        first_period=periods[0] if periods else None,
        last_period=periods[-1] if periods else None,
        reporters=sorted(tally.reporters),
        partners=sorted(tally.partners),
        commodities=sorted(tally.commodities),
        synthetic=synthetic,
        seconds=0.0,
    )
    from kzaf import __version__

    os.replace(partial, parquet)
    summary.seconds = time.perf_counter() - started
    record = {
        "kind": IMPORT_KIND,
        "synthetic": synthetic,
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "producer": f"kzaf {__version__} (kzaf import comtrade)",
        "inputs": inputs,
        "output": {"file": parquet.name, "sha256": _sha256(parquet), "rows": tally.observations},
        "rows_read": tally.rows_read,
        "rows_imported": tally.rows_imported,
        "left_out": {"sub_flows": dict(tally.sub_flows), "breakdown_rows": tally.breakdown_rows},
        "periods": {"first": summary.first_period, "last": summary.last_period},
        "reporters": summary.reporters,
        "partners": summary.partners,
        "commodities": summary.commodities,
        "source": source.as_dict(),
        "licence_note": codes.LICENCE_NOTE,
        "seconds": round(summary.seconds, 2),
    }
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    metadata.with_name(metadata.name + ".partial").write_text(text, encoding="utf-8")
    os.replace(metadata.with_name(metadata.name + ".partial"), metadata)
    return summary


# ---------------------------------------------------------------------------------------------
# Loading what was imported


class ImportedData(NamedTuple):
    """Imported observations and their sources, in the columns and dtypes of kzaf.data.load()."""

    observations: pd.DataFrame
    sources: pd.DataFrame

    @property
    def synthetic(self) -> bool:
        """True when any figure comes from a synthetic test fixture (show a banner)."""
        return bool(self.sources["title"].str.startswith(codes.SYNTHETIC_TITLE_PREFIX).any())


def import_metadata(directory: Path | str | None = None) -> list[dict[str, Any]]:
    """The metadata of every import in the folder (what was read, counts, synthetic or not)."""
    directory = Path(directory) if directory else imported_dir()
    records = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("kind") == IMPORT_KIND:
            records.append({**record, "metadata_file": str(path)})
    return records


def load_imported(
    directory: Path | str | None = None,
    *,
    names: Sequence[str] | None = None,
    reporters: Sequence[str] | None = None,
    partners: Sequence[str] | None = None,
    commodities: Sequence[str] | None = None,
) -> ImportedData:
    """Every import in the folder (or those named) as ``(observations, sources)``.

    ``reporters``/``partners`` (ISO3) and ``commodities`` (TOTAL or HS codes) keep only those
    figures, filtered before anything is turned into Python objects: loading a million-row
    import whole costs memory a notebook does not need. Raises FileNotFoundError, saying what
    to run, when nothing was imported; ValueError when an import's file was changed after it
    was written or two imports hold the same figure.
    """
    directory = Path(directory) if directory else imported_dir()
    records = import_metadata(directory)
    if names is not None:
        wanted = set(names)
        records = [r for r in records if Path(r["output"]["file"]).stem in wanted]
        missing = wanted - {Path(r["output"]["file"]).stem for r in records}
        if missing:
            raise FileNotFoundError(f"no import named {', '.join(sorted(missing))} in {directory}")
    if not records:
        raise FileNotFoundError(
            f"no imported UN Comtrade data in {directory}: run `kzaf import comtrade FILE` "
            "first (a Comtrade CSV export, or a folder saved by `kzaf fetch comtrade`; for the "
            "synthetic test fixture: `kzaf import comtrade "
            "tests/fixtures/comtrade/comtrade_KAZ_AFG_monthly_2019-2024_SYNTHETIC.csv`)"
        )
    frames = []
    for record in records:
        parquet = directory / record["output"]["file"]
        if not parquet.exists():
            raise FileNotFoundError(
                f"{parquet}: described by {record['metadata_file']} but missing; run the "
                "import again"
            )
        if _sha256(parquet) != record["output"]["sha256"]:
            raise ValueError(
                f"{parquet} changed after it was imported (sha256 differs from "
                f"{Path(record['metadata_file']).name}); imports are derived data, never "
                "edited: run `kzaf import comtrade FILE --replace` again"
            )
        table = pq.read_table(parquet)
        for column, kept in (("reporter", reporters), ("partner", partners),
                               ("commodity", commodities)):  # fmt: skip
            if kept is not None:
                keep = pc.is_in(pc.cast(table.column(column), pa.string()),
                                value_set=pa.array(list(kept), pa.string()))  # fmt: skip
                table = table.filter(keep)
        frames.append(_observations_frame(table))
    observations = frames[0]
    if len(frames) > 1:  # one import's figures are distinct (checked when it was made)
        observations = pd.concat(frames, ignore_index=True)
        _check_unique_ids(observations, records)
    sources = pd.DataFrame(
        [{c: r["source"].get(c, "") for c in SOURCE_COLUMNS} for r in records],
        columns=list(SOURCE_COLUMNS),
    )
    for name in SOURCE_COLUMNS:
        sources[name] = sources[name].astype(object)
    return ImportedData(observations, sources)


def _observations_frame(table: pa.Table) -> pd.DataFrame:
    """A stored import as observations: obs_id derived, text as object, months as Periods."""
    text = {
        name: pc.cast(table.column(name), pa.string())
        for name in ("reporter", "partner", "flow", "commodity", "measure", "period_start",
                     "period_end")
    }  # fmt: skip
    start, end = text["period_start"], text["period_end"]
    # A single month is named YYYYMM, a whole year YYYY (a record covers one or the other).
    period_id = pc.if_else(
        pc.equal(start, end),
        pc.replace_substring(start, "-", ""),
        pc.utf8_slice_codeunits(start, 0, 4),
    )
    obs_id = pc.binary_join_element_wise(
        "CT", text["reporter"], text["partner"],
        pc.if_else(pc.equal(text["flow"], "export"), "X", "M"), text["commodity"], period_id,
        pc.if_else(pc.equal(text["measure"], "value"), "V", "Q"), "-",
    )  # fmt: skip
    # Text stays object dtype, as kzaf.data.load() gives it (said explicitly: pandas would
    # otherwise infer its string dtype and copy every value).
    frame = {"obs_id": pd.Series(_objects(obs_id, distinct=False), dtype=object, copy=False)}
    for name in STORED_COLUMNS:
        column = table.column(name)
        if name in ("period_start", "period_end"):
            frame[name] = pd.Series(
                # pandas >= 2.2 has from_ordinals; pandas-stubs does not list it yet.
                pd.PeriodIndex.from_ordinals(_month_ordinals(column), freq="M"),  # type: ignore[attr-defined]
                copy=False,
            )
        elif name == "value":
            frame[name] = pd.Series(_numpy(column, float), copy=False)
        elif name == "suspect":
            frame[name] = pd.Series(_numpy(column, bool), copy=False)
        else:
            frame[name] = pd.Series(_objects(column), dtype=object, copy=False)
    # Provenance, derived rather than stored: a Comtrade figure is its reporter's own
    # declaration, and each record is its own statement (kzaf.provenance).
    frame["attributed_to"] = frame["reporter"]
    frame["restates"] = frame["distinct_from"] = pd.Series(
        "", index=frame["obs_id"].index, dtype=object
    )
    return pd.DataFrame(frame, columns=list(MODEL_COLUMNS))


def _chunks(column) -> list[pa.Array]:
    return column.chunks if isinstance(column, pa.ChunkedArray) else [column]


def _objects(column, *, distinct: bool = True) -> np.ndarray:
    """Text as a numpy object array; with ``distinct``, one Python str per distinct value."""
    parts = []
    for chunk in _chunks(column):
        if not distinct:
            parts.append(chunk.to_numpy(zero_copy_only=False))
            continue
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        texts = np.asarray([*chunk.dictionary.to_pylist(), None], dtype=object)
        parts.append(texts[_numpy(chunk.indices, np.int64)])
    return np.concatenate(parts) if parts else np.empty(0, dtype=object)


def _month_ordinals(column) -> np.ndarray:
    """ "YYYY-MM" text (dictionary-encoded) -> pandas monthly ordinals (months since 1970-01)."""
    parts = []
    for chunk in _chunks(column):
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        texts = chunk.dictionary.to_pylist()
        ordinals = np.array([(int(t[:4]) - 1970) * 12 + int(t[5:7]) - 1 for t in texts] + [0])
        parts.append(ordinals[_numpy(chunk.indices, np.int64)])
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _check_unique_ids(observations: pd.DataFrame, records: list[dict[str, Any]]) -> None:
    repeated = observations["obs_id"].duplicated(keep=False)
    if not repeated.any():
        return
    clash = observations.loc[repeated, ["obs_id", "source_id"]].drop_duplicates()
    example = clash["obs_id"].iloc[0]
    sources = sorted(set(clash.loc[clash["obs_id"] == example, "source_id"]))
    raise ValueError(
        f"{int(repeated.sum())} figures appear in more than one import (e.g. {example} in "
        f"{', '.join(sources)}): two extracts of the same query would count each figure twice. "
        "Load one with load_imported(names=[...]) or remove the older import's .parquet and "
        ".json"
    )
