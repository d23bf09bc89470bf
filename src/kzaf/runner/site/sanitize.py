"""Make a notebook's outputs safe to render as a page anyone may open.

Text from data or parameters can reach an output unescaped (a notebook's Markdown built from a
publisher's name, a table of titles). Before a notebook is exported to HTML, every output is
reduced to what cannot run in a reader's browser: HTML and Markdown outputs are rendered and
sanitized (:func:`kzaf.text.escape.sanitize_html`), JavaScript outputs are dropped, and an SVG
that carries a script or an event handler is dropped. Markdown cells are the project's own
committed text and are left as written.
"""

from __future__ import annotations

import re
from typing import Any

from kzaf.text.escape import sanitize_html

_ACTIVE_SVG = re.compile(r"<script|<foreignObject|\bon[a-z]+\s*=|javascript:", re.I)
_DROPPED = ("application/javascript", "text/javascript", "application/vnd.jupyter.widget-view+json")


def _markdown_to_html(markdown: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown)


def sanitize_output_data(data: dict[str, Any]) -> dict[str, Any]:
    """An output's MIME bundle with every renderable form safe; other forms unchanged."""
    clean = {k: v for k, v in data.items() if k not in _DROPPED}
    if "text/html" in clean:
        html = clean["text/html"]
        clean["text/html"] = sanitize_html(html if isinstance(html, str) else "".join(html))
    elif "text/markdown" in clean:
        markdown = clean["text/markdown"]
        markdown = markdown if isinstance(markdown, str) else "".join(markdown)
        # HTML outranks Markdown in the exporter, so the sanitized rendering is what is shown.
        clean["text/html"] = sanitize_html(_markdown_to_html(markdown))
    svg = clean.get("image/svg+xml")
    if svg is not None and _ACTIVE_SVG.search(svg if isinstance(svg, str) else "".join(svg)):
        del clean["image/svg+xml"]
    return clean


def sanitize_notebook(notebook: Any) -> Any:
    """The notebook (an nbformat node, changed in place and returned) with safe outputs."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "data" in output:
                output["data"] = type(output["data"])(sanitize_output_data(dict(output["data"])))
    return notebook
