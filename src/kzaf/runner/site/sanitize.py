"""Make a notebook's outputs safe to render as a page anyone may open.

Text from data or parameters can reach an output unescaped (a notebook's Markdown built from a
publisher's name, a table of titles). Before a notebook is exported to HTML, every output is
reduced to what cannot run in a reader's browser: HTML and Markdown outputs are rendered and
sanitized (:func:`kzaf.text.escape.sanitize_html`), JavaScript outputs are dropped, and an SVG
that carries a script or an event handler is dropped. Markdown cells are the project's own
committed text and are left as written.

An output's metadata reaches the page too, and nbconvert writes some of it into attributes
without quotes (``width=<value>``): ``IPython.display.Image(width="1 onload=...")`` would be a
live event handler. So outputs keep only the fields of their kind (nbformat's), and their
metadata only a numeric ``width`` and ``height`` per image type: no ``filenames`` (an image
from another host), no ``isolated`` (a frame), nothing written unquoted.
"""

from __future__ import annotations

import math
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


# The fields each kind of output has in nbformat 4; anything else is dropped.
OUTPUT_FIELDS = {
    "stream": {"output_type", "name", "text"},
    "display_data": {"output_type", "data", "metadata"},
    "execute_result": {"output_type", "data", "metadata", "execution_count"},
    "error": {"output_type", "ename", "evalue", "traceback"},
}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
MAX_PIXELS = 10_000  # a width or height beyond this is no display size


def _size(value: Any) -> int | None:
    """A width or height as a whole number of pixels, or None (dropped)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not 0 < value <= MAX_PIXELS:
        return None
    return round(value)


def sanitize_metadata(metadata: Any) -> dict[str, dict[str, int]]:
    """Per image type, a numeric ``width`` and ``height`` (when valid); nothing else."""
    clean: dict[str, dict[str, int]] = {}
    if not isinstance(metadata, dict):
        return clean
    for mime in IMAGE_TYPES:
        given = metadata.get(mime)
        if not isinstance(given, dict):
            continue
        sizes = {k: _size(given.get(k)) for k in ("width", "height")}
        kept = {k: v for k, v in sizes.items() if v is not None}
        if kept:
            clean[mime] = kept
    return clean


def sanitize_output(output: Any) -> dict[str, Any] | None:
    """An output with only its kind's fields, safe data and allow-listed metadata (None: an
    output of no known kind, dropped)."""
    fields = OUTPUT_FIELDS.get(output.get("output_type"))
    if fields is None:
        return None
    clean = {k: v for k, v in output.items() if k in fields}
    if "data" in clean:
        clean["data"] = sanitize_output_data(dict(clean["data"]))
    if "metadata" in clean:
        clean["metadata"] = sanitize_metadata(clean["metadata"])
    return clean


def sanitize_notebook(notebook: Any) -> Any:
    """The notebook (an nbformat node, changed in place and returned) with safe outputs."""
    import nbformat

    for cell in notebook.cells:
        if "outputs" not in cell:
            continue
        kept = [sanitize_output(output) for output in cell.outputs]
        cell.outputs = [nbformat.from_dict(output) for output in kept if output is not None]
    return notebook
