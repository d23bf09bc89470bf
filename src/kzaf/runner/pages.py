"""The two pages of an executed notebook: for readers (prose and results, no code) and for
analysts (with code and errors), each wrapped in the site's shell: navigation, a stamp (run
date, version, data accessed, parameters that differ from the defaults), a table of contents
and how to cite.

nbconvert's ``basic`` template renders the notebook's body (no JupyterLab CSS, no require.js or
MathJax from a third-party host), after :mod:`kzaf.runner.sanitize` made every output inert; the
shell is a jinja2 template with autoescape, so the only unescaped value is that body.
"""

from __future__ import annotations

import html
import re
from typing import Any

from kzaf.report import TITLE_MIME
from kzaf.runner.index import _environment, site_css

ERROR_CELL_TAG = "papermill-error-cell-tag"
ANALYST_TAG = "analyst"  # a cell about the code (e.g. "the cell below..."): not on reader pages
_H2 = re.compile(r'<h2 id="(?P<id>[^"]+)">(?P<text>.*?)</h2>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def table_of_contents(body: str) -> list[dict[str, str]]:
    """The page's sections: every level-2 heading, with the id nbconvert gave it."""
    entries = []
    for match in _H2.finditer(body):
        text = html.unescape(_TAGS.sub("", match["text"])).replace("¶", "").strip()
        entries.append({"id": html.unescape(match["id"]), "text": text})
    return entries


def for_readers(notebook: Any, title: str | None = None) -> Any:
    """The notebook as readers get it: papermill's error banner and tracebacks removed (the
    shell says in one sentence what failed and links the analyst page)."""
    import copy

    reader = copy.deepcopy(notebook)
    reader.cells = [
        c
        for c in reader.cells
        if not {ERROR_CELL_TAG, ANALYST_TAG} & set(c.get("metadata", {}).get("tags", []))
    ]
    for cell in reader.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if _for_readers(o)]
    if title:
        _retitle(reader, title)
    return reader


def _for_readers(output: Any) -> bool:
    """Errors and stderr (warnings) are for analysts; an output that shows nothing (a kzaf
    payload with an empty text form) would leave an empty box."""
    kind = output.get("output_type")
    if kind == "error" or (kind == "stream" and output.get("name") == "stderr"):
        return False
    if kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        if TITLE_MIME in data:  # the opening cell carries the title (_retitle)
            return False
        shown = [v for k, v in data.items() if not k.startswith("application/vnd.kzaf")]
        return any(("".join(v) if isinstance(v, list) else str(v)).strip() for v in shown)
    return True


def _retitle(notebook: Any, title: str) -> None:
    """The first heading of the opening Markdown cell becomes the title for the parameters."""
    from kzaf.text.escape import escape_markdown

    for cell in notebook.cells:
        if cell.get("cell_type") == "markdown":
            lines = cell.source.splitlines()
            if lines and lines[0].startswith("# "):
                cell.source = "\n".join([f"# {escape_markdown(title)}", *lines[1:]])
            return


def failure_sentence(error: dict[str, Any] | None) -> str:
    if not error:
        return ""
    where = f" at step {error['cell']}" if error.get("cell") is not None else ""
    return (
        f"This notebook stopped{where} with an error ({error.get('ename', 'error')}), so the "
        "page below is incomplete: the results after that point are missing."
    )


def render(
    body: str,
    *,
    view: str,
    title: str,
    page: dict[str, Any],
    error: dict | None,
    catalogue: dict[str, Any] | None = None,
) -> str:
    """A whole page around nbconvert's ``body``; ``page`` is the job's site context. On the
    reader page, sources are numbered references (``catalogue``: :func:`source_catalogue`)."""
    from markupsafe import Markup

    references: list[dict[str, str]] = []
    if view == "reader" and catalogue:
        body, references = cite_sources(body, catalogue)
    stem = page.get("stem", "")
    other = (
        {"href": f"{stem}.code.html", "label": "with code"}
        if view == "reader"
        else {"href": f"{stem}.html", "label": "for readers"}
    )
    return (
        _environment()
        .get_template("page.html.j2")
        .render(
            css=site_css(),
            view=view,
            title=title,
            nav=page.get("nav", {"index": "../../index.html"}),
            stamp=page.get("stamp", {}),
            other_view=other,
            failure=failure_sentence(error),
            toc=table_of_contents(body),
            references=references,
            body=Markup(body),
        )
    )


# ---------------------------------------------------------------------------------------------
# Sources as numbered references

RECORD_ID = re.compile(r"\b[A-Z]{2,4}-\d{3}\b")
# Notes point at the research leads they came from, e.g. "(KZAF-078)": an analyst's trail,
# not a source (the note's figure is cited through its own record), so readers do not see it.
LEAD_REFERENCE = re.compile(r"\s*\((?:KZAF-\d{3}[,;]?\s*)+\)")
_TAG_OR_TEXT = re.compile(r"(<[^>]+>)")


def source_catalogue(data_dir: Any) -> dict[str, Any]:
    """Record id -> source id, and source id -> its citation (publisher, title, date, URL),
    read from the data tables with the csv module (the worker stays free of pandas here)."""
    import csv
    from pathlib import Path

    folder = Path(data_dir)
    records: dict[str, str] = {}
    sources: dict[str, dict[str, str]] = {}
    for table in sorted(folder.glob("*.csv")):
        with table.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            if table.name == "sources.csv":
                sources = {row["source_id"]: row for row in reader}
                continue
            id_column = next((f for f in fields if f.endswith("_id") and f != "source_id"), None)
            if id_column and "source_id" in fields:
                for row in reader:
                    if row.get(id_column) and row.get("source_id"):
                        records[row[id_column]] = row["source_id"]
    return {"records": records, "sources": sources}


def cite_sources(body: str, catalogue: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """Record ids and source ids in the page's text become numbered links to a reference list
    (publisher, title, date, URL); readers never see internal ids. Tags and attributes are
    left alone: only text between tags is rewritten."""
    records, sources = catalogue.get("records", {}), catalogue.get("sources", {})
    numbers: dict[str, int] = {}

    def number(source_id: str) -> str:
        if source_id not in numbers:
            numbers[source_id] = len(numbers) + 1
        n = numbers[source_id]
        return f'<a class="ref" href="#ref-{n}">[{n}]</a>'

    def in_text(match: re.Match[str]) -> str:
        token = match[0]
        source_id = records.get(token) or (token if token in sources else None)
        return number(source_id) if source_id else token

    longest_first = sorted(sources, key=len, reverse=True)  # no slug cut inside a longer one
    alternatives = "|".join(map(re.escape, longest_first))
    source_pattern = re.compile(rf"\b({alternatives})\b") if sources else None
    parts = _TAG_OR_TEXT.split(body)
    for i, part in enumerate(parts):
        if not part or part.startswith("<"):
            continue
        text = RECORD_ID.sub(in_text, LEAD_REFERENCE.sub("", part))
        if source_pattern is not None:
            text = source_pattern.sub(in_text, text)
        parts[i] = text
    references = []
    for source_id, n in sorted(numbers.items(), key=lambda item: item[1]):
        row = sources.get(source_id, {})
        references.append(
            {
                "n": str(n),
                "publisher": row.get("publisher", ""),
                "title": row.get("title", source_id),
                "date": row.get("publication_date", ""),
                "url": row.get("url", ""),
            }
        )
    return "".join(parts), references
