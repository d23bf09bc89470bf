"""Escaping of text from data, parameters or the environment before it reaches a reader.

One rule: a value that did not come from the project's own code is escaped where it meets
Markdown or HTML. These helpers are that rule's only implementation.
"""

from __future__ import annotations

import html


def escape_html(text: object, *, quote: bool = True) -> str:
    """``text`` as HTML: ``&``, ``<`` and ``>`` become entities, and both quotes unless
    ``quote=False`` (enough between tags, where quotes are inert; attributes need quoting)."""
    return html.escape(str(text), quote=quote)


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
