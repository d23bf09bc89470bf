"""The one reading of a data table's bytes: every kzaf reader of ``data/*.csv`` goes through it.

``kzaf data validate``, ``kzaf.data.load()`` (notebooks, ``kzaf run``'s check) and the light
readers that must not import pandas (the parameter rules' country names, the pages' source
catalogue, the run's data date) all turn a table's bytes into rows here, so a file that
validates is read the same way everywhere. The rules, as data/README.md states them:

* UTF-8. A byte-order mark at the very start (what spreadsheet programs write when saving
  "CSV UTF-8") is dropped, by every reader alike; anything else that is not UTF-8 is refused.
* Records end at ``\\n``, ``\\r\\n`` or ``\\r`` only, as RFC 4180 and the csv module read
  them. Unicode's other line and paragraph separators (U+2028, U+2029, U+0085, form feed...)
  are text inside a cell, not line ends: ``str.splitlines`` would split on them and shift every
  row number after them.
* A cell holds at most ``MAX_CELL_CHARS`` characters and a file at most ``MAX_TABLE_BYTES``
  bytes (both far above any real entry); beyond them the problem names file, row and column.

Standard library only, so the fast paths (a dry run's parameter check) can import it.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BOM = "\ufeff"
# The longest cell in the tables is under 500 characters and the largest file under 200 kB.
MAX_CELL_CHARS = 20_000
MAX_TABLE_BYTES = 32 << 20


@dataclass(frozen=True)
class TextProblem:
    """A problem met while reading: ``row`` counts data rows from 1 (None: the whole file)."""

    row: int | None
    column: str | None
    rule: str
    message: str


class TableTextError(ValueError):
    """A table that cannot be read (raised by :func:`records`, for readers that stop at the
    first problem); the message names the file, row and column."""


@dataclass
class TableText:
    """A table as read: header, data rows with their numbers, problems, and the bytes' sha256."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[TextProblem] = field(default_factory=list)
    sha256: str = ""  # "sha256:<hex>" of the very bytes parsed


def read(path: Path) -> TableText:
    """Read ``path`` once: its bytes are hashed and parsed from the same read.

    Missing files raise FileNotFoundError; every other problem is listed, not raised."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        message = f"{size:,} bytes, over the limit of {MAX_TABLE_BYTES:,} for a data table"
        return TableText([], problems=[TextProblem(None, None, "size", message)])
    data = path.read_bytes()
    table = parse(data)
    table.sha256 = "sha256:" + hashlib.sha256(data).hexdigest()
    return table


def parse(data: bytes) -> TableText:
    """Header and rows of CSV bytes (see the module's rules); blank rows are left out but
    counted, so row N stays line N + 1 of a file without line breaks inside cells."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return TableText([], problems=[TextProblem(None, None, "encoding", _not_utf8(data, exc))])
    text = text.removeprefix(BOM)
    table = TableText([])
    records = _records(text, table)
    header = next(records, None)
    if header is None:
        table.problems.append(TextProblem(None, None, "header", "empty file: no header row"))
        return table
    table.header = [h.strip() for h in header[1]]
    for number, cells in records:
        if any(c.strip() for c in cells):
            _check_cells(number, cells, table)
            table.rows.append((number, cells))
    return table


def records(path: Path, label: str | None = None) -> list[dict[str, str]]:
    """The rows of a table as mappings of header to cell, stripped as :func:`kzaf.data.load`
    strips them (what ``csv.DictReader`` gives, read by the rules of :func:`read`); the first
    problem raises :class:`TableTextError`."""
    table = read(path)
    if table.problems:
        problem = table.problems[0]
        where = [label or str(path)]
        if problem.row is not None:
            where.append(f"row {problem.row}")
        if problem.column is not None:
            where.append(f"column '{problem.column}'")
        raise TableTextError(f"{', '.join(where)}: {problem.message}")
    return [
        {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(table.header)}
        for _, cells in table.rows
    ]


def _records(text: str, table: TableText) -> Iterator[tuple[int, list[str]]]:
    """(data row number, cells); the header is row 0. A CSV syntax error ends the reading
    with a problem at the row where the broken record starts."""
    with _cells_up_to(len(text)):
        # strict: a stray quote is an error, not the start of a cell that swallows the rows
        # after it up to the next quote.
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                message = (
                    f"not readable as CSV from here to line {reader.line_num} ({exc}); is a "
                    "quote in this row left open?"
                )
                table.problems.append(TextProblem(number, None, "csv", message))
                return
            yield number, cells
            number += 1


@contextlib.contextmanager
def _cells_up_to(size: int) -> Iterator[None]:
    """Let the csv module read a cell as long as the whole text, so an over-long cell becomes
    a problem naming its row and column (checked against MAX_CELL_CHARS) instead of the
    module's error, which names neither."""
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _check_cells(number: int, cells: list[str], table: TableText) -> None:
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            column = table.header[index] if index < len(table.header) else f"#{index + 1}"
            table.problems.append(
                TextProblem(
                    number,
                    column,
                    "cell-size",
                    f"a cell of {len(cell):,} characters, over the limit of {MAX_CELL_CHARS:,}",
                )
            )


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "not UTF-8: the file is UTF-16 (save it as UTF-8)"
    return f"not UTF-8: byte {exc.start} (line {line}) cannot be decoded ({exc.reason})"
