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

from kzaf.runner.index import _environment, site_css

ERROR_CELL_TAG = "papermill-error-cell-tag"
_H2 = re.compile(r'<h2 id="(?P<id>[^"]+)">(?P<text>.*?)</h2>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def table_of_contents(body: str) -> list[dict[str, str]]:
    """The page's sections: every level-2 heading, with the id nbconvert gave it."""
    entries = []
    for match in _H2.finditer(body):
        text = html.unescape(_TAGS.sub("", match["text"])).replace("¶", "").strip()
        entries.append({"id": html.unescape(match["id"]), "text": text})
    return entries


def for_readers(notebook: Any) -> Any:
    """The notebook as readers get it: papermill's error banner and tracebacks removed (the
    shell says in one sentence what failed and links the analyst page)."""
    import copy

    reader = copy.deepcopy(notebook)
    reader.cells = [
        c for c in reader.cells if ERROR_CELL_TAG not in c.get("metadata", {}).get("tags", [])
    ]
    for cell in reader.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
    return reader


def failure_sentence(error: dict[str, Any] | None) -> str:
    if not error:
        return ""
    where = f" in its section {error['cell']}" if error.get("cell") is not None else ""
    return (
        f"This notebook stopped{where} with an error ({error.get('ename', 'error')}), so the "
        "page below is incomplete: the results after that point are missing."
    )


def render(body: str, *, view: str, title: str, page: dict[str, Any], error: dict | None) -> str:
    """A whole page around nbconvert's ``body``; ``page`` is the job's site context."""
    from markupsafe import Markup

    stem = page.get("stem", "")
    other = (
        {"href": f"{stem}.code.html", "label": "with code"}
        if view == "reader"
        else {"href": f"{stem}.html", "label": "for readers"}
    )
    return _environment().get_template("page.html.j2").render(
        css=site_css(),
        view=view,
        title=title,
        nav=page.get("nav", {"index": "../../index.html"}),
        stamp=page.get("stamp", {}),
        other_view=other,
        failure=failure_sentence(error),
        toc=table_of_contents(body),
        body=Markup(body),
    )
