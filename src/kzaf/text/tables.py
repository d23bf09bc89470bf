"""One way every table reaches a reader: headers in words with units, no row numbers,
thousands separators, decimals that fit, "–" for missing, years as years, at most seven
columns on the page and the whole table as a CSV file beside it.

Why our own small renderer rather than pandas' Styler or great-tables: the rules are few and
fixed, the output must be plain HTML that survives the exporter's sanitizer (no inline styles
or scripts), and neither dependency's default HTML meets the rules without as much code.
Notebooks get it through :func:`kzaf.plots.use_style`, which registers it as the HTML form of
every DataFrame they display; the plain-text form (what nbval compares) is pandas' own.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from kzaf.text.csv_cells import csv_text
from kzaf.text.escape import data_uri, escape_html
from kzaf.text.numbers import MISSING
from kzaf.text.words import words, words_in

if TYPE_CHECKING:  # the runner reads tables without loading pandas
    import pandas as pd

# What one part of a notebook shows: a table, the sentence (Markdown) that stands in its
# place, or nothing (None). kzaf.report.show displays each as it should be seen.
Shown: TypeAlias = "pd.DataFrame | str | None"


def table_or(
    table: pd.DataFrame,
    sentence: str,
    shape: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Shown:
    """``table`` as shown (through ``shape``: columns chosen, rounded), or ``sentence`` in its
    place when the table is empty: a reader never meets an empty table."""
    if not len(table):
        return sentence
    return shape(table) if shape is not None else table


MAX_COLUMNS = 7
# A longer table is folded: the page keeps its story, the rows stay one click (or the CSV) away.
MAX_ROWS_SHOWN = 12
# Column-name endings that carry a unit: the reader sees the unit in words.
UNITS = {
    "_usd_m": "USD million",
    "_usd": "USD",
    "_pct": "%",
    "_kt": "thousand tonnes",
    "_t": "tonnes",
    "_km": "km",
    "_s": "seconds",
}
WORDS = {
    "obs_id": "record",
    "event_id": "record",
    "indicator_id": "record",
    "source_id": "source",
    "n": "number",
    "yoy": "year on year",
    "claim_id": "claim",
    "risk_id": "risk",
    "period_label": "period",
    "n_figures": "figures",
    "n_sources": "sources",
    "n_risks": "risks scored",
    "value_min": "lowest",
    "value_max": "highest",
}


def header(name: object) -> str:
    """``preferred_usd_m`` -> "preferred (USD million)"; ``period_label`` -> "period label"."""
    text = str(name)
    if text in WORDS:
        return WORDS[text]
    for ending, unit in UNITS.items():
        if text.endswith(ending) and len(text) > len(ending):
            return f"{text[: -len(ending)].replace('_', ' ')} ({unit})"
    if "_" in text:
        return words_in(text.replace("_", " "))
    return words_in(words(text))  # a code with a name: a risk's id, a country's ISO3 code


def _is_year(name: str, values: list[Any]) -> bool:
    numbers = [v for v in values if isinstance(v, int | float) and not _missing(v)]
    return (
        bool(numbers)
        and ("year" in name.lower() or name.lower() in ("from", "to", "base", "reached in"))
        and all(float(v).is_integer() and 1800 <= v <= 2200 for v in numbers)
    )


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def cell(value: Any, year: bool = False) -> str:
    """One value as text: "–" when missing, years without separators, numbers to fit."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if _missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if math.isinf(value):
            return MISSING
        if year and float(value).is_integer():
            return str(int(value))
        return words_in(_number(value))
    if isinstance(value, list | tuple | set):
        return ", ".join(cell(v) for v in value)
    return words_in(words(value))


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    size = abs(value)
    if size >= 100:
        return f"{value:,.1f}"
    if size >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


# A full table this small rides inside the notebook as a data link when no folder for side
# files is known (see kzaf.paths); a larger one is left out rather than bloat every notebook.
MAX_EMBEDDED_CSV_BYTES = 64_000


def _csv_path(frame: Any) -> Path | None:
    """Where the full table goes: beside the notebook's charts, named by its content; None
    when no folder for side files is known."""
    from kzaf.paths import side_files_dir

    folder = side_files_dir()
    if folder is None:
        return None
    content = _frame_csv(frame)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]
    path = Path(folder) / f"table-{digest}.csv"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(content, encoding="utf-8", newline="")
    except OSError:
        return None
    return path


def _csv_link(frame: Any) -> str:
    """A link to the full table: its file when one is written, else the table itself as a
    data link when it is small, else nothing."""
    path = _csv_path(frame)
    if path is not None:
        from urllib.parse import quote

        relative = Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()
        return f'<a href="{escape_html(quote(relative))}">full table (CSV)</a>'
    content = _frame_csv(frame).encode("utf-8")
    if len(content) > MAX_EMBEDDED_CSV_BYTES:
        return ""
    return f'<a href="{data_uri(content, "text/csv")}" download="table.csv">full table (CSV)</a>'


def _frame_csv(frame: Any) -> str:
    """The whole table as CSV (its index too, unless a plain row count), text cells
    neutralised for spreadsheets (:mod:`kzaf.text.csv_cells`)."""
    data = frame if _plain_index(frame) else frame.reset_index()
    return csv_text(data.columns, data.itertuples(index=False, name=None))


def _plain_index(frame: Any) -> bool:
    import pandas as pd

    return isinstance(frame.index, pd.RangeIndex) and frame.index.name is None


def reader_table(frame: Any, max_columns: int = MAX_COLUMNS, download: bool = True) -> str:
    """A DataFrame as a reader-grade HTML table (everything escaped)."""
    data = _without_repeats(frame if _plain_index(frame) else frame.reset_index())
    columns = [str(c) for c in data.columns]
    shown = columns[:max_columns]
    rows = data.astype(object).where(data.notna(), None).values.tolist()
    years = {c: _is_year(c, [r[i] for r in rows]) for i, c in enumerate(columns)}
    numeric = {
        c: all(isinstance(r[i], int | float) or r[i] is None for r in rows)
        for i, c in enumerate(columns)
    }
    align = {c: ' class="num"' if numeric[c] and not years[c] else "" for c in columns}
    head = "".join(f'<th scope="col"{align[c]}>{escape_html(header(c))}</th>' for c in shown)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{align[c]}>{escape_html(cell(row[i], years[c]))}</td>" for i, c in enumerate(shown)
        )
        + "</tr>"
        for row in rows
    )
    notes = []
    if len(columns) > len(shown):
        notes.append(f"{len(columns) - len(shown)} more columns in the full table")
    if download:
        link = _csv_link(frame)
        if link:
            notes.append(link)
    note = f'<p class="table-note">{" · ".join(notes)}</p>' if notes else ""
    # A table wider than the screen scrolls in its box: the box takes keyboard focus and is
    # named, so it can be scrolled without a mouse (WCAG 2.1.1).
    label = escape_html(scroll_label([header(c) for c in shown]))
    table = (
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{label}">'
        f'<table class="reader"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )
    if len(rows) > MAX_ROWS_SHOWN:
        table = f"<details><summary>Show the table ({len(rows)} rows)</summary>{table}</details>"
    return table + note


def _without_repeats(data: Any) -> Any:
    """The table without a column that reads, cell for cell, as another one does: a risk's
    id shown in words beside the risk's name."""
    seen: dict[tuple[str, ...], str] = {}
    repeated = []
    for column in data.columns:
        if not all(isinstance(v, str) for v in data[column]):
            continue  # numbers that happen to agree (a low and a high) are not repeats
        text = tuple(cell(v) for v in data[column])
        if text in seen:
            repeated.append(column if "id" not in str(seen[text]) else seen[text])
        else:
            seen[text] = str(column)
    return data.drop(columns=repeated) if repeated else data


def scroll_label(headers: list[str]) -> str:
    """A table's name for assistive technology, from its first columns."""
    named = ", ".join(headers[:3])
    more = f" and {len(headers) - 3} more" if len(headers) > 3 else ""
    return f"Table of {named}{more}"


def register() -> None:
    """Make :func:`reader_table` the HTML form of every DataFrame shown in this kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    import pandas as pd

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, reader_table)
