"""Escaping of text from data, parameters or the environment before it reaches a reader.

One rule: a value that did not come from the project's own code is escaped where it meets
Markdown or HTML. These helpers are that rule's only implementation.
"""

from __future__ import annotations

import html


def escape_html(text: object) -> str:
    """``text`` as HTML text: ``&``, ``<``, ``>`` and both quotes become entities."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: object) -> str:
    """``text`` safe inside Markdown that is rendered to HTML: markup and Markdown syntax inert.

    HTML-escaping first stops raw tags (Markdown passes inline HTML through); backslash-escaping
    Markdown's punctuation then stops links, emphasis and images built from the value.
    """
    escaped = html.escape(str(text), quote=True)
    out = []
    for char in escaped:
        if char in "\\`*_{}[]()#+!|~":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)
