"""The two pages of an executed notebook: for readers (prose and results, no code) and for
analysts (with code and errors), each wrapped in the site's shell: navigation, a stamp (run
date, version, data accessed, parameters that differ from the defaults), a table of contents
and how to cite.

nbconvert's ``basic`` template renders the notebook's body (no JupyterLab CSS, no require.js or
MathJax from a third-party host), after :mod:`kzaf.runner.site.sanitize` made every output
inert; the shell is a jinja2 template with autoescape, so the only unescaped value is that body.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from typing import Any

from kzaf.report import TITLE_MIME
from kzaf.runner.site.references import cite_sources
from kzaf.runner.site.shell import LICENCE, environment, site_css
from kzaf.text.words import date_words, ordinal

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
    reader page, sources are numbered references (``catalogue``:
    :func:`kzaf.runner.site.references.source_catalogue`)."""
    from markupsafe import Markup

    references: list[dict[str, str]] = []
    body = unique_region_labels(body)
    if view == "reader" and catalogue:
        body, references = cite_sources(body, catalogue)
    stem = page.get("stem", "")
    other = (
        {"href": f"{stem}.code.html", "label": "with code"}
        if view == "reader"
        else {"href": f"{stem}.html", "label": "for readers"}
    )
    return (
        environment()
        .get_template("page.html.j2")
        .render(
            css=site_css(),
            licence=LICENCE,
            meta={"title": f"{title} · kzaf", "description": description(body), "type": "article"},
            body_class=view,
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


# A table's scroll region, whatever order the sanitizer left its attributes in.
_REGION_LABEL = re.compile(r'(<div\b[^>]*?\baria-label=")([^"]*)("[^>]*>)')


def unique_region_labels(body: str) -> str:
    """Each table's scroll region named once on its page: a second table with the same
    columns becomes "..., second table" (screen readers list regions by name, and axe-core's
    landmark-unique rule asks that two never share one)."""
    seen: dict[str, int] = {}

    def renamed(match: re.Match[str]) -> str:
        label = match[2]
        if 'role="region"' not in match[0]:
            return match[0]
        seen[label] = seen.get(label, 0) + 1
        if seen[label] == 1:
            return match[0]
        return f"{match[1]}{label}, {ordinal(seen[label])} table{match[3]}"

    return _REGION_LABEL.sub(renamed, body)


_FIRST_PARAGRAPH = re.compile(r"<h1[^>]*>.*?</h1>.*?<p>(?P<text>.*?)</p>", re.S)
DESCRIPTION_LIMIT = 240  # characters: what link previews show of a description


def description(body: str) -> str:
    """The page's description for search results and link previews: the paragraph under its
    title (the notebook's question), cut at a word near :data:`DESCRIPTION_LIMIT`."""
    match = _FIRST_PARAGRAPH.search(body)
    if not match:
        return "A kzaf research notebook on Kazakhstan–Afghanistan trade."
    text = " ".join(html.unescape(_TAGS.sub("", match["text"])).split())
    text = text.removeprefix("Question.").strip()
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    return text[:DESCRIPTION_LIMIT].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def page_contexts(
    jobs: Sequence[Any], run_id: str, started: dt.datetime, commit: str, accessed: str
) -> dict[int, dict[str, Any]]:
    """Per job (by position in ``jobs``, each with ``set_name``, ``notebook.stem``,
    ``notebook.title`` and ``overrides``): links to the index and to the previous and next
    notebook of the same set, and the stamp every page carries."""
    from kzaf import __version__

    context = {}
    for index, job in enumerate(jobs):
        siblings = sorted(
            (j for j in jobs if j.set_name == job.set_name), key=lambda j: j.notebook.stem
        )
        at = siblings.index(job)
        context[index] = {
            "nav": {
                "index": "../../index.html",
                "prev": _link(siblings[at - 1]) if at > 0 else None,
                "next": _link(siblings[at + 1]) if at + 1 < len(siblings) else None,
            },
            "stamp": {
                "run_id": run_id,
                "run_date": f"{date_words(f'{started:%Y-%m-%d}')}, {started:%H:%M} UTC",
                "version": __version__,
                "commit": commit,
                "data_accessed": date_words(accessed),
                "changed": ", ".join(f"{k} = {v}" for k, v in job.overrides.items()),
            },
        }
    return context


def _link(job: Any) -> dict[str, str]:
    stem = job.notebook.stem
    return {"href": f"../{stem}/{stem}.html", "title": job.notebook.title}
