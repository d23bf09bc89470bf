"""Escaping of text from data, parameters or the environment before it reaches a reader.

One rule: a value that did not come from the project's own code is escaped where it meets
Markdown or HTML. These helpers are that rule's only implementation.
"""

from __future__ import annotations

import base64
import html
import re


def escape_html(text: object, *, quote: bool = True) -> str:
    """``text`` as HTML: ``&``, ``<`` and ``>`` become entities, and both quotes unless
    ``quote=False`` (enough between tags, where quotes are inert; attributes need quoting)."""
    return html.escape(str(text), quote=quote)


def data_uri(content: bytes, mime: str) -> str:
    """``content`` as a ``data:`` URI (base64: nothing in it needs escaping in an attribute)."""
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def escape_markdown(text: object) -> str:
    """``text`` safe inside Markdown that is rendered to HTML: markup and Markdown syntax inert.

    HTML-escaping first stops raw tags (Markdown passes inline HTML through); backslash-escaping
    Markdown's punctuation then stops links, emphasis and images built from the value.
    """
    # quote=False: quotes are inert in Markdown text, and an entity such as &#x27; would have
    # its "#" escaped below and then show as written.
    escaped = html.escape(str(text), quote=False)
    out = []
    for char in escaped:
        if char in "\\`*_{}[]()#+!|~":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


# What a rendered page may keep from an output's HTML: text structure, tables, links and
# images; never scripts, styles, forms, frames or event attributes.
SAFE_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
        "del", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
        "details", "summary", "picture", "source",
    }
)  # fmt: skip
# No ``id`` from an output: it could take over the page's own anchors (``#ref-1``).
SAFE_ATTRIBUTES = {
    "*": ["class", "title", "lang"],
    "a": ["href", "title"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
}
IMAGE_ATTRIBUTES = frozenset({"alt", "title", "width", "height"})
# A scrolling table's box may take keyboard focus and carry its name (kzaf.text.tables); no
# other value of these attributes is kept.
_REGION_ATTRIBUTES = {"tabindex": ("0",), "role": ("region",)}
# A chart's phone drawing: <picture><source media="..." srcset="figures/x.phone.svg"><img>.
_MEDIA_QUERY = re.compile(r"^\(max-width: \d{2,4}px\)$")
SAFE_PROTOCOLS = frozenset({"http", "https", "mailto"})
_ACTIVE_BLOCKS = re.compile(r"<(style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def local_image(src: str) -> bool:
    """Whether an image's ``src`` stays inside the run folder: a relative path (a chart under
    ``figures/``), never a URL of another host (a reader's browser would tell it the page
    was opened), a scheme, or an absolute path."""
    value = "".join(html.unescape(src).split())  # browsers ignore whitespace inside URLs
    return bool(value) and not _URL_SCHEME.match(value) and not value.startswith(("/", "\\"))


def _image_attribute(tag: str, name: str, value: str) -> bool:
    if name == "src":
        return local_image(value)
    return name in IMAGE_ATTRIBUTES or name in SAFE_ATTRIBUTES["*"]


def _source_attribute(tag: str, name: str, value: str) -> bool:
    """A <source> in a <picture>: one local image and a plain width query, nothing else."""
    if name == "srcset":
        return local_image(value) and " " not in value.strip() and "," not in value
    return (name == "media" and bool(_MEDIA_QUERY.match(value))) or name == "type"


def _div_attribute(tag: str, name: str, value: str) -> bool:
    if name in _REGION_ATTRIBUTES:
        return value in _REGION_ATTRIBUTES[name]
    return name == "aria-label" or name in SAFE_ATTRIBUTES["*"]


def sanitize_html(fragment: str) -> str:
    """An HTML fragment from a notebook output with everything active made inert.

    Tags outside :data:`SAFE_TAGS` are escaped (shown as text, not run), attributes outside
    :data:`SAFE_ATTRIBUTES` dropped (``id`` among them), links to anything but http(s)/mailto
    removed (no ``javascript:``), images from anywhere but the run folder removed (no request
    to another host), comments dropped. Text from data may reach outputs unescaped through a
    notebook's own Markdown; this is the exporter's second line of defence.
    """
    import bleach  # nbconvert's own dependency; imported here, only the runner renders pages

    # Style and script elements go whole (content included): escaped, their text would
    # show on the page as code.
    fragment = _ACTIVE_BLOCKS.sub("", fragment)
    return bleach.clean(
        fragment,
        tags=SAFE_TAGS,
        attributes={
            **SAFE_ATTRIBUTES,
            "img": _image_attribute,
            "source": _source_attribute,
            "div": _div_attribute,
        },
        protocols=SAFE_PROTOCOLS,
        strip=False,
        strip_comments=True,
    )
