"""Load: a Comtrade CSV export read a block at a time, and saved API answers read whole.

A CSV export (comma- or tab-separated, optionally gzipped) goes through pyarrow's streaming
CSV reader, a few megabytes at a time, only the columns the model needs: memory stays
bounded by the block size whatever the file's length. Saved API answers (JSON) become one
table of text columns each.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from kzaf.comtrade import codes
from kzaf.comtrade.checks import Tally
from kzaf.comtrade.errors import ComtradeFormatError, ReadAsText

# A file with this many rows of the wrong shape is not a Comtrade export; stop reading it.
MAX_MALFORMED_ROWS = 1000


class HashingReader(io.RawIOBase):
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


def import_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".csv", ".tsv", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def display_path(path: Path) -> str:
    from kzaf.paths import PROJECT_ROOT

    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def read_header(path: Path) -> tuple[list[str], str]:
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


def check_columns(header: Iterable[str], label: str) -> list[str]:
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


TYPED = {"primaryValue": pa.float64(), "netWgt": pa.float64(), "period": pa.int32(),
          "refYear": pa.int32(), "refMonth": pa.int32()}  # fmt: skip


def open_csv(stream, present, delimiter, block_bytes, tally: Tally, *, typed: bool):
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
                c: (TYPED.get(c, pa.string()) if typed else pa.string()) for c in present
            },
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    try:
        return pacsv.open_csv(stream, **options)  # reads the first block already
    except pa.ArrowInvalid as exc:
        if typed and "conversion error" in str(exc):
            raise ReadAsText from exc
        raise ComtradeFormatError(f"{tally.label}: not readable as a CSV file ({exc})") from exc


def csv_batches(reader, label: str, tally: Tally, *, typed: bool):
    """Blocks of rows with the reading position of their first row."""
    start = 0
    try:
        for batch in reader:
            if tally.malformed:
                raise ReadAsText
            tally.rows_read += batch.num_rows
            yield batch, start
            start += batch.num_rows
        if tally.malformed:
            raise ReadAsText
    except pa.ArrowInvalid as exc:
        if typed and "conversion error" in str(exc):
            raise ReadAsText from exc
        if tally.counts["row-shape"] > MAX_MALFORMED_ROWS:
            tally.stopped = f"stopped reading after {MAX_MALFORMED_ROWS} malformed rows"
            return
        raise ComtradeFormatError(
            f"{label}: not readable as a Comtrade CSV export ({exc})"
        ) from exc


def response_metadata(path: Path) -> dict[str, Any]:
    """The ``.meta.json`` saved beside an answer. Without it nothing says whether the answer
    is complete, cut off at the record cap or an error, so an answer without one is refused
    (``kzaf fetch comtrade`` always writes it first)."""
    meta_path = path.with_name(path.name[: -len(".json")] + ".meta.json")
    try:
        record = codes.parse_json(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ComtradeFormatError(
            f"{path}: no {meta_path.name} beside it, so nothing says whether the answer is "
            "complete; import only answers saved by `kzaf fetch comtrade` (fetch it again)"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ComtradeFormatError(f"{meta_path}: not valid JSON metadata ({exc})") from None
    if not isinstance(record, dict):
        raise ComtradeFormatError(f"{meta_path}: not the metadata of a saved answer")
    return record


def response_tables(paths: list[Path], tally: Tally) -> tuple[list[tuple[pa.Table, int]], list]:
    """Each response's records as a table of text columns, with its first global row."""
    loaded = []
    for path in paths:
        try:
            payload = codes.parse_json(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ComtradeFormatError(f"{path}: not a JSON API response ({exc})") from exc
        records = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ComtradeFormatError(f"{path}: no 'data' list of records (not an API response)")
        loaded.append((path, records))
    names = {k for _, records in loaded for r in records for k in r}
    if not names:
        return [], []
    present = check_columns(sorted(names), ", ".join(p.name for p, _ in loaded))
    tables, start = [], 0
    for path, records in loaded:
        columns = {c: pa.array([_as_text(r.get(c)) for r in records], pa.string()) for c in present}
        tables.append((pa.table(columns), start))
        tally.locations.append((start, path.name))
        tally.rows_read += len(records)
        start += len(records)
    return tables, present


def _as_text(value: Any) -> str:
    """A record's value as the text a CSV export would hold; a list or an object, which no
    Comtrade field holds, as its kind (so the row's check names it, and a deeply nested one
    is never printed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list | dict):
        return f"<{'list' if isinstance(value, list) else 'object'}>"
    return repr(value) if isinstance(value, float) else str(value)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
